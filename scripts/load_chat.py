"""Load benchmark (not a test; loopback only, bounded): concurrent 3-turn conversations against `kakari serve`.

Starts `kakari serve --no-ui --workers N` on a free loopback port, warms every worker, then runs
``--conversations`` conversations of three turns (a search with a place, a refinement, a document question) with
``--concurrency`` at a time. Prints errors, p50/p95 per turn, the same run again while long (1,000-character)
questions keep arriving, and the server's memory (RSS of its processes); writes JSON.

    .venv/bin/python scripts/load_chat.py --workers 2 --conversations 200 --concurrency 50
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

PLACES = ("高知市", "南国市", "香美市", "土佐市", "いの町", "練馬区", "世田谷区", "八王子市", "杉並区", "中野区")
SEARCHES = ("で24時間往診してくれる診療所", "で訪問診療をしている医療機関", "で急変時に入院させてくれる病院",
            "でケアマネと連携している診療所", "で看取りまでしてくれる医療機関")
REFINES = ("その中でACPもしているのは？", "病院だけにして", "もっと見せて")
DOCUMENTS = ("協議の場はどの単位で開くの？", "報告の基準日はいつ？", "報告しなかったら罰則はある？",
             "患者への説明はどんな医療機関が対象？", "コーディネーターに資格は必要？")
LONG = ("母の在宅医療のことで相談です。退院してから自宅で過ごしていますが、夜に具合が悪くなることがあり、"
        "往診してくれる診療所や、急変したときに入院できる病院を探しています。") * 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))] if ordered else 0.0


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MiB), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        status = Path(f"/proc/{p}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


class Run:
    """Timings and errors of one phase."""

    def __init__(self) -> None:
        self.turns: dict[int, list[float]] = {1: [], 2: [], 3: []}
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def summary(self) -> dict[str, object]:
        return {"errors": len(self.errors), "first_errors": self.errors[:5], **{
            f"turn{n}": {"n": len(v), "p50_ms": round(statistics.median(v), 1) if v else None,
                         "p95_ms": round(percentile(v, 0.95), 1)} for n, v in self.turns.items()}}


def conversation(client: httpx.Client, run: Run, seed: int) -> None:
    rnd = random.Random(seed)
    messages = (rnd.choice(PLACES) + rnd.choice(SEARCHES), rnd.choice(REFINES), rnd.choice(DOCUMENTS))
    session = None
    for n, message in enumerate(messages, start=1):
        started = time.perf_counter()
        try:
            response = client.post("/api/chat", json={"message": message, "session_id": session})
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}: {response.text[:100]}")
            data = response.json()
            if session is not None and data["session_id"] != session:
                raise RuntimeError("the conversation lost its session")
            session = data["session_id"]
            with run.lock:
                run.turns[n].append(elapsed)
        except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
            with run.lock:
                run.errors.append(f"turn {n}: {exc}")
            return


def phase(base: str, conversations: int, concurrency: int, long_questions: bool, seed: int) -> tuple[Run, int]:
    run, stop, sent = Run(), threading.Event(), [0]
    limits = httpx.Limits(max_connections=concurrency + 2)
    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:

        def long_stream() -> None:
            while not stop.is_set():
                client.post("/api/chat", json={"message": LONG[:1000]})
                sent[0] += 1

        streamer = threading.Thread(target=long_stream) if long_questions else None
        if streamer:
            streamer.start()
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda i: conversation(client, run, seed + i), range(conversations)))
        stop.set()
        if streamer:
            streamer.join()
    return run, sent[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--data-dir", type=Path, default=None, help="既定: KAKARI_DATA_DIR か一時フォルダ")
    parser.add_argument("--out", type=Path, default=Path("load_chat.json"))
    args = parser.parse_args()
    data_dir = args.data_dir or Path(os.environ.get("KAKARI_DATA_DIR") or tempfile.mkdtemp(prefix="kakari-load-"))
    port = free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(data_dir)}
    kakari = Path(sys.executable).with_name("kakari")
    server = subprocess.Popen([str(kakari), "serve", "--no-ui", "--workers", str(args.workers), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(600):  # every worker loads its own indexes: warm until answers come back quickly
                try:
                    started = time.perf_counter()
                    if client.post("/api/chat", json={"message": "報告の基準日は？"}).status_code == 200 \
                            and time.perf_counter() - started < 0.5:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            for _ in range(4 * args.workers):
                client.post("/api/chat", json={"message": "高知市で往診してくれる診療所"})
        # a first, discarded phase fills the caches (query vectors, semantic layer, tokenizer) for the small set
        # of messages, so the two measured phases meet the same warm server and differ only in the long questions
        phase(base, args.conversations, args.concurrency, long_questions=False, seed=200_000)
        plain, _ = phase(base, args.conversations, args.concurrency, long_questions=False, seed=0)
        loaded, long_sent = phase(base, args.conversations, args.concurrency, long_questions=True, seed=100_000)
        result = {
            "workers": args.workers, "conversations": args.conversations, "concurrency": args.concurrency,
            "plain": plain.summary(), "with_long_questions": {**loaded.summary(), "long_questions_sent": long_sent},
            "server_rss_mb": round(rss_mb(server.pid), 1),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    p95 = [result["plain"][f"turn{n}"]["p95_ms"] for n in (1, 2, 3)]  # type: ignore[index]
    p95_long = [result["with_long_questions"][f"turn{n}"]["p95_ms"] for n in (1, 2, 3)]  # type: ignore[index]
    print(f"{args.conversations} conversations × 3 turns, {args.concurrency} at a time, {args.workers} workers")
    print(f"errors: {result['plain']['errors']} (plain), {result['with_long_questions']['errors']} (with long)")  # type: ignore[index]
    print(f"p95 per turn (ms): {p95}; while 1,000-character questions arrive ({long_sent} sent): {p95_long}")
    print(f"server RSS: {result['server_rss_mb']} MiB")
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

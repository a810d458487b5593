"""Benchmark (not a test): warm the assistant up, then time `ask` over a set of questions; prints and writes JSON."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from assistant.service import Assistant
from assistant.session import make_session_store
from corpus.settings import load_settings

QUESTIONS: tuple[tuple[str, str | None], ...] = (
    ("高知市で24時間往診してくれる診療所", None),
    ("夜中でも来てくれるお医者さんを近くで", "780-0870"),
    ("急変したときに入院させてくれる病院を練馬区で", None),
    ("世田谷区でケアマネと連携している診療所", None),
    ("看取りまでしてくれる医療機関を南国市で", None),
    ("認知症を診てくれるクリニックを近くで", "高知市"),
    ("梼原町で自院で24時間の在宅医療をしている病院", None),
    ("八王子市でACPに取り組んでいる病院", None),
    ("協議はどの単位で開くの？", None),
    ("かかりつけ医機能報告制度の目的は何ですか", None),
    ("過疎地域で在宅医療を確保した取組事例はありますか", None),
    ("報告の対象となる医療機関は？", None),
    ("胸が痛くて息が苦しい", None),
    ("この薬を2錠飲んでもいい？", None),
)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))]


def main() -> None:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("bench_ask.json"))
    args = parser.parse_args()
    settings = load_settings(None, os.environ)
    # Sessions go to a throw-away folder; the text index is reused from the configured data dir.
    sessions = Path(tempfile.mkdtemp(prefix="kakari-bench-"))
    assistant = Assistant(settings)
    assistant.sessions = make_session_store("sqlite", sessions)
    started = time.perf_counter()
    assistant.warm_up()
    assistant.ask("高知市で往診してくれる診療所")
    warm_s = time.perf_counter() - started
    times: list[float] = []
    first: dict[str, list[float]] = {"document": [], "other": []}  # each question's first ask (no cached vector)
    for round_ in range(args.rounds):
        for question, location in QUESTIONS:
            t0 = time.perf_counter()
            answer = assistant.ask(question, location=location)
            elapsed = (time.perf_counter() - t0) * 1000
            times.append(elapsed)
            if round_ == 0:
                first["document" if answer.intent == "guideline" else "other"].append(elapsed)
    result = {
        "questions": len(QUESTIONS), "rounds": args.rounds, "warm_up_s": round(warm_s, 3),
        "p50_ms": round(statistics.median(times), 2), "p95_ms": round(percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2), "embedder": settings.retrieval.embedder,
        "first_ask_ms": {kind: {"n": len(v), "p50": round(statistics.median(v), 2), "max": round(max(v), 2)}
                         for kind, v in first.items() if v},
        "settings": dataclasses.asdict(settings.assistant),
    }
    print(f"ask latency after warm-up: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms "
          f"(n={len(times)}, warm-up {result['warm_up_s']} s, embedder {result['embedder']})")
    for kind, row in result["first_ask_ms"].items():  # type: ignore[union-attr]
        print(f"first ask of each {kind} question (query vector not yet cached): "
              f"p50 {row['p50']} ms, max {row['max']} ms (n={row['n']})")
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

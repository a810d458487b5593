"""Benchmark the facility store at 2.9k / 30k / 120k records against the record scan it replaced.

    .venv/bin/python scripts/bench_store.py [--sizes 2895,30000,120000] [--out docs/benchmarks/store.json]

Per size: activation of a dataset (save + column build, in a child process: time and peak RSS), opening saved
columns (child process: time and RSS), ~30 varied searches (1–3 conditions, half around a point, the same
for both engines) with the store and with the old scan over in-memory records, ``get`` by id, the regional
aggregation of a prefecture, and the longest garbage-collection pause seen while searching. For the largest
size, ``kakari serve`` on that dataset: seconds until /api/health says ready, POST /api/chat p50/p95 and the
server's RSS (``--serve-index DIR`` copies a built text index so its first build is not counted). The data is the
national fictional sample (:mod:`corpus.sample_national`); 2,895 is the shipped sample. Prints a table and
writes JSON. Not a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.regional import INDICATORS, Level, regional_table  # noqa: E402
from corpus.dataset import load_sample, save_dataset  # noqa: E402
from corpus.facility import Facility  # noqa: E402
from corpus.geo import haversine_km  # noqa: E402
from corpus.municipalities import by_code  # noqa: E402
from corpus.sample_national import NATIONAL_CLINICS, NATIONAL_HOSPITALS, generate_national  # noqa: E402
from retrieval.facility_search import search_facilities  # noqa: E402
from retrieval.filters import FacilityFilter, make_filter  # noqa: E402
from retrieval.store import ColumnStore, DatasetInfo, active_path  # noqa: E402

CONDITIONS: tuple[tuple[str, str | None], ...] = (
    ("home_care_24h", None), ("home_care", None), ("acp", None), ("backup_beds", None),
    ("off_hours", "self_anytime"), ("home_deaths", None), ("care_collab", None), ("vaccinations", None),
    ("kind", "clinic"), ("kind", "hospital"), ("cooperating_facility", None), ("function1", None),
    ("home_visits", None), ("discharge_rules", None), ("checkups", None), ("disease", "糖尿病"),
)


def _filter(spec: tuple[str, str | None]) -> FacilityFilter:
    return make_filter(spec[0], spec[1])


def _queries(records: list[Facility], n: int = 30) -> list[tuple[list[FacilityFilter], tuple[float, float] | None,
                                                                   tuple[str, ...]]]:
    rng = random.Random(20261203)
    codes = sorted({f.municipality_code for f in records})
    out = []
    for i in range(n):
        picked = rng.sample(CONDITIONS, rng.randint(1, 3))
        if sum(name == "kind" for name, _ in picked) > 1:
            picked = [c for c in picked if c[0] != "kind"] + [("kind", "clinic")]
        filters = [_filter(c) for c in picked]
        m = by_code(rng.choice(codes))
        if i % 2 and m is not None:
            out.append((filters, (m.lat, m.lng), ()))
        else:
            out.append((filters, None, (m.code,) if m is not None and i % 4 == 0 else ()))
    return out


def _scan(records: list[Facility], filters: list[FacilityFilter], point: tuple[float, float] | None,
          codes: tuple[str, ...], steps: tuple[float, ...] = (2.0, 5.0, 10.0, 20.0)) -> int:
    """The search as it was before the store: test every record, then distance to every match, then sort."""
    matched = [f for f in records if all(x.test(f) for x in filters)]
    if codes:
        matched = [f for f in matched if f.municipality_code in codes]
    if point is None:
        return len(sorted(matched, key=lambda f: f.id)[:10])
    located = sorted(((haversine_km(point, (f.lat, f.lng)), f) for f in matched if f.lat is not None),
                     key=lambda p: (p[0], p[1].id))
    for radius in steps:
        within = [p for p in located if p[0] <= radius]
        if len(within) >= 3:
            return len(within[:10])
    return 0


def _ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    return {"p50": round(statistics.median(values) * 1000, 3),
            "p95": round(values[min(len(values) - 1, int(len(values) * 0.95))] * 1000, 3),
            "max": round(values[-1] * 1000, 3)}


def _child(mode: str, folder: str, size: int) -> dict[str, float]:
    """Run the import or the open in a fresh process (time and peak RSS of that process alone)."""
    out = subprocess.run([sys.executable, __file__, "--child", mode, folder, str(size)], capture_output=True,
                         text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _records(size: int) -> list[Facility]:
    if size <= 3000:
        return list(load_sample().records)
    return list(generate_national(scale=size / (NATIONAL_CLINICS + NATIONAL_HOSPITALS)))


def child_main(mode: str, folder: str, size: int) -> None:
    if mode == "import":
        records = _records(size)
        started = time.perf_counter()
        save_dataset(Path(folder), records, "bench", sample=True)
        del records
        store = ColumnStore.open(active_path(Path(folder)))
        elapsed = time.perf_counter() - started
        result = {"seconds": round(elapsed, 2), "records": len(store)}
    else:
        started = time.perf_counter()
        store = ColumnStore.open(active_path(Path(folder)))
        store.get(str(store.columns.ids[0]))
        result = {"seconds": round(time.perf_counter() - started, 3), "records": len(store)}
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result))


def bench(size: int, serve_index: Path | None = None, serve: bool = False) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        imported = _child("import", tmp, size)
        opened = _child("open", tmp, size)
        store = ColumnStore.open(active_path(Path(tmp)))
        records = list(store.records())
        queries = _queries(records)
        pauses: list[float] = []
        marks: dict[str, float] = {}

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                marks["t"] = time.perf_counter()
            elif "t" in marks:
                pauses.append(time.perf_counter() - marks.pop("t"))

        for filters, point, codes in queries[:3]:  # warm the column cache and numpy
            search_facilities(store, filters, point=point, places=codes)
        gc.callbacks.append(on_gc)
        store_times, scan_times = [], []
        for _ in range(3):
            for filters, point, codes in queries:
                t = time.perf_counter()
                search_facilities(store, filters, point=point, places=codes, min_results=3)
                store_times.append(time.perf_counter() - t)
        gc.callbacks.remove(on_gc)
        for filters, point, codes in queries:
            t = time.perf_counter()
            _scan(records, filters, point, codes)
            scan_times.append(time.perf_counter() - t)
        ids = random.Random(1).sample([f.id for f in records], min(500, len(records)))
        get_times = []
        for facility_id in ids:
            t = time.perf_counter()
            store.get(facility_id)
            get_times.append(time.perf_counter() - t)
        info = DatasetInfo(True, "", "bench")
        region_times = []
        for prefecture in ("東京都", "高知県", "北海道", "大阪府") * 3:
            t = time.perf_counter()
            regional_table(store, info, prefecture, Level.MEDICAL_AREA, INDICATORS)
            region_times.append(time.perf_counter() - t)
        del records
        gc.collect()
        served = serve_bench(Path(tmp), store, serve_index) if serve else None
        rss = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return {"records": len(store), "import": imported, "open": opened, "search_store_ms": _ms(store_times),
                "search_scan_ms": _ms(scan_times), "get_ms": _ms(get_times), "regional_ms": _ms(region_times),
                "gc_max_pause_ms": round(max(pauses, default=0.0) * 1000, 2), "bench_process_peak_rss_mb": rss,
                "serve": served}


ASKS = ("往診してくれる診療所", "24時間対応の在宅医療をしているところ", "夜間や休日も診てくれる病院", "家で看取りまでしてくれる医療機関",
        "認知症を診てくれるところ", "急変したとき入院させてくれる病院", "ケアマネと連携している診療所", "予防接種をしている医院")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve_bench(folder: Path, store: ColumnStore, index_from: Path | None) -> dict[str, object]:
    """`kakari serve` on the imported dataset: seconds until /api/health says ready (the indexes copied from
    ``index_from`` so that a first build is not counted), then POST /api/chat p50/p95 over 30 questions, and the
    server's RSS."""
    import httpx

    if index_from is not None and (index_from / "index").exists():
        shutil.copytree(index_from / "index", folder / "index", dirs_exist_ok=True)
    port = _free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(folder)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--no-ui", "--host", "127.0.0.1", "--port",
                             str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        ready = None
        with httpx.Client(base_url=base, timeout=30) as client:
            while time.perf_counter() - started < 600:
                try:
                    if client.get("/api/health").json().get("assistant") == "ready":
                        ready = time.perf_counter() - started
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.05)
            rng = random.Random(3)
            names = sorted({str(r.municipality) for r in store.records() if r.municipality})
            messages = [f"{rng.choice(names)}で{rng.choice(ASKS)}を教えて" for _ in range(30)]
            client.post("/api/chat", json={"message": messages[0]})
            times = []
            for message in messages:
                t = time.perf_counter()
                assert client.post("/api/chat", json={"message": message}).status_code == 200
                times.append(time.perf_counter() - t)
        with open(f"/proc/{proc.pid}/status") as fh:
            rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024
        return {"ready_s": None if ready is None else round(ready, 2), "chat_ms": _ms(times),
                "serving_rss_mb": round(rss, 1)}
    finally:
        proc.terminate()
        proc.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="2895,30000,120000")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--serve-index", type=Path, default=None,
                        help="a data dir whose built index is copied for the `kakari serve` phase (largest size only)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FOLDER", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child[0], args.child[1], int(args.child[2]))
        return
    results = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        r = bench(size, args.serve_index, serve=size == max(sizes))
        results.append(r)
        s, b = r["search_store_ms"], r["search_scan_ms"]
        print(f"{r['records']:>7} records | import {r['import']['seconds']} s, peak {r['import']['peak_rss_mb']} MB | "
              f"open {r['open']['seconds']} s, RSS {r['open']['peak_rss_mb']} MB | search p50/p95 store "
              f"{s['p50']}/{s['p95']} ms, scan {b['p50']}/{b['p95']} ms | get p50 {r['get_ms']['p50']} ms | "
              f"region p95 {r['regional_ms']['p95']} ms | GC max {r['gc_max_pause_ms']} ms", flush=True)
        if r["serve"]:
            v = r["serve"]
            print(f"        serve: ready {v['ready_s']} s | chat p50/p95 {v['chat_ms']['p50']}/{v['chat_ms']['p95']} ms | "
                  f"RSS {v['serving_rss_mb']} MB", flush=True)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

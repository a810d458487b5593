"""Runs gold suites through the assistant, summarises them per split, runs ablations and checks the gate."""

from __future__ import annotations

import dataclasses
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.settings import Settings
from evals import metrics as m
from evals.scoring import SCORERS, AssistantLike, CaseResult, Context, retrieval_scores
from evals.suites import BLIND_SPLITS, SPLITS, Case, load_suite

THRESHOLDS_FILE = Path(__file__).resolve().parent / "thresholds.toml"
ABLATION_SUITES: tuple[str, ...] = ("qa", "cases", "guideline")
DENSE_BACKENDS: tuple[str, ...] = ("use-m3", "e5-small", "sentence-transformers")

Factory = Callable[[Settings], AssistantLike]


@dataclass(frozen=True)
class Summary:
    """Mean of every metric of one suite on one split, with the case count and latency percentiles."""

    suite: str
    split: str
    n: int
    metrics: dict[str, float | None]


@dataclass(frozen=True)
class Failure:
    """A case (or ablation variant) that raised instead of answering."""

    suite: str
    id: str
    error: str


@dataclass(frozen=True)
class Ablation:
    """Retrieval metrics of one settings variant (``error`` set when the variant could not run)."""

    variant: str
    retrieval: dict[str, Any]
    summaries: tuple[Summary, ...] = ()
    error: str = ""


@dataclass
class EvalRun:
    """Everything one ``kakari eval`` produced."""

    settings: dict[str, Any]
    results: list[CaseResult] = field(default_factory=list)
    summaries: list[Summary] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    ablations: list[Ablation] = field(default_factory=list)


def summarise(results: Sequence[CaseResult], suite: str, split: str) -> Summary:
    """Per-metric means (None-valued scores left out) plus latency p50/p95 over all ``ask`` calls."""
    chosen = [r for r in results if r.suite == suite and ((split == "all" and r.split not in BLIND_SPLITS) or r.split == split)]
    names = sorted({key for r in chosen for key in r.scores})
    values: dict[str, float | None] = {name: m.mean(r.scores.get(name) for r in chosen) for name in names}
    latencies = [t for r in chosen for t in r.latencies]
    if latencies:
        values.update(m.latency_summary(latencies))
    return Summary(suite, split, len(chosen), values)


def run_suites(
    assistant: AssistantLike, suites: Sequence[str], splits: tuple[str, ...], ctx: Context
) -> tuple[list[CaseResult], list[Failure]]:
    """Score every case of the chosen suites and splits; a case that raises is recorded, not fatal."""
    results: list[CaseResult] = []
    failures: list[Failure] = []
    for suite in suites:
        for case in load_suite(suite, splits):
            try:
                results.append(SCORERS[suite](assistant, case, ctx))
            except Exception as exc:  # noqa: BLE001 - one broken case must not hide the others
                failures.append(Failure(suite, case.id, f"{type(exc).__name__}: {exc}"))
    return results, failures


def summary_splits(splits: tuple[str, ...]) -> list[str]:
    """The split labels to summarise: each chosen split, plus ``all`` (dev + heldout) when both are chosen."""
    return [*splits, "all"] if {"dev", "heldout"} <= set(splits) else list(splits)


def summaries_for(results: Sequence[CaseResult], suites: Sequence[str], splits: tuple[str, ...]) -> list[Summary]:
    """One summary per suite and split label."""
    summaries = [summarise(results, suite, split) for suite in suites for split in summary_splits(splits)]
    return [s for s in summaries if s.n or s.split not in BLIND_SPLITS]  # a blind split may skip a suite


def ablation_variants(base: Settings) -> dict[str, Settings]:
    """Settings variants: BM25 only, each dense backend alone, hybrids, Sudachi modes, synonyms off."""
    r = base.retrieval

    def variant(**changes: Any) -> Settings:
        return dataclasses.replace(base, retrieval=dataclasses.replace(r, **changes))

    variants = {"bm25": variant(embedder="none", fusion="bm25")}
    for name in DENSE_BACKENDS:
        variants[f"dense:{name}"] = variant(embedder=name, fusion="dense")
    embedder = r.embedder if r.embedder != "none" else DENSE_BACKENDS[0]
    variants[f"hybrid-rrf:{embedder}"] = variant(embedder=embedder, fusion="rrf")
    variants[f"hybrid-score:{embedder}"] = variant(embedder=embedder, fusion="score")
    # Tokeniser ablations on BM25 alone, where the tokeniser is the only moving part.
    for mode in ("A", "B", "C"):
        variants[f"bm25-sudachi-{mode}"] = variant(embedder="none", fusion="bm25", sudachi_mode=mode)
    variants["bm25-no-synonyms"] = variant(embedder="none", fusion="bm25", synonyms=False)
    return variants


def run_ablation(name: str, settings: Settings, factory: Factory, splits: tuple[str, ...]) -> Ablation:
    """Retrieval metrics (search_text only) of one variant over the retrieval suites."""
    config = {"embedder": settings.retrieval.embedder, "fusion": settings.retrieval.fusion,
              "sudachi_mode": settings.retrieval.sudachi_mode, "synonyms": settings.retrieval.synonyms}
    try:
        assistant = factory(settings)
        results = [CaseResult(case.suite, case.id, case.split, retrieval_scores(assistant, case))
                   for suite in ABLATION_SUITES for case in load_suite(suite, splits)]
        if getattr(assistant, "retrieval_problem", ""):  # the assistant fell back to BM25: not this variant
            raise RuntimeError(assistant.retrieval_problem)  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - e.g. a backend whose model is not installed
        return Ablation(name, config, error=f"{type(exc).__name__}: {exc}")
    return Ablation(name, config, tuple(summaries_for(results, ABLATION_SUITES, splits)))


def warm_up(assistant: AssistantLike) -> dict[str, Any]:
    """One untimed-by-the-suites search so p50/p95 measure answering, not loading; returns what it saw.

    The load time is kept (``warmup_ms``), and so is any reason the assistant fell back to BM25.
    """
    start = time.perf_counter()
    try:
        assistant.search_text("かかりつけ医機能報告", k=1)
    except Exception as exc:  # noqa: BLE001 - a broken index shows up again, case by case
        return {"warmup_ms": None, "warmup_error": f"{type(exc).__name__}: {exc}"}
    facts: dict[str, Any] = {"warmup_ms": round((time.perf_counter() - start) * 1000)}
    problem = getattr(assistant, "retrieval_problem", "")
    if problem:
        facts["retrieval_problem"] = problem
    return facts


def run_eval(
    settings: Settings,
    factory: Factory,
    records: Sequence[dict[str, Any]],
    suites: Sequence[str],
    splits: tuple[str, ...] = SPLITS,
    ablations: bool = True,
    progress: Callable[[str], None] = lambda _msg: None,
) -> EvalRun:
    """Run the suites with ``factory(settings)``, then (optionally) every ablation variant."""
    run = EvalRun(settings={"data_dir": str(settings.data_dir), **dataclasses.asdict(settings.retrieval),
                            "max_facilities": settings.assistant.max_facilities, "records": len(records)})
    ctx = Context(records, settings.assistant.max_facilities)
    progress("アシスタントを準備しています…")
    assistant = factory(settings)
    run.settings.update(warm_up(assistant))
    for suite in suites:
        progress(f"評価中: {suite}")
        results, failures = run_suites(assistant, [suite], splits, ctx)
        run.results.extend(results)
        run.failures.extend(failures)
    run.summaries = summaries_for(run.results, suites, splits)
    if ablations and any(s in ABLATION_SUITES for s in suites):
        for name, variant in ablation_variants(settings).items():
            progress(f"アブレーション: {name}")
            run.ablations.append(run_ablation(name, variant, factory, splits))
    return run


def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, dict[str, float]]:
    """``{suite: {metric: minimum}}`` from thresholds.toml; a blind split's ``[blind.<suite>]`` tables become
    ``blind.<suite>`` (likewise ``blind2``)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    out: dict[str, dict[str, float]] = {}
    for suite, table in data.items():
        if suite in BLIND_SPLITS:
            out.update({f"{suite}.{name}": {k: float(v) for k, v in t.items()} for name, t in table.items()})
        else:
            out[suite] = {k: float(v) for k, v in table.items()}
    return out


def gate(summaries: Sequence[Summary], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Japanese messages for every gated metric below its minimum (empty = pass).

    ``[suite]`` thresholds apply to the dev split when it was run, else to whatever split was run;
    ``blind.<suite>`` thresholds apply to that blind split only (likewise ``blind2.<suite>``).
    """
    problems = []
    for key, table in thresholds.items():
        blind, _, rest = key.rpartition(".")
        suite = rest if blind in BLIND_SPLITS else key
        split = blind if blind in BLIND_SPLITS else None
        chosen = [s for s in summaries if s.suite == suite
                  and (s.split == split if split else s.split not in BLIND_SPLITS)]
        if not chosen:
            continue
        summary = next((s for s in chosen if s.split == "dev"), chosen[0])
        for metric, minimum in table.items():
            value = summary.metrics.get(metric)
            if value is None:
                problems.append(f"{key}/{metric}: 値がありません（最低 {minimum:.3f}）")
            elif value + 1e-9 < minimum:
                problems.append(f"{key}/{metric}: {value:.3f} が基準 {minimum:.3f} を下回りました")
    return problems


def case_list(suites: Sequence[str], splits: tuple[str, ...]) -> list[Case]:
    """Every case of the chosen suites and splits (for counting and listing)."""
    return [case for suite in suites for case in load_suite(suite, splits)]

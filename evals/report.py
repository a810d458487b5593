"""Turning an :class:`EvalRun` into a console table, a timestamped JSON file and a Markdown report with charts."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from evals.harness import Ablation, EvalRun, Summary
from evals.scoring import CaseResult

# Column order of the summary table; a metric a suite does not produce shows as "-".
COLUMNS: tuple[str, ...] = (
    "recall@1", "recall@5", "mrr", "ndcg@10", "citation_accuracy", "key_fact_accuracy",
    "grounding_precision", "recall_shown", "distance_order", "amount_order", "intent_accuracy",
    "numbers_shown", "no_data_correct", "p50_ms", "p95_ms",
)
ABLATION_COLUMNS: tuple[str, ...] = ("recall@1", "recall@5", "mrr", "ndcg@10")
# Every metric on a 0–1 scale, in the order the main chart shows them (latency is in the table only).
CHART_METRICS: tuple[str, ...] = tuple(c for c in COLUMNS if not c.endswith("_ms") and c != "ndcg@10")
# A case is listed under 不正解 when one of these is below 1 (recall@1 alone is too noisy to list).
MISS_METRICS: tuple[str, ...] = (
    "recall@5", "citation_accuracy", "key_fact_accuracy", "grounding_precision", "recall_shown",
    "distance_order", "amount_order", "intent_accuracy", "numbers_shown", "no_data_correct",
)


def _cell(value: float | None, metric: str) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if metric.endswith("_ms") else f"{value:.3f}"


def summary_table(summaries: Sequence[Summary]) -> str:
    """A Markdown table (also readable in a terminal): one row per suite and split."""
    used = [c for c in COLUMNS if any(s.metrics.get(c) is not None for s in summaries)]
    lines = ["| suite | split | n | " + " | ".join(used) + " |", "|" + "---|" * (3 + len(used))]
    for s in summaries:
        cells = [_cell(s.metrics.get(c), c) for c in used]
        lines.append(f"| {s.suite} | {s.split} | {s.n} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ablation_table(ablations: Sequence[Ablation], split: str) -> str:
    """A Markdown table of retrieval metrics per variant and retrieval suite on one split."""
    lines = ["| variant | suite | " + " | ".join(ABLATION_COLUMNS) + " |", "|" + "---|" * (2 + len(ABLATION_COLUMNS))]
    baseline = next((a for a in ablations if a.variant == "bm25" and not a.error), None)
    for ab in ablations:
        name = ab.variant
        if ab.variant != "bm25" and baseline is not None and ab.summaries == baseline.summaries:
            # Same numbers from a different configuration usually mean the assistant ignores the setting.
            same_config = bool(ab.retrieval) and ab.retrieval == baseline.retrieval
            name += "（bm25 と同じ設定）" if same_config else "（bm25 と同一）"
        if ab.error:
            lines.append(f"| {ab.variant} | (実行不可: {ab.error[:80]}) |" + " |" * len(ABLATION_COLUMNS))
            continue
        for s in ab.summaries:
            if s.split == split:
                cells = [_cell(s.metrics.get(c), c) for c in ABLATION_COLUMNS]
                lines.append(f"| {name} | {s.suite} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ablation_split(ablations: Sequence[Ablation]) -> str:
    """The split label ablations are shown for: dev when it ran, else the first label present."""
    labels = [s.split for a in ablations for s in a.summaries]
    return "dev" if "dev" in labels else (labels[0] if labels else "dev")


def misses(results: Sequence[CaseResult]) -> list[str]:
    """One line per case with a correctness metric below 1, for reviewing failures by class."""
    lines = []
    for r in results:
        low = [f"{k}={v:.2f}" for k in MISS_METRICS if (v := r.scores.get(k)) is not None and v < 1.0]
        if low:
            seen = r.detail.get("intent") or ",".join(str(i) for i in r.detail.get("intents", []))
            lines.append(f"- {r.suite}/{r.id} ({r.split}): {', '.join(low)}" + (f" — intent={seen}" if seen else ""))
    return lines


def to_json(run: EvalRun, gate_problems: Sequence[str] = (), gated: bool = True) -> dict[str, Any]:
    """The JSON-ready record of a run (every case with its scores, summaries, ablations, gate result)."""
    return {
        "settings": run.settings,
        "summaries": [dataclasses.asdict(s) for s in run.summaries],
        "ablations": [dataclasses.asdict(a) for a in run.ablations],
        "failures": [dataclasses.asdict(f) for f in run.failures],
        "gate": {"checked": gated, "passed": not gate_problems if gated else None, "problems": list(gate_problems)},
        "cases": [dataclasses.asdict(r) for r in run.results],
    }


def draw_chart(summaries: Sequence[Summary], path: Path) -> None:
    """A grouped bar chart of every 0–1 metric of every suite (labels ``suite/metric``), one bar per split."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels: list[str] = []
    groups: dict[str, dict[str, float]] = {}
    for s in summaries:
        for metric in CHART_METRICS:
            value = s.metrics.get(metric)
            if value is None:
                continue
            label = f"{s.suite}/{metric}"
            if label not in labels:
                labels.append(label)
            groups.setdefault(s.split, {})[label] = value
    fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(labels) + 1.5), 4.5))
    width = 0.8 / max(1, len(groups))
    for offset, (split, values) in enumerate(groups.items()):
        xs = [i + offset * width for i in range(len(labels))]
        ax.bar(xs, [values.get(label, 0.0) for label in labels], width, label=split)
    ax.set_xticks([i + width * (len(groups) - 1) / 2 for i in range(len(labels))], labels,
                  rotation=60, ha="right", fontsize=7)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("score")
    ax.legend(loc="upper right", ncol=max(1, len(groups)), fontsize=8)
    ax.set_title("kakari eval")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def draw_ablation_chart(ablations: Sequence[Ablation], split: str, path: Path) -> bool:
    """MRR per variant and retrieval suite; False when no variant ran."""
    runnable = [a for a in ablations if not a.error]
    if not runnable:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    suites = sorted({s.suite for a in runnable for s in a.summaries})
    # MRR, not recall@5: recall@5 is near 1 for most variants and hides the differences.
    fig, ax = plt.subplots(figsize=(max(6, 1.0 * len(runnable)), 4))
    width = 0.8 / max(1, len(suites))
    for offset, suite in enumerate(suites):
        values = [next((s.metrics.get("mrr") or 0.0 for s in a.summaries
                        if s.suite == suite and s.split == split), 0.0) for a in runnable]
        ax.bar([i + offset * width for i in range(len(runnable))], values, width, label=suite)
    ax.set_xticks([i + width * (len(suites) - 1) / 2 for i in range(len(runnable))],
                  [a.variant for a in runnable], rotation=35, ha="right", fontsize=8)
    ax.set_ylim(0, 1.18)
    ax.set_ylabel(f"MRR ({split})")
    ax.legend(loc="upper center", ncol=len(suites), fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def markdown(run: EvalRun, stamp: str, chart: str, ablation_chart: str | None, gate_problems: Sequence[str],
             gated: bool = True) -> str:
    """The readable report (``gated=False``: the gate was not requested, so no verdict is claimed)."""
    parts = [f"# kakari 評価レポート ({stamp})", "", "## 設定", "",
             "```json", json.dumps(run.settings, ensure_ascii=False, indent=1), "```", "",
             "## 結果", "", summary_table(run.summaries), "", f"![chart]({chart})", ""]
    if run.failures:
        parts += ["## エラーになったケース", ""] + [f"- {f.suite}/{f.id}: {f.error}" for f in run.failures] + [""]
    if run.ablations:
        split = ablation_split(run.ablations)
        parts += [f"## アブレーション（検索のみ・{split}）", "", ablation_table(run.ablations, split), ""]
        if ablation_chart:
            parts += [f"![ablations]({ablation_chart})", ""]
    wrong = misses(run.results)
    if wrong:
        parts += [f"## 不正解のあるケース（{len(wrong)} 件）", ""] + wrong + [""]
    verdict = ("合格" if not gate_problems else "不合格") if gated else "未実施（--gate なし）"
    parts += [f"## ゲート: {verdict}", ""] + [f"- {p}" for p in gate_problems]
    return "\n".join(parts) + "\n"


def write_reports(run: EvalRun, out_dir: Path, gate_problems: Sequence[str] = (), now: datetime | None = None,
                  gated: bool = True) -> dict[str, Path]:
    """Write ``eval-<stamp>.json``, ``eval-<stamp>.md`` and the PNG charts into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    paths = {"json": out_dir / f"eval-{stamp}.json", "markdown": out_dir / f"eval-{stamp}.md",
             "chart": out_dir / f"eval-{stamp}.png"}
    paths["json"].write_text(json.dumps(to_json(run, gate_problems, gated), ensure_ascii=False, indent=1), encoding="utf-8")
    draw_chart(run.summaries, paths["chart"])
    ablation_png = out_dir / f"eval-{stamp}-ablations.png"
    has_ablation_chart = draw_ablation_chart(run.ablations, ablation_split(run.ablations), ablation_png)
    if has_ablation_chart:
        paths["ablation_chart"] = ablation_png
    text = markdown(run, stamp, paths["chart"].name, ablation_png.name if has_ablation_chart else None,
                    gate_problems, gated)
    paths["markdown"].write_text(text, encoding="utf-8")
    return paths

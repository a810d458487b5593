"""Pure fusion of ranked lists: reciprocal-rank fusion and min-max score fusion (no I/O, no models)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

FUSIONS: tuple[str, ...] = ("rrf", "score", "bm25", "dense")


def rrf(rankings: Mapping[str, Sequence[str]], k: int = 60) -> list[tuple[str, float]]:
    """Reciprocal-rank fusion: score(d) = Σ_variants 1 / (k + rank), rank starting at 1; best first."""
    totals: dict[str, float] = {}
    for ranking in rankings.values():
        for rank, doc in enumerate(ranking, start=1):
            totals[doc] = totals.get(doc, 0.0) + 1.0 / (k + rank)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def minmax(scores: Mapping[str, float]) -> dict[str, float]:
    """Scale scores to [0, 1] (all equal → all 1.0)."""
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high == low:
        return dict.fromkeys(scores, 1.0)
    return {doc: (value - low) / (high - low) for doc, value in scores.items()}


def score_fusion(
    scores: Mapping[str, Mapping[str, float]], weights: Mapping[str, float] | None = None
) -> list[tuple[str, float]]:
    """Weighted sum of min-max-normalised scores per variant (missing = 0); best first."""
    totals: dict[str, float] = {}
    for variant, variant_scores in scores.items():
        weight = 1.0 if weights is None else weights.get(variant, 1.0)
        for doc, value in minmax(variant_scores).items():
            totals[doc] = totals.get(doc, 0.0) + weight * value
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))

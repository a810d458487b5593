"""Pure metric functions for the offline evaluation (no I/O, no imports from the rest of kakari)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence


def recall_at_k(ranked: Sequence[str], gold: Collection[str], k: int) -> float:
    """Share of the gold ids found among the first ``k`` ranked ids (0.0 when there is no gold)."""
    if not gold:
        return 0.0
    top = set(ranked[:k])
    return sum(1 for g in gold if g in top) / len(gold)


def reciprocal_rank(ranked: Sequence[str], gold: Collection[str]) -> float:
    """1 / rank of the first gold id in ``ranked`` (0.0 when none is found)."""
    for index, item in enumerate(ranked, start=1):
        if item in gold:
            return 1.0 / index
    return 0.0


def mean_reciprocal_rank(runs: Iterable[tuple[Sequence[str], Collection[str]]]) -> float:
    """Mean of :func:`reciprocal_rank` over ``(ranked, gold)`` pairs (0.0 for no pairs)."""
    values = [reciprocal_rank(ranked, gold) for ranked, gold in runs]
    return sum(values) / len(values) if values else 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Collection[str], k: int = 10) -> float:
    """Binary-relevance nDCG@k; a gold id counts once even when it is ranked twice."""
    seen: set[str] = set()
    dcg = 0.0
    for index, item in enumerate(ranked[:k], start=1):
        if item in gold and item not in seen:
            seen.add(item)
            dcg += 1.0 / math.log2(index + 1)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


def grounding_precision(listed: Sequence[str], satisfying: Collection[str]) -> float | None:
    """Share of listed facility ids that satisfy every gold condition (None when nothing is listed)."""
    if not listed:
        return None
    return sum(1 for item in listed if item in satisfying) / len(listed)


def recall_within_shown(listed: Sequence[str], gold: Collection[str], shown: int) -> float | None:
    """Gold ids found in the list, over what a list of ``shown`` items could hold (None without gold)."""
    if not gold or shown <= 0:
        return None
    return len(set(listed[:shown]) & set(gold)) / min(len(gold), shown)


def distance_order_correctness(distances: Sequence[float | None]) -> float | None:
    """Share of adjacent pairs in non-decreasing order (None when fewer than two known distances)."""
    known = [d for d in distances if d is not None]
    if len(known) < 2:
        return None
    # A rounding slack of 1 m: displayed distances are rounded, ties may swap.
    ordered = sum(1 for a, b in zip(known, known[1:], strict=False) if b + 1e-3 >= a)
    return ordered / (len(known) - 1)


def descending_order_correctness(values: Sequence[float]) -> float | None:
    """Share of adjacent pairs in non-increasing order (None when fewer than two values)."""
    if len(values) < 2:
        return None
    ordered = sum(1 for a, b in zip(values, values[1:], strict=False) if b <= a + 1e-9)
    return ordered / (len(values) - 1)


def normalize_text(text: str) -> str:
    """NFKC, lower case, without whitespace: the form in which key facts are matched."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"\s+", "", folded)


def key_fact_accuracy(answer: str, facts: Sequence[Sequence[str]]) -> float | None:
    """Share of key facts present in ``answer``; each fact is a list of acceptable spellings."""
    if not facts:
        return None
    body = normalize_text(answer)
    hits = sum(1 for spellings in facts if any(normalize_text(s) in body for s in spellings))
    return hits / len(facts)


def citation_key(source: str, ident: str) -> str:
    """A comparable ``source:ID`` key (``qa:Q8``, ``case:3``) from a citation's source and id."""
    ident = unicodedata.normalize("NFKC", str(ident)).strip()
    if source == "qa":
        match = re.search(r"[qQ]\s*0*(\d+)", ident)
        return f"qa:Q{match.group(1)}" if match else f"qa:{ident}"
    if source == "case":
        match = re.search(r"(\d+)", ident)
        return f"case:{int(match.group(1))}" if match else f"case:{ident}"
    return f"{source}:{ident}"


_ANNEX = re.compile(r"^別添[0-9]+$")
_ANNEX_RANGE = re.compile(r"別添\s*[0-9０-９]+\s*[〜～~\-ー－]\s*[0-9０-９]+")


def citation_matches(citation: dict[str, object], gold: dict[str, object]) -> bool:
    """Whether one cited passage matches one gold reference (by id, page list or section prefix)."""
    source = str(citation.get("source", ""))
    section = gold.get("section")
    if isinstance(section, str) and _ANNEX.match(normalize_text(section)):
        # 「別添4」 names a document: any citation from it matches, whatever source label the gold or the
        # product gives it (guideline / form / case)
        doc = _ANNEX_RANGE.sub("", str(citation.get("doc", "")))  # 「別冊様式（別添3〜7）」 names no single annex
        named = normalize_text(f"{citation.get('id', '')} {citation.get('title', '')} {doc}")
        return re.search(re.escape(normalize_text(section)) + r"(?![0-9])", named) is not None
    if source != gold.get("source"):
        return False
    if "id" in gold:
        return citation_key(source, str(citation.get("id", ""))) == citation_key(source, str(gold["id"]))
    pages = gold.get("pages")
    if isinstance(pages, list) and citation.get("page") in pages:
        return True
    section = gold.get("section")
    if isinstance(section, str):
        cited = normalize_text(f"{citation.get('id', '')} {citation.get('title', '')}")
        return normalize_text(section) in cited
    return False


def citation_accuracy(citations: Sequence[dict[str, object]], gold: Sequence[dict[str, object]]) -> float | None:
    """1.0 when any citation matches any gold reference, else 0.0 (None when there is no gold)."""
    if not gold:
        return None
    return 1.0 if any(citation_matches(c, g) for c in citations for g in gold) else 0.0


def intent_accuracy(pairs: Iterable[tuple[str, Collection[str]]]) -> float:
    """Share of ``(predicted, acceptable)`` pairs whose prediction is acceptable (0.0 for none)."""
    values = [1.0 if predicted in acceptable else 0.0 for predicted, acceptable in pairs]
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, as numpy's default (0.0 if empty)."""
    if not values:
        return 0.0
    data = sorted(values)
    position = (len(data) - 1) * q / 100.0
    low = math.floor(position)
    high = math.ceil(position)
    return data[low] + (data[high] - data[low]) * (position - low)


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50 and p95 latency in milliseconds."""
    return {"p50_ms": percentile(seconds, 50) * 1000.0, "p95_ms": percentile(seconds, 95) * 1000.0}


def mean(values: Iterable[float | None]) -> float | None:
    """Mean over the defined values (None when no value is defined)."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None

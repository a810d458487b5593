"""Calibrate the semantic layer's thresholds on the dev split (never on heldout or blind).

For every dev facility question it takes the fragments the rules left over, asks the exemplar bank for the
nearest filter / unanswerable / context label, and compares with the gold: a filter label is right when the gold
has that condition and the rules did not read it; an unanswerable label is right when the fragment overlaps a
gold ``unapplied`` wish. For whole messages (intent and safety dev cases) it scores the intent labels the same
way. It prints precision and recall per threshold, and the threshold that keeps precision at or above 0.9.

    .venv/bin/python scripts/calibrate_semantic.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from assistant.parse import leftover_fragments, parse
from assistant.service import Assistant
from assistant.where import resolve_in_text
from corpus.settings import load_settings

SUITES = Path(__file__).resolve().parent.parent / "evals" / "suites"


def _dev(name: str) -> list[dict]:
    lines = (SUITES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    return [c for c in map(json.loads, filter(None, lines)) if c["split"] == "dev"]


def _table(rows: list[tuple[float, float, bool]], family: str) -> None:
    """rows: (score, margin, right)."""
    total_right = sum(1 for _, _, r in rows if r)
    print(f"\n{family}: {len(rows)} candidates, {total_right} right")
    for t in [x / 100 for x in range(80, 96)]:
        for margin in (0.0, 0.01, 0.02):
            taken = [(s, m, r) for s, m, r in rows if s >= t and m >= margin]
            if not taken:
                continue
            right = sum(1 for *_, r in taken if r)
            print(f"  t={t:.2f} margin={margin:.2f}: taken {len(taken):3d} right {right:3d} "
                  f"precision {right / len(taken):.2f} recall {right / max(total_right, 1):.2f}")


def main() -> None:
    assistant = Assistant(load_settings(None, os.environ))
    layer = assistant.semantic
    if layer is None:
        raise SystemExit(f"semantic layer off: {assistant.settings_problem}")
    filters: list[tuple[float, float, bool]] = []
    wishes: list[tuple[float, float, bool]] = []
    for case in _dev("facility"):
        parsed = parse(case["message"])
        where = resolve_in_text(parsed).where
        words = tuple(p.municipality for p in where.places) if where else ()
        gold = {c["name"] for c in case["gold"]["conditions"]} - {"kind"}
        ruled = {c.name for c in parsed.conditions}
        unapplied = case["gold"].get("unapplied", [])
        for _start, _end, fragment in leftover_fragments(parsed, words):
            ranked = layer.ranked(fragment, ("filter", "unanswerable", "context"))
            best = ranked[0]
            runner = next((n.score for n in ranked[1:] if n.kind != best.kind or n.kind == "filter"), 0.0)
            if best.kind == "filter":
                name = best.value.partition("=")[0]
                right = name in gold and name not in ruled
                filters.append((best.score, best.score - runner, right))
            elif best.kind == "unanswerable":
                right = any(w in fragment or fragment in w for w in unapplied)
                wishes.append((best.score, best.score - runner, right))
            print(f"{best.label:40s} {best.score:.3f} {best.score - runner:+.3f}  {fragment}  gold={sorted(gold - ruled)}")
    _table(filters, "filter")
    _table(wishes, "unanswerable")
    intents: list[tuple[float, float, bool]] = []
    for case in _dev("intent") + _dev("facility")[:60]:
        want = case["gold"].get("intents") or ["facility_search"]
        ranked = layer.ranked(parse(case["message"]).text, ("intent",))
        best = ranked[0]
        intents.append((best.score, best.score - ranked[1].score, best.value in want))
    _table(intents, "intent (whole message)")


if __name__ == "__main__":
    main()

"""Adding one registry row is enough: the parser reads its phrasing, the 条件 line and the filter come from it, the
UI shows its chip and the detail view and result order list it. The check runs in a fresh interpreter that adds a
fake row to the registry before anything derives its tables from it (so no other test sees the fake row)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent('''
    import retrieval.registry as registry
    FAKE = registry.FilterRow(
        "fake_item", "flag", "function1.fake_item", "架空の報告事項（テスト用）", "架空の報告事項に対応している",
        page=99, chip="架空", strength=True,
        phrasings=(registry.Phrasing(245, r"架空(の)?報告事項"),),
    )
    registry.ROWS = (*registry.ROWS, FAKE)
    registry.BY_NAME[FAKE.name] = FAKE
    registry.FILTER_NAMES = (*registry.FILTER_NAMES, FAKE.name)

    from assistant import parse, turns
    from retrieval import facility_search, filters
    from ui import render

    parsed = parse.parse("架空の報告事項に対応している診療所を高知市で")
    assert ("fake_item", None) in {(c.name, c.value) for c in parsed.conditions}, parsed.conditions
    flt = filters.make_filter("fake_item")
    assert flt.label == "架空の報告事項に対応している", flt.label
    assert flt.to_spec()["name"] == "fake_item"
    assert any(spec["name"] == "fake_item" for spec in render.CHIPS.values())
    assert "fake_item" in turns._DETAIL_FILTERS
    assert "fake_item" in facility_search.STRENGTHS
    print("ok")
''')


def test_a_new_row_reaches_parser_filter_chips_detail_and_order() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")

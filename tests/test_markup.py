"""Text from data or users is inert where it is shown: Markdown answers, the answer JSON, CSV cells."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from pathlib import Path

import pytest

from assistant.markup import md_text
from assistant.service import Assistant
from corpus.facility import HomeCare
from tests.data.assistant_facilities import BASE, KOCHI, RECORDS, _settings
from ui.render import facilities_csv, inert_cell

BEACON = '<img src="http://beacon.invalid/x.png" onerror="alert(1)">'
PHISH = "[ログインはこちら](http://phish.invalid/login)"
FORM = '<form action="http://phish.invalid"><input type="password" name="p"></form>'


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("<b>太字</b>", "&lt;b&gt;太字&lt;/b&gt;"),
        ("[罠](http://x.invalid)", "\\[罠\\](http\u200b://x\u200b.invalid)"),
        ("www.evil.example と a@b.co", "www\u200b.evil\u200b.example と a@b\u200b.co"),  # no linkify either
        ("約1.2km", "約1.2km"),
        ("**強調** _斜体_ `code` | 表 ~取消~", "\\*\\*強調\\*\\* \\_斜体\\_ \\`code\\` \\| 表 \\~取消\\~"),
        ("一行目\n二行目\t\x00", "一行目 二行目 "),
        ("架空あおぞら診療所（サンプル）", "架空あおぞら診療所（サンプル）"),
    ],
)
def test_md_text_makes_markup_inert(raw: str, shown: str) -> None:
    assert md_text(raw) == shown


@pytest.fixture
def hostile(tmp_path: Path) -> Assistant:
    record = dataclasses.replace(
        BASE, id="T-EVIL", name=f"架空{PHISH}診療所（サンプル）", lat=KOCHI[0] + 0.002, address=f"高知市{FORM}",
        home_care=HomeCare(mode="24h_self", partners=(BEACON, PHISH), home_visits=3))
    twin = dataclasses.replace(record, id="T-EVIL2", lat=KOCHI[0] + 0.006)  # same name: the address is shown too
    return Assistant(_settings(tmp_path / "data"), facilities=(record, twin, *RECORDS))


def _assert_inert(text: str) -> None:
    for active in ("<img", "<form", "<input", "<script"):
        assert active not in text, active
    assert not re.search(r"(?<!\\)\]\(", text), "an active Markdown link"


def test_hostile_names_partners_and_addresses_stay_text_in_every_answer(hostile: Assistant) -> None:
    listing = hostile.ask("高知市で24時間往診してくれる診療所").to_dict()
    assert "T-EVIL" in [f["id"] for f in listing["facilities"]]
    _assert_inert(listing["answer"])
    assert "&lt;form" in listing["answer"] and "\\[ログインはこちら\\]" in listing["answer"]
    position = [f["id"] for f in listing["facilities"]].index("T-EVIL") + 1
    for follow in (f"{position}番目の連携先は？", f"{position}番目の詳細"):
        answer = hostile.ask(follow, session_id=listing["session_id"]).to_dict()
        assert "T-EVIL" in [f["id"] for f in answer["facilities"]]  # really the follow-up of that listing
        _assert_inert(answer["answer"])
    assert listing["facilities"][0]["name"]  # the data itself is returned as data (the UI escapes its cards)


def test_an_echoed_wish_is_inert() -> None:
    from assistant.honesty import Wish, unapplied_lines

    (line,) = unapplied_lines((Wish("<img src=x>駐車場", 0, 15, "parking"),))
    assert "<img" not in line and "&lt;img src=x&gt;駐車場" in line


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x.invalid\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_that_look_like_formulas_are_neutralised(value: str) -> None:
    assert inert_cell(value) == "'" + value
    rows = list(csv.reader(io.StringIO(facilities_csv([{"name": value, "evidence": [], "sample": True}]), newline="")))
    assert "'" + value in rows[1]


def test_ordinary_csv_cells_are_unchanged() -> None:
    assert inert_cell("架空あおぞら診療所") == "架空あおぞら診療所" and inert_cell("1.2") == "1.2" and inert_cell("") == ""


def test_a_long_query_is_embedded_from_the_models_window() -> None:
    import numpy as np

    from retrieval.embedders import QUERY_CHARS, make_embedder, window

    assert window("あ" * 1000) == "あ" * QUERY_CHARS and window("短い") == "短い"
    model = make_embedder("e5-small", "")
    assert model is not None
    long = ("在宅医療について知りたいことがあります。" * 60)[:1000]
    assert np.allclose(model.embed_query(long), model.embed_query(long[:QUERY_CHARS]))


def test_csv_downloads_are_private_files(tmp_path: Path) -> None:
    import stat

    from ui.web_logic import CsvFiles

    files = CsvFiles()
    path = files.write(facilities_csv([{"name": "架空診療所", "evidence": [], "sample": True}]))
    assert path is not None
    assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600
    assert stat.S_IMODE(files.folder.stat().st_mode) == 0o700

"""Regional figures equal an independent count over the export and the shared regional files; chat, API, CLI."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from assistant.regional import INDICATORS, LACKING_SHARE, Level, regional_table
from assistant.service import Assistant
from corpus.dataset import load_sample
from corpus.regions import build_regions, load_regions, medical_areas
from corpus.sample_national import generate_national
from corpus.settings import Settings
from retrieval.store import open_store
from tests.conftest import SHARED_DATA, require_shared
from ui.api import create_app
from ui.cli import app as cli

REGIONAL = SHARED_DATA / "regional"
SAMPLE = load_sample().records


def _shared_rows(name: str) -> list[dict[str, str]]:
    path = require_shared(REGIONAL / name)
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_shipped_table_is_the_published_figures() -> None:
    require_shared(REGIONAL)
    assert build_regions(REGIONAL) == list(load_regions())
    assert len(medical_areas()) == 335
    assert sum(r.population or 0 for r in load_regions()) == 124_330_690  # the published national total


def test_counts_and_rates_equal_an_independent_computation(tmp_path: Path) -> None:
    mapping = {r["municipality_code"]: r["medical_area_code"] for r in _shared_rows("municipality_medical_area.csv")}
    people = {r["municipality_code"]: r for r in _shared_rows("municipality_population_2025.csv")}
    store, info = open_store(tmp_path / "none")
    table = regional_table(store, info, "高知県", Level.MEDICAL_AREA)
    exported = [f.to_dict() for f in SAMPLE]  # the export form, read without the store
    for row in table.rows:
        codes = [c for c, a in mapping.items() if a == row.area.code and c in people]
        assert row.area.population == sum(int(people[c]["population"]) for c in codes)
        old = sum(int(people[c]["population_75plus"]) for c in codes)
        mine = [r for r in exported if r["municipality_code"] in codes]
        assert row.facilities == len(mine)
        home = [r for r in mine if r["home_care"] and r["home_care"]["mode"] in ("24h_self", "24h_with_partners")]
        f = row.figure("home_care_24h")
        assert f is not None and f.count == len(home)
        assert f.per_1k_75 == round(len(home) * 1000 / old, 2)
        acp = row.figure("acp")
        assert acp is not None and acp.count == sum(1 for r in mine if r["care_collaboration"] and
                                                    r["care_collaboration"]["acp"])
        visits = dict(row.amounts)["home_visits"]
        assert visits == sum(r["home_care"]["home_visits"] for r in mine if r["home_care"])


def test_lacking_follows_the_stated_rule(tmp_path: Path) -> None:
    store, info = open_store(tmp_path / "none")
    table = regional_table(store, info, "高知県", Level.MUNICIPALITY)
    base = {f.key: f.per_1k_75 for f in table.whole.figures}
    for row in table.rows:
        for f in row.figures:
            ref = base[f.key]
            expected = bool(ref) and f.per_1k_75 is not None and (f.count == 0 or f.per_1k_75 < LACKING_SHARE * ref)
            assert f.lacking == expected


def test_a_prefecture_outside_the_data_is_named_as_outside(tmp_path: Path) -> None:
    store, info = open_store(tmp_path / "none")
    assert not regional_table(store, info, "大阪府", Level.MEDICAL_AREA).covered


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    data_dir = tmp_path_factory.mktemp("kakari-regional")
    return Assistant(dataclasses.replace(Settings(), data_dir=data_dir,
                                         retrieval=dataclasses.replace(Settings().retrieval, embedder="none")))


@pytest.mark.parametrize("message, prefecture, level, focus, keys", [
    ("高知県の二次医療圏ごとに24時間の在宅医療を担う医療機関は何か所？", "高知県", "medical_area", "", ["home_care_24h"]),
    ("幡多医療圏で足りない機能は？", "高知県", "medical_area", "3904", None),
    ("世田谷区の後方支援病床を持つ病院の数と人口あたり", "東京都", "municipality", "13112", ["backup_beds"]),
    ("高知県の市町村別にACPをしている診療所の数を比べたい", "高知県", "municipality", "", ["acp"]),
    ("東京都で看取りの実績がある医療機関は何件ありますか", "東京都", "medical_area", "", ["home_deaths"]),
])
def test_regional_questions_are_read(assistant: Assistant, message: str, prefecture: str, level: str, focus: str,
                                     keys: list[str] | None) -> None:
    answer = assistant.ask(message)
    region = answer.understanding["region"]
    assert answer.intent == "regional", answer.understanding
    assert (region["prefecture"], region["level"], region["focus"]) == (prefecture, level, focus)
    if keys is not None:
        assert region["indicators"] == keys
    assert "住民基本台帳" in answer.answer and "報告基準日" in answer.answer and answer.notice


def test_a_kind_in_a_regional_question_limits_every_count(assistant: Assistant) -> None:
    answer = assistant.ask("世田谷区で後方支援病床を持つ病院は人口あたり何か所？")
    assert "病院に限る" in answer.answer
    hospitals = [f for f in SAMPLE if f.municipality_code == "13112" and f.kind == "hospital"]
    assert f"| {len(hospitals)} |" in answer.answer


@pytest.mark.parametrize("message, intent", [
    ("高知市で往診してくれる診療所は何か所ある？", "facility_search"),  # a resident wants the list, with its count
    ("協議の場では不足する機能をどう話し合えばいいですか", "guideline"),
    ("大阪府の二次医療圏ごとの在宅医療の数", "regional"),
])
def test_other_questions_keep_their_intent(assistant: Assistant, message: str, intent: str) -> None:
    answer = assistant.ask(message)
    assert answer.intent == intent
    if message.startswith("大阪府"):
        assert "範囲外" in answer.answer or "含まれていません" in answer.answer


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = dataclasses.replace(Settings(), data_dir=tmp_path_factory.mktemp("kakari-regions-api"),
                                   retrieval=dataclasses.replace(Settings().retrieval, embedder="none"))
    with TestClient(create_app(settings, ui=False), raise_server_exceptions=False, base_url="http://127.0.0.1") as c:
        yield c


def test_api_regions_json_and_csv(client: TestClient) -> None:
    body = client.get("/api/regions/高知県", params={"indicator": "home_care_24h"}).json()
    assert [a["name"] for a in body["areas"]] == ["安芸医療圏", "中央医療圏", "高幡医療圏", "幡多医療圏"]
    assert body["sample"] and body["credits"] and body["indicators"][0]["key"] == "home_care_24h"
    sheet = client.get("/api/regions/高知県", params={"format": "csv", "level": "municipality"})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    text = sheet.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "地域")
    assert rows[header][7] == "地域の具体的な課題" and rows[header][10] == "方策と役割分担" and "架空" in text
    assert "2026" in sheet.headers["content-disposition"]  # the base date is in the file name
    assert len(rows) - header - 1 == (34 + 1) * len(INDICATORS)  # 34 municipalities and the prefecture


def test_xlsx_opens_and_holds_the_figures(client: TestClient) -> None:
    from openpyxl import load_workbook

    figures = client.get("/api/regions/高知県", params={"indicator": ["home_care_24h", "acp"]}).json()
    response = client.get("/api/regions/高知県", params={"indicator": ["home_care_24h", "acp"], "format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["課題管理シート", "公表シート"]
    rows = [r for r in book["課題管理シート"].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "地域")
    assert any("架空" in str(r[0]) for r in rows[:header]) and any("国土数値情報" in str(r[0]) for r in rows[:header])
    cells = {(r[0], r[1]): (r[2], r[4]) for r in rows[header + 1:]}
    labels = {i["key"]: i["label"] for i in figures["indicators"]}
    for area in (*figures["areas"], figures["whole"]):
        for f in area["figures"]:
            count, per_1k_75 = cells[(area["name"], labels[f["indicator"]])]
            assert count == f["count"] and isinstance(count, int)
            assert per_1k_75 == pytest.approx(f["per_1k_75plus"], abs=0.005)
    summary = [r for r in book["公表シート"].iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(summary) if r[0] == "地域")
    assert [r[0] for r in summary[top + 1:]] == [a["name"] for a in (*figures["areas"], figures["whole"])]
    assert [r[3] for r in summary[top + 1:]] == [a["facilities"] for a in (*figures["areas"], figures["whole"])]


def test_cli_writes_xlsx_and_summary(tmp_path: Path) -> None:
    out = tmp_path / "sheet.xlsx"
    env = {"KAKARI_DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(cli, ["regions", "show", "高知県", "--format", "xlsx", "--out", str(out)], env=env)
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    summary = CliRunner().invoke(cli, ["regions", "show", "高知県", "--format", "summary-csv"], env=env)
    assert summary.exit_code == 0 and "協議の結果（記入）" in summary.output and "幡多医療圏" in summary.output


@pytest.mark.parametrize("params", [{"level": "city"}, {"indicator": "no_such"}, {"format": "xml"}])
def test_api_regions_bad_input_is_a_japanese_4xx(client: TestClient, params: dict[str, str]) -> None:
    response = client.get("/api/regions/高知県", params=params)
    assert 400 <= response.status_code < 500 and "detail" in response.json()
    assert client.get("/api/regions/ムー大陸").status_code == 400


def test_cli_regions_show(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["regions", "show", "高知県", "--indicator", "acp", "--format", "md"],
                                env={"KAKARI_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0 and "幡多医療圏" in result.output and "ACP" in result.output
    bad = CliRunner().invoke(cli, ["regions", "show", "高知"], env={"KAKARI_DATA_DIR": str(tmp_path)})
    assert bad.exit_code == 2 and "都道府県名" in bad.output


def test_national_sample_follows_population_and_stays_fictional() -> None:
    records = list(generate_national(seed=7, scale=0.02))
    assert 1_500 < len(records) < 2_000 and len({r.id for r in records}) == len(records)
    assert all(r.sample and "（サンプル）" in r.name and "架空町" in r.address for r in records)
    tokyo = sum(r.prefecture == "東京都" for r in records)
    tottori = sum(r.prefecture == "鳥取県" for r in records)
    assert tokyo > 10 * tottori > 0  # 14.0 million vs 0.54 million residents
    again = list(generate_national(seed=7, scale=0.02))
    assert [r.to_dict() for r in again[:50]] == [r.to_dict() for r in records[:50]]

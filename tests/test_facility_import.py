"""Importers and the active dataset: real ナビイ files, report CSVs with bad rows, atomicity, idempotence, CLI."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corpus.dataset import ACTIVE_FILE, load_facilities
from corpus.importers.common import ImportFailed
from corpus.importers.navii import import_navii, parse_navii
from corpus.importers.report import import_report, parse_report
from corpus.importers.report_layout import HEADERS
from corpus.settings import Settings
from tests.conftest import ROOT, SHARED_DATA, require_shared
from ui.cli import app

DATA = ROOT / "tests" / "data"
NAVII = SHARED_DATA / "navii-kochi"
EXAMPLE_BASE = DATA / "facility_navii_example.csv"


def _navii_files() -> list[Path]:
    return sorted(require_shared(NAVII).glob("0*_facility_info_*.csv"))


def test_real_navii_files_import_all_516(settings: Settings) -> None:
    report = import_navii(settings.facilities_dir, _navii_files())
    dataset = load_facilities(settings.facilities_dir)
    assert not dataset.sample and len(dataset) == 516 and report.skipped == 0
    kinds = {k: sum(f.kind == k for f in dataset.records) for k in ("hospital", "clinic")}
    assert kinds == {"hospital": 118, "clinic": 398}
    assert all(f.function1 is None and f.home_care is None for f in dataset.records)  # nothing invented
    assert all(f.prefecture == "高知県" and f.municipality_code.startswith("39") for f in dataset.records)


def test_real_navii_odd_rows_are_reported_not_fatal() -> None:
    parsed = {p.file: p for p in map(parse_navii, _navii_files())}
    clinic = next(p for name, p in parsed.items() if name.startswith("02-1"))
    hospital = next(p for name, p in parsed.items() if name.startswith("01-1"))
    twelve = [r for r in clinic.records if len(r.id) == 12]
    assert len(twelve) == 1 and any(i.column == "ID" and twelve[0].id in i.message for i in clinic.issues)
    no_coords = [r for r in clinic.records if r.lat is None]
    assert no_coords and len([i for i in clinic.issues if i.column == "所在地座標（緯度）"]) == len(no_coords)
    assert [i.column for i in hospital.issues if "一致しません" in i.message] == ["合計病床数"]
    assert all(i.severity == "warning" and i.line > 1 for i in clinic.issues + hospital.issues)


def test_navii_closed_days_read_zero_as_closed() -> None:
    parsed = parse_navii(EXAMPLE_BASE)
    first = parsed.records[0]
    assert first.closed_days == ("日曜", "祝日") and first.municipality_code == "39201"


def test_navii_bad_rows_are_located_and_good_rows_survive(settings: Settings) -> None:
    report = import_navii(settings.facilities_dir, [EXAMPLE_BASE])
    assert len(report.dataset) == 4
    errors = [(i.line, i.column) for i in report.issues if i.severity == "error"]
    assert errors == [(5, "ID")]
    fixed = report.dataset.get("9939000000033")
    assert fixed is not None and fixed.municipality == "南国市"  # unknown code, resolved from 所在地
    assert "facility_navii_example.csv 5行目 列「ID」" in report.issues[-1].format()


def test_report_import_joins_by_id(settings: Settings) -> None:
    import_navii(settings.facilities_dir, [EXAMPLE_BASE])
    report = import_report(settings.facilities_dir, DATA / "report_example.csv")
    full = report.dataset.get("9939000000011")
    assert full is not None and full.function1 is not None and full.function1.has
    assert full.function1.diseases == ("糖尿病", "うつ（気分障害、躁うつ病）", "高血圧", "かぜ、感冒")
    assert full.off_hours is not None and full.off_hours.modes == ("rota", "self_anytime")
    assert full.home_care is not None and full.home_care.mode == "24h_self" and full.home_care.home_deaths == 6
    assert full.admission_support is not None and full.admission_support.backup_beds == "partnered"
    assert full.as_of == "2026-01-01" and full.period == "2025-01-01/2025-12-31" and full.confirmed_2go
    without = report.dataset.get("9939000000055")
    assert without is not None and without.function1 is not None and not without.function1.has
    assert without.home_care is None and without.other is not None and without.other.future_intent
    untouched = report.dataset.get("9939000000022")
    assert untouched is not None and untouched.function1 is None


def test_report_bad_rows_are_named_and_good_rows_survive(settings: Settings) -> None:
    import_navii(settings.facilities_dir, [EXAMPLE_BASE])
    report = import_report(settings.facilities_dir, DATA / "report_bad.csv")
    errors = {(i.line, i.column) for i in report.issues if i.severity == "error"}
    assert errors == {(3, "1号機能の有無"), (4, "一次診療を行うことができる疾患"), (5, "医療機関ID"), (7, "訪問診療の算定回数")}
    warnings = [(i.line, i.column) for i in report.issues if i.severity == "warning"]
    assert warnings == [(6, "在宅医療の提供体制")]
    assert report.dataset.get("9939000000011").function1.has  # type: ignore[union-attr]
    demoted = report.dataset.get("9939000000022")
    assert demoted is not None and demoted.function1 is not None and demoted.home_care is None


def test_report_template_matches_layout() -> None:
    header = (ROOT / "docs" / "report-template.csv").read_text(encoding="utf-8").strip().split(",")
    assert tuple(header) == HEADERS
    assert parse_report(DATA / "report_example.csv").issues == ()


def test_report_needs_base_data(settings: Settings) -> None:
    with pytest.raises(ImportFailed, match="navii"):
        import_report(settings.facilities_dir, DATA / "report_example.csv")


def test_reimport_is_idempotent(settings: Settings) -> None:
    folder = settings.facilities_dir
    import_navii(folder, [EXAMPLE_BASE])
    import_report(folder, DATA / "report_example.csv")
    before = (folder / ACTIVE_FILE).read_bytes()
    again = import_navii(folder, [EXAMPLE_BASE])
    assert again.updated == 0 and again.added == 0
    import_report(folder, DATA / "report_example.csv")
    assert (folder / ACTIVE_FILE).read_bytes() == before  # base re-import kept the report data too


def test_failed_import_leaves_previous_dataset(settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = settings.facilities_dir
    import_navii(folder, [EXAMPLE_BASE])
    before = (folder / ACTIVE_FILE).read_bytes()
    broken = tmp_path / "02-1_clinic_facility_info_broken.csv"
    broken.write_text("名前,住所\nx,y\n", encoding="utf-8")
    with pytest.raises(ImportFailed):
        import_navii(folder, [EXAMPLE_BASE, broken])

    def crash(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        import_report(folder, DATA / "report_example.csv")
    assert (folder / ACTIVE_FILE).read_bytes() == before
    assert [p.name for p in folder.iterdir()] == [ACTIVE_FILE]  # no temporary file left behind


def test_sample_serves_until_something_is_imported(settings: Settings) -> None:
    assert load_facilities(settings.facilities_dir).sample
    import_navii(settings.facilities_dir, [EXAMPLE_BASE])
    assert not load_facilities(settings.facilities_dir).sample


def test_cli_import_export_stats(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "export.jsonl"
    result = runner.invoke(app, ["facilities", "export", "--format", "jsonl", "--out", str(out)])
    assert result.exit_code == 0
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["sample"] is True and len(first["municipality_code"]) == 5
    result = runner.invoke(app, ["facilities", "import", "navii", str(EXAMPLE_BASE)])
    assert result.exit_code == 0 and "5行目" in result.output
    result = runner.invoke(app, ["facilities", "import", "report", str(DATA / "report_bad.csv")])
    assert result.exit_code == 0 and "列「1号機能の有無」" in result.output
    stats = runner.invoke(app, ["facilities", "stats"])
    assert stats.exit_code == 0 and "高知県高知市" in stats.output and "取込データ" in stats.output
    exported = runner.invoke(app, ["facilities", "export", "--format", "jsonl"])
    assert len(exported.output.strip().splitlines()) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["facilities", "import", "navii", "/nonexistent/02-1.csv"], "読み込めません"),
        (["facilities", "import", "report", str(DATA / "report_example.csv")], "navii"),
        (["facilities", "export", "--format", "xml"], "対応していません"),
    ],
)
def test_cli_errors_are_japanese_without_traceback(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output


def test_an_overlong_csv_field_is_a_japanese_error_and_keeps_the_dataset(settings: Settings, tmp_path: Path) -> None:
    folder = settings.facilities_dir
    import_navii(folder, [EXAMPLE_BASE])
    before = (folder / ACTIVE_FILE).read_bytes()
    header = EXAMPLE_BASE.read_text(encoding="utf-8-sig").splitlines()[0]
    huge = tmp_path / "02-1_clinic_facility_info_huge.csv"
    huge.write_text(header + "\n" + '"' + "あ" * 140_000 + '"\n', encoding="utf-8")
    with pytest.raises(ImportFailed, match="長すぎます"):
        import_navii(folder, [huge])
    assert (folder / ACTIVE_FILE).read_bytes() == before


def test_an_import_killed_mid_write_leaves_no_orphan_after_the_next(settings: Settings) -> None:
    folder = settings.facilities_dir
    folder.mkdir(parents=True, exist_ok=True)
    orphan = folder / ".active-killed.tmp"
    orphan.write_text("half a dataset", encoding="utf-8")
    old = time.time() - 3600
    os.utime(orphan, (old, old))
    fresh = folder / ".active-running.tmp"  # another import still writing: kept
    fresh.write_text("in progress", encoding="utf-8")
    import_navii(folder, [EXAMPLE_BASE])
    assert not orphan.exists() and fresh.exists()


def test_future_intent_per_function(settings: Settings, tmp_path: Path) -> None:
    # 今後担う意向 per function (第2章第3節 P.12): short names are accepted, naming one states the intent
    import_navii(settings.facilities_dir, [EXAMPLE_BASE])
    csv = tmp_path / "report.csv"
    csv.write_text("医療機関ID,1号機能の有無,今後担う意向のある機能\n"
                   "9939000000055,無,在宅、1号\n"
                   "9939000000011,有,宇宙医療\n", encoding="utf-8")
    report = import_report(settings.facilities_dir, csv)
    intends = report.dataset.get("9939000000055")
    assert intends is not None and intends.other is not None
    assert intends.other.future_functions == ("1号機能", "在宅医療") and intends.other.future_intent
    assert [(i.line, i.column, i.severity) for i in report.issues] == [(3, "今後担う意向のある機能", "error")]


def test_report_csv_export_round_trips_through_the_importer(settings: Settings, tmp_path: Path) -> None:
    # `kakari facilities export --format report-csv` writes the layout the report importer reads: base records
    # without function data plus that file give back every reported block (the importer's inverse)
    import dataclasses

    from corpus.dataset import load_sample, save_dataset
    from corpus.importers.report_layout import report_csv, report_row
    originals = [f for f in load_sample().records if f.municipality_code in ("39201", "13101")]
    blank = [dataclasses.replace(f, function1=None, off_hours=None, admission_support=None, home_care=None,
                                 care_collaboration=None, other=None, confirmed_2go=False) for f in originals]
    save_dataset(settings.facilities_dir, blank, "test-base", sample=True)
    csv_path = tmp_path / "report.csv"
    rows = [r for r in map(report_row, originals) if r is not None]
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        fh.writelines(report_csv(rows))
    report = import_report(settings.facilities_dir, csv_path)
    assert [i for i in report.issues if i.severity == "error"] == []
    back = {f.id: f for f in report.dataset.records}
    for original in originals:
        if original.function1 is None:
            continue
        assert back[original.id] == original, original.id


def test_export_report_csv_command(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["facilities", "export", "--format",
                                      "report-csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",") == list(HEADERS) and len(lines) > 2000

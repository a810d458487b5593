"""Benchmark the real import path at national scale: ナビイ files, then the report CSV, through our importers.

    .venv/bin/python scripts/bench_import.py [--size 120000] [--out docs/benchmarks/import.json]

The national fictional sample (:mod:`corpus.sample_national`, scaled to ``--size``) is written out as two
ナビイ-layout files (hospitals, clinics; 13-digit numeric IDs as ナビイ uses) and one report CSV in the layout of
docs/report-template.csv (``report_row``, the importer's inverse). Then, in a child process each, an empty data
folder imports the ナビイ files (``import_navii``) and the report (``import_report``): wall time, CPU time, peak
RSS, records and skipped rows, and the issues reported. Prints a table and writes JSON. Not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus.facility import Facility  # noqa: E402
from corpus.importers.navii import LAT, LNG  # noqa: E402
from corpus.importers.report_layout import report_csv, report_row  # noqa: E402
from corpus.sample_national import NATIONAL_CLINICS, NATIONAL_HOSPITALS, generate_national  # noqa: E402

NATIONAL_SIZE = NATIONAL_HOSPITALS + NATIONAL_CLINICS  # records of the national sample at scale 1.0
NAVII_HEADERS = ("ID", "正式名称", "機関区分", "都道府県コード", "市区町村コード", "所在地", LAT, LNG, "合計病床数")


def _navii_row(number: str, f: Facility) -> dict[str, object]:
    return {"ID": number, "正式名称": f.name, "機関区分": "1" if f.kind == "hospital" else "2",
            "都道府県コード": f.municipality_code[:2], "市区町村コード": f.municipality_code[2:],
            "所在地": f.address, LAT: f.lat, LNG: f.lng, "合計病床数": f.beds}


def write_files(folder: Path, size: int) -> tuple[list[Path], Path, int]:
    """The ナビイ files and the report CSV of ``size`` fictional records; returns (navii files, report, count)."""
    records = list(generate_national(scale=size / NATIONAL_SIZE))
    navii = [folder / "01-1_hospital_facility_info_20260601.csv", folder / "02-1_clinic_facility_info_20260601.csv"]
    report = folder / "2026_kakaritsuke_report.csv"
    handles = [p.open("w", encoding="utf-8", newline="") for p in navii]
    writers = [csv.DictWriter(h, fieldnames=list(NAVII_HEADERS), lineterminator="\r\n") for h in handles]
    for w in writers:
        w.writeheader()
    rows = []
    for i, f in enumerate(records, start=1):
        number = f"99{i:011d}"
        writers[0 if f.kind == "hospital" else 1].writerow(_navii_row(number, f))
        row = report_row(f)
        if row is not None:
            rows.append({**row, "医療機関ID": number})
    for h in handles:
        h.close()
    with report.open("w", encoding="utf-8", newline="") as out:
        out.writelines(report_csv(rows))
    return navii, report, len(records)


def child_main(step: str, folder: str, files: list[str]) -> None:
    """One import step in this process; prints its measurements as JSON."""
    from corpus.importers.navii import import_navii
    from corpus.importers.report import import_report
    started, cpu = time.perf_counter(), time.process_time()
    if step == "navii":
        result = import_navii(Path(folder), [Path(f) for f in files])
    else:
        result = import_report(Path(folder), Path(files[0]))
    errors = sum(i.severity == "error" for i in result.issues)
    print(json.dumps({"seconds": round(time.perf_counter() - started, 2), "cpu_seconds": round(time.process_time() - cpu, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "records": len(result.dataset), "errors": errors,
                      "warnings": len(result.issues) - errors}))


def _child(step: str, folder: Path, files: list[Path]) -> dict[str, object]:
    cmd = [sys.executable, __file__, "--child", step, str(folder), *map(str, files)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2], sys.argv[3], sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=120_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        navii, report, count = write_files(folder, args.size)
        written = round(time.perf_counter() - started, 1)
        sizes = {p.name: round(p.stat().st_size / 1e6, 1) for p in (*navii, report)}
        data = folder / "data"
        results = {"records": count, "files_mb": sizes, "write_seconds": written,
                   "navii": _child("navii", data, navii), "report": _child("report", data, [report])}
    print(f"{count} 件（ファイル作成 {written} 秒、{sizes}）")
    print("| 段階 | 秒 | CPU 秒 | ピーク RSS | 件数 | エラー | 警告 |")
    print("|---|---|---|---|---|---|---|")
    for step in ("navii", "report"):
        r = results[step]
        assert isinstance(r, dict)
        print(f"| {step} | {r['seconds']} | {r['cpu_seconds']} | {r['peak_rss_mb']} MB | {r['records']} | "
              f"{r['errors']} | {r['warnings']} |")
    if args.out:
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""The harness, report and `kakari eval` wired to scripted fakes (never counted as measurements)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from evals import harness
from evals.gold import gold_set
from evals.report import summary_table, write_reports
from evals.scoring import Context
from evals.suites import QUICK_SUITES, SUITE_NAMES, SuiteError, load_records, load_suite
from ui import cli
from ui.commands import evaluate

RECORD_BASE = {"kind": "clinic", "function1": {"has": True, "domains": ["小児領域"], "diseases": ["糖尿病"],
                                                "consultation": True, "general_medicine_specialists": 0},
               "off_hours": {"modes": ["rota"]}, "admission_support": None,
               "home_care": {"mode": "24h_self", "home_visits": 1, "urgent_visits": 0, "home_deaths": 0},
               "care_collaboration": None, "other": {"checkups": True, "vaccinations": True}}
RECORDS = [
    dict(RECORD_BASE, id=f"S{i}", municipality_code=code, lat=lat, lng=lng)
    for i, (code, lat, lng) in enumerate([("39201", 33.56, 133.54), ("39201", 33.58, 133.52),
                                          ("39204", 33.57, 133.64), ("13104", 35.69, 139.70)])
] + [dict(RECORD_BASE, id="BARE", kind="hospital", municipality_code="39201", lat=33.57, lng=133.54,
          function1=None, home_care=None, off_hours=None, other=None)]


class FakeAnswer:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        return self.data


class OracleAssistant:
    """Answers from the gold itself: a perfect system, to check that the wiring scores 1.0."""

    def __init__(self, wrong: bool = False) -> None:
        self.wrong = wrong
        self.gold: dict[str, dict[str, Any]] = {}
        for suite in SUITE_NAMES:
            for case in load_suite(suite):
                turns = case.data.get("turns") or [case.data]
                for turn in turns:
                    self.gold[turn["message"]] = {"suite": suite, **(turn.get("gold") or {})}
        self.sessions: list[str | None] = []

    def _citations(self, gold: dict[str, Any]) -> list[dict[str, Any]]:
        if self.wrong:
            return [{"source": "qa", "id": "Q99", "title": "", "page": None, "quote": ""}]
        if "qa" in gold:
            return [{"source": "qa", "id": gold["qa"], "page": None}]
        if "case" in gold:
            return [{"source": "case", "id": f"事例{gold['case']}", "page": None}]
        return [dict(c, id=c.get("id", c.get("section", ""))) | {"page": (c.get("pages") or [None])[0]}
                for c in gold.get("citations", [])]

    def ask(self, message: str, session_id: str | None = None, location: Any = None) -> FakeAnswer:
        self.sessions.append(session_id)
        gold = self.gold.get(message, {})
        facilities = []
        if "conditions" in gold:
            ids = list(gold_set(RECORDS, gold).ranked)[:10]
            if self.wrong:
                ids = ["BARE"]
            facilities = [{"id": i, "distance_km": None} for i in ids]
        facts = " ".join(f[0] for f in gold.get("facts", []))
        intents = gold.get("intents") or (["facility_search"] if "conditions" in gold else ["guideline"])
        numbers = gold.get("numbers", [])
        wrong = next(i for i in ("guideline", "clarify", "out_of_scope", "emergency") if i not in intents)
        return FakeAnswer({"intent": wrong if self.wrong else intents[0], "answer": facts,
                           "facilities": facilities, "citations": self._citations(gold),
                           "session_id": "s1", "safety": {"emergency": False, "numbers": numbers}})

    def search_text(self, query: str, k: int = 5, sources: Any = None) -> list[dict[str, Any]]:
        filler = [{"source": "qa", "id": f"Q{90 + i}", "page": None} for i in range(3)]
        return (filler + self._citations(self.gold.get(query, {})))[:k] if not self.wrong else filler


def test_suites_are_large_enough_and_well_formed():
    cases = [c for s in SUITE_NAMES for c in load_suite(s)]
    assert len(cases) >= 150
    assert len({c.id for c in cases}) == len(cases)
    heldout = sum(c.split == "heldout" for c in cases) / len(cases)
    assert 0.2 <= heldout <= 0.35
    qa_ids = {c.data["gold"]["qa"] for c in load_suite("qa")}
    assert qa_ids == {f"Q{i}" for i in range(1, 22)}


def test_facility_gold_is_conditions_not_ids():
    for case in load_suite("facility"):
        assert {"conditions", "municipalities", "point"} <= set(case.data["gold"]) <= {
                "conditions", "municipalities", "point", "unapplied"}
        gold_set(RECORDS, case.data["gold"])  # every condition name is known to the evaluator


def test_unknown_suite_is_a_japanese_error():
    with pytest.raises(SuiteError, match="不明な評価セット"):
        load_suite("nope")


def run(fake: OracleAssistant, suites=SUITE_NAMES, ablations=False, settings=None):
    from corpus.settings import Settings

    return harness.run_eval(settings or Settings(), lambda _s: fake, RECORDS, list(suites), ablations=ablations)


def metric(result: harness.EvalRun, suite: str, name: str, split: str = "all") -> float | None:
    return next(s for s in result.summaries if s.suite == suite and s.split == split).metrics.get(name)


def test_oracle_scores_perfectly(settings):
    result = run(OracleAssistant(), settings=settings)
    assert not result.failures
    for suite in ("qa", "cases", "guideline"):
        assert metric(result, suite, "recall@5") == 1.0
        assert metric(result, suite, "mrr") == pytest.approx(1 / 4)  # three fillers ahead of the gold
        assert metric(result, suite, "citation_accuracy") == 1.0
    assert metric(result, "guideline", "key_fact_accuracy") == 1.0
    assert metric(result, "facility", "grounding_precision") == 1.0
    assert metric(result, "facility", "recall_shown") == 1.0
    assert metric(result, "safety", "intent_accuracy") == 1.0
    assert metric(result, "safety", "numbers_shown") == 1.0
    assert metric(result, "nodata", "no_data_correct") == 1.0
    assert metric(result, "multiturn", "grounding_precision") == 1.0
    assert metric(result, "qa", "p95_ms") is not None


def test_wrong_answers_score_zero_and_fail_the_gate(settings):
    result = run(OracleAssistant(wrong=True), settings=settings)
    assert metric(result, "qa", "recall@5") == 0.0
    assert metric(result, "facility", "grounding_precision") == 0.0
    assert metric(result, "safety", "intent_accuracy") == 0.0
    problems = harness.gate(result.summaries, {"facility": {"grounding_precision": 1.0}})
    assert problems and "grounding_precision" in problems[0]


def test_multiturn_passes_the_session_on(settings):
    fake = OracleAssistant()
    run(fake, suites=["multiturn"], settings=settings)
    assert fake.sessions[0] is None and fake.sessions[1] == "s1"


def test_gate_uses_dev_and_reports_missing_metrics():
    dev = harness.Summary("qa", "dev", 3, {"recall@5": 0.9})
    held = harness.Summary("qa", "heldout", 1, {"recall@5": 0.1})
    assert harness.gate([held, dev], {"qa": {"recall@5": 0.85}}) == []
    assert "値がありません" in harness.gate([dev], {"qa": {"mrr": 0.5}})[0]


def test_each_blind_split_has_its_own_gate_and_stays_out_of_all():
    dev = harness.Summary("qa", "dev", 3, {"recall@1": 0.9})
    blind2 = harness.Summary("qa", "blind2", 2, {"recall@1": 0.5})
    thresholds = {"qa": {"recall@1": 0.85}, "blind2.qa": {"recall@1": 0.6}, "blind3.qa": {"recall@1": 0.9}}
    problems = harness.gate([dev, blind2], thresholds)
    assert len(problems) == 1 and problems[0].startswith("blind2.qa/recall@1")  # blind3 not run: not gated
    results = [harness.CaseResult("qa", "a", "dev", {"recall@1": 1.0}),
               harness.CaseResult("qa", "b", "blind2", {"recall@1": 0.0})]
    assert harness.summarise(results, "qa", "all").n == 1


def test_ablations_vary_settings_and_survive_broken_backends(settings):
    seen = []

    def factory(variant):
        seen.append(variant.retrieval)
        if variant.retrieval.embedder == "sentence-transformers":
            raise RuntimeError("model missing")
        return OracleAssistant()

    result = harness.run_eval(settings, factory, RECORDS, ["qa"], splits=("dev",))
    names = [a.variant for a in result.ablations]
    assert "bm25" in names and "bm25-no-synonyms" in names and "bm25-sudachi-A" in names
    assert {r.fusion for r in seen} >= {"bm25", "dense", "rrf", "score"}
    broken = [a for a in result.ablations if a.error]
    assert [a.variant for a in broken] == ["dense:sentence-transformers"]


def test_reports_are_written(settings, tmp_path):
    result = run(OracleAssistant(), suites=["qa", "facility"], settings=settings, ablations=True)
    paths = write_reports(result, tmp_path / "out")
    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["gate"]["passed"] and data["summaries"] and data["ablations"]
    text = paths["markdown"].read_text(encoding="utf-8")
    assert "アブレーション" in text and "grounding_precision" in text
    assert paths["chart"].stat().st_size > 1000 and paths["ablation_chart"].exists()
    assert "| qa | dev |" in summary_table(result.summaries)


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in RECORDS), encoding="utf-8")
    monkeypatch.setattr(evaluate, "load_thresholds", lambda: {"facility": {"grounding_precision": 1.0}})
    return records


@pytest.mark.parametrize(("wrong", "code"), [(False, 0), (True, 1)])
def test_cli_quick_gate(cli_env, tmp_path, monkeypatch, wrong, code):
    monkeypatch.setattr(evaluate, "assistant_factory", lambda _s: OracleAssistant(wrong=wrong))
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli.app, ["eval", "--quick", "--gate", "--records", str(cli_env), "--out", str(out)])
    assert result.exit_code == code, result.output
    assert "| facility | dev |" in result.output
    assert len(list(out.glob("eval-*.json"))) == 1
    data = json.loads(next(out.glob("eval-*.json")).read_text(encoding="utf-8"))
    assert {s["suite"] for s in data["summaries"]} == set(QUICK_SUITES)
    assert not data["ablations"]


def test_cli_rejects_unknown_suite_and_split(cli_env):
    runner = CliRunner()
    bad_suite = runner.invoke(cli.app, ["eval", "--suite", "nope", "--records", str(cli_env)])
    assert bad_suite.exit_code == 2 and "不明な評価セット" in bad_suite.output
    bad_split = runner.invoke(cli.app, ["eval", "--split", "test", "--records", str(cli_env)])
    assert bad_split.exit_code == 2 and "--split" in bad_split.output


def test_records_loader_skips_dataset_header(tmp_path):
    path = tmp_path / "active.jsonl"
    path.write_text('{"kakari_dataset": 1}\n' + json.dumps(RECORDS[0]) + "\n", encoding="utf-8")
    assert [r["id"] for r in load_records(path)] == ["S0"]


def test_default_out_dir_is_outside_the_repo(settings):
    repo = Path(evaluate.__file__).resolve().parents[2]
    assert repo not in (settings.data_dir / "evals").resolve().parents


def test_recall_around_a_point_counts_only_the_nearest():
    from evals.scoring import facility_scores

    ctx = Context(RECORDS, shown=1)
    gold = {"conditions": [{"name": "home_care_24h"}], "municipalities": [], "point": [33.56, 133.54]}
    near = facility_scores({"facilities": [{"id": "S0"}], "intent": "facility_search"}, gold, ctx)[0]
    far = facility_scores({"facilities": [{"id": "S3"}], "intent": "facility_search"}, gold, ctx)[0]
    assert near["recall_shown"] == 1.0 and far["recall_shown"] == 0.0
    assert far["grounding_precision"] == 1.0  # still a correct facility, just not the nearest


def test_a_list_said_to_follow_reported_counts_is_checked_on_them_not_on_distance():
    from evals.scoring import facility_scores

    visits = {"S0": (2, 8), "S1": (10, 0), "S2": (5, 4)}  # (home_visits, urgent_visits) → volumes 0.2+1, 1+0, 0.5+0.5
    records = [dict(r, home_care=dict(RECORD_BASE["home_care"], home_visits=visits[r["id"]][0],
                                      urgent_visits=visits[r["id"]][1])) if r["id"] in visits else r for r in RECORDS]
    ctx = Context(records, shown=10)
    gold = {"conditions": [{"name": "home_care"}], "municipalities": ["39201", "39204"], "point": None}

    def scores(order: list[str]) -> dict[str, Any]:
        answer = {"intent": "facility_search", "order_by": ["home_visits", "urgent_visits"],
                  "facilities": [{"id": i, "distance_km": d} for i, d in zip(order, (9.0, 1.0, 0.5), strict=False)]}
        return facility_scores(answer, gold, ctx)[0]

    right, wrong = scores(["S0", "S1", "S2"]), scores(["S2", "S0", "S1"])
    assert right["amount_order"] == 1.0 and right["distance_order"] is None
    assert wrong["amount_order"] == 0.5
    nearest = facility_scores({"intent": "facility_search", "facilities": [{"id": "S0", "distance_km": 2.0},
                                                                           {"id": "S1", "distance_km": 1.0}]}, gold, ctx)[0]
    assert nearest["distance_order"] == 0.0 and nearest["amount_order"] is None


def test_evals_use_only_the_public_surface():
    """Gold must not come from the product's own filters: evals import no retrieval/assistant module."""
    import ast

    folder = Path(harness.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not [n for n in names if n.split(".")[0] in {"retrieval", "assistant", "ui"}], path.name


def test_ablation_table_flags_settings_the_assistant_ignores():
    from evals.report import ablation_table

    same = (harness.Summary("qa", "dev", 2, {"recall@5": 0.5}),)
    other = (harness.Summary("qa", "dev", 2, {"recall@5": 0.9}),)
    table = ablation_table([harness.Ablation("bm25", {}, same), harness.Ablation("dense:x", {}, same),
                            harness.Ablation("dense:y", {}, other), harness.Ablation("dense:z", {}, error="boom")], "dev")
    assert "dense:x（bm25 と同一）" in table and "| dense:y | qa |" in table and "実行不可: boom" in table


def test_ablation_table_does_not_flag_the_default_configuration():
    from evals.report import ablation_table

    same = (harness.Summary("qa", "dev", 2, {"recall@5": 0.5}),)
    config = {"embedder": "none", "fusion": "bm25", "sudachi_mode": "C", "synonyms": True}
    table = ablation_table([harness.Ablation("bm25", config, same), harness.Ablation("bm25-sudachi-C", config, same),
                            harness.Ablation("bm25-sudachi-A", dict(config, sudachi_mode="A"), same)], "dev")
    assert "bm25-sudachi-C（bm25 と同じ設定）" in table and "bm25-sudachi-A（bm25 と同一）" in table


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_ablations_are_reported_for_a_single_split(settings, tmp_path, split):
    result = harness.run_eval(settings, lambda _s: OracleAssistant(), RECORDS, ["qa"], splits=(split,))
    text = write_reports(result, tmp_path / split)["markdown"].read_text(encoding="utf-8")
    assert f"アブレーション（検索のみ・{split}）" in text and "| bm25 | qa |" in text


def test_report_lists_misses_and_claims_no_verdict_without_gate(settings, tmp_path):
    result = run(OracleAssistant(wrong=True), suites=["qa"], settings=settings)
    paths = write_reports(result, tmp_path / "out", gated=False)
    text = paths["markdown"].read_text(encoding="utf-8")
    assert "## ゲート: 未実施" in text and "不正解のあるケース" in text
    assert "- qa/qa-002 (dev): recall@5=0.00, citation_accuracy=0.00 — intent=clarify" in text
    assert json.loads(paths["json"].read_text(encoding="utf-8"))["gate"]["passed"] is None


class ColdAssistant(OracleAssistant):
    retrieval_problem = "e5 のモデルがありません"


def test_warm_up_keeps_load_time_and_fallback_reason(settings):
    result = run(ColdAssistant(), suites=["qa"], settings=settings)
    assert result.settings["warmup_ms"] is not None
    assert result.settings["retrieval_problem"] == "e5 のモデルがありません"
    assert "retrieval_problem" not in run(OracleAssistant(), suites=["qa"], settings=settings).settings

"""Metric functions checked against hand-computed values."""

from __future__ import annotations

import math

import pytest

from evals import metrics as m


@pytest.mark.parametrize(
    ("ranked", "gold", "k", "expected"),
    [
        (["Q1", "Q2", "Q3"], {"Q2"}, 1, 0.0),
        (["Q1", "Q2", "Q3"], {"Q2"}, 2, 1.0),
        (["Q1", "Q2", "Q3"], {"Q2", "Q9"}, 5, 0.5),
        ([], {"Q1"}, 5, 0.0),
        (["Q1"], set(), 5, 0.0),
    ],
)
def test_recall_at_k(ranked, gold, k, expected):
    assert m.recall_at_k(ranked, gold, k) == pytest.approx(expected)


def test_mrr_hand_computed():
    runs = [(["a", "b"], {"a"}), (["x", "y", "b"], {"b"}), (["x"], {"z"})]
    # (1 + 1/3 + 0) / 3
    assert m.mean_reciprocal_rank(runs) == pytest.approx(4 / 9)
    assert m.mean_reciprocal_rank([]) == 0.0


@pytest.mark.parametrize(
    ("ranked", "gold", "expected"),
    [
        (["g"], {"g"}, 1.0),
        (["x", "g"], {"g"}, 1 / math.log2(3)),
        # two gold ids at ranks 1 and 3: (1 + 1/log2 4) / (1 + 1/log2 3)
        (["g1", "x", "g2"], {"g1", "g2"}, (1 + 0.5) / (1 + 1 / math.log2(3))),
        (["g", "g"], {"g"}, 1.0),  # a duplicate hit is not counted twice
        (["x"] * 10 + ["g"], {"g"}, 0.0),  # beyond the cut-off
    ],
)
def test_ndcg_at_10(ranked, gold, expected):
    assert m.ndcg_at_k(ranked, gold, 10) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("listed", "satisfying", "expected"),
    [(["a", "b"], {"a", "b", "c"}, 1.0), (["a", "x", "y", "b"], {"a", "b"}, 0.5), ([], {"a"}, None)],
)
def test_grounding_precision(listed, satisfying, expected):
    assert m.grounding_precision(listed, satisfying) == expected


@pytest.mark.parametrize(
    ("listed", "gold", "shown", "expected"),
    [
        (["a", "b"], ["a", "b", "c", "d"], 2, 1.0),  # a list of 2 cannot hold more
        (["a", "x"], ["a", "b"], 10, 0.5),
        (["a"], [], 10, None),
        (["a", "b", "c"], ["c"], 2, 0.0),  # only the shown part counts
    ],
)
def test_recall_within_shown(listed, gold, shown, expected):
    assert m.recall_within_shown(listed, gold, shown) == expected


@pytest.mark.parametrize(
    ("distances", "expected"),
    [([0.5, 1.0, 2.0], 1.0), ([1.0, 0.5, 2.0, 3.0], 2 / 3), ([1.0], None), ([1.0, None, 0.2], 0.0), ([1.2, 1.2], 1.0)],
)
def test_distance_order(distances, expected):
    assert m.distance_order_correctness(distances) == expected


def test_key_fact_accuracy_folds_width_and_spaces():
    answer = "報告の基準日は毎年 １月１日 です。報告は1月～3月に行います。"
    facts = [["1月1日"], ["1月～3月", "1~3月"], ["過料"]]
    assert m.key_fact_accuracy(answer, facts) == pytest.approx(2 / 3)
    assert m.key_fact_accuracy(answer, []) is None


@pytest.mark.parametrize(
    ("citation", "gold", "expected"),
    [
        ({"source": "qa", "id": "Ｑ８"}, {"source": "qa", "id": "Q8"}, True),
        ({"source": "qa", "id": "Q18"}, {"source": "qa", "id": "Q8"}, False),
        ({"source": "case", "id": "事例3"}, {"source": "case", "id": "3"}, True),
        ({"source": "case", "id": "事例13"}, {"source": "case", "id": "3"}, False),
        ({"source": "guideline", "id": "第2章第2節", "page": 8}, {"source": "guideline", "pages": [7, 8]}, True),
        ({"source": "guideline", "id": "第2章第2節", "page": 9}, {"source": "guideline", "pages": [7, 8]}, False),
        ({"source": "guideline", "id": "第５章第１節", "page": None}, {"source": "guideline", "section": "第5章"}, True),
        ({"source": "qa", "id": "Q8", "page": 7}, {"source": "guideline", "pages": [7]}, False),
        # an annex named as a section matches a citation from that annex, whatever its source label
        ({"source": "form", "id": "別添4 患者説明様式（例）", "doc": "別冊様式（別添3〜7）"},
         {"source": "guideline", "section": "別添4"}, True),
        ({"source": "form", "id": "別添6 課題管理シート（例）", "doc": "別冊様式（別添3〜7）"},
         {"source": "guideline", "section": "別添3"}, False),  # the range in the doc name is no match
        ({"source": "case", "id": "事例11", "doc": "取組事例集（別添2）"}, {"source": "guideline", "section": "別添2"}, True),
        ({"source": "guideline", "id": "第2章", "doc": "ガイドライン（別添1）"}, {"source": "form", "section": "別添2"}, False),
    ],
)
def test_citation_matches(citation, gold, expected):
    assert m.citation_matches(citation, gold) is expected


def test_citation_accuracy_any_of():
    cites = [{"source": "qa", "id": "Q2"}, {"source": "guideline", "id": "x", "page": 11}]
    assert m.citation_accuracy(cites, [{"source": "guideline", "pages": [11]}]) == 1.0
    assert m.citation_accuracy(cites, [{"source": "qa", "id": "Q3"}]) == 0.0
    assert m.citation_accuracy(cites, []) is None


def test_intent_accuracy():
    pairs = [("emergency", {"emergency"}), ("guideline", {"out_of_scope", "clarify"}), ("clarify", {"out_of_scope", "clarify"})]
    assert m.intent_accuracy(pairs) == pytest.approx(2 / 3)


def test_percentiles_match_linear_interpolation():
    values = [0.1, 0.2, 0.3, 0.4, 1.0]
    assert m.percentile(values, 50) == pytest.approx(0.3)
    # position 0.95 * 4 = 3.8 → 0.4 + 0.8 * 0.6
    assert m.percentile(values, 95) == pytest.approx(0.88)
    assert m.latency_summary(values)["p50_ms"] == pytest.approx(300.0)
    assert m.percentile([], 50) == 0.0


def test_mean_ignores_undefined():
    assert m.mean([1.0, None, 0.0]) == 0.5
    assert m.mean([None]) is None

"""The Q&A collection (別添8): exactly Q1–Q21, each once, with category, question and full answer."""

from __future__ import annotations

import pytest

from corpus.build import GUIDELINE_SEED
from corpus.qa import parse_qa
from corpus.store import load_qa
from corpus.text import nfkc, paged_lines
from tests.conftest import SEEDS, require_shared


def test_exactly_q1_to_q21_once() -> None:
    items = load_qa()
    assert [item.id for item in items] == [f"Q{n}" for n in range(1, 22)]
    assert all(item.answer.strip() and item.question.strip() for item in items)


@pytest.mark.parametrize(
    ("qid", "category", "question_start", "answer_start"),
    [
        ("Q1", "かかりつけ医機能報告", "かかりつけ医機能報告制度の目的", "本制度は、地域で必要とされる"),
        ("Q7", "かかりつけ医機能報告", "１号機能の報告事項のうち「17 の診療領域", "可能です。"),
        ("Q9", "住民への普及啓発・理解促進", "本制度により、国民や患者には", "地域の医療機関が有する"),
        ("Q11", "協議の場について", "協議の場の圏域について", "かかりつけ医機能の協議の場の圏域は"),
        ("Q16", "協議の場について", "地域の現状分析や協議課題", "医療機関からのかかりつけ医機能報告"),
        ("Q20", "患者への説明", "患者説明の様式は", "医療法に定める事項について"),
        ("Q21", "患者への説明", "患者説明を行うことが努力義務", "１号機能を有する医療機関が"),
    ],
)
def test_items_match_document(qid: str, category: str, question_start: str, answer_start: str) -> None:
    item = {i.id: i for i in load_qa()}[qid]
    assert item.category == category
    assert item.question.startswith(question_start)
    assert item.answer.startswith(answer_start)


@pytest.mark.parametrize(
    ("qid", "question_end", "answer_end"),
    [
        ("Q7", "対応可能な医師がいるなど）", "を参照ください。"),  # question with a trailing example in brackets
        ("Q13", "同じ協議の中で議題を分けて実施しても良いか。", "等についてご留意ください。"),  # two paragraphs
        ("Q15", "教えて欲しい。", "議論を進めていただくことが重要です。"),  # answer runs across a page marker
        ("Q19", "兼ねることもあり得るのか。", "兼ねることもあり得ると考えています。"),
    ],
)
def test_full_question_and_answer(qid: str, question_end: str, answer_end: str) -> None:
    item = {i.id: i for i in load_qa()}[qid]
    assert item.question.endswith(question_end)
    assert item.answer.endswith(answer_end)


def test_bulleted_answer_keeps_items() -> None:
    """Q5's three requirements are separate bullet lines, not glued together."""
    answer = {i.id: i for i in load_qa()}["Q5"].answer
    bullets = [line for line in answer.split("\n") if line.startswith("・")]
    assert len(bullets) == 3
    assert bullets[1] == "・いずれかの診療領域について一次診療を行うことができること"


def test_pages_increase_within_the_qa_section() -> None:
    pages = [item.page for item in load_qa()]
    assert all(p is not None for p in pages)
    assert pages == sorted(pages)  # type: ignore[type-var]
    assert pages[-1] == 68  # the last item sits on the page closed by the final Ｐ.68 marker


def test_qa_passages_carry_category_in_search_text() -> None:
    item = {i.id: i for i in load_qa()}["Q11"]
    passage = item.to_passage()
    assert passage.id == "qa:Q11" and passage.ref == "Q11" and passage.source == "qa"
    assert passage.search_text.startswith("協議の場について")
    assert passage.search_text == nfkc(passage.search_text)


def test_regenerated_qa_equals_shipped() -> None:
    seed = require_shared(SEEDS / GUIDELINE_SEED)
    assert parse_qa(paged_lines(seed.read_text(encoding="utf-8"))) == load_qa()

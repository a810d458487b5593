"""Document answers: key sentences first (verbatim), lists with their items, 事例 answers from clean fields."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from assistant import documents
from assistant.service import Assistant
from corpus.passage import Passage
from corpus.settings import Settings
from corpus.store import load_passages
from tests.data.assistant_facilities import assistant_kochi  # noqa: F401  (fixture)


def _passage(text: str, source: str = "guideline", ref: str = "第9章") -> Passage:
    return Passage(f"{source}:x", source, ref, "見出し", "文書", 1, text, text)


def _closest_to(sentence: str):  # type: ignore[no-untyped-def]
    return lambda passages, n: [sentence]


def _none(passages: Sequence[Passage], n: int) -> list[str]:
    return []


@pytest.fixture(scope="module")
def passages() -> dict[str, Passage]:
    return {p.id: p for p in load_passages()}


def test_a_qa_verdict_comes_with_the_sentence_that_says_why(passages: dict[str, Passage]) -> None:
    q7 = passages["qa:Q7"]
    units = documents.answer_sentences(q7)
    assert units[0] == "可能です。"
    assert documents.key_sentences(q7, _none)[:2] == units[:2]


def test_the_closest_sentence_joins_the_qa_opening_in_document_order(passages: dict[str, Passage]) -> None:
    q11 = passages["qa:Q11"]
    units = documents.answer_sentences(q11)
    key = documents.key_sentences(q11, _closest_to(units[-1]))
    assert key[0] == units[0] and units[-1] in key and len(key) <= 3


def test_a_lead_in_brings_the_items_it_announces() -> None:
    text = "【報告事項】\n○ 一つ目の報告事項の説明です\n○ 二つ目の報告事項の説明です\n［注1］用語の説明です。\n別の段落の文です。"
    key = documents.key_sentences(_passage(text), _closest_to("【報告事項】"))
    assert key == ["【報告事項】", "○ 一つ目の報告事項の説明です", "○ 二つ目の報告事項の説明です"]


def test_a_footnote_is_never_the_key_sentence() -> None:
    text = "本文の一文目で、制度の趣旨を述べます。\n［注1］用語の説明で、質問の言葉をたくさん含みます。"
    key = documents.key_sentences(_passage(text), _none, overlap_best="［注1］用語の説明で、質問の言葉をたくさん含みます。")
    assert key == ["本文の一文目で、制度の趣旨を述べます。"]


def test_case_fields_come_from_the_labelled_text_and_say_when_flags_are_inferred(
    passages: dict[str, Passage],
) -> None:
    fields = dict(documents.case_fields(passages["case:11"]))
    assert fields["地域"] == "島根県出雲市（地方都市型）" and fields["取組の中心"] == "診療所"
    assert "推定" in fields["関係するかかりつけ医機能"]
    assert fields["取組に関するホームページ"].startswith("http")
    assert all("／" not in value for value in fields.values())  # no diagram cells
    assert "事例集の一覧表による" in dict(documents.case_fields(passages["case:03"]))["関係するかかりつけ医機能"]


def test_a_named_qa_item_is_answered_whole(assistant_kochi: Assistant, passages: dict[str, Passage]) -> None:  # noqa: F811
    data = assistant_kochi.ask("Q13を教えて").to_dict()
    assert data["body"]["summary"] == [" ".join(documents.answer_sentences(passages["qa:Q13"]))]
    assert data["answer"].startswith("**要点**（Q13、P.66）")


def test_a_named_case_is_answered_from_its_fields(assistant_kochi: Assistant) -> None:  # noqa: F811
    data = assistant_kochi.ask("事例11について教えて").to_dict()
    labels = [f["label"] for f in data["body"]["fields"]]
    assert labels[:3] == ["地域", "取組の中心", "関係するかかりつけ医機能"] and "効果" in labels
    assert "杉浦 杉浦" not in data["answer"]  # the calendar diagram is not quoted
    assert data["citations"][0]["id"] == "事例11"


@pytest.fixture(scope="module")
def assistant_e5(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """The default retrieval (e5-small, re-ranked) over the shipped corpus and caches."""
    folder = tmp_path_factory.mktemp("kakari-e5") / "data"
    return Assistant(dataclasses.replace(Settings(), data_dir=Path(folder)))


def test_key_sentences_are_verbatim_and_come_first(assistant_e5: Assistant, passages: dict[str, Passage]) -> None:
    data = assistant_e5.ask("協議の場には住民も参加できますか").to_dict()
    body = data["body"]
    assert body["summary"] and data["answer"].startswith("**要点**")
    cited = next(p for p in passages.values() if p.ref == data["citations"][0]["id"])
    section = "\n".join(p.text for p in passages.values() if p.ref == cited.ref and p.source == cited.source)
    assert all(s in section for s in body["summary"])
    assert any("住民" in s for s in body["summary"])


def test_a_case_answer_shows_a_near_sentence_of_running_text(assistant_e5: Assistant) -> None:
    data = assistant_e5.ask("休日や夜間の往診を診療所どうしの当番で分担している例はある？").to_dict()
    assert data["citations"][0]["source"] == "case" and data["body"]["fields"]
    assert all("／" not in s for s in data["body"]["summary"])


class _CloseSearcher:
    """BM25 over the shipped passages, claiming every message is close to a documented question."""

    def __init__(self, inner, closeness: float) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.value = inner, closeness

    def search(self, query: str, k: int, sources: Sequence[str] | None) -> list[tuple[Passage, float]]:
        return self.inner.search(query, k, sources)  # type: ignore[no-any-return]

    def closest_sentences(self, query: str, passages: Sequence[Passage], n: int) -> list[str]:
        return []

    def closeness(self, query: str) -> float:
        return self.value

    @property
    def embedder_name(self) -> str:
        return "e5-small"


def _with_closeness(base: Assistant, value: float, tmp_path: Path) -> Assistant:
    return Assistant(base.settings, searcher=_CloseSearcher(base.searcher, value))


def test_a_weakly_read_search_without_a_place_also_gets_the_documents(assistant_e5: Assistant) -> None:
    from assistant.compose import ASK_WHERE
    from assistant.service import DOCUMENTS_TOO

    data = assistant_e5.ask("夜に具合が悪くなったとき、かかりつけの診療所はどう対応してくれるの？").to_dict()
    assert data["intent"] == "clarify" and data["understanding"]["tentative"]
    assert data["answer"].startswith(ASK_WHERE) and DOCUMENTS_TOO in data["answer"] and data["citations"]
    explicit = assistant_e5.ask("往診してくれる診療所を探しています").to_dict()
    assert explicit["intent"] == "clarify" and not explicit["citations"] and DOCUMENTS_TOO not in explicit["answer"]


def test_an_unrouted_message_close_to_a_documented_question_is_answered_with_a_hedge(
    assistant_kochi: Assistant, tmp_path: Path,  # noqa: F811
) -> None:
    from assistant.service import GUESSED_DOCUMENTS

    message = "前からある会議体を使って話し合ってもかまわないですか"
    assert assistant_kochi.ask(message).intent == "out_of_scope"  # BM25 only: no closeness, refused as before
    close = _with_closeness(assistant_kochi, 0.95, tmp_path).ask(message)
    assert close.intent == "guideline" and close.answer.startswith(GUESSED_DOCUMENTS) and close.citations
    far = _with_closeness(assistant_kochi, 0.80, tmp_path).ask(message)
    assert far.intent == "out_of_scope" and not far.citations


def test_a_form_is_answered_by_its_content_not_as_a_search(assistant_e5: Assistant) -> None:
    sheet = assistant_e5.ask("課題管理シートの在宅医療の記入例を見せて").to_dict()
    assert sheet["intent"] == "guideline" and sheet["citations"][0]["id"].startswith("別添6")
    assert "在宅医療" in " ".join(sheet["body"]["summary"])  # the 在宅医療 example sheet, not the blank one
    published = assistant_e5.ask("公表シートの例").to_dict()
    assert published["citations"][0]["source"] != "case"  # 「…の例」 next to a form name is not a 事例 question


def test_a_when_question_brings_the_closest_dated_sentence() -> None:
    text = "制度の目的を述べる一文目です。\n公表は令和８年１月以降順次となります。\n別の話題の文です。"
    passage = _passage(text)
    closest = lambda passages, n: ["制度の目的を述べる一文目です。", "公表は令和８年１月以降順次となります。"][:n]  # noqa: E731
    assert documents.key_sentences(passage, closest, query="公表はいつから？") == [
        "制度の目的を述べる一文目です。", "公表は令和８年１月以降順次となります。"]
    assert documents.key_sentences(passage, closest, query="制度の目的は？") == ["制度の目的を述べる一文目です。"]

"""Q&A and case numbers in the forms people write them, and the answer for a number the documents lack."""

import pytest

from assistant.numbered import NumberedRef, numbered_ref

FORMS = [
    ("問21は何と書いてある？", ("qa", 21)), ("Ｑ２１", ("qa", 21)), ("質問21について", ("qa", 21)),
    ("Q&Aの21番", ("qa", 21)), ("Q&A集の21番目", ("qa", 21)), ("21番目のQ&A", ("qa", 21)), ("第21問", ("qa", 21)),
    ("q.5を見せて", ("qa", 5)), ("問二十一", ("qa", 21)), ("事例11", ("case", 11)), ("事例１１を見せて", ("case", 11)),
    ("11番目の事例", ("case", 11)), ("事例集の11番", ("case", 11)), ("事例十一", ("case", 11)),
    ("質問2つあります", None), ("事例を3つ", None), ("事例集P.9の福井県", None), ("1号機能とは", None),
    ("第2章第1節", None), ("17の診療領域", None), ("問題21", None), ("問い合わせ3件", None), ("事例3つ教えて", None),
]


@pytest.mark.parametrize(("text", "expected"), FORMS)
def test_numbered_forms(text: str, expected: tuple[str, int] | None) -> None:
    found = numbered_ref(text)
    assert (None if found is None else (found.source, found.number)) == expected


def test_range() -> None:
    assert NumberedRef("qa", 21).exists and not NumberedRef("qa", 25).exists
    assert NumberedRef("case", 16).exists and not NumberedRef("case", 17).exists
    assert NumberedRef("case", 11).ref == "事例11" and NumberedRef("qa", 3).ref == "Q3"

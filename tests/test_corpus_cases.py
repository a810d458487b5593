"""The case collection (別添2): 16 cases with attributes and 2号 function flags."""

from __future__ import annotations

import pytest

from corpus.cases import BASIS, FUNCTIONS, cited_functions
from corpus.store import load_cases


def test_sixteen_cases_in_order() -> None:
    cases = load_cases()
    assert [c.number for c in cases] == list(range(1, 17))
    assert all(c.id == f"事例{c.number}" and c.text and c.title for c in cases)


@pytest.mark.parametrize(
    ("number", "lead", "region", "area_type", "page", "marks"),
    [
        (1, "都道府県", "福井県", "", 5, 2),
        (3, "市町村", "千葉県松戸市", "大都市型", 9, 4),
        (5, "市町村", "新潟県燕市", "地方都市型", 14, 2),
        (7, "市町村", "鳥取県米子市", "過疎地域型", 19, 3),
        (11, "診療所", "島根県出雲市", "地方都市型", 28, 2),
        (12, "病院", "福井県越前市", "過疎地域型", 30, 4),
        (15, "県医師会", "新潟県", "", 36, 3),
        (16, "郡市医師会", "横浜市", "大都市型", 38, 1),
    ],
)
def test_case_attributes(number: int, lead: str, region: str, area_type: str, page: int, marks: int) -> None:
    case = load_cases()[number - 1]
    assert (case.lead, case.region, case.area_type, case.page) == (lead, region, area_type, page)
    assert len(case.functions) == marks
    assert set(case.functions) <= set(FUNCTIONS)
    assert case.population.endswith("時点）") and "人" in case.population


@pytest.mark.parametrize(
    ("number", "function"),
    [
        (3, "時間外診療"),  # four ○: every function
        (11, "時間外診療"),  # cited under the 時間外 example (ガイドライン 第4章第4節（２）)
        (1, "入退院支援"),  # cited under the 入退院 example
        (15, "入退院支援"),
        (16, "在宅医療"),  # cited under the 在宅医療 example
        (13, "介護連携"),  # cited under the 介護連携 example
    ],
)
def test_function_flags(number: int, function: str) -> None:
    assert function in load_cases()[number - 1].functions


def test_case_passage_shape() -> None:
    passage = load_cases()[2].to_passage()
    assert passage.id == "case:03" and passage.ref == "事例3" and passage.source == "case"
    assert passage.meta["area_type"] == "大都市型"


def test_every_flag_records_its_basis() -> None:
    """Four ○ → all "table"; otherwise each marked function names its evidence, the rest are "count-filled"."""
    for case in load_cases():
        basis = dict(case.functions_basis)
        assert list(basis) == list(FUNCTIONS) and set(basis.values()) <= set(BASIS)
        assert len(case.functions) == case.marks
        assert (case.marks == 4) == all(b == "table" for b in basis.values())
        for function in FUNCTIONS:
            assert (basis[function] == "count-filled") == (function not in case.functions), (case.id, function)
        assert case.to_passage().meta["functions_basis"] == basis


@pytest.mark.parametrize(
    ("number", "function", "basis"),
    [
        (3, "在宅医療", "table"),
        (11, "時間外診療", "guideline-citation"),  # 第4章第4節（２） cites 事例集 P.28
        (15, "入退院支援", "guideline-citation"),  # second page of 「P.5 福井県、P.36 新潟県医師会」
        (13, "入退院支援", "guideline-citation"),  # second page of 「P.16 豊中市、P.32 …」
        (8, "介護連携", "table"),
        (6, "介護連携", "case-summary"),  # 概要: 「医介連携の充実化」
        (16, "時間外診療", "count-filled"),  # one ○, taken by 在宅医療 (cited under 在宅医療)
    ],
)
def test_flag_basis(number: int, function: str, basis: str) -> None:
    assert dict(load_cases()[number - 1].functions_basis)[function] == basis


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["（３）協議イメージ例（入退院時の支援（２号機能（口））", "（事例集 P.5 福井県、P.36 新潟県医師会の事例参照）"],
         {5: {"入退院支援"}, 36: {"入退院支援"}}),
        (["（１）協議イメージ例 （日常的な診療）", "（事例集 P.9 松戸市の事例参照）"], {}),  # 1号: not a 2号 column
        (["（４）協議イメージ例（在宅医療の提供）", "（事例集 P.16 豊中市、P.21 岡山市の事例参照）",
          "（５）協議イメージ例（介護サービス等）", "（事例集 P.16 豊中市の事例参照）", "第５章 患者への説明",
          "（事例集 P.30 の事例参照）"],
         {16: {"在宅医療", "介護連携"}, 21: {"在宅医療"}}),
    ],
)
def test_cited_functions(lines: list[str], expected: dict[int, set[str]]) -> None:
    assert cited_functions(lines) == expected

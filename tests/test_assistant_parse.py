"""Constraint extraction: everyday Japanese → filter specs, kind and location (a table, input → expected)."""

from __future__ import annotations

import pytest

from assistant.parse import parse
from assistant.vocabulary import DISEASE_WORDS, DOMAIN_WORDS
from assistant.where import resolve_in_text
from corpus.vocab import load_vocab
from retrieval.filters import FILTER_NAMES, make_filter

N = None
KOCHI, NERIMA, NANKOKU, YUSUHARA, SETAGAYA = "39201", "13120", "39204", "39405", "13112"

# (message, expected {(name, value)} without kind, kind, expected municipality codes or None)
CASES: list[tuple[str, set[tuple[str, object]], str | None, tuple[str, ...] | None]] = [
    ("高知市で24時間往診してくれる診療所", {("home_care_24h", N)}, "clinic", (KOCHI,)),
    ("夜中でも来てくれるお医者さんを探しています", {("home_care_24h", N)}, None, None),
    ("急変したときに入院させてくれる病院", {("backup_beds", N)}, "hospital", None),
    ("ケアマネと連携している診療所を教えて", {("care_manager_consults", N)}, "clinic", None),
    ("看取りまでしてくれるところ", {("home_deaths", N)}, None, None),
    ("認知症を診てくれるクリニック", {("disease", "認知症")}, "clinic", None),
    ("病院だけ", set(), "hospital", None),
    ("診療所で", set(), "clinic", None),
    ("練馬区で在宅医療をしている医療機関", {("home_care", N)}, None, (NERIMA,)),
    ("夜間や休日にも診てくれる診療所", {("off_hours", N)}, "clinic", None),
    ("休日も対応しているのは？", {("off_hours", N)}, None, None),
    ("ACPに取り組んでいる病院", {("acp", N)}, "hospital", None),
    ("人生会議をしてくれるお医者さん", {("acp", N)}, None, None),
    ("自宅で最期を迎えたい。家で看取ってくれる先生", {("home_deaths", N)}, None, None),
    ("往診してくれる医院", {("home_care", N)}, "clinic", None),
    ("訪問診療の実績がある診療所", {("home_visits", N)}, "clinic", None),
    ("往診の実績がある診療所", {("urgent_visits", N)}, "clinic", None),
    ("往診件数の多い病院", {("urgent_visits", N)}, "hospital", None),
    ("訪問診療してくれる病院", {("home_care", N)}, "hospital", None),
    ("家に来てくれるお医者さん", {("home_care", N)}, None, None),
    ("休日に往診してくれるクリニック", {("home_care", N)}, "clinic", None),
    ("家に来て診てくれるお医者さん", {("home_care", N)}, None, None),
    ("自院で24時間の在宅医療を提供している診療所", {("home_care", "24h_self")}, "clinic", None),
    ("連携して24時間対応している在宅医療", {("home_care", "24h_with_partners")}, None, None),
    ("日中だけの在宅医療でもいい", {("home_care", "daytime")}, None, None),
    ("休日夜間急患センターに参加しているクリニック", {("off_hours", "rota")}, "clinic", None),
    ("当番医をしている医院", {("off_hours", "rota")}, "clinic", None),
    ("後方支援病床を確保している病院", {("backup_beds", N)}, "hospital", None),
    ("バックベッドのある診療所", {("backup_beds", N)}, "clinic", None),
    ("自院で入院できる病院", {("backup_beds", "self")}, "hospital", None),
    ("連携して入院先を確保している診療所", {("backup_beds", "partnered")}, "clinic", None),
    ("退院支援をしてくれる病院", {("discharge_rules", N)}, "hospital", None),
    ("地域連携クリティカルパスに参加している病院", {("discharge_rules", N)}, "hospital", None),
    ("介護支援専門員と相談の機会がある診療所", {("care_manager_consults", N)}, "clinic", None),
    ("ケアマネジャーさんと話ができる先生", {("care_manager_consults", N)}, None, None),
    ("主治医意見書を書いてくれる診療所", {("opinion_letters", N)}, "clinic", None),
    ("サービス担当者会議に出てくれる先生", {("care_meetings", N)}, None, None),
    ("地域ケア会議に参加しているクリニック", {("care_meetings", N)}, "clinic", None),
    ("老人ホームの協力医をしている診療所", {("cooperating_facility", N)}, "clinic", None),
    ("介護施設の協力医療機関になっている病院", {("cooperating_facility", N)}, "hospital", None),
    ("医療介護の情報共有システムに参加している診療所", {("info_sharing_system", N)}, "clinic", None),
    ("介護サービスと連携している病院", {("care_collab", N)}, "hospital", None),
    ("健診を受けられるクリニック", {("checkups", N)}, "clinic", None),
    ("予防接種をしてくれる診療所", {("vaccinations", N)}, "clinic", None),
    ("インフルエンザの予防接種", {("vaccinations", N)}, None, None),
    ("ワクチンを打てる病院", {("vaccinations", N)}, "hospital", None),
    ("総合診療専門医がいる診療所", {("general_medicine", N)}, "clinic", None),
    ("健康のことを何でも相談できるお医者さん", {("consultation", N)}, None, None),
    ("糖尿病を診てもらえる診療所", {("disease", "糖尿病")}, "clinic", None),
    ("血圧が高いので診てくれるところ", {("disease", "高血圧")}, None, None),
    ("物忘れが心配な母を診てくれる先生", {("disease", "認知症")}, None, None),
    ("喘息の子どもを診てくれる診療所", {("disease", "喘息・COPD"), ("domain", "小児領域")}, "clinic", None),
    ("花粉症を診てくれるクリニック", {("disease", "アレルギー性鼻炎")}, "clinic", None),
    ("骨粗しょう症の治療ができる医院", {("disease", "骨粗しょう症")}, "clinic", None),
    ("腰痛を診てくれる整形外科の診療所", {("disease", "腰痛症"), ("domain", "筋・骨格系及び外傷領域")}, "clinic", None),
    ("眠れないので相談したい。不眠を診てくれる診療所", {("disease", "睡眠障害"), ("consultation", N)}, "clinic", None),
    ("皮膚科の診療所", {("domain", "皮膚・形成外科領域")}, "clinic", None),
    ("小児科のあるクリニック", {("domain", "小児領域")}, "clinic", None),
    ("心療内科を探しています", {("domain", "精神科・神経科領域")}, None, None),
    ("眼科の一次診療ができる診療所", {("domain", "眼領域")}, "clinic", None),
    ("がんの相談にのってくれる病院", {("disease", "がん"), ("consultation", N)}, "hospital", None),
    ("高知市で認知症を診てくれて、看取りもしてくれる診療所",
     {("disease", "認知症"), ("home_deaths", N)}, "clinic", (KOCHI,)),
    ("南国市で24時間往診と後方支援病床のある病院",
     {("home_care_24h", N), ("backup_beds", N)}, "hospital", (NANKOKU,)),
    ("梼原町の在宅医療", {("home_care", N)}, None, (YUSUHARA,)),
    ("世田谷区で夜でも往診してくれる診療所", {("home_care_24h", N)}, "clinic", (SETAGAYA,)),
    ("東京都練馬区で健診と予防接種の両方ができるクリニック", {("checkups", N), ("vaccinations", N)}, "clinic", (NERIMA,)),
    ("〒780-0870で往診してくれるところ", {("home_care", N)}, None, (KOCHI,)),
    ("7800870 の近くのACPをしている病院", {("acp", N)}, "hospital", (KOCHI,)),
    ("病院や診療所で在宅医療をしているところ", {("home_care", N)}, None, None),
    ("医療機関を探しています", set(), None, None),
    ("ケアマネと連携していて看取りまで対応する、高知市の診療所",
     {("care_manager_consults", N), ("home_deaths", N)}, "clinic", (KOCHI,)),
    ("夜間に往診してくれて、ACPもしている診療所", {("home_care_24h", N), ("acp", N)}, "clinic", None),
    ("２４時間往診してくれるクリニック", {("home_care_24h", N)}, "clinic", None),
    ("ＡＣＰをやっている病院", {("acp", N)}, "hospital", None),
    ("病院以外で往診をしてくれるところ", {("home_care", N)}, "clinic", None),
]


@pytest.mark.parametrize(("message", "expected", "kind", "codes"), CASES, ids=[c[0] for c in CASES])
def test_extraction_table(message: str, expected: set[tuple[str, object]], kind: str | None,
                          codes: tuple[str, ...] | None) -> None:
    parsed = parse(message)
    assert {(f["name"], f["value"]) for f in parsed.filters} == expected
    assert parsed.kind == kind
    where = resolve_in_text(parsed).where
    assert (where.codes if where else None) == codes


def test_table_is_large_and_varied() -> None:
    assert len(CASES) >= 60
    names = {name for _, expected, _, _ in CASES for name, _ in expected}
    assert len(names) >= 20


@pytest.mark.parametrize(("message", "expected", "kind", "codes"), CASES[:30], ids=[c[0] for c in CASES[:30]])
def test_every_extracted_spec_is_a_valid_filter(message: str, expected: object, kind: object, codes: object) -> None:
    for spec in parse(message).specs:
        assert spec["name"] in FILTER_NAMES
        make_filter(str(spec["name"]), spec["value"])  # raises for unknown names or values


def test_vocabulary_values_exist_in_the_shipped_vocab() -> None:
    vocab = load_vocab()
    assert {v for v, _ in DISEASE_WORDS} <= set(vocab.diseases)
    assert {v for v, _ in DOMAIN_WORDS} <= set(vocab.domains)
    assert len({v for v, _ in DOMAIN_WORDS}) == 17


@pytest.mark.parametrize(
    ("message", "refine", "closer", "ordinal", "partners", "kind_switch"),
    [
        ("その中で休日も対応しているのは？", True, False, None, False, False),
        ("病院だけにして", True, False, None, False, True),
        ("診療所にして", True, False, None, False, True),
        ("もっと近くで", False, True, None, False, False),
        ("さっきの2番目の連携先は？", True, False, 2, True, False),
        ("3番目の詳細を教えて", False, False, 3, False, False),
        ("高知市で往診してくれる診療所", False, False, None, False, False),
    ],
)
def test_refinement_markers(message: str, refine: bool, closer: bool, ordinal: int | None,
                            partners: bool, kind_switch: bool) -> None:
    parsed = parse(message)
    assert (parsed.refine, parsed.closer, parsed.ordinal, parsed.wants_partners, parsed.kind_switch) == (
        refine, closer, ordinal, partners, kind_switch)


def test_ambiguous_municipality_asks_which() -> None:
    result = resolve_in_text(parse("府中市で往診してくれる診療所"))
    assert result.where is None
    assert "東京都府中市" in result.question and "広島県府中市" in result.question

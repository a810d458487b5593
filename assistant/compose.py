"""The deterministic Japanese answer texts: conditions line, facility lists, partners, guideline quotes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.answer import FacilityHit
from assistant.honesty import Wish, unapplied_lines
from assistant.markup import md_text
from assistant.numbered import CASE_COUNT, QA_COUNT, NumberedRef
from assistant.where import Where
from corpus.facility import KIND_LABELS, Facility
from retrieval.filters import FacilityFilter
from retrieval.registry import BY_NAME

SAMPLE_NOTICE = ("表示している医療機関はすべて架空のサンプルデータです（実在しません）。"
                 "実際の受診先は、医療機関や自治体の公式情報でご確認ください。")
DATASET_NOTICE = ("このアシスタントが使っている医療機関データは架空のサンプルデータです（実在しません）。"
                  "実際の受診先は、医療機関や自治体の公式情報でご確認ください。")
ASK_WHERE = ("どちらの地域でお探しですか？市区町村名（例：高知市、練馬区）か郵便番号を教えてください。"
             "場所を指定しない場合は、全域から探します。")


def conditions_line(filters: Sequence[FacilityFilter], where: Where | None, radius_km: float | None = None) -> str:
    """「条件：高知市の近く（半径5km以内）・診療所・24時間の在宅医療（自院または連携）」."""
    parts = [where.short_label] if where is not None else []
    if where is not None and where.mode == "radius" and where.point is not None:
        parts[0] += "の近く" + (f"（半径{radius_km:g}km以内）" if radius_km else "")
    for flt in filters:
        parts.append(KIND_LABELS[str(flt.value)] if flt.name == "kind" else flt.label)
    return "条件：" + ("・".join(parts) if parts else "指定なし")


def _distance(hit: FacilityHit, origin: str) -> str:
    if hit.distance_km is None:
        return ""
    return f"・{origin}から約{hit.distance_km:.1f}km" if origin else f"・約{hit.distance_km:.1f}km"


def facility_lines(hits: Sequence[FacilityHit], origin: str = "") -> list[str]:
    """One numbered block per facility: name, kind, town, distance (from ``origin`` when named), evidence,
    報告基準日; facilities sharing a name in the list also show their address so each stays identifiable."""
    names = Counter(hit.name for hit in hits)
    lines: list[str] = []
    for n, hit in enumerate(hits, start=1):
        lines.append(f"{n}. **{md_text(hit.name)}**（{hit.kind_label}・{md_text(hit.municipality)}"
                     f"{_distance(hit, origin)}）")
        if names[hit.name] > 1:
            lines.append(f"   - 所在地：{md_text(hit.address) if hit.address else '不明'}（同じ名前の医療機関が複数あります）")
        for ev in hit.evidence:
            if ev.field != "kind":
                lines.append(f"   - {ev.item}：{md_text(ev.value)}")
        lines.append(f"   - 報告基準日：{hit.as_of or '不明'}")
    return lines


def facility_answer(
    hits: Sequence[FacilityHit], total: int, searched: str, conditions: str, where: Where, notes: Sequence[str],
    unapplied: Sequence[Wish] = (), offset: int = 0, order_by: Sequence[str] = (),
) -> str:
    """Summary first (never 「条件をすべて満たす」 while a wish was not applied), then the facilities nearest first
    (or, with ``order_by``, most of those 算定回数 first, and the order said)."""
    head = [conditions, *notes, *unapplied_lines(tuple(unapplied)), searched + "。"]
    order = "算定回数の多い順に" if order_by else "近い順に" if where.point is not None else ""
    shown = f"（{order}{offset + 1}〜{offset + len(hits)}件目を表示）" if offset or total > len(hits) else ""
    which = "読み取れた条件を満たす" if unapplied else "条件をすべて満たす"
    head.append(f"{which}医療機関が{total}件見つかりました{shown}。")
    if order_by and total > 1:
        ties = "役所・役場に近い順" if where.point is not None else "報告している機能の多い順"
        head.append(f"並び順：{order_sentence(order_by)}が多い順です（同じ場合は{ties}）。")
    town_hall = where.point is not None and not where.from_point
    if town_hall:
        # The point of a municipality (or postal code) is its town hall, not the user's own position.
        head.append(f"距離は{where.label}の役所・役場付近からの直線距離です（お住まいの場所からの距離ではありません）。")
    body = facility_lines(hits, origin=where.origin if town_hall else "")
    return "\n".join([*head, "", *body])


def order_sentence(order_by: Sequence[str]) -> str:
    """「報告された算定回数（訪問診療・往診）」: the amounts (registry items) that ordered a list."""
    items = [BY_NAME[name].item.removesuffix("（診療報酬項目の算定回数）").removesuffix("の算定回数") for name in order_by]
    return f"報告された算定回数（{'・'.join(items)}）"


def no_match_answer(searched: str, conditions: str, suggestions: Sequence[str], notes: Sequence[str],
                    unapplied: Sequence[Wish] = ()) -> str:
    """Say nothing matched, what was searched, and the checked relaxations."""
    which = "読み取れた条件を満たす" if unapplied else "条件をすべて満たす"
    lines = [conditions, *notes, *unapplied_lines(tuple(unapplied)), f"{searched}が、{which}医療機関は見つかりませんでした。"]
    if suggestions:
        lines.append("条件を少しゆるめると、次のように見つかります：")
        lines += [f"- {s}" for s in suggestions]
    else:
        lines.append("条件を減らすか、地域を変えてお試しください。")
    return "\n".join(lines)


def _partner_groups(f: Facility) -> list[tuple[str, tuple[str, ...]]]:
    groups = []
    if f.home_care is not None and f.home_care.partners:
        groups.append(("在宅医療の連携先", f.home_care.partners))
    if f.admission_support is not None and f.admission_support.partners:
        groups.append(("後方支援病床の連携先", f.admission_support.partners))
    if f.off_hours is not None and f.off_hours.partners:
        groups.append(("時間外の診療の連携先", f.off_hours.partners))
    return groups


def partners_answer(n: int, f: Facility) -> str:
    """「さっきの2番目の連携先は？」: the partner names the facility itself reported."""
    groups = _partner_groups(f)
    if not groups:
        return f"{n}番目の**{md_text(f.name)}**は、連携先の医療機関を報告していません（報告基準日：{md_text(f.as_of)}）。"
    lines = [f"{n}番目の**{md_text(f.name)}**が報告している連携先です（報告基準日：{md_text(f.as_of)}）。"]
    lines += [f"- {label}：{'、'.join(md_text(name) for name in names)}" for label, names in groups]
    return "\n".join(lines)


def partner_evidence(f: Facility) -> list[tuple[str, str, str]]:
    """(item, value, field) rows for the partners of a facility."""
    fields = {"在宅医療の連携先": "home_care.partners", "後方支援病床の連携先": "admission_support.partners",
              "時間外の診療の連携先": "off_hours.partners"}
    return [(label, "、".join(names), fields[label]) for label, names in _partner_groups(f)]


def not_found_text() -> str:
    """When no passage matches a guideline question."""
    return ("ガイドライン・Ｑ＆Ａ集・取組事例集の中に、この質問に当てはまる記述を見つけられませんでした。"
            "言い方を変えてお試しください（例：「協議の場はどの単位で開くの？」）。")


def missing_number_text(named: NumberedRef) -> str:
    """A Q&A or case number the documents do not have (「Q25」): say which numbers exist."""
    if named.source == "qa":
        return (f"Ｑ＆Ａ集（別添8）の質問はQ1〜Q{QA_COUNT}の{QA_COUNT}問で、Q{named.number}はありません。"
                "番号を確かめるか、知りたい内容を言葉でお尋ねください。")
    return (f"取組事例集（別添2）の事例は事例1〜事例{CASE_COUNT}の{CASE_COUNT}件で、事例{named.number}はありません。"
            "番号を確かめるか、知りたい取組を言葉でお尋ねください。")

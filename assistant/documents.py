"""Guideline, Q&A and 事例集 answers: the key sentences first, then where they come from and the quoted text.

Everything shown is the documents' own text (extractive); nothing is paraphrased. The same ``AnswerBody``
is rendered as Markdown for the chat and the CLI and sent whole in the Answer JSON (``body``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer import AnswerBody, Quote
from assistant.texts import answer_part, is_note, list_after, split_sentences, where_of
from corpus.passage import Passage

SHORT_LEAD = 20  # a Q&A answer opening this short (「可能です。」) is a verdict: the next sentence says why
SUMMARY_CHARS = 260  # key sentences beyond this are left to the quote
LIST_CHARS = 520  # a key sentence that announces a list (【報告事項】, 「以下の…」) brings its items, up to this
CASE_BULLETS = 4  # 取組概要 bullets shown in a case answer (the rest is in the 事例集 page cited)
# A background document (社保審資料, 健保連の提言, 経営レポート, 説明資料) proposes or reports; it does not say how the
# current system works. The guideline does (and it does not certify "good" かかりつけ医: 第1章).
REFERENCE_NOTE = ("※次の引用は背景の参考資料（提言・報告・説明資料）で、現行の報告制度を定めたものではありません。"
                  "制度の内容はガイドライン・Ｑ＆Ａ集で確認してください。")
# How the documents' own part of an answer begins (a 事例, or the 要点 of any other source): what comes before it in
# the answer text are the lines the assistant put on top (safety notes, ignored instructions, the English lead).
CASE_HEAD, SUMMARY_HEAD = "取組事例集（別添2）の", "**要点**"
BACKGROUND = "背景として（提言・報告であり現行制度の定めではありません）"
Closest = Callable[[Sequence[Passage], int], list[str]]  # sentences closest in meaning to the question
Matching = Callable[[Passage], str]  # the passage's sentence sharing most words with the question

_LABEL = re.compile(r"^【([^】]+)】$")
NEAR_TRIES = 5  # closest sentences tried for a case's 「質問に近い記述」 (diagram cells are skipped)
_CELLS = re.compile(r"／|[0-9０-９]{1,2}[ 　][0-9０-９]{1,2}[ 　]")  # cells of a diagram or calendar run together
CASE_FIELDS = ("背景・課題", "取組概要", "効果")
_BASIS_TABLE = "table"


def answer_sentences(passage: Passage) -> list[str]:
    """The sentences a passage says (a Q&A item without its question line), as quotes are built from."""
    return split_sentences(answer_part(passage))


# What a question asks for, and the form its answer takes: a date, an amount, a count, a length of time. When the
# key sentences hold no answer of that form, the closest sentence that does joins them.
ANSWER_FORMS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"いつ|何月|何日(まで|から|時点|頃)|時期|頃|ごろ|期限|締め?切|スケジュール"),
     re.compile(r"(令和|平成)\s*[0-9０-９元]+\s*年|[0-9０-９]+\s*月|[0-9０-９]+\s*日|年度|毎年|翌年")),
    (re.compile(r"いくら|金額|何円|罰金|過料|罰則"), re.compile(r"[0-9０-９〇一二三四五六七八九十百千万]+\s*円|過料")),
    (re.compile(r"いくつ|何種類|何項目|何個|何領域|何か所|何人|何割|割合|どのくらい|どれくらい"),
     re.compile(r"[0-9０-９一二三四五六七八九十]+\s*(つ|種類|項目|個|領域|か所|人|割|％|%)")),
    (re.compile(r"何(か月|ヶ月|カ月|年間|日間)|期間|どのくらいの間"),
     re.compile(r"[0-9０-９一二三四五六七八九十]+\s*(か月|ヶ月|カ月|年|日)")),
)
FORM_TRIES = 5  # closest sentences searched for one of the asked form


def _asked_forms(query: str) -> list[re.Pattern[str]]:
    return [form for ask, form in ANSWER_FORMS if ask.search(query)]


def key_sentences(passage: Passage, closest: Closest, overlap_best: str = "", query: str = "") -> list[str]:
    """One to three verbatim sentences that answer ``query``, in document order.

    A Q&A answer opens with its verdict, so its first sentence always counts (and the second when the first
    is a bare 「可能です。」). Then the sentence closest in meaning (the sentence units of the re-ranker) and
    the one sharing most words with the question, while they fit in ``SUMMARY_CHARS``.
    """
    units = answer_sentences(passage)
    if not units:
        return []
    picked: list[str] = []
    if passage.source == "qa":
        picked.append(units[0])
        if len(units[0]) < SHORT_LEAD and len(units) > 1:
            picked.append(units[1])
    for sentence in [*closest([passage], 1), overlap_best]:
        match = next((u for u in units if sentence and (sentence in u or u in sentence)), None)
        if match is None or match in picked or len(picked) >= 3 or is_note(match):
            continue
        if not picked or sum(map(len, picked)) + len(match) <= SUMMARY_CHARS:
            picked.append(match)
    if not picked:
        picked.append(units[0])
    for form in _asked_forms(query):
        if not any(form.search(u) for u in picked):
            shaped = [s for s in closest([passage], FORM_TRIES) if form.search(s)]
            match = next((u for u in units if shaped and (shaped[0] in u or u in shaped[0])), None)
            if match is not None and match not in picked and not is_note(match):
                picked.append(match)
    rows = sorted({units.index(u) for u in picked})
    for i in list(rows):  # a lead-in says nothing without the items it announces
        rows += [j for j in list_after(units, i, LIST_CHARS) if j not in rows]
    return [units[i] for i in sorted(rows)]


def whole(passage: Passage) -> str:
    """A named Q&A item's whole answer (「Q21を教えて」 asks for all of it)."""
    return " ".join(answer_sentences(passage))


def case_sections(passage: Passage) -> dict[str, list[str]]:
    """The labelled fields of a case passage (【背景・課題】, 【取組概要】, 【効果】, 【基本情報】…) as lines."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in passage.text.splitlines():
        label = _LABEL.match(line.strip())
        if label:
            current = label.group(1)
            sections.setdefault(current, [])
        elif current and line.strip():
            sections[current].append(line.strip())
    return sections


def _prose(sentence: str) -> bool:
    """A sentence of running text (not diagram cells run together, not a bare label)."""
    return len(sentence) >= 15 and not _CELLS.search(sentence)


def short_where(passage: Passage) -> str:
    """「Q2、P.63」: the reference and page, for a heading next to the text it labels."""
    return f"{passage.ref}、P.{passage.page}" if passage.page else passage.ref


def _functions_line(passage: Passage) -> str:
    functions = [str(f) for f in passage.meta.get("functions", [])]
    if not functions:
        return ""
    basis = passage.meta.get("functions_basis", {})
    from_table = all(basis.get(f) == _BASIS_TABLE for f in functions) if isinstance(basis, dict) else False
    label = "（事例集の一覧表による）" if from_table else "（一覧表の○が読み取れないため、本文などからの推定です）"
    return f"関係するかかりつけ医機能：{'・'.join(functions)}{label}"


def case_fields(passage: Passage) -> tuple[tuple[str, str], ...]:
    """(label, text) rows of a case answer, from the case's own fields (never from diagram text)."""
    meta = passage.meta
    rows: list[tuple[str, str]] = []
    region, area, lead = (str(meta.get(k) or "") for k in ("region", "area_type", "lead"))
    if region:
        rows.append(("地域", f"{region}（{area}）" if area else region))
    if lead:
        rows.append(("取組の中心", lead))
    functions = _functions_line(passage)
    if functions:
        label, _, value = functions.partition("：")
        rows.append((label, value))
    sections = case_sections(passage)
    for name in CASE_FIELDS:
        lines = sections.get(name, [])
        if name == "取組概要":
            lines = lines[:CASE_BULLETS]
        if lines:
            rows.append((name, "\n".join(lines)))
    for line in sections.get("基本情報", []):
        if line.startswith("取組に関するホームページ") or line.startswith("取組開始時点"):
            label, _, value = line.partition("：")
            rows.append((label, value))
    return tuple(rows)


def build_body(
    best: Passage, closest: Closest, matching: Matching, *, query: str = "", named: bool, support: Passage | None,
    also: Sequence[Passage], related: Sequence[str], quotes_of: Callable[[Passage], str],
) -> AnswerBody:
    """The structured answer for the best passage (and the guideline section or passages quoted with it)."""
    where = where_of(best)
    if best.source == "case":
        fields = case_fields(best)
        shown = "\n".join(v for _, v in fields)
        near = [s for s in closest([best], NEAR_TRIES) if _prose(s) and s.lstrip("・") not in shown][:1]
        summary = tuple(near) if not named else ()
        extras = tuple(Quote(where_of(p), quotes_of(p), "あわせて") for p in also)
        return AnswerBody(summary, where, extras, tuple(related), fields, best.title)
    summary = tuple([whole(best)] if named and best.source == "qa" else
                    key_sentences(best, closest, matching(best), query))
    main = "" if named and best.source == "qa" else quotes_of(best)
    quotes: list[Quote] = [Quote(where, main, "")] if main and main.strip("…") not in " ".join(summary) else []
    if support is not None:
        quotes.append(Quote(where_of(support), quotes_of(support), "ガイドラインの該当箇所"))
    for p in also:
        quotes.append(Quote(where_of(p), quotes_of(p), BACKGROUND if p.source == "reference" else "あわせて"))
    return AnswerBody(summary, where, tuple(quotes), tuple(related), (), best.title)


def render(body: AnswerBody, best: Passage) -> str:
    """The Markdown the chat and CLI show: 要点 (or the case's fields), then the quotes, then related Q&A."""
    lines: list[str] = []
    if best.source == "reference":
        lines += [REFERENCE_NOTE, ""]
    if best.source == "case":
        lines += [f"{CASE_HEAD}{best.ref}「{best.title}」（{short_where(best)}）", ""]
        for label, value in body.fields:
            parts = value.split("\n")
            if len(parts) > 1 or parts[0].startswith("・"):
                if lines[-1] != "":
                    lines.append("")
                lines += [f"**{label}**", "", *[f"- {p.lstrip('・')}" for p in parts], ""]
            else:
                lines.append(f"- {label}：{value}")
        if lines[-1] != "":
            lines.append("")
        if body.summary:
            lines += ["質問に近い記述：", "", *[f"> {s}" for s in body.summary], ""]
    else:
        lines += [f"{SUMMARY_HEAD}（{short_where(best)}）", "", *body.summary, ""]
    for q in body.quotes:
        head = f"{q.label}：{q.where}" if q.label else f"{q.where}の該当部分："
        lines += [head, "", f"> {q.text}", ""]
    if body.related:
        lines += ["関連するＱ＆Ａ：", *[f"- {r}" for r in body.related]]
    return "\n".join(lines).rstrip()

"""A Q&A item or case study named by its number, in the forms people write it (Q21, 問21, 質問２１, 事例11…)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

QA_COUNT = 21  # Ｑ＆Ａ集 Q1–Q21
CASE_COUNT = 16  # 事例集 事例1–16

_KANJI = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(\d{1,3}|[一二三四五六七八九十]{1,3})"
_NOT_COUNT = r"(?![\d一二三四五六七八九十]|\s*(?:つ|個|件|点|項目|こ|行|文字|分|歳|%|％|号|章|節|ページ|頁|年|月|日))"
_QA_WORD = r"(?:Q\s*&\s*A|Q\s*＆\s*A|QA|Q&A集|よくある質問)"
_QA_FORMS = (
    re.compile(r"(?<![A-Za-z])Q\s*[.．:：]?\s*" + _NUM + _NOT_COUNT, re.IGNORECASE),  # Q21, Q.21, ｑ２１
    re.compile(_QA_WORD + r"\s*集?\s*(?:の|で|では)?\s*(?:第|No\.?|NO\.?)?\s*" + _NUM + r"\s*(?:番目?|問目?)?" + _NOT_COUNT),
    re.compile(r"(?:問い?|質問|設問)\s*(?:番号)?\s*(?:第|No\.?)?\s*" + _NUM + _NOT_COUNT),  # 問21, 質問２１
    re.compile(r"第\s*" + _NUM + r"\s*問(?!題)"),  # 第21問
    re.compile(_NUM + r"\s*(?:番目?|問目)\s*の?\s*(?:" + _QA_WORD + r"|質問|問い?(?!題|合))"),  # 21番目のQ&A
)
_CASE_FORMS = (
    re.compile(r"事例\s*集?\s*(?:の|で|では)?\s*(?:第|No\.?|NO\.?)?\s*" + _NUM + r"\s*(?:番目?)?" + _NOT_COUNT),
    re.compile(_NUM + r"\s*番目?\s*の\s*(?:取組\s*)?事例"),  # 11番目の事例
    re.compile(r"第\s*" + _NUM + r"\s*(?:の\s*)?事例"),  # 第11事例
)


@dataclass(frozen=True)
class NumberedRef:
    """A numbered item of the Q&A (``source == "qa"``) or of the 事例集 (``"case"``)."""

    source: str
    number: int

    @property
    def ref(self) -> str:
        """The passage ref: 「Q21」 / 「事例11」."""
        return f"Q{self.number}" if self.source == "qa" else f"事例{self.number}"

    @property
    def exists(self) -> bool:
        """Whether the document has an item with this number."""
        return 1 <= self.number <= (QA_COUNT if self.source == "qa" else CASE_COUNT)


def _value(token: str) -> int:
    if token.isdigit():
        return int(token)
    tens, _, ones = token.partition("十")
    if "十" not in token:
        return _KANJI.get(token, 0) if len(token) == 1 else 0
    return (_KANJI.get(tens, 0) if tens else 1) * 10 + (_KANJI.get(ones, 0) if ones else 0)


def numbered_ref(text: str) -> NumberedRef | None:
    """The first Q&A or case number named in ``text`` (None when none is), e.g. 「Ｑ＆Ａの21番」 → Q21."""
    folded = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, NumberedRef]] = []
    for source, forms in (("qa", _QA_FORMS), ("case", _CASE_FORMS)):
        for form in forms:
            if m := form.search(folded):
                number = _value(m.group(1))
                if number:
                    found.append((m.start(), NumberedRef(source, number)))
    return min(found, key=lambda item: item[0])[1] if found else None

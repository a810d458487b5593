"""English questions: place names written in romaji and a small glossary of report-item words, turned into the
Japanese words the rules read (「Kochi City」 → 高知市, 「home visits」 → 往診). The answer stays Japanese, with a
one-line English lead (service.ENGLISH_LEAD); intent comes from the semantic layer (e5 is multilingual).
"""

from __future__ import annotations

import functools
import re

from corpus.municipalities import load_municipalities

# Hepburn romaji of the kana syllables (digraphs first); long vowels are folded later (kouchi → kochi).
_DIGRAPHS = {
    "きゃ": "kya", "きゅ": "kyu", "きょ": "kyo", "しゃ": "sha", "しゅ": "shu", "しょ": "sho", "ちゃ": "cha",
    "ちゅ": "chu", "ちょ": "cho", "にゃ": "nya", "にゅ": "nyu", "にょ": "nyo", "ひゃ": "hya", "ひゅ": "hyu",
    "ひょ": "hyo", "みゃ": "mya", "みゅ": "myu", "みょ": "myo", "りゃ": "rya", "りゅ": "ryu", "りょ": "ryo",
    "ぎゃ": "gya", "ぎゅ": "gyu", "ぎょ": "gyo", "じゃ": "ja", "じゅ": "ju", "じょ": "jo", "びゃ": "bya",
    "びゅ": "byu", "びょ": "byo", "ぴゃ": "pya", "ぴゅ": "pyu", "ぴょ": "pyo",
}
_ROWS = ("あいうえお", "かきくけこ", "さしすせそ", "たちつてと", "なにぬねの", "はひふへほ", "まみむめも", "やゆよ",
         "らりるれろ", "わを", "がぎぐげご", "ざじずぜぞ", "だぢづでど", "ばびぶべぼ", "ぱぴぷぺぽ")
_ROMA = ("a i u e o", "ka ki ku ke ko", "sa shi su se so", "ta chi tsu te to", "na ni nu ne no",
         "ha hi fu he ho", "ma mi mu me mo", "ya yu yo", "ra ri ru re ro", "wa o", "ga gi gu ge go",
         "za ji zu ze zo", "da ji zu de do", "ba bi bu be bo", "pa pi pu pe po")
_SINGLE = {k: v for row, roma in zip(_ROWS, _ROMA, strict=True) for k, v in zip(row, roma.split(), strict=True)}
_SINGLE["ん"] = "n"
# Suffix of a municipality name in kana and the English words that may stand for it.
_SUFFIXES = (("し", ("city", "shi")), ("く", ("ward", "ku", "city")), ("まち", ("town", "machi", "cho")),
             ("ちょう", ("town", "cho", "machi")), ("むら", ("village", "mura", "son")), ("そん", ("village", "son", "mura")))


def romaji(kana: str) -> str:
    """Hepburn romaji of a hiragana word, long vowels folded (こうち → kochi, ちゅうおう → chuo)."""
    out, i = [], 0
    while i < len(kana):
        pair = kana[i:i + 2]
        if pair in _DIGRAPHS:
            out.append(_DIGRAPHS[pair])
            i += 2
            continue
        ch = kana[i]
        if ch == "っ" and i + 1 < len(kana):
            nxt = _DIGRAPHS.get(kana[i + 1:i + 3]) or _SINGLE.get(kana[i + 1], "")
            out.append(nxt[:1])
        elif ch != "ー":
            out.append(_SINGLE.get(ch, ""))
        i += 1
    return fold("".join(out))


def fold(word: str) -> str:
    """Lower case, long vowels and double letters folded (Kōchi, Kouchi, Kochi → kochi)."""
    word = word.lower().translate(str.maketrans("āīūēō", "aiueo"))
    return re.sub(r"(ou|oo|uu|aa|ii|ee)", lambda m: m.group(0)[0], word)


@functools.lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], list[str]]:
    """(romaji stem, English suffix) → municipality names; suffix "" for the bare stem."""
    index: dict[tuple[str, str], list[str]] = {}
    for m in load_municipalities():
        kana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in m.kana)  # katakana → hiragana
        for suffix, words in _SUFFIXES:
            if kana.endswith(suffix) and len(kana) > len(suffix) + 1:
                stem = romaji(kana[: -len(suffix)])
                for word in ("", *words):
                    names = index.setdefault((stem, word), [])
                    if m.name not in names:
                        names.append(m.name)
                break
    return index


_WORD = re.compile(r"([A-Za-zāīūēō]+)(?:[\s-]+(city|ward|town|village|shi|ku|machi|cho|mura|son)\b)?", re.IGNORECASE)
_STOP = {"a", "an", "the", "in", "at", "of", "for", "and", "or", "to", "is", "are", "do", "does", "can", "i", "me",
         "my", "that", "which", "who", "what", "when", "where", "how", "near", "there", "any", "some", "see", "find",
         "need", "clinic", "clinics", "hospital", "hospitals", "home", "care", "night", "report", "system", "doctor"}


def places_in(text: str) -> list[str]:
    """Municipality names written in romaji (「Kochi City」, 「Setagaya」); a bare stem only when it is unique."""
    found: list[str] = []
    for match in _WORD.finditer(text):
        stem, suffix = fold(match.group(1)), (match.group(2) or "").lower()
        if stem in _STOP or len(stem) < 4:
            continue
        names = _index().get((stem, suffix), [])
        if len(names) == 1 or (suffix and names):
            found += [n for n in names[:1] if n not in found]
    return found


# English words for report items, as the Japanese words the registry reads (a glossary, not a translation).
GLOSSARY: tuple[tuple[str, str], ...] = (
    (r"24[- ]?hours?|around the clock|day and night|any time", "24時間"),
    (r"home[- ]?visits?|house calls?|visit(s)? (me |patients )?at home|home medical care|home care", "往診"),
    (r"at night|nights?|holidays?|weekends?|after[- ]hours|out of hours", "夜間や休日も診てくれる"),
    (r"dementia", "認知症"), (r"diabetes", "糖尿病"), (r"vaccinat\w*|immuni[sz]\w*|flu shots?", "予防接種"),
    (r"check[- ]?ups?|health (check|screening)s?", "健康診断"), (r"end[- ]of[- ]life|at home until death", "看取り"),
    (r"(attending )?physician'?s? opinion|opinion letter", "主治医意見書"), (r"back[- ]?up beds?", "後方支援病床"),
    (r"long[- ]term care (services?|providers?)|care services?", "介護サービスと連携"),
    (r"hospitals?", "病院"), (r"clinics?", "診療所"), (r"children|pediatric\w*|kids?", "小児"),
)


_NEAR = re.compile(r"\bnear (me|here|my|us)\b|\bnearby\b|\bclose to (me|my|here|us)\b|\baround here\b|\bin my area\b",
                   re.IGNORECASE)
# An English message that asks to find somewhere (not a question about the rules that names hospitals).
_SEARCH = re.compile(r"\b(find|looking for|look for|search(ing)? for|is there|are there|recommend|where can|which (clinic|hospital)s?"
                     r"|need an? (clinic|hospital|doctor))\b", re.IGNORECASE)


def asks_to_find(text: str) -> bool:
    """The English message names a place (romaji) or nearness, or asks to find a facility."""
    return bool(places_in(text) or _NEAR.search(text) or _SEARCH.search(text))


def to_japanese(text: str) -> str:
    """The Japanese words an English question asks for, joined into one line the rules can read."""
    words = [ja for pattern, ja in GLOSSARY if re.search(pattern, text, re.IGNORECASE)]
    places = places_in(text)
    if not words and not places:
        return ""
    line = "、".join(words)
    if places:
        line = f"{'・'.join(places)}で{line}"
    elif _NEAR.search(text):
        line = f"近くで{line}"
    return line + "を探しています" if words else line

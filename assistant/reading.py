"""Kana spellings back to the words they spell, using Sudachi readings (pure, cached).

「こうちしで24じかんおうしんしてくれるしんりょうじょ」 is restored to 「高知市で24時間往診してくれる診療所」 before any
rule reads it: the reading (katakana) of every known word is looked for in the message's kana, character by
character, and a match is replaced by the word. Only kana is replaced: two kanji words that merely sound
alike (参加／産科) are different words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_PLAIN = re.compile(r"^[ぁ-ゖァ-ヺー一-龥々〆ヵヶ]+$")
_KANA = re.compile(r"[ぁ-ゖァ-ヺー]")
_HIRAGANA = re.compile(r"[ぁ-ゖー]")
_LOCK = threading.Lock()
KANJI_SHARE = 0.15  # restore only messages written (almost) in kana: 「いいんですか」 is not 「医院ですか」
MIN_READING = 3  # shorter readings (「いえ」「ひ」) hide inside too many other words


def katakana(text: str) -> str:
    """Hiragana → katakana (other characters unchanged, one character for one)."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from sudachipy import Dictionary, SplitMode

    return Dictionary(dict="core").tokenizer(mode=SplitMode.C)


@lru_cache(maxsize=4096)
def reading_of(text: str) -> str:
    """The katakana reading of a word (Sudachi reading forms joined)."""
    with _LOCK:  # a Sudachi tokenizer must not be used by two threads at once
        found = list(_tokenizer().tokenize(text))
    return "".join(katakana(m.surface()) if not re.search(r"[一-龥々]", m.surface()) else m.reading_form()
                   for m in found)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each Sudachi word (mode C) of ``text``."""
    with _LOCK:
        return [(m.begin(), m.end()) for m in _tokenizer().tokenize(text)]


def content_nouns(text: str, verbal: bool = True) -> list[tuple[int, str]]:
    """(start, surface) of the nouns of ``text`` that name something (not pronouns, numbers or suffixes);
    ``verbal=False`` also leaves out the nouns that are an action (サ変可能: 指導, 参加, 活用)."""
    with _LOCK:
        found = [(m.begin(), m.surface(), m.part_of_speech()) for m in _tokenizer().tokenize(text)]
    return [(start, surface) for start, surface, pos in found
            if pos[0] == "名詞" and pos[1] not in ("数詞", "助動詞語幹") and pos[2] != "助数詞"
            and (verbal or pos[2] != "サ変可能") and re.search(r"[一-龥々ァ-ヺ]", surface)]


def plain_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex that are plain words (no metacharacters)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in pattern:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    words = [p for p in parts if _PLAIN.match(p)]
    for group in _groups(pattern):  # alternatives inside groups too: (夜間|休日|時間外) holds three words
        words += [p for p in plain_alternatives(group) if p not in words and re.search(r"[一-龥々ァ-ヺ]", p)]
    return words


def _groups(pattern: str) -> list[str]:
    """The contents of the outermost parenthesised groups of a regex (lookarounds skipped)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(pattern):
        if ch == "(" and (i == 0 or pattern[i - 1] != "\\"):
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == ")" and (i == 0 or pattern[i - 1] != "\\"):
            depth -= 1
            if depth == 0 and not pattern[start:].startswith("?"):
                out.append(pattern[start:i])
    return out


@dataclass(frozen=True)
class KanaRestorer:
    """Known words with their readings, longest reading first."""

    entries: tuple[tuple[str, str], ...]  # (reading, word)
    protected: frozenset[str] = frozenset()  # names never "corrected" (municipalities: 北区 is not a slip)

    @classmethod
    def build(cls, words: Iterable[str], readings: Iterable[tuple[str, str]] = (),
              protected: Iterable[str] = ()) -> KanaRestorer:
        """From words (read with Sudachi), ready (reading, word) pairs (e.g. the municipality table) and names
        that are never corrected."""
        ordered = list(dict.fromkeys(words))  # earlier words win a shared reading (意向 before 以降)
        rank = {w: i for i, w in enumerate(ordered)}
        pairs = {(reading_of(w), w) for w in ordered if _KANA.sub("", w)}  # words with some kanji
        pairs |= {(katakana(w), w) for w in ordered if not _KANA.sub("", w)}  # katakana words: ひらがな spelling
        pairs |= set(readings)
        usable = [(r, w) for r, w in pairs if len(r) >= MIN_READING]
        return cls(tuple(sorted(usable, key=lambda e: (-len(e[0]), rank.get(e[1], -1), e[1]))), frozenset(protected))

    def restore(self, text: str) -> str:
        """Replace kana spellings of known words by the words (and fix one-letter slips in katakana words and
        one-kanji slips that keep the reading)."""
        text = self.fix_mixed(self.fix_kanji(self.fix_katakana(text)))
        kanji = sum(1 for c in text if "一" <= c <= "龥")
        if not _HIRAGANA.search(text):
            return text
        if kanji > len(text) * KANJI_SHARE:
            return self._restore_runs(text)  # with kanji, only long kana runs (「予防せっしゅ」) are words
        folded = katakana(text)
        kana = [bool(_HIRAGANA.match(c)) for c in text]  # words written in katakana are left as they are
        taken = [False] * len(text)
        found: list[tuple[int, int, str]] = []
        for reading, word in self.entries:
            start = folded.find(reading)
            while start >= 0:
                end = start + len(reading)
                if all(kana[start:end]) and not any(taken[start:end]):
                    found.append((start, end, word))
                    taken[start:end] = [True] * (end - start)
                start = folded.find(reading, start + 1)
        for start, end, word in sorted(found, reverse=True):
            text = text[:start] + word + text[end:]
        return text

    def _restore_runs(self, text: str) -> str:
        """In a message with kanji, restore only words of at least MIXED_READING kana inside a hiragana run.

        Grammar in such a message is short (「いいんですか」 is not 「医院ですか」); a long known reading is a word.
        """
        out = []
        last = 0
        for run in _HIRAGANA_RUN.finditer(text):
            out.append(text[last:run.start()])
            out.append(self._restore_run(run.group(0)))
            last = run.end()
        out.append(text[last:])
        return "".join(out)

    def _restore_run(self, run: str) -> str:
        folded = katakana(run)
        for reading, word in self.entries:
            if len(reading) < MIXED_READING or not _KANA.sub("", word):
                continue
            start = folded.find(reading)
            if start >= 0:
                return (self._restore_run(run[:start]) + word + self._restore_run(run[start + len(reading):]))
        return run

    def fix_katakana(self, text: str) -> str:
        """A katakana run one edit away from a known katakana word of five letters or more (クリニク → クリニック)."""
        def fix(match: re.Match[str]) -> str:
            run = match.group(0)
            if run in self._katakana_words or len(run) < 4:
                return run
            near = [w for w in self._katakana_words if len(w) >= 5 and abs(len(w) - len(run)) <= 1 and _one_edit(run, w)]
            return near[0] if len(near) == 1 else run
        return _KATAKANA_RUN.sub(fix, text)

    def fix_kanji(self, text: str) -> str:
        """A kanji slip that keeps the reading (訪門診療 → 訪問診療): inside a run of kanji, a stretch one character
        away from a known word of two kanji or more, read the same by Sudachi, becomes the word. Words that only
        sound alike differ in more than one character (参加／産科) and are left alone."""
        return _KANJI_RUN.sub(lambda m: m.group(0) if self._names_in(m.group(0)) else self._fix_run(m.group(0)), text)

    def _names_in(self, run: str) -> bool:
        """True when a protected name overlaps the run (a place name is left exactly as written)."""
        return any(run[i:j] in self.protected for i in range(len(run)) for j in range(i + 2, min(len(run), i + 6) + 1))

    def _fix_run(self, run: str) -> str:
        slips, known = _kanji_slips(self.entries), _known_kanji(self.entries)
        # 「心療」 inside the word 心療内科 is not a slip of 診療, and a stretch that cuts a word (看護|指示書 → 「看護指」)
        # is not one either: a slip stands on word boundaries
        edges = {edge for span in word_spans(run) for edge in span}
        for size in range(min(len(run), 4), 1, -1):
            for start in range(len(run) - size + 1):
                part = run[start:start + size]
                if part in known or start not in edges or start + size not in edges:
                    continue
                candidates = {w for i in range(size) for w in slips.get(part[:i] + "*" + part[i + 1:], ())}
                if not candidates:
                    continue
                sound = reading_of(part)
                same = [w for w in candidates if reading_of(w) == sound]
                if len(same) == 1:
                    return run[:start] + same[0] + self._fix_run(run[start + size:])
        return run

    def fix_mixed(self, text: str) -> str:
        """A known word begun in kanji and finished in kana (「高血あつ」 → 高血圧, 「訪問かんご」 → 訪問看護): the kana
        part is at least two letters and no hiragana follows it but a particle, so grammar is never taken."""
        spellings = _mixed_spellings(self.entries)
        if not spellings:
            return text
        def fix(match: re.Match[str]) -> str:
            run = match.group(0)
            start = next((i for i in range(len(run) - 2) if run[i:] in spellings), None)  # the longest ending
            return run if start is None else run[:start] + spellings[run[start:]]
        return _MIXED_RUN.sub(fix, text)

    @property
    def _katakana_words(self) -> frozenset[str]:
        return _katakana_words(self.entries)


_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]{4,}")
# kanji then two or more kana, ending where a particle, other script or the end follows
_MIXED_RUN = re.compile(r"[一-龥々]+[ぁ-ゖ]{2,5}?(?=[をがはにでともの]|[^ぁ-ゖ]|$)")


@lru_cache(maxsize=4)
def _mixed_spellings(entries: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each known kanji word of three characters or more as begun in kanji and finished in hiragana (by its
    reading): 高血あつ → 高血圧. A spelling two words share is dropped."""
    found: dict[str, set[str]] = {}
    for reading, word in entries:
        if not re.fullmatch(r"[一-龥々]{3,}", word):
            continue
        for cut in range(1, len(word)):
            head, rest = reading_of(word[:cut]), reading_of(word[cut:])
            tails = {reading[len(head):] if reading.startswith(head) else "", rest if reading.endswith(rest) else ""}
            for tail in (t for t in tails if len(t) >= 2):
                found.setdefault(word[:cut] + "".join(chr(ord(c) - 0x60) for c in tail), set()).add(word)
    return {spelling: next(iter(words)) for spelling, words in found.items() if len(words) == 1}
_KANJI_RUN = re.compile(r"[一-龥々]{2,}")
_KANJI_WORD = re.compile(r"[一-龥々]{2,4}")


@lru_cache(maxsize=4)
def _known_kanji(entries: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(w for _, w in entries if _KANJI_WORD.fullmatch(w))


@lru_cache(maxsize=4)
def _kanji_slips(entries: tuple[tuple[str, str], ...]) -> dict[str, tuple[str, ...]]:
    """Known kanji words by each one-character wildcard of them (訪問 → 訪*, *問)."""
    keys: dict[str, list[str]] = {}
    for word in sorted(_known_kanji(entries)):
        for i in range(len(word)):
            keys.setdefault(word[:i] + "*" + word[i + 1:], []).append(word)
    return {k: tuple(v) for k, v in keys.items()}


_KATAKANA_RUN = re.compile(r"[ァ-ヺー]{4,}")
MIXED_READING = 4


@lru_cache(maxsize=4)
def _katakana_words(entries: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(w for _, w in entries if re.fullmatch(r"[ァ-ヺー]+", w))


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one insertion, deletion or substitution."""
    if a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]

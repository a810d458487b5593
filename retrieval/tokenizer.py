"""The Japanese tokeniser: NFKC folding, SudachiPy (sudachidict-core), stop-POS removal, domain synonyms."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from retrieval.synonyms import synonym_tokens

Tokenizer = Callable[[str], list[str]]

MODES = ("A", "B", "C")
# Parts of speech that carry no topic: particles, auxiliaries, punctuation, blanks.
DROPPED_POS = frozenset({"助詞", "助動詞", "補助記号", "空白"})


class TokenizerError(ValueError):
    """An unknown split mode; the message is Japanese."""


@lru_cache(maxsize=1)
def _dictionary() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core")


@lru_cache(maxsize=4)
def _sudachi(mode: str) -> tuple[Any, threading.Lock]:
    """The shared Sudachi tokenizer of a split mode and the one lock that guards it (a Sudachi tokenizer must not
    be used by two threads at once, and every ``make_tokenizer`` of the mode shares it)."""
    from sudachipy import SplitMode

    split = {"A": SplitMode.A, "B": SplitMode.B, "C": SplitMode.C}[mode]
    return _dictionary().tokenizer(mode=split), threading.Lock()


def fold(text: str) -> str:
    """NFKC-fold and lower-case, so 「２号機能」 and 「2号機能」, 「ＡＣＰ」 and 「acp」 meet."""
    return unicodedata.normalize("NFKC", text).lower()


def make_tokenizer(mode: str = "C", synonyms: bool = True, normalized: bool = True) -> Tokenizer:
    """A ``str -> list[str]`` tokeniser (Sudachi split ``mode``; ``normalized`` uses normalized_form)."""
    mode = mode.upper()
    if mode not in MODES:
        raise TokenizerError(f"Sudachi の分割モードは A・B・C のいずれかです（指定: {mode!r}）")
    sudachi, lock = _sudachi(mode)

    def tokenize(text: str) -> list[str]:
        folded = fold(text)
        tokens = []
        # Sudachi rejects inputs above ~49KB; passages are far smaller, but split defensively.
        for chunk in _chunks(folded):
            with lock:
                morphemes = list(sudachi.tokenize(chunk))
            for m in morphemes:
                if m.part_of_speech()[0] in DROPPED_POS:
                    continue
                word = (m.normalized_form() if normalized else m.surface()).strip()
                if word:
                    tokens.append(word)
        if synonyms:
            tokens.extend(synonym_tokens(folded))
        return tokens

    return tokenize


def _chunks(text: str, size: int = 4000) -> list[str]:
    """Split long text at line breaks into pieces Sudachi accepts."""
    if len(text) <= size:
        return [text]
    out, current = [], ""
    for line in text.splitlines(keepends=True):
        if current and len(current) + len(line) > size:
            out.append(current)
            current = ""
        current += line
        while len(current) > size:
            out.append(current[:size])
            current = current[size:]
    return out + [current] if current else out

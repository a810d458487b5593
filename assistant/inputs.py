"""The one rule for a usable question, shared by the assistant, the CLI and the API (no heavy imports)."""

from __future__ import annotations

import re
from typing import Any

from assistant.errors import InputError

MAX_MESSAGE = 1000
_UNSAFE_CHARS = re.compile(r"[\ud800-\udfff]")  # lone surrogates: not storable or sendable as UTF-8
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_message(message: Any) -> str:
    """A usable question or InputError (not text, broken characters, empty, over 1000 characters). Control
    characters (NUL…) become spaces."""
    if not isinstance(message, str):
        raise InputError("質問は文字列で指定してください。")
    if _UNSAFE_CHARS.search(message):
        raise InputError("質問に使えない文字（不正な文字コード）が含まれています。")
    text = _CONTROL_CHARS.sub(" ", message).strip()
    if not text:
        raise InputError("質問を入力してください。")
    if len(text) > MAX_MESSAGE:
        raise InputError(f"質問が長すぎます（{MAX_MESSAGE}文字まで、いまは{len(text)}文字）。")
    return text

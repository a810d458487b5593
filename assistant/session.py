"""Conversation state persisted as one JSON file per session under ``settings.sessions_dir``."""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InputError

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # fullmatch: 「$」 would accept a trailing newline
MAX_TURNS = 20


@dataclass
class LastSearch:
    """The previous facility search: what was asked, where, and which facilities were listed."""

    specs: list[dict[str, Any]] = field(default_factory=list)  # filter specs incl. kind
    location: dict[str, Any] | None = None  # see service._Where.to_dict
    radius_km: float | None = None
    result_ids: list[str] = field(default_factory=list)
    max_distance_km: float | None = None
    offset: int = 0  # how many results earlier pages of the same search showed (「もっと見せて」)


@dataclass
class Session:
    """Mutable conversation state; only the service changes it, then saves it."""

    id: str
    turns: list[dict[str, str]] = field(default_factory=list)
    last: LastSearch | None = None
    pending_specs: list[dict[str, Any]] | None = None  # a search waiting for 「どこで？」
    asked_location: bool = False
    user_location: str = ""

    def add_turn(self, role: str, text: str, intent: str = "") -> None:
        """Remember a message (the last MAX_TURNS only)."""
        self.turns.append({"role": role, "text": text[:1000], "intent": intent})
        del self.turns[:-MAX_TURNS]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


def session_from_dict(data: dict[str, Any]) -> Session:
    """Rebuild a session from its JSON form."""
    last = data.get("last")
    return Session(
        id=str(data["id"]),
        turns=list(data.get("turns", [])),
        last=LastSearch(**last) if isinstance(last, dict) else None,
        pending_specs=data.get("pending_specs"),
        asked_location=bool(data.get("asked_location", False)),
        user_location=str(data.get("user_location", "")),
    )


def check_session_id(session_id: str) -> str:
    """Accept only ids that are safe as file names."""
    if not _ID.fullmatch(session_id):
        raise InputError("セッションIDには英数字・ハイフン・アンダースコアのみ（64文字まで）を使えます。")
    return session_id


class SessionStore:
    """Loads and saves sessions as ``<dir>/<id>.json`` (atomic replace)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def new_id(self) -> str:
        """A fresh random id."""
        return uuid.uuid4().hex[:16]

    def load(self, session_id: str | None) -> Session:
        """The stored session, or a new one (with the given id, or a fresh id)."""
        if session_id is None:
            return Session(self.new_id())
        path = self.directory / f"{check_session_id(session_id)}.json"
        if not path.exists():
            return Session(session_id)
        try:
            return session_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            return Session(session_id)  # a damaged file starts a fresh conversation

    def save(self, session: Session) -> None:
        """Write the session atomically."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(session.to_dict(), handle, ensure_ascii=False)
        os.replace(tmp, self.directory / f"{session.id}.json")

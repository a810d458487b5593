"""Conversation state persisted as one JSON file per session under ``settings.sessions_dir``.

Session ids are issued by the server and signed (HMAC-SHA256 with a secret from settings, or generated once
and kept beside the sessions, mode 0600): an id the server did not issue starts a new conversation, it never
creates or reads a file. A conversation left for ``ttl_hours`` is forgotten. What is kept is what the next
turn needs: the conditions, place and result ids of the last search, and the text of a previous question only
when it was a question about the documents (a follow-up 「その日に休院していたら？」 is read together with it);
a position given as coordinates is kept rounded to about 100 m.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InputError

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")  # fullmatch: 「$」 would accept a trailing newline
_SIGNED = re.compile(r"([0-9a-f]{16})-([0-9a-f]{16})")
_COORDS = re.compile(r"^\s*(-?\d{1,3}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*$")
MAX_TURNS = 20
KEPT_TEXT = ("guideline",)  # intents whose question text the next turn may need
SECRET_FILE = ".secret"
PRUNE_EVERY = 50  # saves between two sweeps of expired files


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
        """Remember a turn (the last MAX_TURNS only): its intent always, a user's text only for a question about
        the documents (health details in a search or an emergency are not kept), never the assistant's text."""
        kept = text[:1000] if role == "user" and intent in KEPT_TEXT else ""
        self.turns.append({"role": role, "text": kept, "intent": intent})
        del self.turns[:-MAX_TURNS]

    def to_dict(self) -> dict[str, Any]:
        """JSON form (a coordinate position rounded to 3 decimals, about 100 m)."""
        data = asdict(self)
        data["user_location"] = rounded_position(self.user_location)
        return data


def rounded_position(text: str) -> str:
    """「33.559587,133.529279」 → 「33.560,133.529」; any other text (a postal code, a town) as it is."""
    match = _COORDS.match(text or "")
    if match is None:
        return text
    return f"{float(match.group(1)):.3f},{float(match.group(2)):.3f}"


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
    """Loads and saves sessions as ``<dir>/<id>.json`` (atomic replace); ids are signed, old files expire."""

    def __init__(self, directory: Path, secret: str = "", ttl_hours: float = 24.0) -> None:
        self.directory = directory
        self.ttl_s = ttl_hours * 3600
        self._secret = secret.encode() if secret else b""
        self._saves = 0

    def _key(self) -> bytes:
        """The signing secret: from settings, else generated once into the sessions folder (mode 0600)."""
        if not self._secret:
            path = self.directory / SECRET_FILE
            if not path.exists():
                self.directory.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # another process may win: fine
                with os.fdopen(fd, "w") as handle:
                    handle.write(secrets.token_hex(32))
            self._secret = path.read_text().strip().encode()
        return self._secret

    def _sign(self, token: str) -> str:
        return hmac.new(self._key(), token.encode(), hashlib.sha256).hexdigest()[:16]

    def new_id(self) -> str:
        """A fresh random id with its signature (「<16 hex>-<16 hex>」)."""
        token = secrets.token_hex(8)
        return f"{token}-{self._sign(token)}"

    def issued(self, session_id: str) -> bool:
        """Whether this server issued the id (the signature matches)."""
        match = _SIGNED.fullmatch(session_id)
        return match is not None and hmac.compare_digest(match.group(2), self._sign(match.group(1)))

    def load(self, session_id: str | None) -> Session:
        """The stored session; a new one (with a fresh id) for None, an id this server did not issue, or an
        expired or damaged conversation."""
        if session_id is None or not self.issued(check_session_id(session_id)):
            return Session(self.new_id())
        path = self.directory / f"{session_id}.json"
        try:
            if time.time() - path.stat().st_mtime > self.ttl_s:
                path.unlink(missing_ok=True)
                return Session(self.new_id())
            return session_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return Session(session_id)  # issued, nothing said yet
        except (ValueError, KeyError, TypeError):
            return Session(self.new_id())  # a damaged file starts a fresh conversation

    def save(self, session: Session) -> None:
        """Write the session atomically (mode 0600); now and then, remove expired ones."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(session.to_dict(), handle, ensure_ascii=False)
            os.replace(tmp, self.directory / f"{session.id}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)  # never leave a half-written temp file
            raise
        self._saves += 1
        if self._saves % PRUNE_EVERY == 1:
            self.prune()

    def prune(self) -> int:
        """Delete the sessions older than the time to live; returns how many."""
        cutoff = time.time() - self.ttl_s
        removed = 0
        for path in self.directory.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

"""Conversation state persisted as one JSON file per session under ``settings.sessions_dir``.

Session ids are issued by the server and signed (HMAC-SHA256 with a secret from settings, or generated once
and kept beside the sessions, mode 0600): an id the server did not issue starts a new conversation, it never
creates or reads a file. A conversation left for ``ttl_hours`` is forgotten. What is kept is what the next
turn needs: the conditions, place and result ids of the last search, and the text of a previous question only
when it was a question about the documents (a follow-up 「その日に休院していたら？」 is read together with it);
a position given as coordinates is kept rounded to about 100 m.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

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


class SessionIds:
    """Issues and checks signed session ids; the secret comes from settings or is generated once (mode 0600)."""

    def __init__(self, folder: Path, secret: str = "") -> None:
        self.folder = folder
        self._secret = secret.encode() if secret else b""

    def _key(self) -> bytes:
        if not self._secret:
            path = self.folder / SECRET_FILE
            if not path.exists():
                self.folder.mkdir(parents=True, exist_ok=True)
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "w") as handle:
                        handle.write(secrets.token_hex(32))
                except FileExistsError:
                    pass  # another process wrote it first
            self._secret = path.read_text().strip().encode()
        return self._secret

    def _sign(self, token: str) -> str:
        return hmac.new(self._key(), token.encode(), hashlib.sha256).hexdigest()[:16]

    def new(self) -> str:
        """A fresh random id with its signature (「<16 hex>-<16 hex>」)."""
        token = secrets.token_hex(8)
        return f"{token}-{self._sign(token)}"

    def issued(self, session_id: str) -> bool:
        """Whether this server issued the id (the signature matches)."""
        match = _SIGNED.fullmatch(session_id)
        return match is not None and hmac.compare_digest(match.group(2), self._sign(match.group(1)))


class SessionStore(Protocol):
    """Where conversations live. ``load`` gives the session and its version; ``save`` writes it only if nobody
    saved that session since (compare and swap), so two processes never lose a turn: the loser answers again."""

    ids: SessionIds

    def load(self, session_id: str | None) -> tuple[Session, int]: ...

    def save(self, session: Session, version: int) -> bool: ...

    def prune(self) -> int: ...


def _fresh_or_issued(ids: SessionIds, session_id: str | None) -> str | None:
    """The id to look up, or None when a new conversation starts (none given, or not issued by this server)."""
    if session_id is None or not ids.issued(check_session_id(session_id)):
        return None
    return session_id


class SqliteSessionStore:
    """All sessions in one SQLite file (the embedded default): ``sessions(id, data, version, updated)``."""

    def __init__(self, path: Path, ids: SessionIds, ttl_hours: float = 24.0) -> None:
        self.path = path
        self.ids = ids
        self.ttl_s = ttl_hours * 3600
        self._saves = 0

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        if fresh:
            os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, data TEXT NOT NULL, "
                   "version INTEGER NOT NULL, updated REAL NOT NULL)")
        return db

    def load(self, session_id: str | None) -> tuple[Session, int]:
        """The stored session and its version (0 for a new one)."""
        key = _fresh_or_issued(self.ids, session_id)
        if key is None:
            return Session(self.ids.new()), 0
        with contextlib.closing(self._connect()) as db:
            row = db.execute("SELECT data, version, updated FROM sessions WHERE id = ?", (key,)).fetchone()
            if row is None:
                return Session(key), 0
            if time.time() - row[2] > self.ttl_s:
                db.execute("DELETE FROM sessions WHERE id = ? AND version = ?", (key, row[1]))
                return Session(self.ids.new()), 0
            try:
                return session_from_dict(json.loads(row[0])), int(row[1])
            except (ValueError, KeyError, TypeError):
                return Session(self.ids.new()), 0  # a damaged row starts a fresh conversation

    def save(self, session: Session, version: int) -> bool:
        """Write the session if it is still at ``version``; False when another process saved it first."""
        data = json.dumps(session.to_dict(), ensure_ascii=False)
        with contextlib.closing(self._connect()) as db:
            if version == 0:
                cursor = db.execute("INSERT OR IGNORE INTO sessions VALUES (?, ?, 1, ?)", (session.id, data, time.time()))
            else:
                cursor = db.execute("UPDATE sessions SET data = ?, version = version + 1, updated = ? "
                                    "WHERE id = ? AND version = ?", (data, time.time(), session.id, version))
            saved = cursor.rowcount == 1
        self._saves += 1
        if self._saves % PRUNE_EVERY == 1:
            self.prune()
        return saved

    def get(self, session_id: str) -> dict[str, Any] | None:
        """The stored JSON of a session (for inspection and tests)."""
        with contextlib.closing(self._connect()) as db:
            row = db.execute("SELECT data FROM sessions WHERE id = ?", (session_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def age(self, session_id: str, seconds: float) -> None:
        """Make a session look ``seconds`` older (tests of expiry)."""
        with contextlib.closing(self._connect()) as db:
            db.execute("UPDATE sessions SET updated = updated - ? WHERE id = ?", (seconds, session_id))

    def prune(self) -> int:
        """Delete the sessions older than the time to live; returns how many."""
        with contextlib.closing(self._connect()) as db:
            return db.execute("DELETE FROM sessions WHERE updated < ?", (time.time() - self.ttl_s,)).rowcount


class FileSessionStore:
    """One JSON file per session, ``<dir>/<id>.json`` (atomic replace under a per-session lock)."""

    def __init__(self, directory: Path, ids: SessionIds, ttl_hours: float = 24.0) -> None:
        self.directory = directory
        self.ids = ids
        self.ttl_s = ttl_hours * 3600
        self._saves = 0

    @contextlib.contextmanager
    def _locked(self, session_id: str) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / f"{session_id}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _read(self, session_id: str) -> tuple[dict[str, Any], float] | None:
        path = self.directory / f"{session_id}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8")), path.stat().st_mtime
        except FileNotFoundError:
            return None

    def load(self, session_id: str | None) -> tuple[Session, int]:
        key = _fresh_or_issued(self.ids, session_id)
        if key is None:
            return Session(self.ids.new()), 0
        try:
            found = self._read(key)
        except (ValueError, OSError):
            return Session(self.ids.new()), 0
        if found is None:
            return Session(key), 0
        data, mtime = found
        if time.time() - mtime > self.ttl_s:
            (self.directory / f"{key}.json").unlink(missing_ok=True)
            return Session(self.ids.new()), 0
        try:
            return session_from_dict(data), int(data.get("version", 1))
        except (ValueError, KeyError, TypeError):
            return Session(self.ids.new()), 0

    def save(self, session: Session, version: int) -> bool:
        with self._locked(session.id):
            try:
                current = self._read(session.id)
            except (ValueError, OSError):
                current = None
            stored = int(current[0].get("version", 1)) if current else 0
            if stored != version:
                return False
            data = {**session.to_dict(), "version": version + 1}
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(data, handle, ensure_ascii=False)
                os.chmod(tmp, 0o600)
                os.replace(tmp, self.directory / f"{session.id}.json")
            except BaseException:
                Path(tmp).unlink(missing_ok=True)  # never leave a half-written temp file
                raise
        self._saves += 1
        if self._saves % PRUNE_EVERY == 1:
            self.prune()
        return True

    def get(self, session_id: str) -> dict[str, Any] | None:
        found = self._read(session_id)
        return found[0] if found else None

    def age(self, session_id: str, seconds: float) -> None:
        path = self.directory / f"{session_id}.json"
        old = path.stat().st_mtime - seconds
        os.utime(path, (old, old))

    def prune(self) -> int:
        cutoff = time.time() - self.ttl_s
        removed = 0
        for path in self.directory.glob("*.json"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    (self.directory / f"{path.stem}.lock").unlink(missing_ok=True)
                    removed += 1
            except FileNotFoundError:
                continue
        return removed


# Compare and swap in one step on the server: write only when the stored version is the one that was read.
_CAS = """
local v = redis.call('HGET', KEYS[1], 'version')
if (not v and ARGV[1] == '0') or v == ARGV[1] then
  redis.call('HSET', KEYS[1], 'data', ARGV[2], 'version', tonumber(ARGV[1]) + 1)
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
"""


class RedisSessionStore:
    """Sessions in Redis (several workers or machines): a hash per session, ``kakari:session:<id>``, which
    Redis itself expires after the time to live. Needs the ``redis`` extra (``pip install '.[redis]'``)."""

    PREFIX = "kakari:session:"

    def __init__(self, url: str, ids: SessionIds, ttl_hours: float = 24.0) -> None:
        try:
            import redis
        except ImportError as exc:
            raise InputError("Redis を使うには redis パッケージが必要です（pip install '.[redis]'）。") from exc
        self.ids = ids
        self.ttl_s = max(1, int(ttl_hours * 3600))
        self._db = redis.Redis.from_url(url, socket_timeout=5)
        self._cas = self._db.register_script(_CAS)

    def load(self, session_id: str | None) -> tuple[Session, int]:
        key = _fresh_or_issued(self.ids, session_id)
        if key is None:
            return Session(self.ids.new()), 0
        found = self._db.hgetall(self.PREFIX + key)
        if not found:
            return Session(key), 0  # issued and nothing said yet, or expired by Redis
        try:
            return session_from_dict(json.loads(found[b"data"])), int(found[b"version"])
        except (ValueError, KeyError, TypeError):
            return Session(self.ids.new()), 0

    def save(self, session: Session, version: int) -> bool:
        data = json.dumps(session.to_dict(), ensure_ascii=False)
        return bool(self._cas(keys=[self.PREFIX + session.id], args=[str(version), data, str(self.ttl_s)]))

    def get(self, session_id: str) -> dict[str, Any] | None:
        raw = self._db.hget(self.PREFIX + session_id, "data")
        return json.loads(raw) if raw else None

    def prune(self) -> int:
        return 0  # Redis expires each session by itself


SESSION_STORES = ("sqlite", "files", "redis")


def make_session_store(kind: str, folder: Path, secret: str = "", ttl_hours: float = 24.0,
                       redis_url: str = "") -> SessionStore:
    """The configured store: ``sqlite`` (``<folder>/sessions.sqlite3``, default), ``files`` or ``redis``."""
    ids = SessionIds(folder, secret)
    if kind == "sqlite":
        return SqliteSessionStore(folder / "sessions.sqlite3", ids, ttl_hours)
    if kind == "files":
        return FileSessionStore(folder, ids, ttl_hours)
    if kind == "redis":
        return RedisSessionStore(redis_url or "redis://127.0.0.1:6379/0", ids, ttl_hours)
    raise InputError(f"不明なセッションの保存先です: {kind!r}（使える値: {'、'.join(SESSION_STORES)}）")

"""Session stores (SQLite default, JSON files): signed ids, compare-and-swap saves, no lost turn across processes."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from assistant.errors import InputError
from assistant.session import MAX_TURNS, SESSION_STORES, Session, make_session_store
from tests.data.redis_server import redis_server  # noqa: F401  (fixture)

REDIS_URL = ""  # set by the redis_server fixture for the processes it forks


@pytest.fixture(params=SESSION_STORES)
def kind(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        global REDIS_URL
        REDIS_URL = request.getfixturevalue("redis_server")
    return str(request.param)


def _store(kind: str, folder: Path, secret: str = "s3cret", ttl_hours: float = 24.0):  # type: ignore[no-untyped-def]
    return make_session_store(kind, folder, secret=secret, ttl_hours=ttl_hours, redis_url=REDIS_URL)


def test_ids_are_signed_and_invented_ones_start_fresh(kind: str, tmp_path: Path) -> None:
    store = _store(kind, tmp_path)
    session, version = store.load(None)
    assert version == 0 and store.ids.issued(session.id)
    assert store.save(session, version)
    invented, v = store.load("abcdef0123456789-0123456789abcdef")
    assert v == 0 and invented.id != "abcdef0123456789-0123456789abcdef"
    other = _store(kind, tmp_path / "other", secret="another")
    assert not other.ids.issued(session.id)  # a different secret does not accept this id
    with pytest.raises(InputError):
        store.load("../../etc/passwd")


def test_a_stale_version_is_not_saved(kind: str, tmp_path: Path) -> None:
    store = _store(kind, tmp_path)
    session, version = store.load(None)
    assert store.save(session, version)
    first, v1 = store.load(session.id)
    second, v2 = store.load(session.id)
    first.add_turn("user", "一回目", "guideline")
    assert store.save(first, v1)
    second.add_turn("user", "二回目", "guideline")
    assert not store.save(second, v2)  # the other process saved meanwhile: this one must answer again
    again, v3 = store.load(session.id)
    assert [t["text"] for t in again.turns] == ["一回目"] and v3 == v1 + 1


def _turns(kind: str, folder: str, session_id: str, label: str, n: int) -> None:
    store = _store(kind, Path(folder))
    for i in range(n):
        while True:
            session, version = store.load(session_id)
            time.sleep(0.002)  # the answer takes a moment: the window in which the other process writes
            session.add_turn("user", f"{label}{i}", "guideline")
            if store.save(session, version):
                break


def test_two_processes_never_lose_a_turn(kind: str, tmp_path: Path) -> None:
    store = _store(kind, tmp_path)
    session, version = store.load(None)
    assert store.save(session, version)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_turns, args=(kind, str(tmp_path), session.id, label, 8)) for label in "AB"]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    final, _ = store.load(session.id)
    texts = [t["text"] for t in final.turns]
    assert len(texts) == 16 <= MAX_TURNS and sorted(texts) == sorted(f"{x}{i}" for x in "AB" for i in range(8))


def test_an_unknown_store_kind_is_a_japanese_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="セッションの保存先"):
        make_session_store("redis-please", tmp_path)


def test_the_sqlite_store_prunes_expired_sessions(tmp_path: Path) -> None:
    store = make_session_store("sqlite", tmp_path, secret="s3cret", ttl_hours=1)
    session, version = store.load(None)
    assert store.save(Session(session.id), version)
    store.age(session.id, 7200)  # type: ignore[attr-defined]
    assert store.prune() == 1 and store.get(session.id) is None  # type: ignore[attr-defined]


def test_a_conversation_alternating_between_two_servers_on_redis_keeps_its_conditions(
    redis_server: str, tmp_path: Path,  # noqa: F811
) -> None:
    """Two assistants (two worker processes' worth of state) share Redis and one signing secret."""
    import dataclasses

    from assistant.service import Assistant
    from tests.data.assistant_facilities import RECORDS, _settings

    base = _settings(tmp_path / "data")
    shared = dataclasses.replace(base.assistant, session_store="redis", session_redis_url=redis_server,
                                 session_secret="shared-secret")
    settings = dataclasses.replace(base, assistant=shared)
    one, two = Assistant(settings, facilities=RECORDS), Assistant(settings, facilities=RECORDS)
    first = one.ask("高知市で24時間往診してくれる診療所")
    refined = two.ask("その中でACPもしているのは？", session_id=first.session_id)
    assert refined.session_id == first.session_id and [f.id for f in refined.facilities] == ["T-K1"]
    again = one.ask("病院だけにして", session_id=first.session_id)
    assert again.session_id == first.session_id and again.intent == "facility_search"
    assert {f["name"] for f in again.filters} >= {"home_care_24h", "acp"}

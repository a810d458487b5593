"""Property-based fuzz of every API route with the real assistant (BM25 only, for speed): never a 5xx.

Bodies are drawn from JSON of any shape, from values near the schema (right keys, wrong or hostile values:
lone surrogates, control characters, huge strings, nested lists, numbers where text belongs) and from real
filter names with any value. About 3,000 requests in all.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.settings import Settings
from retrieval.registry import ROWS
from ui.api import create_app

TEXT = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=60) | st.sampled_from(
    ["高知市で往診", "\ud800", "\x00\x07", "<img src=x>", "=HYPERLINK()", "あ" * 1200, "", " ", "780-0870",
     "33.5,133.5", "Q21", "../../etc/passwd"])
SCALAR = st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True) | TEXT
JSON = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=12)
NAMES = st.sampled_from([row.name for row in ROWS] + ["municipality", "kind", "no_such_filter"])
FILTER = st.fixed_dictionaries({"name": NAMES | TEXT, "value": JSON})
CHAT = st.fixed_dictionaries({"message": JSON}, optional={"session_id": JSON, "location": JSON})
SEARCH = st.fixed_dictionaries({}, optional={"filters": st.lists(FILTER, max_size=6) | JSON, "location": JSON,
                                             "limit": JSON})
FAST = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data_dir: Path = tmp_path_factory.mktemp("kakari-fuzz")
    config = dataclasses.replace(Settings(), data_dir=data_dir,
                                 retrieval=dataclasses.replace(Settings().retrieval, embedder="none"))
    with TestClient(create_app(config, ui=False), raise_server_exceptions=False, base_url="http://127.0.0.1") as c:
        c.post("/api/chat", json={"message": "報告の基準日は？"})
        yield c


def _no_5xx(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, (response.status_code, response.text[:300])
    if response.status_code >= 400:
        assert "detail" in response.json()


def _url_safe(text: str) -> str:
    """A URL can only carry valid UTF-8: a lone surrogate becomes U+FFFD (a client could not send it either)."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _post(client: TestClient, path: str, body: object) -> None:
    import json

    raw = json.dumps(body, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")
    _no_5xx(client.post(path, content=raw, headers={"content-type": "application/json"}))


@FAST
@given(body=CHAT | JSON)
def test_chat_never_fails(client: TestClient, body: object) -> None:
    _post(client, "/api/chat", body)


@FAST
@given(body=SEARCH | JSON)
def test_facility_search_never_fails(client: TestClient, body: object) -> None:
    _post(client, "/api/facilities/search", body)


@FAST
@given(q=TEXT, k=JSON, source=st.lists(TEXT, max_size=3))
def test_text_search_never_fails(client: TestClient, q: str, k: object, source: list[str]) -> None:
    params = [("q", _url_safe(q)), ("k", _url_safe(str(k)))] + [("source", _url_safe(x)) for x in source]
    _no_5xx(client.get("/api/qa", params=params))


@FAST
@given(facility_id=TEXT)
def test_facility_detail_never_fails(client: TestClient, facility_id: str) -> None:
    from urllib.parse import quote

    path = quote(_url_safe(facility_id), safe="")
    _no_5xx(client.get(f"/api/facilities/{path}"))


@FAST
@given(raw=st.binary(max_size=200))
def test_any_bytes_as_a_body_never_fail(client: TestClient, raw: bytes) -> None:
    _no_5xx(client.post("/api/chat", content=raw, headers={"content-type": "application/json"}))

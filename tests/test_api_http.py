"""The HTTP layer with a scripted stand-in assistant: every endpoint, every error path, Japanese messages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.answer import Answer, Citation, Evidence, FacilityHit
from assistant.errors import InputError
from corpus.settings import ServerSettings
from ui.api import create_app

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


class ScriptedAssistant:
    """Same public surface as assistant.service.Assistant; records calls, returns canned records."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []

    def ask(self, message: str, session_id: str | None = None, location: Any = None) -> Answer:
        self.calls.append(("ask", (message, session_id, location)))
        if "壊れ" in message:
            raise InputError("その質問には答えられません。")
        if "内部" in message:
            raise RuntimeError("secret traceback detail")
        hit = FacilityHit("F1", "架空診療所", "clinic", "診療所", "高知市", "39201", "高知市本町1", 33.56, 133.53,
                          "088-000-0000", "", 1.2, "2026-01-01", True,
                          (Evidence("在宅医療の提供体制", "自院で24時間対応", "home_care.mode"),))
        return Answer(intent="facility_search", answer="見つかりました。", session_id=session_id or "s-1",
                      facilities=(hit,), citations=(Citation("qa", "Q5", "報告の対象", 66, "引用文"),),
                      notice="架空のサンプルデータです。")

    def search_facilities(self, filters: list[dict], location: Any = None, limit: int | None = None) -> Answer:
        self.calls.append(("search", (filters, location, limit)))
        return Answer(intent="facility_search", answer="条件で検索しました。", filters=tuple(filters))

    def search_text(self, query: str, k: int = 5, sources: Any = None) -> list[dict]:
        self.calls.append(("text", (query, k, sources)))
        return [{"id": "qa:Q1", "ref": "Q1", "text": "本文", "score": 1.0}][:k]

    def facility(self, facility_id: str) -> dict | None:
        self.calls.append(("facility", facility_id))
        return {"id": "F1", "name": "架空診療所", "kind": "clinic", "sample": True} if facility_id == "F1" else None


@pytest.fixture
def stub() -> ScriptedAssistant:
    return ScriptedAssistant()


@pytest.fixture
def client(settings, stub) -> Iterator[TestClient]:
    app = create_app(settings, stub, ui=False)
    with TestClient(app, raise_server_exceptions=False, base_url="http://127.0.0.1") as c:
        yield c


def test_health_answers_without_building_anything(settings) -> None:
    app = create_app(settings, ui=False, warm=False)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        body = c.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["assistant"] == "idle"


def test_chat_returns_answer_json_and_passes_arguments(client, stub) -> None:
    r = client.post("/api/chat", json={"message": "  近くの診療所  ", "session_id": "abc-1", "location": "高知市"})
    assert r.status_code == 200
    body = r.json()
    assert body["intent"] == "facility_search"
    assert body["facilities"][0]["evidence"][0]["field"] == "home_care.mode"
    assert body["citations"][0]["id"] == "Q5"
    assert body["session_id"] == "abc-1"
    assert stub.calls == [("ask", ("近くの診療所", "abc-1", "高知市"))]


def test_chat_passes_a_geolocated_point(client, stub) -> None:
    r = client.post("/api/chat", json={"message": "近く", "location": {"lat": 33.5, "lng": 133.5}})
    assert r.status_code == 200
    assert stub.calls[-1][1][2] == "33.500000,133.500000"


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"message": ""}, 422, "質問を入力"),
        ({"message": "   \u3000 "}, 422, "質問を入力"),
        ({"message": "あ" * 1001}, 422, "長すぎ"),
        ({"message": 123}, 422, "文字列"),
        ({}, 422, "質問"),
        ({"message": "a", "location": {"lat": "x", "lng": 1}}, 422, "位置の形式"),
        ({"message": "a", "location": {"lat": 48.8, "lng": 2.3}}, 422, "日本国内"),
        ({"message": "a", "location": ["高知市"]}, 422, "位置は"),
        ({"message": "a", "location": "あ" * 101}, 422, "位置の文字が長すぎ"),
        ({"message": "a", "session_id": "../etc/passwd"}, 422, "セッションID"),
        ({"message": "a", "mystery": 1}, 422, "使えない項目"),
        ({"message": "壊れた質問"}, 400, "答えられません"),
        ({"message": "内部エラーを起こす"}, 500, "内部エラー"),
    ],
)
def test_chat_rejects_bad_input_in_japanese(client, body, status, needle) -> None:
    r = client.post("/api/chat", json=body)
    assert r.status_code == status
    detail = r.json()["detail"]
    assert needle in detail and _JAPANESE.search(detail)
    assert "Traceback" not in r.text and "secret" not in r.text


def test_chat_rejects_malformed_json(client) -> None:
    r = client.post("/api/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    assert "JSON" in r.json()["detail"]


def test_search_validates_and_forwards_filters(client, stub) -> None:
    body = {"filters": [{"name": "home_care_24h"}, {"name": "kind", "value": "clinic", "label": "診療所"}],
            "location": "780-0870", "limit": 3}
    r = client.post("/api/facilities/search", json=body)
    assert r.status_code == 200
    assert stub.calls[-1] == ("search", ([{"name": "home_care_24h", "value": None},
                                          {"name": "kind", "value": "clinic"}], "780-0870", 3))


@pytest.mark.parametrize(
    ("body", "status", "needle"),
    [
        ({"filters": [{"name": "teleportation"}]}, 400, "不明な検索条件"),
        ({"filters": [{"name": "kind", "value": "castle"}]}, 400, "使えません"),
        ({"filters": [{"value": "clinic"}]}, 422, "条件名"),
        ({"filters": [{"name": "acp"}], "limit": 0}, 422, "件数"),
        ({"filters": [{"name": "acp"}], "limit": "many"}, 422, "件数"),
        ({"filters": [{"name": "acp"}] * 21}, 422, "多すぎ"),
        ({"filters": [], "location": {"lat": 1000, "lng": 0}}, 422, "日本国内"),
    ],
)
def test_search_rejects_bad_filters_in_japanese(client, stub, body, status, needle) -> None:
    r = client.post("/api/facilities/search", json=body)
    assert r.status_code == status
    assert needle in r.json()["detail"]
    assert not [c for c in stub.calls if c[0] == "search"]


def test_facility_detail_and_404(client) -> None:
    assert client.get("/api/facilities/F1").json()["name"] == "架空診療所"
    r = client.get("/api/facilities/NOPE")
    assert r.status_code == 404
    assert "見つかりませんでした" in r.json()["detail"]


@pytest.mark.parametrize(
    ("params", "status", "needle"),
    [
        ({"q": ""}, 400, "入力してください"),
        ({"q": "あ" * 1001}, 400, "長すぎ"),
        ({}, 422, "検索する文"),
        ({"q": "報告", "k": 0}, 422, "件数"),
        ({"q": "報告", "source": "blog"}, 400, "不明な文書"),
    ],
)
def test_qa_rejects_bad_queries(client, params, status, needle) -> None:
    r = client.get("/api/qa", params=params)
    assert r.status_code == status
    assert needle in r.json()["detail"]


def test_qa_returns_ranked_passages(client, stub) -> None:
    r = client.get("/api/qa", params={"q": "報告の時期", "k": 2, "source": ["qa", "guideline"]})
    assert r.status_code == 200
    assert r.json()["results"][0]["ref"] == "Q1"
    assert stub.calls[-1] == ("text", ("報告の時期", 2, ["qa", "guideline"]))


def test_openapi_lists_every_endpoint(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/chat", "/api/facilities/search", "/api/facilities/{facility_id}", "/api/qa", "/api/health"} <= set(paths)


def test_cors_is_off_by_default(client) -> None:
    r = client.options("/api/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_allows_configured_origins(settings, stub) -> None:
    configured = dataclasses.replace(settings, server=ServerSettings(cors_origins=("https://ok.example",)))
    with TestClient(create_app(configured, stub, ui=False), base_url="http://127.0.0.1") as c:
        ok = c.get("/api/health", headers={"Origin": "https://ok.example"})
        bad = c.get("/api/health", headers={"Origin": "https://evil.example"})
    assert ok.headers.get("access-control-allow-origin") == "https://ok.example"
    assert "access-control-allow-origin" not in bad.headers


def test_failed_assistant_build_is_a_japanese_503(settings, monkeypatch) -> None:
    from ui import holder as holder_module

    app = create_app(settings, ui=False, warm=False)
    h: holder_module.AssistantHolder = app.state.holder
    def broken_build() -> None:
        h._error = "索引がありません"
        h._ready.set()

    monkeypatch.setattr(h, "_build", broken_build)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.post("/api/chat", json={"message": "こんにちは"})
        assert r.status_code == 503 and "準備できませんでした" in r.json()["detail"]
        assert c.get("/api/health").json()["assistant"] == "error"


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for response in (client.get("/api/health"), client.get("/api/facilities/NOPE"), client.post("/api/chat", json={})):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "localhost.evil:7860"])
def test_an_unknown_host_is_refused_in_japanese(client: TestClient, host: str) -> None:
    response = client.get("/api/health", headers={"host": host})
    assert response.status_code == 400 and "ホスト名" in response.json()["detail"]
    assert response.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("host", ["127.0.0.1:7860", "localhost", "[::1]:7860"])
def test_loopback_hosts_with_or_without_a_port_are_served(client: TestClient, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200


def test_allowed_hosts_come_from_settings_and_the_bound_address(settings, stub) -> None:  # type: ignore[no-untyped-def]
    from ui import guard

    assert guard.allowed_hosts(("kakari.example.jp",), "192.0.2.10") == {"kakari.example.jp", "192.0.2.10"}
    assert guard.allowed_hosts((), "0.0.0.0") == frozenset()
    anyone = dataclasses.replace(settings, server=dataclasses.replace(settings.server, allowed_hosts=("*",)))
    with TestClient(create_app(anyone, stub, ui=False), base_url="http://whatever.example") as c:
        assert c.get("/api/health").status_code == 200


def test_broken_input_at_the_edges_gets_a_japanese_4xx(client: TestClient) -> None:
    cases = [
        (client.post("/api/chat", content='{"message": "\\ud800こんにちは"}', headers={"content-type": "application/json"}),
         422, "文字コード"),
        (client.post("/api/facilities/search", json={"filters": [{"name": "municipality", "value": True}]}),
         400, "市区町村"),
        (client.get("/api/no-such-route"), 404, "ありません"),
        (client.delete("/api/chat"), 405, "方法"),
        (client.post("/api/chat", json={"message": "\x00\x07"}), 422, "質問を入力"),
        (client.post("/api/chat", json={"message": "こんにちは", "session_id": "abcdef1234567890\n"}), 422, "セッションID"),
        (client.post("/api/chat", content="x" * 70000, headers={"content-type": "application/json"}), 413, "大きすぎ"),
    ]
    for response, status, words in cases:
        assert response.status_code == status, (response.status_code, response.text[:200])
        assert words in response.json()["detail"]


def test_a_huge_filter_value_is_not_echoed_back_whole(client: TestClient) -> None:
    response = client.post("/api/facilities/search", json={"filters": [{"name": "kind", "value": "x" * 30000}]})
    assert response.status_code == 400 and len(response.text) < 500


def test_health_is_503_when_loading_failed_and_names_no_path(settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from assistant.service import Assistant

    def broken(self: Assistant) -> None:
        raise RuntimeError("/srv/private/kakari/facilities/active.jsonl を読めません")

    monkeypatch.setattr(Assistant, "warm_up", broken)
    with TestClient(create_app(settings, ui=False), base_url="http://127.0.0.1") as c:
        for _ in range(200):
            response = c.get("/api/health")
            if response.json()["assistant"] != "loading":
                break
            time.sleep(0.05)
    assert response.status_code == 503 and response.json()["status"] == "error"
    assert "/srv" not in response.text and "RuntimeError" in response.json()["detail"]


def test_docs_use_local_swagger_assets_when_installed(settings, stub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi import FastAPI

    from ui import api

    assets = tmp_path / "swagger-ui-dist"
    assets.mkdir()
    (assets / "swagger-ui-bundle.js").write_text("/* bundle */", encoding="utf-8")
    (assets / "swagger-ui.css").write_text("/* css */", encoding="utf-8")
    local = FastAPI(docs_url=None)
    api._add_docs(local, assets)
    with TestClient(local) as c:
        page = c.get("/docs").text
        assert "/docs-assets/swagger-ui-bundle.js" in page and "cdn.jsdelivr" not in page
        assert c.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    remote = FastAPI(docs_url=None)
    api._add_docs(remote, tmp_path / "missing")
    with TestClient(remote) as c:
        assert "cdn.jsdelivr" in c.get("/docs").text  # without the npm package: FastAPI's CDN default


def test_the_installed_app_serves_docs(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200 and "swagger" in response.text.lower()


def test_gradios_upload_route_is_closed(settings, stub) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings, stub, ui=True, warm=False), base_url="http://127.0.0.1") as c:
        for path in ("/ui/gradio_api/upload", "/ui/upload"):
            response = c.post(path, files={"files": ("x.bin", b"x" * 10)})
            assert response.status_code == 403 and "アップロード" in response.json()["detail"]
        assert c.get("/ui/").status_code == 200  # the page itself is served

"""The API over the real Assistant (shipped corpus + fictional sample data): answers are grounded and consistent."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.settings import Settings
from ui.api import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app and one Assistant for the module (index building is the expensive part)."""
    data_dir: Path = tmp_path_factory.mktemp("kakari-api")
    # BM25 only: the dense index is the retrieval tests' business, and building it takes half a minute.
    settings = dataclasses.replace(Settings(), data_dir=data_dir,
                                   retrieval=dataclasses.replace(Settings().retrieval, embedder="none"))
    with TestClient(create_app(settings, ui=False), raise_server_exceptions=False, base_url="http://127.0.0.1") as c:
        yield c


def test_health_then_ready(client) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    client.post("/api/chat", json={"message": "かかりつけ医機能報告制度とは"})
    assert client.get("/api/health").json()["assistant"] == "ready"


def test_chat_facility_question_lists_grounded_facilities(client) -> None:
    body = client.post("/api/chat", json={"message": "24時間往診してくれる診療所", "location": "高知市"}).json()
    assert body["intent"] == "facility_search"
    assert body["facilities"], body["answer"]
    assert {f["name"] for f in body["filters"]} >= {"home_care_24h"}
    for hit in body["facilities"]:
        assert hit["evidence"] and hit["sample"] is True
        record = client.get(f"/api/facilities/{hit['id']}").json()
        assert record["home_care"]["mode"] in ("24h_self", "24h_with_partners")
        assert record["kind"] == "clinic"
    assert body["notice"]
    # inside a named area the town hall is no one's position: the asked function's amounts order the list, said so
    assert "並び順：報告された算定回数（往診・訪問診療）が多い順です" in body["answer"]
    assert all({"home_care.urgent_visits", "home_care.home_visits"} & {e["field"] for e in f["evidence"]}
               for f in body["facilities"][:3])  # the amounts that ordered them are shown on each


def test_session_continues_across_requests(client) -> None:
    first = client.post("/api/chat", json={"message": "高知市で在宅医療をしている医療機関"}).json()
    follow = client.post("/api/chat", json={"message": "病院だけにして", "session_id": first["session_id"]}).json()
    assert follow["session_id"] == first["session_id"]
    assert all(f["kind"] == "hospital" for f in follow["facilities"])


def test_qa_question_cites_a_q_number(client) -> None:
    body = client.post("/api/chat", json={"message": "報告の時期はいつですか？ Q&Aを教えて"}).json()
    assert body["intent"] == "guideline"
    assert body["citations"] and all(c["quote"] for c in body["citations"])
    results = client.get("/api/qa", params={"q": "報告の時期", "source": "qa"}).json()["results"]
    assert results and all(r["source"] == "qa" and r["id"].startswith("Q") for r in results)


def test_explicit_search_respects_every_filter(client) -> None:
    filters = [{"name": "kind", "value": "hospital"}, {"name": "backup_beds"}]
    body = client.post("/api/facilities/search", json={"filters": filters, "location": "高知市", "limit": 3}).json()
    assert 0 < len(body["facilities"]) <= 3
    for hit in body["facilities"]:
        record = client.get(f"/api/facilities/{hit['id']}").json()
        assert record["kind"] == "hospital"
        assert record["admission_support"]["backup_beds"] in ("self", "partnered")


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", {"message": "診療所", "location": "ほげほげ村"}),
        ("/api/facilities/search", {"filters": [{"name": "acp"}], "location": "ほげほげ村"}),
    ],
)
def test_unresolvable_place_is_a_japanese_400(client, path, body) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 400
    assert "ほげほげ村" in r.json()["detail"] or "場所" in r.json()["detail"]


def test_geolocated_point_searches_nearby(client) -> None:
    body = client.post("/api/chat", json={"message": "近くの診療所", "location": {"lat": 33.559, "lng": 133.531}}).json()
    assert body["facilities"] and body["facilities"][0]["distance_km"] is not None

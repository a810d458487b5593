"""Requests run side by side (no global lock): the same answers as one at a time, and no conversation loses a turn."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from corpus.settings import Settings
from ui.api import create_app

QUESTIONS = (
    "高知市で24時間往診してくれる診療所", "協議の場はどの単位で開くの？", "報告の基準日はいつ？",
    "南国市でACPに取り組んでいる医療機関", "胸が痛くて息が苦しい", "課題管理シートの在宅医療の記入例を見せて",
)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The default retrieval (e5-small + re-ranking) over the shipped corpus and sample."""
    data_dir: Path = tmp_path_factory.mktemp("kakari-parallel")
    with TestClient(create_app(dataclasses.replace(Settings(), data_dir=data_dir), ui=False),
                    base_url="http://127.0.0.1") as c:
        c.post("/api/chat", json={"message": "かかりつけ医機能報告制度とは"})  # load once
        yield c


def _answer(client: TestClient, message: str) -> tuple[str, str, tuple[str, ...]]:
    data = client.post("/api/chat", json={"message": message}).json()
    return data["intent"], data["answer"], tuple(c["id"] for c in data["citations"])


def test_parallel_requests_answer_as_sequential_ones(client: TestClient) -> None:
    alone = {q: _answer(client, q) for q in QUESTIONS}
    with ThreadPoolExecutor(max_workers=6) as pool:
        together = list(pool.map(lambda q: (q, _answer(client, q)), QUESTIONS * 4))
    assert all(answer == alone[q] for q, answer in together)


def test_parallel_turns_of_many_conversations_are_all_kept(client: TestClient) -> None:
    starts = [client.post("/api/chat", json={"message": "高知市で往診してくれる診療所"}).json()["session_id"]
              for _ in range(4)]

    def follow(session_id: str) -> tuple[str, set[str]]:
        data = client.post("/api/chat", json={"message": "その中でACPもしているのは？", "session_id": session_id}).json()
        return str(data["session_id"]), {f["name"] for f in data["filters"]}

    with ThreadPoolExecutor(max_workers=4) as pool:
        turns = list(pool.map(follow, starts))
    assert [sid for sid, _ in turns] == starts  # every conversation kept its own id
    assert all({"home_care", "acp"} <= names for _, names in turns)  # and its earlier condition (refined, not new)

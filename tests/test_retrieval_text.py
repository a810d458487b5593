"""Text retrieval: tokeniser and synonyms, BM25 (never zero on Japanese), fusion math, TextIndex, LangChain."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from corpus.passage import Passage
from corpus.settings import RetrievalSettings
from corpus.store import record_from_dict
from retrieval import fusion, synonyms
from retrieval.bm25 import BM25Index
from retrieval.langchain import PassageRetriever
from retrieval.text_search import BUILD_MESSAGE, TextIndex
from retrieval.tokenizer import TokenizerError, make_tokenizer

FIXTURE = Path(__file__).parent / "data" / "retrieval_passages.jsonl"
BM25_ONLY = RetrievalSettings(embedder="none")


@pytest.fixture(scope="module")
def tokenize():  # type: ignore[no-untyped-def]
    return make_tokenizer("C", synonyms=True)


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record_from_dict(Passage, row) for row in rows]


@pytest.mark.parametrize(
    ("a", "b"),
    [("２号機能", "2号機能"), ("ＡＣＰ", "acp"), ("かかりつけ医", "かかりつけ医"), ("１２３", "123")],
)
def test_folding_gives_identical_tokens(tokenize, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    assert tokenize(a) == tokenize(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ケアマネさんに相談したい", "介護支援専門員"),
        ("バックベッドはありますか", "後方支援病床の確保"),
        ("急変時の入院受入れ", "後方支援病床"),
        ("人生会議", "ACPの実施"),
        ("夜間も診てほしい", "休日の診療"),
        ("深夜", "時間外"),
        ("往診してくれる", "訪問診療"),
        ("在宅看取り", "看取り"),
        ("主治医", "かかりつけ"),
        ("クリニック", "診療所"),
        ("参加すると何か良いことがある？", "制度のメリット"),
        ("報告の対象外", "特定機能病院を除く"),
        ("罰則はあるの", "過料に処される"),
        ("提出の締め切り", "報告期間"),
    ],
)
def test_synonyms_meet(tokenize, a: str, b: str) -> None:  # type: ignore[no-untyped-def]
    assert set(tokenize(a)) & set(tokenize(b))


@pytest.mark.parametrize(
    ("a", "b"), [("ケアマネさんに相談したい", "介護支援専門員"), ("バックベッド", "後方支援病床")]
)
def test_synonyms_can_be_switched_off(a: str, b: str) -> None:
    plain = make_tokenizer("C", synonyms=False)
    assert not set(plain(a)) & set(plain(b))


@pytest.mark.parametrize(
    ("text", "dropped"), [("協議の場は、どこで開くのか。", {"の", "は", "、", "。", "か"}), ("（ＡＣＰ）を", {"(", ")", "を"})]
)
def test_particles_and_punctuation_dropped(tokenize, text: str, dropped: set[str]) -> None:  # type: ignore[no-untyped-def]
    tokens = tokenize(text)
    assert tokens and not dropped & set(tokens)


def test_unknown_mode_is_a_japanese_error() -> None:
    with pytest.raises(TokenizerError, match="分割モード"):
        make_tokenizer("D")


def test_bm25_never_scores_japanese_zero(tokenize, passages: list[Passage]) -> None:  # type: ignore[no-untyped-def]
    index = BM25Index.build([tokenize(p.search_text) for p in passages])
    for i, p in enumerate(passages):
        scores = index.scores(tokenize(p.title))
        assert scores[i] > 0, p.title  # whitespace tokenisation would leave whole sentences as single tokens
        assert int(np.argmax(scores)) == i


def test_bm25_round_trip_without_pickle(tmp_path: Path, tokenize, passages: list[Passage]) -> None:  # type: ignore[no-untyped-def]
    index = BM25Index.build([tokenize(p.search_text) for p in passages])
    index.save(tmp_path)
    names = {f.suffix for f in tmp_path.iterdir()}
    assert names <= {".json", ".npy"}
    loaded = BM25Index.load(tmp_path)
    query = tokenize("後方支援病床")
    assert np.allclose(loaded.scores(query), index.scores(query))
    assert not loaded.scores(["未知語だけ"]).any()


@pytest.mark.parametrize(
    ("rankings", "expected"),
    [
        ({"bm25": ["a", "b"], "dense": ["b", "c"]}, [("b", 1 / 62 + 1 / 61), ("a", 1 / 61), ("c", 1 / 62)]),
        ({"bm25": ["a"], "dense": []}, [("a", 1 / 61)]),
        ({"bm25": [], "dense": []}, []),
    ],
)
def test_rrf(rankings: dict[str, list[str]], expected: list[tuple[str, float]]) -> None:
    got = fusion.rrf(rankings, k=60)
    assert [d for d, _ in got] == [d for d, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected])


def test_score_fusion_normalises_each_variant() -> None:
    got = dict(fusion.score_fusion({"bm25": {"a": 10.0, "b": 5.0, "c": 0.0}, "dense": {"c": 0.9, "b": 0.8, "a": 0.4}}))
    assert got == pytest.approx({"a": 1.0, "b": 0.5 + 0.8, "c": 1.0})
    assert fusion.minmax({"x": 3.0, "y": 3.0}) == {"x": 1.0, "y": 1.0}


def test_text_index_builds_once_and_searches(tmp_path: Path, passages: list[Passage], caplog) -> None:  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.INFO, logger="retrieval"):
        index = TextIndex.open(passages, BM25_ONLY, tmp_path)
    assert BUILD_MESSAGE in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="retrieval"):
        again = TextIndex.open(passages, BM25_ONLY, tmp_path)
    assert BUILD_MESSAGE not in caplog.text and again.folder == index.folder
    hits = again.search("ケアマネさんとの相談", 3)
    assert hits[0].passage.id == "guideline:T3" and hits[0].ranks == {"bm25": 1}
    only_qa = again.search("報告はいつ", 5, sources=["qa"])
    assert only_qa and {h.passage.source for h in only_qa} == {"qa"}
    assert again.search("   ") == []


def test_index_folder_follows_settings_and_corpus(tmp_path: Path, passages: list[Passage]) -> None:
    base = TextIndex.folder_for(passages, BM25_ONLY, tmp_path, None)
    assert TextIndex.folder_for(passages, RetrievalSettings(embedder="none", sudachi_mode="A"), tmp_path, None) != base
    assert TextIndex.folder_for(passages[:-1], BM25_ONLY, tmp_path, None) != base
    assert TextIndex.folder_for(passages, RetrievalSettings(embedder="none", fusion="score"), tmp_path, None) == base


def test_index_folder_follows_synonym_table(tmp_path: Path, passages: list[Passage], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An edited synonym table changes the BM25 tokens, so a stale index must not be reused."""
    base = TextIndex.folder_for(passages, BM25_ONLY, tmp_path, None)
    monkeypatch.setattr(synonyms, "SYNONYM_GROUPS", (*synonyms.SYNONYM_GROUPS, ("様式", "書式")))
    assert TextIndex.folder_for(passages, BM25_ONLY, tmp_path, None) != base


class KeywordEmbedder:
    """A deterministic stand-in embedder: one dimension per keyword (tests the dense plumbing, not a model)."""

    name = "keywords"
    WORDS = ("協議", "報告", "在宅", "病床", "介護", "夜間", "様式", "健診")

    def fingerprint(self) -> str:
        return "keywords:1"

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        vectors = np.array([[t.count(w) + 0.01 for w in self.WORDS] for t in texts], dtype=np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


@pytest.mark.parametrize("method", ["rrf", "score", "dense", "bm25"])
def test_hybrid_search_reports_ranks_per_variant(tmp_path: Path, passages: list[Passage], method: str) -> None:
    settings = RetrievalSettings(embedder="keywords", fusion=method)
    index = TextIndex.open(passages, settings, tmp_path, embedder=KeywordEmbedder())
    (top, *_) = index.search("夜間の診療はどうなっている", 3)
    assert top.passage.id == "case:T1"
    expected = {"rrf": {"bm25", "dense"}, "score": {"bm25", "dense"}, "dense": {"dense"}, "bm25": {"bm25"}}[method]
    if method != "bm25":
        expected.add("sentence")  # the re-ranker's closest-sentence ranking (on by default)
    assert set(top.ranks) == expected
    assert index.search("報告", 2, sources=["guideline"])[0].passage.source == "guideline"


def test_langchain_retriever_documents_carry_source(tmp_path: Path, passages: list[Passage]) -> None:
    retriever = PassageRetriever(index=TextIndex.open(passages, BM25_ONLY, tmp_path), k=2)
    docs = retriever.invoke("後方支援病床を確保しているか")
    assert docs[0].metadata["id"] == "guideline:T2"
    assert {"source", "ref", "doc", "page"} <= set(docs[0].metadata)
    assert docs[0].page_content.startswith("急変時")

"""Sentence units and the re-ranker: pure scoring, closest units per passage, and the index that keeps them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.passage import Passage
from corpus.settings import RetrievalSettings
from corpus.store import load_passages, record_from_dict
from retrieval.embedding_cache import SHIPPED_CACHE_DIR, EmbeddingCache, cache_path
from retrieval.text_search import UNITS, TextIndex
from retrieval.units import QUESTION, SENTENCE, Best, RerankWeights, UnitScores, question_bank, rerank, units_of
from tests.test_retrieval_text import FIXTURE, KeywordEmbedder


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [record_from_dict(Passage, row) for row in rows]


def test_units_split_sentences_with_heading_context(passages: list[Passage]) -> None:
    units = units_of(passages, bank={})
    assert units and {u.kind for u in units} <= {SENTENCE, QUESTION}
    first = next(u for u in units if u.kind == SENTENCE)
    owner = next(p for p in passages if p.id == first.passage_id)
    assert first.text in owner.text and first.search_text.endswith(first.text) and first.search_text != first.text
    assert len({u.id for u in units}) == len(units)


def test_bank_questions_go_to_the_first_passage_of_a_ref(passages: list[Passage]) -> None:
    target = passages[0]
    bank = {f"{target.source}|{target.ref}": ("これは何のための決まりですか",)}
    questions = [u for u in units_of(passages, bank=bank) if u.kind == QUESTION and u.text.startswith("これは")]
    assert [u.passage_id for u in questions] == [target.id]


def test_every_shipped_bank_entry_names_a_passage() -> None:
    keys = {f"{p.source}|{p.ref}" for p in load_passages()}
    assert set(question_bank()) <= keys, sorted(set(question_bank()) - keys)


def test_rerank_lifts_the_passage_whose_sentence_matches() -> None:
    fused = [("a", 1.0), ("b", 0.9), ("c", 0.5)]
    sentence = {"a": Best(0.80, 0), "b": Best(0.90, 1), "c": Best(0.70, 2)}
    order = [pid for pid, _ in rerank(fused, sentence, {})]
    assert order == ["b", "a", "c"]  # 0.1 of similarity outweighs 0.1 of fused score


def test_rerank_adds_passages_found_only_by_sentence_and_penalises_no_question() -> None:
    fused = [("a", 1.0)]
    sentence = {"a": Best(0.80, 0), "z": Best(0.95, 1)}
    question = {"z": Best(0.90, 2)}
    order = [pid for pid, _ in rerank(fused, sentence, question)]
    assert order == ["z", "a"]
    assert [pid for pid, _ in rerank(fused, sentence, question, RerankWeights(extra=0))] == ["a"]
    assert rerank([], {}, {}) == []


def test_unit_scores_keep_each_passages_closest_sentence_and_question() -> None:
    passage = Passage("qa:Q1", "qa", "Q1", "問い", "Q&A集", 63, "問い\n答えの一文目です。答えの二文目です。", "問い")
    units = units_of([passage], bank={"qa|Q1": ("別の聞き方です",)})
    vectors = np.eye(len(units), dtype=np.float32)
    scores = UnitScores(units, vectors)
    target = next(i for i, u in enumerate(units) if u.kind == SENTENCE and "二文目" in u.text)
    sentence, question = scores.best(vectors[target])
    assert sentence["qa:Q1"] == Best(1.0, target)
    assert question["qa:Q1"].similarity == 0.0


def test_index_keeps_units_and_returns_the_closest_sentence(tmp_path: Path, passages: list[Passage]) -> None:
    settings = RetrievalSettings(embedder="keywords")
    index = TextIndex.build(passages, settings, tmp_path, embedder=KeywordEmbedder(), cache_dir=None)
    assert (index.folder / UNITS).is_file() and index.manifest["units"] == len(units_of(passages))
    top = index.search("夜間の診療はどうなっている", 3)[0]
    assert top.sentence and top.sentence in top.passage.text and "sentence" in top.ranks
    assert index.closest_sentences("夜間の診療はどうなっている", [top.passage.id]) == [top.sentence]
    two = index.closest_sentences("夜間の診療はどうなっている", [top.passage.id], 2)
    assert top.sentence in two and all(t in top.passage.text for t in two)
    assert index.closest_sentences("夜間", ["no-such-passage"]) == []
    only = index.search("夜間の診療", 5, sources=["guideline"])
    assert only and {h.passage.source for h in only} == {"guideline"}
    loaded = TextIndex.load(passages, settings, tmp_path, embedder=KeywordEmbedder())
    assert [h.passage.id for h in loaded.search("夜間の診療", 3)] == [h.passage.id for h in index.search("夜間の診療", 3)]


def test_missing_unit_vectors_make_open_rebuild(tmp_path: Path, passages: list[Passage]) -> None:
    settings = RetrievalSettings(embedder="keywords")
    index = TextIndex.build(passages, settings, tmp_path, embedder=KeywordEmbedder(), cache_dir=None)
    (index.folder / UNITS).unlink()
    reopened = TextIndex.open(passages, settings, tmp_path, embedder=KeywordEmbedder(), cache_dir=None)
    assert (reopened.folder / UNITS).is_file()


def test_rerank_off_leaves_the_fused_order(tmp_path: Path, passages: list[Passage]) -> None:
    settings = RetrievalSettings(embedder="keywords", rerank=False)
    index = TextIndex.build(passages, settings, tmp_path, embedder=KeywordEmbedder(), cache_dir=None)
    hit = index.search("夜間の診療", 3)[0]
    assert not (index.folder / UNITS).exists() and hit.sentence == "" and "sentence" not in hit.ranks


@pytest.mark.parametrize("name", ["e5-small", "use-m3"])
def test_shipped_unit_cache_covers_every_unit(name: str) -> None:
    cache = EmbeddingCache.load(cache_path(name, SHIPPED_CACHE_DIR, "units"))
    assert cache is not None, f"units-{name}.npz がありません（kakari index build --embedder {name} --write-cache）"
    units = units_of(load_passages())
    missing = [u.id for u in units if cache.lookup(u.id, u.search_text, cache.fingerprint) is None]
    assert not missing, f"{len(missing)} 件が古い（kakari index build --embedder {name} --write-cache）"


def test_diagram_cells_are_not_sentence_units() -> None:
    case = next(p for p in load_passages() if p.id == "case:11")
    texts = [u.text for u in units_of([case], bank={})]
    assert not any("杉浦 杉浦" in t for t in texts)  # the on-call calendar, cells run together
    assert texts[0].startswith("取組の中心：")  # the case's header line stays searchable

"""The semantic layer's data: the exemplar bank is well formed, its labels name real intents, filters and
unanswerable kinds, and the vectors shipped beside it were made from this very bank (so no install embeds it)."""

from __future__ import annotations

from assistant.honesty import UNANSWERABLE
from assistant.semantic import BANK_FILE, SHIPPED_VECTORS, bank_key, load_bank
from assistant.understanding import Intent
from retrieval.embedders import E5SmallEmbedder
from retrieval.registry import BY_NAME

FAMILIES = {"intent", "emergency", "calm", "medication", "diagnosis", "personal_data", "filter", "unanswerable",
            "context"}


def test_every_label_names_something_the_assistant_knows():
    labels, texts = load_bank(BANK_FILE)
    assert len(texts) >= 500 and all(t.strip() for t in texts)
    for label in set(labels):
        family, _, value = label.partition(":")
        assert family in FAMILIES, label
        if family == "intent":
            assert value in {i.value for i in Intent}, label
        elif family == "filter":
            name, _, val = value.partition("=")
            assert name in BY_NAME, label
            assert not val or val in BY_NAME[name].values, label
        elif family == "unanswerable":
            assert value in {a for a, _, _ in UNANSWERABLE}, label


def test_shipped_vectors_match_the_bank():
    _labels, texts = load_bank(BANK_FILE)
    embedder = E5SmallEmbedder()
    name = f"exemplars-{embedder.name}-{bank_key(texts, embedder.fingerprint())}.npy"
    assert (SHIPPED_VECTORS / name).exists(), "run scripts/embed_exemplars.py after editing exemplars.toml"

"""Embed assistant/data/exemplars.toml with the shipped e5 model and save the vectors beside it (run after editing
the bank; tests/test_assistant_semantic.py checks the shipped file matches the bank).

    .venv/bin/python scripts/embed_exemplars.py
"""

from __future__ import annotations

from assistant.semantic import BANK_FILE, SHIPPED_VECTORS, ExemplarBank
from retrieval.embedders import E5SmallEmbedder


def main() -> None:
    for old in SHIPPED_VECTORS.glob("exemplars-*.npy"):
        old.unlink()
    bank = ExemplarBank.open(E5SmallEmbedder(), [SHIPPED_VECTORS], BANK_FILE)
    print(f"{len(bank.labels)} exemplars embedded into {SHIPPED_VECTORS}")


if __name__ == "__main__":
    main()

"""Controlled vocabularies from the 院内掲示様式 (別添3): the 17 診療領域 and the 一次診療 diseases."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

VOCAB_FILE = "vocab.json"


@dataclass(frozen=True)
class Vocab:
    """The two lists facility data and the query parser must draw their values from."""

    domains: tuple[str, ...]  # 17 診療領域, in the form's order
    diseases: tuple[str, ...]  # 一次診療を行うことができる疾患, in the form's order
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, the shape of ``corpus/data/vocab.json``."""
        return {"domains": list(self.domains), "diseases": list(self.diseases), "source": self.source}


def vocab_from_dict(data: dict[str, Any]) -> Vocab:
    """Rebuild a :class:`Vocab` from its JSON form."""
    return Vocab(tuple(data["domains"]), tuple(data["diseases"]), dict(data.get("source", {})))


@lru_cache(maxsize=1)
def load_vocab() -> Vocab:
    """Read the shipped ``corpus/data/vocab.json``."""
    text = resources.files("corpus").joinpath("data", VOCAB_FILE).read_text(encoding="utf-8")
    return vocab_from_dict(json.loads(text))

"""LangChain adapter: a ``BaseRetriever`` over :class:`TextIndex` returning ``Document``s that carry their source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.text_search import TextHit, TextIndex


def hit_to_document(hit: TextHit) -> Document:
    """A LangChain Document whose metadata says where the text came from (id, source, ref, doc, page)."""
    p = hit.passage
    metadata: dict[str, Any] = {
        "id": p.id, "source": p.source, "ref": p.ref, "title": p.title, "doc": p.doc, "page": p.page,
        "path": list(p.path), "score": hit.score, "ranks": dict(hit.ranks),
    }
    return Document(page_content=p.text, metadata=metadata, id=p.id)


class PassageRetriever(BaseRetriever):
    """Retrieve passages from a :class:`TextIndex` (optionally limited to some sources)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: TextIndex
    k: int = 5
    sources: Sequence[str] | None = None

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [hit_to_document(h) for h in self.index.search(query, self.k, self.sources)]

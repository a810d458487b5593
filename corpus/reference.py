"""Background reference documents (seeds 000, 001, 002, 004): searchable, labelled as not the guideline."""

from __future__ import annotations

from dataclasses import dataclass

from corpus.passage import Passage
from corpus.text import repair, search_form, squeeze

REFERENCE_CHUNK_CHARS = 700


@dataclass(frozen=True)
class ReferenceSpec:
    """Bibliographic facts of one background seed (from the seeds README and the documents' own covers)."""

    number: str  # "000"
    file: str
    title: str
    date: str
    publisher: str


REFERENCE_SPECS: tuple[ReferenceSpec, ...] = (
    ReferenceSpec(
        "000",
        "000_be28e05f7fb9a2d7.txt",
        "医療連携体制・かかりつけ医、医師確保との関係について",
        "平成17年（2005年）〜平成19年頃",
        "社会保障審議会医療部会 資料",
    ),
    ReferenceSpec(
        "001",
        "001_7d0360dc8fa82092.txt",
        "国民・患者が「かかりつけ医」を持てるようにするために（提言）",
        "令和3年（2021年）10月以降",
        "健康保険組合連合会（健保連）",
    ),
    ReferenceSpec(
        "002",
        "002_ba979975e8c824a3.txt",
        "医業経営レポート「かかりつけ医の新たな役割」",
        "2025年10月",
        "税理士法人 向田会計（医業情報REPORT）",
    ),
    ReferenceSpec(
        "004",
        "004_792b03e14efc7e62.txt",
        "在宅医療の見える化と都道府県・市町村の体制整備について",
        "平成31年（2019年）以降",
        "厚生労働省 説明資料",
    ),
)


@dataclass(frozen=True)
class ReferenceDocument:
    """A background document split into parts; ranked and labelled as background, not guideline."""

    number: str
    title: str
    date: str
    publisher: str
    parts: tuple[str, ...]

    def to_passages(self) -> list[Passage]:
        """One passage per part, ids ``ref:000:0001``."""
        doc = f"参考資料（背景）：{self.title}（{self.publisher}、{self.date}）"
        return [
            Passage(
                id=f"ref:{self.number}:{index:04d}",
                source="reference",
                ref=f"参考{self.number}",
                title=self.title,
                doc=doc,
                page=None,
                text=part,
                search_text=search_form(self.title, part),
                path=(self.title,),
                meta={"publisher": self.publisher, "date": self.date, "background": True},
            )
            for index, part in enumerate(self.parts, start=1)
        ]


def parse_reference(spec: ReferenceSpec, raw: str) -> ReferenceDocument:
    """Repair a background document's text and cut it into parts of about REFERENCE_CHUNK_CHARS."""
    text = repair(squeeze(line) for line in raw.split("\n"))
    parts: list[str] = []
    for line in text.split("\n"):
        if parts and len(parts[-1]) + len(line) < REFERENCE_CHUNK_CHARS:
            parts[-1] += "\n" + line
        else:
            parts.append(line)
    return ReferenceDocument(spec.number, spec.title, spec.date, spec.publisher, tuple(p for p in parts if p.strip()))

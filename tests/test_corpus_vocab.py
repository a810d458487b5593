"""The shipped controlled vocabularies: 17 診療領域 and the 一次診療 disease list (別添3)."""

from __future__ import annotations

import pytest

from corpus.build import GUIDELINE_SEED, build_vocab
from corpus.forms import parse_domain_note
from corpus.vocab import load_vocab
from tests.conftest import SEEDS, require_shared


def test_seventeen_domains_in_form_order() -> None:
    vocab = load_vocab()
    assert len(vocab.domains) == 17
    assert len(set(vocab.domains)) == 17
    assert vocab.domains[0] == "皮膚・形成外科領域"
    assert vocab.domains[-1] == "小児領域"
    assert all(d.endswith("領域") for d in vocab.domains)


@pytest.mark.parametrize(
    "disease",
    [
        "貧血",
        "うつ（気分障害、躁うつ病）",
        "近視・遠視・老眼（屈折及び調節の異常）",  # split over two lines in the seed
        "慢性肝炎（肝硬変、ウイルス性肝炎）",  # split over two lines in the seed
        "関節症（関節リウマチ、脱臼）",
        "喘息・COPD",
        "正常妊娠・産じょくの管理",
        "がん",
    ],
)
def test_tricky_diseases_are_whole(disease: str) -> None:
    assert disease in load_vocab().diseases


def test_disease_list_complete_and_clean() -> None:
    diseases = load_vocab().diseases
    assert len(diseases) == 40
    assert len(set(diseases)) == 40
    assert diseases[0] == "貧血" and diseases[-1] == "がん"
    assert "該当無し" not in diseases
    assert not any(d.startswith("その他") for d in diseases)
    assert not any(" " in d or "\n" in d for d in diseases)


def test_shipped_vocab_equals_regenerated() -> None:
    seed = require_shared(SEEDS / GUIDELINE_SEED)
    text = seed.read_text(encoding="utf-8")
    assert build_vocab(text) == load_vocab()


def test_domains_match_guideline_note() -> None:
    """The guideline's footnote (※２) lists the same 17 domains as the form."""
    seed = require_shared(SEEDS / GUIDELINE_SEED)
    lines = seed.read_text(encoding="utf-8").split("\n")
    assert parse_domain_note(lines) == load_vocab().domains

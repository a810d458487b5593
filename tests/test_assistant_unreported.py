"""Facilities without a 機能報告 (imported base data) are reported as unknown, never as absent or present."""

from __future__ import annotations

import dataclasses

from assistant.service import Assistant
from corpus.settings import Settings
from tests.data.assistant_facilities import BASE

UNREPORTED = tuple(
    dataclasses.replace(BASE, id=f"T-R{i}", name=f"架空取込医院{i}（サンプル）", function1=None, off_hours=None,
                        admission_support=None, home_care=None, care_collaboration=None, other=None)
    for i in range(3)
)


def _assistant(settings: Settings) -> Assistant:
    return Assistant(dataclasses.replace(settings, retrieval=dataclasses.replace(settings.retrieval, embedder="none")),
                     facilities=UNREPORTED)


def test_function_question_on_unreported_data_says_unknown(settings: Settings) -> None:
    answer = _assistant(settings).ask("高知市で24時間往診してくれる診療所は？").to_dict()
    assert answer["facilities"] == []
    assert "3件は、かかりつけ医機能の報告内容がデータにない" in answer["answer"]
    assert "判定できません" in answer["answer"]


def test_place_only_question_lists_unreported_facilities_without_the_note(settings: Settings) -> None:
    answer = _assistant(settings).ask("高知市の診療所を教えて").to_dict()
    assert len(answer["facilities"]) == 3
    assert "判定できません" not in answer["answer"]

"""The optional LLM path: a scripted fake chat model proves the verifier keeps answers grounded."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.llm import Rephraser, make_rephraser, verify
from assistant.service import Assistant
from corpus.settings import AssistantSettings, Settings
from tests.data.assistant_facilities import RECORDS

QUESTION = "高知市で24時間往診してくれる診療所"


def _assistant(tmp_path: Path, responses: list[str]) -> Assistant:
    settings = dataclasses.replace(Settings(), data_dir=tmp_path / "kakari-data")
    return Assistant(settings, facilities=RECORDS, rephraser=Rephraser(FakeListChatModel(responses=responses)))


def _deterministic(tmp_path: Path) -> str:
    settings = dataclasses.replace(Settings(), data_dir=tmp_path / "plain")
    return Assistant(settings, facilities=RECORDS).ask(QUESTION).answer


GOOD = ("高知市で、24時間の在宅医療に対応する診療所は2件です。近い順に、架空あおぞら診療所（サンプル）と"
        "架空みどり内科（サンプル）です。報告基準日は2026-01-01です。")


def test_a_grounded_rephrasing_is_used(tmp_path: Path) -> None:
    answer = _assistant(tmp_path, [GOOD]).ask(QUESTION)
    assert answer.answer == GOOD
    assert [f.id for f in answer.facilities] == ["T-K1", "T-K2"]  # the list itself never comes from the model


@pytest.mark.parametrize(
    ("output", "reason"),
    [
        (GOOD.replace("架空みどり内科（サンプル）", "架空中央病院（サンプル）"), "a facility in the data but not in the answer"),
        (GOOD + "ほかに架空桜台在宅クリニックもおすすめです。", "an invented facility"),
        (GOOD + "また、架空さくら診療所（サンプル）も近くにあります。", "an invented sample facility"),
        (GOOD.replace("2件", "5件"), "a number not in the evidence"),
        (GOOD + "詳しくはQ7をご覧ください。", "a Q id not in the evidence"),
        (GOOD + "電話は088-123-4567です。", "an invented phone number"),
    ],
)
def test_ungrounded_output_falls_back_to_the_deterministic_answer(tmp_path: Path, output: str, reason: str) -> None:
    answer = _assistant(tmp_path, [output]).ask(QUESTION)
    assert answer.answer == _deterministic(tmp_path), reason


def test_model_errors_fall_back(tmp_path: Path) -> None:
    class Broken(FakeListChatModel):
        def invoke(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
            raise TimeoutError("endpoint down")

    settings = dataclasses.replace(Settings(), data_dir=tmp_path / "kakari-data")
    assistant = Assistant(settings, facilities=RECORDS, rephraser=Rephraser(Broken(responses=["x"])))
    assert assistant.ask(QUESTION).answer == _deterministic(tmp_path)


def test_emergencies_never_go_through_the_model(tmp_path: Path) -> None:
    answer = _assistant(tmp_path, ["落ち着いて様子を見ましょう。"]).ask("胸が痛くて息が苦しい")
    assert answer.intent == "emergency" and answer.answer.splitlines()[0].count("119") == 1


@pytest.mark.parametrize(
    ("output", "problems"),
    [
        ("Q11によると市町村単位です（P.65）。", 0),
        ("Q12によると市町村単位です（P.65）。", 1),
        ("Q11によると市町村単位です（P.99）。", 1),
        ("近くの病院やかかりつけの診療所に相談できます。Q11（P.65）", 0),
    ],
)
def test_verify_table(output: str, problems: int) -> None:
    evidence = "Q11 協議の場の圏域 P.65 市町村単位等で協議"
    assert len(verify(output, evidence)) == problems


def test_llm_mode_is_off_by_default() -> None:
    assert make_rephraser(AssistantSettings()) is None
    assert make_rephraser(AssistantSettings(llm_enabled=True)) is None  # no endpoint configured


def test_llm_mode_builds_a_chat_openai_client_without_calling_it() -> None:
    rephraser = make_rephraser(AssistantSettings(llm_enabled=True, llm_base_url="http://127.0.0.1:9/v1",
                                                 llm_model="local-model"))
    assert rephraser is not None and type(rephraser.model).__name__ == "ChatOpenAI"

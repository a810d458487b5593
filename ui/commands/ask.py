"""`kakari ask "質問" [--location 高知市] [--session ID] [--json]`: one turn of the assistant on the terminal."""

from __future__ import annotations

import json

import typer

from assistant.answer import Answer
from assistant.errors import InputError
from assistant.service import Assistant
from assistant.texts import shown_title
from corpus.settings import Settings


def render(answer: Answer) -> str:
    """Plain-text form of an answer for the terminal."""
    lines = [answer.answer]
    if answer.citations:
        lines += ["", "出典："]
        for c in answer.citations:
            title = shown_title(c.id, c.title)
            lines.append(f"- {c.id}「{title}」 P.{c.page or '不明'}" if title else f"- {c.id} P.{c.page or '不明'}")
    if answer.notice:
        lines += ["", f"※ {answer.notice}"]
    lines += ["", f"（セッションID: {answer.session_id}  続けて質問するときは --session {answer.session_id}）"]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""

    @app.command("ask")
    def ask(
        ctx: typer.Context,
        question: str = typer.Argument(..., help="質問（日本語、1000文字まで）"),
        location: str | None = typer.Option(None, "--location", "-l", help="場所（市区町村名・郵便番号・緯度,経度）"),
        session: str | None = typer.Option(None, "--session", "-s", help="会話を続けるセッションID"),
        as_json: bool = typer.Option(False, "--json", help="回答をJSONで出力する"),
    ) -> None:
        """質問に答えます（医療機関探し・制度の質問）。"""
        settings: Settings = ctx.obj if isinstance(ctx.obj, Settings) else Settings()
        try:
            answer = Assistant(settings).ask(question, session_id=session, location=location)
        except InputError as exc:
            typer.echo(f"エラー: {exc}", err=True)
            raise typer.Exit(2) from exc
        if as_json:
            typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        else:
            typer.echo(render(answer))

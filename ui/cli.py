"""The ``kakari`` command: loads settings once and hands each subcommand its section."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import typer

from corpus.settings import SettingsError, load_settings
from ui.commands import ask, corpus, evaluate, facilities, index, regions, serve

app = typer.Typer(
    help="kakari — かかりつけ医機能報告制度の対話型アシスタント",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_progress() -> None:
    """Show the layers' progress messages (「検索インデックスを構築しています…」) on stderr."""
    for name in ("corpus", "retrieval", "assistant"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter("%(message)s"))
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Path | None = typer.Option(None, "--config", help="設定ファイル (TOML)"),
) -> None:
    """Load the settings once for every subcommand."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    _show_progress()
    try:
        ctx.obj = load_settings(config, os.environ)
    except SettingsError as exc:
        typer.echo(f"エラー: {exc}", err=True)
        raise typer.Exit(2) from exc


app.add_typer(corpus.app, name="corpus", help="文書コーパスの構築と統計")
app.add_typer(index.app, name="index", help="検索インデックスの構築")
app.add_typer(facilities.app, name="facilities", help="医療機関データの取込・出力・統計")
app.add_typer(regions.app, name="regions", help="地域ごとの機能の集計（協議の場・課題管理シート向け）")
ask.register(app)
serve.register(app)
evaluate.register(app)


def main() -> None:
    """Console entry point."""
    app()


if __name__ == "__main__":
    main()

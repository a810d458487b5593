"""`kakari serve`: one local process serving the API (/api, /docs) and the chat UI (/ui)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from corpus.settings import Settings


def run_server(settings: Settings, host: str | None = None, port: int | None = None, ui: bool = True) -> None:
    """Build the app and run uvicorn until interrupted."""
    import uvicorn

    from ui.api import create_app

    server = dataclasses.replace(settings.server, host=host or settings.server.host, port=port or settings.server.port)
    settings = dataclasses.replace(settings, server=server)
    app = create_app(settings, ui=ui)
    typer.echo(f"kakari: http://{server.host}:{server.port}/ui/ （API: /api, 説明: /docs）", err=True)
    uvicorn.run(app, host=server.host, port=server.port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option("--host", help="待ち受けるアドレス（既定: settings.server.host）")] = None,
        port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="ポート番号")] = None,
        no_ui: Annotated[bool, typer.Option("--no-ui", help="API だけを起動する（画面なし）")] = False,
    ) -> None:
        """API とチャット画面を起動する（ブラウザで /ui/ を開く）。"""
        run_server(ctx.obj, host, port, ui=not no_ui)

"""`kakari serve`: the API (/api, /docs) and the chat UI (/ui), in one process or ``--workers N``."""

from __future__ import annotations

import dataclasses
import os
from typing import Annotated, Any

import typer

from corpus.settings import SETTINGS_ENV, Settings, settings_from_json, settings_to_json


def run_server(settings: Settings, host: str | None = None, port: int | None = None, ui: bool = True,
               workers: int = 1) -> None:
    """Build the app and run uvicorn until interrupted; with ``workers`` > 1, that many processes share the port
    (each loads its own indexes; conversations are shared through the session store: docs/security.md)."""
    import uvicorn

    from ui.api import create_app

    server = dataclasses.replace(settings.server, host=host or settings.server.host, port=port or settings.server.port)
    settings = dataclasses.replace(settings, server=server)
    typer.echo(f"kakari: http://{server.host}:{server.port}/ui/ （API: /api, 説明: /docs）", err=True)
    if workers > 1:
        if settings.assistant.session_store == "files":
            typer.echo("注意: 複数ワーカーでは session_store = sqlite か redis をお勧めします。", err=True)
        os.environ[SETTINGS_ENV] = settings_to_json(settings)
        os.environ[UI_ENV] = "1" if ui else "0"
        uvicorn.run("ui.commands.serve:worker_app", factory=True, host=server.host, port=server.port,
                    workers=workers, log_level="warning")
        return
    app = create_app(settings, ui=ui)
    uvicorn.run(app, host=server.host, port=server.port, log_level="warning")


UI_ENV = "KAKARI_SERVE_UI"


def worker_app() -> Any:
    """The app of one worker process (``kakari serve --workers N``): the parent's settings, from the environment."""
    from ui.api import create_app

    return create_app(settings_from_json(os.environ[SETTINGS_ENV]), ui=os.environ.get(UI_ENV, "1") == "1")


def register(app: typer.Typer) -> None:
    """Attach the command to the root app."""

    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option("--host", help="待ち受けるアドレス（既定: settings.server.host）")] = None,
        port: Annotated[int | None, typer.Option("--port", min=1, max=65535, help="ポート番号")] = None,
        no_ui: Annotated[bool, typer.Option("--no-ui", help="API だけを起動する（画面なし）")] = False,
        workers: Annotated[int, typer.Option("--workers", min=1, max=32, help="ワーカープロセス数（既定 1）")] = 1,
    ) -> None:
        """API とチャット画面を起動する（ブラウザで /ui/ を開く）。"""
        run_server(ctx.obj, host, port, ui=not no_ui, workers=workers)

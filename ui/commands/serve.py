"""`kakari serve`: the API (/api, /docs) and the chat UI (/ui), in one process or ``--workers N``."""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from typing import Annotated, Any

import typer

from corpus.settings import SETTINGS_ENV, Settings, settings_from_json, settings_to_json

READY_TIMEOUT_S = 1800.0


def run_server(settings: Settings, host: str | None = None, port: int | None = None, ui: bool = True,
               workers: int = 1) -> None:
    """Build the app and run uvicorn until interrupted; with ``workers`` > 1, that many processes share the port
    (each loads its own indexes; conversations are shared through the session store: docs/security.md)."""
    import uvicorn

    from ui.api import create_app

    server = dataclasses.replace(settings.server, host=host or settings.server.host, port=port or settings.server.port)
    settings = dataclasses.replace(settings, server=server)
    typer.echo(f"kakari を起動しています（http://{server.host}:{server.port}/ui/）…", err=True)
    if workers > 1:
        if settings.assistant.session_store == "files":
            typer.echo("注意: 複数ワーカーでは session_store = sqlite か redis をお勧めします。", err=True)
        os.environ[SETTINGS_ENV] = settings_to_json(settings)
        os.environ[UI_ENV] = "1" if ui else "0"
        announce_when_ready(server.host, server.port)
        uvicorn.run("ui.commands.serve:worker_app", factory=True, host=server.host, port=server.port,
                    workers=workers, log_level="warning")
        return
    app = create_app(settings, ui=ui, tiles=settings.map)
    announce_when_ready(server.host, server.port, app.state.holder)
    uvicorn.run(app, host=server.host, port=server.port, log_level="warning")


def announce_when_ready(host: str, port: int, holder: Any = None) -> threading.Thread:
    """Print one line once the port answers and the assistant has loaded (the URL to open)."""
    target = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)
    shown = f"[{host}]" if ":" in host else host

    def wait() -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((target, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        while holder is not None and holder.status in ("idle", "loading") and time.monotonic() < deadline:
            time.sleep(0.2)
        state = "準備に失敗しました（/api/health を確認してください）" if holder and holder.status == "error" else "準備ができました"
        typer.echo(f"kakari の{state}: http://{shown}:{port}/ui/ （API: /api、説明: /docs）", err=True)

    thread = threading.Thread(target=wait, name="kakari-ready", daemon=True)
    thread.start()
    return thread


UI_ENV = "KAKARI_SERVE_UI"


def worker_app() -> Any:
    """The app of one worker process (``kakari serve --workers N``): the parent's settings, from the environment."""
    from ui.api import create_app

    settings = settings_from_json(os.environ[SETTINGS_ENV])
    return create_app(settings, ui=os.environ.get(UI_ENV, "1") == "1", tiles=settings.map)


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

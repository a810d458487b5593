"""Holds the one Assistant of a server process: built in a background thread, then used by requests in parallel."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from corpus.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class AssistantUnavailable(RuntimeError):
    """The assistant is still loading or failed to load (the API answers 503 with this Japanese message)."""


class AssistantHolder:
    """Lazily builds ``Assistant(settings)`` once so the server can answer health checks at once."""

    def __init__(self, settings: Settings, assistant: Any = None, wait_s: float = 600.0) -> None:
        self.settings = settings
        self._assistant = assistant
        self._error: str = ""
        self._wait_s = wait_s
        self._ready = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if assistant is not None:
            self._ready.set()

    @property
    def status(self) -> str:
        """``ready``, ``loading``, ``idle`` (not started) or ``error``."""
        if self._ready.is_set():
            return "error" if self._error else "ready"
        return "loading" if self._thread is not None else "idle"

    @property
    def detail(self) -> str:
        """A Japanese sentence about the status, for the health endpoint and the UI."""
        return {
            "ready": "利用できます。",
            "loading": "検索の準備をしています（初回は索引の作成に時間がかかることがあります）。",
            "idle": "最初の質問のときに準備を始めます。",
            # the kind of failure only: an exception's text may hold file paths (the log has the whole of it)
            "error": f"準備に失敗しました（{self._error.split(':', 1)[0]}）。管理者はサーバーのログを確認してください。",
        }[self.status]

    def start(self) -> None:
        """Start building the assistant in a daemon thread (idempotent)."""
        with self._start_lock:
            if self._thread is not None or self._ready.is_set():
                return
            self._thread = threading.Thread(target=self._build, name="kakari-assistant", daemon=True)
            self._thread.start()

    def _build(self) -> None:
        try:
            # Imported here, not at module top, so `kakari serve` binds its port before the
            # retrieval stack (SudachiPy, bm25s, Chroma) is loaded.
            from assistant.service import Assistant

            assistant = Assistant(self.settings)
            assistant.warm_up()  # load the dataset and the text index before the first question
            self._assistant = assistant
        except Exception as exc:  # report any failure through /api/health instead of crashing the server
            log.exception("assistant failed to load")
            self._error = f"{type(exc).__name__}: {exc}"[:300]
        finally:
            self._ready.set()

    def get(self) -> Any:
        """The assistant, waiting for it to load; raises AssistantUnavailable on timeout or failure."""
        self.start()
        if not self._ready.wait(self._wait_s):
            raise AssistantUnavailable("検索の準備がまだ終わっていません。しばらくしてからもう一度お試しください。")
        if self._error:
            kind = self._error.split(":", 1)[0]  # never the exception's text: it may hold file paths
            raise AssistantUnavailable(f"アシスタントを準備できませんでした（{kind}）。管理者はサーバーのログを確認してください。")
        return self._assistant

    def call(self, fn: Callable[[Any], T]) -> T:
        """Run ``fn(assistant)``. No lock: the assistant reads immutable indexes and data, its small caches are
        locked where they change, and a conversation's state is saved by compare-and-swap (assistant/session.py),
        so requests run side by side."""
        return fn(self.get())

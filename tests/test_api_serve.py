"""`kakari serve` starts one process on localhost: health answers within seconds, the UI and docs are served."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def test_serve_answers_health_fast_and_serves_ui(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(tmp_path / "data"), "GRADIO_ANALYTICS_ENABLED": "False",
           "KAKARI_RETRIEVAL_EMBEDDER": "none"}
    cmd = [sys.executable, "-c", "from ui.cli import main; main()", "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        start, status = time.monotonic(), 0
        while time.monotonic() - start < 30 and proc.poll() is None:
            try:
                status, body = _get(base + "/api/health")
                break
            except OSError:
                time.sleep(0.1)
        elapsed = time.monotonic() - start
        assert status == 200, proc.stderr.read() if proc.poll() is not None and proc.stderr else "no answer"
        assert elapsed < 20, f"/api/health took {elapsed:.1f}s"
        assert '"status":"ok"' in body
        ui_status, ui_body = _get(base + "/")  # redirects to /ui/
        assert ui_status == 200 and "kakari" in ui_body
        assert _get(base + "/docs")[0] == 200
        code, err = _get(base + "/api/facilities/NOPE")
        assert code in (404, 503) and "Traceback" not in err
    finally:
        proc.terminate()
        proc.wait(timeout=10)

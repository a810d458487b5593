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

import pytest

from tests.data.redis_server import redis_server  # noqa: F401  (fixture)

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


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    import json

    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read().decode("utf-8"))  # type: ignore[no-any-return]


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_two_workers_share_one_conversation(tmp_path: Path, store: str, request: pytest.FixtureRequest) -> None:
    port = _free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(tmp_path / "data"), "KAKARI_RETRIEVAL_EMBEDDER": "none",
           "KAKARI_ASSISTANT_SESSION_STORE": store, "KAKARI_ASSISTANT_SESSION_SECRET": "two-workers"}
    if store == "redis":  # two server processes sharing Redis, as on two machines
        env["KAKARI_ASSISTANT_SESSION_REDIS_URL"] = request.getfixturevalue("redis_server")
    cmd = [sys.executable, "-c", "from ui.cli import main; main()", "serve", "--no-ui", "--workers", "2",
           "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if _get(base + "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        first = _post(base + "/api/chat", {"message": "高知市で24時間往診してくれる診療所"})
        session = first["session_id"]
        for _ in range(6):  # the kernel spreads connections over both workers; each turn must see the last one's
            turn = _post(base + "/api/chat", {"message": "その中でACPもしているのは？", "session_id": session})
            assert turn["session_id"] == session and turn["intent"] == "facility_search"
            assert {f["name"] for f in turn["filters"]} >= {"home_care_24h", "acp"}  # type: ignore[union-attr]
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)

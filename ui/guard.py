"""HTTP hardening shared by the API and the UI: a Host allow-list and security headers on every response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1")
HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    # Gradio needs its inline scripts and styles, so the policy restricts what does not break it: no framing
    # by other sites, no <base> hijack, no form posting anywhere but here.
    "Content-Security-Policy": "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
}
BAD_HOST = "このホスト名ではアクセスできません（server.allowed_hosts で許可してください）。"
TOO_BIG = "リクエストが大きすぎます（{limit}バイトまで）。"
NO_UPLOAD = "この画面ではファイルのアップロードを受け付けていません。"
CLOSED_SUFFIXES = ("/gradio_api/upload", "/upload")  # Gradio's upload routes: the chat page has no upload control


def host_name(header: str) -> str:
    """The host of a Host header, without the port (「[::1]:7860」 → 「::1」)."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def allowed_hosts(configured: Iterable[str], bound: str) -> frozenset[str]:
    """The configured names, plus the address the server is bound to (unless it binds every interface)."""
    names = {h.strip().lower() for h in configured if h.strip()}
    if bound and bound not in ("0.0.0.0", "::"):
        names.add(bound.lower())
    return frozenset(names)


def _declared_size(request: Request) -> int:
    try:
        return int(request.headers.get("content-length", "0") or 0)
    except ValueError:
        return 0


def install(app: FastAPI, hosts: frozenset[str], max_body: int) -> None:
    """Reject requests for a Host not in ``hosts`` (400, Japanese JSON; ``*`` allows any) and API requests whose
    declared body exceeds ``max_body`` bytes (413), and add ``HEADERS`` to every response."""

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        host = host_name(request.headers.get("host", ""))
        if "*" not in hosts and host not in hosts:
            response: Response = JSONResponse(status_code=400, content={"detail": BAD_HOST})
        elif request.url.path.startswith("/api/") and _declared_size(request) > max_body:
            response = JSONResponse(status_code=413, content={"detail": TOO_BIG.format(limit=max_body)})
        elif request.url.path.startswith("/ui/") and request.url.path.endswith(CLOSED_SUFFIXES):
            response = JSONResponse(status_code=403, content={"detail": NO_UPLOAD})
        else:
            response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

"""The FastAPI app: chat, facility search and detail, guideline/Q&A search, health; Japanese 4xx errors."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import InputError
from corpus.settings import Settings
from retrieval.filters import FilterError, filter_from_spec
from ui import guard
from ui.api_models import (
    MAX_QUERY,
    AnswerModel,
    ChatRequest,
    ErrorModel,
    FacilityModel,
    HealthModel,
    QAResponse,
    SearchRequest,
    location_argument,
    validation_message,
)
from ui.holder import AssistantHolder, AssistantUnavailable
from ui.map_settings import MapSettings
from ui.regions_export import XLSX_MEDIA_TYPE, export_name, sheet_csv, sheets_xlsx, summary_csv, table_dict

log = logging.getLogger(__name__)

UI_PATH = "/ui"
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorModel, "description": "入力が正しくありません"},
    422: {"model": ErrorModel, "description": "入力の形式が正しくありません"},
    503: {"model": ErrorModel, "description": "準備中です"},
}
_SOURCES = ("qa", "guideline", "case", "form", "reference")


HTTP_MESSAGES: dict[int, str] = {
    404: "そのページや API はありません。パスを確認してください（API の一覧は /docs）。",
    405: "この API はその方法（HTTP メソッド）では使えません。",
    413: "リクエストが大きすぎます。",
    415: "この形式のリクエストは受け付けていません（JSON で送ってください）。",
}


def _is_japanese(text: object) -> bool:
    return isinstance(text, str) and any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


class NotFound(Exception):
    """A resource does not exist; the message is Japanese."""


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": message, **extra})


def _install_error_handlers(app: FastAPI) -> None:
    """Every failure becomes JSON with a Japanese ``detail``; never a stack trace."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = HTTP_MESSAGES.get(exc.status_code) or (exc.detail if _is_japanese(exc.detail) else None)
        headers = dict(exc.headers) if exc.headers else None  # 405 keeps its Allow header
        return JSONResponse(status_code=exc.status_code, headers=headers,
                            content={"detail": message or f"リクエストを処理できません（HTTP {exc.status_code}）。"})

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        message, fields = validation_message(exc.errors())
        return _error(422, message, errors=fields)

    @app.exception_handler(InputError)
    async def _bad_input(_: Request, exc: InputError) -> JSONResponse:
        return _error(400, str(exc) or "入力が正しくありません。")

    @app.exception_handler(FilterError)
    async def _bad_filter(_: Request, exc: FilterError) -> JSONResponse:
        return _error(400, str(exc))

    @app.exception_handler(NotFound)
    async def _missing(_: Request, exc: NotFound) -> JSONResponse:
        return _error(404, str(exc))

    @app.exception_handler(AssistantUnavailable)
    async def _unavailable(_: Request, exc: AssistantUnavailable) -> JSONResponse:
        return _error(503, str(exc))

    @app.exception_handler(Exception)
    async def _crash(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _error(500, "内部エラーが発生しました。時間をおいてもう一度お試しください。")


def _add_routes(app: FastAPI, holder: AssistantHolder) -> None:
    """The /api endpoints (thin: validation here, everything else in the assistant)."""

    @app.get("/api/health", response_model=HealthModel, responses={503: {"model": HealthModel}}, tags=["system"],
             summary="稼働確認（索引の準備を待たない。準備に失敗していれば 503）")
    def health() -> Any:
        status = holder.status
        body = {"status": "error" if status == "error" else "ok", "assistant": status, "detail": holder.detail}
        return JSONResponse(status_code=503, content=body) if status == "error" else body

    @app.post("/api/chat", response_model=AnswerModel, responses=_ERRORS, tags=["chat"], summary="質問に回答する")
    def chat(body: ChatRequest) -> dict[str, Any]:
        loc = location_argument(body.location)
        answer = holder.call(lambda a: a.ask(body.message, session_id=body.session_id, location=loc))
        return dict(answer.to_dict())

    @app.post("/api/facilities/search", response_model=AnswerModel, responses=_ERRORS, tags=["facilities"],
              summary="条件を指定して医療機関を探す")
    def search(body: SearchRequest) -> dict[str, Any]:
        specs = [{"name": f.name, "value": f.value} for f in body.filters]
        for spec in specs:
            filter_from_spec(spec)  # unknown names / bad values → FilterError → 400
        loc = location_argument(body.location)
        answer = holder.call(lambda a: a.search_facilities(specs, location=loc, limit=body.limit))
        return dict(answer.to_dict())

    @app.get("/api/facilities/{facility_id}", response_model=FacilityModel, responses={404: {"model": ErrorModel}},
             tags=["facilities"], summary="医療機関の詳細（報告内容）")
    def facility(facility_id: str) -> dict[str, Any]:
        record = holder.call(lambda a: a.facility(facility_id)) if len(facility_id) <= 64 else None
        if record is None:
            raise NotFound(f"医療機関 {facility_id[:64]!r} は見つかりませんでした。")
        return dict(record)

    @app.get("/api/qa", response_model=QAResponse, responses=_ERRORS, tags=["guideline"],
             summary="ガイドライン・Q&A・事例集を検索する")
    def qa(
        q: Annotated[str, Query(description="検索する文（1000文字まで）")],
        k: Annotated[int, Query(ge=1, le=20, description="件数")] = 5,
        source: Annotated[list[str] | None, Query(description="qa / guideline / case / form / reference")] = None,
    ) -> dict[str, Any]:
        text = q.strip()
        if not text:
            raise InputError("検索する文を入力してください。")
        if len(text) > MAX_QUERY:
            raise InputError(f"検索する文が長すぎます（{MAX_QUERY}文字まで）。")
        unknown = [s for s in source or [] if s not in _SOURCES]
        if unknown:
            raise InputError(f"不明な文書の種類です: {'、'.join(unknown)}（使えるもの: {'、'.join(_SOURCES)}）")
        results = holder.call(lambda a: a.search_text(text, k=k, sources=source or None))
        return {"query": text, "results": list(results)}

    @app.get("/api/regions/{prefecture}",
             responses={**_ERRORS, 200: {"content": {"text/csv": {}, XLSX_MEDIA_TYPE: {}}}},
             tags=["regions"], summary="地域ごとの機能の集計（二次医療圏・市区町村、人口あたり、不足の目安）")
    def regions(
        prefecture: str,
        level: Annotated[str, Query(description="prefecture / medical_area / municipality")] = "medical_area",
        indicator: Annotated[list[str] | None, Query(description="集計する条件（既定：すべて）")] = None,
        kind: Annotated[str, Query(description="hospital / clinic に限る")] = "",
        format: Annotated[str, Query(description="json / csv（課題管理シートの骨組み）/ summary-csv（公表シート形式）/ "
                                                 "xlsx（両方のシート）")] = "json",
    ) -> Any:
        if format not in ("json", "csv", "summary-csv", "xlsx"):
            raise InputError("format は json / csv / summary-csv / xlsx です。")
        table = holder.call(lambda a: a.regional(prefecture[:20], level, indicator or (), kind))
        if format == "json":
            return table_dict(table)
        if format == "xlsx":
            body: str | bytes = sheets_xlsx(table)
            media = XLSX_MEDIA_TYPE
            name = export_name(table, "xlsx")
        else:
            body = sheet_csv(table) if format == "csv" else summary_csv(table)
            media = "text/csv; charset=utf-8"
            name = export_name(table, "csv", "公表シート" if format == "summary-csv" else "課題管理シート")
        return Response(body, media_type=media,
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(url=UI_PATH + "/")


SWAGGER_ASSETS = Path(sys.prefix) / "npm" / "node_modules" / "swagger-ui-dist"  # `make install` puts them here
DOCS_ASSETS = "/docs-assets"


def _add_docs(app: FastAPI, assets: Path = SWAGGER_ASSETS) -> None:
    """``/docs``: Swagger UI from the npm package installed with the project (works offline); without it, from
    the CDN FastAPI uses by default, and the log says so."""
    local = (assets / "swagger-ui-bundle.js").is_file()
    if local:
        app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")
    else:
        log.warning("Swagger UI のファイルがないため /docs は CDN から読み込みます（make install で入ります）")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if not local:
            return get_swagger_ui_html(openapi_url="/openapi.json", title="kakari API")
        return get_swagger_ui_html(openapi_url="/openapi.json", title="kakari API",
                                   swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png")


def create_app(settings: Settings, assistant: Any = None, *, ui: bool = True, warm: bool = True,
               tiles: MapSettings | None = None) -> FastAPI:
    """Build the FastAPI app; with ``ui`` the Gradio chat is mounted at /ui on the same app.

    ``assistant`` (an object with the ``Assistant`` surface) is used as is; otherwise the real
    ``Assistant`` is built lazily, in a background thread started with the server (``warm``), so
    ``/api/health`` answers at once while indexes load. ``tiles`` is the map's tile source (default 地理院タイル).
    """
    holder = AssistantHolder(settings, assistant)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm:
            holder.start()
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="kakari API",
        description="かかりつけ医機能報告制度の対話型アシスタント。医療機関の検索、ガイドライン・Q&Aの検索。",
        version="0.1.0",
        docs_url=None,  # served below, from local assets when they are installed
    )
    app.state.holder = holder
    if settings.server.cors_origins:  # CORS stays off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.server.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Content-Type"])
    _install_error_handlers(app)
    guard.install(app, guard.allowed_hosts(settings.server.allowed_hosts, settings.server.host),
                  settings.server.max_body_bytes)
    _add_routes(app, holder)
    _add_docs(app)
    if ui:
        from ui.web import mount_ui  # gradio is heavy: imported only when the UI is wanted

        mount_ui(app, holder, path=UI_PATH, tiles=tiles)
    return app

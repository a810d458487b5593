"""Pydantic request/response models of the API and the Japanese wording of validation errors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from assistant.errors import InputError
from assistant.inputs import check_message

MAX_QUERY = 1000
MAX_LOCATION = 100
MAX_FILTERS = 20
_SESSION = re.compile(r"[A-Za-z0-9_-]{1,64}")  # used with fullmatch: 「$」 would let a trailing newline through


# Japan's extent with a margin (南鳥島・与那国島・択捉島 included).
_LAT = (20.0, 46.0)
_LNG = (122.0, 154.5)

FIELD_LABELS = {
    "message": "質問", "session_id": "セッションID", "location": "位置", "filters": "検索条件",
    "limit": "件数", "name": "条件名", "value": "条件の値", "lat": "緯度", "lng": "経度",
"q": "検索する文", "k": "件数", "source": "文書の種類", "body": "リクエスト本文",
}


class GeoPoint(BaseModel):
    """A point from the browser's geolocation."""

    model_config = ConfigDict(extra="forbid")
    lat: float = Field(description="緯度（日本国内）")
    lng: float = Field(description="経度（日本国内）")


def _check_location(value: Any) -> Any:
    """Accept a place text (郵便番号・市区町村) or a point in Japan; anything else is malformed."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_LOCATION:
            raise ValueError(f"位置の文字が長すぎます（{MAX_LOCATION}文字まで）。")
        return text or None
    if not isinstance(value, dict):
        raise ValueError("位置は「郵便番号・市区町村」の文字列か、{\"lat\": 緯度, \"lng\": 経度} で指定してください。")
    try:
        point = GeoPoint.model_validate(value)
    except Exception as exc:
        raise ValueError("位置の形式が正しくありません。緯度 lat と経度 lng を数値で指定してください。") from exc
    if not (_LAT[0] <= point.lat <= _LAT[1] and _LNG[0] <= point.lng <= _LNG[1]):
        raise ValueError("位置が日本国内ではありません（緯度・経度を確認してください）。")
    return point


LocationInput = Annotated[str | GeoPoint | None, BeforeValidator(_check_location)]


class ChatRequest(BaseModel):
    """``POST /api/chat``."""

    model_config = ConfigDict(extra="forbid")
    message: str = Field(description="質問（1000文字まで）", examples=["高知市で24時間往診してくれる診療所は？"])
    session_id: str | None = Field(None, description="会話を続けるときに前の回答の session_id を渡す")
    location: LocationInput = Field(None, description="郵便番号・市区町村、または緯度経度")

    @field_validator("message", mode="before")
    @classmethod
    def _message(cls, value: Any) -> Any:
        try:
            return check_message(value)  # the assistant's one rule for a usable question
        except InputError as exc:
            raise ValueError(str(exc)) from exc

    @field_validator("session_id", mode="before")
    @classmethod
    def _session(cls, value: Any) -> Any:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _SESSION.fullmatch(value):
            raise ValueError("セッションIDの形式が正しくありません（英数字・-・_ の64文字まで）。")
        return value


class FilterSpec(BaseModel):
    """One structured condition ``{name, value}`` (docs/architecture.md, "Filter names")."""

    model_config = ConfigDict(extra="ignore")  # a `label` echoed back from an answer is fine
    name: str = Field(description="条件名（例: home_care_24h, kind, acp）")
    value: str | list[str] | bool | None = Field(None, description="条件の値（不要なら null）")


class SearchRequest(BaseModel):
    """``POST /api/facilities/search``."""

    model_config = ConfigDict(extra="forbid")
    filters: list[FilterSpec] = Field(default_factory=list, max_length=MAX_FILTERS)
    location: LocationInput = Field(None, description="郵便番号・市区町村、または緯度経度")
    limit: int | None = Field(None, ge=1, le=50, description="最大件数")


class EvidenceModel(BaseModel):
    """Why a facility satisfies one condition."""

    model_config = ConfigDict(extra="allow")
    item: str
    value: str
    field: str = ""


class FacilityHitModel(BaseModel):
    """A listed facility in an answer."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    kind: str
    municipality: str = ""
    municipality_code: str = ""
    distance_km: float | None = None
    evidence: list[EvidenceModel] = []


class CitationModel(BaseModel):
    """A quoted passage (Q number or section, page)."""

    model_config = ConfigDict(extra="allow")
    source: str
    id: str
    title: str = ""
    page: int | None = None
    quote: str = ""


class QuoteModel(BaseModel):
    """A verbatim extract under a document answer (where it is from, why it is shown)."""

    where: str
    text: str
    label: str = ""


class CaseFieldModel(BaseModel):
    """One field of a 事例 answer (地域, 取組の中心, 背景・課題, 取組概要, 効果…)."""

    label: str
    value: str


class AnswerBodyModel(BaseModel):
    """A guideline / Q&A / 事例 answer in parts: key sentences first (verbatim), then quotes and related Q&A."""

    summary: list[str] = []
    source: str = ""
    title: str = ""
    quotes: list[QuoteModel] = []
    related: list[str] = []
    fields: list[CaseFieldModel] = []


class AnswerModel(BaseModel):
    """The answer JSON (same as `kakari ask --json`)."""

    model_config = ConfigDict(extra="allow")
    intent: str
    answer: str
    conditions: str = ""
    facilities: list[FacilityHitModel] = []
    citations: list[CitationModel] = []
    filters: list[dict[str, Any]] = []
    location: dict[str, Any] | None = None
    radius_km: float | None = None
    suggestions: list[str] = []
    session_id: str = ""
    notice: str = ""
    safety: dict[str, Any] = {}
    body: AnswerBodyModel | None = None
    order_by: list[str] = []  # amount filters whose 算定回数 ordered the facilities (empty: nearest first)


class FacilityModel(BaseModel):
    """A facility's export record (corpus.facility.Facility.to_dict)."""

    model_config = ConfigDict(extra="allow")
    id: str
    name: str
    kind: str
    sample: bool = False
    as_of: str = ""


class QAResponse(BaseModel):
    """``GET /api/qa``: ranked passages."""

    query: str
    results: list[dict[str, Any]]


class HealthModel(BaseModel):
    """``GET /api/health``."""

    status: str
    assistant: str = Field(description="ready / loading / idle / error")
    detail: str = ""


class ErrorModel(BaseModel):
    """Every 4xx/5xx body: a Japanese message."""

    detail: str
    errors: list[dict[str, str]] = []


def _field_label(loc: Sequence[Any]) -> str:
    names = [str(p) for p in loc if not isinstance(p, int) and p not in ("body", "query", "path")]
    return FIELD_LABELS.get(names[-1], names[-1]) if names else "リクエスト本文"


def _one_message(err: dict[str, Any]) -> str:
    kind, label, ctx = err.get("type", ""), _field_label(err.get("loc", ())), err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "missing":
        return f"「{label}」を指定してください。"
    if kind == "json_invalid":
        return "リクエストの JSON を読み取れません。"
    if kind in ("model_attributes_type", "dict_type", "model_type"):
        return f"「{label}」は JSON オブジェクトで送ってください。"
    if kind == "extra_forbidden":
        return f"「{label}」は使えない項目です。"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"「{label}」は整数で指定してください。"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"「{label}」の値が範囲外です。"
    if kind == "too_long":
        return f"「{label}」の数が多すぎます。"
    return f"「{label}」の形式が正しくありません。"


def validation_message(errors: Sequence[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    """Pydantic errors → one Japanese sentence plus a per-field list (no English, no traceback)."""
    fields = [{"field": _field_label(e.get("loc", ())), "message": _one_message(e)} for e in errors]
    unique = list(dict.fromkeys(f["message"] for f in fields))
    return (" ".join(unique[:3]) or "入力が正しくありません。"), fields


def location_argument(location: str | GeoPoint | None) -> str | None:
    """What ``Assistant`` receives as ``location``: the place text, or a point as ``"lat,lng"``."""
    if isinstance(location, GeoPoint):
        return f"{location.lat:.6f},{location.lng:.6f}"
    return location

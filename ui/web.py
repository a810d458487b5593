"""The Gradio chat UI (Japanese), mounted on the FastAPI app; all answers come from the AssistantHolder."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry from the UI process

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from fastapi.staticfiles import StaticFiles  # noqa: E402

from assistant.errors import InputError  # noqa: E402
from assistant.regional import INDICATORS  # noqa: E402
from assistant.service import ALL_MATCHES_CAP  # noqa: E402
from corpus.dataset import ACTIVE_FILE  # noqa: E402
from corpus.municipalities import prefectures  # noqa: E402
from retrieval.filters import FilterError  # noqa: E402
from ui import render  # noqa: E402
from ui.holder import AssistantHolder, AssistantUnavailable  # noqa: E402
from ui.map_settings import LEAFLET_DIST, MapSettings, leaflet_available  # noqa: E402
from ui.regions_export import export_name, sheet_csv, sheets_xlsx  # noqa: E402
from ui.render_regions import view_html  # noqa: E402
from ui.results_export import export_csv, export_of, export_xlsx  # noqa: E402
from ui.web_logic import (  # noqa: E402
    SAMPLE_NOTICE,
    AnswerView,
    CsvFiles,
    detail_choices,
    error_view,
    location_for,
    more_of,
    results_map,
    stream_chunks,
    view_of,
    without_condition,
)
from ui.web_text import (  # noqa: E402
    ABOUT_MD,
    CARDS_JS,
    EXAMPLES,
    FOCUS_DETAIL_JS,
    GEO_JS,
    HEADER_HTML,
    I18N,
    INTRO,
    LABELS_JS,
    PILLS_JS,
    SHOW_ANSWER_JS,
)

LANG_HEAD = "<script>document.documentElement.lang = 'ja';</script>"  # Gradio's page says lang="en"
# Gradio scopes css_paths rules inside its container, so its outer padding is set here, unscoped; `clip`, not
# `hidden`, so the question box can stick to the bottom of a phone screen (and nothing scrolls in under it).
PHONE_HEAD = "<style>@media (max-width: 767px) { .gradio-container > .main.fillable { padding: 0 6px !important; } .gradio-container { overflow: clip !important; } html { scroll-padding-bottom: 160px; } }</style>"
UPLOAD_LIMIT = "100kb"  # Gradio's upload route, which this UI never uses
STATIC = Path(__file__).with_name("static")
MAP_ASSETS = "/map-assets"  # Leaflet's files from the npm package, served by this app
MAP_JS = (STATIC / "kakari-map.js").read_text(encoding="utf-8")
_EXPECTED = (InputError, FilterError, AssistantUnavailable)
_OUTPUTS = 14


class _Page:
    """Holds the components and the handlers that fill them."""

    def __init__(self, holder: AssistantHolder, csv_files: CsvFiles, tiles: MapSettings | None = None) -> None:
        self.holder = holder
        self.csv_files = csv_files
        self.tiles = tiles  # None: Leaflet is not installed, the 地図 tab shows the offline SVG view

    def build(self) -> gr.Blocks:
        """Lay out the page."""
        with gr.Blocks(title="kakari かかりつけ医機能さがし", analytics_enabled=False) as demo:
            gr.HTML(HEADER_HTML)
            sample = not (self.holder.settings.facilities_dir / ACTIVE_FILE).exists()  # nothing imported yet
            self.notice = gr.Markdown(f"⚠ {SAMPLE_NOTICE}", visible=sample, elem_id="kakari-notice",
                                      elem_classes=["kakari-notice"])
            self.session = gr.State("")
            self.last = gr.State({})
            self.matches = gr.State([])
            with gr.Row(equal_height=False, elem_id="kakari-main"):
                with gr.Column(scale=5, min_width=300, elem_id="kakari-left"):
                    self._chat_column()
                with gr.Column(scale=4, min_width=300, elem_id="kakari-right"):
                    self._result_column()
            with gr.Accordion("このアプリについて（データの出典・ライセンス）", open=False, elem_id="kakari-about"):
                gr.Markdown(ABOUT_MD)
            self._wire()
            demo.load(None, js=LABELS_JS)
        return demo

    def _chat_column(self) -> None:
        self.chatbot = gr.Chatbot(label="会話", show_label=False, height=440, elem_id="kakari-chat",
                                  placeholder=INTRO, feedback_options=None, buttons=["copy"], autoscroll=False)
        with gr.Row(elem_id="kakari-conditions", equal_height=False):
            self.pills = gr.HTML("", elem_id="kakari-pills", js_on_load=PILLS_JS, min_width=160)
            self.new_search = gr.Button("新しい検索", elem_id="kakari-new", size="md", variant="secondary",
                                        scale=0, min_width=120)
        self.citations = gr.HTML("", elem_id="kakari-citations")
        with gr.Row(elem_id="kakari-ask", equal_height=True):
            self.message = gr.Textbox(label="質問", placeholder="例：高知市で24時間往診してくれる診療所は？",
                                      lines=1, max_lines=6, scale=5, elem_id="kakari-message", max_length=1000,
                                      min_width=160)
            self.send = gr.Button("送信", variant="primary", scale=0, elem_id="kakari-send", min_width=72)
        with gr.Row(elem_id="kakari-where"):
            self.location = gr.Textbox(label="場所（郵便番号・市区町村）", placeholder="例：780-0870 / 高知市",
                                       scale=4, elem_id="kakari-location", max_length=100, min_width=160)
            self.geo_button = gr.Button("現在地を使う", scale=1, elem_id="kakari-geo", min_width=120)
        self.geo = gr.Textbox(visible="hidden", elem_id="kakari-geo-value", label="現在地（緯度,経度）")
        self.chips = gr.CheckboxGroup(list(render.CHIPS), label="機能で絞り込む（選ぶとすぐ検索します）",
                                      elem_id="kakari-chips")
        with gr.Accordion("質問の例（押すとすぐに質問します）", open=False, elem_id="kakari-examples"):
            self.examples = [gr.Examples([[q] for q in questions], inputs=[self.message], label=f"{who}の質問例")
                             for who, questions in EXAMPLES.items()]

    def _result_column(self) -> None:
        with gr.Tabs(elem_id="kakari-tabs") as self.tabs:
            with gr.Tab("検索結果", id="cards"):
                self.cards = gr.HTML(render.cards_html([]), elem_id="kakari-cards", js_on_load=CARDS_JS)
                self.more = gr.Button("さらに表示", visible=False, elem_id="kakari-more", variant="secondary")
                with gr.Row():
                    self.csv = gr.DownloadButton("すべての結果を CSV で保存", visible=False, elem_id="kakari-csv",
                                                 size="md")
                    self.xlsx = gr.DownloadButton("Excel で保存", visible=False, elem_id="kakari-xlsx", size="md")
            with gr.Tab("地図", id="map"):
                self.map = gr.HTML(results_map({}, [], None, self.tiles), elem_id="kakari-map", js_on_load=MAP_JS)
            with gr.Tab("詳細（院内掲示の形式）", id="detail"):
                self.detail_pick = gr.Dropdown([], label="医療機関を選ぶ", elem_id="kakari-detail-pick")
                self.detail = gr.HTML(render.facility_notice_html(None), elem_id="kakari-detail")
            with gr.Tab("地域の状況", id="regions"):
                self._regions_tab()

    def _regions_tab(self) -> None:
        """協議の場の資料: functions per 二次医療圏 or 市区町村, per 1,000 residents aged 75+, with exports."""
        names = list(prefectures())
        with gr.Row():
            self.region_pref = gr.Dropdown(names, value="高知県" if "高知県" in names else names[0], label="都道府県",
                                           elem_id="kakari-region-pref")
            self.region_level = gr.Radio([("二次医療圏", "medical_area"), ("市区町村", "municipality")],
                                         value="medical_area", label="単位", elem_id="kakari-region-level")
        with gr.Row():
            self.region_indicator = gr.Dropdown([(i.label, i.key) for i in INDICATORS], value=INDICATORS[0].key,
                                                label="グラフにする機能", elem_id="kakari-region-indicator")
            self.region_area = gr.Dropdown([], label="強調する地域（任意）", elem_id="kakari-region-area")
        self.region_show = gr.Button("集計する", variant="primary", elem_id="kakari-region-show")
        self.region_view = gr.HTML('<p class="kakari-empty">都道府県と単位を選んで「集計する」を押してください。</p>',
                                   elem_id="kakari-region-view")
        with gr.Row():
            self.region_csv = gr.DownloadButton("課題管理シート（CSV）", visible=False, elem_id="kakari-region-csv")
            self.region_xlsx = gr.DownloadButton("課題管理シート・公表シート（Excel）", visible=False,
                                                 elem_id="kakari-region-xlsx")

    def _outputs(self) -> list[Any]:
        return [self.chatbot, self.cards, self.map, self.citations, self.chips, self.detail_pick, self.notice,
                self.session, self.last, self.csv, self.xlsx, self.pills, self.more, self.matches]

    def _wire(self) -> None:
        ask_inputs = [self.message, self.chatbot, self.location, self.geo, self.session, self.last]
        search_inputs = [self.chatbot, self.location, self.geo, self.last]
        asks = [self.send.click, self.message.submit] + [e.load_input_event.then for e in self.examples]
        for event in asks:  # an example asks at once (it only filled the box before)
            event(self.ask, ask_inputs, self._outputs(), show_progress="minimal").then(
                lambda: "", None, self.message).then(None, js=SHOW_ANSWER_JS)
        self.chips.input(self.search_by_chips, [self.chips, *search_inputs], self._outputs(),
                         show_progress="minimal").then(None, js=SHOW_ANSWER_JS)
        self.pills.select(self.remove_condition, search_inputs, self._outputs(), show_progress="minimal").then(
            None, js=SHOW_ANSWER_JS)
        for reset in (self.new_search.click, self.chatbot.clear):  # Gradio's own 🗑 also starts over, conditions too
            reset(self.start_over, None, [*self._outputs(), self.message, self.location, self.geo])
        self.more.click(self.show_more, [self.last, self.matches, self.geo],
                        [self.cards, self.map, self.detail_pick, self.last, self.more])
        self.detail_pick.input(self.show_detail, [self.detail_pick], [self.detail])  # user's choice only
        self.cards.select(self.open_card, None, [self.detail_pick, self.detail, self.tabs]).then(
            None, js=FOCUS_DETAIL_JS)
        self.geo_button.click(None, [self.location], [self.geo, self.location], js=GEO_JS)
        region_inputs = [self.region_pref, self.region_level, self.region_indicator, self.region_area]
        region_outputs = [self.region_view, self.region_area, self.region_csv, self.region_xlsx]
        self.region_show.click(self.show_region, region_inputs, region_outputs, show_progress="minimal")
        for control in (self.region_indicator, self.region_area):  # redraw the chart when only the view changes
            control.input(self.show_region, region_inputs, region_outputs, show_progress="minimal")

    def _render(self, history: list[dict[str, Any]], view: AnswerView) -> Iterator[tuple]:
        """Yield the chat growing chunk by chunk, then the full page state."""
        skip = gr.skip()
        for chunk in stream_chunks(view.text, size=max(12, len(view.text) // 25)):
            yield (history + [{"role": "assistant", "content": chunk}], *([skip] * (_OUTPUTS - 1)))
            time.sleep(0.02)  # short pauses so the reply visibly flows in
        final = history + [{"role": "assistant", "content": view.text}]
        if not view.replaces_results:  # a Q&A answer or an error keeps the facility list and notice on screen
            yield (final, skip, skip, view.citations, *([skip] * 3), view.session_id or skip, *([skip] * 6))
            return
        yield (final, view.cards, view.map, view.citations, gr.update(value=view.chips),
               gr.update(choices=view.detail_choices, value=None), self._notice(view),
               view.session_id or skip,  # an explicit chip search has no session: keep the conversation
               view.answer, *self._exports(view), view.pills,
               gr.update(visible=len(view.matches) > len(view.answer.get("facilities") or [])), view.matches)

    @staticmethod
    def _notice(view: AnswerView) -> Any:
        return gr.update(value=f"⚠ {view.notice}", visible=True) if view.notice else gr.update(visible=False)

    def _exports(self, view: AnswerView) -> tuple[Any, Any]:
        """CSV and Excel files of every match, named after the area, the conditions and today's date."""
        if not view.matches:
            return gr.update(value=None, visible=False), gr.update(value=None, visible=False)
        origin = (render.user_point(view.answer) or (None, ""))[1]
        export = export_of(view.matches, view.answer, origin, date.today(), len(view.matches) >= ALL_MATCHES_CAP)
        csv_path = self.csv_files.save(export.file_name("csv"), export_csv(export))
        xlsx_path = self.csv_files.save(export.file_name("xlsx"), export_xlsx(export))
        label = f"すべての結果（{len(view.matches)}件）を CSV で保存"
        return (gr.update(value=csv_path, visible=True, label=label),
                gr.update(value=xlsx_path, visible=True))

    def _all_matches(self, answer: dict[str, Any]) -> list[dict[str, Any]]:
        """Every match of the answer's search (for 「さらに表示」 and the exports), shown ones first, with 休診日."""
        shown = list(answer.get("facilities") or [])
        if not shown:
            return []
        specs = [{"name": f["name"], "value": f.get("value")} for f in answer.get("filters") or []]
        where = (answer.get("location") or {}).get("text") or None
        try:
            found = self.holder.call(lambda a: a.all_matches(specs, location=where))
            every = list(found.to_dict()["facilities"])
        except _EXPECTED:
            every = []
        if [f.get("id") for f in every[:len(shown)]] != [f.get("id") for f in shown]:
            every = shown  # the place read differently (a later page, a radius): keep to what the answer listed
        records = self.holder.call(lambda a: [a.facility(str(f.get("id") or "")) or {} for f in every])
        return [{**fac, "closed_days": rec.get("closed_days") or [], "closed_note": rec.get("closed_note") or ""}
                for fac, rec in zip(every, records, strict=True)]

    def _safely(self, history: list[dict[str, Any]], call: Any, last: dict, geo: str | None) -> Iterator[tuple]:
        try:
            answer = self.holder.call(call).to_dict()
            view = view_of(answer, geo, self.tiles, self._all_matches(answer))
        except _EXPECTED as exc:
            view = error_view(str(exc), last)
        except Exception:  # the page must never show a stack trace
            view = error_view("内部エラーが発生しました。もう一度お試しください。", last)
        yield from self._render(history, view)

    def ask(self, message: str, history: list, location: str, geo: str, session: str, last: dict) -> Iterator:
        """Send the question to the assistant and stream the reply."""
        history = list(history or [])
        text = (message or "").strip()
        if not text:
            yield (history, *([gr.skip()] * (_OUTPUTS - 1)))
            return
        history.append({"role": "user", "content": text})
        yield (history + [{"role": "assistant", "content": "…"}], *([gr.skip()] * (_OUTPUTS - 1)))
        loc = location_for(location, geo)
        yield from self._safely(history, lambda a: a.ask(text, session_id=session or None, location=loc), last, geo)

    def search_by_chips(self, chips: list[str], history: list, location: str, geo: str, last: dict) -> Iterator:
        """Search again with the filters chosen on the chips (plus the non-chip conditions understood before)."""
        filters = render.filters_from_chips(chips or [], (last or {}).get("filters") or [])
        note = "（絞り込み）" + ("・".join(chips) or "条件なし")
        yield from self._search(filters, note, history, location, geo, last)

    def remove_condition(self, history: list, location: str, geo: str, last: dict, evt: gr.SelectData) -> Iterator:
        """A condition pill was pressed: search again without that condition."""
        filters = list((last or {}).get("filters") or [])
        index = int(evt.value) if str(evt.value).isdigit() else -1
        if not 0 <= index < len(filters):
            yield (list(history or []), *([gr.skip()] * (_OUTPUTS - 1)))
            return
        note = f"（条件を外す）{filters[index].get('label') or filters[index].get('name')}"
        yield from self._search(without_condition(filters, index), note, history, location, geo, last)

    def _search(self, filters: list[dict[str, Any]], note: str, history: list, location: str, geo: str,
                last: dict) -> Iterator:
        history = list(history or []) + [{"role": "user", "content": note}]
        loc = location_for(location, geo)
        if loc is None:  # keep the place the assistant understood from the earlier question
            loc = ((last or {}).get("location") or {}).get("text") or None
        yield from self._safely(history, lambda a: a.search_facilities(filters, location=loc), last, geo)

    def start_over(self) -> tuple[Any, ...]:
        """「新しい検索」: a new conversation with no conditions, no place and no results."""
        hidden = gr.update(value=None, visible=False)
        return ([], render.cards_html([]), results_map({}, [], None, self.tiles), "", gr.update(value=[]),
                gr.update(choices=[], value=None), gr.skip(), "", {}, hidden, hidden, "", gr.update(visible=False),
                [], "", "", "")

    def show_more(self, last: dict, matches: list, geo: str) -> tuple[Any, ...]:
        """「さらに表示」: the next page of the same matches (no new search, so the order cannot change)."""
        shown = more_of(last or {}, list(matches or []))
        answer = {**(last or {}), "facilities": shown}
        return (render.cards_html(shown, str(answer.get("conditions") or "")),
                results_map(answer, shown, geo, self.tiles), gr.update(choices=detail_choices(shown)), answer,
                gr.update(visible=len(matches or []) > len(shown)))

    def show_region(self, prefecture: str, level: str, indicator: str, area: str | None) -> tuple[Any, ...]:
        """The chart and table of a prefecture's areas, and the 課題管理シート files."""
        try:
            table = self.holder.call(lambda a: a.regional(prefecture or "", level or "medical_area"))
        except _EXPECTED as exc:
            return (f'<div class="kakari-empty">{escape(str(exc))}</div>', gr.skip(), gr.skip(), gr.skip())
        except Exception:  # the page must never show a stack trace
            return ('<div class="kakari-empty">内部エラーが発生しました。もう一度お試しください。</div>',
                    gr.skip(), gr.skip(), gr.skip())
        names = [r.area.name for r in table.rows]
        chosen = area if area in names else ""
        csv_path = self.csv_files.save(export_name(table, "csv"), sheet_csv(table).encode("utf-8"))
        xlsx_path = self.csv_files.save(export_name(table, "xlsx"), sheets_xlsx(table))
        return (view_html(table, indicator or INDICATORS[0].key, chosen),
                gr.update(choices=[("（なし）", ""), *[(n, n) for n in names]], value=chosen),
                gr.update(value=csv_path, visible=True), gr.update(value=xlsx_path, visible=True))

    def open_card(self, evt: gr.SelectData) -> tuple[Any, str, Any]:
        """A card was clicked (or Enter / Space pressed on it): select it and switch to the detail tab."""
        facility_id = str(evt.value or "")
        return gr.update(value=facility_id or None), self.show_detail(facility_id), gr.Tabs(selected="detail")

    def show_detail(self, facility_id: str | None) -> str:
        """The 院内掲示-style summary of the chosen facility."""
        if not facility_id:
            return render.facility_notice_html(None)
        try:
            record = self.holder.call(lambda a: a.facility(facility_id))
        except _EXPECTED as exc:
            return f'<div class="kakari-empty">{escape(str(exc))}</div>'
        if record is None:
            return '<div class="kakari-empty">この医療機関の情報は見つかりませんでした。もう一度検索してください。</div>'
        return render.facility_notice_html(record)


def _theme() -> gr.themes.Base:
    """Gradio's Soft theme with colours that pass WCAG AA (its teal labels and primary button do not)."""
    ink, deep, pale = "#0b3d47", "#15525f", "#e6f2f4"
    return gr.themes.Soft(primary_hue="teal", text_size="lg").set(
        block_label_text_color=ink, block_label_background_fill=pale, block_title_text_color=ink,
        block_title_background_fill=pale, block_info_text_color="#3d3d3d", body_text_color_subdued="#4a4a4a",
        input_placeholder_color="#5c5c5c", button_primary_background_fill=deep,
        button_primary_background_fill_hover=ink, button_primary_text_color="#ffffff",
        button_primary_text_color_hover="#ffffff", button_secondary_text_color=ink,
        checkbox_background_color_selected=deep, checkbox_border_color_selected=deep,
        checkbox_label_text_color=ink, checkbox_label_text_color_selected=ink, link_text_color=deep,
        link_text_color_visited=deep, link_text_color_hover=ink, color_accent_soft=pale)


def build_blocks(holder: AssistantHolder, csv_files: CsvFiles | None = None,
                 tiles: MapSettings | None = None) -> gr.Blocks:
    """The Gradio Blocks of the chat page (``tiles`` None: the map tab shows the offline SVG view)."""
    return _Page(holder, csv_files or CsvFiles(), tiles).build()


def _map_head(app: FastAPI, tiles: MapSettings) -> tuple[MapSettings | None, str]:
    """Serve Leaflet from the npm package when it is installed; otherwise the page keeps the SVG view."""
    if not leaflet_available():
        return None, ""
    app.mount(MAP_ASSETS, StaticFiles(directory=LEAFLET_DIST), name="map-assets")
    return tiles, (f'<link rel="stylesheet" href="{MAP_ASSETS}/leaflet.css">'
                   f'<script src="{MAP_ASSETS}/leaflet.js"></script>')


def mount_ui(app: FastAPI, holder: AssistantHolder, path: str = "/ui", tiles: MapSettings | None = None) -> FastAPI:
    """Mount the chat page on ``app`` at ``path`` (same process, same port as the API)."""
    csv_files = CsvFiles()
    shown_tiles, map_head = _map_head(app, tiles or MapSettings())
    blocks = build_blocks(holder, csv_files, shown_tiles)
    return gr.mount_gradio_app(
        app, blocks, path=path, footer_links=[], run_history=False, ssr_mode=False,
        allowed_paths=[str(csv_files.folder)], css_paths=[STATIC / "kakari.css"],
        theme=_theme(), mcp_server=False, pwa=False,
        max_file_size=UPLOAD_LIMIT,  # the page has no upload control: anything larger than this is refused
        head=LANG_HEAD + PHONE_HEAD + map_head, i18n=I18N,
    )

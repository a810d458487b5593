"""The Gradio chat UI (Japanese), mounted on the FastAPI app; all answers come from the AssistantHolder."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry from the UI process

import gradio as gr  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from assistant.errors import InputError  # noqa: E402
from assistant.regional import INDICATORS  # noqa: E402
from corpus.dataset import ACTIVE_FILE  # noqa: E402
from corpus.municipalities import prefectures  # noqa: E402
from retrieval.filters import FilterError  # noqa: E402
from ui import render  # noqa: E402
from ui.holder import AssistantHolder, AssistantUnavailable  # noqa: E402
from ui.regions_export import export_name, sheet_csv, sheets_xlsx  # noqa: E402
from ui.render_regions import view_html  # noqa: E402
from ui.web_logic import SAMPLE_NOTICE, AnswerView, CsvFiles, error_view, location_for, stream_chunks, view_of  # noqa: E402
from ui.web_text import ABOUT_MD, CARDS_JS, EXAMPLES, FOCUS_DETAIL_JS, GEO_JS, HEADER_HTML, INTRO  # noqa: E402

LANG_HEAD = "<script>document.documentElement.lang = 'ja';</script>"  # Gradio's page says lang="en"
UPLOAD_LIMIT = "100kb"  # Gradio's upload route, which this UI never uses
STATIC = Path(__file__).with_name("static")
_EXPECTED = (InputError, FilterError, AssistantUnavailable)


class _Page:
    """Holds the components and the handlers that fill them."""

    def __init__(self, holder: AssistantHolder, csv_files: CsvFiles) -> None:
        self.holder = holder
        self.csv_files = csv_files

    def build(self) -> gr.Blocks:
        """Lay out the page."""
        with gr.Blocks(title="kakari かかりつけ医機能さがし", analytics_enabled=False) as demo:
            gr.HTML(HEADER_HTML)
            sample = not (self.holder.settings.facilities_dir / ACTIVE_FILE).exists()  # nothing imported yet
            self.notice = gr.Markdown(f"⚠ {SAMPLE_NOTICE}", visible=sample, elem_id="kakari-notice",
                                      elem_classes=["kakari-notice"])
            self.session = gr.State("")
            self.last = gr.State({})
            with gr.Row(equal_height=False):
                with gr.Column(scale=5, min_width=360):
                    self._chat_column()
                with gr.Column(scale=4, min_width=320):
                    self._result_column()
            with gr.Accordion("このアプリについて（データの出典・ライセンス）", open=False, elem_id="kakari-about"):
                gr.Markdown(ABOUT_MD)
            self._wire()
        return demo

    def _chat_column(self) -> None:
        self.chatbot = gr.Chatbot(label="会話", height=440, elem_id="kakari-chat", placeholder=INTRO,
                                  feedback_options=None, buttons=["copy"])
        with gr.Row():
            self.message = gr.Textbox(label="質問", placeholder="例：高知市で24時間往診してくれる診療所は？",
                                      lines=1, max_lines=6, scale=5, elem_id="kakari-message", max_length=1000)
            self.send = gr.Button("送信", variant="primary", scale=1, elem_id="kakari-send")
        with gr.Row():
            self.location = gr.Textbox(label="場所（郵便番号・市区町村）", placeholder="例：780-0870 / 高知市",
                                       scale=4, elem_id="kakari-location", max_length=100)
            self.geo_button = gr.Button("現在地を使う", scale=1, elem_id="kakari-geo")
        self.geo = gr.Textbox(visible="hidden", elem_id="kakari-geo-value", label="現在地（緯度,経度）")
        self.chips = gr.CheckboxGroup(list(render.CHIPS), label="機能で絞り込む（選ぶとすぐ検索します）",
                                      elem_id="kakari-chips")
        self.citations = gr.HTML("", elem_id="kakari-citations")
        self.examples = [gr.Examples([[q] for q in questions], inputs=[self.message], label=f"{who}の質問例")
                         for who, questions in EXAMPLES.items()]

    def _result_column(self) -> None:
        with gr.Tabs(elem_id="kakari-tabs") as self.tabs:
            with gr.Tab("検索結果", id="cards"):
                self.cards = gr.HTML(render.cards_html([]), elem_id="kakari-cards", js_on_load=CARDS_JS)
                self.csv = gr.DownloadButton("結果を CSV で保存", visible=False, elem_id="kakari-csv", size="md")
            with gr.Tab("位置関係", id="plot"):
                self.plot = gr.HTML(render.position_svg([], None), elem_id="kakari-plot")
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
        return [self.chatbot, self.cards, self.plot, self.citations, self.chips, self.detail_pick,
                self.notice, self.session, self.last, self.csv]

    def _wire(self) -> None:
        ask_inputs = [self.message, self.chatbot, self.location, self.geo, self.session, self.last]
        for event in (self.send.click, self.message.submit):
            event(self.ask, ask_inputs, self._outputs(), show_progress="minimal").then(
                lambda: "", None, self.message)
        for examples in self.examples:  # an example asks at once (it only filled the box before)
            examples.load_input_event.then(self.ask, ask_inputs, self._outputs(), show_progress="minimal").then(
                lambda: "", None, self.message)
        self.chips.input(self.search_by_chips, [self.chips, self.chatbot, self.location, self.geo, self.last],
                         self._outputs(), show_progress="minimal")
        self.detail_pick.input(self.show_detail, [self.detail_pick], [self.detail])  # user's choice only
        self.cards.select(self.open_card, None, [self.detail_pick, self.detail, self.tabs]).then(
            None, js=FOCUS_DETAIL_JS)
        self.geo_button.click(None, [self.location], [self.geo, self.location], js=GEO_JS)
        region_inputs = [self.region_pref, self.region_level, self.region_indicator, self.region_area]
        region_outputs = [self.region_view, self.region_area, self.region_csv, self.region_xlsx]
        self.region_show.click(self.show_region, region_inputs, region_outputs, show_progress="minimal")
        for control in (self.region_indicator, self.region_area):  # redraw the chart when only the view changes
            control.input(self.show_region, region_inputs, region_outputs, show_progress="minimal")

    def _render(self, history: list[dict[str, Any]], view: AnswerView, geo: str | None) -> Iterator[tuple]:
        """Yield the chat growing chunk by chunk, then the full page state."""
        for chunk in stream_chunks(view.text, size=max(12, len(view.text) // 25)):
            yield (history + [{"role": "assistant", "content": chunk}], *([gr.skip()] * 9))
            time.sleep(0.02)  # short pauses so the reply visibly flows in
        final = history + [{"role": "assistant", "content": view.text}]
        if not view.replaces_results:  # a Q&A answer or an error keeps the facility list and notice on screen
            skip = gr.skip()
            yield (final, skip, skip, view.citations, skip, skip, skip, view.session_id or skip, skip, skip)
            return
        notice = gr.update(value=f"⚠ {view.notice}", visible=True) if view.notice else gr.update(visible=False)
        csv_path = self.csv_files.write(view.csv_text)
        yield (
            final,
            view.cards,
            view.plot or render.position_svg([], None),
            view.citations,
            gr.update(value=view.chips),
            gr.update(choices=view.detail_choices, value=None),
            notice,
            view.session_id or gr.skip(),  # an explicit chip search has no session: keep the conversation
            view.answer,
            gr.update(value=csv_path, visible=csv_path is not None),
        )

    def _safely(self, history: list[dict[str, Any]], call: Any, last: dict, geo: str | None) -> Iterator[tuple]:
        try:
            answer = self.holder.call(call).to_dict()
        except _EXPECTED as exc:
            yield from self._render(history, error_view(str(exc), last), geo)
            return
        except Exception:  # the page must never show a stack trace
            yield from self._render(history, error_view("内部エラーが発生しました。もう一度お試しください。", last), geo)
            return
        yield from self._render(history, view_of(answer, geo), geo)

    def ask(self, message: str, history: list, location: str, geo: str, session: str, last: dict) -> Iterator:
        """Send the question to the assistant and stream the reply."""
        history = list(history or [])
        text = (message or "").strip()
        if not text:
            yield (history, *([gr.skip()] * 9))
            return
        history.append({"role": "user", "content": text})
        yield (history + [{"role": "assistant", "content": "…"}], *([gr.skip()] * 9))
        loc = location_for(location, geo)
        yield from self._safely(history, lambda a: a.ask(text, session_id=session or None, location=loc), last, geo)

    def search_by_chips(self, chips: list[str], history: list, location: str, geo: str, last: dict) -> Iterator:
        """Search again with the filters chosen on the chips (plus the non-chip conditions understood before)."""
        filters = render.filters_from_chips(chips or [], (last or {}).get("filters") or [])
        history = list(history or []) + [{"role": "user", "content": "（絞り込み）" + ("・".join(chips) or "条件なし")}]
        loc = location_for(location, geo)
        if loc is None:  # keep the place the assistant understood from the earlier question
            loc = ((last or {}).get("location") or {}).get("text") or None
        yield from self._safely(history, lambda a: a.search_facilities(filters, location=loc), last, geo)

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
            return f'<div class="kakari-empty">{exc}</div>'
        if record is None:
            return '<div class="kakari-empty">この医療機関の情報は見つかりませんでした。もう一度検索してください。</div>'
        return render.facility_notice_html(record)


def build_blocks(holder: AssistantHolder, csv_files: CsvFiles | None = None) -> gr.Blocks:
    """The Gradio Blocks of the chat page."""
    return _Page(holder, csv_files or CsvFiles()).build()


def mount_ui(app: FastAPI, holder: AssistantHolder, path: str = "/ui") -> FastAPI:
    """Mount the chat page on ``app`` at ``path`` (same process, same port as the API)."""
    csv_files = CsvFiles()
    blocks = build_blocks(holder, csv_files)
    return gr.mount_gradio_app(
        app, blocks, path=path, footer_links=[], run_history=False, ssr_mode=False,
        allowed_paths=[str(csv_files.folder)], css_paths=[STATIC / "kakari.css"],
        theme=gr.themes.Soft(primary_hue="teal", text_size="lg"), mcp_server=False, pwa=False,
        max_file_size=UPLOAD_LIMIT,  # the page has no upload control: anything larger than this is refused
        head=LANG_HEAD,
    )

"""Real browser at phone and desktop sizes: layout, the map (offline), paging, pills, 新しい検索, the export, axe-core."""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser_ui import SCREENSHOT, _save_small, _wait, chrome, server  # noqa: F401

pytestmark = pytest.mark.browser

AXE = Path(sys.prefix) / "npm" / "node_modules" / "axe-core" / "axe.min.js"  # `make install-dev` puts it there
QUESTION = "高知市で24時間往診してくれる診療所を探しています"  # 12 matches in the sample, 10 per page
ENGLISH_JS = """
return [...document.querySelectorAll('button, [aria-label], [title], label')]
  .filter(e => e.offsetParent !== null && !e.closest('.leaflet-control-attribution'))
  .map(e => (e.getAttribute('aria-label') || e.getAttribute('title') || e.innerText || '').trim())
  .filter(t => /^[A-Za-z][A-Za-z ]{3,}$/.test(t));
"""
SMALL_TEXT_JS = """
return [...document.querySelectorAll(arguments[0] + ' *')].filter(e => e.offsetParent !== null
    && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
    && parseFloat(getComputedStyle(e).fontSize) < 16).map(e => e.className + ': ' + e.textContent.trim().slice(0, 20));
"""


def _size(driver, width: int, height: int) -> None:
    """Emulate a screen (a phone below 800 px: mobile viewport, touch-sized layout)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800})
    time.sleep(0.3)


@pytest.fixture
def page(tmp_path: Path) -> Iterator:
    with chrome(tmp_path / "profile") as driver:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
        yield driver


def _open(driver, url: str, width: int, height: int) -> None:
    _size(driver, width, height)
    driver.get(url + "/ui/")
    _wait(driver, "#kakari-message textarea", timeout=60)
    time.sleep(0.5)


def _ask(driver, question: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "#kakari-message textarea")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "#kakari-send").click()


def _cards(driver, count: int | None = None, timeout: float = 120) -> int:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def ready(d) -> bool:
        n = len(d.find_elements(By.CSS_SELECTOR, "#kakari-cards .kakari-card"))
        return n > 0 if count is None else n == count
    WebDriverWait(driver, timeout).until(ready)
    time.sleep(0.4)  # the chained scroll script runs after the answer
    return len(driver.find_elements(By.CSS_SELECTOR, "#kakari-cards .kakari-card"))


def _audit(driver) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (`make install-dev` installs it from npm)")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations.map(v => ({id: v.id,"
        " impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))).catch(e => done([{id: String(e),"
        " impact: 'critical', nodes: []}]));")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def _tap(driver, element) -> None:
    """Scroll an element to the middle of the screen (clear of the sticky question box), then click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _box(driver, css: str) -> dict:
    return driver.execute_script(
        "const b = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {top: b.top, bottom: b.bottom, left: b.left, right: b.right};", css)


def test_phone_input_first_then_answer_and_results(server: str, page) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    _open(page, server, 390, 844)
    assert page.execute_script("return document.documentElement.lang") == "ja"
    assert page.execute_script("return window.scrollY") == 0
    ask = _box(page, "#kakari-ask")
    assert ask["top"] >= 0 and ask["bottom"] <= 844, ask  # the question box is on screen without scrolling
    examples = page.find_elements(By.CSS_SELECTOR, "#kakari-examples button.gallery-item, #kakari-examples .gallery")
    assert not [e for e in examples if e.is_displayed()], "the examples are folded away"
    assert page.execute_script("return document.documentElement.scrollWidth") <= 390

    _ask(page, QUESTION)
    _cards(page, 10)
    chat, ask = _box(page, "#kakari-chat"), _box(page, "#kakari-ask")
    assert -2 <= chat["top"] < 200, chat  # the page went back to the answer
    assert ask["bottom"] <= 846  # the question box stays on screen
    assert _box(page, "#kakari-pills")["top"] > chat["top"]  # conditions, then results, under the answer
    assert _box(page, "#kakari-tabs")["top"] > _box(page, "#kakari-pills")["top"]
    assert _box(page, "#kakari-cards .kakari-card")["top"] < ask["top"]  # the first card shows above the box
    assert page.execute_script(SMALL_TEXT_JS, "#kakari-cards") == []
    assert page.execute_script(SMALL_TEXT_JS, "#kakari-chat") == []
    assert page.execute_script(ENGLISH_JS) == [], "every control speaks Japanese"
    assert _audit(page) == []
    shot = page.get_screenshot_as_png()
    (out := SCREENSHOT.with_name("ui-390.png")).write_bytes(shot)
    _save_small(out, out)


def test_no_horizontal_overflow_from_360_to_1440(server: str, page) -> None:  # noqa: F811
    _open(page, server, 1366, 900)
    _ask(page, QUESTION)
    _cards(page, 10)
    widths = {}
    for width in (360, 390, 414, 600, 768, 1024, 1280, 1366, 1440):
        _size(page, width, 900)
        widths[width] = page.execute_script("return document.documentElement.scrollWidth")
    assert all(scroll <= width for width, scroll in widths.items()), widths


def test_map_markers_match_the_cards_and_the_map_works_offline(server: str, page) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(page, server, 1366, 900)
    _ask(page, QUESTION)
    cards = _cards(page, 10)
    page.find_element(By.XPATH, "//button[@role='tab' and contains(., '地図')]").click()
    markers = _wait(page, "#kakari-map .leaflet-marker-icon.kakari-marker", timeout=30)
    assert len(markers) == cards
    assert sorted(int(m.text) for m in markers) == list(range(1, cards + 1))  # numbered like the cards
    assert len(page.find_elements(By.CSS_SELECTOR, "#kakari-map .kakari-marker-origin")) == 1
    # This machine has no internet: the tiles fail, the map stays with its markers and says why.
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kakari-map .kakari-map-offline"))
    assert "タイル" in page.find_element(By.CSS_SELECTOR, "#kakari-map .kakari-map-note").text
    credit = page.find_element(By.CSS_SELECTOR, "#kakari-map .leaflet-control-attribution a")
    assert credit.text == "地理院タイル" and credit.get_attribute("href").startswith("https://maps.gsi.go.jp/")
    assert "基準地点" in page.find_element(By.CSS_SELECTOR, "#kakari-map .kakari-map-basis").text
    assert _audit(page) == []
    page.find_element(By.XPATH, "//button[@role='tab' and contains(., '検索結果')]").click()
    time.sleep(0.5)
    shot = page.get_screenshot_as_png()
    (out := SCREENSHOT.with_name("ui-1366.png")).write_bytes(shot)
    _save_small(out, out)


def test_without_leaflet_the_svg_view_shows_the_results(server: str, page) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    page.execute_cdp_cmd("Network.enable", {})
    page.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/map-assets/leaflet.js"]})  # as if npm was missing
    _open(page, server, 1366, 900)
    _ask(page, QUESTION)
    _cards(page, 10)
    page.find_element(By.XPATH, "//button[@role='tab' and contains(., '地図')]").click()
    WebDriverWait(page, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#kakari-map .kakari-map-missing"))
    svg = page.find_element(By.CSS_SELECTOR, "#kakari-map .kakari-map-fallback svg")
    assert svg.is_displayed() and len(svg.find_elements(By.CSS_SELECTOR, "circle")) == 10


def _downloaded(folder: Path, suffix: str, timeout: float = 30) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size]
        if done:
            return done[0]
        time.sleep(0.3)
    pytest.fail(f"no {suffix} file was downloaded to {folder}: {list(folder.iterdir())}")


def test_more_export_pills_and_new_search(server: str, page, tmp_path: Path) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(page, server, 1366, 900)
    _ask(page, QUESTION)
    _cards(page, 10)
    page.find_element(By.ID, "kakari-more").click()  # the same result, next page
    assert _cards(page, 12) == 12
    WebDriverWait(page, 10).until(lambda d: not [b for b in d.find_elements(By.ID, "kakari-more") if b.is_displayed()])

    page.find_element(By.ID, "kakari-csv").click()
    saved = _downloaded(tmp_path, ".csv")
    assert saved.name.startswith("kakari_医療機関_高知県高知市_") and "24時間" in saved.name
    text = saved.read_bytes().decode("utf-8-sig")
    head, table = text.split("\r\n\r\n", 1)
    assert "条件：" in head and "報告基準日：" in head and "作成日：" in head and "架空" in head
    assert len(list(csv.reader(io.StringIO(table)))) == 12 + 1  # every match, not only the first page

    pills = page.find_elements(By.CSS_SELECTOR, "#kakari-pills .kakari-pill")
    assert len(pills) == 2
    next(p for p in pills if "診療所" in p.text).click()
    WebDriverWait(page, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#kakari-pills .kakari-pill")) == 1)
    checked = page.execute_script(
        "return [...document.querySelectorAll('#kakari-chips input:checked')].map(i => i.labels[0].innerText.trim())")
    assert checked == ["24時間"], checked  # the chips follow the pills

    page.find_element(By.ID, "kakari-new").click()
    WebDriverWait(page, 30).until(lambda d: "まだありません" in d.find_element(By.ID, "kakari-cards").text)
    assert page.find_elements(By.CSS_SELECTOR, "#kakari-pills .kakari-pill") == []
    assert page.execute_script("return document.querySelectorAll('#kakari-chips input:checked').length") == 0
    assert page.find_elements(By.CSS_SELECTOR, "#kakari-chat .message-row, #kakari-chat [data-testid='user']") == []


def test_qa_answer_and_region_view_pass_the_audit(server: str, page) -> None:  # noqa: F811
    from selenium.webdriver.common.by import By

    _open(page, server, 390, 844)
    _ask(page, "かかりつけ医機能報告の対象となる医療機関は？")
    _tap(page, _wait(page, "#kakari-citations .kakari-citation summary")[0])
    assert _audit(page) == []
    _tap(page, page.find_element(By.XPATH, "//button[@role='tab' and contains(., '地域の状況')]"))
    _tap(page, _wait(page, "#kakari-region-show", timeout=30)[0])
    _wait(page, "#kakari-region-view svg rect", timeout=120)
    problems = _audit(page)
    assert problems == [], json.dumps(problems, ensure_ascii=False)

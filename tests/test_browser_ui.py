"""Real browser: headless Debian Chromium loads the chat page served by `kakari serve`, asks, sees evidence and a Q citation."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
SCREENSHOT = ROOT / "docs" / "screenshots" / "ui.png"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1360,1500", "--lang=ja")


def _require_chromium() -> None:
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian chromium / chromium-driver are not installed (run `make browser`)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_health(url: str, proc: subprocess.Popen, timeout: float) -> float:
    """Seconds until /api/health answers; fails if the server dies or never answers."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            pytest.fail(f"kakari serve exited early:\n{proc.stderr.read() if proc.stderr else ''}")
        try:
            with urllib.request.urlopen(url + "/api/health", timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.2)
    pytest.fail("kakari serve did not answer /api/health in time")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kakari serve` on a free localhost port with its data directory in tmp."""
    _require_chromium()
    port = _free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(tmp_path_factory.mktemp("serve-data")),
           "ANONYMIZED_TELEMETRY": "False", "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1",
           "KAKARI_RETRIEVAL_EMBEDDER": "none"}  # BM25 only: keeps the first answer fast on a 2-core CI runner
    cmd = [sys.executable, "-c", "from ui.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        seconds = _wait_for_health(url, proc, timeout=60)
        assert seconds < 30, f"health took {seconds:.1f}s"
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def chrome(profile: Path, log_network: bool = False) -> Iterator:
    """Headless Chromium through Debian's chromedriver (Selenium Manager never downloads anything);
    ``log_network`` keeps the performance log (every request the page makes)."""
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if log_network:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with chrome(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def _ask(driver, question: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "#kakari-message textarea")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "button#kakari-send, #kakari-send button, #kakari-send").click()


def _wait(driver, css: str, timeout: float = 240) -> list:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(lambda d: d.find_elements(By.CSS_SELECTOR, css))
    return driver.find_elements(By.CSS_SELECTOR, css)


def test_chat_page_facility_and_qa_answers(server: str, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    assert "架空のサンプルデータ" in browser.find_element(By.ID, "kakari-notice").text
    assert browser.find_element(By.ID, "kakari-about").text.startswith("このアプリについて")

    _ask(browser, "高知市で24時間往診してくれる診療所を探しています")
    cards = _wait(browser, "#kakari-cards .kakari-card .kakari-evidence li")
    assert cards and cards[0].text.strip()
    checked = [c.get_attribute("value") or c.accessible_name for c in
               browser.find_elements(By.CSS_SELECTOR, "#kakari-chips input:checked")]
    assert checked, "the chips should show the conditions the assistant understood"

    # Ticking a chip searches again with that condition added; the cards then carry its evidence.
    browser.find_element(By.XPATH, "//*[@id='kakari-chips']//label[contains(., 'ACP')]").click()
    WebDriverWait(browser, 120).until(
        lambda d: "ACP" in d.find_element(By.ID, "kakari-cards").text
        or "見つかりません" in d.find_element(By.ID, "kakari-cards").text)

    _ask(browser, "かかりつけ医機能報告の対象となる医療機関は？")
    summaries = _wait(browser, "#kakari-citations .kakari-citation summary")
    assert any(s.text.strip().startswith("Q") for s in summaries), [s.text for s in summaries]
    summaries[0].click()  # expands in place
    assert browser.find_element(By.CSS_SELECTOR, "#kakari-citations details[open] blockquote").text.strip()

    # Show the latest turn in the chat log, and the top of the page, in the screenshot.
    browser.execute_script(
        "document.querySelectorAll('#kakari-chat *').forEach(e => { if (e.scrollHeight > e.clientHeight + 4) "
        "e.scrollTop = e.scrollHeight; }); window.scrollTo(0, 0);")
    time.sleep(0.5)
    shot = tmp_path / "ui.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    _save_small(shot, SCREENSHOT)


def _save_small(src: Path, dest: Path) -> None:
    """Keep the committed screenshot small: a 128-colour palette PNG (text stays crisp)."""
    from PIL import Image

    with Image.open(src) as image:
        image.convert("RGB").quantize(colors=128).save(dest, optimize=True)


# ---- keyboard only: Tab / Enter / Space, no mouse -------------------------------------------------------------

_ACTIVE_JS = """
const a = document.activeElement;
if (!a || a === document.body) return '';
const owner = a.closest('[id^="kakari-"]');
return [owner ? owner.id : '', a.tagName.toLowerCase(), a.getAttribute('role') || '',
        a.getAttribute('aria-label') || a.getAttribute('value') || (a.innerText || '').slice(0, 30)].join('|');
"""


def _tab_until(driver, wanted, limit: int = 80, back: bool = False) -> list[str]:
    """Press Tab (Shift+Tab when ``back``) until ``wanted(active)`` holds; the visited stops, in order."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    visited = []
    for _ in range(limit):
        chain = ActionChains(driver)
        if back:
            chain.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        else:
            chain.send_keys(Keys.TAB).perform()
        active = driver.execute_script(_ACTIVE_JS)
        visited.append(active)
        if wanted(active):
            return visited
    pytest.fail(f"not reached with the keyboard; visited: {visited}")


def _press(driver, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def _card_name(aria_label: str) -> str:
    """「2. 名称（1.2 km）」 → 名称."""
    return aria_label.split(". ", 1)[1].rsplit("（", 1)[0]


def _focus_ring(driver) -> str:
    return driver.execute_script("return getComputedStyle(document.activeElement).outlineStyle;")


def _detail_shows(driver, name: str):
    from selenium.webdriver.common.by import By

    def check(d) -> bool:
        text = d.find_element(By.ID, "kakari-detail").text
        return d.find_element(By.ID, "kakari-detail").is_displayed() and name in text and "報告基準日" in text
    return check


def test_keyboard_only_question_and_card_detail(server: str, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")

    # Tab reaches the question box first among the page's own controls, then 送信, the place, 現在地, the chips.
    order = _tab_until(browser, lambda a: a.startswith("kakari-chips|input"))
    owners = [a.split("|")[0] for a in order if a]
    firsts = [owners.index(x) for x in ("kakari-message", "kakari-send", "kakari-location", "kakari-geo", "kakari-chips")]
    assert firsts == sorted(firsts), owners
    assert _focus_ring(browser) != "none" or browser.execute_script(
        "return getComputedStyle(document.activeElement.closest('label')).outlineStyle") != "none"
    labels = browser.execute_script(
        "return [...document.querySelectorAll('#kakari-chips input')].map(i => i.labels.length && i.labels[0].innerText)")
    assert all(labels) and "ACP" in labels

    # Back to the question box, type, Enter sends.
    _tab_until(browser, lambda a: a.startswith("kakari-message|textarea"), back=True)
    _press(browser, "高知市で24時間往診してくれる診療所を探しています", Keys.ENTER)
    cards = _wait(browser, "#kakari-cards .kakari-card[tabindex='0']")
    assert len(cards) >= 2
    names = [c.find_element(By.CSS_SELECTOR, "h2").text for c in cards]
    assert browser.find_element(By.CSS_SELECTOR, "#kakari-message textarea").get_attribute("value") == ""

    # Tab on to the first card: it is focusable, labelled with its name and distance, and shows a focus ring.
    first = _tab_until(browser, lambda a: a.startswith("kakari-cards|article"))[-1]
    label = first.split("|")[3]
    assert label.startswith("1. ") and ("km" in label or "距離不明" in label), label
    name1 = _card_name(label)
    assert name1 in names[0]
    assert _focus_ring(browser) != "none"
    _press(browser, Keys.ENTER)
    WebDriverWait(browser, 60).until(_detail_shows(browser, name1))
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(_ACTIVE_JS).startswith("kakari-detail|article"))
    assert browser.find_element(By.CSS_SELECTOR, "#kakari-detail-pick input").get_attribute("value").endswith(name1)

    # Shift+Tab back to the 検索結果 tab, Enter, then Space on the second card opens that one.
    _tab_until(browser, lambda a: "|tab|" in a and "検索結果" in a, back=True)
    _press(browser, Keys.ENTER)
    second = _tab_until(browser, lambda a: a.startswith("kakari-cards|article") and a.split("|")[3].startswith("2. "))
    name2 = _card_name(second[-1].split("|")[3])
    assert name2 in names[1]
    _press(browser, Keys.SPACE)
    WebDriverWait(browser, 60).until(_detail_shows(browser, name2))


def test_region_view_draws_bars_and_offers_the_sheets(server: str, browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    browser.find_element(By.XPATH, "//button[@role='tab' and contains(., '地域の状況')]").click()
    _wait(browser, "#kakari-region-show", timeout=30)[0].click()
    bars = _wait(browser, "#kakari-region-view svg rect", timeout=120)
    assert len(bars) == 4  # 高知県's four 二次医療圏
    view = browser.find_element(By.ID, "kakari-region-view").text
    assert "幡多医療圏" in view and "架空" in view and "国土数値情報" in view
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, "kakari-region-xlsx").is_displayed())
    browser.execute_script("document.getElementById('kakari-region-view').scrollIntoView()")
    time.sleep(0.3)
    shot = tmp_path / "regions.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    _save_small(shot, SCREENSHOT.with_name("regions.png"))

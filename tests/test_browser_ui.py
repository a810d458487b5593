"""Real browser: headless Debian Chromium loads the chat page served by `kakari serve`, asks, sees evidence and a Q citation."""

from __future__ import annotations

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


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Headless Chromium through Debian's chromedriver (Selenium Manager never downloads anything)."""
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


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

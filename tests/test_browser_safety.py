"""Real browser, on a server whose imported dataset holds hostile names, partners and addresses.

The page must hold no <img>, <form>, password box or link from the data and must never request the beacon;
it declares Japanese, says a location failure without an alert(), and asks an example question when clicked.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from corpus.dataset import save_dataset
from corpus.facility import HomeCare
from tests.data.assistant_facilities import BASE, KOCHI, RECORDS
from tests.test_browser_ui import (
    ROOT,
    _ask,
    _free_port,
    _require_chromium,
    _wait,
    _wait_for_health,
    chrome,
)

pytestmark = pytest.mark.browser

BEACON_HOST = "beacon.invalid"
BEACON = f'<img src="http://{BEACON_HOST}/x.png" id="kakari-beacon">'
FORM = '<form id="kakari-phish" action="http://phish.invalid"><input type="password" name="p"></form>'
LINK = "[ログインはこちら](http://phish.invalid/login)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    data = tmp_path_factory.mktemp("hostile-data")
    evil = dataclasses.replace(BASE, id="T-EVIL", name=f"架空{LINK}診療所{BEACON}（サンプル）", lat=KOCHI[0] + 0.001,
                               address=f"高知市{FORM}", home_care=HomeCare(mode="24h_self", partners=(BEACON, FORM),
                                                 home_visits=900, urgent_visits=900))  # listed first
    twin = dataclasses.replace(evil, id="T-EVIL2", lat=KOCHI[0] + 0.0015)
    save_dataset(data / "facilities", [evil, twin, *RECORDS], "test:hostile")
    port = _free_port()
    env = {**os.environ, "KAKARI_DATA_DIR": str(data), "ANONYMIZED_TELEMETRY": "False",
           "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "KAKARI_RETRIEVAL_EMBEDDER": "none"}
    cmd = [sys.executable, "-c", "from ui.cli import main; main()", "serve", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_health(url, proc, timeout=60)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    with chrome(tmp_path_factory.mktemp("chromium-safety"), log_network=True) as driver:
        yield driver


def test_hostile_data_is_shown_as_text_in_the_page(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    assert browser.execute_script("return document.documentElement.lang") == "ja"  # screen readers read Japanese
    _ask(browser, "高知市で24時間往診してくれる診療所")
    _wait(browser, "#kakari-cards .kakari-card")
    assert "ログインはこちら" in browser.find_element(By.ID, "kakari-cards").text  # the hostile name, as text
    _ask(browser, "1番目の連携先は？")  # partner names go into the chat's Markdown
    deadline = time.monotonic() + 90
    while "連携先" not in browser.find_element(By.ID, "kakari-chat").text.split("1番目の連携先は？")[-1] \
            and time.monotonic() < deadline:
        time.sleep(0.5)
    chat = browser.find_element(By.ID, "kakari-chat")
    assert "kakari-beacon" in chat.text or "img src" in chat.text  # the partner name is shown as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#kakari-beacon, #kakari-phish, input[type=password]")
    active = browser.execute_script(
        "return [...document.querySelectorAll(\"a[href*='phish.invalid'], img[src*='beacon']\")]"
        ".map(e => (e.closest('[id]') || {}).id + ': ' + e.outerHTML.slice(0, 160))")
    assert not active, active
    requests = [entry["message"] for entry in browser.get_log("performance")]
    assert not any(BEACON_HOST in message for message in requests), "the page requested the beacon"


def test_a_location_failure_is_said_next_to_the_button_not_in_an_alert(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    browser.execute_script(  # no permission here: make the browser's geolocation fail at once
        "navigator.geolocation.getCurrentPosition = (ok, ng) => ng(new Error('denied'));")
    browser.find_element(By.CSS_SELECTOR, "#kakari-geo, #kakari-geo button").click()
    note = _wait(browser, "#kakari-geo-note", timeout=20)[0]
    assert "現在地を取得できませんでした" in note.text and note.get_attribute("role") == "status"
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def test_an_example_question_is_asked_when_clicked(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/ui/")
    _wait(browser, "#kakari-message textarea", timeout=60)
    example = "かかりつけ医機能報告制度とは何ですか？"
    browser.find_element(By.XPATH, "//*[@id='kakari-examples']//button[contains(., '質問の例')]").click()  # folded
    _wait(browser, "#kakari-examples button", timeout=10)
    browser.find_element(By.XPATH, f"//button[contains(., '{example}')]").click()
    WebDriverWait(browser, 120).until(lambda d: "要点" in d.find_element(By.ID, "kakari-chat").text)
    assert example in browser.find_element(By.ID, "kakari-chat").text

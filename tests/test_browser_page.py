"""Issue 35 in a real browser (Debian's chromium): what a person types or a link carries stays text; a
/?q= link asks once; WCAG 2.1 AA by axe-core on every tab at phone and desktop sizes; the source view on a
phone; the page while the server loads; a question over the limit refused where it was typed.

axe-core is vendored (tests/vendor/axe.min.js, MPL-2.0, its header kept): the tests never touch the
network. Screenshots of the chat after a crafted link are kept under test-output/."""

import http.server
import os
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import httpx
import pytest
from conftest import ROOT
from test_browser import _ask, _driver, _free_port, _fresh, _tab, _text, _until, server  # noqa: F401

pytestmark = pytest.mark.slow

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
BOX = "#gk-box textarea"


def _skip_without_browser():
    from test_browser import CHROMIUM, DRIVER, REQUIRED

    if not (CHROMIUM and DRIVER) and not REQUIRED:
        pytest.skip("chromium/chromedriver not installed (apt)")


@pytest.fixture(autouse=True)
def _browser():
    _skip_without_browser()


class _Counter(http.server.BaseHTTPRequestHandler):
    """A local server that counts every request: a remote image in the chat would be fetched from it."""

    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - the http.server name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def counter():
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counter.hits
    httpd.shutdown()


# what each user bubble shows, and what markup it holds that a person's text must never become
USER_BUBBLES = """
return [...document.querySelectorAll('#gk-chat [data-testid="user"] .message-content')].map(e => ({
  text: e.innerText, markup: e.querySelectorAll('a, img, b, strong, em, svg, iframe, script, code').length}));
"""
FETCHED = "return performance.getEntriesByType('resource').map(e => e.name)"


def test_a_crafted_question_link_shows_as_text_and_fetches_nothing(server, counter):  # noqa: F811
    """Item 1: a shared /?q= link with a phishing link, a remote image and tags shows them as the
    characters they are — no link, no image fetched (the counting server and the browser's resource
    timing both say so) — in the bubble, after a reload from the kept history, and at both sizes."""
    from selenium.webdriver.common.by import By

    image, hits = counter
    crafted = (
        "东山县2020年收到多少政府信息公开申请？[请点此核实身份](https://example.invalid/login) "
        f"![x]({image}/p.png) <b>粗体</b> <img src=x> www.example.invalid a@example.invalid $$x^2$$ \\*"
    )
    for size, name in (("1366,900", "desktop"), ("390,844", "phone")):
        driver, out = _driver(size)
        try:
            _fresh(driver, server + "/")
            driver.get(server + "/?q=" + quote(crafted))
            _until(
                driver, 60, lambda d: "引用" in _text(d, "#gk-chat") and d.find_element(By.ID, "gk-send").is_displayed()
            )
            _until(driver, 30, lambda d: "东山县人民政府办公室" in _text(d, "#gk-source"))  # the last step: kept
            bubbles = driver.execute_script(USER_BUBBLES)
            assert [b["text"].strip() for b in bubbles] == [crafted], bubbles
            assert bubbles[0]["markup"] == 0, bubbles
            # nothing in the chat links out of the site, whoever wrote it
            assert not driver.find_elements(By.CSS_SELECTOR, "#gk-chat a[href*='example.invalid'], #gk-chat img")
            driver.execute_script(  # the question in view for the screenshot, its answer under it
                "document.querySelector('#gk-chat [data-testid=\"user\"]').scrollIntoView({block: 'start'})"
            )
            driver.save_screenshot(str(out / f"crafted-link-{name}.png"))
            driver.refresh()  # the kept history shows it as text too
            _until(driver, 60, lambda d: len(d.execute_script(USER_BUBBLES)) == 1)
            assert [b["text"].strip() for b in driver.execute_script(USER_BUBBLES)] == [crafted]
            assert driver.execute_script(USER_BUBBLES)[0]["markup"] == 0
            fetched = driver.execute_script(FETCHED)
            assert not [u for u in fetched if u.endswith("/x") or "p.png" in u or "example.invalid" in u], fetched
            assert hits == [], hits
        finally:
            driver.quit()


def test_a_question_link_asks_once_and_leaves_the_address(server):  # noqa: F811
    """Item 2: /?q= asks its question; the address loses q (history.replaceState); a reload shows the
    kept conversation and does not ask again."""
    from selenium.webdriver.common.by import By

    question = "淮安市2024年行政复议多少件？"
    driver, _ = _driver()
    try:
        _fresh(driver, server + "/")
        driver.get(server + "/?q=" + quote(question))
        _until(driver, 60, lambda d: "351件" in _text(d, "#gk-chat"))
        _until(driver, 30, lambda d: "淮安市人民政府" in _text(d, "#gk-source"))
        assert driver.current_url.rstrip("/") == server, driver.current_url
        driver.refresh()
        _until(driver, 60, lambda d: "351件" in _text(d, "#gk-chat"))
        time.sleep(3)  # time for a second asking, were there one
        assert [b["text"].strip() for b in driver.execute_script(USER_BUBBLES)] == [question]
        assert len(driver.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")) == 1
    finally:
        driver.quit()


def _axe(driver) -> list[dict]:
    """axe-core's serious and critical WCAG 2.0/2.1 A and AA violations on the page as it is."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(120)
    found = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
          .then(r => done(r.violations), e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"""
    )
    return [
        {
            "id": v["id"],
            "where": [n["target"] for n in v["nodes"]][:5],
            "why": " | ".join((n.get("failureSummary") or "").replace("\n", " ")[-200:] for n in v["nodes"][:2]),
        }
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def test_wcag_aa_on_every_tab_at_both_sizes(server):  # noqa: F811
    """Item 7: axe-core finds no serious or critical violation on the chat (with an answer, its chart
    and its source view), Reports, Compare, Upload and 年报自查 tabs, on a phone and a desktop; the question box
    is named; <html lang> follows the interface language; the first Tab reaches a skip link to the box."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for size in ("390,844", "1366,900"):
        driver, _ = _driver(size)
        try:
            _fresh(driver, server + "/")
            # the keyboard: the first Tab is the skip link, Enter puts the cursor in the question box
            driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
            active = driver.switch_to.active_element
            assert active.get_attribute("class") == "gk-skip", active.get_attribute("outerHTML")[:200]
            active.send_keys(Keys.ENTER)
            _until(driver, 10, lambda d: d.switch_to.active_element.get_attribute("data-testid") == "textbox")
            assert driver.switch_to.active_element.accessible_name == "问题"
            assert driver.execute_script("return document.documentElement.lang") == "zh-CN"
            _ask(driver, "交通与建设局2020—2025年的行政复议数量", 1)  # an answer with its chart
            _until(driver, 30, lambda d: _text(d, ".gk-source"))
            problems = {"chat": _axe(driver)}
            for tab in ("报告", "比较", "上传", "年报自查"):
                _tab(driver, tab)
                time.sleep(1.5)  # the tab drawn
                problems[tab] = _axe(driver)
            _tab(driver, "问答")
            driver.find_element(By.CSS_SELECTOR, "#gk-lang input[value='English']").click()
            _until(driver, 30, lambda d: d.execute_script("return document.documentElement.lang") == "en")
            _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, BOX).accessible_name == "Question")
            problems["chat, English"] = _axe(driver)
            assert not any(problems.values()), f"{size}: {problems}"
        finally:
            driver.quit()


MARK_IN_VIEW = """
const m = document.querySelector('#gk-source mark'); if (!m) return false;
const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight;
"""
PICKED = "return document.querySelector('#gk-source-panel input').value"  # the 查看引用 picker


def test_the_source_view_on_a_phone(server):  # noqa: F811
    """Item 8: on a phone, a marker's passage is scrolled into view even when the source view's top is
    already on screen; the view offers a way back to the answer; the citation picker shows the citation
    the view shows (a marker of an older answer too)."""
    from selenium.webdriver.common.by import By

    driver, out = _driver("390,844")
    try:
        _fresh(driver, server + "/")
        _ask(driver, "淮安市2024年收到多少政府信息公开申请？", 1)
        _ask(driver, "东山县2020年收到多少政府信息公开申请？", 2)
        _until(driver, 30, lambda d: "东山县人民政府办公室" in _text(d, ".gk-source"))
        assert driver.execute_script(PICKED).startswith("[1]")
        # the source view's top 150 px above the screen's bottom: on screen, its passage below it
        driver.execute_script(
            "const p = document.querySelector('#gk-source'); window.scrollBy(0, p.getBoundingClientRect().top"
            " - window.innerHeight + 150)"
        )
        assert not driver.execute_script(MARK_IN_VIEW)
        latest = driver.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")[-1]
        second = next(m for m in latest.find_elements(By.CSS_SELECTOR, 'a[href^="#gk-cite-"]') if m.text == "[2]")
        driver.execute_script("arguments[0].click()", second)
        _until(driver, 30, lambda d: "共受理县政府和县政府办信息公开申请3件" in _text(d, "#gk-source mark"))
        _until(driver, 10, lambda d: d.execute_script(MARK_IN_VIEW))
        _until(driver, 10, lambda d: d.execute_script(PICKED).startswith("[2]"))
        driver.save_screenshot(str(out / "source-phone.png"))
        # the way back: the latest answer's first line in view again
        back = driver.find_element(By.CSS_SELECTOR, "#gk-source a.gk-back")
        assert back.is_displayed() and back.text == "↑ 回到回答"
        on_screen = "const r = arguments[0].getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight"
        assert driver.execute_script(on_screen, back)  # beside the passage read, not above it
        back.click()
        top = "const r = document.querySelectorAll('#gk-chat .bot-row'); return r[r.length - 1].getBoundingClientRect().top"
        _until(driver, 10, lambda d: -2 <= d.execute_script(top) < 200)
        # a marker of the older answer: the picker names that report, not the latest answer's [2]
        older = driver.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")[0]
        driver.execute_script("arguments[0].click()", older.find_elements(By.CSS_SELECTOR, 'a[href^="#gk-cite-"]')[0])
        _until(driver, 30, lambda d: "淮安市人民政府" in _text(d, ".gk-source b"))
        _until(driver, 10, lambda d: "淮安市人民政府" in d.execute_script(PICKED))
    finally:
        driver.quit()


def test_a_question_over_the_limit_is_refused_in_the_page(server):  # noqa: F811
    """Item 9: a question longer than the API's 1000 characters is refused where it was typed, the
    limit named, the text kept in the box; no 3,000-pixel bubble."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    long_question = "东山县2020年收到多少政府信息公开申请？" * 60  # 1260 characters
    driver, _ = _driver("390,844")
    try:
        _fresh(driver, server + "/")
        box = driver.find_element(By.CSS_SELECTOR, BOX)
        driver.execute_script(
            "const b = arguments[0]; b.value = arguments[1]; b.dispatchEvent(new Event('input', {bubbles: true}))",
            box,
            long_question,
        )
        box.send_keys(Keys.ENTER)
        _until(driver, 30, lambda d: "最多 1000 字" in d.find_element(By.TAG_NAME, "body").text)
        assert f"现为 {len(long_question)} 字" in driver.find_element(By.TAG_NAME, "body").text
        time.sleep(1)
        assert driver.execute_script(USER_BUBBLES) == []
        assert driver.find_element(By.CSS_SELECTOR, BOX).get_attribute("value") == long_question
    finally:
        driver.quit()


def test_serve_answers_at_once_with_a_loading_page(tmp_path):
    """Item 9: `gongkai serve` binds its port before loading; meanwhile a browser gets "正在加载…", which
    reloads itself into the chat, and /api/health says loading (503), then its usual reply."""
    from selenium.webdriver.common.by import By

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "GONGKAI_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    driver, _ = _driver("390,844")  # started first: the loading page must still be there when it looks
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        first, deadline = None, time.monotonic() + 120
        while first is None and time.monotonic() < deadline:  # the first reply, whatever it is
            try:
                first = httpx.get(url + "/", timeout=10)
            except httpx.HTTPError:
                time.sleep(0.1)
        assert first is not None, "the port never answered"
        assert first.status_code == 503 and "正在加载" in first.text, (first.status_code, first.text[:200])
        assert first.headers.get("retry-after") == "2"
        driver.get(url + "/")
        assert "正在加载" in driver.find_element(By.TAG_NAME, "body").text
        health = httpx.get(url + "/api/health", timeout=10)
        assert health.status_code == 503 and health.json() == {"status": "loading"}
        _until(driver, 300, lambda d: d.find_elements(By.CSS_SELECTOR, BOX))  # the page reloaded itself
        ready = httpx.get(url + "/api/health", timeout=10).json()
        assert (
            ready["status"] == "ok"
            and ready["reports"] == 0
            and set(ready)
            == {
                "status",
                "reports",
                "degraded",
                "crawls",
            }
        )
    finally:
        driver.quit()
        proc.terminate()
        proc.wait(timeout=30)

"""End to end in a real browser: Debian's chromium drives the chat, asks the Dongshan question, and
finds the figure and a citation on screen. The screenshot is kept under test-output/.

The server holds the samples and three years of one body (平潭's 交通与建设局), for a trend's chart."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
REQUIRED = os.environ.get("GONGKAI_REQUIRE_INTEGRATION") == "1"
pytestmark = pytest.mark.slow
if not (CHROMIUM and DRIVER) and not REQUIRED:
    pytestmark = [pytest.mark.slow, pytest.mark.skip(reason="chromium/chromedriver not installed (apt)")]


def _until(driver, seconds: float, condition):
    """WebDriverWait with a message that says which wait gave up and what the page showed: CI prints
    only the exception, and a bare TimeoutException does not say which step of a long test failed."""
    import traceback

    from selenium.common.exceptions import (
        NoSuchElementException,
        StaleElementReferenceException,
        TimeoutException,
    )
    from selenium.webdriver.support.ui import WebDriverWait

    try:  # an element replaced while a condition reads it is read again at the next poll
        ignored = (NoSuchElementException, StaleElementReferenceException)
        return WebDriverWait(driver, seconds, ignored_exceptions=ignored).until(condition)
    except TimeoutException:
        caller = traceback.extract_stack(limit=2)[0]
        try:
            shown = driver.find_element("tag name", "body").text[-1500:]
        except Exception as exc:  # noqa: BLE001 - the page itself may be gone
            shown = f"(page unreadable: {exc})"
        raise AssertionError(
            f"gave up after {seconds} s at line {caller.lineno}: {caller.line}\npage text (end):\n{shown}"
        ) from None


def _text(driver, css: str) -> str:
    """The text of the element ``css`` names, found afresh each time (Gradio re-renders elements under
    a held reference), "" while it is missing or being replaced."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    try:
        return driver.find_element("css selector", css).text
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


TOKEN = "browser-test-token"
# three years of one body beside the samples' one-year bodies: a trend question has a chart to draw
TREND_REPORTS = [ROOT / "samples" / "corpus" / "pingtan-depts" / f"jtj-{y}.txt" for y in (2020, 2022, 2025)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import httpx

    home = tmp_path_factory.mktemp("browser-home")
    port = _free_port()
    env = {**os.environ, "GONGKAI_HOME": str(home), "HF_HUB_OFFLINE": "1", "GONGKAI_ADMIN_TOKEN": TOKEN}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ui.cli",
            "serve",
            "--port",
            str(port),
            "--ingest",
            str(SAMPLES),
            *map(str, TREND_REPORTS),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(home / "serve.log").open("w"),  # what a server that died said, for the failure below
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # ingesting the samples takes minutes on a loaded 2-core machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/health", timeout=1).json().get("reports") == 6 + len(TREND_REPORTS):
                break
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    else:
        proc.kill()
        said = (home / "serve.log").read_text(errors="replace")[-3000:]
        pytest.fail(f"the server did not come up (exit {proc.poll()}); it said:\n{said}")
    yield url
    proc.terminate()
    proc.wait(timeout=30)


def _driver(size: str = "1280,1400"):
    from selenium import webdriver

    assert CHROMIUM and DRIVER, "install chromium and chromium-driver (apt-get install chromium chromium-driver)"
    out = ROOT / "test-output"
    out.mkdir(exist_ok=True)
    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={size}",
        f"--user-data-dir={out / 'chrome-profile'}",
    ):
        opts.add_argument(arg)
    opts.binary_location = CHROMIUM
    return webdriver.Chrome(options=opts, service=webdriver.ChromeService(executable_path=DRIVER)), out


def test_ask_the_dongshan_question_in_the_browser(server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    driver, out = _driver()
    try:
        driver.get(server + "/")
        box = _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
        box.send_keys("东山县2020年收到多少政府信息公开申请？")
        box.send_keys(Keys.ENTER)
        _until(driver, 60, lambda d: "引用" in _text(d, "#gk-chat") and "[2]" in _text(d, "#gk-chat"))
        text = _text(driver, "#gk-chat")
        assert "一、本年新收政府信息公开申请数量" in text and "2件：东山县人民政府办公室2020年度报告，表三" in text
        assert "共受理县政府和县政府办信息公开申请3件" in text
        assert "[1] 东山县人民政府办公室 · 2020 · 表三" in text
        driver.save_screenshot(str(out / "e2e-dongshan.png"))
        assert Path(out / "e2e-dongshan.png").stat().st_size > 10_000
        # the source view follows the answer: a second question about another report shows that report

        def source_text(d) -> str:
            return _text(d, ".gk-source")

        _until(driver, 60, lambda d: "东山县人民政府办公室 2020" in source_text(d))
        box = driver.find_element(By.CSS_SELECTOR, "#gk-box textarea")
        box.send_keys("淮安市2024年收到多少政府信息公开申请？")
        box.send_keys(Keys.ENTER)
        _until(driver, 60, lambda d: "淮安市人民政府 2024" in source_text(d))
        assert "东山" not in source_text(driver)
        # a trend's answer draws its years as a bar chart in the bubble, each bar with its figure (issue 32)
        box = driver.find_element(By.CSS_SELECTOR, "#gk-box textarea")
        box.send_keys("交通与建设局2020—2025年的行政复议数量")
        box.send_keys(Keys.ENTER)
        chart = _until(
            driver,
            60,
            lambda d: d.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")[-1].find_element(
                By.CSS_SELECTOR, "svg.gk-chart"
            ),
        )
        assert [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.gk-label")] == ["2020", "2022", "2025"]
        # its text alternative, as a screen reader gets it (the page's sanitiser keeps the SVG's <title>)
        assert "2020年：0件" in chart.accessible_name and "2025年：9件" in chart.accessible_name
        driver.execute_script("arguments[0].scrollIntoView()", chart)
        driver.save_screenshot(str(out / "e2e-trend-chart.png"))
    finally:
        driver.quit()


def _tab(driver, name: str) -> None:
    from selenium.webdriver.common.by import By

    (button,) = [b for b in driver.find_elements(By.CSS_SELECTOR, "button[role='tab']") if b.text.strip() == name]
    button.click()


def test_compare_chart_reads_on_desktop_and_phone(server):
    """Issue 14, item 5: every bar labelled with its value, a log scale for 3119 beside 0–10, a CSV
    named after the comparison; screenshots of both widths under test-output/."""
    import re

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    for size, shot in (("1366,900", "compare-desktop.png"), ("390,844", "compare-phone.png")):
        driver, out = _driver(size)
        try:
            driver.get(server + "/")
            _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
            _tab(driver, "比较")
            run = _until(
                driver,
                30,
                lambda d: next(
                    (
                        b
                        for b in d.find_elements(By.TAG_NAME, "button")
                        if b.text.strip() == "比较" and b.get_attribute("role") != "tab"
                    ),
                    None,
                ),
            )
            run.click()
            chart = _until(driver, 60, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-chart svg.gk-chart"))
            values = [t.text for t in chart.find_elements(By.CSS_SELECTOR, "text.gk-value")]
            assert "3119件" in values and len(values) >= 5 and all(re.match(r"^\d", v) for v in values)
            assert "对数刻度" in chart.text
            # every non-zero bar is visible: at least a tenth of the longest on the log scale (2 beside 3119)
            widths = [
                float(r.get_attribute("width")) for r in chart.find_elements(By.CSS_SELECTOR, "rect:not(.gk-missing)")
            ]
            shown = [w for w, v in zip(widths, values, strict=True) if not v.startswith("0")]
            assert min(shown) >= max(shown) / 10, list(zip(values, widths, strict=True))
            link = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "a[download], a[href*='.csv']"))
            assert "applications_received_" in (link.get_attribute("href") or "") + (link.text or "")
            driver.execute_script("arguments[0].scrollIntoView()", chart)
            driver.save_screenshot(str(out / shot))
        finally:
            driver.quit()


def test_a_400_kb_pdf_uploads_through_the_page(server):
    """Issue 14, item 1: a real 400 KB PDF through Gradio's own upload route (it used to get a raw
    "HTTP 413 … 65536 bytes"); the result in the reader's words."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    pdf = ROOT / "samples" / "corpus" / "hongze-2023.pdf"
    big = ROOT / "samples" / "reports" / "huaian-2024.pdf"
    assert big.stat().st_size > 400_000
    driver, out = _driver()
    try:
        driver.get(server + "/")
        _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
        _tab(driver, "上传")
        token = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "input[type='password']"))
        token.send_keys(TOKEN)
        chooser = driver.find_element(By.CSS_SELECTOR, "input[type='file']")
        chooser.send_keys(f"{big}\n{pdf}")
        button = next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == "上传并入库")
        _until(driver, 60, lambda d: "hongze-2023.pdf" in d.page_source)
        button.click()

        def result(d) -> str:  # the grid's rows are not inside its header's <table>: read the tab
            return d.find_element(By.TAG_NAME, "body").text

        _until(driver, 120, lambda d: "淮安市洪泽区人民政府" in result(d))
        text = result(driver)
        assert "huaian-2024.pdf" in text and "已有此报告" in text  # held already: the server ingested the samples
        assert "已入库" in text and "表三 已校验" in text
        # the old failure was a toast "HTTP 413 … 65536 bytes"; a bare "413" may be any figure or pixel size
        assert "65536" not in text and "HTTP 413" not in text and "Payload Too Large" not in text
        driver.save_screenshot(str(out / "upload-desktop.png"))
        # item 6: the Reports tab is read again when opened: the upload is there, in the reader's words
        _tab(driver, "报告")
        _until(driver, 30, lambda d: "淮安市洪泽区人民政府" in result(d))
        shown = result(driver)
        assert "表三 已校验" in shown and "2021年版表格" in shown and "t3:verified" not in shown
        assert "点选表格中的一行即可打开该报告" in shown
    finally:
        driver.quit()


def _ask(driver, question: str, answers: int) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    box = driver.find_element(By.CSS_SELECTOR, "#gk-box textarea")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    _until(
        driver,
        60,
        lambda d: (
            len(rows := d.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")) >= answers
            and "引用" in rows[answers - 1].text
            and d.find_element(By.ID, "gk-send").is_displayed()
        ),
    )


def _fresh(driver, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(url)
    _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
    driver.execute_script("localStorage.clear()")  # no history kept from another test
    driver.get(url)
    _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))


PANEL_IN_VIEW = "return document.querySelector('#gk-source').getBoundingClientRect().top < window.innerHeight"
GEOMETRY = """
const rows = document.querySelectorAll('#gk-chat .bot-row'); const last = rows[rows.length - 1];
const chat = document.querySelector('#gk-chat').getBoundingClientRect();
return {answer: last.getBoundingClientRect().top - chat.top, page: last.getBoundingClientRect().top,
        send: document.querySelector('#gk-send').getBoundingClientRect().bottom, height: window.innerHeight};
"""


def test_the_answer_view_on_desktop_and_phone(server):
    """Issue 14, items 3 and 4: after the second answer its first line (the figure) is in view, not the
    citation block at its end; on the phone the Send button is on screen; citation markers are links
    whose hover text is the quote and whose click opens that passage — also in an older answer."""
    from selenium.webdriver.common.by import By

    for size, name in (("1366,900", "desktop"), ("390,844", "phone")):
        driver, out = _driver(size)
        try:
            _fresh(driver, server + "/")
            _ask(driver, "淮安市2024年收到多少政府信息公开申请？", 1)
            _ask(driver, "东山县2020年收到多少政府信息公开申请？", 2)
            _until(driver, 30, lambda d: 0 <= d.execute_script(GEOMETRY)["answer"] <= 80)
            where = driver.execute_script(GEOMETRY)
            assert where["page"] >= 0 and where["send"] <= where["height"], where  # before: the answer 423 px above
            latest = driver.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")[-1]
            assert latest.text.startswith("2件：东山县人民政府办公室2020年度报告")
            driver.save_screenshot(str(out / f"answer-{name}.png"))

            markers = latest.find_elements(By.CSS_SELECTOR, 'a[href^="#gk-cite-"]')
            second = next(m for m in markers if m.text == "[2]")
            assert "共受理县政府和县政府办信息公开申请3件" in second.get_attribute("title")
            driver.execute_script("arguments[0].click()", second)

            def source(d) -> str:
                return d.execute_script(
                    "const s = document.querySelector('#gk-source mark'); return s ? s.textContent : ''"
                )

            _until(driver, 30, lambda d: "共受理县政府和县政府办信息公开申请3件" in source(d))
            older = driver.find_elements(By.CSS_SELECTOR, "#gk-chat .bot-row")[0]
            first = older.find_elements(By.CSS_SELECTOR, 'a[href^="#gk-cite-"]')[0]
            driver.execute_script("arguments[0].click()", first)
            _until(driver, 30, lambda d: "3119" in source(d) or "3001" in source(d))
            # on the phone the passage is brought into view under the chat
            _until(driver, 30, lambda d: d.execute_script(PANEL_IN_VIEW))
        finally:
            driver.quit()


def test_examples_history_and_question_links(server):
    """Issue 14, item 7 and the asks beside it: an example chip asks its question; the conversation
    survives a reload; /?q=… asks a question from a link; Clear forgets the kept history."""
    from urllib.parse import quote

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver, out = _driver()
    try:
        _fresh(driver, server + "/")
        # no share button (it does nothing offline); the examples' label in the reader's language
        assert not driver.find_elements(By.CSS_SELECTOR, "#gk-chat button[aria-label='Share']")
        assert "示例（点选即提问）" in driver.find_element(By.ID, "gk-examples").text
        chip = next(b for b in driver.find_elements(By.CSS_SELECTOR, "#gk-examples button") if "东山县2020年" in b.text)
        chip.click()
        chat = lambda d: _text(d, "#gk-chat")  # noqa: E731
        _until(driver, 60, lambda d: "2件：东山县人民政府办公室2020年度报告" in chat(d))
        # the history is kept with the answer's last step, which also fills the source view: reloading
        # before that step (as this test did under load in CI) would lose the answer
        _until(driver, 60, lambda d: "东山县人民政府办公室" in _text(d, "#gk-source"))
        driver.refresh()
        _until(driver, 60, lambda d: "2件：东山县人民政府办公室2020年度报告" in chat(d))
        driver.get(server + "/?q=" + quote("淮安市2024年行政复议多少件？"))
        _until(driver, 60, lambda d: "351件" in chat(d))
        assert "东山县人民政府办公室" in chat(driver)  # the link's answer follows the kept conversation
        # the dark-mode switch, remembered across a reload
        driver.find_element(By.ID, "gk-dark").click()
        _until(driver, 30, lambda d: d.execute_script("return document.body.classList.contains('dark')"))
        driver.refresh()
        _until(driver, 60, lambda d: d.execute_script("return document.body.classList.contains('dark')"))
        driver.save_screenshot(str(out / "dark-desktop.png"))
        driver.find_element(By.ID, "gk-dark").click()
        driver.find_element(By.CSS_SELECTOR, "#gk-chat button[aria-label='Clear']").click()
        _until(driver, 30, lambda d: "351" not in chat(d))
        driver.get(server + "/")
        _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
        time.sleep(1)
        assert "东山" not in chat(driver)
    finally:
        driver.quit()

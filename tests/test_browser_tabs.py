"""Issue 35, items 3–6 in a real browser (Debian's chromium): the Reports tab shows a report as it is
printed and opens it by a click; Compare and Upload show no empty grid before first use and say what
they did; a filter without a match, an upload without a file, a row that is not a report each say so.
Screenshots of the Reports tab (淮安市人民政府 2024, a 2021-format report) under test-output/."""

from __future__ import annotations

import re

from test_browser import TOKEN, _driver, _tab, _text, _until, pytestmark, server  # noqa: F401 - the fixture

BOX = "#gk-box textarea"
INTERNALS = re.compile(r"t[234]\.[a-z_]|\?\d\||verified|inconsistent|\b[0-9a-f]{8,}\b|打开报告")


def _open_page(driver, url: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    driver.get(url + "/")
    _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, BOX)))


def _row(driver, issuer: str):
    """The catalog's cell naming ``issuer``, as shown (Gradio draws a grid of div cells)."""
    from selenium.webdriver.common.by import By

    cells = driver.find_elements(By.CSS_SELECTOR, "#gk-catalog [role='gridcell']")
    return next((c for c in cells if c.text.strip() == issuer and c.is_displayed()), None)


def _filter(driver, text: str) -> None:
    from selenium.webdriver.common.by import By

    box = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-filter textarea, #gk-filter input"))
    box.clear()
    box.send_keys(text)


def _open_report(driver, typed: str, issuer: str) -> str:
    """Filter the catalog, click the office's row, and wait for its report: what the report view shows."""
    _tab(driver, "报告")
    _filter(driver, typed)
    cell = _until(driver, 30, lambda d: _row(d, issuer) if len(_text(d, "#gk-catalog").splitlines()) <= 14 else None)
    cell.click()
    _until(driver, 30, lambda d: issuer in _text(d, "#gk-report h3"))
    return _text(driver, "#gk-report")


SCROLLED = """
const region = document.querySelector('#gk-report section[data-table="t3"] .gk-scroll');
region.scrollLeft = region.scrollWidth;
const label = region.querySelector('tbody th');
return {wide: region.scrollWidth > region.clientWidth + 20, scrolled: region.scrollLeft,
        labelLeft: label.getBoundingClientRect().left, regionLeft: region.getBoundingClientRect().left,
        pageWide: document.documentElement.scrollWidth > window.innerWidth + 2};
"""


def test_the_reports_tab_shows_a_report_as_printed_desktop_and_phone(server):  # noqa: F811
    """Item 3: a 2021-format report opened by a click, each table under its title with the template's
    labels, its checks in words, nothing internal; on a phone 表三 scrolls sideways under a fixed label
    column. Screenshots of both widths."""
    from selenium.webdriver.common.by import By

    for size, shot in (("1366,900", "reports-desktop.png"), ("390,844", "reports-phone.png")):
        driver, out = _driver(size)
        try:
            if size.startswith("390"):  # headless Chromium keeps a window at least 500 px wide: a phone's own width
                metrics = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            _open_page(driver, server)
            _tab(driver, "报告")
            assert not driver.find_elements(By.XPATH, "//*[contains(text(), '打开报告')]")  # no id box
            text = _open_report(driver, "淮安 2024", "淮安市人民政府")
            captions = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#gk-report caption")]
            assert captions == [
                "表二 主动公开政府信息情况",
                "表三 收到和处理政府信息公开申请情况",
                "表四 政府信息公开行政复议、行政诉讼情况",
            ]
            assert "2024年度 · 2021年版表格" in text and "核对无误" in text and not INTERNALS.search(text)
            labels = [th.text for th in driver.find_elements(By.CSS_SELECTOR, "#gk-report [data-table='t3'] tbody th")]
            assert labels[:3] == [
                "一、本年新收政府信息公开申请数量",
                "二、上年结转政府信息公开申请数量",
                "三、本年度办理结果",
            ]
            assert labels[-2:] == ["（七）总计", "四、结转下年度继续办理"]
            first = driver.find_element(By.CSS_SELECTOR, "#gk-report [data-table='t3'] tbody tr")
            assert [td.text for td in first.find_elements(By.TAG_NAME, "td")] == [
                "3001", "53", "0", "0", "61", "4", "3119",
            ]  # fmt: skip
            table = driver.find_element(By.CSS_SELECTOR, "#gk-report [data-table='t3']")
            driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", table)
            if size.startswith("390"):
                geometry = driver.execute_script(SCROLLED)
                assert geometry["wide"] and geometry["scrolled"] > 0, geometry  # the table scrolls in its box
                assert abs(geometry["labelLeft"] - geometry["regionLeft"]) <= 2, geometry  # its labels stay
                assert not geometry["pageWide"], geometry  # the page itself does not scroll sideways
                driver.execute_script(
                    "document.querySelector('#gk-report [data-table=\"t3\"] .gk-scroll').scrollLeft = 0"
                )
            driver.save_screenshot(str(out / shot))
        finally:
            driver.quit()


def test_uncertain_cells_failing_checks_and_english(server):  # noqa: F811
    """Item 3: 东山县 2020's cells that read "0 or 2" say so, ⚠ only on the failing tables; the language
    switch translates the open report and the catalog."""
    from selenium.webdriver.common.by import By

    driver, _ = _driver("1366,900")
    try:
        _open_page(driver, server)
        text = _open_report(driver, "东山", "东山县人民政府办公室")
        assert "无法确定（可能为 0 或 2）" in text and "?0|2" not in text and not INTERNALS.search(text)
        checks = [p.text for p in driver.find_elements(By.CSS_SELECTOR, "#gk-report .gk-check")]
        assert [c.startswith("⚠") for c in checks] == [False, True, True], checks
        assert "· 2019 ·" not in text and "2019年版表格" in text
        english = next(e for e in driver.find_elements(By.CSS_SELECTOR, "#gk-lang label") if "English" in e.text)
        english.click()
        _until(driver, 30, lambda d: "Table 3 (requests received and handled)" in _text(d, "#gk-report"))
        text = _text(driver, "#gk-report")
        assert "uncertain (could be 0 or 2)" in text and "⚠ Fails its check" in text
        assert "无法确定" not in text and "未通过" not in text
        _until(driver, 30, lambda d: "Table checks" in _text(d, "#gk-catalog"))
    finally:
        driver.quit()


def test_no_silent_dead_ends(server):  # noqa: F811
    """Item 6 (and 4, 5): a filter without a match says so; Compare and Upload show no empty grid before
    first use; an upload without a file says so; the Upload tab has the issuer and year fields its
    refusals name, and its file label lists every type it takes."""
    from selenium.webdriver.common.by import By

    driver, _ = _driver("1366,900")
    try:
        _open_page(driver, server)
        _tab(driver, "报告")
        _until(driver, 30, lambda d: _row(d, "淮安市人民政府"))
        _filter(driver, "火星")
        _until(driver, 30, lambda d: "没有与“火星”相符的报告" in _text(d, "#gk-catalog-hint"))

        _tab(driver, "比较")
        _until(driver, 30, lambda d: d.find_element(By.ID, "gk-chart"))
        assert not [e for e in driver.find_elements(By.CSS_SELECTOR, "#gk-compare-table") if e.is_displayed()]
        assert not [e for e in driver.find_elements(By.CSS_SELECTOR, "#gk-compare-csv") if e.is_displayed()]

        _tab(driver, "上传")
        token = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "input[type='password']"))
        assert not [e for e in driver.find_elements(By.CSS_SELECTOR, "#gk-upload-result") if e.is_displayed()]
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "PNG/JPG/TIFF" in body and "发布单位" in body and "报告年度" in body
        assert driver.find_element(By.CSS_SELECTOR, "#gk-issuer input, #gk-issuer textarea").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "#gk-year input, #gk-year textarea").is_displayed()
        assert driver.find_element(By.CSS_SELECTOR, "#gk-crawl-hosts textarea, #gk-crawl-hosts input").is_displayed()
        token.send_keys(TOKEN)
        button = next(b for b in driver.find_elements(By.TAG_NAME, "button") if b.text.strip() == "上传并入库")
        button.click()
        _until(driver, 60, lambda d: "请先选择要上传的报告文件" in _text(d, "#gk-upload-result"))
        assert "未上传" in _text(driver, "#gk-upload-result")
    finally:
        driver.quit()


def test_compare_lists_an_office_without_a_report_in_the_reader_s_words(server):  # noqa: F811
    """Item 4: 东山县 (a 2020 report only) compared with 淮安市 for 2024: 淮安's figure from 表格, 已校验;
    东山 listed as having no report for 2024 — never left out."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver, _ = _driver("1366,900")
    try:
        _open_page(driver, server)
        _tab(driver, "比较")

        def choose(label: str, typed: str) -> None:
            block = next(b for b in driver.find_elements(By.CSS_SELECTOR, ".block") if b.text.strip().startswith(label))
            field = block.find_element(By.CSS_SELECTOR, "input")
            field.click()
            field.send_keys(typed)
            _until(driver, 30, lambda d: any(typed in o.text for o in d.find_elements(By.CSS_SELECTOR, "ul li")))
            field.send_keys(Keys.ENTER)
            field.send_keys(Keys.ESCAPE)

        choose("单位", "东山县")
        choose("单位", "淮安市人民政府")
        choose("年度", "2024")
        run = next(
            b
            for b in driver.find_elements(By.TAG_NAME, "button")
            if b.text.strip() == "比较" and b.get_attribute("role") != "tab"
        )
        run.click()
        _until(driver, 60, lambda d: "没有该单位的报告" in _text(d, "#gk-compare-table"))
        shown = _text(driver, "#gk-compare-table")
        assert "所选年度（2024）没有该单位的报告" in shown and "东山县" in shown
        assert "3119" in shown and "表格" in shown and "已校验" in shown
        assert "verified" not in shown and "table" not in shown.replace("Table", "")
        assert [e for e in driver.find_elements(By.CSS_SELECTOR, "#gk-compare-csv") if e.is_displayed()]
    finally:
        driver.quit()

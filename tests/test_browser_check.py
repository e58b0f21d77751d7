"""The 年报自查 tab in a real browser (issue 37): the published 东山县 2020 report and a copy with one 表三
cell changed, chosen in the tab's file form with no token; both list the text-vs-table disagreement, the
copy names the changed row, and the collection holds as many reports afterwards. A screenshot is kept
under test-output/."""

import httpx
from conftest import DONGSHAN
from test_browser import TREND_REPORTS, _driver, _tab, _until, server  # noqa: F401 - server is a fixture
from test_browser import pytestmark as browser_marks
from test_selfcheck import _dongshan_copy

pytestmark = browser_marks


def test_the_check_tab_lists_the_problems_of_a_draft(server, tmp_path):  # noqa: F811 - the fixture
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    held = httpx.get(f"{server}/api/health", timeout=10).json()["reports"]
    assert held == 6 + len(TREND_REPORTS)
    copy = tmp_path / "东山县2020年报-草稿.txt"
    copy.write_bytes(_dongshan_copy())
    driver, out = _driver()
    try:
        driver.get(server + "/")
        _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
        _tab(driver, "年报自查")
        chooser = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-check input[type='file']"))
        chooser.send_keys(f"{DONGSHAN}\n{copy}")
        driver.find_element(By.CSS_SELECTOR, "#gk-check button[type='submit']").click()
        sections = _until(
            driver,
            120,
            lambda d: len(s := d.find_elements(By.CSS_SELECTOR, "#gk-check section.gk-check-file")) == 2 and s,
        )
        published, draft = (s.text for s in sections)
        for text in (published, draft):
            assert "东山县人民政府办公室" in text and "正文与表格不一致" in text
            assert "一、本年新收政府信息公开申请数量 · 总计" in text and "正文写 3" in text
        assert "（一）予以公开 的数字（1 0 0 0 2）" in draft and "（一）予以公开" not in published
        assert draft.splitlines()[0] == f"{copy.name} · 东山县人民政府办公室 · 2020"  # the file name shown as text
        errors = driver.find_elements(By.CSS_SELECTOR, "#gk-check section:nth-of-type(2) tr.gk-check-error")
        assert any("行数字不成立" in row.text for row in errors)
        driver.execute_script("arguments[0].scrollIntoView()", sections[1])
        driver.save_screenshot(str(out / "check-desktop.png"))
        # in English, the words of the tab and of the problems
        driver.find_element(By.XPATH, "//*[@id='gk-lang']//label[contains(., 'English')]").click()
        _tab_en = _until(
            driver,
            30,
            lambda d: next(
                (
                    b
                    for b in d.find_elements(By.CSS_SELECTOR, "button[role='tab']")
                    if b.text.strip() == "Check a draft"
                ),
                None,
            ),
        )
        _tab_en.click()
        chooser = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-check input[type='file']"))
        chooser.send_keys(str(copy))
        driver.find_element(By.CSS_SELECTOR, "#gk-check button[type='submit']").click()
        _until(driver, 120, lambda d: "the text says 3" in d.find_element(By.CSS_SELECTOR, "#gk-check").text)
        assert "text vs table" in driver.find_element(By.CSS_SELECTOR, "#gk-check").text
    finally:
        driver.quit()
    assert httpx.get(f"{server}/api/health", timeout=10).json()["reports"] == held  # nothing was ingested


def test_the_peer_view_in_the_compare_tab(server):  # noqa: F811 - the fixture
    """同级比较 under the Compare tab: 交通与建设局 2022 among the zone's departments the server holds (itself
    alone there), each figure with its citation marker, its rank and the median."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec

    driver, out = _driver()
    try:
        driver.get(server + "/")
        _until(driver, 60, ec.element_to_be_clickable((By.CSS_SELECTOR, "#gk-box textarea")))
        _tab(driver, "比较")
        box = _until(driver, 30, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-peers"))
        office, year = box.find_elements(By.CSS_SELECTOR, "input[role='listbox'], input")[:2]
        office.send_keys("平潭综合实验区交通与建设局", Keys.ENTER)
        year.click()
        year.send_keys("2022", Keys.ENTER)
        driver.find_element(By.CSS_SELECTOR, "#gk-peers-run").click()
        view = _until(driver, 60, lambda d: d.find_element(By.CSS_SELECTOR, "#gk-peers-view"))
        text = view.text
        assert "平潭综合实验区交通与建设局 · 2022 · 同级单位：平潭综合实验区的部门" in text
        assert (
            "本单位排名" in text and "中位数" in text and "1 / 共1个" in text and "本库未收录其同级单位的报告" in text
        )
        assert view.find_elements(By.TAG_NAME, "sup") and "[1]" in text
        driver.execute_script("arguments[0].scrollIntoView()", view)
        driver.save_screenshot(str(out / "peers-desktop.png"))
    finally:
        driver.quit()

"""Issue 35, items 3–6 without a browser: a report's tables as the report prints them (ui/report_view.py),
the Upload tab's words, the Compare tab's rows and CSV, a crawl that cannot reach a site. Real reports
from samples/: 淮安市人民政府 2024 (2021 format, every check passing), 东山县人民政府办公室 2020 (2019 format,
cells that read "0 or 2", a 表四 that fails its check)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from ingest.schema import T3_COLUMNS, t3_rows


def _detail(collection, issuer: str):
    from index.detail import report_detail

    (r,) = [r for r in collection.reports() if r.issuer == issuer]
    return report_detail(collection.facts, r.id)


def _rows_of(view: str, caption: str) -> list[list[str]]:
    """The table under ``caption`` as rows of cell texts (tags removed): what a reader sees, in order."""
    table = view[view.index(f"<caption>{caption}</caption>") :]
    table = table[: table.index("</table>")]
    rows = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c) for c in cells])
    return rows


INTERNALS = re.compile(r"t[234]\.[a-z_]|\?\d\||verified|inconsistent|ambiguous|repaired|\b[0-9a-f]{16,}\b")


def test_a_2021_report_reads_as_printed(collection):
    """淮安市人民政府 2024: 表三's rows in the 2021 template's order under its labels, its columns under the
    template's headers, every check passing (no ⚠), nothing internal on the page."""
    from ui.report_view import report_html

    d = _detail(collection, "淮安市人民政府")
    view = report_html(d, "中文")
    assert "2024年度 · 2021年版表格" in view and not INTERNALS.search(view), INTERNALS.search(view)
    assert "⚠" not in view.split("<section", 1)[1]  # the tables: every check passes
    rows = _rows_of(view, "表三 收到和处理政府信息公开申请情况")
    header = [c for r in rows[:3] for c in r]
    assert [c for c in header if c in dict(T3_COLUMNS).values()] == ["自然人", "总计"] + [
        label for cid, label in T3_COLUMNS if cid not in ("natural_person", "total")
    ]
    labels = [r[0] for r in rows[3:]]
    printed = [s.label for s in t3_rows("2021")]
    assert labels == printed  # every printed line, group labels included, in the template's order
    first = rows[3]
    assert first[0] == "一、本年新收政府信息公开申请数量" and first[1] == "3001" and first[-1] == "3119"
    assert "核对无误" in view and view.count("<caption>") == 3
    # 表四 as printed: 行政复议 351 = 72 + 64 + 178 + 37
    t4 = _rows_of(view, "表四 政府信息公开行政复议、行政诉讼情况")
    assert t4[-1][:5] == ["72", "64", "178", "37", "351"]


def test_english_mode_translates_the_detail(collection):
    from ui.report_view import report_html

    view = report_html(_detail(collection, "淮安市人民政府"), "English")
    assert "<caption>Table 3 (requests received and handled)</caption>" in view
    assert "I. New requests received this year" in view and "Natural persons" in view
    assert "Checked: the table's figures add up." in view and "核对无误" not in view
    assert "year 2024 · 2021 tables" in view and not INTERNALS.search(view)
    # the report's own printed label stays beside the translation, marked as Chinese for screen readers
    assert '<span class="gk-printed" lang="zh-CN">一、本年新收政府信息公开申请数量</span>' in view


def test_an_uncertain_cell_and_a_failing_check(collection):
    """东山县 2020: 自然人 and 商业企业 of 本年新收 are 0 and 2 in some order; 表四's 11 numbers do not make 15 cells."""
    from ui.report_view import report_html

    d = _detail(collection, "东山县人民政府办公室")
    view = report_html(d, "中文")
    assert not INTERNALS.search(view), INTERNALS.search(view)
    t3 = _rows_of(view, "表三 收到和处理政府信息公开申请情况")
    received = next(r for r in t3 if r[0] == "一、本年新收政府信息公开申请数量")
    assert received[1:3] == ["无法确定（可能为 0 或 2）"] * 2 and received[-1] == "2"
    assert "2019年版表格" in view and "（六）其他处理" in [r[0] for r in t3]  # the 2019 template: one row
    checks = re.findall(r'<p class="gk-check[^"]*">([^<]*)</p>', view)
    assert checks[0] == "此表没有可供核对的加总关系。"  # 表二: nothing to check, no warning
    assert checks[1].startswith("⚠ 部分数字无法确定") and checks[2].startswith("⚠ 未通过核对")
    # the text and the table disagree, said with the table's own words, not a cell id
    assert "⚠ 正文称 3，而表三「一、本年新收政府信息公开申请数量」总计为 2" in view
    english = report_html(d, "English")
    assert "uncertain (could be 0 or 2)" in english and "⚠ Fails its check" in english
    assert "无法确定" not in english and "未通过" not in english


def test_a_blank_is_blank_and_report_text_is_escaped(collection):
    from ui.report_view import cell_text, report_html

    d = _detail(collection, "淮安市人民政府")
    t3 = next(t for t in d.tables if t.table == "t3")
    cell = t3.rows[0].cells[0]
    assert cell_text(dataclasses.replace(cell, status="blank", value=None, raw=""), True) == ""
    assert cell_text(dataclasses.replace(cell, status="dash", value=None, raw="—"), True) == "—"
    evil = '<img src=x onerror="alert(1)">'
    bad = dataclasses.replace(d, title=evil, issuer=evil + "[x](javascript:1)")
    view = report_html(bad, "中文")
    assert "<img" not in view and '&lt;img src=x onerror="alert(1)"&gt;' in view


def test_the_catalog_opens_by_row_and_says_when_nothing_matches(collection):
    from ui.page.reports import catalog_frame, catalog_hint, open_row, report_view

    frame = catalog_frame(collection)
    assert "id" not in frame.columns and not any(re.fullmatch(r"[0-9a-f]{8}", str(v)) for v in frame.to_numpy().ravel())
    dongshan = frame[frame["单位"] == "东山县人民政府办公室"].iloc[0]
    assert "⚠ 表四 未通过校验" in dongshan["表格校验"]
    view, rid = open_row(collection, list(dongshan), "中文")
    assert "<h3>东山县人民政府办公室2020年政府信息公开工作年度报告</h3>" in view and rid
    empty = catalog_frame(collection, "<b>火星</b>")
    hint = catalog_hint(collection, "<b>火星</b>", empty, "中文")
    assert len(empty) == 0 and hint.startswith("没有与“") and "<b>" not in hint
    assert "No report matches" in catalog_hint(collection, "x", empty, "English")
    assert "找不到这份报告" in report_view(collection, "0" * 64)
    assert "不是报告" in open_row(collection, ["……另有 3 份", None, "", "", "", "", ""], "中文")[0]


def test_upload_words_name_only_what_the_page_has():
    from ingest.loaders import IMAGE_SUFFIXES, SUPPORTED
    from ui.page.common import LABELS
    from ui.page.upload import UPLOAD_LABELS, _pages_shown, reason_words

    for lang in ("中文", "English"):
        label = LABELS[lang]["files"]
        named = {s.lstrip(".").upper() for s in SUPPORTED} - {"TEXT", "MD", "HTM", "SHTML", "XHTML", "JPEG", "TIF"}
        assert all(s in label for s in named), (named, label)
        assert {s.lstrip(".").upper() for s in IMAGE_SUFFIXES} & set(re.findall(r"[A-Z]+", label)) >= {"PNG", "JPG"}
    no_issuer = (
        "no issuer found in the title, header, introduction or signature; give it with --issuer (upload form: issuer)"
    )
    zh = reason_words(no_issuer, "中文")
    assert "--issuer" not in zh and "发布单位" in zh and "发布单位" in UPLOAD_LABELS["中文"]["issuer"]
    en = reason_words(no_issuer, "English")
    assert "--issuer" not in en and "Issuing office" in en and UPLOAD_LABELS["English"]["issuer"].startswith("Issuing")
    assert reason_words("no text found in the image", "English").startswith("not a report")
    assert reason_words("no text found in the image", "中文").startswith("不是报告")
    held = "the same report is held from /srv/gongkai/uploads/ab/x.pdf, whose tables read better (2 cells unread)"
    near = "near-duplicate of 0123456789abcdef0123456789abcdef (98% of the text the same): remove one with `gongkai remove`"
    odd = "something broke in /srv/gongkai/uploads/ab12/x.pdf for 0123456789abcdef0123"
    for reason in (held, near, odd):
        for lang in ("中文", "English"):
            said = reason_words(reason, lang)
            assert "/srv" not in said and "0123456789abcdef" not in said and "gongkai remove" not in said, said
    assert _pages_shown("scan.png", 1, 2, "3/6", True) == "第1/2个文件 scan.png：文字识别第3/6页"
    from ui.page.upload import _hosts  # the crawl form's other sites, as --allow-host takes them

    assert _hosts("https://www.A.gov.cn/xxgk/\n  files.b.gov.cn:8080 ") == ("www.a.gov.cn", "files.b.gov.cn:8080")


def test_an_upload_without_a_file_says_so(collection, monkeypatch):
    import ui.page.upload as upload

    monkeypatch.setattr(upload, "admin_token", lambda: "t")
    frame = upload.do_upload(collection, "t", None, "", None, "中文", progress=lambda *a, **k: None)
    assert list(frame["说明"]) == ["请先选择要上传的报告文件"] and list(frame["结果"]) == ["未上传"]
    frame = upload.do_upload(collection, "t", ["x.txt"], "", 3000, "English", progress=lambda *a, **k: None)
    assert "1990 to 2100" in frame["Note"].iloc[0]


def test_compare_speaks_the_readers_language_and_lists_offices_without_reports(collection):
    import csv

    from ui.page.compare import compare_table

    table, path, _ = compare_table(collection, "applications_received", ["淮安市人民政府", "东山县"], ["2024"])
    assert list(table.issuer) == ["淮安市人民政府", "东山县"]
    assert table.iloc[0]["source"] == "表格" and table.iloc[0]["quality"] == "已校验"
    assert table.iloc[1]["quality"] == "所选年度（2024）没有该单位的报告"
    with open(path, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:4] == ["单位", "年度", "指标", "数值"] and rows[1][:4] == ["issuer", "year", "label", "value"]
    assert rows[2][0] == "淮安市人民政府" and rows[2][3] == "3119" and rows[3][0] == "东山县"
    en, path, _ = compare_table(collection, "applications_received", [], [], zh=False)
    shown = " ".join(map(str, en.to_numpy().ravel()))
    assert "checked" in en["quality"].tolist() and not re.search(r"verified|\brel\d|Σ", shown)
    with open(path, encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[:2] == ["Office", "Year"]


@pytest.fixture
def portal():
    from portal_site import PortalSite

    s = PortalSite().serve()
    yield s
    s.stop()


def test_a_site_that_cannot_be_reached_is_said_so(portal, tmp_path):
    """A column linking a report on a host that does not answer: "could not be reached", not robots.txt's word."""
    import socket

    from portal_site import Route, _list

    from index.collection import Collection
    from index.crawl import Crawler, CrawlOptions, CrawlStatus
    from index.settings import Settings
    from ui.page.upload import crawl_words

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    gone = f"http://127.0.0.1:{closed}/2024/t20250110_1.htm"
    portal.routes["/gone/list/"] = Route(
        _list("政府信息公开年报", [(gone, "某某县人民政府2024年政府信息公开工作年度报告", "2025-01-10")], "")
    )
    hosts = (f"127.0.0.1:{portal.port}", f"127.0.0.1:{closed}")
    options = CrawlOptions(delay=0.05, timeout=1.0, retries=0, backoff=0.05, allow_hosts=hosts)
    crawler = Crawler(Collection(Settings.from_env(tmp_path / "home")), options)
    events = {e.url: e for e in crawler.run([f"{portal.url}/gone/list/"])}
    event = events[gone]
    assert event.status == CrawlStatus.FAILED and "could not be reached" in event.message, event
    assert "robots" not in event.message
    assert crawl_words(event.message, True).startswith("无法访问该网站（")
    assert crawl_words(event.message, False).startswith("the site could not be reached (")
    off = crawl_words("off the site being crawled (allow its host with --allow-host)", True)
    assert "--allow-host" not in off and "也抓取这些网站" in off
    near = crawl_words("near-duplicate of " + "ab" * 32 + " (98% the same): remove one with `gongkai remove`", False)
    assert near.startswith("nearly the same") and "ab" * 8 not in near

"""`gongkai crawl` against a portal served on 127.0.0.1 (tests/portal_site.py; real report pages and
PDFs from samples/, no network): every report ingested once, robots.txt honoured, errors per URL, the
rate limit measured, a second crawl fetching only the changed page, a killed crawl resuming, and
the source URL carried into citations."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections import defaultdict
from datetime import date

import pytest
from conftest import ROOT
from portal_site import COLUMN_A, COLUMN_B, PortalSite

from index.collection import Collection
from index.crawl import Crawler, CrawlOptions, CrawlStatus
from index.crawl.links import carries_report, is_report_title, parse_detail_page, parse_list_page, script_pages
from index.settings import Settings

DELAY = 0.15


@pytest.fixture
def site():
    s = PortalSite().serve()
    yield s
    s.stop()


def _hosts(site: PortalSite) -> tuple[str, ...]:
    """The loopback portal names itself (and its file host): loopback addresses are refused otherwise."""
    return (f"127.0.0.1:{site.port}", f"localhost:{site.port}")


def _options(site: PortalSite, **kw) -> CrawlOptions:
    return CrawlOptions(delay=DELAY, timeout=1.0, retries=1, backoff=0.1, allow_hosts=_hosts(site), **kw)


def _crawl(coll: Collection, site: PortalSite, **kw):
    crawler = Crawler(coll, _options(site, **kw))
    events = list(crawler.run([site.url + COLUMN_A, site.url + COLUMN_B]))
    return crawler, {
        e.url.replace(site.url, "").replace(f"http://localhost:{site.port}", "//localhost"): e for e in events
    }


# ---- reading portal pages (pure) ---------------------------------------------------------------
def test_report_titles_are_told_from_their_interpretations_and_truncations():
    assert is_report_title("平潭综合实验区交通与建设局2022年度政府信息公开工作年度报告")
    assert is_report_title("淮安市洪泽区人民政府2023年政府信息公开工作年度报告.pdf")
    assert is_report_title("XX区2019年政务公开工作年报")
    assert is_report_title("平潭综合实验区交通与建设局2022年度政府信息公开工作年...")
    assert not is_report_title("平潭综合实验区2022年度政府信息公开工作年度报告解读")
    assert not is_report_title("政府信息公开指南")
    assert not is_report_title("政府信息公开年报")  # the column (a breadcrumb on every page), not a report
    assert is_report_title("某县人民政府二〇二二年政府信息公开工作年度报告")
    assert not is_report_title("关于开展2022年度安全生产检查的通知")


def test_both_pagination_styles_and_the_items_of_a_list_page(site):
    page = site.routes[COLUMN_A + "index.html"].body
    assert script_pages(page.decode(), site.url + COLUMN_A) == [
        f"{site.url}{COLUMN_A}index.html",
        f"{site.url}{COLUMN_A}index_1.html",
        f"{site.url}{COLUMN_A}index_2.html",
    ]
    read = parse_list_page(page, site.url + COLUMN_A)
    titles = [i.title for i in read.items]
    # the titles come whole from the title attribute, the interpretation and the nav links are left out
    assert "平潭综合实验区交通与建设局2022年度政府信息公开工作年度报告" in titles
    assert not any("解读" in t for t in titles) and len(read.items) == 4
    assert read.items[0].listed == date(2023, 1, 20)
    b = parse_list_page(site.routes["/hzq/xxgknb/list.html"].body, site.url + COLUMN_B)
    assert b.pages == [f"{site.url}/hzq/xxgknb/list_1.html", f"{site.url}/hzq/xxgknb/list_2.html"]


def test_a_page_carrying_the_report_is_told_from_a_stub_that_links_it():
    from ingest.loaders import load_html

    real = (ROOT / "samples" / "corpus-html" / "jtj-2022.html").read_bytes()
    assert carries_report(load_html(real))
    stub = PortalSite().routes["/hzq/xxgknb/202401/t20240130_2001.htm"].body
    assert not carries_report(load_html(stub))
    (att,) = parse_detail_page(stub, "http://127.0.0.1/hzq/xxgknb/202401/t20240130_2001.htm").attachments
    assert att.url == "http://127.0.0.1/files/hongze-2023.pdf" and att.name.endswith("年度报告.pdf")


# ---- crawling the site ------------------------------------------------------------------------
@pytest.mark.slow
def test_the_site_is_crawled_completely_politely_and_again_incrementally(site, tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    crawler, ev = _crawl(coll, site)

    # every report once, from whichever form the portal gives it (page or PDF attachment)
    held = sorted((r.issuer, r.year) for r in coll.reports())
    assert held == sorted(set(site.reports.values())) and len(held) == 9
    assert crawler.summary.counts["ingested"] == 9
    # the same report under a second address is one report with both addresses
    twin = ev[COLUMN_A + "2022/t20220113_1004.htm"]
    assert twin.status == CrawlStatus.HELD and twin.issuer == "平潭综合实验区国有资产管理局"
    urls = [s.url for s in coll.facts.sources([twin.report_id])[twin.report_id]]
    assert urls == [site.url + COLUMN_A + "202201/t20220113_1004.htm", site.url + COLUMN_A + "2022/t20220113_1004.htm"]

    # robots.txt: the disallowed path is never requested; another host is not followed
    assert ev["/private/t20220101_9.htm"].status == CrawlStatus.DISALLOWED
    assert not [h for h in site.hits if h.path.startswith("/private/")]
    assert ev["http://example.invalid/zfxxgknb/t1.htm"].status == CrawlStatus.OFF_SITE
    # errors are reported per URL, in words, and the crawl goes on
    assert ev[COLUMN_A + "202001/t20200101_404.htm"].message == "HTTP 404"
    assert ev[COLUMN_A + "loop/a.htm"].message.startswith("redirect loop")
    assert ev[COLUMN_A + "201901/t20190110_slow.htm"].message == "timed out after 2 tries"
    doc = ev["/files/hongze-2022.doc"]
    assert doc.status == CrawlStatus.UNSUPPORTED and "convert it to .docx" in doc.message
    # a 503 is tried again and the report comes in
    flaky = [h.status for h in site.hits if h.path.endswith("t20210115_1006.htm")]
    assert flaky == [503, 200] and ev[COLUMN_A + "202101/t20210115_1006.htm"].status == CrawlStatus.INGESTED
    # an attachment on the portal's file host (allowed), with the page that linked it
    pdf = ev["//localhost/files/hongze-2024.pdf"]
    assert pdf.status == CrawlStatus.INGESTED and pdf.year == 2024
    (src,) = coll.facts.sources([pdf.report_id])[pdf.report_id]
    assert src.page_url == site.url + "/hzq/xxgknb/202501/t20250125_2002.htm"

    # the rate limit: the crawler never sends two requests to one host closer than the delay, and the server
    # sees them spaced so (give or take its own threads' scheduling: 14 ms seen beside two CPU burners on 2
    # cores; without the limit the gaps would be a few ms, not ~DELAY)
    def gaps(per_host) -> list[float]:
        return [b - a for times in map(sorted, per_host.values()) for a, b in zip(times, times[1:], strict=False)]

    sent = crawler.fetcher.log.times
    assert len(sent) == 2 and min(gaps(sent)) >= DELAY - 0.001, min(gaps(sent))
    arrivals = defaultdict(list)
    for h in site.hits:
        arrivals[h.host].append(h.at)
    assert len(arrivals) == 2 and min(gaps(arrivals)) >= DELAY - 0.05, min(gaps(arrivals))
    assert all(h.user_agent.startswith("gongkai-crawler/") for h in site.hits)

    # a second crawl after one page changed: every known page asked conditionally, only that one sent whole
    site.change(
        COLUMN_A + "202001/t20200110_1005.htm",
        "2019年政府信息公开工作年度报告",
        "2019年政府信息公开工作年度报告（更正）",
    )
    old = ev[COLUMN_A + "202001/t20200110_1005.htm"].report_id
    before = len(site.hits)
    _, again = _crawl(coll, site)
    # (the slow page failed last time, so it is asked again; the server answers after the crawler gave up)
    slow = COLUMN_A + "201901/t20190110_slow.htm"
    sent = [h.path for h in site.hits[before:] if h.status == 200 and h.path not in ("/robots.txt", slow)]
    assert sent == [COLUMN_A + "202001/t20200110_1005.htm"], sent
    changed = again[COLUMN_A + "202001/t20200110_1005.htm"]
    assert changed.status == CrawlStatus.INGESTED and changed.report_id != old and coll.facts.report(old) is None
    assert sum(e.status == CrawlStatus.NOT_MODIFIED for e in again.values()) == 10
    assert len(coll.reports()) == 9

    # the answer's citation carries the address the report came from
    from assistant.answer import ask

    answer = ask("平潭综合实验区国有资产管理局2019年收到多少政府信息公开申请？", collection=coll)
    assert answer.citations and answer.citations[0].url == site.url + COLUMN_A + "202001/t20200110_1005.htm"
    from ui.render import answer_markdown

    assert f"({site.url}{COLUMN_A}202001/t20200110_1005.htm)" in answer_markdown(answer)
    from ui.chat import source_view

    view = source_view(coll, [c.__dict__ for c in answer.citations], "1")
    assert (
        f"<a href='{site.url}{COLUMN_A}202001/t20200110_1005.htm' target='_blank' rel='noopener noreferrer'>原文（"
        in view
    )

    # --since: only what was listed on or after the date is asked for
    before = len(site.hits)
    _, recent = _crawl(coll, site, since=date(2025, 1, 1))
    asked = {h.path for h in site.hits[before:]} - {"/robots.txt"}
    assert asked == {
        COLUMN_A,
        COLUMN_A + "index_1.html",
        COLUMN_A + "index_2.html",
        COLUMN_A + "index.html",
        "/hzq/xxgknb/list.html",
        "/hzq/xxgknb/list_1.html",
        "/hzq/xxgknb/list_2.html",
        "/hzq/xxgknb/202501/t20250125_2002.htm",
    }, asked
    assert recent[COLUMN_A + "202301/t20230120_1001.htm"].status == CrawlStatus.OLDER


@pytest.mark.slow
def test_a_dry_run_reads_the_lists_and_stores_nothing(site, tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    _, ev = _crawl(coll, site, dry_run=True)
    new = sorted(k for k, e in ev.items() if e.status == CrawlStatus.NEW)
    # 10 on the script-paged column, 4 on the other (robots.txt and another host already ruled out)
    assert len(new) == 14 and coll.reports() == []
    from index.facts import CrawlUrlRow

    with coll.facts.Session() as s:
        assert s.query(CrawlUrlRow).count() == 0
    assert not [h for h in site.hits if "/files/" in h.path or h.path.endswith("_1001.htm")]


@pytest.mark.slow
def test_a_crawl_killed_mid_way_resumes_without_duplicates(site, tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "GONGKAI_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONUNBUFFERED": "1"}
    cmd = [
        sys.executable,
        "-m",
        "ui.cli",
        "crawl",
        site.url + COLUMN_A,
        site.url + COLUMN_B,
        "--delay",
        str(DELAY),
        "--timeout",
        "1",
        "--retries",
        "1",
        "--allow-host",
        f"localhost:{site.port}",
        "--allow-host",
        f"127.0.0.1:{site.port}",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    done = []
    for line in proc.stdout:
        if line.startswith("ingested"):
            done.append(re.search(r"https?://\S+", line).group(0))
            if len(done) == 3:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait()
    first = {h.path for h in site.hits}
    before = len(site.hits)

    coll = Collection(Settings.from_env(home))  # recovery reclaims what the killed process left staged
    _, ev = _crawl(coll, site)
    held = sorted((r.issuer, r.year) for r in coll.reports())
    assert held == sorted(set(site.reports.values())), held  # every report, each once
    resumed = [k for k, e in ev.items() if e.status == CrawlStatus.RESUMED]
    assert len(resumed) >= 3
    # what the killed crawl finished is not asked for again
    again = {h.path for h in site.hits[before:]}
    assert not again & set(resumed), again & set(resumed)
    assert first - again  # and it did not start from scratch either


@pytest.mark.slow
def test_the_api_and_the_upload_tab_crawl_with_the_admin_token(site, tmp_path, monkeypatch):
    import json

    from fastapi.testclient import TestClient

    from ui.api import create_app
    from ui.chat import build_ui

    monkeypatch.setenv("GONGKAI_ADMIN_TOKEN", "s3cret")
    coll = Collection(Settings.from_env(tmp_path / "home"))
    client = TestClient(create_app(coll, with_ui=False))
    body = {"urls": [site.url + COLUMN_B], "delay": 0.1, "allow_hosts": list(_hosts(site))}
    assert client.post("/api/crawl", json=body).status_code == 401
    assert (
        client.post(
            "/api/crawl", json={**body, "urls": ["file:///etc/passwd"]}, headers={"Authorization": "Bearer s3cret"}
        ).status_code
        == 422
    )
    r = client.post("/api/crawl", json=body, headers={"Authorization": "Bearer s3cret"})
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    summary = lines[-1]["summary"]
    assert summary["counts"]["ingested"] == 3 and summary["counts"]["unsupported"] == 1
    assert {(e["issuer"], e["year"]) for e in lines[:-1] if e["status"] == "ingested"} == {
        ("淮安市洪泽区人民政府", 2023),
        ("淮安市洪泽区人民政府", 2024),
        ("平潭综合实验区交通与建设局", 2020),
    }
    # the report's detail names where it came from
    rid = next(e["report_id"] for e in lines if e.get("year") == 2023)
    assert client.get(f"/api/reports/{rid}").json()["sources"][0]["url"] == site.url + "/files/hongze-2023.pdf"

    # the upload tab: refused without the token; with it, progress line by line, in the reader's words
    monkeypatch.setenv("GONGKAI_ALLOW_HOSTS", ",".join(_hosts(site)))  # the Upload tab has no --allow-host
    demo = build_ui(coll)
    assert list(demo.crawl("wrong", site.url + COLUMN_A, True, "中文")) == ["管理员令牌缺失或错误"]
    assert "http" in list(demo.crawl("s3cret", "ftp://x", True, "English"))[-1]
    steps = list(demo.crawl("s3cret", site.url + COLUMN_A, True, "中文"))
    assert len(steps) > 5 and steps[-1].count("\n") > steps[0].count("\n")
    assert "将抓取" in steps[-1] and "robots.txt 禁止" in steps[-1] and "完成：1 个栏目" in steps[-1]


def test_a_report_page_given_directly_is_crawled_and_a_script_built_list_is_named(site, tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    crawler = Crawler(coll, _options(site))
    page = site.url + COLUMN_A + "202102/t20210201_1003.htm"
    events = list(crawler.run([page, site.url + "/js/zfxxgknb/index.html"]))
    (got,) = [e for e in events if e.status == CrawlStatus.INGESTED]
    assert got.url == page and (got.issuer, got.year) == ("平潭综合实验区自然资源与生态环境局", 2020)
    (empty,) = [e for e in events if e.url.endswith("/js/zfxxgknb/index.html") and e.status == CrawlStatus.NOT_A_REPORT]
    assert "no report links on this page" in empty.message


def test_the_fetcher_keeps_its_limits():
    """Size cut as the body arrives, only http(s), robots.txt unreadable (5xx) means nothing is fetched,
    a Crawl-delay longer than ours is honoured, 429/5xx retried — without a network (httpx mock transport)."""
    import httpx

    from index.crawl.fetch import Fetcher, FetchError

    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.host == "down.example" and request.url.path == "/robots.txt":
            return httpx.Response(503)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 0.3\n")
        if request.url.path == "/big":
            return httpx.Response(200, content=b"x" * 5000)
        if request.url.path == "/busy" and calls.count("/busy") == 1:
            return httpx.Response(429)
        return httpx.Response(200, content=b"ok")

    fetcher = Fetcher(
        lambda url: True, delay=0.0, retries=1, backoff=0.01, max_bytes=1000, transport=httpx.MockTransport(handler)
    )
    with pytest.raises(FetchError, match="larger than the file size limit"):
        fetcher.get("http://a.example/big")
    with pytest.raises(FetchError, match="not an http"):
        fetcher.get("ftp://a.example/x")
    with pytest.raises(FetchError, match="robots.txt"):
        fetcher.get("http://down.example/page")
    assert "/page" not in calls
    assert fetcher.get("http://a.example/busy").body == b"ok" and fetcher.log.retries == 1
    fetcher.get("http://a.example/again")
    assert fetcher.log.fastest_gap() >= 0.29  # robots.txt's Crawl-delay, longer than ours (0)
    off = Fetcher(lambda url: "a.example" in url, transport=httpx.MockTransport(handler))
    with pytest.raises(FetchError, match="off the site"):
        off.get("http://b.example/x")

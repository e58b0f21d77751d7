"""Crawling hostile and broken sites (issue 38, items 1, 2, 4 and 5), each served on 127.0.0.1 by
tests/hostile_site.py: a stub never replaces a report, nothing internal is reached, a dripping site is given
up at the deadline, one bad page fails alone and the crawl ends with its summary."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import DONGSHAN, ROOT
from hostile_site import MANY_LINKS, HostileSite, InternalService

from index.collection import Collection
from index.crawl import MAX_LINKS, Crawler, CrawlOptions, CrawlStatus, site_of
from index.crawl.fetch import host_port, resolve
from index.settings import Settings

NAME = "www.portal.gov.cn"  # the hostile portal's name; it and its sibling hosts resolve to 127.0.0.1


def loopback_names(host: str, port: int) -> list[str]:
    """The resolver the crawler is given: the portal's names point at loopback, as a DNS record can."""
    return ["127.0.0.1"] if host.endswith(".portal.gov.cn") else resolve(host, port)


@pytest.fixture
def internal():
    s = InternalService().serve()
    yield s
    s.stop()


@pytest.fixture
def site(internal):
    s = HostileSite(drip_seconds=0.25, internal=internal.port, name=NAME).serve()
    yield s
    s.stop()


def _crawl(coll: Collection, site: HostileSite, path: str, name: str = "127.0.0.1", **kw):
    options = CrawlOptions(delay=0.05, timeout=1.0, retries=1, backoff=0.05, allow_hosts=(f"{name}:{site.port}",), **kw)
    crawler = Crawler(coll, options, resolver=loopback_names)
    events = list(crawler.run([f"http://{name}:{site.port}{path}"]))
    return crawler, events


def _by_path(events, site: HostileSite) -> dict:
    return {e.url.split(f":{site.port}", 1)[-1]: e for e in events if f":{site.port}" in e.url}


# ---- item 1: a stub never replaces a report ----------------------------------------------------
def test_a_stub_is_refused_a_lesser_version_kept_beside_and_replace_is_the_users_word(tmp_path):
    from assistant.answer import ask

    coll = Collection(Settings.from_env(tmp_path / "home"))
    (held,) = coll.ingest([DONGSHAN])
    assert held.cells == 258
    stub = tmp_path / "stub.html"  # what the crawler once ingested as the report: its title line alone
    stub.write_text(
        "<html><head><title>东山县人民政府办公室2020年政府信息公开工作年度报告</title></head>"
        "<body><h1>东山县人民政府办公室2020年政府信息公开工作年度报告</h1></body></html>",
        encoding="utf-8",
    )
    (refused,) = coll.ingest([stub])
    assert refused.status == "failed" and refused.error.startswith("not a report: no sections or tables")
    assert held.report_id in refused.error and "--replace" in refused.error
    assert [r.id for r in coll.reports()] == [held.report_id]
    assert coll.substance(held.report_id).words() == "11 sections, 3 tables, 258 cells"
    answer = ask("东山县2020年收到多少政府信息公开申请？", None, coll)
    assert {(f.source, f.value) for f in answer.facts} == {("table", "2"), ("text", "3")}

    # the same report with its tables cut off: some of a report, less than the one held → kept beside
    text = DONGSHAN.read_text(encoding="utf-8")
    partial = tmp_path / "partial.txt"
    partial.write_text(text[: text.index("三、收到和处理政府信息公开申请情况")], encoding="utf-8")
    (beside,) = coll.ingest([partial])
    assert beside.status == "added" and beside.near_duplicates == [held.report_id] and not beside.replaced
    assert f"kept beside {held.report_id}, which holds more of the report" in beside.note
    assert {r.id for r in coll.reports()} == {held.report_id, beside.report_id}

    # the user says so: the stub replaces both versions of the report
    (forced,) = coll.ingest([stub], replace=True)
    assert forced.status == "replaced" and set(forced.replaced) == {held.report_id, beside.report_id}


def test_an_attachment_that_redirects_back_to_its_stub_page_replaces_nothing(site, tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    (held,) = coll.ingest([DONGSHAN])
    crawler, events = _crawl(coll, site, "/att/list/")
    att = _by_path(events, site)["/att/report.pdf"]
    assert att.status == CrawlStatus.NOT_A_REPORT, att
    assert "holds no report text" in att.message and "redirected to" in att.message
    assert [r.id for r in coll.reports()] == [held.report_id]
    assert sum(1 for _ in coll.facts.cells([held.report_id])) == 258
    assert "ingested" not in crawler.summary.counts


# ---- item 2: nobody let in -----------------------------------------------------------------------
def test_the_host_check_reads_the_host_not_the_user_name():
    coll_hosts = Crawler.__new__(Crawler)  # the rule alone: no collection needed
    coll_hosts._hosts, coll_hosts._sites = set(), {site_of("www.x.gov.cn:80")}
    assert coll_hosts.allowed("http://files.x.gov.cn/a.pdf")
    assert not coll_hosts.allowed("http://www.x.gov.cn:80@169.254.169.254/latest/meta-data/")
    assert not coll_hosts.allowed("http://www.x.gov.cn:99999/")  # no such port
    assert host_port("http://www.x.gov.cn:80@169.254.169.254/") == "169.254.169.254:80"
    assert site_of("127.0.0.1:8080") == "127.0.0.1:8080" and site_of("www.x.gov.cn:8080") == "x.gov.cn"


def test_no_link_reaches_an_internal_address(site, internal, tmp_path):
    """A user name in the link, a sibling host that resolves to loopback, a redirect to it: none reaches the
    internal service (which would be stored as a report and served by the open API)."""
    coll = Collection(Settings.from_env(tmp_path / "home"))
    crawler, events = _crawl(coll, site, "/ssrf/list/", name=NAME)
    ev = _by_path(events, site)
    assert internal.hits == [] and coll.reports() == []
    userinfo = next(e for e in events if "@" in e.url)
    assert userinfo.status == CrawlStatus.FAILED and "user name" in userinfo.message
    sibling = next(e for e in events if e.url.startswith("http://files.portal.gov.cn"))
    assert sibling.status == CrawlStatus.FAILED and "loopback" in sibling.message
    assert "loopback" in ev["/ssrf/redirect.htm"].message

    # the loopback portal itself, not named by --allow-host: refused before a byte is sent to it
    before = len(site.hits)
    crawler = Crawler(coll, CrawlOptions(delay=0.05, timeout=1.0, retries=0))
    (event,) = list(crawler.run([f"{site.url}/ok/list/"]))
    assert event.status == CrawlStatus.FAILED and "127.0.0.1 is at 127.0.0.1" in event.message
    assert len(site.hits) == before


def test_a_robots_txt_that_redirects_is_followed(site, tmp_path):
    site.redirect_robots = True
    coll = Collection(Settings.from_env(tmp_path / "home"))
    _, events = _crawl(coll, site, "/robots/list/", dry_run=True)
    ev = _by_path(events, site)
    assert ev["/private/t1.htm"].status == CrawlStatus.DISALLOWED
    assert ev["/bad/report.htm"].status == CrawlStatus.NEW
    assert [p for _, p in site.hits] == ["/robots.txt", "/robots/real.txt", "/robots/list/"]


# ---- item 4: everything ends -------------------------------------------------------------------
def test_a_site_that_drips_is_given_up_at_the_deadline(site, tmp_path):
    """A byte every 0.25 s: each read is in time (timeout 1 s), the request is not (deadline 3 s). Before,
    the list page took as long as the site cared to drip (168 s at a byte a second)."""
    coll = Collection(Settings.from_env(tmp_path / "home"))
    crawler, events = _crawl(coll, site, "/drip/list/", deadline=3.0)
    (failed,) = events
    assert (
        failed.status == CrawlStatus.FAILED
        and failed.message == "took longer than 3 s in all (the site sends too slowly)"
    )
    assert [p for _, p in site.hits].count("/drip/list/") == 1  # too slow is not retried
    assert crawler.summary.seconds < 60  # the whole page would drip for 40 s; generous for a loaded machine

    site.drip_robots = True  # robots.txt dripped: unreadable, so nothing is fetched (RFC 9309)
    _, events = _crawl(coll, site, "/ok/list/", deadline=3.0)
    assert [(e.status, e.message) for e in events] == [
        (
            CrawlStatus.FAILED,
            "robots.txt could not be read (took longer than 3 s in all (the site sends too slowly)): "
            "nothing is fetched from this host for now",
        )
    ]
    assert "/ok/list/" not in [p for _, p in site.hits]


# ---- item 5: one failure stays one failure ---------------------------------------------------------
def test_a_bad_page_fails_alone_and_the_crawl_ends_with_its_summary(site, tmp_path):
    """Broken gzip and an HTML page of random bytes ended `gongkai crawl` with a traceback; now each is its
    URL's outcome and the report beside them comes in."""
    env = {**os.environ, "GONGKAI_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "ui.cli", "crawl", f"{site.url}/bad/list/", "--delay", "0.05", "--timeout", "2"]
        + ["--retries", "0", "--allow-host", f"127.0.0.1:{site.port}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr[-2000:]
    lines = out.stdout.splitlines()
    gzip = next(x for x in lines if "/bad/gzip.htm" in x)
    assert gzip.startswith("failed") and "cannot be decoded (broken gzip or deflate)" in gzip
    noise = next(x for x in lines if "/bad/random.htm" in x)
    assert noise.startswith("not_a_report") and "not a readable page" in noise
    assert next(x for x in lines if "/bad/report.htm" in x).startswith("ingested")
    assert lines[-1].startswith("crawled 1 column (1 list pages)") and "1 reports ingested" in lines[-1]


def test_a_list_page_gives_at_most_its_cap_of_links(site, tmp_path):
    coll = Collection(Settings.from_env(tmp_path / "home"))
    crawler, events = _crawl(coll, site, "/many/list/", dry_run=True)
    (limited,) = [e for e in events if e.status == CrawlStatus.LIMITED]
    assert limited.message.startswith(f"{MANY_LINKS:,} report links on this page: the first {MAX_LINKS} taken")
    assert crawler.summary.counts["new"] == MAX_LINKS


def test_a_name_that_never_resolves_is_given_up_in_time():
    """The resolver has no timeout of its own (a hostile DNS server can hold it for minutes): the fetch
    stops waiting for it when the connect timeout or the request's deadline comes, whichever is first."""
    import threading
    import time

    from index.crawl.fetch import Fetcher, FetchError

    release = threading.Event()

    def never(host: str, port: int) -> list[str]:
        release.wait(30)
        return ["127.0.0.1"]

    fetcher = Fetcher(lambda url: True, delay=0, timeout=0.5, retries=0, deadline=2, resolver=never)
    t0 = time.monotonic()
    try:
        with pytest.raises(FetchError, match="could not be resolved in time"):
            fetcher.get("http://slow-dns.example/zfxxgknb/")
        assert time.monotonic() - t0 < 25  # the resolver itself would have held it 30 s
    finally:
        release.set()

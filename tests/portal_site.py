"""A government portal's annual-report columns, served on 127.0.0.1 for the crawl tests and docs/cli.md.

Everything in it is real report data from ``samples/``: the portal's own HTML pages of
``samples/corpus-html`` as they are, crawled texts of ``samples/corpus`` wrapped in the same kind of
portal markup (breadcrumbs, share widgets, related links), and the district's PDFs as attachments.
Around them, what real portals do to a crawler: two pagination styles (the TRS script pager
``createPageHTML`` with no anchors, and 「下一页」 with numbered pages), a robots.txt that disallows
one path, a 404, a slow page, a redirect loop, a page that fails once with 503, a link to another
host, the same report under two URLs, a Word 97 ``.doc`` attachment, an attachment on a second host
name, and ETag/Last-Modified with 304 answers. ``change()`` edits one page between two crawls.

Run it by hand: ``python tests/portal_site.py --port 8765`` and crawl
``http://127.0.0.1:8765/ptzhsyq/zfxxgknb/`` and ``http://127.0.0.1:8765/hzq/xxgknb/list.html``.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "corpus"
CORPUS_HTML = ROOT / "samples" / "corpus-html"
DEPTS = CORPUS / "pingtan-depts"

COLUMN_A = "/ptzhsyq/zfxxgknb/"  # script pager: createPageHTML(3, 0, "index", "html")
COLUMN_B = "/hzq/xxgknb/list.html"  # 「下一页」 and numbered list_N.html pages
SLOW_SECONDS = 3.0


@dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    location: str = ""
    fail_first: int = 0  # answer 503 this many times first
    modified: float = field(default_factory=lambda: 1_700_000_000.0)

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'


@dataclass
class Hit:
    at: float
    host: str
    path: str
    status: int
    user_agent: str
    conditional: bool


def _crawled(name: str) -> tuple[str, str]:
    """A crawled page.txt of samples/corpus: its title and its body (after the crawler's separator)."""
    text = (DEPTS / f"{name}.txt").read_text(encoding="utf-8")
    title = text.splitlines()[0].split(":", 1)[1].strip().replace(" ", "")
    body = text.split("==================== 正文 ====================", 1)[1].strip()
    return title, body


def portal(title: str, content: str, column: str = "政府信息公开年报") -> bytes:
    """A detail or list page in portal chrome: head scripts, navigation, breadcrumbs, share widget, related links."""
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{html.escape(title)}_{column}_平潭综合实验区党工委管委会</title>
<script>var share = {{"weibo": "share.sina"}}; function gk(){{ return "政府信息公开"; }}</script></head>
<body><div class="header"><a href="/">首页</a> <a href="/zwgk/">政务公开</a> <a href="/hdjl/">互动交流</a>
<a href="https://www.fujian.gov.cn/">福建省人民政府</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; {column}</div>
<div class="share">分享到：<a href="javascript:;">微信</a> <a href="javascript:;">微博</a> <a href="javascript:;">QQ空间</a></div>
<div class="content">{content}</div>
<div class="related">相关链接：<a href="/zwgk/zcjd/">政策解读</a> <a href="/zwgk/zfxxgkzn/">政府信息公开指南</a></div>
<div class="footer">主办单位：平潭综合实验区党工委管委会办公室 闽ICP备00000000号</div></body></html>""".encode()


def _detail(title: str, body: str) -> bytes:
    return portal(title, f'<h1>{html.escape(title)}</h1><div class="TRS_Editor"><p>{html.escape(body)}</p></div>')


def _attachment_page(title: str, href: str, name: str) -> bytes:
    return portal(
        title,
        f'<h1>{html.escape(title)}</h1><p>附件：<a href="{href}">{html.escape(name)}</a></p><p>来源：区政府办公室</p>',
    )


def _list(title: str, entries: list[tuple[str, str, str]], pager: str) -> bytes:
    items = "".join(
        f'<li><a href="{href}" title="{html.escape(t)}" target="_blank">{html.escape(t[:22])}…</a><span>{d}</span></li>'
        for href, t, d in entries
    )
    return portal(title, f'<ul class="list">{items}</ul><div class="page">{pager}</div>', column=title)


class PortalSite:
    """The site's routes and request log; ``serve()`` starts it on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.reports: dict[str, tuple[str, int]] = {}  # path of each report's page -> (issuer, year)
        self._build()

    # ---- content ---------------------------------------------------------------------------
    def _build(self) -> None:
        r = self.routes
        r["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        a = COLUMN_A
        for name, path, issuer, year in (
            ("jtj-2022", "202301/t20230120_1001.htm", "平潭综合实验区交通与建设局", 2022),
            ("scj-2021", "202201/t20220118_1002.htm", "平潭综合实验区市场监督管理局", 2021),
            ("zrz-2020", "202102/t20210201_1003.htm", "平潭综合实验区自然资源与生态环境局", 2020),
        ):
            r[a + path] = Route((CORPUS_HTML / f"{name}.html").read_bytes())
            self.reports[a + path] = (issuer, year)
        for name, path, year in (
            ("gyz-2021", "202201/t20220113_1004.htm", 2021),
            ("gyz-2019", "202001/t20200110_1005.htm", 2019),
            ("gyz-2020", "202101/t20210115_1006.htm", 2020),
        ):
            title, body = _crawled(name)
            r[a + path] = Route(_detail(title, body))
            self.reports[a + path] = ("平潭综合实验区国有资产管理局", year)
        r[a + "202101/t20210115_1006.htm"].fail_first = 1
        # the same report under a second address (a column moved, the old page kept)
        r[a + "2022/t20220113_1004.htm"] = Route(r[a + "202201/t20220113_1004.htm"].body)
        r[a + "201901/t20190110_slow.htm"] = Route(_detail(*_crawled("jtj-2012")), delay=SLOW_SECONDS)
        r[a + "loop/a.htm"] = Route(status=302, location=a + "loop/b.htm")
        r[a + "loop/b.htm"] = Route(status=302, location=a + "loop/a.htm")
        r["/private/t20220101_9.htm"] = Route(_detail(*_crawled("jtj-2025")))
        titles = {p: self._title(p) for p in self.reports}
        pager = '<script>createPageHTML(3, {n}, "index", "html");</script>'
        first = [
            ("202301/t20230120_1001.htm", titles[a + "202301/t20230120_1001.htm"], "2023-01-20"),
            ("202201/t20220118_1002.htm", titles[a + "202201/t20220118_1002.htm"], "2022-01-18"),
            ("/private/t20220101_9.htm", "平潭综合实验区交通与建设局2025年度政府信息公开工作年度报告", "2026-01-10"),
            ("http://example.invalid/zfxxgknb/t1.htm", "福州市2022年政府信息公开工作年度报告", "2023-01-30"),
            ("/zwgk/zcjd/t2023_1.htm", "平潭综合实验区2022年度政府信息公开工作年度报告解读", "2023-01-21"),
        ]
        second = [
            ("202102/t20210201_1003.htm", titles[a + "202102/t20210201_1003.htm"], "2021-02-01"),
            ("202201/t20220113_1004.htm", titles[a + "202201/t20220113_1004.htm"], "2022-01-13"),
            ("202001/t20200101_404.htm", "平潭综合实验区国有资产管理局2018年政府信息公开工作年度报告", "2019-01-10"),
            ("loop/a.htm", "平潭综合实验区交通与建设局2016年政府信息公开工作年度报告", "2017-01-10"),
        ]
        third = [
            ("202001/t20200110_1005.htm", titles[a + "202001/t20200110_1005.htm"], "2020-01-10"),
            ("202101/t20210115_1006.htm", titles[a + "202101/t20210115_1006.htm"], "2021-01-15"),
            ("2022/t20220113_1004.htm", titles[a + "202201/t20220113_1004.htm"], "2022-01-13"),
            ("201901/t20190110_slow.htm", "平潭综合实验区交通与建设局2012年政府信息公开工作年度报告", "2013-01-10"),
        ]
        for n, entries in enumerate((first, second, third)):
            page = _list("政府信息公开年报", entries, pager.format(n=n))
            r[a + ("index.html" if n == 0 else f"index_{n}.html")] = Route(page)
        r[a] = Route(r[a + "index.html"].body)

        # a column whose list the browser builds from JSON: nothing for a crawler to read
        r["/js/zfxxgknb/index.html"] = Route(
            portal(
                "政府信息公开年报", "<ul id='list'></ul><script>fetch('/api/list?page=1').then(r => r.json())</script>"
            )
        )
        b = "/hzq/xxgknb/"
        hz = "淮安市洪泽区人民政府"
        r["/files/hongze-2023.pdf"] = Route((CORPUS / "hongze-2023.pdf").read_bytes(), "application/pdf")
        r["/files/hongze-2024.pdf"] = Route((CORPUS / "hongze-2024.pdf").read_bytes(), "application/pdf")
        r["/files/hongze-2022.doc"] = Route(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4000, "application/msword")
        r[b + "202401/t20240130_2001.htm"] = Route(
            _attachment_page(
                f"{hz}2023年政府信息公开工作年度报告",
                "/files/hongze-2023.pdf",
                f"{hz}2023年政府信息公开工作年度报告.pdf",
            )
        )
        self.reports[b + "202401/t20240130_2001.htm"] = (hz, 2023)
        # the 2024 file sits on the portal's second host name (its "file server")
        r[b + "202501/t20250125_2002.htm"] = Route(
            _attachment_page(f"{hz}2024年政府信息公开工作年度报告", "{files}/files/hongze-2024.pdf", "附件1.pdf")
        )
        self.reports[b + "202501/t20250125_2002.htm"] = (hz, 2024)
        r[b + "202301/t20230120_2003.htm"] = Route(
            _attachment_page(
                f"{hz}2022年政府信息公开工作年度报告",
                "/files/hongze-2022.doc",
                f"{hz}2022年政府信息公开工作年度报告.doc",
            )
        )
        title, body = _crawled("jtj-2020")
        r[b + "202101/t20210120_2004.htm"] = Route(_detail(title, body))
        self.reports[b + "202101/t20210120_2004.htm"] = ("平潭综合实验区交通与建设局", 2020)
        numbers = '<a href="list.html">1</a> <a href="list_1.html">2</a> <a href="list_2.html">3</a>'
        pages = [
            [
                ("202501/t20250125_2002.htm", f"{hz}2024年政府信息公开工作年度报告", "2025-01-25"),
                ("202401/t20240130_2001.htm", f"{hz}2023年政府信息公开工作年度报告", "2024-01-30"),
            ],
            [("202301/t20230120_2003.htm", f"{hz}2022年政府信息公开工作年度报告", "2023-01-20")],
            [("202101/t20210120_2004.htm", title, "2021-01-20")],
        ]
        for n, entries in enumerate(pages):
            nxt = f' <a href="list_{n + 1}.html">下一页</a>' if n + 1 < len(pages) else ""
            r[b + ("list.html" if n == 0 else f"list_{n}.html")] = Route(
                _list("政府信息公开年报", entries, numbers + nxt)
            )

    def _title(self, path: str) -> str:
        import re

        body = self.routes[path].body.decode("utf-8")
        return re.search(r"<title>\s*([^_<]+)", body).group(1).strip()

    def change(self, path: str, old: str, new: str) -> None:
        """Edit a page between crawls (a corrected figure): new bytes, new ETag, new Last-Modified."""
        route = self.routes[path]
        body = route.body.decode("utf-8")
        assert old in body, old
        route.body = body.replace(old, new, 1).encode("utf-8")
        route.modified = time.time()

    # ---- serving ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, port: int = 0) -> PortalSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                path = self.path.split("?", 1)[0]
                route = site.routes.get(path)
                status = 404 if route is None else route.status
                headers: dict[str, str] = {}
                body = b"<html><body>404 \xe9\xa1\xb5\xe9\x9d\xa2\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8</body></html>"
                conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
                # logged as it arrives (a slow page's answer comes later; its status is filled in then)
                hit = Hit(
                    time.monotonic(),
                    self.headers.get("Host", ""),
                    path,
                    0,
                    self.headers.get("User-Agent", ""),
                    conditional,
                )
                with site._lock:
                    site.hits.append(hit)
                if route is not None:
                    if route.delay:
                        time.sleep(route.delay)
                    with site._lock:
                        failing = route.fail_first > 0
                        if failing:
                            route.fail_first -= 1
                    body = route.body.replace(b"{files}", f"http://localhost:{site.port}".encode())
                    if failing:
                        status, body = 503, b"busy"
                    elif route.status in (301, 302):
                        headers["Location"] = route.location
                        body = b""
                    else:
                        headers["ETag"] = route.etag
                        headers["Last-Modified"] = formatdate(route.modified, usegmt=True)
                        headers["Content-Type"] = route.content_type
                        if self.headers.get("If-None-Match") == route.etag:
                            status, body = 304, b""
                hit.status = status
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the crawl tests' portal on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    site = PortalSite().serve(args.port)
    print(f"serving {site.url}{COLUMN_A} and {site.url}{COLUMN_B} (Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()


if __name__ == "__main__":
    main()

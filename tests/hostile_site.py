"""A hostile or broken portal, served on 127.0.0.1 for the crawl tests and the measurements of issue 38.

What a crawler meets on the open web besides well-made portals (``tests/portal_site.py``): a site that
drips its answer a byte at a time (a list page, or its robots.txt), a page with broken gzip, an HTML page
of random bytes, a list page with 100,000 report links, an attachment link that redirects back to its
own detail page (a stub holding only the report's title), links that try to reach an internal address
(a user name in the URL, a sibling host name that resolves to loopback, a redirect), and a robots.txt
that redirects. ``InternalService`` stands for what must never be reached: a cloud metadata endpoint or
a database port, serving something that would pass for a report.

Run it by hand: ``python tests/hostile_site.py --port 8766 [--drip 1.0] [--drip-robots]``.
"""

from __future__ import annotations

import argparse
import html
import random
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DONGSHAN_TITLE = "东山县人民政府办公室2020年政府信息公开工作年度报告"
REPORT_PAGE = (ROOT / "samples" / "corpus-html" / "jtj-2022.html").read_bytes()  # a real report page
MANY_LINKS = 100_000


def _page(title: str, content: str) -> bytes:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f"<body>{content}</body></html>"
    ).encode()


def _list(entries: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<li><a href="{href}" title="{html.escape(t)}">{html.escape(t)}</a></li>' for href, t in entries)
    return _page("政府信息公开年报", f"<ul>{items}</ul>")


def _title(year: int, issuer: str = "甲县人民政府") -> str:
    return f"{issuer}{year}年政府信息公开工作年度报告"


class _Server:
    """A threading HTTP server on 127.0.0.1 with a log of what was asked (host header, path)."""

    def __init__(self) -> None:
        self.hits: list[tuple[str, str]] = []
        self.server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def answer(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        raise NotImplementedError

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve(self, port: int = 0):
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                path = self.path.split("?", 1)[0]
                with site._lock:
                    site.hits.append((self.headers.get("Host", ""), path))
                try:
                    site.answer(self, path)
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


def send(handler: BaseHTTPRequestHandler, body: bytes, status: int = 200, **headers: str) -> None:
    handler.send_response(status)
    headers.setdefault("Content-Type", "text/html; charset=utf-8")
    for k, v in headers.items():
        handler.send_header(k.replace("_", "-"), v)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def drip(handler: BaseHTTPRequestHandler, body: bytes, seconds: float, content_type: str = "text/html") -> None:
    """The whole answer — status line, headers and body — a byte every ``seconds``: each read returns
    in time, so a per-read timeout never fires."""
    raw = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    handler.close_connection = True
    for i in range(len(raw)):
        handler.wfile.write(raw[i : i + 1])
        handler.wfile.flush()
        time.sleep(seconds)


class InternalService(_Server):
    """What sits behind the firewall: anything it is asked is a breach. It answers with a real report
    page, so a crawler that reached it would store it as a report."""

    def answer(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        send(handler, REPORT_PAGE)


class HostileSite(_Server):
    """The hostile portal's routes; ``internal`` is the port of an :class:`InternalService` its links aim at."""

    def __init__(self, drip_seconds: float = 1.0, internal: int = 0, name: str = "") -> None:
        super().__init__()
        self.drip_seconds = drip_seconds
        self.drip_robots = False  # robots.txt dripped too
        self.redirect_robots = False  # robots.txt answered by a redirect to /robots/real.txt
        self.internal = internal
        self.name = name  # a host name that resolves to 127.0.0.1 (the tests give the crawler a resolver)
        self.routes: dict[str, Callable[[BaseHTTPRequestHandler], None]] = {
            "/robots.txt": self._robots,
            "/robots/real.txt": lambda h: send(h, b"User-agent: *\nDisallow: /private/\n", Content_Type="text/plain"),
            # small, as a list page goes (~150 bytes with the headers): dripped, it takes minutes all the same
            "/drip/list/": lambda h: drip(h, f'<a href="/ok/t1.htm">{_title(2021)}</a>'.encode(), self.drip_seconds),
            "/ok/list/": lambda h: send(
                h, _list([("/bad/report.htm", "平潭综合实验区交通与建设局2022年度政府信息公开工作年度报告")])
            ),
            "/bad/list/": lambda h: send(
                h,
                _list(
                    [
                        ("/bad/gzip.htm", _title(2019)),
                        ("/bad/random.htm", _title(2020)),
                        ("/bad/report.htm", "平潭综合实验区交通与建设局2022年度政府信息公开工作年度报告"),
                    ]
                ),
            ),
            # a gzip header and then garbage: the decoder fails mid-body
            "/bad/gzip.htm": lambda h: send(
                h, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + bytes(range(256)) * 8, Content_Encoding="gzip"
            ),
            "/bad/random.htm": lambda h: send(h, random.Random(38).randbytes(64 * 1024)),
            "/bad/report.htm": lambda h: send(h, REPORT_PAGE),
            "/many/list/": lambda h: send(h, self._many()),
            "/att/list/": lambda h: send(h, _list([("/att/t1.htm", DONGSHAN_TITLE)])),
            # a detail page holding only the report's title, its "attachment" redirecting back to it
            "/att/t1.htm": lambda h: send(
                h,
                _page(
                    DONGSHAN_TITLE,
                    f'<h1>{DONGSHAN_TITLE}</h1><p>附件：<a href="/att/report.pdf">{DONGSHAN_TITLE}.pdf</a></p>',
                ),
            ),
            "/att/report.pdf": lambda h: send(h, b"", 302, Location="/att/t1.htm"),
            "/ssrf/list/": lambda h: send(h, _list(self._ssrf_links())),
            "/ssrf/redirect.htm": lambda h: send(
                h, b"", 302, Location=f"http://{self._sibling()}:{self.internal}/latest/"
            ),
            "/robots/list/": lambda h: send(
                h,
                _list(
                    [
                        ("/private/t1.htm", _title(2015)),
                        ("/bad/report.htm", "平潭综合实验区交通与建设局2022年度政府信息公开工作年度报告"),
                    ]
                ),
            ),
            "/private/t1.htm": lambda h: send(h, REPORT_PAGE),
        }

    def _robots(self, handler: BaseHTTPRequestHandler) -> None:
        if self.drip_robots:
            drip(handler, b"User-agent: *\nDisallow: /private/\n", self.drip_seconds, "text/plain")
        elif self.redirect_robots:
            send(handler, b"", 301, Location="/robots/real.txt")
        else:
            send(handler, b"User-agent: *\nDisallow: /private/\n", Content_Type="text/plain")

    def _many(self) -> bytes:
        items = "".join(
            f'<li><a href="/many/{n}.htm">{_title(2000 + n % 25, f"第{n}县")}</a></li>' for n in range(MANY_LINKS)
        )
        return _page("政府信息公开年报", f"<ul>{items}</ul>")

    def _sibling(self) -> str:
        """Another host of the site ("files.x.gov.cn" beside "www.x.gov.cn"): its attachment host."""
        return f"files.{self.name.split('.', 1)[1]}" if self.name.count(".") >= 2 else "localhost"

    def _ssrf_links(self) -> list[tuple[str, str]]:
        site = f"{self.name or '127.0.0.1'}:{self.port}"
        sibling = self._sibling()
        return [
            # a user name that looks like the site: the host is what follows the "@"
            (f"http://{site}@127.0.0.1:{self.internal}/latest/meta-data/", _title(2018)),
            # a sibling host of the site (allowed as its "file server") that resolves to loopback
            (f"http://{sibling}:{self.internal}/db.htm", _title(2017)),
            # a page of the site that redirects to the internal service (by the sibling's name)
            ("/ssrf/redirect.htm", _title(2016)),
        ]

    def answer(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        route = self.routes.get(path)
        if route is None:
            send(handler, b"<html><body>404</body></html>", 404)
        else:
            route(handler)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the hostile portal on 127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--internal-port", type=int, default=8767)
    parser.add_argument("--drip", type=float, default=1.0, help="seconds between two bytes of a dripped answer")
    parser.add_argument("--drip-robots", action="store_true", help="drip robots.txt too")
    args = parser.parse_args()
    internal = InternalService().serve(args.internal_port)
    site = HostileSite(args.drip, internal.port)
    site.drip_robots = args.drip_robots
    site.serve(args.port)
    print(f"serving {site.url} (internal service on {internal.url}; Ctrl-C stops)", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        site.stop()
        internal.stop()


if __name__ == "__main__":
    main()

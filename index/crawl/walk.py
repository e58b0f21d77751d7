"""`gongkai crawl`: collect a portal's annual-report column into the collection, incrementally.

From a column's list page: follow its pagination, pick the links whose titles are annual disclosure
reports (``index.crawl.links``), fetch each detail page politely (``index.crawl.fetch``), and ingest the page
itself when it carries the report, or the PDF/Word files it links when it does not. Every URL's
outcome is kept in the facts store (``crawl_urls``) with its ETag/Last-Modified and content hash, so
a second crawl asks conditionally and fetches only what changed, the same report under two URLs
is one report, and a crawl killed mid-way resumes where it stopped (``crawl_runs``). Each report
keeps the URL it came from and when (``report_sources``), for citations.

A crawl meets hostile and broken sites: each URL's failure is that URL's outcome (a broken gzip body, a
page of random bytes) and the crawl goes on to its summary; only a store fault (the database gone, the
disk full) or a stop (the API client hung up) ends it early, and then the summary says why.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from index.collection import Collection, IngestResult, IngestStatus
from index.crawl.fetch import Fetched, Fetcher, FetchError, Stopped, host_port, resolve
from index.crawl.links import (
    Listing,
    canonical,
    carries_report,
    file_name,
    is_attachment,
    is_report_title,
    parse_detail_page,
    parse_list_page,
)
from index.facts import CrawlUrlRow
from index.faults import StoreFault, fault_of
from ingest.loaders import LoadError, load_bytes, max_file_bytes, sniffed_suffix
from ingest.model import Origin

MAX_ATTACHMENTS = 5  # report files taken from one detail page
# report links taken from one list page: a column lists a few dozen a page; 100,000 links (a trap, or a
# site map) would be ~100 minutes of fetching at one request a second
MAX_LINKS = 500
log = logging.getLogger("gongkai.crawl")


class CrawlStatus(StrEnum):
    """What became of one URL in a crawl."""

    LISTED = "listed"  # a list page read (its reports follow)
    INGESTED = "ingested"  # a report added, or a new version replacing the one held
    HELD = "held"  # the same report is held already (another URL, an earlier crawl): its URL recorded
    NOT_MODIFIED = "not_modified"  # unchanged since the last crawl (304, or the same bytes)
    RESUMED = "resumed"  # done by the crawl that was killed: not asked again
    NOT_A_REPORT = "not_a_report"  # fetched, holds no report
    UNSUPPORTED = "unsupported"  # a .doc/.wps file and no converter here
    FAILED = "failed"  # could not be fetched or ingested: the reason says which
    DISALLOWED = "disallowed"  # robots.txt says no: never fetched
    OFF_SITE = "off_site"  # another host: not followed unless allowed
    OLDER = "older"  # listed before --since
    NEW = "new"  # --dry-run: would be fetched
    LIMITED = "limited"  # a list page with more report links than a crawl takes from one page


# outcomes that hold until the page changes: asked conditionally next time
SETTLED = {
    CrawlStatus.INGESTED,
    CrawlStatus.HELD,
    CrawlStatus.NOT_MODIFIED,
    CrawlStatus.NOT_A_REPORT,
    CrawlStatus.UNSUPPORTED,
}


@dataclass
class CrawlEvent:
    """One line of a crawl's progress: a URL and its outcome (a report's issuer and year when known)."""

    url: str
    kind: str  # list, page, attachment
    status: CrawlStatus
    title: str = ""
    report_id: str = ""
    issuer: str = ""
    year: int | None = None
    message: str = ""
    ingest: IngestStatus | None = None


@dataclass
class CrawlOptions:
    max_pages: int = 50  # list pages per column
    since: date | None = None  # only reports listed on or after this date (undated: only unseen ones)
    dry_run: bool = False
    allow_hosts: tuple[str, ...] = ()
    delay: float = 1.0
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 2.0
    deadline: float | None = None  # seconds one request may take in all (default: 3 × timeout)
    max_links: int = MAX_LINKS  # report links taken from one list page


@dataclass
class CrawlSummary:
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    bytes: int = 0
    fastest_gap: float | None = None
    stopped: str = ""  # why the crawl ended before its end (a store fault, a stop), or ""

    def as_dict(self) -> dict:
        return {
            "stopped": self.stopped,
            "counts": dict(self.counts),
            "seconds": round(self.seconds, 2),
            "requests": self.requests,
            "not_modified": self.not_modified,
            "retries": self.retries,
            "bytes": self.bytes,
            "fastest_gap": None if self.fastest_gap is None else round(self.fastest_gap, 3),
        }


def _key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def site_of(host: str) -> str:
    """The site a ``host:port`` (``index.crawl.fetch.host_port``) belongs to: www.pingtan.gov.cn and
    file.pingtan.gov.cn are one site (a portal's attachment host), pingtan.gov.cn and fuzhou.gov.cn are
    not; an address (with its port) is its own."""
    name = host.rsplit(":", 1)[0] if host.rsplit(":", 1)[-1].isdigit() else host
    labels = name.split(".")
    if name.startswith("[") or name.replace(".", "").isdigit() or len(labels) < 3:
        return host
    return ".".join(labels[1:])


class Crawler:
    """Walks columns and ingests what they list; yields a CrawlEvent per URL as it goes."""

    def __init__(
        self,
        collection: Collection,
        options: CrawlOptions | None = None,
        fetcher: Fetcher | None = None,
        stop: threading.Event | None = None,
        resolver: Callable[[str, int], list[str]] = resolve,
    ) -> None:
        """``stop``: set it to end the crawl at once (its waits and reads end; the summary says so);
        ``resolver``: host name → addresses (tests give their loopback site a name)."""
        self.collection = collection
        self.facts = collection.facts
        self.options = options or CrawlOptions()
        self.stop = stop or threading.Event()
        self._sites: set[str] = set()
        # --allow-host, and the server's own list (GONGKAI_ALLOW_HOSTS, comma-separated: an intranet portal
        # on a private address, crawled from the Upload tab too)
        named = [*self.options.allow_hosts, *os.environ.get("GONGKAI_ALLOW_HOSTS", "").split(",")]
        self._hosts: set[str] = {h.strip().lower() for h in named if h.strip()}
        self.fetcher = fetcher or Fetcher(
            self.allowed,
            delay=self.options.delay,
            timeout=self.options.timeout,
            retries=self.options.retries,
            backoff=self.options.backoff,
            max_bytes=max_file_bytes(),
            deadline=self.options.deadline,
            private_hosts=self._hosts,
            resolver=resolver,
            stop=self.stop,
        )
        self.cache = collection.settings.home / "crawl"
        self.summary = CrawlSummary()

    def allowed(self, url: str) -> bool:
        """Only the hosts of the columns being crawled (and their sites' attachment hosts), and hosts
        allowed by name — compared by host name and port, never by the user-name part of the URL, and
        never for a URL that has one."""
        if "@" in urlsplit(url).netloc:
            return False
        try:
            host = host_port(url)
        except ValueError:
            return False
        return host in self._hosts or host.rsplit(":", 1)[0] in self._hosts or site_of(host) in self._sites

    # ---- the walk ------------------------------------------------------------------------------
    def run(self, start_urls: list[str]) -> Iterator[CrawlEvent]:
        """Crawl each column in turn. Ends with its summary in ``self.summary`` however it ends: a store
        fault stops it with one event saying so (and ``summary.stopped``), a stop ends it quietly."""
        t0 = time.perf_counter()
        starts = [canonical(u) for u in start_urls]
        for u in starts:
            try:
                self._sites.add(site_of(host_port(u)))
            except ValueError:
                pass  # no host: its fetch fails with the reason
        start = starts[0] if starts else ""
        try:
            for start in starts:
                if self.options.dry_run:
                    yield from self._column(start, 0, False)
                    continue
                run_id, resumed = self.facts.crawl_run(start)
                before = Counter(self.summary.counts)
                yield from self._column(start, run_id, resumed)
                self.facts.finish_crawl_run(run_id, dict(self.summary.counts - before))
        except Stopped:
            self.summary.stopped = "stopped before its end (its client went away, or it was cancelled)"
        except Exception as exc:
            fault = fault_of(exc)
            if fault is None:
                raise
            left = len(starts) - starts.index(start) - 1
            self.summary.stopped = f"{fault}; the crawl stopped" + (f" ({left} more columns not tried)" if left else "")
            yield self._event(CrawlEvent(start, "list", CrawlStatus.FAILED, message=self.summary.stopped))
        finally:
            log = self.fetcher.log
            self.summary.seconds = time.perf_counter() - t0
            self.summary.requests, self.summary.not_modified = log.requests, log.not_modified
            self.summary.retries, self.summary.bytes, self.summary.fastest_gap = (
                log.retries,
                log.bytes,
                log.fastest_gap(),
            )

    def _event(self, event: CrawlEvent) -> CrawlEvent:
        self.summary.counts[str(event.status)] += 1
        return event

    def _column(self, start: str, run_id: int, resumed: bool) -> Iterator[CrawlEvent]:
        queue, queued = deque([start]), {start}
        done: set[str] = set()  # report URLs handled in this walk (a list may repeat a link)
        bodies: set[str] = set()  # list pages read: "column/" and "column/index.html" are one page
        failed: set[str] = set()
        pages = listed = 0
        while queue and pages < self.options.max_pages:
            url = queue.popleft()
            body, final = yield from self._list_page(url, run_id, bodies)
            pages += 1
            if body is None:
                failed.add(url)
                continue
            try:
                page = parse_list_page(body, final)
            except Exception as exc:  # noqa: BLE001 - a page that cannot be read fails alone
                failed.add(url)
                yield self._event(CrawlEvent(url, "list", CrawlStatus.FAILED, message=_why(exc)))
                continue
            for more in page.pages:
                if more not in queued and self.allowed(more):
                    queued.add(more)
                    queue.append(more)
            items = page.items
            if url == start and not items and not page.pages and is_report_title(page.title):
                items = [Listing(page.title, final)]  # the address given is a report itself
            if len(items) > self.options.max_links:
                yield self._event(
                    CrawlEvent(
                        url,
                        "list",
                        CrawlStatus.LIMITED,
                        message=f"{len(items):,} report links on this page: the first {self.options.max_links} "
                        f"taken (a list page holds a few dozen; the rest are not fetched)",
                    )
                )
                items = items[: self.options.max_links]
            listed += len(items)
            for item in items:
                if item.url not in done:
                    done.add(item.url)
                    yield from self._one(item, run_id, resumed)
        if pages and not listed and start not in failed:
            yield self._event(
                CrawlEvent(
                    start,
                    "list",
                    CrawlStatus.NOT_A_REPORT,
                    message="no report links on this page; a list the browser builds with scripts cannot be read: "
                    "give the column's page that lists the reports' titles",
                )
            )
        if queue:
            yield self._event(
                CrawlEvent(
                    start,
                    "list",
                    CrawlStatus.FAILED,
                    message=f"stopped at --max-pages {self.options.max_pages}; {len(queue)} list pages left",
                )
            )

    def _one(self, item: Listing, run_id: int, resumed: bool) -> Iterator[CrawlEvent]:
        """One listed URL, whatever it does: its failure (a body that cannot be decoded, a page of random
        bytes, anything unforeseen) is its own outcome and the crawl goes on. A stop and a store fault
        are the crawl's, not the URL's: they go up."""
        if self.stop.is_set():
            raise Stopped("the crawl was stopped")
        try:
            yield from self._item(item, run_id, resumed)
        except (Stopped, StoreFault):
            raise
        except Exception as exc:  # noqa: BLE001 - one URL's failure ends that URL only
            fault = fault_of(exc)
            if fault is not None:
                raise fault from exc
            log.warning("crawl: %s failed: %s", item.url, _why(exc))
            kind = "attachment" if is_attachment(item.url) else "page"
            yield self._event(CrawlEvent(item.url, kind, CrawlStatus.FAILED, item.title, message=_why(exc)))

    def _list_page(self, url: str, run_id: int, bodies: set[str]):
        """A list page's body (from the local copy when the server says it has not changed); None when
        it failed or is a page already read under another address."""
        key = _key(url)
        row = self.facts.crawl_url(key)
        cached = Path(row.cached) if row is not None and row.cached else None
        etag = row.etag if row is not None and cached is not None and cached.exists() else ""
        modified = row.last_modified if row is not None and cached is not None and cached.exists() else ""
        try:
            got = self.fetcher.get(url, etag, modified)
        except FetchError as exc:
            yield self._event(CrawlEvent(url, "list", CrawlStatus.FAILED, message=str(exc)))
            return None, url
        if got.not_modified and cached is not None:
            body = cached.read_bytes()
        else:
            body = got.body
            cached = self._keep(got.url, "list.html", body)
        digest = hashlib.sha256(body).hexdigest()
        if not self.options.dry_run:
            self.facts.save_crawl_url(
                CrawlUrlRow(
                    key=key,
                    url=url,
                    kind="list",
                    status=str(CrawlStatus.LISTED),
                    run_id=run_id,
                    content_hash=digest,
                    etag=got.etag,
                    last_modified=got.last_modified,
                    cached=str(cached),
                    fetched_at=got.fetched_at,
                )
            )
        if digest in bodies:
            return None, url  # the same list under another address ("column/" and "column/index.html"): read once
        bodies.add(digest)
        yield self._event(
            CrawlEvent(url, "list", CrawlStatus.LISTED, message="not modified" if got.not_modified else "")
        )
        return body, got.url

    def _keep(self, url: str, name: str, body: bytes) -> Path:
        """The local copy of a fetched file, named after its title (ingest reads issuer and year there too)."""
        folder = self.cache / urlsplit(url).netloc.replace(":", "_")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{_key(url)[:10]}-{name}"
        path.write_bytes(body)
        return path

    def _item(self, item: Listing, run_id: int, resumed: bool) -> Iterator[CrawlEvent]:
        url, kind = item.url, "attachment" if is_attachment(item.url) else "page"
        event = CrawlEvent(url, kind, CrawlStatus.FAILED, item.title)
        if "@" in urlsplit(url).netloc:  # http://www.x.gov.cn:80@169.254.169.254/ is 169.254.169.254
            event.message = "an address with a user name in it (…@host): refused"
            yield self._event(event)
            return
        if not self.allowed(url):
            event.status, event.message = CrawlStatus.OFF_SITE, "another host: not followed (--allow-host to follow)"
            yield self._event(event)
            return
        try:
            robots = self.fetcher.robots_allow(url)
        except FetchError as exc:  # its address may not be reached
            event.message = str(exc)
            yield self._event(event)
            return
        if not robots:
            self._refused_by_robots(event)
            yield self._event(event)
            return
        row = self.facts.crawl_url(_key(url))
        since = self.options.since
        if since is not None and (item.listed < since if item.listed else row is not None):
            event.status = CrawlStatus.OLDER
            event.message = f"listed {item.listed or 'without a date, seen before'}: before --since {since}"
            yield self._event(event)
            return
        if resumed and row is not None and row.run_id == run_id and row.status in SETTLED:
            event.status, event.report_id = CrawlStatus.RESUMED, row.report_id
            event.message = "done before the last crawl was stopped"
            yield self._event(event)
            return
        if self.options.dry_run:
            event.status = CrawlStatus.NEW if row is None else CrawlStatus(row.status)
            event.message = "would be fetched" if row is None else "known: would be asked whether it changed"
            yield self._event(event)
            return
        settled = row is not None and row.status in SETTLED
        try:
            got = self.fetcher.get(url, row.etag if settled else "", row.last_modified if settled else "")
        except FetchError as exc:
            event.message = str(exc)
            self._save(event, run_id, item)
            yield self._event(event)
            return
        digest = hashlib.sha256(got.body).hexdigest() if not got.not_modified else row.content_hash
        if got.not_modified or (settled and digest == row.content_hash):
            event.status, event.report_id = CrawlStatus.NOT_MODIFIED, row.report_id
            event.message = "not modified since the last crawl"
            self._describe(event)
            self._save(event, run_id, item, got, digest, previous=row)
            yield self._event(event)
            return
        twin = next(
            (
                r
                for r in self.facts.crawl_urls_with_hash(digest)
                if r.url != url and r.report_id and self.facts.report(r.report_id)
            ),
            None,
        )
        if twin is not None:  # the same bytes under another URL: one report, both URLs kept
            self.collection.add_origin(twin.report_id, Origin(url, got.fetched_at))
            event.status, event.report_id = CrawlStatus.HELD, twin.report_id
            event.message = f"the same file as {twin.url}"
            self._describe(event)
            self._save(event, run_id, item, got, digest)
            yield self._event(event)
            return
        if kind == "attachment" or is_attachment(got.url):
            event.kind = "attachment"
            self._ingest(event, got, item.title, Origin(url, got.fetched_at))
        else:
            yield from self._page(event, got, item, run_id)
        self._save(event, run_id, item, got, digest)
        if event.kind != "attachments":
            yield self._event(event)

    def _page(self, event: CrawlEvent, got: Fetched, item: Listing, run_id: int) -> Iterator[CrawlEvent]:
        """A detail page: ingest it when it carries the report, else the report files it links (each
        file's event then stands for the page, which is only recorded)."""
        try:
            detail = parse_detail_page(got.body, got.url)
            text = load_bytes(got.body, "page.html").text
        except LoadError as exc:  # random bytes served as text/html, a binary behind a page's address
            event.status, event.message = CrawlStatus.NOT_A_REPORT, f"not a readable page: {exc}"
            return
        if carries_report(text) or not detail.attachments:
            if not carries_report(text):
                event.status = CrawlStatus.NOT_A_REPORT
                event.message = "the page holds no report text and links no report file"
                return
            self._ingest(event, got, item.title or detail.title, Origin(event.url, got.fetched_at))
            return
        event.kind = "attachments"  # not counted: its files' events say what became of it
        files = [a for a in detail.attachments if is_report_title(a.name)] or detail.attachments
        outcomes = []
        for a in files[:MAX_ATTACHMENTS]:
            sub = CrawlEvent(a.url, "attachment", CrawlStatus.FAILED, a.name, message="")
            if not self.allowed(a.url):
                sub.status, sub.message = CrawlStatus.OFF_SITE, "another host: not followed (--allow-host to follow)"
            elif not self._robots_allow(sub):
                pass  # the reason is in sub
            else:
                try:
                    fetched = self.fetcher.get(a.url)
                except FetchError as exc:
                    sub.message = str(exc)
                else:
                    name = a.name if is_report_title(a.name) else item.title
                    self._ingest(sub, fetched, name, Origin(a.url, fetched.fetched_at, event.url))
                    self._save(sub, run_id, Listing(a.name, a.url), fetched, hashlib.sha256(fetched.body).hexdigest())
            sub.message = "; ".join(x for x in (sub.message, f"linked from {event.url}") if x)
            outcomes.append(sub)
            yield self._event(sub)
        best = next((o for o in outcomes if o.status in (CrawlStatus.INGESTED, CrawlStatus.HELD)), outcomes[0])
        event.status, event.report_id, event.issuer, event.year = best.status, best.report_id, best.issuer, best.year
        event.message = f"the report is its attachment {best.url}"

    def _robots_allow(self, event: CrawlEvent) -> bool:
        """robots.txt's word on ``event.url``; False with the reason in ``event`` when it says no or the
        host's address may not be reached."""
        try:
            if self.fetcher.robots_allow(event.url):
                return True
        except FetchError as exc:
            event.status, event.message = CrawlStatus.FAILED, str(exc)
            return False
        self._refused_by_robots(event)
        return False

    def _refused_by_robots(self, event: CrawlEvent) -> None:
        """Why robots.txt kept ``event.url`` from being fetched: its rules (disallowed), or a site that
        could not be reached at all (failed, and said so: not a robots.txt's word)."""
        why = self.fetcher.robots_why(event.url)
        unreachable = self.fetcher.unreachable(event.url)
        event.status = CrawlStatus.FAILED if unreachable else CrawlStatus.DISALLOWED
        event.message = why if unreachable else f"{why}: not fetched"

    def _ingest(self, event: CrawlEvent, got: Fetched, title: str, origin: Origin) -> None:
        """Keep the file, ingest it with its origin, and say what became of it in ``event``. An attachment
        that turns out to be a page (its link redirected to the detail page, or to a login) must carry the
        report as a detail page must; a page holding only the title is not a report."""
        # an address without a telling suffix (a download script): the bytes say what the file is
        sniffed = sniffed_suffix(got.body)
        default = sniffed if sniffed in (".pdf", ".docx") else ".html"
        if event.kind == "attachment" and default == ".html" and sniffed != ".doc":
            try:
                text = load_bytes(got.body, "page.html").text
            except LoadError as exc:
                text, why = "", f"not a report file: {exc}"
            else:
                why = "the link gave a page, not a report file, and the page holds no report text"
            if not carries_report(text):
                where = f" (redirected to {got.url})" if canonical(got.url) != canonical(event.url) else ""
                event.status, event.message = CrawlStatus.NOT_A_REPORT, why + where
                return
        path = self._keep(got.url, file_name(title, got.url, default), got.body)
        if path.suffix.lower() in (".doc", ".wps"):
            converted = convert_to_docx(path)
            if converted is None:
                event.status = CrawlStatus.UNSUPPORTED
                event.message = f"a {path.suffix} file: convert it to .docx (Word, WPS or LibreOffice) and ingest that"
                return
            path = converted
        result: IngestResult = self.collection.ingest_file(path, origin=origin)
        if result.fault is not None:
            raise result.fault
        event.ingest, event.report_id, event.issuer, event.year = (
            result.status,
            result.report_id,
            result.issuer,
            result.year,
        )
        if result.status in (IngestStatus.ADDED, IngestStatus.REPLACED):
            event.status = CrawlStatus.INGESTED
            event.message = result.note or (f"replaced {', '.join(result.replaced)}" if result.replaced else "")
        elif result.status == IngestStatus.UNCHANGED:
            event.status = CrawlStatus.HELD
            event.message = result.note or "the same report is held already"
        elif "not a government information disclosure report" in result.error or result.error.startswith(
            "not a report"
        ):
            event.status, event.message = CrawlStatus.NOT_A_REPORT, result.error
        else:
            event.status, event.message = CrawlStatus.FAILED, result.error

    def _describe(self, event: CrawlEvent) -> None:
        report = self.facts.report(event.report_id)
        if report is not None:
            event.issuer, event.year = report.issuer, report.year

    def _save(
        self,
        event: CrawlEvent,
        run_id: int,
        item: Listing,
        got: Fetched | None = None,
        digest: str = "",
        previous: CrawlUrlRow | None = None,
    ) -> None:
        keep = previous is not None and event.status == CrawlStatus.NOT_MODIFIED
        self.facts.save_crawl_url(
            CrawlUrlRow(
                key=_key(event.url),
                url=event.url,
                kind=event.kind,
                status=str(previous.status if keep else event.status),
                run_id=run_id,
                title=item.title,
                listed=item.listed,
                content_hash=digest,
                etag=(got.etag if got is not None else "") or (previous.etag if keep else ""),
                last_modified=(got.last_modified if got is not None else "")
                or (previous.last_modified if keep else ""),
                report_id=event.report_id,
                message=event.message,
                fetched_at=got.fetched_at if got is not None else datetime.now(UTC),
            )
        )


def _why(exc: BaseException) -> str:
    """An unforeseen failure in a line: its kind and its first words (never a traceback)."""
    text = str(exc).strip().splitlines()
    return f"could not be read ({type(exc).__name__}{': ' + text[0][:200] if text else ''})"


def event_line(event: CrawlEvent) -> str:
    """One progress line: the outcome, the report (issuer and year) when known, the URL, the reason."""
    who = f"{event.issuer} {event.year or ''}".strip()
    detail = f"  ({event.message})" if event.message else ""
    if event.status == CrawlStatus.LISTED:
        return f"{'list page':<13} {event.url}{detail}"
    return f"{event.status:<13} {who + '  ' if who else ''}{event.url}{detail}"


# each outcome in the reader's words (Chinese, English): the one table of them, for the CLI, the API's
# summary and the Upload tab
WORDS: dict[CrawlStatus, tuple[str, str]] = {
    CrawlStatus.LISTED: ("列表页", "list pages"),
    CrawlStatus.INGESTED: ("已入库", "reports ingested"),
    CrawlStatus.HELD: ("已有此报告", "held already"),
    CrawlStatus.NOT_MODIFIED: ("未变化", "not modified"),
    CrawlStatus.RESUMED: ("上次已完成", "done before a stop"),
    CrawlStatus.NEW: ("将抓取", "would be fetched"),
    CrawlStatus.OLDER: ("早于起始日期", "older than --since"),
    CrawlStatus.NOT_A_REPORT: ("不是年报", "not reports"),
    CrawlStatus.UNSUPPORTED: ("格式需转换", "unsupported files"),
    CrawlStatus.FAILED: ("失败", "failed"),
    CrawlStatus.DISALLOWED: ("robots.txt 禁止", "disallowed by robots.txt"),
    CrawlStatus.OFF_SITE: ("站外链接", "off-site"),
    CrawlStatus.LIMITED: ("链接超出上限的列表页", "list pages cut at the link limit"),
}


def summary_line(summary: CrawlSummary, columns: int, zh: bool = False) -> str:
    c = summary.counts
    counted = [(s, c[str(s)]) for s in WORDS if s != CrawlStatus.LISTED and c.get(str(s))]
    if zh:
        outcomes = "，".join(f"{WORDS[s][0]} {n}" for s, n in counted) or "没有列出报告"
        return (
            f"完成：{columns} 个栏目（{c.get('listed', 0)} 个列表页），用时 {summary.seconds:.1f} 秒；{outcomes}；"
            f"共 {summary.requests} 次请求（{summary.not_modified} 次未变化 304），重试 {summary.retries} 次"
            + (f"；提前结束：{summary.stopped}" if summary.stopped else "")
        )
    outcomes = ", ".join(f"{n} {WORDS[s][1]}" for s, n in counted)
    gap = (
        ""
        if summary.fastest_gap is None
        else f"; fastest gap between two requests to one host {summary.fastest_gap:.2f} s"
    )
    return (
        f"crawled {columns} column{'s' if columns != 1 else ''} ({c.get('listed', 0)} list pages) in {summary.seconds:.1f} s: "
        f"{outcomes or 'nothing listed'}; {summary.requests} requests ({summary.not_modified} answered 304), "
        f"{summary.retries} retries, {summary.bytes / 1048576:.1f} MB{gap}"
        + (f"; {summary.stopped}" if summary.stopped else "")
    )


def convert_to_docx(path: Path) -> Path | None:
    """A .doc/.wps file converted by LibreOffice when it is installed; None when no converter exists."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    out = Path(tempfile.mkdtemp(prefix="gongkai-convert-"))
    try:
        subprocess.run(
            [office, "--headless", "--convert-to", "docx", "--outdir", str(out), str(path)],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    converted = out / (path.stem + ".docx")
    if not converted.exists():
        return None
    target = path.with_suffix(".docx")
    shutil.move(converted, target)
    return target

"""Polite HTTP for the crawler: robots.txt, one request per interval per host, retries, limits.

One job: turn a URL (and what is known of it) into bytes or a clear reason why not. Whether a
page is a report, and what to keep of it, is ``index.crawl``'s business.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.portal import canonical

USER_AGENT = "gongkai-crawler/0.1 (+https://github.com/gongkai; annual disclosure reports, 1 request/s)"
REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A URL that could not be fetched, with the reason in words a user can act on."""


@dataclass
class Fetched:
    url: str  # after redirects
    status: int  # 200, or 304 when the copy we hold is current
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass
class FetchLog:
    """What the fetcher did, for the crawl's summary and the rate-limit check."""

    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    retries: int = 0
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # host -> request times

    def fastest_gap(self) -> float | None:
        """The shortest time between two requests to one host, over all hosts (None: never two)."""
        gaps = [b - a for ts in self.times.values() for a, b in zip(ts, ts[1:], strict=False)]
        return min(gaps) if gaps else None


def crawl_delay(robots: str, user_agent: str) -> float:
    """The Crawl-delay robots.txt asks of us: from the group naming our agent, else the "*" group.
    Read here because urllib's parser takes whole seconds only ("Crawl-delay: 0.5" is common)."""
    ours, anyone, agents, in_rules = None, None, [], False
    name = user_agent.split("/")[0].lower()
    for raw in robots.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (x.strip() for x in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif key == "crawl-delay":
            in_rules = True
            try:
                delay = float(value)
            except ValueError:
                continue
            if any(a != "*" and a in name for a in agents):
                ours = delay
            elif "*" in agents and anyone is None:
                anyone = delay
        else:
            in_rules = True
    chosen = ours if ours is not None else anyone
    return max(0.0, chosen) if chosen is not None else 0.0


class Fetcher:
    """GET with manners: robots.txt honoured (and its Crawl-delay when longer than ours), at most one
    request per ``delay`` seconds to a host, retries with backoff on 5xx and timeouts, conditional
    GET, bodies counted as they arrive and cut at ``max_bytes``, redirects followed by hand so each
    hop is checked (scheme, host, robots) and a loop is named as one."""

    def __init__(
        self,
        allowed: Callable[[str], bool],
        delay: float = 1.0,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_bytes: int = 50 * 1024 * 1024,
        max_redirects: int = 5,
        user_agent: str = USER_AGENT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.allowed = allowed
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.log = FetchLog()
        self._robots: dict[str, robotparser.RobotFileParser | None] = {}
        self._delays: dict[str, float] = {}  # robots.txt Crawl-delay per host
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    # ---- manners ---------------------------------------------------------------------------
    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again; record the request time."""
        with self._lock:
            delay = max(self.delay, self._crawl_delay(host))
            now = time.monotonic()
            last = self._last.get(host)
            if last is not None and now - last < delay:
                time.sleep(delay - (now - last))
            self._last[host] = time.monotonic()
            self.log.times[host].append(self._last[host])
            self.log.requests += 1

    def _crawl_delay(self, host: str) -> float:
        return min(self._delays.get(host, 0.0), 60.0)

    def robots_allow(self, url: str) -> bool:
        """Whether the host's robots.txt lets us fetch ``url``. A missing robots.txt (4xx) allows
        everything; one that cannot be read (5xx, timeout) allows nothing for now (RFC 9309)."""
        parts = urlsplit(url)
        host = parts.netloc
        if host not in self._robots:
            self._robots[host] = None  # while it is read: no Crawl-delay known yet
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            rp = robotparser.RobotFileParser(robots_url)
            try:
                got = self._get_once(robots_url, {})
                if got.status_code >= 500:
                    rp.disallow_all = True
                elif got.status_code >= 400:
                    rp.allow_all = True
                else:
                    text = got.content[: 512 * 1024].decode("utf-8", "replace")
                    rp.parse(text.splitlines())
                    self._delays[host] = crawl_delay(text, self.user_agent)
            except (httpx.HTTPError, FetchError):
                rp.disallow_all = True
            self._robots[host] = rp
        rp = self._robots[host]
        return rp is not None and rp.can_fetch(self.user_agent, url)

    # ---- fetching --------------------------------------------------------------------------
    def _get_once(self, url: str, headers: dict[str, str]) -> httpx.Response:
        self._wait_turn(urlsplit(url).netloc)
        with self._client.stream("GET", url, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(f"larger than the file size limit ({int(declared) / 1048576:.1f} MB)")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(f"larger than the file size limit ({self.max_bytes // 1048576} MB)")
            self.log.bytes += len(body)
            return httpx.Response(
                response.status_code, headers=response.headers, content=bytes(body), request=response.request
            )

    def get(self, url: str, etag: str = "", last_modified: str = "") -> Fetched:
        """Fetch ``url`` (conditionally, when a validator is known). Raises FetchError with the reason."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [canonical(url)]
        current = url
        for _ in range(self.max_redirects + 1):
            self._check(current)
            response = self._with_retries(current, headers)
            if response.status_code in REDIRECTS:
                target = response.headers.get("location", "")
                if not target:
                    raise FetchError(f"redirect ({response.status_code}) without a Location")
                current = canonical(urljoin(current, target))
                if current in seen:
                    raise FetchError(f"redirect loop ({' → '.join([*seen, current])})")
                seen.append(current)
                continue
            if response.status_code == 304:
                self.log.not_modified += 1
                return Fetched(current, 304, etag=etag, last_modified=last_modified)
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code}")
            return Fetched(
                current,
                200,
                response.content,
                response.headers.get("etag", ""),
                response.headers.get("last-modified", ""),
                response.headers.get("content-type", ""),
            )
        raise FetchError(f"more than {self.max_redirects} redirects")

    def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) address: {parts.scheme}:")
        if not self.allowed(url):
            raise FetchError("off the site being crawled (allow its host with --allow-host)")
        if not self.robots_allow(url):
            raise FetchError("disallowed by robots.txt")

    def _with_retries(self, url: str, headers: dict[str, str]) -> httpx.Response:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.log.retries += 1
                time.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._get_once(url, headers)
            except httpx.TimeoutException:
                last = "timed out"
                continue
            except httpx.TransportError as exc:
                last = f"could not connect ({type(exc).__name__})"
                continue
            if response.status_code >= 500 or response.status_code == 429:
                last = f"HTTP {response.status_code}"
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    time.sleep(min(int(retry_after), 30))
                continue
            return response
        raise FetchError(f"{last} after {self.retries + 1} tries")

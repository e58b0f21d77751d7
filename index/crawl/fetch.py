"""Polite HTTP for the crawler: robots.txt, one request per interval per host, retries, limits.

One job: turn a URL (and what is known of it) into bytes or a clear reason why not. Whether a
page is a report, and what to keep of it, is ``index.crawl.walk``'s business.

What may be reached is decided where the connection is made (:class:`GuardedBackend`): the host name is
resolved once, every address it gives is checked — private, loopback, link-local and other non-public
addresses are refused unless ``--allow-host`` names the host — and the connection goes to the address
that was checked, so a name that resolves differently a moment later (DNS rebinding) changes nothing.
Every request has a total deadline besides the per-read timeout: a site that drips a byte a second
answers each read in time and would otherwise hold a crawl for minutes.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from index.crawl.links import canonical

USER_AGENT = "gongkai-crawler/0.1 (+https://github.com/gongkai; annual disclosure reports, 1 request/s)"
REDIRECTS = {301, 302, 303, 307, 308}
_SLICE = 0.5  # seconds a blocked read waits before it looks at the deadline and at a stop again
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gongkai-resolve")  # name lookups, bounded in time


class FetchError(Exception):
    """A URL that could not be fetched, with the reason in words a user can act on."""


class AddressRefused(FetchError):
    """The host resolves to an address the crawler may not reach (private, loopback, link-local …)."""


class TooSlow(FetchError):
    """A request that went past its total deadline (not retried: the site answers, too slowly)."""


class Stopped(Exception):
    """The crawl was asked to stop (its client went away): not a failure of the URL being fetched."""


def host_port(url: str) -> str:
    """``host:port`` of a URL as a connection sees it: the host name lower-case, the default port spelt
    out, the user-name part ignored (``http://a.gov.cn:80@10.0.0.1/`` is 10.0.0.1:80). Raises ValueError
    on an address with no host or a port out of range."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"no host in {url!r}")
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def public(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local, shared,
    reserved or multicast); an IPv4 address inside IPv6 is judged as itself."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name stands for, in the resolver's order (an IP address stands for itself)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _Guard(threading.local):
    """The current request's deadline (monotonic seconds) in this thread, and its length for the message."""

    deadline: float | None = None
    limit: float = 0.0


class GuardedStream(httpcore.NetworkStream):
    """A connection whose reads and writes end at the request's deadline or when the crawl stops: each
    blocking call waits at most ``_SLICE`` seconds at a time, then looks at both."""

    def __init__(self, inner: httpcore.NetworkStream, backend: GuardedBackend) -> None:
        self.inner = inner
        self.backend = backend

    def _call(self, op: Callable[[float | None], Any], timeout: float | None, timeout_error: type) -> Any:
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            deadline = self.backend.check()
            now = time.monotonic()
            waits = [_SLICE] + [t - now for t in (end, deadline) if t is not None]
            try:
                return op(max(0.0, min(waits)))
            except timeout_error:
                if end is not None and time.monotonic() >= end:
                    raise

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._call(lambda t: self.inner.read(max_bytes, t), timeout, httpcore.ReadTimeout)

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.backend.check()
        self.inner.write(buffer, self.backend.clamp(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self.backend.check()
        tls = self.inner.start_tls(ssl_context, server_hostname, self.backend.clamp(timeout))
        return GuardedStream(tls, self.backend)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's network layer with the crawler's rules: names resolved here and every address checked
    (``may_reach(host_port)`` says whether a non-public one is allowed), the connection made to the
    checked address, and every step bounded by the request's deadline and the crawl's stop signal."""

    def __init__(
        self,
        may_reach: Callable[[str], bool],
        stop: threading.Event,
        resolver: Callable[[str, int], list[str]] = resolve,
    ) -> None:
        self.may_reach = may_reach
        self.stop = stop
        self.resolver = resolver
        self.guard = _Guard()
        self._plain = httpcore.SyncBackend()

    def check(self) -> float | None:
        """The deadline of the request under way; raises when it has passed or the crawl stopped."""
        if self.stop.is_set():
            raise Stopped("the crawl was stopped")
        deadline = self.guard.deadline
        if deadline is not None and time.monotonic() >= deadline:
            raise TooSlow(f"took longer than {self.guard.limit:g} s in all (the site sends too slowly)")
        return deadline

    def clamp(self, timeout: float | None) -> float | None:
        deadline = self.check()
        if deadline is None:
            return timeout
        left = max(0.0, deadline - time.monotonic())
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        # the resolver has no timeout of its own: it is waited for no longer than the request may last
        lookup = _LOOKUPS.submit(self.resolver, host, port)
        try:
            addresses = lookup.result(timeout=self.clamp(timeout))
        except FutureTimeout:
            raise httpcore.ConnectTimeout(f"{host} could not be resolved in time") from None
        except OSError as exc:
            raise httpcore.ConnectError(f"{host} could not be resolved ({exc})") from exc
        inner = [a for a in addresses if not public(a)]
        name = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        if inner and not self.may_reach(name):
            raise AddressRefused(
                f"{host} is at {inner[0]}, a private, loopback or link-local address: not fetched "
                "(name the host with --allow-host if it really is a portal)"
            )
        last: Exception | None = None
        for address in addresses:
            try:
                stream = self._plain.connect_tcp(
                    address, port, self.clamp(timeout), local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
                continue
            return GuardedStream(stream, self)
        raise last or httpcore.ConnectError(f"{host} has no address")

    def sleep(self, seconds: float) -> None:
        self.stop.wait(seconds)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a :class:`GuardedBackend` (httpx passes no network backend to its pool;
    httpcore's pool takes one)."""

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__()
        ssl_context = self._pool._ssl_context  # the one httpx made (loading the CA certificates once)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(ssl_context=ssl_context, network_backend=backend)


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
    GET, bodies counted as they arrive and cut at ``max_bytes``, every request ended at ``deadline``
    seconds in all, redirects followed by hand so each hop is checked (scheme, user name, host, robots)
    and a loop is named as one. ``private_hosts``: ``host:port`` names whose non-public addresses may be
    reached (those ``--allow-host`` names); ``stop``: set it and every wait and read ends at once."""

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
        deadline: float | None = None,
        private_hosts: Iterable[str] = (),
        resolver: Callable[[str, int], list[str]] = resolve,
        stop: threading.Event | None = None,
    ) -> None:
        self.allowed = allowed
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.deadline = deadline if deadline is not None else 3 * timeout
        self.private_hosts = {h.strip().lower() for h in private_hosts if h.strip()}
        self.stop = stop or threading.Event()
        self.log = FetchLog()
        self._robots: dict[str, robotparser.RobotFileParser | None] = {}
        self._refused: dict[str, str] = {}  # host:port -> why its address may not be reached
        self._unread: dict[str, str] = {}  # host:port -> why its robots.txt could not be read (nothing fetched)
        self._unreachable: set[str] = set()  # host:port names that did not answer at all (no connection, no name)
        self._delays: dict[str, float] = {}  # robots.txt Crawl-delay per host
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.backend = GuardedBackend(self._named, self.stop, resolver)
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            headers={"User-Agent": user_agent, "Accept-Language": "zh-CN,zh;q=0.9"},
            transport=transport or _GuardedTransport(self.backend),
        )

    def close(self) -> None:
        self._client.close()

    def _named(self, name: str) -> bool:
        """Whether ``host:port`` is named by ``private_hosts`` (as ``host:port`` or as the bare host)."""
        return name in self.private_hosts or name.rsplit(":", 1)[0] in self.private_hosts

    def _sleep(self, seconds: float) -> None:
        """Wait, unless the crawl is stopped meanwhile."""
        if seconds > 0 and self.stop.wait(seconds):
            raise Stopped("the crawl was stopped")

    # ---- manners ---------------------------------------------------------------------------
    def _wait_turn(self, host: str) -> None:
        """Sleep until this host may be asked again; record the request time."""
        with self._lock:
            delay = max(self.delay, self._crawl_delay(host))
            now = time.monotonic()
            last = self._last.get(host)
            if last is not None and now - last < delay:
                self._sleep(delay - (now - last))
            self._last[host] = time.monotonic()
            self.log.times[host].append(self._last[host])
            self.log.requests += 1

    def _crawl_delay(self, host: str) -> float:
        return min(self._delays.get(host, 0.0), 60.0)

    def robots_allow(self, url: str) -> bool:
        """Whether the host's robots.txt lets us fetch ``url``. A missing robots.txt (4xx) allows
        everything; one that cannot be read (5xx, timeout, too slow) allows nothing for now; redirects
        are followed, up to five, and past five it counts as missing (RFC 9309, 2.3.1). A host whose
        address may not be reached raises AddressRefused, here and every time after."""
        parts = urlsplit(url)
        host = host_port(url)
        if host in self._refused:
            raise AddressRefused(self._refused[host])
        if host not in self._robots:
            self._robots[host] = None  # while it is read: no Crawl-delay known yet
            robots_url = f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}/robots.txt"
            rp = robotparser.RobotFileParser(robots_url)
            try:
                got = self._robots_txt(robots_url)
                if got is not None and got.status_code == 200:
                    text = got.content[: 512 * 1024].decode("utf-8", "replace")
                    rp.parse(text.splitlines())
                    self._delays[host] = crawl_delay(text, self.user_agent)
                elif got is None or 400 <= got.status_code < 500:
                    rp.allow_all = True  # missing (or lost in redirects): everything allowed
                else:
                    rp.disallow_all = True  # unreachable (5xx …): nothing for now
                    self._unread[host] = f"HTTP {got.status_code}"
            except AddressRefused as exc:
                del self._robots[host]
                self._refused[host] = str(exc)
                raise
            except (httpx.HTTPError, FetchError) as exc:
                rp.disallow_all = True
                self._unread[host] = str(exc) or type(exc).__name__
                if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
                    self._unreachable.add(host)  # not a robots.txt's word: the site is not there
            self._robots[host] = rp
        rp = self._robots[host]
        return rp is not None and rp.can_fetch(self.user_agent, url)

    def _robots_txt(self, url: str) -> httpx.Response | None:
        """robots.txt, its redirects followed (any http(s) host: a site's www or https twin; the address
        checks still hold); None past five redirects."""
        current = url
        for hop in range(self.max_redirects + 1):
            self._check_address(current)
            try:
                response = self._get_once(current, {})
            except AddressRefused:
                if not hop:
                    raise  # the host itself may not be reached
                return httpx.Response(503)  # its robots.txt sent elsewhere, where we may not go: unreadable
            if response.status_code not in REDIRECTS:
                return response
            target = response.headers.get("location", "")
            if not target:
                return response
            current = canonical(urljoin(current, target))
        return None

    def unreachable(self, url: str) -> bool:
        """Whether ``url``'s host did not answer at all when its robots.txt was asked for (refused, no such
        name, no connection in time): a site that could not be reached, not one whose rules say no."""
        return host_port(url) in self._unreachable

    def robots_why(self, url: str) -> str:
        """Why robots.txt keeps ``url`` from being fetched, in words: its rules, that it could not be read,
        or that the site could not be reached at all."""
        unread = self._unread.get(host_port(url))
        if host_port(url) in self._unreachable:
            return f"the site could not be reached ({unread}): nothing is fetched from it for now"
        if unread:
            return f"robots.txt could not be read ({unread}): nothing is fetched from this host for now"
        return "disallowed by robots.txt"

    # ---- fetching --------------------------------------------------------------------------
    def _get_once(self, url: str, headers: dict[str, str]) -> httpx.Response:
        host = host_port(url)
        self._wait_turn(host)
        self.backend.guard.deadline = time.monotonic() + self.deadline
        self.backend.guard.limit = self.deadline

        def sent(event: str, info: dict) -> None:
            """The request's time is when its first byte leaves, not when it was queued: a connection slow
            to open (a name lookup, a handshake) never squeezes two requests closer than the delay."""
            if event.endswith("send_request_headers.started"):
                with self._lock:
                    self._last[host] = time.monotonic()

        try:
            with self._client.stream("GET", url, headers=headers, extensions={"trace": sent}) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"larger than the file size limit ({int(declared) / 1048576:.1f} MB)")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise FetchError(f"larger than the file size limit ({self.max_bytes // 1048576} MB)")
                    self.backend.check()  # a body that arrives in time read by read, too slowly in all
                self.log.bytes += len(body)
                return httpx.Response(
                    response.status_code, headers=response.headers, content=bytes(body), request=response.request
                )
        except httpx.TimeoutException:
            self.backend.check()  # past the deadline: say so, rather than "timed out"
            raise
        finally:
            self.backend.guard.deadline = None

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

    @staticmethod
    def _check_address(url: str) -> None:
        """Only http(s), and no user name: in ``http://www.x.gov.cn:80@169.254.169.254/`` the host is
        169.254.169.254, whatever the part before the "@" looks like."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"not an http(s) address: {parts.scheme}:")
        if "@" in parts.netloc:
            raise FetchError("an address with a user name in it (…@host): refused")
        try:
            host_port(url)
        except ValueError as exc:
            raise FetchError(f"not a valid address ({exc})") from None

    def _check(self, url: str) -> None:
        self._check_address(url)
        if not self.allowed(url):
            raise FetchError("off the site being crawled (allow its host with --allow-host)")
        if not self.robots_allow(url):
            raise FetchError(self.robots_why(url))

    def _with_retries(self, url: str, headers: dict[str, str]) -> httpx.Response:
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.log.retries += 1
                self._sleep(self.backoff * 2 ** (attempt - 1))
            try:
                response = self._get_once(url, headers)
            except httpx.TimeoutException:
                last = "timed out"
                continue
            except httpx.TransportError as exc:
                last = f"could not connect ({type(exc).__name__})"
                continue
            except httpx.DecodingError:
                raise FetchError("a body that cannot be decoded (broken gzip or deflate)") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from None
            if response.status_code >= 500 or response.status_code == 429:
                last = f"HTTP {response.status_code}"
                retry_after = response.headers.get("retry-after", "")
                if retry_after.isdigit():
                    self._sleep(min(int(retry_after), 30))
                continue
            return response
        raise FetchError(f"{last} after {self.retries + 1} tries")

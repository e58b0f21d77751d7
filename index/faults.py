"""Store faults told apart from bugs: the facts store or the vector server unreachable, the disk full.

The same three conditions come from SQLAlchemy, psycopg, SQLite, Chroma (embedded or over HTTP) and plain
file writes (an upload, the crawler's cache), each in its own words — Chroma's says "(code: 13) database or
disk is full", never "disk full". They are recognised here once, so that every front end answers them the
same way: a sentence a user can act on, 503 with Retry-After (507 for a full disk) from the API, a batch
stopped with the files it did not try, and one log line per outage instead of a traceback per request.
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from dataclasses import dataclass

log = logging.getLogger("gongkai.outage")

FACTS, VECTORS, DISK = "facts store", "vector index", "disk"
RETRY_AFTER = 5  # seconds a client is asked to wait after a 503: a restart of either server takes about that

# how each library says "no space left": errno 28, SQLite's SQLITE_FULL (Chroma's own SQLite too)
_FULL = ("database or disk is full", "no space left on device", "os error 28", "disk is full")
# how a server that is gone shows through SQLAlchemy/psycopg, and through Chroma's HTTP client
_GONE = (
    "connection refused",
    "could not connect",
    "server closed the connection",
    "terminating connection",
    "connection is closed",
    "connection timeout",
    "the database system is shutting down",
    "the database system is starting up",
    "connection reset",
    "unable to open database file",
    "database is locked",
)


class StoreFault(Exception):
    """A store cannot do what was asked for a reason outside the request: try again later."""

    store = ""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class StoreUnavailable(StoreFault):
    """The facts store (database) or the vector index (Chroma) cannot be reached."""

    def __init__(self, store: str, reason: str) -> None:
        super().__init__(reason)
        self.store = store

    def __str__(self) -> str:
        return f"the {self.store} is unavailable ({self.reason}); try again"


class DiskFull(StoreFault):
    """A write failed for want of space: nothing more can be stored until space is made."""

    store = DISK

    def __str__(self) -> str:
        return f"disk full ({self.reason}): free some space and try again"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, what caused it, and the driver's own error inside a SQLAlchemy one."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or any(e is s for s in seen) or len(seen) > 10:
            continue
        seen.append(e)
        todo += [e.__cause__, e.__context__, getattr(e, "orig", None)]
    return seen


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def fault_of(exc: BaseException, store: str = FACTS) -> StoreFault | None:
    """``exc`` as a store fault (``store`` says which store raised it when it is unreachable), or None when
    it is something else — a bug, a bad input — which must not be dressed up as an outage."""
    if isinstance(exc, StoreFault):
        return exc
    chain = _chain(exc)
    for e in chain:
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(_first_line(e))
    for e in chain:
        if any(marker in str(e).lower() for marker in _FULL):
            return DiskFull(_first_line(e))
    import httpx
    from sqlalchemy.exc import DBAPIError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    try:
        import psycopg

        gone: tuple[type, ...] = (psycopg.OperationalError, psycopg.InterfaceError)
    except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite alone needs none of this
        gone = ()
    for e in chain:
        if gone and isinstance(e, gone):  # psycopg's own word for "the connection, not the query"
            return StoreUnavailable(store, _first_line(e))
        if isinstance(e, PoolTimeout):
            return StoreUnavailable(store, "no free connection to it")
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return StoreUnavailable(store, _first_line(e))
        if isinstance(e, httpx.TransportError | ConnectionError):
            return StoreUnavailable(store, _first_line(e) or type(e).__name__)
        if type(e).__module__.startswith(("psycopg", "sqlalchemy", "sqlite3", "chromadb")) and any(
            marker in str(e).lower() for marker in _GONE
        ):
            return StoreUnavailable(store, _first_line(e))
    return None


@dataclass
class _Down:
    since: float
    reason: str
    refused: int = 0


class Outages:
    """One log line when a store goes down and one when it is back, whatever the number of requests that
    failed meanwhile (10 clients for 10 s made 1,149 failures and 9 MB of tracebacks before)."""

    def __init__(self) -> None:
        self._down: dict[str, _Down] = {}
        self._lock = threading.Lock()

    def down(self, fault: StoreFault) -> None:
        with self._lock:
            current = self._down.get(fault.store)
            if current is None:
                self._down[fault.store] = _Down(time.monotonic(), fault.reason, 1)
                log.error("%s", fault)
            else:
                current.refused += 1

    def up(self, store: str) -> None:
        with self._lock:
            current = self._down.pop(store, None)
        if current is not None:
            log.warning(
                "the %s is back after %.1f s (%d requests met the outage meanwhile)",
                store,
                time.monotonic() - current.since,
                current.refused,
            )

    def is_down(self, store: str) -> bool:
        return store in self._down


OUTAGES = Outages()

"""Progress of a slow step inside one file (OCR of a scan's pages), told to whoever is listening.

A context variable holds the listener, as :mod:`ingest.budget` holds the deadline: the CLI prints a
line, the upload tab streams it, and the ingest code does not know which. Outside a listener,
reporting is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Listener = Callable[[str, int, int], None]  # (what, done, total)

_listener: ContextVar[Listener | None] = ContextVar("gongkai_progress", default=None)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Send progress reported in the body to ``listener``."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def report_progress(what: str, done: int, total: int) -> None:
    listener = _listener.get()
    if listener is not None:
        listener(what, done, total)

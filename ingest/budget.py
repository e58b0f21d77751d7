"""A time budget per file: reading and parsing one file may take this long, then it fails alone.

Caps on inflated size and element counts stop the known bombs before they start; the budget is
the backstop for the ones nobody has thought of yet. It is cooperative: the loops that can run
long (pages, paragraphs, nodes, table anchors, segmentation) call :func:`check`, which raises
:class:`OverBudgetError` once the deadline of the enclosing :func:`time_budget` has passed. A
context variable holds the deadline, so concurrent uploads in threads each have their own.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT_SECONDS = 25.0  # plus at most one step past the deadline: under 30 s in all

_deadline: ContextVar[tuple[float, float] | None] = ContextVar("gongkai_file_deadline", default=None)


class OverBudgetError(Exception):
    """One file took longer to read than its budget; the message names the limit and its setting."""


def file_seconds() -> float:
    """The per-file budget: ``GONGKAI_MAX_FILE_SECONDS`` (default 25 s; a real report takes well under 1 s)."""
    return float(os.environ.get("GONGKAI_MAX_FILE_SECONDS", DEFAULT_SECONDS))


@contextmanager
def time_budget(seconds: float | None = None) -> Iterator[None]:
    """Run the body under a deadline ``seconds`` from now (the setting when None)."""
    limit = file_seconds() if seconds is None else seconds
    token = _deadline.set((time.monotonic() + limit, limit))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise :class:`OverBudgetError` if the current file's deadline has passed (a no-op outside a budget)."""
    current = _deadline.get()
    if current is not None and time.monotonic() > current[0]:
        raise OverBudgetError(
            f"reading the file took longer than {current[1]:g} s (GONGKAI_MAX_FILE_SECONDS); the rest goes on"
        )


def extend(seconds: float) -> None:
    """Move the current file's deadline ``seconds`` later: a step known to be slow (OCR of a page)
    brings its own time instead of every file getting a budget long enough for a scan."""
    current = _deadline.get()
    if current is not None:
        _deadline.set((current[0] + seconds, current[1] + seconds))

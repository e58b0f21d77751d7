"""One module per file format, each turning a file's bytes into one text (:mod:`ingest.loaders` is the
router that picks one by the file's name and first bytes): tables rendered as tab-separated rows, one line
per table row, origin cells only and empty cells kept empty, so that a single reader (:mod:`ingest.tables`)
serves every format and blank cells keep their position wherever the source had a real grid.

Here: what every format module shares, the error a file that cannot be read raises and the page break."""

from __future__ import annotations

PAGE_BREAK = "\f"  # between the pages of a PDF or a multi-page image: a citation names its page by counting them


class LoadError(Exception):
    """A file that cannot be read as a report; the message says why, for the person who gave it."""

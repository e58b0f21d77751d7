"""What a PDF and an image share: pages joined with a page break, and one page read by OCR within its time."""

from __future__ import annotations

import os
import re

from ingest.budget import check, extend
from ingest.formats import PAGE_BREAK, LoadError
from ingest.ocr import OcrPage, OcrUnavailable, read_page
from ingest.progress import report_progress

_PAGE_FOOTER = re.compile(r"^\s*[-－—]\s*\d+\s*[-－—]\s*$", re.M)


def join_pages(pages: list[str]) -> str:
    """Pages as one text, a form feed between them (a citation names its page by counting them), the
    centred page numbers ("- 3 -") dropped."""
    return (PAGE_BREAK + "\n").join(_PAGE_FOOTER.sub("", p).strip("\n") + "\n" for p in pages)


def ocr_page(image, number: int, dpi: float | None, done: int, todo: int, total: int) -> OcrPage:
    """One page read by OCR within its own time (``GONGKAI_OCR_PAGE_SECONDS``, default 30, added to the
    file's budget: a 6-page scan takes about 30 s on 2 cores, far past a typed file's budget), its
    progress told: ``done`` of the ``todo`` pages to read, page ``number`` of ``total``."""
    extend(float(os.environ.get("GONGKAI_OCR_PAGE_SECONDS", "30")))
    try:
        page = read_page(image, number, dpi)
    except OcrUnavailable as exc:
        raise LoadError(f"page {number} is a scan and needs OCR: {exc}") from exc
    check()
    report_progress(f"OCR page {number}/{total}", done, todo)
    return page

"""PDF: the text layer page by page, a page without one that holds an image read by OCR; content that
inflates past its caps refused before it is parsed."""

from __future__ import annotations

import io
import logging

from ingest.budget import OverBudgetError, check
from ingest.formats import LoadError
from ingest.formats.pages import join_pages, ocr_page
from ingest.ocr import MIN_TEXT_CHARS, OcrPage

MAX_PDF_STREAM_MB = 32  # fonts are embedded streams too: a full CJK font runs to several MB
MAX_PDF_INFLATED_MB = 256
# the drawing operators of one page: 35-45 KB on the real reports' pages; text extraction costs ~12 s per MB
MAX_PAGE_CONTENT_KB = 256


def _check_pdf_streams(data: bytes) -> None:
    """Refuse a PDF whose compressed streams inflate past the caps — checked with a bounded inflate
    before pdfminer builds millions of objects from one small FlateDecode stream."""
    import zlib

    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFStream, resolve1

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        ids = [objid for xref in doc.xrefs for objid in xref.get_objids()]
    except Exception:  # noqa: BLE001 - a broken file is reported by the extraction itself
        return
    total = 0
    cap = MAX_PDF_STREAM_MB * 1024 * 1024
    for objid in ids:
        try:
            obj = doc.getobj(objid)
        except Exception:  # noqa: BLE001 - unreadable objects are pdfminer's to report
            continue
        if not isinstance(obj, PDFStream):
            continue
        filters = resolve1(obj.attrs.get("Filter"))
        names = [getattr(f, "name", f) for f in (filters if isinstance(filters, list) else [filters])]
        if "FlateDecode" not in names:
            continue
        try:
            inflated = len(zlib.decompressobj().decompress(obj.rawdata or b"", cap + 1))
        except zlib.error:
            continue
        total += inflated
        if inflated > cap or total > MAX_PDF_INFLATED_MB * 1024 * 1024:
            raise LoadError(
                f"PDF content inflates past {MAX_PDF_STREAM_MB} MB per stream / {MAX_PDF_INFLATED_MB} MB in all"
            )


def _check_page_content(page, number: int) -> None:
    """Refuse a page whose drawing operators run past the cap: a small page bomb (10⁶ text operators)
    would otherwise take minutes in text extraction, within one call no budget can interrupt."""
    try:
        size = sum(len(stream.get_data()) for stream in page.page_obj.contents)
    except Exception:  # noqa: BLE001 - an unreadable content stream is the extraction's to report
        return
    if size > MAX_PAGE_CONTENT_KB * 1024:
        raise LoadError(f"page {number} holds {size // 1024} KB of drawing operators (limit {MAX_PAGE_CONTENT_KB} KB)")


def load_pdf(data: bytes) -> tuple[str, tuple[OcrPage, ...]]:
    """The text of every page, and the pages read by OCR. Decided per page: a page with no usable text
    layer that holds an image is a scan (a report often mixes typed pages with a scanned, stamped table)."""
    import pdfplumber

    # pdfminer warns once per glyph of a broken font (a page bomb: millions of log lines); its errors still show
    logging.getLogger("pdfminer").setLevel(logging.ERROR)

    _check_pdf_streams(data)
    pages: list[str] = []
    scans: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for number, page in enumerate(pdf.pages, start=1):
                check()
                _check_page_content(page, number)
                text = page.extract_text() or ""
                if len("".join(text.split())) < MIN_TEXT_CHARS and page.images:
                    scans.append(number)
                pages.append(text)
    except (LoadError, OverBudgetError):
        raise
    except Exception as exc:  # pdfminer raises many types on broken files
        raise LoadError(f"unreadable PDF ({type(exc).__name__})") from exc
    read = _ocr_pdf_pages(data, scans, len(pages)) if scans else ()
    for page in read:
        pages[page.number - 1] = page.text
    if not any(p.strip() for p in pages):
        raise LoadError("PDF has no text on any page (no text layer and no page image)")
    return join_pages(pages), read


def _ocr_pdf_pages(data: bytes, numbers: list[int], total: int) -> tuple[OcrPage, ...]:
    """The scanned pages of a PDF rendered at the OCR resolution and read."""
    import pypdfium2 as pdfium

    from ingest.ocr import DPI

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise LoadError(f"unreadable PDF ({exc})") from exc
    try:
        return tuple(
            ocr_page(pdf[number - 1].render(scale=DPI / 72).to_pil(), number, DPI, done, len(numbers), total)
            for done, number in enumerate(numbers, start=1)
        )
    finally:
        pdf.close()

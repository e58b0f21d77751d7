"""Files to text, the I/O edge of the ingest stage: the router that picks a file's format by its name
and first bytes, checks its size, and hands its bytes to that format's module in :mod:`ingest.formats`
(text, html, pdf, image, docx), each returning one text with the tables as tab-separated rows.

A new format is a module in ``ingest/formats/``, its suffixes in ``SUPPORTED`` and a branch in
``load_bytes`` (and its first bytes in ``_MAGIC`` when they identify it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.formats import PAGE_BREAK, LoadError
from ingest.formats.docx import load_docx
from ingest.formats.html import decode_html, load_html
from ingest.formats.image import load_image
from ingest.formats.pdf import load_pdf
from ingest.formats.text import decode_text
from ingest.ocr import OcrPage

__all__ = [
    "PAGE_BREAK",
    "SUPPORTED",
    "LoadError",
    "Loaded",
    "decode_html",
    "decode_text",
    "expand_paths",
    "load",
    "load_bytes",
    "load_html",
    "max_file_bytes",
    "sniffed_suffix",
]

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES | IMAGE_SUFFIXES


@dataclass
class Loaded:
    text: str
    content: bytes
    format: str
    ocr: tuple[OcrPage, ...] = ()  # the pages read by OCR (a scan), in page order


# ---- dispatch --------------------------------------------------------------------------------


# what a file's first bytes say it is, whatever its name: the loader's check and the crawler's guess for a
# link without a suffix read this one table
_MAGIC = ((b"%PDF", ".pdf"), (b"PK", ".docx"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ".doc"))


def sniffed_suffix(data: bytes) -> str | None:
    """The suffix a body's first bytes give (.pdf, .docx, or .doc for a Word 97 / WPS compound file);
    None for anything else (text, HTML)."""
    return next((suffix for magic, suffix in _MAGIC if data.startswith(magic)), None)


def load_bytes(data: bytes, name: str) -> Loaded:
    suffix = Path(name).suffix.lower()
    if len(data) > max_file_bytes():
        raise LoadError(f"file too large ({len(data) / 1048576:.1f} MB)")
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or name}' (supported: {', '.join(sorted(SUPPORTED))})")
    if not data.strip():
        raise LoadError("empty file")
    if suffix in PDF_SUFFIXES:
        if sniffed_suffix(data) != ".pdf":
            raise LoadError("not a PDF file")
        text, read = load_pdf(data)
        return Loaded(text, data, "pdf", read)
    if suffix in DOCX_SUFFIXES:
        if sniffed_suffix(data) != ".docx":
            raise LoadError("not a Word .docx file (legacy .doc must be converted first)")
        return Loaded(load_docx(data), data, "docx")
    if suffix in IMAGE_SUFFIXES:
        text, read = load_image(data)
        return Loaded(text, data, "image", read)
    if suffix in HTML_SUFFIXES:
        return Loaded(load_html(data), data, "html")
    return Loaded(decode_text(data), data, "txt")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named, and the supported files inside folders named, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():  # links inside a folder are not followed: they may point anywhere
            yield from sorted(
                f for f in p.rglob("*") if f.is_file() and not f.is_symlink() and f.suffix.lower() in SUPPORTED
            )
        else:
            yield p


def max_file_bytes() -> int:
    return int(float(os.environ.get("GONGKAI_MAX_FILE_MB", "50")) * 1024 * 1024)


def load(path: str | Path) -> Loaded:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_file_bytes():
            raise LoadError(
                f"file too large ({size / 1048576:.1f} MB; the limit is GONGKAI_MAX_FILE_MB={max_file_bytes() // 1048576})"
            )
        data = p.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    return load_bytes(data, p.name)

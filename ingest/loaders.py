"""Files to text: the I/O edge of the ingest stage.

Text files are decoded by detection (UTF-8, then GB18030/GBK and others via charset-normalizer);
PDFs by their text layer with page numbers kept. Each loader returns the raw bytes too, so the
content hash identifies a report by what was read, whatever its file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".text", ".md"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED = TEXT_SUFFIXES | PDF_SUFFIXES


class LoadError(Exception):
    """A file that cannot be read as a report; the message says why, for the person who gave it."""


@dataclass
class Loaded:
    text: str
    content: bytes
    format: str


def decode_text(data: bytes) -> str:
    if not data.strip():
        raise LoadError("empty file")
    if b"\x00" in data[:4096]:
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("cannot detect the text encoding")
    return str(best)


_PAGE_FOOTER = re.compile(r"^\s*[-－—]\s*\d+\s*[-－—]\s*$", re.M)


def load_pdf(data: bytes) -> str:
    import io

    try:
        import pdfplumber
    except ImportError as exc:  # pragma: no cover - pdfplumber is a dependency
        raise LoadError("PDF support needs pdfplumber") from exc
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except Exception as exc:  # pdfminer raises many types on broken files
        raise LoadError(f"unreadable PDF ({type(exc).__name__})") from exc
    if not any(p.strip() for p in pages):
        raise LoadError("PDF has no text layer (scanned?): needs OCR")
    return "\n".join(_PAGE_FOOTER.sub("", p) for p in pages)


def load(path: str | Path) -> Loaded:
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(f"unsupported file type '{suffix or p.name}' (supported: {', '.join(sorted(SUPPORTED))})")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    if suffix in PDF_SUFFIXES:
        if not data.startswith(b"%PDF"):
            raise LoadError("not a PDF file")
        return Loaded(load_pdf(data), data, "pdf")
    return Loaded(decode_text(data), data, "txt")

"""Hostile inputs, generated: compression bombs, deep markup and glued digit runs.

The robustness probe (`gongkai bench hostile`) and the tests feed these to ingestion and measure
that each fails (or reads) alone within the per-file budget of time and memory. Every input is
made here from nothing but code and a synthetic report, so the probe needs no files.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from collections.abc import Callable

from measure.synthetic import generate

_TEXT_OP = b"BT /F1 1 Tf (x) Tj ET\n"


def pdf_with_content(content: bytes) -> bytes:
    """A one-page PDF whose page draws ``content`` (one FlateDecode stream)."""
    comp = zlib.compress(content, 9)
    head = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
    )
    stream = b"4 0 obj<</Length %d/Filter/FlateDecode>>stream\n" % len(comp) + comp + b"\nendstream endobj\n"
    return head + stream + b"trailer<</Root 1 0 R>>\n%%EOF"


def pdf_pages(pages: int, kb: int) -> bytes:
    """``pages`` pages of ``kb`` KB of text operators each: every page under the per-page cap."""
    content = zlib.compress(_TEXT_OP * (kb * 1024 // len(_TEXT_OP)), 9)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    out = [b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"]
    out.append(f"2 0 obj<</Type/Pages/Kids[{kids}]/Count {pages}>>endobj\n".encode())
    for i in range(pages):
        page, body = 3 + 2 * i, 4 + 2 * i
        out.append(
            f"{page} 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents {body} 0 R>>endobj\n".encode()
        )
        out.append(b"%d 0 obj<</Length %d/Filter/FlateDecode>>stream\n" % (body, len(content)) + content)
        out.append(b"\nendstream endobj\n")
    out.append(b"trailer<</Root 1 0 R>>\n%%EOF")
    return b"".join(out)


def pdf_bomb(inflated_mb: int = 100) -> bytes:
    """~100 KB that inflates to ``inflated_mb`` MB of text operators on one page."""
    return pdf_with_content(_TEXT_OP * (inflated_mb * 1024 * 1024 // len(_TEXT_OP)))


def page_bomb(kb: int = 1024) -> bytes:
    """A small stream under the per-stream cap whose operators would still take pdfminer ~12 s per MB."""
    return pdf_with_content(_TEXT_OP * (kb * 1024 // len(_TEXT_OP)))


def docx_bomb(inflated_mb: int = 100) -> bytes:
    """A valid Word file of millions of empty paragraphs: ~100 KB zipped, ``inflated_mb`` MB of XML."""
    from docx import Document

    template = io.BytesIO()
    Document().save(template)
    buf = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                z.writestr(item, src.read(item))
        with z.open("word/document.xml", "w") as f:
            f.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
                b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            )
            chunk = b"<w:p/>" * (1024 * 1024 // 6)
            for _ in range(inflated_mb):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def deep_html(depth: int) -> bytes:
    """A tiny real report inside ``depth`` nested <div>s."""
    report = (
        "<p>甲县财政局2021年政府信息公开工作年度报告</p><p>一、总体情况 本年度主动公开政府信息12条，依申请公开0件。</p>"
    )
    return ("<html><body>" + "<div>" * depth + report + "</div>" * depth + "</body></html>").encode()


def glued_report(digits: int, table: str = "t3", seed: int = 1) -> bytes:
    """A synthetic report whose first 表三 row (or a 表四 row of 15 cells) is one run of ``digits`` digits."""
    rng = random.Random(seed)
    run = "".join(rng.choice("123456789") for _ in range(digits))
    for s in range(seed, seed + 50):  # a 2021-format report, whose 表四 row is 15 numbers
        text = generate(s).text
        if table == "t3":
            new, n = re.subn(r"(本年新收政府信息公开申请数量)[\s\d]+", rf"\1 {run} ", text, count=1)
        else:
            new, n = re.subn(r"(?:\d+[ \t\n]+){14}\d+", run, text, count=1)
        if n:
            return new.encode()
    raise ValueError(f"no synthetic report has a {table} row to glue")


# name -> (file name, bytes): what the probe feeds to ingestion, one file each
HOSTILE: dict[str, Callable[[], tuple[str, bytes]]] = {
    "pdf-bomb-100MB": lambda: ("bomb.pdf", pdf_bomb(100)),
    "pdf-page-1MB": lambda: ("page.pdf", page_bomb(1024)),
    "pdf-60-pages-250KB": lambda: ("pages.pdf", pdf_pages(60, 250)),
    "docx-bomb-100MB": lambda: ("bomb.docx", docx_bomb(100)),
    "docx-10M-paragraphs": lambda: ("paragraphs.docx", docx_bomb(57)),
    "html-1500-divs": lambda: ("deep.html", deep_html(1500)),
    "html-100k-divs": lambda: ("deeper.html", deep_html(100_000)),
    "t3-run-30-digits": lambda: ("t3.txt", glued_report(30, "t3")),
    "t3-run-60-digits": lambda: ("t3.txt", glued_report(60, "t3")),
    "t4-run-24-digits": lambda: ("t4.txt", glued_report(24, "t4")),
}

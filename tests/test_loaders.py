"""Every form a report arrives in, and every way a file can be bad: a clear error per file."""

import pytest
from conftest import DONGSHAN, HUAIAN, YUEXI

from ingest.loaders import LoadError, load, load_bytes
from ingest.pipeline import NotAReportError, parse_report


def blank_pdf() -> bytes:
    """A valid one-page PDF with no text layer and no image: a blank page."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length 0 >>\nstream\n\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + o + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "a.txt", "empty file"),
        (b"   \n\n", "a.html", "empty file"),
        (b"\x00\x01\x02binary" * 20, "a.txt", "binary file"),
        (b"%PDF-1.4\n1 0 obj", "a.pdf", "unreadable PDF"),
        (b"hello", "a.pdf", "not a PDF"),
        (b"hello", "a.docx", "not a Word .docx"),
        (b"PK\x03\x04broken", "a.docx", "unreadable Word file"),
        (b"x", "a.xls", "unsupported file type"),
        (b"<html><body><p>hello world</p></body></html>", "a.html", "no Chinese text"),
    ],
)
def test_bad_files_get_a_clear_error(data, name, message):
    with pytest.raises(LoadError, match=message):
        load_bytes(data, name)


def test_a_pdf_with_neither_text_nor_image_is_refused():
    """No text layer and no page image: nothing to read, by text or by OCR (scans: tests/test_ocr.py)."""
    with pytest.raises(LoadError, match="no text on any page"):
        load_bytes(blank_pdf(), "blank.pdf")


def test_truncated_pdf(tmp_path):
    data = HUAIAN.read_bytes()
    with pytest.raises(LoadError):
        load_bytes(data[: len(data) // 3], "cut.pdf")


def test_text_that_is_not_a_report():
    loaded = load_bytes("关于做好春节期间安全工作的通知\n各单位：请注意安全。".encode(), "notice.txt")
    with pytest.raises(NotAReportError):
        parse_report(loaded.text)


def test_gbk_copy_reads_like_the_utf8_original(parsed):
    original = DONGSHAN.read_text(encoding="utf-8").replace("\u00a0", " ")
    loaded = load_bytes(original.encode("gbk"), "dongshan-gbk.txt")
    report = parse_report(loaded.text, "x", loaded.format, loaded.content)
    ref = parsed[DONGSHAN.name]
    assert report.meta.issuer == ref.meta.issuer and report.meta.report_year == 2020
    got = {c.id: (c.value, c.status) for t in report.tables for c in t.cells}
    want = {c.id: (c.value, c.status) for t in ref.tables for c in t.cells}
    assert got == want


def test_full_width_digits_and_punctuation(parsed):
    raw = YUEXI.read_text(encoding="utf-8")
    wide = raw.translate(str.maketrans("0123456789(),:", "０１２３４５６７８９（），："))
    report = parse_report(wide, "wide.txt")
    assert report.meta.report_year == 2019 and report.meta.published.isoformat() == "2020-07-03"
    t2 = next(t for t in report.tables if t.table == "t2")
    assert t2.cell("t2.procurement:projects").value == 25
    assert str(t2.cell("t2.procurement:amount").value) == "48.7508"
    assert next(t for t in report.tables if t.table == "t3").status == "verified"


def test_pdf_pages_are_kept_for_citations():
    text = load(HUAIAN).text
    assert text.count("\f") == 5  # six pages
    assert "- 2 -" not in text and "- 4 -" not in text  # page footers removed

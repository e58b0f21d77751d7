"""Files to text: the I/O edge of the ingest stage.

Every loader returns one plain text in which the standard tables are rendered as
tab-separated rows (one line per table row, origin cells only, empty cells kept empty), so
that a single reader (:mod:`ingest.tables`) serves text, HTML, Word and PDF alike and blank
cells keep their position wherever the source had a real grid. PDF pages are separated by a
form feed, so a citation can name its page.
"""

from __future__ import annotations

import io
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ingest.budget import OverBudgetError, check, extend
from ingest.ocr import MIN_TEXT_CHARS, OcrPage, OcrUnavailable, read_page
from ingest.progress import report_progress

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
PDF_SUFFIXES = {".pdf"}
DOCX_SUFFIXES = {".docx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | DOCX_SUFFIXES | IMAGE_SUFFIXES
MAX_IMAGE_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx; past this an image is a bomb, not a page
MAX_IMAGE_PAGES = 200  # frames of one TIFF: a report is tens of pages
PAGE_BREAK = "\f"


class LoadError(Exception):
    """A file that cannot be read as a report; the message says why, for the person who gave it."""


@dataclass
class Loaded:
    text: str
    content: bytes
    format: str
    ocr: tuple[OcrPage, ...] = ()  # the pages read by OCR (a scan), in page order


# ---- text ------------------------------------------------------------------------------------


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes, declared: str | None = None) -> str:
    if not data.strip():
        raise LoadError("empty file")
    for bom, codec in _BOMS:  # UTF-16/32 text has NUL bytes by design: its byte-order mark says so
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise LoadError(f"not valid {codec.upper()} text") from exc
            if "\x00" in text:
                raise LoadError("binary file, not text")
            return text
    if b"\x00" in data:
        raise LoadError("binary file, not text")
    for enc in filter(None, (declared, "utf-8-sig")):
        try:
            return data.decode(_codec(enc))
        except (UnicodeDecodeError, LookupError):
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("cannot detect the text encoding")
    return str(best)


def _codec(name: str) -> str:
    # GB2312 and GBK pages routinely use characters only GB18030 (their superset) decodes.
    return "gb18030" if name.lower().replace("-", "") in ("gb2312", "gbk", "gb18030", "x-gbk") else name


# ---- HTML ------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.I)
_BODY_SELECTORS = (
    "#zoom",
    ".article-content",
    ".TRS_Editor",
    "#UCAP-CONTENT",
    ".xxgk_content",
    ".pages_content",
    "#content",
    ".content",
    "article",
    ".article",
    ".main-content",
    "#main",
)
_BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "table", "tr", "ul", "ol"}
_PAGE_META = re.compile(r"(?:发布时间|发布日期|公开日期|发文日期|成文日期|来源|资料来源|发布机构)\s*[:：]\s*\S+")


def _cjk(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def _cell_text(cell) -> str:
    return re.sub(r"\s+", " ", cell.get_text("")).replace("\u00a0", " ").strip()


def _render(node, out: list[str]) -> None:
    """Text of ``node`` with block breaks and tables as tab-separated rows. Iterative: a page of
    thousands of nested <div>s must not exhaust the interpreter's stack."""
    from bs4 import NavigableString, Tag

    stack: list[object] = [iter(node.children)]
    steps = 0
    while stack:
        steps += 1
        if steps % 4096 == 0:
            check()
        top = stack[-1]
        if isinstance(top, str):  # a block's closing break
            stack.pop()
            out.append(top)
            continue
        child = next(top, None)  # type: ignore[call-overload]
        if child is None:
            stack.pop()
            continue
        if isinstance(child, NavigableString):
            out.append(str(child).replace("\n", " "))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower() if child.name else ""
        if name == "table":
            out.append("\n")
            for tr in child.find_all("tr"):
                if tr.find_parent("table") is not child:
                    continue  # rows of a nested table are rendered with it
                cells = [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]
                out.append("\t".join(_cell_text(c) for c in cells) + "\n")
            out.append("\n")
            continue
        if name in _BLOCK:
            out.append("\n")
            stack.append("\n")
        stack.append(iter(child.children))


def _text_sizes(root) -> dict[int, tuple[int, int]]:
    """(CJK characters, all characters) under every element, in one bottom-up pass (not get_text per
    element, which is quadratic on deeply nested pages)."""
    from bs4 import NavigableString, Tag

    sizes: dict[int, tuple[int, int]] = {}
    order: list = []
    stack = [root]
    while stack:
        el = stack.pop()
        order.append(el)
        if len(order) % 4096 == 0:
            check()
        stack.extend(c for c in el.children if isinstance(c, Tag))
    for el in reversed(order):
        cjk = chars = 0
        for c in el.children:
            if isinstance(c, NavigableString):
                text = str(c)
                cjk += _cjk(text)
                chars += len(text)
            elif isinstance(c, Tag):
                a, b = sizes.get(id(c), (0, 0))
                cjk += a
                chars += b
        sizes[id(el)] = (cjk, chars)
    return sizes


def decode_html(data: bytes) -> str:
    """A page's text in the charset its <meta> declares (else detected)."""
    m = _META_CHARSET.search(data[:4096])
    return decode_text(data, m.group(1).decode("ascii", "ignore") if m else None)


# The page metadata China's government websites carry by their national page standard (政府网站发展
# 指引 / 网页元数据): name → the crawler-header field it stands for. SiteName is the site, not the
# issuer (a department's page sits on the city's site), so it is kept but never votes.
_PAGE_META_FIELDS = {
    "articletitle": "标题",
    "pubdate": "发布时间",
    "contentsource": "来源",
    "columnname": "栏目",
    "url": "原文链接",
    "sitename": "网站",
}
_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s)\s*")


def page_header(soup) -> str:
    """The page's own metadata as a crawler-style header block ("标题: …" lines and a separator), so
    that its title, date, source and column vote with the text's own sources (:mod:`ingest.metadata`).

    The title comes from the ArticleTitle meta tag, else the part of <title> that reads as a report
    title ("…2022年度政府信息公开工作年度报告_政府信息公开年报_<site>")."""
    from ingest.clean import TITLE_RE
    from ingest.normalize import compact_str

    fields: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or "").strip().lower()
        value = " ".join(str(tag.get("content") or "").split())
        if name in _PAGE_META_FIELDS and value and len(value) <= 300:
            fields.setdefault(_PAGE_META_FIELDS[name], value)
    if soup.title and "标题" not in fields:
        parts = _TITLE_SPLIT.split(" ".join(soup.title.get_text(" ").split()))
        title = next((p for p in parts if TITLE_RE.match(compact_str(p))), "")
        if title:
            fields["标题"] = title
    if not fields:
        return ""
    return "\n".join(f"{k}: {v}" for k, v in fields.items()) + "\n==== 正文 ===="


def load_html(data: bytes) -> str:
    from bs4 import BeautifulSoup, Comment

    html = decode_html(data)
    soup = BeautifulSoup(html, "lxml")
    header = page_header(soup)
    for tag in soup(["script", "style", "noscript", "iframe", "template", "head", "nav", "footer"]):
        tag.decompose()
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    body = soup.body or soup
    total = _cjk(body.get_text(""))
    if total == 0:
        raise LoadError("HTML page has no Chinese text")
    chosen = None
    for sel in _BODY_SELECTORS:
        el = soup.select_one(sel)
        if el is not None and _cjk(el.get_text("")) >= 0.5 * total:
            chosen = el
            break
    if chosen is None:  # the smallest block that still holds most of the page's text
        chosen = body
        sizes = _text_sizes(body)
        for el in body.find_all(["div", "td", "article", "section", "main"]):
            n, length = sizes.get(id(el), (0, 0))
            if n >= 0.7 * total and length < sizes.get(id(chosen), (0, 0))[1]:
                chosen = el
    parts: list[str] = []
    _render(chosen, parts)
    text = re.sub(r"[ \u3000]*\n[ \u3000]*", "\n", "".join(parts))
    text = re.sub(r"\n{3,}", "\n\n", text)
    # page metadata and the page title often sit outside the content container
    outside = "\n".join(dict.fromkeys(m.group(0) for m in _PAGE_META.finditer(body.get_text("\n"))))
    title = ""
    for h in soup.find_all(["h1", "h2", "h3"]) + ([soup.title] if soup.title else []):
        t = _cell_text(h)
        if "报告" in t and t not in text:
            title = t
            break
    return "\n".join(x for x in (header, outside, title, text) if x)


# ---- PDF -------------------------------------------------------------------------------------

_PAGE_FOOTER = re.compile(r"^\s*[-－—]\s*\d+\s*[-－—]\s*$", re.M)


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


def join_pages(pages: list[str]) -> str:
    """Pages as one text, a form feed between them (a citation names its page by counting them), the
    centred page numbers ("- 3 -") dropped."""
    return (PAGE_BREAK + "\n").join(_PAGE_FOOTER.sub("", p).strip("\n") + "\n" for p in pages)


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
            _ocr_page(pdf[number - 1].render(scale=DPI / 72).to_pil(), number, DPI, done, len(numbers), total)
            for done, number in enumerate(numbers, start=1)
        )
    finally:
        pdf.close()


def _ocr_page(image, number: int, dpi: float | None, done: int, todo: int, total: int) -> OcrPage:
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


def load_image(data: bytes) -> tuple[str, tuple[OcrPage, ...]]:
    """A page image (PNG, JPEG) or a multi-page TIFF, read by OCR page by page (one page decoded at a
    time; each page's size checked from its header before its pixels are)."""
    from PIL import Image, ImageSequence

    too_big = LoadError(f"image larger than {MAX_IMAGE_PIXELS // 1_000_000} Mpx: not a page")
    read = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
            total = getattr(image, "n_frames", 1)
            if total > MAX_IMAGE_PAGES:
                raise LoadError(f"more than {MAX_IMAGE_PAGES} pages in one image file")
            for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
                if frame.width * frame.height > MAX_IMAGE_PIXELS:
                    raise too_big
                declared = (frame.info.get("dpi") or (None,))[0]
                read.append(
                    _ocr_page(frame.copy(), number, float(declared) if declared else None, number, total, total)
                )
    except (LoadError, OverBudgetError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_big from exc
    except Exception as exc:  # noqa: BLE001 - PIL raises many types on broken files
        raise LoadError(f"unreadable image ({type(exc).__name__})") from exc
    if not any(page.lines for page in read):
        raise LoadError("no text found in the image")
    return join_pages([p.text for p in read]), tuple(read)


# ---- DOCX ------------------------------------------------------------------------------------


MAX_INFLATED_MB = 64  # the XML of a real report is a few MB; more is a compression bomb


def _check_inflated_size(data: bytes) -> None:
    """Refuse a .docx whose parts would inflate past the cap, before anything is inflated."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            inflated = sum(i.file_size for i in z.infolist() if i.filename.endswith((".xml", ".rels")))
    except zipfile.BadZipFile as exc:
        raise LoadError("unreadable Word file (not a zip archive)") from exc
    if inflated > MAX_INFLATED_MB * 1024 * 1024:
        raise LoadError(f"Word file inflates to {inflated / 1048576:.0f} MB of XML (limit {MAX_INFLATED_MB} MB)")


MAX_DOCX_ELEMENTS = 2_000_000  # the 2021 template is 7,600 XML elements; a long report a few ten thousand

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_table(tbl) -> list[str]:
    """A body-level table as tab-separated rows: origin cells only (the lower parts of vertically
    merged cells have no cell of their own, so blank cells keep their position)."""
    rows = [""]
    for tr in tbl.iter(f"{_W}tr"):
        cells = []
        for tc in tr.iterchildren(f"{_W}tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                continue
            text = "".join(t.text or "" for t in tc.iter(f"{_W}t"))
            cells.append(text.replace("\u3000", " ").strip())
        rows.append("\t".join(cells))
    rows.append("")
    return rows


def load_docx(data: bytes) -> str:
    """The body's paragraphs and tables, streamed: each block is read and then freed, so memory stays
    flat however many paragraphs a file has, and past MAX_DOCX_ELEMENTS elements the file is refused."""
    import zipfile

    from lxml import etree

    _check_inflated_size(data)
    out: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z, z.open("word/document.xml") as xml:
            body_depth = 0
            depth = 0
            for count, (event, el) in enumerate(
                etree.iterparse(xml, events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False)
            ):
                if count % 8192 == 0:
                    check()
                    if count > 2 * MAX_DOCX_ELEMENTS:
                        raise LoadError(f"Word file has more than {MAX_DOCX_ELEMENTS:,} XML elements")
                if event == "start":
                    depth += 1
                    if el.tag == f"{_W}body":
                        body_depth = depth
                    continue
                depth -= 1
                if not body_depth or depth != body_depth:
                    continue  # inside a block: read with the block at its end
                if el.tag == f"{_W}p":
                    out.append("".join(t.text or "" for t in el.iter(f"{_W}t")))
                elif el.tag == f"{_W}tbl":
                    out.extend(_docx_table(el))
                el.clear()
                parent = el.getparent()
                while parent is not None and el.getprevious() is not None:
                    del parent[0]  # the blocks already read
    except (LoadError, OverBudgetError):
        raise
    except KeyError as exc:
        raise LoadError("unreadable Word file (no word/document.xml)") from exc
    except Exception as exc:  # zip or XML errors
        raise LoadError(f"unreadable Word file ({type(exc).__name__})") from exc
    return "\n".join(out)


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

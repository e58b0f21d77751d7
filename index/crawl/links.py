"""Reading a portal's annual-report column: which links are reports, which pages list more of them.

Pure functions over a page's bytes and its URL, so ``index.crawl.walk`` only fetches and stores. Nothing
here relies on one CMS's markup: a report link is found by its title (the anchor's ``title``
attribute or its text, truncated or not), its date by a date in the same list entry, more list
pages by the three ways government CMSs paginate — a 「下一页」 link, numbered ``index_N.html``
links, and the script pager ``createPageHTML(total, current, "index", "html")`` that writes the
links in the browser (so no anchor exists in the page at all).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit, urlunsplit

from ingest.loaders import decode_html

# what a report file can be; .doc and .wps need a converter (LibreOffice) or the user's help
ATTACHMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".wps")
PAGE_SUFFIXES = ("", ".html", ".htm", ".shtml", ".jhtml", ".jsp", ".php", ".aspx", ".asp")

# 政府信息公开工作年度报告, 政务公开工作年报, 信息公开年度报告 …: disclosure + an annual report
_REPORT_TITLE = re.compile(r"(?:信息公开|政务公开|政府公开).{0,16}?(?:年度报告|年报|年度工作报告|工作报告)")
# a list that truncates its titles: "…2022年度政府信息公开工作年…" still names one
_TRUNCATED = re.compile(r"(?:信息公开|政务公开).{0,12}?(?:\.{2,}|…+)$")
# a report's title names its year ("2022年度", "二〇二二年"); the column itself ("政府信息公开年报", a
# breadcrumb link on every page) does not
_YEAR = re.compile(r"(?:19|20)\d\d|[〇零一二三四五六七八九]{4}年")
# pages about a report that are not the report: its interpretation, its picture version, a request form
_NOT_A_REPORT = re.compile(r"解读|图解|一图读懂|图说|申请表|指南|目录")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})")
_NEXT = re.compile(r"^\s*(?:下一页|下页|后一页|>|›|»|next)\s*$", re.I)
_NUMBERED = re.compile(r"(?:^|/)(index|list|default)_(\d+)\.(s?html?|jhtml)$", re.I)
# createPageHTML(3, 0, "index", "html") and the variants with ids or element names first
_SCRIPT_PAGER = re.compile(
    r"createPage(?:HTML|Html)\s*\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?(\d+)\s*,\s*(\d+)\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]"
)


def is_report_title(text: str) -> bool:
    """Whether a link's title names an annual disclosure report (not its interpretation or a form)."""
    t = re.sub(r"\s+", "", text or "")
    if not t or _NOT_A_REPORT.search(t) or not _YEAR.search(t):
        return False
    return bool(_REPORT_TITLE.search(t) or _TRUNCATED.search(t))


def url_suffix(url: str) -> str:
    return PurePosixPath(urlsplit(url).path).suffix.lower()


def is_attachment(url: str) -> bool:
    return url_suffix(url) in ATTACHMENT_SUFFIXES


def canonical(url: str) -> str:
    """The URL without its fragment, with a lower-case scheme and host: one key per resource."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


@dataclass(frozen=True)
class Listing:
    """One entry of a column's list: a report's title, its URL and the date the list gives it."""

    title: str
    url: str
    listed: date | None = None


@dataclass
class ListPage:
    items: list[Listing] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # more list pages of the same column, in order
    title: str = ""


@dataclass(frozen=True)
class Attachment:
    url: str
    name: str  # the link's text or file name: what the portal calls it


@dataclass
class DetailPage:
    title: str = ""
    attachments: list[Attachment] = field(default_factory=list)


def _root(data: bytes | str):
    from lxml import html as lxml_html

    text = data if isinstance(data, str) else decode_html(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses an encoding declaration in a str
    try:
        return lxml_html.document_fromstring(text or "<html></html>")
    except Exception:  # noqa: BLE001 - a page lxml cannot parse has no links for us
        return lxml_html.document_fromstring("<html></html>")


def _link_title(a) -> str:
    return re.sub(r"\s+", "", a.get("title") or "") or re.sub(r"\s+", "", a.text_content() or "")


def _entry_date(a) -> date | None:
    """The date printed in the same list entry as the link (its <li>, <tr>, or the nearest block)."""
    node = a
    for _ in range(4):
        node = node.getparent()
        if node is None:
            return None
        if node.tag in ("li", "tr", "dd", "dt", "div", "p", "td", "span"):
            m = _DATE.search(node.text_content() or "")
            if m:
                try:
                    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    return None
        if node.tag in ("ul", "table", "body"):
            return None
    return None


def _href(a, base: str) -> str | None:
    href = (a.get("href") or "").strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return None
    url = urljoin(base, href)
    return canonical(url) if urlsplit(url).scheme in ("http", "https") else None


def script_pages(html: str, base: str) -> list[str]:
    """The list pages a ``createPageHTML(total, current, prefix, ext)`` pager would write: page 0 is
    ``prefix.ext``, page n is ``prefix_n.ext``, in the directory of the current page."""
    out: list[str] = []
    for m in _SCRIPT_PAGER.finditer(html):
        total, prefix, ext = int(m.group(1)), m.group(3), m.group(4)
        for n in range(min(total, 1000)):
            out.append(canonical(urljoin(base, f"{prefix}.{ext}" if n == 0 else f"{prefix}_{n}.{ext}")))
    return out


def parse_list_page(data: bytes | str, base: str) -> ListPage:
    """Report links and further list pages of one page of a column."""
    raw = data if isinstance(data, str) else decode_html(data)  # decoded once: links and the script pager
    root = _root(raw)
    page = ListPage(title=re.sub(r"\s+", " ", (root.findtext(".//title") or "")).strip())
    seen: set[str] = set()
    pages: dict[str, None] = {}
    for a in root.iter("a"):
        url = _href(a, base)
        if url is None:
            continue
        title = _link_title(a)
        if _NEXT.match(a.text_content() or "") or _NUMBERED.search(urlsplit(url).path):
            if _same_column(url, base):
                pages[url] = None
            continue
        if url not in seen and is_report_title(title):
            seen.add(url)
            page.items.append(Listing(title, url, _entry_date(a)))
    for url in script_pages(raw, base):
        pages[url] = None
    page.pages = [u for u in pages if u != canonical(base)]
    return page


def _same_column(url: str, base: str) -> bool:
    """A pager link stays in the column's directory (a 「下一页」 of a site search elsewhere is not ours)."""
    u, b = urlsplit(url), urlsplit(base)
    return u.netloc == b.netloc and u.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def parse_detail_page(data: bytes | str, base: str) -> DetailPage:
    """A detail page's title and the report files it links (PDF, Word, WPS)."""
    root = _root(data)
    detail = DetailPage(title=re.sub(r"\s+", "", root.findtext(".//title") or ""))
    seen: set[str] = set()
    for a in root.iter("a"):
        url = _href(a, base)
        if url is None or url in seen or not is_attachment(url):
            continue
        seen.add(url)
        name = _link_title(a) or PurePosixPath(urlsplit(url).path).name
        detail.attachments.append(Attachment(url, name))
    return detail


def file_name(title: str, url: str, default_suffix: str = ".html") -> str:
    """A local file name for a fetched report: its title (a source ingest reads the issuer and year
    from) and the URL's suffix; never a path, never empty."""
    suffix = url_suffix(url)
    if suffix in ("", ".jhtml", ".jsp", ".php", ".aspx", ".asp", ".shtml", ".htm"):
        suffix = default_suffix if suffix in ("", ".jhtml", ".jsp", ".php", ".aspx", ".asp") else suffix
    stem = re.sub(r"[\\/:*?\"<>|\s.]+", "_", title).strip("_")[:80]
    if not stem:
        stem = re.sub(r"[^\w-]+", "_", PurePosixPath(urlsplit(url).path).stem)[:80] or "report"
    return f"{stem}{suffix}"


# the standard sections every annual report has (2008 to 2021 templates): a page carrying most of them
# holds the report itself; a page with few of them is a stub that links the report as a file
_REPORT_PARTS = ("主动公开", "依申请", "行政复议", "行政诉讼", "存在的主要问题", "收到和处理", "不予公开", "收费")


def carries_report(text: str) -> bool:
    """Whether a detail page's text is the report (rather than a line pointing at its PDF)."""
    compact = re.sub(r"\s+", "", text)
    cjk = sum(1 for ch in compact if "\u4e00" <= ch <= "\u9fff")
    return cjk >= 600 and sum(1 for part in _REPORT_PARTS if part in compact) >= 3


def crawlable(url: str) -> bool:
    """Whether a column's address may start a crawl: http(s) only. The API's crawl route and the Upload
    tab refuse any other (file://, ftp://) before anything is fetched."""
    return url.lower().startswith(("http://", "https://"))

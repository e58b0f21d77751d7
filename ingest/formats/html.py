"""HTML pages: the report's body found among a portal's menus, its tables rendered as rows, the crawler's
page header (标题/发布时间/来源…) kept apart."""

from __future__ import annotations

import re

from ingest.budget import check
from ingest.formats import LoadError
from ingest.formats.text import decode_text

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

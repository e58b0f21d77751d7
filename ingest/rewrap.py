"""Re-wrap a real report the ways real pages do, and check that what is read from it does not change.

Line breaks carry no meaning on the pages reports come from: one portal puts the whole report on
one line, another puts every number on a line of its own, a third breaks a table cell's number
across two lines; pages use Windows line ends, ``&nbsp;`` for empty cells and wrap the report in
menus of every department of the site. Each transformation here is one of those, applied to a real
report; the parse of the transformed report must give the same cells, prose figures, issuer, year
and section titles (:func:`fingerprint`). Nothing needs a gold answer: the report is its own truth.

Text transformations apply to the page text (a crawler's header block, which is the crawler's own
format, is left as it is); HTML files are also transformed as HTML (the markup a page may carry).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ingest.clean import split_crawler_header
from ingest.model import ParsedReport

# A site's menu lists every department; scripts and footers name more bodies. None of this is the
# report, and none of it may vote on who the report is from (invented names, one per line as menus are).
CHROME_MENU = [
    "首页",
    "政务公开",
    "政府信息公开",
    "部门信息公开",
    "甲市发展和改革委员会",
    "甲市教育局",
    "甲市公安局",
    "甲市财政局",
    "甲市人力资源和社会保障局",
    "甲市自然资源局",
    "甲市生态环境局",
    "甲市住房和城乡建设局",
    "甲市交通运输局",
    "甲市水利局",
    "甲市农业农村局",
    "甲市商务局",
    "甲市卫生健康委员会",
    "甲市审计局",
    "甲市市场监督管理局",
    "乙县人民政府",
    "丙区人民政府",
]
CHROME_FOOTER = [
    "主办单位：甲市人民政府办公室",
    "网站标识码：3500000001",
    "闽ICP备05000000号-1",
    "扫一扫在手机打开当前页",
]
CHROME_SCRIPT = 'var siteName = "甲市人民政府门户网站"; var depts = ["甲市教育局", "甲市公安局", "乙县人民政府"];'
# a run of digits or Latin letters, with the signs and points printed inside it ("-3", "88-720", "851.77")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])-?[0-9A-Za-z]+(?:[-.][0-9A-Za-z]+)*")


def _body(raw: str) -> tuple[str, str]:
    """(crawler header block, page text) of a loaded report."""
    _, header, rest = split_crawler_header(raw.replace("\r\n", "\n"))
    if not header:
        return "", raw
    return header + "\n", rest


def one_line(text: str) -> str:
    """The whole page on one line: every line break becomes a space (as HTML whitespace is)."""
    return re.sub(r"[ \t]*\n[ \t]*", " ", text)


def digit_lines(text: str) -> str:
    """Every run of digits or Latin letters on a line of its own, in prose and tables alike (a page
    that styles them in <span>s, copied span by span)."""

    def own_line(m: re.Match[str]) -> str:
        before = "" if m.start() == 0 or text[m.start() - 1] == "\n" else "\n"
        after = "" if text[m.end() : m.end() + 1] in ("\n", "") else "\n"
        return before + m.group(0) + after  # never an empty line: the copies that do this drop them

    return _DIGIT_RUN.sub(own_line, text)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def nbsp(text: str) -> str:
    """Non-breaking spaces and literal ``&nbsp;`` where a page had spaces between cells and words."""
    out = re.sub(r"(?<=\d) (?=\d)", "\u00a0", text)
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=\d)|(?<=\d) (?=[\u4e00-\u9fff])", "&nbsp;", out)


def chrome(text: str) -> str:
    """The report inside a portal page: a menu of every department, a breadcrumb, scripts, a footer."""
    head = "\n".join(CHROME_MENU) + "\n" + CHROME_SCRIPT + "\n当前位置：首页 > 政务公开 > 政府信息公开年报\n"
    return head + text + "\n" + "\n".join(CHROME_FOOTER) + "\n"


def break_numbers(text: str, numbers: list[tuple[str, str]]) -> str:
    """A line break inside numbers of table rows, as a narrow cell wraps them: ``numbers`` are
    (what precedes the number, the number) pairs, found whitespace-insensitively; each found once
    is broken after its first digit."""
    for before, number in numbers:
        rx = re.compile(r"\s*".join(map(re.escape, before)) + r"\s*(" + re.escape(number) + r")(?![\d.])")
        found = list(rx.finditer(text))
        if len(found) != 1:
            continue
        at = found[0].start(1) + 1
        text = text[:at] + "\n" + text[at:]
    return text


TEXT_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "one_line": one_line,
    "digit_lines": digit_lines,
    "crlf": crlf,
    "nbsp": nbsp,
    "chrome": chrome,
}


# Which page transformations a format's text can undergo. A text page is the page's own text: every
# one. An HTML page is transformed as HTML (below): its loaded text is gongkai's own rendering, whose
# tab-separated grid rows are structure, not page text. A PDF's text is its text layer, laid out by
# lines of the page: only line ends and the entities of a copy apply.
TEXT_FORMS: dict[str, tuple[str, ...]] = {
    "txt": (*TEXT_TRANSFORMS, "number_break"),
    "pdf": ("crlf", "nbsp"),
    "docx": ("crlf",),
}


def transform_text(raw: str, name: str, numbers: list[tuple[str, str]] | None = None) -> str:
    header, body = _body(raw)
    if name == "number_break":
        return header + break_numbers(body, numbers or [])
    return header + TEXT_TRANSFORMS[name](body)


# ---- HTML --------------------------------------------------------------------------------------

_TEXT_NODE = re.compile(r">([^<>]*)<")


def html_one_line(html: str) -> str:
    return re.sub(r"\s*\n\s*", " ", html)


_ENTITY = re.compile(r"&#?\w+;")


def html_spans(html: str) -> str:
    """Every digit run of the page's text in a <span> of its own, on a source line of its own."""

    def node(m: re.Match[str]) -> str:
        parts = re.split(r"(&#?\w+;)", m.group(1))  # entities are markup, not text
        return ">" + "".join(p if _ENTITY.fullmatch(p) else _DIGIT_RUN.sub(_span, p) for p in parts) + "<"

    return _TEXT_NODE.sub(node, html)


def _span(m: re.Match[str]) -> str:
    return f"\n<span>{m.group(0)}</span>\n"


def html_nbsp(html: str) -> str:
    """Empty cells written as ``&nbsp;`` (and a full-width space), as Word-made pages do."""
    return re.sub(r"(<t[dh][^>]*>)\s*(</t[dh]>)", "\\1&nbsp;\u3000\\2", html)


def html_crlf(html: str) -> str:
    return html.replace("\r\n", "\n").replace("\n", "\r\n")


def html_chrome(html: str) -> str:
    """A menu of every department (not in a <nav>), a script naming bodies and a footer, around the page."""
    menu = "<div class='menu'><ul>" + "".join(f"<li><a href='#'>{m}</a></li>" for m in CHROME_MENU) + "</ul></div>"
    script = f"<script>{CHROME_SCRIPT}</script>"
    footer = "<div class='foot'>" + "".join(f"<p>{f}</p>" for f in CHROME_FOOTER) + "</div>"
    m = re.search(r"<body[^>]*>", html, re.I)
    if not m:
        return menu + script + html + footer
    html = html[: m.end()] + menu + script + html[m.end() :]
    end = html.lower().rfind("</body>")
    return html[:end] + footer + html[end:] if end != -1 else html + footer


HTML_TRANSFORMS: dict[str, Callable[[str], str]] = {
    "one_line": html_one_line,
    "digit_lines": html_spans,
    "crlf": html_crlf,
    "nbsp": html_nbsp,
    "chrome": html_chrome,
}


# ---- comparison ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What must not change when a page is re-wrapped."""

    issuer: str
    year: int | None
    cells: tuple[tuple[str, str, str, tuple[str, ...]], ...]  # id, value, status, candidates
    figures: tuple[tuple[str, str, str], ...]  # metric, value, unit
    sections: tuple[tuple[str, int, str], ...]  # sid, level, title

    def differences(self, other: Fingerprint) -> list[str]:
        out = []
        if (self.issuer, self.year) != (other.issuer, other.year):
            out.append(f"identity {self.issuer} {self.year} -> {other.issuer} {other.year}")
        a, b = dict((c[0], c[1:]) for c in self.cells), dict((c[0], c[1:]) for c in other.cells)
        cells = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
        if cells:
            out.append(f"{len(cells)} cells: " + "; ".join(f"{k} {a.get(k)} -> {b.get(k)}" for k in cells[:3]))
        fa, fb = set(self.figures), set(other.figures)
        if fa != fb:
            out.append(f"figures lost {sorted(fa - fb)[:3]}, new {sorted(fb - fa)[:3]}")
        sa, sb = set(self.sections), set(other.sections)
        if sa != sb:
            out.append(f"sections lost {sorted(sa - sb)[:2]}, new {sorted(sb - sa)[:2]}")
        return out


def fingerprint(report: ParsedReport) -> Fingerprint:
    cells = tuple(
        sorted(
            (c.id, str(c.value), c.status, tuple(str(x) for x in c.candidates)) for t in report.tables for c in t.cells
        )
    )
    figures = tuple(sorted({(f.metric, str(f.value), f.unit or "") for f in [*report.figures, *report.stated]}))
    sections = tuple(sorted({(s.sid, s.level, s.title) for s in report.sections}))
    return Fingerprint(report.meta.issuer, report.meta.report_year, cells, figures, sections)


def table_numbers(report: ParsedReport, per_row: int = 1) -> list[tuple[str, str]]:
    """For :func:`break_numbers`: printed numbers of T3/T4 rows (two digits or more) with the few
    characters before each, so each can be found again in the page text."""
    out: list[tuple[str, str]] = []
    text = report.text
    for t in report.tables:
        if t.table not in ("t3", "t4"):
            continue
        taken: dict[str, int] = {}
        for c in t.cells:
            if c.start is None or c.end is None or c.method == "derived" or not c.raw.isdigit() or len(c.raw) < 2:
                continue
            if text[c.start : c.end] != c.raw or taken.get(c.row_id, 0) >= per_row:
                continue
            before = "".join(text[max(0, c.start - 24) : c.start].split())[-8:]
            out.append((before, c.raw))
            taken[c.row_id] = taken.get(c.row_id, 0) + 1
    return out


@dataclass
class RewrapResult:
    path: str
    transform: str
    identical: bool
    differences: list[str] = field(default_factory=list)


def check_report(name: str, data: bytes) -> list[RewrapResult]:
    """Every transformation of one report file, each parsed and compared with the file as it is."""
    from ingest.loaders import load_bytes
    from ingest.pipeline import parse_report

    loaded = load_bytes(data, name)
    base = parse_report(loaded.text, name, loaded.format)
    want = fingerprint(base)
    numbers = table_numbers(base)
    results: list[RewrapResult] = []

    def compare(transform: str, text: str, fmt: str) -> None:
        try:
            got = fingerprint(parse_report(text, name, fmt))
        except Exception as e:  # a transformed page that no longer parses is a difference, not a crash
            results.append(RewrapResult(name, transform, False, [f"{type(e).__name__}: {e}"]))
            return
        diff = want.differences(got)
        results.append(RewrapResult(name, transform, not diff, diff))

    for transform in TEXT_FORMS.get(loaded.format, ()):
        compare(transform, transform_text(loaded.text, transform, numbers), loaded.format)
    if loaded.format == "html":
        from ingest.loaders import decode_html

        html = decode_html(data)
        for transform, fn in HTML_TRANSFORMS.items():
            page = load_bytes(fn(html).encode("utf-8"), name)
            compare(f"html_{transform}", page.text, page.format)
    return results

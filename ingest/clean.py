"""Remove portal chrome from scraped report text without touching the report itself.

Scraped pages carry breadcrumbs, accessibility switches, font-size and share widgets before
the report and link farms after it (§10.2, §13). The report begins at its introduction or its
first section heading; what stands before that is page header (kept aside for metadata, only
the title survives into the body), and a footer is cut only where every remaining line is
short enough to be a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.normalize import compact_str

TITLE_RE = re.compile(
    r"^(?P<issuer>[^,，。;；:：《》\s]{2,40}?)(?P<year>(?:19|20)\d{2})年度?(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)

# Lines that are page furniture wherever they appear (compact form, matched at line start).
_CHROME_LINE = re.compile(
    r"^(?:您当前的位置|当前位置|您的位置|【?字号|背景颜色|分享到|浏览人数|浏览次数|点击数|阅读次数|"
    r"登录\|注册|打印:?保存|【打印|【关闭|打印本页|关闭窗口|TOP打印|长者模式|无障碍|返回首页|"
    r"扫一扫在手机打开当前页|×关闭|字体:?\[|\[大中小\])"
)
_FOOTER_MARKER = re.compile(
    r"^(?:扫一扫在手机打开当前页|TOP打印本页|打印本页|关闭窗口|【打印】|相关链接|分享到|上一篇|下一篇)"
)
_FOOTER_LINE_MAX = 30


@dataclass
class Cleaned:
    text: str
    header: str  # the page header lines that were set aside (for metadata)
    title: str
    dropped: int  # number of non-empty lines removed


def _is_chrome(line: str) -> bool:
    return bool(_CHROME_LINE.match(compact_str(line)))


_META_LINE = re.compile(
    r"^(?:发布时间|发布日期|公开日期|成文日期|日期|时间|来源|资料来源|发布机构|索引号|文号|分类|名称|主题分类)"
)


def find_title(lines: list[str]) -> tuple[str, int, int]:
    """The report title and the lines it spans: one line, or two when a PDF wraps it."""
    head = lines[:60]
    for i, line in enumerate(head):
        if TITLE_RE.match(compact_str(line)):
            return " ".join(line.split()), i, i + 1
    for i, line in enumerate(head):
        c = compact_str(line)
        if not c or len(c) > 30 or _is_chrome(line):
            continue
        nxt = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()), None)
        if nxt is not None:
            joined = c + compact_str(lines[nxt])
            m = TITLE_RE.match(joined)
            if m and m.end() == len(joined):
                return line.strip() + lines[nxt].strip(), i, nxt + 1
    return "", -1, -1


def _body_start(lines: list[str], title: str) -> int:
    """First line that is not page header: chrome, metadata, the title or a piece of it."""
    ctitle = compact_str(title)
    for i, line in enumerate(lines):
        c = compact_str(line)
        if not c or _is_chrome(line) or _META_LINE.match(c):
            continue
        if ctitle and (c in ctitle or TITLE_RE.match(c)) and len(c) <= len(ctitle) + 4:
            continue
        return i
    return 0


def _footer_start(lines: list[str], body_start: int) -> int:
    for i in range(body_start, len(lines)):
        if _FOOTER_MARKER.match(compact_str(lines[i])):
            rest = [compact_str(x) for x in lines[i:]]
            if all(len(x) <= _FOOTER_LINE_MAX for x in rest):
                return i
    return len(lines)


def _tidy(line: str) -> str:
    # trailing tabs are empty table cells and form feeds are page breaks: keep both
    return line.replace("\u00a0", " ").replace("\u3000", " ").rstrip(" \r")


def clean(raw: str) -> Cleaned:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    title, _, _ = find_title(lines)
    start = _body_start(lines, title)
    end = _footer_start(lines, start)
    header_lines = lines[:start]
    body: list[str] = [title, ""] if title else []
    dropped = 0
    blank_run = 0
    for line in lines[start:end]:
        if _is_chrome(line):
            dropped += 1
            continue
        line = _tidy(line)
        if not line.strip() and "\f" not in line:
            blank_run += 1
            if blank_run > 1:
                continue
        else:
            blank_run = 0
        body.append(line)
    dropped += sum(1 for x in header_lines if x.strip()) - (1 if title else 0)
    dropped += sum(1 for x in lines[end:] if x.strip())
    return Cleaned("\n".join(body).strip("\n") + "\n", "\n".join(header_lines), title, dropped)

"""Remove portal chrome from scraped report text without touching the report itself.

Scraped pages carry a crawler's metadata header, breadcrumbs, accessibility switches, font-size
and share widgets before the report and link farms after it (§10.2, §13). A crawler may also
flatten the whole page onto one line, so nothing here may assume that chrome sits on lines of
its own: chrome is removed as *spans* of the character stream (a breadcrumb, a run of widget
words), and whole lines are dropped only when they hold nothing else. What stands before the
report is kept aside for metadata; only the title survives into the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.normalize import compact, compact_str

# The title shape of §2, on compact text. The issuer is whatever precedes the year; a stray space
# before the year ("社会事业局 2019年") disappears in compact text, and "…局关于2021年度…" leaves
# 关于 on the issuer, which :func:`tidy_issuer` removes.
TITLE_RE = re.compile(
    r"^(?P<issuer>[^,，。;；:：《》\s]{2,40}?)(?P<year>(?:19|20)\d{2})年度?(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?报告"
)
_ISSUER_TAIL = re.compile(r"(?:关于|的|之)$")
# what a page puts before a title on the same line when it is flattened: navigation and column names
# ("您当前的位置:首页 >政府信息公开年报 重庆市…", "登录 | 注册 嘎什根乡…"); no issuer starts with these
_ISSUER_HEAD = re.compile(
    r"^(?:[#*>»›|｜/\s]+|关于|您当前的位置|当前位置|您的位置|网站首页|返回首页|首页|登录|注册"
    r"|政府信息公开年度报告|政府信息公开年报|信息公开年报|政府信息公开|信息公开|政务公开|年度报告|年报)"
)

# A crawler's header block: "标题: …" lines up to a separator line ("==== 正文 ====", "-----").
_FIELD_LINE = re.compile(r"^\s*(?P<key>[\u4e00-\u9fffA-Za-z_ ]{1,10}?)\s*[:：]\s?(?P<value>.*)$")
_SEPARATOR = re.compile(r"^\s*(?:[=＝\-—_*#~]{3,}.*[=＝\-—_*#~]{3,}|[=＝\-—_*~]{5,})\s*$")
_HEADER_SCAN = 40

# Page furniture as spans of text (compact form not needed: matched on the source with \s*).
_BREADCRUMB = re.compile(r"(?:您当前的位置|当前位置|您的位置|所在位置)\s*[:：]?")
_WIDGET = (
    r"(?:来源\s*[:：][^\s]{0,30}|(?:发布)?时间\s*[:：]\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    r"|-->|微信|微博|QQ空间|全真版|文字版|文件下载|相关链接\s*[:：]?|分享到\s*[:：]?|【?\s*字号\s*[:：]?\s*\[?\s*大\s*中\s*小\s*\]?\s*】?"
    r"|打印(?:本页)?|关闭(?:窗口)?|收藏|浏览(?:次数|人数)\s*[:：]\s*[\d-]*|点击数\s*[:：]\s*\d*|扫一扫在手机打开当前页"
    r"|长者模式|无障碍浏览|返回首页|【打印】|【关闭】|TOP)"
)
_WIDGET_RUN = re.compile(rf"(?:{_WIDGET}\s*){{3,}}")
_LAST_WIDGET = re.compile(rf"{_WIDGET}\s*")
_TRAILER = re.compile(
    r"(?:\s*(?:附件下载|相关附件|相关文件|【?打印本页】?|【?关闭窗口】?|扫一扫在手机打开当前页))+\s*$"
)
_MARKDOWN = re.compile(r"^[ \t]*#{1,6}[ \t]+", re.M)
# a page footer alone on its line ("- 2 -", "— 3 —"): text taken from a PDF, whatever the file type now
PAGE_FOOTER = re.compile(r"^[ \t]*[-－—]\s*\d+\s*[-－—][ \t]*$", re.M)
_BREADCRUMB_LINE_MAX = 200  # a breadcrumb on a line of its own (line-based pages): drop the line

# Lines that are page furniture wherever they appear (compact form, matched at line start).
_CHROME_LINE = re.compile(
    r"^(?:您当前的位置|当前位置|您的位置|【?字号|背景颜色|分享到|浏览人数|浏览次数|点击数|阅读次数|"
    r"登录\|注册|打印:?保存|【打印|【关闭|打印本页|关闭窗口|TOP打印|长者模式|无障碍|返回首页|"
    r"扫一扫在手机打开当前页|×关闭|字体:?\[|\[大中小\])"
)
_FOOTER_MARKER = re.compile(
    r"^(?:扫一扫在手机打开当前页|TOP打印本页|打印本页|关闭窗口|【打印】|相关链接|分享到|上一篇|下一篇"
    r"|主办单位|承办单位|网站标识码|版权所有|技术支持|[\u4e00-\u9fff]ICP备|ICP备)"
)
# a site footer run onto the end of a flattened page: from its first item to the end
_INLINE_FOOTER = re.compile(r"\s*(?:主办单位|承办单位|网站标识码|版权所有|技术支持)\s*[:：][^。]{0,300}$")
_FOOTER_LINE_MAX = 30


@dataclass
class Cleaned:
    text: str
    header: str  # the page header that was set aside (for metadata)
    title: str  # the title as the body (or, failing that, the header) gives it
    dropped: int  # number of non-empty lines removed
    fields: dict[str, str] = field(default_factory=dict)  # crawler/page header fields: 标题, 发布时间 …
    body_title: str = ""  # the title found in the body itself ("" when only the header had one)


def tidy_issuer(issuer: str) -> str:
    """An issuer as printed, without markup, the navigation a flattened page runs into it, or a
    title's connecting words ("…局关于")."""
    issuer = issuer.strip()
    while (head := _ISSUER_HEAD.match(issuer)) and head.end() < len(issuer):
        issuer = issuer[head.end() :]
    return _ISSUER_TAIL.sub("", issuer)


def _is_chrome(line: str) -> bool:
    return bool(_CHROME_LINE.match(compact_str(line[:80])))  # chrome is recognised by how a line starts


_META_LINE = re.compile(
    r"^(?:发布时间|发布日期|公开日期|成文日期|日期|时间|来源|资料来源|发布机构|索引号|文号|分类|名称|主题分类)"
)


_HEADER_KEYS = ("标题", "题目", "原文链接", "原始链接", "原文地址", "栏目", "正文")


def split_crawler_header(text: str) -> tuple[dict[str, str], str, str]:
    """(fields, header text, rest): a leading block of "key: value" lines closed by a separator line.

    Crawlers and exporters write such a block (标题/发布时间/发布机构/原文链接 …) before the body.
    Without a separator the block must be at least two known-looking fields long, so a report
    whose first line happens to contain a colon keeps that line.
    """
    lines = text.split("\n")
    fields: dict[str, str] = {}
    for i, line in enumerate(lines[:_HEADER_SCAN]):
        if _SEPARATOR.match(line):
            if len(fields) >= 2:
                return fields, "\n".join(lines[: i + 1]), "\n".join(lines[i + 1 :])
            break
        m = _FIELD_LINE.match(line)
        if m and len(m.group("value")) <= 300:
            fields.setdefault(m.group("key").replace(" ", ""), m.group("value").strip())
        elif line.strip() and len(line.strip()) > 80:
            break  # prose: the body began without a separator
    # no separator: accept a leading run of fields that name page metadata
    run = 0
    for line in lines[:_HEADER_SCAN]:
        m = _FIELD_LINE.match(line)
        if not m or not _META_LINE.match(m.group("key")) and m.group("key") not in _HEADER_KEYS:
            break
        run += 1
        if m.group("key") == "正文":  # "正文:" closes a crawler's header: the body follows
            break
    if run >= 2:
        kept = {}
        for line in lines[:run]:
            m = _FIELD_LINE.match(line)
            if m:
                kept.setdefault(m.group("key").replace(" ", ""), m.group("value").strip())
        return kept, "\n".join(lines[:run]), "\n".join(lines[run:])
    return {}, "", text


def strip_inline_chrome(text: str) -> tuple[str, list[str]]:
    """Remove breadcrumbs, widget-word runs and trailing download links wherever they sit in a line.

    Returns the text and the removed spans (kept for metadata: a breadcrumb often holds the title).
    """
    removed: list[str] = []
    out = text
    m = _BREADCRUMB.search(out, 0, 2000)
    if m:
        line_start = out.rfind("\n", 0, m.start()) + 1
        line_end = out.find("\n", m.end())
        line_end = len(out) if line_end == -1 else line_end
        if line_end - line_start > _BREADCRUMB_LINE_MAX:
            # flattened page: the breadcrumb runs to the last widget word within reach
            end = m.end()
            window = out[m.end() : m.end() + 600]
            run = _WIDGET_RUN.search(window)
            if run:
                end = m.end() + run.end()
                for w in _LAST_WIDGET.finditer(out, end, min(len(out), end + 40)):
                    if w.start() != end:
                        break
                    end = w.end()
            else:  # crumbs glued together: up to the first whitespace after them
                sp = re.search(r"\s", out[m.end() :].lstrip())
                end = m.end() + (len(out[m.end() :]) - len(out[m.end() :].lstrip())) + (sp.start() if sp else 0)
            removed.append(out[m.start() : end])
            out = out[: m.start()] + out[end:]
    run = _WIDGET_RUN.search(out, 0, 2000)
    if run and run.end() - run.start() < 300:
        removed.append(out[run.start() : run.end()])
        out = out[: run.start()] + " " + out[run.end() :]
    footer = _INLINE_FOOTER.search(out, max(0, len(out) - 400))
    if footer:
        removed.append(out[footer.start() :])
        out = out[: footer.start()] + "\n"
    tail = _TRAILER.search(out)
    if tail:
        removed.append(out[tail.start() :])
        out = out[: tail.start()] + "\n"
    return out, removed


def find_title(lines: list[str]) -> tuple[str, int, int]:
    """The report title and the lines it spans: the title-shaped start of a line, or two lines
    joined when a PDF wraps it. Only the title itself is returned, even when the line runs on
    into the report (a flattened page glues the title to the first sentence)."""
    head = lines[:60]
    for i, line in enumerate(head):
        c = compact(line)
        m = TITLE_RE.match(c.text)
        if m:
            return " ".join(line[: c.end(m.end())].split()), i, i + 1
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


def _title_elsewhere(fields: dict[str, str], chrome: list[str]) -> str:
    """A title only the crawler header or the breadcrumb gives (the body lost or abbreviated it)."""
    for candidate in (fields.get("标题", ""), fields.get("题目", ""), fields.get("名称", "")):
        found, _, _ = find_title([candidate])
        if found:
            return found
    for span in chrome:
        # the title is a run of words inside the crumbs: the match starting latest has no crumbs in it
        starts = [m.start() for m in re.finditer(r"(?<!\S)\S", span)]
        for start in reversed(starts):
            found, _, _ = find_title([span[start:]])
            if found:
                return found
    return ""


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
        if _FOOTER_MARKER.match(compact_str(lines[i][:80])):
            rest = [compact_str(x) for x in lines[i:]]
            if all(len(x) <= _FOOTER_LINE_MAX for x in rest):
                return i
    return len(lines)


def _tidy(line: str) -> str:
    # trailing tabs are empty table cells and form feeds are page breaks: keep both
    return line.replace("\u00a0", " ").replace("\u3000", " ").rstrip(" \r")


# a page copied without decoding its entities: the spaces they stand for
_SPACE_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#xa0|#12288|#x3000);?", re.I)


def clean(raw: str) -> Cleaned:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _SPACE_ENTITY.sub(" ", text)
    fields, crawler_header, text = split_crawler_header(text)
    text = PAGE_FOOTER.sub("", _MARKDOWN.sub("", text))
    text, removed = strip_inline_chrome(text)
    lines = text.split("\n")
    body_title, _, _ = find_title(lines)
    title = body_title or _title_elsewhere(fields, removed + [x for x in lines if _is_chrome(x)])
    start = _body_start(lines, body_title)
    end = _footer_start(lines, start)
    header_lines = lines[:start]
    body: list[str] = [title, ""] if title else []
    dropped = 0
    blank_run = 0
    for line in lines[start:end]:
        if _is_chrome(line) and len(line) <= _BREADCRUMB_LINE_MAX:
            dropped += 1
            removed.append(line)
            continue
        line = _tidy(line)
        if not line.strip() and "\f" not in line:
            blank_run += 1
            if blank_run > 1:
                continue
        else:
            blank_run = 0
        body.append(line)
    dropped += sum(1 for x in header_lines if x.strip()) - (1 if body_title else 0)
    dropped += sum(1 for x in lines[end:] if x.strip())
    header = "\n".join(x for x in (crawler_header, "\n".join(header_lines), *removed) if x)
    return Cleaned("\n".join(body).strip("\n") + "\n", header, title, dropped, fields, body_title)

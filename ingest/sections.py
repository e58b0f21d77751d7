"""Split a cleaned report into sections by its heading hierarchy (一、 / （一）).

Headings are recognised by ordinal *sequence*, not by shape alone: a top-level heading must
carry the next ordinal after the previous one, and the T3 row labels that reuse ordinals
("一、本年新收…", "四、结转下年度继续办理") never start a section (§3). Inside the tables of the
2019/2021 formats, "(一)予以公开" and the like are rows, not sub-sections.
"""

from __future__ import annotations

import re

from ingest.budget import check
from ingest.model import Section
from ingest.normalize import compact, compact_str
from ingest.schema import GEN_PRE2019, SECTION_KEYWORDS

CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
# A heading may start a line or follow a sentence end, a closing bracket, a table value or a space:
# a flattened page keeps its headings mid-line (issue "real reports", part 2).
_BOUNDARY = r"(?:(?<=^)|(?<=[\s。；;！？!?：:）)」』\"”\d]))"
_L1 = re.compile(r"([一二三四五六七八九十]{1,2})\s*、\s*(?=\S)", re.M)
_AT_BOUNDARY = re.compile(_BOUNDARY)
_L2 = re.compile(_BOUNDARY + r"[(（]\s*([一二三四五六七八九十]{1,2})\s*[)）]\s*(?=\S)", re.M)
_NOT_HEADINGS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")
_TITLE_MAX = 40
_HEAD_WORDS = r"(?:情况|事项|措施|概述|概况|思路|计划|方向|问题|附表|附件|引言)"
_TITLE_WORD_END = re.compile(r"^.{0,38}?" + _HEAD_WORDS)
# "一、概述2012年，我局…", "一、总体情况（一）健全…", "一、总体情况一是…", "二、…情况第二十条…"
_RUN_ON = re.compile(
    r"(?<=" + _HEAD_WORDS + r")(?=\d|[（(][一二三四五六七八九十]|[一二三四五六七八九十]是|第)"
    r"|(?<=[》」』”\)])(?=\d)"  # "…《目录》2009年，各县…": a figure after a closing mark
    r"|(?=[一二三四五六七八九十]{1,2}、[^一二三四五六七八九十])"  # the next heading: "…为零五、存在问题"
    r"|(?<=[^及和与的至到、\d]{2})(?=(?:19|20)\d{2}年)"  # "…的数量2013年全市…", not "问题及2019年工作计划"
    r"|(?<=..)(?=[一二三四五六七八九十]是|\d[.、]\D|[（(]\d[)）])"  # an enumeration: "一是…", "1.…", "（1）…"
    # the words a body's first sentence opens with, after a title of four characters or more
    r"|(?<=[^，,、\d]{4})(?=我局|我市|我区|我县|我委|我办|本局|本机关|全市|全县|全区|根据|严格按照|按照|为了|围绕|结合"
    r"|通过|对照|严格执行|认真落实|认真贯彻)"
)
# a heading word ends the title unless a connector carries it on ("存在问题及2019年工作计划")
_HEAD_WORD_END = re.compile(r"^.{0,38}?" + _HEAD_WORDS + r"(?![及和与、的并暨])")
_PARAGRAPH = re.compile(r"\n[^\S\n]*\n")  # a blank line: a paragraph ends there whatever else the page did
# Full titles of the standard sections and their common variants (§3): a flattened page runs the
# heading into its first sentence or table caption, so the known title is cut out exactly.
_KNOWN_TITLES = sorted(
    [
        "总体情况",
        "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况",
        "政府信息公开行政复议、行政诉讼情况",
        "政府信息公开行政复议与行政诉讼情况",
        "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
        "因政府信息公开申请行政复议、提起行政诉讼的情况",
        "因政府信息公开申请行政复议、提起行政诉讼情况",
        "存在的主要问题及改进情况",
        "政府信息公开工作存在的主要问题及改进情况",
        "其他需要报告的事项",
        "需要说明的其他事项与附表",
    ],
    key=len,
    reverse=True,
)
PREAMBLE_TITLE = "导言"
# the standard sections of the 2019/2021 formats in order, for preferring real headings over lists
_EXPECTED_SID = {1: "s1", 2: "s2", 3: "s3", 4: "s4", 5: "s5", 6: "s6"}


def cn_ordinal(text: str) -> int:
    if text in CN_NUM:
        return CN_NUM[text]
    if len(text) == 2 and text[0] == "十":
        return 10 + CN_NUM.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return CN_NUM.get(text[0], 0) * 10
    return 0


_TITLE_STOP = re.compile(r"[。:;!?]")  # compact text: NFKC made "：；！？" half-width
_COMMA = re.compile(r"[,，]")
_TITLE_WINDOW = 300


def heading_title(rest: str) -> str | None:
    """The heading part of the text after an ordinal, or None when it reads as a table row.

    Line breaks carry no meaning (a page may break a heading mid-word, "（一）⏎政⏎府信息公开…", or
    put the whole report on one line), so the title is found in the compact text: a known section
    title; else up to a sentence mark, cut where the run-on text begins (the year or figure after
    a heading word, the next "（一）"); a long one ends at its first heading word, else at its first
    comma. Returned as printed, without whitespace.
    """
    window = rest[:_TITLE_WINDOW]
    para = _PARAGRAPH.search(window)
    if para and window[: para.start()].strip():
        window = window[: para.start()]
    c = compact(window)
    text = c.text
    for known in _KNOWN_TITLES:
        if text.startswith(known):
            return _as_printed(window, c, len(known))
    row = _TABLE_ROW.match(window)
    if row and not re.match(r"(?:19|20)\d{2}$", "".join(row.group("numbers").split()[:2])):
        return None  # a table row with its numbers
    m = _TITLE_STOP.search(text)
    if m and m.start() == 0:
        return None
    cut = text[: m.start()] if m else text
    run_on = _RUN_ON.search(cut)
    if run_on:
        cut = cut[: run_on.start()]
    head = _HEAD_WORD_END.match(cut)
    if head:
        cut = head.group(0)
    if len(cut) > _TITLE_MAX:
        w = _TITLE_WORD_END.match(cut)
        comma = _COMMA.search(cut, 0, _TITLE_MAX)
        if w:
            cut = w.group(0)
        elif comma and comma.start() > 1:
            cut = cut[: comma.start()]
        else:
            return None
    return _as_printed(window, c, len(cut)) or None


# a table row, not a heading: a short label (and unit) followed by two or more separate numbers
# ("五、其他 0 0 1", "一、主动公开文件数⏎条⏎475⏎582"), whatever whitespace separates them
# ("五、其他 0 0 1", "一、主动公开文件数⏎条⏎475⏎582"), whatever whitespace separates them — but not a
# year a page broke in two ("一、概述⏎201⏎5⏎年，…")
_TABLE_ROW = re.compile(
    r"^[\u4e00-\u9fff（）()“”\"、\s]{1,40}?(?:(?:条|件|个|项|次|人|万元|元|%)\s*)?"
    r"(?P<numbers>(?:-?\d+(?:\.\d+)?\s+)+-?\d+(?:\.\d+)?)(?=\s*(?:$|[^\d\s年月日号%.]))"
)


def _as_printed(window: str, c, n: int) -> str:
    """The first ``n`` compact characters of ``window`` as the source prints them, whitespace removed."""
    if n <= 0:
        return ""
    return "".join(window[: c.end(n)].split())


def canonical_sid(title: str, used: set[str]) -> str:
    c = compact_str(title)
    for sid, words in SECTION_KEYWORDS:
        if sid not in used and any(w in c for w in words):
            return sid
    return ""


def _expected(n: int, title: str) -> bool:
    sid = _EXPECTED_SID.get(n)
    c = compact_str(title)
    return bool(sid) and any(w in c for s, words in SECTION_KEYWORDS if s == sid for w in words)


def _level1(text: str) -> list[tuple[int, int, str]]:
    """(offset, ordinal, title) of the top-level headings.

    Candidates are every 一、…十、 at a boundary with a heading-shaped title. The headings are the
    chain of consecutive ordinals (一, 二, 三 …) that scores best, a title that names the section
    its ordinal stands for counting more: so an enumerated list in the introduction ("一、加强…
    二、…") cannot capture the real headings that follow it.
    """
    cands: list[tuple[int, int, str, int]] = []
    for m in _L1.finditer(text):
        n = cn_ordinal(m.group(1))
        if not n:
            continue
        rest = text[m.end() : m.end() + 200]
        if any(w in compact_str(rest[:30]) for w in _NOT_HEADINGS):
            continue
        title = heading_title(rest)
        if title is None:
            continue
        expected = _expected(n, title)
        if not _AT_BOUNDARY.match(text, m.start()):
            # glued to the previous word ("…246900元三、收到和处理…"): only a standard heading
            if not expected:
                continue
            cands.append((m.start(), n, f"{m.group(1)}、{title}", 2))
            continue
        cands.append((m.start(), n, f"{m.group(1)}、{title}", 3 if expected else 1))
    cands = _without_stray_copies(text, cands)
    best: list[tuple[int, list[int]]] = []  # per candidate: (score of best chain ending here, chain)
    for i, (_, n, _, score) in enumerate(cands):
        check()
        chain: tuple[int, list[int]] = (score, [i]) if n == 1 else (-1, [])
        for j in range(i):
            if cands[j][1] == n - 1 and best[j][0] >= 0 and best[j][0] + score > chain[0]:
                chain = (best[j][0] + score, [*best[j][1], i])
        best.append(chain)
    if not best or max(b[0] for b in best) < 0:
        return []
    top = max(range(len(best)), key=lambda i: (best[i][0], len(best[i][1]), -i))
    return [cands[i][:3] for i in best[top][1]]


def _without_stray_copies(text: str, cands: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str, int]]:
    """Drop a heading printed twice whose first copy stands right after the previous heading, with
    nothing between ("四、…情况 五、存在的主要问题… 〈表四〉 五、存在的主要问题…"): the first copy would
    leave the section before it empty and take its table."""
    keep = []
    for i, cand in enumerate(cands):
        later_copy = any(c[1] == cand[1] and compact_str(c[2]) == compact_str(cand[2]) for c in cands[i + 1 :])
        prev = cands[i - 1] if i else None
        if later_copy and prev is not None and prev[1] == cand[1] - 1:
            between = compact_str(text[prev[0] : cand[0]])
            if between == compact_str(prev[2]):
                continue
        keep.append(cand)
    return keep


def _level2(text: str, start: int, end: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    last = 0
    for m in _L2.finditer(text, start, end):
        n = cn_ordinal(m.group(1))
        if n != last + 1:
            continue
        title = heading_title(text[m.end() : min(end, m.end() + 200)])
        if title is None:
            continue
        found.append((m.start(), f"({m.group(1)}){title}"))
        last = n
    return found


def split_sections(text: str, generation: str = GEN_PRE2019) -> list[Section]:
    heads = _level1(text)
    sections: list[Section] = []
    first = heads[0][0] if heads else len(text)
    if text[:first].strip():
        sections.append(Section("", 0, PREAMBLE_TITLE, PREAMBLE_TITLE, 0, first))
    used: set[str] = set()
    for i, (off, _n, title) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        sid = canonical_sid(title, used)
        if sid:
            used.add(sid)
        sections.append(Section(sid, 1, title, title, off, end))
        if generation != GEN_PRE2019 and sid in ("s2", "s3", "s4"):
            continue  # standard tables: their (一)… lines are rows
        subs = _level2(text, off, end)
        for j, (soff, stitle) in enumerate(subs):
            send = subs[j + 1][0] if j + 1 < len(subs) else end
            sections.append(Section(sid, 2, stitle, f"{title} > {stitle}", soff, send))
    return sections

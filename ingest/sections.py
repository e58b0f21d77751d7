"""Split a cleaned report into sections by its heading hierarchy (一、 / （一）).

Headings are recognised by ordinal *sequence*, not by shape alone: a top-level heading must
carry the next ordinal after the previous one, and the T3 row labels that reuse ordinals
("一、本年新收…", "四、结转下年度继续办理") never start a section (§3). Inside the tables of the
2019/2021 formats, "(一)予以公开" and the like are rows, not sub-sections.
"""

from __future__ import annotations

import re

from ingest.model import Section
from ingest.normalize import compact_str
from ingest.schema import GEN_PRE2019, SECTION_KEYWORDS

CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}
_L1 = re.compile(r"^[ \t]*([一二三四五六七八九十]{1,2})、[ \t]*(\S.*)$", re.M)
_L2 = re.compile(r"^[ \t]*[(（]([一二三四五六七八九十]{1,2})[)）][ \t]*(\S.*)$", re.M)
_NOT_HEADINGS = ("本年新收", "上年结转", "本年度办理结果", "结转下年度")
_TITLE_MAX = 40
PREAMBLE_TITLE = "导言"


def cn_ordinal(text: str) -> int:
    if text in CN_NUM:
        return CN_NUM[text]
    if len(text) == 2 and text[0] == "十":
        return 10 + CN_NUM.get(text[1], 0)
    if len(text) == 2 and text[1] == "十":
        return CN_NUM.get(text[0], 0) * 10
    return 0


def heading_title(rest: str) -> str | None:
    """The heading part of a line: the whole line if short, else up to its first full stop."""
    rest = rest.strip()
    if re.search(r"\d\s*$", rest) and re.search(r"(?:\s\d+){1,}\s*$", rest):
        return None  # a table row with its numbers
    cut = re.split(r"[。:：]", rest, maxsplit=1)[0].strip()
    if len(compact_str(cut)) > _TITLE_MAX:
        return None
    return cut


def canonical_sid(title: str, used: set[str]) -> str:
    c = compact_str(title)
    for sid, words in SECTION_KEYWORDS:
        if sid not in used and any(w in c for w in words):
            return sid
    return ""


def _level1(text: str) -> list[tuple[int, int, str]]:
    """(offset, ordinal, title) of accepted top-level headings."""
    found: list[tuple[int, int, str]] = []
    last = 0
    for m in _L1.finditer(text):
        n = cn_ordinal(m.group(1))
        if n != last + 1:
            continue
        if any(w in compact_str(m.group(2)) for w in _NOT_HEADINGS):
            continue
        title = heading_title(m.group(2))
        if title is None:
            continue
        found.append((m.start(), n, f"{m.group(1)}、{title}"))
        last = n
    return found


def _level2(text: str, start: int, end: int) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    last = 0
    for m in _L2.finditer(text, start, end):
        n = cn_ordinal(m.group(1))
        if n != last + 1:
            continue
        title = heading_title(m.group(2))
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

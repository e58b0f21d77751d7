"""Pre-2019 local statistics tables ("政府信息公开情况统计表", §7): one indicator per row, 本年度 and
历年累计 columns, labels that change from year to year. Rows are kept under their own labels as
``legacy.<label>``; they map to no t2/t3/t4 id.

Read from the character stream: a crawler flattens these tables too ("主动公开文件数条475582其中：
1.政府网站公开数条4755822.政府公报公开数条00…"), gluing the two value columns together and the next
row's ordinal onto the last value. Nothing here depends on where lines break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import AMBIGUOUS, BLANK, DASH, MISSING, NUMBER, UNCHECKED, Cell, Table
from ingest.normalize import compact, parse_number
from ingest.schema import GEN_PRE2019

_LEGACY_HEAD = re.compile(r"指标名称|本年度.{0,6}历年累计|本年.{0,4}累计")
_LEGACY_HEAD_END = re.compile(r"历年累计|累计|年[末未]统计|本年度|(?:19|20)\d{2}年度?|年度|单位")
_LEGACY_UNITS = r"万元|元|条|件次|件|个|人次|人|次|项|份|期|场|篇|页"
_LEGACY_VALUE = r"(?:-?\d[\d.,．]*|[-—–/])"
# whitespace of any kind between a row's label, unit and values: a page may put each cell on a line
# of its own, or the whole table on one line
_UNIT_CELL_AHEAD = r"(?!\s(?:" + _LEGACY_UNITS + r")\s)"  # a unit standing alone: a value-less row ends there
_LABEL_CHAR = _UNIT_CELL_AHEAD + r"[^\d\t。]"
_LEGACY_ROW = re.compile(
    r"(?P<label>(?!(?:" + _LEGACY_UNITS + r")\s)(?:其中[:：]?\s*)?(?:\d{1,2}\s*[.、．]\s*)?"
    rf"(?:{_LABEL_CHAR})*?[\u4e00-\u9fff）)](?:{_LABEL_CHAR})*?)"
    r"\s*(?P<unit>" + _LEGACY_UNITS + r")?\s*"
    r"(?P<vals>" + _LEGACY_VALUE + r"(?:\s+" + _LEGACY_VALUE + r")*)"
)
_LEGACY_NUMBERING = re.compile(
    r"^(?:其中[:：]?\s*)?(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])\s*"
)
_INNER_ORDINAL = re.compile(r"[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}、")
_LEGACY_GAP_MAX = 24  # a group label without values ("一、主动公开情况") may stand between two rows; prose may not


def _legacy_values(vals: str, columns: int, runs: bool = False) -> list[list[tuple[str, int, int]]]:
    """Readings of a row's value text as ``columns`` cells: (raw, start, end) per cell, offsets in ``vals``.

    Space-separated values are read as printed; a glued run ("475582") is split every way that
    has no leading zeros, since the 本年度 and 历年累计 columns were flattened together. With
    ``runs`` (a copy that collapses repeated values) a lone value stands for both columns."""
    chunks = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", vals)]
    if len(chunks) == columns:
        return [chunks]
    if runs and len(chunks) == 1 and columns == 2:
        return [[chunks[0], chunks[0]]]
    if len(chunks) == 1 and columns == 2 and chunks[0][0].isdigit():
        raw, a, _ = chunks[0]
        out = []
        for cut in range(1, len(raw)):
            left, right = raw[:cut], raw[cut:]
            if (len(left) > 1 and left[0] == "0") or (len(right) > 1 and right[0] == "0"):
                continue
            out.append([(left, a, a + cut), (right, a + cut, a + len(raw))])
        return out
    if len(chunks) == 1 and columns == 2:
        return [[chunks[0], ("", chunks[0][2], chunks[0][2])]]  # one value printed: 历年累计 blank
    return []


def _collapsed(rows: list[_LegacyRow]) -> bool:
    """A copy that merges identical consecutive lines: its two-value rows are printed apart, never
    glued, and never hold two equal values (equal pairs became one line), while some rows hold one."""
    counts = [len(r.vals.split()) for r in rows]
    pairs = [r.vals.split() for r in rows if len(r.vals.split()) == 2]
    return len(pairs) >= 2 and counts.count(1) >= 1 and all(a != b for a, b in pairs) and max(counts) <= 2


@dataclass
class _LegacyRow:
    rid: str
    unit: str | None
    vals: str
    start: int  # offset of the values
    readings: list[list[tuple[str, int, int]]]
    ordinal: int | None  # "1." / "2." of a sub-indicator, None for a parent row
    note: str = ""


_ORDINAL_PREFIX = re.compile(r"^(?:其中[:：]?)?(\d+)[.、．]")


def _settle_by_children(rows: list[_LegacyRow], columns: int) -> None:
    """其中 1., 2., … add up to the row above them, column by column: where every row of such a group
    but one has a single reading, that one's reading is the one that makes the sum hold."""
    i = 0
    while i < len(rows):
        parent = rows[i]
        j = i + 1
        kids: list[_LegacyRow] = []
        while j < len(rows) and rows[j].ordinal == len(kids) + 1:
            kids.append(rows[j])
            j += 1
        group = [parent, *kids]
        open_rows = [r for r in group if len(r.readings) > 1]
        if len(kids) >= 2 and len(open_rows) == 1 and all(len(r.readings) == 1 for r in group if r not in open_rows):
            target = open_rows[0]

            def total(r: _LegacyRow, reading: list[tuple[str, int, int]], c: int) -> Decimal:
                raw = reading[c][0]
                return Decimal(raw) if raw and raw[0].isdigit() else Decimal(0)

            fits = []
            for reading in target.readings:
                ok = True
                for c in range(columns):
                    vals = {id(r): total(r, r.readings[0] if r is not target else reading, c) for r in group}
                    if vals[id(parent)] != sum(vals[id(k)] for k in kids):
                        ok = False
                if ok:
                    fits.append(reading)
            if len(fits) == 1:
                target.readings = fits
                target.note = "split fixed by 其中 sub-items adding up to their parent"
        i = j if kids else i + 1


def read_legacy(  # noqa: C901 - waiver 2/5: one scan of the character stream; its branches are the shapes a row takes there (label, unit, value pairs, glued pairs), sharing the scan's position
    text: str, stated: frozenset[Decimal] = frozenset()
) -> Table | None:
    """A pre-2019 "政府信息公开情况统计表": rows by label, stored as ``legacy.<label>`` (§7).

    Read from the character stream, so a table flattened onto one line ("主动公开文件数条475582其中：
    1.政府网站公开数条4755822.政府公报公开数条00…") reads like one with a line per row: each row is a
    label, a unit and its values; the digit before a "." that starts the next label is that label's
    ordinal, not a value. A glued 本年度|历年累计 pair is split where something decides it — the
    report's own sentence for the year's proactive figure (``stated``: "主动公开政府信息475条"), or
    sub-items adding up to their parent — and otherwise keeps every split as candidates.
    """
    whole = compact(text)
    found = _LEGACY_HEAD.search(whole.text)  # compact: "指 标 名 称" is letter-spaced in many pages
    if not found:
        return None
    head_start = whole.start(found.start())
    header_zone = text[head_start : head_start + 80]
    comp = compact(header_zone)
    ends = [m for m in _LEGACY_HEAD_END.finditer(comp.text) if m.start() < 40]
    body_start = head_start + (comp.end(ends[-1].end()) if ends else len(header_zone))
    columns = 2 if "累计" in comp.text else 1
    rows: list[_LegacyRow] = []
    seen: set[str] = set()
    pos = body_start
    pending: int | None = None
    for m in _LEGACY_ROW.finditer(text, body_start):
        gap = text[pos : m.start()]
        # rows the source left without values ("1.当面申请数 条") may stand in the gap: a label and a unit each
        empty_rows = len(re.findall(r"\s(?:" + _LEGACY_UNITS + r")(?=\s)", gap))
        if len(gap.strip()) > _LEGACY_GAP_MAX * (1 + empty_rows) or re.search(r"[。，,；;]", gap):
            break
        vals, v0 = m.group("vals"), m.start("vals")
        after = re.compile(r"\s*").match(text, m.end()).end()  # the next printed character, wherever lines break
        nxt = text[after : after + 1]
        if re.fullmatch(r"\d{1,2}", vals) and nxt and nxt in ".、．":  # "其中：1、网站公开": an ordinal, not a value
            pending, pos = int(vals), after + 1
            continue
        if nxt == "年":
            break  # "…局 2017年1月11日": the signature's date, the table is over
        carried = pending
        pending = None
        before_label = re.match(r"\s*[\u4e00-\u9fff]", text[m.end() : m.end() + 4])
        spaced = re.search(r"(?:^|\s)(\d{1,2})[.．、]$", vals)
        if spaced and before_label:  # "0 4. 网上申请数": "4." numbers the next row
            pending, vals = int(spaced.group(1)), vals[: spaced.start()]
        elif nxt and nxt in "、.．" and (last := re.search(r"\s(\d{1,2})$", vals)):  # "23 56 2、政府公报…"
            pending, vals = int(last.group(1)), vals[: last.start()]
        elif re.search(r"\d[.．、]$", vals) and before_label:
            pending = int(vals[-2])  # "…4755822." + "政府公报…": the 2 is the next row's ordinal
            vals = vals[:-2]
        elif (
            nxt and nxt in ".．、" and re.search(r"\d\d$", vals) and re.match(r"\s*[\u4e00-\u9fff]", text[after + 1 :])
        ):
            pending = int(vals[-1])  # the same with the page's line break before the point ("…4755822⏎.政府公报")
            vals = vals[:-1]
        vals = vals.rstrip(".．")
        pos = v0 + len(vals)
        label_c = compact(m.group("label")).text.strip()
        inner = [x for x in _INNER_ORDINAL.finditer(label_c) if x.start() > 0 and x.end() < len(label_c)]
        if inner:  # a group label without values before this row's own: "一、主动公开情况（一）主动公开…数"
            label_c = label_c[inner[-1].start() :]
        found = _ORDINAL_PREFIX.match(label_c)
        ordinal = int(found.group(1)) if found else carried
        label = _LEGACY_NUMBERING.sub("", label_c).strip().lstrip("、.:：")
        if re.search(r"[A-Za-z:：]", re.sub(r"其中[:：]", "", label)):
            break  # "网站标识码：…", "闽ICP备…": the page's footer, not a statistics row
        if not label or len(label) > 40 or not vals:
            continue
        rid = f"legacy.{label}"
        if rid in seen:
            continue
        seen.add(rid)
        rows.append(_LegacyRow(rid, m.group("unit"), vals, v0, [], ordinal))
    runs = columns == 2 and _collapsed(rows)
    for row in rows:
        row.readings = _legacy_values(row.vals, columns, runs)
        if runs and len(row.vals.split()) == 1 and row.readings:
            row.note = "printed once for both columns (the source collapses repeated values)"
        if len(row.readings) > 1 and "主动公开" in row.rid and stated:
            by_text = [r for r in row.readings if r[0][0].isdigit() and Decimal(r[0][0]) in stated]
            if len(by_text) == 1:
                row.readings, row.note = by_text, "split chosen by the report's own sentence (主动公开…条)"
    if columns == 2:
        _settle_by_children(rows, columns)
    cells: list[Cell] = []
    for row in rows:
        end = row.start + len(row.vals)
        for ci, col in enumerate(("this_year", "cumulative")[:columns]):
            options = {r[ci][0] for r in row.readings}
            if not row.readings:
                cells.append(
                    Cell("legacy", row.rid, col, None, MISSING, row.vals, row.unit, "text_row", row.start, end)
                )
                continue
            if len(options) > 1:
                values = sorted({Decimal(o) for o in options if o and o[0].isdigit()})
                note = "本年度 and 历年累计 glued together: several splits possible"
                cells.append(
                    Cell(
                        "legacy",
                        row.rid,
                        col,
                        None,
                        AMBIGUOUS,
                        row.vals,
                        row.unit,
                        "segmented",
                        row.start,
                        end,
                        values,
                        note,
                    )
                )
                continue
            raw, a, b = row.readings[0][ci]
            method = "text_row"
            if len(row.readings[0]) > len(row.vals.split()):
                method = "expanded" if row.readings[0][0] is row.readings[0][-1] else "segmented"
            if not raw:
                cells.append(
                    Cell("legacy", row.rid, col, None, BLANK, "", row.unit, method, row.start + a, row.start + b)
                )
            elif raw in ("-", "—", "–", "/"):
                cells.append(
                    Cell("legacy", row.rid, col, None, DASH, raw, row.unit, method, row.start + a, row.start + b)
                )
            else:
                value = parse_number(raw.replace("．", "."))
                cells.append(
                    Cell(
                        "legacy",
                        row.rid,
                        col,
                        value[0] if value else None,
                        NUMBER if value else MISSING,
                        raw,
                        row.unit,
                        method,
                        row.start + a,
                        row.start + b,
                        note=row.note,
                    )
                )
    if not cells:
        return None
    reasons = ["local statistics table; rows kept under their own labels"]
    if any(r.note for r in rows):
        reasons.append("glued 本年度|历年累计 pairs split by the text's own figure or by sub-items adding up")
    return Table("legacy", GEN_PRE2019, UNCHECKED, reasons, cells, head_start, max(c.end or 0 for c in cells))

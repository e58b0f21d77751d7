"""Read the standard tables (T2, T3, T4) out of report text, row by row.

Rows are found by their label anchors in order (never by counting numbers from the top of a
section, which a stray "1." or page footer would shift), and each row takes the number tokens
between its label and the next anchor. This covers one-value-per-line text, space-separated
rows with dropped cells and glued digit runs alike; :mod:`ingest.placement` then decides where
each token belongs, using the checking relations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import REPAIRED, VERIFIED, Section, Table
from ingest.normalize import compact, parse_number
from ingest.placement import RowRead, Token, solve_table
from ingest.schema import (
    GEN_2019,
    GEN_2021,
    T2_ROWS,
    T3_COLUMNS,
    T3_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    t2_columns,
    t3_rows,
)

_ORDINAL = r"(?:\d\.|\([一二三四五六七八九十]\)|[一二三四五六七八九十]、)?"  # one digit: "0 1\n2." compacts to "012."
# A chunk: digits with the signs and decimal points glued between them ("88-720", "191690.9913"),
# and the unit a cell may carry; a lone dash between spaces is a null marker.
_TOKEN = re.compile(
    r"(?<![\d.])([-−]?\d[\d.\-−]*?)(?:(万元|元|个|项|件|条)|(?=[^\d.\-−]|$|[-−](?!\d)))"
    r"|(?:(?<=\s)|^)([-—–/－])(?=\s|$)"
)
# Prose that a flattened page runs on with after a table's last cell: a year, or a sentence end.
_PROSE = re.compile(r"(?:19|20)\d{2}\s*年|。")


_NULL_CELL = {"-", "—", "–", "/", "－", "——", "无", "N/A", "n/a", "/ "}


def field_tokens(text: str, start: int, end: int, after_label: bool) -> list[Token]:
    """Cells of a tab-separated row (a real grid from HTML, Word or PDF): blanks keep their place.

    After a row label the first field is the rest of the label's own cell, and text fields
    before the first value are further label cells; both are skipped.
    """
    fields: list[tuple[str, int, int]] = []
    pos = start
    for part in text[start:end].split("\t"):
        fields.append((part, pos, pos + len(part)))
        pos += len(part) + 1
    if after_label:
        fields = fields[1:]
    tokens: list[Token] = []
    for raw, a, b in fields:
        value = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        a, b = a + lead, a + lead + len(value)
        if not value:
            tokens.append(Token("", None, None, "blank", a, b))
        elif value in _NULL_CELL:
            tokens.append(Token(value, None, None, "dash", a, b))
        elif (parsed := parse_number(value.replace(" ", ""))) is not None:
            tokens.append(Token(value, parsed[0], parsed[1], "number", a, b))
        elif not tokens or all(t.kind == "blank" for t in tokens):
            tokens = []  # label text in a cell of its own: what came before was not a value
        else:
            tokens.append(Token(value, None, None, "text", a, b))
    return tokens


def tokenize(text: str, start: int, end: int) -> list[Token]:
    """Number chunks and null markers of ``text[start:end]`` with their offsets, up to the prose a
    flattened page may run on with ("…继续办理20000022025年，…" ends the row at "2025年")."""
    prose = _PROSE.search(text, start, end)
    stop = prose.start() if prose else end
    tokens: list[Token] = []
    for m in _TOKEN.finditer(text, start, stop):
        if m.group(3):
            tokens.append(Token(m.group(3), None, None, "dash", m.start(), m.end()))
            continue
        raw = m.group(1).rstrip(".-−")
        if not raw:
            continue
        parsed = parse_number(raw)
        tokens.append(
            Token(
                raw,
                parsed[0] if parsed else None,
                m.group(2),
                "number",
                m.start(1),
                m.end() if m.group(2) else m.start(1) + len(raw),
            )
        )
    return tokens


@dataclass
class Anchor:
    row_id: str
    pattern: str
    cells: int
    columns: list[str]


def _find_anchors(text: str, start: int, end: int, anchors: list[Anchor]) -> list[tuple[Anchor, int, int]]:
    """Match anchors in order; returns (anchor, label start, label end) in source offsets."""
    comp = compact(text[start:end])
    found: list[tuple[Anchor, int, int]] = []
    pos = 0
    compiled = [re.compile(_ORDINAL + a.pattern) for a in anchors]
    for i, (anchor, rx) in enumerate(zip(anchors, compiled, strict=False)):
        m = rx.search(comp.text, pos)
        if not m:
            continue
        # a label found only after the labels that follow it is not this row (a row the source
        # omits: "规章" then matches a word of the prose after the table and would swallow the rest)
        later = [compiled[j].search(comp.text, pos) for j in range(i + 1, min(len(anchors), i + 4))]
        later = [x for x in later if x is not None]
        if later and min(x.start() for x in later) < m.start():
            continue
        found.append((anchor, start + comp.start(m.start()), start + comp.end(m.end())))
        pos = m.end()
    return found


def read_rows(text: str, start: int, end: int, anchors: list[Anchor]) -> tuple[list[RowRead], list[str]]:
    """Rows in anchor order, each with the tokens up to the next anchor; plus problems seen."""
    found = _find_anchors(text, start, end, anchors)
    rows: list[RowRead] = []
    problems: list[str] = []
    seen = {a.row_id for a, _, _ in found}
    for a in anchors:
        if a.cells and a.row_id not in seen:
            problems.append(f"row {a.row_id} not found")
    for i, (anchor, lstart, lend) in enumerate(found):
        gap_end = found[i + 1][1] if i + 1 < len(found) else end
        line_end = text.find("\n", lend)
        line_end = end if line_end == -1 else min(line_end, end, gap_end)
        if "\t" in text[lend:line_end]:  # a grid row: its cells are the tab-separated fields of its line
            tokens = field_tokens(text, lend, line_end, after_label=True)
            while len(tokens) > anchor.cells and tokens[-1].kind == "blank":
                tokens.pop()  # an empty trailing cell beyond the table's columns
            gap_end = line_end
        else:
            tokens = tokenize(text, lend, gap_end)
        if not anchor.cells:
            if tokens:
                problems.append(f"numbers after group label {anchor.row_id}: {' '.join(t.raw for t in tokens)}")
            continue
        rows.append(RowRead(anchor.row_id, anchor.columns, tokens, lstart, gap_end))
    return rows, problems


def _region(sections: list[Section], sid: str, text: str) -> tuple[int, int] | None:
    for s in sections:
        if s.level == 1 and s.sid == sid:
            return s.start, s.end
    return None


def _t3_row_specs(generation: str, single_other: bool) -> list:
    """T3 rows of a generation; ``single_other``: a 2021 report printing （六）其他处理 as one row."""
    rows = t3_rows(generation)
    if generation == GEN_2021 and single_other:
        rows = [r for r in rows if not r.id.startswith("t3.other")]
        at = next(i for i, r in enumerate(rows) if r.id == "t3.total_processed")
        rows.insert(at, next(r for r in t3_rows(GEN_2019) if r.id == "t3.other"))
    return rows


def _line_runs(text: str, start: int, end: int, n: int) -> list[list[Token]]:
    """Runs of exactly ``n`` space-separated numbers within one line, in order: a PDF's table rows,
    whose numbers may stand before, after or between the lines of a wrapped label."""
    runs = []
    pos = start
    for line in text[start:end].split("\n"):
        for m in _NUMBER_RUN.finditer(line):
            tokens = tokenize(text, pos + m.start(), pos + m.end())
            if len(tokens) == n:
                runs.append(tokens)
        pos += len(line) + 1
    return runs


def _usable(table: Table) -> bool:
    return table.status in (VERIFIED, REPAIRED)


def read_t3(text: str, sections: list[Section], generation: str) -> Table | None:
    """T3 by label anchors; then, if that does not check, two other readings of the same text.

    - A 2021 report may print （六）其他处理 as one row without its three sub-items.
    - A PDF's wrapped labels interleave with the numbers ("0 0 0 0 0 0 0" above "1.属于国家秘密",
      a vertical "三、本年度办理结果" cutting through labels); its rows are still the runs of seven
      numbers in order, which are taken when there are exactly as many as rows and the checking
      relations hold.
    """
    region = _region(sections, "s3", text) or (0, len(text))
    cols = [c for c, _ in T3_COLUMNS]
    readings: list[Table] = []
    for single_other in (False, True) if generation == GEN_2021 else (False,):
        specs = _t3_row_specs(generation, single_other)
        anchors = [Anchor(r.id, r.key, r.cells, cols if r.cells else []) for r in specs]
        rows, problems = read_rows(text, *region, anchors)
        if not rows:
            continue
        table = solve_table("t3", GEN_2019 if single_other else generation, rows, problems, region)
        table.generation = generation
        if single_other:
            table.reasons.insert(0, "（六）其他处理 printed as one row, without its sub-items")
        readings.append(table)
        if _usable(table):
            return table
        data_rows = [r for r in specs if r.cells]
        runs = _line_runs(text, *region, len(cols))
        if len(runs) == len(data_rows):
            ordered = [
                RowRead(r.id, cols, toks, toks[0].start, toks[-1].end) for r, toks in zip(data_rows, runs, strict=True)
            ]
            table = solve_table("t3", GEN_2019 if single_other else generation, ordered, [], region)
            table.generation = generation
            if _usable(table):
                table.reasons.insert(0, "rows taken in order from the runs of seven numbers (labels interleaved)")
                if single_other:
                    table.reasons.insert(0, "（六）其他处理 printed as one row, without its sub-items")
                return table
    return readings[0] if readings else None


_NUMERIC_LINE = re.compile(r"^[\s\d.\-—–/－无]+$")
_NUMBER_RUN = re.compile(
    r"(?:(?<=\s)|(?<=^)|(?<=[^\d.\-−]))(?:[-−]?\d[\d.]*|[-—–/－])(?:\s+(?:[-−]?\d[\d.]*|[-—–/－]))*"
)
_T4_HEADER_END = re.compile(r"总计|尚未审结|其他结果|结果纠正|结果维持|复议后起诉")


def read_t4(text: str, sections: list[Section], generation: str) -> Table | None:
    """T4 is one row of 15 numbers under a two-level header that PDFs scramble beyond matching.

    A real grid (tab-separated lines) gives its numeric lines. Otherwise the numbers are the
    longest run of whitespace-separated number chunks after the header — wherever the line
    breaks fall: one value per line, one line for the row, or the whole page on one line.
    """
    region = _region(sections, "s4", text)
    if region is None:
        return None
    start, end = region
    lines = text[start:end].splitlines(keepends=True)
    if any("\t" in line and line.strip() and _NUMERIC_LINE.match(line) for line in lines):
        tokens: list[Token] = []
        pos = start
        for line in lines:
            if line.strip() and _NUMERIC_LINE.match(line):
                tokens.extend(field_tokens(text, pos, pos + len(line.rstrip("\n")), after_label=False))
            pos += len(line)
    else:
        headers = list(_T4_HEADER_END.finditer(text, start, end))
        from_pos = headers[-1].end() if headers else start
        runs = [m for m in _NUMBER_RUN.finditer(text, from_pos, end)]
        if not runs:
            return None
        best = max(runs, key=lambda m: (sum(ch.isdigit() for ch in m.group(0)), -m.start()))
        tokens = tokenize(text, best.start(), best.end())
    if not tokens:
        return None
    columns = [f"{b}:{c}" for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS]
    row = RowRead("t4", columns, tokens, tokens[0].start, tokens[-1].end)
    return solve_table("t4", generation, [row], [], region)


def read_t2(text: str, sections: list[Section], generation: str) -> Table | None:
    region = _region(sections, "s2", text)
    if region is None:
        return None
    anchors = []
    for r in T2_ROWS:
        if generation not in r.generations:
            continue
        cols = [c for c, _ in t2_columns(generation, r.kind)] if r.kind != "caption" else []
        anchors.append(Anchor(r.id, r.key, len(cols), cols))
    # the table starts at its first caption: the section's prose before it names 规范性文件 and 行政许可 too
    comp = compact(text[region[0] : region[1]])
    first = re.search(r"第二十条第\([一五六八九]\)项", comp.text)
    start = region[0] + comp.start(first.start()) if first else region[0]
    rows, problems = read_rows(text, start, region[1], anchors)
    if not rows:
        return None
    return solve_table("t2", generation, rows, problems, region)


_LEGACY_HEAD = re.compile(r"指标名称|本年度.{0,6}历年累计|本年.{0,4}累计")
_LEGACY_HEAD_END = re.compile(r"历年累计|累计|年末统计|本年度|(?:19|20)\d{2}年度?|年度|单位")
_LEGACY_UNITS = r"万元|元|条|件|个|人次|人|次|项|份|期|场|篇|页"
_LEGACY_VALUE = r"(?:-?\d[\d.,．]*|[-—–/])"
_LEGACY_ROW = re.compile(
    r"(?P<label>(?:其中[:：]?\s*)?(?:\d{1,2}\s*[.、．]\s*)?[^\d\n\t。]*?[\u4e00-\u9fff）)][^\d\n\t。]*?)[ \t]*(?P<unit>"
    + _LEGACY_UNITS
    + r")?[ \t]*"
    r"(?P<vals>" + _LEGACY_VALUE + r"(?:[ \t]+" + _LEGACY_VALUE + r")*)"
)
_LEGACY_NUMBERING = re.compile(
    r"^(?:其中[:：]?\s*)?(?:[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[.、．])\s*"
)
_LEGACY_GAP_MAX = 24  # a group label without values ("一、主动公开情况") may stand between two rows; prose may not


def _legacy_values(vals: str, columns: int) -> list[list[tuple[str, int, int]]]:
    """Readings of a row's value text as ``columns`` cells: (raw, start, end) per cell, offsets in ``vals``.

    Space-separated values are read as printed; a glued run ("475582") is split every way that
    has no leading zeros, since the 本年度 and 历年累计 columns were flattened together."""
    chunks = [(m.group(0), m.start(), m.end()) for m in re.finditer(r"\S+", vals)]
    if len(chunks) == columns:
        return [chunks]
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


def read_legacy(text: str, stated: frozenset[Decimal] = frozenset()) -> Table | None:
    """A pre-2019 "政府信息公开情况统计表": rows by label, stored as ``legacy.<label>`` (§7).

    Read from the character stream, so a table flattened onto one line ("主动公开文件数条475582其中：
    1.政府网站公开数条4755822.政府公报公开数条00…") reads like one with a line per row: each row is a
    label, a unit and its values; the digit before a "." that starts the next label is that label's
    ordinal, not a value. A glued 本年度|历年累计 pair is split where something decides it — the
    report's own sentence for the year's proactive figure (``stated``: "主动公开政府信息475条"), or
    sub-items adding up to their parent — and otherwise keeps every split as candidates.
    """
    from ingest.model import AMBIGUOUS, BLANK, DASH, NUMBER, UNCHECKED, Cell

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
        if len(gap.strip()) > _LEGACY_GAP_MAX or re.search(r"[。，,；;]", gap):
            break
        vals, v0 = m.group("vals"), m.start("vals")
        nxt = text[m.end() : m.end() + 1]
        if re.fullmatch(r"\d{1,2}", vals) and nxt in ".、．":  # "其中：1、网站公开": an ordinal, not a value
            pending, pos = int(vals), m.end() + 1
            continue
        if nxt == "年":
            break  # "…局 2017年1月11日": the signature's date, the table is over
        carried = pending
        pending = None
        before_label = re.match(r"\s*[\u4e00-\u9fff]", text[m.end() : m.end() + 4])
        spaced = re.search(r"(?:^|\s)(\d{1,2})[.．、]$", vals)
        if spaced and before_label:  # "0 4. 网上申请数": "4." numbers the next row
            pending, vals = int(spaced.group(1)), vals[: spaced.start()]
        elif nxt in "、.．" and (last := re.search(r"\s(\d{1,2})$", vals)):  # "23 56 2、政府公报…"
            pending, vals = int(last.group(1)), vals[: last.start()]
        elif re.search(r"\d[.．、]$", vals) and before_label:
            pending = int(vals[-2])  # "…4755822." + "政府公报…": the 2 is the next row's ordinal
            vals = vals[:-2]
        vals = vals.rstrip(".．")
        pos = v0 + len(vals)
        label_c = compact(m.group("label")).text.strip()
        found = _ORDINAL_PREFIX.match(label_c)
        ordinal = int(found.group(1)) if found else carried
        label = _LEGACY_NUMBERING.sub("", label_c).strip().lstrip("、.:：")
        if not label or len(label) > 40 or not vals:
            continue
        rid = f"legacy.{label}"
        if rid in seen:
            continue
        seen.add(rid)
        readings = _legacy_values(vals, columns)
        row = _LegacyRow(rid, m.group("unit"), vals, v0, readings, ordinal)
        if len(readings) > 1 and "主动公开" in label and stated:
            by_text = [r for r in readings if r[0][0].isdigit() and Decimal(r[0][0]) in stated]
            if len(by_text) == 1:
                row.readings, row.note = by_text, "split chosen by the report's own sentence (主动公开…条)"
        rows.append(row)
    if columns == 2:
        _settle_by_children(rows, columns)
    cells: list[Cell] = []
    for row in rows:
        end = row.start + len(row.vals)
        for ci, col in enumerate(("this_year", "cumulative")[:columns]):
            options = {r[ci][0] for r in row.readings}
            if not row.readings:
                cells.append(
                    Cell("legacy", row.rid, col, None, "missing", row.vals, row.unit, "text_row", row.start, end)
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
            method = "segmented" if len(row.readings[0]) > len(row.vals.split()) else "text_row"
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
                        NUMBER if value else "missing",
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
    return Table("legacy", "pre-2019", UNCHECKED, reasons, cells, head_start, max(c.end or 0 for c in cells))


_ROW_QUOTE_MAX = 240  # a line longer than this is a flattened page: quote the row, not the line


def row_quote(text: str, row_id: str, start: int | None, end: int | None) -> str:
    """The printed row a cell stands in, for a citation: its line when lines are rows, else (a
    flattened page) from the row's label to the end of its numbers — never the whole page."""
    if start is None:
        return ""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end or start)
    b = len(text) if b == -1 else b
    if b - a <= _ROW_QUOTE_MAX:
        return " ".join(text[a:b].replace("\f", "").split())
    runs = _NUMBER_RUN.finditer(text, max(a, start - 80), min(b, (end or start) + 80))
    run = next((m for m in runs if m.start() <= start < m.end()), None)
    run_start, run_end = (run.start(), run.end()) if run else (start, end or start)
    tail = text[run_start:run_end]
    if re.search(r"\d\.$", tail):  # "…2600000 262." ends with the next row's ordinal
        run_end -= 2
    elif text.startswith("年", run_end) and re.search(r"\d(?:19|20)\d\d$", tail):  # "…20000022025年"
        run_end -= 4
    key = next((r.key for r in (*T3_ROWS, *T2_ROWS) if r.id == row_id), None)
    label_start = run_start
    if key:
        window_start = max(a, run_start - 120)
        comp = compact(text[window_start:run_start])
        found = list(re.finditer(_ORDINAL + key, comp.text))
        if found:
            label_start = window_start + comp.start(found[-1].start())
    return " ".join(text[label_start:run_end].split())


def read_tables(
    text: str, sections: list[Section], generation: str, stated: frozenset[Decimal] = frozenset()
) -> list[Table]:
    """The standard tables of a 2019/2021-format report; a pre-2019 report's local statistics table (§7),
    where ``stated`` are the year's proactive-disclosure figures the text gives (to split glued pairs)."""
    if generation not in ("2019", "2021"):
        legacy = read_legacy(text, stated)
        return [legacy] if legacy else []
    tables = []
    for reader in (read_t2, read_t3, read_t4):
        table = reader(text, sections, generation)
        if table is not None:
            tables.append(table)
    return tables

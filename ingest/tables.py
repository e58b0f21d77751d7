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

from ingest.budget import check
from ingest.legacy import read_legacy
from ingest.model import REPAIRED, VERIFIED, Section, Table
from ingest.normalize import compact, parse_number
from ingest.placement import Model, RowRead, Token, choose_model, solve_table
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
        glue = _glue(text, tokens[-1], m.start(1)) if tokens and tokens[-1].kind in ("number", "dash") else None
        end_ = m.end() if m.group(2) else m.start(1) + len(raw)
        if glue == "." and tokens[-1].kind == "number":
            # a decimal point on a line of its own ("851⏎.⏎776247"): one number, whatever the page did
            prev = tokens.pop()
            raw, start_, glue = prev.raw + "." + raw, prev.start, prev.joins_previous
        else:
            start_ = m.start(1)
        parsed = parse_number(raw)
        tokens.append(Token(raw, parsed[0] if parsed else None, m.group(2), "number", start_, end_, glue))
    return tokens


_POINT_GAP = re.compile(r"\s*\.\s*")


def _glue(text: str, previous: Token, start: int) -> str | None:
    """How a chunk could continue the one before it, were they one number the page broke: only
    whitespace between them (joined as they are) or a decimal point alone between line breaks."""
    if previous.unit:
        return None
    gap = text[previous.end : start]
    if previous.kind == "dash":  # a sign the page set apart from its figure ("-⏎15", 本年增/减)
        return "" if previous.raw in ("-", "－", "−") and not gap.strip() else None
    if not gap.strip():
        return ""
    return "." if _POINT_GAP.fullmatch(gap) and "." not in previous.raw else None


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


def read_t3(text: str, sections: list[Section], generation: str, model: Model = Model.STANDARD) -> Table | None:
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
        table = solve_table("t3", GEN_2019 if single_other else generation, rows, problems, region, model)
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
            table = solve_table("t3", GEN_2019 if single_other else generation, ordered, [], region, model)
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


def t4_row(text: str, sections: list[Section]) -> tuple[RowRead, tuple[int, int]] | None:
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
    return RowRead("t4", columns, tokens, tokens[0].start, tokens[-1].end), region


def read_t4(text: str, sections: list[Section], generation: str, model: Model = Model.STANDARD) -> Table | None:
    found = t4_row(text, sections)
    if found is None:
        return None
    row, region = found
    return solve_table("t4", generation, [row], [], region, model)


def read_t2(text: str, sections: list[Section], generation: str, model: Model = Model.STANDARD) -> Table | None:
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
    return solve_table("t2", generation, rows, problems, region, model)


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
    model = source_model(text, sections, generation)
    tables = []
    for reader in (read_t2, read_t3, read_t4):
        check()
        table = reader(text, sections, generation, model)
        if table is not None:
            tables.append(table)
    return tables


def source_model(text: str, sections: list[Section], generation: str) -> Model:
    """How this report's copy lost its cell boundaries, judged on its T3 and T4 rows together (the
    form is the copy's, not a table's): see :func:`ingest.placement.choose_model`."""
    region = _region(sections, "s3", text) or (0, len(text))
    cols = [c for c, _ in T3_COLUMNS]
    anchors = [Anchor(r.id, r.key, r.cells, cols if r.cells else []) for r in _t3_row_specs(generation, False)]
    rows, _ = read_rows(text, *region, anchors)
    kinds = ["t3"] * len(rows)
    t4 = t4_row(text, sections)
    if t4 is not None:
        rows.append(t4[0])
        kinds.append("t4")
    return choose_model(rows, tuple(kinds))

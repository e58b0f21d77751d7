"""A draft report checked before it is published: what a reviewer or a third-party assessment would mark down.

The staff who write a report get what gongkai knows of every report it reads (the checking relations of
§9, the national format of 国办公开办函〔2019〕60号 and 〔2021〕30号, text-vs-table disagreements), as a
list of :class:`Problem`: where (section, table, row, column), what is wrong, what would make it right.
Pure: a :class:`~ingest.model.ParsedReport` in, problems out; nothing is stored. Comparing the draft
with the same office's previous report needs the collection, so it is one floor up
(:mod:`assistant.selfcheck`), which also reads the files.

Severity: relations 1–4 and a missing or old-format part are errors; the text against the table, the
statistics period, the URL and contact, a late date are warnings (§9's policy); a jump against last
year is a question (likely a typo, maybe true).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from ingest.model import BLANK, DASH, NUMBER, Cell, ParsedReport, Table
from ingest.normalize import compact_str, format_value
from ingest.schema import (
    GEN_2019,
    GEN_2021,
    GEN_PRE2019,
    GENERATION_MARKERS,
    SECTIONS,
    T3_COLUMNS,
    T3_OUTCOME_ROWS,
    T4_BLOCKS,
    T4_COLUMNS,
    TABLE_TITLES,
    TABLE_TITLES_EN,
    row_label,
    t3_rows,
)

ZERO = Decimal(0)


class ProblemKind(StrEnum):
    """What is wrong: one value per kind of check, stable in the JSON."""

    RELATION = "relation"  # a checking relation (勾稽关系, §9 1–4) fails
    UNREAD_ROW = "unread_row"  # a row's numbers cannot be read as its cells so that they add up
    MISSING_TABLE = "missing_table"
    MISSING_ROW = "missing_row"
    MISSING_SECTION = "missing_section"
    ORDER = "order"  # sections or rows out of the national format's order
    OLD_FORMAT = "old_format"  # the 2019 trial format's words in a report of 2021 or later
    PERIOD = "period"  # the statistics period not stated, or not the whole year
    URL = "url"  # no address where the report can be read
    CONTACT = "contact"  # no contact for questions about the report
    TEXT_TABLE = "text_table"  # a figure in the text disagrees with the table (§9 6)
    LATE = "late"  # dated after 31 January of the following year
    JUMP = "jump"  # ×10 or more against the office's previous report, or from 0 to many
    CARRY = "carry"  # 上年结转 ≠ last year's 结转下年度 (§9 5)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    QUESTION = "question"


SEVERITY = {
    ProblemKind.RELATION: Severity.ERROR,
    ProblemKind.UNREAD_ROW: Severity.ERROR,
    ProblemKind.MISSING_TABLE: Severity.ERROR,
    ProblemKind.MISSING_ROW: Severity.ERROR,
    ProblemKind.MISSING_SECTION: Severity.ERROR,
    ProblemKind.OLD_FORMAT: Severity.ERROR,
    ProblemKind.ORDER: Severity.WARNING,
    ProblemKind.PERIOD: Severity.WARNING,
    ProblemKind.URL: Severity.WARNING,
    ProblemKind.CONTACT: Severity.WARNING,
    ProblemKind.TEXT_TABLE: Severity.WARNING,
    ProblemKind.LATE: Severity.WARNING,
    ProblemKind.CARRY: Severity.WARNING,
    ProblemKind.JUMP: Severity.QUESTION,
}


@dataclass
class Problem:
    """One thing to fix (or to confirm, for a question), in the reader's language."""

    kind: ProblemKind
    where: str
    message: str
    expected: str = ""
    found: str = ""
    severity: Severity = Severity.ERROR

    def as_json(self) -> dict[str, str]:
        return {
            "kind": str(self.kind),
            "severity": str(self.severity),
            "where": self.where,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
        }


def problem(kind: ProblemKind, lang: str, where: tuple[str, str], message: tuple[str, str], expected="", found=""):
    """A problem with its words chosen from the (zh, en) pairs the checks write side by side."""
    en = lang == "en"
    return Problem(kind, where[en], message[en], str(expected), str(found), SEVERITY[kind])


def table_name(table: str, lang: str) -> str:
    return (TABLE_TITLES_EN if lang == "en" else TABLE_TITLES).get(table, table)


def cell_where(table: str, row_id: str, col_label: str, generation: str, lang: str) -> str:
    """ "表三 收到和处理… · 一、本年新收… · 总计": the table, the printed row label, the column."""
    parts = [table_name(table, lang), row_label(row_id, generation)]
    if col_label:
        parts.append(col_label)
    return " · ".join(parts)


def _n(value: Decimal) -> str:
    return format_value(value)


# ---------------------------------------------------------------------------
# Relations 1–4, from the cells as read (blanks as 0, §9)
# ---------------------------------------------------------------------------


def _vectors(table: Table, rows: list[str], columns: list[str]) -> dict[str, list[Decimal]]:
    """Rows whose every cell is known (a number, a blank, a dash), as values with blanks as 0."""
    by_id: dict[str, Cell] = {c.id: c for c in table.cells if c.method != "derived"}
    out = {}
    for rid in rows:
        cells = [by_id.get(f"{rid}:{col}") for col in columns]
        if all(c is not None and c.status in (NUMBER, BLANK, DASH) for c in cells):
            out[rid] = [c.value if c.value is not None else ZERO for c in cells]  # type: ignore[union-attr]
    return out


def _t3_row_sums(vectors: dict[str, list[Decimal]], gen: str, lang: str) -> list[Problem]:
    out = []
    for rid, v in vectors.items():
        parts = sum(v[:6], ZERO)
        if parts != v[6]:
            out.append(
                problem(
                    ProblemKind.RELATION,
                    lang,
                    (cell_where("t3", rid, "总计", gen, "zh"), cell_where("t3", rid, "总计", gen, "en")),
                    (
                        f"{row_label(rid, gen)} 总计 = {_n(v[6])}，但自然人与法人或其他组织各列之和为 {_n(parts)}",
                        f"{row_label(rid, gen)}: 总计 (total) is {_n(v[6])}, but its six columns add up to {_n(parts)}",
                    ),
                    _n(parts),
                    _n(v[6]),
                )
            )
    return out


def _t3_column_relations(vectors: dict[str, list[Decimal]], gen: str, lang: str) -> list[Problem]:
    out = []
    need = ("t3.new_received", "t3.carried_over", "t3.total_processed", "t3.carried_forward")
    outcomes = T3_OUTCOME_ROWS.get(gen, [])
    for c, (_, col) in enumerate(T3_COLUMNS):
        if all(r in vectors for r in need):
            left = vectors[need[0]][c] + vectors[need[1]][c]
            right = vectors[need[2]][c] + vectors[need[3]][c]
            if left != right:
                out.append(
                    problem(
                        ProblemKind.RELATION,
                        lang,
                        (f"{table_name('t3', 'zh')} · {col}列", f"{table_name('t3', 'en')} · column {col}"),
                        (
                            f"{col}列：一 + 二 = {_n(left)}，但（七）总计 + 四 = {_n(right)}（第一项加第二项之和应等于第三项加第四项之和）",
                            f"column {col}: 一 + 二 = {_n(left)}, but （七）总计 + 四 = {_n(right)} (rows 1 + 2 must equal rows 3 + 4)",
                        ),
                        _n(left),
                        _n(right),
                    )
                )
        if "t3.total_processed" in vectors and outcomes and all(r in vectors for r in outcomes):
            total = vectors["t3.total_processed"][c]
            parts = sum((vectors[r][c] for r in outcomes), ZERO)
            if total != parts:
                out.append(
                    problem(
                        ProblemKind.RELATION,
                        lang,
                        (
                            cell_where("t3", "t3.total_processed", col, gen, "zh"),
                            cell_where("t3", "t3.total_processed", col, gen, "en"),
                        ),
                        (
                            f"三、本年度办理结果 {col}：（七）总计 = {_n(total)}，但（一）至（六）各项之和为 {_n(parts)}",
                            f"三、本年度办理结果, column {col}: （七）总计 is {_n(total)}, but items （一）–（六） add up to {_n(parts)}",
                        ),
                        _n(parts),
                        _n(total),
                    )
                )
    return out


def _t4_blocks(table: Table, lang: str) -> list[Problem]:
    cols = [c for c, _ in T4_COLUMNS]
    vectors = _vectors(table, [r for r, _ in T4_BLOCKS], cols)
    out = []
    for rid, label in T4_BLOCKS:
        v = vectors.get(rid)
        if v is None:
            continue
        parts = sum(v[:4], ZERO)
        if parts != v[4]:
            out.append(
                problem(
                    ProblemKind.RELATION,
                    lang,
                    (f"{table_name('t4', 'zh')} · {label} · 总计", f"{table_name('t4', 'en')} · {label} · 总计"),
                    (
                        f"{label} 总计 = {_n(v[4])}，但结果维持、结果纠正、其他结果、尚未审结之和为 {_n(parts)}",
                        f"{label}: 总计 (total) is {_n(v[4])}, but upheld + corrected + other + pending add up to {_n(parts)}",
                    ),
                    _n(parts),
                    _n(v[4]),
                )
            )
    return out


def relations(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """Relations 1–4 of §9 on every standard table, with the numbers."""
    out: list[Problem] = []
    for t in report.tables:
        if t.table == "t3" and t.generation in (GEN_2019, GEN_2021):
            rows = [r.id for r in t3_rows(t.generation) if r.is_data]
            vectors = _vectors(t, rows, [c for c, _ in T3_COLUMNS])
            out += _t3_row_sums(vectors, t.generation, lang)
            out += _t3_column_relations(vectors, t.generation, lang)
        elif t.table == "t4":
            out += _t4_blocks(t, lang)
    return out


# ---------------------------------------------------------------------------
# What the reader could not settle: rows whose numbers do not fit, rows not found
# ---------------------------------------------------------------------------

_UNREAD = re.compile(r"^(t[234](?:\.[\w.]+)?): (?:no (?:reading|split)|\d+ numbers for|too many ways)")
_NUMBERS = re.compile(r"'([^']*)'")
_NOT_FOUND = re.compile(r"^row (t[234]\.[\w.]+) not found")


def _label(row_id: str, generation: str) -> str:
    if row_id == "t4":
        return "行政复议、行政诉讼"
    try:
        return row_label(row_id, generation)
    except KeyError:
        return row_id


def unread_rows(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """A row whose printed numbers cannot be the row's cells adding up (a digit lost, a cell too many),
    and a row of the national format the table does not have."""
    out = []
    for t in report.tables:
        if t.table not in ("t2", "t3", "t4"):
            continue
        for reason in t.reasons:
            if m := _UNREAD.match(reason):
                label = _label(m.group(1), t.generation)
                printed = _NUMBERS.search(reason)
                found = printed.group(1) if printed else ""
                out.append(
                    problem(
                        ProblemKind.UNREAD_ROW,
                        lang,
                        (f"{table_name(t.table, 'zh')} · {label}", f"{table_name(t.table, 'en')} · {label}"),
                        (
                            f"{label} 的数字（{found}）无法对应到各列并满足勾稽关系：请逐格填写（空格填 0），并核对合计",
                            f"{label}: its numbers ({found}) cannot be read as its cells adding up: fill every cell "
                            "(0 for none) and check the totals",
                        ),
                        "",
                        found,
                    )
                )
            elif m := _NOT_FOUND.match(reason):
                out.append(missing_row(t.table, m.group(1), t.generation, lang))
    return out


def missing_row(table: str, row_id: str, generation: str, lang: str) -> Problem:
    """A row of the format not in the table. In 表二 a warning: it has no relation a missing row breaks,
    and a department that cannot make 规章 often leaves that row out (the format keeps it: fill 0)."""
    label = _label(row_id, generation)
    basis = "国办公开办函〔2021〕30号" if generation == GEN_2021 else "国办公开办函〔2019〕60号"
    found = problem(
        ProblemKind.MISSING_ROW,
        lang,
        (f"{table_name(table, 'zh')} · {label}", f"{table_name(table, 'en')} · {label}"),
        (
            f"缺少“{label}”行（{basis}规定的格式）",
            f"the row “{label}” is missing (the format of {basis})",
        ),
        label,
        "",
    )
    if table == "t2":
        found.severity = Severity.WARNING
    return found


# ---------------------------------------------------------------------------
# The national format: tables, sections, their order, the old format after 2021
# ---------------------------------------------------------------------------


def _expected_generation(year: int | None) -> str:
    if year is None or year < 2019:
        return GEN_PRE2019
    return GEN_2021 if year >= 2021 else GEN_2019


def structure(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """Missing tables and sections, sections out of order, the 2019 trial format in a 2021+ report."""
    expected = _expected_generation(report.meta.report_year)
    if expected == GEN_PRE2019:
        return []  # before 2019 no national format: nothing to hold the report to
    out = _old_format(report, lang) if expected == GEN_2021 else []
    held = {t.table for t in report.tables}
    for t in ("t2", "t3", "t4"):
        if t not in held:
            out.append(
                problem(
                    ProblemKind.MISSING_TABLE,
                    lang,
                    (table_name(t, "zh"), table_name(t, "en")),
                    (f"未找到{table_name(t, 'zh')}", f"{table_name(t, 'en')} not found"),
                    table_name(t, "zh"),
                    "",
                )
            )
    return out + _sections(report, lang)


_ONE_ROW = "（六）其他处理 printed as one row"  # the table reader's reason: a 2019-format （六）


def _old_format(report: ParsedReport, lang: str) -> list[Problem]:
    """The 2019 trial format's words, and its one-row （六）其他处理 (30号 splits it into three sub-items)."""
    year = report.meta.report_year
    out = []
    t3 = next((t for t in report.tables if t.table == "t3"), None)
    if t3 is not None and any(r.startswith(_ONE_ROW) for r in t3.reasons):
        label = "（六）其他处理"
        out.append(
            problem(
                ProblemKind.OLD_FORMAT,
                lang,
                (f"{table_name('t3', 'zh')} · {label}", f"{table_name('t3', 'en')} · {label}"),
                (
                    f"{year}年度报告的“{label}”应按国办公开办函〔2021〕30号格式分为三项（逾期不补正、逾期未缴费、其他），"
                    "此表仍为2019年试行格式的一行",
                    f"in a {year} report “{label}” has three sub-items (国办公开办函〔2021〕30号); this table prints the "
                    "2019 trial format's single row",
                ),
                "1.申请人无正当理由逾期不补正… / 2.申请人逾期未按收费通知… / 3.其他",
                label,
            )
        )
    text = compact_str(report.text)
    found = [m for m in GENERATION_MARKERS[GEN_2019] if m in text]
    if not found:
        return out
    return out + [
        problem(
            ProblemKind.OLD_FORMAT,
            lang,
            (table_name("t2", "zh"), table_name("t2", "en")),
            (
                f"{year}年度报告应使用国办公开办函〔2021〕30号格式，但使用了2019年试行格式的“{'”“'.join(found)}”",
                f"a {year} report must use the format of 国办公开办函〔2021〕30号, but this one uses the 2019 trial "
                f"format's “{'”, “'.join(found)}”",
            ),
            "本年制发件数 / 本年废止件数 / 现行有效件数 …",
            "、".join(found),
        )
    ]


# a part's heading as drafts write it: its ordinal, then one of these words soon after (the section
# splitter's standard titles miss variants such as "六、需要说明的其他事项与附表")
_PART_WORDS = {
    "s1": ("总体情况", "概况", "概述", "基本情况"),
    "s2": ("主动公开",),
    "s3": ("依申请", "收到和处理", "申请"),
    "s4": ("行政复议", "行政诉讼"),
    "s5": ("问题", "改进", "整改"),
    "s6": ("其他", "其它", "需要说明", "需要报告"),
}


def _part_at(compact: str, sid: str) -> int | None:
    """Where the part's heading is in the compact text: its ordinal with one of its words soon after."""
    ordinal = "一二三四五六"[int(sid[1]) - 1]
    for m in re.finditer(ordinal + "、", compact):
        if any(w in compact[m.end() : m.end() + 16] for w in _PART_WORDS[sid]):
            return m.start()
    return None


def _sections(report: ParsedReport, lang: str) -> list[Problem]:
    seen = [s.sid for s in report.sections if s.level == 1 and s.sid]
    compact = compact_str(report.text)
    at = {sid: _part_at(compact, sid) for sid in SECTIONS}
    out = []
    for sid, title in SECTIONS.items():
        if sid not in seen and at[sid] is None:
            out.append(
                problem(
                    ProblemKind.MISSING_SECTION,
                    lang,
                    (title, title),
                    (f"缺少“{title}”部分（《条例》第五十条）", f"the part “{title}” is missing (Art. 50 of the 条例)"),
                    title,
                    "",
                )
            )
    # the order of the headings as written (the section splitter keeps the longest chain in order only)
    firsts = [sid for sid, _ in sorted(((sid, p) for sid, p in at.items() if p is not None), key=lambda x: x[1])]
    if firsts != sorted(firsts):
        ordinal = {sid: "一二三四五六"[int(sid[1]) - 1] for sid in SECTIONS}
        out.append(
            problem(
                ProblemKind.ORDER,
                lang,
                ("一至六部分", "parts 一–六"),
                (
                    f"各部分顺序为{'、'.join(ordinal[x] for x in firsts)}，与统一格式的一至六不一致",
                    f"the parts come as {' '.join(ordinal[x] for x in firsts)}, not 一 to 六 as in the format",
                ),
                "、".join(ordinal[x] for x in sorted(firsts)),
                "、".join(ordinal[x] for x in firsts),
            )
        )
    return out + _row_order(report, lang)


def _row_order(report: ParsedReport, lang: str) -> list[Problem]:
    """表三's row labels in the order of the format, read as the table reads them: each label after the
    previous one. A row found only before its predecessor is out of order; an error, since a row moved
    is a row whose figures a reader (and the checking relations) take for another's."""
    t = next((t for t in report.tables if t.table == "t3" and t.generation in (GEN_2019, GEN_2021)), None)
    if t is None or t.start is None or t.end is None:
        return []
    region = compact_str(report.text[t.start : t.end])
    out = []
    rows = [r for r in t3_rows(t.generation) if r.is_data]
    if any(r.startswith(_ONE_ROW) for r in t.reasons):  # a one-row （六）: said as the old format, not as order
        rows = [r for r in rows if not r.id.startswith("t3.other.")]
    # where the rows begin (the first of the distinctive first labels): a label word met in the header (its
    # "其他" column) is no row
    starts = [m.start() for r in rows[:4] if (m := re.search(r.key, region))]
    first = min(starts, default=0)
    pos, previous = 0, None
    taken: list[tuple[int, int]] = []  # the labels read: "其他" inside "2.其他法律…" is that row's, not "3.其他"
    for spec in rows:
        key = re.compile(spec.key)
        found = key.search(region, pos)
        if found is not None:
            pos, previous = found.end(), spec
            taken.append(found.span())
            continue
        earlier = [m for m in key.finditer(region, first, pos) if not any(a <= m.start() < b for a, b in taken)]
        if previous is not None and earlier:
            label, before = _label(spec.id, t.generation), _label(previous.id, t.generation)
            moved = problem(
                ProblemKind.ORDER,
                lang,
                (cell_where("t3", spec.id, "", t.generation, "zh"), cell_where("t3", spec.id, "", t.generation, "en")),
                (
                    f"“{label}”行排在“{before}”之前，与统一格式的行序不符：请按格式顺序排列，否则各行数字会被读错",
                    f"the row “{label}” comes before “{before}”, against the format's order: put the rows in order, "
                    "else their figures are read as another row's",
                ),
                f"{before} → {label}",
                f"{label} → {before}",
            )
            moved.severity = Severity.ERROR
            out.append(moved)
    return out


# ---------------------------------------------------------------------------
# What the text must state; the text against the table; the date
# ---------------------------------------------------------------------------

_URL = re.compile(r"https?://|www\.|[a-z0-9-]+\.(?:gov|com|org|net)\.cn|\.gov\b|网址|网站[:：]", re.I)
_CONTACT = re.compile(r"电话|联系方式|联系人|邮箱|电子邮件|传真|邮编|\d{3,4}[-－—]\d{7,8}|1[3-9]\d{9}")


def statements(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """The statistics period, the report's address and a contact, each stated in the text (§2)."""
    m = report.meta
    out = []
    if m.report_year and m.report_year >= 2019:
        out += _period(report, lang)
        if not _URL.search(report.text):
            out.append(
                problem(
                    ProblemKind.URL,
                    lang,
                    (SECTIONS["s1"], SECTIONS["s1"]),
                    (
                        "未说明可查阅本报告的网址（如“本报告电子版可在××人民政府门户网站（www.…）查阅或下载”）",
                        "no address where the report can be read is given (“本报告电子版可在××门户网站（www.…）查阅”)",
                    ),
                    "网址",
                    "",
                )
            )
        if not _CONTACT.search(report.text):
            out.append(
                problem(
                    ProblemKind.CONTACT,
                    lang,
                    (SECTIONS["s1"], SECTIONS["s1"]),
                    (
                        "未说明对本报告有疑问时的联系方式（地址、电话等）",
                        "no contact (address, telephone) for questions about the report is given",
                    ),
                    "联系电话 / 地址",
                    "",
                )
            )
    return out


def _period(report: ParsedReport, lang: str) -> list[Problem]:
    m = report.meta
    year = m.report_year
    whole = (date(year, 1, 1), date(year, 12, 31)) if year else None
    if m.stat_start is None or m.stat_end is None:
        return [
            problem(
                ProblemKind.PERIOD,
                lang,
                (SECTIONS["s1"], SECTIONS["s1"]),
                (
                    f"未说明统计期限（如“本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止”）",
                    f"the statistics period is not stated (“统计期限自{year}年1月1日起至{year}年12月31日止”)",
                ),
                f"{year}-01-01 – {year}-12-31",
                "",
            )
        ]
    if (m.stat_start, m.stat_end) != whole:
        return [
            problem(
                ProblemKind.PERIOD,
                lang,
                (SECTIONS["s1"], SECTIONS["s1"]),
                (
                    f"统计期限 {m.stat_start.isoformat()} 至 {m.stat_end.isoformat()} 不是{year}年全年",
                    f"the statistics period {m.stat_start.isoformat()} – {m.stat_end.isoformat()} is not the whole of {year}",
                ),
                f"{year}-01-01 – {year}-12-31",
                f"{m.stat_start.isoformat()} – {m.stat_end.isoformat()}",
            )
        ]
    return []


def text_vs_table(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """Relation 6: a figure of the text against the cell that counts the same thing."""
    gens = {t.table: t.generation for t in report.tables}
    out = []
    for d in report.discrepancies:
        row_id, col_id = d.cell.split(":", 1)
        table = row_id.split(".")[0]
        gen = gens.get(table, report.meta.generation)
        col = dict(T3_COLUMNS + T4_COLUMNS).get(col_id, col_id)
        quote = d.quote.strip()
        if len(quote) > 80:
            quote = quote[:80] + "…"
        out.append(
            problem(
                ProblemKind.TEXT_TABLE,
                lang,
                (cell_where(table, row_id, col, gen, "zh"), cell_where(table, row_id, col, gen, "en")),
                (
                    f"正文写 {_n(d.text_value)}（“{quote}”），表格为 {_n(d.table_value)}：请核对，使两者一致或在正文中说明口径",
                    f"the text says {_n(d.text_value)} (“{quote}”), the table {_n(d.table_value)}: make them agree, or "
                    "say in the text what it counts",
                ),
                _n(d.table_value),
                _n(d.text_value),
            )
        )
    return out


_GOVERNMENT = ("人民政府", "管委会", "管理委员会")


def late(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """Dated (published, or signed) after the deadline of 《条例》第四十九条: 31 January of the following
    year for a department; 31 March for a people's government's own report."""
    m = report.meta
    when = m.published or m.signature_date
    if not m.report_year or m.report_year < 2019 or when is None:
        return []  # the old 条例 (reports before 2019) set 31 March for everyone
    government = m.issuer.endswith(_GOVERNMENT)
    deadline = date(m.report_year + 1, 3 if government else 1, 31)
    if when <= deadline:
        return []
    rule = (
        ("本级人民政府的年度报告应于次年3月31日前公布", "a government's own report is due by 31 March")
        if government
        else ("政府部门的年度报告应于次年1月31日前公布", "a department's report is due by 31 January")
    )
    return [
        problem(
            ProblemKind.LATE,
            lang,
            ("发布日期" if m.published else "落款日期", "publication date" if m.published else "date signed"),
            (
                f"日期 {when.isoformat()} 晚于 {deadline.isoformat()}（《条例》第四十九条：{rule[0]}）",
                f"dated {when.isoformat()}, after {deadline.isoformat()} (Art. 49 of the 条例: {rule[1]})",
            ),
            f"≤ {deadline.isoformat()}",
            when.isoformat(),
        )
    ]


def check_report(report: ParsedReport, lang: str = "zh") -> list[Problem]:
    """Every check that needs only the report itself, errors first."""
    found = (
        relations(report, lang)
        + unread_rows(report, lang)
        + structure(report, lang)
        + text_vs_table(report, lang)
        + statements(report, lang)
        + late(report, lang)
    )
    order = list(Severity)
    return sorted(found, key=lambda p: order.index(p.severity))

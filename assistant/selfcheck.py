"""A draft checked before it is published (``gongkai check``, POST /api/check, the 年报自查 tab).

Reads each file from memory (never written anywhere), parses it as ingestion would, runs the checks
that need the report alone (:func:`ingest.selfcheck.check_report`), then compares it with the same
office's previous report held in the collection: a figure ×10 or more, or from 0 to many, is asked
about (likely a typo, maybe true), and 上年结转 is held against last year's 结转下年度 (§9 5). The
collection is only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from index.collection import Collection
from index.facts import ReportRow
from ingest.budget import OverBudgetError, time_budget
from ingest.loaders import LoadError, load_bytes
from ingest.metadata import same_body
from ingest.model import NUMBER, ParsedReport
from ingest.normalize import format_value
from ingest.pipeline import NotAReportError, parse_report
from ingest.schema import T3_COLUMNS, T4_BLOCKS, column_label
from ingest.selfcheck import Problem, ProblemKind, cell_where, check_report, problem

JUMP_FACTOR = 10  # ×10 or more (or a tenth or less) against last year: a digit added or lost?
FROM_ZERO = 10  # from 0 to this many or more
# the figures compared with last year: 表三's totals, 表四's totals, every 表二 cell both reports have
_T3_JUMP_ROWS = (
    "t3.new_received",
    "t3.carried_over",
    "t3.granted",
    "t3.partially_granted",
    "t3.total_processed",
    "t3.carried_forward",
)


@dataclass
class CheckResult:
    """One file's check: what it was read as, and its problems (or why it could not be read)."""

    file: str
    issuer: str = ""
    year: int | None = None
    generation: str = ""
    problems: list[Problem] = field(default_factory=list)
    previous: str = ""  # the report compared with: "issuer year"
    error: str = ""

    def as_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "file": self.file,
            "issuer": self.issuer,
            "year": self.year,
            "generation": self.generation,
            "problems": [p.as_json() for p in self.problems],
        }
        if self.previous:
            out["previous"] = self.previous
        if self.error:
            out["error"] = self.error
        return out


def read_draft(data: bytes, name: str, issuer: str | None = None, year: int | None = None) -> ParsedReport:
    """The draft as ingestion reads it, from memory, under the per-file time budget."""
    with time_budget():
        loaded = load_bytes(data, name)
        return parse_report(loaded.text, name, loaded.format, loaded.content, issuer=issuer, year=year, ocr=loaded.ocr)


def check_draft(
    coll: Collection | None,
    data: bytes,
    name: str,
    lang: str = "zh",
    issuer: str | None = None,
    year: int | None = None,
) -> CheckResult:
    """One file checked; a file that cannot be read says why, the others go on."""
    try:
        report = read_draft(data, name, issuer, year)
    except (LoadError, NotAReportError, OverBudgetError) as exc:
        return CheckResult(name, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one unreadable draft never stops the others
        return CheckResult(name, error=f"could not read the file ({type(exc).__name__})")
    m = report.meta
    result = CheckResult(name, m.issuer, m.report_year, m.generation, check_report(report, lang))
    previous = previous_report(coll, report) if coll is not None else None
    if previous is not None:
        result.previous = f"{previous.issuer} {previous.year}"
        result.problems += against_previous(coll, report, previous, lang)  # type: ignore[arg-type]
    return result


def previous_report(coll: Collection, report: ParsedReport) -> ReportRow | None:
    """The same office's latest report before the draft's year, if the collection holds one (never the
    draft itself, should it be held already)."""
    m = report.meta
    if not m.report_year:
        return None
    held = [
        r
        for r in coll.facts.reports()
        if r.year and r.year < m.report_year and r.content_hash != m.content_hash and same_body(r.issuer, m.issuer)
    ]
    return max(held, key=lambda r: (r.year, r.ingested_at), default=None)


def _draft_numbers(report: ParsedReport) -> dict[str, tuple[str, Decimal]]:
    return {
        c.id: (c.table, c.value)
        for t in report.tables
        for c in t.cells
        if c.status == NUMBER and c.value is not None and c.method != "derived"
    }


def _compared(cell_id: str) -> bool:
    row, col = cell_id.split(":", 1)
    if row.startswith("t2."):
        return True
    if row in _T3_JUMP_ROWS:
        return col == "total"
    return row in {r for r, _ in T4_BLOCKS} and col == "total"


def against_previous(coll: Collection, report: ParsedReport, previous: ReportRow, lang: str) -> list[Problem]:
    """Jumps against the previous report (questions) and, when it is last year's, 上年结转 against its
    结转下年度 (warnings)."""
    draft = _draft_numbers(report)
    before = {
        c.cell_id: Decimal(c.value_text)
        for c in coll.facts.cells([previous.id])
        if c.status == NUMBER and c.value_text and c.method != "derived"
    }
    out = []
    for cell_id, (table, value) in draft.items():
        if cell_id in before and _compared(cell_id) and _jumps(before[cell_id], value):
            out.append(_jump(cell_id, table, before[cell_id], value, previous, report.meta.generation, lang))
    if previous.year == (report.meta.report_year or 0) - 1:
        out += _carry(draft, before, previous, report.meta.generation, lang)
    return out


def _jumps(before: Decimal, now: Decimal) -> bool:
    if before == 0:
        return now >= FROM_ZERO
    if now == 0:
        return before >= FROM_ZERO
    return now >= before * JUMP_FACTOR or before >= now * JUMP_FACTOR


def _jump(cell_id: str, table: str, before: Decimal, now: Decimal, previous: ReportRow, gen: str, lang: str) -> Problem:
    row, col = cell_id.split(":", 1)
    try:
        col_label = column_label(row, col, gen)
    except KeyError:
        col_label = col
    b, n = format_value(before), format_value(now)
    return problem(
        ProblemKind.JUMP,
        lang,
        (cell_where(table, row, col_label, gen, "zh"), cell_where(table, row, col_label, gen, "en")),
        (
            f"本稿为 {n}，{previous.year}年报告为 {b}：变化在十倍以上，是否录入有误？如属实可不改",
            f"{n} here, {b} in the {previous.year} report: ten times or more apart. A typo? If it is right, keep it",
        ),
        b,
        n,
    )


def _carry(
    draft: dict[str, tuple[str, Decimal]], before: dict[str, Decimal], previous: ReportRow, gen: str, lang: str
) -> list[Problem]:
    out = []
    for col, label in T3_COLUMNS:
        now = draft.get(f"t3.carried_over:{col}")
        last = before.get(f"t3.carried_forward:{col}")
        if now is None or last is None or now[1] == last:
            continue
        n, b = format_value(now[1]), format_value(last)
        out.append(
            problem(
                ProblemKind.CARRY,
                lang,
                (
                    cell_where("t3", "t3.carried_over", label, gen, "zh"),
                    cell_where("t3", "t3.carried_over", label, gen, "en"),
                ),
                (
                    f"上年结转 {label} = {n}，但{previous.year}年报告“四、结转下年度继续办理”为 {b}",
                    f"carried over ({label}) is {n}, but the {previous.year} report carried {b} forward",
                ),
                b,
                n,
            )
        )
    return out


def check_files(
    coll: Collection | None,
    files: list[tuple[str, bytes]],
    lang: str = "zh",
    issuer: str | None = None,
    year: int | None = None,
) -> list[CheckResult]:
    """Each (name, bytes) checked in turn."""
    return [check_draft(coll, data, name, lang, issuer, year) for name, data in files]

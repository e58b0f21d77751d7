"""One report as a person or a program inspects it: metadata, sections, tables as grids, figures.

The same structure backs ``gongkai facts REPORT`` and ``GET /api/reports/{id}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.facts import FactStore
from ingest.schema import TABLE_TITLES, column_label, row_label


@dataclass
class CellOut:
    id: str
    column: str
    label: str
    value: str | None
    raw: str
    status: str
    unit: str | None = None
    method: str = ""
    note: str = ""
    candidates: list[str] = field(default_factory=list)


@dataclass
class RowOut:
    row_id: str
    label: str
    cells: list[CellOut]


@dataclass
class TableOut:
    table: str
    title: str
    generation: str
    status: str
    reasons: list[str]
    rows: list[RowOut]


@dataclass
class FigureOut:
    metric: str
    label: str
    value: str
    unit: str | None
    qualifier: str
    quote: str
    section: str
    compare_to: str | None
    start: int
    end: int


@dataclass
class DiscrepancyOut:
    cell: str
    table_value: str
    text_value: str
    metric: str
    quote: str
    scope: str


@dataclass
class SectionOut:
    sid: str
    level: int
    title: str
    path: str
    start: int
    end: int


@dataclass
class SourceOut:
    url: str
    page_url: str
    fetched_at: str


@dataclass
class ReportDetail:
    id: str
    title: str
    issuer: str
    region: dict[str, str]
    year: int | None
    published: str | None
    signature_date: str | None
    stat_period: list[str | None]
    format: str
    source_format: str
    source_path: str
    compiled_by: str
    flags: list[str]
    sections: list[SectionOut]
    tables: list[TableOut]
    figures: list[FigureOut]
    discrepancies: list[DiscrepancyOut]
    sources: list[SourceOut] = field(default_factory=list)  # the URLs a crawl fetched it from


def _iso(d) -> str | None:
    return d.isoformat() if d else None


def report_detail(facts: FactStore, report_id: str) -> ReportDetail | None:
    r = facts.report(report_id)
    if r is None:
        return None
    tables = []
    cells = facts.cells([report_id])  # read once, not once a table
    for t in facts.tables(report_id):
        rows: dict[str, RowOut] = {}
        for c in cells:
            if c.table != t.table:
                continue
            row = rows.setdefault(c.row_id, RowOut(c.row_id, row_label(c.row_id, t.generation), []))
            label = column_label(c.row_id, c.col_id, t.generation)
            candidates = list(c.candidates or [])
            row.cells.append(
                CellOut(
                    id=c.cell_id,
                    column=c.col_id,
                    label=label,
                    raw=c.raw,
                    note=c.note,
                    candidates=candidates,
                    **c.reading(),
                )
            )
        tables.append(
            TableOut(t.table, TABLE_TITLES[t.table], t.generation, t.status, list(t.reasons), list(rows.values()))
        )
    return ReportDetail(
        **r.summary(),
        signature_date=_iso(r.signature_date),
        stat_period=[_iso(r.stat_start), _iso(r.stat_end)],
        source_path=r.source_path,
        compiled_by=r.compiled_by,
        sections=[SectionOut(s.sid, s.level, s.title, s.path, s.start, s.end) for s in facts.sections(report_id)],
        tables=tables,
        figures=[
            FigureOut(
                f.metric, f.label, f.value_text, f.unit, f.qualifier, f.quote, f.section, f.compare_to, f.start, f.end
            )
            for f in facts.figures([report_id])
        ],
        discrepancies=[
            DiscrepancyOut(d.cell, d.table_value, d.text_value, d.metric, d.quote, d.scope)
            for d in facts.discrepancies(report_id)
        ],
        sources=[
            SourceOut(x.url, x.page_url, x.fetched_at.isoformat()) for x in facts.sources([report_id]).get(r.id, [])
        ],
    )

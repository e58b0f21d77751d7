"""Every stored cell and prose figure as open data: rows read from the facts store a page at a time (keyset
on the row id, so memory stays flat however large the store), and written as CSV, JSON Lines or a SQLite
file that Datasette serves as it is.

One row per cell: its report's issuer, year, publication date and format generation; the table, row and
column with their labels; the value as a number, empty unless the cell holds one (a blank, a dash, a lost
position); an ambiguous cell's value is empty with its candidates beside it — never a guessed number. The
prose figures (a sentence's figure with the sentence) are a second file or table.

``gongkai export`` and ``GET /api/export`` only open the store, call these and write or stream the lines.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from index.facts import FactStore
from index.rows import READY, CellRow, FigureRow, ReportRow, SourceRow, TableRow
from ingest.model import CellStatus
from ingest.schema import column_label, row_label

PAGE = 5000  # rows read at once: a page of cells is a few MB, whatever the store holds

CELL_COLUMNS = (
    "issuer",
    "year",
    "published",
    "generation",
    "table",
    "row_id",
    "row_label",
    "column_id",
    "column_label",
    "value",
    "status",
    "method",
    "table_status",
    "source_url",
    "report_id",
    "candidates",
    "unit",
    "note",
)
FIGURE_COLUMNS = (
    "issuer",
    "year",
    "published",
    "report_id",
    "figure_id",
    "metric",
    "label",
    "value",
    "unit",
    "qualifier",
    "sentence",
    "source_url",
)
REPORT_COLUMNS = (
    "id",
    "title",
    "issuer",
    "year",
    "published",
    "generation",
    "province",
    "city",
    "county",
    "town",
    "source_format",
    "source_url",
)
NUMERIC = {"year", "value", "figure_id"}  # written as numbers; every other column is text

DESCRIPTIONS = {
    "reports": {
        "id": "the report's id in gongkai (a content hash): GET /api/reports/{id} shows it whole",
        "title": "the report's title",
        "issuer": "the body that published the report (its full name, with its parent government)",
        "year": "the statistics year the report covers",
        "published": "the publication date the report or its page gives (YYYY-MM-DD), empty when none",
        "generation": "the format of its tables: 2021 (the 2021 template), 2019, or pre-2019",
        "province": "region: province",
        "city": "region: city",
        "county": "region: county",
        "town": "region: town",
        "source_format": "the file it was read from: html, pdf, docx, txt",
        "source_url": "where a crawl fetched it (empty for a file ingested by hand)",
    },
    "cells": {
        "issuer": "the body that published the report",
        "year": "the statistics year of the report",
        "published": "the report's publication date (YYYY-MM-DD), empty when unknown",
        "generation": "the format generation of the report: 2021, 2019 or pre-2019",
        "table": "t2 (主动公开), t3 (依申请公开), t4 (复议诉讼), or legacy (pre-2019 tables)",
        "row_id": "the row's canonical id (same across reports), e.g. t3.new_received",
        "row_label": "the row as the template prints it",
        "column_id": "the column's canonical id, e.g. total, natural_person",
        "column_label": "the column as the template prints it",
        "value": "the figure, a number; empty unless status is number (never a guess)",
        "status": "number; blank (printed empty); dash (printed -, /); missing (its position was lost); "
        "ambiguous (several readings fit: see candidates)",
        "method": "how the value was read: text_row (as printed), placed or segmented (by the table's checking "
        "relations), derived (a group sum), html_grid, pdf_row, ocr",
        "table_status": "the table's check: verified, repaired, ambiguous, inconsistent, unchecked",
        "source_url": "where a crawl fetched the report (empty for a file ingested by hand)",
        "report_id": "the report (reports.id)",
        "candidates": "an ambiguous cell's possible values (|-separated in CSV)",
        "unit": "the unit printed with the value, when one is (元, 万元)",
        "note": "how the cell was read, when a reader should know; a derived cell: the cells it sums",
    },
    "figures": {
        "issuer": "the body that published the report",
        "year": "the statistics year of the report",
        "published": "the report's publication date (YYYY-MM-DD)",
        "report_id": "the report (reports.id)",
        "figure_id": "the figure's number in this export",
        "metric": "what the figure counts, when gongkai knows (text.…); text.stated for any other figure",
        "label": "the words the sentence gives the figure",
        "value": "the figure, a number",
        "unit": "its unit as printed (件, 条, 万元 …)",
        "qualifier": "余, 多, 近 … when the sentence gives the figure as approximate",
        "sentence": "the sentence the figure is stated in",
        "source_url": "where a crawl fetched the report",
    },
}

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA)


@dataclass(frozen=True)
class ExportFilter:
    """Which rows, as /api/facts chooses them: reports by part of the issuer's name and the year; cells by
    row and column id; figures by prose metric; ``cells``/``figures``: whether each kind is wanted."""

    issuer: str | None = None
    year: int | None = None
    row_id: str | None = None
    col_id: str | None = None
    prose: str | None = None
    cells: bool = True
    figures: bool = True


def _of_reports(q: Any, f: ExportFilter) -> Any:
    q = q.where(ReportRow.state == READY)
    if f.issuer:
        q = q.where(ReportRow.issuer.contains(f.issuer, autoescape=True))
    if f.year:
        q = q.where(ReportRow.year == f.year)
    return q


def _source_url() -> Any:
    """The first URL a crawl fetched the report from, per report (a report held under several has each)."""
    first = select(SourceRow.url).where(SourceRow.report_id == ReportRow.id).order_by(SourceRow.id).limit(1)
    return first.scalar_subquery()


def _pages(facts: FactStore, q: Any, key: Any) -> Iterator[list[Any]]:
    """Rows of ``q`` in ``key`` order, PAGE at a time (``key`` first in each row): one short read each,
    nothing held between pages. ``q`` reads one table by its key, so each page costs its own rows only."""
    last = None
    while True:
        page_q = q if last is None else q.where(key > last)
        with facts.Session() as s:
            rows = list(s.execute(page_q.order_by(key).limit(PAGE)))
        if rows:
            yield rows
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


def _iso(d: Any) -> str:
    return d.isoformat() if d else ""


def _whose(facts: FactStore, report_ids: set[str]) -> dict[str, dict[str, Any]]:
    """issuer, year, published, generation and source_url of these reports (those of one page)."""
    q = select(ReportRow.id, ReportRow.issuer, ReportRow.year, ReportRow.published, ReportRow.generation, _source_url())
    with facts.Session() as s:
        rows = s.execute(q.where(ReportRow.id.in_(sorted(report_ids))))
        return {
            rid: {"issuer": i, "year": y, "published": _iso(p), "generation": g, "source_url": u or ""}
            for rid, i, y, p, g, u in rows
        }


def _tables(facts: FactStore, report_ids: set[str]) -> dict[tuple[str, str], tuple[str, str]]:
    """(report id, table) -> (the table's status, its generation), for these reports."""
    q = select(TableRow.report_id, TableRow.table, TableRow.status, TableRow.generation)
    with facts.Session() as s:
        rows = s.execute(q.where(TableRow.report_id.in_(sorted(report_ids))))
        return {(rid, table): (status, generation) for rid, table, status, generation in rows}


def cell_records(facts: FactStore, f: ExportFilter = ExportFilter()) -> Iterator[dict[str, Any]]:
    """Every stored cell of the visible reports that ``f`` keeps, one dict per cell (CELL_COLUMNS), in
    store order; the reports and tables of each page read once for the page."""
    if not f.cells:
        return
    q = select(
        CellRow.id,
        CellRow.report_id,
        CellRow.table,
        CellRow.row_id,
        CellRow.col_id,
        CellRow.value_text,
        CellRow.status,
        CellRow.method,
        CellRow.candidates,
        CellRow.unit,
        CellRow.note,
    ).where(CellRow.report_id.in_(_of_reports(select(ReportRow.id), f)))
    if f.row_id:
        q = q.where(CellRow.row_id == f.row_id)
    if f.col_id:
        q = q.where(CellRow.col_id == f.col_id)
    for page in _pages(facts, q, CellRow.id):
        ids = {row[1] for row in page}
        reports, tables = _whose(facts, ids), _tables(facts, ids)
        for _, report_id, table, row_id, col_id, value, status, method, candidates, unit, note in page:
            r = reports.get(report_id)
            if r is None:  # removed since the page was read
                continue
            table_status, generation = tables.get((report_id, table), ("", r["generation"]))
            yield {
                "issuer": r["issuer"],
                "year": r["year"],
                "published": r["published"],
                "generation": r["generation"],
                "table": table,
                "row_id": row_id,
                "row_label": row_label(row_id, generation),
                "column_id": col_id,
                "column_label": column_label(row_id, col_id, generation),
                "value": value if status == CellStatus.NUMBER and value else None,
                "status": status,
                "method": method,
                "table_status": table_status,
                "source_url": r["source_url"],
                "report_id": report_id,
                "candidates": list(candidates or []) if status == CellStatus.AMBIGUOUS else [],
                "unit": unit or "",
                "note": note or "",
            }


def figure_records(facts: FactStore, f: ExportFilter = ExportFilter()) -> Iterator[dict[str, Any]]:
    """Every prose figure of the visible reports that ``f`` keeps (FIGURE_COLUMNS), in store order."""
    if not f.figures:
        return
    q = select(
        FigureRow.id,
        FigureRow.report_id,
        FigureRow.metric,
        FigureRow.label,
        FigureRow.value_text,
        FigureRow.unit,
        FigureRow.qualifier,
        FigureRow.quote,
    ).where(FigureRow.report_id.in_(_of_reports(select(ReportRow.id), f)))
    if f.prose:
        q = q.where(FigureRow.metric == f.prose)
    for page in _pages(facts, q, FigureRow.id):
        reports = _whose(facts, {row[1] for row in page})
        for fid, report_id, metric, label, value, unit, qualifier, quote in page:
            r = reports.get(report_id)
            if r is None:
                continue
            yield {
                "issuer": r["issuer"],
                "year": r["year"],
                "published": r["published"],
                "report_id": report_id,
                "figure_id": fid,
                "metric": metric,
                "label": label,
                "value": value,
                "unit": unit or "",
                "qualifier": qualifier or "",
                "sentence": quote,
                "source_url": r["source_url"],
            }


def report_records(facts: FactStore, f: ExportFilter = ExportFilter()) -> Iterator[dict[str, Any]]:
    """The visible reports that ``f`` keeps (REPORT_COLUMNS)."""
    q = select(
        ReportRow.id,
        ReportRow.title,
        ReportRow.issuer,
        ReportRow.year,
        ReportRow.published,
        ReportRow.generation,
        ReportRow.province,
        ReportRow.city,
        ReportRow.county,
        ReportRow.town,
        ReportRow.source_format,
        _source_url(),
    )
    for page in _pages(facts, _of_reports(q, f), ReportRow.id):
        for row in page:
            record = dict(zip(REPORT_COLUMNS, row, strict=True))
            yield {**record, "published": _iso(record["published"]), "source_url": record["source_url"] or ""}


# ---- formats ---------------------------------------------------------------------------------------------


def _number(text: Any) -> int | float | None:
    """A stored decimal as a JSON or SQLite number (the store keeps the exact text; these are integers or
    short decimals, which a float holds exactly enough to print back the same)."""
    if text is None or text == "":
        return None
    if isinstance(text, int | float):
        return text
    return int(text) if "." not in text else float(text)


def defused(text: str) -> str:
    """Text a spreadsheet would run as a formula (= + - @, a tab or CR first) given a leading apostrophe,
    which Excel and LibreOffice show as text. Only text columns: a negative number in ``value`` stays a
    number (those are checked to be one)."""
    return "'" + text if text.startswith(_FORMULA) else text


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if type(value) is not str:
        value = "|".join(value) if isinstance(value, list) else str(value)
    if value[:1] not in _FORMULA_FIRST or (column in NUMERIC and _NUMBER.fullmatch(value)):
        return value  # the common case, checked by one set lookup
    return "'" + value


def csv_lines(records: Iterator[dict[str, Any]], columns: tuple[str, ...]) -> Iterator[str]:
    """CSV as UTF-8 text with a byte-order mark first (so Excel reads the Chinese right), a header, then a
    line per record; every text cell defused (:func:`defused`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_cell(c, record[c]) for c in columns])
        yield buffer.getvalue()


def jsonl_lines(records: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON object per line; values as numbers, a missing value as null, candidates as a list."""
    for record in records:
        yield json.dumps({**record, "value": _number(record["value"])}, ensure_ascii=False) + "\n"


def lines(facts: FactStore, fmt: str, what: str, f: ExportFilter = ExportFilter()) -> Iterator[str]:
    """The lines of one file: ``fmt`` csv or jsonl, ``what`` cells or figures."""
    records = cell_records(facts, f) if what == "cells" else figure_records(facts, f)
    if fmt == "csv":
        return csv_lines(records, CELL_COLUMNS if what == "cells" else FIGURE_COLUMNS)
    return jsonl_lines(records)


def in_chunks(pieces: Iterator[str], size: int = 1 << 16) -> Iterator[str]:
    """Lines joined into chunks of about ``size`` characters: a stream of millions of lines sent as that
    many messages (each a hop to a worker thread) is slower than the reading it waits on."""
    batch: list[str] = []
    held = 0
    for piece in pieces:
        batch.append(piece)
        held += len(piece)
        if held >= size:
            yield "".join(batch)
            batch, held = [], 0
    if batch:
        yield "".join(batch)


def write_text(facts: FactStore, fmt: str, out: Path, f: ExportFilter = ExportFilter()) -> dict[str, int]:
    """``out`` (the cells) and ``out``'s stem + ``.figures`` beside it (the prose figures), csv or jsonl,
    written line by line; each to a temporary name first and renamed, so a failure leaves no half file
    under the real name. Returns the rows written of each."""
    counts: dict[str, int] = {}
    for what, path in figures_beside(out, fmt).items():

        def write(tmp: Path, what: str = what) -> None:
            n = -1 if fmt == "csv" else 0  # the header line
            with tmp.open("w", encoding="utf-8", newline="") as handle:
                for line in lines(facts, fmt, what, f):
                    handle.write(line)
                    n += 1
            counts[what] = n

        _atomically(path, write)
    return counts


def figures_beside(out: Path, fmt: str) -> dict[str, Path]:
    """The two files of a csv or jsonl export: the cells at ``out``, the figures beside it."""
    return {"cells": out, "figures": out.with_name(f"{out.stem}.figures{out.suffix or '.' + fmt}")}


def _atomically(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.partial")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _schema(table: str, columns: tuple[str, ...], key: str, refs: bool) -> str:
    """CREATE TABLE with each column's description as a comment (Datasette shows a table's schema)."""
    parts = [(f"{key} INTEGER PRIMARY KEY", "the row's number in this file")] if key else []
    for c in columns:
        kind = "INTEGER" if c in ("year", "figure_id") else "NUMERIC" if c == "value" else "TEXT"
        extra = (
            " PRIMARY KEY"
            if c in ("id", "figure_id")
            else " REFERENCES reports(id)"
            if refs and c == "report_id"
            else ""
        )
        parts.append((f'"{c}" {kind}{extra}', DESCRIPTIONS[table][c]))
    body = "\n".join(
        f"  {definition}{',' if i < len(parts) - 1 else ''} -- {description}"
        for i, (definition, description) in enumerate(parts)
    )
    return f'CREATE TABLE "{table}" (\n{body}\n)'


_INDEXES = (
    'CREATE INDEX "cells_report" ON cells(report_id)',
    'CREATE INDEX "cells_issuer_year" ON cells(issuer, year)',
    'CREATE INDEX "cells_row_column" ON cells(row_id, column_id)',
    'CREATE INDEX "figures_report" ON figures(report_id)',
    'CREATE INDEX "figures_metric" ON figures(metric)',
    'CREATE INDEX "reports_issuer_year" ON reports(issuer, year)',
)


def write_sqlite(facts: FactStore, out: Path, f: ExportFilter = ExportFilter()) -> dict[str, int]:
    """A SQLite open-data file: ``reports``, ``cells``, ``figures`` (with indexes and each column's
    description in its schema) and ``_columns`` (table, column, description) — what ``datasette OUT`` serves
    as it is. Written to a temporary file and renamed. Returns the rows of each table."""
    counts: dict[str, int] = {}

    def write(tmp: Path) -> None:
        db = sqlite3.connect(tmp)
        try:
            db.execute(_schema("reports", REPORT_COLUMNS, "", False))
            db.execute(_schema("cells", CELL_COLUMNS, "id", True))
            db.execute(_schema("figures", FIGURE_COLUMNS, "", True))
            db.execute("CREATE TABLE _columns (table_name TEXT, column_name TEXT, description TEXT)")
            db.executemany(
                "INSERT INTO _columns VALUES (?, ?, ?)",
                [(t, c, d) for t, cols in DESCRIPTIONS.items() for c, d in cols.items()],
            )
            kinds = (
                ("reports", REPORT_COLUMNS, report_records(facts, f)),
                ("cells", CELL_COLUMNS, cell_records(facts, f)),
                ("figures", FIGURE_COLUMNS, figure_records(facts, f)),
            )
            for table, columns, records in kinds:
                counts[table] = _insert(db, table, columns, records)
            for statement in _INDEXES:
                db.execute(statement)
            db.commit()
        finally:
            db.close()

    out.unlink(missing_ok=True)
    _atomically(out, write)
    return counts


def _sql_value(column: str, value: Any) -> Any:
    if column == "value":
        return _number(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value else None
    return value


def _insert(db: sqlite3.Connection, table: str, columns: tuple[str, ...], records: Iterator[dict]) -> int:
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    n = 0
    batch: list[tuple] = []
    for record in records:
        batch.append(tuple(_sql_value(c, record[c]) for c in columns))
        if len(batch) >= PAGE:
            db.executemany(statement, batch)
            n += len(batch)
            batch.clear()
    db.executemany(statement, batch)
    return n + len(batch)

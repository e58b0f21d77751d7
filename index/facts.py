"""The facts store: reports, sections, table cells and prose figures, through SQLAlchemy.

Exact answers come from here, never from the vector index. SQLite under ``GONGKAI_HOME`` by
default; any SQLAlchemy URL (PostgreSQL) through ``GONGKAI_DATABASE_URL``.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache

from sqlalchemy import (
    String,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from index.collector import without_collector_pauses
from index.crawlstate import CrawlStateStore
from index.faults import FACTS, OUTAGES
from index.lexical import BOUND_REPORTS, LexicalIndex
from index.notes import NotesStore
from index.passages import PassageStore
from index.rows import (  # noqa: F401 - re-exported: the rows are imported from here across the project
    PENDING,
    READY,
    REPLACED,
    TABLE_ID_LENGTH,
    Base,
    CellRow,
    CellValue,
    ChunkRow,
    CrawlRunRow,
    CrawlUrlRow,
    DiscrepancyRow,
    FeedbackRow,
    FigureRow,
    IssuerNamesRow,
    MaintenanceRow,
    NameRow,
    OcrCellRow,
    PendingRow,
    ReportRow,
    SectionRow,
    SourceRow,
    TableRow,
    TermCountRow,
    WriterRow,
    row_from,
)
from index.writers import WriterStore
from ingest.model import CellStatus, ParsedReport
from ingest.normalize import format_value

log = logging.getLogger("gongkai.facts")


def _decimal_text(value: Decimal | None) -> str:
    return format_value(value) if value is not None else ""


def _of_reports(session: Session, q, row_type, report_ids: list[str] | None, order, rows: bool = False) -> list:
    """Run ``q`` (entities, or column ``rows``) for the given reports. A long id list is not bound as
    parameters past BOUND_REPORTS (SQLite caps them, and a list of every report costs more than it
    saves): the rows are filtered here instead."""
    run = session.execute if rows else session.scalars
    if report_ids is not None and len(report_ids) <= BOUND_REPORTS:
        return list(run(q.where(row_type.report_id.in_(report_ids)).order_by(order)))
    found = run(q.order_by(order))
    if report_ids is None:
        return list(found)
    wanted = set(report_ids)
    return [r for r in found if r.report_id in wanted]


def _enforce_foreign_keys(dbapi_connection, _record) -> None:  # noqa: ANN001 - a DB-API connection
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


class FactStore(PassageStore, WriterStore, NotesStore, CrawlStateStore):
    """The facts store, by job: reports with their sections, tables, cells and figures (here); passages
    (:mod:`index.passages`); the writer protocol (:mod:`index.writers`); body names and feedback
    (:mod:`index.notes`); provenance and crawl state (:mod:`index.crawlstate`). The rows are in
    :mod:`index.rows`."""

    def __init__(self, url: str) -> None:
        # several processes may share one SQLite file: wait for a writer's lock rather than fail at once
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}} if url.startswith("sqlite") else {}
        if url.startswith("postgresql"):
            # a server that went away and came back: a pooled connection is tested before use (a round trip on
            # loopback, ~0.1 ms) instead of failing the first request after the outage; a server that does not
            # answer at all is given up after 10 s, not the operating system's minutes
            kwargs = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 10}}
        self.engine: Engine = create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":  # check references as PostgreSQL does, so the default catches
            event.listen(self.engine, "connect", _enforce_foreign_keys)  # what only a server would refuse
        else:  # a new connection made: the database answers again (one log line ends an outage)
            event.listen(self.engine, "connect", lambda *_: OUTAGES.up(FACTS))
        self._create_tables()
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        self.lexical = LexicalIndex(self.engine)  # in the same database: nothing to load, any size
        self.lexical.prepare()

    def _create_tables(self, attempts: int = 8) -> None:
        """Create missing tables; two processes opening a new store at once race on CREATE TABLE, and the
        loser simply finds the table there when it tries again."""
        for attempt in range(attempts):
            try:
                Base.metadata.create_all(self.engine)
                for table in Base.metadata.sorted_tables:  # indexes added since an older store was made
                    for index in table.indexes:
                        index.create(self.engine, checkfirst=True)
                self._widen_columns()
                return
            except (OperationalError, ProgrammingError, IntegrityError):
                if attempt == attempts - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))

    def _widen_columns(self) -> None:
        """Widen, in place, every bounded column an older store made narrower than the model says: e.g.
        table ids were varchar(4), so PostgreSQL refused every pre-2019 ("legacy") table. SQLite never
        enforces a length, so it needs nothing."""
        if self.engine.dialect.name != "postgresql":
            return
        with self.engine.begin() as conn:
            held = {
                (t, c): n
                for t, c, n in conn.execute(
                    sql_text(
                        "SELECT table_name, column_name, character_maximum_length FROM information_schema.columns "
                        "WHERE table_schema = current_schema() AND character_maximum_length IS NOT NULL"
                    )
                )
            }
            for table in Base.metadata.sorted_tables:
                for column in table.columns:
                    wanted = column.type.length if isinstance(column.type, String) else None
                    if wanted and held.get((table.name, column.name), wanted) < wanted:
                        conn.execute(
                            sql_text(f'ALTER TABLE "{table.name}" ALTER COLUMN "{column.name}" TYPE varchar({wanted})')
                        )

    def find_by_hash(self, content_hash: str) -> ReportRow | None:
        with self.Session() as s:
            return s.scalar(select(ReportRow).where(ReportRow.content_hash == content_hash))

    def add(self, session: Session, report: ParsedReport, state: str = READY) -> None:
        """Stage a parsed report in ``session``; the caller commits (together with the chunks)."""
        m = report.meta
        rid = report.id
        session.add(
            row_from(
                ReportRow,
                m,
                id=rid,
                year=m.report_year,
                **{level: m.regions.get(level, "") for level in ("province", "city", "county", "town")},
                text=report.text,
                flags=report.flags,
                ingested_at=datetime.now(UTC),
                state=state,
            )
        )
        session.flush()  # the report row first: every other row refers to it (PostgreSQL checks that at once)
        for n in m.names:
            session.add(NameRow(report_id=rid, kind=str(n.kind), name=n.name, source=n.source))
        self._add_discrepancies(session, report)
        for i, sec in enumerate(report.sections):
            session.add(row_from(SectionRow, sec, report_id=rid, idx=i))
        for t in report.tables:
            session.add(row_from(TableRow, t, report_id=rid))
            for c in t.cells:
                session.add(
                    row_from(
                        CellRow,
                        c,
                        report_id=rid,
                        value_text=_decimal_text(c.value),
                        value=float(c.value) if c.value is not None else None,
                        candidates=[format_value(v) for v in c.candidates],
                    )
                )
                if c.confidence is not None:
                    session.add(
                        OcrCellRow(
                            report_id=rid, table=c.table, row_id=c.row_id, col_id=c.col_id, confidence=c.confidence
                        )
                    )
        for f in [*report.figures, *report.stated]:
            session.add(row_from(FigureRow, f, report_id=rid, value_text=format_value(f.value), value=float(f.value)))

    def _add_discrepancies(self, session: Session, report: ParsedReport) -> None:
        for d in report.discrepancies:
            session.add(
                row_from(
                    DiscrepancyRow,
                    d,
                    report_id=report.id,
                    table_value=format_value(d.table_value),
                    text_value=format_value(d.text_value),
                )
            )

    def remove(self, session: Session, report_id: str) -> None:
        models = (
            CellRow,
            OcrCellRow,
            FigureRow,
            TableRow,
            SectionRow,
            DiscrepancyRow,
            ChunkRow,
            PendingRow,
            NameRow,
            SourceRow,
        )
        for model in models:
            session.execute(delete(model).where(model.report_id == report_id))
        session.execute(delete(ReportRow).where(ReportRow.id == report_id))

    # ---- reads -------------------------------------------------------------
    def reports(self, state: str = READY) -> list[ReportRow]:
        with self.Session() as s, without_collector_pauses():  # a national catalog: 30k rows
            q = select(ReportRow).where(ReportRow.state == state).order_by(ReportRow.issuer, ReportRow.year)
            return list(s.scalars(q))

    def years(self) -> list[int]:
        """The years the visible reports cover: a form's choices, read without loading the catalog."""
        with self.Session() as s:
            q = select(ReportRow.year).where(ReportRow.state == READY, ReportRow.year.is_not(None))
            return list(s.scalars(q.distinct().order_by(ReportRow.year)))

    def issuers(self, containing: str = "", limit: int | None = None) -> list[str]:
        """The visible reports' issuers in name order, those whose name contains ``containing`` (taken
        literally: % and _ are characters), at most ``limit``: an office picker over a national catalog."""
        q = select(ReportRow.issuer).where(ReportRow.state == READY)
        if containing:
            q = q.where(ReportRow.issuer.contains(containing, autoescape=True))
        with self.Session() as s:
            return list(s.scalars(q.distinct().order_by(ReportRow.issuer).limit(limit)))

    @lru_cache(maxsize=256)  # noqa: B019 - ids are content hashes: a text never changes under its id
    def text(self, report_id: str) -> str:
        with self.Session() as s:
            return s.scalar(select(ReportRow.text).where(ReportRow.id == report_id)) or ""

    def catalog_version(self) -> tuple[int, str]:
        """Changes whenever a report becomes visible or goes away (for caches in other processes)."""
        with self.Session() as s:
            n, last = s.execute(
                select(func.count(), func.max(ReportRow.ingested_at)).where(ReportRow.state == READY)
            ).one()
            return int(n), str(last)

    def ocr_confidence(self, report_ids: list[str]) -> dict[tuple[str, str], float]:
        """(report id, cell id) → the recogniser's confidence, for the cells of these reports read by OCR."""
        if not report_ids:
            return {}
        with self.Session() as s:
            rows = s.execute(select(OcrCellRow).where(OcrCellRow.report_id.in_(report_ids))).scalars()
            return {(r.report_id, f"{r.row_id}:{r.col_id}"): r.confidence for r in rows}

    def report(self, report_id: str) -> ReportRow | None:
        with self.Session() as s:
            r = s.get(ReportRow, report_id)
            return r if r is not None and r.state == READY else None

    def same_report(
        self, issuer: str, year: int | None, source_path: str, title: str = "", any_title: bool = False
    ) -> list[ReportRow]:
        """Earlier versions of a report: same issuer and year, and the same source file or (``title``
        given) the same title — a corrected upload, or the same report as HTML and as text.
        ``any_title``: every report of that issuer and year."""
        from ingest.normalize import compact_str

        with self.Session() as s:
            q = select(ReportRow).where(ReportRow.issuer == issuer, ReportRow.year == year, ReportRow.state == READY)
            want = compact_str(title) if title else None
            return [
                r
                for r in s.scalars(q)
                if any_title or r.source_path == source_path or (want and compact_str(r.title) == want)
            ]

    def set_state(self, session: Session, report_id: str, state: str, expect: str | None = None) -> bool:
        """Set a report's state; False when the row is gone (another process removed it) or, with
        ``expect``, no longer in that state. A compare-and-set in one statement: of a writer publishing
        a pending report and another process reclaiming it, exactly one wins."""
        q = update(ReportRow).where(ReportRow.id == report_id)
        if expect is not None:
            q = q.where(ReportRow.state == expect)
        if session.execute(q.values(state=state)).rowcount != 1:  # type: ignore[attr-defined]
            return False
        if state != PENDING:
            session.execute(delete(PendingRow).where(PendingRow.report_id == report_id))
        return True

    def abandon(self, report_id: str) -> bool:
        """Claim a pending report for removal (pending -> replaced), committed; False if it was
        published or claimed meanwhile: then it is not this caller's to remove."""
        with self.Session() as s:
            won = self.set_state(s, report_id, REPLACED, expect=PENDING)
            s.commit()
            return won

    # ---- writers and maintenance -------------------------------------------
    # ---- provenance and crawl state -----------------------------------------
    def report_ids(self) -> set[str]:
        with self.Session() as s:
            return set(s.scalars(select(ReportRow.id)))

    def sections(self, report_id: str) -> list[SectionRow]:
        with self.Session() as s:
            return list(s.scalars(select(SectionRow).where(SectionRow.report_id == report_id).order_by(SectionRow.idx)))

    def tables(self, report_id: str) -> list[TableRow]:
        with self.Session() as s:
            return list(s.scalars(select(TableRow).where(TableRow.report_id == report_id)))

    def unread_cells(self, report_id: str) -> int:
        """Standard-table cells of a report that are ambiguous or missing: how much its source lost."""
        with self.Session() as s:
            q = select(func.count()).where(
                CellRow.report_id == report_id,
                CellRow.table.in_(("t2", "t3", "t4")),
                CellRow.status.in_((CellStatus.AMBIGUOUS, CellStatus.MISSING)),
            )
            return int(s.scalar(q) or 0)

    def cells(
        self, report_ids: list[str] | None, row_id: str | None = None, col_id: str | None = None
    ) -> list[CellRow]:
        """Cells of the reports (``None``: of every report), in stored order."""
        with self.Session() as s:
            q = select(CellRow)
            if row_id:
                q = q.where(CellRow.row_id == row_id)
            if col_id:
                q = q.where(CellRow.col_id == col_id)
            return _of_reports(s, q, CellRow, report_ids, CellRow.id)

    def figures(self, report_ids: list[str] | None, metric: str | None = None) -> list[FigureRow]:
        """Prose figures of the reports (``None``: of every report), in text order."""
        with self.Session() as s:
            q = select(FigureRow)
            if metric:
                q = q.where(FigureRow.metric == metric)
            return _of_reports(s, q, FigureRow, report_ids, FigureRow.start)

    def table_generations(self, report_ids: list[str] | None, tables: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """report id -> {table: generation} for the named tables: what a figure over many reports
        needs to know of each report's tables, in one read of three columns."""
        cols = (TableRow.report_id, TableRow.table, TableRow.generation)
        with self.Session() as s:
            q = select(*cols).where(TableRow.table.in_(tables))
            out: dict[str, dict[str, str]] = {}
            for rid, table, generation in _of_reports(s, q, TableRow, report_ids, TableRow.id, rows=True):
                out.setdefault(rid, {})[table] = generation
            return out

    def cell_values(self, report_ids: list[str] | None, row_id: str | None, col_id: str) -> list[CellValue]:
        """The figures of one cell across many reports, in stored order: the columns a ranking reads,
        not whole cells (whose JSON columns cost more to decode than the read itself)."""
        cols = (CellRow.report_id, CellRow.table, CellRow.row_id, CellRow.value_text, CellRow.status)
        with self.Session() as s:
            q = select(*cols).where(CellRow.col_id == col_id)
            if row_id:
                q = q.where(CellRow.row_id == row_id)
            return [CellValue(*r) for r in _of_reports(s, q, CellRow, report_ids, CellRow.id, rows=True)]

    def table_statuses(self, report_ids: list[str] | None = None) -> dict[str, dict[str, str]]:
        """report id -> {table: status}, for these reports (``None``: the whole catalog) in one query."""
        out: dict[str, dict[str, str]] = {}
        with self.Session() as s:
            q = select(TableRow.report_id, TableRow.table, TableRow.status)
            for rid, table, status in _of_reports(s, q, TableRow, report_ids, TableRow.id, rows=True):
                out.setdefault(rid, {})[table] = status
        return out

    def discrepancies(self, report_id: str) -> list[DiscrepancyRow]:
        with self.Session() as s:
            return list(s.scalars(select(DiscrepancyRow).where(DiscrepancyRow.report_id == report_id)))

    def counts(self, report_ids: list[str] | None = None) -> dict[str, dict[str, int]]:
        """Cells, figures and sections per report (``None``: every report), for the catalog."""
        out: dict[str, dict[str, int]] = {}
        with self.Session() as s:
            for model, key in ((CellRow, "cells"), (FigureRow, "figures"), (SectionRow, "sections")):
                q = select(model.report_id, func.count()).group_by(model.report_id)
                for rid, n in _of_reports(s, q, model, report_ids, model.report_id, rows=True):
                    out.setdefault(rid, {})[key] = n
        return out

"""The facts store: reports, sections, table cells and prose figures, through SQLAlchemy.

Exact answers come from here, never from the vector index. SQLite under ``GONGKAI_HOME`` by
default; any SQLAlchemy URL (PostgreSQL) through ``GONGKAI_DATABASE_URL``.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
    update,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from index.collector import without_collector_pauses
from index.faults import FACTS, OUTAGES
from index.lexical import BOUND_REPORTS, LexicalIndex, tokenize
from ingest.model import BodyName, CellStatus, NameKind, ParsedReport
from ingest.normalize import format_value

log = logging.getLogger("gongkai.facts")

# a table id ("t2" … "legacy", ingest.schema.TABLE_TITLES) as stored; PostgreSQL enforces the length
TABLE_ID_LENGTH = 16

PENDING, READY, REPLACED = "pending", "ready", "replaced"


class Base(DeclarativeBase):
    pass


class ReportRow(Base):
    __tablename__ = "reports"
    # catalog_version() runs on every question: from this index, not a scan of the reports and their texts
    __table_args__ = (Index("ix_reports_state_ingested", "state", "ingested_at"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    title: Mapped[str] = mapped_column(Text)
    issuer: Mapped[str] = mapped_column(String(200), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    generation: Mapped[str] = mapped_column(String(16))
    province: Mapped[str] = mapped_column(String(64), default="")
    city: Mapped[str] = mapped_column(String(64), default="")
    county: Mapped[str] = mapped_column(String(64), default="")
    town: Mapped[str] = mapped_column(String(64), default="")
    published: Mapped[date | None] = mapped_column(Date)
    signature_date: Mapped[date | None] = mapped_column(Date)
    stat_start: Mapped[date | None] = mapped_column(Date)
    stat_end: Mapped[date | None] = mapped_column(Date)
    compiled_by: Mapped[str] = mapped_column(String(200), default="")
    source_path: Mapped[str] = mapped_column(Text, default="")
    source_format: Mapped[str] = mapped_column(String(16), default="txt")
    text: Mapped[str] = mapped_column(Text, deferred=True)  # read through FactStore.text, cached
    flags: Mapped[list] = mapped_column(JSON, default=list)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # pending: stored, its chunks not yet in the vector index; only "ready" reports are visible
    state: Mapped[str] = mapped_column(String(12), default=READY, index=True)

    @property
    def regions(self) -> dict[str, str]:
        levels = {"province": self.province, "city": self.city, "county": self.county, "town": self.town}
        return {k: v for k, v in levels.items() if v}


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    sid: Mapped[str] = mapped_column(String(8))
    level: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    path: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class TableRow(Base):
    __tablename__ = "report_tables"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    table: Mapped[str] = mapped_column(String(TABLE_ID_LENGTH))
    generation: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)


class CellRow(Base):
    __tablename__ = "cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    table: Mapped[str] = mapped_column(String(TABLE_ID_LENGTH))
    row_id: Mapped[str] = mapped_column(String(64), index=True)
    col_id: Mapped[str] = mapped_column(String(32))
    value_text: Mapped[str] = mapped_column(String(40), default="")  # exact decimal as printed
    value: Mapped[float | None] = mapped_column(Float)  # for sorting and sums
    raw: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    unit: Mapped[str | None] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(16))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    candidates: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def cell_id(self) -> str:
        return f"{self.row_id}:{self.col_id}"


class FigureRow(Base):
    __tablename__ = "figures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    metric: Mapped[str] = mapped_column(String(64), index=True)
    label: Mapped[str] = mapped_column(Text)
    value_text: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(16))
    qualifier: Mapped[str] = mapped_column(String(8), default="")
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    value_start: Mapped[int] = mapped_column(Integer)
    value_end: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(Text, default="")
    compare_to: Mapped[str | None] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(Text, default="")


class DiscrepancyRow(Base):
    __tablename__ = "discrepancies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    cell: Mapped[str] = mapped_column(String(80))
    table_value: Mapped[str] = mapped_column(String(40))
    text_value: Mapped[str] = mapped_column(String(40))
    metric: Mapped[str] = mapped_column(String(64))
    quote: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    scope: Mapped[str] = mapped_column(Text, default="")


class ChunkRow(Base):
    """The passages of the vector index, kept here too so the lexical index can be rebuilt from SQL."""

    __tablename__ = "chunks"
    id: Mapped[str] = mapped_column(String(48), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    embed_text: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(Text, default="")
    sid: Mapped[str] = mapped_column(String(8), default="")
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    tokens: Mapped[str] = mapped_column(Text, default="")  # jieba tokens, space-joined: the lexical index's input


class NameRow(Base):
    """Other names a report gives its issuer (ingest.model.BodyName): a table of its own, so older
    stores need no migration; a report ingested before it simply has none."""

    __tablename__ = "report_names"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32), default="")


class OcrCellRow(Base):
    """The recogniser's confidence in a cell read by OCR (method ``ocr``): a table of its own, so older
    stores need no migration."""

    __tablename__ = "ocr_cells"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    table: Mapped[str] = mapped_column(String(TABLE_ID_LENGTH))
    row_id: Mapped[str] = mapped_column(String(64))
    col_id: Mapped[str] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)


class SourceRow(Base):
    """Where a report was fetched from (a crawl): the URL, the page that linked it, when. A report held
    under several URLs has a row for each; a table of its own, so older stores need no migration."""

    __tablename__ = "report_sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    page_url: Mapped[str] = mapped_column(Text, default="")  # the detail page an attachment was linked from
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CrawlUrlRow(Base):
    """The crawl state of one URL: what it was, what became of it, and the validators for a
    conditional GET next time. Kept across runs: a re-crawl fetches only what changed."""

    __tablename__ = "crawl_urls"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the URL (URLs may be long)
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(12))  # list, page, attachment
    status: Mapped[str] = mapped_column(String(16), index=True)  # index.crawl.CrawlStatus
    run_id: Mapped[int | None] = mapped_column(Integer, index=True)  # the run that last settled it
    title: Mapped[str] = mapped_column(Text, default="")
    listed: Mapped[date | None] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    etag: Mapped[str] = mapped_column(Text, default="")
    last_modified: Mapped[str] = mapped_column(String(64), default="")
    report_id: Mapped[str] = mapped_column(String(32), default="")
    cached: Mapped[str] = mapped_column(Text, default="")  # the local copy (a list page's is read on a 304)
    message: Mapped[str] = mapped_column(Text, default="")
    fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class CrawlRunRow(Base):
    """One crawl of a column; a run without ``finished`` was killed, and the next run resumes it."""

    __tablename__ = "crawl_runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    start_url: Mapped[str] = mapped_column(Text)
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict] = mapped_column(JSON, default=dict)


class FeedbackRow(Base):
    """👍/👎 from the chat, with the question and the answer it was about."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    liked: Mapped[bool] = mapped_column(Integer)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WriterRow(Base):
    """A process that stages reports: recovery may only reclaim the pending work of a writer that is gone."""

    __tablename__ = "writers"
    id: Mapped[str] = mapped_column(String(96), primary_key=True)  # host:pid:nonce
    host: Mapped[str] = mapped_column(String(64))
    pid: Mapped[int] = mapped_column(Integer)
    heartbeat: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PendingRow(Base):
    """Which writer staged a pending report (a table of its own, so older stores need no migration)."""

    __tablename__ = "pending_writes"
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    writer_id: Mapped[str] = mapped_column(String(96), index=True)


class MaintenanceRow(Base):
    """Work owed to consistency, e.g. "reconcile": vectors may be left without a report (a failed delete)."""

    __tablename__ = "maintenance"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class TermCountRow(Base):
    """A term's document frequency as the lexical index last counted it, with the corpus size then
    (index.lexical): shared by the app servers of one PostgreSQL database, so a fresh server does not
    walk the postings of 政府 again (0.75 s a common term at 1.3M passages). A cache: emptying it loses
    nothing."""

    __tablename__ = "term_counts"
    term: Mapped[str] = mapped_column(Text, primary_key=True)
    df: Mapped[int] = mapped_column(Integer)
    passages: Mapped[int] = mapped_column(Integer)


class IssuerNamesRow(Base):
    """What the assistant derived from an issuer's name (place units, pinyin, aliases), with the version of
    the code that derived it: a fresh app server reads these instead of deriving them for every issuer
    again (seconds of CPU at 30k issuers). The store keeps the JSON; its meaning is the assistant's
    (``assistant.bodies.IssuerNames``). A cache: emptying it loses nothing."""

    __tablename__ = "issuer_names"
    issuer: Mapped[str] = mapped_column(String(200), primary_key=True)
    version: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict] = mapped_column(JSON)


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


class CellValue(NamedTuple):
    """One cell's figure as a ranking reads it (see :meth:`FactStore.cell_values`)."""

    report_id: str
    table: str
    row_id: str
    value_text: str
    status: str


def _enforce_foreign_keys(dbapi_connection, _record) -> None:  # noqa: ANN001 - a DB-API connection
    dbapi_connection.execute("PRAGMA foreign_keys=ON")


class FactStore:
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
            ReportRow(
                id=rid,
                content_hash=m.content_hash,
                title=m.title,
                issuer=m.issuer,
                year=m.report_year,
                generation=m.generation,
                province=m.regions.get("province", ""),
                city=m.regions.get("city", ""),
                county=m.regions.get("county", ""),
                town=m.regions.get("town", ""),
                published=m.published,
                signature_date=m.signature_date,
                stat_start=m.stat_start,
                stat_end=m.stat_end,
                compiled_by=m.compiled_by,
                source_path=m.source_path,
                source_format=m.source_format,
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
            session.add(
                SectionRow(
                    report_id=rid,
                    idx=i,
                    sid=sec.sid,
                    level=sec.level,
                    title=sec.title,
                    path=sec.path,
                    start=sec.start,
                    end=sec.end,
                )
            )
        for t in report.tables:
            session.add(
                TableRow(
                    report_id=rid,
                    table=t.table,
                    generation=t.generation,
                    status=t.status,
                    reasons=t.reasons,
                    start=t.start,
                    end=t.end,
                )
            )
            for c in t.cells:
                session.add(
                    CellRow(
                        report_id=rid,
                        table=c.table,
                        row_id=c.row_id,
                        col_id=c.col_id,
                        value_text=_decimal_text(c.value),
                        value=float(c.value) if c.value is not None else None,
                        raw=c.raw,
                        status=c.status,
                        unit=c.unit,
                        method=c.method,
                        start=c.start,
                        end=c.end,
                        candidates=[format_value(v) for v in c.candidates],
                        note=c.note,
                    )
                )
                if c.confidence is not None:
                    session.add(
                        OcrCellRow(
                            report_id=rid, table=c.table, row_id=c.row_id, col_id=c.col_id, confidence=c.confidence
                        )
                    )
        for f in [*report.figures, *report.stated]:
            session.add(
                FigureRow(
                    report_id=rid,
                    metric=f.metric,
                    label=f.label,
                    value_text=format_value(f.value),
                    value=float(f.value),
                    unit=f.unit,
                    qualifier=f.qualifier,
                    quote=f.quote,
                    start=f.start,
                    end=f.end,
                    value_start=f.value_start,
                    value_end=f.value_end,
                    section=f.section,
                    compare_to=f.compare_to,
                    scope=f.scope,
                )
            )

    def _add_discrepancies(self, session: Session, report: ParsedReport) -> None:
        for d in report.discrepancies:
            session.add(
                DiscrepancyRow(
                    report_id=report.id,
                    cell=d.cell,
                    table_value=format_value(d.table_value),
                    text_value=format_value(d.text_value),
                    metric=d.metric,
                    quote=d.quote,
                    start=d.start,
                    end=d.end,
                    scope=d.scope,
                )
            )

    def add_chunks(self, session: Session, chunks: list) -> None:
        for c in chunks:
            session.add(
                ChunkRow(
                    id=c.id,
                    report_id=c.report_id,
                    text=c.text,
                    embed_text=c.embed_text,
                    section=c.section_path,
                    sid=c.sid,
                    start=c.start,
                    end=c.end,
                    tokens=" ".join(tokenize(c.embed_text)),
                )
            )

    def chunks(self) -> list[ChunkRow]:
        """Every passage of the visible reports (tests, repairs: never on a request's path)."""
        with self.Session() as s:
            ready = select(ReportRow.id).where(ReportRow.state == READY)
            q = select(ChunkRow).where(ChunkRow.report_id.in_(ready)).order_by(ChunkRow.report_id, ChunkRow.start)
            return list(s.scalars(q))

    def passages(self, ids: list[str]) -> list[tuple[ChunkRow, str, int | None]]:
        """These passages of visible reports, each with its report's issuer and year (a search's hits)."""
        if not ids:
            return []
        # two reads by primary key: as one join, SQLite drove it from the state index of reports and
        # walked every visible report's passages (0.6 s a search at 10k reports)
        with self.Session() as s:
            chunks = list(s.scalars(select(ChunkRow).where(ChunkRow.id.in_(ids))))
            rids = sorted({c.report_id for c in chunks})
            q = select(ReportRow.id, ReportRow.issuer, ReportRow.year).where(
                ReportRow.id.in_(rids), ReportRow.state == READY
            )
            visible = {rid: (issuer, year) for rid, issuer, year in s.execute(q)}
            return [(c, *visible[c.report_id]) for c in chunks if c.report_id in visible]

    def chunk_count(self) -> int:
        with self.Session() as s:
            return int(s.scalar(select(func.count()).select_from(ChunkRow)) or 0)

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
    def register_writer(self, writer_id: str, host: str, pid: int) -> None:
        with self.Session() as s:
            s.merge(WriterRow(id=writer_id, host=host, pid=pid, heartbeat=datetime.now(UTC)))
            s.commit()

    def heartbeat(self, writer_id: str) -> None:
        with self.Session() as s:
            row = s.get(WriterRow, writer_id)
            if row is not None:
                row.heartbeat = datetime.now(UTC)
                s.commit()

    def forget_writer(self, writer_id: str) -> None:
        with self.Session() as s:
            s.execute(delete(WriterRow).where(WriterRow.id == writer_id))
            s.commit()

    def pending_writers(self) -> dict[str, WriterRow | None]:
        """Each pending report's writer (None: unknown, e.g. staged by an older version)."""
        with self.Session() as s:
            pending = list(s.scalars(select(ReportRow.id).where(ReportRow.state == PENDING)))
            owners = {p.report_id: p.writer_id for p in s.scalars(select(PendingRow))}
            writers = {w.id: w for w in s.scalars(select(WriterRow))}
            return {rid: writers.get(owners.get(rid, "")) for rid in pending}

    def owe(self, key: str, owed: bool = True) -> None:
        with self.Session() as s:
            if owed:
                s.merge(MaintenanceRow(key=key, value=datetime.now(UTC).isoformat()))
            else:
                s.execute(delete(MaintenanceRow).where(MaintenanceRow.key == key))
            s.commit()

    def owed(self, key: str) -> bool:
        with self.Session() as s:
            return s.get(MaintenanceRow, key) is not None

    def body_names(self) -> dict[str, list[BodyName]]:
        """Report id -> the other names it gives its issuer, for every visible report."""
        with self.Session() as s:
            ready = select(ReportRow.id).where(ReportRow.state == READY)
            out: dict[str, list[BodyName]] = {}
            for row in s.scalars(select(NameRow).where(NameRow.report_id.in_(ready))):
                out.setdefault(row.report_id, []).append(BodyName(NameKind(row.kind), row.name, row.source))
            return out

    def issuer_names(self, version: str) -> dict[str, dict]:
        """Issuer -> what was derived from its name by code of ``version`` (``IssuerNamesRow``)."""
        with self.Session() as s:
            q = select(IssuerNamesRow.issuer, IssuerNamesRow.data).where(IssuerNamesRow.version == version)
            return {issuer: data for issuer, data in s.execute(q)}

    def keep_issuer_names(self, version: str, derived: dict[str, dict]) -> None:
        """Store what was derived from these issuers' names, replacing what older code derived. A cache
        shared by the app servers of one database: one that cannot write (a read-only role) or loses a
        race only leaves the next server to derive them again."""
        if not derived:
            return
        upsert = (postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(IssuerNamesRow)
        upsert = upsert.on_conflict_do_update(
            index_elements=[IssuerNamesRow.issuer],
            set_={"version": upsert.excluded.version, "data": upsert.excluded.data},
        )
        rows = [{"issuer": i, "version": version, "data": d} for i, d in derived.items()]
        try:
            with self.engine.begin() as conn:
                for start in range(0, len(rows), 2000):
                    conn.execute(upsert, rows[start : start + 2000])
        except DBAPIError as err:
            log.warning("issuer names not stored (the next server derives them again): %s", err)

    # ---- provenance and crawl state -----------------------------------------
    def add_source(self, session: Session, report_id: str, url: str, fetched_at: datetime, page_url: str = "") -> None:
        """Record that ``report_id`` was fetched from ``url`` (once per URL)."""
        q = select(SourceRow.id).where(SourceRow.report_id == report_id, SourceRow.url == url)
        if session.scalar(q) is None:
            session.add(SourceRow(report_id=report_id, url=url, page_url=page_url, fetched_at=fetched_at))

    def sources(self, report_ids: list[str] | None = None) -> dict[str, list[SourceRow]]:
        """Report id -> where it was fetched from, first fetch first."""
        with self.Session() as s:
            q = select(SourceRow).order_by(SourceRow.fetched_at, SourceRow.id)
            if report_ids is not None:
                q = q.where(SourceRow.report_id.in_(report_ids))
            out: dict[str, list[SourceRow]] = {}
            for row in s.scalars(q):
                out.setdefault(row.report_id, []).append(row)
            return out

    def crawl_url(self, key: str) -> CrawlUrlRow | None:
        with self.Session() as s:
            return s.get(CrawlUrlRow, key)

    def crawl_urls_with_hash(self, content_hash: str) -> list[CrawlUrlRow]:
        with self.Session() as s:
            return list(s.scalars(select(CrawlUrlRow).where(CrawlUrlRow.content_hash == content_hash)))

    def save_crawl_url(self, row: CrawlUrlRow) -> None:
        with self.Session() as s:
            s.merge(row)
            s.commit()

    def crawl_run(self, start_url: str) -> tuple[int, bool]:
        """The run to crawl ``start_url`` in: the unfinished one if the last was killed (resumed=True),
        else a new one."""
        with self.Session() as s:
            last = s.scalar(
                select(CrawlRunRow).where(CrawlRunRow.start_url == start_url).order_by(CrawlRunRow.id.desc()).limit(1)
            )
            if last is not None and last.finished is None:
                return last.id, True
            run = CrawlRunRow(start_url=start_url, started=datetime.now(UTC), summary={})
            s.add(run)
            s.commit()
            return run.id, False

    def finish_crawl_run(self, run_id: int, summary: dict) -> None:
        with self.Session() as s:
            s.execute(
                update(CrawlRunRow).where(CrawlRunRow.id == run_id).values(finished=datetime.now(UTC), summary=summary)
            )
            s.commit()

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

    def add_feedback(self, question: str, answer: str, liked: bool) -> None:
        with self.Session() as s:
            s.add(
                FeedbackRow(
                    question=question[:4000], answer=answer[:20000], liked=bool(liked), created=datetime.now(UTC)
                )
            )
            s.commit()

    def feedback(self) -> list[FeedbackRow]:
        with self.Session() as s:
            return list(s.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))

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

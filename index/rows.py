"""The facts store's tables as SQLAlchemy rows: one class a table, with its indexes. Read and written by
:class:`index.facts.FactStore` and its parts; imported elsewhere as records of what is stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple, TypeVar

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
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# a table id ("t2" … "legacy", ingest.schema.TABLE_TITLES) as stored; PostgreSQL enforces the length
TABLE_ID_LENGTH = 16

PENDING, READY, REPLACED = "pending", "ready", "replaced"


class Base(DeclarativeBase):
    pass


RowT = TypeVar("RowT", bound=Base)


def row_from(model: type[RowT], record: object, **given: Any) -> RowT:
    """A row of ``model`` made from the record a stage hands over (a parsed section, table, cell, figure,
    discrepancy, or a chunk): each column takes the record's field of the same name, ``given`` sets the
    rest and overrides (the report it belongs to, the forms the store keeps: exact decimal text, a float).
    The one place a record's fields are copied into a row, so a field both have is stored without a line
    written for it; a generated key (an integer primary key) is left to the database."""
    fields = dict(given)
    for column in model.__table__.columns:
        name = column.key
        if name in fields or (column.primary_key and isinstance(column.type, Integer)):
            continue
        if hasattr(record, name):
            fields[name] = getattr(record, name)
    return model(**fields)


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

    def summary(self) -> dict[str, Any]:
        """The report as a reader meets it, by the public names the API and the CLI give its fields (a
        catalog entry and a report's detail both start from these): region, format, the date as ISO text."""
        return {
            "id": self.id,
            "title": self.title,
            "issuer": self.issuer,
            "region": self.regions,
            "year": self.year,
            "published": self.published.isoformat() if self.published else None,
            "format": self.generation,
            "source_format": self.source_format,
            "flags": list(self.flags or []),
        }


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

    def reading(self) -> dict[str, Any]:
        """How the cell was read, by the public names (a report's detail and ``/api/facts`` both give
        these): the value as printed or None when the cell holds no number, its status, unit and method."""
        return {"value": self.value_text or None, "status": self.status, "unit": self.unit, "method": self.method}


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


class CellValue(NamedTuple):
    """One cell's figure as a ranking reads it (see :meth:`FactStore.cell_values`)."""

    report_id: str
    table: str
    row_id: str
    value_text: str
    status: str

"""Plain data passed between the ingest stages and into the index.

Every offset (``start``/``end``) points into :attr:`ParsedReport.text`, the cleaned report
text that is stored with the report, so a citation can always be opened at its passage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from ingest.schema import GEN_PRE2019


class CellStatus(StrEnum):
    """A cell's status (§8): a printed number, an empty cell, a null marker, a value whose position was
    lost in the source, or a value with several readings. Stored and serialised as its value."""

    NUMBER = "number"
    BLANK = "blank"
    DASH = "dash"
    MISSING = "missing"
    AMBIGUOUS = "ambiguous"

    @property
    def unread(self) -> bool:
        """A standard-table cell the reader could not settle: what a version's quality counts."""
        return self in (CellStatus.AMBIGUOUS, CellStatus.MISSING)


class TableStatus(StrEnum):
    """A table's status (issue "every form", part 3). The questions asked of it differ on purpose, and each
    is answered here once: whether its relations hold, whether a reader must be warned, whether ingestion
    flags it."""

    VERIFIED = "verified"  # every cell read and every checking relation holds
    REPAIRED = "repaired"  # positions or splits recovered by the checking relations
    AMBIGUOUS = "ambiguous"  # some cells have several readings
    INCONSISTENT = "inconsistent"  # a checking relation fails, or cells could not be placed
    UNCHECKED = "unchecked"  # read completely, but the table has no checking relation (T2)

    @property
    def holds(self) -> bool:
        """Its checking relations hold (as printed, or with positions they recovered): its number cells
        are confirmed by them."""
        return self in (TableStatus.VERIFIED, TableStatus.REPAIRED)

    @property
    def needs_warning(self) -> bool:
        """A reader of one of its figures must be told: a cell may be undecided, or the table fails its
        checks. (An undecided cell is said with its candidates; a failing table with its reasons.)"""
        return needs_warning(self)

    @property
    def flagged(self) -> bool:
        """What ingestion lists among a report's flags: anything but read as printed (repaired included)."""
        return self not in (TableStatus.VERIFIED, TableStatus.UNCHECKED)


def needs_warning(status: str) -> bool:
    """:attr:`TableStatus.needs_warning` of a status as stored (a figure from a sentence has none: "")."""
    return status in (TableStatus.AMBIGUOUS, TableStatus.INCONSISTENT)


# the names the stages have always used
NUMBER, BLANK, DASH, MISSING, AMBIGUOUS = CellStatus
VERIFIED = TableStatus.VERIFIED
REPAIRED = TableStatus.REPAIRED
AMBIGUOUS_TABLE = TableStatus.AMBIGUOUS
INCONSISTENT = TableStatus.INCONSISTENT
UNCHECKED = TableStatus.UNCHECKED


@dataclass
class Cell:
    table: str  # t2 | t3 | t4
    row_id: str
    col_id: str
    value: Decimal | None
    status: CellStatus
    raw: str = ""
    unit: str | None = None
    method: str = "text_row"  # text_row | placed | segmented | derived | html_grid | pdf_row | ocr ...
    start: int | None = None
    end: int | None = None
    candidates: list[Decimal] = field(default_factory=list)
    note: str = ""
    confidence: float | None = None  # the recogniser's confidence in the figure, for a cell read by OCR

    @property
    def id(self) -> str:
        return f"{self.row_id}:{self.col_id}"


@dataclass
class Table:
    table: str
    generation: str
    status: TableStatus
    reasons: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    start: int | None = None
    end: int | None = None

    def cell(self, cell_id: str) -> Cell | None:
        for c in self.cells:
            if c.id == cell_id:
                return c
        return None


@dataclass
class Figure:
    """A figure stated in a sentence of the report."""

    metric: str  # canonical prose metric, e.g. "text.applications_received"
    label: str  # the report's own words for what is counted
    value: Decimal
    unit: str | None
    quote: str  # the whole sentence
    start: int  # sentence offsets
    end: int
    value_start: int
    value_end: int
    qualifier: str = ""  # "余", "近", "多" ... when the report gives an approximate figure
    section: str = ""
    compare_to: str | None = None  # the table cell that measures the same thing, if any
    scope: str = ""  # the report's own statement of whose applications are counted


@dataclass
class Discrepancy:
    """A figure the text states for something a table cell also counts, with a different value."""

    cell: str  # canonical cell id
    table_value: Decimal
    text_value: Decimal
    metric: str
    quote: str
    start: int
    end: int
    scope: str = ""


@dataclass
class Section:
    sid: str  # canonical s1..s6 where the title matches, else "" (pre-2019 parts, sub-sections)
    level: int  # 0 preamble, 1 一、, 2 (一), 3 1.
    title: str
    path: str  # "三、收到和处理… > (一)…"
    start: int
    end: int


class NameKind(StrEnum):
    """How a report names its body besides the issuer chosen: what ties a renamed body's years together."""

    WRITTEN = "written"  # another name the report itself gives (a signature keeping the old name after a renaming)
    COLUMN_OWNER = "column_owner"  # the body whose portal column holds the report (its breadcrumb): today's name
    COLUMN = "column"  # the portal column's address: the same for every year of one body, whatever its name
    SHORT = "short"  # "（以下简称“交建局”）": the short form the report itself introduces


@dataclass(frozen=True)
class BodyName:
    kind: NameKind
    name: str
    source: str  # where it was read: signature, publisher, breadcrumb, 原文链接 …


@dataclass
class ReportMeta:
    title: str
    issuer: str
    report_year: int | None
    regions: dict[str, str] = field(default_factory=dict)  # province/city/county/town -> name
    published: date | None = None
    signature_date: date | None = None
    stat_start: date | None = None
    stat_end: date | None = None
    generation: str = GEN_PRE2019
    compiled_by: str = ""
    content_hash: str = ""
    source_path: str = ""
    source_format: str = "txt"
    issuer_raw: str = ""  # the issuer as the sources wrote it, when normalisation changed it
    issuer_sources: list[str] = field(default_factory=list)  # where the issuer was read: title, header, intro …
    year_sources: list[str] = field(default_factory=list)
    names: list[BodyName] = field(default_factory=list)  # other names of the issuer the report gives


@dataclass(frozen=True)
class Origin:
    """Where a file was fetched from, when a crawl brought it: stored with the report, shown in citations."""

    url: str
    fetched_at: datetime
    page_url: str = ""  # the detail page that linked an attachment


@dataclass
class ParsedReport:
    meta: ReportMeta
    text: str
    sections: list[Section]
    tables: list[Table]
    figures: list[Figure]  # figures of the known metrics, checked against the tables (text.applications_received…)
    flags: list[str] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    stated: list[Figure] = field(default_factory=list)  # every other figure a sentence states (text.stated)

    @property
    def id(self) -> str:
        return self.meta.content_hash[:16]

    def section_at(self, offset: int) -> Section | None:
        """The deepest section containing ``offset``."""
        best = None
        for s in self.sections:
            if s.start <= offset < s.end and (best is None or s.level >= best.level):
                best = s
        return best

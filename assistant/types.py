"""What an answer is made of: its status, citations, stated figures and the values they come from.

Plain data passed from the handlers (:mod:`assistant.kinds_figures`, :mod:`assistant.kinds_text`)
to the phrasing and on to every front end; the API serialises these shapes as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from index.facts import ReportRow
from ingest.model import CellStatus


class AnswerStatus(StrEnum):
    ANSWERED = "answered"
    PARTIAL = "partial"  # some reports answer, or only passages where a figure was asked
    NOT_FOUND = "not_found"


ANSWERED, PARTIAL, NOT_FOUND = AnswerStatus.ANSWERED, AnswerStatus.PARTIAL, AnswerStatus.NOT_FOUND


@dataclass
class Citation:
    id: str
    report_id: str
    issuer: str
    year: int | None
    section: str
    quote: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None  # PDF page of the quoted passage
    url: str | None = None  # where the report was fetched from (a crawl), to open the original
    fetched: str | None = None  # when it was fetched (YYYY-MM-DD)


@dataclass
class Fact:
    """A figure the answer states, and where it comes from."""

    report_id: str
    issuer: str
    year: int | None
    metric: str
    label: str
    value: str
    unit: str
    citation: str
    source: str  # table | text | computed | metadata
    table_status: str = ""  # the status of the table the cell is in (verified, repaired, inconsistent …)
    note: str = ""  # how the figure was read, when a reader should know ("cell boundaries lost; fixed by the sums")
    formula: str = ""  # how a computed figure was obtained ("1362 ÷ 3050 × 100")


@dataclass
class SeriesPoint:
    """One point of a figure over the years, for the chart an answer shows beside its lines."""

    label: str  # the year, as the chart labels its bar
    value: str | None  # the figure as a plain number ("3119"), None where the year has none
    text: str  # as printed, with its unit ("3119件")
    citation: str
    year: int | None = None  # the statistics year, as a number for API clients that plot it


@dataclass
class Answer:
    answer: str
    status: AnswerStatus
    citations: list[Citation] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    language: str = "zh"
    # exact: the deterministic text; generative: a model's rephrasing that passed the guard;
    # exact_fallback: a model was asked but its reply failed the guard (or the model failed)
    mode: str = "exact"
    # how the question was read ("no 2021 report; the 2020 report published in 2021 is used"): a
    # rephrased answer must carry these verbatim, so the generative mode puts them before the reply
    notes: list[str] = field(default_factory=list)
    # the bodies the question's name could mean, when it fits several: the chat offers them as choices
    candidates: list[str] = field(default_factory=list)
    # one body's figure over its years (a trend question): what the chat draws as a chart
    series: list[SeriesPoint] = field(default_factory=list)
    series_title: str = ""  # what the series is ("…交通与建设局历年“行政复议”"): the chart's text alternative names it

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        return d


@dataclass
class Value:
    """A figure for a metric in one report, with the citation that backs it."""

    report: ReportRow
    value: Decimal | None
    text: str
    unit: str
    source: str  # table | text
    citation: str
    label: str
    table_status: str = ""
    note: str = ""
    status: str = CellStatus.NUMBER  # the cell's status (ingest.model.CellStatus), as stored
    candidates: list[str] = field(default_factory=list)
    scope: str = ""
    metric_id: str = ""

    # a table figure's label is "row · column" (values.py writes it so); its two parts, read here once
    @property
    def row_label(self) -> str:
        return self.label.split(" · ")[0]

    @property
    def column_label(self) -> str:
        return self.label.split(" · ")[-1]

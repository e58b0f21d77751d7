"""The answer being written: numbered citations, stated figures and lines in the asker's language.

Handlers register what they found here (``cite``, ``facts``) and say it through
:mod:`assistant.phrasing`, whose functions give each line in Chinese and in English side by side;
``done`` closes the answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from assistant import phrasing as say
from assistant.types import ANSWERED, PARTIAL, Answer, AnswerStatus, Citation, Fact, SeriesPoint
from index.collection import Collection
from index.facts import ReportRow
from ingest.normalize import format_value

SHOWN = 20  # lines a list in a chat answer shows; the rest is counted and pointed to (a national
# collection ranks thousands of reports, and each shown line is a citation read from its report)


class Composer:
    """Collects facts and numbered citations while an answer is written."""

    def __init__(self, lang: str, collection: Collection) -> None:
        self.lang = lang
        self.coll = collection
        self.citations: list[Citation] = []
        self.facts: list[Fact] = []
        self.lines: list[str] = []
        self.fallback = False  # answered from another reading of the question (publication year)
        self.incomplete = False  # a body asked about could not be answered (no report for the year): partial
        self.lacking: set[str] = set()  # reports whose format has no such row or column at all
        self.held_open: set[str] = set()  # reports whose asked cell is ambiguous or unreadable (said so)
        self.notes: list[str] = []
        self.candidates: list[str] = []  # bodies the question's name could mean: offered to pick from
        # one body's figure over its years, for a chart: (year, value, printed figure, citation id)
        self.series: list[tuple[str, Decimal | None, str, str]] = []
        self.series_title = ""  # what the series is, in the asker's language
        self._numbers: dict[tuple[str, Any, Any], str] = {}  # (report, start, quote) -> its number

    def cite(self, report: ReportRow, **kw: Any) -> str:
        key = (report.id, kw.get("start"), kw.get("quote"))
        if key in self._numbers:  # one number per passage (a dict: an answer may cite hundreds)
            return self._numbers[key]
        cid = self._numbers[key] = str(len(self.citations) + 1)
        start = kw.get("start")
        if report.source_format == "pdf" and start is not None:
            kw["page"] = self.coll.facts.text(report.id).count("\f", 0, start) + 1
        origin = self.coll.origin(report.id)
        if origin is not None:
            kw["url"], kw["fetched"] = origin.url, origin.fetched_at.date().isoformat()
        self.citations.append(Citation(id=cid, report_id=report.id, issuer=report.issuer, year=report.year, **kw))
        return cid

    def say(self, zh: str, en: str) -> None:
        self.lines.append(zh if self.lang == "zh" else en)

    def note(self, zh: str, en: str) -> None:
        """Say how the question was read; kept apart so that no rephrasing can drop it."""
        self.say(zh, en)
        self.notes.append(self.lines[-1])

    def done(self, status: AnswerStatus) -> Answer:
        if (self.fallback or self.incomplete) and status == ANSWERED:
            status = PARTIAL
        if self.candidates:
            self.say(*say.candidates(self.candidates))
        return Answer(
            "\n".join(self.lines),
            status,
            self.citations,
            self.facts,
            self.lang,
            notes=self.notes,
            candidates=self.candidates,
            series=[
                SeriesPoint(
                    label, format_value(v) if v is not None else None, text, c, int(label) if label.isdigit() else None
                )
                for label, v, text, c in self.series
            ],
            series_title=self.series_title,
        )

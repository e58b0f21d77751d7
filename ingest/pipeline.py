"""From raw report text to a :class:`ParsedReport`: the one entry point of the ingest stage.

Pure: text in, data out. Reading files (and their encodings and formats) is
:mod:`ingest.loaders`' job, so every step here can be tested on strings.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from datetime import date

from ingest.budget import check
from ingest.clean import clean
from ingest.derive import add_derived
from ingest.figures import extract_figures, extract_stated
from ingest.metadata import (
    COMPILED_BY,
    body_names,
    detect_generation,
    identify,
    looks_like_report,
    normalize_issuer,
    parse_period,
    parse_published,
    parse_signature_date,
    regions_of,
)
from ingest.model import Discrepancy, Figure, ParsedReport, ReportMeta, Table, TableStatus
from ingest.normalize import format_value
from ingest.ocr import OcrPage
from ingest.ocr_guard import guard as guard_ocr_table
from ingest.sections import split_sections
from ingest.tables import read_tables


class NotAReportError(ValueError):
    """The text does not read as a government information disclosure annual report."""


class MissingMetadataError(NotAReportError):
    """A report whose issuer or year no source gives: the message names the override to use."""


def parse_report(
    raw: str,
    source_path: str = "",
    source_format: str = "txt",
    content: bytes | None = None,
    issuer: str | None = None,
    year: int | None = None,
    source_url: str = "",
    ocr: tuple[OcrPage, ...] = (),
) -> ParsedReport:
    """Parse one report. ``issuer``/``year`` override what the text says (``gongkai ingest --issuer``);
    ``source_url``, where a crawl fetched it, stands in for a crawler header's 原文链接 (the portal
    column it names links a body's years). ``ocr``: the pages the loader read by OCR, whose cells are
    marked as read so and carry the recogniser's confidence."""
    cleaned = clean(raw)
    fields = (
        cleaned.fields
        if cleaned.fields.get("原文链接") or cleaned.fields.get("原始链接") or not source_url
        else {**cleaned.fields, "原文链接": source_url}
    )
    text = cleaned.text
    if not looks_like_report(cleaned.header + "\n" + text):
        raise NotAReportError(
            "not a government information disclosure report (no sign of 信息公开 reporting in the text)"
        )
    stat_start, stat_end = parse_period(text)
    ident = identify(
        cleaned.title,
        cleaned.fields,
        cleaned.header,
        text,
        source_path,
        stat_start.year if stat_start else None,
        issuer,
        year,
    )
    if not ident.issuer:
        raise MissingMetadataError(
            "no issuer found in the title, header, introduction or signature; give it with --issuer (upload form: issuer)"
        )
    if ident.year is None:
        raise MissingMetadataError(
            "no report year found in the title, statistics period or file name; give it with --year (upload form: year)"
        )
    name, name_notes = normalize_issuer(ident.issuer, raw)
    generation = detect_generation(text, ident.year)
    m = COMPILED_BY.search(cleaned.header)
    title = ident.title or f"{ident.issuer}{ident.year}年政府信息公开工作年度报告"
    meta = ReportMeta(
        title=title,
        issuer=name,
        issuer_raw=ident.issuer if name != ident.issuer else "",
        report_year=ident.year,
        regions=regions_of(name, raw),
        published=parse_published(cleaned.header, text),
        signature_date=parse_signature_date(text),
        stat_start=stat_start,
        stat_end=stat_end,
        generation=generation,
        compiled_by=m.group(1) if m else "",
        content_hash=hashlib.sha256(content if content is not None else raw.encode("utf-8")).hexdigest(),
        source_path=source_path,
        source_format=source_format,
        issuer_sources=ident.issuer_sources,
        year_sources=ident.year_sources,
        names=body_names(ident, name, cleaned.header, fields, text),
    )
    check()
    sections = split_sections(text, generation)
    check()
    figures = extract_figures(text, sections)
    check()
    stated = frozenset(f.value for f in figures if f.metric == "text.proactive_items" and not f.qualifier)
    tables = read_tables(text, sections, generation, stated)
    if ocr:  # before the sums are derived: a sum of a suspect cell is not known either
        mark_ocr_cells(text, tables, ocr)
        for t in tables:
            guard_ocr_table(t)
    tables = [add_derived(t) for t in tables]
    # a table's numbers are its cells, not figures stated in sentences (one-value-per-line tables would
    # otherwise glue a row's cells into one "figure")
    stated = [
        f
        for f in extract_stated(text, sections)
        if not any(t.start is not None and t.end and t.start <= f.value_start < t.end for t in tables)
    ]
    discrepancies = text_vs_table(tables, figures)
    flags = name_notes + [
        f"text says {format_value(d.text_value)} where {d.cell} is {format_value(d.table_value)}" for d in discrepancies
    ]
    if meta.signature_date and ident.year and meta.signature_date < date(ident.year, 12, 31):
        flags.append(f"signature date {meta.signature_date.isoformat()} is before the end of report year {ident.year}")
    if stat_start is not None and stat_start.year != ident.year:
        flags.append(f"report year {ident.year} differs from statistics period {stat_start.isoformat()}")
    if ocr:
        flags.append(f"pages {', '.join(str(p.number) for p in ocr)} read by OCR")
    for t in tables:
        if TableStatus(t.status).flagged:
            flags.append(f"{t.table}: {t.status}")
    return ParsedReport(meta, text, sections, tables, figures, flags, discrepancies, stated)


def text_vs_table(tables: list[Table], figures: list[Figure]) -> list[Discrepancy]:
    """Check relation 6 (§9): prose figures against the cells that count the same thing. Warnings, not errors."""
    cells = {c.id: c for t in tables for c in t.cells}
    out = []
    for f in figures:
        cell = cells.get(f.compare_to or "")
        if cell is None or cell.value is None or f.qualifier:
            continue  # no such cell, cell unknown, or an approximate "800余" figure
        if cell.value != f.value:
            out.append(Discrepancy(cell.id, cell.value, f.value, f.metric, f.quote, f.start, f.end, f.scope))
    return out


_FIGURE = re.compile(r"\d[\d,.]*")


def mark_ocr_cells(text: str, tables: list[Table], pages: tuple[OcrPage, ...]) -> None:
    """Cells read from a page the loader OCR'd get method ``ocr`` and the confidence of their figure:
    the n-th of a line's figures is the n-th the recogniser read on that line (lines compared without
    spaces: cleaning may change them); else the page's lowest. A derived cell (a sum) keeps its method:
    no figure of the page is its own (sums are derived after this)."""
    by_page = {p.number: {"".join(line.text.split()): line.figures for line in p.lines} for p in pages}
    breaks = [i for i, ch in enumerate(text) if ch == "\f"]  # page n starts after the (n-1)-th form feed
    for table in tables:
        for cell in table.cells:
            if cell.start is None or cell.method == "derived":
                continue
            page = bisect.bisect_left(breaks, cell.start) + 1
            if page not in by_page:
                continue
            cell.method = "ocr"
            line_start = text.rfind("\n", 0, cell.start) + 1
            line_end = text.find("\n", cell.start)
            line = text[line_start : line_end if line_end != -1 else len(text)]
            scores = by_page[page].get("".join(line.split()))
            # the recognised figures are the line's last ones: a label's own digits ("1.属于…") come first
            index = len(_FIGURE.findall(text[line_start : cell.start])) - (
                len(_FIGURE.findall(line)) - len(scores or ())
            )
            if scores and 0 <= index < len(scores):
                cell.confidence = scores[index]
            elif by_page[page]:
                cell.confidence = min((s for figs in by_page[page].values() for s in figs), default=None)

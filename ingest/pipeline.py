"""From raw report text to a :class:`ParsedReport`: the one entry point of the ingest stage.

Pure: text in, data out. Reading files (and their encodings and formats) is
:mod:`ingest.loaders`' job, so every step here can be tested on strings.
"""

from __future__ import annotations

import hashlib
from datetime import date

from ingest.budget import check
from ingest.clean import clean
from ingest.derive import add_derived
from ingest.figures import extract_figures
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
from ingest.model import Discrepancy, Figure, ParsedReport, ReportMeta, Table
from ingest.normalize import format_value
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
) -> ParsedReport:
    """Parse one report. ``issuer``/``year`` override what the text says (``gongkai ingest --issuer``);
    ``source_url``, where a crawl fetched it, stands in for a crawler header's 原文链接 (the portal
    column it names links a body's years)."""
    cleaned = clean(raw)
    fields = (
        cleaned.fields
        if cleaned.fields.get("原文链接") or not source_url
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
    tables = [add_derived(t) for t in read_tables(text, sections, generation, stated)]
    discrepancies = text_vs_table(tables, figures)
    flags = name_notes + [
        f"text says {format_value(d.text_value)} where {d.cell} is {format_value(d.table_value)}" for d in discrepancies
    ]
    if meta.signature_date and ident.year and meta.signature_date < date(ident.year, 12, 31):
        flags.append(f"signature date {meta.signature_date.isoformat()} is before the end of report year {ident.year}")
    if stat_start is not None and stat_start.year != ident.year:
        flags.append(f"report year {ident.year} differs from statistics period {stat_start.isoformat()}")
    for t in tables:
        if t.status not in ("verified", "unchecked"):
            flags.append(f"{t.table}: {t.status}")
    return ParsedReport(meta, text, sections, tables, figures, flags, discrepancies)


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

"""``gongkai audit``: what ingestion makes of every file of a corpus, with no gold answers needed.

For each file: would it be ingested, or why not; issuer and year with the sources that gave them;
the format generation; for each standard table whether it was found, its status, and how its
cells were read (as printed, placed, segmented, ambiguous, lost); the prose figures that disagree
with a table. The tables' own checking relations are the test, so this works on any corpus a
user brings — it is the first thing to run on a new collection. Nothing is stored.

The records are data (:class:`FileAudit`, :class:`CorpusAudit`); the CLI renders them as text or
JSON. Two files of the same issuer and year (an HTML page and its crawled text) are compared cell
by cell, since the same report must give the same cells whatever its form.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path

from ingest.loaders import LoadError, expand_paths, load
from ingest.metadata import same_body
from ingest.model import AMBIGUOUS, BLANK, DASH, MISSING, NUMBER, REPAIRED, VERIFIED, ParsedReport
from ingest.normalize import format_value
from ingest.pipeline import NotAReportError, parse_report

STANDARD_TABLES = ("t2", "t3", "t4")


class Outcome(StrEnum):
    INGESTIBLE = "ingestible"
    REFUSED = "refused"


@dataclass
class TableAudit:
    table: str
    status: str
    cells: int
    as_printed: int  # read in place: a grid cell or a row with one number per cell
    placed: int  # position recovered among dropped blanks
    segmented: int  # split out of a glued digit run
    derived: int
    ambiguous: int
    lost: int  # missing: no reading fits
    blank: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class FileAudit:
    path: str
    outcome: Outcome
    reason: str = ""
    format: str = ""
    issuer: str = ""
    issuer_raw: str = ""
    issuer_sources: list[str] = field(default_factory=list)
    year: int | None = None
    year_sources: list[str] = field(default_factory=list)
    also_named: list[str] = field(default_factory=list)  # other names the report gives its body ("column_owner: …")
    generation: str = ""
    tables: dict[str, TableAudit] = field(default_factory=dict)
    missing_tables: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)  # prose figures that differ from a table cell
    expected: dict[str, str] = field(default_factory=dict)  # from a MANIFEST.tsv beside the files, if any
    matches_manifest: bool | None = None


@dataclass
class CrossForm:
    """The same report (issuer and year) read from two files: cells that differ."""

    issuer: str
    year: int | None
    files: list[str]
    compared: int
    differing: list[str]


@dataclass
class CorpusAudit:
    files: list[FileAudit]
    cross_forms: list[CrossForm]
    summary: dict[str, object]


def _table_audit(table) -> TableAudit:
    methods = Counter()
    statuses = Counter(c.status for c in table.cells)
    for c in table.cells:
        if c.status in (NUMBER, BLANK, DASH):
            methods[c.method] += 1
    return TableAudit(
        table.table,
        table.status,
        len(table.cells),
        methods["text_row"] + methods["html_grid"] + methods["pdf_row"],
        methods["placed"] + methods["expanded"] + methods["joined"],
        methods["segmented"],
        methods["derived"],
        statuses[AMBIGUOUS],
        statuses[MISSING],
        statuses[BLANK],
        list(table.reasons),
    )


def audit_report(path: str, report: ParsedReport, fmt: str) -> FileAudit:
    m = report.meta
    record = FileAudit(
        path,
        Outcome.INGESTIBLE,
        format=fmt,
        issuer=m.issuer,
        issuer_raw=m.issuer_raw,
        issuer_sources=list(m.issuer_sources),
        year=m.report_year,
        year_sources=list(m.year_sources),
        also_named=[f"{n.kind}: {n.name}" for n in m.names if n.kind != "column"],
        generation=m.generation,
    )
    for t in report.tables:
        record.tables[t.table] = _table_audit(t)
    if m.generation in ("2019", "2021"):
        record.missing_tables = [t for t in STANDARD_TABLES if t not in record.tables]
    record.disagreements = [
        f"{d.cell}: table {format_value(d.table_value)}, text {format_value(d.text_value)} ({d.quote[:60]})"
        for d in report.discrepancies
    ]
    return record


def _manifests(paths: list[Path]) -> dict[str, dict[str, str]]:
    """Rows of MANIFEST.tsv files in the folders given, keyed by resolved file path."""
    out: dict[str, dict[str, str]] = {}
    for p in paths:
        manifest = p / "MANIFEST.tsv" if p.is_dir() else None
        if manifest is None or not manifest.is_file():
            continue
        with manifest.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                name = row.get("local_file") or row.get("file") or ""
                if name:
                    out[str((p / name).resolve())] = row
    return out


def _cell_values(report: ParsedReport) -> dict[str, str]:
    """Every table cell, the pre-2019 statistics table's included: two forms of one report are compared
    on all they hold."""
    return {
        f"{t.table}/{c.id}": format_value(c.value) if c.value is not None else c.status
        for t in report.tables
        for c in t.cells
    }


def audit_paths(paths: list[str]) -> CorpusAudit:
    """Audit every supported file under ``paths`` (parse only; the collection is not touched)."""
    roots = [Path(p) for p in paths]
    manifest = _manifests(roots)
    files: list[FileAudit] = []
    cells_by_report: dict[tuple[str, int | None], list[tuple[str, dict[str, str]]]] = {}
    for path in expand_paths(roots):
        try:
            loaded = load(path)
            report = parse_report(loaded.text, str(path), loaded.format, loaded.content, ocr=loaded.ocr)
        except (LoadError, NotAReportError) as exc:
            files.append(FileAudit(str(path), Outcome.REFUSED, reason=str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one unreadable file never stops the audit of the rest
            files.append(
                FileAudit(str(path), Outcome.REFUSED, reason=f"could not read the file ({type(exc).__name__})")
            )
            continue
        record = audit_report(str(path), report, loaded.format)
        row = manifest.get(str(path.resolve()))
        if row and row.get("issuer"):
            record.expected = {"issuer": row.get("issuer", ""), "year": row.get("report_year", "")}
            record.matches_manifest = same_body(record.issuer, record.expected["issuer"]) and str(record.year) == str(
                record.expected["year"]
            )
        files.append(record)
        cells_by_report.setdefault((report.meta.issuer, report.meta.report_year), []).append(
            (str(path), _cell_values(report))
        )
    cross = []
    for (issuer, year), versions in cells_by_report.items():
        if len(versions) < 2:
            continue
        (first, a), *rest = versions
        for other, b in rest:
            keys = sorted(set(a) | set(b))
            differing = [f"{k}: {a.get(k, '—')} vs {b.get(k, '—')}" for k in keys if a.get(k) != b.get(k)]
            cross.append(CrossForm(issuer, year, [first, other], len(keys), differing))
    return CorpusAudit(files, cross, summarize(files, cross))


def summarize(files: list[FileAudit], cross: list[CrossForm]) -> dict[str, object]:
    ok = [f for f in files if f.outcome == Outcome.INGESTIBLE]
    standard = [t for f in ok if f.generation in ("2019", "2021") for k, t in f.tables.items() if k in ("t3", "t4")]
    good = [t for t in standard if t.status in (VERIFIED, REPAIRED)]
    statuses = Counter(f"{t.table}:{t.status}" for f in ok for t in f.tables.values())
    cells = Counter()
    for f in ok:
        for t in f.tables.values():
            cells.update(
                {
                    "as_printed": t.as_printed,
                    "placed": t.placed,
                    "segmented": t.segmented,
                    "derived": t.derived,
                    "ambiguous": t.ambiguous,
                    "lost": t.lost,
                }
            )
    checked = [f for f in ok if f.matches_manifest is not None]
    return {
        "files": len(files),
        "ingestible": len(ok),
        "refused": len(files) - len(ok),
        "generations": dict(Counter(f.generation for f in ok)),
        "t3_t4_tables": len(standard),
        "t3_t4_verified_or_repaired": len(good),
        "table_statuses": dict(sorted(statuses.items())),
        "cells": dict(cells),
        "with_text_disagreements": sum(1 for f in ok if f.disagreements),
        "manifest_checked": len(checked),
        "manifest_matches": sum(1 for f in checked if f.matches_manifest),
        "cross_form_pairs": len(cross),
        "cross_form_differing_cells": sum(len(c.differing) for c in cross),
    }


def as_json(audit: CorpusAudit) -> dict[str, object]:
    return asdict(audit)

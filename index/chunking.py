"""Section chunks for the vector index: a chunk never crosses a section, long ones split at sentence ends.

Each chunk's embedded text starts with the issuer, year and section path, so that a passage
about "依申请公开" in 东山县 2020 carries those words even when its sentences do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import ParsedReport
from ingest.normalize import format_value
from ingest.schema import TABLE_TITLES, column_label, row_label

MAX_CHARS = 400
MIN_CHARS = 60  # a shorter piece (a heading, a table caption) joins the next one
_SENT_END = re.compile(r"[。！？；;]\s*|\n\s*\n")


@dataclass
class Chunk:
    id: str
    report_id: str
    text: str  # the passage as it stands in the report
    embed_text: str  # what is embedded: context header + passage
    start: int
    end: int
    section_path: str
    sid: str


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) at sentence ends into pieces of at most MAX_CHARS (one long sentence stays whole)."""
    pieces: list[tuple[int, int]] = []
    cur = start
    last_cut = start
    for m in _SENT_END.finditer(text, start, end):
        if m.end() - cur > MAX_CHARS and last_cut - cur >= MIN_CHARS:
            pieces.append((cur, last_cut))
            cur = last_cut
        last_cut = m.end()
    if end - cur > MAX_CHARS and last_cut - cur >= MIN_CHARS and last_cut < end:
        pieces.append((cur, last_cut))
        cur = last_cut
    pieces.append((cur, end))
    return [(a, b) for a, b in pieces if text[a:b].strip()]


def chunk_report(report: ParsedReport) -> list[Chunk]:
    text = report.text
    spans: list[tuple[int, int, str, str]] = []
    secs = sorted(report.sections, key=lambda s: (s.start, s.level))
    for sec in secs:
        children = [s for s in secs if s.level > sec.level and sec.start <= s.start < sec.end]
        own_end = min([c.start for c in children], default=sec.end)
        body = text[sec.start : own_end].strip()
        first, _, rest = body.partition("\n")
        if len(first.strip()) <= len(sec.title.split(" > ")[-1]) + 2:
            body = rest.strip()  # drop a line that is only the heading
        if body:  # a heading alone is no passage: its children carry it in their path
            spans.append((sec.start, own_end, sec.path, sec.sid))
    if not spans:
        spans = [(0, len(text), "", "")]
    m = report.meta
    header_base = f"{m.issuer} {m.report_year or ''}年 政府信息公开工作年度报告"
    chunks: list[Chunk] = []
    for start, end, path, sid in spans:
        for a, b in _split(text, start, end):
            passage = text[a:b].strip()
            if not passage:
                continue
            chunks.append(
                Chunk(
                    id=f"{report.id}:{len(chunks)}",
                    report_id=report.id,
                    text=passage,
                    embed_text=f"{header_base} | {path}\n{passage}",
                    start=a,
                    end=b,
                    section_path=path,
                    sid=sid,
                )
            )
    return chunks


def table_row_chunks(report: ParsedReport, first_index: int) -> list[Chunk]:
    """Each table row as its own labelled passage ("表三 一、本年新收… 自然人 2 … 总计 2"), so a figure
    is findable by text too: flattened rows like "行政处罚2113行政强制0" defeat embeddings."""
    m = report.meta
    header_base = f"{m.issuer} {m.report_year or ''}年 政府信息公开工作年度报告"
    section_of = {"t2": "s2", "t3": "s3", "t4": "s4"}
    chunks: list[Chunk] = []
    for t in report.tables:
        rows: dict[str, list] = {}
        for c in t.cells:
            if c.method != "derived":
                rows.setdefault(c.row_id, []).append(c)
        sec = next((s for s in report.sections if s.level == 1 and s.sid == section_of.get(t.table)), None)
        path = sec.path if sec else TABLE_TITLES.get(t.table, t.table)
        for row_id, cells in rows.items():
            values = " ".join(
                f"{column_label(row_id, c.col_id, t.generation)} {format_value(c.value) if c.value is not None else '—'}"
                for c in cells
            )
            text = f"{TABLE_TITLES.get(t.table, t.table).split(' ')[0]} {row_label(row_id, t.generation)} {values}"
            starts = [c.start for c in cells if c.start is not None]
            ends = [c.end for c in cells if c.end is not None]
            chunks.append(
                Chunk(
                    id=f"{report.id}:{first_index + len(chunks)}",
                    report_id=report.id,
                    text=text,
                    embed_text=f"{header_base} | {path}\n{text}",
                    start=min(starts) if starts else (t.start or 0),
                    end=max(ends) if ends else (t.end or 0),
                    section_path=path,
                    sid=section_of.get(t.table, ""),
                )
            )
    return chunks

"""GET /api/export: every stored cell (or prose figure) as CSV or JSON Lines, streamed a page at a time
(``index.export``), with the filters of /api/facts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse

from index.collection import Collection
from index.export import ExportFilter, in_chunks, lines
from ui.deps import get_coll
from ui.routes.facts import metric_filter
from ui.schemas import READS

router = APIRouter()

MEDIA = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8"}


def export_filter(issuer: str | None, year: int | None, metric: str | None, column: str | None) -> ExportFilter:
    """The rows /api/facts would give for these filters (a prose-only metric has no cells, a cell metric
    without words in the text no figures), for the route and ``gongkai export`` alike."""
    row_id, col_id, prose = metric_filter(metric, column)
    return ExportFilter(
        issuer=issuer or None,
        year=year or None,
        row_id=row_id,
        col_id=col_id,
        prose=prose,
        cells=not (metric and prose and not row_id),
        figures=not metric or bool(prose),
    )


@router.get(
    "/api/export",
    responses={
        **READS,
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
            "description": "one line per cell (or figure), streamed; CSV in UTF-8 with a byte-order mark",
        },
    },
    response_class=StreamingResponse,
)
def api_export(
    coll: Annotated[Collection, Depends(get_coll)],
    fmt: Literal["csv", "jsonl"] = Query("csv", alias="format", description="csv (Excel opens it) or jsonl"),
    what: Literal["cells", "figures"] = Query(
        "cells", description="cells: every table cell; figures: the figures stated in sentences"
    ),
    issuer: str | None = Query(None, max_length=200, description="part of the issuer's name"),
    year: int | None = Query(None, ge=1990, le=2100),
    metric: str | None = Query(None, max_length=100, description="as /api/facts: a glossary key, cell or row id"),
    column: str | None = Query(None, max_length=64),
) -> StreamingResponse:
    """Open data: every stored cell of the reports that match, one row each (issuer, year, published,
    generation, table, row and column with their labels, value, status, method, table_status, source_url,
    report_id, candidates, unit), or the prose figures (what=figures). No filter: the whole collection."""
    coll.facts.catalog_version()  # the store answers before the reply starts (503 now, not a cut stream)
    name = f"gongkai-{what}.{fmt}"
    return StreamingResponse(
        in_chunks(lines(coll.facts, fmt, what, export_filter(issuer, year, metric, column))),
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )

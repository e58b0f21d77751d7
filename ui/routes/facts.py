"""The figures: GET /api/facts (stored cells and prose figures, filtered), /api/metrics (the glossary),
/api/compare (one metric across issuers and years, cited, paged)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query

from assistant.answer import values_for
from assistant.glossary import BY_KEY, METRICS
from index.collection import Collection
from index.facts import ReportRow
from ui.deps import get_coll
from ui.schemas import (
    COMPARE_PAGE,
    COMPARE_PAGE_MAX,
    NOT_FOUND,
    READS,
    UNAVAILABLE,
    CompareResponse,
    CompareRow,
    FactRow,
)

router = APIRouter()


@router.get("/api/facts", response_model=list[FactRow], responses={**READS, 404: NOT_FOUND})
def api_facts(
    coll: Annotated[Collection, Depends(get_coll)],
    issuer: str | None = None,
    year: int | None = None,
    metric: str | None = Query(
        None,
        description="a glossary key (see /api/metrics), a cell id like "
        "t3.new_received:total, a row id like t3.granted, or a prose metric like text.staff",
    ),
    column: str | None = None,
) -> list[FactRow]:
    """Stored table cells and prose figures, filtered: at least one of `issuer`, `year`, `metric` (else
    422; the unfiltered store is hundreds of thousands of rows); each with its status and where it
    stands in the text."""
    return facts_rows(coll, issuer, year, metric, column)


def metric_filter(metric: str | None, column: str | None) -> tuple[str | None, str | None, str | None]:
    """(row id, column id, prose metric) that ``metric`` and ``column`` name, as /api/facts reads them:
    a glossary key, a cell id ``row:col``, a row id, or a prose metric ``text.…`` (also for the export)."""
    row_id = col_id = prose = None
    if metric in BY_KEY:
        m = BY_KEY[metric]
        cell = m.cell_id()
        row_id, col_id = cell.split(":") if cell else (None, None)
        prose = m.prose[0] if m.prose else None
    elif metric and metric.startswith("text."):
        prose = metric
    elif metric:
        row_id, _, col_id = metric.partition(":")
        col_id = col_id or None
    return row_id, column or col_id, prose


def facts_rows(
    coll: Collection, issuer: str | None, year: int | None, metric: str | None, column: str | None
) -> list[FactRow]:
    """What /api/facts and the MCP tool ``facts`` return (422 without a filter, 404 without a report)."""
    if not (issuer or year or metric):
        raise HTTPException(status_code=422, detail="give at least one of issuer, year or metric")
    reports = [r for r in coll.reports() if (not issuer or issuer in r.issuer) and (not year or r.year == year)]
    if not reports:
        raise HTTPException(status_code=404, detail="no report matches that issuer and year")
    by_id = {r.id: r for r in reports}
    row_id, col_id, prose = metric_filter(metric, column)
    statuses = coll.facts.table_statuses()
    out: list[FactRow] = []
    if not (metric and prose and not row_id):
        cells = coll.facts.cells(list(by_id), row_id, col_id)
        confidence = coll.facts.ocr_confidence(sorted({c.report_id for c in cells if c.method == "ocr"}))
        for c in cells:
            r = by_id[c.report_id]
            out.append(
                FactRow(
                    **_whose(r),
                    **c.reading(),
                    metric=c.cell_id,
                    label=c.row_id,
                    confidence=confidence.get((c.report_id, c.cell_id)),
                    source="table",
                    table_status=statuses.get(r.id, {}).get(c.table, ""),
                    start=c.start,
                    end=c.end,
                )
            )
    if not metric or prose:
        for f in coll.facts.figures(list(by_id), prose):
            r = by_id[f.report_id]
            out.append(
                FactRow(
                    **_whose(r),
                    metric=f.metric,
                    label=f.label,
                    value=f.value_text,
                    unit=f.unit,
                    status="number",
                    method="prose",
                    source="text",
                    quote=f.quote,
                    start=f.start,
                    end=f.end,
                )
            )
    return out


def _whose(r: ReportRow) -> dict[str, Any]:
    """The report a stored value belongs to, as every /api/facts row names it."""
    return {"report_id": r.id, "issuer": r.issuer, "year": r.year}


@router.get("/api/metrics", responses={503: UNAVAILABLE})
def api_metrics() -> list[dict[str, Any]]:
    """The glossary: every metric gongkai understands, with its cell and its words."""
    return [{"key": m.key, "zh": m.zh, "en": m.en, "cell": m.cell, "prose": list(m.prose)} for m in METRICS]


@router.get("/api/compare", response_model=CompareResponse, responses=READS)
def api_compare(
    coll: Annotated[Collection, Depends(get_coll)],
    metric: str = Query(
        description="a glossary key, e.g. applications_received, reviews, granted (GET /api/metrics)",
        json_schema_extra={"enum": [m.key for m in METRICS]},
    ),
    issuers: str | None = Query(None, description="comma-separated parts of issuer names"),
    years: str | None = Query(None, pattern=r"^ *([0-9]+ *)?(, *([0-9]+ *)?)*$", description="comma-separated years"),
    column: str | None = None,
    limit: int = Query(COMPARE_PAGE, ge=1, le=COMPARE_PAGE_MAX, description="rows per page"),
    offset: int = Query(0, ge=0, description="rows to skip: the next page starts at offset+limit"),
    lang: Literal["zh", "en"] = Query("zh", description="the language of each row's reading note"),
) -> CompareResponse:
    """One metric across issuers and years, each value with its citation, a page at a time (each row
    is read and cited from its report: a national collection is paged, not sent whole)."""
    try:
        year_list = [int(y) for y in years.split(",") if y.strip()] if years else None
    except ValueError as exc:
        raise HTTPException(status_code=422, detail="years must be comma-separated integers") from exc
    names = [i.strip() for i in issuers.split(",") if i.strip()] if issuers else None
    return compare_page(coll, metric, names, year_list, column, limit, offset, lang)


def compare_page(
    coll: Collection,
    metric: str,
    names: list[str] | None,
    year_list: list[int] | None,
    column: str | None,
    limit: int,
    offset: int,
    lang: str,
) -> CompareResponse:
    """What /api/compare and the MCP tool ``compare`` return (422 for a metric not in the glossary)."""
    if metric not in BY_KEY:
        raise HTTPException(status_code=422, detail=f"unknown metric {metric!r}; see /api/metrics")
    rows, cites, total = values_for(coll, metric, names, year_list, column, limit, offset, lang)
    return CompareResponse(
        metric=metric,
        label=BY_KEY[metric].zh,
        total=total,
        offset=offset,
        rows=[CompareRow(**r) for r in rows],
        citations=cites,
    )

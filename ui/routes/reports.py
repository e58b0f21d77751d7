"""The catalog: GET /api/reports (a page at a time) and /api/reports/{report_id} (one report whole)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from index.collection import Collection
from index.detail import ReportDetail, report_detail
from index.facts import ReportRow
from ui.deps import get_coll
from ui.schemas import NOT_FOUND, READS, REPORTS_PAGE, REPORTS_PAGE_MAX, ReportOut

router = APIRouter()


def catalog(coll: Collection, reports: list[ReportRow] | None = None) -> list[ReportOut]:
    """The catalog entries of ``reports`` (default: every visible report)."""
    reports = coll.reports() if reports is None else reports
    ids = [r.id for r in reports]
    counts = coll.facts.counts(ids)
    statuses = coll.facts.table_statuses(ids)
    out = []
    for r in reports:
        tables = statuses.get(r.id, {})
        out.append(ReportOut(**r.summary(), tables=tables, counts=counts.get(r.id, {})))
    return out


@router.get("/api/reports", response_model=list[ReportOut], responses=READS)
def api_reports(
    coll: Annotated[Collection, Depends(get_coll)],
    response: Response,
    limit: int = Query(REPORTS_PAGE, ge=1, le=REPORTS_PAGE_MAX, description="reports per page"),
    offset: int = Query(0, ge=0, description="reports to skip (catalog order: issuer, year)"),
) -> list[ReportOut]:
    """The catalog, a page at a time; the header X-Total-Count gives the number of reports."""
    total, page = catalog_page(coll, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return page


def catalog_page(coll: Collection, limit: int, offset: int) -> tuple[int, list[ReportOut]]:
    """How many reports there are, and the catalog entries offset…offset+limit (the route, the MCP tool)."""
    reports = coll.reports()
    return len(reports), catalog(coll, reports[offset : offset + limit])


@router.get("/api/reports/{report_id}", response_model=ReportDetail, responses={**READS, 404: NOT_FOUND})
def api_report(coll: Annotated[Collection, Depends(get_coll)], report_id: str) -> ReportDetail:
    """One report: metadata, sections, every table cell with its status, prose figures, discrepancies."""
    return one_report(coll, report_id)


def one_report(coll: Collection, report_id: str) -> ReportDetail:
    """One report whole (the route, the MCP tool ``report``); 404 when there is none with that id."""
    detail = report_detail(coll.facts, report_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
    return detail

"""GET /api/search: passages for a query (hybrid BM25 + dense), optionally within one issuer and year."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Response

from index.collection import Collection
from ui.deps import get_coll
from ui.schemas import HITS_MAX, NOT_FOUND, QUERY_MAX, READS, SearchHit

router = APIRouter()


@router.get("/api/search", response_model=list[SearchHit], responses={**READS, 404: NOT_FOUND})
def api_search(
    coll: Annotated[Collection, Depends(get_coll)],
    response: Response,
    q: str = Query(min_length=1, max_length=QUERY_MAX),
    issuer: str | None = Query(None, description="part of the issuer's name"),
    year: int | None = None,
    k: int = Query(5, ge=1, le=HITS_MAX),
) -> list[SearchHit]:
    """Passages for a query (hybrid BM25 + dense), optionally within one issuer and year."""
    hits, notes = passages(coll, q, issuer, year, k)
    if notes:  # the vector index cannot be reached: these are the lexical index's hits alone
        response.headers["X-Gongkai-Degraded"] = "; ".join(notes)
    return hits


def passages(
    coll: Collection, q: str, issuer: str | None, year: int | None, k: int
) -> tuple[list[SearchHit], list[str]]:
    """The passages, and the notes of a search that did without the vectors (what the route and the MCP
    tool ``search`` both return); 404 when no report matches the issuer and year."""
    ids = None  # unfiltered: the catalog is not read
    if issuer or year:
        ids = [r.id for r in coll.reports() if (not issuer or issuer in r.issuer) and (not year or r.year == year)]
        if not ids:
            raise HTTPException(status_code=404, detail="no report matches that issuer and year")
    with coll.degradation() as notes:
        hits = coll.search(q, ids, k=k)
    found = [
        SearchHit(
            chunk_id=h.chunk_id,
            report_id=h.report_id,
            issuer=str(h.metadata.get("issuer", "")),
            year=int(h.metadata.get("year") or 0) or None,
            section=str(h.metadata.get("section", "")),
            text=h.text,
            score=round(h.score, 4),
            start=h.metadata.get("start"),
            end=h.metadata.get("end"),
        )
        for h in hits
    ]
    return found, list(notes)

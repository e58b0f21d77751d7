"""GET /api/health: the server and its facts store answer; what is degraded; crawls running."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from index.collection import Collection
from index.faults import OUTAGES, VECTORS
from ui.deps import CrawlSlots, get_coll, get_crawls
from ui.schemas import UNAVAILABLE

router = APIRouter()


@router.get("/api/health", responses={503: UNAVAILABLE})
def health(
    coll: Annotated[Collection, Depends(get_coll)], crawls: Annotated[CrawlSlots, Depends(get_crawls)]
) -> dict[str, object]:
    """The server answers and its facts store too (503 when it cannot be reached); ``degraded`` names
    a vector index that cannot (searches answer from the lexical index meanwhile); ``crawls`` running."""
    reports = len(coll.reports())
    degraded = [VECTORS] if OUTAGES.is_down(VECTORS) else []
    return {"status": "ok", "reports": reports, "degraded": degraded, "crawls": crawls.running}

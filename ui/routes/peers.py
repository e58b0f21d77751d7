"""GET /api/peers: an office's main figures for a year beside its peers' (same level, same parent place),
with its rank and the median of each figure, every figure cited (``assistant.peers``)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from assistant.peers import PeersError, PeerView, peers
from index.collection import Collection
from ui.deps import get_coll
from ui.schemas import READS, ErrorOut, _reply

router = APIRouter()


@router.get(
    "/api/peers",
    response_model=PeerView,
    responses={
        **READS,
        404: _reply(ErrorOut, "the office is not held, or has no report for the year"),
        409: _reply(ErrorOut, "the name fits several offices: `choices` lists them"),
    },
)
async def api_peers(
    coll: Annotated[Collection, Depends(get_coll)],
    issuer: str = Query(
        min_length=1, max_length=100, description="the office (its full name, or a part that fits one)"
    ),
    year: int = Query(ge=1990, le=2100),
    lang: Literal["zh", "en"] = "zh",
) -> PeerView | JSONResponse:
    """For the office and the year: applications received, the 予以公开 share (÷ 办理结果总计), 不予公开,
    reconsiderations, lawsuits and items proactively published, for it and each peer with a report that
    year (``rows``, each figure with the ids of its ``citations``); its rank and the median per figure
    (``standings``); the peers without a report that year (``without_report``)."""
    try:
        return await run_in_threadpool(peers, coll, issuer, year, lang)
    except PeersError as exc:
        if exc.choices:
            return JSONResponse({"detail": str(exc), "choices": exc.choices}, status_code=409)
        return JSONResponse({"detail": str(exc)}, status_code=404)

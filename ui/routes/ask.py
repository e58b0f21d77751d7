"""POST /api/ask: a question answered (exact, or the configured LLM's checked rephrasing)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool

from index.collection import Collection
from ui.deps import answer_noting, get_coll, require_llm
from ui.schemas import POSTS, AskRequest, AskResponse

router = APIRouter()


@router.post("/api/ask", response_model=AskResponse, responses=POSTS)
async def api_ask(
    request: Request, coll: Annotated[Collection, Depends(get_coll)], req: AskRequest
) -> dict[str, object]:
    """Answer a question; `history` resolves follow-ups such as "那2019年呢？". When the vector index
    cannot be reached the answer comes from the lexical index and `notes` says so."""
    history = [t.model_dump() for t in req.history]
    llm = require_llm(request) if req.mode == "generative" else None
    answer = await run_in_threadpool(answer_noting, coll, req.question, history, llm)
    return answer.to_dict()

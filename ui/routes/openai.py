"""The OpenAI-compatible routes: GET /v1/models, POST /v1/chat/completions (exact or generative,
streamed or whole)."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from assistant.respond import respond_streaming
from assistant.types import Answer
from index.collection import Collection
from index.faults import FACTS, OUTAGES, fault_of
from ui.deps import _public, answer_noting, get_coll, require_llm
from ui.schemas import POSTS, ChatMessage, ChatRequest, ErrorOut, _reply

router = APIRouter()

_ZWSP = "\u200b"


def inert(text: str) -> str:
    """Report text inside an answer for OpenAI-style clients, which render Markdown/HTML: image and link
    syntax and tags are broken with a zero-width space, so a quoted report cannot load or link anything."""
    return text.replace("![", "!" + _ZWSP + "[").replace("](", "]" + _ZWSP + "(").replace("<", "<" + _ZWSP)


def _text_of(message: ChatMessage) -> str:
    if isinstance(message.content, list):  # OpenAI "content parts"
        return " ".join(p.text for p in message.content)
    return message.content or ""


@router.get("/v1/models")
def models(request: Request) -> dict[str, Any]:
    ids = ["gongkai"] + (
        ["gongkai-generative"] if request.app.state.llm is not None or os.environ.get("GONGKAI_LLM") else []
    )
    return {
        "object": "list",
        "data": [{"id": i, "object": "model", "created": 0, "owned_by": "gongkai"} for i in ids],
    }


@router.post(
    "/v1/chat/completions",
    responses={
        **POSTS,
        200: {
            "content": {"text/event-stream": {}},
            "description": "a chat.completion, or its chunks when streaming",
        },
        503: _reply(ErrorOut, "a store is unavailable, or gongkai-generative asked and no model configured"),
    },
)
async def chat_completions(request: Request, coll: Annotated[Collection, Depends(get_coll)], req: ChatRequest):
    """OpenAI chat completions. `model: "gongkai"` gives the exact answer, `"gongkai-generative"` the
    configured LLM's checked rephrasing (its tokens stream as written). Citations, facts and the mode
    ride in extra fields `citations`, `facts`, `mode` (in the final chunk when streaming)."""
    question, history = _conversation(req)
    generative = req.model == "gongkai-generative"
    model = require_llm(request) if generative else None
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    base = {"id": cid, "created": created, "model": req.model if generative else "gongkai"}

    if not req.stream:
        answer = await run_in_threadpool(answer_noting, coll, question, history, model if generative else None)
        return {
            **base,
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": inert(answer.answer)},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            **_extras(answer),
        }

    # the exact answer is made before the stream starts: a store that fails is a 503, not a cut stream
    exact = None if generative else await run_in_threadpool(answer_noting, coll, question, history, None)
    pieces = partial(_pieces, question, history, coll, model, generative, exact)  # made as the stream starts
    return StreamingResponse(_events(base, pieces), media_type="text/event-stream")


def _conversation(req: ChatRequest) -> tuple[str, list[dict[str, Any]]]:
    """The last user message, and the user and assistant turns before it (422 without a user message)."""
    users = [m for m in req.messages if m.role == "user"]
    if not users:
        raise HTTPException(status_code=422, detail="messages must contain a user message")
    question = _text_of(users[-1])
    history = [
        {"role": m.role, "content": _text_of(m)}
        for m in req.messages[: req.messages.index(users[-1])]
        if m.role in ("user", "assistant")
    ]
    return question, history


def _extras(answer: Answer) -> dict[str, Any]:
    body = answer.to_dict()
    return {
        "citations": body["citations"],
        "facts": body["facts"],
        "status": answer.status,
        "mode": answer.mode,
        "notes": answer.notes,
    }


def _chunk(base: dict[str, Any], delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
    body = {
        **base,
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps({**body, **extra}, ensure_ascii=False)}\n\n"


def _pieces(
    question: str,
    history: list[dict[str, Any]],
    coll: Collection,
    model: Any | None,
    generative: bool,
    exact: Answer | None,
) -> Iterator[str | Answer]:
    """Model tokens then the final answer (generative); the exact answer in slices (exact)."""
    if generative:
        yield from respond_streaming(question, history, coll, model)
        return
    answer = exact
    assert answer is not None
    text = inert(answer.answer)
    for i in range(0, len(text), 24):
        yield text[i : i + 24]
    yield answer


def _events(base: dict[str, Any], pieces: Callable[[], Iterator[str | Answer]]) -> Iterator[str]:
    """The stream (a sync generator: Starlette runs it in a worker thread)."""
    yield _chunk(base, {"role": "assistant"})
    try:
        yield from _answered(base, pieces, "")
    except Exception as exc:  # a store failing mid-stream: the headers are sent, so say it in the stream
        fault = fault_of(exc, FACTS)
        if fault is None:
            raise
        OUTAGES.down(fault)
        yield f"data: {json.dumps({'error': {'message': _public(fault), 'type': 'unavailable'}})}\n\n"
    yield "data: [DONE]\n\n"


def _answered(base: dict[str, Any], pieces: Callable[[], Iterator[str | Answer]], shown: str) -> Iterator[str]:
    for piece in pieces():
        if isinstance(piece, Answer):
            if shown and piece.mode == "exact_fallback":  # a client cannot unsay tokens: correct
                note = (
                    "模型回答未通过数字核对，以下为精确答案："
                    if piece.language == "zh"
                    else "The model's reply failed the figure check; the exact answer:"
                )
                yield _chunk(base, {"content": f"\n\n——\n{note}\n{inert(piece.answer)}"})
            elif not shown:
                yield _chunk(base, {"content": inert(piece.answer)})
            yield _chunk(base, {}, "stop", **_extras(piece))
            break
        shown += piece
        yield _chunk(base, {"content": inert(piece)})

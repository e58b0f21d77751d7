"""What the routes share, through ``app.state`` and small FastAPI dependencies: the Collection, the LLM,
the crawl slots, the admin token (``require_admin``) and the store-fault reply."""

from __future__ import annotations

import os
import secrets
import threading
from functools import lru_cache
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import JSONResponse

from assistant.respond import respond
from assistant.types import Answer
from index.collection import LEXICAL_ONLY, Collection
from index.faults import OUTAGES, RETRY_AFTER, DiskFull, StoreFault


@lru_cache(maxsize=1)
def llm_backend() -> Any | None:
    from assistant.generative import make_llm

    return make_llm()


@lru_cache(maxsize=1)
def default_collection() -> Collection:
    return Collection()


def admin_token() -> str | None:
    return os.environ.get("GONGKAI_ADMIN_TOKEN") or None


def _bearer_matches(given: str, token: str) -> bool:
    """``Authorization: Bearer <token>``, compared in constant time."""
    return given.lower().startswith("bearer ") and secrets.compare_digest(given[7:].strip(), token)


def require_admin(request: Request) -> None:
    """Write routes need ``Authorization: Bearer $GONGKAI_ADMIN_TOKEN``; without a token set they are off."""
    token = admin_token()
    if token is None:
        raise HTTPException(status_code=403, detail="write access is disabled: set GONGKAI_ADMIN_TOKEN on the server")
    if not _bearer_matches(request.headers.get("authorization", ""), token):
        raise HTTPException(
            status_code=401, detail="missing or wrong admin token", headers={"WWW-Authenticate": "Bearer"}
        )


def admin_given(request_headers: dict[bytes, bytes]) -> bool:
    """Whether a request carries the admin token: ``Authorization: Bearer …``, or the ``gongkai_admin``
    cookie the Upload tab sets when the token is typed (a browser's file upload sends no header of ours)."""
    token = admin_token()
    if token is None:
        return False
    if _bearer_matches(request_headers.get(b"authorization", b"").decode("latin-1"), token):
        return True
    from http.cookies import SimpleCookie
    from urllib.parse import unquote

    jar = SimpleCookie()
    try:
        jar.load(request_headers.get(b"cookie", b"").decode("latin-1"))
    except Exception:  # noqa: BLE001 - a malformed cookie header carries no token
        return False
    cookie = jar.get(ADMIN_COOKIE)
    return cookie is not None and secrets.compare_digest(unquote(cookie.value), token)


ADMIN_COOKIE = "gongkai_admin"


class CrawlSlots:
    """How many crawls run at once (``GONGKAI_MAX_CRAWLS``, default 2): each is a thread of its own,
    polite to the sites and busy ingesting; past the limit a crawl is refused with 503 and Retry-After."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.running = 0
        self._lock = threading.Lock()

    def take(self) -> bool:
        with self._lock:
            if self.running >= self.limit:
                return False
            self.running += 1
            return True

    def give(self) -> None:
        with self._lock:
            self.running -= 1


def _status_of(fault: StoreFault) -> int:
    return 507 if isinstance(fault, DiskFull) else 503


def _public(fault: StoreFault) -> str:
    """What a client is told: the store and what to do, never the server's addresses or paths (those go
    to the log, once per outage)."""
    if isinstance(fault, DiskFull):
        return "the server's disk is full: nothing can be stored until space is made; try again later"
    return f"the {fault.store} is unavailable; try again"


def fault_reply(fault: StoreFault, **extra: Any) -> JSONResponse:
    """503 (507 for a full disk) with Retry-After, the outage logged once (``index.faults.OUTAGES``)."""
    OUTAGES.down(fault)
    wait = 60 if isinstance(fault, DiskFull) else RETRY_AFTER  # space is made by a person, not a restart
    return JSONResponse(
        {"detail": _public(fault), **extra}, status_code=_status_of(fault), headers={"Retry-After": str(wait)}
    )


async def get_coll(request: Request) -> Collection:
    """The app's Collection (``app.state.coll``)."""
    return request.app.state.coll


async def get_crawls(request: Request) -> CrawlSlots:
    """The app's crawl slots (``app.state.crawls``)."""
    return request.app.state.crawls


def configured_llm(request: Request) -> Any | None:
    """The LLM the app was made with (``app.state.llm``), else the one GONGKAI_LLM configures."""
    llm = request.app.state.llm
    return llm if llm is not None else llm_backend()


def require_llm(request: Request) -> Any:
    """The model for the generative mode; 503 when none is configured."""
    model = configured_llm(request)
    if model is None:
        raise HTTPException(
            status_code=503, detail="generative mode needs a model: set GONGKAI_LLM (see docs/generative.md)"
        )
    return model


def answer_noting(coll: Collection, question: str, history: list[dict[str, Any]] | None, model: Any | None) -> Answer:
    """``respond``, and a note in the answer's language when a search had to do without the vectors."""
    with coll.degradation() as notes:
        answer = respond(question, history, coll, model)
    if LEXICAL_ONLY in notes:
        answer.notes.append(
            "向量索引暂时不可用：本次只按词语检索段落"
            if answer.language == "zh"
            else "the vector index is unavailable: passages were found by their words only"
        )
    return answer

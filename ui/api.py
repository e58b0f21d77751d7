"""The HTTP API and the chat UI on one FastAPI app: the same ``ask`` behind both.

Routes only call the core and turn its errors into replies: every error is JSON ``{"detail": …}``; a
store that cannot be reached is 503 with Retry-After and one log line per outage (``index.faults``), a
full disk 507. A crawl runs in a thread of its own — never in the pool that serves the API — and ends
when its client hangs up.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date
from functools import lru_cache
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, HTTPException, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.background import BackgroundTask

from assistant.answer import values_for
from assistant.glossary import BY_KEY, METRICS
from assistant.respond import respond, respond_streaming
from assistant.types import Answer, Citation, Fact, SeriesPoint
from index.collection import LEXICAL_ONLY, Collection, IngestResult, IngestStatus
from index.detail import ReportDetail, report_detail
from index.facts import ReportRow
from index.faults import FACTS, OUTAGES, RETRY_AFTER, VECTORS, DiskFull, StoreFault, fault_of
from index.uploads import UnsupportedUpload, store_upload, upload_path

MAX_BODY_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
log = logging.getLogger("gongkai.api")


class ErrorOut(BaseModel):
    """Every error the API gives: what was wrong, in words (never the input echoed back)."""

    detail: str


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="where: body/query/path, then the field")
    msg: str
    type: str


class InvalidOut(BaseModel):
    """422: the parameters' errors, each with where and what; or one sentence for a rule across them."""

    detail: list[FieldError] | str


class StoppedOut(BaseModel):
    """503/507 from an upload: what stopped the batch, and the result of each file (``not_tried``: ingest
    it again when the store is back)."""

    detail: str
    results: list[dict[str, Any]] = Field(default_factory=list)


def _reply(model: type[BaseModel], what: str) -> dict[str, Any]:
    return {"model": model, "description": what}


UNAVAILABLE = _reply(
    ErrorOut,
    "a store (the database, or the vector index for writes) cannot be reached: retry after Retry-After seconds",
)
INVALID = _reply(InvalidOut, "bad parameters")
NOT_FOUND = _reply(ErrorOut, "no such report, or none matches the filters")
TOO_LARGE = _reply(ErrorOut, "body too large (64 KB; uploads 50 MB)")
BAD_REQUEST = _reply(ErrorOut, "a body that cannot be read (not JSON, not a form)")
READS = {400: BAD_REQUEST, 422: INVALID, 503: UNAVAILABLE}
POSTS = {**READS, 413: TOO_LARGE}  # a body past 64 KB
WRITES = {
    **READS,
    401: _reply(ErrorOut, "missing or wrong admin token"),
    403: _reply(ErrorOut, "writes are off: GONGKAI_ADMIN_TOKEN is not set on the server"),
    413: TOO_LARGE,
}


_ZWSP = "\u200b"


def inert(text: str) -> str:
    """Report text inside an answer for OpenAI-style clients, which render Markdown/HTML: image and link
    syntax and tags are broken with a zero-width space, so a quoted report cannot load or link anything."""
    return text.replace("![", "!" + _ZWSP + "[").replace("](", "]" + _ZWSP + "(").replace("<", "<" + _ZWSP)


def _no_surrogates(value: str) -> str:
    """JSON may carry "\\ud800"; such text cannot be encoded, so it is refused as input (422), not a 500."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("text with unpaired surrogates (not valid Unicode)")
    return value


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=4000)

    _valid = field_validator("content")(classmethod(lambda cls, v: _no_surrogates(v)))


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=1000, examples=["东山县2020年收到多少政府信息公开申请？"])

    _valid = field_validator("question")(classmethod(lambda cls, v: _no_surrogates(v)))
    history: list[Turn] = Field(default_factory=list, max_length=50)
    mode: Literal["exact", "generative"] = Field(
        "exact",
        description="exact: the deterministic answer; generative: rephrased by the configured LLM, "
        "checked so that every figure is in the evidence (else the exact answer)",
    )


class AskResponse(BaseModel):
    answer: str
    status: Literal["answered", "partial", "not_found"]
    citations: list[Citation]
    facts: list[Fact]
    notes: list[str] = Field(
        default_factory=list, description="how the question was read, e.g. which report stands in for a missing year"
    )
    mode: Literal["exact", "generative", "exact_fallback"] = Field(
        "exact",
        description="who wrote `answer`: the code, the model (checked), or the code after the model's reply failed the check",
    )
    candidates: list[str] = Field(
        default_factory=list,
        description="the bodies the question's name fits when it fits several (the answer gives each): ask about one",
    )
    series: list[SeriesPoint] = Field(
        default_factory=list,
        description="a trend's figure year by year (one body over its years), what the chat draws as a bar chart; "
        "empty for any other answer. Each point: `year`, `label` (the bar's label), `value` (a plain number, null "
        "for a year whose report states none), `text` (as printed, with its unit) and `citation` (an id in "
        '`citations`; "" without a value)',
    )
    series_title: str = Field("", description="what `series` is, in the question's language")


class ReportOut(BaseModel):
    id: str
    title: str
    issuer: str
    region: dict[str, str]
    year: int | None
    published: str | None
    format: str
    source_format: str
    tables: dict[str, str]
    counts: dict[str, int]
    flags: list[str]


@lru_cache(maxsize=1)
def llm_backend() -> Any | None:
    from assistant.generative import make_llm

    return make_llm()


@lru_cache(maxsize=1)
def default_collection() -> Collection:
    return Collection()


def catalog(coll: Collection, reports: list[ReportRow] | None = None) -> list[ReportOut]:
    """The catalog entries of ``reports`` (default: every visible report)."""
    reports = coll.reports() if reports is None else reports
    ids = [r.id for r in reports]
    counts = coll.facts.counts(ids)
    statuses = coll.facts.table_statuses(ids)
    out = []
    for r in reports:
        tables = statuses.get(r.id, {})
        out.append(
            ReportOut(
                id=r.id,
                title=r.title,
                issuer=r.issuer,
                region=r.regions,
                year=r.year,
                published=r.published.isoformat() if r.published else None,
                format=r.generation,
                source_format=r.source_format,
                tables=tables,
                counts=counts.get(r.id, {}),
                flags=list(r.flags or []),
            )
        )
    return out


class SearchHit(BaseModel):
    chunk_id: str
    report_id: str
    issuer: str
    year: int | None
    section: str
    text: str
    score: float
    start: int | None = None
    end: int | None = None


class _ReportValue(BaseModel):
    report_id: str
    issuer: str
    year: int | None
    metric: str
    label: str
    value: str | None
    unit: str | None
    status: str


class FactRow(_ReportValue):
    method: str  # how the value was read: text_row, placed, segmented, derived, html_grid, pdf_row, ocr, prose
    confidence: float | None = Field(None, description="the recogniser's confidence, for a cell read by OCR")
    source: str  # table | text
    table_status: str = ""
    quote: str = ""
    start: int | None = None
    end: int | None = None


class CompareRow(_ReportValue):
    source: str | None
    table_status: str = ""  # the status of the table the figure is in
    note: str = ""  # how the figure was read, when a reader should know
    citation: str | None = None


REPORTS_PAGE = 1000  # /api/reports entries per page by default …
REPORTS_PAGE_MAX = 10_000  # … and at most
COMPARE_PAGE = 500  # /api/compare rows per page by default …
COMPARE_PAGE_MAX = 5000  # … and at most


class CompareResponse(BaseModel):
    metric: str
    label: str
    total: int = Field(description="reports that match the filters; rows holds the page offset…offset+limit")
    offset: int
    rows: list[CompareRow]
    citations: list[Citation]


class CrawlRequest(BaseModel):
    urls: list[str] = Field(min_length=1, max_length=20, description="annual-report columns' list pages (http/https)")
    max_pages: int = Field(50, ge=1, le=500, strict=True, description="list pages to read per column")
    since: date | None = Field(None, description="only reports listed on or after this date")
    dry_run: bool = Field(False, strict=True, description="read the lists and say what would be fetched; store nothing")
    allow_hosts: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="other hosts to fetch from (host or host:port); also the only hosts that may be on a "
        "private, loopback or link-local address",
    )
    delay: float = Field(1.0, ge=0.1, le=60, strict=True, description="seconds between two requests to one host")
    deadline: float = Field(60.0, ge=1, le=600, strict=True, description="seconds one request may take in all")

    @field_validator("urls")
    @classmethod
    def _http(cls, urls: list[str]) -> list[str]:
        for url in urls:
            if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
                raise ValueError("each URL must be an http(s) address")
        return urls


class ContentPart(BaseModel):
    """An OpenAI "content part": its text is read, anything else it carries is ignored."""

    model_config = ConfigDict(extra="allow")
    type: str = Field("text", max_length=40)
    text: str = Field("", max_length=4000)

    _valid = field_validator("text")(classmethod(lambda cls, v: _no_surrogates(v)))


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    # at most 4000 characters of text, or 8 parts of 4000: bounds the schema states (the body is 64 KB at most)
    content: Annotated[str, Field(max_length=4000)] | Annotated[list[ContentPart], Field(max_length=8)] | None = ""

    @field_validator("content")
    @classmethod
    def _valid_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            _no_surrogates(value)
        return value


class ChatRequest(BaseModel):
    model: str = "gongkai"
    messages: list[ChatMessage] = Field(
        min_length=1,
        max_length=100,
        description="the conversation; at least one message from the user (else 422)",
        json_schema_extra={
            "contains": {"type": "object", "properties": {"role": {"const": "user"}}, "required": ["role"]}
        },
    )
    # strict: JSON says what it means ("5" is not a number, "true" not a boolean), as the schema does
    stream: bool = Field(False, strict=True)
    temperature: float | None = Field(None, strict=True)
    max_tokens: int | None = Field(None, strict=True)


def _text_of(message: ChatMessage) -> str:
    if isinstance(message.content, list):  # OpenAI "content parts"
        return " ".join(p.text for p in message.content)
    return message.content or ""


def admin_token() -> str | None:
    return os.environ.get("GONGKAI_ADMIN_TOKEN") or None


def require_admin(request: Request) -> None:
    """Write routes need ``Authorization: Bearer $GONGKAI_ADMIN_TOKEN``; without a token set they are off."""
    token = admin_token()
    if token is None:
        raise HTTPException(status_code=403, detail="write access is disabled: set GONGKAI_ADMIN_TOKEN on the server")
    given = request.headers.get("authorization", "")
    if not given.lower().startswith("bearer ") or not secrets.compare_digest(given[7:].strip(), token):
        raise HTTPException(
            status_code=401, detail="missing or wrong admin token", headers={"WWW-Authenticate": "Bearer"}
        )


def admin_given(request_headers: dict[bytes, bytes]) -> bool:
    """Whether a request carries the admin token: ``Authorization: Bearer …``, or the ``gongkai_admin``
    cookie the Upload tab sets when the token is typed (a browser's file upload sends no header of ours)."""
    token = admin_token()
    if token is None:
        return False
    given = request_headers.get(b"authorization", b"").decode("latin-1")
    if given.lower().startswith("bearer ") and secrets.compare_digest(given[7:].strip(), token):
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
_PAGE_UPLOADS = ("/gradio_api/upload", "/upload")


class AdminUploads:
    """The page's own upload route (Gradio's ``/gradio_api/upload``) takes files only from the admin: it
    kept every file an anonymous visitor sent (50 MB each, no count limit). Refused before the body is
    read, with the API's JSON errors."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] == "http" and scope.get("method") == "POST" and path.rstrip("/") in _PAGE_UPLOADS:
            if admin_token() is None:
                status, detail = 403, "uploads are off: set GONGKAI_ADMIN_TOKEN on the server"
            elif not admin_given(dict(scope.get("headers") or [])):
                status, detail = 401, "uploads need the admin token: type it in the Upload tab first"
            else:
                status = 0
            if status:
                await JSONResponse({"detail": detail}, status_code=status)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class AllowedMethods:
    """405 with Allow for a method an API route does not take. Without it, TRACE /api/ask fell through to
    the chat page mounted at "/" and came back 404 (a mount takes every method)."""

    def __init__(self, app: Any, routes: Any) -> None:
        self.app = app
        self.routes = routes  # the FastAPI app's route list, read at request time (routes are added after)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith(("/api/", "/v1/")):
            allowed = {
                m
                for r in self.routes
                if getattr(r, "methods", None) and getattr(r, "path_regex", None) and r.path_regex.match(scope["path"])
                for m in r.methods
            }
            if allowed and scope.get("method") not in allowed:
                reply = JSONResponse(
                    {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": ", ".join(sorted(allowed))}
                )
                await reply(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Counts the bytes of every request body as they arrive — with or without Content-Length, chunked
    included — and answers 413 past the route's limit, having read no more than the limit."""

    def __init__(self, app: Any) -> None:
        self.app = app

    @staticmethod
    def limit_for(path: str) -> int:
        uploads = path.startswith("/api/reports") or path.startswith("/gradio_api/upload") or path.startswith("/upload")
        return MAX_UPLOAD_BYTES if uploads else MAX_BODY_BYTES

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope.get("path", ""))
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        # buffer the body up to the limit, then replay it to the app
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                await self._refuse(scope, receive, send, limit)
                return
            chunks.append(body)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: dict, receive: Any, send: Any, limit: int) -> None:
        response = JSONResponse({"detail": f"request body too large (limit {limit} bytes)"}, status_code=413)
        await response(scope, receive, send)


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


def create_app(collection: Collection | None = None, with_ui: bool = True, llm: Any | None = None) -> FastAPI:
    """``llm``: a LangChain chat model for the generative mode (default: the one GONGKAI_LLM configures,
    loaded on first use)."""
    coll = collection or default_collection()

    def require_llm() -> Any:
        model = llm if llm is not None else llm_backend()
        if model is None:
            raise HTTPException(status_code=503, detail="generative mode needs a model: set GONGKAI_LLM (see README)")
        return model

    app = FastAPI(
        title="gongkai",
        version="0.1.0",
        description="Questions over 政府信息公开工作年度报告, answered with exact figures and citations. "
        "Every figure in an answer is a stored table cell or a quoted sentence; `citations` say where.",
    )

    app.add_middleware(AllowedMethods, routes=app.router.routes)
    app.add_middleware(BodyLimit)
    app.add_middleware(AdminUploads)  # outermost: an anonymous page upload is refused before its body is read
    crawls = CrawlSlots(int(os.environ.get("GONGKAI_MAX_CRAWLS") or 2))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """422 with where and what was wrong, never the input itself (it may be megabytes)."""
        errors = [{"loc": e.get("loc"), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    async def store_fault(request: Request, exc: Exception) -> JSONResponse:
        """A store that cannot be reached (or a full disk): 503/507 JSON with Retry-After and one log line
        per outage. Anything else is a bug, and goes on to be one (500, with its traceback logged)."""
        fault = fault_of(exc, FACTS)
        if fault is None:
            raise exc
        return fault_reply(fault)

    for kind in (StoreFault, DBAPIError, PoolTimeout, OSError):
        app.add_exception_handler(kind, store_fault)

    @app.get("/api/health", responses={503: UNAVAILABLE})
    def health() -> dict[str, object]:
        """The server answers and its facts store too (503 when it cannot be reached); ``degraded`` names
        a vector index that cannot (searches answer from the lexical index meanwhile); ``crawls`` running."""
        reports = len(coll.reports())
        degraded = [VECTORS] if OUTAGES.is_down(VECTORS) else []
        return {"status": "ok", "reports": reports, "degraded": degraded, "crawls": crawls.running}

    def answer_noting(question: str, history: list[dict[str, Any]] | None, model: Any | None) -> Answer:
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

    @app.post("/api/ask", response_model=AskResponse, responses=POSTS)
    async def api_ask(req: AskRequest) -> dict[str, object]:
        """Answer a question; `history` resolves follow-ups such as "那2019年呢？". When the vector index
        cannot be reached the answer comes from the lexical index and `notes` says so."""
        history = [t.model_dump() for t in req.history]
        llm = require_llm() if req.mode == "generative" else None
        answer = await run_in_threadpool(answer_noting, req.question, history, llm)
        return answer.to_dict()

    @app.get("/api/search", response_model=list[SearchHit], responses={**READS, 404: NOT_FOUND})
    def api_search(
        response: Response,
        q: str = Query(min_length=1, max_length=500),
        issuer: str | None = Query(None, description="part of the issuer's name"),
        year: int | None = None,
        k: int = Query(5, ge=1, le=50),
    ) -> list[SearchHit]:
        """Passages for a query (hybrid BM25 + dense), optionally within one issuer and year."""
        ids = None  # unfiltered: the catalog is not read
        if issuer or year:
            ids = [r.id for r in coll.reports() if (not issuer or issuer in r.issuer) and (not year or r.year == year)]
            if not ids:
                raise HTTPException(status_code=404, detail="no report matches that issuer and year")
        with coll.degradation() as notes:
            hits = coll.search(q, ids, k=k)
        if notes:  # the vector index cannot be reached: these are the lexical index's hits alone
            response.headers["X-Gongkai-Degraded"] = "; ".join(notes)
        return [
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

    @app.get("/api/facts", response_model=list[FactRow], responses={**READS, 404: NOT_FOUND})
    def api_facts(
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
        if not (issuer or year or metric):
            raise HTTPException(status_code=422, detail="give at least one of issuer, year or metric")
        reports = [r for r in coll.reports() if (not issuer or issuer in r.issuer) and (not year or r.year == year)]
        if not reports:
            raise HTTPException(status_code=404, detail="no report matches that issuer and year")
        by_id = {r.id: r for r in reports}
        row_id = col_id = prose = None
        if metric in BY_KEY:
            m = BY_KEY[metric]
            cell = m.cell_for("2021") or m.cell_for("2019")
            row_id, col_id = cell.split(":") if cell else (None, None)
            prose = m.prose[0] if m.prose else None
        elif metric and metric.startswith("text."):
            prose = metric
        elif metric:
            row_id, _, col_id = metric.partition(":")
            col_id = col_id or None
        col_id = column or col_id
        statuses = coll.facts.table_statuses()
        out: list[FactRow] = []
        if not (metric and prose and not row_id):
            cells = coll.facts.cells(list(by_id), row_id, col_id)
            confidence = coll.facts.ocr_confidence(sorted({c.report_id for c in cells if c.method == "ocr"}))
            for c in cells:
                r = by_id[c.report_id]
                out.append(
                    FactRow(
                        report_id=r.id,
                        issuer=r.issuer,
                        year=r.year,
                        metric=c.cell_id,
                        label=c.row_id,
                        value=c.value_text or None,
                        unit=c.unit,
                        status=c.status,
                        method=c.method,
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
                        report_id=r.id,
                        issuer=r.issuer,
                        year=r.year,
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

    @app.get("/api/metrics", responses={503: UNAVAILABLE})
    def api_metrics() -> list[dict[str, Any]]:
        """The glossary: every metric gongkai understands, with its cell and its words."""
        return [{"key": m.key, "zh": m.zh, "en": m.en, "cell": m.cell, "prose": list(m.prose)} for m in METRICS]

    @app.get("/api/compare", response_model=CompareResponse, responses=READS)
    def api_compare(
        metric: str = Query(
            description="a glossary key, e.g. applications_received, reviews, granted (GET /api/metrics)",
            json_schema_extra={"enum": [m.key for m in METRICS]},
        ),
        issuers: str | None = Query(None, description="comma-separated parts of issuer names"),
        years: str | None = Query(
            None, pattern=r"^ *([0-9]+ *)?(, *([0-9]+ *)?)*$", description="comma-separated years"
        ),
        column: str | None = None,
        limit: int = Query(COMPARE_PAGE, ge=1, le=COMPARE_PAGE_MAX, description="rows per page"),
        offset: int = Query(0, ge=0, description="rows to skip: the next page starts at offset+limit"),
    ) -> CompareResponse:
        """One metric across issuers and years, each value with its citation, a page at a time (each row
        is read and cited from its report: a national collection is paged, not sent whole)."""
        if metric not in BY_KEY:
            raise HTTPException(status_code=422, detail=f"unknown metric {metric!r}; see /api/metrics")
        try:
            year_list = [int(y) for y in years.split(",") if y.strip()] if years else None
        except ValueError as exc:
            raise HTTPException(status_code=422, detail="years must be comma-separated integers") from exc
        names = [i.strip() for i in issuers.split(",") if i.strip()] if issuers else None
        rows, cites, total = values_for(coll, metric, names, year_list, column, limit, offset)
        return CompareResponse(
            metric=metric,
            label=BY_KEY[metric].zh,
            total=total,
            offset=offset,
            rows=[CompareRow(**r) for r in rows],
            citations=cites,
        )

    @app.get("/api/reports", response_model=list[ReportOut], responses=READS)
    def api_reports(
        response: Response,
        limit: int = Query(REPORTS_PAGE, ge=1, le=REPORTS_PAGE_MAX, description="reports per page"),
        offset: int = Query(0, ge=0, description="reports to skip (catalog order: issuer, year)"),
    ) -> list[ReportOut]:
        """The catalog, a page at a time; the header X-Total-Count gives the number of reports."""
        reports = coll.reports()
        response.headers["X-Total-Count"] = str(len(reports))
        return catalog(coll, reports[offset : offset + limit])

    @app.get("/api/reports/{report_id}", response_model=ReportDetail, responses={**READS, 404: NOT_FOUND})
    def api_report(report_id: str) -> ReportDetail:
        """One report: metadata, sections, every table cell with its status, prose figures, discrepancies."""
        detail = report_detail(coll.facts, report_id)
        if detail is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
        return detail

    @app.post(
        "/api/reports",
        dependencies=[Depends(require_admin)],
        responses={**WRITES, 503: _reply(StoppedOut, UNAVAILABLE["description"]), 507: _reply(StoppedOut, "disk full")},
    )
    async def api_upload(
        files: list[UploadFile] = File(..., description="one or more report files", json_schema_extra={"minItems": 1}),
        issuer: str | None = Form(None, max_length=100),
        year: int | None = Form(None, ge=1990, le=2100),
        # a form's words, as sent: "1"/"0"/"yes" are not booleans to the schema either
        replace: Literal["true", "false"] = Form(
            "false", description="replace the held version even if it holds less of the report"
        ),
    ) -> list[dict[str, Any]]:
        """Upload report files (HTML/PDF/DOCX/TXT); a result per file. Needs the admin token.
        ``issuer``/``year`` override what the files say (for a file that does not name them). A file that
        would replace a held report with less of it (a page with only its title) is refused or kept beside
        it, and says so; ``replace`` overrides. When the disk fills or a store goes away, the batch stops:
        507/503 with each file's result, those not stored ``not_tried``."""
        results: list[dict[str, Any]] = []
        for n, f in enumerate(files):
            data = await f.read(MAX_UPLOAD_BYTES + 1)
            if len(data) > MAX_UPLOAD_BYTES:
                results.append({"file": f.filename, "status": IngestStatus.FAILED, "error": "file too large"})
                continue
            try:
                existed = upload_path(coll.settings.home, f.filename or "upload", data).exists()
                path = store_upload(coll.settings.home, f.filename or "upload", data)
            except UnsupportedUpload as exc:
                results.append({"file": f.filename, "status": IngestStatus.FAILED, "error": str(exc)})
                continue
            except StoreFault as fault:
                return _stopped(fault, results, files[n:])
            r: IngestResult = await run_in_threadpool(
                coll.ingest_file, path, issuer or None, year, None, replace == "true"
            )
            if r.status in (IngestStatus.FAILED, IngestStatus.NOT_TRIED) and not existed:
                path.unlink(missing_ok=True)  # keep only uploads that became (or are) reports
            if r.fault is not None:
                return _stopped(r.fault, results, files[n:])
            results.append(
                {
                    "file": f.filename,
                    "status": r.status,
                    "report_id": r.report_id,
                    "issuer": r.issuer,
                    "year": r.year,
                    "tables": r.tables,
                    "error": r.error,
                    "note": r.note,
                    "replaced": r.replaced,
                    "near_duplicates": r.near_duplicates,
                }
            )
        return results

    def _stopped(fault: StoreFault, results: list[dict[str, Any]], rest: list[UploadFile]) -> JSONResponse:
        """An upload batch stopped by a store fault: what was done, and the files not stored."""
        not_tried = [{"file": f.filename, "status": IngestStatus.NOT_TRIED, "error": ""} for f in rest]
        return fault_reply(fault, results=results + not_tried)

    @app.post(
        "/api/crawl",
        dependencies=[Depends(require_admin)],
        responses={
            **WRITES,
            200: {"content": {"application/x-ndjson": {}}, "description": "an event per line, then the summary"},
            503: _reply(ErrorOut, "as many crawls as GONGKAI_MAX_CRAWLS run already, or a store is unavailable"),
        },
    )
    async def api_crawl(body: CrawlRequest) -> StreamingResponse:
        """Crawl annual-report columns and ingest what they list (``gongkai crawl``). Streams one JSON
        object per line as the crawl goes: an event per URL (``url``, ``kind``, ``status``, ``issuer``,
        ``year``, ``report_id``, ``message``), then ``{"summary": …}`` (``summary.stopped`` says why a
        crawl ended early). The crawl runs in a thread of its own and stops when the client hangs up;
        at most ``GONGKAI_MAX_CRAWLS`` (default 2) at once, past that 503. Needs the admin token."""
        from index.crawl import Crawler, CrawlOptions

        if not crawls.take():  # the slot is this crawl's until its thread ends (or its stream never starts)
            raise HTTPException(
                status_code=503,
                detail=f"{crawls.running} crawls are running (GONGKAI_MAX_CRAWLS={crawls.limit}): "
                "try again when one ends",
                headers={"Retry-After": "30"},
            )
        options = CrawlOptions(
            max_pages=body.max_pages,
            since=body.since,
            dry_run=body.dry_run,
            allow_hosts=tuple(body.allow_hosts),
            delay=body.delay,
            deadline=body.deadline,
        )
        stop = threading.Event()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[str | None] = asyncio.Queue()

        def put(line: str | None) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, line)
            except RuntimeError:  # the server is shutting down: nobody reads any more
                stop.set()

        def work() -> None:
            crawler = Crawler(coll, options, stop=stop)  # here, not in the event loop: it makes an SSL context
            try:
                for e in crawler.run(body.urls):
                    put(json.dumps({k: v for k, v in e.__dict__.items() if k != "ingest"}, ensure_ascii=False))
                put(json.dumps({"summary": crawler.summary.as_dict()}, ensure_ascii=False))
            except Exception as exc:  # noqa: BLE001 - the stream's last line says what ended it, not a hang-up
                log.exception("crawl failed")
                put(json.dumps({"summary": crawler.summary.as_dict(), "error": f"{type(exc).__name__}: {exc}"}))
            finally:
                crawler.fetcher.close()
                crawls.give()
                put(None)

        started = threading.Event()

        async def lines() -> AsyncIterator[str]:
            # the thread starts with the stream: a client gone before it started costs nothing
            started.set()
            threading.Thread(target=work, name="gongkai-crawl", daemon=True).start()
            try:
                while (line := await queue.get()) is not None:
                    yield line + "\n"
            finally:  # the stream ended, or its client hung up (the server cancels the stream): stop the crawl
                stop.set()

        async def never_started() -> None:  # after the response, however it ended
            if not started.is_set():
                crawls.give()

        return StreamingResponse(lines(), media_type="application/x-ndjson", background=BackgroundTask(never_started))

    @app.delete("/api/reports/{report_id}", dependencies=[Depends(require_admin)], responses={**WRITES, 404: NOT_FOUND})
    def api_delete(report_id: str) -> dict[str, str]:
        if coll.facts.report(report_id) is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
        coll.remove(report_id)
        return {"removed": report_id}

    # ---- OpenAI-compatible ---------------------------------------------------------------------
    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        ids = ["gongkai"] + (["gongkai-generative"] if llm is not None or os.environ.get("GONGKAI_LLM") else [])
        return {
            "object": "list",
            "data": [{"id": i, "object": "model", "created": 0, "owned_by": "gongkai"} for i in ids],
        }

    @app.post(
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
    async def chat_completions(req: ChatRequest):
        """OpenAI chat completions. `model: "gongkai"` gives the exact answer, `"gongkai-generative"` the
        configured LLM's checked rephrasing (its tokens stream as written). Citations, facts and the mode
        ride in extra fields `citations`, `facts`, `mode` (in the final chunk when streaming)."""
        users = [m for m in req.messages if m.role == "user"]
        if not users:
            raise HTTPException(status_code=422, detail="messages must contain a user message")
        question = _text_of(users[-1])
        history = [
            {"role": m.role, "content": _text_of(m)}
            for m in req.messages[: req.messages.index(users[-1])]
            if m.role in ("user", "assistant")
        ]
        generative = req.model == "gongkai-generative"
        model = require_llm() if generative else None
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        base = {"id": cid, "created": created, "model": req.model if generative else "gongkai"}

        def extras(answer: Answer) -> dict[str, Any]:
            body = answer.to_dict()
            return {
                "citations": body["citations"],
                "facts": body["facts"],
                "status": answer.status,
                "mode": answer.mode,
                "notes": answer.notes,
            }

        if not req.stream:
            answer = await run_in_threadpool(answer_noting, question, history, model if generative else None)
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
                **extras(answer),
            }

        def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
            body = {
                **base,
                "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps({**body, **extra}, ensure_ascii=False)}\n\n"

        # the exact answer is made before the stream starts: a store that fails is a 503, not a cut stream
        exact = None if generative else await run_in_threadpool(answer_noting, question, history, None)

        def pieces() -> Iterator[str | Answer]:
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

        def events() -> Iterator[str]:  # a sync generator: Starlette runs it in a worker thread
            yield chunk({"role": "assistant"})
            try:
                yield from answered("")
            except Exception as exc:  # a store failing mid-stream: the headers are sent, so say it in the stream
                fault = fault_of(exc, FACTS)
                if fault is None:
                    raise
                OUTAGES.down(fault)
                yield f"data: {json.dumps({'error': {'message': _public(fault), 'type': 'unavailable'}})}\n\n"
            yield "data: [DONE]\n\n"

        def answered(shown: str) -> Iterator[str]:
            for piece in pieces():
                if isinstance(piece, Answer):
                    if shown and piece.mode == "exact_fallback":  # a client cannot unsay tokens: correct
                        note = (
                            "模型回答未通过数字核对，以下为精确答案："
                            if piece.language == "zh"
                            else "The model's reply failed the figure check; the exact answer:"
                        )
                        yield chunk({"content": f"\n\n——\n{note}\n{inert(piece.answer)}"})
                    elif not shown:
                        yield chunk({"content": inert(piece.answer)})
                    yield chunk({}, "stop", **extras(piece))
                    break
                shown += piece
                yield chunk({"content": inert(piece)})

        return StreamingResponse(events(), media_type="text/event-stream")

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        """FastAPI's schema, with the upload form's optional fields as the form sends them: a multipart
        field is text, and "absent" is how a form says none (a JSON null has no spelling there)."""
        if app.openapi_schema is None:
            schema = default_openapi()
            form = schema["components"]["schemas"].get("Body_api_upload_api_reports_post", {})
            for prop in form.get("properties", {}).values():
                kinds = [k for k in prop.pop("anyOf", []) if k.get("type") != "null"]
                if len(kinds) == 1:
                    prop.update(kinds[0])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    if with_ui:
        import gradio as gr

        from ui.chat import CSS, HEAD, build_ui

        app = gr.mount_gradio_app(
            app, build_ui(coll, llm if llm is not None else llm_backend()), path="/", css=CSS, head=HEAD
        )
    return app

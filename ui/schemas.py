"""The HTTP API's request and reply models, its limits and the error replies routes declare."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.types import Citation, Fact, SeriesPoint

MAX_BODY_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# the limits of a question and a search, the same for the HTTP API and the MCP tools (ui.mcp_server)
QUESTION_MAX = 1000  # characters of a question
TURN_MAX = 4000  # characters of one turn of the history
HISTORY_MAX = 50  # turns of the history
QUERY_MAX = 500  # characters of a search query
HITS_MAX = 50  # passages a search returns at most


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


def _no_surrogates(value: str) -> str:
    """JSON may carry "\\ud800"; such text cannot be encoded, so it is refused as input (422), not a 500."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("text with unpaired surrogates (not valid Unicode)")
    return value


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=TURN_MAX)

    _valid = field_validator("content")(classmethod(lambda cls, v: _no_surrogates(v)))


QUESTION_MAX = 1000  # characters of a question: the API's limit, which the chat page names when it refuses one


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=QUESTION_MAX, examples=["东山县2020年收到多少政府信息公开申请？"])

    _valid = field_validator("question")(classmethod(lambda cls, v: _no_surrogates(v)))
    history: list[Turn] = Field(default_factory=list, max_length=HISTORY_MAX)
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
        from index.crawl import crawlable  # here: the crawl's modules load with the first crawl, not the app

        for url in urls:
            if not crawlable(url) or len(url) > 2000:
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


class ProblemOut(BaseModel):
    """One problem of a draft (``ingest.selfcheck.Problem``): severity error, warning or question."""

    kind: str
    severity: str
    where: str
    message: str
    expected: str = ""
    found: str = ""


class CheckOut(BaseModel):
    """One file of POST /api/check: what it was read as, its problems, or why it could not be read."""

    file: str
    issuer: str = ""
    year: int | None = None
    generation: str = ""
    problems: list[ProblemOut] = []
    previous: str = ""  # the office's previous report compared with, "issuer year"
    error: str = ""

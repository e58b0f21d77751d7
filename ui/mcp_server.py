"""gongkai as an MCP tool server (the official ``mcp`` SDK, v2): the read routes of the HTTP API as tools
an agent calls — ``ask``, ``search``, ``facts``, ``compare``, ``reports``, ``report``.

Each tool calls the function its route calls (``answer_noting``, ``passages``, ``facts_rows``,
``compare_page``, ``catalog_page``, ``one_report``) with the same limits (``ui.schemas``), and answers
with ``structuredContent`` (the API's JSON) beside a text block. A refusal is the API's sentence as a tool
error (``isError``, so the calling model reads it and can correct its call); a store that cannot be
reached is the API's 503 sentence. Nothing here writes: the HTTP endpoint needs no token.

``gongkai mcp`` serves stdio (what desktop clients launch); ``create_app`` mounts :class:`HttpEndpoint`
at ``/mcp`` (streamable HTTP, stateless: every POST stands alone, so any worker of a server answers it).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated, Any, Literal, TypeVar

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from assistant.glossary import METRICS
from index.collection import Collection
from index.detail import ReportDetail
from index.faults import FACTS, OUTAGES, fault_of
from ui.deps import _public, answer_noting
from ui.routes.facts import compare_page, facts_rows
from ui.routes.reports import catalog_page, one_report
from ui.routes.search import passages
from ui.schemas import (
    COMPARE_PAGE_MAX,
    HISTORY_MAX,
    HITS_MAX,
    QUERY_MAX,
    QUESTION_MAX,
    REPORTS_PAGE_MAX,
    AskResponse,
    CompareResponse,
    FactRow,
    ReportOut,
    SearchHit,
    Turn,
)

T = TypeVar("T")

INSTRUCTIONS = (
    "gongkai answers questions about China's 政府信息公开工作年度报告 (government information disclosure "
    "annual reports) with the exact figure from a report's table or sentence and a citation for each. Ask in "
    "Chinese or English with `ask`; quote its figures with their citations. When a report's table and text "
    "disagree both are given: say so rather than pick one. `reports` lists what the collection holds; "
    "`facts`, `compare` and `report` read the stored cells directly; `search` finds passages."
)
FACTS_PAGE = 200  # rows of the facts tool per call by default; an agent pages on
FACTS_PAGE_MAX = 5000
REPORTS_PAGE_MCP = 100  # catalog entries per call by default (the API's maximum applies)
COMPARE_PAGE_MCP = 100
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)


class Passages(BaseModel):
    hits: list[SearchHit]
    notes: list[str] = Field(default_factory=list, description="a search that had to do without the vector index")


class FactsPage(BaseModel):
    total: int = Field(description="stored values that match; rows holds offset…offset+limit")
    offset: int
    rows: list[FactRow]


class ReportsPage(BaseModel):
    total: int = Field(description="reports in the collection; reports holds offset…offset+limit")
    offset: int
    reports: list[ReportOut]


def _refusals(call: Callable[[], T]) -> T:
    """The core's refusals as tool errors, in the API's words: an HTTPException's detail, a store fault's
    public sentence (the outage logged once, as the API does)."""
    try:
        return call()
    except HTTPException as exc:
        raise ToolError(str(exc.detail)) from None
    except Exception as exc:
        fault = fault_of(exc, FACTS)
        if fault is None:
            raise
        OUTAGES.down(fault)
        raise ToolError(_public(fault)) from None


def _cited_text(answer: dict[str, Any]) -> str:
    """The answer as a model reads it: the sentences, then each citation with its quote."""
    lines = [answer["answer"]]
    for c in answer["citations"]:
        where = " · ".join(
            str(x) for x in (c["issuer"], c["year"], c["table"] or c["section"], c["row"], c["column"]) if x
        )
        lines.append(f"[{c['id']}] {where}: “{c['quote'][:300]}”" + (f" <{c['url']}>" if c.get("url") else ""))
    return "\n".join(lines)


def build_server(coll: Collection) -> MCPServer:
    """The tools over ``coll``; the same server serves stdio and streamable HTTP."""

    def ask(
        question: Annotated[
            str,
            Field(
                min_length=1,
                max_length=QUESTION_MAX,
                description="the question, in Chinese or English, naming the body and year, e.g. "
                "东山县2020年收到多少政府信息公开申请？",
            ),
        ],
        history: Annotated[
            list[Turn],
            Field(
                max_length=HISTORY_MAX,
                description="earlier turns, oldest first, for a follow-up such as 那2019年呢？",
            ),
        ] = [],  # noqa: B006 - a schema default, never mutated
    ) -> Annotated[CallToolResult, AskResponse]:
        """Answer a question about the disclosure annual reports with exact figures and citations (the same
        object as POST /api/ask). `status` is answered, partial or not_found; every fact names a citation
        whose quote contains it; when a table and the text disagree, both are stated with their citations."""
        turns = [t.model_dump() for t in history]
        answer = _refusals(lambda: answer_noting(coll, question, turns, None)).to_dict()
        body = AskResponse.model_validate(answer).model_dump(mode="json")
        return CallToolResult(content=[TextContent(text=_cited_text(body))], structured_content=body)

    def search(
        query: Annotated[str, Field(min_length=1, max_length=QUERY_MAX, description="words to find in the reports")],
        issuer: Annotated[str | None, Field(description="only reports whose issuer's name contains this")] = None,
        year: Annotated[int | None, Field(description="only reports of this year")] = None,
        k: Annotated[int, Field(ge=1, le=HITS_MAX, description="how many passages")] = 5,
    ) -> Passages:
        """Passages of the reports for a query (hybrid BM25 + dense), each with its report, section and
        place in the text; for what the exact tools do not hold (practice, reasons, narrative)."""
        hits, notes = _refusals(lambda: passages(coll, query, issuer, year, k))
        return Passages(hits=hits, notes=notes)

    def facts(
        issuer: Annotated[str | None, Field(description="part of the issuer's name, e.g. 东山县")] = None,
        year: Annotated[int | None, Field(description="the report (statistics) year")] = None,
        metric: Annotated[
            str | None,
            Field(
                description="a glossary key (applications_received …, as in `compare`), a cell id like "
                "t3.new_received:total, a row id like t3.granted, or a prose metric like text.staff"
            ),
        ] = None,
        column: Annotated[str | None, Field(description="a column id, e.g. total or natural_person")] = None,
        limit: Annotated[int, Field(ge=1, le=FACTS_PAGE_MAX, description="rows per call")] = FACTS_PAGE,
        offset: Annotated[int, Field(ge=0, description="rows to skip: the next page starts at offset+limit")] = 0,
    ) -> FactsPage:
        """Stored table cells and prose figures of the reports that match (GET /api/facts), each with its
        status (number, blank, dash, missing, ambiguous), how it was read and its table's status. Give at
        least one of issuer, year, metric."""
        rows = _refusals(lambda: facts_rows(coll, issuer, year, metric, column))
        return FactsPage(total=len(rows), offset=offset, rows=rows[offset : offset + limit])

    def compare(
        metric: Annotated[
            Literal[tuple(m.key for m in METRICS)],  # type: ignore[valid-type]
            Field(description="the figure: " + "; ".join(f"{m.key} ({m.zh})" for m in METRICS)),
        ],
        issuers: Annotated[list[str] | None, Field(description="parts of issuer names (default: every body)")] = None,
        years: Annotated[list[int] | None, Field(description="years (default: every year)")] = None,
        column: Annotated[str | None, Field(description="a 表三 column id instead of the total")] = None,
        limit: Annotated[int, Field(ge=1, le=COMPARE_PAGE_MAX, description="rows per call")] = COMPARE_PAGE_MCP,
        offset: Annotated[int, Field(ge=0, description="rows to skip")] = 0,
        lang: Annotated[Literal["zh", "en"], Field(description="the language of each row's note")] = "zh",
    ) -> CompareResponse:
        """One metric across bodies and years, one cited value per report (GET /api/compare), paged."""
        return _refusals(lambda: compare_page(coll, metric, issuers, years, column, limit, offset, lang))

    def reports(
        limit: Annotated[int, Field(ge=1, le=REPORTS_PAGE_MAX, description="reports per call")] = REPORTS_PAGE_MCP,
        offset: Annotated[int, Field(ge=0, description="reports to skip (catalog order: issuer, year)")] = 0,
    ) -> ReportsPage:
        """The catalog, paged: each report's id, issuer, region, year, format and its tables' statuses."""
        total, page = _refusals(lambda: catalog_page(coll, limit, offset))
        return ReportsPage(total=total, offset=offset, reports=page)

    def report(
        report_id: Annotated[str, Field(min_length=1, max_length=64, description="an id from `reports`")],
    ) -> ReportDetail:
        """One report whole (GET /api/reports/{id}): metadata, sections, every table cell with its status
        and candidates, prose figures with their sentences, and where its text and tables disagree."""
        return _refusals(lambda: one_report(coll, report_id))

    tools = {
        f.__name__: Tool.from_function(f, annotations=READ_ONLY) for f in (ask, search, facts, compare, reports, report)
    }
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    server = MCPServer(
        "gongkai",
        title="gongkai: disclosure annual reports",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        log_level="WARNING",
        tools=list(tools.values()),
    )
    # the SDK configures the root logger when a server is made (basicConfig, a Rich handler): the process's
    # logging is not a library's to change, so it is put back as it was
    root.handlers[:] = handlers
    root.setLevel(level)
    server.middleware.append(_ArgumentsChecked(tools))
    return server


class _ArgumentsChecked:
    """Arguments that fail a tool's schema are refused by field and rule, never echoed back (as the API's
    422 is): the SDK's own message quotes the value. Checked before the SDK checks them again."""

    def __init__(self, tools: dict[str, Tool]) -> None:
        self.tools = tools

    async def __call__(self, ctx: Any, call_next: Any) -> Any:
        params = ctx.params or {}
        tool = self.tools.get(params.get("name")) if ctx.method == "tools/call" else None
        if tool is not None:
            try:
                tool.fn_metadata.arg_model.model_validate(
                    tool.fn_metadata.pre_parse_json(params.get("arguments") or {})
                )
            except ValidationError as exc:
                where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
                text = f"Error executing tool {tool.name}: invalid arguments: {where}"
                return CallToolResult(content=[TextContent(text=text)], is_error=True)
        return await call_next(ctx)


def serve_stdio(coll: Collection) -> None:
    """Serve the tools over stdin/stdout until the client closes them (``gongkai mcp``)."""
    build_server(coll).run("stdio")


class HttpEndpoint:
    """The streamable-HTTP transport as one ASGI route of the app (``/mcp``), started and stopped with the
    app's lifespan (:meth:`running`). Stateless and with JSON replies: read-only tools keep no session.
    No DNS-rebinding check: the data are the same the open /api routes serve, which have none either."""

    PATH = "/mcp"

    def __init__(self, coll: Collection) -> None:
        self.server = build_server(coll)
        self.app: Any = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        app = self.server.streamable_http_app(
            streamable_http_path=self.PATH,
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        async with self.server.session_manager.run():
            self.app = app
            try:
                yield
            finally:
                self.app = None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if self.app is None:  # an app driven without its lifespan (a test client outside `with`)
            reply = JSONResponse({"detail": "the MCP endpoint is not running; try again"}, status_code=503)
            await reply(scope, receive, send)
            return
        await self.app(scope, receive, send)


__all__ = ["HttpEndpoint", "build_server", "serve_stdio"]

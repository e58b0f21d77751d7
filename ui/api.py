"""The HTTP API and the chat UI on one FastAPI app: the same ``ask`` behind both.

Routes only call the core and turn its errors into replies: every error is JSON ``{"detail": …}``; a
store that cannot be reached is 503 with Retry-After and one log line per outage (``index.faults``), a
full disk 507. A crawl runs in a thread of its own — never in the pool that serves the API — and ends
when its client hangs up.

``create_app`` only builds the app: its state (``app.state``: the Collection, the LLM, the crawl slots),
its middleware and exception handlers, and the routers of ``ui.routes``; the models are ``ui.schemas``,
what routes share ``ui.deps``.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from index.collection import Collection
from index.faults import StoreFault
from ui.deps import CrawlSlots, default_collection, llm_backend
from ui.mcp_server import HttpEndpoint
from ui.middleware import AdminUploads, AllowedMethods, BodyLimit, invalid_request, store_fault
from ui.routes import admin, ask, check, export, facts, health, openai, peers, reports, search
from ui.routes.openai import inert
from ui.routes.reports import catalog

__all__ = ["catalog", "create_app", "inert"]

ROUTERS = (
    health,
    ask,
    search,
    facts,
    export,
    reports,
    peers,
    check,
    admin,
    openai,
)  # in this order: the OpenAPI schema's paths


def _form_openapi(app: FastAPI) -> None:
    """FastAPI's schema, with the upload and check forms' optional fields as the form sends them: a multipart
    field is text, and "absent" is how a form says none (a JSON null has no spelling there)."""
    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = default_openapi()
            for name in ("Body_api_upload_api_reports_post", "Body_api_check_api_check_post"):
                form = schema["components"]["schemas"].get(name, {})
                for prop in form.get("properties", {}).values():
                    kinds = [k for k in prop.pop("anyOf", []) if k.get("type") != "null"]
                    if len(kinds) == 1:
                        prop.update(kinds[0])
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(collection: Collection | None = None, with_ui: bool = True, llm: Any | None = None) -> FastAPI:
    """``llm``: a LangChain chat model for the generative mode (default: the one GONGKAI_LLM configures,
    loaded on first use)."""
    coll = collection or default_collection()
    mcp = HttpEndpoint(coll)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        async with mcp.running():  # the MCP transport's task group lives as long as the server
            yield

    app = FastAPI(
        lifespan=lifespan,
        title="gongkai",
        version="0.1.0",
        description="Questions over 政府信息公开工作年度报告, answered with exact figures and citations. "
        "Every figure in an answer is a stored table cell or a quoted sentence; `citations` say where.",
    )
    app.state.coll = coll
    app.state.llm = llm
    app.state.crawls = CrawlSlots(int(os.environ.get("GONGKAI_MAX_CRAWLS") or 2))

    app.add_middleware(AllowedMethods, routes=app.router.routes)
    app.add_middleware(BodyLimit)
    app.add_middleware(AdminUploads)  # outermost: an anonymous page upload is refused before its body is read
    app.add_exception_handler(RequestValidationError, invalid_request)
    for kind in (StoreFault, DBAPIError, PoolTimeout, OSError):
        app.add_exception_handler(kind, store_fault)

    for module in ROUTERS:
        app.include_router(module.router)
    # the MCP tools over streamable HTTP (ui.mcp_server): before the page's mount at "/", out of the schema
    app.add_route(HttpEndpoint.PATH, mcp, include_in_schema=False)
    _form_openapi(app)

    if with_ui:
        import gradio as gr

        from ui.chat import CSS, HEAD, build_ui

        app = gr.mount_gradio_app(
            app, build_ui(coll, llm if llm is not None else llm_backend()), path="/", css=CSS, head=HEAD
        )
    return app

"""The HTTP API and the chat UI on one FastAPI app: the same ``ask`` behind both."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from assistant.answer import Citation, Fact, ask
from index.collection import Collection
from index.detail import ReportDetail, report_detail

MAX_BODY_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class Turn(BaseModel):
    role: Literal["user", "assistant", "system"]
    content: str = Field(max_length=4000)


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=1000, examples=["东山县2020年收到多少政府信息公开申请？"])
    history: list[Turn] = Field(default_factory=list, max_length=50)


class AskResponse(BaseModel):
    answer: str
    status: Literal["answered", "partial", "not_found"]
    citations: list[Citation]
    facts: list[Fact]


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
def default_collection() -> Collection:
    return Collection()


def catalog(coll: Collection) -> list[ReportOut]:
    counts = coll.facts.counts()
    out = []
    for r in coll.reports():
        tables = {t.table: t.status for t in coll.facts.tables(r.id)}
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


def create_app(collection: Collection | None = None, with_ui: bool = True) -> FastAPI:
    coll = collection or default_collection()
    app = FastAPI(
        title="gongkai",
        version="0.1.0",
        description="Questions over 政府信息公开工作年度报告, answered with exact figures and citations.",
    )

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        """Refuse oversized bodies before reading them (uploads have their own, larger limit)."""
        limit = MAX_UPLOAD_BYTES if request.url.path.startswith("/api/reports") else MAX_BODY_BYTES
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            return JSONResponse({"detail": f"request body too large (limit {limit} bytes)"}, status_code=413)
        return await call_next(request)

    @app.get("/api/health")
    def health() -> dict[str, object]:
        return {"status": "ok", "reports": len(coll.reports())}

    @app.post("/api/ask", response_model=AskResponse)
    async def api_ask(req: AskRequest) -> dict[str, object]:
        history = [t.model_dump() for t in req.history]
        answer = await run_in_threadpool(ask, req.question, history, coll)
        return answer.to_dict()

    @app.get("/api/reports", response_model=list[ReportOut])
    def api_reports() -> list[ReportOut]:
        return catalog(coll)

    @app.get("/api/reports/{report_id}", response_model=ReportDetail)
    def api_report(report_id: str) -> ReportDetail:
        """One report: metadata, sections, every table cell with its status, prose figures, discrepancies."""
        detail = report_detail(coll.facts, report_id)
        if detail is None:
            raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
        return detail

    if with_ui:
        import gradio as gr

        from ui.chat import build_chat

        app = gr.mount_gradio_app(app, build_chat(coll), path="/")
    return app

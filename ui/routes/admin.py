"""The writes, each behind ``require_admin``: POST /api/reports (upload), POST /api/crawl (a crawl,
streamed), DELETE /api/reports/{report_id}."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.background import BackgroundTask

from index.collection import Collection, IngestResult, IngestStatus
from index.faults import StoreFault
from index.uploads import UnsupportedUpload, store_upload, upload_path
from ui.deps import CrawlSlots, fault_reply, get_coll, get_crawls, require_admin
from ui.schemas import (
    MAX_UPLOAD_BYTES,
    NOT_FOUND,
    UNAVAILABLE,
    WRITES,
    CrawlRequest,
    ErrorOut,
    StoppedOut,
    _reply,
)

log = logging.getLogger("gongkai.api")
router = APIRouter()


@router.post(
    "/api/reports",
    dependencies=[Depends(require_admin)],
    responses={**WRITES, 503: _reply(StoppedOut, UNAVAILABLE["description"]), 507: _reply(StoppedOut, "disk full")},
)
async def api_upload(
    coll: Annotated[Collection, Depends(get_coll)],
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
        r: IngestResult = await run_in_threadpool(coll.ingest_file, path, issuer or None, year, None, replace == "true")
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


@router.post(
    "/api/crawl",
    dependencies=[Depends(require_admin)],
    responses={
        **WRITES,
        200: {"content": {"application/x-ndjson": {}}, "description": "an event per line, then the summary"},
        503: _reply(ErrorOut, "as many crawls as GONGKAI_MAX_CRAWLS run already, or a store is unavailable"),
    },
)
async def api_crawl(
    coll: Annotated[Collection, Depends(get_coll)],
    crawls: Annotated[CrawlSlots, Depends(get_crawls)],
    body: CrawlRequest,
) -> StreamingResponse:
    """Crawl annual-report columns and ingest what they list (``gongkai crawl``). Streams one JSON
    object per line as the crawl goes: an event per URL (``url``, ``kind``, ``status``, ``issuer``,
    ``year``, ``report_id``, ``message``), then ``{"summary": …}`` (``summary.stopped`` says why a
    crawl ended early). The crawl runs in a thread of its own and stops when the client hangs up;
    at most ``GONGKAI_MAX_CRAWLS`` (default 2) at once, past that 503. Needs the admin token."""
    from index.crawl import Crawler, CrawlOptions

    if not crawls.take():  # the slot is this crawl's until its thread ends (or its stream never starts)
        raise HTTPException(
            status_code=503,
            detail=f"{crawls.running} crawls are running (GONGKAI_MAX_CRAWLS={crawls.limit}): try again when one ends",
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


@router.delete("/api/reports/{report_id}", dependencies=[Depends(require_admin)], responses={**WRITES, 404: NOT_FOUND})
def api_delete(coll: Annotated[Collection, Depends(get_coll)], report_id: str) -> dict[str, str]:
    if coll.facts.report(report_id) is None:
        raise HTTPException(status_code=404, detail=f"no report with id {report_id!r}")
    coll.remove(report_id)
    return {"removed": report_id}

"""POST /api/check: draft reports checked before they are published (``assistant.selfcheck``).

No token: nothing is stored. Each file is read into memory (at most the upload limit), checked there
and dropped; the collection is only read, for the office's previous report.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Header, UploadFile
from fastapi.concurrency import run_in_threadpool

from assistant.selfcheck import CheckResult, check_draft
from index.collection import Collection
from ui.deps import get_coll
from ui.schemas import MAX_UPLOAD_BYTES, READS, TOO_LARGE, CheckOut

router = APIRouter()


def request_lang(lang: str | None, accept_language: str | None) -> str:
    """``lang`` when given, else the first language the client accepts: en or zh (the default)."""
    if lang:
        return lang
    first = (accept_language or "").split(",")[0].strip().lower()
    return "en" if first.startswith("en") else "zh"


@router.post("/api/check", response_model=list[CheckOut], responses={**READS, 413: TOO_LARGE})
async def api_check(
    coll: Annotated[Collection, Depends(get_coll)],
    files: list[UploadFile] = File(..., description="one or more draft reports", json_schema_extra={"minItems": 1}),
    lang: Literal["zh", "en"] | None = Form(None, description="the messages' language (default: Accept-Language)"),
    issuer: str | None = Form(None, max_length=100, description="the issuer, when the draft does not say it yet"),
    year: int | None = Form(None, ge=1990, le=2100),
    accept_language: Annotated[str | None, Header()] = None,
) -> list[CheckOut]:
    """Check drafts (HTML/PDF/DOCX/TXT) for what reviewers mark down: checking relations that fail (with
    the numbers), rows, tables or sections of the national format missing or out of order, the 2019
    format in a 2021+ report, the statistics period, URL and contact, text figures that disagree with
    the table, jumps against the office's previous report held (questions), a late date. Nothing is
    stored; the upload limits apply."""
    language = request_lang(lang, accept_language)
    out = []
    for f in files:
        name = f.filename or "upload"
        data = await f.read(MAX_UPLOAD_BYTES + 1)
        await f.close()  # the spooled copy, if any, goes now
        if len(data) > MAX_UPLOAD_BYTES:
            result = CheckResult(name, error="file too large")
        else:
            result = await run_in_threadpool(check_draft, coll, data, name, language, issuer or None, year)
        del data
        out.append(CheckOut.model_validate(result.as_json()))
    return out

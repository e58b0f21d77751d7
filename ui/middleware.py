"""The app's ASGI middleware and exception handlers: the page's uploads only from the admin, 405 with
Allow, body limits counted as the bytes arrive, and every error as JSON."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.routing import Match, Mount

from index.faults import FACTS, fault_of
from ui.deps import admin_given, admin_token, fault_reply
from ui.schemas import MAX_BODY_BYTES, MAX_UPLOAD_BYTES

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
    the chat page mounted at "/" and came back 404 (a mount takes every method).

    Asks each route ``matches(scope)`` (Starlette's public routing call: PARTIAL is "this path, another
    method"; mounts, which take every method, left out) rather than reading route attributes: FastAPI 0.165 keeps an included router as one lazy
    route with no ``methods`` of its own, and reading attributes found no API route at all."""

    _METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

    def __init__(self, app: Any, routes: Any) -> None:
        self.app = app
        self.routes = routes  # the FastAPI app's route list, read at request time (routes are added after)

    def _match(self, scope: dict) -> Match:
        found = [route.matches(scope)[0] for route in self.routes if not isinstance(route, Mount)]
        return Match.FULL if Match.FULL in found else Match.PARTIAL if Match.PARTIAL in found else Match.NONE

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if (
            scope["type"] == "http"
            and scope.get("path", "").startswith(("/api/", "/v1/"))
            and self._match(scope) is Match.PARTIAL
        ):
            allowed = [m for m in self._METHODS if self._match({**scope, "method": m}) is Match.FULL]
            reply = JSONResponse(
                {"detail": "Method Not Allowed"}, status_code=405, headers={"Allow": ", ".join(allowed)}
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
        uploads = path.startswith(("/api/reports", "/api/check", "/gradio_api/upload", "/upload"))
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

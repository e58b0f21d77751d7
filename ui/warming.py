"""While ``gongkai serve`` loads (the collection, its embedding model, the page), its port already answers:
a browser gets a "正在加载…" page that reloads itself until the chat is there, ``/api/health`` says
``{"status": "loading"}`` (503, Retry-After), every other API call a 503 that says the same. Before, the
port was bound only once all of that was done: about 16 s of "connection refused" after every start.

:class:`Warming` is the ASGI app uvicorn serves from the start; the loading thread hands it the real app
(:meth:`Warming.ready`), whose lifespan (Gradio's queue) it then starts in the server's own event loop.
Plumbing only: what is loaded is ``ui.cli``'s business.
"""

from __future__ import annotations

import asyncio
import json
import threading
from contextlib import AsyncExitStack
from typing import Any

RETRY_SECONDS = 2

# the page a browser gets meanwhile: it asks again every 2 s (a meta refresh works without script too)
LOADING_PAGE = f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="{RETRY_SECONDS}">
<title>正在加载… · 公开 gongkai</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 3em auto; max-width: 36em; padding: 0 1em;
color: #1f2937; background: #ffffff; line-height: 1.6; }}</style></head>
<body><main><h1>正在加载…</h1>
<p role="status">公开 gongkai 正在载入报告库和检索模型，通常需要十几秒；本页会自动刷新。</p>
<p lang="en">Loading the reports and the search model (usually 10–20 s); this page reloads by itself.</p>
</main></body></html>
"""


class Warming:
    """The ASGI app served while the real one loads, then in front of it (a pass-through)."""

    def __init__(self) -> None:
        self.app: Any | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = threading.Event()
        self._stack: AsyncExitStack | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1013})  # "try again later"
        else:
            await _loading(scope, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._loop = asyncio.get_running_loop()
                self._started.set()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._stack is not None:
                    await self._stack.aclose()  # the real app's lifespan ends with the server
                await send({"type": "lifespan.shutdown.complete"})
                return

    def ready(self, app: Any) -> None:
        """Called by the loading thread: start ``app``'s lifespan in the server's loop, then serve it."""
        self._started.wait()
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._start(app), self._loop).result()

    async def _start(self, app: Any) -> None:
        stack = AsyncExitStack()
        await stack.enter_async_context(app.router.lifespan_context(app))
        self._stack, self.app = stack, app


async def _loading(scope: dict[str, Any], send: Any) -> None:
    """503 with Retry-After: the loading page for a browser, JSON for the API."""
    path = scope.get("path", "")
    if path.startswith(("/api/", "/v1/", "/mcp")):
        body = {"status": "loading"} if path == "/api/health" else {"detail": "正在加载… / loading, retry shortly"}
        content, kind = json.dumps(body, ensure_ascii=False).encode(), b"application/json"
    else:
        content, kind = LOADING_PAGE.encode(), b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"retry-after", str(RETRY_SECONDS).encode()), (b"cache-control", b"no-store")]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else content})

"""gongkai as an MCP tool server, through the official SDK's own client: over stdio (``gongkai mcp`` launched
as a desktop client launches it) and over streamable HTTP (``/mcp`` of the served app)."""

from __future__ import annotations

import shutil
import sys

import anyio
import pytest
from conftest import ROOT, Served
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from index.vectors import OWNER_FILE
from ui.api import create_app

DONGSHAN_Q = "东山县2020年收到多少政府信息公开申请？"
TOOLS = {"ask", "search", "facts", "compare", "reports", "report"}


async def _session(client: Client) -> dict:
    """What a client does first and most: list the tools, ask the Dongshan question, make two mistakes."""
    listed = await client.list_tools()
    ask = await client.call_tool("ask", {"question": DONGSHAN_Q})
    too_long = await client.call_tool("ask", {"question": "东" * 1001})
    no_filter = await client.call_tool("facts", {})
    big_page = await client.call_tool("reports", {"limit": 10_001})
    page = await client.call_tool("reports", {"limit": 2, "offset": 1})
    return {
        "tools": {t.name: t for t in listed.tools},
        "ask": ask,
        "too_long": too_long,
        "no_filter": no_filter,
        "big_page": big_page,
        "page": page,
    }


def _check(seen: dict, reports: int) -> None:
    tools = seen["tools"]
    assert set(tools) == TOOLS
    for tool in tools.values():  # an agent can call each without reading the README
        assert tool.description and tool.output_schema
        assert tool.annotations.read_only_hint is True
        props = tool.input_schema.get("properties", {})
        assert all(p.get("description") for p in props.values()), tool.name
    assert tools["ask"].input_schema["properties"]["question"]["maxLength"] == 1000
    assert tools["reports"].input_schema["properties"]["limit"]["maximum"] == 10_000

    ask = seen["ask"]
    assert not ask.is_error
    body = ask.structured_content
    assert body["status"] == "answered"
    stated = {(f["source"], f["value"]) for f in body["facts"]}
    assert ("table", "2") in stated and ("text", "3") in stated  # both, never one picked
    cites = {c["id"]: c for c in body["citations"]}
    for fact in body["facts"]:
        assert fact["value"] in cites[fact["citation"]]["quote"]
    text = ask.content[0].text
    assert text.startswith(body["answer"]) and "县政府和县政府办信息公开申请3件" in text

    assert seen["too_long"].is_error
    message = seen["too_long"].content[0].text
    assert "question" in message and "1000" in message and "东东东" not in message  # the rule, not the input
    assert seen["no_filter"].is_error
    assert "give at least one of issuer, year or metric" in seen["no_filter"].content[0].text  # the API's words
    assert seen["big_page"].is_error and "limit" in seen["big_page"].content[0].text

    page = seen["page"].structured_content
    assert page["total"] == reports and page["offset"] == 1 and len(page["reports"]) == 2


def test_stdio_a_desktop_client_launches_gongkai_mcp(collection, tmp_path):
    """`gongkai mcp` in a process of its own over a copy of the test collection's home, as Claude Desktop
    or Cursor launches it; nothing but the protocol on its stdout (the client would fail on anything else)."""
    home = tmp_path / "home"
    shutil.copytree(collection.settings.home, home, ignore=shutil.ignore_patterns(OWNER_FILE))
    params = StdioServerParameters(
        command=sys.executable,
        args=["-c", "import sys; from ui.cli import run; sys.exit(run())", "mcp"],
        env={"GONGKAI_HOME": str(home), "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )

    async def session() -> dict:
        async with Client(params, read_timeout_seconds=120) as client:
            return await _session(client)

    _check(anyio.run(session), len(collection.reports()))


@pytest.mark.parametrize("with_ui", [False, True])
def test_streamable_http_at_mcp_beside_the_api(collection, with_ui):
    """`gongkai serve`'s app: the tools at /mcp (with the page mounted at "/" too), the API unchanged, and
    /mcp not in the OpenAPI schema."""
    import httpx

    with Served(create_app(collection, with_ui=with_ui)) as url:

        async def session() -> dict:
            async with Client(f"{url}/mcp", read_timeout_seconds=120) as client:
                return await _session(client)

        _check(anyio.run(session), len(collection.reports()))
        assert httpx.get(f"{url}/api/health").json()["status"] == "ok"
        schema = httpx.get(f"{url}/openapi.json").json()
        assert not [p for p in schema["paths"] if p.startswith("/mcp")]
        # the transport's own answers, not the page's; the app's body limit holds there too
        accept = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
        garbage = httpx.post(f"{url}/mcp", content=b"{not json", headers=accept, timeout=30)
        assert garbage.status_code == 400 and "error" in garbage.json()
        huge = httpx.post(f"{url}/mcp", content=b"[" + b" " * 70_000 + b"]", headers=accept, timeout=30)
        assert huge.status_code == 413

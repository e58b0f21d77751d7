#!/usr/bin/env python3
"""What the HTTP API and the CLI answer on the sample corpus, byte for byte: a record to keep behaviour
unchanged while the code is moved around (issue 34).

    python scripts/snapshot.py --out test-output/snapshot-before.json    # record
    python scripts/snapshot.py --check test-output/snapshot-before.json  # compare: every difference, exit 1 if any

It ingests ``samples/reports`` with ``gongkai ingest`` into a temporary GONGKAI_HOME (the embedded SQLite and
Chroma stores; GONGKAI_DATABASE_URL, GONGKAI_CHROMA_URL, GONGKAI_LLM and GONGKAI_ADMIN_TOKEN are unset, so no
LLM is configured and writes are off), then records, in order:

- the CLI's stdout and exit code for ``gongkai ingest``, ``ask`` (a few questions, one with ``--json``),
  ``reports`` (and ``--json``), ``facts`` and ``audit samples/reports`` (run in-process through
  ``ui.cli.main``, from the repository's root);
- the HTTP API's answers through FastAPI's TestClient over ``ui.api.create_app(coll, with_ui=False)``: status
  code, headers (all but ``date``) and body as text, for a fixed list of requests over every route that
  reads (ask in Chinese and English, search, facts, compare, metrics, reports, report detail, health,
  openapi.json, the OpenAI-compatible routes without an LLM) and a few error replies;
- last, the upload route (the only write here): refused without a token, then with a token an unsupported
  file and a file already held.

Normalised, because they differ from run to run (nothing else is touched):

- the temporary GONGKAI_HOME's path is written ``<home>``, the repository's root ``<repo>``;
- a chat completion's id ``chatcmpl-<24 hex>`` is ``chatcmpl-<id>`` and its ``"created": <unix time>`` is
  ``"created": 0`` (only in /v1/chat/completions answers);
- in ``gongkai ingest``'s stdout, durations (``(0.12s)``, ``in 1.3s``) are ``(<t>s)`` and ``in <t>s``.

The file written is one JSON object: request → output (``status``, ``headers``, ``body`` for a request,
``exit`` and ``stdout`` for a command).
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import io
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's packages, not an installed copy's

for _name in ("GONGKAI_DATABASE_URL", "GONGKAI_CHROMA_URL", "GONGKAI_LLM", "GONGKAI_ADMIN_TOKEN"):
    os.environ.pop(_name, None)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

SAMPLES = "samples/reports"
TOKEN = "snapshot-admin-token"

ZH = "东山县2020年收到多少政府信息公开申请？"
EN = "how many disclosure applications did Dongshan County receive in 2020"

ASKS = [
    ZH,
    EN,
    "岳溪镇2019年收到多少政府信息公开申请？",
    "嘎什根乡2014年主动公开了多少条政府信息？",
    "淮安市2024年行政复议多少件？",
    "How many applications did Yuexi Town receive in 2019?",
    "Tongchuan Town staff",
    "北京市海淀区2020年收到多少申请？",
    "东山县和淮安市收到多少申请？",
]

COMMANDS: list[list[str]] = [
    ["ask", ZH],
    ["ask", EN],
    ["ask", "北京市海淀区2020年收到多少申请？"],
    ["ask", "淮安市2024年行政复议多少件？", "--json"],
    ["reports"],
    ["reports", "--json"],
    ["facts", "东山县"],
    ["audit", SAMPLES],
]


def requests(report_ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, url, keyword arguments of TestClient.request): reads first, then the upload route."""
    out: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/health", {}),
        ("GET", "/openapi.json", {}),
        ("GET", "/api/metrics", {}),
        ("GET", "/api/reports", {}),
        ("GET", "/api/reports?limit=2&offset=1", {}),
        *[("GET", f"/api/reports/{rid}", {}) for rid in report_ids],
        ("GET", "/api/reports/no-such-report", {}),
        *[("POST", "/api/ask", {"json": {"question": q}}) for q in ASKS],
        (
            "POST",
            "/api/ask",
            {
                "json": {
                    "question": "那2019年呢？",
                    "history": [{"role": "user", "content": "岳溪镇2018年收到多少申请？"}],
                }
            },
        ),
        ("POST", "/api/ask", {"json": {"question": ZH, "mode": "generative"}}),
        ("POST", "/api/ask", {"json": {"question": ""}}),
        ("POST", "/api/ask", {"content": b"not json", "headers": {"content-type": "application/json"}}),
        ("GET", "/api/search?q=政府信息公开申请", {}),
        ("GET", "/api/search?q=行政复议&issuer=淮安&year=2024&k=3", {}),
        ("GET", "/api/search?q=申请&issuer=不存在的机关", {}),
        ("GET", "/api/facts?issuer=东山县", {}),
        ("GET", "/api/facts?metric=applications_received", {}),
        ("GET", "/api/facts?metric=text.applications_received", {}),
        ("GET", "/api/facts?year=2024&metric=t3.new_received:total", {}),
        ("GET", "/api/facts", {}),
        ("GET", "/api/compare?metric=applications_received", {}),
        ("GET", "/api/compare?metric=applications_received&issuers=东山,淮安&years=2020,2024&limit=1", {}),
        ("GET", "/api/compare?metric=no_such_metric", {}),
        ("GET", "/v1/models", {}),
        ("POST", "/v1/chat/completions", {"json": {"model": "gongkai", "messages": [{"role": "user", "content": ZH}]}}),
        (
            "POST",
            "/v1/chat/completions",
            {
                "json": {
                    "model": "gongkai",
                    "messages": [
                        {"role": "system", "content": "be brief"},
                        {"role": "user", "content": "How many applications did Yuexi Town receive in 2018?"},
                        {"role": "assistant", "content": "…"},
                        {"role": "user", "content": [{"type": "text", "text": EN}]},
                    ],
                }
            },
        ),
        (
            "POST",
            "/v1/chat/completions",
            {"json": {"model": "gongkai", "stream": True, "messages": [{"role": "user", "content": ZH}]}},
        ),
        (
            "POST",
            "/v1/chat/completions",
            {"json": {"model": "gongkai-generative", "messages": [{"role": "user", "content": ZH}]}},
        ),
        (
            "POST",
            "/v1/chat/completions",
            {"json": {"model": "gongkai", "messages": [{"role": "system", "content": "x"}]}},
        ),
        ("TRACE", "/api/ask", {}),
        ("GET", "/docs", {}),
        # the upload route, last (it stores a file): off without a token, then an unsupported and a held file
        ("POST", "/api/reports", {"files": [("files", ("a.txt", b"x", "text/plain"))]}),
        (
            "POST",
            "/api/reports",
            {
                "admin": True,
                "files": [
                    ("files", ("setup.exe", b"MZ\x90\x00", "application/octet-stream")),
                    (
                        "files",
                        ("dongshan.txt", (ROOT / SAMPLES / "004_1517837ce4499e82.txt").read_bytes(), "text/plain"),
                    ),
                ],
            },
        ),
    ]
    return out


def _key(method: str, url: str, kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k != "headers"}
    if "files" in shown:
        shown["files"] = [name for _, (name, *_rest) in shown["files"]]
    if "content" in shown:
        shown["content"] = shown["content"].decode("latin-1")
    extra = " " + json.dumps(shown, ensure_ascii=False, sort_keys=True) if shown else ""
    return f"{method} {url}{extra}"


class Normaliser:
    def __init__(self, home: Path) -> None:
        self.paths = [(str(home), "<home>"), (str(ROOT), "<repo>")]
        real = os.path.realpath(home)
        if real != str(home):
            self.paths.insert(0, (real, "<home>"))

    def text(self, text: str) -> str:
        for path, name in self.paths:
            text = text.replace(path, name)
        return text

    @staticmethod
    def chat(text: str) -> str:
        text = re.sub(r"chatcmpl-[0-9a-f]{24}", "chatcmpl-<id>", text)
        return re.sub(r'("created": ?)\d+', r"\g<1>0", text)

    @staticmethod
    def durations(text: str) -> str:
        text = re.sub(r"\(\d+(\.\d+)?s\)", "(<t>s)", text)
        return re.sub(r"\bin \d+(\.\d+)?s\b", "in <t>s", text)


def run_cli(argv: list[str]) -> tuple[int, str]:
    from ui.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse, or _llm_or_exit
            code = exc.code if isinstance(exc.code, int) else 1
    return code, out.getvalue()


def record() -> dict[str, Any]:
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="gongkai-snapshot-") as tmp:
        home = Path(tmp) / "home"
        os.environ["GONGKAI_HOME"] = str(home)
        norm = Normaliser(home)
        snap: dict[str, Any] = {}

        code, out = run_cli(["ingest", SAMPLES])
        snap["$ gongkai ingest samples/reports"] = {"exit": code, "stdout": norm.durations(norm.text(out))}
        for argv in COMMANDS:
            code, out = run_cli(argv)
            snap["$ gongkai " + " ".join(argv)] = {"exit": code, "stdout": norm.text(out)}

        from fastapi.testclient import TestClient

        from index.collection import Collection
        from index.settings import Settings
        from ui.api import create_app

        coll = Collection(Settings.from_env(home))
        client = TestClient(create_app(coll, with_ui=False))
        ids = [r.id for r in coll.reports()]
        for method, url, kwargs in requests(ids):
            key = _key(method, url, kwargs)
            assert key not in snap, f"two requests recorded as {key}"
            kwargs = dict(kwargs)
            headers = dict(kwargs.pop("headers", {}))
            if kwargs.pop("admin", False):
                os.environ["GONGKAI_ADMIN_TOKEN"] = TOKEN
                headers["authorization"] = f"Bearer {TOKEN}"
            try:
                r = client.request(method, url, headers=headers, **kwargs)
            finally:
                os.environ.pop("GONGKAI_ADMIN_TOKEN", None)
            body = norm.text(r.text)
            kept = {k: v for k, v in sorted(r.headers.items()) if k.lower() != "date"}
            if url.startswith("/v1/chat/completions"):
                body = norm.chat(body)
            snap[key] = {"status": r.status_code, "headers": kept, "body": body}
        return snap


def _lines(value: Any) -> list[str]:
    """An entry as lines to diff: JSON bodies pretty-printed, so one changed field is one changed line."""
    if isinstance(value, dict):
        out = []
        for k, v in value.items():
            if k in ("body", "stdout") and isinstance(v, str):
                try:
                    parsed = json.loads(v)
                except ValueError:
                    parsed = None
                shown = json.dumps(parsed, ensure_ascii=False, indent=1) if parsed is not None else v
                out.append(f"{k}:")
                out.extend("  " + line for line in shown.splitlines())
            else:
                out.append(f"{k}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}")
        return out
    return [json.dumps(value, ensure_ascii=False)]


def compare(before: dict[str, Any], after: dict[str, Any]) -> int:
    differences = 0
    for key in [k for k in before if k not in after]:
        differences += 1
        print(f"--- missing now: {key}")
    for key in [k for k in after if k not in before]:
        differences += 1
        print(f"+++ new: {key}")
    for key in [k for k in before if k in after]:
        if before[key] == after[key]:
            continue
        differences += 1
        print(f"≠ {key}")
        diff = difflib.unified_diff(_lines(before[key]), _lines(after[key]), "before", "now", lineterm="", n=2)
        for line in diff:
            print("    " + line)
        if _lines(before[key]) == _lines(after[key]):  # the same JSON, other bytes (order, spacing)
            print("    (same content, different bytes)")
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the snapshot here (JSON)")
    parser.add_argument("--check", metavar="FILE", help="compare with this snapshot; exit 1 on any difference")
    args = parser.parse_args()
    if not args.out and not args.check:
        parser.error("give --out FILE, --check FILE or both")
    snap = record()
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(snap, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{len(snap)} entries written to {args.out}")
    if args.check:
        before = json.loads(Path(args.check).read_text(encoding="utf-8"))
        n = compare(before, snap)
        print(f"{len(snap)} entries, {n} differences from {args.check}")
        return 1 if n else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

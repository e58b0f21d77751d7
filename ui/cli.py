"""The ``gongkai`` command: a thin shell over the same functions the API uses."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from index.collection import Collection, IngestResult


def _print_result(r: IngestResult) -> None:
    if r.status == "failed":
        print(f"FAILED     {r.path}: {r.error}")
        return
    tables = ", ".join(f"{k}={v}" for k, v in r.tables.items()) or "no standard tables"
    print(
        f"{r.status:<10} {r.path}: {r.issuer} {r.year} [{r.generation}] {tables}; "
        f"{r.cells} cells, {r.figures} figures, {r.chunks} chunks ({r.seconds:.2f}s)"
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    coll = Collection()
    t0 = time.perf_counter()
    results = []
    for r in coll.ingest(args.paths):
        _print_result(r)
        results.append(r)
    failed = [r for r in results if r.status == "failed"]
    added = sum(r.status == "added" for r in results)
    unchanged = sum(r.status == "unchanged" for r in results)
    print(
        f"{len(results)} files: {added} added, {unchanged} unchanged, {len(failed)} failed "
        f"in {time.perf_counter() - t0:.1f}s"
    )
    if not results:
        print("no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 1
    return 1 if failed else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.answer import ask

    answer = ask(args.question, None, Collection())
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        for c in answer.citations:
            where = " · ".join(
                x for x in (c.issuer, str(c.year), c.table or c.section, c.row or "", c.column or "") if x
            )
            print(f"  [{c.id}] {where}\n      “{c.quote[:200]}”")
    return 0 if answer.status != "not_found" else 2


def cmd_reports(args: argparse.Namespace) -> int:
    from ui.api import catalog

    rows = catalog(Collection())
    if args.json:
        print(json.dumps([r.model_dump() for r in rows], ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        tables = ", ".join(f"{k}={v}" for k, v in r.tables.items()) or "-"
        region = "/".join(r.region.values())
        print(f"{r.id}  {r.year}  {r.issuer:<24} {region:<20} {r.format:<9} {tables}")
    print(f"{len(rows)} reports")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ui.api import create_app

    coll = Collection()
    if args.ingest:
        results = list(coll.ingest(args.ingest))
        for r in results:
            if r.status != "unchanged":
                _print_result(r)
        print(f"collection: {len(coll.reports())} reports")
    app = create_app(coll)
    print(f"serving on http://{args.host}:{args.port}  (chat at /, API at /api, docs at /docs)")
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    parser = argparse.ArgumentParser(
        prog="gongkai", description="Questions over government information disclosure annual reports."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="ingest report files or folders")
    p.add_argument("paths", nargs="+")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("ask", help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("reports", help="list the reports in the collection")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)
    p = sub.add_parser("serve", help="serve the chat UI and the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--ingest", nargs="*", default=[], metavar="PATH", help="ingest these first (unchanged files are skipped)"
    )
    p.set_defaults(func=cmd_serve)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())

"""The ``gongkai`` command: a thin shell over the same functions the API uses."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from typing import Any

from index.collection import LEXICAL_ONLY, Collection, IngestResult, IngestStatus
from index.faults import fault_of
from ingest.model import CellStatus, TableStatus
from ui.catalog import prepare_catalog

EX_TEMPFAIL = 75  # a store failed (disk full, a server gone): nothing wrong with the command; try again later

_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), "\ufffd")


def printable(name: str) -> str:
    """A file name as it can be shown: bidi controls (which reorder what a terminal displays) replaced."""
    return name.translate(_BIDI)


def _print_result(r: IngestResult) -> None:
    if r.status == IngestStatus.FAILED:
        print(f"FAILED     {printable(r.path)}: {r.error}")
        return
    if r.replaced:
        print(f"           (replaces earlier version {', '.join(r.replaced)})")
    if r.note:
        print(f"           ({r.note})")
    tables = ", ".join(f"{k}={v}" for k, v in r.tables.items()) or "no standard tables"
    print(
        f"{r.status:<10} {printable(r.path)}: {r.issuer} {r.year} [{r.generation}] {tables}; "
        f"{r.cells} cells, {r.figures} figures, {r.chunks} chunks"
        + (f", {r.ocr_pages} pages read by OCR" if r.ocr_pages else "")
        + f" ({r.seconds:.2f}s)"
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.progress import listening

    coll = Collection()
    coll.keep_versions = args.keep_versions
    coll.replace_anyway = args.replace
    t0 = time.perf_counter()
    results = []
    not_tried: list[IngestResult] = []

    def pages(what: str, done: int, total: int) -> None:  # a scan is read by OCR at seconds a page
        print(f"  … {what} ({done}/{total} scanned pages read)", file=sys.stderr, flush=True)

    with listening(pages):
        for r in coll.ingest(args.paths, issuer=args.issuer, year=args.year):
            if r.status == IngestStatus.NOT_TRIED:
                if not not_tried:  # the store's fault, said once: not a file's
                    print(f"STOPPED    {r.fault}")
                not_tried.append(r)
                continue
            _print_result(r)
            results.append(r)
    failed = [r for r in results if r.status == IngestStatus.FAILED]
    added = sum(r.status in (IngestStatus.ADDED, IngestStatus.REPLACED) for r in results)
    unchanged = sum(r.status == IngestStatus.UNCHANGED for r in results)
    print(
        f"{len(results) + len(not_tried)} files: {added} added, {unchanged} unchanged, {len(failed)} failed"
        + (f", {len(not_tried)} not tried" if not_tried else "")
        + f" in {time.perf_counter() - t0:.1f}s"
    )
    if not_tried:
        print(f"not tried ({len(not_tried)} files; ingest them again once the store is back):")
        for r in not_tried:
            print(f"  {printable(r.path)}")
    if not results and not not_tried:
        print("no report files found in " + ", ".join(args.paths), file=sys.stderr)
        return 1
    if added and not not_tried:
        prepare_catalog(coll)
    return EX_TEMPFAIL if not_tried else 1 if failed else 0


def _table_summary(t) -> str:
    parts = [
        f"{n} {label}"
        for n, label in (
            (t.as_printed, "as printed"),
            (t.placed, "placed"),
            (t.segmented, "segmented"),
            (t.derived, "derived"),
            (t.ambiguous, "ambiguous"),
            (t.lost, "lost"),
            (t.blank, "blank"),
        )
        if n
    ]
    return f"{t.table}={t.status} ({t.cells} cells: {', '.join(parts) or 'none'})"


def cmd_audit(args: argparse.Namespace) -> int:
    from ingest.audit import Outcome, as_json, audit_paths

    audit = audit_paths(args.paths)
    if args.json:
        print(json.dumps(as_json(audit), ensure_ascii=False, indent=1, default=str))
        return 0 if audit.files else 1
    for f in audit.files:
        if f.outcome == Outcome.REFUSED:
            print(f"REFUSED  {f.path}: {f.reason}")
            continue
        mark = {True: "  ✓ manifest", False: f"  ✗ manifest says {f.expected}", None: ""}[f.matches_manifest]
        raw = f" (written {f.issuer_raw})" if f.issuer_raw else ""
        print(
            f"OK       {f.path}: {f.issuer}{raw} {f.year} [{f.generation}, {f.format}]"
            f"  issuer from {'+'.join(f.issuer_sources)}; year from {'+'.join(f.year_sources)}{mark}"
        )
        if f.also_named:  # what ties a renamed body's years together
            print(f"           also named: {'; '.join(f.also_named)}")
        for t in f.tables.values():
            print(f"           {_table_summary(t)}")
            if TableStatus(t.status).needs_warning:
                for reason in t.reasons[:4]:
                    print(f"             - {reason}")
        if f.missing_tables:
            print(f"           not found: {', '.join(f.missing_tables)}")
        for d in f.disagreements:
            print(f"           text vs table: {d}")
    for c in audit.cross_forms:
        verdict = "same cells" if not c.differing else f"{len(c.differing)} cells differ"
        print(f"SAME REPORT {c.issuer} {c.year}: {' / '.join(c.files)}: {c.compared} cells compared, {verdict}")
        for d in c.differing[:10]:
            print(f"           {d}")
    s = audit.summary
    print(
        f"{s['files']} files: {s['ingestible']} ingestible, {s['refused']} refused; "
        f"T3/T4 of 2019/2021-format reports: {s['t3_t4_verified_or_repaired']}/{s['t3_t4_tables']} verified or repaired; "
        f"cells {s['cells']}; {s['with_text_disagreements']} reports with text-vs-table disagreements"
        + (
            f"; manifest: {s['manifest_matches']}/{s['manifest_checked']} issuer and year match"
            if s["manifest_checked"]
            else ""
        )
    )
    return 0 if audit.files else 1


def cmd_check(args: argparse.Namespace) -> int:
    """Drafts checked before publication; the collection is read (the office's previous report), never
    written. Exit 1 when a file has an error-level problem or cannot be read, else 0."""
    from pathlib import Path

    from assistant.selfcheck import check_files

    files = []
    for name in args.paths:
        try:
            files.append((name, Path(name).read_bytes()))
        except OSError as exc:
            print(f"cannot read {printable(name)}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    coll = None if args.no_collection else Collection(recover=False)
    results = check_files(coll, files, args.lang, args.issuer, args.year)
    if args.json:
        print(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=1))
    else:
        for r in results:
            _print_check(r)
    failed = any(r.error or any(p.severity == "error" for p in r.problems) for r in results)
    return 1 if failed else 0


def _print_check(r) -> None:
    if r.error:
        print(f"UNREADABLE {printable(r.file)}: {r.error}")
        return
    against = f"; compared with {r.previous}" if r.previous else ""
    print(f"{printable(r.file)}: {r.issuer} {r.year} [{r.generation}] {len(r.problems)} problems{against}")
    for p in r.problems:
        print(f"  {p.severity.upper():<8} {p.kind}  {p.where}")
        print(f"           {p.message}")
        if p.expected or p.found:
            print(f"           expected: {p.expected or '-'}   found: {p.found or '-'}")


def _llm_or_exit():
    from assistant.generative import make_llm

    llm = make_llm()
    if llm is None:
        print("--mode generative needs a model: set GONGKAI_LLM (see docs/generative.md)", file=sys.stderr)
        sys.exit(2)
    return llm


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.respond import respond

    llm = _llm_or_exit() if args.mode == "generative" else None
    coll = Collection()
    with coll.degradation() as degraded:
        answer = respond(args.question, None, coll, llm)
    if LEXICAL_ONLY in degraded:
        answer.notes.append(LEXICAL_ONLY)
        print(f"gongkai: {LEXICAL_ONLY}", file=sys.stderr)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(answer.answer)
        if answer.mode != "exact":
            print(f"  ({answer.mode})")
        for c in answer.citations:
            where = " · ".join(
                x for x in (c.issuer, str(c.year), c.table or c.section, c.row or "", c.column or "") if x
            )
            print(f"  [{c.id}] {where}\n      “{c.quote[:200]}”")
            if c.url:
                print(f"      {c.url} (fetched {c.fetched})")
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


_MARK = {CellStatus.BLANK: "∅", CellStatus.DASH: "—", CellStatus.MISSING: "?!", CellStatus.AMBIGUOUS: "?"}


def _cell_text(c) -> str:
    if c.status == CellStatus.NUMBER:
        text = c.value + (c.unit or "")
        return text + ("*" if c.method in ("placed", "segmented", "derived") else "")
    if c.status == CellStatus.AMBIGUOUS:
        return "?" + "|".join(c.candidates)
    return _MARK.get(c.status, c.status)


def cmd_facts(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from index.detail import report_detail

    coll = Collection()
    matches = [
        r for r in coll.reports() if r.id == args.report or r.id.startswith(args.report) or args.report in r.issuer
    ]
    if args.year:
        matches = [r for r in matches if r.year == args.year]
    if len(matches) != 1:
        print(("no report matches " if not matches else "several reports match ") + repr(args.report), file=sys.stderr)
        for r in matches:
            print(f"  {r.id}  {r.year}  {r.issuer}", file=sys.stderr)
        return 1
    d = report_detail(coll.facts, matches[0].id)
    assert d is not None
    if args.json:
        print(json.dumps(asdict(d), ensure_ascii=False, indent=2))
        return 0
    print(f"{d.title}\n  id {d.id} · issuer {d.issuer} · year {d.year} · format {d.format} · source {d.source_format}")
    print(f"  region {'/'.join(d.region.values()) or '-'} · published {d.published or '-'} · period {d.stat_period}")
    for t in d.tables:
        print(f"\n{t.title} [{t.generation}] — {t.status}")
        for reason in t.reasons:
            print(f"  · {reason}")
        for row in t.rows:
            cells = "  ".join(f"{c.column}={_cell_text(c)}" for c in row.cells)
            print(f"  {row.row_id:<38} {cells}")
    if d.tables:
        print("\n  * placed, split or computed by the checking relations · ? ambiguous · ∅ blank · ?! position lost")
    if d.figures:
        print("\nFigures in the text")
        for f in d.figures:
            link = f" ↔ {f.compare_to}" if f.compare_to else ""
            print(f"  {f.metric:<40} {f.value}{f.qualifier}{f.unit or ''}{link}  “{f.quote[:60]}”")
    for x in d.discrepancies:
        print(f"\n! text says {x.text_value} where {x.cell} is {x.table_value}: “{x.quote[:80]}”")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    coll = Collection()
    ids = [r.id for r in coll.reports() if r.id == args.report or r.id.startswith(args.report)]
    if len(ids) != 1:
        print(f"{'no' if not ids else 'several'} reports match {args.report!r}", file=sys.stderr)
        return 1
    coll.remove(ids[0])
    print(f"removed {ids[0]}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from index.export import figures_beside, write_sqlite, write_text
    from ui.routes.export import export_filter

    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"no such folder: {out.parent}", file=sys.stderr)
        return 2
    chosen = export_filter(args.issuer, args.year, args.metric, args.column)
    t0 = time.perf_counter()
    facts = Collection().facts
    if args.format == "sqlite":
        counts = write_sqlite(facts, out, chosen)
        print(
            f"{out}: {counts['reports']} reports, {counts['cells']} cells, {counts['figures']} figures "
            f"in {time.perf_counter() - t0:.1f}s (datasette {out} serves it)"
        )
        return 0
    counts = write_text(facts, args.format, out, chosen)
    for what, path in figures_beside(out, args.format).items():
        print(f"{path}: {counts[what]} {what}")
    print(f"in {time.perf_counter() - t0:.1f}s")
    return 0


def cmd_repair(args: argparse.Namespace) -> int:
    coll = Collection()
    t0 = time.perf_counter()
    purged, embedded = coll.repair()
    print(
        f"vector index checked against {len(coll.reports())} reports in {time.perf_counter() - t0:.1f}s: "
        f"{len(purged)} orphaned reports' vectors purged, {len(embedded)} reports' passages embedded again"
    )
    for rid in purged:
        print(f"  purged    {rid}")
    for rid in embedded:
        print(f"  embedded  {rid}")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from index.migrate import migrate
    from index.settings import Settings

    source = Settings.from_env()
    target = replace(source, database_url=args.database_url, chroma_url=args.chroma_url or source.chroma_url)
    if target.database_url == source.database_url and target.chroma_url == source.chroma_url:
        print("the target is the collection itself: give --database-url (and --chroma-url) of other stores")
        return 2
    t0 = time.perf_counter()
    try:
        result = migrate(source, target)
    except ValueError as exc:
        print(f"not copied: {exc}")
        return 1
    print(
        f"copied {sum(result.rows.values())} rows in {len(result.rows)} tables and {result.vectors} vectors "
        f"in {time.perf_counter() - t0:.1f}s; point GONGKAI_DATABASE_URL and GONGKAI_CHROMA_URL at the new stores"
    )
    return 0


def cmd_crawl(args: argparse.Namespace) -> int:
    from datetime import date

    from index.crawl import Crawler, CrawlOptions, event_line, summary_line

    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        print(f"--since wants a date like 2024-01-31, not {args.since!r}", file=sys.stderr)
        return 2
    options = CrawlOptions(
        max_pages=args.max_pages,
        since=since,
        dry_run=args.dry_run,
        allow_hosts=tuple(args.allow_host),
        delay=args.delay,
        timeout=args.timeout,
        retries=args.retries,
        deadline=args.deadline,
    )
    crawler = Crawler(Collection(), options)
    for event in crawler.run(args.urls):
        print(printable(event_line(event)), flush=True)
    print(summary_line(crawler.summary, len(args.urls)))
    if crawler.summary.stopped:
        return EX_TEMPFAIL
    return 0 if crawler.summary.counts.get("listed") else 1


def cmd_bench(args: argparse.Namespace) -> int:
    from pathlib import Path

    from measure import bench

    if args.what == "generate":
        bench.generate(args.n, Path(args.dir), args.start)
    elif args.what == "ingest":
        bench.ingest(Path(args.dir))
    elif args.what == "query":
        bench.query(args.n)
    elif args.what == "load":
        bench.load(args.url, args.clients, args.seconds, args.port)
    elif args.what == "serve":
        bench.serve(args.port, args.clients, args.seconds)
    elif args.what == "writers":
        rows = bench.writers(args.runs, args.n)
        return 1 if any(r["lost"] or r["orphan_vector_reports"] for r in rows) else 0
    elif args.what == "ocr":
        found = [Path(p) for p in args.pdfs] or sorted(
            p for d in ("samples/reports", "samples/corpus") for p in Path(d).glob("*.pdf")
        )
        rows = bench.ocr(found, args.dpi, args.angle, args.jpeg)
        return 1 if any(r["wrong_and_checked"] for r in rows) else 0
    elif args.what == "hostile":
        rows = bench.hostile(args.names or None)
        return 1 if any(r["outcome"] == "crashed" for r in rows) else 0
    elif args.what == "rewrap":
        found = [Path(p) for p in args.paths] or [
            p
            for d in ("samples/reports", "samples/corpus", "samples/corpus-html", "samples/corpus2")
            if (p := Path(d)).exists()
        ]
        rows = bench.rewrap(found)
        return 1 if any(not r["identical"] and not r["known"] for r in rows) else 0
    elif args.what == "questions":
        counts = bench.questions(args.home, args.limit, args.seed, args.kind, Path(args.json) if args.json else None)
        return 1 if counts.get("wrong") else 0
    elif args.what == "export":
        import tempfile

        from measure.bench_export import export

        root = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="gongkai-bench-export-"))
        export(args.n, args.format, root)
    elif args.what == "degrade":
        result = bench.degrade(args.n, args.seed)
        t34 = [result["tables"]["t3"], result["tables"]["t4"]]
        return 1 if any(s.wrong_in_verified for s in t34) else 0
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from measure.evaluate import run, run_naive

    coll = Collection()
    coll.warm()
    llm = _llm_or_exit() if args.mode == "generative" else None
    accuracy = 1.0
    for path in args.set:
        report = run(path, coll, llm)
        print(f"== {path}")
        print(report.table())
        accuracy = min(accuracy, report.accuracy)
        if args.baseline == "naive":
            print()
            print(run_naive(path, coll).table())
    return 0 if accuracy >= args.min_accuracy else 1


def _serving_app(args: argparse.Namespace) -> Any:
    """The app ``serve`` serves, once loaded: the files to ingest first, the embedding model, the page."""
    from assistant.answer import warm
    from ui.api import create_app

    coll = Collection()
    if args.ingest:
        results = list(coll.ingest(args.ingest))
        for r in results:
            if r.status != IngestStatus.UNCHANGED:
                _print_result(r)
        print(f"collection: {len(coll.reports())} reports")
    coll.warm()  # the embedding model: every search needs it
    # the catalog view and name indexes grow with the collection: built while the server already answers
    # searches; questions asked meanwhile wait for this build (one build, not one per request)
    threading.Thread(target=warm, args=(coll,), name="warm-catalog", daemon=True).start()
    return create_app(coll)


def cmd_serve(args: argparse.Namespace) -> int:
    """The port is bound at once and says "正在加载…" (``ui.warming``) while the app loads in a thread; a
    load that fails stops the server and is raised here, for main() to tell as it tells any command's."""
    import uvicorn

    from ui.warming import Warming

    if hasattr(signal, "SIGPIPE"):  # run() lets a pipe's reader end a command; a server lives on when a
        signal.signal(signal.SIGPIPE, signal.SIG_IGN)  # client hangs up mid-reply (SIG_DFL killed it)
    front = Warming()
    # keep-alive longer than clients wait between requests: a connection closed mid-reuse is a client error
    config = uvicorn.Config(
        front, host=args.host, port=args.port, log_level="warning", timeout_keep_alive=75, backlog=2048
    )
    server = uvicorn.Server(config)
    failed: list[BaseException] = []

    def load() -> None:
        try:
            front.ready(_serving_app(args))
            print("ready: the collection and its model are loaded")
        except Exception as exc:  # noqa: BLE001 - any failure ends the server, then is raised below
            failed.append(exc)
            server.should_exit = True

    threading.Thread(target=load, name="load", daemon=True).start()
    print(f"serving on http://{args.host}:{args.port}  (chat at /, API at /api, docs at /docs; 正在加载… until ready)")
    server.run()
    if failed:
        raise failed[0]
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    from contextlib import redirect_stdout

    from ui.mcp_server import serve_stdio

    with redirect_stdout(sys.stderr):  # stdout carries the protocol: whatever opening the stores says goes aside
        coll = Collection()
    serve_stdio(coll)
    return 0


def run() -> int:
    """The console entry point: the process is the command's own, so `gongkai audit … | head` may end
    quietly on SIGPIPE. Not in ``main``, which tests call in-process: there a server thread writing to a
    client that hung up would kill the whole test run."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    return main()


def build_parser() -> argparse.ArgumentParser:
    """Every command and its options; each command's ``func`` is the one call it makes."""
    parser = argparse.ArgumentParser(
        prog="gongkai", description="Questions over government information disclosure annual reports."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _collection_commands(sub)
    _measuring_commands(sub)
    return parser


def _collection_commands(sub: argparse._SubParsersAction) -> None:
    """The commands that read, fill or mend the collection."""
    p = sub.add_parser("ingest", help="ingest report files or folders")
    p.add_argument("paths", nargs="+")
    p.add_argument("--issuer", help="the issuer, when the files do not say it (overrides what they say)")
    p.add_argument("--year", type=int, help="the report (statistics) year, overriding what the files say")
    p.add_argument(
        "--keep-versions",
        action="store_true",
        help="keep a file whose issuer, year and title match a report already held (default: it replaces it)",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="replace the held version even when the new file holds less of the report (default: such a file "
        "is refused when it has no sections or tables, else kept beside the held one)",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("audit", help="what ingestion makes of every file: metadata, tables, checks (stores nothing)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser(
        "check", help="check draft reports before publishing: relations, format, text vs table, dates (stores nothing)"
    )
    p.add_argument("paths", nargs="+")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.add_argument("--lang", choices=["zh", "en"], default="zh", help="the language of the messages")
    p.add_argument("--issuer", help="the issuer, when the draft does not say it yet")
    p.add_argument("--year", type=int, help="the report year, when the draft does not say it yet")
    p.add_argument("--no-collection", action="store_true", help="do not compare with the office's previous report held")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("ask", help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the API's JSON")
    p.add_argument("--mode", choices=["exact", "generative"], default="exact", help="generative: the configured LLM")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("reports", help="list the reports in the collection")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reports)
    p = sub.add_parser("facts", help="a report's tables, their checks and its prose figures")
    p.add_argument("report", help="report id (or its prefix) or part of the issuer's name")
    p.add_argument("--year", type=int)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_facts)
    p = sub.add_parser(
        "export",
        help="every stored cell as open data: OUT as csv or jsonl (prose figures beside it, OUT.figures.…) "
        "or one sqlite file (reports, cells, figures) that datasette serves",
    )
    p.add_argument("out", metavar="OUT", help="the file to write (replaced when it exists)")
    p.add_argument("--format", choices=["csv", "jsonl", "sqlite"], default="csv")
    p.add_argument("--issuer", help="only reports whose issuer's name contains this")
    p.add_argument("--year", type=int, help="only reports of this year")
    p.add_argument("--metric", help="as GET /api/facts: a glossary key, a cell id row:col, a row id or text.…")
    p.add_argument("--column", help="only this column id")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("repair", help="make the vector index match the facts store (both ways)")
    p.set_defaults(func=cmd_repair)
    p = sub.add_parser(
        "migrate", help="copy the collection (facts rows and vectors, nothing re-embedded) into empty other stores"
    )
    p.add_argument("--database-url", required=True, help="the target database (e.g. postgresql+psycopg://…)")
    p.add_argument("--chroma-url", help="the target Chroma server (default: the collection's own vector store)")
    p.set_defaults(func=cmd_migrate)
    p = sub.add_parser("remove", help="remove a report (its facts and passages) from the collection")
    p.add_argument("report", help="report id or its prefix")
    p.set_defaults(func=cmd_remove)
    p = sub.add_parser(
        "crawl", help="fetch a portal's annual-report column (list pages, detail pages, attachments) and ingest it"
    )
    p.add_argument("urls", nargs="+", metavar="URL", help="a column's list page, e.g. https://…/zfxxgknb/")
    p.add_argument("--max-pages", type=int, default=50, help="list pages to read per column (default 50)")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between two requests to one host (default 1)")
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for a read (default 20)")
    p.add_argument(
        "--deadline",
        type=float,
        help="seconds one request may take in all, however the site drips its bytes (default 3 × --timeout)",
    )
    p.add_argument("--retries", type=int, default=3, help="tries again after a 5xx or a timeout (default 3)")
    p.add_argument("--since", help="only reports listed on or after this date (YYYY-MM-DD)")
    p.add_argument("--dry-run", action="store_true", help="read the lists and say what would be fetched; store nothing")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST",
        help="also fetch from this host, host:port (repeatable); the only hosts that may be on a private, "
        "loopback or link-local address",
    )
    p.set_defaults(func=cmd_crawl)


def _measuring_commands(sub: argparse._SubParsersAction) -> None:
    """The benchmarks, the question sets and the server."""
    from measure import KINDS as QUESTION_KINDS

    p = sub.add_parser(
        "bench",
        help="benchmarks that print figures: generate | ingest | query | serve | load | degrade | export | rewrap | hostile | writers | ocr | questions",
    )
    bsub = p.add_subparsers(dest="what", required=True)
    b = bsub.add_parser("generate", help="write N synthetic reports into DIR")
    b.add_argument("n", type=int)
    b.add_argument("dir")
    b.add_argument("--start", type=int, default=0, help="first seed (grow a corpus in steps)")
    b = bsub.add_parser("ingest", help="ingest DIR and print throughput and memory")
    b.add_argument("dir")
    b = bsub.add_parser("query", help="time exact lookups and retrieval answers on the collection")
    b.add_argument("--n", type=int, default=200)
    b = bsub.add_parser("load", help="concurrent clients on /api/ask for a bounded time (loopback only)")
    b.add_argument("--url", help="a running server (default: start one)")
    b.add_argument("--clients", type=int, default=50)
    b.add_argument("--seconds", type=float, default=60)
    b.add_argument("--port", type=int, default=7870)
    b = bsub.add_parser("serve", help="a fresh server: seconds to its first answered search, RSS idle and under load")
    b.add_argument("--clients", type=int, default=20)
    b.add_argument("--seconds", type=float, default=30)
    b.add_argument("--port", type=int, default=7871)
    b = bsub.add_parser("writers", help="two ingest processes and a reader on one home, RUNS times: what was lost")
    b.add_argument("--runs", type=int, default=5)
    b.add_argument("--n", type=int, default=120)
    b = bsub.add_parser("hostile", help="bombs, deep markup, glued digits: each in a process, time and peak memory")
    b.add_argument("names", nargs="*", help="some of the inputs (default: all)")
    b = bsub.add_parser("ocr", help="text-layer PDFs made into scans and read by OCR: s/page, cells equal")
    b.add_argument("pdfs", nargs="*", help="PDFs with a text layer (default: the sample PDFs)")
    b.add_argument("--dpi", type=int, default=200)
    b.add_argument("--angle", type=float, default=0.0, help="lean the pages by this many degrees")
    b.add_argument("--jpeg", type=int, default=0, help="JPEG quality of the page images (0: lossless)")
    b = bsub.add_parser(
        "rewrap", help="real reports re-wrapped as real pages are (one line, a line per figure, …): identical reads"
    )
    b.add_argument("paths", nargs="*", help="report files or folders (default: the samples)")
    b = bsub.add_parser(
        "export", help="the open-data export of N synthetic reports (each N in turn): seconds, file size, peak memory"
    )
    b.add_argument(
        "n", type=int, nargs="+", help="report counts, e.g. 1000 10000 (the store grows from one to the next)"
    )
    b.add_argument("--format", choices=["csv", "jsonl", "sqlite"], default="csv")
    b.add_argument("--dir", help="where the home and the files go (default: a new temporary folder; kept)")
    b = bsub.add_parser("degrade", help="N synthetic reports damaged like real files: cells right/ambiguous/wrong")
    b.add_argument("n", type=int)
    b.add_argument("--seed", type=int, default=0)
    b = bsub.add_parser(
        "questions",
        help="questions with known answers generated from the collection's cells and sentence figures: "
        "right / said-ambiguous / not-found / missed / wrong per kind; exit 1 if any wrong",
    )
    b.add_argument(
        "--set", choices=["samples"], default="samples", help="samples: reports + corpus + corpus2 in a temporary home"
    )
    b.add_argument("--home", action="store_true", help="use the collection of GONGKAI_HOME instead of the samples")
    b.add_argument("--limit", type=int, help="ask only this many (taken in turn from every kind)")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--kind", choices=list(QUESTION_KINDS), help="ask only this kind")
    b.add_argument("--json", metavar="OUT", help="write every question with its outcome to this file")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("eval", help="run a question set (JSONL) and print accuracy per kind of question")
    p.add_argument(
        "--set", required=True, action="append", help="JSONL file of questions with expectations (repeatable)"
    )
    p.add_argument(
        "--mode", choices=["exact", "generative"], default="exact", help="generative: through the configured LLM"
    )
    p.add_argument("--baseline", choices=["naive"], help="also run the textbook RAG pipeline, side by side")
    p.add_argument("--min-accuracy", type=float, default=0.0, help="exit 1 below this overall accuracy")
    p.set_defaults(func=cmd_eval)
    p = sub.add_parser("serve", help="serve the chat UI and the HTTP API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument(
        "--ingest", nargs="*", default=[], metavar="PATH", help="ingest these first (unchanged files are skipped)"
    )
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser(
        "mcp", help="serve the read tools (ask, search, facts, compare, reports, report) to an MCP client over stdio"
    )
    p.set_defaults(func=cmd_mcp)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    args = build_parser().parse_args(argv)
    from index.vectors import VectorStoreBusyError

    try:
        return int(args.func(args))
    except VectorStoreBusyError as exc:
        print(f"gongkai: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        fault = fault_of(exc)  # a store down or a full disk: a sentence, not a traceback
        if fault is None:
            raise
        print(f"gongkai: {fault}", file=sys.stderr)
        return EX_TEMPFAIL


if __name__ == "__main__":
    sys.exit(run())

"""``gongkai bench export N``: the open-data export (``index.export``) of a facts store holding N synthetic
reports, measured in a process of its own: seconds, rows, file size, peak resident memory and the peak of
Python's own allocations (tracemalloc). Run at two sizes, the peaks should not grow with N: the export
reads the store a page at a time and writes as it reads.

The store is filled with the facts only (no passages, no vectors: the export reads neither): a few hundred
synthetic reports parsed once, each stored again under its own id until there are N.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

DISTINCT = 200  # reports parsed; the rest are copies under other ids (parsing 10,000 takes 8 minutes)


def _database(home: Path) -> str:
    from index.settings import Settings

    return Settings.from_env(home).database_url


def fill(home: Path, n: int) -> int:
    """Make the facts store of ``home`` hold at least ``n`` reports; returns how many it holds. The first
    DISTINCT are parsed and stored as ingestion stores them; the others are copies of those made by the
    database (INSERT … SELECT of a report's row, tables, cells and figures under a new id): 10,000 reports
    through the ORM took over an hour on the shared 2 cores, this a minute or two."""
    from index.facts import FactStore

    home.mkdir(parents=True, exist_ok=True)
    facts = FactStore(_database(home))
    held = sorted(facts.report_ids())
    had, t0 = len(held), time.perf_counter()
    if len(held) < min(DISTINCT, n):
        _parse_and_store(facts, len(held), min(DISTINCT, n))
        held = sorted(facts.report_ids())
    bases = held[:DISTINCT]
    with facts.engine.begin() as conn:
        for i in range(len(held), n):
            digest = hashlib.sha256(f"bench-export-{i}".encode()).hexdigest()
            _copy(conn, bases[i % len(bases)], digest)
    if n > had:
        print(f"  {n - had} reports stored in {time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    return max(n, len(held))


def _parse_and_store(facts: object, start: int, stop: int) -> None:
    from ingest.pipeline import parse_report
    from measure.synthetic import generate

    with facts.Session() as session:  # type: ignore[attr-defined]
        for seed in range(start, stop):
            s = generate(seed)
            facts.add(session, parse_report(s.text, s.filename, "txt"))  # type: ignore[attr-defined]
        session.commit()


def _copy(conn: object, base: str, digest: str) -> None:
    """Report ``base`` again under the id ``digest[:16]``: its row, tables, cells and figures."""
    from sqlalchemy import text

    from index.rows import CellRow, FigureRow, ReportRow, TableRow

    for row in (ReportRow, TableRow, CellRow, FigureRow):
        table = row.__table__
        key = "id" if row is ReportRow else "report_id"
        columns = [c.name for c in table.columns if c.name != "id" or row is ReportRow]
        chosen = [":rid" if c in ("id", "report_id") else ":hash" if c == "content_hash" else f'"{c}"' for c in columns]
        names = ", ".join(f'"{c}"' for c in columns)
        statement = (
            f'INSERT INTO "{table.name}" ({names}) SELECT {", ".join(chosen)} FROM "{table.name}" WHERE "{key}" = :base'
        )
        conn.execute(text(statement), {"rid": digest[:16], "hash": digest, "base": base})  # type: ignore[attr-defined]


def measure_once(home: Path, fmt: str, out: Path) -> dict:
    """The export in this process (a fresh one: its peaks are the export's), as one JSON-able row."""
    import tracemalloc

    from index.export import write_sqlite, write_text
    from index.facts import FactStore
    from measure.bench import _peak_mb

    facts = FactStore(_database(home))
    facts.catalog_version()
    opened = _self_rss()
    tracemalloc.start()
    t0 = time.perf_counter()
    counts = write_sqlite(facts, out) if fmt == "sqlite" else write_text(facts, fmt, out)
    seconds = time.perf_counter() - t0
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(p.stat().st_size for p in out.parent.glob(out.stem + "*"))
    return {
        "reports": len(facts.report_ids()),
        "format": fmt,
        "cells": counts["cells"],
        "figures": counts["figures"],
        "seconds": round(seconds, 1),
        "file_mb": round(size / 2**20, 1),
        "rss_opened_mb": round(opened),
        "rss_peak_mb": round(_peak_mb()),
        "traced_peak_mb": round(traced_peak / 2**20, 1),
    }


def _self_rss() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def export(sizes: list[int], fmt: str, root: Path) -> list[dict]:
    """Fill a home under ``root`` to each size in turn (growing it) and measure the export at each."""
    home = root / "home"
    rows = []
    print(
        f"{'reports':>8} {'format':<7} {'cells':>10} {'figures':>8} {'s':>7} {'file MB':>8} "
        f"{'RSS open':>9} {'RSS peak':>9} {'traced':>7}"
    )
    for n in sorted(sizes):
        fill(home, n)
        out = root / f"export-{n}.{fmt}"
        code = "import sys, json; from pathlib import Path; from measure.bench_export import measure_once; "
        code += "print(json.dumps(measure_once(Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]))))"
        done = subprocess.run(
            [sys.executable, "-c", code, str(home), fmt, str(out)], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise SystemExit(f"the export of {n} reports failed:\n{done.stderr[-2000:]}")
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(
            f"{row['reports']:>8} {fmt:<7} {row['cells']:>10} {row['figures']:>8} {row['seconds']:>7} "
            f"{row['file_mb']:>8} {row['rss_opened_mb']:>9} {row['rss_peak_mb']:>9} {row['traced_peak_mb']:>7}",
            flush=True,
        )
        for p in root.glob(f"export-{n}*"):
            p.unlink()
    print(
        "RSS in MB of the exporting process (opened: after opening the store; peak: VmHWM); traced: the peak of "
        "Python's allocations during the export (tracemalloc, which also slows it)"
    )
    return rows

"""``gongkai bench``: figures, not pass/fail. Generate a synthetic corpus, time ingestion and queries,
and load a running server on loopback with many concurrent clients for a bounded time.

    gongkai bench generate 1000 /tmp/corpus
    GONGKAI_HOME=/tmp/bench gongkai bench ingest /tmp/corpus
    GONGKAI_HOME=/tmp/bench gongkai bench query --n 200
    GONGKAI_HOME=/tmp/bench gongkai bench load --clients 50 --seconds 60
"""

from __future__ import annotations

import asyncio
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from index.settings import Settings


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a
    child started by a big parent would report the parent's peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return _rss_mb()


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(p * len(s))) - 1))]


def generate(n: int, out: Path, start: int = 0) -> None:
    """N synthetic reports, seeds ``start``… (so a bigger corpus can be grown in steps: 1k, then +9k, then +20k)."""
    from measure.synthetic import generate as make

    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    for seed in range(start, start + n):
        s = make(seed)
        (out / s.filename).write_text(s.text, encoding="utf-8")
    print(f"generated {n} reports in {out} ({time.perf_counter() - t0:.1f}s)")


def ingest(folder: Path) -> None:
    from index.collection import Collection, IngestStatus
    from ingest.loaders import expand_paths

    files = list(expand_paths([folder]))
    if not files:  # links inside a folder are not followed (ingest.loaders.expand_paths)
        raise SystemExit(f"no report files in {folder} (links inside a folder are not followed)")
    coll = Collection()
    t0 = time.perf_counter()
    times: list[float] = []
    failed = 0
    for i, r in enumerate(coll.ingest(files), 1):
        times.append(r.seconds)
        failed += r.status == IngestStatus.FAILED
        if i % 250 == 0:
            elapsed = time.perf_counter() - t0
            print(f"  {i}/{len(files)}  {i / elapsed:.1f} reports/s  rss {_rss_mb():.0f} MB", flush=True)
    elapsed = time.perf_counter() - t0
    print(
        f"ingested {len(files)} files in {elapsed:.1f}s: {len(files) / elapsed:.2f} reports/s; "
        f"per file p50 {statistics.median(times) * 1000:.0f} ms p95 {_pct(times, 0.95) * 1000:.0f} ms; "
        f"{failed} failed; collection {len(coll.reports())} reports, {coll.vectors.count()} chunks; "
        f"peak rss {_rss_mb():.0f} MB"
    )
    from ui.catalog import prepare_catalog

    prepare_catalog(coll)  # as `gongkai ingest` does: no app server derives them at its start


_LOOKUPS = [
    "{name}{year}年收到多少政府信息公开申请？",
    "{name}{year}年行政复议多少件",
    "{name}{year}年予以公开多少件",
    "{name}{year}年主动公开了多少条政府信息",
    "how many requests did {name} refuse in {year}",
]
_PASSAGES = [
    "{name}{year}年存在哪些问题？",
    "{name}开展了几次政务公开业务培训？",
    "{name}的政务微博发布了多少条信息",
    "{name}{year}年是怎样审核发布信息的？",
]


def query(n: int) -> None:
    from assistant.answer import ask
    from index.collection import Collection

    coll = Collection()
    reports = coll.reports()
    if not reports:
        print("the collection is empty: run `gongkai bench ingest` first")
        return
    rng = random.Random(7)
    t0 = time.perf_counter()
    coll.warm()
    print(f"warm-up (embedding model; {coll.facts.chunk_count()} passages searchable): {time.perf_counter() - t0:.1f}s")
    for label, templates in (("exact lookup", _LOOKUPS), ("retrieval answer", _PASSAGES)):
        lat, statuses = [], {}
        for _ in range(n):
            r = rng.choice(reports)
            q = rng.choice(templates).format(name=r.issuer, year=r.year)
            t1 = time.perf_counter()
            a = ask(q, None, coll)
            lat.append((time.perf_counter() - t1) * 1000)
            statuses[a.status] = statuses.get(a.status, 0) + 1
        print(
            f"{label:<17} n={n} p50 {statistics.median(lat):.1f} ms  p95 {_pct(lat, 0.95):.1f} ms  "
            f"max {max(lat):.1f} ms  statuses {statuses}"
        )
    searches = (
        ("hybrid search, one report", "hybrid", True),
        ("hybrid search, all reports", "hybrid", False),
        ("lexical search, one report", "lexical", True),
        ("lexical search, all reports", "lexical", False),
    )
    for label, mode, narrowed in searches:
        lat = []
        for _ in range(n):
            r = rng.choice(reports)
            question = rng.choice(_PASSAGES).format(name=r.issuer, year=r.year)
            t1 = time.perf_counter()
            coll.search(question, [r.id] if narrowed else None, k=5, mode=mode)
            lat.append((time.perf_counter() - t1) * 1000)
        print(
            f"{label:<28} n={n} p50 {statistics.median(lat):.1f} ms  p95 {_pct(lat, 0.95):.1f} ms  max {max(lat):.1f} ms"
        )
    print(f"peak rss {_peak_mb():.0f} MB")


async def _load(url: str, clients: int, seconds: float, questions: list[str]) -> None:
    """Clients asking in a loop until the deadline; prints requests, errors and latency."""
    import httpx

    lat: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(i: int, http: httpx.AsyncClient) -> None:
        rng = random.Random(i)
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                r = await http.post(f"{url}/api/ask", json={"question": rng.choice(questions)}, timeout=30)
                if r.status_code != 200:
                    errors[str(r.status_code)] = errors.get(str(r.status_code), 0) + 1
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            lat.append((time.perf_counter() - t0) * 1000)

    async with httpx.AsyncClient(limits=limits) as http:
        await asyncio.gather(*(client(i, http) for i in range(clients)))
    total = len(lat)
    print(
        f"load: {clients} clients × {seconds:.0f}s on {url}/api/ask: {total} requests, {total / seconds:.1f} req/s, "
        f"errors {sum(errors.values())} {errors or ''}; latency p50 {statistics.median(lat):.0f} ms "
        f"p95 {_pct(lat, 0.95):.0f} ms max {max(lat):.0f} ms"
    )


def _questions() -> list[str]:
    from measure.evaluate import load_set

    devset = Path(__file__).resolve().parents[1] / "tests" / "devset" / "questions.jsonl"
    return [item["question"] for item in load_set(devset)] if devset.exists() else ["东山县2020年收到多少申请？"]


def _proc_mb(pid: int, key: str) -> float:
    """A process's VmRSS (now) or VmHWM (peak) in MB, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _start_server(port: int) -> tuple[subprocess.Popen, str, float]:
    """`gongkai serve` on loopback; returns it, its URL and the seconds until it answered its first
    search (process start, imports, model load and the first query: what a new app server costs)."""
    import httpx

    url = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while time.perf_counter() - t0 < 600:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            r = httpx.get(f"{url}/api/search", params={"q": "政府信息公开申请 行政复议"}, timeout=60)
            if r.status_code == 200:
                return server, url, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer a search within 600 s")


def load(url: str | None, clients: int, seconds: float, port: int) -> None:
    """Bounded load on loopback; starts its own server on ``port`` unless ``url`` is given."""
    server = None
    if url is None:
        server, url, _ = _start_server(port)
    if not url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        raise SystemExit("load tests only target this machine (127.0.0.1 / localhost)")
    try:
        asyncio.run(_load(url, clients, seconds, _questions()))
    finally:
        if server is not None:
            _stop(server)


def serve(port: int, clients: int, seconds: float) -> dict[str, float]:
    """A fresh app server on this collection: seconds to its first answered search, resident memory
    idle (after that search) and its peak under ``clients`` concurrent askers for ``seconds``."""
    server, url, first = _start_server(port)
    try:
        time.sleep(2)
        idle = _proc_mb(server.pid, "VmRSS")
        print(f"server: first answered search after {first:.1f} s; RSS idle {idle:.0f} MB", flush=True)
        asyncio.run(_load(url, clients, seconds, _questions()))
        peak = _proc_mb(server.pid, "VmHWM")
        print(f"server: RSS peak under load {peak:.0f} MB", flush=True)
    finally:
        _stop(server)
    return {"first_search_s": first, "rss_idle_mb": idle, "rss_peak_mb": peak}


def _stop(server: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL: a server still working through queued requests may not stop in time."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def degrade(n: int, seed: int = 0) -> dict[str, object]:
    """Synthetic reports with known cells, damaged as real files are (``measure.degrade``), parsed
    and scored cell by cell. Prints per-table and per-damage figures; returns them too."""
    from collections import Counter, defaultdict

    from ingest.pipeline import NotAReportError, parse_report
    from measure.degrade import CellScore, score
    from measure.degrade import degrade as damage
    from measure.synthetic import generate as make

    per_table = {t: CellScore() for t in ("t2", "t3", "t4")}
    per_damage: dict[str, CellScore] = defaultdict(CellScore)
    statuses: Counter[str] = Counter()
    refused: list[str] = []
    t0 = time.perf_counter()
    for i in range(seed, seed + n):
        report_in = make(i)
        text, damages = damage(report_in.text, random.Random(i))
        try:
            report = parse_report(text, report_in.filename)
        except NotAReportError as exc:
            refused.append(f"{report_in.filename} {damages}: {exc}")
            continue
        statuses.update(f"{t.table}:{t.status}" for t in report.tables)
        for table, total in per_table.items():
            s = score(report_in.truth, report, (table,))
            total.add(s)
            if table != "t2":
                for d in damages:
                    per_damage[d].add(s)
    elapsed = time.perf_counter() - t0
    print(f"{n} synthetic reports, damaged and parsed in {elapsed:.1f}s ({n / elapsed:.0f}/s); refused {len(refused)}")
    for line in refused[:5]:
        print("  refused", line)
    print("table  cells    right   ambiguous  unread  wrong  wrong-in-verified  right%")
    for table, s in per_table.items():
        print(
            f"{table:<6} {s.total:<8} {s.right:<7} {s.ambiguous:<10} {s.unread:<7} {s.wrong:<6} "
            f"{s.wrong_in_verified:<18} {100 * s.right / max(1, s.total):.2f}"
        )
    t34 = CellScore()
    t34.add(per_table["t3"])
    t34.add(per_table["t4"])
    print(
        f"T3+T4: {100 * t34.right / max(1, t34.total):.2f}% right, {t34.wrong} wrong ({t34.wrong_in_verified} in verified tables)"
    )
    print(
        "T3+T4 by damage (reports carrying it): "
        + ", ".join(
            f"{d} {100 * s.right / max(1, s.total):.2f}%/{s.wrong} wrong" for d, s in sorted(per_damage.items())
        )
    )
    print("table statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
    for s in per_table.values():
        for example in s.wrong_examples[:5]:
            print("  wrong:", example)
    return {"tables": per_table, "damages": dict(per_damage), "statuses": statuses, "refused": refused}


REWRAP_KNOWN = {
    # (file name, transformation): why the source allows no identical reading
    ("002_57d10eb15bb2ae81.txt", "one_line"): (
        "heading 五、政府信息公开机构人员 has no heading word and no mark; only the blank line after it ends it,"
        " and a page on one line has none"
    ),
}


def rewrap(paths: list[Path]) -> list[dict]:
    """Every real report re-wrapped the ways real pages are (``ingest.rewrap``), parsed and compared
    with the file as it is. Prints, per transformation, how many came out identical and which differ."""
    from collections import defaultdict

    from ingest.loaders import SUPPORTED, expand_paths
    from ingest.rewrap import check_report

    rows: list[dict] = []
    t0 = time.perf_counter()
    files = [p for p in expand_paths(paths) if p.suffix.lower() in SUPPORTED]
    for path in files:
        for r in check_report(path.name, path.read_bytes()):
            known = REWRAP_KNOWN.get((path.name, r.transform), "")
            rows.append(
                {
                    "file": str(path),
                    "transform": r.transform,
                    "identical": r.identical,
                    "known": known,
                    "differences": r.differences,
                }
            )
    by: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by[row["transform"]].append(row)
    print(f"{len(files)} reports re-wrapped and parsed in {time.perf_counter() - t0:.1f}s")
    print("transformation     identical")
    for transform, rs in by.items():
        same = sum(r["identical"] for r in rs)
        print(f"{transform:<18} {same}/{len(rs)}")
    for row in rows:
        if not row["identical"]:
            why = f"  (documented: {row['known']})" if row["known"] else ""
            print(f"  differs: {row['transform']} {row['file']}{why}")
            for d in row["differences"]:
                print(f"      {d[:240]}")
    return rows


def hostile_one(name: str) -> dict:
    """Read one hostile input as ingestion does (under the per-file budget) and report the outcome,
    the seconds taken and this process's peak resident memory. Run in a process of its own."""
    import json

    from ingest.budget import time_budget
    from ingest.loaders import load_bytes
    from ingest.pipeline import parse_report
    from measure.hostile import HOSTILE

    before = _peak_mb()
    filename, data = HOSTILE[name]()
    t0 = time.perf_counter()
    outcome, detail = "read", ""
    try:
        with time_budget():
            loaded = load_bytes(data, filename)
            report = parse_report(loaded.text, filename, loaded.format, loaded.content, ocr=loaded.ocr)
        detail = ", ".join(f"{t.table} {t.status}" for t in report.tables)
    except Exception as exc:  # noqa: BLE001 - the outcome is the figure: refused, with which reason
        outcome, detail = "refused", f"{type(exc).__name__}: {exc}"
    result = {
        "name": name,
        "bytes": len(data),
        "outcome": outcome,
        "detail": detail[:200],
        "seconds": round(time.perf_counter() - t0, 2),
        "peak_mb": round(_peak_mb()),
        "start_mb": round(before),
    }
    print(json.dumps(result, ensure_ascii=False))
    return result


def hostile(names: list[str] | None = None) -> list[dict]:
    """Each hostile input in a fresh process: outcome, seconds and peak memory, one line each."""
    import json

    from measure.hostile import HOSTILE

    rows = []
    print(f"{'input':<18} {'size':>9} {'outcome':<8} {'seconds':>8} {'peak MB':>8}  detail")
    for name in names or list(HOSTILE):
        proc = subprocess.run(
            [sys.executable, "-c", f"from measure.bench import hostile_one; hostile_one({name!r})"],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
        row = (
            json.loads(lines[-1])
            if lines
            else {
                "name": name,
                "outcome": "crashed",
                "detail": proc.stderr[-200:],
                "bytes": 0,
                "seconds": 0,
                "peak_mb": 0,
            }
        )
        rows.append(row)
        print(
            f"{name:<18} {row['bytes'] / 1024:>7.0f}KB {row['outcome']:<8} {row['seconds']:>8} {row['peak_mb']:>8}  "
            f"{row['detail'][:90]}"
        )
    return rows


def writers(runs: int = 5, n: int = 120) -> list[dict]:
    """The concurrency probe: per run, a fresh home, two `gongkai ingest` processes on halves of ``n``
    synthetic reports while a third process keeps opening the collection (which runs recovery), and
    ten identical uploads at once through the API. Prints what was lost, one line per run."""
    import os
    import shutil
    import tempfile
    import uuid
    from dataclasses import replace

    from index.collection import Collection
    from index.settings import Settings
    from index.vectors import VectorIndex

    if not os.environ.get("GONGKAI_CHROMA_URL"):
        raise SystemExit(
            "bench writers needs a Chroma server (GONGKAI_CHROMA_URL): an embedded home's vector store takes one "
            "process at a time"
        )
    rows = []
    for run in range(runs):
        tmp = Path(tempfile.mkdtemp(prefix="gongkai-writers-"))
        name = f"writers_{uuid.uuid4().hex[:8]}"  # a collection of its own on the server
        try:
            home = tmp / "home"
            settings = replace(Settings.from_env(home), collection_name=name)
            env = {**os.environ, "GONGKAI_HOME": str(home), "GONGKAI_CHROMA_COLLECTION": name}
            generate(n, tmp / "all")
            halves = [tmp / "a", tmp / "b"]
            for h in halves:
                h.mkdir()
            for i, f in enumerate(sorted((tmp / "all").iterdir())):
                f.rename(halves[i % 2] / f.name)
            t0 = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [sys.executable, "-m", "ui.cli", "ingest", str(h)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
                for h in halves
            ]
            opened = 0
            while any(p.poll() is None for p in procs):
                subprocess.run([sys.executable, "-m", "ui.cli", "reports"], env=env, capture_output=True, check=False)
                opened += 1
            outs = [p.communicate()[0] for p in procs]
            told = sum(line.startswith("added") for out in outs for line in out.splitlines())
            failures = [line for out in outs for line in out.splitlines() if line.startswith("FAILED")]
            coll = Collection(settings)
            held = {r.id for r in coll.reports()}
            orphans = len(coll.vectors.report_ids() - held)
            # ten identical uploads at once, through the collection's own ingest in threads
            upload = tmp / "same.txt"
            shutil.copy(next((halves[0]).iterdir()), upload)
            coll.remove(coll.facts.find_by_hash(_sha256(upload)).id)
            replies = _identical_ingests(settings, upload, 10)
            row = {
                "run": run + 1,
                "reports": n,
                "told_added": told,
                "held": len(held),
                "lost": told - len(held),
                "orphan_vector_reports": orphans,
                "reader_opens": opened,
                "identical_uploads": dict(sorted(replies.items())),
                "held_after_uploads": len(Collection(settings).reports()),
                "seconds": round(time.perf_counter() - t0, 1),
                "failures": failures,  # files an ingest reported failed (a lock wait past its timeout …)
            }
            rows.append(row)
            print(
                f"run {row['run']}: {n} reports, told added {told}, held {row['held']}, lost {row['lost']}, "
                f"orphan vectors {orphans}, reader opened {opened}×; 10 identical uploads → {row['identical_uploads']}, "
                f"held {row['held_after_uploads']} ({row['seconds']}s)"
            )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
            try:
                VectorIndex(settings).client.delete_collection(name)
            except Exception:  # noqa: BLE001 - never created (the run failed before) or already gone
                pass
    return rows


def _identical_ingests(settings: Settings, path: Path, clients: int) -> dict[str, int]:
    """The same file ingested by ``clients`` threads at once, each with its own collection (as
    separate server workers would): how many replies of each status."""
    import threading
    from collections import Counter

    from index.collection import Collection

    replies: Counter[str] = Counter()

    def one() -> None:
        replies[str(Collection(settings).ingest_file(path).status)] += 1

    threads = [threading.Thread(target=one) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    return dict(replies)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def ocr(paths: list[Path], dpi: int = 200, angle: float = 0.0, jpeg_quality: int = 0) -> list[dict]:
    """Each text-layer PDF made into a scan (``measure.scan``), read back by OCR and parsed: seconds per
    page, cells equal to the text layer's, cells held as candidates (ambiguous, the truth among them:
    a relation fails) and wrong cells presented as checked (must be 0). One line per file; the text
    layer is the truth, so any report PDF is a case."""
    import os

    from ingest.loaders import load, load_bytes
    from ingest.pipeline import parse_report
    from measure.scan import compare, scan_pdf

    rows = []
    threads = os.environ.get("OMP_NUM_THREADS") or str(os.cpu_count())
    print(f"OCR of scans made from text-layer PDFs: {dpi} dpi, leaning {angle}°, JPEG {jpeg_quality or 'none'}")
    print(
        f"{'file':<22} {'pages':>5} {'OCR s/page':>10} {'file s':>7} {'cells equal':>13} {'wrong+checked':>13}  tables"
    )
    for path in paths:
        truth = parse_report(load(path).text, str(path), "pdf")
        scan = scan_pdf(path.read_bytes(), dpi, angle, jpeg_quality)
        t0 = time.perf_counter()
        loaded = load_bytes(scan, path.name)
        read = parse_report(loaded.text, str(path), "pdf", ocr=loaded.ocr)
        seconds = time.perf_counter() - t0
        scored = compare(truth, read)
        per_page = sum(p.seconds for p in loaded.ocr) / max(1, len(loaded.ocr))
        statuses = " ".join(f"{t.table}={t.status}" for t in read.tables)
        print(
            f"{path.name:<22} {len(loaded.ocr):>5} {per_page:>10.1f} {seconds:>7.1f} "
            f"{scored.equal:>5}/{scored.cells:<4} {scored.share:>4.0%} {scored.held:>5} "
            f"{len(scored.wrong_and_trusted):>13}  {statuses}"
        )
        for cell in scored.differing:
            print(f"    {cell[0]}: {cell[1]} read as {cell[2]} ({cell[3]}, table {cell[4]})")
        rows.append(
            {
                "file": path.name,
                "pages": len(loaded.ocr),
                "ocr_seconds_per_page": round(per_page, 2),
                "file_seconds": round(seconds, 1),
                "cells": scored.cells,
                "equal": scored.equal,
                "held_as_candidates": scored.held,
                "wrong_and_checked": len(scored.wrong_and_trusted),
            }
        )
    print(f"(cores: {os.cpu_count()}, onnxruntime threads: {threads})")
    return rows


SAMPLE_SETS = ("samples/reports", "samples/corpus", "samples/corpus2")


def questions(
    home: bool = False,
    limit: int | None = None,
    seed: int = 0,
    kind: str | None = None,
    json_out: Path | None = None,
) -> dict[str, int]:
    """Questions with known answers generated from the collection's own cells and sentence figures
    (``measure.questions``), asked and scored: right / said-ambiguous / not-found / missed / wrong /
    error per kind and per language. ``home``: the collection of ``GONGKAI_HOME``; otherwise the
    samples (reports, corpus, corpus2) ingested into a private temporary home. Returns the outcome counts."""
    import json
    import shutil
    import tempfile
    from collections import Counter
    from dataclasses import replace

    from index.collection import Collection
    from index.settings import Settings
    from measure.questions import choose, generate, score, summary, to_json

    tmp = None
    try:
        if home:
            coll = Collection()
        else:  # always SQLite + embedded Chroma in a throw-away home, whatever the environment names
            tmp = tempfile.mkdtemp(prefix="gongkai-bench-questions-")
            settings = replace(
                Settings.from_env(tmp), database_url=f"sqlite:///{Path(tmp) / 'facts.sqlite'}", chroma_url=None
            )
            coll = Collection(settings)
            t0 = time.perf_counter()
            root = Path(__file__).resolve().parents[1]
            found = [root / d for d in SAMPLE_SETS if (root / d).exists()]
            if not found:
                raise SystemExit(f"no samples under {root}: give --home to use the collection of GONGKAI_HOME")
            results = list(coll.ingest(found))
            failed = [r for r in results if r.error]
            names = ", ".join(str(p.relative_to(root)) for p in found)
            print(f"ingested {len(results)} files of {names} in {time.perf_counter() - t0:.1f}s ({len(failed)} failed)")
            for r in failed[:5]:
                print(f"  failed {r.path}: {r.error}")
        t0 = time.perf_counter()
        coll.warm()
        generated = generate(coll.facts, seed)
        chosen = choose(generated, limit, seed, kind)
        kinds = Counter(q.kind for q in generated)
        print(
            f"{len(generated)} questions generated from {len(coll.reports())} reports in {time.perf_counter() - t0:.1f}s"
            f" (seed {seed}): " + ", ".join(f"{k} {n}" for k, n in kinds.items())
        )

        def progress(i: int, n: int) -> None:
            if i % 500 == 0 or i == n:
                print(f"  … {i}/{n} asked", file=sys.stderr, flush=True)

        t0 = time.perf_counter()
        scored = score(chosen, coll, progress)
        seconds = time.perf_counter() - t0
        print(summary(scored, seconds))
        if json_out:
            json_out.write_text(json.dumps(to_json(scored), ensure_ascii=False, indent=1), encoding="utf-8")
            print(f"every question with its outcome: {json_out}")
        return dict(Counter(r.outcome for r in scored))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

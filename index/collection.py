"""The collection: one object over the facts store and the vector index, used by every front end.

Ingestion is per file and all-or-nothing: a report's catalog row, sections, cells, figures and
chunks are committed together or not at all, and a file that fails is reported and skipped. A store
that fails (the disk full, the database or the vector server gone) is not a file's fault: the batch
stops there, and the files it did not store are listed as not tried, to be ingested again.

A held report is replaced only by something that is at least as much of a report — every table it has,
with as many cells, and as many headed sections — or when the user says so (``replace_anyway``): a
page holding only a report's title, fetched or uploaded, never takes the place of the report.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from index.chunking import Chunk, chunk_report, table_row_chunks
from index.duplicates import NEAR_DUPLICATE, resemblance, shingles
from index.facts import PENDING, READY, REPLACED, FactStore, PendingRow, ReportRow, WriterRow
from index.faults import FACTS, OUTAGES, VECTORS, StoreFault, StoreUnavailable, fault_of
from index.search import Hit, expand_query, fuse, rerank
from index.settings import Settings
from index.vectors import VectorIndex, VectorStoreBusyError
from ingest.budget import OverBudgetError, time_budget
from ingest.loaders import LoadError, expand_paths, load
from ingest.model import BodyName, CellStatus, Origin, ParsedReport, ReportMeta, Section
from ingest.pipeline import NotAReportError, parse_report

_OPENING = threading.Lock()
# reports this process staged and then had to leave when a store failed (a full disk refuses even the delete):
# removed as soon as the store lets us, and never mistaken for work still under way (by any collection object
# of this process: its writer is alive, so nothing else would reclaim them before the writer lease runs out)
_ABANDONED: set[str] = set()
log = logging.getLogger("gongkai.collection")
RECONCILE = "reconcile"  # maintenance debt: vectors may be left without their report
WRITER_LEASE = timedelta(minutes=10)  # a writer heartbeats every batch; silent this long, it is gone


class IngestStatus(StrEnum):
    """What became of one file."""

    ADDED = "added"
    REPLACED = "replaced"  # added, and earlier versions of the same report removed
    UNCHANGED = "unchanged"  # the same content (or a better-read file of the same report) is held already
    FAILED = "failed"
    NOT_TRIED = "not_tried"  # a store failed (disk full, a server gone) before this file was stored: try again


@dataclass
class IngestResult:
    path: str
    status: IngestStatus
    report_id: str = ""
    issuer: str = ""
    year: int | None = None
    generation: str = ""
    tables: dict[str, str] = field(default_factory=dict)  # t3 -> status
    cells: int = 0
    figures: int = 0
    chunks: int = 0
    error: str = ""
    seconds: float = 0.0
    replaced: list[str] = field(default_factory=list)  # ids of earlier versions this one replaced
    near_duplicates: list[str] = field(default_factory=list)  # ids of held reports with nearly the same text
    note: str = ""  # why a file that did not fail was not simply added (a better-read copy, a near-duplicate)
    ocr_pages: int = 0  # pages read by OCR (a scan)
    fault: StoreFault | None = field(default=None, repr=False, compare=False)  # why the batch stopped here


@dataclass(frozen=True)
class Substance:
    """How much of a report a parse holds: its headed sections (the preamble not counted) and each table
    with its number of cells. What decides whether a new file may replace a held report."""

    sections: int
    tables: tuple[tuple[str, int], ...]

    @property
    def empty(self) -> bool:
        return not self.sections and not self.tables

    def covers(self, other: Substance) -> bool:
        """At least as much of a report as ``other``: every table of it with as many cells, as many sections."""
        mine = dict(self.tables)
        return self.sections >= other.sections and all(mine.get(t, 0) >= n for t, n in other.tables)

    def words(self) -> str:
        cells = sum(n for _, n in self.tables)
        return f"{self.sections} sections, {len(self.tables)} tables, {cells} cells"


def substance_of(report: ParsedReport) -> Substance:
    return Substance(
        sum(1 for s in report.sections if s.level >= 1), tuple(sorted((t.table, len(t.cells)) for t in report.tables))
    )


class _Degraded(threading.local):
    """What the current request had to do without, in this thread (see ``Collection.degradation``)."""

    notes: list[str] | None = None


_DEGRADED = _Degraded()
LEXICAL_ONLY = "vector index unavailable: passages found by their words only"


def _checkpoint(name: str) -> None:
    """Fault injection for the crash tests: GONGKAI_PAUSE_AT=<name> stops here until killed."""
    if os.environ.get("GONGKAI_PAUSE_AT") == name:
        marker = os.environ.get("GONGKAI_PAUSE_MARKER")
        if marker:
            Path(marker).write_text(name)
        time.sleep(3600)


@dataclass
class _Staged:
    id: str
    issuer: str
    year: int | None
    source: str
    passages: list
    meta: dict
    title: str = ""
    unread: int = 0  # standard-table cells ambiguous or missing: the measure of a version's quality
    text: str = ""
    origin: Origin | None = None
    substance: Substance = Substance(0, ())


class _BatchStopped(Exception):
    """A store failed mid-batch: the results that are final (in order) and the fault."""

    def __init__(self, fault: StoreFault, results: list[IngestResult]) -> None:
        super().__init__(str(fault))
        self.fault, self.results, self.done = fault, results, len(results)


def _vectors_down(exc: Exception) -> None:
    """``exc`` from the vector index: an outage (a server that cannot be reached, a disk that fails) is
    recorded, for the searches to go lexical and the health check to say so; anything else is a bug and
    is raised again. Called inside the ``except`` block that caught it."""
    fault = fault_of(exc, VECTORS)
    if fault is None:
        raise exc
    OUTAGES.down(StoreUnavailable(VECTORS, fault.reason))


class Collection:
    def __init__(self, settings: Settings | None = None, recover: bool = True) -> None:
        self.settings = settings or Settings.from_env()
        self.settings.home.mkdir(parents=True, exist_ok=True)
        self.facts = FactStore(self.settings.database_url)
        self._vectors: VectorIndex | None = None
        self._writer: str | None = None  # this process's writer id, registered at its first ingest
        self._abandoned = _ABANDONED
        self._writer_lock = threading.Lock()
        # one report per (issuer, year, title): a new version replaces the old, whatever its file; True keeps both
        self.keep_versions = False
        # True: a new version replaces the held one even when it holds less of a report (the user says so)
        self.replace_anyway = False
        self._catalog: list[ReportRow] | None = None
        self._names: dict[str, list[BodyName]] = {}
        self._catalog_version: tuple[int, str] | None = None
        self.read_only = ""  # why recovery could not write (a full disk): the collection is read, not changed
        if recover:
            try:
                self.recover()
            except Exception as exc:
                fault = fault_of(exc)
                if fault is None:
                    raise
                # reads need no recovery: what an interrupted ingest left stays invisible until the next open
                self.read_only = str(fault)
                log.warning("recovery postponed, reading only: %s", fault)

    @property
    def vectors(self) -> VectorIndex:
        """Opened on first use, once: Chroma's client setup is not safe to run in several threads at once."""
        if self._vectors is None:
            with _OPENING:
                if self._vectors is None:
                    self._vectors = VectorIndex(self.settings)
        return self._vectors

    # ---- writes --------------------------------------------------------------
    def ingest_file(
        self,
        path: str | Path,
        issuer: str | None = None,
        year: int | None = None,
        origin: Origin | None = None,
        replace: bool | None = None,
    ) -> IngestResult:
        origins = {str(path): origin} if origin is not None else None
        return next(iter(self.ingest([path], issuer=issuer, year=year, origins=origins, replace=replace)))

    def _prepare(
        self, path: str | Path, issuer: str | None = None, year: int | None = None, origin: Origin | None = None
    ) -> tuple[IngestResult, _Staged | None]:
        """Load, parse and stage one file as a pending report (durable, invisible)."""
        t0 = time.perf_counter()
        result = IngestResult(str(path), IngestStatus.FAILED)
        url = origin.url if origin is not None else ""
        try:
            with time_budget():
                loaded = load(path)
                report = parse_report(
                    loaded.text,
                    str(path),
                    loaded.format,
                    loaded.content,
                    issuer=issuer,
                    year=year,
                    source_url=url,
                    ocr=loaded.ocr,
                )
        except (LoadError, NotAReportError, OverBudgetError) as exc:
            result.error = str(exc)
            result.seconds = time.perf_counter() - t0
            return result, None
        except Exception as exc:  # noqa: BLE001 - any failure of one file (MemoryError, RecursionError …) fails that file only
            result.error = f"could not read the file ({type(exc).__name__}); the rest of the batch goes on"
            result.seconds = time.perf_counter() - t0
            return result, None
        m = report.meta
        result.report_id, result.issuer, result.year, result.generation = (
            report.id,
            m.issuer,
            m.report_year,
            m.generation,
        )
        result.tables = {t.table: t.status for t in report.tables}
        result.cells = sum(len(t.cells) for t in report.tables)
        result.figures = len(report.figures)
        result.ocr_pages = len(loaded.ocr)
        settled = self._settle_existing(m.content_hash)
        if settled is not None:  # the same content is already in (or just went in through another writer)
            result.status, result.error = settled
            if origin is not None and result.status == IngestStatus.UNCHANGED:
                self.add_origin(report.id, origin)  # the same report under another URL: one report, both URLs
            result.seconds = time.perf_counter() - t0
            return result, None
        passages = chunk_report(report)
        # table rows are found by their words (BM25), not embedded: exact figures come from the facts store
        chunks = passages + table_row_chunks(report, len(passages))
        result.chunks = len(chunks)
        meta = {"report_id": report.id, "issuer": m.issuer, "year": m.report_year or 0, "generation": m.generation}
        writer = self._ensure_writer()
        try:
            with self.facts.Session() as session:
                self.facts.add(session, report, state=PENDING)
                if origin is not None:
                    self.facts.add_source(session, report.id, origin.url, origin.fetched_at, origin.page_url)
                session.add(PendingRow(report_id=report.id, writer_id=writer))
                self.facts.add_chunks(session, chunks)
                session.commit()
        except IntegrityError as exc:
            # another writer staged the same content a moment ago: its outcome is this file's outcome;
            # with no such copy, the refusal was something else, and it is named
            cause = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
            settled = self._settle_existing(m.content_hash) or (
                IngestStatus.FAILED,
                f"could not store the report (the database refused it: {cause})",
            )
            result.status, result.error = settled
            result.seconds = time.perf_counter() - t0
            return result, None
        except Exception as exc:
            fault = fault_of(exc)
            try:
                self.remove(report.id)
            except Exception:  # noqa: BLE001 - the store is failing: recovery reclaims the pending rows later
                if fault is None:
                    raise
            if fault is not None:
                raise fault from exc  # not this file's fault: the batch stops here
            result.error = f"could not store the report: {type(exc).__name__}: {exc}"
            result.seconds = time.perf_counter() - t0
            return result, None
        result.seconds = time.perf_counter() - t0
        unread = sum(
            1 for t in report.tables if t.table in ("t2", "t3", "t4") for c in t.cells if CellStatus(c.status).unread
        )
        return result, _Staged(
            report.id,
            m.issuer,
            m.report_year,
            m.source_path,
            passages,
            meta,
            m.title,
            unread,
            report.text,
            origin,
            substance_of(report),
        )

    def _publish(self, result: IngestResult, staged: _Staged, replace: bool | None = None) -> None:
        """Make a staged report visible, replacing earlier versions of it, in one step — those it holds
        at least as much of, or any when ``replace`` (default ``replace_anyway``) says so."""
        title = "" if self.keep_versions else staged.title
        same = [
            r for r in self.facts.same_report(staged.issuer, staged.year, staged.source, title) if r.id != staged.id
        ]
        # the same report from another file (HTML beside crawled text) is kept if it reads better
        better = [r for r in same if r.source_path != staged.source and self.facts.unread_cells(r.id) < staged.unread]
        if better:
            self.remove(staged.id)
            if staged.origin is not None:
                self.add_origin(better[0].id, staged.origin)
            result.status = IngestStatus.UNCHANGED
            result.report_id = better[0].id  # where this file's report is held
            result.note = (
                f"the same report is held from {better[0].source_path}, whose tables read better "
                f"({self.facts.unread_cells(better[0].id)} cells unread against {staged.unread}); kept that one"
            )
            return
        older = [r.id for r in same]
        if older and not (self.replace_anyway if replace is None else replace):
            held = {rid: self.substance(rid) for rid in older}
            more = [rid for rid in older if not staged.substance.covers(held[rid])]
            if more:
                if self._refuse_or_keep_beside(result, staged, more[0], held[more[0]]):
                    return
                older = []
        with self.facts.Session() as session:
            if not self.facts.set_state(session, staged.id, READY, expect=PENDING):
                session.rollback()
                self._drop_vectors(staged.id)
                result.status = IngestStatus.FAILED
                result.error = (
                    "the staged report was removed by another process before it could be published; ingest it again"
                )
                return
            for old in older:
                self.facts.set_state(session, old, REPLACED)
            session.commit()
        for old in older:
            self.remove(old)
        result.replaced = older
        result.status = IngestStatus.REPLACED if older else IngestStatus.ADDED
        if not older and not result.near_duplicates:
            near = self._near_duplicates(staged)
            if near:
                result.near_duplicates = [rid for rid, _ in near]
                rid, share = near[0]
                result.note = (
                    f"near-duplicate of {rid} ({share:.0%} of the text the same, same issuer and year, another "
                    f"title): both are kept; remove one with `gongkai remove`"
                )

    def _refuse_or_keep_beside(self, result: IngestResult, staged: _Staged, held_id: str, held: Substance) -> bool:
        """A new file of a held report that holds less of it: refused (True) when it holds no section or
        table at all (a page with the title only, a detail page that links the report), otherwise kept
        beside the held one as a near-duplicate; the reply says which, and how to have it replace the held one."""
        mine = staged.substance
        if mine.empty:
            self.remove(staged.id)
            result.status = IngestStatus.FAILED
            result.report_id = held_id
            result.error = (
                f"not a report: no sections or tables (the report held for {staged.issuer} {staged.year}, "
                f"{held_id}, has {held.words()}: kept it; ingest with --replace to replace it anyway)"
            )
            return True
        result.near_duplicates = [held_id]
        result.note = (
            f"kept beside {held_id}, which holds more of the report ({held.words()} against {mine.words()}): "
            "both are kept; remove one with `gongkai remove`, or ingest with --replace to replace it"
        )
        return False

    def substance(self, report_id: str) -> Substance:
        """How much of a report a held one is (as :func:`substance_of` measures a parse)."""
        sections = sum(1 for s in self.facts.sections(report_id) if s.level >= 1)
        cells: dict[str, int] = {}
        for c in self.facts.cells([report_id]):
            cells[c.table] = cells.get(c.table, 0) + 1
        for t in self.facts.tables(report_id):
            cells.setdefault(t.table, 0)
        return Substance(sections, tuple(sorted(cells.items())))

    def add_origin(self, report_id: str, origin: Origin) -> None:
        """Record another URL a held report was fetched from."""
        with self.facts.Session() as session:
            self.facts.add_source(session, report_id, origin.url, origin.fetched_at, origin.page_url)
            session.commit()

    def origin(self, report_id: str) -> Origin | None:
        """Where a report was first fetched from, if a crawl brought it (its other URLs: facts.sources)."""
        rows = self.facts.sources([report_id]).get(report_id)
        return Origin(rows[0].url, rows[0].fetched_at, rows[0].page_url) if rows else None

    def _near_duplicates(self, staged: _Staged) -> list[tuple[str, float]]:
        """Held reports of the same issuer and year whose text is nearly this one's (a re-titled
        correction, a copy with a changed figure): (id, resemblance), most alike first."""
        others = [r for r in self.facts.same_report(staged.issuer, staged.year, "", "", any_title=True)]
        mine = shingles(staged.text)
        alike = [(r.id, resemblance(mine, shingles(self.facts.text(r.id)))) for r in others if r.id != staged.id]
        return sorted([(rid, x) for rid, x in alike if x >= NEAR_DUPLICATE], key=lambda p: -p[1])

    # ---- writers: whose pending work is whose --------------------------------------------------
    def _ensure_writer(self) -> str:
        """This process's writer id, registered before any report names it (threads share one id)."""
        with self._writer_lock:
            if self._writer is None:
                writer = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
                self.facts.register_writer(writer, socket.gethostname()[:64], os.getpid())
                self._writer = writer
            return self._writer

    @staticmethod
    def _alive(writer: WriterRow | None) -> bool:
        """Whether the process that staged a pending report may still publish it."""
        if writer is None:
            return False  # staged by an older version, or its writer row is gone
        heartbeat = writer.heartbeat if writer.heartbeat.tzinfo else writer.heartbeat.replace(tzinfo=UTC)
        if datetime.now(UTC) - heartbeat > WRITER_LEASE:
            return False
        if writer.host == socket.gethostname()[:64]:
            try:
                os.kill(writer.pid, 0)
            except ProcessLookupError:
                return False
            except PermissionError:
                return True
        return True

    def _settle_existing(self, content_hash: str, wait: float = 120.0) -> tuple[IngestStatus, str] | None:
        """If this content is in the store: ("unchanged", "") once it is ready. A pending copy whose writer
        is alive is waited for (10 identical uploads at once give one report and ten consistent replies);
        a dead writer's copy is removed so this file can start again."""
        deadline = time.monotonic() + wait
        while True:
            existing = self.facts.find_by_hash(content_hash)
            if existing is None:
                return None
            if existing.state == READY:
                return IngestStatus.UNCHANGED, ""
            owners = self.facts.pending_writers()
            if existing.state == PENDING and existing.id not in owners:
                continue  # published (or removed) since it was read: look again
            owner = owners.get(existing.id)
            if existing.id in self._abandoned:  # ours, left by a store fault: not going in; start again
                self.remove(existing.id)
                self._abandoned.discard(existing.id)
                return None
            if owner is not None and owner.id == self._writer:
                return IngestStatus.UNCHANGED, ""  # the same content twice in this very ingest: it is going in already
            if existing.state == PENDING and self._alive(owner):
                if time.monotonic() > deadline:
                    return IngestStatus.FAILED, "the same file is still being ingested by another process"
                time.sleep(0.2)
                continue
            if existing.state == PENDING and not self.facts.abandon(existing.id):
                continue  # its writer published it after all: look again
            self.remove(existing.id)  # left by an ingest that died (or replaced): start again
            return None

    def ingest(
        self,
        paths: Iterable[str | Path],
        batch: int = 16,
        issuer: str | None = None,
        year: int | None = None,
        origins: Mapping[str, Origin] | None = None,
        replace: bool | None = None,
    ) -> Iterator[IngestResult]:
        """Ingest files, each all-or-nothing: facts staged pending, passages embedded a batch at a time
        (one call to the vector index per batch), then each report made visible. ``origins``: the URL
        each file (by its path as given) was fetched from, stored with its report. ``replace``: a new
        version replaces the held one even when it holds less of the report (default: ``replace_anyway``).
        A store fault stops the batch: every file not stored comes back ``not_tried`` with the fault
        (``result.fault``)."""
        files = list(expand_paths(paths))
        origins = origins or {}
        done = 0  # files whose result is final and yielded
        try:
            self._reclaim_abandoned()
            if files:
                _ = self.vectors  # an embedded store owned by another process: say so before any file is read
            for i in range(0, len(files), batch):
                yield from self._batch(files[i : i + batch], issuer, year, origins, replace)
                done = min(len(files), i + batch)
        except _BatchStopped as stop:
            fault, done = stop.fault, done + stop.done
            yield from stop.results
        except Exception as exc:
            fault = fault_of(exc, VECTORS if self._vectors is None else FACTS)
            if fault is None:
                raise
        else:
            return
        for f in files[done:]:
            yield IngestResult(str(f), IngestStatus.NOT_TRIED, error=f"not tried: {fault}", fault=fault)

    def _reclaim_abandoned(self) -> None:
        """Remove what a store fault made this process leave staged, now that the store may let us."""
        for rid in sorted(self._abandoned):
            try:
                self.remove(rid)
            except Exception:  # noqa: BLE001 - still failing: the next ingest tries again
                return
            self._abandoned.discard(rid)

    def _batch(
        self,
        files: list[Path],
        issuer: str | None,
        year: int | None,
        origins: Mapping[str, Origin],
        replace: bool | None,
    ) -> Iterator[IngestResult]:
        """One batch: its results in order, or _BatchStopped with those that are final when a store fails."""
        t0 = time.perf_counter()
        prepared: list[tuple[IngestResult, _Staged | None]] = []
        published: set[str] = set()
        try:
            if self._writer is not None:
                self.facts.heartbeat(self._writer)
            for f in files:
                prepared.append(self._prepare(f, issuer, year, origins.get(str(f))))
            staged = [(r, st) for r, st in prepared if st is not None]
            if staged:
                self._index_and_publish(staged, replace, published)
        except Exception as exc:
            fault = fault_of(exc, FACTS)
            if fault is None:
                raise
            raise _BatchStopped(fault, self._take_back(prepared, published)) from exc
        share = (time.perf_counter() - t0 - sum(r.seconds for r, _ in prepared)) / max(1, len(staged))
        for r, st in prepared:
            if st is not None:
                r.seconds += share  # each file's part of the batch's indexing time
            yield r

    def _index_and_publish(
        self, staged: list[tuple[IngestResult, _Staged]], replace: bool | None, published: set[str]
    ) -> None:
        """The batch's passages into the vector store in one call, then each report published; a vector
        store that refuses them fails the batch's files (its outage is raised, to stop the ingest)."""
        _checkpoint("after-facts")
        try:
            self.vectors.add_many([(st.passages, st.meta) for _, st in staged])
            _checkpoint("after-vectors")
        except Exception as exc:
            fault = fault_of(exc, VECTORS)
            if fault is not None:
                raise fault from exc
            for r, st in staged:
                self.remove(st.id)
                r.status, r.error = (
                    IngestStatus.FAILED,
                    f"could not index the report: {type(exc).__name__}: {exc}",
                )
        else:
            OUTAGES.up(VECTORS)
            for r, st in staged:
                self._publish(r, st, replace)
                published.add(st.id)

    def _take_back(
        self, prepared: list[tuple[IngestResult, _Staged | None]], published: set[str]
    ) -> list[IngestResult]:
        """After a store failed mid-batch: what is final stays so; what was staged and not published is
        taken back (if the store lets us). The results that are final, in order, up to the first that is not."""
        final: list[IngestResult] = []
        cut = False
        for r, st in prepared:
            unpublished = st is not None and st.id not in published
            if unpublished:
                try:
                    self.remove(st.id)
                except Exception:  # noqa: BLE001 - removed at this process's next ingest, or by recovery
                    self._abandoned.add(st.id)
            cut = cut or unpublished
            if not cut:
                final.append(r)
        return final

    def remove(self, report_id: str) -> bool:
        """Delete a report's facts and chunks, whatever its state. True if there was anything."""
        with self.facts.Session() as session:
            found = session.get(ReportRow, report_id) is not None
            self.facts.remove(session, report_id)
            session.commit()
        self._drop_vectors(report_id)
        return found

    def _drop_vectors(self, report_id: str) -> None:
        try:
            self.vectors.delete_report(report_id)
        except Exception:  # noqa: BLE001 - the facts are gone; the debt is recorded and paid at the next recovery
            self.facts.owe(RECONCILE)

    def recover(self) -> list[str]:
        """Purge what an interrupted ingest left — pending reports whose writer is gone (never a live
        writer's), replaced reports — and vectors whose report is gone. The debt is recorded before the
        work, so a recovery killed halfway is finished by the next one."""
        dead = [rid for rid, writer in self.facts.pending_writers().items() if not self._alive(writer)]
        dead = [rid for rid in dead if self.facts.abandon(rid)]  # unless published meanwhile
        leftovers = dead + [r.id for r in self.facts.reports(REPLACED)]
        if not leftovers and not self.facts.owed(RECONCILE):
            return []
        self.facts.owe(RECONCILE)
        for rid in leftovers:
            self.remove(rid)
        try:
            self.reconcile_vectors()
        except Exception:  # noqa: BLE001 - the vector index is unreachable: the debt stays for next time
            return leftovers
        self.facts.owe(RECONCILE, False)
        return leftovers

    def reconcile_vectors(self) -> list[str]:
        """Delete the vectors of reports the facts store does not hold (a failed delete, a killed recovery)."""
        orphans = sorted(self.vectors.report_ids() - self.facts.report_ids())
        for rid in orphans:
            self.vectors.delete_report(rid)
        return orphans

    def repair(self) -> tuple[list[str], list[str]]:
        """Make the vector index match the facts store both ways: purge vectors without a report, and
        embed again the passages of visible reports that have none (a lost or reset Chroma directory, a
        deployment pointed at a new Chroma server). Returns (purged, re-embedded) report ids. A full scan
        of both stores: `gongkai repair`, not every start."""
        purged = self.reconcile_vectors()
        missing = sorted({r.id for r in self.facts.reports()} - self.vectors.report_ids())
        for rid in missing:
            row = self.facts.report(rid)
            if row is None:
                continue  # removed meanwhile
            meta = {"report_id": rid, "issuer": row.issuer, "year": row.year or 0, "generation": row.generation}
            self.vectors.add_many([(self._passages(row), meta)])
        self.facts.owe(RECONCILE, False)
        self.facts.lexical.rebuild()
        return purged, missing

    def _passages(self, row: ReportRow) -> list[Chunk]:
        """A held report's embedded passages, rebuilt from its stored text and sections: the same
        chunker on the same input gives the same ids and texts as at ingest."""
        meta = ReportMeta(row.title, row.issuer, row.year, generation=row.generation, content_hash=row.content_hash)
        report = ParsedReport(
            meta,
            self.facts.text(row.id),
            [Section(s.sid, s.level, s.title, s.path, s.start, s.end) for s in self.facts.sections(row.id)],
            [],
            [],
        )
        return chunk_report(report)

    # ---- reads ---------------------------------------------------------------
    def reports(self) -> list[ReportRow]:
        """The catalog, cached until another ingest or removal (by this or any process) changes it."""
        version = self.facts.catalog_version()
        if self._catalog is None or version != self._catalog_version:
            self._catalog, self._catalog_version = self.facts.reports(), version
            self._names = self.facts.body_names()
        return self._catalog

    def body_names(self) -> dict[str, list[BodyName]]:
        """Report id -> the other names the report gives its issuer (renamings, portal columns), with the catalog."""
        self.reports()
        return self._names

    def warm(self) -> None:
        """Load the embedding model now, not on the first question (the lexical index needs no warming:
        it lives in the database). A vector index that cannot be reached is said once and left: searches
        answer from the lexical index meanwhile."""
        try:
            if self.vectors.count():
                self.vectors.query("政府信息公开申请", None, 1)
        except VectorStoreBusyError:
            raise
        except Exception as exc:
            _vectors_down(exc)

    @contextmanager
    def degradation(self) -> Iterator[list[str]]:
        """The notes of what the searches made in this thread, inside the block, had to do without (a
        vector index that cannot be reached: lexical search only), for an answer to say so."""
        previous = _DEGRADED.notes
        _DEGRADED.notes = notes = []
        try:
            yield notes
        finally:
            _DEGRADED.notes = previous

    def _hits(self, ids: list[str]) -> dict[str, Hit]:
        """Lexical hits the dense side did not return, read from the facts store with their metadata."""
        return {
            c.id: Hit(
                c.id,
                c.report_id,
                c.text,
                0.0,
                {
                    "report_id": c.report_id,
                    "issuer": issuer,
                    "year": year or 0,
                    "section": c.section,
                    "sid": c.sid,
                    "start": c.start,
                    "end": c.end,
                    "text": c.text,
                },
            )
            for c, issuer, year in self.facts.passages(ids)
        }

    def search(self, question: str, report_ids: list[str] | None = None, k: int = 5, mode: str = "hybrid") -> list[Hit]:
        """Passages for a question, within ``report_ids`` when given. ``mode``: hybrid | dense | lexical.
        When the vector index cannot be reached, the lexical index answers alone and the search is noted
        (``degradation``): one store down is not every answer down."""
        pool = max(k * 4, 20)
        dense: list[Hit] = []
        try:
            if self.vectors.count() == 0:
                return []
            if mode in ("hybrid", "dense"):
                dense = self.vectors.query(question, report_ids, pool)
            OUTAGES.up(VECTORS)
        except VectorStoreBusyError:
            raise
        except Exception as exc:
            _vectors_down(exc)
            if _DEGRADED.notes is not None and LEXICAL_ONLY not in _DEGRADED.notes:
                _DEGRADED.notes.append(LEXICAL_ONLY)
            mode = "lexical"
        if mode == "dense":
            return dense[:k]
        lexical = [(h.chunk_id, h.score) for h in self.facts.lexical.search(expand_query(question), report_ids, pool)]
        seen = {h.chunk_id for h in dense}
        fused = fuse(dense, lexical, self._hits([cid for cid, _ in lexical if cid not in seen]))
        return rerank(question, fused)[:k]

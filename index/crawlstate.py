"""Where reports came from and how far a crawl got: each report's sources (URL, when fetched, the page that
linked it), each URL's state across runs, and the runs. A part of :class:`index.facts.FactStore`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from index.rows import (
    CrawlRunRow,
    CrawlUrlRow,
    SourceRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker as _SessionMaker


class CrawlStateStore:
    """Provenance and crawl state. Mixed into FactStore, whose engine and sessions it uses."""

    engine: Engine
    Session: _SessionMaker

    def add_source(self, session: Session, report_id: str, url: str, fetched_at: datetime, page_url: str = "") -> None:
        """Record that ``report_id`` was fetched from ``url`` (once per URL)."""
        q = select(SourceRow.id).where(SourceRow.report_id == report_id, SourceRow.url == url)
        if session.scalar(q) is None:
            session.add(SourceRow(report_id=report_id, url=url, page_url=page_url, fetched_at=fetched_at))

    def sources(self, report_ids: list[str] | None = None) -> dict[str, list[SourceRow]]:
        """Report id -> where it was fetched from, first fetch first."""
        with self.Session() as s:
            q = select(SourceRow).order_by(SourceRow.fetched_at, SourceRow.id)
            if report_ids is not None:
                q = q.where(SourceRow.report_id.in_(report_ids))
            out: dict[str, list[SourceRow]] = {}
            for row in s.scalars(q):
                out.setdefault(row.report_id, []).append(row)
            return out

    def crawl_url(self, key: str) -> CrawlUrlRow | None:
        with self.Session() as s:
            return s.get(CrawlUrlRow, key)

    def crawl_urls_with_hash(self, content_hash: str) -> list[CrawlUrlRow]:
        with self.Session() as s:
            return list(s.scalars(select(CrawlUrlRow).where(CrawlUrlRow.content_hash == content_hash)))

    def save_crawl_url(self, row: CrawlUrlRow) -> None:
        with self.Session() as s:
            s.merge(row)
            s.commit()

    def crawl_run(self, start_url: str) -> tuple[int, bool]:
        """The run to crawl ``start_url`` in: the unfinished one if the last was killed (resumed=True),
        else a new one."""
        with self.Session() as s:
            last = s.scalar(
                select(CrawlRunRow).where(CrawlRunRow.start_url == start_url).order_by(CrawlRunRow.id.desc()).limit(1)
            )
            if last is not None and last.finished is None:
                return last.id, True
            run = CrawlRunRow(start_url=start_url, started=datetime.now(UTC), summary={})
            s.add(run)
            s.commit()
            return run.id, False

    def finish_crawl_run(self, run_id: int, summary: dict) -> None:
        with self.Session() as s:
            s.execute(
                update(CrawlRunRow).where(CrawlRunRow.id == run_id).values(finished=datetime.now(UTC), summary=summary)
            )
            s.commit()

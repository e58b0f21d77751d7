"""The passages (section chunks) as stored beside the facts: the text the vector and lexical indexes
point into. A part of :class:`index.facts.FactStore`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    func,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from index.lexical import tokenize
from index.rows import (
    READY,
    ChunkRow,
    ReportRow,
    row_from,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker as _SessionMaker


class PassageStore:
    """Passages. Mixed into FactStore, whose engine and sessions it uses."""

    engine: Engine
    Session: _SessionMaker

    def add_chunks(self, session: Session, chunks: list) -> None:
        for c in chunks:
            session.add(row_from(ChunkRow, c, section=c.section_path, tokens=" ".join(tokenize(c.embed_text))))

    def chunks(self) -> list[ChunkRow]:
        """Every passage of the visible reports (tests, repairs: never on a request's path)."""
        with self.Session() as s:
            ready = select(ReportRow.id).where(ReportRow.state == READY)
            q = select(ChunkRow).where(ChunkRow.report_id.in_(ready)).order_by(ChunkRow.report_id, ChunkRow.start)
            return list(s.scalars(q))

    def passages(self, ids: list[str]) -> list[tuple[ChunkRow, str, int | None]]:
        """These passages of visible reports, each with its report's issuer and year (a search's hits)."""
        if not ids:
            return []
        # two reads by primary key: as one join, SQLite drove it from the state index of reports and
        # walked every visible report's passages (0.6 s a search at 10k reports)
        with self.Session() as s:
            chunks = list(s.scalars(select(ChunkRow).where(ChunkRow.id.in_(ids))))
            rids = sorted({c.report_id for c in chunks})
            q = select(ReportRow.id, ReportRow.issuer, ReportRow.year).where(
                ReportRow.id.in_(rids), ReportRow.state == READY
            )
            visible = {rid: (issuer, year) for rid, issuer, year in s.execute(q)}
            return [(c, *visible[c.report_id]) for c in chunks if c.report_id in visible]

    def chunk_count(self) -> int:
        with self.Session() as s:
            return int(s.scalar(select(func.count()).select_from(ChunkRow)) or 0)

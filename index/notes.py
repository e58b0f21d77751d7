"""What the store keeps besides reports: the names bodies go by (and the cache of names derived from them,
keyed by catalog version) and readers' feedback on answers. A part of :class:`index.facts.FactStore`."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    select,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from index.rows import (
    READY,
    FeedbackRow,
    IssuerNamesRow,
    NameRow,
    ReportRow,
)
from ingest.model import BodyName, NameKind

log = logging.getLogger("gongkai.facts")

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker as _SessionMaker


class NotesStore:
    """Body names and feedback. Mixed into FactStore, whose engine and sessions it uses."""

    engine: Engine
    Session: _SessionMaker

    def body_names(self) -> dict[str, list[BodyName]]:
        """Report id -> the other names it gives its issuer, for every visible report."""
        with self.Session() as s:
            ready = select(ReportRow.id).where(ReportRow.state == READY)
            out: dict[str, list[BodyName]] = {}
            for row in s.scalars(select(NameRow).where(NameRow.report_id.in_(ready))):
                out.setdefault(row.report_id, []).append(BodyName(NameKind(row.kind), row.name, row.source))
            return out

    def issuer_names(self, version: str) -> dict[str, dict]:
        """Issuer -> what was derived from its name by code of ``version`` (``IssuerNamesRow``)."""
        with self.Session() as s:
            q = select(IssuerNamesRow.issuer, IssuerNamesRow.data).where(IssuerNamesRow.version == version)
            return {issuer: data for issuer, data in s.execute(q)}

    def keep_issuer_names(self, version: str, derived: dict[str, dict]) -> None:
        """Store what was derived from these issuers' names, replacing what older code derived. A cache
        shared by the app servers of one database: one that cannot write (a read-only role) or loses a
        race only leaves the next server to derive them again."""
        if not derived:
            return
        upsert = (postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert)(IssuerNamesRow)
        upsert = upsert.on_conflict_do_update(
            index_elements=[IssuerNamesRow.issuer],
            set_={"version": upsert.excluded.version, "data": upsert.excluded.data},
        )
        rows = [{"issuer": i, "version": version, "data": d} for i, d in derived.items()]
        try:
            with self.engine.begin() as conn:
                for start in range(0, len(rows), 2000):
                    conn.execute(upsert, rows[start : start + 2000])
        except DBAPIError as err:
            log.warning("issuer names not stored (the next server derives them again): %s", err)

    def add_feedback(self, question: str, answer: str, liked: bool) -> None:
        with self.Session() as s:
            s.add(
                FeedbackRow(
                    question=question[:4000], answer=answer[:20000], liked=bool(liked), created=datetime.now(UTC)
                )
            )
            s.commit()

    def feedback(self) -> list[FeedbackRow]:
        with self.Session() as s:
            return list(s.scalars(select(FeedbackRow).order_by(FeedbackRow.id)))

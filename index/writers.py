"""Who is writing to the store: the writer protocol of ingestion (each writer registers, beats its heart,
and leaves; a report it left pending is its own until it is gone) and the debts maintenance owes (a
reconciliation of the vector index). A part of :class:`index.facts.FactStore`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    delete,
    select,
)
from sqlalchemy.engine import Engine

from index.rows import (
    PENDING,
    MaintenanceRow,
    PendingRow,
    ReportRow,
    WriterRow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import sessionmaker as _SessionMaker


class WriterStore:
    """The writers and what maintenance owes. Mixed into FactStore, whose engine and sessions it uses."""

    engine: Engine
    Session: _SessionMaker

    def register_writer(self, writer_id: str, host: str, pid: int) -> None:
        with self.Session() as s:
            s.merge(WriterRow(id=writer_id, host=host, pid=pid, heartbeat=datetime.now(UTC)))
            s.commit()

    def heartbeat(self, writer_id: str) -> None:
        with self.Session() as s:
            row = s.get(WriterRow, writer_id)
            if row is not None:
                row.heartbeat = datetime.now(UTC)
                s.commit()

    def forget_writer(self, writer_id: str) -> None:
        with self.Session() as s:
            s.execute(delete(WriterRow).where(WriterRow.id == writer_id))
            s.commit()

    def pending_writers(self) -> dict[str, WriterRow | None]:
        """Each pending report's writer (None: unknown, e.g. staged by an older version)."""
        with self.Session() as s:
            pending = list(s.scalars(select(ReportRow.id).where(ReportRow.state == PENDING)))
            owners = {p.report_id: p.writer_id for p in s.scalars(select(PendingRow))}
            writers = {w.id: w for w in s.scalars(select(WriterRow))}
            return {rid: writers.get(owners.get(rid, "")) for rid in pending}

    def owe(self, key: str, owed: bool = True) -> None:
        with self.Session() as s:
            if owed:
                s.merge(MaintenanceRow(key=key, value=datetime.now(UTC).isoformat()))
            else:
                s.execute(delete(MaintenanceRow).where(MaintenanceRow.key == key))
            s.commit()

    def owed(self, key: str) -> bool:
        with self.Session() as s:
            return s.get(MaintenanceRow, key) is not None

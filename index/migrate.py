"""Copy a collection to other stores: the embedded default (SQLite + Chroma files) to PostgreSQL and a
Chroma server when a deployment outgrows one machine, without parsing or embedding anything again.

Rows are copied table by table in batches, parents before children; vectors with their stored
embeddings, documents and metadata. The target must be empty (a half-copied target is refused rather
than merged). PostgreSQL's id sequences are moved past the copied ids, so the next ingest does not
collide with them, and its lexical index is built by the target's own columns as rows arrive; the copy
ends with VACUUM ANALYZE, so the first searches do not plan blind over cold pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, insert, select, text

from index.facts import Base, FactStore
from index.settings import Settings
from index.vectors import VectorIndex

ROWS_PER_BATCH = 5000
VECTORS_PER_BATCH = 2000


@dataclass
class MigrationResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied
    vectors: int = 0


def migrate(source: Settings, target: Settings, progress: Callable[[str], None] = print) -> MigrationResult:
    """Copy every facts row and vector of ``source`` into the empty stores of ``target`` (the vectors only
    when ``target`` names other vector stores)."""
    target.home.mkdir(parents=True, exist_ok=True)  # an embedded target's files live there
    src, dst = FactStore(source.database_url), FactStore(target.database_url)
    result = MigrationResult()
    with dst.engine.connect() as conn:
        held = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in Base.metadata.tables.values()
        }
    if any(held.values()):
        busy = ", ".join(f"{name} ({n})" for name, n in held.items() if n)
        raise ValueError(f"the target database is not empty: {busy}")
    same_vectors = (source.chroma_url, source.chroma_path, source.collection_name) == (
        target.chroma_url,
        target.chroma_path,
        target.collection_name,
    )
    dst_vectors = None if same_vectors else VectorIndex(target)  # the vectors may stay where they are
    if dst_vectors is not None and dst_vectors.count():
        raise ValueError(f"the target vector collection {target.collection_name!r} is not empty")
    src_vectors = None if dst_vectors is None else VectorIndex(source)
    if src_vectors is not None:
        src_vectors.count()  # a vector store that cannot be read fails here, before any row is copied

    for table in Base.metadata.sorted_tables:  # parents first: foreign keys hold at every commit
        copied = 0
        key = list(table.primary_key.columns)
        with src.engine.connect() as read:
            rows = read.execution_options(yield_per=ROWS_PER_BATCH).execute(select(table).order_by(*key))
            for batch in rows.mappings().partitions():
                with dst.engine.begin() as write:
                    write.execute(insert(table), [dict(r) for r in batch])
                copied += len(batch)
        result.rows[table.name] = copied
        progress(f"  {table.name}: {copied} rows")
        if dst.engine.dialect.name == "postgresql":
            _advance_sequences(dst, table)

    if dst.engine.dialect.name == "postgresql":
        # a bulk copy leaves no planner statistics and no visibility map until autovacuum comes by, which on
        # millions of rows may be long after the first searches: they would be planned blind
        with dst.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        progress("  vacuumed and analysed")
    if src_vectors is not None and dst_vectors is not None:
        result.vectors = copy_vectors(src_vectors, dst_vectors, progress)
    return result


def copy_vectors(source: VectorIndex, target: VectorIndex, progress: Callable[[str], None] = print) -> int:
    """Every vector of ``source`` added to ``target`` with its stored embedding, document and metadata."""
    copied = 0
    while True:
        got = source.collection.get(
            include=["embeddings", "documents", "metadatas"], limit=VECTORS_PER_BATCH, offset=copied
        )
        ids = got["ids"]
        if not ids:
            break
        target.collection.add(
            ids=ids, embeddings=got["embeddings"], documents=got["documents"], metadatas=got["metadatas"]
        )
        copied += len(ids)
        if copied % (10 * VECTORS_PER_BATCH) == 0:
            progress(f"  vectors: {copied}")
    progress(f"  vectors: {copied}")
    return copied


def _advance_sequences(store: FactStore, table) -> None:  # noqa: ANN001 - a sqlalchemy Table
    """Move an integer id's sequence past the copied ids (explicit ids do not advance it)."""
    for column in table.primary_key.columns:
        if column.autoincrement is True or (column.autoincrement == "auto" and column.type.python_type is int):
            with store.engine.begin() as conn:
                seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name})
                name = seq.scalar()
                if name:
                    conn.execute(
                        text(
                            f"SELECT setval(:s, (SELECT coalesce(max({column.name}), 0) + 1 FROM {table.name}), false)"
                        ),
                        {"s": name},
                    )

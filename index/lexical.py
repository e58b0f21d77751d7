"""Lexical search over the jieba tokens stored with each passage, without a whole-corpus index in memory.

Lexical search finds "行政处罚2113" and "民事全程代办" when embeddings do not. It used to be a BM25 matrix
built in every app server's memory from the whole chunks table: 45.7 s and 5.3 GB at 10,000 reports,
growing with the corpus. Now the database that holds the passages holds their index:

- SQLite (the embedded default): an FTS5 table over ``chunks.tokens`` (external content, kept in step by
  triggers);
- PostgreSQL: a stored ``tsvector`` column over the same tokens (``simple`` configuration, GIN index).

The engine finds candidates; the ranking is BM25 computed here, the same on both engines (FTS5's ``bm25()``
and PostgreSQL's ``ts_rank_cd``, which knows nothing of a term's rarity, would rank differently):

- a question about a few reports (the usual case: it names a body) ranks every passage of those
  reports, read through the index on ``chunks.report_id``;
- otherwise the engine returns the best matches of the question's rarer terms (common ones like 政府
  match nearly every passage and weigh almost nothing), and those are ranked.

Term document frequencies are counted by the engine once per term and cached; the corpus size and mean
passage length are refreshed every minute. An app server opens the index in milliseconds whatever the
corpus size, and sees what any writer added as soon as it commits. The tokens are made once, at ingest
(jieba is the slow part); the engines only split them on spaces.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ingest.normalize import nfkc

_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")
_STOP = set(
    "的 了 和 与 及 或 在 是 为 对 等 中 年 有 于 以 将 其 之 也 并 而 个 这 那 呢 吗 多少 哪些 什么 怎么 如何".split()
)
READY = "ready"  # the visible reports' state (index.facts.READY; not imported: facts imports this module)
K1, B = 1.5, 0.75  # BM25's usual constants (the in-memory index used the same)
NARROW_REPORTS = 200  # up to this many reports, all their passages are ranked (≈45 passages a report)
CANDIDATES = 200  # otherwise the engine's best matches are ranked here
BOUND_REPORTS = 500  # up to this many report ids are bound as parameters (here and in index.facts); past it, rows are filtered in Python
WIDE_FACTOR = 5  # … from this many times more of them
POSTINGS_BUDGET = 20_000  # matches the engine may rank for one search; past it, the first matches are taken unranked
STATS_SECONDS = 60.0  # how long the corpus size and mean passage length are reused
DF_DRIFT = 0.05  # a cached document frequency is reused until the corpus has grown or shrunk this much


def tokenize(text: str) -> list[str]:
    """jieba's search-mode words of the NFKC-folded, lower-cased text, without stop words and punctuation."""
    import jieba

    jieba.setLogLevel(60)
    out = []
    for tok in jieba.lcut_for_search(nfkc(text).lower()):
        tok = tok.strip()
        if tok and _TOKEN_OK.search(tok) and tok not in _STOP:
            out.append(tok)
    return out


def query_terms(query: str) -> list[str]:
    """The distinct tokens of a query, in order."""
    return list(dict.fromkeys(tokenize(query)))


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float  # BM25: higher is better


@dataclass(frozen=True)
class CorpusStats:
    passages: int
    mean_length: float  # tokens per passage


def bm25(terms: list[str], docs: list[tuple[str, str]], df: dict[str, int], stats: CorpusStats) -> list[LexicalHit]:
    """Okapi BM25 (Lucene's idf) of each ``(chunk id, space-joined tokens)`` for the query ``terms``, best
    first; passages sharing no term are left out."""
    n = max([stats.passages, 1, *df.values()])  # the corpus count may lag a writer by a minute: never below df
    idf = {t: math.log(1 + (n - df.get(t, 0) + 0.5) / (df.get(t, 0) + 0.5)) for t in terms}
    mean = stats.mean_length or 1.0
    hits = []
    for cid, tokens in docs:
        words = tokens.split()
        counts = Counter(words)
        norm = K1 * (1 - B + B * len(words) / mean)
        score = sum(idf[t] * counts[t] * (K1 + 1) / (counts[t] + norm) for t in terms if counts[t])
        if score > 0:
            hits.append(LexicalHit(cid, score))
    hits.sort(key=lambda h: (-h.score, h.chunk_id))
    return hits


class LexicalIndex:
    """The lexical index of one database: ``prepare`` once per process (creates or migrates it), then
    ``search``. Which engine it uses follows the database URL; what it keeps in memory is a cache of
    document frequencies for the terms asked, not the corpus."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        if self.dialect not in ("sqlite", "postgresql"):
            raise RuntimeError(f"lexical search needs SQLite (FTS5) or PostgreSQL, not {self.dialect}")
        self._lock = threading.Lock()
        self._stats: tuple[float, CorpusStats] | None = None
        self._df: dict[str, tuple[int, int]] = {}  # term -> (document frequency, corpus size when counted)

    # ---- schema --------------------------------------------------------------
    def prepare(self) -> bool:
        """Create the index if the database has none, and fill it from the passages already stored (a
        store from before this index). Idempotent and safe with several processes opening one store.
        True when it had to be built."""
        return self._prepare_sqlite() if self.dialect == "sqlite" else self._prepare_postgresql()

    def _prepare_sqlite(self) -> bool:
        raw = self.engine.raw_connection()
        try:
            db = raw.driver_connection
            if _sqlite_parts(db) == _SQLITE_PARTS:
                return False
            raw.rollback()
            db.execute("BEGIN IMMEDIATE")  # one process builds it; the others wait, then find it there
            if _sqlite_parts(db) == _SQLITE_PARTS:
                raw.rollback()
                return False
            # a part missing (a store from before this index, or chunks dropped and made again): all anew
            for name in ("chunks_fts_insert", "chunks_fts_delete", "chunks_fts_update"):
                db.execute(f"DROP TRIGGER IF EXISTS {name}")
            db.execute("DROP TABLE IF EXISTS chunks_fts")
            # external content: the tokens are stored once, in chunks; rowid is chunks' own
            db.execute(
                "CREATE VIRTUAL TABLE chunks_fts USING fts5("
                "tokens, content='chunks', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0')"
            )
            db.execute(
                "CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN "
                "INSERT INTO chunks_fts(rowid, tokens) VALUES (new.rowid, new.tokens); END"
            )
            db.execute(
                "CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN "
                "INSERT INTO chunks_fts(chunks_fts, rowid, tokens) VALUES ('delete', old.rowid, old.tokens); END"
            )
            db.execute(
                "CREATE TRIGGER chunks_fts_update AFTER UPDATE OF tokens ON chunks BEGIN "
                "INSERT INTO chunks_fts(chunks_fts, rowid, tokens) VALUES ('delete', old.rowid, old.tokens); "
                "INSERT INTO chunks_fts(rowid, tokens) VALUES (new.rowid, new.tokens); END"
            )
            db.execute("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')")
            raw.commit()
            return True
        except BaseException:
            raw.rollback()
            raise
        finally:
            raw.close()

    def _prepare_postgresql(self) -> bool:
        with self.engine.begin() as conn:
            has = conn.execute(
                text(
                    "SELECT 1 FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'chunks' AND column_name = 'tsv'"
                )
            ).first()
            if has:
                return False
            conn.execute(text("LOCK TABLE chunks IN ACCESS EXCLUSIVE MODE"))  # the second opener waits here
            # stored: ranking reads it for every match; computing to_tsvector per row would dominate
            conn.execute(
                text(
                    "ALTER TABLE chunks ADD COLUMN IF NOT EXISTS tsv tsvector "
                    "GENERATED ALWAYS AS (to_tsvector('simple', tokens)) STORED"
                )
            )
            conn.execute(text("CREATE INDEX IF NOT EXISTS chunks_tsv ON chunks USING GIN (tsv)"))
        return True

    def rebuild(self) -> None:
        """Rebuild the index from the stored passages (``gongkai repair``: after a VACUUM, which may
        renumber SQLite rowids, or any doubt)."""
        if self.dialect == "sqlite":
            if not self.prepare():
                with self.engine.begin() as conn:
                    conn.execute(text("INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')"))
        else:
            self.prepare()
            with self.engine.begin() as conn:
                conn.execute(text("REINDEX INDEX chunks_tsv"))

    # ---- search --------------------------------------------------------------
    def search(self, query: str, report_ids: list[str] | None = None, k: int = 10) -> list[LexicalHit]:
        """The ``k`` best passages of visible reports for ``query``, within ``report_ids`` when given
        (an empty list means no report, so no passage)."""
        terms = query_terms(query)
        if not terms or k <= 0 or (report_ids is not None and not report_ids):
            return []
        with self.engine.connect() as conn:
            stats = self._corpus(conn)
            df = self._frequencies(conn, terms, stats)
            if report_ids and len(report_ids) <= NARROW_REPORTS:
                docs = _passages_of(conn, report_ids)
            else:
                docs = self._candidates(conn, terms, df, report_ids)
        return bm25(terms, docs, df, stats)[:k]

    def _corpus(self, conn: Connection) -> CorpusStats:
        now = time.monotonic()
        cached = self._stats
        if cached is not None and now - cached[0] < STATS_SECONDS:
            return cached[1]
        passages = int(conn.execute(text("SELECT count(*) FROM chunks")).scalar_one())
        # the mean length from the first passages by id (ids begin with a content hash: a fair sample)
        sample = conn.execute(text("SELECT tokens FROM chunks ORDER BY id LIMIT 2000")).scalars().all()
        mean = sum(len(t.split()) for t in sample) / len(sample) if sample else 1.0
        stats = CorpusStats(passages, mean)
        self._stats = (now, stats)
        return stats

    def _frequencies(self, conn: Connection, terms: list[str], stats: CorpusStats) -> dict[str, int]:
        """Each term's document frequency: counted by the engine (a walk of its postings), then cached
        in memory and, on PostgreSQL, in ``term_counts`` for every app server of the database (counting
        a common term there is a scan of the passages; SQLite's FTS5 counts it in milliseconds)."""

        def fresh(counted: tuple[int, int] | None) -> bool:
            return counted is not None and abs(stats.passages - counted[1]) <= DF_DRIFT * max(counted[1], 1)

        known = {t: self._df[t] for t in terms if fresh(self._df.get(t))}
        shared = self.dialect == "postgresql"
        if shared and len(known) < len(terms):
            rows = conn.execute(
                text("SELECT term, df, passages FROM term_counts WHERE term = ANY(:terms)"),
                {"terms": [t for t in terms if t not in known]},
            )
            known |= {term: (df, n) for term, df, n in rows if fresh((df, n))}
        counted: dict[str, tuple[int, int]] = {}
        for t in terms:
            if t in known or t in counted:
                continue
            if self.dialect == "sqlite":
                sql, q = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH :q", fts5_expression([t])
            else:
                sql, q = "SELECT count(*) FROM chunks WHERE tsv @@ to_tsquery('simple', :q)", tsquery_expression([t])
            counted[t] = (int(conn.execute(text(sql), {"q": q}).scalar_one()), stats.passages)
        if shared and counted:
            self._share(counted)
        with self._lock:
            if len(self._df) > 200_000:  # bounded: the terms asked, not the vocabulary
                self._df.clear()
            self._df.update(known | counted)
        return {t: (known.get(t) or counted[t])[0] for t in terms}

    def _share(self, counted: dict[str, tuple[int, int]]) -> None:
        """Store fresh counts for the other app servers; a cache, so a failure (a read-only role, a
        store made before the table) costs only the next server's recount."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    text(
                        "INSERT INTO term_counts (term, df, passages) VALUES (:term, :df, :n) "
                        "ON CONFLICT (term) DO UPDATE SET df = EXCLUDED.df, passages = EXCLUDED.passages"
                    ),
                    [{"term": t, "df": df, "n": n} for t, (df, n) in counted.items()],
                )
        except DBAPIError:
            pass

    def _candidates(
        self, conn: Connection, terms: list[str], df: dict[str, int], report_ids: list[str] | None
    ) -> list[tuple[str, str]]:
        """The engine's best matches for the question's rarer terms (within ``report_ids``): the rarest
        terms whose postings together fit the budget. A question of common words only gets its first
        matches unranked: ranking them all would cost a walk of the corpus for a question any passage fits."""
        chosen: list[str] = []
        postings = 0
        for t in sorted((t for t in terms if df.get(t)), key=lambda t: df[t]):
            if chosen and postings + df[t] > POSTINGS_BUDGET:
                break
            chosen.append(t)
            postings += df[t]
        if not chosen:
            return []
        ranked = postings <= POSTINGS_BUDGET
        params: dict[str, object] = {"n": CANDIDATES}
        where = ""
        wide = report_ids is not None and len(report_ids) > BOUND_REPORTS
        if report_ids and not wide:
            ids, more = _in_list("r", report_ids)
            params.update(more)
            where = f" AND c.report_id IN ({ids})"
        elif wide:  # too many ids to bind (SQLite caps parameters): more matches, kept here by report
            params["n"] = CANDIDATES * WIDE_FACTOR
        if self.dialect == "sqlite":
            params["q"] = fts5_expression(chosen)
            order = " ORDER BY chunks_fts.rank" if ranked else ""
            sql = (
                "SELECT c.id, c.tokens, c.report_id FROM chunks_fts JOIN chunks AS c ON c.rowid = chunks_fts.rowid "
                f"JOIN reports AS r ON r.id = c.report_id WHERE chunks_fts MATCH :q AND r.state = '{READY}'"
                f"{where}{order} LIMIT :n"
            )
        else:
            params["q"] = tsquery_expression(chosen)
            order = " ORDER BY ts_rank_cd(c.tsv, q) DESC" if ranked else ""
            sql = (
                "SELECT c.id, c.tokens, c.report_id FROM chunks AS c JOIN reports AS r ON r.id = c.report_id, "
                f"to_tsquery('simple', :q) AS q WHERE c.tsv @@ q AND r.state = '{READY}'{where}{order} LIMIT :n"
            )
        wanted = set(report_ids) if wide and report_ids else None
        rows = conn.execute(text(sql), params)
        return [(cid, tokens) for cid, tokens, rid in rows if wanted is None or rid in wanted]


_SQLITE_PARTS = {"chunks_fts", "chunks_fts_insert", "chunks_fts_delete", "chunks_fts_update"}


def _sqlite_parts(db) -> set[str]:  # noqa: ANN001 - a sqlite3 connection
    names = ", ".join(f"'{n}'" for n in sorted(_SQLITE_PARTS))
    return {name for (name,) in db.execute(f"SELECT name FROM sqlite_master WHERE name IN ({names})")}


def _in_list(prefix: str, values: list[str]) -> tuple[str, dict[str, str]]:
    names = [f"{prefix}{i}" for i in range(len(values))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, values, strict=True))


def _passages_of(conn: Connection, report_ids: list[str]) -> list[tuple[str, str]]:
    """Every passage of these visible reports, through the index on ``chunks.report_id``."""
    ids, params = _in_list("r", report_ids)
    sql = (
        "SELECT c.id, c.tokens FROM chunks AS c JOIN reports AS r ON r.id = c.report_id "
        f"WHERE r.state = '{READY}' AND c.report_id IN ({ids})"
    )
    return [(cid, tokens) for cid, tokens in conn.execute(text(sql), params)]


def fts5_expression(terms: list[str]) -> str:
    """An FTS5 query matching any of the terms, each quoted (so no token is read as query syntax)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def tsquery_expression(terms: list[str]) -> str:
    """A PostgreSQL tsquery matching any of the terms, each quoted as a lexeme (no token is read as syntax)."""
    return " | ".join("'" + t.replace("\\", "\\\\").replace("'", "''") + "'" for t in terms)

"""Lexical search inside the database (index/lexical.py): BM25 over the stored tokens, found through the
engine's full-text index, with nothing of the corpus held in memory.

The ranking is checked against a plain BM25 written here over every stored passage, so a shortcut in
the candidate search that drops a passage that should rank shows up as a different top five.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter
from contextlib import closing

import pytest
from conftest import DONGSHAN, SAMPLES

from index.lexical import K1, B, LexicalIndex, query_terms

QUERIES = [
    "岳溪镇的民事全程代办有多少服务站？",
    "政务微博发布了多少条信息",
    "行政处罚 行政许可 主动公开",
    "存在的主要问题及改进情况",
    "How did Tongchuan staff its disclosure work? 人员 专职 兼职",
    "政府信息公开",  # common words only
]


def reference_bm25(coll, query: str, report_ids: set[str] | None = None) -> list[tuple[str, float]]:
    """BM25 the textbook way: every passage, exact corpus statistics."""
    rows = coll.facts.chunks()
    docs = {c.id: c.tokens.split() for c in rows}
    n = len(docs)
    mean = sum(map(len, docs.values())) / n
    terms = query_terms(query)
    df = {t: sum(t in set(words) for words in docs.values()) for t in terms}
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    scores = []
    for c in rows:
        if report_ids is not None and c.report_id not in report_ids:
            continue
        counts = Counter(docs[c.id])
        norm = K1 * (1 - B + B * len(docs[c.id]) / mean)
        s = sum(idf[t] * counts[t] * (K1 + 1) / (counts[t] + norm) for t in terms if counts[t])
        if s > 0:
            scores.append((c.id, s))
    return sorted(scores, key=lambda x: (-x[1], x[0]))


def test_the_index_lives_in_the_database(collection):
    """An FTS5 table kept by triggers, and no in-memory index on the collection."""
    # closed here: an open sqlite3 connection is freed by the cycle collector, whenever it runs, and the
    # integrity check's implicit transaction held the write lock until then (the next writer timed out)
    with closing(sqlite3.connect(collection.facts.engine.url.database)) as db:
        names = {n for (n,) in db.execute("SELECT name FROM sqlite_master")}
        assert {"chunks_fts", "chunks_fts_insert", "chunks_fts_delete", "chunks_fts_update"} <= names
        db.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")  # raises if out of step
        (indexed,) = db.execute("SELECT count(*) FROM chunks_fts").fetchone()
        db.rollback()
    assert indexed == len(collection.facts.chunks()) > 150
    assert not hasattr(collection, "_lexical") and not hasattr(collection, "_chunks")


@pytest.mark.parametrize("query", QUERIES)
def test_ranking_is_bm25_over_the_whole_collection(collection, query):
    """Unfiltered: the engine's candidates, ranked here, give the same top five as BM25 over everything."""
    want = reference_bm25(collection, query)[:5]
    got = collection.facts.lexical.search(query, None, 5)
    assert [h.chunk_id for h in got] == [cid for cid, _ in want]
    assert [round(h.score, 6) for h in got] == [round(s, 6) for _, s in want]


@pytest.mark.parametrize("query", QUERIES[:4])
def test_ranking_within_reports_uses_the_whole_collection_for_rarity(collection, query):
    reports = collection.reports()
    for r in reports:
        want = reference_bm25(collection, query, {r.id})[:5]
        got = collection.facts.lexical.search(query, [r.id], 5)
        assert [(h.chunk_id, round(h.score, 6)) for h in got] == [(c, round(s, 6)) for c, s in want], r.issuer


@pytest.mark.parametrize("query", QUERIES[:4])
def test_a_long_report_list_is_filtered_after_the_engine_not_bound(collection, monkeypatch, query):
    """Past BOUND_REPORTS ids (SQLite caps bound parameters) the engine's matches are kept by report here:
    on the samples that is still BM25 within those reports (with NARROW_REPORTS lowered so the path runs)."""
    import index.lexical

    monkeypatch.setattr(index.lexical, "NARROW_REPORTS", 0)
    monkeypatch.setattr(index.lexical, "BOUND_REPORTS", 1)
    chosen = {r.id for r in collection.reports()[:3]}
    want = reference_bm25(collection, query, chosen)[:5]
    got = collection.facts.lexical.search(query, sorted(chosen), 5)
    assert [(h.chunk_id, round(h.score, 6)) for h in got] == [(c, round(s, 6)) for c, s in want]


def test_rare_words_find_their_passage(collection):
    (top,) = collection.facts.lexical.search("民事全程代办服务站", None, 1)
    (hit,) = collection._hits([top.chunk_id]).values()
    assert "25个村(社区)民事全程代办服务站" in hit.text and hit.metadata["issuer"] == "重庆市开州区岳溪镇人民政府"
    assert collection.facts.lexical.search("民事全程代办服务站", [], 5) == []  # no report, no passage
    assert collection.facts.lexical.search("的 了 吗", None, 5) == []  # stop words only


@pytest.mark.parametrize(
    "query", ['"OR" NOT * : ^', "(行政) AND NEAR(复议", "a'b \\ c | d & !e <-> f:*", 'NEAR("x" "y", 2)', "-- ;"]
)
def test_query_syntax_is_read_as_words(collection, query):
    """Tokens are quoted for the engine: a question is never parsed as FTS5 query syntax."""
    collection.facts.lexical.search(query, None, 5)
    collection.facts.lexical.search(query, [r.id for r in collection.reports()], 5)


def test_pending_reports_passages_are_not_found(collection):
    from index.facts import PENDING, READY

    (top,) = collection.facts.lexical.search("民事全程代办服务站", None, 1)
    rid = top.chunk_id.split(":")[0]
    with collection.facts.Session() as s:
        assert collection.facts.set_state(s, rid, PENDING)
        s.commit()
    try:
        assert all(h.chunk_id.split(":")[0] != rid for h in collection.facts.lexical.search("民事全程代办", None, 20))
    finally:
        with collection.facts.Session() as s:
            collection.facts.set_state(s, rid, READY)
            s.commit()
    assert collection.facts.lexical.search("民事全程代办服务站", None, 1)[0] == top


def test_an_older_store_gets_its_index_and_writers_keep_it(tmp_path):
    """A store made before the index (no FTS table) is indexed when opened; afterwards every ingest and
    removal, by this process or another, is searchable at once, with no index to rebuild."""
    from index.collection import Collection
    from index.settings import Settings

    home = tmp_path / "home"
    writer = Collection(Settings.from_env(home))
    (first,) = writer.ingest([SAMPLES / "000_d76d4b4009bfe151.txt"])
    before = writer.facts.lexical.search("民事全程代办服务站", None, 3)
    with closing(sqlite3.connect(home / "facts.sqlite")) as db:
        for trigger in ("chunks_fts_insert", "chunks_fts_delete", "chunks_fts_update"):
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE chunks_fts")
        db.commit()

    reader = Collection(Settings.from_env(home))  # another process's view: its own connections
    assert reader.facts.lexical.search("民事全程代办服务站", None, 3) == before
    assert not LexicalIndex(reader.facts.engine).prepare()  # built once, found there afterwards

    (second,) = writer.ingest([DONGSHAN])
    assert second.status == "added"
    hits = reader.facts.lexical.search("东山县 政府信息公开 申请", [second.report_id], 3)
    assert hits and all(h.chunk_id.startswith(second.report_id) for h in hits)
    assert writer.remove(second.report_id)
    assert reader.facts.lexical.search("东山县 政府信息公开 申请", [second.report_id], 3) == []
    with closing(sqlite3.connect(home / "facts.sqlite")) as db:
        db.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('integrity-check', 1)")
        (indexed,) = db.execute("SELECT count(*) FROM chunks_fts").fetchone()
        db.rollback()
    assert indexed == len(reader.facts.chunks()) == first.chunks


def test_hits_are_read_by_their_ids_and_only_from_visible_reports(collection):
    """A search's hits are read by primary key in two reads (as one join SQLite walked every visible
    report's passages through the state index): the passages asked for, with their report's issuer and
    year, and none of a pending report. The speed is `bench query`'s figure."""
    from index.facts import PENDING, READY

    rows = collection.facts.chunks()
    chosen = [rows[0].id, rows[len(rows) // 2].id, rows[-1].id, "no-such-passage"]
    got = {c.id: (issuer, year) for c, issuer, year in collection.facts.passages(chosen)}
    reports = {r.id: r for r in collection.reports()}
    want = {c.id: (reports[c.report_id].issuer, reports[c.report_id].year) for c in rows if c.id in chosen}
    assert got == want and len(got) == 3
    rid = rows[0].report_id
    with collection.facts.Session() as s:
        assert collection.facts.set_state(s, rid, PENDING)
        s.commit()
    try:
        assert rows[0].id not in {c.id for c, _, _ in collection.facts.passages(chosen)}
    finally:
        with collection.facts.Session() as s:
            collection.facts.set_state(s, rid, READY)
            s.commit()


def test_a_passage_is_tokenized_the_same_after_questions_were_asked():
    # the answer path cuts the reports' terms whole ("依申请公开") with a tokenizer of its own: asking a
    # question must not change how a passage ingested afterwards is indexed (PostgreSQL and SQLite ranked
    # the same passage differently when one was filled after questions had been asked in the process)
    from assistant.values import question_terms
    from index.lexical import tokenize

    text = "本年度依申请公开政府信息12件，同意公开8件，不予公开2件。"
    before = tokenize(text)
    assert question_terms("依申请公开和不予公开各多少件", "zh", [])
    assert tokenize(text) == before

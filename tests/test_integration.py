"""The same code against PostgreSQL and a Chroma server (started by scripts/services.sh in CI).

Skipped when GONGKAI_TEST_DATABASE_URL / GONGKAI_TEST_CHROMA_URL are unset, unless
GONGKAI_REQUIRE_INTEGRATION=1 (as in CI), where a missing service is a failure.
"""

import os
import uuid
from dataclasses import replace

import pytest
from conftest import DONGSHAN, ROOT, SAMPLES, check_the_catalog_keeps_issuer_names

DB = os.environ.get("GONGKAI_TEST_DATABASE_URL")
CHROMA = os.environ.get("GONGKAI_TEST_CHROMA_URL")
REQUIRED = os.environ.get("GONGKAI_REQUIRE_INTEGRATION") == "1"

pytestmark = pytest.mark.integration
if not (DB and CHROMA):
    if REQUIRED:
        raise RuntimeError("GONGKAI_REQUIRE_INTEGRATION=1 but the PostgreSQL/Chroma URLs are not set")
    pytestmark = [pytest.mark.integration, pytest.mark.skip(reason="PostgreSQL/Chroma server not configured")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from index.collection import Collection
    from index.facts import Base
    from index.settings import Settings

    settings = replace(
        Settings.from_env(tmp_path_factory.mktemp("home")),
        database_url=DB,
        chroma_url=CHROMA,
        collection_name=f"gongkai_test_{uuid.uuid4().hex[:8]}",
    )
    coll = Collection(settings)
    Base.metadata.drop_all(coll.facts.engine)  # a clean schema for this run
    Base.metadata.create_all(coll.facts.engine)
    assert coll.facts.lexical.prepare()  # the tsvector column and its index, on the new chunks table
    results = list(coll.ingest([SAMPLES]))
    assert [r.status for r in results] == ["added"] * 6, [r.error for r in results]
    yield coll
    coll.vectors.client.delete_collection(settings.collection_name)
    Base.metadata.drop_all(coll.facts.engine)


def test_backends_are_the_servers(served):
    assert served.facts.engine.dialect.name == "postgresql"
    assert type(served.vectors.client).__name__ != "PersistentClient" and served.settings.chroma_url


def test_dongshan_question_on_postgres_and_chroma_server(served):
    from assistant.answer import ask

    answer = ask("how many disclosure applications did Dongshan County receive in 2020", None, served)
    assert {(f.source, f.value) for f in answer.facts} == {("table", "2"), ("text", "3")}


def test_passages_and_lexical_search_on_the_servers(served):
    from assistant.answer import ask

    answer = ask("岳溪镇设立了多少个民事全程代办服务站？", None, served)
    assert "25个村(社区)民事全程代办服务站" in answer.answer


LEXICAL_QUERIES = [
    "岳溪镇的民事全程代办有多少服务站？",
    "政务微博发布了多少条信息",
    "存在的主要问题及改进情况",
    "政府信息公开",
]


def test_lexical_search_in_postgresql_ranks_as_sqlite_does(served, collection):
    """The tsvector path finds the same candidates and ranks them by the same BM25 as FTS5 on SQLite
    (``collection`` holds the same six reports, embedded)."""
    from sqlalchemy import text

    with served.facts.engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE tablename = 'chunks' AND indexname = 'chunks_tsv'")
            )
            .scalar_one()
            .endswith("USING gin (tsv)")
        )
    for q in LEXICAL_QUERIES:
        pg = served.facts.lexical.search(q, None, 5)
        lite = collection.facts.lexical.search(q, None, 5)
        assert [(h.chunk_id, round(h.score, 6)) for h in pg] == [(h.chunk_id, round(h.score, 6)) for h in lite], q
        for r in served.reports():
            pg = served.facts.lexical.search(q, [r.id], 3)
            assert [h.chunk_id for h in pg] == [h.chunk_id for h in collection.facts.lexical.search(q, [r.id], 3)]
    for q in ['"OR" NOT * : ^', "a'b \\ c | d & !e <-> f:*", "(行政) & !复议"]:
        served.facts.lexical.search(q, None, 5)  # read as words, never as tsquery syntax


def test_a_fresh_app_server_reuses_the_term_counts_another_one_made(served):
    """Counting a common term on PostgreSQL is a scan of the passages (0.75 s at 1.3M): the counts one
    app server makes are stored, a fresh server reads them, and a count made on a much smaller corpus
    is made again."""
    from sqlalchemy import text

    from index.lexical import LexicalIndex

    engine = served.facts.engine
    served.facts.lexical.search("政府信息公开申请 行政复议", None, 5)
    with engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT term, df FROM term_counts")).all())
        n = conn.execute(text("SELECT count(*) FROM chunks")).scalar_one()
        truth = conn.execute(
            text("SELECT count(*) FROM chunks WHERE tsv @@ to_tsquery('simple', :t)"), {"t": "复议"}
        ).scalar_one()
    assert stored["复议"] == truth > 0 and "政府" in stored

    def fresh_server_count() -> int:
        lexical = LexicalIndex(engine)
        with engine.connect() as conn:
            return lexical._frequencies(conn, ["复议"], lexical._corpus(conn))["复议"]

    try:
        with engine.begin() as conn:  # a stored count differing from the truth shows which one was used
            conn.execute(text("UPDATE term_counts SET df = 99999, passages = :n WHERE term = '复议'"), {"n": n})
        assert fresh_server_count() == 99999  # read, not counted
        with engine.begin() as conn:
            conn.execute(text("UPDATE term_counts SET passages = :n WHERE term = '复议'"), {"n": n // 2})
        assert fresh_server_count() == truth  # counted on another corpus: counted again, and stored
        with engine.connect() as conn:
            assert conn.execute(text("SELECT df FROM term_counts WHERE term = '复议'")).scalar_one() == truth
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM term_counts"))


def test_the_catalog_keeps_what_it_derives_from_issuer_names_on_postgresql(served):
    check_the_catalog_keeps_issuer_names(served)


def test_a_pre_2019_statistics_table_on_postgresql(served):
    """PostgreSQL enforces the column lengths SQLite ignores: a store made when table ids were varchar(4)
    refused every "legacy" table. Opening it widens the column; the report and its cells then go in."""
    from sqlalchemy import text

    from index.facts import TABLE_ID_LENGTH, FactStore

    engine = served.facts.engine
    length = text(
        "SELECT character_maximum_length FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = 'cells' AND column_name = 'table'"
    )
    with engine.begin() as conn:
        conn.execute(text('ALTER TABLE cells ALTER COLUMN "table" TYPE varchar(4)'))  # as older stores were
    FactStore(DB)
    with engine.connect() as conn:
        assert conn.execute(length).scalar_one() == TABLE_ID_LENGTH
    (r,) = served.ingest([ROOT / "samples" / "corpus" / "pingtan-depts" / "zrz-2009.txt"])
    try:
        assert r.status == "added", r.error
        assert [t.table for t in served.facts.tables(r.report_id)] == ["legacy"]
        assert {c.table for c in served.facts.cells([r.report_id])} == {"legacy"}
    finally:
        served.remove(r.report_id)


def test_replace_and_remove_on_the_servers(served, tmp_path):
    src = tmp_path / "d.txt"
    src.write_text(DONGSHAN.read_text(encoding="utf-8").replace("164条", "166条"), encoding="utf-8")
    served.keep_versions = True  # a second version beside the first (by default it would replace it)
    try:
        (r,) = served.ingest([src])
    finally:
        served.keep_versions = False
    assert r.status == "added"
    before = served.vectors.count()
    assert served.remove(r.report_id)
    assert served.vectors.count() < before
    assert r.report_id not in {x.id for x in served.reports()}


def test_devset_on_the_servers(served):
    from pathlib import Path

    from measure.evaluate import run

    report = run(Path(__file__).parent / "devset" / "questions.jsonl", served)
    assert report.accuracy >= 0.95, report.table()

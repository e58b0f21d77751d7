"""`gongkai migrate`: a collection copied into other stores, nothing parsed or embedded again, answers as
the original does and takes new reports afterwards."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import DONGSHAN

from index.collection import Collection
from index.migrate import migrate
from index.settings import Settings


def _same_answers(source: Collection, copy: Collection) -> None:
    from assistant.answer import ask

    assert [r.id for r in copy.reports()] == [r.id for r in source.reports()]
    assert copy.vectors.count() == source.vectors.count()
    for q in (
        "how many disclosure applications did Dongshan County receive in 2020",
        "岳溪镇的民事全程代办有多少服务站？",
    ):
        a, b = ask(q, None, source), ask(q, None, copy)
        assert (b.status, b.answer, [f.value for f in b.facts]) == (a.status, a.answer, [f.value for f in a.facts])
    for q in ("存在的主要问题及改进情况", "政务微博"):
        assert [h.chunk_id for h in copy.search(q, None, k=5)] == [h.chunk_id for h in source.search(q, None, k=5)]


def _new_version_is_added(copy: Collection, tmp_path) -> None:
    """Fresh rows after the copied ones: integer ids (PostgreSQL sequences) continue past the copy."""
    src = tmp_path / "dongshan-v2.txt"
    src.write_text(DONGSHAN.read_text(encoding="utf-8").replace("164条", "166条"), encoding="utf-8")
    copy.keep_versions = True
    (r,) = copy.ingest([src])
    assert r.status == "added", r.error
    assert copy.facts.lexical.search("东山县 政府信息公开", [r.report_id], 1)


def test_a_collection_copied_to_other_files_answers_the_same(collection, tmp_path):
    target = Settings.from_env(tmp_path / "copy")
    result = migrate(collection.settings, target, progress=lambda _: None)
    assert result.vectors == collection.vectors.count() and result.rows["chunks"] == len(collection.facts.chunks())
    assert result.rows["cells"] > 500
    copy = Collection(target)
    _same_answers(collection, copy)
    with pytest.raises(ValueError, match="not empty"):
        migrate(collection.settings, target, progress=lambda _: None)
    _new_version_is_added(copy, tmp_path)


def test_the_cli_moves_the_database_and_leaves_the_vectors(collection, tmp_path, capsys, monkeypatch):
    from ui.cli import main

    monkeypatch.setenv("GONGKAI_HOME", str(collection.settings.home))
    assert main(["migrate", "--database-url", collection.settings.database_url]) == 2
    assert "the target is the collection itself" in capsys.readouterr().out
    url = f"sqlite:///{tmp_path / 'moved.sqlite'}"
    assert main(["migrate", "--database-url", url]) == 0
    assert "copied " in capsys.readouterr().out
    moved = Collection(replace(collection.settings, database_url=url))  # same vector files, other database
    _same_answers(collection, moved)
    assert main(["migrate", "--database-url", url]) == 1
    assert "not copied: the target database is not empty" in capsys.readouterr().out


def test_migrate_copies_into_postgresql_and_a_chroma_server(collection, tmp_path):
    """Into a new PostgreSQL database and a Chroma server collection (CI's scripts/services.sh)."""
    import os
    import uuid

    db, chroma = os.environ.get("GONGKAI_TEST_DATABASE_URL"), os.environ.get("GONGKAI_TEST_CHROMA_URL")
    if not (db and chroma):
        if os.environ.get("GONGKAI_REQUIRE_INTEGRATION") == "1":
            raise RuntimeError("GONGKAI_REQUIRE_INTEGRATION=1 but the PostgreSQL/Chroma URLs are not set")
        pytest.skip("PostgreSQL/Chroma server not configured")
    from sqlalchemy import create_engine, text

    name = f"gongkai_migrate_{uuid.uuid4().hex[:8]}"
    admin = create_engine(db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    target = replace(
        Settings.from_env(tmp_path / "home"),
        database_url=db.rsplit("/", 1)[0] + "/" + name,
        chroma_url=chroma,
        collection_name=name,
    )
    copy = None
    try:
        migrate(collection.settings, target, progress=lambda _: None)
        copy = Collection(target)
        assert copy.facts.engine.dialect.name == "postgresql"
        with copy.facts.engine.connect() as conn:  # the copy leaves statistics for the planner
            analysed = "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'chunks'"
            assert conn.execute(text(analysed)).scalar_one()
        _same_answers(collection, copy)
        _new_version_is_added(copy, tmp_path)
    finally:
        if copy is not None:
            copy.vectors.client.delete_collection(name)
            copy.facts.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

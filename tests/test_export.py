"""The open-data export: every stored cell exactly once, values as numbers, ambiguous cells with their
candidates and never a guess, CSV that Excel opens right and cannot run, a SQLite file Datasette serves."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from index.export import (
    CELL_COLUMNS,
    FIGURE_COLUMNS,
    ExportFilter,
    csv_lines,
    figure_records,
    lines,
    write_sqlite,
)
from ingest.model import CellStatus
from ui.cli import main

FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")


def _stored(coll) -> tuple[list, list]:
    """The visible reports' cells and figures as the store holds them (the test's own reading)."""
    ids = [r.id for r in coll.reports()]
    return coll.facts.cells(ids), coll.facts.figures(ids)


def _csv(coll, what: str, f: ExportFilter = ExportFilter()) -> tuple[str, list[dict]]:
    text = "".join(lines(coll.facts, "csv", what, f))
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("which", ["collection", "corpus_collection"])
def test_every_stored_cell_is_exported_exactly_once(which, request):
    coll = request.getfixturevalue(which)
    cells, figures = _stored(coll)
    exported = [json.loads(line) for line in lines(coll.facts, "jsonl", "cells")]
    assert len(exported) == len(cells) > 0
    key = lambda r: (r["report_id"], r["table"], r["row_id"], r["column_id"])  # noqa: E731
    assert len({key(r) for r in exported}) == len(exported)
    assert {key(r) for r in exported} == {(c.report_id, c.table, c.row_id, c.col_id) for c in cells}
    by_key = {(c.report_id, c.table, c.row_id, c.col_id): c for c in cells}
    for r in exported:
        c = by_key[key(r)]
        assert r["status"] == c.status and r["method"] == c.method
        if c.status == CellStatus.NUMBER:
            assert r["value"] == json.loads(c.value_text)  # a number, the stored one
        else:
            assert r["value"] is None  # a blank, a dash, a lost position or an ambiguous cell: no number
        assert r["candidates"] == (list(c.candidates) if c.status == CellStatus.AMBIGUOUS else [])
        assert r["row_label"] and r["column_label"] and r["issuer"] and r["table_status"]
    exported_figures = list(figure_records(coll.facts))
    assert sorted(f["figure_id"] for f in exported_figures) == sorted(f.id for f in figures)


def test_dongshan_2020_table_3_new_received_total_is_2_and_ambiguous_cells_keep_candidates(collection):
    text, rows = _csv(collection, "cells", ExportFilter(issuer="东山县", year=2020))
    assert text.startswith("\ufeff") and list(rows[0]) == list(CELL_COLUMNS)
    (total,) = [r for r in rows if r["row_id"] == "t3.new_received" and r["column_id"] == "total"]
    assert (total["value"], total["status"], total["table"]) == ("2", "number", "t3")
    assert total["row_label"].startswith("一、本年新收") and total["generation"] == "2019"
    ambiguous = [r for r in rows if r["status"] == "ambiguous"]
    assert ambiguous, "the Dongshan table has cells whose boundaries were lost"
    for r in ambiguous:
        assert r["value"] == ""
        if r["method"] == "derived":  # a sum of ambiguous cells: says which, has no readings of its own
            assert r["note"] and not r["candidates"]
        else:
            assert len(r["candidates"].split("|")) >= 2
    assert any(r["method"] != "derived" for r in ambiguous)
    assert {r["report_id"] for r in rows} == {total["report_id"]}  # the filter kept that one report


def test_csv_is_formula_safe_and_keeps_numbers_numeric():
    record = {c: "" for c in FIGURE_COLUMNS} | {
        "issuer": '=HYPERLINK("http://x","点")',
        "label": "-1+1",
        "sentence": "@SUM(A1)",
        "metric": "\tx",
        "value": "-3",
        "year": 2020,
        "figure_id": 7,
        "unit": "+件",
    }
    _, line = list(csv_lines(iter([record]), FIGURE_COLUMNS))
    (row,) = csv.DictReader(io.StringIO(",".join(FIGURE_COLUMNS) + "\n" + line))
    assert row["issuer"].startswith("'=") and row["label"] == "'-1+1" and row["sentence"] == "'@SUM(A1)"
    assert row["metric"] == "'\tx" and row["unit"] == "'+件"
    assert row["value"] == "-3" and row["year"] == "2020" and row["figure_id"] == "7"  # numbers stay numbers


def test_no_exported_text_cell_can_run_as_a_formula(corpus_collection):
    for what, columns in (("cells", CELL_COLUMNS), ("figures", FIGURE_COLUMNS)):
        text, rows = _csv(corpus_collection, what)
        assert text.startswith("\ufeff") and rows
        for row in rows:
            for column in columns:
                if column not in ("value", "year", "figure_id"):
                    assert not row[column].startswith(FORMULA_FIRST), (column, row[column])


def test_sqlite_file_datasette_serves(collection, tmp_path):
    out = tmp_path / "gongkai.db"
    counts = write_sqlite(collection.facts, out)
    cells, figures = _stored(collection)
    assert counts == {"reports": len(collection.reports()), "cells": len(cells), "figures": len(figures)}
    db = sqlite3.connect(out)
    tables = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"reports", "cells", "figures", "_columns"} <= tables
    indexes = {n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert {"cells_report", "cells_issuer_year", "cells_row_column", "figures_report"} <= indexes
    described = set(db.execute("SELECT table_name, column_name FROM _columns"))
    assert {("cells", c) for c in CELL_COLUMNS} <= described and {("figures", c) for c in FIGURE_COLUMNS} <= described
    schema = db.execute("SELECT sql FROM sqlite_master WHERE name='cells'").fetchone()[0]
    assert "-- the figure, a number" in schema  # the descriptions Datasette shows under the table
    value, kind = db.execute(
        "SELECT value, typeof(value) FROM cells WHERE issuer LIKE '东山县%' AND year = 2020 "
        "AND row_id = 't3.new_received' AND column_id = 'total'"
    ).fetchone()
    assert (value, kind) == (2, "integer")
    assert db.execute(
        "SELECT count(*) FROM cells WHERE status='ambiguous' AND (value IS NOT NULL OR (candidates IS NULL AND note = ''))"
    ).fetchone() == (0,)
    assert db.execute(
        "SELECT count(*) FROM cells c LEFT JOIN reports r ON r.id = c.report_id WHERE r.id IS NULL"
    ).fetchone() == (0,)
    db.close()


def test_filters_are_those_of_api_facts(client, collection):
    facts = client.get("/api/facts", params={"metric": "applications_received"}).json()
    reply = client.get("/api/export", params={"format": "jsonl", "metric": "applications_received"})
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("application/x-ndjson")
    exported = [json.loads(line) for line in reply.text.splitlines()]
    table_rows = [f for f in facts if f["source"] == "table"]
    assert len(exported) == len(table_rows) and {r["row_id"] for r in exported} == {"t3.new_received"}
    figures = client.get(
        "/api/export", params={"format": "jsonl", "metric": "applications_received", "what": "figures"}
    )
    assert len(figures.text.splitlines()) == len([f for f in facts if f["source"] == "text"])
    whole = client.get("/api/export")  # no filter: every cell, as CSV
    assert whole.headers["content-type"].startswith("text/csv") and "attachment" in whole.headers["content-disposition"]
    assert whole.content.startswith(b"\xef\xbb\xbf") and len(whole.text.splitlines()) == len(_stored(collection)[0]) + 1
    assert client.get("/api/export", params={"format": "xlsx"}).status_code == 422


def test_cli_writes_the_files_and_says_what(collection, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(collection.settings.home))
    cells, figures = _stored(collection)
    assert main(["export", "--format", "csv", str(tmp_path / "open.csv")]) == 0
    out = capsys.readouterr().out
    assert f"open.csv: {len(cells)} cells" in out and f"open.figures.csv: {len(figures)} figures" in out
    assert (tmp_path / "open.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert main(["export", "--format", "sqlite", "--issuer", "东山县", str(tmp_path / "d.db")]) == 0
    assert "1 reports" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.db", "open.csv", "open.figures.csv"]  # no leftovers
    assert main(["export", str(tmp_path / "no" / "such" / "x.csv")]) == 2

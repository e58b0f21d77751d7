"""One place for each canonical id (issue 34, item 6): every cell id the glossary names — a metric's cell in
each generation, an applicant column, an outcome, a 表二 column — exists in ``ingest/schema.py``, whose
labels are the ones printed. A glossary entry pointing at a renamed or misspelt id would otherwise surface
only as a question that raises (the KeyError a 表二 column once gave) or a figure never found."""

from __future__ import annotations

from assistant.glossary import APPLICANT_COLUMNS, METRICS, T2_COLUMN_WORDS, T4_OUTCOMES
from ingest.schema import GEN_2019, GEN_2021, column_label, row_label


def test_every_metric_cell_names_a_row_and_column_the_schema_has():
    missing = []
    for m in METRICS:
        for gen in (GEN_2019, GEN_2021):
            cell = m.cell_for(gen)
            if not cell:
                continue
            row, col = cell.split(":")
            try:
                row_label(row, gen)
                column_label(row, col, gen)
            except KeyError as exc:
                missing.append(f"{m.key} ({gen}): {exc}")
    assert missing == []


def test_every_column_word_table_names_a_column_of_its_table():
    t3_row, t4_row, t2_row = "t3.new_received", "t4.review", "t2.normative_docs"
    missing = []
    for table_row, options in ((t3_row, APPLICANT_COLUMNS), (t4_row, T4_OUTCOMES), (t2_row, T2_COLUMN_WORDS)):
        for col, _, _ in options:
            try:
                column_label(table_row, col)
            except KeyError as exc:
                missing.append(str(exc))
    assert missing == []

"""The blank 2021 Word template, filled programmatically: every DOCX cell maps to the right canonical id."""

import io
from decimal import Decimal

import pytest
from conftest import ROOT
from docx import Document
from docx.oxml.ns import qn
from docx.table import _Cell

from ingest.loaders import load_bytes
from ingest.pipeline import parse_report
from ingest.schema import T3_COLUMNS, T4_BLOCKS, T4_COLUMNS, t3_rows

TEMPLATE = ROOT / "samples" / "templates" / "template-2021.docx"
T2_ORDER = [
    ("t2.rules", ["issued", "repealed", "in_force"]),
    ("t2.normative_docs", ["issued", "repealed", "in_force"]),
    ("t2.licensing", ["decisions"]),
    ("t2.penalty", ["decisions"]),
    ("t2.coercion", ["decisions"]),
    ("t2.admin_fees", ["amount_wan_yuan"]),
]
T2_LABELS = ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")


def origin_cells(tr):
    out = []
    for tc in tr.iterchildren(qn("w:tc")):
        vm = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
        if vm is not None and vm.get(qn("w:val")) in (None, "continue"):
            continue
        out.append(tc)
    return out


def text_of(tc):
    return "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()


def fill(tc, table, value):
    _Cell(tc, table).paragraphs[0].add_run(str(value))


@pytest.fixture(scope="module")
def filled():
    doc = Document(str(TEMPLATE))
    doc.paragraphs[0].insert_paragraph_before("测试县人民政府2023年政府信息公开工作年度报告")
    t2, t3, t4 = doc.tables[:3]
    n = 0
    for tr in t2._tbl.iterchildren(qn("w:tr")):
        cells = origin_cells(tr)
        if cells and text_of(cells[0]) in T2_LABELS:
            for tc in cells[1:]:
                n += 1
                fill(tc, t2, n if text_of(cells[0]) != "行政事业性收费" else f"{n}.25")
    assert n == 10
    n = 0
    for tr in t3._tbl.iterchildren(qn("w:tr")):
        cells = origin_cells(tr)
        if len(cells) >= 8 and not any(text_of(tc) for tc in cells[-7:]):
            for tc in cells[-7:]:
                n += 1
                fill(tc, t3, n)
    assert n == 175
    last = list(t4._tbl.iterchildren(qn("w:tr")))[-1]
    for i, tc in enumerate(origin_cells(last), start=1):
        fill(tc, t4, i)
    buf = io.BytesIO()
    doc.save(buf)
    loaded = load_bytes(buf.getvalue(), "filled.docx")
    return parse_report(loaded.text, "filled.docx", loaded.format, loaded.content)


def table(report, name):
    return next(t for t in report.tables if t.table == name)


def test_template_metadata(filled):
    assert filled.meta.generation == "2021" and filled.meta.report_year == 2023
    assert filled.meta.source_format == "docx"


def test_every_t3_cell_lands_on_its_id(filled):
    t3 = table(filled, "t3")
    rows = [r.id for r in t3_rows("2021") if r.is_data]
    assert len(rows) == 25
    for n in range(1, 176):
        row, col = rows[(n - 1) // 7], T3_COLUMNS[(n - 1) % 7][0]
        cell = t3.cell(f"{row}:{col}")
        assert (cell.value, cell.status) == (Decimal(n), "number"), (n, row, col)
    # 1..175 breaks every sum: the table is read exactly and flagged, not "fixed"
    assert t3.status == "inconsistent"


def test_every_t2_cell_lands_on_its_id(filled):
    t2 = table(filled, "t2")
    n = 0
    for row, cols in T2_ORDER:
        for col in cols:
            n += 1
            want = Decimal(n) if row != "t2.admin_fees" else Decimal(f"{n}.25")
            assert t2.cell(f"{row}:{col}").value == want, (row, col)


def test_every_t4_cell_lands_on_its_id(filled):
    t4 = table(filled, "t4")
    ids = [f"{b}:{c}" for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS]
    assert [t4.cell(i).value for i in ids] == list(range(1, 16))


def test_blank_template_has_no_invented_numbers():
    loaded = load_bytes(TEMPLATE.read_bytes(), "template.docx")
    text = "测试县人民政府2023年政府信息公开工作年度报告\n" + loaded.text
    report = parse_report(text, "template.docx", "docx")
    t3 = table(report, "t3")
    printed = [c for c in t3.cells if c.method != "derived"]
    assert len(printed) == 175 and all(c.status == "blank" and c.value is None for c in printed)

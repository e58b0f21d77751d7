"""Every standard-table cell of the samples that have tables, asserted against the reports' own numbers."""

from decimal import Decimal

import pytest

from ingest.schema import T3_COLUMNS, T4_BLOCKS, T4_COLUMNS, t3_rows

T3_COLS = [c for c, _ in T3_COLUMNS]
T4_IDS = [f"{b}:{c}" for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS]


def printed(table):
    return {c.id: c for c in table.cells if c.method != "derived"}


def tables(report):
    return {t.table: t for t in report.tables}


def values(cells: dict, status="number"):
    return {k: c.value for k, c in cells.items() if c.status == status}


# ---- 000 岳溪镇 2019: one value per line, 2019 format ------------------------------------------


def test_yuexi_t2_every_cell(parsed):
    t2 = tables(parsed["000_d76d4b4009bfe151.txt"])["t2"]
    got = {k: (c.value, c.unit) for k, c in printed(t2).items()}
    want = {
        "t2.rules:new_made": 0,
        "t2.rules:new_published": 0,
        "t2.rules:total_published": 0,
        "t2.normative_docs:new_made": 0,
        "t2.normative_docs:new_published": 0,
        "t2.normative_docs:total_published": 0,
        "t2.licensing:prev_year_items": 4,
        "t2.licensing:change": 0,
        "t2.licensing:decisions": 0,
        "t2.other_services:prev_year_items": 0,
        "t2.other_services:change": 0,
        "t2.other_services:decisions": 0,
        "t2.penalty:prev_year_items": 0,
        "t2.penalty:change": 0,
        "t2.penalty:decisions": 0,
        "t2.coercion:prev_year_items": 0,
        "t2.coercion:change": 0,
        "t2.coercion:decisions": 0,
        "t2.admin_fees:prev_year_items": 4,
        "t2.admin_fees:change": 0,
        "t2.procurement:projects": 25,
    }
    assert len(got) == 22
    for k, v in want.items():
        assert got[k] == (Decimal(v), None), k
    assert got["t2.procurement:amount"] == (Decimal("48.7508"), "万元")
    assert t2.status == "unchecked"


def test_yuexi_t3_every_cell_is_zero_and_verified(parsed):
    t3 = tables(parsed["000_d76d4b4009bfe151.txt"])["t3"]
    cells = printed(t3)
    rows = [r.id for r in t3_rows("2019") if r.is_data]
    assert len(rows) == 23 and len(cells) == 23 * 7
    for r in rows:
        for c in T3_COLS:
            cell = cells[f"{r}:{c}"]
            assert (cell.value, cell.status, cell.method, cell.raw) == (0, "number", "text_row", "0"), cell.id
    assert t3.status == "verified" and t3.reasons == []


def test_yuexi_t4_every_cell(parsed):
    t4 = tables(parsed["000_d76d4b4009bfe151.txt"])["t4"]
    cells = printed(t4)
    assert sorted(cells) == sorted(T4_IDS)
    assert all(c.value == 0 and c.status == "number" for c in cells.values())
    assert t4.status == "verified"


def test_cell_offsets_point_at_the_printed_number(parsed):
    report = parsed["000_d76d4b4009bfe151.txt"]
    cell = tables(report)["t2"].cell("t2.procurement:amount")
    assert report.text[cell.start : cell.end] == "48.7508万元"
    cell = tables(report)["t2"].cell("t2.licensing:prev_year_items")
    assert report.text[cell.start : cell.end] == "4"


# ---- 004 东山县 2020: space-separated rows with dropped blanks ----------------------------------


def test_dongshan_t2_every_cell(parsed):
    t2 = tables(parsed["004_1517837ce4499e82.txt"])["t2"]
    got = values(printed(t2))
    assert len(got) == 22
    nonzero = {
        "t2.normative_docs:new_made": 8,
        "t2.normative_docs:new_published": 8,
        "t2.normative_docs:total_published": 11,
    }
    for k, v in got.items():
        assert v == nonzero.get(k, 0), k


DONGSHAN_T3_KNOWN = {  # row -> {column: value} for the non-zero cells the relations pin down
    "t3.new_received": {"total": 2},
    "t3.granted": {"total": 1},
    "t3.unable.not_held": {"total": 1},
    "t3.total_processed": {"total": 2},
}
DONGSHAN_T3_AMBIGUOUS = {  # 自然人 or 商业企业: the dropped blank could be either
    "t3.new_received": {"natural_person": ["0", "2"], "commercial": ["0", "2"]},
    "t3.granted": {"natural_person": ["0", "1"], "commercial": ["0", "1"]},
    "t3.unable.not_held": {"natural_person": ["0", "1"], "commercial": ["0", "1"]},
    "t3.total_processed": {"natural_person": ["0", "2"], "commercial": ["0", "2"]},
}


def test_dongshan_t3_every_cell(parsed):
    t3 = tables(parsed["004_1517837ce4499e82.txt"])["t3"]
    cells = printed(t3)
    assert len(cells) == 23 * 7
    for r in [r.id for r in t3_rows("2019") if r.is_data]:
        for c in T3_COLS:
            cell = cells[f"{r}:{c}"]
            amb = DONGSHAN_T3_AMBIGUOUS.get(r, {}).get(c)
            if amb:
                assert cell.status == "ambiguous" and cell.value is None, cell.id
                assert [str(x) for x in cell.candidates] == amb, cell.id
            else:
                assert cell.status == "number", cell.id
                assert cell.value == DONGSHAN_T3_KNOWN.get(r, {}).get(c, 0), cell.id
    # the full row 四 is read as printed; rows with dropped blanks are placed by the relations
    assert cells["t3.carried_forward:total"].method == "text_row"
    assert cells["t3.new_received:total"].method == "placed"
    assert t3.status == "ambiguous"


def test_dongshan_t4_is_flagged_not_guessed(parsed):
    t4 = tables(parsed["004_1517837ce4499e82.txt"])["t4"]
    cells = printed(t4)
    assert sorted(cells) == sorted(T4_IDS)
    # 11 numbers (one of them 1) for 15 cells: no placement satisfies 结果+…=总计 with blanks as 0
    assert all(c.status == "missing" and c.value is None for c in cells.values())
    assert all(c.raw.split() == ["0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0"] for c in cells.values())
    assert t4.status == "inconsistent" and "11 numbers" in t4.reasons[0]


def test_derived_cells(parsed):
    t3 = tables(parsed["004_1517837ce4499e82.txt"])["t3"]
    assert t3.cell("t3.received_total:total").value == 2
    assert t3.cell("t3.unable:total").value == 1
    assert t3.cell("t3.denied:total").value == 0
    assert t3.cell("t3.new_received:legal_person").status == "ambiguous"
    t4 = tables(parsed["huaian-2024.pdf"])["t4"]
    assert t4.cell("t4.litigation:total").value == 46  # 26 + 20, as the report's text says
    assert t4.cell("t4.litigation:upheld").value == 25


# ---- 淮安市 2024: PDF text layer, 2021 format -------------------------------------------------

HUAIAN_T3 = {
    "t3.new_received": [3001, 53, 0, 0, 61, 4, 3119],
    "t3.carried_over": [34, 0, 0, 0, 0, 0, 34],
    "t3.granted": [1288, 21, 0, 0, 50, 3, 1362],
    "t3.partially_granted": [447, 7, 0, 0, 0, 0, 454],
    "t3.denied.state_secret": [2, 0, 0, 0, 0, 0, 2],
    "t3.denied.law_prohibited": [30, 1, 0, 0, 0, 0, 31],
    "t3.denied.security_stability": [5, 0, 0, 0, 0, 0, 5],
    "t3.denied.third_party_rights": [6, 0, 0, 0, 0, 0, 6],
    "t3.denied.internal_affairs": [7, 1, 0, 0, 0, 0, 8],
    "t3.denied.process_info": [12, 0, 0, 0, 0, 0, 12],
    "t3.denied.enforcement_file": [9, 0, 0, 0, 0, 0, 9],
    "t3.denied.admin_query": [105, 0, 0, 0, 0, 0, 105],
    "t3.unable.not_held": [746, 12, 0, 0, 10, 1, 769],
    "t3.unable.needs_creation": [11, 0, 0, 0, 0, 0, 11],
    "t3.unable.unclear_after_correction": [1, 0, 0, 0, 0, 0, 1],
    "t3.not_processed.complaint": [56, 6, 0, 0, 0, 0, 62],
    "t3.not_processed.repeat": [25, 0, 0, 0, 0, 0, 25],
    "t3.not_processed.publication": [0, 0, 0, 0, 0, 0, 0],
    "t3.not_processed.mass_repeat": [0, 0, 0, 0, 0, 0, 0],
    "t3.not_processed.confirm_existing": [1, 0, 0, 0, 0, 0, 1],
    "t3.other.overdue_correction": [67, 3, 0, 0, 1, 0, 71],
    "t3.other.overdue_fee": [6, 0, 0, 0, 0, 0, 6],
    "t3.other.other_reason": [108, 2, 0, 0, 0, 0, 110],
    "t3.total_processed": [2932, 53, 0, 0, 61, 4, 3050],
    "t3.carried_forward": [103, 0, 0, 0, 0, 0, 103],
}


def test_huaian_t3_every_cell(parsed):
    t3 = tables(parsed["huaian-2024.pdf"])["t3"]
    cells = printed(t3)
    assert len(cells) == 25 * 7
    for row, vals in HUAIAN_T3.items():
        assert [cells[f"{row}:{c}"].value for c in T3_COLS] == vals, row
    assert t3.status == "verified"
    assert t3.cell("t3.other:total").value == 187  # derived in 2021: 71 + 6 + 110


def test_huaian_t2_and_t4(parsed):
    t = tables(parsed["huaian-2024.pdf"])
    t2 = values(printed(t["t2"]))
    assert t2 == {
        "t2.rules:issued": 1,
        "t2.rules:repealed": 0,
        "t2.rules:in_force": 11,
        "t2.normative_docs:issued": 8,
        "t2.normative_docs:repealed": 26,
        "t2.normative_docs:in_force": 66,
        "t2.licensing:decisions": 447228,
        "t2.penalty:decisions": 3985758,
        "t2.coercion:decisions": 88283,
        "t2.admin_fees:amount_wan_yuan": Decimal("96171.6"),
    }
    t4 = [printed(t["t4"])[i].value for i in T4_IDS]
    assert t4 == [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    assert t["t4"].status == "verified"


@pytest.mark.parametrize("name", ["001_b722d12b70247cc9.txt", "002_57d10eb15bb2ae81.txt", "003_5c938f68f70698c0.txt"])
def test_pre2019_reports_have_no_standard_tables(parsed, name):
    assert parsed[name].tables == []


LEGACY = """甲县水利局2016年政府信息公开工作年度报告
一、概述
2016年，我局认真贯彻《条例》。
二、政府信息公开情况统计表
指标名称\t计量单位\t本年度\t历年累计
一、主动公开情况
（一）主动公开政府信息数\t条\t156\t1480
其中：1.网站公开\t条\t150\t1400
2.政府公报公开\t条\t6\t80
二、依申请公开情况
（一）收到申请数\t件\t4\t37
其中：1.当面申请数\t件\t1\t20
2.网上申请数\t件\t3\t17
（二）否决公开答复数\t件\t0\t-
三、收费及减免情况 万元 0 0
三、存在的主要问题及改进措施
一是人员不足。
"""


def test_pre2019_statistics_table_rows_keep_their_own_labels():
    from ingest.pipeline import parse_report

    report = parse_report(LEGACY, "legacy.txt")
    assert report.meta.generation == "pre-2019"
    (t,) = report.tables
    assert t.table == "legacy" and t.status == "unchecked"
    got = {c.id: (c.value, c.unit) for c in t.cells if c.status == "number"}
    assert got["legacy.主动公开政府信息数:this_year"] == (156, "条")
    assert got["legacy.主动公开政府信息数:cumulative"] == (1480, "条")
    assert got["legacy.网站公开:this_year"] == (150, "条")
    assert got["legacy.收到申请数:cumulative"] == (37, "件")
    assert got["legacy.网上申请数:this_year"] == (3, "件")
    assert got["legacy.收费及减免情况:this_year"] == (0, "万元")
    assert t.cell("legacy.否决公开答复数:cumulative").status == "dash"
    assert not any(c.row_id.startswith("legacy.一、") or "概述" in c.row_id for c in t.cells)


def test_pre2019_statistics_table_answers_questions(tmp_path):
    from assistant.answer import ask
    from index.collection import Collection
    from index.settings import Settings

    path = tmp_path / "legacy.txt"
    path.write_text(LEGACY, encoding="utf-8")
    coll = Collection(Settings.from_env(tmp_path / "home"))
    assert [r.status for r in coll.ingest([path])] == ["added"]
    answer = ask("甲县水利局2016年收到多少政府信息公开申请？", None, coll)
    assert [(f.source, f.value) for f in answer.facts][0] == ("table", "4")
    assert answer.citations[0].row == "收到申请数" and answer.citations[0].column == "本年度"
    assert [f.value for f in ask("甲县水利局2016年主动公开了多少条政府信息", None, coll).facts][0] == "156"

"""The flattened-digit and dropped-blank cases of the spec (§10.3), through the real row reader."""

from decimal import Decimal

from ingest.model import Section
from ingest.placement import RowRead, solve_table
from ingest.schema import T4_BLOCKS, T4_COLUMNS
from ingest.tables import read_tables, tokenize

T3 = ["natural_person", "commercial", "research", "social_org", "legal_service", "other", "total"]
T4 = [f"{b}:{c}" for b, _ in T4_BLOCKS for c, _ in T4_COLUMNS]


def row(text: str, row_id: str, columns: list[str]) -> RowRead:
    return RowRead(row_id, columns, tokenize(text, 0, len(text)), 0, len(text))


def cells_of(table):
    return {c.id: c for c in table.cells}


def test_t3_digit_run_with_one_valid_split():
    t = solve_table("t3", "2019", [row("873001091", "t3.new_received", T3)], [], (0, 9))
    got = [cells_of(t)[f"t3.new_received:{c}"].value for c in T3]
    assert got == [87, 3, 0, 0, 1, 0, 91]
    assert all(c.method == "segmented" for c in t.cells)


def test_t3_rows_split_by_the_row_sums():
    text = "12750000132"
    t = solve_table("t3", "2019", [row(text, "t3.new_received", T3)], [], (0, len(text)))
    got = [cells_of(t)[f"t3.new_received:{c}"].value for c in T3]
    assert got == [127, 5, 0, 0, 0, 0, 132]  # 12|75|… fails 12+75 ≠ 132
    # segments keep offsets into the source text
    c = cells_of(t)["t3.new_received:natural_person"]
    assert text[c.start : c.end] == "127"


def test_t4_digit_run_with_a_unique_split():
    t = solve_table("t4", "2019", [row("931619100021221003", "t4", T4)], [], (0, 18))
    got = [cells_of(t)[i].value for i in T4]
    assert got == [9, 3, 1, 6, 19, 10, 0, 0, 2, 12, 2, 1, 0, 0, 3]
    assert t.status == "repaired"


def test_t4_digit_run_with_two_valid_splits_is_ambiguous():
    t = solve_table("t4", "2019", [row("11200133001420002", "t4", T4)], [], (0, 17))
    c = cells_of(t)
    assert c["t4.review:upheld"].status == "ambiguous"
    assert c["t4.review:upheld"].candidates == [Decimal(1), Decimal(11)]
    assert c["t4.review:corrected"].candidates == [Decimal(2), Decimal(12)]
    assert c["t4.review:total"].value == 13  # same in both readings, so known
    assert c["t4.litigation_direct:total"].value == 4
    assert t.status == "ambiguous"


def test_t2_digit_run_without_a_relation_stays_ambiguous():
    text = (
        "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
        "规章000\n行政规范性文件24121380\n第二十条第(五)项\n信息内容 本年处理决定数量\n行政许可5\n"
        "第二十条第(六)项\n信息内容 本年处理决定数量\n行政处罚7\n行政强制0\n"
        "第二十条第(八)项\n信息内容 本年收费金额(单位:万元)\n行政事业性收费1520.37\n三、收到"
    )
    sections = [Section("s2", 1, "二、主动公开政府信息情况", "二", 0, text.index("三、"))]
    (t2,) = [t for t in read_tables(text, sections, "2021") if t.table == "t2"]
    cells = [t2.cell(f"t2.normative_docs:{c}") for c in ("issued", "repealed", "in_force")]
    assert all(c.status == "ambiguous" and c.value is None for c in cells)
    # both plausible readings of the spec are among the candidates, and nothing was picked
    assert {Decimal(24)} <= set(cells[0].candidates)
    assert {Decimal(12), Decimal(121)} <= set(cells[1].candidates)
    assert {Decimal(1380), Decimal(380)} <= set(cells[2].candidates)
    assert [t2.cell(f"t2.rules:{c}").value for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert t2.cell("t2.admin_fees:amount_wan_yuan").value == Decimal("1520.37")
    assert t2.status == "ambiguous"


def test_too_many_numbers_is_an_error_not_a_guess():
    t = solve_table("t3", "2019", [row("1 2 3 4 5 6 7 8", "t3.new_received", T3)], [], (0, 15))
    assert all(c.status == "missing" for c in t.cells)
    assert t.status == "inconsistent"


def test_rows_solved_jointly_with_the_column_relations():
    rows = [
        row("2 0 0 0 0 2", "t3.new_received", T3),
        row("0 0 0 0 0 0 0", "t3.carried_over", T3),
        row("2 0 0 0 0 0 2", "t3.granted", T3),
        row("2 0 0 0 0 0 2", "t3.total_processed", T3),
        row("0 0 0 0 0 0 0", "t3.carried_forward", T3),
    ]
    t = solve_table("t3", "2019", rows, [], (0, 1))
    c = cells_of(t)
    # granted is fully printed: 自然人 2, so 一 must have its blank elsewhere
    assert c["t3.new_received:natural_person"].value == 2
    assert c["t3.new_received:total"].value == 2


def test_a_hostile_digit_run_costs_bounded_work_and_is_left_unread():
    import random
    import time

    rng = random.Random(1)
    run = "".join(rng.choice("123456789") for _ in range(120))  # no real row is this long
    t0 = time.perf_counter()
    t = solve_table("t3", "2021", [row(run, "t3.new_received", T3)], [], (0, len(run)))
    assert time.perf_counter() - t0 < 60
    assert all(c.value is None for c in t.cells)
    assert t.status == "ambiguous" and "too many ways to split" in " ".join(t.reasons)

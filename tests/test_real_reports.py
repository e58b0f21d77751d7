"""Real reports as they come (issue "real reports"): crawled pages on one line with glued cells, text-layer
PDFs and portal HTML pages — `samples/corpus*` are copies of `shared/corpus*`, never seen while the parser
was written for the samples. Every check here needs no gold answer except the MANIFEST's issuer and year and
a few cells read off the source text by hand."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.audit import Outcome, audit_paths
from ingest.loaders import load
from ingest.pipeline import MissingMetadataError, parse_report
from measure.degrade import CellScore, degrade, score
from measure.synthetic import generate

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "samples" / "corpus"
CORPUS_HTML = ROOT / "samples" / "corpus-html"


@pytest.fixture(scope="module")
def audit():
    return audit_paths([str(CORPUS), str(CORPUS_HTML)])


def parse(name: str):
    loaded = load(CORPUS / name)
    return parse_report(loaded.text, name, loaded.format, loaded.content)


def values(report, table: str, row: str, cols: list[str]) -> list:
    t = next(t for t in report.tables if t.table == table)
    return [t.cell(c if table == "t4" else f"{row}:{c}").value for c in cols]


T3 = ["natural_person", "commercial", "research", "social_org", "legal_service", "other", "total"]
T4 = [f"{b}:{c}" for b in ("t4.review",) for c in ("upheld", "corrected", "other", "pending", "total")]


def test_every_corpus_file_is_ingested_with_the_manifest_issuer_and_year(audit):
    corpus = [f for f in audit.files if Path(f.path).is_relative_to(CORPUS)]
    assert len(corpus) == 42
    assert [f.path for f in corpus if f.outcome != Outcome.INGESTIBLE] == []
    assert [(f.path, f.issuer, f.year, f.expected) for f in corpus if not f.matches_manifest] == []


def test_t3_and_t4_check_or_the_source_is_shown_to_be_inconsistent(audit):
    tables = [
        (f.path, t)
        for f in audit.files
        if f.outcome == Outcome.INGESTIBLE and f.generation in ("2019", "2021")
        for k, t in f.tables.items()
        if k in ("t3", "t4")
    ]
    good = [t for _, t in tables if t.status in ("verified", "repaired")]
    assert len(tables) == 58 and len(good) >= 53
    for path, t in tables:
        if t.status in ("verified", "repaired"):
            assert t.lost == 0 and t.ambiguous == 0, path
        else:  # each remaining table names the relation the source itself breaks
            assert t.status == "inconsistent", path
            assert any(("does not add up" in r or "rel" in r) for r in t.reasons), (path, t.reasons)


def test_a_portal_html_page_and_its_crawled_text_give_the_same_t3_and_t4(audit):
    assert len(audit.cross_forms) == 3
    for pair in audit.cross_forms:
        assert not [d for d in pair.differing if not d.startswith("t2/")], pair.files
        # T2 has no checking relation: a glued text cell stays ambiguous, the HTML grid gives the value
        assert all("ambiguous vs" in d for d in pair.differing), pair.differing


def test_cells_read_by_hand_from_the_one_line_sources():
    zrz = parse("pingtan-depts/zrz-2022.txt")  # "291000030二、…", "2600000 262.没有现成信息…"
    assert values(zrz, "t3", "t3.new_received", T3) == [29, 1, 0, 0, 0, 0, 30]
    assert values(zrz, "t3", "t3.unable.not_held", T3) == [26, 0, 0, 0, 0, 0, 26]
    assert values(zrz, "t3", "t3.unable.needs_creation", T3) == [0] * 7
    assert values(zrz, "t4", "t4", T4) == [0, 1, 0, 1, 2]  # "01 0 1 20 0 …": uneven spacing
    jtj = parse("pingtan-depts/jtj-2025.txt")  # "210000021", "315090000000000"
    assert values(jtj, "t3", "t3.new_received", T3) == [21, 0, 0, 0, 0, 0, 21]
    assert values(jtj, "t4", "t4", T4) == [3, 1, 5, 0, 9]
    scj = parse("pingtan-depts/scj-2025.txt")  # 17 digits for 15 cells; a row glued to "2025年，…"
    assert values(scj, "t4", "t4", T4) == [10, 0, 0, 0, 10]
    assert values(scj, "t3", "t3.carried_forward", T3) == [2, 0, 0, 0, 0, 0, 2]
    assert next(t for t in scj.tables if t.table == "t3").status == "repaired"


def test_a_report_that_contradicts_itself_keeps_what_it_prints():
    nyn = parse("pingtan-depts/nyn-2024.txt")  # 总计 column 0 where 自然人 has 3
    t3 = next(t for t in nyn.tables if t.table == "t3")
    assert t3.status == "inconsistent"
    assert values(nyn, "t3", "t3.new_received", T3) == [3, 0, 0, 0, 0, 0, 0]
    assert any("t3.new_received: row does not add up as printed" in r for r in t3.reasons)


def test_pdf_rows_whose_labels_wrap_around_their_numbers():
    for name, received in (("hongze-2023.pdf", 21), ("hongze-2024.pdf", 95)):
        report = parse(name)
        t3 = next(t for t in report.tables if t.table == "t3")
        assert t3.status in ("verified", "repaired"), t3.reasons
        assert t3.cell("t3.new_received:total").value == received
        assert t3.cell("t3.total_processed:total").value == received


def test_metadata_from_the_crawler_header_when_the_body_title_has_no_issuer():
    jtj = parse("pingtan-depts/jtj-2009.txt")  # body title "2009年度政府信息公开年度报告"
    assert (jtj.meta.issuer, jtj.meta.report_year) == ("平潭县交通局", 2009)
    assert "header" in jtj.meta.issuer_sources
    gyz = parse("pingtan-depts/gyz-2024.txt")  # renamed: title 投资促进局, signature 国有资产管理局
    assert gyz.meta.issuer == "平潭综合实验区投资促进局"


def test_an_issuer_the_text_qualifies_takes_its_parents():
    report = parse("hongze-2023.pdf")  # title "洪泽区人民政府"; text "淮安市洪泽区人民政府办公室"
    assert (report.meta.issuer, report.meta.issuer_raw) == ("淮安市洪泽区人民政府", "洪泽区人民政府")


def test_an_ocr_place_name_one_character_off_is_corrected_only_when_one_name_fits():
    def report_of(county: str):
        text = (
            f"{county}人民政府2021年政府信息公开工作年度报告\n安徽省黄山市{county}人民政府根据《中华人民共和国政府信息公开条例》"
            "编制本报告。\n一、总体情况\n本县主动公开政府信息120条。\n"
        )
        return parse_report(text, "ocr.md")

    fixed = report_of("休宇县")  # 休宁县 misread; the only county of 黄山市 one character away
    assert (fixed.meta.issuer, fixed.meta.issuer_raw) == ("黄山市休宁县人民政府", "休宇县人民政府")
    assert any("休宇县 does not exist; read as 休宁县" in f for f in fixed.flags)
    kept = report_of("黝县")  # one character from both 黟县 and 歙县: shown, not guessed
    assert "黝县" in kept.meta.issuer
    assert any("黟县" in f and "歙县" in f and "not corrected" in f for f in kept.flags)


def test_no_issuer_anywhere_is_refused_with_the_override_to_use():
    text = "2021年度政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息12条，依申请公开0件。\n"
    with pytest.raises(MissingMetadataError, match="--issuer"):
        parse_report(text, "anon.txt")
    report = parse_report(text, "anon.txt", issuer="某某县财政局", year=2021)
    assert (report.meta.issuer, report.meta.issuer_sources) == ("某某县财政局", ["override"])


@pytest.mark.parametrize("name", ["000_d76d4b4009bfe151.txt", "huaian-2024.pdf"])
def test_a_sample_flattened_onto_one_line_gives_the_same_cells(parsed, name):
    report = parsed[name]
    flat = parse_report(" ".join(report.text.split()), name)
    for table in ("t3", "t4"):
        a = {c.id: c.value for t in report.tables if t.table == table for c in t.cells}
        b = {c.id: c.value for t in flat.tables if t.table == table for c in t.cells}
        assert a == b, table


@pytest.mark.slow
def test_degraded_synthetic_reports_are_read_without_a_wrong_cell():
    """150 synthetic reports with random realistic damage (the benchmark runs 1,000+)."""
    t34 = CellScore()
    for seed in range(150):
        s = generate(seed)
        text, _ = degrade(s.text, random.Random(seed))
        report = parse_report(text, s.filename)
        assert (report.meta.issuer, report.meta.report_year) == (s.issuer, s.year)
        t34.add(score(s.truth, report, ("t3", "t4")))
        t2 = score(s.truth, report, ("t2",))
        assert t2.wrong == 0, t2.wrong_examples
    assert t34.wrong == 0, t34.wrong_examples
    assert t34.right / t34.total >= 0.995


def test_each_damage_alone_keeps_every_cell():
    s = generate(7)
    for damage in ("one_line", "glued_cells", "uneven_spacing", "crawler_header", "breadcrumbs", "pdf_wraps"):
        text, _ = degrade(s.text, random.Random(1), (damage,))
        report = parse_report(text, s.filename)
        got = score(s.truth, report, ("t3", "t4"))
        assert got.wrong == 0 and got.unread == 0, (damage, got.wrong_examples)
        assert report.meta.issuer == s.issuer, damage


def test_glued_values_and_ordinals_from_the_issue():
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量6200000622.没有现成信息"  # invented in the issue: 62|0|0|0|0|0|62 then the "2." of the next label
    from ingest.model import Section
    from ingest.tables import read_tables

    sections = [Section("s3", 1, "三、收到和处理政府信息公开申请情况", "三", 0, len(text))]
    t3 = next(t for t in read_tables(text, sections, "2021") if t.table == "t3")
    assert [t3.cell(f"t3.new_received:{c}").value for c in T3] == [62, 0, 0, 0, 0, 0, 62]
    row = " 20 0 00 0 2"  # uneven spacing: 2|0|0|0|0|0|2
    text2 = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量" + row + "二、上年结转"
    t3 = next(t for t in read_tables(text2, sections, "2021") if t.table == "t3")
    assert [t3.cell(f"t3.new_received:{c}").value for c in T3] == [Decimal(2), 0, 0, 0, 0, 0, 2]


def test_a_result_clause_is_not_read_as_the_number_of_answered_requests():
    # scj-2025: "共受理…21件，…给予同意公开答复 1 件，不予公开答复3件，…因无法提供相关信息答复2件" — 1/3/2 are results
    scj = parse("pingtan-depts/scj-2025.txt")
    answered = [f.value for f in scj.figures if f.metric == "text.applications_answered"]
    assert answered == []
    assert [f.value for f in scj.figures if f.metric == "text.granted"] == [1]
    assert not [d for d in scj.discrepancies if d.cell == "t3.total_processed:total"]


def test_a_citation_of_a_flattened_page_quotes_the_row_without_its_neighbours():
    from ingest.tables import row_quote

    zrz = parse("pingtan-depts/zrz-2022.txt")
    cell = next(t for t in zrz.tables if t.table == "t3").cell("t3.unable.not_held:total")
    assert row_quote(zrz.text, "t3.unable.not_held", cell.start, cell.end) == "1.本机关不掌握相关政府信息 2600000 26"
    scj = parse("pingtan-depts/scj-2025.txt")
    cell = next(t for t in scj.tables if t.table == "t3").cell("t3.carried_forward:total")
    assert row_quote(scj.text, "t3.carried_forward", cell.start, cell.end) == "四、结转下年度继续办理2000002"


def test_a_flattened_pre2019_statistics_table_reads_row_by_row():
    def cells(name: str) -> dict:
        report = parse(f"pingtan-depts/{name}")
        table = next(t for t in report.tables if t.table == "legacy")
        return {c.id: (c.value if c.value is not None else c.status) for c in table.cells}

    # "主动公开信息数 条 33 83 其中：1、网站公开 条 23 56 2、政府公报公开 条 0 0 …": ordinals are not values
    shs = cells("shs-2013.txt")
    assert shs["legacy.网站公开:this_year"] == 23 and shs["legacy.网站公开:cumulative"] == 56
    assert shs["legacy.网上申请数:this_year"] == 3 and shs["legacy.当面申请数:cumulative"] == 0
    # "主动公开文件数条475582其中：1.政府网站公开数条4755822.政府公报公开数条00": the text's "475条" splits the
    # first pair, the sub-items adding up to it split the second
    s17 = cells("shs-2017.txt")
    assert (s17["legacy.主动公开文件数:this_year"], s17["legacy.主动公开文件数:cumulative"]) == (475, 582)
    assert (s17["legacy.政府网站公开数:this_year"], s17["legacy.政府网站公开数:cumulative"]) == (475, 582)
    # a one-column table with full-width list dots ("1．网站公开 条 6"), and its signature date is no row
    assert cells("jtj-2009.txt")["legacy.主动公开信息数:this_year"] == 6
    assert not any("国土资源局" in k for k in cells("zrz-2016.txt"))
    # nothing decides "158158" (158|158 contradicts the parent's 158|169): candidates, not a guess
    assert cells("scj-2015.txt")["legacy.政府网站公开数:this_year"] == "ambiguous"


def test_signature_dates_at_the_end_of_a_flattened_page_in_either_numerals():
    assert parse("pingtan-depts/zrz-2022.txt").meta.signature_date.isoformat() == "2023-01-06"
    zrz14 = parse("pingtan-depts/zrz-2014.txt")  # "…常规化、日常化。 二○一四年十二月二十日"
    assert zrz14.meta.signature_date.isoformat() == "2014-12-20"
    lyy = parse("pingtan-depts/lyy-2021.txt")  # signed "2021年1月25日" for the 2021 report: the source's slip, flagged
    assert any("before the end of report year 2021" in f for f in lyy.flags)


def test_reports_record_the_other_names_that_tie_a_renamed_body_together():
    from ingest.model import NameKind

    def names(name):
        return {(n.kind, n.name) for n in parse(f"pingtan-depts/{name}").meta.names}

    gyz = names("gyz-2024.txt")  # title 投资促进局, signed with the old name
    assert (NameKind.WRITTEN, "平潭综合实验区国有资产管理局") in gyz
    jtj = names("jtj-2009.txt")  # the portal files the county-era report under today's body
    assert (NameKind.COLUMN_OWNER, "平潭综合实验区交通与建设局") in jtj
    column = "www.pingtan.gov.cn/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqscj/zfxxgknb"
    for old in ("scj-2010.txt", "scj-2012.txt", "scj-2025.txt"):  # 食药监局, 工商局, 市场监督管理局: one column
        assert (NameKind.COLUMN, column) in names(old)
    assert not [n for n in names("scj-2021.txt") if n[0] == NameKind.WRITTEN and "统计表" in n[1]]


def _pingtan_catalog_input() -> tuple[list[tuple[str, int | None]], dict[str, list]]:
    """(issuer, year) of every pingtan-depts report and the other names each issuer's reports give it."""
    reports, given = [], {}
    for f in sorted((CORPUS / "pingtan-depts").glob("*.txt")):
        r = parse(f"pingtan-depts/{f.name}")
        reports.append((r.meta.issuer, r.meta.report_year))
        given.setdefault(r.meta.issuer, []).extend(r.meta.names)
    return reports, given


def test_renamed_bodies_form_lineages_and_the_year_asked_picks_the_name():
    from assistant.bodies import BodyCatalog

    bodies = BodyCatalog(*_pingtan_catalog_input())
    assert set(bodies.lineage["平潭县交通局"]) == {"平潭县交通局", "平潭综合实验区交通与建设局"}
    assert {"平潭县食品药品监督管理局", "平潭县工商局"} <= set(bodies.lineage["平潭综合实验区市场监督管理局"])
    assert bodies.current["平潭综合实验区农村发展局"] == "平潭综合实验区农业农村局"
    old = bodies.resolve("交通与建设局2009年主动公开了多少条？", [2009])
    assert old.issuers == ["平潭县交通局"] and "平潭县交通局" in old.notes[0][0]
    for short, year, issuer in [
        ("交建局", 2022, "平潭综合实验区交通与建设局"),
        ("市监局", 2021, "平潭综合实验区市场监督管理局"),
        ("文旅局", 2021, "平潭综合实验区旅游与文化体育局"),
        ("国资局", 2021, "平潭综合实验区国有资产管理局"),
        ("区交通局", 2022, "平潭综合实验区交通与建设局"),
        ("应急管理局", 2023, "平潭综合实验区综合执法与应急管理局"),
    ]:
        assert bodies.resolve(f"{short}{year}年收到多少申请", [year]).issuers == [issuer], short
    not_held = bodies.resolve("区交通局2021年收到多少申请", [2021])  # the lineage, for the years it does hold
    assert set(not_held.issuers) == {"平潭县交通局", "平潭综合实验区交通与建设局"}
    missing = bodies.resolve("财政局2022年收到多少申请", [2022])
    assert missing.issuers == [] and missing.unmatched == ["财政局"]
    several = bodies.resolve("平潭2022年收到多少申请", [2022])
    assert len(several.candidates) == 4 and several.ambiguous


def test_a_catalog_reading_stored_issuer_names_resolves_as_one_deriving_them(parsed):
    """A fresh app server reads what an earlier build derived from each issuer's name (stored as JSON)
    instead of deriving it again; over the real issuers it must find every name as a catalog deriving them
    does, and anything stored that is not a description is derived again."""
    import json

    from assistant.bodies import BodyCatalog, IssuerNames

    reports, given = _pingtan_catalog_input()
    reports += [(r.meta.issuer, r.meta.report_year) for r in parsed.values()]
    derived = BodyCatalog(reports, given)
    assert set(derived.fresh) == set(derived.bodies)
    stored = {i: IssuerNames.from_json(json.loads(json.dumps(n.as_json()))) for i, n in derived.fresh.items()}
    read = BodyCatalog(reports, given, stored)
    assert read.fresh == {} and read.bodies == derived.bodies and read.names == derived.names
    assert (read._place_zh, read._place_en) == (derived._place_zh, derived._place_en)
    questions = [
        ("交通与建设局2009年主动公开了多少条？", [2009]),
        ("市监局2021年收到多少申请", [2021]),
        ("平潭2022年收到多少申请", [2022]),
        ("东山县2020年收到多少政府信息公开申请？", [2020]),
        ("How many requests did Dongshan County receive in 2020?", [2020]),
        ("how many applications did Huai'an receive in 2024", [2024]),
        ("Pingtan transport bureau 2022", [2022]),
        ("岳溪镇2020年", [2020]),
    ]
    for question, years in questions:
        assert read.resolve(question, years) == derived.resolve(question, years), question
    assert derived.resolve(questions[3][0], [2020]).issuers  # the comparison is over names that are found

    some = next(i for i in sorted(stored) if stored[i].units)
    partial = BodyCatalog(reports, given, {i: n for i, n in stored.items() if i != some})
    assert set(partial.fresh) == {some} and partial.bodies == derived.bodies
    good = stored[some].as_json()
    for broken in ["x", None, {**good, "units": "淮安市"}, {**good, "stems": [1]}, {**good, "pinyin": []}, {}]:
        assert IssuerNames.from_json(broken) is None, broken


def test_every_stored_value_fits_the_column_postgresql_would_hold_it_in(corpus_collection):
    """SQLite ignores varchar lengths where PostgreSQL refuses the row: a pre-2019 table's id ("legacy")
    once overflowed varchar(4) and such reports could not be stored on a server. Over the real corpus,
    every bounded column's longest value fits (and the corpus does hold legacy tables)."""
    from sqlalchemy import String, func, select

    from index.facts import Base, TableRow

    over = []
    with corpus_collection.facts.engine.connect() as conn:
        assert conn.execute(select(func.count()).where(TableRow.table == "legacy")).scalar_one() > 0
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, String) and column.type.length:
                    longest = conn.execute(select(func.max(func.length(column)))).scalar() or 0
                    if longest > column.type.length:
                        over.append(f"{table.name}.{column.name}: {longest} > {column.type.length}")
    assert not over

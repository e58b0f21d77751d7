"""Every figure, asked any way (issue 32): rows named by their printed labels, figures stated only in
sentences, a report that contradicts itself, several figures in one question, a body under an earlier
name, a place said as a body, a year no report can have, and the questions people wrote.

Over samples + corpus + corpus2 (``portal_collection``). Figures are compared with what the store holds
for the cell, or with the sentence of the report that states them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.answer import ask
from assistant.glossary import METRICS
from assistant.types import ANSWERED, NOT_FOUND, PARTIAL
from assistant.understand import find_parts, odd_years

PEOPLE = Path(__file__).parent / "devset" / "people.jsonl"


def _report(coll, issuer: str, year: int):
    (r,) = [r for r in coll.reports() if r.issuer == issuer and r.year == year]
    return r


def _cell(coll, issuer: str, year: int, row: str, col: str) -> Decimal:
    (cell,) = coll.facts.cells([_report(coll, issuer, year).id], row, col)
    return Decimal(cell.value_text)


def _values(answer) -> list[tuple[str, Decimal]]:
    return [(f.source, Decimal(f.value)) for f in answer.facts]


# ---- understanding, no collection needed -------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("东山县3000年收到多少申请", ["3000"]),
        ("东山县20200年收到多少申请", ["20200"]),
        ("东山县0年收到多少申请", ["0"]),
        ("How many requests did Dongshan receive in 3000?", ["3000"]),
        ("东山县2020年收到多少申请", []),
        ("近3年东山县收到多少申请", []),  # a span of years
        ("how many requests for 100 people", []),
        ("How many requests in 2020 over 3 years?", []),
    ],
)
def test_a_year_no_report_can_have_is_noticed(question, expected):
    assert odd_years(question) == expected


@pytest.mark.parametrize(
    ("question", "lang", "parts"),
    [
        # the requests just described, not a figure of their own
        (
            "交建局2022年申请人逾期不补正、不再处理的申请中，商业企业有几件？",
            "zh",
            [("overdue_correction", "commercial")],
        ),
        # 申请 as the verb of the next figure
        (
            "文旅局2019年行政复议是多少，被申请行政复议的案件（尚未审结）又是多少？",
            "zh",
            [("reviews", None), ("reviews", "pending")],
        ),
        # the parts, then the whole; the whole, then its part
        (
            "城市管理局2021年办理结果总计里法人或其他组织、合计分别多少？",
            "zh",
            [("total_processed", "legal_person"), ("total_processed", None)],
        ),
        (
            "市场监管局2023年行政诉讼和行政诉讼中还没审结的数量各是多少？",
            "zh",
            [("lawsuits", None), ("lawsuits", "pending")],
        ),
        (
            "How many new requests received did the Putian water bureau have in 2020 from individuals, and how many in total?",
            "en",
            [("applications_received", "natural_person"), ("applications_received", None)],
        ),
        # words back to back are one figure; 各 asks for each
        ("平潭市监局2025年因无法提供相关信息答复多少件？", "zh", [("unable", None)]),
        ("行政复议行政诉讼各多少", "zh", [("reviews", None), ("lawsuits", None)]),
        ("东山县2020年收到的申请和行政复议各多少", "zh", [("applications_received", None), ("reviews", None)]),
        ("In 2024, how many lawsuits still pending at Huai'an City?", "en", [("lawsuits", "pending")]),
        (
            "洪泽区2023年行政处罚、行政强制的决定数量，还有行政事业性收费金额，分别是多少？",
            "zh",
            [("penalty", None), ("coercion", None), ("admin_fees", "amount_wan_yuan")],
        ),
        (
            "How many partially granted requests from individuals, and how many from companies?",
            "en",
            [("partially_granted", "natural_person"), ("partially_granted", "commercial")],
        ),
    ],
)
def test_the_figures_a_question_asks_for(question, lang, parts):
    assert [(m.key, c) for m, c in find_parts(question, lang)] == parts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_metric_asked_by_its_own_name_is_that_metric(lang):
    # the glossary's own name of each item, said whole, names it and nothing else ("申请人逾期未按收费通知要求缴纳
    # 费用、行政机关不再处理其政府信息公开申请" is one item, though it holds 申请)
    template = "东山县2020年{}有多少？" if lang == "zh" else "Dongshan County 2020: {}, how many?"
    misread = {}
    for m in METRICS:
        got = [p.key for p, _ in find_parts(template.format(m.zh if lang == "zh" else m.en), lang)]
        if got != [m.key]:
            misread[m.key] = got
    assert misread == {}


# ---- answers over the three corpora ---------------------------------------------------------------------


def test_a_row_named_by_its_printed_label(portal_collection):
    """表三“总计”, “其他”一行: the printed row, whatever its words mean elsewhere ("其他" is 3.其他 there)."""
    coll = portal_collection
    a = ask("审计局2019年表三“总计”法人或其他组织是多少？", None, coll)
    assert [f.metric for f in a.facts] == ["t3.total_processed:legal_person"]
    assert Decimal(a.facts[0].value) == _cell(coll, "莆田市审计局", 2019, "t3.total_processed", "legal_person")
    a = ask("林业局2024年表三“其他”科研机构是多少？", None, coll)
    assert [f.metric for f in a.facts] == ["t3.other.other_reason:research"]
    a = ask("国资局2021年报告表三中“其他”一行、“总计”一栏的数字是多少？", None, coll)
    assert [f.metric for f in a.facts] == ["t3.other.other_reason:total"]


def test_a_sentence_closer_to_the_question_than_the_table_row(portal_collection):
    """ "网络投诉等信访投诉事项" is what the sentence counts, not 表三's 信访举报投诉类申请: the sentence first,
    the table's row after it, each with its citation."""
    a = ask("2021年平潭综合执法与应急管理局网络投诉等信访投诉事项多少件？", None, portal_collection)
    assert a.status == ANSWERED
    assert _values(a)[0] == ("text", Decimal(3569))
    assert "信访投诉事项3569件" in a.citations[0].quote.replace(" ", "")
    assert any(f.source == "table" and f.metric.startswith("t3.not_processed.complaint") for f in a.facts)


def test_a_report_that_contradicts_itself_shows_both(portal_collection):
    """表三's （六）其他处理 sums to 4; the report's own sentence says 其他处理2件: both, both cited."""
    coll = portal_collection
    a = ask("市场监管局2025年其他处理多少件？", None, coll)
    table = _cell(coll, "平潭综合实验区市场监督管理局", 2025, "t3.other", "total")
    assert ("table", table) in _values(a) and ("text", Decimal(2)) in _values(a) and table != 2
    assert len({f.citation for f in a.facts}) == 2
    # a sentence about one way of applying is not the total's other reading
    a = ask("东山县2020年收到多少政府信息公开申请？", None, coll)
    assert {v for _, v in _values(a)} == {Decimal(2), Decimal(3)}


def test_metrics_a_sentence_counts_as_one_item(portal_collection):
    a = ask("综合执法与应急管理局2021年依申请公开及不予公开多少份？", None, portal_collection)
    assert _values(a) == [("text", Decimal(399))]


def test_a_range_reaches_the_body_under_its_earlier_name(portal_collection):
    """莆田市科学技术局 issued its 2020 report as 莆田市科技局: 2020–2022 asks both."""
    a = ask("科学技术局2020年到2022年每年的复议后起诉的行政诉讼是多少？", None, portal_collection)
    cited = {(c.issuer, c.year) for c in a.citations}
    assert {("莆田市科技局", 2020), ("莆田市科学技术局", 2022)} <= cited
    assert "莆田市科学技术局历年" in a.answer  # named by its latest name


def test_a_place_said_as_a_body_is_its_government(portal_collection):
    coll = portal_collection
    a = ask(
        "Compare Putian City and the audit bureau in 2019: administrative review cases that were upheld.", None, coll
    )
    assert {f.issuer for f in a.facts} == {"莆田市人民政府", "莆田市审计局"}
    a = ask("2024年平潭综合实验区社会事业局和淮安的新收申请（法人）各是多少？", None, coll)
    assert {f.issuer for f in a.facts} == {"平潭综合实验区社会事业局", "淮安市人民政府"}
    a = ask("Putian City's audit bureau: administrative reviews in 2019?", None, coll)
    assert {f.issuer for f in a.facts} == {"莆田市审计局"}


@pytest.mark.parametrize(
    ("question", "issuer"),
    [
        ("莆田水利2020年主动公开了多少信息？", "莆田市水利局"),
        ("平潭交建2020年收到多少申请", "平潭综合实验区交通与建设局"),
        ("平潭市监2021年收到多少申请", "平潭综合实验区市场监督管理局"),
        ("平潭综合实验区国资局2021年收到多少申请", "平潭综合实验区国有资产管理局"),  # 平潭 begins a longer place
    ],
)
def test_a_department_said_after_its_place_without_its_suffix(portal_collection, question, issuer):
    a = ask(question, None, portal_collection)
    assert a.facts and {f.issuer for f in a.facts} == {issuer}


def test_a_statistics_table_row_by_its_english_words(portal_collection):
    a = ask(
        "In 2014, how many replies to disclosure requests (cumulative, all years to date) were reported by Putian City Water Resources Bureau?",
        None,
        portal_collection,
    )
    assert [f.metric for f in a.facts] == ["legacy.对申请的答复总数:cumulative"]
    a = ask(
        "How many items published on the government website were there at Pingtan Comprehensive Experimental Zone Rural Development Bureau in 2018?",
        None,
        portal_collection,
    )
    assert [f.metric for f in a.facts] == ["legacy.政府网站公开数:this_year"]  # a count, not the report's date


@pytest.mark.parametrize("question", ["东山县3000年收到多少申请", "How many requests did Dongshan receive in 20200?"])
def test_a_year_no_report_can_have_is_answered_not_found(portal_collection, question):
    a = ask(question, None, portal_collection)
    assert a.status == NOT_FOUND and not a.facts
    assert ("3000" in a.answer or "20200" in a.answer) and "1900" in a.answer


def test_a_part_nothing_answers_is_said_beside_the_parts_that_are(portal_collection):
    a = ask("东山县2020年收到多少申请，驳回多少", None, portal_collection)
    assert a.status == PARTIAL and "t3.new_received:total" in [f.metric for f in a.facts]
    assert "“驳回多少”" in a.answer and "没有找到" in a.answer
    # a clause continuing the lookup with a column ("其中自然人几件") is the lookup's, not a part of its own
    b = ask("东山县2020年收到多少申请，其中自然人几件", None, portal_collection)
    assert "“其中自然人几件”" not in b.answer


def test_a_clause_counting_in_another_unit_asks_for_that_figure(portal_collection):
    # 培训 names the sessions (次); "几个人参加了培训" counts people: the people trained, from the same sentence
    a = ask("铜川镇2017年政府信息公开工作经费支出多少元？有几个人参加了培训？", None, portal_collection)
    assert [(f.metric, f.value) for f in a.facts] == [("text.budget", "5000"), ("text.training_attendees", "5")]
    assert "没有找到" not in a.answer
    # the same figure of the same sentence is said once, not once as a sentence and once as the metric
    b = ask("铜川镇2017年参加了几次培训？", None, portal_collection)
    assert [f.value for f in b.facts] == ["1"] and len(b.answer.splitlines()) == 1


def test_figures_sentences_state_asked_in_other_words(portal_collection):
    coll = portal_collection
    # money asked as 多少钱, the year's figure apart from the running total, each item of one sentence
    a = ask("2013年莆田全市为多少人减免了依申请公开产生的费用？减免多少钱？历年累计减免多少？", None, coll)
    assert [f.value for f in a.facts] == ["73", "259", "3918"]
    # "A和B各多少条" where only A is a metric: B from the sentence that states it
    b = ask("东山县政府办2020年组织了几次业务培训？全年主动公开政府信息和公众号发布信息各多少条？", None, coll)
    assert {"3", "164", "129"} <= {f.value for f in b.facts}
    # a total whose words are the clause before it ("…不予公开，共563条")
    c = ask("平潭县综合执法局2013年不予公开的政府信息有多少条？", None, coll)
    assert [f.value for f in c.facts] == ["563"]
    # the other clauses of a question the sentences answered: "专职、兼职各多少" beside the whole
    d = ask("莆田市2009年全市有多少政府信息公开指定工作人员？专职、兼职各多少？", None, coll)
    assert [f.value for f in d.facts] == ["502", "86", "416"]
    # two words that alone say nothing name a kind of their own: 工作信息 (工作 and 信息 are in every sentence)
    e = ask("嘎什根乡2014年主动公开了多少条政府信息？其中工作信息多少条？", None, coll)
    assert {"120", "103"} <= {f.value for f in e.facts}
    # a share no table holds, asked of a metric: the sentence's share, never the count
    f = ask("莆田市在2019年应主动公开的其他类占多少%？", None, coll)
    assert [(x.value, x.unit) for x in f.facts] == [("31.9", "%")]


def test_what_the_proactive_section_says_was_published_is_the_proactive_count(portal_collection):
    # "共发布58条政府信息" (2019), "发布各类信息共196条" (2025) in the section on proactive disclosure, where no
    # sentence says 主动公开…N条 itself; 2016's own "主动公开信息105条" stays
    a = ask("莆田海洋与渔业局历年主动公开了多少条信息？", None, portal_collection)
    assert [(p.year, str(p.value)) for p in a.series] == [(2016, "105"), (2019, "58"), (2025, "196")]


def test_a_portal_page_beside_its_crawled_text_is_cited_once(portal_collection):
    # 莆田市 2011 is held twice (the portal's HTML page and its crawled text, the same cells): one answer
    a = ask("莆田市2011年收到多少申请？", None, portal_collection)
    assert [f.value for f in a.facts] == ["238"] and len(a.citations) == 1


def test_a_span_of_years_not_held_is_said_as_the_span(portal_collection):
    # 东山县 holds 2020 only: "近三年" (the last three report years, counted from today) is not held, and the
    # answer says the whole span it read, not its first year
    a = ask("东山县近三年收到多少申请", None, portal_collection)
    last = date.today().year - 1
    assert a.status == NOT_FOUND and not a.facts
    assert f"近三年（{last - 2}—{last}年）" in a.answer and "2020" in a.answer


def test_items_of_one_sentence_asked_apart(portal_collection):
    coll = portal_collection
    # the second half's count, then its rise over the first (which the report gives in a bracket)
    a = ask("云城区2018年下半年处理网民咨询投诉多少件，比上半年增长多少？", None, coll)
    assert [(f.value, f.unit) for f in a.facts] == [("361", "件"), ("154.23", "%")]
    # an item that names nothing ("一共多少件") asks about the item before it
    b = ask("莆田全市2017年受理的信息公开申请比上年增长了百分之几？一共多少件？", None, coll)
    assert [f.value for f in b.facts] == ["44", "553"]
    # a breakdown in the sentence after its total ("其中：市本级…，县（区、管委会）…"), not the one after
    # another total of the same words (送交档案馆 10854, 其中市本级3340)
    c = ask("莆田市2019年全市主动公开的各类政府信息中，市本级和县（区、管委会）各有多少件？", None, coll)
    assert {"3315", "8228"} <= {f.value for f in c.facts} and "3340" not in {f.value for f in c.facts}
    # a list that only qualifies one thing is one item ("其他科室、所、队…工作人员"); 名 asks what 人 counts
    d = ask("平潭县工商局2012年办公室有几名信息公开兼职人员？其他科室、所、队又有多少工作人员？", None, coll)
    assert [f.value for f in d.facts] == ["1", "16"]
    # a satisfaction rate is asked as such, without 率 or %
    e = ask("莆田市2019年通过12345平台受理了大约多少群众诉求？群众满意度多少？", None, coll)
    assert [f.value for f in e.facts] == ["200000", "99.7"]


def test_english_items_of_one_sentence(portal_collection):
    coll = portal_collection
    q = "For 2023, how many posts, reads and followers did the Putian culture and tourism bureau's WeChat account report?"
    assert [f.value for f in ask(q, None, coll).facts] == ["1108", "786000", "92000"]  # 78.6万, 9.2万
    q = (
        "How many staff did the Pingtan comprehensive law enforcement bureau have working on government "
        "information disclosure in 2018, and how many were full-time vs part-time?"
    )
    a = ask(q, None, coll)
    assert {f.issuer for f in a.facts} == {"平潭综合实验区综合执法局"}  # not Putian's law enforcement bureau
    assert {"8", "1", "7"} <= {f.value for f in a.facts}
    # money asked: the sentence's amount, not the statistics-table row "政府网站公开" that shares "website"
    q = "How much money did the Putian urban administrative law enforcement bureau put into website management in 2015?"
    assert [(f.value, f.unit) for f in ask(q, None, coll).facts] == [("30200", "元")]
    # two columns of one 表二 row
    a = ask("putian 2019 govt centralized procurement: number of projects and total amount??", None, coll)
    assert [f.metric for f in a.facts] == ["t2.procurement:projects", "t2.procurement:amount"]


def test_english_table_words_reach_the_cell_not_a_word_they_share(portal_collection):
    # "administrative enforcement" names 表二's 行政强制 too; the whole phrase names 表三's 行政执法案卷
    q = "Pingtan market regulation bureau 2021: how many requests were refused because they concerned administrative enforcement case files?"
    assert [f.metric for f in ask(q, None, portal_collection).facts] == ["t3.denied.enforcement_file:total"]


def test_an_undecided_cell_is_said_once_never_also_as_no_figure(portal_collection):
    a = ask("平潭市场监管局2021年现行有效的行政规范性文件有多少件？", None, portal_collection)
    assert a.status == PARTIAL and not a.facts and "无法确定" in a.answer and "45" in a.answer
    assert "没有关于" not in a.answer  # "…没有关于…的表格数字或正文数字" contradicted the line before


def test_a_running_total_the_table_and_the_text_give_differently(portal_collection):
    # 表 历年累计 256, text "截止2018年，共公开文件累计257份"; 表 5463, text "至目前…共发布政府信息5362条"
    for q, table, text in [
        (
            "By the end of 2018, how many documents had the Pingtan comprehensive law enforcement bureau published "
            "cumulatively?",
            "256",
            "257",
        ),
        (
            "By the end of 2013, how many items had Putian's municipal government gazette published in total?",
            "5463",
            "5362",
        ),
    ]:
        a = ask(q, None, portal_collection)
        assert [(f.source, f.value) for f in a.facts] == [("table", table), ("text", text)], a.answer
        assert "cannot be determined" in a.answer and len(a.citations) == 2


def test_two_bodies_that_report_for_one_year_are_not_one_renamed(portal_collection):
    # 莆田市人民政府 and its general office both report for 2019: neither is the other's earlier name
    a = ask("莆田市2019年通过12345平台受理了大约多少群众诉求？", None, portal_collection)
    assert {f.issuer for f in a.facts} == {"莆田市人民政府"}
    assert "现名莆田市人民政府办公室" not in a.answer  # it said so before: the government "now named" its office


@pytest.mark.slow
def test_questions_people_wrote_from_the_reports_alone(portal_collection):
    """tests/devset/people.jsonl: 154 questions written by a helper who read the reports and never the
    code, kept as written. Its figures are the honest measure; this holds today's level and the rule that
    a not-found question is never answered with a figure."""
    from measure.evaluate import run

    report = run(PEOPLE, portal_collection)
    print(report.table())
    # issue 32: ≥ 95% per kind (97.4% overall measured: gongkai eval --set tests/devset/people.jsonl)
    for kind in {r.kind for r in report.results}:
        of_kind = [r.passed for r in report.results if r.kind == kind]
        assert sum(of_kind) / len(of_kind) >= 0.95, (kind, report.table())
    for r in report.results:
        if r.kind == "honest" and r.passed is False and r.answer.status == NOT_FOUND:
            assert not r.answer.facts, (r.question, r.answer.answer)

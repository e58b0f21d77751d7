"""Prose figures of the five text samples, each with the sentence it came from."""

from decimal import Decimal

import pytest

from ingest.figures import quote_of


def figs(report, metric):
    return [(f.value, f.unit, f.qualifier) for f in report.figures if f.metric == metric]


EXPECTED = {
    "000_d76d4b4009bfe151.txt": {
        "text.proactive_items": [(Decimal(800), "条", "余")],
        "text.applications_received": [],  # 受理民事全程代办申请613起 is not a disclosure request
    },
    "001_b722d12b70247cc9.txt": {
        "text.proactive_items": [(Decimal(6998), "条", "")],
        "text.applications_received": [(Decimal(10), "宗", "")],
        "text.reviews_and_lawsuits": [(Decimal(3), "宗", "")],
        "text.fees": [(Decimal(0), "元", "")],
    },
    "002_57d10eb15bb2ae81.txt": {
        "text.proactive_items": [(Decimal(120), "条", "")],
        "text.applications_received": [(Decimal(0), "件", "")] * 2,  # 未受理群众依申请公开, twice
        "text.reviews_and_lawsuits": [(Decimal(0), "件", "")],
    },
    "003_5c938f68f70698c0.txt": {
        "text.proactive_items": [(Decimal(256), "条", "")],
        "text.staff": [(Decimal(2), "名", "")],
        "text.budget": [(Decimal(5000), "元", "")],
        "text.training_sessions": [(Decimal(1), "次", "")],
        "text.training_attendees": [(Decimal(5), "人", "")],
        "text.reviews_and_lawsuits": [(Decimal(0), "件", "")],
    },
    "004_1517837ce4499e82.txt": {
        "text.proactive_items": [(Decimal(164), "条", ""), (Decimal(80), "条", "")],
        "text.applications_received": [(Decimal(3), "件", "")],
        "text.applications_received.in_person": [(Decimal(1), "件", "")],
        "text.applications_received.mail": [(Decimal(1), "件", "")],
        "text.applications_received.email": [(Decimal(1), "件", "")],
        "text.training_sessions": [(Decimal(3), "次", "")],
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_prose_figures(parsed, name):
    report = parsed[name]
    for metric, want in EXPECTED[name].items():
        assert figs(report, metric) == want, metric


def test_every_figure_quotes_its_sentence(parsed):
    for report in parsed.values():
        for f in report.figures:
            assert quote_of(report.text[f.start : f.end]) == f.quote
            assert f.start <= f.value_start < f.value_end <= f.end
            if f.value:
                printed = "".join(report.text[f.value_start : f.value_end].split())
                # "268万" states 2680000 (issue 32: 万 and 亿 turned into numbers, the sentence's form kept)
                scale = {"万": 10_000, "亿": 100_000_000}.get(printed[-1:], 1)
                assert Decimal(printed.rstrip("万亿")) * scale == f.value, (printed, f.value)


def test_scope_of_the_dongshan_text_figure(parsed):
    (f,) = [f for f in parsed["004_1517837ce4499e82.txt"].figures if f.metric == "text.applications_received"]
    assert f.scope == "县政府和县政府办"
    assert f.compare_to == "t3.new_received:total"
    assert f.section == "一、总体情况 > (二)依申请公开情况"


def test_number_glued_to_a_year_is_not_read(parsed):
    # 云城区 2018: "行政职权29802018年" lost characters; 29802018 must not become a figure
    values = [f.value for f in parsed["001_b722d12b70247cc9.txt"].figures]
    assert Decimal(29802018) not in values and Decimal(2980) not in values


def test_huaian_text_restates_the_tables_and_agrees(parsed):
    report = parsed["huaian-2024.pdf"]
    got = {f.metric: f.value for f in report.figures}
    assert got == {
        "text.proactive_items": 5500,
        "text.applications_received": 3119,
        "text.applications_answered": 3050,
        "text.applications_carried_over": 34,
        "text.applications_carried_forward": 103,
        "text.reviews": 351,
        "text.reviews.upheld": 72,
        "text.reviews.corrected": 64,
        "text.reviews.other": 178,
        "text.reviews.pending": 37,
        "text.lawsuits": 46,
        "text.lawsuits.upheld": 25,
        "text.lawsuits.corrected": 5,
        "text.lawsuits.other": 9,
        "text.lawsuits.pending": 7,
        "text.fees": 3940,
    }
    # relation 6 of the spec: every restated total matches its cell (46 = 26 + 20, 25 = 13 + 12)
    assert report.discrepancies == []
    assert sum(1 for f in report.figures if f.compare_to) == 14


def test_other_kinds_of_request_are_not_disclosure_requests(parsed):
    # 铜川镇: "热线…交办单320件…已办结320件"; 岳溪镇: "民事全程代办申请613起,办结613起"
    for name in ("003_5c938f68f70698c0.txt", "000_d76d4b4009bfe151.txt"):
        metrics = {f.metric for f in parsed[name].figures}
        assert not metrics & {"text.applications_answered", "text.applications_received"}


# Sentences of the sample reports (云城区 2018, 莆田市 2019, 平潭综合实验区综合执法局 2018, 莆田市水利局 2023)
_HALVES = (
    "2018年下半年,我区共处理网民咨询投诉件361件,接收处理率与上半年(142件)同比增长154.23%,纸质咨询投诉信件大幅减少;"
)
_BREAKDOWN = "全年主动公开各类政府信息11543件。其中：市本级3315件，县（区、管委会）8228件。"
_STAFF = "目前，全局共有政务公开工作人员8名，其中专职人员1名，兼职人员7名（各支队各1名）。"


def _stated(text):
    from ingest.figures import STATED, extract_stated

    return [(f.label, str(f.value)) for f in extract_stated(text, []) if f.metric == STATED]


def test_a_figure_opening_a_bracket_glosses_the_words_before_it():
    # 142 is the first half's count (not what 361 counted), and the rise is the rise over it
    assert _stated(_HALVES) == [
        ("我区共处理网民咨询投诉件", "361"),
        ("接收处理率与上半年", "142"),
        ("接收处理率与上半年同比增长", "154.23"),
    ]


def test_marks_inside_a_bracket_cut_no_label_and_a_breakdown_is_quoted_with_its_total():
    from ingest.figures import STATED, extract_stated

    assert _stated(_BREAKDOWN)[1:] == [("市本级", "3315"), ("县（区、管委会）", "8228")]
    parts = [f for f in extract_stated(_BREAKDOWN, []) if f.metric == STATED][1:]
    assert all(f.quote == _BREAKDOWN and f.start == 0 for f in parts)  # "其中…" says what it breaks down


def test_the_whole_disclosure_staff_and_not_a_part_of_it():
    from ingest.figures import extract_figures

    staff = [f.value for f in extract_figures(_STAFF, []) if f.metric == "text.staff"]
    assert staff == [Decimal(8)]
    part_time = "我局办公室设有政府信息公开工作兼职人员1人，其他科室、所、队设有工作人员16人。"
    assert not [f for f in extract_figures(part_time, []) if f.metric == "text.staff"]


@pytest.mark.parametrize("text", [_HALVES, _BREAKDOWN, _STAFF])
def test_stated_labels_do_not_depend_on_where_lines_break(text):
    # a portal puts every figure on a line of its own, a PDF wraps mid-word: the labels stay
    rewrapped = "\n".join(text[i : i + 7] for i in range(0, len(text), 7))
    spaced = " ".join(text)
    assert _stated(rewrapped) == _stated(text) == _stated(spaced)

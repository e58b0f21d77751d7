"""The Gradio chat mounts on the API app, and its answers carry citations with report text escaped."""

import pytest

from assistant.types import Answer, Citation
from ui.render import answer_markdown


def test_app_with_chat_builds_and_serves_the_page(collection):
    from fastapi.testclient import TestClient

    from ui.api import create_app

    app = create_app(collection, with_ui=True)
    with TestClient(app) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert c.get("/api/health").status_code == 200


def test_chat_handler_streams_an_answer_with_citations(collection):
    from ui.chat import build_ui

    demo = build_ui(collection)
    steps = list(demo.respond("东山县2020年收到多少政府信息公开申请？", []))
    assert len(steps) > 3  # it streams
    history, box, cites, pick = steps[-1]
    md = history[-1]["content"]
    assert history[-2] == {"role": "user", "content": "东山县2020年收到多少政府信息公开申请？"}
    assert "表三" in md and "\\[1\\]" in md and "\\[2\\]" in md
    assert "⚠" in md  # the table's cells were placed by the relations: flagged with the reason
    assert [c["id"] for c in cites] == ["1", "2"] and box == ""


def test_source_view_highlights_the_cited_passage_escaped(collection):
    from assistant.answer import ask
    from ui.chat import source_view

    answer = ask("东山县2020年收到多少政府信息公开申请？", None, collection)
    cites = [c.__dict__ for c in answer.citations]
    view = source_view(collection, cites, "2")
    assert "<mark>今年以来,共受理县政府和县政府办信息公开申请3件" in view


def test_reports_and_compare_views(collection):
    from ui.chat import catalog_frame, compare_table, report_view

    frame = catalog_frame(collection)
    assert len(frame) == 6 and list(frame.columns)[:2] == ["单位", "年度"] and "id" not in frame.columns
    assert list(catalog_frame(collection, "福建")["单位"]) == ["东山县人民政府办公室"]
    huaian = frame[frame["单位"] == "淮安市人民政府"].iloc[0]
    assert "表三 已校验" in huaian["表格校验"] and huaian["表格格式"] == "2021年版表格"
    english = catalog_frame(collection, "", "English")
    assert "Table 3 checked" in english[english["Office"] == "淮安市人民政府"].iloc[0]["Table checks"]
    assert not any("t3" in str(v) or "verified" in str(v) for v in english.to_numpy().ravel())
    from ui.page.reports import report_at

    rid = report_at(collection, list(huaian))  # the row clicked opens its report, found by what it says
    assert collection.facts.report(rid).issuer == "淮安市人民政府"
    view = report_view(collection, rid)
    assert "<caption>表三 收到和处理政府信息公开申请情况</caption>" in view and "verified" not in view
    assert "<td>3119</td>" in view
    table, path, svg = compare_table(collection, "applications_received", [], [])
    assert dict(zip(table.issuer, table.value, strict=True))["淮安市人民政府"] == 3119
    assert path and open(path, encoding="utf-8-sig").read().splitlines()[:2] == [
        "单位,年度,指标,数值,计量,出处,质量,引文",
        "issuer,year,label,value,unit,source,quality,citation",
    ]


def test_compare_chart_labels_every_bar_and_scales_to_the_values(collection):
    """3119 beside values of 0–10: a log scale, a value label on every bar, the CSV named after the
    comparison with the values as printed; a report without a value is marked, not dropped."""
    import csv
    import os
    import re

    from ui.chat import compare_table

    table, path, svg = compare_table(collection, "applications_received", [], [])
    values = [v for v in table.value if v == v]  # not NaN
    assert max(values) / max(1, min(v for v in values if v > 0)) >= 50
    labels = re.findall(r'class="gk-value">([^<]*)<', svg)
    assert len(labels) == len(values) and "3119件" in labels
    assert "对数刻度" in svg
    assert os.path.basename(path).startswith("applications_received_") and os.path.basename(path).endswith(
        "等6个单位_2014-2024.csv"
    )
    with open(path, encoding="utf-8-sig") as f:
        next(f)  # the reader's headers; the stable ids follow
        printed = {r["issuer"]: r["value"] for r in csv.DictReader(f)}
    assert printed["淮安市人民政府"] == "3119" and not any(v.endswith(".0") for v in printed.values())
    # a metric some reports do not hold: their rows are drawn as "no value", in the reader's language
    from assistant.glossary import METRICS

    for metric in (m.key for m in METRICS):
        table, _, svg = compare_table(collection, metric, [], [], zh=False)
        if table.value.isna().any():
            break
    missing = int(table.value.isna().sum())
    assert missing and svg.count('class="gk-missing-label">no value<') == missing, metric
    # one office over the years: bars labelled by year, in order (no "2,018.00" axis)
    from ui.charts import Bar, bar_chart_svg

    trend = bar_chart_svg([Bar("2019", 5, "5件"), Bar("2020", 7, "7件")])
    assert re.findall(r"<title>([^<]*)</title>", trend) == ["2019", "2020"] and "对数" not in trend
    assert "&lt;script&gt;" in bar_chart_svg([Bar("<script>x</script>", 1, "1")])


def test_feedback_is_stored(collection):
    collection.facts.add_feedback("q?", "a.", True)
    assert [(f.question, bool(f.liked)) for f in collection.facts.feedback()][-1] == ("q?", True)


def test_report_text_is_escaped():
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">[click](javascript:alert(3))'
    a = Answer("见引用", "answered", [Citation("1", "r", evil, 2020, evil, evil)], [], "zh")
    md = answer_markdown(a)
    assert "<script>" not in md and "<img" not in md and "](javascript" not in md
    assert "&lt;script&gt;" in md


@pytest.mark.slow
def test_a_name_that_fits_several_bodies_offers_them_and_a_pick_asks_about_one(corpus_collection):
    from ui.chat import build_ui

    demo = build_ui(corpus_collection)
    *_, last = demo.turn("平潭2022年收到多少政府信息公开申请？", [], "精确 exact")
    history, _, _, _, narrow, _, kept = last
    assert kept == history  # the browser keeps the history with the answer's last step, not after it
    offered = narrow["choices"]
    names = [c[0] if isinstance(c, list | tuple) else c for c in offered]
    assert narrow["visible"] and "平潭综合实验区交通与建设局" in names and len(names) == 4
    *_, again = demo.ask_one("平潭综合实验区交通与建设局", history, "精确 exact")
    assert "平潭综合实验区交通与建设局 2022" in again[5]  # the source view follows the new answer
    md = again[0][-1]["content"]
    assert "**11件**" in md and "自然资源与生态环境局" not in md and not again[4]["visible"]


def test_english_answers_show_apostrophes_not_entities(collection):
    from assistant.answer import ask
    from ui.render import answer_markdown

    md = answer_markdown(ask("how many disclosure applications did Dongshan County receive in 2020", None, collection))
    assert "report's text" in md and "&#x27;" not in md


def test_the_source_view_follows_a_second_question_and_clears_first(collection):
    """Issue "chat as people use it" #2: after 淮安 2024, asking about 东山 2020 showed 淮安's page still."""
    from ui.chat import build_ui

    demo = build_ui(collection)
    steps = list(demo.turn("淮安市2024年收到多少政府信息公开申请？", [], "精确 exact"))
    history, source = steps[-1][0], steps[-1][5]
    assert "淮安市人民政府 2024" in source
    steps = list(demo.turn("东山县2020年收到多少政府信息公开申请？", history, "精确 exact"))
    assert steps[0][5] == ""  # the old source goes as soon as the new question is asked
    assert "东山县人民政府办公室 2020" in steps[-1][5] and "淮安" not in steps[-1][5]


def test_regenerate_asks_the_last_question_again_and_a_marker_link_opens_its_passage(collection):
    from ui.chat import build_ui
    from ui.render import cite_href

    demo = build_ui(collection)
    *_, first = demo.turn("淮安市2024年收到多少政府信息公开申请？", [], "精确 exact")
    *_, second = demo.turn("东山县2020年收到多少政府信息公开申请？", first[0], "精确 exact")
    history = second[0]
    *_, again = demo.regenerate(history, "精确 exact")
    assert len(again[0]) == len(history) == 4 and again[0][-1]["content"] == history[-1]["content"]
    assert again[0][-2]["content"] == "东山县2020年收到多少政府信息公开申请？"
    # the answer's markers are links naming the report and span; the link alone opens the passage
    from assistant.answer import ask

    answer = ask("东山县2020年收到多少政府信息公开申请？", collection=collection)
    cite = answer.citations[1]
    assert f"]({cite_href(cite)} " in history[-1]["content"]
    view = demo.open_link(cite_href(cite)[1:], "中文")
    assert "<mark>今年以来,共受理县政府和县政府办信息公开申请3件" in view and "东山县人民政府办公室 2020" in view
    assert demo.open_link("gk-cite-<script>-1-2", "中文") != view  # anything else opens nothing


def test_upload_results_speak_the_readers_language():
    from ui.chat import upload_frame

    rows = [
        {"file": "a.txt", "status": "failed", "error": "not a government information disclosure report (no sign …)"},
        {
            "file": "b.pdf",
            "status": "added",
            "issuer": "淮安市人民政府",
            "year": 2024,
            "tables": {"t3": "verified"},
            "error": "",
        },
    ]
    zh = upload_frame(rows, "中文")
    assert list(zh.columns) == ["文件", "结果", "单位", "年度", "表格", "说明"]
    assert zh.iloc[0]["结果"] == "失败" and zh.iloc[0]["说明"] == "不是报告：文件内容不是政府信息公开工作年度报告"
    assert zh.iloc[1]["表格"] == "表三 已校验"
    en = upload_frame(rows, "English")
    assert en.iloc[1]["Tables"] == "Table 3 checked" and en.iloc[0]["Note"].startswith("not a report")


def test_the_reports_tab_lists_a_page_and_says_how_many_more(collection, monkeypatch):
    import ui.page.reports
    from ui.chat import catalog_frame

    whole = catalog_frame(collection)
    monkeypatch.setattr(ui.page.reports, "CATALOG_ROWS", 2)
    cut = catalog_frame(collection)
    assert len(cut) == 3 and list(cut["单位"][:2]) == list(whole["单位"][:2])
    assert cut["单位"].iloc[-1] == f"……另有 {len(whole) - 2} 份，请用筛选缩小范围"
    assert len(catalog_frame(collection, "福建")) == 1  # the filter narrows before the cut


def test_the_compare_tab_offers_offices_by_name_past_a_few_hundred(collection, monkeypatch):
    import ui.page.compare
    from ui.chat import office_choices

    every = sorted({r.issuer for r in collection.reports()})
    assert office_choices(collection) == every and len(every) > 2
    assert office_choices(collection, "东山") == [n for n in every if "东山" in n] != []
    assert office_choices(collection, "%") == office_choices(collection, "_") == []  # typed text is literal
    # read from the database, not the catalog: the same offices and years as the catalog holds
    assert collection.facts.years() == sorted({r.year for r in collection.reports() if r.year})
    monkeypatch.setattr(ui.page.compare, "OFFICE_CHOICES", 2)  # a national catalog: no name list until one is typed
    assert office_choices(collection) == []
    assert office_choices(collection, "", [every[-1]]) == [every[-1]]  # a chosen office stays offered
    found = office_choices(collection, "人民政府", [every[-1]])
    assert found[0] == every[-1] and len(found) <= 3
    assert all("人民政府" in n for n in found[1:]) and found[1:]


def test_the_reports_tab_page_shows_the_same_checks_as_the_whole_catalog(collection, monkeypatch):
    import ui.page.reports
    from ui.chat import catalog_frame

    whole = catalog_frame(collection)
    n = len(whole) - 1
    monkeypatch.setattr(ui.page.reports, "CATALOG_ROWS", n)
    cut = catalog_frame(collection)  # only the shown reports' table statuses are read
    assert list(cut["表格校验"][:n]) == list(whole["表格校验"][:n])
    assert any(v != "-" for v in cut["表格校验"][:n])


# ---- a trend's chart in the chat (issue 32, item 2)


def _chart_of(md: str) -> str:
    return md[md.index("<svg") : md.index("</svg>") + len("</svg>")]


def test_a_trend_chart_is_escaped_names_every_year_and_is_absent_without_a_series():
    """Report text and labels are data: a label with markup and "&" reaches the page as text, a line
    break in it cannot end the chart's HTML block, and the chart's text alternative lists each year's
    figure (a year without one said so); an answer without a series draws nothing."""
    import html
    import re

    from assistant.types import SeriesPoint
    from ui.render import series_chart, stream_cuts

    evil = "<script>alert(1)</script> R&D\n\n<img src=x onerror=alert(2)>"
    points = [
        SeriesPoint("2020", "3", "3件", "1", 2020),
        SeriesPoint("2021", None, "", "", 2021),
        SeriesPoint("2022", "12", evil, "2", 2022),
        SeriesPoint(evil, "5", "5件", "3", None),
    ]
    answer = Answer("交通与建设局历年“行政复议”：", "answered", [], [], "zh", series=points, series_title=evil)
    chart = series_chart(answer)
    assert chart.count("<svg") == 1 and "<script" not in chart and "<img" not in chart and "\n" not in chart
    assert re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", chart) is None  # every "&" is an entity
    assert "R&amp;D" in chart and "&lt;script&gt;" in chart
    alt = html.unescape(re.search(r'<title class="gk-alt">([^<]*)</title>', chart).group(1))
    assert html.unescape(re.search(r'aria-label="([^"]*)"', chart).group(1)) == alt
    assert "2020年：3件" in alt and "2021年：无数值" in alt and "R&D" in alt and "\n" not in alt
    assert 'class="gk-missing-label">无数值<' in chart  # the year without a figure is a bar of its own
    # in the answer: its own HTML block under the words, before the citations; streamed whole or not at all
    md = answer_markdown(answer)
    assert f"\n\n{chart}\n\n" in md and md.index("交通与建设局") < md.index("<svg")
    cuts = stream_cuts(md, 8)
    assert cuts[-1] == len(md) and all(("<svg" in md[:i]) == ("</svg>" in md[:i]) for i in cuts)
    english = series_chart(Answer("", "answered", [], [], "en", series=points[:2], series_title="Office, reviews"))
    assert "Office, reviews: 2020: 3件; 2021: no value" in english and ">no value<" in english
    # no series: no chart, and nothing of one in the chat
    plain = Answer("2件：东山县…… [1]", "answered", [], [], "zh")
    assert (
        series_chart(plain) == "" and "<svg" not in answer_markdown(plain) and "gk-trend" not in answer_markdown(plain)
    )


@pytest.mark.slow
def test_a_trend_question_draws_its_chart_in_the_chat(corpus_collection):
    """Through the chat's own handler on the real reports: 交通与建设局's three years as bars, each with the
    figure the answer cites, under the answer's words; streamed without a half-drawn chart; a question that
    is not a trend draws none."""
    import re

    from assistant.answer import ask
    from ui.chat import build_ui

    demo = build_ui(corpus_collection)
    for question, lang in (
        ("交通与建设局2020—2025年的行政复议数量", "zh"),
        ("How has the number of requests to the transport bureau changed since 2019?", "en"),
    ):
        steps = list(demo.respond(question, []))
        md = steps[-1][0][-1]["content"]
        chart = _chart_of(md)
        years = re.findall(r'class="gk-label"><title>([^<]*)</title>', chart)
        assert years == ["2020", "2022", "2025"], question  # every year the collection holds, in order
        answer = ask(question, None, corpus_collection)
        cited = {f.citation: f"{f.value}{f.unit}" for f in answer.facts if f.source == "table"}
        assert re.findall(r'class="gk-value">([^<]*)<', chart) == [cited[p.citation] for p in answer.series]
        alt = re.search(r'<title class="gk-alt">([^<]*)</title>', chart).group(1)
        assert all(y in alt for y in years) and "交通与建设局" in alt
        assert (
            md.index(answer.answer.split("\n")[-1][:6])
            < md.index("<svg")
            < md.index("引用" if lang == "zh" else "Citations")
        )
        assert all(("<svg" in s[0][-1]["content"]) == ("</svg>" in s[0][-1]["content"]) for s in steps)
    *_, last = demo.respond("东山县2020年收到多少政府信息公开申请？", [])
    assert "<svg" not in last[0][-1]["content"]


def test_what_a_person_typed_is_escaped_whole_and_reads_back_as_typed():
    """Issue 35, item 1: every ASCII punctuation mark of a question escaped for the Markdown bubble (no
    tag, link, image, autolink or formula can form), and the bubble read back as typed."""
    import re

    from ui.render import literal, typed

    punct = re.compile(r"[!-/:-@\[-`{-~]")
    for text in (
        "东山县？[请点此核实身份](https://example.invalid/login) ![x](http://h/p.png) <b>b</b> <img src=x>",
        "a\\*b\\\\ www.x.cn a@b.cn $$x$$ 1. - > ~~s~~ &amp; `c` | # _i_",
        "",
    ):
        shown = literal(text)
        assert typed(shown) == text
        i = 0
        while i < len(shown):  # each punctuation mark is the second half of a backslash escape
            if shown[i] == "\\":
                assert punct.fullmatch(shown[i + 1]), shown
                i += 2
            else:
                assert not punct.fullmatch(shown[i]), shown
                i += 1


def test_the_port_says_loading_until_the_app_is_handed_over():
    """Issue 35, item 9: ui.warming answers at once — the loading page (503, Retry-After), health
    {"status": "loading"}, other routes a JSON 503 — then passes every request to the loaded app, whose
    lifespan it starts."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from ui.warming import Warming

    started = []
    app = FastAPI(on_startup=[lambda: started.append(True)])
    app.get("/api/health")(lambda: {"status": "ok", "reports": 0})
    front = Warming()
    with TestClient(front) as client:
        page = client.get("/")
        assert page.status_code == 503 and "正在加载…" in page.text and page.headers["retry-after"] == "2"
        assert client.get("/api/health").json() == {"status": "loading"}
        assert client.post("/api/ask", json={}).json() == {"detail": "正在加载… / loading, retry shortly"}
        front.ready(app)
        assert started == [True]
        assert client.get("/api/health").json() == {"status": "ok", "reports": 0}

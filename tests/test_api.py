"""The HTTP API end to end on the ingested sample corpus."""

import pytest

DONGSHAN_ZH = "东山县2020年收到多少政府信息公开申请？"
DONGSHAN_EN = "how many disclosure applications did Dongshan County receive in 2020"


def ask(client, question, history=None):
    r = client.post("/api/ask", json={"question": question, "history": history or []})
    assert r.status_code == 200, r.text
    return r.json()


def test_health(client):
    r = client.get("/api/health")
    assert r.status_code == 200 and r.json()["reports"] == 6


@pytest.mark.parametrize("question", [DONGSHAN_ZH, DONGSHAN_EN])
def test_dongshan_question_gives_table_and_text_figures(client, question):
    body = ask(client, question)
    assert body["status"] == "answered"
    facts = {(f["source"], f["value"]) for f in body["facts"]}
    assert ("table", "2") in facts and ("text", "3") in facts
    table_fact = next(f for f in body["facts"] if f["source"] == "table")
    assert table_fact["issuer"] == "东山县人民政府办公室" and table_fact["year"] == 2020
    assert table_fact["metric"] == "t3.new_received:total"
    cites = {c["id"]: c for c in body["citations"]}
    table_cite = cites[table_fact["citation"]]
    assert table_cite["row"] == "一、本年新收政府信息公开申请数量" and table_cite["column"] == "总计"
    assert table_cite["table"].startswith("表三")
    text_cite = cites[next(f["citation"] for f in body["facts"] if f["source"] == "text")]
    assert "共受理县政府和县政府办信息公开申请3件" in text_cite["quote"]
    assert "(二)依申请公开情况" in text_cite["section"]
    # the answer states both numbers, each with its citation marker
    assert "2" in body["answer"] and "3" in body["answer"]
    assert f"[{table_cite['id']}]" in body["answer"] and f"[{text_cite['id']}]" in body["answer"]


def test_answer_language_follows_the_question(client):
    assert "报告正文" in ask(client, DONGSHAN_ZH)["answer"]
    assert "The report's text says" in ask(client, DONGSHAN_EN)["answer"]


def test_every_number_stated_is_in_a_cited_cell_or_sentence(client):
    body = ask(client, DONGSHAN_ZH)
    quotes = " ".join(c["quote"] for c in body["citations"])
    for f in body["facts"]:
        assert f["value"] in quotes


@pytest.mark.parametrize(
    "question",
    [
        "东山县2019年收到多少政府信息公开申请？",
        "北京市海淀区2020年收到多少申请？",
        "How many requests did Haidian District receive in 2020?",
    ],
)
def test_not_found_names_what_the_collection_holds(client, question):
    body = ask(client, question)
    assert body["status"] == "not_found"
    assert body["facts"] == [] and body["citations"] == []
    assert "2020" in body["answer"]  # the year (or report) it does hold


@pytest.mark.parametrize(
    "question,issuer,year",
    [
        ("岳溪镇2019年收到多少政府信息公开申请？", "重庆市开州区岳溪镇人民政府", 2019),
        ("云城区2018年收到多少信息公开申请", "云城区", 2018),
        ("嘎什根乡2014年主动公开了多少条政府信息？", "嘎什根乡", 2014),
        ("铜川镇2017年主动公开政府信息多少条", "鄂尔多斯市东胜区铜川镇人民政府", 2017),
        ("东山县2020年收到多少政府信息公开申请？", "东山县人民政府办公室", 2020),
        ("淮安市2024年收到多少政府信息公开申请？", "淮安市人民政府", 2024),
        ("How many applications did Yuexi Town receive in 2019?", "重庆市开州区岳溪镇人民政府", 2019),
        ("Tongchuan Town staff", "鄂尔多斯市东胜区铜川镇人民政府", 2017),
    ],
)
def test_each_issuer_is_cited(client, question, issuer, year):
    body = ask(client, question)
    assert body["status"] in ("answered", "partial")
    assert body["citations"]
    assert {(c["issuer"], c["year"]) for c in body["citations"]} == {(issuer, year)}


def test_table_figure_from_a_pdf(client):
    body = ask(client, "淮安市2024年行政复议多少件？")
    assert [(f["source"], f["value"]) for f in body["facts"]] == [("table", "351"), ("text", "351")]
    assert body["citations"][0]["row"] == "行政复议" and body["citations"][0]["column"] == "总计"
    assert "不一致" not in body["answer"]  # the text agrees with the table


def test_passage_question_quotes_the_report(client):
    body = ask(client, "岳溪镇的民事全程代办设立了多少个服务站？")
    assert body["status"] == "answered"
    assert "25个村(社区)民事全程代办服务站" in body["answer"]
    assert all(c["issuer"] == "重庆市开州区岳溪镇人民政府" for c in body["citations"])


def test_reports_catalog(client):
    rows = client.get("/api/reports").json()
    assert len(rows) == 6
    by_issuer = {r["issuer"]: r for r in rows}
    d = by_issuer["东山县人民政府办公室"]
    assert d["year"] == 2020 and d["format"] == "2019" and d["published"] == "2021-01-19"
    assert d["region"] == {"province": "福建省", "city": "漳州市", "county": "东山县"}
    assert d["tables"] == {"t2": "unchecked", "t3": "ambiguous", "t4": "inconsistent"}
    assert d["counts"]["cells"] > 161
    assert client.get(f"/api/reports/{d['id']}").json()["issuer"] == "东山县人民政府办公室"
    assert client.get("/api/reports/nope").status_code == 404


def test_bad_requests_get_clear_errors(client):
    assert client.post("/api/ask", json={}).status_code == 422
    assert client.post("/api/ask", json={"question": ""}).status_code == 422
    assert client.post("/api/ask", json={"question": "x" * 5000}).status_code == 422


def test_openapi_documents_the_answer_shape(client):
    schema = client.get("/openapi.json").json()
    comps = schema["components"]["schemas"]
    assert set(comps["AskResponse"]["properties"]) == {
        "answer",
        "status",
        "citations",
        "facts",
        "notes",
        "mode",
        "candidates",
        "series",
        "series_title",
    }
    assert {"id", "report_id", "issuer", "year", "section", "quote", "table", "row", "column"} <= set(
        comps["Citation"]["properties"]
    )
    assert {"value", "unit", "citation", "metric", "label"} <= set(comps["Fact"]["properties"])


def _report_id(client, issuer):
    return next(r["id"] for r in client.get("/api/reports").json() if r["issuer"] == issuer)


def test_report_detail_has_tables_statuses_figures_and_discrepancies(client):
    d = client.get(f"/api/reports/{_report_id(client, '东山县人民政府办公室')}").json()
    tables = {t["table"]: t for t in d["tables"]}
    assert {k: t["status"] for k, t in tables.items()} == {"t2": "unchecked", "t3": "ambiguous", "t4": "inconsistent"}
    row = next(r for r in tables["t3"]["rows"] if r["row_id"] == "t3.new_received")
    cells = {c["column"]: c for c in row["cells"]}
    assert cells["total"]["value"] == "2" and cells["total"]["method"] == "placed"
    assert cells["natural_person"]["status"] == "ambiguous" and cells["natural_person"]["candidates"] == ["0", "2"]
    assert row["label"] == "一、本年新收政府信息公开申请数量" and cells["total"]["label"] == "总计"
    assert d["discrepancies"] == [
        {
            "cell": "t3.new_received:total",
            "table_value": "2",
            "text_value": "3",
            "metric": "text.applications_received",
            "quote": "今年以来,共受理县政府和县政府办信息公开申请3件,其中当面申请1件,邮寄申请1件,电子邮件申请1件,均已依法在规定时间内予以答复。",
            "scope": "县政府和县政府办",
        }
    ]
    assert "text says 3 where t3.new_received:total is 2" in d["flags"]
    assert [s["sid"] for s in d["sections"] if s["level"] == 1] == ["s1", "s2", "s3", "s4", "s5", "s6"]


def test_pdf_citation_names_its_page(client):
    import pdfplumber
    from conftest import HUAIAN

    with pdfplumber.open(HUAIAN) as pdf:
        page = next(i for i, p in enumerate(pdf.pages, 1) if "72 64 178 37 351" in (p.extract_text() or ""))
    body = ask(client, "淮安市2024年行政复议多少件？")
    assert body["citations"][0]["page"] == page


@pytest.mark.slow
def test_ask_returns_the_bodies_a_name_fits_as_candidates(corpus_collection):
    from fastapi.testclient import TestClient

    from ui.api import create_app

    client = TestClient(create_app(corpus_collection, with_ui=False))
    body = client.post("/api/ask", json={"question": "平潭2022年收到多少政府信息公开申请？"}).json()
    assert len(body["candidates"]) == 4 and "平潭综合实验区交通与建设局" in body["candidates"]
    one = client.post("/api/ask", json={"question": "交建局2022年收到多少政府信息公开申请？"}).json()
    assert one["candidates"] == [] and [f["value"] for f in one["facts"]][:1] == ["11"]
    assert {"table_status", "note", "formula"} <= set(one["facts"][0])


def test_a_trend_answer_carries_its_series_and_others_none(client):
    """The chart's data in the JSON answer: each point's year, label, value, printed text and the id of the
    citation whose quote holds it; documented in the OpenAPI schema; empty for an answer that is no trend."""
    body = ask(client, "淮安市历年行政复议数量有什么变化？")
    assert body["series"] == [{"label": "2024", "value": "351", "text": "351件", "citation": "1", "year": 2024}]
    assert "行政复议" in body["series_title"] and "淮安市人民政府" in body["series_title"]
    cites = {c["id"]: c for c in body["citations"]}
    assert all(p["value"] in cites[p["citation"]]["quote"] for p in body["series"])
    plain = ask(client, DONGSHAN_ZH)
    assert plain["series"] == [] and plain["series_title"] == ""
    points = client.get("/openapi.json").json()["components"]["schemas"]["SeriesPoint"]["properties"]
    assert set(points) == {"year", "label", "value", "text", "citation"}

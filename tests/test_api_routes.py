"""Every API route: search, facts, compare, metrics, upload/delete behind the admin token, OpenAI-compatible."""

import json

import pytest
from conftest import DONGSHAN
from fastapi.testclient import TestClient


def test_search_filters_by_issuer_and_year(client):
    hits = client.get("/api/search", params={"q": "民事全程代办服务站", "issuer": "岳溪镇", "k": 3}).json()
    assert hits and all(h["issuer"] == "重庆市开州区岳溪镇人民政府" for h in hits)
    assert any("服务站" in h["text"] for h in hits)
    assert client.get("/api/search", params={"q": "x", "issuer": "不存在"}).status_code == 404
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "x", "k": 500}).status_code == 422


def test_facts_by_metric_key_cell_id_and_prose_metric(client):
    rows = client.get("/api/facts", params={"issuer": "淮安", "year": 2024, "metric": "reviews"}).json()
    assert [(r["metric"], r["value"], r["source"]) for r in rows if r["source"] == "table"] == [
        ("t4.review:total", "351", "table")
    ]
    assert ("text.reviews", "351") in {(r["metric"], r["value"]) for r in rows}
    cell = client.get("/api/facts", params={"issuer": "东山", "metric": "t3.new_received:natural_person"}).json()
    assert cell[0]["status"] == "ambiguous" and cell[0]["table_status"] == "ambiguous"
    staff = client.get("/api/facts", params={"metric": "text.staff"}).json()
    assert [(r["issuer"], r["value"]) for r in staff] == [("鄂尔多斯市东胜区铜川镇人民政府", "2")]
    assert client.get("/api/facts", params={"issuer": "无此单位"}).status_code == 404


def test_compare_gives_a_value_and_citation_per_report(client):
    body = client.get("/api/compare", params={"metric": "applications_received", "issuers": "东山,淮安"}).json()
    values = {r["issuer"]: r["value"] for r in body["rows"]}
    assert values == {"东山县人民政府办公室": "2", "淮安市人民政府": "3119"}
    cites = {c["id"] for c in body["citations"]}
    assert all(r["citation"] in cites for r in body["rows"])
    assert client.get("/api/compare", params={"metric": "nope"}).status_code == 422
    assert client.get("/api/compare", params={"metric": "reviews", "years": "x"}).status_code == 422
    assert any(m["key"] == "applications_received" for m in client.get("/api/metrics").json())


def test_compare_is_paged_and_the_pages_make_the_whole(client):
    whole = client.get("/api/compare", params={"metric": "applications_received"}).json()
    assert whole["total"] == len(whole["rows"]) == len(client.get("/api/reports").json())
    pages = []
    for offset in range(0, whole["total"], 2):
        page = client.get("/api/compare", params={"metric": "applications_received", "limit": 2, "offset": offset})
        body = page.json()
        assert body["total"] == whole["total"] and body["offset"] == offset and len(body["rows"]) <= 2
        assert {r["citation"] for r in body["rows"] if r["citation"]} <= {c["id"] for c in body["citations"]}
        pages += [(r["report_id"], r["value"]) for r in body["rows"]]
    assert pages == [(r["report_id"], r["value"]) for r in whole["rows"]]
    assert client.get("/api/compare", params={"metric": "reviews", "limit": 0}).status_code == 422


@pytest.fixture
def admin_client(tmp_path, monkeypatch):
    from index.collection import Collection
    from index.settings import Settings
    from ui.api import create_app

    monkeypatch.setenv("GONGKAI_ADMIN_TOKEN", "s3cret")
    coll = Collection(Settings.from_env(tmp_path / "home"))
    return TestClient(create_app(coll, with_ui=False)), coll


def test_write_routes_need_the_admin_token(admin_client, monkeypatch):
    c, coll = admin_client
    files = {"files": ("../../etc/evil.txt", DONGSHAN.read_bytes(), "text/plain")}
    assert c.post("/api/reports", files=files).status_code == 401
    assert c.post("/api/reports", files=files, headers={"Authorization": "Bearer wrong"}).status_code == 401
    r = c.post("/api/reports", files=files, headers={"Authorization": "Bearer s3cret"})
    assert r.status_code == 200, r.text
    (result,) = r.json()
    assert result["status"] == "added" and result["issuer"] == "东山县人民政府办公室"
    stored = list((coll.settings.home / "uploads").iterdir())
    assert len(stored) == 1 and stored[0].parent == coll.settings.home / "uploads"  # the client's name is not a path
    assert not (coll.settings.home.parent / "etc").exists()
    bad = c.post(
        "/api/reports",
        files={"files": ("x.exe", b"MZ", "application/octet-stream")},
        headers={"Authorization": "Bearer s3cret"},
    ).json()
    assert bad[0]["status"] == "failed" and "unsupported" in bad[0]["error"]
    rid = result["report_id"]
    assert c.delete(f"/api/reports/{rid}").status_code == 401
    assert c.delete(f"/api/reports/{rid}", headers={"Authorization": "Bearer s3cret"}).json() == {"removed": rid}
    assert c.delete(f"/api/reports/{rid}", headers={"Authorization": "Bearer s3cret"}).status_code == 404
    monkeypatch.delenv("GONGKAI_ADMIN_TOKEN")
    off = c.post("/api/reports", files=files, headers={"Authorization": "Bearer s3cret"})
    assert off.status_code == 403 and "GONGKAI_ADMIN_TOKEN" in off.json()["detail"]


def test_openai_compatible_chat(client):
    assert client.get("/v1/models").json()["data"][0]["id"] == "gongkai"
    body = client.post(
        "/v1/chat/completions",
        json={
            "model": "gongkai",
            "messages": [
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "东山县2020年收到多少政府信息公开申请？"},
            ],
        },
    ).json()
    assert body["object"] == "chat.completion"
    assert "2" in body["choices"][0]["message"]["content"] and body["choices"][0]["finish_reason"] == "stop"
    assert {f["value"] for f in body["facts"]} == {"2", "3"} and len(body["citations"]) == 2


def test_openai_compatible_follow_up_and_stream(client):
    msgs = [
        {"role": "user", "content": "淮安市2024年收到多少政府信息公开申请？"},
        {"role": "assistant", "content": "3119"},
        {"role": "user", "content": [{"type": "text", "text": "它的行政复议呢"}]},
    ]
    with client.stream("POST", "/v1/chat/completions", json={"messages": msgs, "stream": True}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in r.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    text = "".join(ch["choices"][0]["delta"].get("content", "") for ch in chunks)
    assert "351" in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and chunks[-1]["citations"]
    assert (
        client.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "x"}]}).status_code == 422
    )


def test_upload_form_overrides_issuer_and_year_for_a_file_that_does_not_say_them(admin_client):
    c, _ = admin_client
    text = "2021年度政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息12条，依申请公开0件。\n".encode()
    auth = {"Authorization": "Bearer s3cret"}
    (refused,) = c.post("/api/reports", files={"files": ("anon.txt", text, "text/plain")}, headers=auth).json()
    assert refused["status"] == "failed" and "--issuer" in refused["error"]
    (added,) = c.post(
        "/api/reports",
        files={"files": ("anon.txt", text, "text/plain")},
        data={"issuer": "某某县财政局", "year": "2021"},
        headers=auth,
    ).json()
    assert (added["status"], added["issuer"], added["year"]) == ("added", "某某县财政局", 2021)


def test_reports_are_paged_with_the_total_in_a_header(client):
    whole = client.get("/api/reports")
    total = int(whole.headers["X-Total-Count"])
    assert total == len(whole.json()) > 2
    first, rest = client.get("/api/reports", params={"limit": 2}), client.get("/api/reports", params={"offset": 2})
    assert [r["id"] for r in first.json() + rest.json()] == [r["id"] for r in whole.json()]
    assert first.json()[0] == whole.json()[0]  # the page's counts and statuses are the catalog's
    assert client.get("/api/reports", params={"limit": 0}).status_code == 422


def test_a_method_a_route_does_not_take_is_405_with_allow_even_beside_the_page(collection):
    """The chat page is mounted at "/" and a mount takes every method: a TRACE or PUT to an API path must still
    be told 405 with the methods the schema lists, not fall through to the page's 404 (CI's schemathesis run
    caught this once the routes moved into routers)."""
    from ui.api import create_app

    with_page = TestClient(create_app(collection))
    schema = with_page.get("/openapi.json").json()["paths"]
    assert len(schema) >= 10
    for template, operations in schema.items():
        path = template.replace("{report_id}", "x").replace("{", "").replace("}", "")
        listed = {m.upper() for m in operations}
        for method in ("TRACE", "PUT", "PATCH"):
            if method in listed:
                continue
            reply = with_page.request(method, path)
            assert reply.status_code == 405, (method, path, reply.status_code)
            assert set(reply.headers["allow"].split(", ")) == listed, (method, path)
    assert with_page.get("/api/no-such-route").status_code == 404
    assert with_page.get("/").status_code == 200


def test_compare_words_each_reading_note_in_the_language_asked(client):
    """A figure's reading note ("the table fails its checks: …") is the reader's language; the labels stay the
    report's own (issue 34: the compare view's notes were Chinese in an English request)."""
    zh = client.get("/api/compare", params={"metric": "reviews", "issuers": "东山"}).json()["rows"]
    en = client.get("/api/compare", params={"metric": "reviews", "issuers": "东山", "lang": "en"}).json()["rows"]
    assert [r["value"] for r in zh] == [r["value"] for r in en]
    assert zh[0]["note"].startswith("表格未通过勾稽校验") and en[0]["note"].startswith("the table fails its checks")
    assert client.get("/api/compare", params={"metric": "reviews", "lang": "fr"}).status_code == 422

"""Drafts checked before publication (issue 37): gongkai check, POST /api/check, the checks themselves.

Drafts are the blank 2021 template filled with invented figures (tests/selfcheck_drafts.py), some
wrong on purpose: each gives exactly the problems put in. The published 东山县人民政府办公室 2020 report
(its text says 3 applications where 表三 says 2) and a copy with one 表三 cell changed go through the
API and the CLI; the collection is unchanged afterwards.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import DONGSHAN
from selfcheck_drafts import CLEAN_T2, CLEAN_T3, ISSUER, draft

from assistant.selfcheck import check_draft
from ui.cli import main

T3 = "表三 收到和处理政府信息公开申请情况"


def _changed(rows: dict[str, list[int]], row: str, col: int, value: int) -> dict[str, list[int]]:
    out = {k: list(v) for k, v in rows.items()}
    out.setdefault(row, [0] * 7)[col] = value
    return out


def _problems(data: bytes, coll=None, lang: str = "zh") -> set[tuple[str, str, str, str]]:
    result = check_draft(coll, data, "draft.docx", lang)
    assert not result.error, result.error
    assert (result.issuer, result.generation) == (ISSUER, "2021")
    return {(p.kind, p.where, p.expected, p.found) for p in result.problems}


CASES = {
    "clean": ({}, set()),
    "wrong": (
        {
            "t3": _changed(CLEAN_T3, "t3.granted", 0, 7),  # 自然人 予以公开 6 -> 7: its row and its column fail
            "t4": [1, 0, 0, 0, 2] + [0] * 10,  # 行政复议 总计 2 for 1 case
            "url": False,
            "text_received": 14,  # the text says 14 where 表三 says 13
            "signed": "2024年3月5日",
        },
        {
            ("relation", f"{T3} · （一）予以公开 · 总计", "9", "8"),
            ("relation", f"{T3} · （七）总计 · 自然人", "11", "10"),
            ("relation", "表四 政府信息公开行政复议、行政诉讼情况 · 行政复议 · 总计", "1", "2"),
            ("text_table", f"{T3} · 一、本年新收政府信息公开申请数量 · 总计", "13", "14"),
            ("url", "一、总体情况", "网址", ""),
            ("late", "落款日期", "≤ 2024-01-31", "2024-03-05"),
        },
    ),
    "row dropped": (
        {"drop_t3_rows": ("t3.denied.admin_query",)},
        {("missing_row", f"{T3} · 8.属于行政查询事项", "8.属于行政查询事项", "")},
    ),
    "old format in 2022": (
        {"year": 2022, "replace": (("本年制发件数", "本年新制作数量"),)},
        {("old_format", "表二 主动公开政府信息情况", "本年制发件数 / 本年废止件数 / 现行有效件数 …", "本年新制作数量")},
    ),
    "rows out of order": (
        {"t3_row_after": ("t3.granted", "t3.partially_granted")},
        {
            (
                "order",
                f"{T3} · （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "（一）予以公开 → （二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                "（二）部分公开（区分处理的，只计这一情形，不计其他情形） → （一）予以公开",
            )
        },
    ),
    "parts out of order": (
        {"part_five_last": True},
        {("order", "一至六部分", "一、二、三、四、五、六", "一、二、三、四、六、五")},
    ),
    "no period, no contact": (
        {"period": False, "contact": False},
        {
            ("period", "一、总体情况", "2023-01-01 – 2023-12-31", ""),
            ("contact", "一、总体情况", "联系电话 / 地址", ""),
        },
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_template_drafts_give_exactly_the_problems_put_in(case):
    changes, expected = CASES[case]
    assert _problems(draft(**changes)) == expected


def test_a_relation_says_its_numbers_in_the_request_language():
    bad = draft(t3=_changed(CLEAN_T3, "t3.granted", 0, 7))
    zh = check_draft(None, bad, "d.docx", "zh").problems
    en = check_draft(None, bad, "d.docx", "en").problems
    assert "（一）予以公开 总计 = 8，但自然人与法人或其他组织各列之和为 9" in [p.message for p in zh]
    assert any(p.message.startswith("（一）予以公开: 总计 (total) is 8, but its six columns add up to 9") for p in en)
    assert [p.kind for p in zh] == [p.kind for p in en]
    assert all(p.severity == "error" for p in zh)


def test_jumps_and_carry_over_against_the_office_last_report(corpus_collection):
    """平潭综合实验区交通与建设局 2022 is held (现行有效件数 16, 结转下年度 0): a 2023 draft saying 180 is
    asked about, one carrying 2 over is told last year carried 0; a draft in line with it has nothing."""
    assert check_draft(corpus_collection, draft(), "d.docx").problems == []
    assert check_draft(corpus_collection, draft(), "d.docx").previous == f"{ISSUER} 2022"
    t2 = {**CLEAN_T2, 3: [3, 1, 180]}
    t3 = _changed(_changed(CLEAN_T3, "t3.carried_over", 0, 2), "t3.carried_over", 6, 2)
    t3 = _changed(_changed(t3, "t3.carried_forward", 0, 2), "t3.carried_forward", 6, 2)  # relation 1 holds
    got = check_draft(corpus_collection, draft(t2=t2, t3=t3), "d.docx").problems
    assert {(p.kind, p.severity, p.where, p.expected, p.found) for p in got} == {
        ("jump", "question", "表二 主动公开政府信息情况 · 行政规范性文件 · 现行有效件数", "16", "180"),
        ("carry", "warning", f"{T3} · 二、上年结转政府信息公开申请数量 · 自然人", "0", "2"),
        ("carry", "warning", f"{T3} · 二、上年结转政府信息公开申请数量 · 总计", "0", "2"),
    }


def _dongshan_copy() -> bytes:
    """The published report with one 表三 cell changed: （一）予以公开's 总计 1 -> 2."""
    lines = DONGSHAN.read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(lines) if "(一)予以公开" in line and re.search(r"\d\s*$", line))
    assert lines[i].rstrip().endswith("1")
    lines[i] = lines[i].rstrip()[:-1] + "2"
    return "\n".join(lines).encode("utf-8")


def _dongshan_checked(body: list[dict]) -> None:
    published, copy = body
    for result in body:
        assert (result["issuer"], result["year"], result["generation"]) == ("东山县人民政府办公室", 2020, "2019")
        disagreement = [p for p in result["problems"] if p["kind"] == "text_table"]
        assert [(p["where"], p["expected"], p["found"]) for p in disagreement] == [
            (f"{T3} · 一、本年新收政府信息公开申请数量 · 总计", "2", "3")
        ]
    named = {p["where"] for p in copy["problems"]} - {p["where"] for p in published["problems"]}
    assert named == {f"{T3} · （一）予以公开"}


def _home_files(coll) -> list[str]:
    return sorted(str(p) for p in coll.settings.home.rglob("*") if p.is_file() and "chroma" not in str(p))


def test_api_check_lists_the_disagreement_and_names_the_changed_row(client, collection):
    before, files = len(collection.facts.reports()), _home_files(collection)
    reply = client.post(
        "/api/check",
        files=[
            ("files", ("dongshan-2020.txt", DONGSHAN.read_bytes(), "text/plain")),
            ("files", ("dongshan-2020-draft.txt", _dongshan_copy(), "text/plain")),
        ],
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [r["file"] for r in body] == ["dongshan-2020.txt", "dongshan-2020-draft.txt"]
    _dongshan_checked(body)
    assert "正文写 3" in body[0]["problems"][-1]["message"]
    # nothing stored, nothing kept: the catalog and the home's files as they were
    assert len(collection.facts.reports()) == before
    assert _home_files(collection) == files
    assert client.get("/api/reports").json() and len(client.get("/api/reports").json()) == before


def test_api_check_answers_in_the_request_language_and_refuses_what_is_not_a_report(client):
    files = [
        ("files", ("d.txt", DONGSHAN.read_bytes(), "text/plain")),
        ("files", ("x.txt", "今天天气很好。".encode(), "text/plain")),
    ]
    en = client.post("/api/check", files=files, headers={"Accept-Language": "en-GB,en;q=0.9"}).json()
    assert any(p["message"].startswith("the text says 3") for p in en[0]["problems"])
    assert en[1]["problems"] == [] and "not a government information disclosure report" in en[1]["error"]
    zh = client.post("/api/check", files=files, data={"lang": "zh"}, headers={"Accept-Language": "en"}).json()
    assert any(p["message"].startswith("正文写 3") for p in zh[0]["problems"])
    assert client.post("/api/check").status_code == 422  # no files
    assert client.get("/api/check").status_code == 405


def test_cli_check_prints_the_same(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path / "home"))
    assert main(["ingest", str(DONGSHAN)]) == 0
    capsys.readouterr()
    copy = tmp_path / "dongshan-2020-draft.txt"
    copy.write_bytes(_dongshan_copy())
    assert main(["check", str(DONGSHAN), str(copy), "--json"]) == 1  # a row that does not add up is an error
    _dongshan_checked(json.loads(capsys.readouterr().out))
    assert main(["check", str(copy)]) == 1
    out = capsys.readouterr().out
    assert (
        "UNREAD_ROW" not in out and "ERROR    unread_row  表三 收到和处理政府信息公开申请情况 · （一）予以公开" in out
    )
    assert "WARNING  text_table" in out and "expected: 2   found: 3" in out
    assert main(["reports"]) == 0
    assert "1 reports" in capsys.readouterr().out  # the drafts were not ingested


def test_no_false_alarm_on_the_reports_whose_tables_verify():
    """Every sample and corpus report whose 表三 and 表四 verify: no error but the true ones. The only error
    there is a 2021+ report printing （六）其他处理 as the 2019 format's one row, checked here in its text."""
    from conftest import ROOT

    from ingest.loaders import expand_paths, load
    from ingest.model import TableStatus
    from ingest.normalize import compact_str
    from ingest.pipeline import parse_report
    from ingest.selfcheck import check_report

    verified = errors = 0
    for path in expand_paths([ROOT / "samples" / "reports", ROOT / "samples" / "corpus", ROOT / "samples" / "corpus2"]):
        loaded = load(path)
        report = parse_report(loaded.text, str(path), loaded.format, loaded.content, ocr=loaded.ocr)
        standard = [t for t in report.tables if t.table in ("t3", "t4")]
        if not standard or not all(TableStatus(t.status).holds for t in standard):
            continue
        verified += 1
        for p in check_report(report):
            if p.severity != "error":
                continue
            errors += 1
            assert (p.kind, p.found) == ("old_format", "（六）其他处理"), (path.name, p)
            assert report.meta.report_year >= 2021
            assert re.search(r"\(六\)其他处理[\d]", compact_str(report.text)), path.name  # one row of figures
    assert verified >= 40 and errors <= 2

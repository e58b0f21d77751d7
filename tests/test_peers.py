"""Where an office stands among its peers (issue 37): 平潭综合实验区交通与建设局 in 2022 beside the zone's
other departments (samples/corpus/pingtan-depts), each figure cited, its rank and the median; the
departments without a 2022 report listed as such."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from assistant.peers import FIGURES, peers
from ingest.normalize import compact_str
from ui.page.peers import do_peers

OFFICE = "平潭综合实验区交通与建设局"
HELD_2022 = {OFFICE, "平潭综合实验区农业农村局", "平潭综合实验区社会事业局", "平潭综合实验区自然资源与生态环境局"}


@pytest.fixture(scope="module")
def view(corpus_collection):
    return peers(corpus_collection, OFFICE, 2022)


def test_the_peers_are_the_zone_departments_with_a_2022_report(view, corpus_collection):
    assert view.group == "平潭综合实验区的部门"
    assert [r.issuer for r in view.rows][0] == OFFICE and view.rows[0].is_office
    assert {r.issuer for r in view.rows} == HELD_2022
    years = {r.id: r.year for r in corpus_collection.reports()}
    assert all(years[r.report_id] == 2022 for r in view.rows)
    # the zone's departments without a 2022 report, each once (a renamed body under its present name)
    absent = {a.issuer: a.years for a in view.without_report}
    assert "平潭综合实验区旅游与文化体育局" in absent and absent["平潭综合实验区旅游与文化体育局"] == [2019, 2021, 2024]
    assert all(2022 not in ys for ys in absent.values()) and not set(absent) & HELD_2022
    assert "平潭综合实验区国有资产管理局" not in absent  # renamed 投资促进局: listed once, under that name
    assert "平潭综合实验区投资促进局" in absent
    # not peers: other places, the county's pre-zone bodies, governments
    shown = {r.issuer for r in view.rows} | set(absent)
    assert not any(s.startswith(("平潭县", "淮安", "东山", "莆田")) or s.endswith("人民政府") for s in shown)


def test_each_figure_is_cited_by_its_report(view):
    cites = {c.id: c for c in view.citations}
    cited = 0
    for row in view.rows:
        assert [f.metric for f in row.figures] == [k for k, _, _ in FIGURES]
        for f in row.figures:
            if f.value is None:
                assert not f.citations
                continue
            assert f.citations and all(cites[c].report_id == row.report_id for c in f.citations)
            cited += 1
            if f.metric == "granted_share":  # 予以公开 ÷ 办理结果总计, both cited
                num, den = (cites[c] for c in f.citations)
                assert (num.row, den.row) == ("（一）予以公开", "（七）总计")
                a, b = (Decimal(x) for x in f.formula.replace(" × 100", "").split(" ÷ "))
                assert f"{a / b * 100:.2f}%" == f.value
            else:
                assert f.value in compact_str(cites[f.citations[0]].quote)
    assert cited >= 20


def test_rank_and_median_of_each_figure(view):
    table = {r.issuer: {f.metric: f.value for f in r.figures} for r in view.rows}
    assert table[OFFICE]["applications_received"] == "11"  # 表三 一、本年新收 总计
    assert table["平潭综合实验区自然资源与生态环境局"]["applications_received"] == "30"
    for s in view.standings:
        values = [Decimal(v[s.metric].rstrip("%")) for v in table.values() if v[s.metric] is not None]
        assert s.of == len(values)
        mine = table[OFFICE][s.metric]
        if mine is None:
            assert s.rank is None
            continue
        assert s.rank == 1 + sum(v > Decimal(mine.rstrip("%")) for v in values)
        expected = statistics.median(values)
        if s.metric == "granted_share":
            expected = expected.quantize(Decimal("0.01"))
        assert Decimal(s.median.rstrip("%")) == expected
    received = next(s for s in view.standings if s.metric == "applications_received")
    assert (received.rank, received.of, received.median) == (2, 4, "7")  # 30, 11, 3, 0


def test_api_peers(corpus_collection):
    from ui.api import create_app

    client = TestClient(create_app(corpus_collection, with_ui=False))
    reply = client.get("/api/peers", params={"issuer": OFFICE, "year": 2022})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert {r["issuer"] for r in body["rows"]} == HELD_2022 and body["citations"]
    assert body["standings"][0] == {
        "metric": "applications_received",
        "label": "收到申请",
        "value": "11",
        "rank": 2,
        "of": 4,
        "median": "7",
    }
    en = client.get("/api/peers", params={"issuer": OFFICE, "year": 2022, "lang": "en"}).json()
    assert en["group"] == "departments of 平潭综合实验区" and en["standings"][0]["label"] == "applications received"
    several = client.get("/api/peers", params={"issuer": "平潭综合实验区", "year": 2022})
    assert several.status_code == 409 and OFFICE in several.json()["choices"]
    missing = client.get("/api/peers", params={"issuer": OFFICE, "year": 2021, "lang": "en"})
    assert missing.status_code == 404 and "2020, 2022, 2025" in missing.json()["detail"]
    assert client.get("/api/peers", params={"issuer": OFFICE}).status_code == 422


def test_the_compare_tab_view(corpus_collection):
    shown = do_peers(corpus_collection, OFFICE, "2022", "中文")
    assert "同级单位：平潭综合实验区的部门" in shown and "<sup>[1]</sup>" in shown
    assert "当年无报告：" in shown and "平潭综合实验区旅游与文化体育局" in shown
    assert "本单位排名" in shown and "2 / 共4个" in shown
    assert "请选择" in do_peers(corpus_collection, None, "2022", "中文")
    assert "fits" in do_peers(corpus_collection, "平潭综合实验区", "2022", "English")


def test_a_government_is_among_the_governments_of_its_level_under_its_parent(corpus_collection):
    """洪泽区 is a district of 淮安市: its peers are 淮安's other county-level governments (none held), not
    淮安市人民政府 above it; 东山县's general office is among county governments' offices, not governments."""
    district = peers(corpus_collection, "淮安市洪泽区人民政府", 2024)
    assert district.group == "淮安市所辖县级人民政府"
    assert [r.issuer for r in district.rows] == ["淮安市洪泽区人民政府"] and district.without_report == []
    received = district.standings[0]
    assert (received.rank, received.of) == (1, 1) and received.median == received.value
    office = peers(corpus_collection, "东山县人民政府办公室", 2020, "en")
    assert office.group == "county-level government offices under 漳州市"

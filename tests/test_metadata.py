from datetime import date

import pytest

from ingest.clean import clean
from ingest.metadata import split_date_run

EXPECTED = {
    "000_d76d4b4009bfe151.txt": dict(
        issuer="重庆市开州区岳溪镇人民政府",
        year=2019,
        generation="2019",
        published=date(2020, 7, 3),
        regions={"province": "重庆市", "county": "开州区", "town": "岳溪镇"},
        period=(date(2019, 1, 1), date(2019, 12, 31)),
        signature=None,
    ),
    "001_b722d12b70247cc9.txt": dict(
        issuer="云城区",  # a bare place name keeps its title form; 云浮市 is in its regions
        year=2018,
        generation="pre-2019",
        published=date(2019, 2, 28),
        regions={"province": "广东省", "city": "云浮市", "county": "云城区"},
        period=(None, None),
        signature=None,  # no period stated up front
    ),
    "002_57d10eb15bb2ae81.txt": dict(
        issuer="嘎什根乡",
        year=2014,
        generation="pre-2019",
        published=date(2014, 12, 31),
        regions={"town": "嘎什根乡"},
        period=(date(2014, 1, 1), date(2014, 12, 12)),
        signature=date(2014, 12, 31),
    ),
    "003_5c938f68f70698c0.txt": dict(
        issuer="鄂尔多斯市东胜区铜川镇人民政府",
        year=2017,
        generation="pre-2019",
        published=date(2018, 3, 30),
        regions={"province": "内蒙古自治区", "city": "鄂尔多斯市", "county": "东胜区", "town": "铜川镇"},
        period=(date(2017, 1, 1), date(2017, 12, 31)),
        signature=None,
    ),
    "004_1517837ce4499e82.txt": dict(
        issuer="东山县人民政府办公室",
        year=2020,
        generation="2019",
        published=date(2021, 1, 19),
        regions={"province": "福建省", "city": "漳州市", "county": "东山县"},
        period=(date(2020, 1, 1), date(2020, 12, 31)),
        signature=date(2021, 1, 12),
    ),
    "huaian-2024.pdf": dict(
        issuer="淮安市人民政府",
        year=2024,
        generation="2021",
        published=None,
        regions={"province": "江苏省", "city": "淮安市"},
        period=(date(2024, 1, 1), date(2024, 12, 31)),
        signature=None,
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_of_every_sample(parsed, name):
    meta, want = parsed[name].meta, EXPECTED[name]
    assert meta.issuer == want["issuer"]
    assert meta.report_year == want["year"]
    assert meta.generation == want["generation"]
    assert meta.published == want["published"]
    assert meta.regions == want["regions"]
    assert (meta.stat_start, meta.stat_end) == want["period"]
    assert meta.signature_date == want["signature"]
    assert len(meta.content_hash) == 64


def test_report_year_is_the_statistics_year_not_the_publication_year(parsed):
    meta = parsed["004_1517837ce4499e82.txt"].meta
    assert meta.report_year == 2020 and meta.published.year == 2021


def test_compiler_is_kept_apart_from_the_issuer(parsed):
    assert parsed["001_b722d12b70247cc9.txt"].meta.compiled_by == "云城区人民政府办公室"


def test_date_runs_with_lost_characters():
    assert split_date_run("201411") == [date(2014, 1, 1)]
    assert split_date_run("20141212") == [date(2014, 12, 12)]
    assert split_date_run("20181231") == [date(2018, 12, 31)]


@pytest.mark.parametrize(
    "name,chrome",
    [
        ("000_d76d4b4009bfe151.txt", ["您当前的位置", "扫一扫在手机打开当前页", "新闻媒体网站", "\n度报告\n"]),
        ("001_b722d12b70247cc9.txt", ["当前位置", "浏览人数", "【字号", "分享到", "TOP 打印本页", "×关闭"]),
        ("002_57d10eb15bb2ae81.txt", ["登录", "点击数"]),
        ("003_5c938f68f70698c0.txt", ["字号:", "打印: 保存:"]),
        ("004_1517837ce4499e82.txt", ["长者模式", "无障碍浏览", "返回首页", "扫一扫在手机打开当前页"]),
    ],
)
def test_clean_drops_chrome_and_keeps_the_report(parsed, name, chrome):
    from conftest import SAMPLES

    raw = (SAMPLES / name).read_text(encoding="utf-8")
    text = clean(raw).text
    for junk in chrome:
        assert junk not in text, junk
    # every heading and the last paragraph of the report survive
    report = parsed[name]
    for s in report.sections:
        if s.level == 0:
            continue
        assert s.title.split(">")[-1].strip()[:6] in text
    assert text.startswith(report.meta.title)
    last_para = [x for x in raw.split("\n") if len(x.strip()) > 20][-1].strip()
    if "扫一扫" not in last_para and "TOP" not in last_para:
        assert last_para[:20] in text


def test_parents_come_from_the_division_codes_only_when_unambiguous():
    from ingest.gazetteer import parents

    assert parents("东山县") == {"province": "福建省", "city": "漳州市"}
    assert parents("东山区") == {}  # three 东山区 in three provinces: no guess
    assert parents("东山区", {"city": "广州市"}) == {"province": "广东省", "city": "广州市"}
    assert parents("开州区") == {}  # renamed in 2016, after the code table ends

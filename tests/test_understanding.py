"""Understanding questions: years, ambiguous names, English names generated from pinyin, follow-ups."""

from datetime import date

from conftest import DONGSHAN, check_the_catalog_keeps_issuer_names

from assistant.names import aliases, match_issuers
from assistant.understand import parse, parse_years, resolve_follow_up
from index.collection import Collection
from index.settings import Settings

TODAY = date(2026, 11, 22)


def test_year_expressions():
    assert parse_years("2019—2021年收到多少申请", TODAY) == ([2019, 2020, 2021], "2019—2021")
    assert parse_years("近三年的复议", TODAY)[0] == [2023, 2024, 2025]
    assert parse_years("去年收到几件", TODAY) == ([2025], "去年")
    assert parse_years("2020年度报告", TODAY) == ([2020], "")
    assert parse_years("over the last two years", TODAY)[0] == [2024, 2025]


def test_english_names_come_from_pinyin_and_the_suffix_table():
    texts = {a.text for a in aliases("东山县人民政府办公室")}
    assert {"东山县", "东山", "Dongshan County", "Dongshan"} <= texts
    assert {a.text for a in aliases("重庆市开州区岳溪镇人民政府")} >= {"岳溪镇", "Yuexi Town"}
    assert match_issuers("How many requests did Huai'an get", ["淮安市人民政府"]) == ["淮安市人民政府"]


def test_a_name_two_issuers_share_is_answered_for_each(tmp_path):
    from assistant.answer import ask

    other = tmp_path / "dongshan-district.txt"
    other.write_text(
        DONGSHAN.read_text(encoding="utf-8").replace("东山县人民政府办公室2020年", "东山区人民政府2020年"),
        encoding="utf-8",
    )
    coll = Collection(Settings.from_env(tmp_path / "home"))
    assert [r.status for r in coll.ingest([DONGSHAN, other])] == ["added", "added"]
    answer = ask("东山2020年收到多少政府信息公开申请？", None, coll)
    assert {f.issuer for f in answer.facts} == {"东山县人民政府办公室", "东山区人民政府"}
    # the full name picks one
    answer = ask("东山区2020年收到多少政府信息公开申请？", None, coll)
    assert {f.issuer for f in answer.facts} == {"东山区人民政府"}


def test_follow_ups_inherit_what_they_leave_out():
    catalog = [("淮安市人民政府", 2024, {"city": "淮安市"}), ("东山县人民政府办公室", 2020, {"county": "东山县"})]
    first = parse("淮安市2024年收到多少政府信息公开申请？", catalog, TODAY)
    follow = resolve_follow_up(parse("它的行政复议呢", catalog, TODAY), first)
    assert follow.issuers == ["淮安市人民政府"] and follow.years == [2024] and follow.metric.key == "reviews"
    other = resolve_follow_up(parse("那东山县呢？", catalog, TODAY), first)
    assert other.issuers == ["东山县人民政府办公室"] and other.metric.key == "applications_received"


def test_a_follow_up_year_counts_from_the_year_asked_before_not_from_today():
    catalog = [("东山县人民政府办公室", 2020, {"county": "东山县"})]
    first = parse("东山县2020年收到多少政府信息公开申请？", catalog, TODAY)
    for words, year in [
        ("那个县前一年呢", 2019),
        ("上一年呢？", 2019),
        ("what about the year before?", 2019),
        ("次年呢", 2021),
    ]:
        follow = resolve_follow_up(parse(words, catalog, TODAY), first)
        assert follow.years == [year] and follow.metric.key == "applications_received", words
    assert parse("上一年收到多少申请？", catalog, TODAY).years == [2025]  # standalone: counted from today


def test_how_questions_are_not_figure_lookups():
    catalog = [("东山县人民政府办公室", 2020, {})]
    assert parse("东山县下一步怎么做依申请公开监测？", catalog, TODAY).metric is None
    assert parse("嘎什根乡承诺几个工作日内回复申请？", catalog, TODAY).metric is None
    assert parse("东山县2020年收到多少政府信息公开申请？", catalog, TODAY).metric.key == "applications_received"


def test_the_catalog_keeps_what_it_derives_from_issuer_names(collection):
    check_the_catalog_keeps_issuer_names(collection)

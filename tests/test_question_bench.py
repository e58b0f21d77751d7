"""The generated-question benchmark (issue 32, ``gongkai bench questions``): the generator checked against
the facts store it reads (every expected figure is the stored one, every kind is made, a quarter or more
in English, the same seed gives the same set), the naming and scoring rules on their own, and a small
subset asked of a real collection."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assistant.types import Answer, AnswerStatus, Citation, Fact
from measure import KINDS
from measure.names import body_key, chinese_names, english_names, parse_issuer, unique_names
from measure.questions import (
    CHECKED,
    GeneratedQuestion,
    Part,
    choose,
    classify,
    generate,
    label_cell,
    prose_stem,
    score,
)


@pytest.fixture(scope="module")
def generated(corpus_collection) -> list[GeneratedQuestion]:
    return generate(corpus_collection.facts, seed=0)


# --- the generator against the store ------------------------------------------------------------


def test_every_kind_is_made_and_a_quarter_is_english(generated):
    kinds = {q.kind for q in generated}
    assert kinds == set(KINDS), set(KINDS) - kinds
    english = sum(q.lang == "en" for q in generated)
    assert english / len(generated) >= 0.25
    assert len({q.question for q in generated}) == len(generated)  # one text, one expectation


def test_every_expected_figure_is_the_stored_one(corpus_collection, generated):
    facts = corpus_collection.facts
    cells = {(c.report_id, f"{c.row_id}:{c.col_id}"): c for c in facts.cells(None)}
    tables = {rid: {t.table: t.status for t in facts.tables(rid)} for rid in facts.report_ids()}
    figures = {(f.report_id, f.metric, f.value_text) for f in facts.figures(None)}
    reports = {r.id: r for r in facts.reports()}
    checked = 0
    for q in generated:
        assert q.expect_cited == list(dict.fromkeys(p.report_id for p in q.parts))
        for p in q.parts:
            report = reports[p.report_id]
            assert (report.issuer, report.year) == (p.issuer, p.year)
            if p.cell.startswith("text."):
                assert (p.report_id, p.cell, p.value) in figures, (q.question, p)
                continue
            cell = cells[(p.report_id, p.cell)]
            if q.kind == "ambiguous":
                assert cell.status == "ambiguous" and q.ambiguous_candidates == cell.candidates
            else:
                assert cell.status == "number" and cell.value_text == p.value, (q.question, p, cell.value_text)
                assert cell.table == "legacy" or tables[p.report_id][cell.table] in CHECKED
            checked += 1
        if q.expect_status == "not_found":
            assert not q.parts
    assert checked > 1000


def test_questions_of_one_report_and_the_same_seed(corpus_collection):
    facts = corpus_collection.facts
    huaian = next(r.id for r in facts.reports() if r.issuer == "淮安市人民政府")
    one = generate(facts, seed=3, report_ids=[huaian])
    assert one == generate(facts, seed=3, report_ids=[huaian])
    assert [q.question for q in one] != [q.question for q in generate(facts, seed=4, report_ids=[huaian])]
    singles = [q for q in one if q.kind == "single"]
    # every checked number cell of its tables is asked once (the tables are verified)
    stored = [c for c in facts.cells([huaian]) if c.table in ("t3", "t4") and c.status == "number"]
    asked = {q.parts[0].cell for q in singles}
    assert {f"{c.row_id}:{c.col_id}" for c in stored} <= asked
    assert any(q.kind == "prose" and "3119" in q.expect_values for q in one)


def test_choose_takes_every_kind_in_turn(generated):
    chosen = choose(generated, 18, seed=0)
    assert len(chosen) == 18 and {q.kind for q in chosen} == set(KINDS)
    assert all(q.kind == "range" for q in choose(generated, 5, seed=0, kind="range"))


# --- names ------------------------------------------------------------------------------------------


def test_names_are_derived_from_the_issuer_string():
    assert [p.full for p in parse_issuer("鄂尔多斯市东胜区铜川镇人民政府").places] == ["鄂尔多斯市", "东胜区", "铜川镇"]
    assert parse_issuer("莆田市城市管理行政执法局").organ == "城市管理行政执法局"  # 城市 is no place
    assert parse_issuer("平潭综合实验区市场监督管理局").organ == "市场监督管理局"
    assert {"平潭交建局", "平潭交通与建设局", "交通与建设局", "交建局"} <= set(
        chinese_names("平潭综合实验区交通与建设局")
    )
    assert "莆田水利局" in chinese_names("莆田市水利局")
    assert "市监局" in chinese_names("平潭综合实验区市场监督管理局")
    assert {"漳州市东山县人民政府办公室", "东山县政府办"} <= set(chinese_names("东山县人民政府办公室", "漳州市"))
    assert "the Pingtan transport and construction bureau" in english_names("平潭综合实验区交通与建设局")
    assert "the Putian audit bureau" in english_names("莆田市审计局")
    assert "Dongshan County's general office" in english_names("东山县人民政府办公室")
    assert {"Huai'an City", "Huai'an"} <= set(english_names("淮安市人民政府"))
    assert "Yue Xi town" in english_names("重庆市开州区岳溪镇人民政府")
    assert body_key("莆田市") == body_key("莆田市人民政府")
    assert body_key("莆田市科技局") == body_key("莆田市科学技术局")


def test_a_name_two_bodies_answer_to_is_dropped():
    issuers = ["莆田市体育局", "平潭综合实验区旅游与文化体育局", "平潭县综合执法局", "平潭综合实验区综合执法局"]
    bodies = unique_names(dict.fromkeys(issuers, ""), {i: [2020] for i in issuers})
    sports = bodies[body_key("莆田市体育局")]
    assert "莆田体育局" in sports.zh and "体育局" not in sports.zh  # 旅游与文化体育局 ends so too
    assert "the sports bureau" not in sports.en
    assert "综合执法局" not in bodies[body_key("平潭县综合执法局")].zh
    assert "平潭综合执法局" not in bodies[body_key("平潭综合实验区综合执法局")].zh


def test_a_sentence_figure_is_asked_in_its_own_words():
    assert prose_stem("受理政府信息公开申请3119件", "3119", "件") == "受理政府信息公开申请多少件"
    assert prose_stem("共5人接受培训", "5", "人") == "共多少人接受培训"
    assert prose_stem("没有收到信息公开申请", "0", "件") == "收到信息公开申请多少件"
    assert prose_stem("网络申请", "5", "件") == "网络申请多少件"


# --- scoring ----------------------------------------------------------------------------------------


def _fact(
    value: str, metric: str = "t3.new_received:total", report: str = "r1", label: str = "", source: str = "table"
):
    return Fact(report, "甲局", 2020, metric, label, value, "件", "1", source)


def _answer(*facts: Fact, status: AnswerStatus = AnswerStatus.ANSWERED, text: str = "", reports=("r1",)) -> Answer:
    citations = [Citation("1", r, "甲局", 2020, "表三", "") for r in reports]
    return Answer(text, status, citations, list(facts))


def _q(*parts: Part, kind: str = "single", status: str = "answered", candidates=()) -> GeneratedQuestion:
    return GeneratedQuestion(
        kind,
        "zh",
        "?",
        [p.value for p in parts],
        list(dict.fromkeys(p.report_id for p in parts)),
        status,
        list(candidates),
        parts=list(parts),
    )


def test_scoring_rules():
    new = Part("r1", "甲局", 2020, "t3.new_received:total", "3")
    held = Part("r1", "甲局", 2020, "t3.unable.not_held:total", "0")
    assert classify(_q(new), _answer(_fact("3.0")))[0] == "right"  # compared as numbers
    assert (
        classify(_q(new), _answer(_fact("3", metric="x", label="一、本年新收政府信息公开申请数量 · 总计")))[0]
        == "right"
    )
    assert classify(_q(new), _answer(_fact("3"), reports=("r2",)))[0] == "missed"  # stated, not cited
    assert classify(_q(new), _answer(_fact("4")))[0] == "wrong"  # another value for the asked cell
    assert classify(_q(held), _answer(_fact("3")))[0] == "wrong"  # another cell's figure in its place
    assert classify(_q(held), _answer(_fact("0")))[0] == "missed"  # another cell, the same number
    assert classify(_q(new), _answer(_fact("3", report="r0"), reports=("r0",)))[0] == "wrong"  # another year
    assert classify(_q(new, held, kind="compound_cells"), _answer(_fact("3")))[0] == "missed"  # a part dropped
    both = _answer(_fact("3"), _fact("0", metric="x", label="1.本机关不掌握相关政府信息 · 总计"))
    assert classify(_q(new, held, kind="compound_cells"), both)[0] == "right"
    assert classify(_q(new), _answer(status=AnswerStatus.NOT_FOUND))[0] == "not_found"
    assert classify(_q(new), _answer(text="……"))[0] == "missed"  # a passage
    gone = _q(status="not_found")
    gone.held_years = [2020]
    assert (
        classify(gone, _answer(status=AnswerStatus.NOT_FOUND, text="没有2021年度的报告；现有年度：2020"))[0] == "right"
    )
    assert classify(gone, _answer(status=AnswerStatus.NOT_FOUND, text="没有"))[0] == "missed"
    assert classify(gone, _answer(_fact("3"), status=AnswerStatus.PARTIAL))[0] == "wrong"
    amb = _q(
        Part("r1", "甲局", 2020, "t3.granted:total", ""), kind="ambiguous", status="ambiguous", candidates=("0", "12")
    )
    assert classify(amb, _answer(text="无法确定（可能为 0、12）"))[0] == "said_ambiguous"
    assert classify(amb, _answer(_fact("12", metric="t3.granted:total")))[0] == "wrong"
    assert label_cell("行政诉讼·复议后起诉 · 总计") == "t4.litigation_after_review:total"
    assert label_cell("行政复议数 · 本年度") == "legacy.行政复议数:this_year"


# --- a subset asked of the collection -------------------------------------------------------------


@pytest.mark.slow
def test_a_subset_has_no_wrong_figure_and_no_error(corpus_collection, generated):
    chosen = choose(generated, 90, seed=0)
    results = score(chosen, corpus_collection)
    assert len(results) == 90 and {r.question.kind for r in results} == set(KINDS)
    bad = [(r.outcome, r.question.question, r.reason) for r in results if r.outcome in ("wrong", "error")]
    assert not bad, bad[:10]


def test_scoring_never_stops_at_an_exception(corpus_collection, generated, monkeypatch):
    import assistant.answer

    def broken(question, history=None, collection=None):
        raise KeyError("t2.licensing:change")

    monkeypatch.setattr(assistant.answer, "ask", broken)
    results = score(choose(generated, 3, seed=0), corpus_collection)
    assert [r.outcome for r in results] == ["error"] * 3 and "KeyError" in results[0].reason


def test_numbers_in_facts_are_decimals():
    from measure.questions import _num

    assert _num("3.0") == _num("3") == Decimal(3)
    assert _num("25.6万") == Decimal(256000)
    assert _num("１,２３４") == Decimal(1234)
    assert _num("—") is None

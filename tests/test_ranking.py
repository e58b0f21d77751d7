"""Questions over a whole collection (rank, zero list, compare, coverage, practice): they choose among
every report from figures read in bulk and cite only what they show. The bulk read must give each
report the very figure the cited path gives it, and a list longer than SHOWN is cut and counted."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

import index.facts
from assistant import kinds_text
from assistant.answer import ask
from assistant.compose import SHOWN, Composer
from assistant.glossary import METRICS, T2_NEAREST
from assistant.values import _read_numbers, best_value, numbers


def _cited_values(coll, reports, metric, column) -> dict[str, Decimal]:
    comp = Composer("zh", coll)
    out = {}
    for r in reports:
        v = best_value(comp, coll, r, metric, column)
        if v is not None and v.value is not None:
            out[r.id] = v.value
    return out


@pytest.mark.parametrize("few", [True, False], ids=["ids-bound", "ids-filtered-in-python"])
def test_bulk_figures_equal_the_cited_figures_for_every_metric(corpus_collection, monkeypatch, few):
    """Samples + 42 real reports (2009–2025: legacy tables, prose-only years, both table generations)."""
    if not few:
        monkeypatch.setattr(index.facts, "BOUND_REPORTS", 0)
    reports = corpus_collection.reports()
    checked = 0
    for metric in METRICS:
        for column in [None, *sorted(T2_NEAREST)] if metric.key in ("rules", "normative_docs") else [None]:
            bulk = _read_numbers(corpus_collection, reports, [r.id for r in reports], metric, column)
            assert bulk == _cited_values(corpus_collection, reports, metric, column), (metric.key, column)
            checked += len(bulk)
    assert checked > 300  # the comparison saw real figures, not empty dicts


def test_bulk_figures_of_a_subset_and_the_cache(corpus_collection):
    reports = corpus_collection.reports()
    metric = next(m for m in METRICS if m.key == "applications_received")
    half = reports[::2]
    got = numbers(corpus_collection, half, metric, None)
    assert got == _cited_values(corpus_collection, half, metric, None)
    assert set(got) <= {r.id for r in half}
    assert numbers(corpus_collection, half, metric, None) is got  # same catalog, same reports: kept
    assert numbers(corpus_collection, reports, metric, None) is not got


def _stated(answer) -> list[tuple[str, str]]:
    return [(f.report_id, f.value) for f in answer.facts]


def test_a_ranking_of_many_reports_shows_the_top_and_counts_the_rest(corpus_collection):
    reports = corpus_collection.reports()
    metric = next(m for m in METRICS if m.key == "applications_received")
    every = _cited_values(corpus_collection, reports, metric, None)
    assert len(every) > SHOWN  # otherwise nothing is cut
    answer = ask("哪个单位收到的政府信息公开申请最多？", collection=corpus_collection)
    stated = _stated(answer)
    assert len(stated) == SHOWN
    values = [Decimal(v) for _, v in stated]
    assert values == sorted(every.values(), reverse=True)[:SHOWN]
    assert values[0] == max(every.values())
    assert f"另有 {len(every) - SHOWN} 份未列出" in answer.answer
    assert f"共 {len(every)} 份报告给出数字" in answer.answer
    cited = {c.id for c in answer.citations}
    assert all(f.citation in cited for f in answer.facts)
    assert {c.report_id for c in answer.citations} == {rid for rid, _ in stated}  # only what is shown is cited
    lines = [ln for ln in answer.answer.splitlines() if re.match(r"\d+\. ", ln)]
    assert len(lines) == SHOWN


def test_the_lowest_ranks_ascending_and_ties_are_counted(corpus_collection):
    reports = corpus_collection.reports()
    metric = next(m for m in METRICS if m.key == "applications_received")
    every = _cited_values(corpus_collection, reports, metric, None)
    low = min(every.values())
    tied = sum(v == low for v in every.values())
    answer = ask("哪个单位收到的政府信息公开申请最少？", collection=corpus_collection)
    assert Decimal(answer.facts[0].value) == low
    if tied > SHOWN:
        assert f"等 {tied} 份报告（并列）" in answer.answer


def test_a_zero_list_of_many_reports_is_cut_and_exact(corpus_collection):
    reports = corpus_collection.reports()
    metric = next(m for m in METRICS if m.key == "applications_received")
    every = _cited_values(corpus_collection, reports, metric, None)
    zeros = [rid for r in reports if every.get(rid := r.id) == 0]
    answer = ask("哪些单位没有收到政府信息公开申请？", collection=corpus_collection)
    stated_zero = [rid for rid, v in _stated(answer) if v == "0"]
    assert stated_zero == zeros[:SHOWN]
    assert len(_stated(answer)) <= 2 * SHOWN


def test_coverage_lists_each_body_once_with_its_years(corpus_collection, monkeypatch):
    reports = corpus_collection.reports()
    issuers = {r.issuer for r in reports}
    answer = ask("资料库里有哪些报告？", collection=corpus_collection)
    assert f"共有 {len(reports)} 份报告" in answer.answer
    bodies = [ln for ln in answer.answer.splitlines() if ln.startswith("- ")]
    assert len(bodies) == min(len(issuers), SHOWN)
    if len(issuers) <= SHOWN:
        assert {c.report_id for c in answer.citations} == {r.id for r in reports}
    monkeypatch.setattr(kinds_text, "SHOWN", 3)  # a collection of more bodies than a chat answer lists
    cut = ask("资料库里有哪些报告？", collection=corpus_collection)
    assert "按地区：" in cut.answer
    assert len([ln for ln in cut.answer.splitlines() if ln.startswith("- ")]) == 3
    assert f"另有 {len(reports) - len(cut.citations)} 份未列出" in cut.answer


def test_practice_in_a_big_collection_reads_the_best_passages_reports(corpus_collection, monkeypatch):
    """Past NARROW_REPORTS the reports to read come from the lexical index: the sample that says it is
    still found (read whole, it is found either way)."""
    question = "哪些单位提到缺少专职人员？"
    whole = ask(question, collection=corpus_collection)
    monkeypatch.setattr(kinds_text, "NARROW_REPORTS", 5)
    searched = ask(question, collection=corpus_collection)
    assert "最相关的" in searched.answer
    yuexi = {c.report_id for c in whole.citations if "岳溪" in c.issuer}
    assert yuexi and yuexi <= {c.report_id for c in searched.citations}
    assert all("专职" in c.quote for c in searched.citations)


def test_a_mention_question_narrowed_by_year_is_matched_on_what_is_mentioned(corpus_collection):
    """The year (and a figure word like 人员) chose the reports; it must neither route the question to a
    figures comparison nor be a word the sentences are matched on."""
    answer = ask("2019年哪些单位提到缺少专职人员？", collection=corpus_collection)
    assert answer.status == "answered"
    cited = {(c.issuer, c.year) for c in answer.citations}
    assert ("重庆市开州区岳溪镇人民政府", 2019) in cited
    assert all(year == 2019 for _, year in cited)
    assert not answer.facts  # sentences quoted, no figure compared

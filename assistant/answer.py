"""``respond``/``ask``: a question in, an answer with figures and citations out. The one path every
front end uses.

Deterministic: figures come from stored table cells and prose figures only; passages come from
the vector index, filtered to the reports the question names. When the collection does not hold
what is asked, the answer says so and says what it does hold. Here a question becomes a query
(:mod:`assistant.understand`), the query picks its reports and its handler (``HANDLERS``: one per
kind of question, in :mod:`assistant.kinds_figures` and :mod:`assistant.kinds_text`), and the
handler's findings are worded by :mod:`assistant.phrasing`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant import kinds_figures as fig
from assistant import kinds_text as txt
from assistant import phrasing as say
from assistant import understand as u
from assistant.bodies import NAMES_VERSION, BodyCatalog, IssuerNames
from assistant.compose import Composer
from assistant.glossary import BY_KEY
from assistant.types import ANSWERED, NOT_FOUND, PARTIAL, Answer, AnswerStatus, Citation
from assistant.understand import Query
from assistant.values import best_value
from index.collection import Collection
from index.collector import without_collector_pauses
from index.facts import ReportRow
from ingest.model import CellStatus
from ingest.normalize import format_value

Handler = Callable[[Composer, Collection, Query, list[ReportRow]], AnswerStatus]

LOOKUP_THEN_TEXT = "lookup_then_text"  # a figure asked of named reports; passages when none is stated


def _lookup_then_text(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    running = fig.running_total(comp, coll, q, reports)
    if running is not None:
        return running  # a 历年累计 asked of reports that count one year: a sentence's, or not held
    if fig.stated_first(comp, coll, q, reports):
        mark, known = len(comp.lines), len(comp.facts)
        fig.lookup(comp, coll, q, reports)  # the table's own figure for the metric it also names, after it
        said = {(f.citation, f.value) for f in comp.facts[:known]}
        if comp.facts[known:] and all((f.citation, f.value) in said for f in comp.facts[known:]):
            del comp.lines[mark:], comp.facts[known:]  # the same figure of the same sentence: said once
        fig.stated_items(comp, coll, q, reports)
        return ANSWERED
    mark = len(comp.lines)
    status = fig.lookup(comp, coll, q, reports)
    if reports and all(r.id in comp.lacking for r in reports):
        return NOT_FOUND  # the format has no such item: said so, and no passage stands in for it
    if not comp.facts and not comp.held_open:
        said = comp.lines[mark:]
        del comp.lines[mark:]
        if fig.stated(comp, coll, q, reports) == ANSWERED:
            fig.stated_items(comp, coll, q, reports)  # and the other clauses' ("专职、兼职各多少")
            return ANSWERED  # no table figure: one the report's sentences state in the question's words
        comp.lines[mark:mark] = said  # none either: what the lookup found to say stands
    if comp.held_open and not comp.facts:
        return PARTIAL  # the cell is there and undecided: said so with its candidates, not a passage instead
    if comp.facts:
        fig.stated_beside(comp, coll, q, reports)
        fig.stated_items(comp, coll, q, reports)  # clauses that ask what no table metric names
    if status == NOT_FOUND or not comp.facts:  # no figure: what the reports say about it
        status = txt.passages(comp, coll, q, reports, True)
        status = PARTIAL if status == ANSWERED else status
    return status


def _compound(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    if fig.stated_phrase(comp, coll, q, reports):
        return ANSWERED  # the metrics named make one item of the report's own sentence
    status = fig.compound(comp, coll, q, reports)
    fig.stated_items(comp, coll, q, reports)
    return status


def _passages(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    narrowed = bool(q.issuers or q.regions or q.years)
    if q.issuers and q.years and fig.stated(comp, coll, q, reports) == ANSWERED:
        return ANSWERED  # a figure the report states under the question's own words
    status = txt.passages(comp, coll, q, reports, narrowed)
    return PARTIAL if status == ANSWERED and q.metric is not None else status


def _report_fact(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    narrowed = bool(q.issuers or q.regions or q.years)
    status = txt.report_fact(comp, coll, q, reports if narrowed else [])
    if status == NOT_FOUND and not narrowed:
        comp.say(*say.name_the_office())
    return status


def _practice(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    narrowed = bool(q.issuers or q.regions or q.years)
    return txt.practice(comp, coll, q, reports if narrowed else [])


HANDLERS: dict[str, Handler] = {
    u.OFF_TOPIC: txt.off_topic,
    u.COMPOUND: _compound,
    u.TREND: fig.trend,
    u.SCOPE: txt.scope,
    u.T2_COLUMN: fig.t2_column,
    u.COVERAGE: txt.coverage,
    u.REPORT_FACT: _report_fact,
    u.RANK: fig.rank,
    u.ZERO_LIST: fig.zero_list,
    u.SHARE: fig.share,
    u.COMPARE: fig.compare,
    LOOKUP_THEN_TEXT: _lookup_then_text,
    u.PRACTICE: _practice,
    u.PASSAGE: _passages,
}


_MENTIONS = re.compile(r"提到|说到|讲到|mention", re.I)


def route(q: Query, reports: list[ReportRow]) -> str:
    """The handler for a query: its kind, except that a figure asked of several reports is a
    comparison and a figure with no report named is a search of the passages."""
    narrowed = bool(q.issuers or q.regions or q.years)
    if q.kind in (u.SCOPE, u.T2_COLUMN, u.COVERAGE, u.REPORT_FACT, u.OFF_TOPIC):
        return q.kind
    if q.kind == u.PRACTICE and _MENTIONS.search(q.question):  # "2019年哪些单位提到兼职人员": who says it
        return u.PRACTICE
    if q.metric is not None:
        if q.kind in (u.COMPOUND, u.TREND) and narrowed:
            return q.kind
        if q.kind in (u.RANK, u.ZERO_LIST, u.SHARE):
            return q.kind
        if q.kind == u.COMPARE and len(reports) == 1 and len(q.issuers) <= 1 and len(q.years) <= 1:
            return LOOKUP_THEN_TEXT  # "…, and how many were full-time vs part-time?": items of one report
        if q.kind in (u.COMPARE, u.DIFFERENCE) or (len(reports) > 1 and narrowed):
            return u.COMPARE
        if narrowed:
            return LOOKUP_THEN_TEXT
    return u.PRACTICE if q.kind == u.PRACTICE else u.PASSAGE


# ---------------------------------------------------------------------------------------------
# Which reports a question is about
# ---------------------------------------------------------------------------------------------


Entries = list[tuple[str, int | None, dict[str, str]]]


@dataclass(frozen=True)
class CatalogView:
    """What questions need from the catalog, built once per catalog: each part is a walk of every report,
    which per question would grow with the collection."""

    reports: list[ReportRow]
    bodies: BodyCatalog  # bodies and lineages
    entries: Entries  # (issuer, year, regions) of each report, for the question parser
    by_issuer: dict[str, list[tuple[int, ReportRow]]]  # issuer -> its reports with their place in ``reports``
    copies: frozenset[str] = frozenset()  # reports that repeat another held one (its HTML page beside its text)


_VIEWS: dict[int, CatalogView] = {}
_BUILDING = threading.Lock()


def catalog_view(coll: Collection) -> CatalogView:
    """The collection's catalog view, rebuilt only when its catalog changes: ``reports()`` returns the same
    list until then, so its identity is the key. One thread builds it while the others wait for it: at
    10k reports a build takes seconds, and twenty requests building it at once took minutes."""
    reports = coll.reports()
    cached = _VIEWS.get(id(coll))
    if cached is not None and cached.reports is reports:
        return cached
    with _BUILDING, without_collector_pauses():
        reports = coll.reports()
        cached = _VIEWS.get(id(coll))
        if cached is not None and cached.reports is reports:
            return cached
        view = _build_view(coll, reports)
        _VIEWS[id(coll)] = view
        return view


def _build_view(coll: Collection, reports: list[ReportRow]) -> CatalogView:
    by_report = coll.body_names()
    names: dict[str, list] = {}
    by_issuer: dict[str, list[tuple[int, ReportRow]]] = {}
    for pos, r in enumerate(reports):
        names.setdefault(r.issuer, []).extend(by_report.get(r.id, []))
        by_issuer.setdefault(r.issuer, []).append((pos, r))
    bodies = BodyCatalog(((r.issuer, r.year) for r in reports), names, _stored_names(coll))
    coll.facts.keep_issuer_names(NAMES_VERSION, {i: n.as_json() for i, n in bodies.fresh.items()})
    view = CatalogView(
        reports, bodies, [(r.issuer, r.year, r.regions) for r in reports], by_issuer, _copies(coll, reports)
    )
    # the name and place indexes the question parser builds on first use, built here under the lock
    for question in WARM_QUESTIONS:
        u.parse(question, view.entries, None, view.bodies)
    return view


def _copies(coll: Collection, reports: list[ReportRow]) -> frozenset[str]:
    """Reports that are another held report again: the same issuer and year and the same cells (a portal's
    HTML page kept beside its crawled text as a near-duplicate). An answer cites one, not each figure twice;
    the one kept is the first held. Only issuer-years held more than once are read."""
    groups: dict[tuple[str, int | None], list[ReportRow]] = {}
    for r in reports:
        groups.setdefault((r.issuer, r.year), []).append(r)
    copies: set[str] = set()
    for group in (g for g in groups.values() if len(g) > 1):
        cells: dict[str, set[tuple[str, str, str]]] = {r.id: set() for r in group}
        for c in coll.facts.cells([r.id for r in group]):
            cells[c.report_id].add((c.row_id, c.col_id, c.value_text or c.status))
        kept: list[ReportRow] = []
        for r in group:
            if cells[r.id] and any(cells[r.id] == cells[k.id] for k in kept):
                copies.add(r.id)
            else:
                kept.append(r)
    return frozenset(copies)


def _stored_names(coll: Collection) -> dict[str, IssuerNames]:
    """What earlier builds (this server's or another's) derived from the issuers' names."""
    out = {}
    for issuer, data in coll.facts.issuer_names(NAMES_VERSION).items():
        described = IssuerNames.from_json(data)
        if described is not None:
            out[issuer] = described
    return out


WARM_QUESTIONS = ("东山县2020年收到多少政府信息公开申请？", "How many requests did Dongshan County receive in 2020?")


def warm(coll: Collection) -> None:
    """Build what a first question would (the catalog view and the name indexes), before it is asked:
    a server runs this in the background once it takes requests, and a question asked meanwhile waits
    for this one build instead of starting its own."""
    ask(WARM_QUESTIONS[0], collection=coll)


def select_reports(comp: Composer, q: Query, view: CatalogView) -> list[ReportRow] | None:
    """The reports the question is about, or None after saying why there are none."""
    all_reports = view.reports
    if q.unknown and not q.issuers:
        regions = {i: set(r.values()) for i, _, r in view.entries}
        nearest = view.bodies.nearest(q.unknown, set(q.places), regions)
        comp.say(*say.no_such_body(q.unknown, [(i, view.bodies.lineage_years(i)) for i in nearest]))
        return None
    pool = [r for r in all_reports if r.id not in view.copies] if view.copies else all_reports
    for zh, en in q.name_notes:
        comp.note(zh, en)
    if q.issuers:
        pool = [
            r
            for _, r in sorted(pr for i in set(q.issuers) for pr in view.by_issuer.get(i, []))
            if r.id not in view.copies
        ]
    elif q.regions:
        pool = [r for r in pool if set(r.regions.values()) & set(q.regions)]
    if not q.years:
        return pool
    if q.published_reading:
        chosen = [r for r in pool if r.published and r.published.year in q.years]
        if chosen:
            comp.note(*say.published_reading(q.years))
            return chosen
    chosen = [r for r in pool if r.year in q.years]
    if chosen and q.issuers:
        _say_bodies_without_the_year(comp, q, view, chosen)
    if len(q.years) > 1 and chosen:
        missing_years = sorted(set(q.years) - {r.year for r in chosen})
        if missing_years and q.year_words:
            comp.note(*say.years_partly_held(q.years, q.year_words, missing_years))
        return chosen
    if chosen:
        return chosen
    held = sorted({r.year for r in pool if r.year})
    what = q.issuers or q.regions
    if what:
        # a year is the statistics year: another year's figure is never the answer. The nearest years
        # held are named first, and a report published in the year asked (the year before's) is offered
        nearest = sorted(held, key=lambda y: (min(abs(y - a) for a in q.years), y))
        comp.say(*say.year_not_held(_current_names(q, view), q.years, q.year_words, nearest))
        published = [r for r in pool if r.published and r.published.year in q.years and r.year not in q.years]
        for r in published[:1]:
            comp.say(*say.published_in_year_asked(q.years[0], r))
    else:
        comp.say(*say.no_report_for_years(q.years, q.year_words, all_reports))
    return None


def _say_bodies_without_the_year(comp: Composer, q: Query, view: CatalogView, chosen: list[ReportRow]) -> None:
    """A comparison never drops a body silently: each body asked that has no report for the years asked is
    named, with the years it does hold, and the answer is partial."""
    answered = {view.bodies.current.get(r.issuer, r.issuer) for r in chosen}
    if q.ambiguous_name:  # the place alone: its departments are choices, not bodies asked about
        return
    for body in dict.fromkeys(view.bodies.current.get(i, i) for i in q.asked or q.issuers):
        if body in answered:
            continue
        held = view.bodies.lineage_years(body)
        nearest = sorted(held, key=lambda y: (min(abs(y - a) for a in q.years), y))
        comp.say(*say.year_not_held([body], q.years, q.year_words, nearest))
        comp.incomplete = True


def _current_names(q: Query, view: CatalogView) -> list[str]:
    """The names to tell the asker: a renamed body by its newest name, once."""
    names: list[str] = []
    for issuer in q.issuers or q.regions:
        name = view.bodies.current.get(issuer, issuer) if q.issuers else issuer
        if name not in names:
            names.append(name)
    return names


def _previous_query(history: list[dict[str, str]] | None, catalog, today, bodies=None) -> Query | None:
    prev = None
    for turn in history or []:
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            q = u.parse(str(turn["content"]), catalog, today, bodies)
            prev = u.resolve_follow_up(q, prev)
    return prev


def understand(question: str, history, coll: Collection, today: date | None = None) -> Query:
    """The question as a query, a follow-up completed from the conversation and its bodies chosen
    again for the years now asked."""
    view = catalog_view(coll)
    bodies, catalog = view.bodies, view.entries
    q = u.resolve_follow_up(u.parse(question, catalog, today, bodies), _previous_query(history, catalog, today, bodies))
    if q.follow_up and q.asked:
        if q.years_if_held and bodies.holds(q.asked, q.years_if_held):
            q.years = q.years_if_held
        chosen = bodies.for_years(q.asked, q.years, q.ambiguous_name)
        q.issuers, q.name_notes, q.candidates = chosen.issuers, chosen.notes, chosen.candidates
    return q


def ask(
    question: str,
    history: list[dict[str, str]] | None = None,
    collection: Collection | None = None,
    today: date | None = None,
) -> Answer:
    """The deterministic answer."""
    coll = collection or Collection()
    question = (question or "").strip()
    lang = u.language_of(question)
    comp = Composer(lang, coll)
    if not question:
        comp.say(*say.empty_question())
        return comp.done(NOT_FOUND)
    view = catalog_view(coll)
    all_reports = view.reports
    if not all_reports:
        comp.say(*say.empty_collection())
        return comp.done(NOT_FOUND)
    q = understand(question, history, coll, today)
    if q.odd_years:  # a year the user wrote is never ignored: none can be held, and the answer says why
        comp.say(*say.odd_years(q.odd_years, sorted({r.year for r in all_reports if r.year})))
        return comp.done(NOT_FOUND)
    comp.candidates = q.candidates
    reports = select_reports(comp, q, view)
    if reports is None:
        return comp.done(NOT_FOUND)
    if q.other_applications:
        comp.note(*say.other_applications())
    handler = route(q, reports)
    status = HANDLERS[handler](comp, coll, q, all_reports if handler in (u.SCOPE, u.OFF_TOPIC) else reports)
    if status == NOT_FOUND and not comp.lines:
        comp.say(*say.nothing_relevant())
    return comp.done(status)


# ---------------------------------------------------------------------------------------------
# Structured access for the API and the compare view
# ---------------------------------------------------------------------------------------------


def values_for(
    coll: Collection,
    metric_key: str,
    issuers: list[str] | None = None,
    years: list[int] | None = None,
    column: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    lang: str = "zh",
) -> tuple[list[dict[str, Any]], list[Citation], int]:
    """One row per report with the metric's figure and its citation: the compare table's data. The
    reports are chosen first (in catalog order) and only the page ``offset``…``offset + limit`` is read
    and cited, so a page of a national collection costs what the page holds; the total comes back too.
    ``lang``: the language a figure's reading note is worded in (the reader's; labels stay the report's own)."""
    metric = BY_KEY[metric_key]
    comp = Composer(lang, coll)
    chosen = [
        r
        for r in coll.reports()
        if (not issuers or any(i == r.issuer or i in r.issuer for i in issuers)) and (not years or r.year in years)
    ]
    page = chosen[offset : None if limit is None else offset + limit]
    rows = []
    for r in page:
        v = best_value(comp, coll, r, metric, column)
        rows.append(
            {
                "report_id": r.id,
                "issuer": r.issuer,
                "year": r.year,
                "metric": metric_key,
                "label": v.label if v else metric.zh,
                "value": format_value(v.value) if v and v.value is not None else None,
                "unit": v.unit if v else "",
                "source": v.source if v else None,
                "status": v.status if v else CellStatus.MISSING,
                "table_status": v.table_status if v else "",
                "note": v.note if v else "",
                "citation": v.citation if v else None,
            }
        )
    return rows, comp.citations, len(chosen)

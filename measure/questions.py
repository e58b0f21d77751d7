"""``gongkai bench questions``: questions with known answers, generated from a collection's own facts.

Hand-written question sets stop finding faults once the code has been fitted to them. Here every
figure a collection holds becomes questions: each table cell of a checked table (``verified`` or
``repaired``; pre-2019 ``legacy.*`` cells too), each figure stated in a sentence, each ``ambiguous``
cell (whose only honest answer is "cannot tell", with the candidates), asked the ways people ask — in
Chinese and English, the body named in full, without its place, abbreviated or in English, one figure or
two, two years, two bodies, a range of years — plus questions whose honest answer is "not held": a year
the body has no report for, a body the collection does not hold.

The answer to each is then scored from the :class:`~assistant.types.Answer` data alone:

- ``right``: every expected figure is among ``answer.facts`` (compared as numbers: "3.0" is "3"), from
  the expected report, and that report is cited; for a not-held question, ``not_found`` that names a
  year the body does have;
- ``said_ambiguous``: an ambiguous cell, answered with all its candidates in the text and no single
  figure stated for it;
- ``not_found``: the status is ``not_found`` where a figure was expected;
- ``wrong``: a figure stated in place of the asked one — another value for the asked cell, another
  cell's value, another report's value (another year, another body), a figure for a body or year the
  collection does not hold, one figure for an ambiguous cell. **Must be 0.**
- ``missed``: none of those: an answer without the expected figure and without a wrong one (a
  passage, one part of two, a figure not cited);
- ``error``: the call raised.

The templates and names are written from the domain spec (``report-formats.md`` §4–§8, in
:mod:`measure.vocab`) and from the issuer strings (:mod:`measure.names`), never from the answering
code, so that the bench measures it rather than agrees with it. Everything is seeded: one seed, one set.
"""

from __future__ import annotations

import random
import re
import time
import traceback
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ingest.model import TableStatus
from measure import KINDS, vocab
from measure.names import BodyNames, invented_bodies, parse_issuer, unique_names

if TYPE_CHECKING:
    from assistant.types import Answer
    from index.collection import Collection
    from index.facts import CellRow, FactStore, FigureRow, ReportRow

OUTCOMES: tuple[str, ...] = ("right", "said_ambiguous", "not_found", "missed", "wrong", "error")
CHECKED = (
    TableStatus.VERIFIED,
    TableStatus.REPAIRED,
)  # statuses whose number cells are taken as the truth (TableStatus.holds)
FIRST_YEAR = 2008  # the 2007 regulations came into force on 2008-05-01: no earlier report exists

# cells people ask about most: the ones used for compound, range and not-held questions
HEADLINE: tuple[str, ...] = (
    "t3.new_received:total",
    "t3.new_received:natural_person",
    "t3.new_received:legal_person",
    "t3.new_received:commercial",
    "t3.carried_over:total",
    "t3.granted:total",
    "t3.partially_granted:total",
    "t3.denied:total",
    "t3.unable:total",
    "t3.unable.not_held:total",
    "t3.not_processed:total",
    "t3.other:total",
    "t3.total_processed:total",
    "t3.carried_forward:total",
    "t4.review:total",
    "t4.review:upheld",
    "t4.review:corrected",
    "t4.review:pending",
    "t4.litigation:total",
    "t4.litigation_direct:total",
    "t4.litigation_after_review:total",
    "t2.licensing:decisions",
    "t2.penalty:decisions",
    "t2.coercion:decisions",
)
SAME_ROW_T3 = (
    ("natural_person", "legal_person"),
    ("natural_person", "commercial"),
    ("commercial", "research"),
    ("social_org", "legal_service"),
    ("natural_person", "total"),
    ("legal_person", "total"),
)
SAME_ROW_T4 = (("upheld", "corrected"), ("total", "pending"), ("upheld", "total"), ("corrected", "other"))
# derived rows the table does not print even as a group label (spec §8.2): never asked "表三“…”一行"
NOT_PRINTED = {"t3.received_total"}
# words of an organ too common to say two organs are one body renamed
_GENERIC_ORGAN_WORDS = {"管理", "监督", "行政", "人民", "政府", "办公", "公室", "委员", "员会"}


# ------------------------------------------------------------------------------------------------
# What a question expects
# ------------------------------------------------------------------------------------------------


@dataclass
class Part:
    """One figure a question asks for, where it is and what it is."""

    report_id: str
    issuer: str
    year: int
    cell: str  # "t3.new_received:natural_person", "legacy.网上申请数:this_year", "text.fees"
    value: str  # the stored value text
    unit: str = ""
    label: str = ""  # the sentence's label for a prose figure; the cell's spec label for a table cell
    restates: str = ""  # a prose figure: the table cell its sentence restates ("t3.new_received:total")
    restated_value: str = ""  # and that cell's stored value (the table may say otherwise: both are the report's)


@dataclass
class GeneratedQuestion:
    kind: str
    lang: str
    question: str
    expect_values: list[str]
    expect_cited: list[str]  # report ids
    expect_status: str  # answered | ambiguous | not_found
    ambiguous_candidates: list[str] = field(default_factory=list)
    source_cells: list[str] = field(default_factory=list)  # "report_id/cell"
    parts: list[Part] = field(default_factory=list)
    held_years: list[int] = field(default_factory=list)  # not_held: the years the body does have
    body: str = ""  # who is asked about (issuer strings), for reading the output


@dataclass
class Scored:
    question: GeneratedQuestion
    outcome: str
    reason: str = ""
    seconds: float = 0.0
    got: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------
# The collection as the generator sees it
# ------------------------------------------------------------------------------------------------


@dataclass
class Held:
    """A collection's reports, cells and figures, with each report's body and each body's names."""

    reports: dict[str, ReportRow]
    table_status: dict[str, dict[str, str]]  # report id → table → status
    cells: dict[str, dict[str, CellRow]]  # report id → "row:col" → cell
    figures: dict[str, list[FigureRow]]
    bodies: dict[str, BodyNames]
    body_of: dict[str, str]  # report id → body key
    report_of: dict[tuple[str, int], str]  # (body key, year) → report id, when exactly one
    texts: dict[str, str]

    def years(self, key: str) -> list[int]:
        return sorted(y for (k, y) in self.report_of if k == key)

    def good(self, report_id: str, cell: str) -> CellRow | None:
        """The cell when the bench takes its value as the truth: a number in a checked table (any
        number of a pre-2019 table, which has no relations to check)."""
        c = self.cells.get(report_id, {}).get(cell)
        if c is None or c.status != "number" or _num(c.value_text) is None:
            return None
        status = self.table_status.get(report_id, {}).get(c.table, "")
        return c if c.table == "legacy" or status in CHECKED else None


def load(facts: FactStore, report_ids: Iterable[str] | None = None) -> Held:
    """Read what the generator needs from the facts store: every ready report unless ``report_ids``."""
    wanted = set(report_ids) if report_ids is not None else None
    reports = {r.id: r for r in facts.reports() if wanted is None or r.id in wanted}
    ids = list(reports)
    table_status: dict[str, dict[str, str]] = {rid: {} for rid in ids}
    cells: dict[str, dict[str, CellRow]] = {rid: {} for rid in ids}
    figures: dict[str, list[FigureRow]] = {rid: [] for rid in ids}
    texts: dict[str, str] = {}
    for rid in ids:
        table_status[rid] = {t.table: t.status for t in facts.tables(rid)}
        texts[rid] = facts.text(rid) or ""
    for c in facts.cells(ids):
        cells[c.report_id][f"{c.row_id}:{c.col_id}"] = c
    for f in facts.figures(ids):
        figures[f.report_id].append(f)
    parents: dict[str, str] = {}
    years: dict[str, list[int]] = defaultdict(list)
    for r in reports.values():
        parents[r.issuer] = r.city if r.county and not r.town else ""
        if r.year:
            years[r.issuer].append(r.year)
    bodies = unique_names(parents, years)
    key_of_issuer = {i: k for k, b in bodies.items() for i in b.issuers}
    body_of = {rid: key_of_issuer[r.issuer] for rid, r in reports.items()}
    by_body_year: dict[tuple[str, int], list[str]] = defaultdict(list)
    for rid, r in reports.items():
        if r.year:
            by_body_year[(body_of[rid], r.year)].append(rid)
    report_of = {k: v[0] for k, v in by_body_year.items() if len(v) == 1}
    return Held(reports, table_status, cells, figures, bodies, body_of, report_of, texts)


# ------------------------------------------------------------------------------------------------
# Words for a cell
# ------------------------------------------------------------------------------------------------


def _split(cell: str) -> tuple[str, str]:
    row, _, col = cell.rpartition(":")
    return row, col


def cell_words(cell: str) -> tuple[vocab.Words | None, vocab.Words | None]:
    row, col = _split(cell)
    if row.startswith("t3."):
        return vocab.T3_ROWS.get(row), vocab.T3_COLS.get(col)
    if row.startswith("t4."):
        return vocab.T4_ROWS.get(row), vocab.T4_COLS.get(col)
    if row.startswith("t2."):
        return vocab.T2_ROWS.get(row), vocab.T2_COLS.get(col)
    if row.startswith("legacy."):
        label = row[len("legacy.") :]
        english = vocab.legacy_english(label)
        return vocab.Words(label, (label,), (english,) if english else ()), vocab.LEGACY_COLS.get(col)
    return None, None


def speakable(cell: str, lang: str) -> bool:
    """Whether the bench has words for this cell in this language."""
    row, col = cell_words(cell)
    if row is None or col is None:
        return False
    return bool(row.zh and col.zh) if lang == "zh" else bool(row.en and col.en)


def noun(cell: str, lang: str, rng: random.Random) -> str:
    """A noun phrase for the cell, to put in a template ("新收政府信息公开申请中自然人的数量",
    "new requests received from individuals")."""
    row, col = cell_words(cell)
    assert row is not None and col is not None
    table = cell.split(".", 1)[0]
    _, col_id = _split(cell)
    if lang == "zh":
        if table == "t2":
            return rng.choice(col.zh).format(r=rng.choice(row.zh))
        if table == "legacy":
            return row.label if col_id == "this_year" else f"{row.label}{rng.choice(col.zh)}"
        r = rng.choice(row.zh)
        if col_id == "total":
            return r
        c = rng.choice(col.zh)
        return rng.choice((f"{r}中{c}的数量", f"{r}（{c}）", f"{r}中{c}的件数"))
    if table == "t2":
        return rng.choice(col.en).format(r=rng.choice(row.en))
    if table == "legacy":
        return row.en[0] if col_id == "this_year" else f"{row.en[0]} ({rng.choice(col.en)})"
    return rng.choice(row.en) + rng.choice(col.en)


def _is_count(cell: str) -> bool:
    """A count people ask "how many" of (not an amount or a change)."""
    row, col = _split(cell)
    if row.startswith(("t3.", "t4.")):
        return True
    if row.startswith("t2."):
        return col in ("issued", "repealed", "in_force", "new_made", "new_published", "total_published", "decisions")
    return not any(w in row for w in ("金额", "访问量"))


ZH_SINGLE = (
    "{B}{Y}年{N}是多少？",
    "{B}{Y}年{N}有多少？",
    "{Y}年{B}{N}是多少？",
    "{B}{Y}年度报告中，{N}是多少？",
    "{B}在{Y}年的{N}是多少？",
    "请问{B}{Y}年{N}是多少",
)
EN_COUNT = (
    "How many {N} did {B} have in {Y}?",
    "In {Y}, how many {N} were reported by {B}?",
    "What was the number of {N} for {B} in {Y}?",
    "{B}, {Y} annual report: how many {N}?",
    "How many {N} were there at {B} in {Y}?",
)
EN_FIGURE = (
    "What was the figure for {N} at {B} in {Y}?",
    "For {Y}, what did {B} report for {N}?",
    "{B} {Y}: {N}?",
)


def _label_question(cell: str, body: str, year: int, rng: random.Random) -> str | None:
    """The question in the table's own words ("…表三“本年新收政府信息公开申请数量”自然人是多少？")."""
    row, col = cell_words(cell)
    table = cell.split(".", 1)[0]
    if row is None or col is None or table == "legacy" or _split(cell)[0] in NOT_PRINTED:
        return None
    title = {"t2": "表二", "t3": "表三", "t4": "表四"}[table]
    col_label = col.label if table != "t3" or _split(cell)[1] != "other" else "其他（法人或其他组织）"
    return rng.choice(
        (
            f"{body}{year}年{title}“{row.label}”{col_label}是多少？",
            f"{body}{year}年报告{title}中“{row.label}”一行、“{col_label}”一栏的数字是多少？",
        )
    )


def _natural_question(cell: str, body: str, year: int, rng: random.Random) -> str | None:
    """A Chinese question as people put it for 表三/表四 ("…自然人提出的新收申请有几件？")."""
    row, col = cell_words(cell)
    table = cell.split(".", 1)[0]
    if row is None or col is None or table not in ("t3", "t4"):
        return None
    r, c = rng.choice(row.zh), rng.choice(col.zh)
    if _split(cell)[1] == "total":
        return rng.choice((f"{body}{year}年{r}有多少件？", f"{body}{year}年{r}一共几件？"))
    if table == "t3":
        return rng.choice((f"{body}{year}年{r}中，{c}有几件？", f"{body}{year}年{c}的{r}有多少件？"))
    return rng.choice((f"{body}{year}年{r}中{c}的有几件？", f"{body}{year}年{r}{c}多少件？"))


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def single_question(cell: str, lang: str, body: str, year: int, rng: random.Random) -> str:
    """One question for one cell of one body's year."""
    if lang == "zh":
        options: list[Callable[[], str | None]] = [
            lambda: rng.choice(ZH_SINGLE).format(B=body, Y=year, N=noun(cell, "zh", rng)),
            lambda: _label_question(cell, body, year, rng),
            lambda: _natural_question(cell, body, year, rng),
        ]
        rng.shuffle(options)
        for option in options:
            if q := option():
                return q
        raise AssertionError(cell)
    templates = EN_COUNT if _is_count(cell) else EN_FIGURE
    return _cap(rng.choice(templates).format(B=body, Y=year, N=noun(cell, "en", rng)))


# ------------------------------------------------------------------------------------------------
# Generation
# ------------------------------------------------------------------------------------------------


class _Gen:
    """The generator's state: the collection, the seed, the share of English."""

    def __init__(self, held: Held, seed: int, english: float) -> None:
        self.held = held
        self.seed = seed
        self.english = english

    def rng(self, *key: object) -> random.Random:
        """A generator for one item, from the seed and the item's own key: adding a report or a kind
        does not reshuffle the questions of the others."""
        return random.Random(zlib.crc32(repr((self.seed, *key)).encode()))

    def lang(self, rng: random.Random, *ok: bool) -> str:
        return "en" if all(ok) and rng.random() < self.english else "zh"

    def name(self, key: str, lang: str, rng: random.Random) -> str:
        body = self.held.bodies[key]
        return rng.choice(body.en if lang == "en" else body.zh)

    def part(self, rid: str, cell: str, c: CellRow | None = None) -> Part:
        c = c or self.held.cells[rid][cell]
        r = self.held.reports[rid]
        row, col = cell_words(cell)
        label = f"{row.label} · {col.label}" if row and col else cell
        return Part(rid, r.issuer, r.year or 0, cell, c.value_text, c.unit or "", label)

    def question(self, kind: str, lang: str, text: str, parts: list[Part], body: str, **kw: Any) -> GeneratedQuestion:
        return GeneratedQuestion(
            kind=kind,
            lang=lang,
            question=text,
            expect_values=[p.value for p in parts],
            expect_cited=list(dict.fromkeys(p.report_id for p in parts)),
            expect_status=kw.pop("expect_status", "answered"),
            source_cells=[f"{p.report_id}/{p.cell}" for p in parts],
            parts=parts,
            body=body,
            **kw,
        )

    def named(self, rid: str) -> tuple[str, int] | None:
        """The body key and year of a report the bench can name: one report for its body's year, and
        at least one Chinese name that fits only this body."""
        key = self.held.body_of[rid]
        year = self.held.reports[rid].year
        if not year or self.held.report_of.get((key, year)) != rid or not self.held.bodies[key].zh:
            return None
        return key, year

    # --- kinds ---------------------------------------------------------------------------------

    def singles(self) -> list[GeneratedQuestion]:
        out = []
        for rid in self.held.reports:
            if (named := self.named(rid)) is None:
                continue
            key, year = named
            for cell, c in self.held.cells[rid].items():
                if self.held.good(rid, cell) is None or not speakable(cell, "zh"):
                    continue
                rng = self.rng("single", rid, cell)
                lang = self.lang(rng, speakable(cell, "en"), bool(self.held.bodies[key].en))
                text = single_question(cell, lang, self.name(key, lang, rng), year, rng)
                out.append(
                    self.question("single", lang, text, [self.part(rid, cell, c)], self.held.bodies[key].display)
                )
        return out

    def ambiguous(self) -> list[GeneratedQuestion]:
        out = []
        for rid in self.held.reports:
            if (named := self.named(rid)) is None:
                continue
            key, year = named
            for cell, c in self.held.cells[rid].items():
                candidates = [x for x in (c.candidates or []) if _num(x) is not None]
                if c.status != "ambiguous" or len(candidates) < 2 or not speakable(cell, "zh"):
                    continue
                rng = self.rng("ambiguous", rid, cell)
                lang = self.lang(rng, speakable(cell, "en"), bool(self.held.bodies[key].en))
                text = single_question(cell, lang, self.name(key, lang, rng), year, rng)
                part = self.part(rid, cell, c)
                q = self.question("ambiguous", lang, text, [part], self.held.bodies[key].display)
                q.expect_status, q.expect_values, q.ambiguous_candidates = "ambiguous", [], candidates
                out.append(q)
        return out

    def compound_cells(self, per_report: int = 6) -> list[GeneratedQuestion]:
        out = []
        for rid in self.held.reports:
            if (named := self.named(rid)) is None:
                continue
            key, year = named
            pairs: list[tuple[str, str, str]] = []  # (how, cell 1, cell 2)
            t3_rows = sorted({c.split(":")[0] for c in HEADLINE if c.startswith("t3.")})
            for row in t3_rows:
                for a, b in SAME_ROW_T3:
                    pairs.append(("row", f"{row}:{a}", f"{row}:{b}"))
            for row in ("t4.review", "t4.litigation"):
                for a, b in SAME_ROW_T4:
                    pairs.append(("row", f"{row}:{a}", f"{row}:{b}"))
            for i, r1 in enumerate(t3_rows):
                for r2 in t3_rows[i + 1 :]:
                    pairs.append(("two", f"{r1}:total", f"{r2}:total"))
            pairs += [
                ("two", "t4.review:total", "t4.litigation:total"),
                ("two", "t4.litigation_direct:total", "t4.litigation_after_review:total"),
                ("two", "t3.new_received:total", "t4.review:total"),
                ("two", "t2.licensing:decisions", "t2.penalty:decisions"),
                ("two", "t2.penalty:decisions", "t2.coercion:decisions"),
            ]
            pairs = [p for p in pairs if self.held.good(rid, p[1]) and self.held.good(rid, p[2])]
            rng = self.rng("compound_cells", rid)
            # the pair people ask most ("自然人和法人各几件") first, then a sample of the rest
            first = [p for p in pairs if p[1] == "t3.new_received:natural_person" and p[2].endswith(":legal_person")]
            rest = [p for p in pairs if p not in first]
            chosen = first + rng.sample(rest, min(len(rest), per_report - len(first)))
            for how, c1, c2 in chosen:
                qrng = self.rng("compound_cells", rid, c1, c2)
                lang = self.lang(qrng, speakable(c1, "en"), speakable(c2, "en"), bool(self.held.bodies[key].en))
                body = self.name(key, lang, qrng)
                text = _compound_cells_text(how, c1, c2, lang, body, year, qrng)
                parts = [self.part(rid, c1), self.part(rid, c2)]
                out.append(self.question("compound_cells", lang, text, parts, self.held.bodies[key].display))
        return out

    def _good_years(self, key: str, cell: str) -> list[tuple[int, str]]:
        return [
            (y, rid)
            for y in self.held.years(key)
            if (rid := self.held.report_of[(key, y)]) and self.named(rid) and self.held.good(rid, cell)
        ]

    def compound_years(self, per_body: int = 10) -> list[GeneratedQuestion]:
        out = []
        for key in self.held.bodies:
            cells = [c for c in HEADLINE if len(self._good_years(key, c)) >= 2]
            rng = self.rng("compound_years", key)
            for cell in rng.sample(cells, min(per_body, len(cells))):
                qrng = self.rng("compound_years", key, cell)
                (y1, r1), (y2, r2) = sorted(qrng.sample(self._good_years(key, cell), 2))
                lang = self.lang(qrng, speakable(cell, "en"), bool(self.held.bodies[key].en))
                body, n = self.name(key, lang, qrng), noun(cell, lang, qrng)
                if lang == "zh":
                    text = qrng.choice((f"{body}{y1}年和{y2}年{n}分别是多少？", f"{body}{y1}年、{y2}年的{n}各是多少？"))
                else:
                    text = qrng.choice(
                        (
                            f"How many {n} did {body} have in {y1} and in {y2}?",
                            f"Compare the {n} of {body} in {y1} and {y2}.",
                        )
                    )
                parts = [self.part(r1, cell), self.part(r2, cell)]
                out.append(self.question("compound_years", lang, _cap(text), parts, self.held.bodies[key].display))
        return out

    def compound_bodies(self, per_year_cell: int = 2) -> list[GeneratedQuestion]:
        out = []
        years = sorted({y for (_, y) in self.held.report_of})
        for year in years:
            for cell in HEADLINE:
                have = sorted(
                    (key, rid)
                    for (key, y), rid in self.held.report_of.items()
                    if y == year and self.named(rid) and self.held.good(rid, cell)
                )
                if len(have) < 2:
                    continue
                rng = self.rng("compound_bodies", year, cell)
                pairs = [(a, b) for i, a in enumerate(have) for b in have[i + 1 :]]
                for (k1, r1), (k2, r2) in rng.sample(pairs, min(per_year_cell, len(pairs))):
                    qrng = self.rng("compound_bodies", year, cell, k1, k2)
                    both_en = bool(self.held.bodies[k1].en and self.held.bodies[k2].en)
                    lang = self.lang(qrng, speakable(cell, "en"), both_en)
                    b1, b2, n = self.name(k1, lang, qrng), self.name(k2, lang, qrng), noun(cell, lang, qrng)
                    if lang == "zh":
                        text = qrng.choice((f"{year}年{b1}和{b2}的{n}各是多少？", f"{b1}与{b2}{year}年{n}分别是多少？"))
                    else:
                        text = qrng.choice(
                            (
                                f"How many {n} did {b1} and {b2} each have in {year}?",
                                f"Compare {b1} and {b2} in {year}: {n}.",
                            )
                        )
                    parts = [self.part(r1, cell), self.part(r2, cell)]
                    display = f"{self.held.bodies[k1].display} + {self.held.bodies[k2].display}"
                    out.append(self.question("compound_bodies", lang, _cap(text), parts, display))
        return out

    def ranges(self, per_body: int = 12) -> list[GeneratedQuestion]:
        out = []
        for key in self.held.bodies:
            cells = [c for c in HEADLINE if len(self._good_years(key, c)) >= 2]
            rng = self.rng("range", key)
            for cell in rng.sample(cells, min(per_body, len(cells))):
                qrng = self.rng("range", key, cell)
                good = self._good_years(key, cell)
                all_years = self.held.years(key)
                how = qrng.choice(("span", "span", "since", "all"))
                if how == "span":  # 2020—2023年: from a held year to a held year
                    i = qrng.randrange(0, len(good) - 1)
                    j = qrng.randrange(i + 1, len(good))
                    lo, hi = good[i][0], good[j][0]
                elif how == "since":  # 2019年以来: to the body's latest report
                    lo, hi = good[qrng.randrange(0, len(good) - 1)][0], max(all_years)
                else:  # 这几年: every year held
                    lo, hi = min(all_years), max(all_years)
                chosen = [(y, rid) for y, rid in good if lo <= y <= hi]
                if len(chosen) < 2:
                    continue
                lang = self.lang(qrng, speakable(cell, "en"), bool(self.held.bodies[key].en))
                body, n = self.name(key, lang, qrng), noun(cell, lang, qrng)
                text = _range_text(how, lang, body, n, lo, hi, qrng)
                parts = [self.part(rid, cell) for _, rid in chosen]
                out.append(self.question("range", lang, text, parts, self.held.bodies[key].display))
        return out

    def prose(self) -> list[GeneratedQuestion]:
        out = []
        for rid, figures in self.held.figures.items():
            if (named := self.named(rid)) is None:
                continue
            key, year = named
            for f in figures:
                for q in self._prose_questions(rid, key, year, f, figures):
                    out.append(q)
        return out

    def _prose_questions(
        self, rid: str, key: str, year: int, f: FigureRow, figures: list[FigureRow]
    ) -> list[GeneratedQuestion]:
        if _num(f.value_text) is None:
            return []
        unit = f.unit or ""
        rng = self.rng("prose", rid, f.start, f.metric, f.label)
        restated = self.held.cells[rid].get(f.compare_to or "")
        part = Part(
            rid,
            self.held.reports[rid].issuer,
            year,
            f.metric,
            f.value_text,
            unit,
            f.label,
            f.compare_to or "",
            restated.value_text if restated is not None and restated.status == "number" else "",
        )
        display = self.held.bodies[key].display
        out: list[GeneratedQuestion] = []
        # in the sentence's own words, when no other figure of the report would be asked the same way
        stem = prose_stem(f.label, f.value_text, unit)
        # another figure of the report the same words would ask for: the same words, or (same metric) the
        # same words with some left out
        # — compared without the body's names, which the answer sets aside as only saying who ("莆田市人民政府
        # 办公室文件多少件" asks what "公开文件多少件" does)
        names = sorted({*self.held.bodies[key].zh, part.issuer}, key=len, reverse=True)

        def bare(x: str) -> str:
            for n in names:
                x = x.replace(n, "")
            return x

        rivals = []
        for g in figures:
            other = bare(prose_stem(g.label, g.value_text, g.unit or ""))
            if not _same(g.value_text, f.value_text) and (
                other == bare(stem) or (g.metric == f.metric and _within(bare(stem), other))
            ):
                rivals.append(g)
        if stem and not rivals:
            body = self.name(key, "zh", rng)
            text = rng.choice((f"{body}{year}年{stem}？", f"{year}年{body}{stem}？", f"{body}在{year}年{stem}？"))
            out.append(self.question("prose", "zh", text, [part], display))
        # in the bench's words for the metric, when the metric alone says which figure is meant
        same_metric = [g for g in figures if g.metric == f.metric]
        words = vocab.PROSE.get(f.metric)
        if words and all(_same(g.value_text, f.value_text) for g in same_metric):
            lang = "en" if self.held.bodies[key].en else "zh"
            body = self.name(key, lang, rng)
            if lang == "zh":
                text = f"{body}{year}年{words[0]}？"
            else:
                text = _cap(
                    rng.choice(
                        (
                            f"How many {words[1]} did {body} report for {year}?",
                            f"In {year}, how many {words[1]} at {body}?",
                            f"According to its {year} report, how many {words[1]} did {body} have?",
                        )
                    )
                )
            out.append(self.question("prose", lang, text, [part], display))
        return out

    def not_held(self, per_body: int = 2) -> list[GeneratedQuestion]:
        out = []
        related = self._related()
        newest = max((y for (_, y) in self.held.report_of), default=FIRST_YEAR)
        for key, body in self.held.bodies.items():
            held = self.held.years(key)
            if not held or not body.zh:
                continue
            taken = {y for k in related.get(key, {key}) for y in self.held.years(k)}
            # any report of the collection titled by the place alone counts for its government
            taken |= {r.year for r in self.held.reports.values() if r.year and _place_alone_of(r.issuer, body.display)}
            gaps = [y for y in range(min(held) + 1, max(held)) if y not in taken]
            edges = [y for y in (min(held) - 1, max(held) + 1) if FIRST_YEAR <= y <= newest and y not in taken]
            rng = self.rng("not_held", key)
            years = rng.sample(gaps, min(per_body, len(gaps))) or edges[:per_body]
            cells = [c for c in HEADLINE if c.startswith("t3.") or c.startswith("t4.")]
            for year in years:
                for lang in ("zh", "en") if body.en else ("zh",):
                    qrng = self.rng("not_held", key, year, lang)
                    cell = qrng.choice(cells)
                    text = single_question(cell, lang, self.name(key, lang, qrng), year, qrng)
                    q = self.question("not_held", lang, text, [], body.display, expect_status="not_found")
                    q.held_years = held
                    out.append(q)
        return out

    def _related(self) -> dict[str, set[str]]:
        """Bodies that may be one body renamed (the bench's guess, to keep not-held years honest):
        same place, and an organ word in common or one named in the other's report."""
        keys = list(self.held.bodies)
        parsed = {k: parse_issuer(self.held.bodies[k].display) for k in keys}
        texts: dict[str, str] = defaultdict(str)
        for rid, key in self.held.body_of.items():
            texts[key] += self.held.texts.get(rid, "")
        related: dict[str, set[str]] = {k: {k} for k in keys}
        for a in keys:
            for b in keys:
                pa, pb = parsed[a], parsed[b]
                if a >= b or not pa.places or not pb.places or pa.places[0].name != pb.places[0].name:
                    continue
                wa, wb = _organ_words(pa.organ), _organ_words(pb.organ)
                named = (len(pb.organ) >= 3 and pb.organ in texts[a]) or (len(pa.organ) >= 3 and pa.organ in texts[b])
                if wa & wb or named:
                    related[a].add(b)
                    related[b].add(a)
        return related

    def unknown_bodies(self, years: tuple[int, ...] = (2020, 2022, 2024)) -> list[GeneratedQuestion]:
        out = []
        held_issuers = [r.issuer for r in self.held.reports.values()]
        cells = [c for c in HEADLINE if c.startswith("t3.") or c.startswith("t4.")]
        for zh, en in invented_bodies():
            if any(zh in i or i in zh for i in held_issuers if parse_issuer(i).organ == parse_issuer(zh).organ):
                continue  # held after all (in a collection other than the samples)
            for year in years:
                for lang, body in (("zh", zh), ("en", en)):
                    rng = self.rng("unknown_body", zh, year, lang)
                    text = single_question(rng.choice(cells), lang, body, year, rng)
                    out.append(self.question("unknown_body", lang, text, [], zh, expect_status="not_found"))
        return out


def _place_alone_of(issuer: str, government: str) -> bool:
    """Whether a report titled ``issuer`` is by the place alone ("莆田市") whose government is ``government``."""
    a, b = parse_issuer(issuer), parse_issuer(government)
    return bool(a.places and b.places) and a.places[0].name == b.places[0].name and not a.organ and "政府" in b.organ


def _organ_words(organ: str) -> set[str]:
    stem = re.sub(r"(局|委员会|办公室)$", "", organ)
    return {stem[i : i + 2] for i in range(len(stem) - 1)} - _GENERIC_ORGAN_WORDS


def _compound_cells_text(how: str, c1: str, c2: str, lang: str, body: str, year: int, rng: random.Random) -> str:
    """Two cells of one report in one question: "…新收申请中，自然人和法人或其他组织各有几件？"."""
    row1, col1 = cell_words(c1)
    _, col2 = cell_words(c2)
    assert row1 is not None and col1 is not None and col2 is not None
    if how == "row" and c1.startswith(("t3.", "t4.")) and not c1.endswith(":total"):
        if lang == "zh":
            r, a, b = rng.choice(row1.zh), rng.choice(col1.zh), rng.choice(col2.zh)
            return rng.choice((f"{body}{year}年{r}中，{a}和{b}各有几件？", f"{body}{year}年{r}里{a}、{b}分别多少？"))
        r, a, b = rng.choice(row1.en), rng.choice(col1.en), rng.choice(col2.en) or " in total"
        return _cap(f"How many {r} did {body} have in {year}{a}, and how many{b}?")
    n1, n2 = noun(c1, lang, rng), noun(c2, lang, rng)
    if lang == "zh":
        return rng.choice((f"{body}{year}年{n1}和{n2}各是多少？", f"{body}{year}年{n1}是多少，{n2}又是多少？"))
    return _cap(
        rng.choice(
            (
                f"How many {n1} and how many {n2} did {body} have in {year}?",
                f"In {year}, what were the {n1} and the {n2} of {body}?",
            )
        )
    )


def _range_text(how: str, lang: str, body: str, n: str, lo: int, hi: int, rng: random.Random) -> str:
    if lang == "zh":
        if how == "since":
            return rng.choice((f"{body}{lo}年以来{n}有什么变化？", f"{body}自{lo}年以来每年的{n}是多少？"))
        if how == "all":
            return rng.choice((f"{body}这几年{n}是多了还是少了？", f"{body}历年的{n}是多少？"))
        return rng.choice((f"{body}{lo}—{hi}年的{n}", f"{body}{lo}年到{hi}年每年的{n}是多少？"))
    if how == "since":
        return _cap(
            rng.choice(
                (f"How has the number of {n} at {body} changed since {lo}?", f"{n} of {body} since {lo}, year by year")
            )
        )
    if how == "all":
        return _cap(
            rng.choice((f"Over the years, has {body} had more or fewer {n}?", f"{n} of {body} in every year reported"))
        )
    return _cap(
        rng.choice((f"What were the {n} of {body} each year from {lo} to {hi}?", f"{n} of {body} from {lo} to {hi}"))
    )


def _within(a: str, b: str) -> bool:
    """Whether one phrase is the other with words left out ("主动公开政府信息多少件" within
    "主动公开涉及…各类政府信息多少件"): asked so, the shorter would fit the other's figure too."""

    def sub(x: str, y: str) -> bool:
        it = iter(y)
        return all(ch in it for ch in x)

    return bool(a and b) and (sub(a, b) or sub(b, a))


_NEGATION = re.compile(r"^(没有|未曾|未|没|无)")


def prose_stem(label: str, value: str, unit: str) -> str:
    """A sentence figure's label made a question in its own words: the figure replaced by 多少
    ("受理政府信息公开申请3119件" → "受理政府信息公开申请多少件", "共5人接受培训" → "共多少人接受培训");
    a label that states a zero by negation asked positively ("没有收到信息公开申请" → "收到信息公开申请多少件");
    a bare label of a breakdown gets 多少 after it ("网络申请" → "网络申请多少件"). "" when the label does
    not lend itself."""
    label = unicodedata.normalize("NFKC", label).strip()
    if not label:
        return ""
    number = re.search(r"\d+(?:\.\d+)?\s*(?:余|多)?\s*" + re.escape(unit), label) if unit else None
    if number:
        return (label[: number.start()] + "多少" + unit + label[number.end() :]).strip()
    if re.search(r"\d", label):
        return ""
    if _NEGATION.match(label):
        return _NEGATION.sub("", label) + "多少" + (unit or "")
    return label + "多少" + (unit or "") if len(label) <= 12 else ""


# ------------------------------------------------------------------------------------------------
# Numbers
# ------------------------------------------------------------------------------------------------


def _num(text: str | None) -> Decimal | None:
    """A stated figure as a number: "3.0" → 3, "1,234" → 1234, "25.6万" → 256000, "０" → 0."""
    if text is None:
        return None
    t = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "").replace(" ", "")
    scale = Decimal(1)
    if t.endswith("万"):
        t, scale = t[:-1], Decimal(10000)
    elif t.endswith("亿"):
        t, scale = t[:-1], Decimal(100000000)
    try:
        return (Decimal(t) * scale).normalize()
    except (InvalidOperation, ValueError):
        return None


def _same(a: str | None, b: str | None) -> bool:
    x, y = _num(a), _num(b)
    return x is not None and y is not None and x == y


_NUMBER_IN_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def numbers_in(text: str) -> set[Decimal]:
    """Every number written in a text (NFKC: full-width digits count)."""
    out = set()
    for m in _NUMBER_IN_TEXT.finditer(unicodedata.normalize("NFKC", text).replace(",", "")):
        if (n := _num(m.group())) is not None:
            out.add(n)
    return out


# ------------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------------

_CELL_METRIC = re.compile(r"^((?:t[234]\.[a-z_.]+)|(?:legacy\.[^:]+)):([a-z_]+)$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、．])\s*")
FIGURE_SOURCES = ("table", "text", "computed")
LEGACY_COLUMN_LABELS = {"本年度": "this_year", "历年累计": "cumulative"}


def label_cell(label: str) -> str | None:
    """The cell a table fact's label names ("（七）总计 · 总计" → t3.total_processed:total,
    "行政诉讼·复议后起诉 · 总计" → t4.litigation_after_review:total, "行政复议数 · 本年度" →
    legacy.行政复议数:this_year), read with the spec's printed labels; None when it names none."""
    row_label, sep, col_label = (label or "").rpartition(" · ")
    if not sep:
        return None
    col_label = col_label.strip()
    if col_label in LEGACY_COLUMN_LABELS:
        return f"legacy.{row_label.strip()}:{LEGACY_COLUMN_LABELS[col_label]}"
    row_text = _ORDINAL.sub("", row_label.strip())
    if row_text.startswith("行政复议") or "起诉" in row_text or row_text.startswith("行政诉讼"):
        direct = "未经复议直接起诉" in row_text
        after = "复议后起诉" in row_text.replace("未经复议直接起诉", "")
        if row_text.startswith("行政复议"):
            row = "t4.review"
        elif direct != after:  # one of the two kinds of lawsuit; both (or neither) named: the sum
            row = "t4.litigation_direct" if direct else "t4.litigation_after_review"
        else:
            row = "t4.litigation"
        col = next((k for k, w in vocab.T4_COLS.items() if w.label == col_label), None)
        return f"{row}:{col}" if col else None
    for rows, cols in ((vocab.T3_ROWS, vocab.T3_COLS), (vocab.T2_ROWS, vocab.T2_COLS)):
        row = next((k for k, w in rows.items() if row_text == w.label or row_text.startswith(w.label + "（")), None)
        if row is None and rows is vocab.T2_ROWS and row_text == "规范性文件":
            row = "t2.normative_docs"
        if row is None:
            continue
        col = next((k for k, w in cols.items() if col_label == w.label), None)
        if col is None and rows is vocab.T2_ROWS:  # 2021 headers say 本年处理决定数量 where 2019 says 处理决定数量
            col = next((k for k, w in cols.items() if w.label in col_label), None)
        return f"{row}:{col}" if col else None
    return None


FigureCells = dict[tuple[str, str, Decimal], str]


def figure_cells(facts: FactStore, report_ids: Iterable[str] | None = None) -> FigureCells:
    """(report id, metric, value) of each stored sentence figure → the table cell it restates (its
    ``compare_to``), so that a sentence fact in an answer is known to be about that cell."""
    out: FigureCells = {}
    ids = list(report_ids) if report_ids is not None else None
    for f in facts.figures(ids):
        if f.compare_to and (v := _num(f.value_text)) is not None:
            out[(f.report_id, f.metric, v)] = f.compare_to
    return out


def fact_cell(f: Any, restated: FigureCells | None = None) -> str | None:
    """The cell an answer's fact states: named by its metric ("t3.new_received:total"), by its label
    ("（七）总计 · 总计"), or, for a sentence, the cell the stored sentence figure restates."""
    metric = f.metric or ""
    if _CELL_METRIC.match(metric):
        return metric
    if f.source == "text":
        v = _num(f.value)
        for m in (metric, f"text.{metric}"):
            if restated and v is not None and (cell := restated.get((f.report_id, m, v))):
                return cell
        return None
    return label_cell(f.label)


def _describe(f: Any) -> str:
    return f"{f.issuer} {f.year} {f.metric} [{f.label}] = {f.value}{f.unit} ({f.source})"


def classify(q: GeneratedQuestion, answer: Answer, restated: FigureCells | None = None) -> tuple[str, str]:
    """The outcome of one answer, and why (see the module docstring). ``restated``: which table cell
    each stored sentence figure restates (:func:`figure_cells`)."""
    facts = [f for f in answer.facts if f.source in FIGURE_SOURCES]
    status = str(answer.status)
    if q.expect_status == "not_found":
        if facts:
            return "wrong", "a figure for what is not held: " + "; ".join(_describe(f) for f in facts[:3])
        if status != "not_found":
            return "missed", f"status {status} for what is not held"
        if q.held_years and not any(str(y) in answer.answer for y in q.held_years):
            return "missed", "not_found, but names none of the years held"
        return "right", ""
    cells = [fact_cell(f, restated) for f in facts]
    if q.expect_status == "ambiguous":
        return _classify_ambiguous(q, answer, facts, cells, status)
    return _classify_figures(q, answer, facts, cells, status)


def _classify_ambiguous(
    q: GeneratedQuestion, answer: Answer, facts: list, cells: list[str | None], status: str
) -> tuple[str, str]:
    part = q.parts[0]
    claimed = [
        f
        for f, cell in zip(facts, cells, strict=True)
        if f.report_id == part.report_id
        and f.source == "table"
        and cell in (None, part.cell)
        and _num(f.value) is not None
    ]
    if claimed:
        return "wrong", "one figure for an ambiguous cell: " + "; ".join(_describe(f) for f in claimed[:3])
    shown = numbers_in(answer.answer)
    missing = [c for c in q.ambiguous_candidates if _num(c) not in shown]
    if not missing:
        return "said_ambiguous", ""
    if status == "not_found":
        return "not_found", ""
    return "missed", f"candidates not all shown (missing {', '.join(missing[:5])})"


def _classify_figures(  # noqa: C901 - waiver 5/5: the bench's verdict on an answer's figures, one branch per rule of the module docstring's scoring
    q: GeneratedQuestion, answer: Answer, facts: list, cells: list[str | None], status: str
) -> tuple[str, str]:
    cited = {c.id: c.report_id for c in answer.citations}
    used: set[int] = set()
    hit: dict[int, int] = {}
    uncited: list[int] = []
    # facts that name the asked cell first, then facts that name none (a sentence of its own, a sum)
    for exact in (True, False):
        for i, p in enumerate(q.parts):
            if i in hit:
                continue
            table_part = _CELL_METRIC.match(p.cell) is not None
            for j, f in enumerate(facts):
                if j in used or f.report_id != p.report_id or not _same(f.value, p.value):
                    continue
                if cells[j] is not None and table_part:
                    ok = exact and cells[j] == p.cell  # another named cell never counts, whatever its number
                else:
                    ok = not exact
                if not ok:
                    continue
                used.add(j)
                hit[i] = j
                if cited.get(f.citation) != p.report_id:
                    uncited.append(i)
                break
    missing = [p for i, p in enumerate(q.parts) if i not in hit]
    if not missing and not uncited:
        return "right", ""
    asked = {p.cell for p in q.parts}
    answered = {q.parts[i].cell for i in hit}
    # a different figure stated for the asked report in place of the truth
    for p in missing:
        wrong = []
        for j, f in enumerate(facts):
            if j in used or f.report_id != p.report_id:
                continue
            cell = cells[j]
            if f.source == "computed" and cell != p.cell:
                continue  # a difference or share worked out from the figures, not a figure of its own
            if cell is not None and cell != p.cell and (cell in asked or cell in answered):
                continue  # it states another part of the question (again, e.g. from the text)
            if _same(f.value, p.value):
                continue  # the right number under another name: not a wrong figure
            if p.restates and cell == p.restates and _same(f.value, p.restated_value):
                continue  # the table's own figure for what the sentence restates: the report says both
            wrong.append(f)
        if wrong:
            return "wrong", f"{p.issuer} {p.year} {p.cell} is {p.value}; stated " + "; ".join(
                _describe(f) for f in wrong[:3]
            )
    # another report's figure (another year, another body) given in place of a part whose report the answer
    # does not speak of at all; a list that has the asked report in it (a name read as several bodies, a
    # ranking) is beside the point, not a wrong figure
    if q.kind != "range":
        expected = set(q.expect_cited)
        spoken = {f.report_id for f in facts}
        others = [
            f for j, f in enumerate(facts) if j not in used and f.report_id not in expected and f.source != "computed"
        ]
        for p in missing:
            if others and p.report_id not in spoken:
                return "wrong", f"{p.issuer} {p.year} {p.cell} is {p.value}; stated another report's " + "; ".join(
                    _describe(f) for f in others[:3]
                )
    if missing and status == "not_found":
        return "not_found", ""
    if missing:
        return "missed", "without " + ", ".join(f"{p.issuer} {p.year} {p.cell}={p.value}" for p in missing[:4])
    return "missed", "the figure is stated but its report is not cited"


def _got(answer: Answer) -> dict[str, Any]:
    return {
        "status": str(answer.status),
        "answer": answer.answer,
        "facts": [
            {
                "report_id": f.report_id,
                "issuer": f.issuer,
                "year": f.year,
                "metric": f.metric,
                "label": f.label,
                "value": f.value,
                "source": f.source,
            }
            for f in answer.facts
        ],
        "cited": sorted({c.report_id for c in answer.citations}),
        "candidates": list(answer.candidates),
    }


def score(
    questions: list[GeneratedQuestion],
    collection: Collection,
    progress: Callable[[int, int], None] | None = None,
) -> list[Scored]:
    """Ask every question (no history) and classify the answer; an exception is an ``error``, never
    the end of the run."""
    from assistant.answer import ask

    restated = figure_cells(collection.facts)
    out = []
    for i, q in enumerate(questions):
        t0 = time.perf_counter()
        try:
            answer = ask(q.question, None, collection)
            outcome, reason = classify(q, answer, restated)
            got = _got(answer)
        except Exception as exc:  # noqa: BLE001 - one question's crash is that question's outcome
            outcome, reason = "error", f"{type(exc).__name__}: {exc}"
            got = {"traceback": traceback.format_exc(limit=6)}
        out.append(Scored(q, outcome, reason, time.perf_counter() - t0, got))
        if progress:
            progress(i + 1, len(questions))
    return out


# ------------------------------------------------------------------------------------------------
# Generating a set, choosing from it, printing it
# ------------------------------------------------------------------------------------------------


def generate(
    facts: FactStore,
    seed: int = 0,
    report_ids: Iterable[str] | None = None,
    english: float = 0.4,
) -> list[GeneratedQuestion]:
    """Every question the collection (or the named reports) yields, deterministic for a seed."""
    gen = _Gen(load(facts, report_ids), seed, english)
    out: list[GeneratedQuestion] = []
    seen: set[str] = set()
    for make in (
        gen.singles,
        gen.compound_cells,
        gen.compound_years,
        gen.compound_bodies,
        gen.ranges,
        gen.prose,
        gen.ambiguous,
        gen.not_held,
        gen.unknown_bodies,
    ):
        for q in make():
            if q.question not in seen:  # one question text, one expectation
                seen.add(q.question)
                out.append(q)
    return out


def choose(
    questions: list[GeneratedQuestion], limit: int | None, seed: int, kind: str | None = None
) -> list[GeneratedQuestion]:
    """The questions to ask: of one kind if asked, then ``limit`` of them taken in turn from each kind
    (so a small run still has every kind), in a seeded order."""
    pool = [q for q in questions if kind is None or q.kind == kind]
    if limit is None or limit >= len(pool):
        return pool
    by_kind: dict[str, list[GeneratedQuestion]] = defaultdict(list)
    for q in pool:
        by_kind[q.kind].append(q)
    rng = random.Random(seed)
    for qs in by_kind.values():
        rng.shuffle(qs)
    out: list[GeneratedQuestion] = []
    order = [k for k in KINDS if k in by_kind]
    while len(out) < limit:
        for k in order:
            if by_kind[k] and len(out) < limit:
                out.append(by_kind[k].pop())
    return out


def _pct(a: int, n: int) -> str:
    return f"{100 * a / n:.1f}" if n else "-"


def table(results: list[Scored], by: Callable[[Scored], str], order: Iterable[str]) -> str:
    """Outcome counts per group, with right + honestly ambiguous as a share."""
    groups: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results:
        groups[by(r)][r.outcome] += 1
        groups["all"][r.outcome] += 1
    head = f"{'':<16}{'n':>6}{'right':>7}{'said-amb':>9}{'not-found':>10}{'missed':>7}{'wrong':>6}{'error':>6}  right+honest %"
    lines = [head]
    for name in [*order, "all"]:
        c = groups.get(name)
        if not c:
            continue
        n = sum(c.values())
        lines.append(
            f"{name:<16}{n:>6}{c['right']:>7}{c['said_ambiguous']:>9}{c['not_found']:>10}{c['missed']:>7}"
            f"{c['wrong']:>6}{c['error']:>6}  {_pct(c['right'] + c['said_ambiguous'], n):>6}"
        )
    return "\n".join(lines)


def _expected(q: GeneratedQuestion) -> str:
    if q.expect_status == "not_found":
        years = f" (held: {', '.join(map(str, q.held_years))})" if q.held_years else ""
        return f"not_found{years}"
    if q.expect_status == "ambiguous":
        p = q.parts[0]
        return f"ambiguous {p.issuer} {p.year} {p.cell}: {' / '.join(q.ambiguous_candidates)}"
    return "; ".join(f"{p.issuer} {p.year} {p.cell} = {p.value}" for p in q.parts)


def examples(results: list[Scored], outcome: str, n: int = 20) -> list[str]:
    """Up to ``n`` failing questions of one outcome, spread over the kinds."""
    chosen = [r for r in results if r.outcome == outcome]
    by_kind: dict[str, list[Scored]] = defaultdict(list)
    for r in chosen:
        by_kind[r.question.kind].append(r)
    picked: list[Scored] = []
    while len(picked) < min(n, len(chosen)):
        for k in KINDS:
            if by_kind.get(k) and len(picked) < n:
                picked.append(by_kind[k].pop(0))
    lines = []
    for r in picked:
        got = r.got.get("answer", "") or r.got.get("traceback", "")
        got = " ".join(str(got).split())[:300]
        lines += [
            f"- [{r.question.kind}/{r.question.lang}] {r.question.question}",
            f"    expected: {_expected(r.question)}",
            f"    got ({r.got.get('status', '-')}): {got}",
            f"    why: {r.reason}" if r.reason else "",
        ]
    return [line for line in lines if line]


def summary(results: list[Scored], seconds: float) -> str:
    """The printed report: per kind, per language, then examples of each failing outcome."""
    n = len(results)
    english = sum(r.question.lang == "en" for r in results)
    lines = [
        f"{n} questions ({english} English, {_pct(english, n)}%) asked in {seconds:.1f}s"
        f" ({1000 * seconds / max(1, n):.1f} ms per question)",
        "",
        table(results, lambda r: r.question.kind, KINDS),
        "",
        table(results, lambda r: r.question.lang, ("zh", "en")),
    ]
    for outcome in ("wrong", "error", "missed", "not_found"):
        ex = examples(results, outcome)
        if ex:
            count = sum(r.outcome == outcome for r in results)
            lines += ["", f"== {outcome} ({count}; up to 20 shown)", *ex]
    return "\n".join(lines)


def to_json(results: list[Scored]) -> list[dict[str, Any]]:
    return [
        {**asdict(r.question), "outcome": r.outcome, "reason": r.reason, "seconds": round(r.seconds, 4), "got": r.got}
        for r in results
    ]

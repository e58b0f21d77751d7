"""No question ever gives a server error (issue 32): every metric of the glossary, crossed with each of its
column choices (an applicant type for 表三, an outcome for 表四, a 表二 column of the row's kind, or no
column), asked of every report generation the sample collection holds — pre-2019 statistics tables, the
2019 format, the 2021 format — and of a year no report holds, in Chinese and in English.

The questions are generated from the glossary's own words (a metric's ``zh``/``en``, a column's first word),
never written per metric. Each answer must come back without raising, with a status of
:class:`AnswerStatus`, serialisable as the API sends it, and with every figure it states traceable: each
fact and chart point names a citation the answer carries, a table or text figure is in its cited quote, and
every ``[n]`` marker in the text is one of the answer's citations. A not-found answer states no figure.

Sampled, not the whole product: the full cross product (308 metric × column pairs × 7 reports and years ×
2 languages, 4,312 questions) took almost four minutes on a 2-core machine, most of it passage searches in
the pre-2019 reports, and passed (run it with ``questions(coll, None)``). Every metric × column pair is
kept, each asked in 3 of the 14 (report, language) slots, chosen by the pair's position in the list so that
the slots rotate through every report generation and both languages and a pair is asked in both languages:
924 questions, the same every run. Every 25th of those goes through ``POST /api/ask`` as well.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import pytest

from assistant.answer import ask
from assistant.bodies import describe
from assistant.generative import numbers_in
from assistant.glossary import APPLICANT_COLUMNS, METRICS, T2_COLUMN_WORDS, T4_OUTCOMES, Metric, _t2_kind
from assistant.names import english_name
from assistant.types import NOT_FOUND, AnswerStatus

pytestmark = pytest.mark.slow

SLOTS_PER_PAIR = 3  # (report, language) slots each metric × column pair is asked in
API_EVERY = 25  # every n-th question also goes through the HTTP API
FIRST_YEAR = 2008  # the regulation's first report year: the not-held year is the first from here not held


@dataclass(frozen=True)
class Asked:
    """A body and year to ask about: a report the collection holds, or a year it does not."""

    place_zh: str
    place_en: str
    year: int
    generation: str  # the report's format generation, "not held" for a year no report has


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    asked: Asked
    metric: str
    column: str | None


def columns(metric: Metric) -> list[tuple[str | None, str, str]]:
    """(column id, Chinese word, English word) of every column the metric's row is asked by, no column first."""
    cell = metric.cell_for("2021") or metric.cell_for("2019") or ""
    table = cell.split(".")[0]
    if table == "t2":
        kind = _t2_kind(metric)
        options = [c for c in T2_COLUMN_WORDS if c[0] in kind]
    else:
        options = T4_OUTCOMES if table == "t4" else APPLICANT_COLUMNS if table == "t3" else []
    return [(None, "", ""), *((col, zh[0], en[0]) for col, zh, en in options)]


def reports_asked(coll) -> list[Asked]:
    """Each report's body by its own place (东山县, Dongshan County) and year, and one year no report holds."""
    out = []
    for r in sorted(coll.reports(), key=lambda r: (r.year or 0, r.issuer)):
        unit = describe(r.issuer).units[-1]
        out.append(Asked(unit, english_name(unit)[0], r.year, r.generation))
    held = {a.year for a in out}
    missing = next(y for y in range(FIRST_YEAR, 2100) if y not in held)
    out.append(Asked(out[-1].place_zh, out[-1].place_en, missing, "not held"))
    return out


def phrase(metric: Metric, column: tuple[str | None, str, str], asked: Asked, lang: str) -> str:
    _, col_zh, col_en = column
    if lang == "zh":
        narrowed = f"{metric.zh}中{col_zh}" if col_zh else metric.zh
        return f"{asked.place_zh}{asked.year}年{narrowed}有多少？"
    narrowed = f"{metric.en} ({col_en})" if col_en else metric.en
    return f"In {asked.year}, how many {narrowed} did {asked.place_en} report?"


def questions(coll, slots_per_pair: int | None = SLOTS_PER_PAIR) -> list[Question]:
    """Every metric × column pair, each in ``slots_per_pair`` (report, language) slots (all when None)."""
    slots = [(a, lang) for a in reports_asked(coll) for lang in ("zh", "en")]
    pairs = [(m, c) for m in METRICS for c in columns(m)]
    out = []
    for i, (metric, column) in enumerate(pairs):
        # consecutive pairs start one slot further on, and a pair's slots are spread over the list: every
        # generation and both languages meet every table's columns
        chosen = (
            range(len(slots))
            if slots_per_pair is None
            else [(i + k * len(slots) // slots_per_pair) % len(slots) for k in range(slots_per_pair)]
        )
        for s in chosen:
            asked, lang = slots[s]
            out.append(Question(phrase(metric, column, asked, lang), lang, asked, metric.key, column[0]))
    return out


_MARKER = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"“[^”]*”")  # the report's own words, where "[2016]" is a document number, not a marker
_NONE = re.compile(r"没有|未|无|\b(?:no|none)\b", re.I)  # "2014年未受理群众依申请公开": a zero said in words


def _in_quote(value: str, quote: str) -> bool:
    """Whether the quote states the value: as written, as the reports write numbers ("为零", "三件"), or a
    zero as a sentence that says there was none."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return re.sub(r"\s", "", value) in re.sub(r"\s", "", quote)
    return number.normalize() in numbers_in(quote) or (number == 0 and _NONE.search(quote) is not None)


def problems(answer: dict) -> list[str]:
    """What makes an answer (as the API serialises it) wrong in shape or untraceable."""
    out = []
    if answer.get("status") not in {s.value for s in AnswerStatus}:
        out.append(f"status {answer.get('status')!r}")
    if not isinstance(answer.get("answer"), str) or not answer["answer"].strip():
        out.append("no answer text")
        return out
    cites = {c["id"]: c for c in answer["citations"]}
    if len(cites) != len(answer["citations"]):
        out.append("citation ids repeat")
    for f in answer["facts"]:
        cite = cites.get(f["citation"])
        if cite is None:
            out.append(f"fact {f['metric']}={f['value']} cites {f['citation']!r}, not among the citations")
        elif f["source"] in ("table", "text") and not _in_quote(f["value"], cite["quote"]):
            out.append(f"fact {f['metric']}={f['value']} is not in its quote {cite['quote'][:120]!r}")
    for p in answer["series"]:
        if p["citation"] not in cites:
            out.append(f"chart point {p['label']} cites {p['citation']!r}, not among the citations")
    for marker in _MARKER.findall(_QUOTED.sub("", answer["answer"])):
        if marker not in cites:
            out.append(f"marker [{marker}] names no citation")
    if answer["status"] == NOT_FOUND and answer["facts"]:
        out.append("not found, yet states figures")
    return out


GENERATIONS = ["pre-2019", "2019", "2021", "not held"]


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_metric_and_column_is_answered_without_error(collection, generation, lang):
    asked = [q for q in questions(collection) if q.asked.generation == generation and q.lang == lang]
    assert asked, "no question for this generation and language"
    failures = []
    for q in asked:
        try:
            answer = ask(q.text, None, collection)
            found = problems(json.loads(json.dumps(answer.to_dict())))
        except Exception as e:  # noqa: BLE001 - any exception is what this test looks for
            found = [f"raised {type(e).__name__}: {e}"]
        failures += [f"{q.text} ({q.metric}:{q.column or 'total'}): {p}" for p in found]
    assert not failures, "\n".join(failures)


def test_a_sample_through_the_api_never_gives_a_server_error(collection, client):
    sample = questions(collection)[::API_EVERY]
    assert {q.asked.generation for q in sample} == set(GENERATIONS) and {q.lang for q in sample} == {"zh", "en"}
    failures = []
    for q in sample:
        r = client.post("/api/ask", json={"question": q.text, "history": []})
        if r.status_code >= 500:
            failures.append(f"{q.text}: {r.status_code} {r.text[:200]}")
            continue
        body = r.json()
        found = problems(body) if r.status_code == 200 else [f"status code {r.status_code}"]
        failures += [f"{q.text}: {p}" for p in found]
    assert not failures, "\n".join(failures)

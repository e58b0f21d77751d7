"""From (report, metric, column) to a value with its citation: where an answer's figures come from.

A figure is a stored table cell (the 2019/2021 tables, or a pre-2019 local statistics table) or a
figure read from the report's prose; never anything else. Each value carries the citation that
backs it, registered with the :class:`~assistant.compose.Composer` as it is found.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from assistant import phrasing as say
from assistant.compose import Composer
from assistant.glossary import (
    CUMULATIVE_WORDS,
    EN_UNIT_WORDS,
    METRICS,
    T2_NEAREST,
    UNIT_ALIKE,
    ZH_UNITS,
    Metric,
    legacy_terms,
    topic_words,
    word_at_start,
)
from assistant.types import Fact, Value
from index.collection import Collection
from index.facts import CellValue, FigureRow, ReportRow
from ingest.figures import APPROX_BEFORE, STATED
from ingest.model import CellStatus, TableStatus
from ingest.normalize import compact_str, format_value
from ingest.schema import LEGACY_COLUMNS, SECTIONS, TABLE_TITLES, column_label, row_label
from ingest.tables import row_quote

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words a pre-2019 statistics-table row uses for a metric (rows are kept under their own labels, §7).
_LEGACY_WORDS = {
    "applications_received": ("收到申请", "申请总数", "受理申请", "依申请公开申请"),
    "proactive_items": ("主动公开政府信息", "主动公开信息"),
    "granted": ("同意公开",),
    "partially_granted": ("部分公开",),
    "denied": ("不予公开", "否决公开", "不同意公开"),
    "reviews": ("行政复议",),
    "lawsuits": ("行政诉讼",),
    "fees": ("收费",),
}


def row_of(metric: Metric) -> str:
    cell = metric.cell_id() or ""
    return cell.split(":")[0]


def line_at(text: str, start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end or start)
    return " ".join(text[a : b if b != -1 else len(text)].replace("\f", "").split())


def format_lacks(report: ReportRow, metric: Metric, column: str | None) -> bool:
    """Whether the report's format generation has no such row or column at all (a 2019-format report has
    no 本年收费金额, a 2021-format one no 政府集中采购 or 上一年项目数量; pre-2019 reports have no 表二):
    a question about it is answered "this format does not report it", not with a passage."""
    from ingest.schema import GEN_PRE2019, T2_ROWS, t2_columns

    if report.generation == GEN_PRE2019:
        cell = metric.cell_id() or ""
        return cell.startswith("t2.") and column is not None
    cell = metric.cell_for(report.generation)
    if cell is None:
        return metric.cell is not None  # a table item of the other generation only
    row, _ = cell.split(":")
    if column is None or not row.startswith("t2."):
        return False
    kind = next((r.kind for r in T2_ROWS if r.id == row), "")
    own = {c for c, _ in t2_columns(report.generation, kind)}
    return column not in own and T2_NEAREST.get(column) not in own


def table_value(
    comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str | None, cumulative: bool = False
) -> Value | None:
    """The metric's cell in the report's tables (``column`` instead of the metric's own, when asked;
    a statistics table's 历年累计 column when ``cumulative``)."""
    tables = {t.table: t for t in coll.facts.tables(report.id)}
    if "legacy" in tables and column is None:
        return legacy_value(comp, coll, report, metric, "cumulative" if cumulative else "this_year")
    cell_id = metric.cell_for(next((t.generation for t in tables.values() if t.table == "t2"), report.generation))
    if not cell_id:
        return None
    row_id, col_id = cell_id.split(":")
    col_id = column or col_id
    cells = coll.facts.cells([report.id], row_id, col_id)
    if not cells and column in T2_NEAREST and row_id.startswith("t2."):
        near = T2_NEAREST[column]  # "现行有效件数" asked of a 2019-format report: its 对外公开总数量
        cells = coll.facts.cells([report.id], row_id, near)
        if cells:
            comp.note(*say.nearest_column(report, row_id, column, near))
            col_id = near
    if not cells:
        return None
    cell = cells[0]
    t = tables.get(cell.table)
    gen = t.generation if t else report.generation
    rlabel, clabel = row_label(row_id, gen), column_label(row_id, col_id, gen)
    quote = row_quote(coll.facts.text(report.id), row_id, cell.start, cell.end)
    if not _CJK.search(quote):  # one value per line, or T4's bare number row
        quote = f"{rlabel}（{clabel}）：{quote or cell.value_text}"
    cid = comp.cite(
        report,
        section=SECTIONS.get({"t2": "s2", "t3": "s3", "t4": "s4"}.get(cell.table, ""), ""),
        quote=quote,
        table=TABLE_TITLES.get(cell.table, cell.table),
        row=rlabel,
        column=clabel,
        start=cell.start,
        end=cell.end,
    )
    status = t.status if t else ""
    note = say.reading_note(cell.method, status, list(t.reasons) if t else [], comp.lang)
    label = f"{rlabel} · {clabel}"
    unit = cell.unit or metric.unit_zh
    if cell.status == CellStatus.NUMBER and cell.value_text:
        return Value(report, Decimal(cell.value_text), cell.value_text, unit, "table", cid, label, status, note)
    return Value(report, None, "", unit, "table", cid, label, status, note, cell.status, list(cell.candidates or []))


def legacy_label_match(coll: Collection, report: ReportRow, question: str, lang: str) -> tuple[str, str] | None:
    """The statistics-table row the question names by its own label (row id, column), when one does.

    Labels change from year to year and body to body, so they are matched, not mapped: a row whose whole
    label the question contains ("…2012年的政府网站公开数是多少"), or, in English, whose label holds every
    table word the question uses ("uses of the public reading points" → 公开查阅点利用件次). The longest
    such label wins; two equally good ones are no match (never a guess)."""
    cells = [c for c in coll.facts.cells([report.id], None, None) if c.table == "legacy"]
    if not cells:
        return None
    labels = sorted({c.row_id.removeprefix("legacy.") for c in cells})
    compact_q = compact_str(question)
    if lang == "zh":
        scored = [(len(label), label) for label in labels if len(label) >= 2 and compact_str(label) in compact_q]
    else:
        terms = legacy_terms(question, lang)
        terms = [t for t in terms if t not in _GENERIC] or terms  # "items" (信息) tells no row from another
        scored = [
            (sum(len(t) for t in terms if t in label), label)
            for label in labels
            if terms and sum(1 for t in terms if t in label) >= max(1, len(terms) - 1)
        ]
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0] and lang != "zh":
        return None
    column = "cumulative" if CUMULATIVE_WORDS.search(question) else "this_year"
    return f"legacy.{scored[0][1]}", column


# words every figure's label may hold: no evidence that a figure is the one asked
_GENERIC = {
    "政府",
    "信息",
    "公开",
    "政府信息",
    "信息公开",
    "政府信息公开",
    "工作",
    "情况",
    "全市",
    "全县",
    "全区",
    "本局",
    "我局",
    "本机关",
    "年度",
    "报告",
    "多少",
    "共计",
    "一共",
    "总共",
    "其中",
    "主要",
    "相关",
    "有关",
    "开展",
}
# a word that only asks or totals ("一共多少", "分别是"), or a number: nothing counted
_ONLY_ASKS = re.compile(r"(?:一共|总共|共计|合计|共|多少|几|分别|各|又|还|是|有|[\d.])+")
_CLAUSE_SPLIT = re.compile(r"[，,？?；;。]")
_JOIN_SPLIT = re.compile(r"、|和|及|与|以及|还有|\band\b|\bas well as\b|\bvs\.?|\bversus\b", re.I)
_ASKS = re.compile(r"多少|几|\bhow (?:many|much)\b", re.I)
_EACH = re.compile(r"各|分别|\beach\b|\brespectively\b", re.I)
_BRACKETED = re.compile(r"[（(][^（()）]*[）)]")


def split_outside_brackets(text: str, sep: re.Pattern[str]) -> list[str]:
    """``text`` cut at ``sep``, never inside a bracket: "县（区、管委会）" is one piece."""
    inside = [m.span() for m in _BRACKETED.finditer(text)]
    pieces, at = [], 0
    for m in sep.finditer(text):
        if not any(a < m.start() < b for a, b in inside):
            pieces.append(text[at : m.start()])
            at = m.end()
    return [*pieces, text[at:]]


def _items(question: str, lang: str) -> list[str]:
    """The items a question asks for. Its clauses are items; a clause's list is several items when it
    asks for each ("专职、兼职各多少", "收到多少、办结多少", English "posts, reads and followers"), but
    one item when the list only qualifies one thing ("其他科室、所、队又有多少工作人员"). A bracket is
    never cut ("县（区、管委会）")."""
    out: list[str] = []
    for clause in split_outside_brackets(question, _CLAUSE_SPLIT):
        pieces = [p for p in split_outside_brackets(clause, _JOIN_SPLIT) if p.strip()]
        if lang == "en" or _EACH.search(clause) or all(_ASKS.search(p) for p in pieces):
            out += pieces
        elif clause.strip():
            out.append(clause)
    return out


def _alike(units: set[str]) -> set[str]:
    return {a for u in units for a in UNIT_ALIKE.get(u, (u,))}


_RATE_ASKED = re.compile(
    r"百分|比例|比率|占比|率|满意度|增长|下降|上升|增加了|减少了|%|percent|rate|share|proportion|growth|increase|decrease|rise|fell",
    re.I,
)
_RATE_LABEL = re.compile(r"同比|比上年|较上年|比去年|较去年|上升|下降|增长|减少|提高|占$")
_YEARISH = re.compile(r"(?:19|20)\d{2}\s*年?度?")


_BEFORE = re.compile("^(" + "|".join(APPROX_BEFORE) + ")")
_OVER_YEARS = re.compile(r"历年|至今|至目前|以来累计|截至|截止")
# a sentence's words before a figure's own that make it read as a running total; not 截至 (also
# "截至12月31日", the year's end)
_SO_FAR = re.compile(r"历年|至今|以来|累计")


def qualified(value: str, qualifier: str) -> str:
    """A figure with the words that make it approximate, where the report put them: 约200000, 20余."""
    m = _BEFORE.match(qualifier)
    pre = m.group(1) if m else ""
    return pre + value + qualifier[len(pre) :]


@lru_cache(maxsize=1)
def _term_cutter() -> Any:
    """A jieba tokenizer of its own that cuts the reports' terms as one word ("同意公开", "依申请公开",
    "不予公开"), so that a question and a sentence that share one share it whole, not as 同意 + 公开 (公开 is
    in every sentence). Its own, never jieba's shared one: words added there would change how passages are
    tokenized for the lexical index once a question had been asked in the process."""
    import jieba

    jieba.setLogLevel(60)
    cutter = jieba.Tokenizer()
    for m in METRICS:
        for w in m.words_zh:
            if len(w) >= 3 and re.fullmatch(r"[\u4e00-\u9fff]+", w):
                cutter.add_word(w)
    return cutter


def _terms(text: str, lang: str) -> list[str]:
    """The words a question item asks with, in the reports' language: jieba words of two characters or
    more that are not generic; English words through the topic glossary."""
    if lang == "en":
        return topic_words(text)
    text = _YEARISH.sub(" ", compact_str(text))
    cutter = _term_cutter()
    words = {w for w in cutter.cut_for_search(text) if len(w) >= 2}
    # two generic words side by side name something of their own: "工作信息" is a kind of information,
    # though 工作 and 信息 alone say nothing
    seq = [w for w in cutter.lcut(text) if w.strip()]
    words |= {
        a + b for a, b in zip(seq, seq[1:], strict=False) if a in _GENERIC and b in _GENERIC and a + b not in _GENERIC
    }
    return sorted(w for w in words if w not in _GENERIC and not _ONLY_ASKS.fullmatch(w))


def units_asked(text: str, lang: str) -> set[str]:
    if lang == "en":
        q = text.lower()
        return {u for en, units in EN_UNIT_WORDS.items() if word_at_start(en).search(q) for u in units}
    c = compact_str(text)
    found = {u for u in ZH_UNITS if re.search(rf"(?:多少|几){u}", c)}
    people = {u for u in ("人次", "人") if re.search(rf"(?:多少|几)个{u}", c)}
    if people:  # "几个人" counts people, as glossary.unit_sibling reads it: 个 only measures them
        found = (found - {"个"}) | people
    if "百分之" in c or "%" in c or "比例" in c or "率" in c:
        found.add("%")
    if re.search(r"(?:多少|几块)钱|金额(?:是|为|有)?多少|花了多少|支出多少", c):
        found.add("元")  # money asked without its unit: "减免多少钱"
    return found


def _unnamed(question: str, names: list[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        question = question.replace(name, " ")
    return question


def question_terms(question: str, lang: str, names: list[str]) -> list[str]:
    """The words a question counts something with: its terms, less those that only name the body
    ("市政府办", "莆田"), which are no evidence of what is counted."""
    naming = [n for n in names if len(n) >= 2]
    return [t for t in _terms(_unnamed(question, names), lang) if not any(t in n for n in naming)]


def label_within(label: str, question: str, lang: str, names: list[str]) -> bool:
    """Whether the question says all a sentence's label says: "其他处理" is within "其他处理多少件", "其中
    当面申请" is not within "收到多少申请" (当面 narrows it to one way of applying)."""
    asked = set(question_terms(question, lang, names))
    flat = compact_str(question)
    own = question_terms(label, "zh", names)
    return bool(own) and all(t in asked or (lang == "zh" and t in flat) for t in own)


def stated_matches(coll: Collection, report: ReportRow, question: str, lang: str, names: list[str]) -> list[FigureRow]:
    """The figures of the report's sentences that the question asks for (see :func:`stated_scored`)."""
    return [f for f, _ in stated_scored(coll, report, question, lang, names)]


def stated_scored(
    coll: Collection, report: ReportRow, question: str, lang: str, names: list[str], context: str = ""
) -> list[tuple[FigureRow, int]]:
    """The figures of the report's sentences that the question asks for, one per item of the question
    ("专职、兼职各多少" asks two): the figure whose own words (its clause) hold most of the item's words,
    with the unit asked when one is. An item two figures fit equally, with different values, gets none:
    the passages answer it, never a guess (the rest of the question, or a running total asked, may tell them
    apart first). ``context``: the whole question, when ``question`` is one of its
    clauses."""
    figures = coll.facts.figures([report.id], STATED)
    if not figures:
        return []
    # each figure's words and sentence, compacted once for every item
    compacted = [(f, compact_str(f.label), compact_str(f.quote)) for f in figures]
    question = _unnamed(question, names)
    items = _items(question, lang)
    whole = question_terms(question, lang, names)
    # the words of the whole question an item was cut from tell apart two sentences that fit the item alike
    around = question_terms(_unnamed(context, names), lang, names) if context else whole
    out: list[tuple[FigureRow, int]] = []
    before: list[str] = []
    setting = " ".join(x for x in items if not _ASKS.search(x))
    for item in items:
        terms = question_terms(item, lang, names) or (whole if len(items) == 1 else [])
        if not terms and _ASKS.search(item):
            # "…比上年增长了百分之几？一共多少件？": an item that names nothing asks about the item before
            terms = [t for t in before if not _RATE_ASKED.search(t)]
        before = terms or before
        if not terms:
            continue
        units = _alike(units_asked(item, lang) or (units_asked(question, lang) if len(items) == 1 else set()))
        rate = bool(_RATE_ASKED.search(item if len(items) > 1 else question)) or "%" in units
        # asked of this item, or in words that ask nothing themselves ("By the end of 2013, how many …")
        said = item + " " + setting if len(items) > 1 else question
        running_asked = bool(_OVER_YEARS.search(said) or CUMULATIVE_WORDS.search(said))
        scored: list[tuple[tuple[int, ...], FigureRow]] = []
        for f, label, quote in compacted:
            score = sum(len(t) for t in terms if t in label)
            if score < 2 or (units and f.unit and not any(f.unit.startswith(u) for u in units)):
                continue  # a figure stated without a unit ("阅读量78.6万") may be what any unit asks
            if not rate and ((f.unit or "") == "%" or _RATE_LABEL.search(label)):
                continue  # a share or a rise is asked for as such, never given for the count itself
            if _OVER_YEARS.search(label) and not running_asked:
                continue  # a running total over the years ("历年累计减免") is asked for as such, not the year's
            running = running_asked and _running(f)
            # as many of its words; a running total first when one is asked ("by the end of 2013"); then the
            # sentence holding more of the question's other words (a report that says "与上半年(N件)同比增长M%"
            # of each thing it counts); then the fewest other words
            near = sum(len(t) for t in around if t in quote)
            scored.append(((score, running, near, -len(label)), f))
        if not scored:
            continue
        best = max(sc for sc, _ in scored)
        top = [f for sc, f in scored if sc == best]
        if len({f.value_text for f in top}) == 1 and top[0] not in [f for f, _ in out]:
            out.append((top[0], best[0]))  # with how many of the question's characters its words hold
    return out


def _running(f: FigureRow) -> bool:
    """Whether a sentence's figure reads as a running total: its own words say so ("历年累计减免"), or its
    sentence does before them ("至目前，已累计出刊178期，共发布政府信息5362条"). A preference when one is
    asked, never a reason to leave a figure out: "截至12月31日，累计共抽检20680批次，其中不合格15批次"
    is the year's."""
    at = f.quote.find(f.label)
    return bool(_OVER_YEARS.search(f.label) or at > 0 and _SO_FAR.search(f.quote[:at]))


def stated_value(comp: Composer, report: ReportRow, f: FigureRow) -> Value:
    cid = comp.cite(report, section=f.section, quote=f.quote, start=f.start, end=f.end)
    return Value(
        report,
        Decimal(f.value_text),
        qualified(f.value_text, f.qualifier),
        f.unit or "",
        "text",
        cid,
        f.label,
        metric_id=STATED,
    )


def legacy_cell_value(comp: Composer, coll: Collection, report: ReportRow, row_id: str, column: str) -> Value | None:
    """A statistics-table cell as a cited value (its status kept: a cell the source leaves open stays so)."""
    cells = coll.facts.cells([report.id], row_id, column)
    if not cells:
        return None
    cell = cells[0]
    label = row_id.removeprefix("legacy.")
    col_label = "历年累计" if column == "cumulative" else "本年度"
    quote = row_quote(coll.facts.text(report.id), cell.row_id, cell.start, cell.end) or f"{label} {cell.value_text}"
    cid = comp.cite(
        report,
        section="",
        quote=quote,
        table="政府信息公开情况统计表",
        row=label,
        column=col_label,
        start=cell.start,
        end=cell.end,
    )
    if cell.status == CellStatus.NUMBER and cell.value_text:
        return Value(
            report,
            Decimal(cell.value_text),
            cell.value_text,
            cell.unit or "",
            "table",
            cid,
            f"{label} · {col_label}",
            TableStatus.UNCHECKED,
            metric_id=f"{row_id}:{column}",
        )
    return Value(
        report,
        None,
        "",
        cell.unit or "",
        "table",
        cid,
        f"{label} · {col_label}",
        TableStatus.UNCHECKED,
        status=cell.status,
        candidates=[str(x) for x in (cell.candidates or [])],
        metric_id=f"{row_id}:{column}",
    )


def parts_sum(coll: Collection, report: ReportRow, row_id: str) -> Decimal | None:
    """The sum of a 表三/表四 row's part columns (applicant types, outcomes), when every one is a number:
    what the row's printed 总计 should be."""
    from ingest.schema import T3_COLUMNS, T4_COLUMNS

    columns = T3_COLUMNS if row_id.startswith("t3.") else T4_COLUMNS if row_id.startswith("t4.") else []
    parts = [c for c, _ in columns if c != "total"]
    cells = {c.col_id: c for c in coll.facts.cells([report.id], row_id, None)}
    if not parts or not all(p in cells and cells[p].status == CellStatus.NUMBER for p in parts):
        return None
    return sum((Decimal(cells[p].value_text) for p in parts), Decimal(0))


def legacy_value(
    comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str = "this_year"
) -> Value | None:
    """The 本年度 (or 历年累计) figure of the first local-statistics-table row whose label names the metric."""
    words = _LEGACY_WORDS.get(metric.key)
    if not words:
        return None
    col_label = dict(LEGACY_COLUMNS)[column]
    for cell in coll.facts.cells([report.id], None, column):
        label = cell.row_id.removeprefix("legacy.")
        if cell.table == "legacy" and any(w in label for w in words) and cell.status == CellStatus.NUMBER:
            quote = row_quote(coll.facts.text(report.id), cell.row_id, cell.start, cell.end)
            cid = comp.cite(
                report,
                section="",
                quote=quote,
                table="政府信息公开情况统计表",
                row=label,
                column=col_label,
                start=cell.start,
                end=cell.end,
            )
            return Value(
                report,
                Decimal(cell.value_text),
                cell.value_text,
                cell.unit or metric.unit_zh,
                "table",
                cid,
                f"{label} · {col_label}",
                TableStatus.UNCHECKED,
                metric_id=f"{cell.row_id}:{column}",
            )
    return None


def prose_values(comp: Composer, coll: Collection, report: ReportRow, metric: Metric) -> list[Value]:
    """The figures the report's sentences give for the metric, each cited to its sentence."""
    figures: list[FigureRow] = []
    for prose in metric.prose:  # most specific first: 行政复议 alone, then 复议 and 诉讼 together
        figures = coll.facts.figures([report.id], prose)
        if figures:
            break
    out: list[Value] = []
    seen: set[tuple[str, str]] = set()
    for f in figures:
        if (f.value_text, f.scope) in seen:
            continue
        seen.add((f.value_text, f.scope))
        out.append(replace(stated_value(comp, report, f), scope=f.scope, metric_id=f.metric))
    return out


def best_value(comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str | None) -> Value | None:
    """The one figure to compare or rank with: the table's when known, else the text's."""
    tv = table_value(comp, coll, report, metric, column)
    if tv is not None and tv.value is not None:
        return tv
    if column is None:
        prose = [v for v in prose_values(comp, coll, report, metric) if v.value is not None]
        exact = [v for v in prose if v.text == format_value(v.value)]
        if exact or prose:
            return (exact or prose)[0]
    return tv


_NUMBERS: OrderedDict[tuple, dict[str, Decimal]] = OrderedDict()  # the last rankings' figures
_NUMBERS_KEPT = 32
_NUMBERS_LOCK = threading.Lock()


def numbers(coll: Collection, reports: list[ReportRow], metric: Metric, column: str | None) -> dict[str, Decimal]:
    """report id -> the figure :func:`best_value` gives it, read for many reports in a few queries and
    without citing: a ranking or a list over a whole collection chooses with these, then cites only the
    reports it shows (through ``best_value``, so what is stated is what was chosen). Kept for the last
    few (catalog, reports, metric, column): a report's cells never change under its id (a content hash),
    and the catalog version changes when a report comes or goes."""
    ids = [r.id for r in reports]
    digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=16).hexdigest()
    key = (id(coll), coll.facts.catalog_version(), digest, metric.key, column)
    with _NUMBERS_LOCK:
        if key in _NUMBERS:
            _NUMBERS.move_to_end(key)
            return _NUMBERS[key]
    out = _read_numbers(coll, reports, ids, metric, column)
    with _NUMBERS_LOCK:
        _NUMBERS[key] = out
        while len(_NUMBERS) > _NUMBERS_KEPT:
            _NUMBERS.popitem(last=False)
    return out


def _read_numbers(
    coll: Collection, reports: list[ReportRow], ids: list[str], metric: Metric, column: str | None
) -> dict[str, Decimal]:
    """Each report's figure for the metric, from the first place that has it: a pre-2019 table's row whose
    label says it, the standard table's cell (its generation's, or 表二's nearest column), a sentence."""
    gens = coll.facts.table_generations(ids, ("t2", "legacy"))
    legacy = [i for i in ids if "legacy" in gens.get(i, {})] if column is None else []
    out = _legacy_numbers(coll, legacy, metric)
    skip = set(legacy)
    out.update(_cell_numbers(coll, [r for r in reports if r.id not in skip], gens, metric, column))
    rest = [i for i in ids if i not in out]
    if column is None and rest:
        out.update(_prose_numbers(coll, rest, metric))
    return out


def _legacy_numbers(coll: Collection, legacy: list[str], metric: Metric) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    words = _LEGACY_WORDS.get(metric.key)
    if not legacy or not words:
        return out
    for cell in coll.facts.cell_values(legacy, None, "this_year"):
        label = cell.row_id.removeprefix("legacy.")
        if cell.report_id not in out and cell.table == "legacy" and cell.status == CellStatus.NUMBER:
            if any(w in label for w in words):
                out[cell.report_id] = Decimal(cell.value_text)
    return out


def _cell_numbers(
    coll: Collection, reports: list[ReportRow], gens: dict[str, dict[str, str]], metric: Metric, column: str | None
) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    by_cell: dict[str, list[str]] = {}
    for r in reports:
        cell_id = metric.cell_for(gens.get(r.id, {}).get("t2", r.generation))
        if cell_id:
            by_cell.setdefault(cell_id, []).append(r.id)
    for cell_id, group in by_cell.items():
        row_id, col_id = cell_id.split(":")
        first = _first_cells(coll, group, row_id, column or col_id)
        near = T2_NEAREST.get(column or "")
        if near and row_id.startswith("t2."):
            unread = [i for i in group if i not in first]
            first.update(_first_cells(coll, unread, row_id, near) if unread else {})
        for rid, cell in first.items():
            if cell.status == CellStatus.NUMBER and cell.value_text:
                out[rid] = Decimal(cell.value_text)
    return out


def _prose_numbers(coll: Collection, rest: list[str], metric: Metric) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for prose in metric.prose:  # per report, the first prose metric it has, as prose_values reads
        if not rest:
            break
        chosen: dict[str, list[FigureRow]] = {}
        for f in coll.facts.figures(rest, prose):
            chosen.setdefault(f.report_id, []).append(f)
        for rid, figs in chosen.items():
            exact = [f for f in figs if f.value_text + f.qualifier == format_value(Decimal(f.value_text))]
            out[rid] = Decimal((exact or figs)[0].value_text)
        rest = [i for i in rest if i not in chosen]
    return out


def _first_cells(coll: Collection, report_ids: list[str], row_id: str, col_id: str) -> dict[str, CellValue]:
    first: dict[str, CellValue] = {}
    for cell in coll.facts.cell_values(report_ids, row_id, col_id):
        first.setdefault(cell.report_id, cell)
    return first


def add_fact(comp: Composer, v: Value, metric_id: str) -> None:
    """State ``v`` as one of the answer's figures."""
    comp.facts.append(
        Fact(
            v.report.id,
            v.report.issuer,
            v.report.year,
            metric_id,
            v.label,
            format_value(v.value) if v.value is not None else "",
            v.unit,
            v.citation,
            v.source,
            table_status=v.table_status,
            note=v.note,
        )
    )

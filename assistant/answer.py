"""``ask``: a question in, an answer with figures and citations out. The one path every front end uses.

Deterministic: figures come from stored table cells and prose figures only; passages come from
the vector index, filtered to the reports the question names. When the collection does not hold
what is asked, the answer says so and says what it does hold. Each kind of question (lookup,
comparison, ranking, share, coverage, report facts, passages) has one function below.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assistant import understand as u
from assistant.bodies import BodyCatalog
from assistant.glossary import BY_KEY, COLUMN_GLOSS_EN, ROW_GLOSS_EN, T2_BOTH, T2_NEAREST, Metric
from assistant.understand import Query
from index.collection import Collection
from index.facts import FigureRow, ReportRow
from index.search import wanted_sections
from ingest.normalize import format_value
from ingest.schema import SECTIONS, TABLE_TITLES, column_label, row_label
from ingest.tables import row_quote

ANSWERED, PARTIAL, NOT_FOUND = "answered", "partial", "not_found"
_CJK = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------
# Answer types
# ---------------------------------------------------------------------------------------------


@dataclass
class Citation:
    id: str
    report_id: str
    issuer: str
    year: int | None
    section: str
    quote: str
    table: str | None = None
    row: str | None = None
    column: str | None = None
    start: int | None = None
    end: int | None = None
    page: int | None = None  # PDF page of the quoted passage


@dataclass
class Fact:
    report_id: str
    issuer: str
    year: int | None
    metric: str
    label: str
    value: str
    unit: str
    citation: str
    source: str  # table | text | computed
    quality: str = ""  # the table's status, or how a computed value was obtained


@dataclass
class Answer:
    answer: str
    status: str
    citations: list[Citation] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    language: str = "zh"
    # exact: the deterministic text; generative: a model's rephrasing that passed the guard;
    # exact_fallback: a model was asked but its reply failed the guard (or the model failed)
    mode: str = "exact"
    # how the question was read ("no 2021 report; the 2020 report published in 2021 is used"): a
    # rephrased answer must carry these verbatim, so the generative mode puts them before the reply
    notes: list[str] = field(default_factory=list)
    # the bodies the question's name could mean, when it fits several: the chat offers them as choices
    candidates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        return d


class Composer:
    """Collects facts and numbered citations while an answer is written."""

    def __init__(self, lang: str, collection: Collection) -> None:
        self.lang = lang
        self.coll = collection
        self.citations: list[Citation] = []
        self.facts: list[Fact] = []
        self.lines: list[str] = []
        self.fallback = False  # answered from another reading of the question (publication year)
        self.notes: list[str] = []
        self.candidates: list[str] = []  # bodies the question's name could mean: offered to pick from

    def cite(self, report: ReportRow, **kw: Any) -> str:
        for c in self.citations:  # one number per passage
            if c.report_id == report.id and c.start == kw.get("start") and c.quote == kw.get("quote"):
                return c.id
        cid = str(len(self.citations) + 1)
        start = kw.get("start")
        if report.source_format == "pdf" and start is not None:
            kw["page"] = self.coll.facts.text(report.id).count("\f", 0, start) + 1
        self.citations.append(Citation(id=cid, report_id=report.id, issuer=report.issuer, year=report.year, **kw))
        return cid

    def say(self, zh: str, en: str) -> None:
        self.lines.append(zh if self.lang == "zh" else en)

    def note(self, zh: str, en: str) -> None:
        """Say how the question was read; kept apart so that no rephrasing can drop it."""
        self.say(zh, en)
        self.notes.append(self.lines[-1])

    def done(self, status: str) -> Answer:
        if self.fallback and status == ANSWERED:
            status = PARTIAL
        if self.candidates:
            self.say(
                f"（可选的单位：{'、'.join(self.candidates)}。问题中写明单位可得到单一答案。）",
                f"(The name fits: {'; '.join(self.candidates)}. Name one for a single answer.)",
            )
        return Answer(
            "\n".join(self.lines),
            status,
            self.citations,
            self.facts,
            self.lang,
            notes=self.notes,
            candidates=self.candidates,
        )


# ---------------------------------------------------------------------------------------------
# Finding a figure in one report
# ---------------------------------------------------------------------------------------------


@dataclass
class Value:
    """A figure for a metric in one report, with the citation that backs it."""

    report: ReportRow
    value: Decimal | None
    text: str
    unit: str
    source: str  # table | text
    citation: str
    label: str
    quality: str = ""
    status: str = "number"
    candidates: list[str] = field(default_factory=list)
    scope: str = ""
    metric_id: str = ""


def _line_at(text: str, start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end or start)
    return " ".join(text[a : b if b != -1 else len(text)].replace("\f", "").split())


def _table_value(
    comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str | None
) -> Value | None:
    tables = {t.table: t for t in coll.facts.tables(report.id)}
    if "legacy" in tables and column is None:
        return _legacy_value(comp, coll, report, metric)
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
            gen = report.generation
            comp.note(
                f"{_name(report, 'zh')}是{gen}年格式，表二没有“{column_label(row_id, column, '2021' if gen == '2019' else '2019')}”"
                f"一栏，以下给出“{column_label(row_id, near, gen)}”。",
                f"The {report.year} report of {report.issuer} uses the {gen} format, whose Table 2 has no "
                f"“{COLUMN_GLOSS_EN.get(column, column)}” column; “{COLUMN_GLOSS_EN.get(near, near)}” is given instead.",
            )
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
    quality = _quality_note(cell.method, t.status if t else "", list(t.reasons) if t else [], comp.lang)
    label = f"{rlabel} · {clabel}"
    unit = cell.unit or metric.unit_zh
    if cell.status == "number" and cell.value_text:
        return Value(
            report,
            Decimal(cell.value_text),
            cell.value_text,
            unit,
            "table",
            cid,
            label,
            quality or (t.status if t else ""),
        )
    return Value(report, None, "", unit, "table", cid, label, quality, cell.status, list(cell.candidates or []))


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


def _legacy_value(comp: Composer, coll: Collection, report: ReportRow, metric: Metric) -> Value | None:
    """本年度 figure of the first local-statistics-table row whose label names the metric."""
    words = _LEGACY_WORDS.get(metric.key)
    if not words:
        return None
    for cell in coll.facts.cells([report.id], None, "this_year"):
        label = cell.row_id.removeprefix("legacy.")
        if cell.table == "legacy" and any(w in label for w in words) and cell.status == "number":
            quote = row_quote(coll.facts.text(report.id), cell.row_id, cell.start, cell.end)
            cid = comp.cite(
                report,
                section="",
                quote=quote,
                table="政府信息公开情况统计表",
                row=label,
                column="本年度",
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
                f"{label} · 本年度",
                "unchecked",
                metric_id=f"{cell.row_id}:this_year",
            )
    return None


def _prose_values(comp: Composer, coll: Collection, report: ReportRow, metric: Metric) -> list[Value]:
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
        cid = comp.cite(report, section=f.section, quote=f.quote, start=f.start, end=f.end)
        v = Value(
            report,
            Decimal(f.value_text),
            f.value_text + f.qualifier,
            f.unit or "",
            "text",
            cid,
            f.label,
            scope=f.scope,
            metric_id=f.metric,
        )
        out.append(v)
    return out


def _quality_note(method: str, table_status: str, reasons: list[str], lang: str) -> str:
    notes = []
    if method in ("placed", "segmented") and table_status == "inconsistent":
        notes.append(
            "原文表格丢失了单元格边界，此值是原文数字唯一的拆分，但未能经勾稽关系确认"
            if lang == "zh"
            else "the source lost the table's cell boundaries; this is the only split of its digits, "
            "but the checking relations do not confirm it"
        )
    elif method in ("placed", "segmented"):
        notes.append(
            "原文表格丢失了单元格边界，此值经勾稽关系唯一确定"
            if lang == "zh"
            else "the source lost the table's cell boundaries; this value is fixed by the table's checking relations"
        )
    if method == "derived":
        notes.append(
            "表中未单列此项，由其各分项相加得出"
            if lang == "zh"
            else "not printed in the table; the sum of its printed parts"
        )
    if table_status == "inconsistent":
        notes.append(
            ("表格未通过勾稽校验：" if lang == "zh" else "the table fails its checks: ") + "; ".join(reasons[:2])
        )
    return ("；" if lang == "zh" else "; ").join(notes)


def best_value(comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str | None) -> Value | None:
    """The one figure to compare or rank with: the table's when known, else the text's."""
    tv = _table_value(comp, coll, report, metric, column)
    if tv is not None and tv.value is not None:
        return tv
    if column is None:
        prose = [v for v in _prose_values(comp, coll, report, metric) if v.value is not None]
        exact = [v for v in prose if v.text == format_value(v.value)]
        if exact or prose:
            return (exact or prose)[0]
    return tv


def _fact(comp: Composer, v: Value, metric_id: str) -> None:
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
            v.quality,
        )
    )


def _name(r: ReportRow, lang: str) -> str:
    return f"{r.issuer}{r.year}年度报告" if lang == "zh" else f"{r.issuer} ({r.year} report)"


def _metric_label(metric: Metric, column: str | None, lang: str) -> str:
    if lang == "zh":
        return metric.zh + (f"（{column_label(_row_of(metric), column)}）" if column else "")
    return metric.en + (f" ({COLUMN_GLOSS_EN.get(column, column)})" if column else "")


def _row_of(metric: Metric) -> str:
    cell = metric.cell_for("2021") or metric.cell_for("2019") or ""
    return cell.split(":")[0]


# ---------------------------------------------------------------------------------------------
# Kinds of question
# ---------------------------------------------------------------------------------------------


def _lookup(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    assert q.metric is not None
    lang, metric = comp.lang, q.metric
    for r in reports:
        name = _name(r, lang)
        tv = _table_value(comp, coll, r, metric, q.column)
        both = T2_BOTH.get(r.generation) if q.column is None and metric.key in ("rules", "normative_docs") else None
        if both and tv is not None and tv.value is not None:
            # "有多少件规范性文件" may mean made this year or in force: the other column too, labelled
            other = _table_value(comp, coll, r, metric, both[1])
            if other is not None and other.value is not None:
                comp.say(
                    f"{name}：表二“{other.label.split(' · ')[0]}”{other.label.split(' · ')[-1]}为 {other.text}件 "
                    f"[{other.citation}]（问题也可能指这一栏）。",
                    f"{name}: Table 2 “{other.label.split(' · ')[0]}”, "
                    f"{COLUMN_GLOSS_EN.get(both[1], both[1])}: {other.text} [{other.citation}] (the question may mean this column).",
                )
                _fact(comp, other, f"{_row_of(metric)}:{both[1]}")
        table_value = None
        if tv is not None:
            if tv.value is not None:
                table_value = tv.text
                row_id = tv.label.split(" · ")[0]
                gloss = ROW_GLOSS_EN.get(_row_of(metric), metric.en)
                col_label = tv.label.split(" · ")[-1]
                col_id = q.column or (metric.cell_for(r.generation) or "x:total").split(":")[1]
                note_zh = (
                    f"（{tv.quality}）"
                    if tv.quality and tv.quality not in ("verified", "unchecked", "ambiguous", "repaired")
                    else ""
                )
                note_en = f" ({tv.quality})" if note_zh else ""
                table = next(c.table for c in comp.citations if c.id == tv.citation) or ""
                short = table.split(" ")[0]
                comp.say(
                    f"{name}：{short}“{row_id}”{col_label}为 {tv.text}{tv.unit or ''} [{tv.citation}]{note_zh}。",
                    f"{name}: {short} “{row_id}” ({gloss}), {col_label} "
                    f"({COLUMN_GLOSS_EN.get(col_id, col_id)}): {tv.text}{_unit_en(tv.unit)} [{tv.citation}]{note_en}.",
                )
                _fact(comp, tv, tv.metric_id or f"{_row_of(metric)}:{col_id}")
            else:
                cands = "、".join(tv.candidates)
                comp.say(
                    f"{name}：表中“{tv.label}”无法确定（{tv.status}{'，可能为 ' + cands if cands else ''}） [{tv.citation}]。",
                    f"{name}: the table cell “{tv.label}” cannot be read reliably ({tv.status}"
                    f"{', possible values ' + ', '.join(tv.candidates) if cands else ''}) [{tv.citation}].",
                )
        if q.column is None:
            for v in _prose_values(comp, coll, r, metric):
                _fact(comp, v, v.metric_id)
                _say_figure(comp, v, name, table_value, answered_before=tv is not None and tv.value is not None)
        if tv is None or tv.value is None:
            if not any(f.report_id == r.id for f in comp.facts):
                comp.say(
                    f"{name}中没有关于“{_metric_label(metric, q.column, 'zh')}”的表格数字或正文数字。",
                    f"{name} states no figure for {_metric_label(metric, q.column, 'en')}.",
                )
    covered = {f.report_id for f in comp.facts}
    if covered:
        return ANSWERED if all(r.id in covered for r in reports) else PARTIAL
    return PARTIAL if comp.citations else NOT_FOUND


def _unit_en(unit: str) -> str:
    return {"万元": " (10,000 yuan)", "元": " yuan"}.get(unit, "")


def _say_figure(comp: Composer, v: Value, name: str, table_value: str | None, answered_before: bool) -> None:
    scope_zh = f"（口径：{v.scope}）" if v.scope and len(v.scope) <= 20 else ""
    scope_en = f" (counting: {v.scope})" if v.scope and len(v.scope) <= 20 else ""
    quote = next(c.quote for c in comp.citations if c.id == v.citation)
    if answered_before:
        comp.say(
            f"报告正文另称“{quote}”，即 {v.text}{v.unit}{scope_zh} [{v.citation}]。",
            f"The report's text says {v.text} (“{quote}”){scope_en} [{v.citation}].",
        )
    else:
        comp.say(
            f"{name}：报告正文称“{quote}”，即 {v.text}{v.unit}{scope_zh} [{v.citation}]。",
            f"{name}: the report's text says {v.text} (“{quote}”){scope_en} [{v.citation}].",
        )
    if table_value is not None and v.value is not None and format_value(v.value) != table_value:
        comp.say(
            f"注意：正文数字（{v.text}）与表格数字（{table_value}）不一致，两处均已引用。",
            f"Note: the text ({v.text}) and the table ({table_value}) disagree; both are cited.",
        )


def _values(
    comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]
) -> tuple[list[Value], list[ReportRow]]:
    assert q.metric is not None
    found, missing = [], []
    for r in reports:
        v = best_value(comp, coll, r, q.metric, q.column)
        if v is not None and v.value is not None:
            found.append(v)
            _fact(comp, v, f"{q.metric.key}" + (f":{q.column}" if q.column else ""))
        else:
            missing.append(r)
    return found, missing


def _say_value(comp: Composer, v: Value, prefix_zh: str = "", prefix_en: str = "") -> None:
    comp.say(
        f"{prefix_zh}{_name(v.report, 'zh')}：{v.text}{v.unit} [{v.citation}]"
        + ("（正文）" if v.source == "text" else ""),
        f"{prefix_en}{_name(v.report, 'en')}: {v.text}{_unit_en(v.unit)} [{v.citation}]"
        + (" (from the text)" if v.source == "text" else ""),
    )


def _say_missing(comp: Composer, missing: list[ReportRow]) -> None:
    if missing:
        comp.say(
            "以下报告没有可用的数字：" + "、".join(_name(r, "zh") for r in missing) + "。",
            "No usable figure in: " + "; ".join(_name(r, "en") for r in missing) + ".",
        )


def _compare(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    assert q.metric is not None
    found, missing = _values(comp, coll, q, reports)
    if not found:
        comp.say(
            f"所选报告中没有“{_metric_label(q.metric, q.column, 'zh')}”的数字。",
            f"None of these reports states a figure for {_metric_label(q.metric, q.column, 'en')}.",
        )
        _say_missing(comp, missing)
        return NOT_FOUND
    comp.say(
        f"“{_metric_label(q.metric, q.column, 'zh')}”：", f"{_metric_label(q.metric, q.column, 'en').capitalize()}:"
    )
    for v in sorted(found, key=lambda v: (v.report.issuer, v.report.year or 0)):
        _say_value(comp, v, "- ", "- ")
    if len(found) == 2 and q.kind in (u.COMPARE, u.DIFFERENCE):
        _difference(comp, found)
    _say_missing(comp, missing)
    return ANSWERED if not missing else PARTIAL


def _difference(comp: Composer, found: list[Value]) -> None:
    a, b = sorted(found, key=lambda v: v.value or 0, reverse=True)
    assert a.value is not None and b.value is not None
    d = a.value - b.value
    comp.facts.append(
        Fact(
            a.report.id,
            a.report.issuer,
            a.report.year,
            "difference",
            "差值 difference",
            format_value(d),
            a.unit,
            f"{a.citation},{b.citation}",
            "computed",
            f"{format_value(a.value)} − {format_value(b.value)}",
        )
    )
    comp.say(
        f"相差：{format_value(a.value)} − {format_value(b.value)} = {format_value(d)}（{a.report.issuer}多 {format_value(d)}）。",
        f"Difference: {format_value(a.value)} − {format_value(b.value)} = {format_value(d)} ({a.report.issuer} has {format_value(d)} more).",
    )


def _rank(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    assert q.metric is not None
    found, missing = _values(comp, coll, q, reports)
    if not found:
        comp.say(
            f"没有报告给出“{_metric_label(q.metric, q.column, 'zh')}”的数字。",
            f"No report states a figure for {_metric_label(q.metric, q.column, 'en')}.",
        )
        return NOT_FOUND
    ordered = sorted(found, key=lambda v: v.value or 0, reverse=not q.ascending)
    top = ordered[0]
    ties = [v for v in ordered if v.value == top.value]
    word_zh, word_en = ("最少", "fewest/lowest") if q.ascending else ("最多", "most/highest")
    who_zh = "、".join(_name(v.report, "zh") for v in ties)
    who_en = "; ".join(_name(v.report, "en") for v in ties)
    comp.say(
        f"“{_metric_label(q.metric, q.column, 'zh')}”{word_zh}的是{who_zh}：{top.text}{top.unit} "
        + " ".join(f"[{v.citation}]" for v in ties)
        + "。",
        f"{_metric_label(q.metric, q.column, 'en').capitalize()}, {word_en}: {who_en} with {top.text}"
        + _unit_en(top.unit)
        + " "
        + " ".join(f"[{v.citation}]" for v in ties)
        + ".",
    )
    comp.say("全部排序：", "Full ranking:")
    for i, v in enumerate(ordered, 1):
        _say_value(comp, v, f"{i}. ", f"{i}. ")
    if any(v.source == "text" for v in ordered):
        comp.say(
            "注：部分数字取自报告正文（2019年前的报告没有统一表格），口径可能不同。",
            "Note: some figures come from report text (pre-2019 reports have no standard table) and may count differently.",
        )
    _say_missing(comp, missing)
    return ANSWERED


def _zero_list(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    assert q.metric is not None
    found, missing = _values(comp, coll, q, reports)
    zeros = [v for v in found if v.value == 0]
    others = [v for v in found if v.value != 0]
    label_zh, label_en = _metric_label(q.metric, q.column, "zh"), _metric_label(q.metric, q.column, "en")
    if zeros:
        comp.say(f"“{label_zh}”为零的报告：", f"Reports with zero {label_en}:")
        for v in zeros:
            _say_value(comp, v, "- ", "- ")
    else:
        comp.say(f"没有报告的“{label_zh}”为零。", f"No report has zero {label_en}.")
    if others:
        comp.say("其余报告：", "Others:")
        for v in others:
            _say_value(comp, v, "- ", "- ")
    _say_missing(comp, missing)
    return ANSWERED if found else NOT_FOUND


def _share(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    assert q.metric is not None
    denom_metric = BY_KEY.get(q.metric.denominator or "")
    if denom_metric is None:
        return _lookup(comp, coll, q, reports)
    status = NOT_FOUND
    for r in reports:
        num = best_value(comp, coll, r, q.metric, q.column)
        den = best_value(comp, coll, r, denom_metric, q.column)
        if num is None or den is None or num.value is None or den.value is None or den.value == 0:
            comp.say(
                f"{_name(r, 'zh')}：缺少计算占比所需的数字。",
                f"{_name(r, 'en')}: the figures needed for the share are missing.",
            )
            continue
        pct = (num.value / den.value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        _fact(comp, num, q.metric.key)
        _fact(comp, den, denom_metric.key)
        comp.facts.append(
            Fact(
                r.id,
                r.issuer,
                r.year,
                f"share:{q.metric.key}/{denom_metric.key}",
                "占比 share",
                f"{format_value(pct)}%",
                "%",
                f"{num.citation},{den.citation}",
                "computed",
                f"{num.text} ÷ {den.text} × 100",
            )
        )
        comp.say(
            f"{_name(r, 'zh')}：{q.metric.zh}占{denom_metric.zh}的比例 = {num.text} ÷ {den.text} = {format_value(pct)}% "
            f"[{num.citation}][{den.citation}]。",
            f"{_name(r, 'en')}: {q.metric.en} as a share of {denom_metric.en} = {num.text} ÷ {den.text} = {format_value(pct)}% "
            f"[{num.citation}][{den.citation}].",
        )
        status = ANSWERED
    return status


def _t2_column(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    """One 表二 column asked without its row ("上一年项目数量是多少"): that column of every row that has it."""
    status = NOT_FOUND
    for r in reports:
        cells = [c for c in coll.facts.cells([r.id], None, q.column) if c.table == "t2"]
        name = _name(r, comp.lang)
        if not cells:
            comp.say(
                f"{name}的表二没有“{q.column and column_label('t2.licensing', q.column, '2019')}”一栏（{r.generation}年格式）。",
                f"Table 2 of {name} has no “{COLUMN_GLOSS_EN.get(q.column or '', q.column)}” column ({r.generation} format).",
            )
            continue
        for cell in cells:
            rlabel, clabel = row_label(cell.row_id, r.generation), column_label(cell.row_id, cell.col_id, r.generation)
            quote = row_quote(coll.facts.text(r.id), cell.row_id, cell.start, cell.end) or f"{rlabel} {cell.value_text}"
            cid = comp.cite(
                r,
                section=SECTIONS.get("s2", ""),
                quote=quote,
                table=TABLE_TITLES["t2"],
                row=rlabel,
                column=clabel,
                start=cell.start,
                end=cell.end,
            )
            shown = cell.value_text if cell.status == "number" else "—"
            comp.say(
                f"{name}：表二“{rlabel}”{clabel}为 {shown} [{cid}]。",
                f"{name}: Table 2 “{rlabel}”, {clabel}: {shown} [{cid}].",
            )
            if cell.status == "number" and cell.value_text:
                comp.facts.append(
                    Fact(
                        r.id,
                        r.issuer,
                        r.year,
                        cell.cell_id,
                        f"{rlabel} · {clabel}",
                        cell.value_text,
                        cell.unit or "",
                        cid,
                        "table",
                        "",
                    )
                )
                status = ANSWERED
    return status if comp.facts else (PARTIAL if comp.citations else NOT_FOUND)


def _scope(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    """What the reports are and what the collection holds, for a general question; sourced by the
    opening of a held report, which says under which regulation it was written."""
    issuers = sorted({r.issuer for r in reports})
    years = sorted({r.year for r in reports if r.year})
    sample = next(
        (r for r in sorted(reports, key=lambda r: -(r.year or 0)) if "条例" in coll.facts.text(r.id)[:800]), None
    )
    comp.say(
        "政府信息公开工作年度报告是各级行政机关依照《中华人民共和国政府信息公开条例》每年公布的报告："
        "主动公开、收到和处理政府信息公开申请、行政复议和行政诉讼的情况，以及存在的问题和改进措施。",
        "A government information disclosure annual report (政府信息公开工作年度报告) is what every administrative body "
        "publishes each year under the Regulations on the Disclosure of Government Information: what it disclosed "
        "proactively, the disclosure requests it received and how it handled them, the reviews and lawsuits that "
        "followed, and its problems and improvements.",
    )
    if sample is not None:
        text = coll.facts.text(sample.id)
        at = text.find("条例")
        a, b = max(0, text.rfind("。", 0, at) + 1), text.find("。", at)
        quote = " ".join(text[a : b + 1 if b != -1 else at + 80].split())
        cid = comp.cite(sample, section="", quote=quote, start=a, end=b + 1 if b != -1 else at + 80)
        comp.say(f"例如：“{quote}” [{cid}]", f"For example: “{quote}” [{cid}]")
    comp.say(
        f"资料库收录 {len(reports)} 份报告，来自 {len(issuers)} 个单位，年度 {years[0]}—{years[-1]}。"
        "可以问某单位某年的具体数字（如“东山县2020年收到多少政府信息公开申请？”），或比较多个单位、多个年度。",
        f"The collection holds {len(reports)} reports from {len(issuers)} bodies, years {years[0]}–{years[-1]}. Ask for a "
        "body's figure in a year (“how many disclosure applications did Dongshan County receive in 2020”), or compare bodies and years.",
    )
    return ANSWERED


def _coverage(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    if not reports:
        return NOT_FOUND
    what_zh = "、".join(q.issuers or q.regions) or "资料库"
    what_en = ", ".join(q.issuers or q.regions) or "the collection"
    comp.say(f"{what_zh}共有 {len(reports)} 份报告：", f"{what_en}: {len(reports)} report(s):")
    for r in sorted(reports, key=lambda r: (r.issuer, r.year or 0)):
        cid = comp.cite(r, section="", quote=r.title, start=0, end=len(r.title))
        region = "/".join(r.regions.values())
        comp.say(
            f"- {r.issuer}，{r.year}年度（{region}；格式：{r.generation}）[{cid}]",
            f"- {r.issuer}, {r.year} ({region}; format {r.generation}) [{cid}]",
        )
    return ANSWERED


_PHONE = re.compile(r"(?:电话|联系电话|咨询电话)[:：]?\s*([0-9０-９\-—－()（）]{7,20})")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ADDRESS = re.compile(r"(?:联系)?地址[:：]?\s*([^,，。;；)）]{4,40})")


def _report_fact(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    status = NOT_FOUND
    for r in reports:
        name = _name(r, comp.lang)
        if q.report_fact in ("phone", "email", "address"):
            rx = {"phone": _PHONE, "email": _EMAIL, "address": _ADDRESS}[q.report_fact]
            text = coll.facts.text(r.id)
            m = rx.search(text)
            if m:
                value = m.group(1) if m.groups() else m.group(0)
                start = m.start(1) if m.groups() else m.start()
                cid = comp.cite(
                    r,
                    section="",
                    quote=_line_at(text, start, start + len(value)),
                    start=start,
                    end=start + len(value),
                )
                comp.facts.append(
                    Fact(
                        r.id, r.issuer, r.year, f"report.{q.report_fact}", q.report_fact, value.strip(), "", cid, "text"
                    )
                )
                comp.say(f"{name}：{value.strip()} [{cid}]", f"{name}: {value.strip()} [{cid}]")
                status = ANSWERED
            else:
                comp.say(f"{name}中没有找到这项信息。", f"{name} does not state it.")
            continue
        value = {
            "published": r.published.isoformat() if r.published else "",
            "period": f"{r.stat_start.isoformat()} — {r.stat_end.isoformat()}" if r.stat_start and r.stat_end else "",
            "compiler": r.compiled_by,
        }.get(q.report_fact or "", "")
        if not value:
            comp.say(f"{name}没有记录这项信息。", f"The collection has no record of that for {name}.")
            continue
        label = {"published": "发布日期", "period": "统计期限", "compiler": "编制/来源"}[q.report_fact or "published"]
        cid = comp.cite(r, section="", quote=f"{label}：{value}（{r.title}）")
        comp.facts.append(Fact(r.id, r.issuer, r.year, f"report.{q.report_fact}", label, value, "", cid, "metadata"))
        comp.say(f"{name}的{label}：{value} [{cid}]", f"{name}, {q.report_fact}: {value} [{cid}]")
        status = ANSWERED
    return status


# ---- passages ---------------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text.lower())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def best_sentences(passage: str, question: str, limit: int = 2) -> str:
    """The sentence(s) of a passage that share most with the question, in passage order."""
    sents = [s.strip() for s in re.split(r"(?<=[。！？；;])|\n+", passage.replace("\f", "")) if s and s.strip()]
    body = [s for s in sents if len(s) > 25 or s[-1] in "。！？；;"]  # headings carry no answer
    sents = body or sents
    if len(sents) <= limit:
        return " ".join(sents)
    q = _bigrams(question)
    scored = sorted(range(len(sents)), key=lambda i: -len(q & _bigrams(sents[i])))[:limit]
    return " … ".join(sents[i] for i in sorted(scored))


_QUESTION_NOISE = re.compile(
    r"哪些单位|哪个单位|哪些报告|哪些地方|谁|提到了?|说到|讲到|报告中?|有没有|是否|吗|呢|什么|怎么|如何|怎样|的|了|？|\?|"
    r"which offices?|which bodies|which reports?|who|mention(?:ed|s)?|does|did|report(?:ed|s)?|what|how|the|of|in",
    re.I,
)


def _leading_sentences(text: str, limit: int) -> str:
    out = ""
    for sent in re.split(r"(?<=[。！？；;])", text.replace("\f", "")):
        if out and len(out) + len(sent) > limit:
            return out.strip() + " …"
        out += sent
    return out.strip()


def _section_answer(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow], sids: set[str]) -> str:
    """ "What problems did X report": the answer is X's own section 五, quoted from its start."""
    status = NOT_FOUND
    for r in reports:
        for s in coll.facts.sections(r.id):
            if s.level != 1 or s.sid not in sids:
                continue
            text = coll.facts.text(r.id)
            body_start = text.find("\n", s.start) + 1 or s.start
            body = text[body_start : s.end].strip()
            if not body:
                continue
            excerpt = _leading_sentences(body, 300)
            cid = comp.cite(r, section=s.path, quote=body[:600], start=body_start, end=s.end)
            comp.say(
                f"{_name(r, 'zh')}（{s.title}）：“{excerpt}” [{cid}]",
                f"{_name(r, 'en')}, “{s.title}”: “{excerpt}” [{cid}]",
            )
            status = ANSWERED
    return status


def _passages(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow], narrowed: bool) -> str:
    sids = wanted_sections(q.question) & {"s5"}
    if sids and narrowed and 0 < len(reports) <= 3 and q.metric is None:
        status = _section_answer(comp, coll, q, reports, sids)
        if status == ANSWERED:
            return status
    by_id = {r.id: r for r in coll.reports()}
    hits = coll.search(q.question, [r.id for r in reports] if narrowed else None, k=12)
    if hits:  # the best passage, and others only when they are nearly as good
        top = hits[0].score
        hits = [h for h in hits[:3] if h.score >= 0.85 * top]
    for h in hits:
        r = by_id.get(h.report_id)
        if r is None:
            continue
        section = str(h.metadata.get("section", ""))
        cid = comp.cite(
            r,
            section=section,
            quote=h.text.replace("\f", ""),
            start=int(h.metadata.get("start", 0)),
            end=int(h.metadata.get("end", 0)),
        )
        excerpt = best_sentences(h.text, q.question)
        comp.say(
            f"{_name(r, 'zh')}（{section}）：“{excerpt}” [{cid}]",
            f"{_name(r, 'en')}, section “{section}”: “{excerpt}” [{cid}]",
        )
    return ANSWERED if hits else NOT_FOUND


def _practice(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> str:
    """ "哪些单位提到缺少专职人员？": the reports whose own sentences say it, one line per issuer."""
    key = _QUESTION_NOISE.sub("", q.question)
    key_bigrams = _bigrams(key)
    if len(key_bigrams) < 1:
        return _passages(comp, coll, q, reports, bool(reports))
    matches = []
    for r in reports or coll.reports():
        best, best_score, best_span = "", 0.0, (0, 0)
        for m in re.finditer(r"[^。！？；;\n]+[。！？；;]?", coll.facts.text(r.id)):
            s = m.group(0).strip()
            if not s:
                continue
            score = len(key_bigrams & _bigrams(s)) / len(key_bigrams)
            if score > best_score:
                best, best_score, best_span = s, score, (m.start(), m.end())
        if best_score >= 0.5:
            matches.append((r, best, best_score, best_span))
    if not matches:
        return _passages(comp, coll, q, reports, bool(reports))
    comp.say(f"{len(matches)} 份报告提到相关内容：", f"{len(matches)} report(s) say so:")
    for r, sentence, _score, (a, b) in sorted(matches, key=lambda m: -m[2]):
        section = next((s.path for s in coll.facts.sections(r.id) if s.start <= a < s.end and s.level >= 1), "")
        cid = comp.cite(r, section=section, quote=sentence, start=a, end=b)
        comp.say(f"- {_name(r, 'zh')}：“{sentence}” [{cid}]", f"- {_name(r, 'en')}: “{sentence}” [{cid}]")
    return ANSWERED


# ---------------------------------------------------------------------------------------------
# Which reports a question is about
# ---------------------------------------------------------------------------------------------


_BODY_CATALOGS: dict[int, tuple[object, BodyCatalog]] = {}


def body_catalog(coll: Collection) -> BodyCatalog:
    """The collection's bodies and lineages, rebuilt only when its catalog changes."""
    reports = coll.reports()
    key = (len(reports), coll.facts.catalog_version())
    cached = _BODY_CATALOGS.get(id(coll))
    if cached is not None and cached[0] == key:
        return cached[1]
    by_report = coll.body_names()
    names: dict[str, list] = {}
    for r in reports:
        names.setdefault(r.issuer, []).extend(by_report.get(r.id, []))
    catalog = BodyCatalog(((r.issuer, r.year) for r in reports), names)
    _BODY_CATALOGS[id(coll)] = (key, catalog)
    return catalog


def _catalog_line(reports: list[ReportRow], lang: str) -> str:
    items = [f"{r.issuer}（{r.year}）" if lang == "zh" else f"{r.issuer} ({r.year})" for r in reports]
    return "、".join(items) if lang == "zh" else "; ".join(items)


def select_reports(comp: Composer, q: Query, all_reports: list[ReportRow]) -> list[ReportRow] | None:
    """The reports the question is about, or None after saying why there are none."""
    if q.unknown and not q.issuers:
        comp.say(
            f"资料库中没有{'、'.join(q.unknown)}的报告。现有报告：{_catalog_line(all_reports, 'zh')}。",
            f"The collection has no report for {', '.join(q.unknown)}. It holds: {_catalog_line(all_reports, 'en')}.",
        )
        return None
    pool = all_reports
    for zh, en in q.name_notes:
        comp.note(zh, en)
    if q.issuers:
        pool = [r for r in pool if r.issuer in q.issuers]
    elif q.regions:
        pool = [r for r in pool if set(r.regions.values()) & set(q.regions)]
    if not q.years:
        return pool
    if q.published_reading:
        chosen = [r for r in pool if r.published and r.published.year in q.years]
        if chosen:
            comp.note(
                f"按发布年份理解：{'、'.join(map(str, q.years))}年发布的报告。",
                f"Reading {', '.join(map(str, q.years))} as the publication year.",
            )
            return chosen
    chosen = [r for r in pool if r.year in q.years]
    if len(q.years) > 1 and chosen:
        missing_years = sorted(set(q.years) - {r.year for r in chosen})
        if missing_years and q.year_words:
            comp.note(
                f"（“{q.year_words}”按 {q.years[0]}—{q.years[-1]} 年理解；其中 {'、'.join(map(str, missing_years))} 年没有报告。）",
                f"(“{q.year_words}” read as {q.years[0]}–{q.years[-1]}; no report for {', '.join(map(str, missing_years))}.)",
            )
        return chosen
    if chosen:
        return chosen
    # a report published in the year asked covers the year before: say which reading is used
    published = [r for r in pool if r.published and r.published.year in q.years]
    if published and (q.issuers or q.regions):
        r0 = published[0]
        comp.fallback = True
        comp.note(
            f"资料库中没有{q.years[0]}年度（统计年度）的报告；{r0.issuer}{r0.year}年度报告于{r0.published.year}年发布，以下按该报告回答。",
            f"The collection has no report for statistics year {q.years[0]}; the {r0.year} report of {r0.issuer} was "
            f"published in {r0.published.year}, so the answer uses it.",
        )
        return published
    held = sorted({r.year for r in pool if r.year})
    what = "、".join(q.issuers or q.regions)
    when = f"{q.year_words}（{q.years[0]}年）" if q.year_words else f"{'、'.join(map(str, q.years))}年度"
    if what:
        comp.say(
            f"资料库中没有{what}{when}的报告；现有年度：{'、'.join(map(str, held))}。",
            f"The collection has no {', '.join(map(str, q.years))} report for {', '.join(q.issuers or q.regions)}; "
            f"it holds: {', '.join(map(str, held))}.",
        )
    else:
        comp.say(
            f"资料库中没有{when}的报告。现有报告：{_catalog_line(all_reports, 'zh')}。",
            f"The collection has no report for {', '.join(map(str, q.years))}. It holds: {_catalog_line(all_reports, 'en')}.",
        )
    return None


def _previous_query(history: list[dict[str, str]] | None, catalog, today, bodies=None) -> Query | None:
    prev = None
    for turn in history or []:
        if turn.get("role") == "user" and str(turn.get("content", "")).strip():
            q = u.parse(str(turn["content"]), catalog, today, bodies)
            prev = u.resolve_follow_up(q, prev)
    return prev


def ask(
    question: str,
    history: list[dict[str, str]] | None = None,
    collection: Collection | None = None,
    today: date | None = None,
) -> Answer:
    coll = collection or Collection()
    question = (question or "").strip()
    all_reports = coll.reports()
    lang = u.language_of(question)
    comp = Composer(lang, coll)
    if not question:
        return Answer("请输入问题。" if lang == "zh" else "Please ask a question.", NOT_FOUND, language=lang)
    if not all_reports:
        return Answer(
            "资料库中还没有报告。" if lang == "zh" else "The collection holds no reports yet.", NOT_FOUND, language=lang
        )
    catalog = [(r.issuer, r.year, r.regions) for r in all_reports]
    bodies = body_catalog(coll)
    q = u.resolve_follow_up(u.parse(question, catalog, today, bodies), _previous_query(history, catalog, today, bodies))
    if q.follow_up and q.asked:  # the inherited or new name, chosen again for the years now asked
        if q.years_if_held and bodies.holds(q.asked, q.years_if_held):
            q.years = q.years_if_held
        chosen = bodies.for_years(q.asked, q.years, q.ambiguous_name)
        q.issuers, q.name_notes, q.candidates = chosen.issuers, chosen.notes, chosen.candidates
    comp.candidates = q.candidates
    reports = select_reports(comp, q, all_reports)
    if reports is None:
        return comp.done(NOT_FOUND)
    narrowed = bool(q.issuers or q.regions or q.years)
    if q.other_applications:
        comp.note(
            "表三统计的是政府信息公开申请；问题问的是另一类申请，以下是报告中相关的段落。",
            "Table 3 counts disclosure requests; the question asks about another kind of application, so the "
            "reports' passages on it follow.",
        )
    if q.kind == u.SCOPE:
        status = _scope(comp, coll, q, all_reports)
    elif q.kind == u.T2_COLUMN:
        status = _t2_column(comp, coll, q, reports)
    elif q.kind == u.COVERAGE:
        status = _coverage(comp, coll, q, reports)
    elif q.kind == u.REPORT_FACT:
        status = _report_fact(comp, coll, q, reports if narrowed else [])
        if status == NOT_FOUND and not narrowed:
            comp.say("请说明是哪个单位的报告。", "Please name the office whose report you mean.")
    elif q.metric is not None and q.kind == u.RANK:
        status = _rank(comp, coll, q, reports)
    elif q.metric is not None and q.kind == u.ZERO_LIST:
        status = _zero_list(comp, coll, q, reports)
    elif q.metric is not None and q.kind == u.SHARE:
        status = _share(comp, coll, q, reports)
    elif q.metric is not None and (q.kind in (u.COMPARE, u.DIFFERENCE) or (len(reports) > 1 and narrowed)):
        status = _compare(comp, coll, q, reports)
    elif q.metric is not None and narrowed:
        status = _lookup(comp, coll, q, reports)
        if status == NOT_FOUND or not comp.facts:  # no figure: what the reports say about it
            status = _passages(comp, coll, q, reports, narrowed)
            status = PARTIAL if status == ANSWERED else status
    elif q.kind == u.PRACTICE:
        status = _practice(comp, coll, q, reports if narrowed else [])
    else:
        status = _passages(comp, coll, q, reports, narrowed)
        if status == ANSWERED and q.metric is not None:
            status = PARTIAL
    if status == NOT_FOUND and not comp.lines:
        comp.say("没有找到相关内容。", "Nothing relevant was found.")
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
) -> tuple[list[dict[str, Any]], list[Citation]]:
    """One row per report with the metric's figure and its citation: the compare table's data."""
    metric = BY_KEY[metric_key]
    comp = Composer("zh", coll)
    rows = []
    for r in coll.reports():
        if issuers and not any(i == r.issuer or i in r.issuer for i in issuers):
            continue
        if years and r.year not in years:
            continue
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
                "status": v.status if v else "missing",
                "quality": v.quality if v else "",
                "citation": v.citation if v else None,
            }
        )
    return rows, comp.citations

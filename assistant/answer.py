"""``ask``: a question in, an answer with figures and citations out. The one path every front end uses.

Deterministic: figures come from stored table cells and prose figures only; passages come from
the vector index, filtered to the reports the question names. When the collection does not hold
what is asked, the answer says so and says what it does hold.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.glossary import ROW_GLOSS_EN, Metric, find_column, find_metric
from assistant.names import match_issuers, unknown_places
from index.collection import Collection
from index.facts import CellRow, FigureRow, ReportRow
from index.vectors import Hit
from ingest.schema import SECTIONS, TABLE_TITLES, column_label, row_label

ANSWERED, PARTIAL, NOT_FOUND = "answered", "partial", "not_found"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_CJK = re.compile(r"[\u4e00-\u9fff]")


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
    source: str  # table | text
    quality: str = ""  # the table's status, or the cell's note


@dataclass
class Answer:
    answer: str
    status: str
    citations: list[Citation] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    language: str = "zh"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("language")
        return d


@dataclass
class Understood:
    language: str
    issuers: list[str]
    year: int | None
    metric: Metric | None
    column: str | None
    unknown: list[str]


def understand(question: str, collection: Collection, history: list[dict[str, str]] | None = None) -> Understood:
    lang = "zh" if _CJK.search(question) else "en"
    issuers = sorted({r.issuer for r in collection.reports()})
    named = match_issuers(question, issuers)
    years = [int(y) for y in _YEAR.findall(question)]
    unknown = [] if named else unknown_places(question, issuers)
    return Understood(
        lang, named, years[0] if years else None, find_metric(question, lang), find_column(question, lang), unknown
    )


def _line_at(text: str, start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end or start)
    return " ".join(text[a : b if b != -1 else len(text)].split())


class Composer:
    """Collects facts and numbered citations while an answer is written."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.citations: list[Citation] = []
        self.facts: list[Fact] = []
        self.lines: list[str] = []

    def cite(self, report: ReportRow, **kw: Any) -> str:
        cid = str(len(self.citations) + 1)
        start = kw.get("start")
        if report.source_format == "pdf" and start is not None:
            kw["page"] = report.text.count("\f", 0, start) + 1
        self.citations.append(Citation(id=cid, report_id=report.id, issuer=report.issuer, year=report.year, **kw))
        return cid

    def say(self, zh: str, en: str) -> None:
        self.lines.append(zh if self.lang == "zh" else en)

    def text(self) -> str:
        return "\n".join(self.lines)


def _report_name(r: ReportRow, lang: str) -> str:
    return f"{r.issuer}{r.year}年度报告" if lang == "zh" else f"{r.issuer} ({r.year} report)"


def _catalog_line(reports: list[ReportRow], lang: str) -> str:
    items = [f"{r.issuer}（{r.year}）" if lang == "zh" else f"{r.issuer} ({r.year})" for r in reports]
    return "、".join(items) if lang == "zh" else "; ".join(items)


def _quality_note(cell: CellRow, table_status: str, reasons: list[str], lang: str) -> str:
    notes = []
    if cell.method in ("placed", "segmented"):
        notes.append(
            "原文表格丢失了单元格边界，此值经勾稽关系唯一确定"
            if lang == "zh"
            else "the source lost the table's cell boundaries; this value is fixed by the table's checking relations"
        )
    if cell.method == "derived":
        notes.append(
            "表中未单列此项，由其各分项相加得出"
            if lang == "zh"
            else "not printed in the table; the sum of its printed parts"
        )
    if table_status == "inconsistent":
        notes.append(
            ("表格未通过勾稽校验：" if lang == "zh" else "the table fails its checks: ") + "; ".join(reasons[:2])
        )
    return "；".join(notes) if lang == "zh" else "; ".join(notes)


def _answer_metric(comp: Composer, coll: Collection, report: ReportRow, metric: Metric, column: str | None) -> bool:
    lang = comp.lang
    found = False
    table_value: str | None = None
    name = _report_name(report, lang)
    if metric.cell:
        row_id, col_id = metric.cell.split(":")
        col_id = column or col_id
        cells = coll.facts.cells([report.id], row_id, col_id)
        tables = {t.table: t for t in coll.facts.tables(report.id)}
        if cells:
            cell = cells[0]
            t = tables.get(cell.table)
            t_status, reasons = (t.status, t.reasons) if t else ("", [])
            gen = t.generation if t else "2021"
            rlabel, clabel = row_label(row_id, gen), column_label(row_id, col_id, gen)
            quote = _line_at(report.text, cell.start, cell.end)
            if not _CJK.search(quote):  # one value per line, or T4's bare number row
                quote = f"{rlabel}（{clabel}）：{quote or cell.value_text}"
            cid = comp.cite(
                report,
                section=SECTIONS.get({"t2": "s2", "t3": "s3", "t4": "s4"}[cell.table], ""),
                quote=quote,
                table=TABLE_TITLES[cell.table],
                row=rlabel,
                column=clabel,
                start=cell.start,
                end=cell.end,
            )
            note = _quality_note(cell, t_status, reasons, lang)
            if cell.status == "number" and cell.value_text:
                table_value = cell.value_text
                gloss = ROW_GLOSS_EN.get(row_id, metric.en)
                comp.say(
                    f"{name}：{TABLE_TITLES[cell.table].split(' ')[0]}“{rlabel}”{clabel}为 {cell.value_text}{metric.unit_zh} [{cid}]"
                    + (f"（{note}）" if note else "")
                    + "。",
                    f"{name}: {TABLE_TITLES[cell.table].split(' ')[0]} “{rlabel}” ({gloss}), {clabel} ({col_id.replace('_', ' ')}): "
                    f"{cell.value_text} [{cid}]" + (f" ({note})" if note else "") + ".",
                )
                comp.facts.append(
                    Fact(
                        report.id,
                        report.issuer,
                        report.year,
                        metric.cell.split(":")[0] + ":" + col_id,
                        f"{rlabel} · {clabel}",
                        cell.value_text,
                        metric.unit_zh,
                        cid,
                        "table",
                        t_status,
                    )
                )
                found = True
            else:
                cands = "、".join(cell.candidates) if cell.candidates else ""
                comp.say(
                    f"{name}：表中“{rlabel}”{clabel}无法确定（{cell.status}{'，可能为 ' + cands if cands else ''}） [{cid}]。",
                    f"{name}: the table cell “{rlabel}” / {clabel} cannot be read reliably ({cell.status}"
                    f"{', possible values ' + cands if cands else ''}) [{cid}].",
                )
    if metric.prose and column is None:
        figures: list[FigureRow] = []
        for prose in metric.prose:  # most specific first: 行政复议 alone, then 复议 and 诉讼 together
            figures = coll.facts.figures([report.id], prose)
            if figures:
                break
        seen: set[tuple[str, str]] = set()
        for f in figures:
            key = (f.value_text, f.scope)
            if key in seen:
                continue
            seen.add(key)
            cid = comp.cite(
                report,
                section=f.section,
                quote=f.quote,
                start=f.start,
                end=f.end,
            )
            comp.facts.append(
                Fact(report.id, report.issuer, report.year, f.metric, f.label, f.value_text, f.unit or "", cid, "text")
            )
            _say_figure(comp, f, cid, name, table_value, found)
            found = True
    return found


def _say_figure(comp: Composer, f: FigureRow, cid: str, name: str, table_value: str | None, after_table: bool) -> None:
    value = f"{f.value_text}{f.qualifier}"
    scope_zh = f"（口径：{f.scope}）" if f.scope and len(f.scope) <= 20 else ""
    scope_en = f" (counting: {f.scope})" if f.scope and len(f.scope) <= 20 else ""
    lead_zh = "报告正文另称" if after_table else f"{name}：报告正文称"
    lead_en = "The report's text says" if after_table else f"{name}: the report's text says"
    comp.say(
        f"{lead_zh}“{f.quote}”，即 {value}{f.unit or ''}{scope_zh} [{cid}]。",
        f"{lead_en} {value} (“{f.quote}”){scope_en} [{cid}].",
    )
    if table_value is not None and f.value_text != table_value:
        comp.say(
            f"注意：正文数字（{f.value_text}）与表格数字（{table_value}）不一致，两处均已引用。",
            f"Note: the text ({f.value_text}) and the table ({table_value}) disagree; both are cited.",
        )


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text.lower())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def best_sentences(passage: str, question: str, limit: int = 2) -> str:
    """The sentence(s) of a passage that share most with the question, in passage order."""
    sents = [s.strip() for s in re.split(r"(?<=[。！？；;])|\n+", passage) if s and s.strip()]
    body = [s for s in sents if len(s) > 25 or s[-1] in "。！？；;"]  # headings carry no answer
    sents = body or sents
    if len(sents) <= limit:
        return " ".join(sents)
    q = _bigrams(question)
    scored = sorted(range(len(sents)), key=lambda i: -len(q & _bigrams(sents[i])))[:limit]
    return " … ".join(sents[i] for i in sorted(scored))


_SECTION_HINTS = {
    "s5": ("问题", "不足", "改进", "problem", "improve", "weakness"),
    "s1": ("总体", "概况", "overview", "how did", "staff"),
    "s6": ("其他", "信息处理费", "other matters"),
}


def rerank(question: str, hits: list[Hit]) -> list[tuple[Hit, float]]:
    """Dense order corrected by two cheap signals: shared wording and the section a question points to."""
    q = _bigrams(question)
    q_lower = question.lower()
    wanted = {sid for sid, words in _SECTION_HINTS.items() if any(w in q_lower for w in words)}

    def score(h: Hit) -> float:
        overlap = len(q & _bigrams(h.text)) / max(1, len(q))
        section_fit = 0.15 if h.metadata.get("sid") in wanted else 0.0
        return h.score + 0.5 * overlap + section_fit

    return sorted(((h, score(h)) for h in hits), key=lambda x: x[1], reverse=True)


def _answer_passages(comp: Composer, coll: Collection, question: str, reports: list[ReportRow]) -> bool:
    by_id = {r.id: r for r in coll.reports()}
    hits = rerank(question, coll.search(question, [r.id for r in reports] if reports else None, k=12))
    if hits:  # the best passage, and others only when they are nearly as good
        top = hits[0][1]
        hits = [h for h in hits[:3] if h[1] >= 0.85 * top]
    for h, _score in hits:
        r = by_id.get(h.report_id)
        if r is None:
            continue
        cid = comp.cite(
            r,
            section=str(h.metadata.get("section", "")),
            quote=h.text.replace("\f", ""),
            start=int(h.metadata.get("start", 0)),
            end=int(h.metadata.get("end", 0)),
        )
        excerpt = best_sentences(h.text, question)
        comp.say(
            f"{_report_name(r, 'zh')}（{h.metadata.get('section', '')}）：“{excerpt}” [{cid}]",
            f"{_report_name(r, 'en')}, section “{h.metadata.get('section', '')}”: “{excerpt}” [{cid}]",
        )
    return bool(hits)


def ask(question: str, history: list[dict[str, str]] | None = None, collection: Collection | None = None) -> Answer:
    coll = collection or Collection()
    question = (question or "").strip()
    u = understand(question, coll, history)
    comp = Composer(u.language)
    all_reports = coll.reports()
    if not question:
        return Answer(
            "请输入问题。" if u.language == "zh" else "Please ask a question.", NOT_FOUND, language=u.language
        )
    if not all_reports:
        return Answer(
            "资料库中还没有报告。" if u.language == "zh" else "The collection holds no reports yet.",
            NOT_FOUND,
            language=u.language,
        )
    if u.unknown and not u.issuers:
        names = "、".join(u.unknown)
        comp.say(
            f"资料库中没有{names}的报告。现有报告：{_catalog_line(all_reports, 'zh')}。",
            f"The collection has no report for {', '.join(u.unknown)}. It holds: {_catalog_line(all_reports, 'en')}.",
        )
        return Answer(comp.text(), NOT_FOUND, language=u.language)
    reports = [r for r in all_reports if not u.issuers or r.issuer in u.issuers]
    if u.year is not None:
        in_year = [r for r in reports if r.year == u.year]
        if not in_year:
            held = sorted({r.year for r in reports if r.year})
            if u.issuers:
                years = "、".join(map(str, held))
                comp.say(
                    f"资料库中没有{'、'.join(u.issuers)}{u.year}年度的报告；现有年度：{years}。",
                    f"The collection has no {u.year} report for {', '.join(u.issuers)}; it holds: {', '.join(map(str, held))}.",
                )
            else:
                comp.say(
                    f"资料库中没有{u.year}年度的报告。现有报告：{_catalog_line(all_reports, 'zh')}。",
                    f"The collection has no report for {u.year}. It holds: {_catalog_line(all_reports, 'en')}.",
                )
            return Answer(comp.text(), NOT_FOUND, language=u.language)
        reports = in_year
    if u.metric is not None and (u.issuers or u.year is not None):
        answered = [_answer_metric(comp, coll, r, u.metric, u.column) for r in reports]
        for r, ok in zip(reports, answered, strict=False):
            if not ok:
                comp.say(
                    f"{_report_name(r, 'zh')}中没有关于“{u.metric.zh}”的表格数字或正文数字。",
                    f"{_report_name(r, 'en')} states no figure for {u.metric.en}.",
                )
        if any(answered):
            return Answer(comp.text(), ANSWERED if all(answered) else PARTIAL, comp.citations, comp.facts, u.language)
    found = _answer_passages(comp, coll, question, reports if (u.issuers or u.year) else [])
    if not found:
        comp.say("没有找到相关内容。", "Nothing relevant was found.")
        return Answer(comp.text(), NOT_FOUND, language=u.language)
    return Answer(comp.text(), PARTIAL if u.metric else ANSWERED, comp.citations, comp.facts, u.language)

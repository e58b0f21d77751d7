"""The handlers of questions that ask for figures: one figure, a comparison, a ranking, the bodies at
zero, a share, one column of 表二. Each takes the reports the question is about and registers
figures and citations with the composer; :mod:`assistant.phrasing` words them."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from assistant import phrasing as say
from assistant import understand as u
from assistant.compose import SHOWN, Composer
from assistant.glossary import (
    BY_KEY,
    COLUMN_GLOSS_EN,
    CUMULATIVE_WORDS,
    T2_BOTH,
    column_mentions,
    metric_mentions,
)
from assistant.types import ANSWERED, NOT_FOUND, PARTIAL, AnswerStatus, Fact, Value
from assistant.understand import Query
from assistant.values import (
    add_fact,
    best_value,
    format_lacks,
    label_within,
    legacy_cell_value,
    legacy_label_match,
    numbers,
    parts_sum,
    prose_values,
    question_terms,
    row_of,
    split_outside_brackets,
    stated_matches,
    stated_scored,
    stated_value,
    table_value,
    units_asked,
)
from index.collection import Collection
from index.facts import ReportRow
from ingest.figures import STATED
from ingest.model import CellStatus, TableStatus
from ingest.normalize import compact_str, format_value
from ingest.schema import SECTIONS, TABLE_TITLES, Generation, column_label, row_label
from ingest.tables import row_quote


def lookup(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """One metric in each report: the table's figure and what the prose says, disagreements shown."""
    assert q.metric is not None
    metric = q.metric
    for r in reports:
        name_zh, name_en = say.report_name(r, "zh"), say.report_name(r, "en")
        if r.generation == Generation.PRE2019 and _legacy_by_label(comp, coll, q, r):
            continue  # the row the question names by its own label answers it
        if format_lacks(r, metric, q.column):
            comp.say(
                *say.format_lacks(r, say.metric_label(metric, q.column, "zh"), say.metric_label(metric, q.column, "en"))
            )
            comp.lacking.add(r.id)
            continue
        tv = table_value(comp, coll, r, metric, q.column, CUMULATIVE_WORDS.search(q.question) is not None)
        table_figure = None
        if tv is not None and tv.value is not None:
            table_figure = tv.text
            row, col = tv.row_label, tv.column_label
            col_id = q.column or (metric.cell_for(r.generation) or "x:total").split(":")[1]
            table = next(c.table for c in comp.citations if c.id == tv.citation) or ""
            note = tv.note or (
                tv.table_status if tv.table_status == TableStatus.INCONSISTENT else ""
            )  # in the asker's language
            comp.say(
                *say.table_figure(
                    name_zh,
                    name_en,
                    table.split(" ")[0],
                    row,
                    say.row_gloss(row_of(metric), metric.en),
                    col,
                    COLUMN_GLOSS_EN.get(col_id, col_id),
                    tv.text,
                    tv.unit or "",
                    tv.citation,
                    note,
                )
            )
            add_fact(comp, tv, tv.metric_id or f"{row_of(metric)}:{col_id}")
            if col_id == "total" and tv.table_status == TableStatus.INCONSISTENT:
                _total_against_parts(comp, coll, r, tv, row_of(metric))
            both = T2_BOTH.get(r.generation) if q.column is None and metric.key in ("rules", "normative_docs") else None
            if both:  # "有多少件规范性文件" may mean made this year or in force: the other column too
                other = table_value(comp, coll, r, metric, both[1])
                if other is not None and other.value is not None:
                    orow, ocol = other.row_label, other.column_label
                    comp.say(
                        *say.other_column(
                            name_zh,
                            name_en,
                            orow,
                            ocol,
                            COLUMN_GLOSS_EN.get(both[1], both[1]),
                            other.text,
                            other.citation,
                        )
                    )
                    add_fact(comp, other, f"{row_of(metric)}:{both[1]}")
        elif tv is not None:
            comp.say(*say.unreadable_cell(name_zh, name_en, tv.label, tv.status, tv.candidates, tv.citation))
            comp.held_open.add(r.id)  # the cell exists and is undecided: no other figure stands in for it
        if q.column is None:
            for v in prose_values(comp, coll, r, metric):
                add_fact(comp, v, v.metric_id)
                _say_text_figure(comp, v, table_figure, answered_before=table_figure is not None)
        if tv is None and not any(f.report_id == r.id for f in comp.facts):
            # (a cell that is there and undecided, or blank, was said so above: "no figure" would contradict it)
            comp.say(
                *say.no_figure(
                    name_zh, name_en, say.metric_label(metric, q.column, "zh"), say.metric_label(metric, q.column, "en")
                )
            )
    covered = {f.report_id for f in comp.facts}
    if covered:
        return ANSWERED if all(r.id in covered for r in reports) else PARTIAL
    return PARTIAL if comp.citations else NOT_FOUND


def _say_text_figure(comp: Composer, v: Value, table_figure: str | None, answered_before: bool) -> None:
    quote = next(c.quote for c in comp.citations if c.id == v.citation)
    r = v.report
    comp.say(
        *say.text_figure(
            say.report_name(r, "zh"),
            say.report_name(r, "en"),
            v.text,
            v.unit,
            quote,
            v.scope,
            v.citation,
            answered_before,
        )
    )
    if table_figure is not None and v.value is not None and format_value(v.value) != table_figure:
        comp.say(*say.text_table_disagree(v.text, table_figure))


def values_of(
    comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]
) -> tuple[list[Value], list[ReportRow]]:
    """The metric's figure in each report (stated as facts), and the reports without one."""
    assert q.metric is not None
    found, missing = [], []
    for r in reports:
        v = best_value(comp, coll, r, q.metric, q.column)
        if v is not None and v.value is not None:
            found.append(v)
            add_fact(comp, v, f"{q.metric.key}" + (f":{q.column}" if q.column else ""))
        else:
            missing.append(r)
    return found, missing


def _say_value(comp: Composer, v: Value, prefix: str = "") -> None:
    comp.say(*say.value_line(v.report, v.text, v.unit, v.citation, v.source == "text", prefix))


def _say_missing(comp: Composer, missing: list[ReportRow]) -> None:
    if missing:
        comp.say(*say.no_usable_figure(missing[:SHOWN], max(0, len(missing) - SHOWN)))


def _labels(q: Query) -> tuple[str, str]:
    assert q.metric is not None
    return say.metric_label(q.metric, q.column, "zh"), say.metric_label(q.metric, q.column, "en")


def _split(coll: Collection, q: Query, reports: list[ReportRow]) -> tuple[list[ReportRow], list[ReportRow], dict]:
    """The reports with a figure for the question's metric, those without, and the figures: read in bulk
    so that only the reports an answer shows are cited (and read) one by one."""
    assert q.metric is not None
    nums = numbers(coll, reports, q.metric, q.column)
    return [r for r in reports if r.id in nums], [r for r in reports if r.id not in nums], nums


def _say_not_shown(comp: Composer, q: Query, more: int) -> None:
    if more > 0:
        comp.say(*say.not_shown(more, q.metric.key if q.metric else None))


def compare(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    with_figure, missing, _nums = _split(coll, q, reports)
    listed = sorted(with_figure, key=lambda r: (r.issuer, r.year or 0))
    found, lost = values_of(comp, coll, q, listed[:SHOWN])
    missing += lost
    if not found:
        comp.say(*say.none_states(*_labels(q)))
        _say_missing(comp, missing)
        return NOT_FOUND
    comp.say(*say.list_heading(*_labels(q)))
    for v in found:
        _say_value(comp, v, "- ")
    _say_not_shown(comp, q, len(listed) - SHOWN)
    if len(found) == 2 and q.kind in (u.COMPARE, u.DIFFERENCE):
        _difference(comp, found)
    _say_missing(comp, missing)
    return ANSWERED if not missing else PARTIAL


def _difference(comp: Composer, found: list[Value]) -> None:
    a, b = sorted(found, key=lambda v: v.value or 0, reverse=True)
    assert a.value is not None and b.value is not None
    d = a.value - b.value
    formula = f"{format_value(a.value)} − {format_value(b.value)}"
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
            formula=formula,
        )
    )
    comp.say(*say.difference(a.report, a.value, b.value))


def rank(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    with_figure, missing, nums = _split(coll, q, reports)
    if not with_figure:
        comp.say(*say.none_states(*_labels(q), selected=False))
        return NOT_FOUND
    ordered = sorted(with_figure, key=lambda r: nums[r.id], reverse=not q.ascending)
    tied = sum(nums[r.id] == nums[ordered[0].id] for r in ordered)
    found, lost = values_of(comp, coll, q, ordered[:SHOWN])
    missing += lost
    found.sort(key=lambda v: v.value or 0, reverse=not q.ascending)
    if not found:
        comp.say(*say.none_states(*_labels(q), selected=False))
        return NOT_FOUND
    top = found[0]
    ties = [v for v in found if v.value == top.value]
    comp.say(
        *say.top_of_ranking(
            *_labels(q), q.ascending, [v.report for v in ties], top.text, top.unit, [v.citation for v in ties], tied
        )
    )
    comp.say(*say.full_ranking(len(found), len(ordered)))
    for i, v in enumerate(found, 1):
        _say_value(comp, v, f"{i}. ")
    _say_not_shown(comp, q, len(ordered) - len(found) - len(lost))
    if any(v.source == "text" for v in found):
        comp.say(*say.some_from_text())
    _say_missing(comp, missing)
    return ANSWERED


def zero_list(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    with_figure, missing, nums = _split(coll, q, reports)
    zero = [r for r in with_figure if nums[r.id] == 0]
    other = [r for r in with_figure if nums[r.id] != 0]
    zeros, lost = values_of(comp, coll, q, zero[:SHOWN])
    others, lost_others = values_of(comp, coll, q, other) if len(other) <= SHOWN else ([], [])
    missing += lost + lost_others
    comp.say(*say.zero_heading(*_labels(q), bool(zeros)))
    for v in zeros:
        _say_value(comp, v, "- ")
    _say_not_shown(comp, q, len(zero) - SHOWN)
    if len(other) > SHOWN:  # a long list of non-zero figures answers nothing that was asked
        comp.say(*say.others_counted(len(other), q.metric.key))
    elif others:
        comp.say(*say.others_heading())
        for v in others:
            _say_value(comp, v, "- ")
    _say_missing(comp, missing)
    return ANSWERED if zeros or others or len(other) > SHOWN else NOT_FOUND


def share(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    assert q.metric is not None
    whole = BY_KEY.get(q.metric.denominator or "")
    if whole is None:
        return lookup(comp, coll, q, reports)
    status = NOT_FOUND
    for r in reports[:SHOWN]:
        num = best_value(comp, coll, r, q.metric, q.column)
        den = best_value(comp, coll, r, whole, q.column)
        if num is None or den is None or num.value is None or den.value is None or den.value == 0:
            comp.say(*say.share_missing(r))
            continue
        pct = (num.value / den.value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        add_fact(comp, num, q.metric.key)
        add_fact(comp, den, whole.key)
        comp.facts.append(
            Fact(
                r.id,
                r.issuer,
                r.year,
                f"share:{q.metric.key}/{whole.key}",
                "占比 share",
                f"{format_value(pct)}%",
                "%",
                f"{num.citation},{den.citation}",
                "computed",
                formula=f"{num.text} ÷ {den.text} × 100",
            )
        )
        comp.say(*say.share(r, q.metric, whole, num.text, den.text, format_value(pct), (num.citation, den.citation)))
        status = ANSWERED
    _say_not_shown(comp, q, len(reports) - SHOWN)
    return status


def t2_column(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """One 表二 column asked without its row ("上一年项目数量是多少"): that column of every row that has it."""
    column = q.column or ""
    for r in reports[:SHOWN]:
        if r.generation == Generation.PRE2019 and _legacy_by_label(comp, coll, q, r):
            _text_beside_legacy(comp, coll, q, r)  # its table has no 表二; a row its own label names answers
            continue
        cells = [c for c in coll.facts.cells([r.id], None, column) if c.table == "t2"]
        if not cells:
            comp.say(
                *say.t2_no_column(r, column_label("t2.licensing", column, "2019"), COLUMN_GLOSS_EN.get(column, column))
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
            comp.say(*say.t2_cell(r, rlabel, clabel, cell.value_text if cell.status == CellStatus.NUMBER else "—", cid))
            if cell.status == CellStatus.NUMBER and cell.value_text:
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
                    )
                )
    _say_not_shown(comp, q, len(reports) - SHOWN)
    return ANSWERED if comp.facts else (PARTIAL if comp.citations else NOT_FOUND)


def compound(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """Several figures asked in one question ("行政复议和行政诉讼各有几件？"): each part answered as a question
    of its own, with its own citation; a part no report answers says so beside the parts that are answered."""
    statuses = []
    for metric, column in q.parts:
        part = replace(q, metric=metric, column=column, parts=[], kind=u.LOOKUP)
        statuses.append(lookup(comp, coll, part, reports))
    if all(s == ANSWERED for s in statuses):
        return ANSWERED
    return PARTIAL if any(s != NOT_FOUND for s in statuses) or comp.facts else NOT_FOUND


def trend(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """One body's figure over its years ("这几年收到的申请是多了还是少了？", "2020—2025年的行政复议"): every
    year's figure with its citation, the years asked that have no report or no figure named, the change
    from the first year to the last stated (and computed, with its formula), the highest and lowest year."""
    assert q.metric is not None
    by_year = sorted(reports, key=lambda r: r.year or 0)
    found, no_figure = values_of(comp, coll, q, by_year)
    held = {r.year for r in by_year}
    asked = sorted(set(q.years)) if q.years else []
    no_report = [y for y in asked if y not in held]
    if not found:
        comp.say(*say.none_states(*_labels(q)))
        _say_missing(comp, no_figure)
        if no_report:
            comp.say(*say.years_without_report(no_report))
        return NOT_FOUND
    label_zh, label_en = _labels(q)
    first, last = found[0], found[-1]
    top = max(found, key=lambda v: v.value or 0)
    low = min(found, key=lambda v: v.value or 0)
    # every year held, in order; a year whose report states no figure is a point without one (the chart
    # draws it as "no value", as the Compare tab does: a year is never dropped silently)
    by_report = {v.report.id: v for v in found}
    comp.series = [
        (str(r.year), v.value, f"{v.text}{v.unit}", v.citation)
        if (v := by_report.get(r.id))
        else (str(r.year), None, "", "")
        for r in by_year
    ]
    title_zh, title_en = say.series_title(max(found, key=lambda v: v.report.year).report.issuer, label_zh, label_en)
    comp.series_title = title_zh if comp.lang == "zh" else title_en
    if q.ascending or (q.kind == u.TREND and _asks_for_top(q.question)):
        lead = low if q.ascending else top
        comp.say(
            *say.trend_top(
                max(found, key=lambda v: v.report.year).report.issuer,  # a body under its latest name
                label_zh,
                label_en,
                lead.report.year,
                lead.text,
                lead.unit,
                lead.citation,
                q.ascending,
            )
        )
    comp.say(*say.trend_heading(max(found, key=lambda v: v.report.year).report.issuer, label_zh, label_en, len(found)))
    for v in found:
        comp.say(*say.trend_year(v.report.year, v.text, v.unit, v.citation, v.source == "text"))
    if no_report:
        comp.say(*say.years_without_report(no_report))
    if no_figure:
        comp.say(*say.years_without_figure([r.year for r in no_figure]))
    if len(found) >= 2 and first.value is not None and last.value is not None:
        delta = last.value - first.value
        formula = f"{format_value(last.value)} − {format_value(first.value)}"
        comp.facts.append(
            Fact(
                last.report.id,
                last.report.issuer,
                last.report.year,
                "change",
                f"{first.report.year}—{last.report.year} 变化 change",
                format_value(delta),
                last.unit,
                f"{first.citation},{last.citation}",
                "computed",
                formula=formula,
            )
        )
        pct = (delta / first.value * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if first.value else None
        comp.say(*say.trend_change(first.report.year, first.text, last.report.year, last.text, last.unit, delta, pct))
        if top is not low:
            comp.say(*say.trend_extremes(top.report.year, top.text, low.report.year, low.text, last.unit))
    return ANSWERED if not (no_report or no_figure) else PARTIAL


_TOP_WORDS = ("哪一年", "哪年", "which year", "what year", "in which year")


def _asks_for_top(question: str) -> bool:
    q = question.lower()
    return any(w in q for w in _TOP_WORDS)


_MONEY_ROW = re.compile(r"费|金额|元|资金|经费")


def _legacy_by_label(comp: Composer, coll: Collection, q: Query, r: ReportRow) -> bool:
    """A pre-2019 report's statistics-table row named by its own label: said (figure, or why there is
    none) and registered; False when the question names no row of the report's table."""
    match = legacy_label_match(coll, r, q.question, q.language)
    if match is None:
        return False
    if "元" in units_asked(q.question, q.language) and not _MONEY_ROW.search(match[0]):
        return False  # money asked ("how much money … put into website management"): a row counting items is not it
    if any(f.report_id == r.id and f.metric == f"{match[0]}:{match[1]}" for f in comp.facts):
        return True  # a compound question naming the row twice: said once
    v = legacy_cell_value(comp, coll, r, *match)
    if v is None:
        return False
    name_zh, name_en = say.report_name(r, "zh"), say.report_name(r, "en")
    row, col = v.row_label, v.column_label
    if v.value is None:
        comp.say(*say.unreadable_cell(name_zh, name_en, v.label, v.status, v.candidates, v.citation))
        return True
    comp.say(
        *say.table_figure(
            name_zh,
            name_en,
            "政府信息公开情况统计表",
            row,
            row,
            col,
            "cumulative" if match[1] == "cumulative" else "this year",
            v.text,
            v.unit,
            v.citation,
            "",
        )
    )
    add_fact(comp, v, v.metric_id)
    return True


def _total_against_parts(comp: Composer, coll: Collection, r: ReportRow, tv: Value, row: str) -> None:
    """A printed 总计 in a table that fails its checks, whose own row's parts add up to something else
    (洪泽区 2023 表四 行政复议: 维持10, 纠正1, 总计0): both said, neither chosen."""
    row_id = (tv.metric_id or "").split(":")[0] or row
    parts = parts_sum(coll, r, row_id)
    if parts is None or tv.value is None or parts == tv.value:
        return
    comp.say(*say.total_disagrees_with_parts(tv.row_label, tv.text, format_value(parts), tv.unit or ""))


def stated(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """A figure asked with no table metric of its own: a statistics-table row named by its label, else the
    figures the report's sentences state in the question's words, each cited to its sentence. None
    found: NOT_FOUND, and the caller turns to the passages."""
    for r in reports[:SHOWN]:
        if r.generation == Generation.PRE2019 and _legacy_by_label(comp, coll, q, r):
            _text_beside_legacy(comp, coll, q, r)
            continue
        for f in stated_matches(coll, r, q.question, q.language, _names_of(q)):
            v = stated_value(comp, r, f)
            add_fact(comp, v, STATED)
            comp.say(*say.stated_figure(r, f.label, v.text, v.unit, f.quote, v.citation))
    return ANSWERED if comp.facts else NOT_FOUND


def _text_beside_legacy(comp: Composer, coll: Collection, q: Query, r: ReportRow) -> None:
    """A pre-2019 table row's figure beside a sentence of the same report stating the same count otherwise
    (表 历年累计 256, text "共公开文件累计257份"): the report contradicts itself; both shown, both cited. The
    sentence must agree with the row on whether it counts over the years ("至目前，已累计出刊178期，共发布
    政府信息5362条" does, in its words before the figure's own clause)."""
    table = [f for f in comp.facts if f.report_id == r.id and f.source == "table"]
    if len(table) != 1:
        return
    over_years = table[0].metric.endswith(":cumulative")
    for f in stated_matches(coll, r, q.question, q.language, _names_of(q)):
        if bool(_RUNNING.search(f.quote)) != over_years or f.value_text == table[0].value:
            continue
        v = stated_value(comp, r, f)
        add_fact(comp, v, STATED)
        comp.say(*say.stated_beside(r, f.label, v.text, v.unit, f.quote, v.citation))
        comp.say(*say.text_table_disagree(v.text, table[0].value))
        return


# how many more characters of the question a sentence's words must hold than the metric's words do
# for the sentence to be the closer reading: a word more ("其他答复" is not 答复; "网络投诉等信访投诉事项" is not
# 表三's 信访举报投诉类申请)
_CLOSER_BY = 2


def stated_first(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> bool:
    """A question whose words a report's sentence holds far more of than the table metric it also names
    ("已主动公开答复数" beside 主动公开, "以网上提交表单形式申请" beside 申请) asks for the sentence's figure:
    said first, cited to its sentence; the table's figure follows as the table's."""
    if q.metric is None or len(reports) != 1 or q.table_named or q.language != "zh":
        return False  # an English question's words are the glossary's few, too coarse to tell sentences apart
    r = reports[0]
    names = _names_of(q)
    own = sum(len(t) for t in _metric_terms(q, names))
    closer = [f for f, score in stated_scored(coll, r, q.question, q.language, names) if score >= own + _CLOSER_BY]
    for f in closer:
        v = stated_value(comp, r, f)
        add_fact(comp, v, STATED)
        comp.say(*say.stated_figure(r, f.label, v.text, v.unit, f.quote, v.citation))
    return bool(closer)


_ASKING_CLAUSE = re.compile(r"[^，,。？?；;！!]+")
_ASKS_FOR = re.compile(r"多少|几|百分之|比例|率|how many|how much|what (?:was|is|were) the|\bhow\b", re.I)


_RUNNING = re.compile(r"累计|历年|至今|截至|截止")


def running_total(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus | None:
    """A running total ("历年累计") asked of reports without a statistics table: a sentence that states one
    answers it; else it is not held, and the year's own figure is not given in its place. None when the
    question asks no running total, or a report has the table's 历年累计 column."""
    if not CUMULATIVE_WORDS.search(q.question) or any(r.generation == Generation.PRE2019 for r in reports):
        return None
    said = False
    for r in reports[:SHOWN]:
        for f in stated_matches(coll, r, q.question, q.language, _names_of(q)):
            if _RUNNING.search(f.label):
                v = stated_value(comp, r, f)
                add_fact(comp, v, STATED)
                comp.say(*say.stated_figure(r, f.label, v.text, v.unit, f.quote, v.citation))
                said = True
    if said:
        return ANSWERED
    comp.say(*say.no_running_total([r.year for r in reports if r.year]))
    return NOT_FOUND


def stated_items(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> None:
    """The clauses of a question that ask for something no table metric names ("快检一共抽检多少批次？其中
    不合格几批？", "减免多少钱？历年累计减免多少？"): each answered from the report's sentences, in its own
    words, beside what the tables answered. A clause that names a metric was the lookup's. English too
    ("How many staff …, and how many were full-time vs part-time?")."""
    if len(reports) != 1:
        return
    clauses = [
        piece
        for m in _ASKING_CLAUSE.finditer(q.question)
        if _ASKS_FOR.search(m.group(0))
        for piece in _each_item(m.group(0), q.language)
    ]
    if len(clauses) < 2:
        return  # one clause: the question's metric is what it asks
    r = reports[0]
    names = _names_of(q)
    said = {(f.report_id, f.value) for f in comp.facts}
    units_said = {f.unit for f in comp.facts if f.report_id == r.id}
    for clause in clauses:
        asked = units_asked(clause, q.language)
        named = metric_mentions(clause.lower(), q.language)
        # a metric with a table cell is the table's to answer (or to say it cannot); one only sentences
        # state (staff, training) is the sentences', unless the lookup already gave it
        tabled = any(BY_KEY[m.key].cell is not None for m in named)
        if (
            named
            and (tabled or _metric_answered(comp, named) or comp.held_open)
            and not (asked and not asked & units_said)
        ):
            continue  # the lookup's, unless it was answered in another unit ("几个人参加培训": 1次)
        found = stated_scored(coll, r, clause, q.language, names, context=q.question)
        for f, _ in found:
            if (r.id, f.value_text) in said:
                continue
            v = stated_value(comp, r, f)
            add_fact(comp, v, STATED)
            said.add((r.id, f.value_text))
            comp.say(*say.stated_figure(r, f.label, v.text, v.unit, f.quote, v.citation))
        if not found and not metric_mentions(clause.lower(), q.language) and _asks_its_own_item(clause, names, q):
            # "…，驳回多少": a part asked that neither a table nor a sentence answers is said, never dropped
            comp.say(*say.clause_not_found(r, clause.strip()))
            comp.incomplete = True


# the words of a clause that only ask ("各有几件", "分别是多少呢"), not what is asked about
_ONLY_ASKING = re.compile(
    r"多少|几|[个件条次名人项份批家]|各|分别|其中|又|还|呢|吗|是|有|为|的|共|一共|合计|总共|年度?|\d+|[\s、和与及]"
)


_JOIN = re.compile(r"和|及|与|以及|、")
_EACH_ASKED = re.compile(r"各|分别")


def _each_item(clause: str, lang: str) -> list[str]:
    """A clause asking for each of several things not all of which a metric names ("全年主动公开政府信息和公众号
    发布信息各多少条", "市本级和县（区、管委会）各有多少件"): each thing with the clause's asking words, so the
    ones no metric names are looked for in the sentences. Any other clause stays whole."""
    each = _EACH_ASKED.search(clause)
    if not each:
        return [clause]
    tail = clause[each.start() :]
    items = [p for p in split_outside_brackets(clause[: each.start()], _JOIN) if p.strip()]
    named = [bool(metric_mentions(p.lower(), lang)) for p in items]
    return [p + tail for p in items] if len(items) > 1 and not all(named) else [clause]


def _metric_answered(comp: Composer, named: list) -> bool:
    """Whether the answer already holds a figure of a metric the clause names ("专职" names the staff, whose
    figure no table or pattern gave: the clause is still the sentences' to answer)."""
    ids = set()
    for mention in named:
        m = BY_KEY[mention.key]
        ids |= {i.split(":")[0] for i in (*m.prose, m.cell_for("2019"), m.cell_for("2021")) if i}
    return any(f.metric.split(":")[0] in ids for f in comp.facts)


def _asks_its_own_item(clause: str, names: list[str], q: Query) -> bool:
    """A clause that names an item of its own (not a continuation like "自然人和企业各几件", whose column
    words belong to the lookup, nor "各有几件")."""
    if any(column_mentions(clause.lower(), "zh", m) for m in [q.metric, *(m for m, _ in q.parts or [])]):
        return False
    rest = clause
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name, "")
    return len(re.sub(r"[^\u4e00-\u9fff]", "", _ONLY_ASKING.sub("", rest))) >= 2


def stated_phrase(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> bool:
    """Several metrics named in one phrase a report's sentence counts as one item ("依申请公开及不予公开
    多少份": the sentence's "依申请公开及不予公开399份"): that figure, not one per metric."""
    if len(reports) != 1 or q.language != "zh":
        return False
    mentions = metric_mentions(q.question.lower(), q.language)
    if len(mentions) < 2:
        return False
    phrase = compact_str(q.question[mentions[0].start : mentions[-1].end])
    r = reports[0]
    fits = [f for f in coll.facts.figures([r.id], STATED) if phrase in compact_str(f.label)]
    if len(phrase) < 5 or len({f.value_text for f in fits}) != 1:
        return False
    v = stated_value(comp, r, fits[0])
    add_fact(comp, v, STATED)
    comp.say(*say.stated_figure(r, fits[0].label, v.text, v.unit, fits[0].quote, v.citation))
    return True


def _metric_terms(q: Query, names: list[str], columns: bool = True) -> list[str]:
    """The question's terms that lie in the words it names its metric (and column) with."""
    lower = q.question.lower()
    named = [lower[m.start : m.end] for m in metric_mentions(lower, q.language)]
    if columns:
        named += [lower[m.start : m.end] for m in column_mentions(lower, q.language, q.metric)]
    return [t for t in question_terms(q.question, q.language, names) if any(t in w for w in named)]


def _names_of(q: Query) -> list[str]:
    """Every name the question's bodies and places go by: words of the question that only say who."""
    from assistant.bodies import describe

    names = [*q.asked, *q.issuers, *q.places]
    for issuer in {*q.asked, *q.issuers}:
        names += list(describe(issuer).aliases)
    return names


_RATE = re.compile(r"率|百分之|百分比|%|％|\bpercent|\brate\b", re.I)


def stated_beside(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> None:
    """What the sentences state in the question's own words beside the table's figure, when it differs:
    a rate asked ("办结率多少%") the table has no cell for, or a sentence counting the same thing another
    way ("行政许可6项" beside 表二's 29, "其他处理2件" beside 表三's 4: the report contradicts itself, and
    both are shown with both citations). Shown as the text's, with its sentence; the table's stays. Not
    when the question names the table's row itself ("表三“总计”")."""
    if q.metric is None or len(reports) != 1 or q.table_named:
        return
    r = reports[0]
    names = _names_of(q)
    # the metric's own words, or the question's words for it ("其他答复": 答复)
    words = [w for w in q.metric.words_zh if len(w) >= 2] + [t for t in _metric_terms(q, names, False) if len(t) >= 2]
    stated_values = {f.value for f in comp.facts if f.report_id == r.id}
    rate = bool(_RATE.search(q.question))
    for f in stated_matches(coll, r, q.question, q.language, names):
        if f.value_text in stated_values:
            continue
        if not rate and not (any(w in f.label for w in words) and label_within(f.label, q.question, q.language, names)):
            continue  # a sentence about something else, or about a part of it, that shares a word
        v = stated_value(comp, r, f)
        add_fact(comp, v, STATED)
        comp.say(*say.stated_beside(r, f.label, v.text, v.unit, f.quote, v.citation))
        table = [t for t in comp.facts if t.report_id == r.id and t.source == "table"]
        if not rate and len(table) == 1 and table[0].value != v.text:
            comp.say(*say.text_table_disagree(v.text, table[0].value))  # the report contradicts itself

"""Every sentence an answer can say, in Chinese and in English side by side.

Handlers decide *what* to say (which figure, which citation, which caveat); the functions here
decide *how*, each returning ``(zh, en)`` for :meth:`assistant.compose.Composer.say`. A figure
leads its line, so the reader sees the number first and then what it is and where it is from.
Nothing here looks anything up.
"""

from __future__ import annotations

import re
from decimal import Decimal

from assistant.glossary import COLUMN_GLOSS_EN, ROW_GLOSS_EN, Metric
from index.facts import ReportRow
from ingest.model import CellStatus, TableStatus
from ingest.normalize import format_value
from ingest.schema import column_label

Pair = tuple[str, str]


# ---- names and labels -----------------------------------------------------------------------


def report_name(r: ReportRow, lang: str) -> str:
    return f"{r.issuer}{r.year}年度报告" if lang == "zh" else f"{r.issuer} ({r.year} report)"


def unit_en(unit: str) -> str:
    return {"万元": " (10,000 yuan)", "元": " yuan"}.get(unit, "")


def metric_label(metric: Metric, column: str | None, lang: str) -> str:
    row = (metric.cell_id() or "").split(":")[0]
    if lang == "zh":
        return metric.zh + (f"（{column_label(row, column)}）" if column else "")
    return metric.en + (f" ({COLUMN_GLOSS_EN.get(column, column)})" if column else "")


def catalog_line(reports: list[ReportRow], lang: str) -> str:
    items = [f"{r.issuer}（{r.year}）" if lang == "zh" else f"{r.issuer} ({r.year})" for r in reports]
    return "、".join(items) if lang == "zh" else "; ".join(items)


def reading_note(method: str, table_status: str, reasons: list[str], lang: str) -> str:
    """How a cell was read, when the reader should know: boundaries lost, derived, checks failed."""
    notes = []
    if method in ("placed", "segmented") and table_status == TableStatus.INCONSISTENT:
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
    if method == "ocr":
        notes.append(
            ("此值由扫描件经文字识别（OCR）读出" if lang == "zh" else "read from a scanned page by OCR")
            + (
                ("，表格勾稽关系成立" if lang == "zh" else "; the table's checking relations hold")
                if table_status in (TableStatus.VERIFIED, TableStatus.REPAIRED)
                else ("，未经勾稽关系确认，请以原件为准" if lang == "zh" else "; no checking relation confirms it")
            )
        )
    if method == "derived":
        notes.append(
            "表中未单列此项，由其各分项相加得出"
            if lang == "zh"
            else "not printed in the table; the sum of its printed parts"
        )
    if table_status == TableStatus.INCONSISTENT:
        notes.append(
            ("表格未通过勾稽校验：" if lang == "zh" else "the table fails its checks: ") + "; ".join(reasons[:2])
        )
    return ("；" if lang == "zh" else "; ").join(notes)


# ---- how the question was read ----------------------------------------------------------------


def candidates(names: list[str]) -> Pair:
    return (
        f"（可选的单位：{'、'.join(names)}。问题中写明单位可得到单一答案。）",
        f"(The name fits: {'; '.join(names)}. Name one for a single answer.)",
    )


def other_applications() -> Pair:
    return (
        "表三统计的是政府信息公开申请；问题问的是另一类申请，以下是报告中相关的段落。",
        "Table 3 counts disclosure requests; the question asks about another kind of application, so the "
        "reports' passages on it follow.",
    )


def nearest_column(report: ReportRow, row_id: str, asked: str, given: str) -> Pair:
    gen = report.generation
    other = "2021" if gen == "2019" else "2019"
    return (
        f"{report_name(report, 'zh')}是{gen}年格式，表二没有“{column_label(row_id, asked, other)}”"
        f"一栏，以下给出“{column_label(row_id, given, gen)}”。",
        f"The {report.year} report of {report.issuer} uses the {gen} format, whose Table 2 has no "
        f"“{COLUMN_GLOSS_EN.get(asked, asked)}” column; “{COLUMN_GLOSS_EN.get(given, given)}” is given instead.",
    )


def no_such_body(names: list[str], nearest: list[tuple[str, list[int]]]) -> Pair:
    """A body the collection does not hold: said so, with the few nearest it does hold (not the catalog)."""
    near_zh = (
        "最接近的有：" + "、".join(f"{i}（{'、'.join(map(str, ys))}）" for i, ys in nearest) + "。" if nearest else ""
    )
    near_en = (
        " The nearest it holds: " + "; ".join(f"{i} ({', '.join(map(str, ys))})" for i, ys in nearest) + "."
        if nearest
        else ""
    )
    return (
        f"资料库中没有{'、'.join(names)}的报告。{near_zh}",
        f"The collection has no report for {', '.join(names)}.{near_en}",
    )


def published_reading(years: list[int]) -> Pair:
    return (
        f"按发布年份理解：{'、'.join(map(str, years))}年发布的报告。",
        f"Reading {', '.join(map(str, years))} as the publication year.",
    )


def years_partly_held(years: list[int], words: str, missing: list[int]) -> Pair:
    return (
        f"（“{words}”按 {years[0]}—{years[-1]} 年理解；其中 {'、'.join(map(str, missing))} 年没有报告。）",
        f"(“{words}” read as {years[0]}–{years[-1]}; no report for {', '.join(map(str, missing))}.)",
    )


def published_in_year_asked(year: int, r: ReportRow) -> Pair:
    assert r.published is not None
    return (
        f"{year}年发布的是{r.issuer}{r.year}年度报告（统计{r.year}年）；如要问它，请问“{r.year}年”。",
        f"The report published in {year} is {r.issuer}'s {r.year} report (statistics year {r.year}); "
        f"ask about {r.year} for it.",
    )


def _when(years: list[int], words: str) -> str:
    """The years asked as the asker said them, with what they were read as: 近三年（2023—2025年）."""
    if not words:
        return f"{'、'.join(map(str, years))}年度"
    span = f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年"
    return f"{words}（{span}）"


def year_not_held(what: list[str], years: list[int], words: str, held_years: list[int]) -> Pair:
    """No report for the (statistics) year asked: the years held, the nearest first."""
    when = _when(years, words)
    return (
        f"资料库中没有{'、'.join(what)}{when}的报告（年度指统计年度）；现有年度（由近及远）：{'、'.join(map(str, held_years))}。",
        f"The collection has no {', '.join(map(str, years))} report (statistics year) for {', '.join(what)}; "
        f"it holds, nearest first: {', '.join(map(str, held_years))}.",
    )


def no_report_for_years(years: list[int], words: str, held: list[ReportRow]) -> Pair:
    when = _when(years, words)
    return (
        f"资料库中没有{when}的报告。现有报告：{catalog_line(held, 'zh')}。",
        f"The collection has no report for {', '.join(map(str, years))}. It holds: {catalog_line(held, 'en')}.",
    )


def empty_question() -> Pair:
    return "请输入问题。", "Please ask a question."


def empty_collection() -> Pair:
    return "资料库中还没有报告。", "The collection holds no reports yet."


def name_the_office() -> Pair:
    return "请说明是哪个单位的报告。", "Please name the office whose report you mean."


def nothing_relevant() -> Pair:
    return "没有找到相关内容。", "Nothing relevant was found."


# ---- one figure -------------------------------------------------------------------------------


def table_figure(
    name_zh: str,
    name_en: str,
    table: str,
    row: str,
    row_en: str,
    column: str,
    column_en: str,
    value: str,
    unit: str,
    cite: str,
    note: str = "",
) -> Pair:
    """The figure first, then which cell of which report it is; ``note`` is in the asker's language."""
    return (
        f"{value}{unit}：{name_zh}，{table}“{row}”{column} [{cite}]" + (f"（{note}）" if note else "") + "。",
        f"{value}{unit_en(unit)}: {name_en}, {table} “{row}” ({row_en}), {column} ({column_en}) [{cite}]"
        + (f" ({note})" if note else "")
        + ".",
    )


def row_gloss(row_id: str, fallback: str) -> str:
    return ROW_GLOSS_EN.get(row_id, fallback)


def other_column(name_zh: str, name_en: str, row: str, column: str, column_en: str, value: str, cite: str) -> Pair:
    return (
        f"{value}件：{name_zh}，表二“{row}”{column} [{cite}]（问题也可能指这一栏）。",
        f"{value}: {name_en}, Table 2 “{row}”, {column_en} [{cite}] (the question may mean this column).",
    )


def unreadable_cell(name_zh: str, name_en: str, label: str, status: str, candidates: list[str], cite: str) -> Pair:
    """A cell the source leaves undecided: said so, with what it could be — never a number picked for it."""
    if candidates:
        return (
            f"{name_zh}：表中“{label}”无法确定（可能为 {' 或 '.join(candidates)}；原文丢失了单元格边界，"
            f"勾稽关系容许这几种读法） [{cite}]。",
            f"{name_en}: the table cell “{label}” cannot be determined (it could be {' or '.join(candidates)}; the "
            f"source lost the cell boundaries and the checking relations allow each) [{cite}].",
        )
    why_zh = "原文此格为空" if status == CellStatus.BLANK else "原文此处的数字无法读出（表格丢失了单元格位置）"
    why_en = (
        "the source leaves it blank"
        if status == CellStatus.BLANK
        else "the source's figure cannot be read (the table lost its cell positions)"
    )
    return (
        f"{name_zh}：表中“{label}”无法确定（{why_zh}） [{cite}]。",
        f"{name_en}: the table cell “{label}” cannot be determined ({why_en}) [{cite}].",
    )


_FORMAT_ZH = {"pre-2019": "2019年以前的报告（无统一表格）", "2019": "2019年试行格式", "2021": "2021年格式"}
_FORMAT_EN = {
    "pre-2019": "pre-2019 reports (no national tables)",
    "2019": "the 2019 trial format",
    "2021": "the 2021 format",
}


def format_lacks(r: ReportRow, label_zh: str, label_en: str) -> Pair:
    return (
        f"{report_name(r, 'zh')}采用{_FORMAT_ZH.get(r.generation, r.generation)}，表中没有“{label_zh}”这一项。",
        f"{report_name(r, 'en')} follows {_FORMAT_EN.get(r.generation, r.generation)}, whose tables have no {label_en}.",
    )


def no_figure(name_zh: str, name_en: str, label_zh: str, label_en: str) -> Pair:
    return f"{name_zh}中没有关于“{label_zh}”的表格数字或正文数字。", f"{name_en} states no figure for {label_en}."


def text_figure(
    name_zh: str, name_en: str, value: str, unit: str, quote: str, scope: str, cite: str, also: bool
) -> Pair:
    """A figure the report's prose gives; ``also`` when the table's figure was given first."""
    scope_zh = f"（口径：{scope}）" if scope and len(scope) <= 20 else ""
    scope_en = f" (counting: {scope})" if scope and len(scope) <= 20 else ""
    if also:
        return (
            f"报告正文另称“{quote}”，即 {value}{unit}{scope_zh} [{cite}]。",
            f"The report's text says {value} (“{quote}”){scope_en} [{cite}].",
        )
    return (
        f"{value}{unit}：{name_zh}，报告正文称“{quote}”{scope_zh} [{cite}]。",
        f"{value}: {name_en}, the report's text says “{quote}”{scope_en} [{cite}].",
    )


def text_table_disagree(text_value: str, table_value: str) -> Pair:
    return (
        f"注意：正文数字（{text_value}）与表格数字（{table_value}）不一致，无法确定以哪个为准，两处均已引用。",
        f"Note: the text ({text_value}) and the table ({table_value}) disagree; which is right cannot be determined"
        " from the report, so both are cited.",
    )


def total_disagrees_with_parts(label: str, total: str, parts: str, unit: str) -> Pair:
    """A printed total whose own row does not add up to it: both shown, neither chosen."""
    return (
        f"注意：表中“{label}”印为{total}{unit}，但同一行各分项之和为{parts}{unit}，两者不一致，无法确定哪个正确。",
        f"Note: the table prints {total} for “{label}”, but the parts of its row add up to {parts}; they disagree, "
        "and which is right cannot be determined from the report.",
    )


# ---- several figures --------------------------------------------------------------------------


def value_line(r: ReportRow, value: str, unit: str, cite: str, from_text: bool, prefix: str = "") -> Pair:
    return (
        f"{prefix}{report_name(r, 'zh')}：{value}{unit} [{cite}]" + ("（正文）" if from_text else ""),
        f"{prefix}{report_name(r, 'en')}: {value}{unit_en(unit)} [{cite}]" + (" (from the text)" if from_text else ""),
    )


def no_usable_figure(missing: list[ReportRow], more: int = 0) -> Pair:
    zh_more, en_more = (f"等 {len(missing) + more} 份", f" and {more} more") if more else ("", "")
    return (
        "以下报告没有可用的数字：" + "、".join(report_name(r, "zh") for r in missing) + zh_more + "。",
        "No usable figure in: " + "; ".join(report_name(r, "en") for r in missing) + en_more + ".",
    )


def _full_list(metric_key: str) -> Pair:
    where = f"/api/compare?metric={metric_key}"
    return f"“比较”页或 {where}", f"the Compare tab or {where}"


def not_shown(more: int, metric_key: str | None = None, listed: bool = True) -> Pair:
    """A list cut at :data:`assistant.compose.SHOWN` lines says how many it left out and, when a full
    list exists (``listed``), where it is: the compare view for a metric, the catalog otherwise."""
    if not listed:
        return f"……另有 {more} 份未列出。", f"… {more} more not listed."
    where_zh, where_en = _full_list(metric_key) if metric_key else ("/api/reports", "/api/reports")
    return f"……另有 {more} 份未列出；完整列表见 {where_zh}。", f"… {more} more not listed; the full list: {where_en}."


def none_states(label_zh: str, label_en: str, selected: bool = True) -> Pair:
    if selected:
        return f"所选报告中没有“{label_zh}”的数字。", f"None of these reports states a figure for {label_en}."
    return f"没有报告给出“{label_zh}”的数字。", f"No report states a figure for {label_en}."


def list_heading(label_zh: str, label_en: str) -> Pair:
    return f"“{label_zh}”：", f"{label_en.capitalize()}:"


def difference(a: ReportRow, high: Decimal, low: Decimal) -> Pair:
    d = format_value(high - low)
    hi, lo = format_value(high), format_value(low)
    return (
        f"相差：{hi} − {lo} = {d}（{a.issuer}多 {d}）。",
        f"Difference: {hi} − {lo} = {d} ({a.issuer} has {d} more).",
    )


def top_of_ranking(
    label_zh: str,
    label_en: str,
    ascending: bool,
    who: list[ReportRow],
    value: str,
    unit: str,
    cites: list[str],
    tied: int = 0,
) -> Pair:
    """``tied``: how many reports share the top figure in all, when more than ``who`` names."""
    word_zh, word_en = ("最少", "fewest/lowest") if ascending else ("最多", "most/highest")
    refs = " ".join(f"[{c}]" for c in cites)
    more = tied - len(who) if tied > len(who) else 0
    zh_more, en_more = (f"等 {tied} 份报告（并列）", f" and {more} more (tied)") if more else ("", "")
    return (
        f"“{label_zh}”{word_zh}的是{'、'.join(report_name(r, 'zh') for r in who)}{zh_more}：{value}{unit} {refs}。",
        f"{label_en.capitalize()}, {word_en}: {'; '.join(report_name(r, 'en') for r in who)}{en_more} "
        f"with {value}{unit_en(unit)} {refs}.",
    )


def full_ranking(shown: int = 0, total: int = 0) -> Pair:
    if shown and total > shown:
        return f"前 {shown} 名（共 {total} 份报告给出数字）：", f"Top {shown} of {total} reports with a figure:"
    return "全部排序：", "Full ranking:"


def some_from_text() -> Pair:
    return (
        "注：部分数字取自报告正文（2019年前的报告没有统一表格），口径可能不同。",
        "Note: some figures come from report text (pre-2019 reports have no standard table) and may count differently.",
    )


def zero_heading(label_zh: str, label_en: str, any_zero: bool) -> Pair:
    if any_zero:
        return f"“{label_zh}”为零的报告：", f"Reports with zero {label_en}:"
    return f"没有报告的“{label_zh}”为零。", f"No report has zero {label_en}."


def others_heading() -> Pair:
    return "其余报告：", "Others:"


def others_counted(n: int, metric_key: str) -> Pair:
    """The non-zero reports of a zero list too long to show: only their number and where they are."""
    where_zh, where_en = _full_list(metric_key)
    return (
        f"其余 {n} 份报告的数字不为零（见{where_zh}）。",
        f"{n} other reports state a non-zero figure (see {where_en}).",
    )


def share_missing(r: ReportRow) -> Pair:
    return (
        f"{report_name(r, 'zh')}：缺少计算占比所需的数字。",
        f"{report_name(r, 'en')}: the figures needed for the share are missing.",
    )


def share(r: ReportRow, part: Metric, whole: Metric, num: str, den: str, pct: str, cites: tuple[str, str]) -> Pair:
    refs = f"[{cites[0]}][{cites[1]}]"
    return (
        f"{pct}%：{report_name(r, 'zh')}，{part.zh}占{whole.zh}的比例 = {num} ÷ {den} {refs}。",
        f"{pct}%: {report_name(r, 'en')}, {part.en} as a share of {whole.en} = {num} ÷ {den} {refs}.",
    )


def t2_cell(r: ReportRow, row: str, column: str, value: str, cite: str) -> Pair:
    return (
        f"{value}：{report_name(r, 'zh')}，表二“{row}”{column} [{cite}]。",
        f"{value}: {report_name(r, 'en')}, Table 2 “{row}”, {column} [{cite}].",
    )


def t2_no_column(r: ReportRow, column_zh: str, column_en: str) -> Pair:
    return (
        f"{report_name(r, 'zh')}的表二没有“{column_zh}”一栏（{r.generation}年格式）。",
        f"Table 2 of {report_name(r, 'en')} has no “{column_en}” column ({r.generation} format).",
    )


# ---- what the collection is, and what a report says ------------------------------------------


def scope_intro() -> Pair:
    return (
        "政府信息公开工作年度报告是各级行政机关依照《中华人民共和国政府信息公开条例》每年公布的报告："
        "主动公开、收到和处理政府信息公开申请、行政复议和行政诉讼的情况，以及存在的问题和改进措施。",
        "A government information disclosure annual report (政府信息公开工作年度报告) is what every administrative body "
        "publishes each year under the Regulations on the Disclosure of Government Information: what it disclosed "
        "proactively, the disclosure requests it received and how it handled them, the reviews and lawsuits that "
        "followed, and its problems and improvements.",
    )


def off_topic(examples: list[tuple[str, int]]) -> Pair:
    zh_examples = [f"“{issuer}{year}年收到多少政府信息公开申请？”" for issuer, year in examples]
    en_examples = [f"“How many disclosure requests did {issuer} receive in {year}?”" for issuer, year in examples]
    return (
        "我只回答政府信息公开工作年度报告里的问题：各单位每年主动公开、收到和办理信息公开申请、行政复议和行政诉讼的数字，"
        "以及报告里写了什么。例如：" + "、".join(zh_examples[:3] or ["“东山县2020年收到多少政府信息公开申请？”"]),
        "I answer questions about government information disclosure annual reports: what each office disclosed, the "
        "requests it received and how it handled them, reviews and lawsuits, and what its reports say. For example: "
        + "; ".join(en_examples[:3] or ["“How many disclosure requests did Dongshan County receive in 2020?”"]),
    )


def scope_example(quote: str, cite: str) -> Pair:
    return f"例如：“{quote}” [{cite}]", f"For example: “{quote}” [{cite}]"


def scope_holdings(n_reports: int, n_bodies: int, first: int, last: int) -> Pair:
    return (
        f"资料库收录 {n_reports} 份报告，来自 {n_bodies} 个单位，年度 {first}—{last}。"
        "可以问某单位某年的具体数字（如“东山县2020年收到多少政府信息公开申请？”），或比较多个单位、多个年度。",
        f"The collection holds {n_reports} reports from {n_bodies} bodies, years {first}–{last}. Ask for a "
        "body's figure in a year (“how many disclosure applications did Dongshan County receive in 2020”), "
        "or compare bodies and years.",
    )


def coverage_summary(by_region: list[tuple[str, int]], years: tuple[int, int] | None) -> Pair:
    """A collection too big to list: how many reports per province, and the years."""
    parts_zh = "、".join(f"{name or '未识别省份'} {n} 份" for name, n in by_region)
    parts_en = ", ".join(f"{name or 'province not recognised'} {n}" for name, n in by_region)
    span_zh = f"，年度 {years[0]}–{years[1]}" if years else ""
    span_en = f"; years {years[0]}–{years[1]}" if years else ""
    return f"按地区：{parts_zh}{span_zh}。", f"By region: {parts_en}{span_en}."


def coverage_heading(what: list[str], n: int) -> Pair:
    return (
        f"{'、'.join(what) or '资料库'}共有 {n} 份报告：",
        f"{', '.join(what) or 'the collection'}: {n} report(s):",
    )


def coverage_line(issuer: str, region: str, years: list[tuple[int | None, str, str]]) -> Pair:
    """One body and its reports: (year, table format, citation) each."""
    zh = "、".join(f"{f'{y}年度' if y else '年度不详'}（{g}格式）[{c}]" for y, g, c in years)
    en = ", ".join(f"{y or 'year unknown'} ({g} format) [{c}]" for y, g, c in years)
    where_zh, where_en = (f"（{region}）", f" ({region})") if region else ("", "")
    return f"- {issuer}{where_zh}：{zh}", f"- {issuer}{where_en}: {en}"


def report_fact(r: ReportRow, label_zh: str, label_en: str, value: str, cite: str) -> Pair:
    return (
        f"{value}：{report_name(r, 'zh')}的{label_zh} [{cite}]",
        f"{value}: {report_name(r, 'en')}, {label_en} [{cite}]",
    )


def report_fact_missing(r: ReportRow, stated: bool) -> Pair:
    if stated:
        return f"{report_name(r, 'zh')}中没有找到这项信息。", f"{report_name(r, 'en')} does not state it."
    return (
        f"{report_name(r, 'zh')}没有记录这项信息。",
        f"The collection has no record of that for {report_name(r, 'en')}.",
    )


def passage(r: ReportRow, section: str, excerpt: str, cite: str) -> Pair:
    return (
        f"{report_name(r, 'zh')}（{section}）：“{excerpt}” [{cite}]",
        f"{report_name(r, 'en')}, section “{section}”: “{excerpt}” [{cite}]",
    )


def practice_heading(n: int, among_passages: int | None = None) -> Pair:
    """``among_passages``: the collection was too big to read whole, so only the reports of this many
    best-matching passages were read; the count says so."""
    if among_passages:
        return (
            f"在与问题最相关的 {among_passages} 段所属的报告中，{n} 份提到相关内容：",
            f"Among the reports of the {among_passages} passages that match best, {n} say so:",
        )
    return f"{n} 份报告提到相关内容：", f"{n} report(s) say so:"


def practice_line(r: ReportRow, sentence: str, cite: str) -> Pair:
    return f"- {report_name(r, 'zh')}：“{sentence}” [{cite}]", f"- {report_name(r, 'en')}: “{sentence}” [{cite}]"


# ---- one body over its years ------------------------------------------------------------------


def trend_heading(issuer: str, label_zh: str, label_en: str, n: int) -> Pair:
    return (f"{issuer}历年“{label_zh}”（{n}个年度）：", f"{issuer}, {label_en} by year ({n} years):")


def series_title(issuer: str, label_zh: str, label_en: str) -> Pair:
    """What a trend's chart shows, named in its text alternative."""
    return f"{issuer}历年“{label_zh}”", f"{issuer}, {label_en} by year"


def trend_year(year: int | None, value: str, unit: str, cite: str, from_text: bool) -> Pair:
    src_zh, src_en = ("（正文）", " (text)") if from_text else ("", "")
    return f"- {year}年：{value}{unit} [{cite}]{src_zh}", f"- {year}: {value}{unit_en(unit)} [{cite}]{src_en}"


def trend_top(
    issuer: str, label_zh: str, label_en: str, year: int | None, value: str, unit: str, cite: str, lowest: bool
) -> Pair:
    return (
        f"{value}{unit}：{issuer}“{label_zh}”{'最少' if lowest else '最多'}的是{year}年 [{cite}]。",
        f"{value}{unit_en(unit)}: {issuer}'s {label_en} were {'lowest' if lowest else 'highest'} in {year} [{cite}].",
    )


def trend_change(
    y0: int | None, v0: str, y1: int | None, v1: str, unit: str, delta: Decimal, pct: Decimal | None
) -> Pair:
    if delta == 0:
        return f"{y0}年与{y1}年持平（均为{v0}{unit}）。", f"The same in {y0} and {y1} ({v0}{unit_en(unit)})."
    up = delta > 0
    share_zh = f"，{'增长' if up else '下降'}{format_value(abs(pct))}%" if pct is not None else ""
    share_en = f" ({'+' if up else '−'}{format_value(abs(pct))}%)" if pct is not None else ""
    return (
        f"从{y0}年的{v0}{unit}到{y1}年的{v1}{unit}，{'增加' if up else '减少'}{format_value(abs(delta))}{unit}{share_zh}。",
        f"From {v0} in {y0} to {v1} in {y1}: {'up' if up else 'down'} {format_value(abs(delta))}{share_en}.",
    )


def trend_extremes(top_year: int | None, top: str, low_year: int | None, low: str, unit: str) -> Pair:
    return (
        f"最多：{top_year}年（{top}{unit}）；最少：{low_year}年（{low}{unit}）。",
        f"Highest: {top_year} ({top}); lowest: {low_year} ({low}).",
    )


def years_without_report(years: list[int]) -> Pair:
    return (
        f"{'、'.join(map(str, years))}年：资料库中没有该单位这些年度的报告。",
        f"No report of this body for {', '.join(map(str, years))} in the collection.",
    )


def years_without_figure(years: list[int | None]) -> Pair:
    listed = [str(y) for y in years]
    return (
        f"{'、'.join(listed)}年：报告中没有这一项的数字。",
        f"The {', '.join(listed)} report{'s' if len(listed) > 1 else ''} state{'' if len(listed) > 1 else 's'} no figure for it.",
    )


def _words_of(label: str) -> str:
    """A sentence figure's words as quoted back: without the sentence's own quotes ("“同意公开”的为")."""
    return re.sub(r"[“”\"「」]", "", label)


def stated_figure(r: ReportRow, label: str, value: str, unit: str, quote: str, cite: str) -> Pair:
    """A figure a sentence states, with the sentence: the figure first, then its words."""
    label = _words_of(label)
    return (
        f"{value}{unit}：{report_name(r, 'zh')}写道“{quote}” [{cite}]（“{label}”）。",
        f"{value}{unit_en(unit) if unit in ('元', '万元') else (' ' + unit if unit and unit != '%' else unit)}: "
        f"{report_name(r, 'en')} says “{quote}” [{cite}] ({label}).",
    )


def clause_not_found(r: ReportRow, clause: str) -> Pair:
    """A part of the question that neither the report's tables nor its sentences answer."""
    return (
        f"“{clause}”：{report_name(r, 'zh')}的表格和正文中没有找到对应的数字。",
        f"“{clause}”: neither the tables nor the text of {report_name(r, 'en')} give a figure for it.",
    )


def stated_beside(r: ReportRow, label: str, value: str, unit: str, quote: str, cite: str) -> Pair:
    label = _words_of(label)
    return (
        f"报告正文另写道“{quote}” [{cite}]，即“{label}”{value}{unit}。",
        f"The report's text also says “{quote}” [{cite}]: {label} {value}{(' ' + unit) if unit and unit != '%' else unit}.",
    )


def odd_years(written: list[str], held: list[int]) -> Pair:
    span = f"{held[0]}–{held[-1]}" if held else ""
    zh_held = f"资料库中的报告年度为{span}。" if held else ""
    en_held = f" The collection's reports cover {span}." if held else ""
    return (
        f"问题中的年份{'、'.join(written)}不在1900–2099年之间，不可能有这一年度的报告，因此没有按其他年份作答。"
        f"{zh_held}请写出四位数的年份（如2020年）。",
        f"The year {', '.join(written)} in the question is outside 1900–2099: no report can be for it, so no other "
        f"year was answered instead.{en_held} Please write the year with four digits (e.g. 2020).",
    )


def no_running_total(years: list[int]) -> Pair:
    """A running total asked of a report (2019 format on) that only counts its own year."""
    y = "、".join(map(str, sorted(set(years))))
    ye = ", ".join(map(str, sorted(set(years))))
    return (
        f"{y}年度报告只统计当年的数字，没有“历年累计”数（历年累计是2019年以前统计表的一栏）；当年的数字不代替累计数给出。",
        f"The {ye} report counts its own year only and gives no running total (历年累计 is a column of the "
        "pre-2019 statistics tables); the year's figure is not given in its place.",
    )

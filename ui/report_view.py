"""One report as a reader sees it in the Reports tab: each statistics table laid out as the report prints
it (its title as caption, rows and columns in the template's order under the template's labels), a blank
as a blank, an uncertain cell with its possible values, and each table's check in plain words.

Pure functions from :class:`index.detail.ReportDetail` to HTML. Everything that comes from a report (its
title, issuer, sections, quotes, cell values) is data, escaped here; the labels come from
``ingest/schema.py``, the one place for them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from index.detail import CellOut, DiscrepancyOut, ReportDetail, RowOut, TableOut
from ingest.schema import (
    COLUMN_LABELS_EN,
    HEADER_WORDS,
    IMPLIED_UNITS,
    LEGACY_COLUMNS,
    ROW_LABELS_EN,
    T2_ROWS,
    T3_COLUMNS,
    T4_BLOCKS,
    T4_COLUMNS,
    TABLE_TITLES,
    TABLE_TITLES_EN,
    column_label,
    row_label,
    t2_columns,
    t3_rows,
)
from ui.render import safe_url

# each table's check, by its status, in plain words (Chinese, English); a warning sign only where it fails
CHECK_WORDS: dict[str, tuple[str, str]] = {
    "verified": ("核对无误：表内数字符合勾稽关系。", "Checked: the table's figures add up."),
    "repaired": (
        "核对无误：原文中部分数字的位置丢失，已按表内勾稽关系放回原处。",
        "Checked: some figures lost their place in the source and were put back by the table's sums, which add up.",
    ),
    "ambiguous": (
        "⚠ 部分数字无法确定：原文中数字之间的分隔丢失，不止一种读法都符合表内勾稽关系。",
        "⚠ Some figures are uncertain: the source lost the breaks between them, and more than one reading "
        "fits the table's sums.",
    ),
    "inconsistent": (
        "⚠ 未通过核对：表内数字加起来对不上（报告原表有误，或原文丢失了数字）。",
        "⚠ Fails its check: the figures do not add up (an error in the report, or a figure lost in the source).",
    ),
    "unchecked": ("此表没有可供核对的加总关系。", "This table has no sums to check its figures against."),
}
FAILING = {"ambiguous", "inconsistent"}
GENERATION_WORDS = {
    "2019": ("2019年版表格", "2019 tables"),
    "2021": ("2021年版表格", "2021 tables"),
    "pre-2019": ("2019年前（各地自定的统计表）", "before 2019 (local statistics tables)"),
}
_TABLE_ORDER = ("t2", "t3", "t4", "legacy")


def _e(text: object) -> str:
    """Text between tags (quotes may stay: "&#x27;" would only be noise for a copy and paste)."""
    return html.escape(str(text), quote=False)


def _a(text: object) -> str:
    """Text inside an attribute's quotes."""
    return html.escape(str(text), quote=True)


def uncertain_words(candidates: list[str], zh: bool) -> str:
    """An ambiguous cell: "无法确定（可能为 0 或 2）", or with no candidates only that it is uncertain."""
    if not candidates:
        return "无法确定" if zh else "uncertain"
    if zh:
        listed = candidates[0] if len(candidates) == 1 else "、".join(candidates[:-1]) + " 或 " + candidates[-1]
        return f"无法确定（可能为 {listed}）"
    listed = candidates[0] if len(candidates) == 1 else ", ".join(candidates[:-1]) + " or " + candidates[-1]
    return f"uncertain (could be {listed})"


def cell_text(cell: CellOut | None, zh: bool) -> str:
    """What a cell shows: its figure (with a unit its header does not give), nothing for a blank, the
    printed mark for a dash, the candidates of an uncertain cell, and for a figure the source lost, that."""
    if cell is None or cell.status == "blank":
        return ""
    if cell.status == "ambiguous":
        return uncertain_words(cell.candidates, zh)
    if cell.status == "dash":
        return cell.raw.strip() or "—"
    if cell.value is None:  # missing: its place in the row was lost
        return "未能读出" if zh else "not read"
    unit = cell.unit if cell.unit and cell.column not in IMPLIED_UNITS else ""
    return f"{cell.value}{unit}"


def _td(cell: CellOut | None, zh: bool) -> str:
    text = cell_text(cell, zh)
    unsure = cell is not None and (cell.status == "ambiguous" or (cell.value is None and cell.status == "missing"))
    cls = ' class="gk-uncertain"' if unsure else ""
    return f"<td{cls}>{_e(text)}</td>"


def _row_label(row_id: str, generation: str, zh: bool) -> str:
    printed = row_label(row_id, generation)
    if zh or row_id.startswith("legacy."):
        return _e(printed)  # a local table's own label: the report's words, untranslated
    return f'{_e(ROW_LABELS_EN.get(row_id, printed))}<span class="gk-printed" lang="zh-CN">{_e(printed)}</span>'


def _col_label(row_id: str, col_id: str, generation: str, zh: bool) -> str:
    return _e(column_label(row_id, col_id, generation) if zh else COLUMN_LABELS_EN.get(col_id, col_id))


def _th(label: str, extra: str = "") -> str:
    return f'<th scope="col"{extra}>{label}</th>'


def _head(key: str, zh: bool) -> str:
    return _e(HEADER_WORDS[key][0 if zh else 1])


def table_title(table: str, zh: bool) -> str:
    return (TABLE_TITLES if zh else TABLE_TITLES_EN).get(table, table)


def check_words(t: TableOut, zh: bool) -> str:
    """The table's check as a sentence; a pre-2019 local table has no sums to check, whatever its status."""
    words = CHECK_WORDS.get(t.status, CHECK_WORDS["unchecked"])
    return words[0 if zh else 1]


def _cells(row: RowOut | None) -> dict[str, CellOut]:
    return {c.column: c for c in row.cells} if row is not None else {}


def _printed(t: TableOut) -> dict[str, RowOut]:
    """The table's rows the report prints (sums the parser derived are not part of the printed table)."""
    return {r.row_id: r for r in t.rows if any(c.method != "derived" for c in r.cells)}


def _t3_body(t: TableOut, zh: bool) -> list[str]:
    rows = _printed(t)
    body = []
    results = False
    for spec in t3_rows(t.generation):
        if spec.id == "t3.results":
            results = True
        elif spec.id == "t3.carried_forward":
            results = False
        depth = 0 if not results or spec.id == "t3.results" else (2 if spec.id.count(".") > 1 else 1)
        label = f'<th scope="row" class="gk-l{depth}">{_row_label(spec.id, t.generation, zh)}</th>'
        row = rows.get(spec.id)
        if not spec.is_data and row is None:
            body.append(f'<tr class="gk-group">{label}<td colspan="{len(T3_COLUMNS)}"></td></tr>')
            continue
        if row is None and spec.id.startswith("t3.other.") and "t3.other" in rows:
            continue  # （六）其他处理 printed as one row, without the 2021 sub-items
        cells = _cells(row)
        body.append(f"<tr>{label}{''.join(_td(cells.get(c), zh) for c, _ in T3_COLUMNS)}</tr>")
    return body


def _t3(t: TableOut, zh: bool) -> str:
    parts = [c for c, _ in T3_COLUMNS if c not in ("natural_person", "total")]
    any_row = "t3.new_received"
    head = (
        f'<tr><th scope="col" rowspan="3" class="gk-l0">{_head("item", zh)}</th>'
        f'<th scope="colgroup" colspan="{len(T3_COLUMNS)}">{_head("applicants", zh)}</th></tr>'
        f'<tr><th scope="col" rowspan="2">{_col_label(any_row, "natural_person", t.generation, zh)}</th>'
        f'<th scope="colgroup" colspan="{len(parts)}">{_head("legal_person", zh)}</th>'
        f'<th scope="col" rowspan="2">{_col_label(any_row, "total", t.generation, zh)}</th></tr>'
        + "<tr>"
        + "".join(_th(_col_label(any_row, c, t.generation, zh)) for c in parts)
        + "</tr>"
    )
    return f"<thead>{head}</thead><tbody>{''.join(_t3_body(t, zh))}</tbody>"


def _t4(t: TableOut, zh: bool) -> str:
    rows = _printed(t)
    cols = [c for c, _ in T4_COLUMNS]
    sub = "".join(_th(_col_label("t4.review", c, t.generation, zh)) for c in cols)
    n = len(cols)
    head = (
        f'<tr><th scope="colgroup" colspan="{n}">{_head("review", zh)}</th>'
        f'<th scope="colgroup" colspan="{2 * n}">{_head("litigation", zh)}</th></tr>'
        + "<tr>"
        + "".join(_th(_col_label("t4.review", c, t.generation, zh), ' rowspan="2"') for c in cols)
        + f'<th scope="colgroup" colspan="{n}">{_head("direct", zh)}</th>'
        + f'<th scope="colgroup" colspan="{n}">{_head("after_review", zh)}</th></tr>'
        + f"<tr>{sub}{sub}</tr>"
    )
    values = "".join(_td(_cells(rows.get(block)).get(c), zh) for block, _ in T4_BLOCKS for c in cols)
    return f'<thead>{head}</thead><tbody><tr class="gk-t4">{values}</tr></tbody>'


def _t2(t: TableOut, zh: bool) -> str:
    rows = _printed(t)
    specs = [r for r in T2_ROWS if t.generation in r.generations]
    width = 1 + max((len(t2_columns(t.generation, r.kind)) for r in specs), default=1)
    body = []
    for i, spec in enumerate(specs):
        if spec.kind == "caption":
            kind = specs[i + 1].kind if i + 1 < len(specs) else ""
            cols = t2_columns(t.generation, kind)
            pad = width - 1 - len(cols)
            body.append(
                f'<tr class="gk-caption"><th scope="colgroup" colspan="{width}">'
                f"{_row_label(spec.id, t.generation, zh)}</th></tr>"
                f'<tr class="gk-subhead"><th scope="col" class="gk-l0">{_head("item", zh)}</th>'
                + "".join(f'<th scope="col">{_col_label(specs[i + 1].id, c, t.generation, zh)}</th>' for c, _ in cols)
                + (f'<td colspan="{pad}"></td>' if pad else "")
                + "</tr>"
            )
            continue
        cols = t2_columns(t.generation, spec.kind)
        cells = _cells(rows.get(spec.id))
        pad = width - 1 - len(cols)
        body.append(
            f'<tr><th scope="row" class="gk-l0">{_row_label(spec.id, t.generation, zh)}</th>'
            + "".join(_td(cells.get(c), zh) for c, _ in cols)
            + (f'<td colspan="{pad}"></td>' if pad else "")
            + "</tr>"
        )
    return f"<tbody>{''.join(body)}</tbody>"


def _legacy(t: TableOut, zh: bool) -> str:
    present = {c.column for r in t.rows for c in r.cells}
    cols = [(c, label) for c, label in LEGACY_COLUMNS if c in present]
    head = f'<tr><th scope="col" class="gk-l0">{_head("indicator", zh)}</th>' + "".join(
        f'<th scope="col">{_e(label if zh else COLUMN_LABELS_EN[c])}</th>' for c, label in cols
    )
    body = []
    for row in t.rows:
        cells = _cells(row)
        body.append(
            f'<tr><th scope="row" class="gk-l0">{_e(row.label)}</th>'
            + "".join(_td(cells.get(c), zh) for c, _ in cols)
            + "</tr>"
        )
    return f"<thead>{head}</tr></thead><tbody>{''.join(body)}</tbody>"


_LAYOUTS = {"t2": _t2, "t3": _t3, "t4": _t4, "legacy": _legacy}


def table_html(t: TableOut, zh: bool = True) -> str:
    """One statistics table as the report prints it, its check under it; the table scrolls sideways in
    its own box (on a phone), its label column fixed."""
    title = table_title(t.table, zh)
    layout = _LAYOUTS.get(t.table)
    if layout is None:
        return ""
    check = check_words(t, zh)
    cls = "gk-check gk-fails" if t.status in FAILING else "gk-check"
    return (
        f'<section class="gk-report-table" data-table="{_a(t.table)}">'
        f'<div class="gk-scroll" role="region" tabindex="0" aria-label="{_a(title)}">'
        f"<table><caption>{_e(title)}</caption>{layout(t, zh)}</table></div>"
        f'<p class="{cls}">{_e(check)}</p></section>'
    )


def _cell_words(address: str, generation: str, zh: bool) -> str:
    """ "表三「一、本年新收政府信息公开申请数量」总计" for ``t3.new_received:total``, in the reader's words."""
    row_id, _, col_id = address.partition(":")
    table = row_id.split(".", 1)[0]
    try:
        row = row_label(row_id, generation) if zh else ROW_LABELS_EN.get(row_id, row_label(row_id, generation))
        col = column_label(row_id, col_id, generation) if zh else COLUMN_LABELS_EN.get(col_id, col_id)
    except KeyError:
        return table_title(table, zh)
    name = (TABLE_TITLES if zh else TABLE_TITLES_EN).get(table, "").split(" ")[0] if zh else f"Table {table[1:]}"
    return f"{name}「{row}」{col}" if zh else f"{name}, “{row}”, {col}"


def discrepancy_words(x: DiscrepancyOut, generation: str, zh: bool) -> str:
    where = _cell_words(x.cell, generation, zh)
    quote = x.quote[:120]
    if zh:
        return f"⚠ 正文称 {x.text_value}，而{where}为 {x.table_value}：“{quote}”"
    return f"⚠ The text says {x.text_value} where {where} gives {x.table_value}: “{quote}”"


def _facts_line(d: ReportDetail, zh: bool) -> str:
    region = "/".join(v for v in d.region.values() if v)
    gen = GENERATION_WORDS.get(d.format, (d.format, d.format))[0 if zh else 1]
    year = (f"{d.year}年度" if zh else f"year {d.year}") if d.year else ""
    published = (f"发布于 {d.published}" if zh else f"published {d.published}") if d.published else ""
    return " · ".join(_e(x) for x in (d.issuer, year, gen, region, published) if x)


def _list(items: Iterable[str], cls: str) -> str:
    shown = "".join(f"<li>{x}</li>" for x in items)
    return f'<ul class="{cls}">{shown}</ul>' if shown else ""


def report_html(d: ReportDetail, lang: str = "中文") -> str:
    """The whole report: its title and facts, where it was fetched from, where its text and tables
    disagree, its tables in the printed order, and its sections."""
    zh = lang != "English"
    parts = [f"<h3>{_e(d.title or d.issuer)}</h3>", f'<p class="gk-facts">{_facts_line(d, zh)}</p>']
    links = []
    for src in d.sources:
        target = safe_url(src.url)
        if target is not None:
            when = f" · {_e(src.fetched_at[:10])}"
            links.append(f'<a href="{_a(target)}" rel="noopener noreferrer" target="_blank">{_e(src.url)}</a>{when}')
    if links:
        parts.append(f"<p>{'原文地址' if zh else 'Fetched from'}：</p>" if zh else "<p>Fetched from:</p>")
        parts.append(_list(links, "gk-sources"))
    if d.discrepancies:
        parts.append(_list((_e(discrepancy_words(x, d.format, zh)) for x in d.discrepancies), "gk-discrepancies"))
    order = {t: i for i, t in enumerate(_TABLE_ORDER)}
    tables = sorted(d.tables, key=lambda t: order.get(t.table, len(order)))
    if tables:
        parts += [table_html(t, zh) for t in tables]
    else:
        parts.append(
            f"<p>{'这份报告中没有读出统计表。' if zh else 'No statistics table was read from this report.'}</p>"
        )
    sections = [s for s in d.sections if s.level >= 1]
    if sections:
        parts.append(f"<h4>{'章节' if zh else 'Sections'}</h4>")
        parts.append(
            _list((f'<span class="gk-l{min(s.level, 3)}">{_e(s.title)}</span>' for s in sections), "gk-sections")
        )
    return f'<article class="gk-report" lang="{"zh-CN" if zh else "en"}">{"".join(parts)}</article>'


def unknown_report(zh: bool) -> str:
    """What the tab shows when the report asked for is not in the collection (removed meanwhile)."""
    text = (
        "找不到这份报告：它可能已被删除或替换。请重新筛选目录后再点选。"
        if zh
        else "This report is not in the collection: it may have been removed or replaced. Filter the list again."
    )
    return f'<p class="gk-notice" role="status">{_e(text)}</p>'

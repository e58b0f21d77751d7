"""The Reports tab: the catalog, filtered as the reader types, and one report opened from it (its
sections, discrepancies and statistics tables)."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from index.collection import Collection
from index.detail import report_detail
from ui.page.common import LABELS, STATUS_WORDS, TABLE_NAMES, bound, words
from ui.render import esc
from ui.report_view import FAILING, report_html, unknown_report

# what the catalog shows, in the reader's words: column headers and table generations
CATALOG_COLUMNS = {
    "中文": ["单位", "年度", "地区", "表格格式", "文件", "表格校验", "发布日期"],
    "English": ["Office", "Year", "Region", "Table format", "File", "Table checks", "Published"],
}
GENERATION_WORDS = {
    "2019": ("2019年版表格", "2019 tables"),
    "2021": ("2021年版表格", "2021 tables"),
    "pre-2019": ("2019年前（各地自定）", "before 2019 (local)"),
}

SHOW_REPORT = """
() => {
  const r = document.querySelector("#gk-report");
  if (r && r.getBoundingClientRect().top > window.innerHeight * 0.6) r.scrollIntoView({ block: "start" });
}
"""
CATALOG_ROWS = 500  # the Reports tab lists this many matches at most; the filter narrows a bigger catalog


def catalog_frame(coll: Collection, query: str = "", lang: str = "中文") -> pd.DataFrame:
    """The catalog as people read it: their words for every table, status and generation, ⚠ on a table
    that fails its check (selecting a row opens the report: :func:`report_at`). Read fresh each time: uploads appear at once. Past
    CATALOG_ROWS matches a last row says how many more there are (the page carries the rows it shows:
    a national catalog is not sent to every browser)."""
    reports = coll.reports()
    more = 0
    if not query:  # nothing to match: only the shown reports' statuses are read
        more, reports = max(0, len(reports) - CATALOG_ROWS), reports[:CATALOG_ROWS]
    statuses = coll.facts.table_statuses(None if query else [r.id for r in reports])
    checks = "；" if lang == "中文" else "; "
    rows: list[list[Any]] = []
    for r in reports:
        tables = statuses.get(r.id, {})
        row = [
            r.issuer,
            r.year,
            "/".join(r.regions.values()),
            words(GENERATION_WORDS, r.generation, lang),
            r.source_format.upper(),
            checks.join(
                f"{'⚠ ' if v in FAILING else ''}{words(TABLE_NAMES, k, lang)} {words(STATUS_WORDS, v, lang)}"
                for k, v in tables.items()
            )
            or "-",
            r.published.isoformat() if r.published else "",
        ]
        if query and not all(q in " ".join(map(str, row)) for q in query.split()):
            continue
        if len(rows) < CATALOG_ROWS:
            rows.append(row)
        else:
            more += 1
    if more:
        note = f"……另有 {more} 份，请用筛选缩小范围" if lang == "中文" else f"… {more} more: narrow with the filter"
        rows.append([note, None, "", "", "", "", ""])
    return pd.DataFrame(rows, columns=CATALOG_COLUMNS.get(lang, CATALOG_COLUMNS["中文"]))


def report_at(coll: Collection, row: list[Any] | None) -> str | None:
    """The id of the report a catalog row shows, found by what the row says (office, year, file type,
    publication date): the catalog carries no internal id, and a row is found whatever order the reader
    sorted the table in. None for the row that says how many more there are."""
    if not row or len(row) < 7:
        return None
    issuer, year, published, kind = str(row[0]), _year(row[1]), str(row[6] or ""), str(row[4] or "")
    for r in coll.reports():
        if (
            r.issuer == issuer
            and r.year == year
            and (r.published.isoformat() if r.published else "") == published
            and r.source_format.upper() == kind
        ):
            return r.id
    return None


def _year(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def report_view(coll: Collection, report_id: str, lang: str = "中文") -> str:
    """A report as the tab shows it (ui/report_view.py): its facts, discrepancies, each statistics table
    as printed with its check, its sections; an unknown report says so."""
    d = report_detail(coll.facts, report_id) if report_id else None
    if d is None:
        return unknown_report(lang != "English")
    return report_html(d, lang)


def catalog_hint(coll: Collection, query: str, frame: pd.DataFrame, lang: str) -> str:
    """What the line above the catalog says: how to open a report, or that nothing matches the filter."""
    zh = lang != "English"
    if len(frame) or not coll.reports():
        if not len(frame):
            return (
                "目录中还没有报告：请在“上传”页上传。"
                if zh
                else "The collection holds no report yet: add some in Upload."
            )
        return LABELS[lang if lang in LABELS else "中文"]["hint"]
    typed = esc(query.strip())
    if zh:
        return f"没有与“{typed}”相符的报告。可按地区、单位、年度、表格格式或校验结果筛选，多个词用空格分开。"
    return f"No report matches “{typed}”. Filter by region, office, year, table format or check; separate words with spaces."


def listing(coll: Collection, query: str, lang: str) -> tuple[pd.DataFrame, str]:
    """The catalog for the filter typed, and the line above it."""
    frame = catalog_frame(coll, query, lang)
    return frame, catalog_hint(coll, query, frame, lang)


def open_row(coll: Collection, row: list[Any] | None, lang: str) -> tuple[str, str]:
    """The report a clicked row shows, and its id (kept to show it again in the other language)."""
    rid = report_at(coll, row)
    if rid is None:
        zh = lang != "English"
        text = (
            "这一行不是报告：请用筛选缩小范围后再点选。"
            if zh
            else "That row is not a report: narrow the list with the filter."
        )
        return f'<p class="gk-notice" role="status">{esc(text)}</p>', ""
    return report_view(coll, rid, lang), rid


def build(coll: Collection, lang: gr.Radio) -> dict[str, Any]:
    """The tab and its events; returns what the language switch and the Upload tab change."""
    with gr.Tab(LABELS["中文"]["reports"], id="reports") as tab_reports:
        flt = gr.Textbox(label=LABELS["中文"]["filter"], elem_id="gk-filter")
        hint = gr.Markdown(LABELS["中文"]["hint"], elem_id="gk-catalog-hint")
        # filled when the tab opens (below), not when the app is built: a national catalog would cost every
        # server's start (and every page load) a read of all its reports
        table = gr.Dataframe(
            value=pd.DataFrame(columns=CATALOG_COLUMNS["中文"]), interactive=False, wrap=True, elem_id="gk-catalog"
        )
        shown = gr.State("")  # the report open, shown again in the other language
        detail = gr.HTML(elem_id="gk-report")
    listed = bound(listing, coll)  # a closure each: Gradio queues the events of one function object together
    flt.change(listed, [flt, lang], [table, hint])
    # the catalog is read again whenever the tab is opened: a report uploaded meanwhile is there
    tab_reports.select(bound(listing, coll), [flt, lang], [table, hint])
    lang.change(bound(listing, coll), [flt, lang], [table, hint])

    def clicked(language: str, evt: gr.SelectData) -> tuple[str, str]:
        return open_row(coll, evt.row_value, language)

    # the report opens under the catalog: brought into view when it starts below the screen's upper part
    table.select(clicked, lang, [detail, shown]).then(None, None, None, js=SHOW_REPORT)
    lang.change(lambda rid, language: report_view(coll, rid, language) if rid else "", [shown, lang], detail)
    return {"tab_reports": tab_reports, "flt": flt, "hint": hint, "table": table}

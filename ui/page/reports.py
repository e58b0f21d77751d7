"""The Reports tab: the catalog, filtered as the reader types, and one report opened from it (its
sections, discrepancies and statistics tables)."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from index.collection import Collection
from index.detail import report_detail
from ui.page.common import LABELS, STATUS_WORDS, TABLE_NAMES, bound, words
from ui.render import esc, safe_url

# what the catalog shows, in the reader's words: column headers and table generations
CATALOG_COLUMNS = {
    "中文": ["单位", "年度", "地区", "表格格式", "文件", "表格校验", "发布日期", "id"],
    "English": ["Office", "Year", "Region", "Table format", "File", "Table checks", "Published", "id"],
}
GENERATION_WORDS = {
    "2019": ("2019年版表格", "2019 tables"),
    "2021": ("2021年版表格", "2021 tables"),
    "pre-2019": ("2019年前（各地自定）", "before 2019 (local)"),
}

CATALOG_ROWS = 500  # the Reports tab lists this many matches at most; the filter narrows a bigger catalog


def catalog_frame(coll: Collection, query: str = "", lang: str = "中文") -> pd.DataFrame:
    """The catalog as people read it: their words for every table, status and generation, the short
    id last (selecting a row opens the report). Read fresh each time: uploads appear at once. Past
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
            checks.join(f"{words(TABLE_NAMES, k, lang)} {words(STATUS_WORDS, v, lang)}" for k, v in tables.items())
            or "-",
            r.published.isoformat() if r.published else "",
            r.id[:8],
        ]
        if query and not all(q in " ".join(map(str, row)) for q in query.split()):
            continue
        if len(rows) < CATALOG_ROWS:
            rows.append(row)
        else:
            more += 1
    if more:
        note = f"……另有 {more} 份，请用筛选缩小范围" if lang == "中文" else f"… {more} more: narrow with the filter"
        rows.append([note, None, "", "", "", "", "", ""])
    return pd.DataFrame(rows, columns=CATALOG_COLUMNS.get(lang, CATALOG_COLUMNS["中文"]))


def full_id(coll: Collection, short: str) -> str:
    """A report's id from the short form the catalog shows."""
    short = (short or "").strip()
    return next((r.id for r in coll.reports() if r.id.startswith(short)), short) if short else ""


def report_view(coll: Collection, report_id: str) -> tuple[str, list[pd.DataFrame]]:
    """A report as the tab shows it: where it came from, its discrepancies and sections as Markdown, and
    each statistics table as a frame (an uncertain cell shows its candidates)."""
    d = report_detail(coll.facts, full_id(coll, report_id))
    if d is None:
        return "", []
    lines = [
        f"### {esc(d.title)}",
        f"{esc(d.issuer)} · {d.year} · {d.format} · {esc('/'.join(d.region.values()))}",
    ]
    for src in d.sources:  # where a crawl fetched it
        target = safe_url(src.url)
        if target is not None:
            lines.append(f"[{esc(src.url)}]({target}) · {src.fetched_at[:10]}")
    for x in d.discrepancies:
        lines.append(f"⚠ 正文称 {x.text_value}，表格 {x.cell} 为 {x.table_value}：“{esc(x.quote[:80])}”")
    lines.append("\n**章节**")
    lines += [f"{'  ' * max(0, s.level - 1)}- {esc(s.title)}" for s in d.sections if s.level >= 1]
    frames = []
    for t in d.tables:
        lines.append(
            f"\n**{esc(t.title)}**：{t.status}" + (f"（{esc('; '.join(t.reasons[:2]))}）" if t.reasons else "")
        )
        cols = list(dict.fromkeys(c.label for row in t.rows for c in row.cells))
        data = []
        for row in t.rows:
            cells = {
                c.label: (
                    c.value
                    if c.value is not None
                    else {"ambiguous": "?" + "|".join(c.candidates)}.get(c.status, c.status)
                )
                for c in row.cells
            }
            data.append({"row": f"{row.row_id} {row.label}", **{k: cells.get(k, "") for k in cols}})
        frames.append(pd.DataFrame(data))
    return "\n".join(lines), frames


def open_report(coll: Collection, report_id: str) -> list[Any]:
    """The report a row names: its description, and up to four of its tables (the other grids hidden)."""
    md, frames = report_view(coll, report_id)
    updates = [gr.update(value=f, visible=True) for f in frames[:4]]
    updates += [gr.update(visible=False)] * (4 - len(updates))
    return [md, *updates]


def on_select(evt: gr.SelectData, frame: pd.DataFrame) -> str:
    """The short id of the row clicked, which opens that report."""
    row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
    return str(frame.iloc[row].iloc[-1])  # the id is the last column, whatever the language


def build(coll: Collection, lang: gr.Radio) -> dict[str, Any]:
    """The tab and its events; returns what the language switch and the Upload tab change."""
    with gr.Tab(LABELS["中文"]["reports"], id="reports") as tab_reports:
        flt = gr.Textbox(label=LABELS["中文"]["filter"])
        hint = gr.Markdown(LABELS["中文"]["hint"])
        # filled when the tab opens (below), not when the app is built: a national catalog would cost every
        # server's start (and every page load) a read of all its reports
        table = gr.Dataframe(value=pd.DataFrame(columns=CATALOG_COLUMNS["中文"]), interactive=False, wrap=True)
        rid = gr.Textbox(label=LABELS["中文"]["open"] + " (id)")
        detail = gr.Markdown()
        grids = [gr.Dataframe(visible=False, wrap=True) for _ in range(4)]
    # a closure each: Gradio queues the events of one function object together, one at a time
    flt.change(lambda q, language: catalog_frame(coll, q, language), [flt, lang], table)
    # the catalog is read again whenever the tab is opened: a report uploaded meanwhile is there
    tab_reports.select(lambda q, language: catalog_frame(coll, q, language), [flt, lang], table)
    table.select(on_select, table, rid)
    rid.change(bound(open_report, coll), rid, [detail, *grids])
    return {"tab_reports": tab_reports, "flt": flt, "hint": hint, "table": table, "rid": rid}

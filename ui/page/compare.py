"""The Compare tab: one metric across offices and years, as a table, a bar chart and a CSV named after
the comparison."""

from __future__ import annotations

import csv
import os
import re
import shutil
import tempfile
import time
from typing import Any

import gradio as gr
import pandas as pd

from assistant.answer import values_for
from assistant.glossary import METRICS
from index.collection import Collection
from ui.charts import Bar, bar_chart_svg
from ui.page.common import LABELS, STATUS_WORDS, bound, words

COMPARE_COLUMNS = {
    "中文": {
        "issuer": "单位",
        "year": "年度",
        "value": "数值",
        "unit": "计量",
        "source": "出处",
        "quality": "质量",
        "citation": "引文",
    },
    "English": {
        "issuer": "Office",
        "year": "Year",
        "value": "Value",
        "unit": "Unit",
        "source": "Source",
        "quality": "Quality",
        "citation": "Quote",
    },
}
# the CSV's first header row (its second holds the stable ids: issuer, year, label …)
CSV_HEADERS = {
    "中文": {**COMPARE_COLUMNS["中文"], "label": "指标"},
    "English": {**COMPARE_COLUMNS["English"], "label": "Metric"},
}
OFFICE_CHOICES = 200  # the Compare tab offers every office up to this many; past it, those matching the typed name


def office_choices(coll: Collection, typed: str = "", chosen: list[str] | None = None) -> list[str]:
    """The offices the Compare tab offers: the ones chosen, then every office of a small collection, or
    of a national one the first OFFICE_CHOICES whose name contains what was typed (a page does not
    carry tens of thousands of names, and each page load would)."""
    typed = typed.strip()
    names = coll.facts.issuers(typed, limit=OFFICE_CHOICES + 1)
    if not typed and len(names) > OFFICE_CHOICES:
        names = []  # a national catalog: the typed part of a name picks them
    return list(dict.fromkeys([*(chosen or []), *names[:OFFICE_CHOICES]]))


SOURCE_WORDS = {"table": ("表格", "table"), "text": ("正文", "text")}
# a checking relation's working ("rel2 总计: Σ办理结果=10 ≠ （七）=9") is for the audit, not for the reader
_RELATION_DUMP = re.compile(r"[:：;；]\s*rel\d.*$")


def quality_words(row: dict[str, Any], zh: bool) -> str:
    """How far a figure can be trusted, in the reader's words: the reading note, else its table's check."""
    if row["value"] is None:
        return "报告中没有这一数字" if zh else "not in the report"
    note = _RELATION_DUMP.sub("", row["note"] or "").strip()
    if note:
        return note
    if row["table_status"]:
        return words(STATUS_WORDS, str(row["table_status"]), "中文" if zh else "English")
    return "报告正文所述" if row["source"] == "text" else ""


def absent_offices(issuers: list[str], years: list[int] | None, rows: list[dict[str, Any]], zh: bool) -> list[dict]:
    """An office chosen that has no report in the years chosen: a row that says so (never left out)."""
    when = "、".join(map(str, years)) if years else ""
    out = []
    for name in issuers:
        if any(name == r["issuer"] or name in r["issuer"] for r in rows):
            continue
        if zh:
            why = f"所选年度（{when}）没有该单位的报告" if when else "没有该单位的报告"
        else:
            why = f"no report of this office for {when}" if when else "no report of this office"
        out.append({"issuer": name, "year": None, "label": "", "value": None, "unit": "", "source": "", "quality": why})
    return out


def compare_table(
    coll: Collection, metric: str, issuers: list[str], years: list[str], zh: bool = True
) -> tuple[pd.DataFrame, str | None, str]:
    """One value per report: the table, a CSV named after the comparison, and the chart (a report
    without a value is a row of its own, marked, never dropped; an office chosen without a report in
    the years chosen is a row that says so)."""
    years_asked = [int(y) for y in years] if years else None
    rows, cites, _total = values_for(coll, metric, issuers or None, years_asked, lang="zh" if zh else "en")
    by_id = {c.id: c for c in cites}
    data = [
        {
            "issuer": r["issuer"],
            "year": r["year"],
            "label": r["label"],
            "value": float(r["value"]) if r["value"] is not None else None,
            "unit": r["unit"],
            "source": words(SOURCE_WORDS, r["source"], "中文" if zh else "English") if r["source"] else "",
            "quality": quality_words(r, zh),
            "citation": by_id[r["citation"]].quote[:120] if r["citation"] in by_id else "",
        }
        for r in rows
    ]
    absent = absent_offices(issuers or [], years_asked, rows, zh)
    frame = pd.DataFrame(
        data + [{**a, "citation": ""} for a in absent],
        columns=["issuer", "year", "label", "value", "unit", "source", "quality", "citation"],
    )
    path = None
    if data:
        # the CSV carries each value as the report prints it ("3119", "12.5"), not as a float ("3119.0")
        printed = [
            {**row, "value": r["value"] if r["value"] is not None else ""} for row, r in zip(data, rows, strict=True)
        ]
        printed += [{**a, "value": "", "year": "", "citation": ""} for a in absent]
        folder = tempfile.mkdtemp(dir=_csv_folder())
        path = os.path.join(folder, _csv_name(metric, frame))
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            ids = list(frame.columns)
            headers = CSV_HEADERS["中文" if zh else "English"]
            writer.writerow([headers[c] for c in ids])  # the reader's words, then the stable ids
            writer.writerow(ids)
            writer.writerows([[_csv_safe(row.get(c, "")) for c in ids] for row in printed])
    one_office = len({r["issuer"] for r in rows}) == 1 and len(rows) > 1
    bars = [
        Bar(
            str(r["year"]) if one_office else f"{r['issuer']} {r['year']}",
            float(r["value"]) if r["value"] is not None else None,
            f"{r['value']}{r['unit'] or ''}" if r["value"] is not None else "",
        )
        for r in (sorted(rows, key=lambda r: r["year"] or 0) if one_office else rows)
    ]
    return frame, path, bar_chart_svg(bars, zh) if bars else ""


def _csv_name(metric: str, frame: pd.DataFrame) -> str:
    """applications_received_东山县人民政府办公室_淮安市人民政府_2020-2024.csv: what was compared."""
    names = list(dict.fromkeys(frame["issuer"]))
    who = "_".join(names[:3]) + (f"_等{len(names)}个单位" if len(names) > 3 else "")
    years = sorted({int(y) for y in frame["year"] if y == y and y})
    when = (f"{years[0]}-{years[-1]}" if len(years) > 1 else str(years[0])) if years else ""
    stem = "_".join(x for x in (metric, who, when) if x)
    return re.sub(r"[\\/:*?\"<>|\s]+", "_", stem)[:150] + ".csv"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CSV_KEEP_SECONDS = 3600


def _csv_safe(value: object) -> object:
    """A report's text that starts like a spreadsheet formula ("=HYPERLINK(…)") is written as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv_folder() -> str:
    """One folder for the compare CSVs; files older than an hour are deleted as new ones are written."""
    folder = os.path.join(tempfile.gettempdir(), "gongkai-csv")
    os.makedirs(folder, exist_ok=True)
    cutoff = time.time() - _CSV_KEEP_SECONDS
    for name in os.listdir(folder):
        full = os.path.join(folder, name)
        try:
            if os.path.getmtime(full) < cutoff:
                shutil.rmtree(full) if os.path.isdir(full) else os.remove(full)
        except OSError:
            pass
    return folder


def do_compare(coll: Collection, m: str, w: list[str], y: list[str], language: str) -> tuple[Any, ...]:
    """The Compare button: the table under the reader's headers, the chart, the CSV."""
    zh = language != "English"
    frame, path, svg = compare_table(coll, m, w, y, zh)
    headers = COMPARE_COLUMNS["English" if language == "English" else "中文"]
    shown = frame.drop(columns=["label"]).rename(columns=headers)
    if not len(shown):  # nothing chosen holds a report: said, not an empty grid
        none = "所选单位和年度没有报告" if zh else "No report of the offices and years chosen"
        return gr.update(visible=False), f'<p class="gk-notice" role="status">{none}</p>', gr.update(visible=False)
    return gr.update(value=shown, visible=True), svg, gr.update(value=path, visible=path is not None)


def offer(coll: Collection, typed: str, chosen: list[str] | None) -> Any:
    """The offices to choose from, for what was typed (those chosen kept)."""
    return gr.update(choices=office_choices(coll, typed, chosen))


def build(coll: Collection, lang: gr.Radio) -> dict[str, Any]:
    """The tab and its events; returns what the language switch relabels."""
    years = [str(y) for y in coll.facts.years()]  # not the catalog: a national one takes seconds to load
    metric_choices = [(f"{m.zh} · {m.en}", m.key) for m in METRICS]
    with gr.Tab(LABELS["中文"]["compare"], id="compare") as tab_compare:
        with gr.Row():
            metric = gr.Dropdown(metric_choices, value="applications_received", label=LABELS["中文"]["metric"])
            with gr.Column():
                find = gr.Textbox(label=LABELS["中文"]["find"])
                who = gr.Dropdown(office_choices(coll), multiselect=True, label=LABELS["中文"]["issuers"])
            when = gr.Dropdown(years, multiselect=True, label=LABELS["中文"]["years"])
        run = gr.Button(LABELS["中文"]["run"])
        # no empty grid before the first comparison: the table and the CSV appear with their rows
        cmp_table = gr.Dataframe(interactive=False, wrap=True, visible=False, elem_id="gk-compare-table")
        chart = gr.HTML(elem_id="gk-chart")  # ui/charts.py: labelled bars, log scale when needed
        csv_file = gr.File(label="CSV", visible=False, elem_id="gk-compare-csv")
    run.click(bound(do_compare, coll), [metric, who, when, lang], [cmp_table, chart, csv_file])
    offered = bound(offer, coll)  # one handler for both events, queued together
    find.change(offered, [find, who], who)
    tab_compare.select(offered, [find, who], who)  # offices uploaded meanwhile are offered too
    return {"tab_compare": tab_compare, "metric": metric, "who": who, "find": find, "when": when, "run": run}

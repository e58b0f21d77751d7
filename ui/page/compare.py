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
from ui.page.common import LABELS, bound

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


def compare_table(
    coll: Collection, metric: str, issuers: list[str], years: list[str], zh: bool = True
) -> tuple[pd.DataFrame, str | None, str]:
    """One value per report: the table, a CSV named after the comparison, and the chart (a report
    without a value is a row of its own, marked, never dropped)."""
    years_asked = [int(y) for y in years] if years else None
    rows, cites, _total = values_for(coll, metric, issuers or None, years_asked, lang="zh" if zh else "en")
    by_id = {c.id: c for c in cites}
    data = [
        {
            "issuer": r["issuer"],
            "year": r["year"],
            "label": f"{r['issuer']} {r['year']}",
            "value": float(r["value"]) if r["value"] is not None else None,
            "unit": r["unit"],
            "source": r["source"],
            "quality": r["note"] or r["table_status"],
            "citation": by_id[r["citation"]].quote[:120] if r["citation"] in by_id else "",
        }
        for r in rows
    ]
    frame = pd.DataFrame(data, columns=["issuer", "year", "label", "value", "unit", "source", "quality", "citation"])
    path = None
    if data:
        # the CSV carries each value as the report prints it ("3119", "12.5"), not as a float ("3119.0")
        printed = [
            {**row, "value": r["value"] if r["value"] is not None else ""} for row, r in zip(data, rows, strict=True)
        ]
        folder = tempfile.mkdtemp(dir=_csv_folder())
        path = os.path.join(folder, _csv_name(metric, frame))
        with open(path, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(frame.columns))
            writer.writeheader()
            writer.writerows([{k: _csv_safe(v) for k, v in row.items()} for row in printed])
    one_office = frame["issuer"].nunique() == 1 and len(frame) > 1
    bars = [
        Bar(
            str(r["year"]) if one_office else f"{r['issuer']} {r['year']}",
            float(r["value"]) if r["value"] is not None else None,
            f"{r['value']}{r['unit'] or ''}" if r["value"] is not None else "",
        )
        for r in (sorted(rows, key=lambda r: r["year"] or 0) if one_office else rows)
    ]
    return frame, path, bar_chart_svg(bars, zh)


def _csv_name(metric: str, frame: pd.DataFrame) -> str:
    """applications_received_东山县人民政府办公室_淮安市人民政府_2020-2024.csv: what was compared."""
    names = list(dict.fromkeys(frame["issuer"]))
    who = "_".join(names[:3]) + (f"_等{len(names)}个单位" if len(names) > 3 else "")
    years = sorted({int(y) for y in frame["year"] if y})
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
    frame, path, svg = compare_table(coll, m, w, y, language != "English")
    headers = COMPARE_COLUMNS["English" if language == "English" else "中文"]
    shown = frame.drop(columns=["label"]).rename(columns=headers)
    return shown, svg, path


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
        cmp_table = gr.Dataframe(interactive=False, wrap=True)
        chart = gr.HTML(elem_id="gk-chart")  # ui/charts.py: labelled bars, log scale when needed
        csv_file = gr.File(label="CSV")
    run.click(bound(do_compare, coll), [metric, who, when, lang], [cmp_table, chart, csv_file])
    offered = bound(offer, coll)  # one handler for both events, queued together
    find.change(offered, [find, who], who)
    tab_compare.select(offered, [find, who], who)  # offices uploaded meanwhile are offered too
    return {"tab_compare": tab_compare, "metric": metric, "who": who, "find": find, "when": when, "run": run}

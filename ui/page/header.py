"""Above the tabs: the interface language, the dark-mode switch and the title; and the language switch,
which relabels every tab at once."""

from __future__ import annotations

from typing import Any

import gradio as gr

from index.collection import Collection
from ui.page.common import LABELS, bound

# dark mode is Gradio's own theme switch (the "dark" class), remembered by this browser
TOGGLE_DARK = """
() => {
  const on = document.body.classList.toggle("dark");
  localStorage.setItem("gongkai-dark", on ? "1" : "0");
}
"""
RESTORE_DARK = """
() => { if (localStorage.getItem("gongkai-dark") === "1") document.body.classList.add("dark"); }
"""

# what the language switch changes, in the order switch() returns their updates
RELABELLED = (
    "title",
    "tab_chat",
    "tab_reports",
    "tab_compare",
    "tab_upload",
    "box",
    "send",
    "pick",
    "narrow",
    "flt",
    "metric",
    "who",
    "find",
    "when",
    "run",
    "token",
    "files",
    "upload",
    "crawl_urls",
    "crawl_dry",
    "crawl",
    "crawl_log",
    "stop",
    "examples",
)


def build() -> dict[str, Any]:
    """The language choice, the dark-mode button and the title (their events are wired last, by wire())."""
    with gr.Row():
        lang = gr.Radio(list(LABELS), value="中文", label="界面语言 / Language", elem_id="gk-lang", scale=8)
        dark = gr.Button("🌓 深色 / Dark", elem_id="gk-dark", scale=1, size="sm")
    title = gr.Markdown(LABELS["中文"]["title"])
    return {"lang": lang, "dark": dark, "title": title}


def switch(coll: Collection, language: str, q: str) -> list[Any]:
    """Every label, placeholder and button in ``language``, and the catalog in its words (see RELABELLED)."""
    t = LABELS[language]
    return [
        gr.update(value=t["title"]),
        gr.update(label=t["chat"]),
        gr.update(label=t["reports"]),
        gr.update(label=t["compare"]),
        gr.update(label=t["upload"]),
        gr.update(placeholder=t["box"], label=t["question"]),
        gr.update(value=t["send"]),
        gr.update(label=t["pick"]),
        gr.update(label=t["narrow"]),
        gr.update(label=t["filter"]),
        gr.update(label=t["metric"]),
        gr.update(label=t["issuers"]),
        gr.update(label=t["find"]),
        gr.update(label=t["years"]),
        gr.update(value=t["run"]),
        gr.update(label=t["token"]),
        gr.update(label=t["files"]),
        gr.update(value=t["ingest"]),
        gr.update(label=t["crawl_url"]),
        gr.update(label=t["crawl_dry"]),
        gr.update(value=t["crawl"]),
        gr.update(label=t["crawl_log"]),
        gr.update(value=t["stop"]),
        gr.update(label=t["examples"]),
    ]


def wire(demo: gr.Blocks, coll: Collection, parts: dict[str, Any]) -> None:
    """The dark-mode button, and the language switch over ``parts``: every tab's components by name."""
    parts["dark"].click(None, None, None, js=TOGGLE_DARK)
    demo.load(None, None, None, js=RESTORE_DARK)
    lang = parts["lang"]
    lang.change(bound(switch, coll), [lang, parts["flt"]], [parts[name] for name in RELABELLED])

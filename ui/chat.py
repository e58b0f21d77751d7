"""The Gradio app mounted at /: chat with citations and a source view, the reports catalog, a compare
view with a chart and CSV, and uploads. Every handler calls the same functions as the HTTP API.

One module per tab under ``ui/page/``; this module assembles them (:func:`build_ui`) and keeps what
the mount adds to the page (``CSS``, ``HEAD``). The tabs' view functions are importable from here too.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from index.collection import Collection
from ui.page import chat, check, compare, header, peers, reports, upload
from ui.page.chat import passage_view, source_view
from ui.page.common import LABELS, bound
from ui.page.compare import _csv_safe, compare_table, office_choices
from ui.page.reports import catalog_frame, report_view
from ui.page.upload import reason_words, upload_frame

__all__ = [
    "CSS",
    "HEAD",
    "LABELS",
    "_csv_safe",
    "build_ui",
    "catalog_frame",
    "compare_table",
    "office_choices",
    "passage_view",
    "reason_words",
    "report_view",
    "source_view",
    "upload_frame",
]

CSS = """
.gk-hidden { display: none !important; }
#gk-chat a[href^="#gk-cite-"] { text-decoration: none; font-weight: 600; cursor: pointer; }
@media (max-width: 700px) { #gk-chat { height: 46vh !important; } }
"""
# a report's tables (ui/report_view.py): each in its own sideways-scrolling box, its label column fixed
CSS += """
.gk-report .gk-scroll { overflow-x: auto; max-width: 100%; margin: 0.6em 0 0.2em; }
.gk-report table { border-collapse: separate; border-spacing: 0; font-size: 0.9em; width: auto !important;
  margin: 0 !important; border: none !important; }
.gk-report caption { text-align: left; font-weight: 600; padding: 0.3em 0; caption-side: top; }
.gk-report th, .gk-report td { border: 1px solid var(--border-color-primary); padding: 0.25em 0.5em; }
.gk-report td { text-align: right; white-space: nowrap; min-width: 3.5em; }
.gk-report thead th { text-align: center; font-weight: 600; min-width: 4.5em; }
.gk-report tbody th { text-align: left; font-weight: normal; min-width: 12em; }
.gk-report tbody th, .gk-report thead th.gk-l0 { position: sticky; left: 0; z-index: 1;
  background: var(--background-fill-primary); }
.gk-report tr.gk-caption th, .gk-report tr.gk-group th { font-weight: 600; }
.gk-report tr.gk-caption th { position: static; text-align: left; }
.gk-report th.gk-l1 { padding-left: 1.2em; } .gk-report th.gk-l2 { padding-left: 2.4em; }
.gk-report td.gk-uncertain { font-style: italic; white-space: normal; min-width: 8em; }
.gk-report .gk-printed { display: block; font-size: 0.85em; opacity: 0.8; }
.gk-report .gk-check { margin: 0 0 1em; } .gk-report .gk-fails { font-weight: 600; }
.gk-report .gk-sections .gk-l2 { padding-left: 1.2em; } .gk-report .gk-sections .gk-l3 { padding-left: 2.4em; }
@media (max-width: 700px) { .gk-report tbody th { min-width: 9em; max-width: 42vw; white-space: normal; } }
"""

# A click on a citation marker opens its passage in the source view: the marker's link is kept in
# window.gkCite and a hidden button clicked, whose event sends it to the server (its js returns the
# inputs); on a phone the view is then scrolled to.
HEAD = """
<script>
document.addEventListener("click", (event) => {
  const a = event.target.closest && event.target.closest('a[href^="#gk-cite-"]');
  if (!a) return;
  event.preventDefault();
  event.stopPropagation();
  const open = document.querySelector("#gk-cite-open");
  if (!open) return;
  window.gkCite = a.getAttribute("href").slice(1);
  const panel = document.querySelector("#gk-source");
  if (panel) {  // once the passage is there, bring it into view (on a phone it is under the chat)
    const show = () => {
      const r = panel.getBoundingClientRect();
      if (r.top > window.innerHeight || r.bottom < 0) panel.scrollIntoView({ block: "start" });
    };
    const watch = new MutationObserver(() => { watch.disconnect(); show(); });
    watch.observe(panel, { childList: true, subtree: true, characterData: true });
    setTimeout(() => { watch.disconnect(); show(); }, 3000);
  }
  open.click();
}, true);
</script>
"""


def build_ui(coll: Collection, llm: Any | None = None) -> gr.Blocks:
    """The app. ``llm``: a LangChain chat model for the generative mode (default: GONGKAI_LLM, if set)."""
    if llm is None:
        from assistant.generative import make_llm

        llm = make_llm()
    # CSS and HEAD: at mount (ui/api.py). delete_cache: what the page's upload route keeps is deleted after a
    # day, checked hourly (the admin's files, once ingested, are kept by content hash under GONGKAI_HOME/uploads)
    with gr.Blocks(title="公开 gongkai", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        parts = header.build()
        cites_state = gr.State([])  # the citations of the answer shown, for the source view
        with gr.Tabs():
            parts |= chat.build(demo, coll, llm, parts["lang"], cites_state)
            parts |= reports.build(coll, parts["lang"])
            parts |= compare.build(coll, parts["lang"])
            parts |= peers.build(coll, parts["lang"], parts["tab_compare"])
            parts |= upload.build(coll, parts["lang"], parts["flt"], parts["table"])
            parts |= check.build(parts["lang"])
        header.wire(demo, coll, parts)
    # for tests: the handlers without a browser
    demo.respond = bound(chat.respond, coll, llm)
    demo.turn = bound(chat.turn, coll, llm)  # with the choices a name offers
    demo.ask_one = bound(chat.ask_one, coll, llm)
    demo.regenerate = bound(chat.regenerate, coll, llm)
    demo.open_link = bound(chat.open_link, coll)
    demo.crawl = bound(upload.do_crawl, coll)
    return demo

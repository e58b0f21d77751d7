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
from ui.page.reports import catalog_frame, full_id, report_view
from ui.page.upload import reason_words, upload_frame

__all__ = [
    "CSS",
    "HEAD",
    "LABELS",
    "_csv_safe",
    "build_ui",
    "catalog_frame",
    "compare_table",
    "full_id",
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

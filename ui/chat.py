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

# The theme's colours where they fall short of WCAG 2.1 AA (4.5:1 for text): the primary buttons (white on
# orange #f97316 was 2.8:1; on #c2410c it is 5.2:1) and the accent (the selected tab's name, the same
# orange on white), the placeholder and the subdued text (#bbbbc2 on white, 1.9:1: Gradio's footer, the
# upload box's "or"; #6b6b76 is 5.3:1). The skip link, out of sight until a
# keyboard reaches it. The source view's way back to the answer, on a phone only (beside it on a desktop),
# held at the screen's corner while a passage the reader opened is read (.gk-reading on its panel, set by HEAD).
CSS = """
:root {
  --color-accent: #c2410c;
  --button-primary-background-fill: #c2410c;
  --button-primary-background-fill-hover: #9a3412;
  --button-primary-text-color: #ffffff;
  --button-primary-text-color-hover: #ffffff;
  --input-placeholder-color: #6b6b76;
  --body-text-color-subdued: #6b6b76;
}
.dark {
  --color-accent: #fb923c;
  --button-primary-background-fill: #c2410c;
  --button-primary-background-fill-hover: #9a3412;
  --input-placeholder-color: #a8a8b3;
  --body-text-color-subdued: #a8a8b3;
}
footer a, footer button, footer .built-with, footer .show-api, footer .settings { color: var(--body-text-color-subdued) !important; }
::placeholder { color: var(--input-placeholder-color) !important; opacity: 1; }
.gk-skip { position: absolute; left: -10000px; top: 0; }
.gk-skip:focus { left: 8px; top: 8px; z-index: 1000; padding: 8px 12px; background: #ffffff; color: #1f2937;
  border: 2px solid #c2410c; border-radius: 6px; }
.gk-hidden { display: none !important; }
#gk-chat a[href^="#gk-cite-"] { text-decoration: none; font-weight: 600; cursor: pointer; }
.gk-back { display: none; }
@media (max-width: 700px) {
  #gk-chat { height: 46vh !important; }
  .gk-back { display: inline-block; margin: 4px 0 8px; padding: 6px 12px; background: var(--background-fill-primary);
    border: 1px solid var(--border-color-primary); border-radius: 6px; }
  #gk-source-panel.gk-reading .gk-back { position: fixed; right: 12px; bottom: 16px; z-index: 50; margin: 0;
    box-shadow: 0 2px 8px rgba(0, 0, 0, 0.25); }
}
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

# The page's script (in <head>, so it runs before Gradio draws the page):
# - a skip link, the first thing a keyboard reaches, to the question box;
# - <html lang> follows the interface language (the radio #gk-lang), not the browser's;
# - a click on a citation marker opens its passage in the source view: the marker's link is kept in
#   window.gkCite and a hidden button clicked, whose event sends it to the server (its js returns the
#   inputs). After that click, or a pick in the citation list, the highlighted sentence is brought into
#   view once it is there (on a phone the view is under the chat, and its top may be on screen while the
#   sentence is not), and the source view's "back to the answer" link, held at hand meanwhile, scrolls
#   back to the last answer;
# - two details of Gradio's own markup that axe-core flags are mended as they appear: an empty plot's
#   placeholder <div aria-label> gets the role that allows the label (aria-prohibited-attr), and the
#   upload box's English aria-label, which hides its visible (translated) words, is dropped
#   (label-content-name-mismatch).
HEAD = """
<script>
(() => {
  const LANGS = { "中文": "zh-CN", "English": "en" };
  const setLang = () => {
    const on = document.querySelector("#gk-lang input:checked");
    document.documentElement.lang = (on && LANGS[on.value]) || "zh-CN";
  };
  const box = () => document.querySelector("#gk-box textarea");
  const reading = (on) => {
    const panel = document.querySelector("#gk-source-panel");
    if (panel) panel.classList.toggle("gk-reading", on);
  };
  let follow = 0;  // when the reader last asked for a passage: only then is the page scrolled to it
  const showMark = () => {
    const mark = document.querySelector("#gk-source mark");
    if (!mark || Date.now() - follow > 15000) return;
    const r = mark.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) mark.scrollIntoView({ block: "center" });
    reading(true);  // the way back stays at hand while the passage is read
    follow = 0;
  };
  window.addEventListener("scroll", () => {  // the reader is back above the source view: no floating link
    const panel = document.querySelector("#gk-source");
    if (!panel || panel.getBoundingClientRect().top > window.innerHeight / 2) reading(false);
  }, { passive: true });
  const mend = () => {
    document.querySelectorAll("div.empty[aria-label]:not([role])").forEach((d) => d.setAttribute("role", "img"));
    document.querySelectorAll("button.upload-container[aria-label]").forEach((b) => b.removeAttribute("aria-label"));
    setLang();
  };
  const start = () => {
    document.documentElement.lang = "zh-CN";  // the interface starts in Chinese, whatever the browser's
    const skip = document.createElement("a");
    skip.className = "gk-skip";
    skip.href = "#gk-box";
    skip.textContent = "跳到提问框 / Skip to the question box";
    skip.addEventListener("click", (event) => {
      event.preventDefault();
      const tab = document.querySelector("button[role='tab']");
      if (!box() && tab) tab.click();  // the question box is on the first tab
      setTimeout(() => { const b = box(); if (b) b.focus(); }, box() ? 0 : 300);
    });
    document.body.prepend(skip);
    new MutationObserver(() => { mend(); showMark(); }).observe(document.body, { childList: true, subtree: true });
    mend();
  };
  // Gradio adds this script to <head> itself, after the document has loaded, or (served differently) before
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("change", (event) => {
    if (event.target.closest && event.target.closest("#gk-lang")) setLang();
  }, true);
  document.addEventListener("click", (event) => {
    if (!event.target.closest) return;
    if (event.target.closest("#gk-lang")) setTimeout(setLang, 0);
    if (event.target.closest("#gk-pick, #gk-pick ~ *, ul.options")) follow = Date.now();
    const back = event.target.closest("a.gk-back");
    if (back) {
      event.preventDefault();
      const answers = document.querySelectorAll("#gk-chat .bot-row");
      const last = answers[answers.length - 1];
      (last || document.querySelector("#gk-chat")).scrollIntoView({ block: "start" });
      reading(false);
      return;
    }
    const a = event.target.closest('a[href^="#gk-cite-"]');
    if (!a) return;
    event.preventDefault();
    event.stopPropagation();
    const open = document.querySelector("#gk-cite-open");
    if (!open) return;
    window.gkCite = a.getAttribute("href").slice(1);
    follow = Date.now();
    open.click();
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("#gk-pick")) follow = Date.now();
  }, true);
})();
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

"""The 年报自查 tab: a draft report checked before it is published, by anyone, with nothing stored.

The page's own upload route keeps files and takes them only from the admin, so this tab does not use
it: a plain file form posts straight to ``POST /api/check`` (the same call as ``gongkai check``), which
reads the files in memory and keeps nothing. The problems are drawn in the browser with ``textContent``
only: a file name or a quoted sentence is never read as markup.
"""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from ingest.loaders import SUPPORTED
from ingest.selfcheck import ProblemKind

KINDS = {
    ProblemKind.RELATION: ("勾稽关系不符", "relation fails"),
    ProblemKind.UNREAD_ROW: ("行数字不成立", "row does not add up"),
    ProblemKind.MISSING_TABLE: ("缺少表格", "table missing"),
    ProblemKind.MISSING_ROW: ("缺少行", "row missing"),
    ProblemKind.MISSING_SECTION: ("缺少部分", "part missing"),
    ProblemKind.ORDER: ("顺序不符", "out of order"),
    ProblemKind.OLD_FORMAT: ("使用旧格式", "old format"),
    ProblemKind.PERIOD: ("统计期限", "statistics period"),
    ProblemKind.URL: ("网址", "URL"),
    ProblemKind.CONTACT: ("联系方式", "contact"),
    ProblemKind.TEXT_TABLE: ("正文与表格不一致", "text vs table"),
    ProblemKind.LATE: ("发布日期", "date"),
    ProblemKind.JUMP: ("与上年相差悬殊", "far from last year"),
    ProblemKind.CARRY: ("结转数不衔接", "carry-over differs"),
}

WORDS = {
    "中文": {
        "tab": "年报自查",
        "intro": "上传年度报告草稿（Word、PDF、HTML 或文本），发布前检查：勾稽关系、统一格式的表格/行/部分是否齐全、"
        "统计期限、网址与联系方式、正文与表格是否一致、发布日期，以及与本单位上一年度报告相比变化异常的数字。"
        "文件只在内存中检查，不保存、不入库。",
        "files": "报告草稿",
        "run": "检查",
        "busy": "正在检查…",
        "none": "未发现问题。",
        "pick": "请先选择文件。",
        "failed": "检查失败：",
        "unreadable": "无法读取：",
        "previous": "对照：",
        "head": ["级别", "类型", "位置", "问题", "应为", "实为"],
        "severity": {"error": "错误", "warning": "警告", "question": "请核实"},
        "lang": "zh",
    },
    "English": {
        "tab": "Check a draft",
        "intro": "Upload a draft annual report (Word, PDF, HTML or text) and check it before it is published: the "
        "checking relations, the national format's tables, rows and parts, the statistics period, URL and contact, "
        "the text against the tables, the date, and figures far from the office's previous report. The file is "
        "checked in memory: nothing is kept or added to the collection.",
        "files": "Draft report",
        "run": "Check",
        "busy": "Checking…",
        "none": "No problems found.",
        "pick": "Choose a file first.",
        "failed": "The check failed: ",
        "unreadable": "Cannot read: ",
        "previous": "Compared with: ",
        "head": ["Level", "Kind", "Where", "Problem", "Expected", "Found"],
        "severity": {"error": "error", "warning": "warning", "question": "question"},
        "lang": "en",
    },
}

# Delegated to the tab's element: its form is drawn again when the language changes, the listener stays.
ON_LOAD = """
element.addEventListener("submit", async (event) => {
  const form = event.target.closest("form.gk-check-form");
  if (!form) return;
  event.preventDefault();
  const words = JSON.parse(form.dataset.words);
  const out = element.querySelector(".gk-check-out");
  const input = form.querySelector("input[type=file]");
  const line = (tag, text, cls) => {
    const node = document.createElement(tag);
    node.textContent = text;
    if (cls) node.className = cls;
    return node;
  };
  out.replaceChildren();
  if (!input.files.length) { out.append(line("p", words.pick)); return; }
  const body = new FormData();
  for (const file of input.files) body.append("files", file, file.name);
  body.append("lang", words.lang);
  out.append(line("p", words.busy, "gk-check-busy"));
  let data;
  try {
    const reply = await fetch(new URL("api/check", document.baseURI), { method: "POST", body });
    data = await reply.json();
    if (!reply.ok) throw new Error(typeof data.detail === "string" ? data.detail : reply.status);
  } catch (error) {
    out.replaceChildren(line("p", words.failed + error.message, "gk-check-error"));
    return;
  }
  out.replaceChildren();
  for (const result of data) {
    const box = document.createElement("section");
    box.className = "gk-check-file";
    const title = [result.file, result.issuer, result.year].filter((x) => x).join(" · ");
    box.append(line("h3", title));
    if (result.error) { box.append(line("p", words.unreadable + result.error, "gk-check-error")); out.append(box); continue; }
    if (result.previous) box.append(line("p", words.previous + result.previous));
    if (!result.problems.length) { box.append(line("p", words.none, "gk-check-none")); out.append(box); continue; }
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const h of words.head) head.append(line("th", h));
    table.append(head);
    for (const p of result.problems) {
      const row = document.createElement("tr");
      row.className = "gk-check-" + p.severity;
      for (const text of [words.severity[p.severity] || p.severity, words.kinds[p.kind] || p.kind, p.where, p.message, p.expected, p.found]) {
        row.append(line("td", text));
      }
      table.append(row);
    }
    box.append(table);
    out.append(box);
  }
});
"""

CSS = """
#gk-check table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; }
#gk-check th, #gk-check td { border: 1px solid var(--border-color-primary); padding: 4px 6px; vertical-align: top; }
#gk-check th:first-child, #gk-check td:first-child, #gk-check th:nth-child(2), #gk-check th:nth-child(5),
#gk-check th:nth-child(6) { white-space: nowrap; }
#gk-check tr.gk-check-error td:first-child { color: #b91c1c; font-weight: 600; }
#gk-check tr.gk-check-warning td:first-child { color: #b45309; font-weight: 600; }
#gk-check tr.gk-check-question td:first-child { color: #1d4ed8; font-weight: 600; }
#gk-check form { display: flex; gap: 1em; align-items: center; flex-wrap: wrap; margin: 0.5em 0; }
"""


def form_html(language: str) -> str:
    """The tab's form in ``language``; its words for the results ride along as data (escaped here)."""
    import json

    w = WORDS.get(language, WORDS["中文"])
    words = {k: w[k] for k in ("busy", "none", "pick", "failed", "unreadable", "previous", "head", "severity", "lang")}
    words["kinds"] = {str(k): pair[w["lang"] == "en"] for k, pair in KINDS.items()}
    data = html.escape(json.dumps(words, ensure_ascii=False), quote=True)
    return (
        f"<style>{CSS}</style>"
        f"<p>{html.escape(w['intro'])}</p>"
        f'<form class="gk-check-form" data-words="{data}">'
        f"<label>{html.escape(w['files'])} "
        f'<input type="file" name="files" multiple accept="{",".join(sorted(SUPPORTED))}"></label>'
        f'<button type="submit" class="lg secondary">{html.escape(w["run"])}</button>'
        "</form>"
        '<div class="gk-check-out" aria-live="polite"></div>'
    )


def relabel(language: str) -> list[Any]:
    w = WORDS.get(language, WORDS["中文"])
    return [gr.update(label=w["tab"]), gr.update(value=form_html(language))]


def build(lang: gr.Radio) -> dict[str, Any]:
    """The tab; it follows the page's language itself (the header's switch knows nothing of it)."""
    with gr.Tab(WORDS["中文"]["tab"], id="check") as tab_check:
        view = gr.HTML(form_html("中文"), elem_id="gk-check", js_on_load=ON_LOAD)
    lang.change(relabel, lang, [tab_check, view])
    return {"tab_check": tab_check, "check_view": view}

"""The Gradio app mounted at /: chat with citations and a source view, the reports catalog, a compare
view with a chart and CSV, and uploads. Every handler calls the same functions as the HTTP API.

Report text is data: it reaches the page only through :func:`ui.render.esc` or ``html.escape``.
"""

from __future__ import annotations

import csv
import html
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import gradio as gr
import pandas as pd

from assistant.answer import values_for
from assistant.glossary import METRICS
from assistant.respond import respond as answer_question
from assistant.respond import respond_streaming
from assistant.types import Answer
from index.collection import Collection, IngestStatus
from index.detail import report_detail
from index.uploads import store_upload
from ui.charts import Bar, bar_chart_svg
from ui.render import answer_markdown, esc, safe_url, stream_cuts

EXAMPLES = [
    "东山县2020年收到多少政府信息公开申请？",
    "how many disclosure applications did Dongshan County receive in 2020",
    "淮安市2024年予以公开占比是多少？",
    "哪个单位收到的政府信息公开申请最多？",
    "岳溪镇的民事全程代办有多少服务站？",
    "哪些单位提到缺少专职人员？",
    "Which years of Dongshan do you have?",
    "What problems did Yuncheng District report?",
]

LABELS = {
    "中文": {
        "title": "## 公开 gongkai · 政府信息公开工作年度报告问答\n按报告原表和原文回答，每个数字都附引用。",
        "chat": "问答",
        "reports": "报告",
        "compare": "比较",
        "upload": "上传",
        "box": "输入问题，例如：东山县2020年收到多少政府信息公开申请？",
        "send": "发送",
        "source": "原文（点选引用查看）",
        "pick": "查看引用",
        "narrow": "问题中的名称对应多个单位，点选一个只问它",
        "metric": "指标",
        "issuers": "单位",
        "find": "查找单位（输入名称的一部分）",
        "years": "年度",
        "run": "比较",
        "token": "管理员令牌",
        "files": "报告文件（HTML/PDF/DOCX/TXT）",
        "ingest": "上传并入库",
        "filter": "筛选（地区/单位/年度/格式/质量）",
        "open": "打开报告",
        "hint": "点选表格中的一行即可打开该报告。",
        "crawl_url": "抓取年报栏目：栏目列表页地址（如 https://…/zfxxgknb/），可填多个，每行一个",
        "crawl_dry": "只列出将抓取的报告，不入库",
        "crawl": "抓取并入库",
        "crawl_log": "抓取进度",
        "stop": "停止",
        "examples": "示例（点选即提问）",
    },
    "English": {
        "title": "## gongkai · Government information disclosure annual reports\nAnswers come from the reports' "
        "own tables and sentences; every figure is cited.",
        "chat": "Ask",
        "reports": "Reports",
        "compare": "Compare",
        "upload": "Upload",
        "box": "Ask a question, e.g. how many disclosure applications did Dongshan County receive in 2020",
        "send": "Send",
        "source": "Source (pick a citation)",
        "pick": "Citation",
        "narrow": "The name fits several bodies: pick one to ask about it alone",
        "metric": "Metric",
        "issuers": "Offices",
        "find": "Find offices (part of a name)",
        "years": "Years",
        "run": "Compare",
        "token": "Admin token",
        "files": "Report files (HTML/PDF/DOCX/TXT)",
        "ingest": "Upload and ingest",
        "filter": "Filter (region / office / year / format / quality)",
        "open": "Open report",
        "hint": "Click a row of the table to open that report.",
        "crawl_url": "Crawl an annual-report column: its list page (e.g. https://…/zfxxgknb/), one per line",
        "crawl_dry": "Only list what would be fetched; store nothing",
        "crawl": "Crawl and ingest",
        "crawl_log": "Crawl progress",
        "stop": "Stop",
        "examples": "Examples (click to ask)",
    },
}


def source_view(coll: Collection, answer_citations: list[dict[str, Any]], pick: str | None, zh: bool = True) -> str:
    """The report text around a cited passage, the passage highlighted; everything escaped."""
    cite = next((c for c in answer_citations if c["id"] == pick), None)
    if cite is None or cite.get("start") is None:
        return ""
    text = coll.facts.text(cite["report_id"]).replace("\f", "\n")
    start, end = int(cite["start"]), int(cite.get("end") or cite["start"])
    a, b = max(0, start - 300), min(len(text), end + 300)
    body = html.escape(text[a:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:b])
    where = html.escape(f"{cite['issuer']} {cite['year']} · {cite.get('section') or ''}")
    if cite.get("page"):
        page = f" · 第{cite['page']}页" if zh else f" · p. {cite['page']}"
    else:
        page = ""
    target = safe_url(cite.get("url") or "")
    if target is not None:  # where a crawl fetched it: the original page, to check against
        when = cite.get("fetched")
        words = (
            ("原文" + (f"（{when}获取）" if when else ""))
            if zh
            else ("original" + (f" (fetched {when})" if when else ""))
        )
        page += (
            f" · <a href='{html.escape(target, quote=True)}' target='_blank' rel='noopener noreferrer'>"
            f"{html.escape(words)}</a>"
        )
    return (
        f"<div class='gk-source'><b>{'[' + html.escape(cite['id']) + '] ' if cite['id'] else ''}{where}{page}</b>"
        f"<pre style='white-space:pre-wrap'>{'…' if a else ''}{body}{'…' if b < len(text) else ''}</pre></div>"
    )


CSS = """
.gk-hidden { display: none !important; }
#gk-chat a[href^="#gk-cite-"] { text-decoration: none; font-weight: 600; cursor: pointer; }
@media (max-width: 700px) { #gk-chat { height: 46vh !important; } }
"""

# A click on a citation marker opens its passage in the source view: the marker's link is kept in
# window.gkCite and a hidden button clicked, whose event sends it to the server (its js returns the
# inputs); on a phone the view is then scrolled to.
# After an answer the chat shows the answer's first line (the figure), not its end.
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

SHOW_ANSWER_TOP = """
() => {
  const chat = document.querySelector("#gk-chat");
  if (!chat) return;
  const bots = chat.querySelectorAll(".message-row.bot-row, .bot-row, [data-testid='bot']");
  const last = bots[bots.length - 1];
  if (!last) return;
  let box = last.parentElement;
  while (box && box !== chat && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  if (box && box !== chat.parentElement) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
  const r = chat.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight * 0.5) chat.scrollIntoView({ block: "start" });
}
"""

TOGGLE_DARK = """
() => {
  const on = document.body.classList.toggle("dark");
  localStorage.setItem("gongkai-dark", on ? "1" : "0");
}
"""
RESTORE_DARK = """
() => { if (localStorage.getItem("gongkai-dark") === "1") document.body.classList.add("dark"); }
"""

SHOW_QUESTION = """
() => {
  const chat = document.querySelector("#gk-chat");
  const bots = chat ? chat.querySelectorAll(".message-row, [data-testid='user'], [data-testid='bot']") : [];
  const last = bots[bots.length - 1];
  if (last) last.scrollIntoView({ block: "nearest" });
}
"""


def _browser_secret(coll: Collection) -> str:
    """The key the chat history kept in browsers is encrypted with: one per home, made once."""
    import secrets

    path = coll.settings.home / "browser-state.key"
    try:
        return path.read_text().strip() or ""
    except FileNotFoundError:
        key = secrets.token_hex(24)
        path.write_text(key)
        path.chmod(0o600)
        return key


def passage_view(coll: Collection, report_id: str, start: int, end: int, zh: bool = True) -> str:
    """The source view of a passage named by a citation marker's link (report and span alone)."""
    report = coll.facts.report(report_id)
    if report is None:
        return ""
    text = coll.facts.text(report_id)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    sections = [x for x in coll.facts.sections(report_id) if x.start <= start < x.end]
    section = max(sections, key=lambda x: x.level).path if sections else ""
    origin = coll.origin(report_id)
    cite = {
        "id": "",
        "report_id": report_id,
        "issuer": report.issuer,
        "year": report.year,
        "section": section,
        "start": start,
        "end": end,
        "page": text.count("\f", 0, start) + 1 if report.source_format == "pdf" else None,
        "url": origin.url if origin else None,
        "fetched": origin.fetched_at.date().isoformat() if origin else None,
    }
    return source_view(coll, [cite], "", zh)


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
UPLOAD_COLUMNS = {
    "中文": {"file": "文件", "status": "结果", "issuer": "单位", "year": "年度", "tables": "表格", "error": "说明"},
    "English": {
        "file": "File",
        "status": "Result",
        "issuer": "Office",
        "year": "Year",
        "tables": "Tables",
        "error": "Note",
    },
}
INGEST_WORDS = {
    "added": ("已入库", "added"),
    "replaced": ("已入库（替换旧版）", "added (replaces the earlier version)"),
    "unchanged": ("已有此报告", "held already"),
    "failed": ("失败", "failed"),
    "refused": ("拒绝", "refused"),
}


# the reasons ingest gives, as a Chinese reader reads them (the English reason follows, for the details)
REASONS_ZH = (
    ("not a government information disclosure report", "不是政府信息公开工作年度报告"),
    ("file too large", "文件过大"),
    ("larger than the file size limit", "文件过大"),
    ("unsupported file type", "不支持的文件类型（支持 HTML/PDF/DOCX/TXT 与 PNG/JPG/TIFF 页面图片）"),
    ("empty file", "空文件"),
    ("binary file", "不是文本文件"),
    ("not a PDF file", "不是有效的 PDF 文件"),
    ("legacy .doc must be converted", "旧版 .doc 文件，请另存为 .docx 后上传"),
    ("needs OCR", "扫描件，需要文字识别（OCR），本机未安装 OCR 组件"),
    ("no text on any page", "PDF 中没有文字（既无文字层也无页面图像）"),
    ("unreadable image", "无法读取的图片"),
    ("not a page", "图片过大，不是报告页面"),
    ("no text found in the image", "图片中未识别出文字"),
    ("no issuer found", "未能识别发布单位，请填写单位"),
    ("no report year found", "未能识别报告年度，请填写年度"),
    ("took longer than", "读取超时"),
    ("the same report is held", "已有同一报告的更好版本"),
    ("near-duplicate of", "与已有报告几乎相同，两份都已保留"),
)


def reason_words(reason: str, language: str) -> str:
    """An ingest reason in the reader's language: the Chinese gist first, the English detail after."""
    if language == "English" or not reason:
        return reason
    gist = next((zh for en, zh in REASONS_ZH if en in reason), "")
    return f"{gist}（{reason}）" if gist else reason


def upload_frame(rows: list[dict[str, Any]], language: str = "中文") -> pd.DataFrame:
    """Upload results in the reader's words: headers, outcomes and table checks in their language."""
    lang = 0 if language != "English" else 1
    out = []
    for row in rows:
        tables = row.get("tables") or {}
        out.append(
            {
                **row,
                "status": INGEST_WORDS.get(str(row["status"]), (str(row["status"]),) * 2)[lang],
                "error": reason_words(str(row.get("error") or ""), language),
                "tables": "，".join(
                    f"{_words(TABLE_NAMES, t, language)} {_words(STATUS_WORDS, st, language)}"
                    for t, st in tables.items()
                )
                if isinstance(tables, dict)
                else tables,
            }
        )
    columns = UPLOAD_COLUMNS["English" if lang else "中文"]
    return pd.DataFrame(out, columns=list(columns)).rename(columns=columns)


# what the catalog shows, in the reader's words: column headers, table names, statuses, generations
CATALOG_COLUMNS = {
    "中文": ["单位", "年度", "地区", "表格格式", "文件", "表格校验", "发布日期", "id"],
    "English": ["Office", "Year", "Region", "Table format", "File", "Table checks", "Published", "id"],
}
TABLE_NAMES = {
    "t2": ("表二", "Table 2"),
    "t3": ("表三", "Table 3"),
    "t4": ("表四", "Table 4"),
    "legacy": ("统计表", "statistics table"),
}
STATUS_WORDS = {
    "verified": ("已校验", "checked"),
    "repaired": ("经勾稽关系补全", "completed by its checks"),
    "ambiguous": ("部分数字不确定", "some figures uncertain"),
    "inconsistent": ("未通过校验", "fails its checks"),
    "unchecked": ("无校验关系", "nothing to check against"),
}
GENERATION_WORDS = {
    "2019": ("2019年版表格", "2019 tables"),
    "2021": ("2021年版表格", "2021 tables"),
    "pre-2019": ("2019年前（各地自定）", "before 2019 (local)"),
}


def _words(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    pair = table.get(key)
    return key if pair is None else pair[0 if lang == "中文" else 1]


OFFICE_CHOICES = 200  # the Compare tab offers every office up to this many; past it, those matching the typed name
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
            _words(GENERATION_WORDS, r.generation, lang),
            r.source_format.upper(),
            checks.join(f"{_words(TABLE_NAMES, k, lang)} {_words(STATUS_WORDS, v, lang)}" for k, v in tables.items())
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


def office_choices(coll: Collection, typed: str = "", chosen: list[str] | None = None) -> list[str]:
    """The offices the Compare tab offers: the ones chosen, then every office of a small collection, or
    of a national one the first OFFICE_CHOICES whose name contains what was typed (a page does not
    carry tens of thousands of names, and each page load would)."""
    typed = typed.strip()
    names = coll.facts.issuers(typed, limit=OFFICE_CHOICES + 1)
    if not typed and len(names) > OFFICE_CHOICES:
        names = []  # a national catalog: the typed part of a name picks them
    return list(dict.fromkeys([*(chosen or []), *names[:OFFICE_CHOICES]]))


def full_id(coll: Collection, short: str) -> str:
    """A report's id from the short form the catalog shows."""
    short = (short or "").strip()
    return next((r.id for r in coll.reports() if r.id.startswith(short)), short) if short else ""


def report_view(coll: Collection, report_id: str) -> tuple[str, list[pd.DataFrame]]:
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


def compare_table(
    coll: Collection, metric: str, issuers: list[str], years: list[str], zh: bool = True
) -> tuple[pd.DataFrame, str | None, str]:
    """One value per report: the table, a CSV named after the comparison, and the chart (a report
    without a value is a row of its own, marked, never dropped)."""
    rows, cites, _total = values_for(coll, metric, issuers or None, [int(y) for y in years] if years else None)
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


def build_ui(coll: Collection, llm: Any | None = None) -> gr.Blocks:
    """The app. ``llm``: a LangChain chat model for the generative mode (default: GONGKAI_LLM, if set)."""
    if llm is None:
        from assistant.generative import make_llm

        llm = make_llm()
    years = [str(y) for y in coll.facts.years()]  # not the catalog: a national one takes seconds to load
    metric_choices = [(f"{m.zh} · {m.en}", m.key) for m in METRICS]

    # CSS and HEAD: at mount (ui/api.py). delete_cache: what the page's upload route keeps is deleted after a
    # day, checked hourly (the admin's files, once ingested, are kept by content hash under GONGKAI_HOME/uploads)
    with gr.Blocks(title="公开 gongkai", analytics_enabled=False, delete_cache=(3600, 86400)) as demo:
        with gr.Row():
            lang = gr.Radio(list(LABELS), value="中文", label="界面语言 / Language", elem_id="gk-lang", scale=8)
            dark = gr.Button("🌓 深色 / Dark", elem_id="gk-dark", scale=1, size="sm")
        title = gr.Markdown(LABELS["中文"]["title"])
        cites_state = gr.State([])
        with gr.Tabs():
            with gr.Tab(LABELS["中文"]["chat"], id="chat") as tab_chat:
                # the source beside the chat on a desktop; on a phone the columns wrap and it sits under the answer
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=340):
                        chatbot = gr.Chatbot(
                            height="min(520px, 58vh)",
                            elem_id="gk-chat",
                            label="gongkai",
                            feedback_options=("Like", "Dislike"),
                            autoscroll=False,  # ui/chat.py's script shows the answer's first line instead
                            buttons=["copy", "copy_all"],  # no share button: it does nothing offline
                        )
                        with gr.Row():
                            box = gr.Textbox(
                                placeholder=LABELS["中文"]["box"], show_label=False, scale=8, elem_id="gk-box", lines=1
                            )
                            send = gr.Button(LABELS["中文"]["send"], variant="primary", scale=1, elem_id="gk-send")
                            stop = gr.Button(LABELS["中文"]["stop"], scale=1, visible=False, elem_id="gk-stop")
                        mode = gr.Radio(
                            ["精确 exact", "生成 generative"],
                            value="精确 exact",
                            label="回答方式 / Mode",
                            visible=llm is not None,
                        )
                        narrow = gr.Radio(
                            label=LABELS["中文"]["narrow"], choices=[], visible=False, elem_id="gk-narrow"
                        )
                        examples = gr.Dataset(
                            components=[gr.Textbox(visible=False)],
                            samples=[[e] for e in EXAMPLES],
                            label=LABELS["中文"]["examples"],
                            elem_id="gk-examples",
                        )
                    with gr.Column(scale=2, min_width=300, elem_id="gk-source-panel"):
                        pick = gr.Dropdown(label=LABELS["中文"]["pick"], choices=[], interactive=True)
                        source = gr.HTML(label=LABELS["中文"]["source"], elem_id="gk-source")
                        # clicked by the script when a citation marker is clicked (HEAD)
                        cite_open = gr.Button("open", elem_id="gk-cite-open", elem_classes="gk-hidden")
                        cite_link = gr.Textbox(elem_classes="gk-hidden", show_label=False)  # carries the link
                # the conversation survives a reload (and a server restart: the secret is kept in the home)
                saved = gr.BrowserState([], storage_key="gongkai-chat", secret=_browser_secret(coll))
            with gr.Tab(LABELS["中文"]["reports"], id="reports") as tab_reports:
                flt = gr.Textbox(label=LABELS["中文"]["filter"])
                hint = gr.Markdown(LABELS["中文"]["hint"])
                # filled when the tab opens (below), not when the app is built: a national catalog would cost every
                # server's start (and every page load) a read of all its reports
                table = gr.Dataframe(value=pd.DataFrame(columns=CATALOG_COLUMNS["中文"]), interactive=False, wrap=True)
                rid = gr.Textbox(label=LABELS["中文"]["open"] + " (id)")
                detail = gr.Markdown()
                grids = [gr.Dataframe(visible=False, wrap=True) for _ in range(4)]
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
            with gr.Tab(LABELS["中文"]["upload"], id="upload") as tab_upload:
                token = gr.Textbox(label=LABELS["中文"]["token"], type="password")
                files = gr.File(file_count="multiple", label=LABELS["中文"]["files"])
                upload = gr.Button(LABELS["中文"]["ingest"])
                upload_result = gr.Dataframe(interactive=False)
                crawl_urls = gr.Textbox(label=LABELS["中文"]["crawl_url"], lines=2)
                crawl_dry = gr.Checkbox(label=LABELS["中文"]["crawl_dry"], value=False)
                crawl = gr.Button(LABELS["中文"]["crawl"])
                crawl_log = gr.Textbox(label=LABELS["中文"]["crawl_log"], lines=14, max_lines=30, interactive=False)
        # the page's upload route takes files only with the admin token (ui.api.AdminUploads); a browser's
        # upload sends no header of ours, so the token typed here goes along as a same-site cookie
        token.change(
            None,
            [token],
            None,
            js="(t) => { document.cookie = 'gongkai_admin=' + encodeURIComponent(t || '')"
            " + '; path=/; SameSite=Strict'; return []; }",
        )

        # ---- chat
        def respond(
            message: str, history: list[dict[str, Any]], how: str = "精确 exact", seen: dict | None = None
        ) -> Iterator[tuple[Any, ...]]:
            """One chat turn, streamed; ``seen`` receives the answer (for the choices it offers)."""
            message = (message or "").strip()
            if not message:
                yield history, "", [], gr.update()
                return
            turns = [{"role": t["role"], "content": str(t["content"])} for t in history or [] if isinstance(t, dict)]
            users = [t for t in turns if t["role"] == "user"]
            history = [*(history or []), {"role": "user", "content": message}, {"role": "assistant", "content": ""}]
            if llm is not None and how.startswith("生成"):
                shown = ""
                for piece in respond_streaming(message, users, coll, llm):  # tokens as the model writes them
                    if isinstance(piece, Answer):  # the checked reply, or the exact answer that replaces it
                        answer = piece
                        break
                    shown += piece
                    history[-1] = {"role": "assistant", "content": esc(shown)}
                    yield history, "", gr.update(), gr.update()
            else:
                answer = answer_question(message, users, coll)
            md = answer_markdown(answer)
            for i in stream_cuts(md, max(8, len(md) // 12)):  # the answer streams in (a trend's chart whole)
                history[-1] = {"role": "assistant", "content": md[:i]}
                yield history, "", gr.update(), gr.update()
            if seen is not None:
                seen["answer"] = answer
            cites = [c.__dict__ for c in answer.citations]
            choices = [(f"[{c['id']}] {c['issuer']} {c['year']}", c["id"]) for c in cites]
            yield history, "", cites, gr.update(choices=choices, value=choices[0][1] if choices else None)

        def on_like(data: gr.LikeData, history: list[dict[str, Any]]) -> None:
            idx = data.index[0] if isinstance(data.index, list | tuple) else data.index
            question = next((h["content"] for h in reversed(history[:idx]) if h["role"] == "user"), "")
            coll.facts.add_feedback(str(question), str(history[idx]["content"]), bool(data.liked))

        def turn(message: str, history: list[dict[str, Any]], how: str) -> Iterator[tuple[Any, ...]]:
            """A chat turn; the bodies its name could mean offered as choices (or hidden); and the source
            view set to this answer's first citation. Set here, not through the citation picker's change
            event, which does not fire when the new answer's first citation has the same number ("1")."""
            seen: dict[str, Answer] = {}
            first = True
            for out in respond(message, history, how, seen):
                yield (*out, gr.update(), "" if first else gr.update(), gr.update())  # the last source goes at once
                first = False
            offered = seen["answer"].candidates if "answer" in seen else []
            cites = out[2] if isinstance(out[2], list) else []
            zh = seen["answer"].language == "zh" if "answer" in seen else True
            shown = source_view(coll, cites, cites[0]["id"], zh) if cites else ""
            yield (*out, gr.update(choices=offered, value=None, visible=bool(offered)), shown, out[0])

        def ask_one(choice: str | None, history: list[dict[str, Any]], how: str) -> Iterator[tuple[Any, ...]]:
            """The last question again, about the body picked alone."""
            last = next((str(h["content"]) for h in reversed(history or []) if h.get("role") == "user"), "")
            if not choice or not last:
                yield history, "", gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
                return
            yield from turn(f"{choice}：{last.split('：', 1)[-1]}", history, how)

        # the kept history is written with the answer's last step, in the same message as the source view:
        # written by a later event, a reload in between lost the last answer (seen under load in CI)
        outputs = [chatbot, box, cites_state, pick, narrow, source, saved]

        def running() -> tuple[Any, Any]:
            return gr.update(visible=False), gr.update(visible=True)  # Send becomes Stop while answering

        def idle() -> tuple[Any, Any]:
            return gr.update(visible=True), gr.update(visible=False)

        def answered(event: Any) -> None:
            """After an answer: Stop back to Send, the answer's first line in view."""
            event.then(idle, None, [send, stop], queue=False).then(None, None, None, js=SHOW_ANSWER_TOP)

        asking = []
        for trigger in (box.submit, send.click):
            trigger(None, None, None, js=SHOW_QUESTION)
            started = trigger(running, None, [send, stop], queue=False)
            asking.append(started.then(turn, [box, chatbot, mode], outputs))
        # clicking an example asks it
        started = examples.click(lambda sample: sample[0], examples, box, queue=False).then(
            running, None, [send, stop], queue=False
        )
        asking.append(started.then(turn, [box, chatbot, mode], outputs))
        asking.append(narrow.input(ask_one, [narrow, chatbot, mode], outputs))

        def regenerate(history: list[dict[str, Any]], how: str) -> Iterator[tuple[Any, ...]]:
            """The last question asked again (the retry button under the last answer)."""
            users = [i for i, h in enumerate(history or []) if h.get("role") == "user"]
            if not users:
                yield history, "", gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
                return
            last = users[-1]
            yield from turn(str(history[last]["content"]), history[:last], how)

        asking.append(chatbot.retry(regenerate, [chatbot, mode], outputs))

        def from_link(history: list[dict[str, Any]] | None, how: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
            """On load: the conversation kept in this browser; a link /?q=… asks its question."""
            question = (request.query_params.get("q") or "").strip()[:1000] if request is not None else ""
            history = [h for h in history or [] if isinstance(h, dict) and h.get("role") in ("user", "assistant")]
            if question:
                yield from turn(question, history, how)
            else:
                yield history, gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update()

        asking.append(demo.load(from_link, [saved, mode], outputs))
        for event in asking:
            answered(event)
        stop.click(idle, None, [send, stop], cancels=asking, queue=False)

        def open_link(link: str, language: str) -> str:
            """The passage a clicked citation marker names: "gk-cite-<report>-<start>-<end>"."""
            m = re.match(r"gk-cite-([0-9a-f]{8,32})-(\d*)-(\d*)", link or "")
            if m is None or not m.group(2):
                return gr.update()
            return passage_view(coll, m.group(1), int(m.group(2)), int(m.group(3) or m.group(2)), language != "English")

        # dark mode is Gradio's own theme switch (the "dark" class), remembered by this browser
        dark.click(None, None, None, js=TOGGLE_DARK)
        demo.load(None, None, None, js=RESTORE_DARK)
        cite_open.click(
            open_link, [cite_link, lang], source, js="(_, language) => [window.gkCite || '', language]", queue=False
        )
        # "Clear" empties the source view, the citations, the choices and the kept history with the conversation
        chatbot.clear(
            lambda: ([], gr.update(choices=[], value=None), gr.update(choices=[], value=None, visible=False), "", []),
            None,
            [cites_state, pick, narrow, source, saved],
        )
        chatbot.like(on_like, [chatbot], None)
        pick.change(
            lambda cites, p, language: source_view(coll, cites, p, language != "English"),
            [cites_state, pick, lang],
            source,
        )

        # ---- reports
        flt.change(lambda q, language: catalog_frame(coll, q, language), [flt, lang], table)
        # the catalog is read again whenever the tab is opened: a report uploaded meanwhile is there
        tab_reports.select(lambda q, language: catalog_frame(coll, q, language), [flt, lang], table)

        def open_report(report_id: str) -> list[Any]:
            md, frames = report_view(coll, report_id)
            updates = [gr.update(value=f, visible=True) for f in frames[:4]]
            updates += [gr.update(visible=False)] * (4 - len(updates))
            return [md, *updates]

        def on_select(evt: gr.SelectData, frame: pd.DataFrame) -> str:
            row = evt.index[0] if isinstance(evt.index, list | tuple) else evt.index
            return str(frame.iloc[row].iloc[-1])  # the id is the last column, whatever the language

        table.select(on_select, table, rid)
        rid.change(open_report, rid, [detail, *grids])

        # ---- compare
        def do_compare(m: str, w: list[str], y: list[str], language: str) -> tuple[Any, ...]:
            frame, path, svg = compare_table(coll, m, w, y, language != "English")
            headers = COMPARE_COLUMNS["English" if language == "English" else "中文"]
            shown = frame.drop(columns=["label"]).rename(columns=headers)
            return shown, svg, path

        run.click(do_compare, [metric, who, when, lang], [cmp_table, chart, csv_file])

        def offer(typed: str, chosen: list[str] | None) -> Any:
            return gr.update(choices=office_choices(coll, typed, chosen))

        find.change(offer, [find, who], who)
        tab_compare.select(offer, [find, who], who)  # offices uploaded meanwhile are offered too

        # ---- upload (the same admin token as the API)
        def do_upload(
            tok: str,
            paths: list[str] | None,
            language: str = "中文",
            progress=gr.Progress(),  # noqa: B008
        ) -> pd.DataFrame:
            import os
            import secrets
            from pathlib import Path

            from ingest.progress import listening

            expected = os.environ.get("GONGKAI_ADMIN_TOKEN")
            if not expected or not tok or not secrets.compare_digest(tok, expected):
                refused = "管理员令牌缺失或错误" if language != "English" else "admin token missing or wrong"
                return upload_frame([{"file": "-", "status": "refused", "error": refused}], language)
            rows = []
            for p in progress.tqdm(paths or [], desc="ingest"):
                path = Path(p)
                try:
                    stored = store_upload(coll.settings.home, path.name, path.read_bytes())
                except Exception as exc:  # noqa: BLE001 - shown to the uploader, per file
                    rows.append(
                        {"file": path.name, "status": IngestStatus.FAILED, "error": str(getattr(exc, "detail", exc))}
                    )
                    continue

                def pages(what: str, done: int, total: int, name: str = path.name) -> None:
                    page = what.removeprefix("OCR page ")  # "3/6": the scan's page, of its pages
                    shown = f"文字识别（OCR）第{page}页" if language != "English" else f"OCR page {page}"
                    progress((done, total), desc=f"{name}: {shown}")

                with listening(pages):  # a scan takes seconds a page: its pages are shown as they are read
                    r = coll.ingest_file(stored)
                rows.append(
                    {
                        "file": path.name,
                        "status": r.status,
                        "issuer": r.issuer,
                        "year": r.year,
                        "tables": r.tables,
                        "error": r.error or r.note,
                    }
                )
            return upload_frame(rows, language)

        upload.click(do_upload, [token, files, lang], upload_result).then(
            lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
        )

        def do_crawl(tok: str, urls: str, dry: bool, language: str) -> Iterator[str]:
            """A crawl of the columns given, its progress a line per URL as it goes (the admin token
            as for uploads)."""
            import os
            import secrets

            from index.crawl import WORDS, Crawler, CrawlOptions, summary_line

            zh = language != "English"
            expected = os.environ.get("GONGKAI_ADMIN_TOKEN")
            if not expected or not tok or not secrets.compare_digest(tok, expected):
                yield "管理员令牌缺失或错误" if zh else "admin token missing or wrong"
                return
            starts = [u.strip() for u in (urls or "").split() if u.strip()]
            bad = [u for u in starts if not u.lower().startswith(("http://", "https://"))]
            if not starts or bad:
                yield (
                    "请填写以 http:// 或 https:// 开头的栏目地址"
                    if zh
                    else "give column addresses starting with http:// or https://"
                )
                return
            crawler = Crawler(coll, CrawlOptions(dry_run=dry))
            lines: list[str] = []
            for e in crawler.run(starts):
                word = WORDS[e.status][0] if zh else str(e.status)
                who = f"{e.issuer} {e.year or ''}".strip()
                lines.append(" ".join(x for x in (word, who, e.url, f"（{e.message}）" if e.message else "") if x))
                yield "\n".join(lines[-200:])
            lines.append(summary_line(crawler.summary, len(starts), zh))
            yield "\n".join(lines[-200:])

        crawl.click(do_crawl, [token, crawl_urls, crawl_dry, lang], crawl_log).then(
            lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
        )

        # ---- language
        def switch(language: str, q: str) -> list[Any]:
            t = LABELS[language]
            return [
                gr.update(value=t["title"]),
                gr.update(label=t["chat"]),
                gr.update(label=t["reports"]),
                gr.update(label=t["compare"]),
                gr.update(label=t["upload"]),
                gr.update(placeholder=t["box"]),
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
                gr.update(value=t["hint"]),
                catalog_frame(coll, q, language),
                gr.update(label=t["crawl_url"]),
                gr.update(label=t["crawl_dry"]),
                gr.update(value=t["crawl"]),
                gr.update(label=t["crawl_log"]),
                gr.update(value=t["stop"]),
                gr.update(label=t["examples"]),
                gr.update(label=t["open"] + " (id)"),
            ]

        lang.change(
            switch,
            [lang, flt],
            [
                title,
                tab_chat,
                tab_reports,
                tab_compare,
                tab_upload,
                box,
                send,
                pick,
                narrow,
                flt,
                metric,
                who,
                find,
                when,
                run,
                token,
                files,
                upload,
                hint,
                table,
                crawl_urls,
                crawl_dry,
                crawl,
                crawl_log,
                stop,
                examples,
                rid,
            ],
        )
        demo.respond = respond  # for tests: the chat handler without a browser
        demo.turn = turn  # the handler with the choices a name offers
        demo.ask_one = ask_one
        demo.crawl = do_crawl
        demo.regenerate = regenerate
        demo.open_link = open_link
    return demo

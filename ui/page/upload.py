"""The Upload tab, behind the admin token: report files uploaded and ingested (each stored by
:func:`index.uploads.store_upload`, as the API's upload route stores them), and a portal's columns
crawled (:class:`index.crawl.Crawler`, as ``gongkai crawl`` and the API's crawl route run it), each
with its progress and results in the reader's words."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from index.collection import Collection, IngestStatus
from index.uploads import store_upload
from ingest.progress import listening
from ui.deps import admin_token
from ui.page.common import LABELS, STATUS_WORDS, TABLE_NAMES, bound, words
from ui.page.reports import catalog_frame

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
                    f"{words(TABLE_NAMES, t, language)} {words(STATUS_WORDS, st, language)}" for t, st in tables.items()
                )
                if isinstance(tables, dict)
                else tables,
            }
        )
    columns = UPLOAD_COLUMNS["English" if lang else "中文"]
    return pd.DataFrame(out, columns=list(columns)).rename(columns=columns)


def _admin(tok: str) -> bool:
    """Whether the token typed is the admin token (the API's); never when the server has none."""
    expected = admin_token()
    return bool(expected and tok and secrets.compare_digest(tok, expected))


def do_upload(
    coll: Collection,
    tok: str,
    paths: list[str] | None,
    language: str = "中文",
    progress=gr.Progress(),  # noqa: B008
) -> pd.DataFrame:
    """Each file stored and ingested, a result row per file; a scan's OCR pages shown as they are read."""
    if not _admin(tok):
        refused = "管理员令牌缺失或错误" if language != "English" else "admin token missing or wrong"
        return upload_frame([{"file": "-", "status": "refused", "error": refused}], language)
    rows = []
    for p in progress.tqdm(paths or [], desc="ingest"):
        path = Path(p)
        try:
            stored = store_upload(coll.settings.home, path.name, path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - shown to the uploader, per file
            rows.append({"file": path.name, "status": IngestStatus.FAILED, "error": str(getattr(exc, "detail", exc))})
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


def do_crawl(coll: Collection, tok: str, urls: str, dry: bool, language: str) -> Iterator[str]:
    """A crawl of the columns given, its progress a line per URL as it goes (the admin token
    as for uploads)."""
    from index.crawl import WORDS, Crawler, CrawlOptions, crawlable, summary_line

    zh = language != "English"
    if not _admin(tok):
        yield "管理员令牌缺失或错误" if zh else "admin token missing or wrong"
        return
    starts = [u.strip() for u in (urls or "").split() if u.strip()]
    bad = [u for u in starts if not crawlable(u)]
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


def build(coll: Collection, lang: gr.Radio, flt: gr.Textbox, table: gr.Dataframe) -> dict[str, Any]:
    """The tab and its events; ``flt`` and ``table`` are the Reports tab's, read again after an upload or
    a crawl. Returns what the language switch relabels."""
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
    upload.click(bound(do_upload, coll), [token, files, lang], upload_result).then(
        lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
    )
    crawl.click(bound(do_crawl, coll), [token, crawl_urls, crawl_dry, lang], crawl_log).then(
        lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
    )
    return {
        "tab_upload": tab_upload,
        "token": token,
        "files": files,
        "upload": upload,
        "crawl_urls": crawl_urls,
        "crawl_dry": crawl_dry,
        "crawl": crawl,
        "crawl_log": crawl_log,
    }

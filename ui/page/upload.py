"""The Upload tab, behind the admin token: report files uploaded and ingested (each stored by
:func:`index.uploads.store_upload`, as the API's upload route stores them), and a portal's columns
crawled (:class:`index.crawl.Crawler`, as ``gongkai crawl`` and the API's crawl route run it), each
with its progress and results in the reader's words."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
    "nothing": ("未上传", "nothing uploaded"),
}


# the reasons ingest gives, as the page says them (Chinese, English): what happened, and what to do on this
# page; matched by a part of the reason, the first that fits. The reason itself names CLI options and
# server paths, which the page has no use for.
ACCEPTED = "HTML、PDF、DOCX、TXT 文件，或 PNG、JPG、TIFF 页面图片"
ACCEPTED_EN = "HTML, PDF, DOCX and TXT files, or PNG, JPG and TIFF page images"
REASONS = (
    (
        "not a government information disclosure report",
        "不是报告：文件内容不是政府信息公开工作年度报告",
        "not a report: the file is not a government information disclosure annual report",
    ),
    (
        "no text found in the image",
        "不是报告：图片中没有识别出文字",
        "not a report: no text was found in the picture",
    ),
    ("not a page", "不是报告：图片过大，不是报告页面", "not a report: the picture is too large to be a report page"),
    (
        "unreadable image",
        "无法读取这张图片（文件已损坏或不是图片）",
        "the picture could not be read (damaged, or not a picture)",
    ),
    ("file too large", "文件过大", "the file is too large"),
    ("larger than the file size limit", "文件过大", "the file is too large"),
    ("unsupported file type", f"不支持的文件类型：请上传{ACCEPTED}", f"unsupported file type: upload {ACCEPTED_EN}"),
    ("empty file", "空文件", "the file is empty"),
    ("binary file", "不是文本文件", "not a text file"),
    ("not a PDF file", "不是有效的 PDF 文件", "not a valid PDF file"),
    (
        "legacy .doc must be converted",
        "旧版 .doc 文件：请另存为 .docx 后上传",
        "an old .doc file: save it as .docx and upload that",
    ),
    (
        "needs OCR",
        "扫描件，需要文字识别（OCR），本服务器未安装 OCR 组件",
        "a scan: it needs text recognition (OCR), which this server does not have",
    ),
    (
        "no text on any page",
        "PDF 中没有文字（既无文字层也无页面图像）",
        "the PDF holds no text (no text layer, no page images)",
    ),
    (
        "no issuer found",
        "文件中未能识别发布单位：请在上方“发布单位”栏填写后重新上传",
        "the file does not say who issued it: fill in “Issuing office” above and upload it again",
    ),
    (
        "no report year found",
        "文件中未能识别报告年度：请在上方“报告年度”栏填写后重新上传",
        "the file does not say its year: fill in “Report year” above and upload it again",
    ),
    (
        "took longer than",
        "读取超时：文件过于复杂或页数过多",
        "reading it took too long (too complex, or too many pages)",
    ),
    (
        "the same report is held",
        "已有同一报告，且已有的那份表格读得更完整，保留了那一份",
        "the same report is held already, from a file whose tables read better: that one is kept",
    ),
    (
        "near-duplicate of",
        "与已有的一份报告几乎相同（同一单位、同一年度），两份都已保留",
        "nearly the same as a report held already (same office and year): both are kept",
    ),
)
# what a reason may carry that a reader must not see: a server path, an internal id
_PATH = re.compile(r"(?<![\w:/])/(?:[^\s/()（）]+/)+[^\s()（）,;]*")
_HEX_ID = re.compile(r"\b[0-9a-f]{12,}\b")


def reason_words(reason: str, language: str) -> str:
    """An ingest reason as the page says it, in the reader's language; one the table does not know is
    shown as it is, without server paths or internal ids."""
    if not reason:
        return ""
    known = next((pair for key, *pair in REASONS if key in reason), None)
    if known is not None:
        return known[0 if language != "English" else 1]
    plain = _HEX_ID.sub("…", _PATH.sub("…", reason))
    if language == "English" or re.search(r"[\u4e00-\u9fff]", plain):
        return plain  # the page's own words already (a missing token, no file chosen)
    return f"未能读取（{plain}）"


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


def _pages_shown(name: str, at: int, files: int, page: str, zh: bool) -> str:
    """Progress as a reader reads it: which file of how many, and which page of a scan being read."""
    where = (f"第{at}/{files}个文件 " if zh else f"file {at} of {files}: ") + name
    if not page:
        return where
    return f"{where}：文字识别第{page}页" if zh else f"{where}: reading page {page} (OCR)"


def _year_given(year: Any) -> int | None:
    """The year typed in the form, when it is one a report can have."""
    try:
        y = int(float(year))
    except (TypeError, ValueError):
        return None
    return y if 1990 <= y <= 2100 else None


def do_upload(
    coll: Collection,
    tok: str,
    paths: list[str] | None,
    issuer: str = "",
    year: Any = None,
    language: str = "中文",
    progress=gr.Progress(),  # noqa: B008
) -> pd.DataFrame:
    """Each file stored and ingested, a result row per file; a scan's OCR pages shown as they are read.
    ``issuer``/``year``: what the form says, for files that do not name them (as the API's form fields)."""
    zh = language != "English"
    if not _admin(tok):
        refused = "管理员令牌缺失或错误" if zh else "admin token missing or wrong"
        return upload_frame([{"file": "-", "status": "refused", "error": refused}], language)
    if not paths:
        missing = "请先选择要上传的报告文件" if zh else "choose the report files to upload first"
        return upload_frame([{"file": "-", "status": "nothing", "error": missing}], language)
    issuer = (issuer or "").strip()[:100] or None
    if str(year or "").strip() and _year_given(str(year).strip()) is None:
        wrong = "报告年度应为 1990 至 2100 之间的年份" if zh else "the report year must be a year from 1990 to 2100"
        return upload_frame([{"file": "-", "status": "nothing", "error": wrong}], language)
    rows = []
    for at, p in enumerate(paths, start=1):
        path = Path(p)
        progress((at - 1) / len(paths), desc=_pages_shown(path.name, at, len(paths), "", zh))
        try:
            stored = store_upload(coll.settings.home, path.name, path.read_bytes())
        except Exception as exc:  # noqa: BLE001 - shown to the uploader, per file
            rows.append({"file": path.name, "status": IngestStatus.FAILED, "error": str(getattr(exc, "detail", exc))})
            continue

        def pages(what: str, done: int, total: int, name: str = path.name, at: int = at) -> None:
            page = what.removeprefix("OCR page ")  # "3/6": the scan's page, of its pages
            share = (at - 1 + (done / total if total else 0)) / len(paths)
            progress(share, desc=_pages_shown(name, at, len(paths), page, zh))

        with listening(pages):  # a scan takes seconds a page: its pages are shown as they are read
            r = coll.ingest_file(stored, issuer, _year_given(year))
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


# what a crawl says of a URL, as the page says it (Chinese, English), matched by a part of the message
CRAWL_MESSAGES = (
    ("could not be reached", "无法访问该网站", "the site could not be reached"),
    (
        "robots.txt could not be read",
        "无法读取该网站的 robots.txt，暂不抓取",
        "the site's robots.txt could not be read: nothing is fetched for now",
    ),
    ("disallowed by robots.txt", "该网站的 robots.txt 不允许抓取", "the site's robots.txt does not allow it"),
    (
        "another host: not followed",
        "其他网站的链接，未抓取（可在“也抓取这些网站”中填写该网站）",
        "on another site: not followed (add the site under “Also fetch from these sites”)",
    ),
    (
        "off the site being crawled",
        "不在所抓取的网站上，未抓取（可在“也抓取这些网站”中填写该网站）",
        "off the site being crawled: not fetched (add the site under “Also fetch from these sites”)",
    ),
    ("HTTP 404", "网页不存在（HTTP 404）", "no such page (HTTP 404)"),
    ("would be fetched", "将抓取", "would be fetched"),
    ("known: would be asked", "已抓取过，将询问是否有变化", "fetched before: would be asked whether it changed"),
    ("not modified since the last crawl", "自上次抓取以来未变化", "unchanged since the last crawl"),
    ("the same file as", "与另一地址是同一文件，已记录", "the same file as another address: recorded"),
    ("done before the last crawl was stopped", "上次抓取停止前已完成", "done before the last crawl was stopped"),
    ("before --since", "早于起始日期", "listed before the start date"),
    (
        "the page holds no report text and links no report file",
        "页面中没有报告正文，也没有报告附件",
        "the page holds no report and links no report file",
    ),
)


def crawl_words(message: str, zh: bool) -> str:
    """A crawl outcome's message for the page: its gist in the reader's language and what the fetch said
    (a connection refused …), never a server path; one the table does not know as it is, paths removed."""
    known = next(((key, *pair) for key, *pair in CRAWL_MESSAGES if key in message), None)
    if known is None:  # an ingest's reason (not a report, a near-duplicate …) as the upload says it
        return reason_words(message, "中文" if zh else "English")
    key, zh_words, en_words = known
    detail = re.search(r"\(([^()]*(?:\([^()]*\)[^()]*)*)\)", message) if key == "could not be reached" else None
    words = zh_words if zh else en_words
    return f"{words}（{detail.group(1)}）" if detail and zh else f"{words} ({detail.group(1)})" if detail else words


def _hosts(typed: str) -> tuple[str, ...]:
    """The sites typed, one a line (or space apart), as host or host:port; an address typed whole gives its host."""
    hosts = []
    for word in (typed or "").split():
        host = urlsplit(word).netloc if "://" in word else word.strip("/")
        if host:
            hosts.append(host.lower())
    return tuple(dict.fromkeys(hosts))


def do_crawl(coll: Collection, tok: str, urls: str, dry: bool, language: str, hosts: str = "") -> Iterator[str]:
    """A crawl of the columns given, its progress a line per URL as it goes (the admin token
    as for uploads); ``hosts``: other sites whose links may be followed (the CLI's --allow-host)."""
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
    crawler = Crawler(coll, CrawlOptions(dry_run=dry, allow_hosts=_hosts(hosts)))
    lines: list[str] = []
    for e in crawler.run(starts):
        word = WORDS[e.status][0] if zh else str(e.status).replace("_", " ")
        who = f"{e.issuer} {e.year or ''}".strip()
        said = crawl_words(e.message, zh) if e.message else ""
        lines.append(
            " ".join(x for x in (word, who, e.url, f"（{said}）" if zh and said else f"({said})" if said else "") if x)
        )
        yield "\n".join(lines[-200:])
    lines.append(summary_line(crawler.summary, len(starts), zh))
    yield "\n".join(lines[-200:])


# the form's own fields (the language switch in ui/page/header.py relabels the rest)
UPLOAD_LABELS = {
    "中文": {
        "issuer": "发布单位（文件中没有写明时填写，例如：淮安市人民政府）",
        "year": "报告年度（文件中没有写明时填写，例如：2024）",
        "hosts": "也抓取这些网站的链接：网站名称（如 www.example.gov.cn），每行一个",
    },
    "English": {
        "issuer": "Issuing office (when the file does not say it, e.g. 淮安市人民政府)",
        "year": "Report year (when the file does not say it, e.g. 2024)",
        "hosts": "Also fetch from these sites: their host names (e.g. www.example.gov.cn), one per line",
    },
}


def relabel(language: str) -> list[Any]:
    """The form's own fields in ``language``."""
    t = UPLOAD_LABELS["English" if language == "English" else "中文"]
    return [gr.update(label=t["issuer"]), gr.update(label=t["year"]), gr.update(label=t["hosts"])]


def build(coll: Collection, lang: gr.Radio, flt: gr.Textbox, table: gr.Dataframe) -> dict[str, Any]:
    """The tab and its events; ``flt`` and ``table`` are the Reports tab's, read again after an upload or
    a crawl. Returns what the language switch relabels."""
    zh = UPLOAD_LABELS["中文"]
    with gr.Tab(LABELS["中文"]["upload"], id="upload") as tab_upload:
        token = gr.Textbox(label=LABELS["中文"]["token"], type="password")
        files = gr.File(file_count="multiple", label=LABELS["中文"]["files"], elem_id="gk-files")
        with gr.Row():
            issuer = gr.Textbox(label=zh["issuer"], max_length=100, elem_id="gk-issuer")
            # a text box, not gr.Number: an empty number field sends 0, which is not "no year"
            year = gr.Textbox(label=zh["year"], max_length=4, elem_id="gk-year")
        upload = gr.Button(LABELS["中文"]["ingest"])
        # no empty grid before the first upload: the results appear with their rows
        upload_result = gr.Dataframe(interactive=False, visible=False, elem_id="gk-upload-result")
        crawl_urls = gr.Textbox(label=LABELS["中文"]["crawl_url"], lines=2)
        crawl_hosts = gr.Textbox(label=zh["hosts"], lines=1, elem_id="gk-crawl-hosts")
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

    def uploaded(tok, paths, who, when, language, progress=gr.Progress()):  # noqa: ANN001, ANN202, B008
        return gr.update(value=do_upload(coll, tok, paths, who, when, language, progress), visible=True)

    upload.click(uploaded, [token, files, issuer, year, lang], upload_result).then(
        lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
    )
    crawl.click(bound(do_crawl, coll), [token, crawl_urls, crawl_dry, lang, crawl_hosts], crawl_log).then(
        lambda q, language: catalog_frame(coll, q, language), [flt, lang], table
    )
    lang.change(relabel, lang, [issuer, year, crawl_hosts])
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

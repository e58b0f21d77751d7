"""What several parts of the page share: the interface's words in both languages, the names of report
tables and of their checks (the catalog and the upload results speak of both), and how a handler is
bound to the collection."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

LABELS = {
    "中文": {
        "title": "## 公开 gongkai · 政府信息公开工作年度报告问答\n按报告原表和原文回答，每个数字都附引用。",
        "chat": "问答",
        "reports": "报告",
        "compare": "比较",
        "upload": "上传",
        "question": "问题",
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
        "files": "报告文件（HTML/PDF/DOCX/TXT，或 PNG/JPG/TIFF 页面图片）",
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
        "question": "Question",
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
        "files": "Report files (HTML/PDF/DOCX/TXT, or PNG/JPG/TIFF page images)",
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


# report tables and their checks, in the reader's words (the Reports tab's catalog, the Upload tab's results)
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


def words(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """``key`` in the reader's language, from one of the tables of words; a key not in it as it is."""
    pair = table.get(key)
    return key if pair is None else pair[0 if lang == "中文" else 1]


def bound(fn: Callable[..., Any], *args: Any) -> Callable[..., Any]:
    """``fn`` with its first arguments given (the collection, the model), still named ``fn``: Gradio names
    an event's API endpoint after its function, and a bare ``partial`` would name every one "partial".
    Not for a handler that takes a ``gr.Request`` or event data: Gradio finds those by the function's
    type hints, which a ``partial`` hides (a small closure does it)."""
    handler = partial(fn, *args)
    handler.__name__ = fn.__name__  # type: ignore[attr-defined]
    return handler

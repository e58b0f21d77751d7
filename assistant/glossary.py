"""What people ask about, in their words, mapped to table cells and prose metrics: one table for all.

Order matters: more specific metrics come first, so "不予公开的申请" is a refusal question, not
a question about applications received.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    key: str
    zh: str
    en: str
    cell: str | None  # canonical cell id "row:col"; the column may be replaced by an applicant type
    prose: tuple[str, ...]  # prose metrics of ingest.figures, most specific first
    words_zh: tuple[str, ...]
    words_en: tuple[str, ...]
    unit_zh: str = "件"
    unit_en: str = ""


METRICS: list[Metric] = [
    Metric(
        "reviews",
        "行政复议",
        "administrative reconsideration cases",
        "t4.review:total",
        ("text.reviews", "text.reviews_and_lawsuits"),
        ("行政复议", "复议"),
        ("reconsideration", "administrative review"),
    ),
    Metric(
        "lawsuits",
        "行政诉讼",
        "administrative lawsuits",
        "t4.litigation:total",
        ("text.lawsuits", "text.reviews_and_lawsuits"),
        ("行政诉讼", "诉讼", "起诉"),
        ("lawsuit", "litigation", "sued", "court"),
    ),
    Metric(
        "partially_granted",
        "部分公开",
        "requests partially granted",
        "t3.partially_granted:total",
        (),
        ("部分公开",),
        ("partially",),
    ),
    Metric(
        "granted",
        "予以公开",
        "requests granted in full",
        "t3.granted:total",
        (),
        ("予以公开", "同意公开"),
        ("granted", "fully disclosed", "approved"),
    ),
    Metric(
        "denied",
        "不予公开",
        "requests refused",
        "t3.denied:total",
        (),
        ("不予公开", "拒绝公开", "不公开"),
        ("refused", "denied", "withheld", "rejected"),
    ),
    Metric(
        "unable",
        "无法提供",
        "requests the office could not answer",
        "t3.unable:total",
        (),
        ("无法提供",),
        ("unable", "could not provide", "not held"),
    ),
    Metric(
        "not_processed",
        "不予处理",
        "requests not processed",
        "t3.not_processed:total",
        (),
        ("不予处理",),
        ("not processed",),
    ),
    Metric(
        "carried_over",
        "上年结转",
        "requests carried over from last year",
        "t3.carried_over:total",
        (),
        ("上年结转",),
        ("carried over",),
    ),
    Metric(
        "carried_forward",
        "结转下年度",
        "requests carried forward to next year",
        "t3.carried_forward:total",
        (),
        ("结转下年", "下年度继续办理"),
        ("carried forward", "next year"),
    ),
    Metric(
        "total_processed",
        "办理结果总计",
        "requests handled",
        "t3.total_processed:total",
        (),
        ("办结", "办理结果", "处理了多少", "答复"),
        ("handled", "processed", "answered", "resolved"),
    ),
    Metric(
        "applications_received",
        "本年新收政府信息公开申请数量",
        "disclosure applications received",
        "t3.new_received:total",
        ("text.applications_received",),
        ("申请", "依申请"),
        ("application", "request"),
    ),
    Metric(
        "proactive_items",
        "主动公开政府信息",
        "items proactively disclosed",
        None,
        ("text.proactive_items",),
        ("主动公开",),
        ("proactive", "published", "disclosed proactively"),
        "条",
    ),
    Metric("training", "培训", "training sessions", None, ("text.training_sessions",), ("培训",), ("training",), "次"),
    Metric("staff", "工作人员", "staff", None, ("text.staff",), ("人员", "工作人员"), ("staff",), "人"),
    Metric("fees", "收费", "fees charged", None, ("text.fees",), ("收费", "信息处理费"), ("fee",), "元"),
]

# Applicant types (T3 columns) as people name them.
APPLICANT_COLUMNS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("natural_person", ("自然人", "个人", "公民"), ("natural person", "individual", "citizen")),
    ("legal_person", ("法人或其他组织", "法人"), ("legal person", "organisation", "organization")),
    ("commercial", ("商业企业", "企业"), ("business", "compan")),
    ("research", ("科研机构",), ("research",)),
    ("social_org", ("社会公益组织",), ("non-profit", "ngo", "charit")),
    ("legal_service", ("法律服务机构", "律师"), ("law firm", "legal service", "lawyer")),
]

ROW_GLOSS_EN = {
    "t3.new_received": "new applications received this year",
    "t3.carried_over": "carried over from last year",
    "t3.granted": "granted",
    "t3.partially_granted": "partially granted",
    "t3.denied": "refused",
    "t3.unable": "could not be provided",
    "t3.not_processed": "not processed",
    "t3.total_processed": "total handled",
    "t3.carried_forward": "carried forward to next year",
    "t4.review": "administrative reconsideration",
    "t4.litigation": "administrative litigation",
}


def find_metric(question: str, lang: str) -> Metric | None:
    q = question.lower()
    for m in METRICS:
        words = m.words_zh if lang == "zh" else m.words_en
        if any(w in q for w in words):
            return m
    return None


def find_column(question: str, lang: str) -> str | None:
    q = question.lower()
    for col, zh, en in APPLICANT_COLUMNS:
        if any(w in q for w in (zh if lang == "zh" else en)):
            return col
    return None

"""Canonical identifiers and labels of the standard tables: the one place they are defined.

Everything that names a table row, a column or a section (the parser, the facts store, the
question glossary, the renderers) reads it from here, so a label is fixed in one spot.
Ids follow ``shared/docs/report-formats.md`` §8: a cell is ``row_id:col_id``.

Row ``key`` values are regular expressions over *compact* text (NFKC, no whitespace, unified
quotes; see :func:`ingest.normalize.compact`). Each is a *prefix* of the label after its ordinal
("1." / "（一）" / "一、"), so that the ordinal of the next row is never read as a number of this
one, and short enough that wrapped or letter-spaced labels still match.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Generation(StrEnum):
    """A report's format generation (§6): before the national tables, the 2019 trial format, the 2021 one."""

    PRE2019 = "pre-2019"
    V2019 = "2019"
    V2021 = "2021"


GEN_PRE2019, GEN_2019, GEN_2021 = Generation
GENERATIONS = tuple(Generation)

# Detection strings of §6, matched on compact text.
GENERATION_MARKERS = {
    GEN_2021: ("本年制发件数", "本年收费金额", "逾期未按收费通知"),
    GEN_2019: ("本年新制作数量", "第二十条第(九)项", "上一年项目数量"),
}

# ---------------------------------------------------------------------------
# Sections (§3)
# ---------------------------------------------------------------------------

SECTIONS: dict[str, str] = {
    "s1": "一、总体情况",
    "s2": "二、主动公开政府信息情况",
    "s3": "三、收到和处理政府信息公开申请情况",
    "s4": "四、政府信息公开行政复议、行政诉讼情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}
SECTION_EN: dict[str, str] = {
    "s1": "Overview",
    "s2": "Proactive disclosure",
    "s3": "Disclosure requests received and handled",
    "s4": "Administrative reconsideration and litigation",
    "s5": "Problems and improvements",
    "s6": "Other matters",
}
# Keywords that identify a top-level heading's canonical section, tried in order.
SECTION_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    ("s6", ("其他需要报告", "需要说明的事项")),
    ("s5", ("存在的主要问题", "存在问题", "改进情况", "改进措施", "整改")),
    ("s4", ("行政复议", "行政诉讼")),
    ("s3", ("收到和处理", "依申请公开")),
    ("s2", ("主动公开",)),
    ("s1", ("总体情况", "概况", "概述", "基本情况")),
]

# ---------------------------------------------------------------------------
# Table 3 (§4.2, §5, §8.2)
# ---------------------------------------------------------------------------

T3_COLUMNS: list[tuple[str, str]] = [
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_org", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
]
T3_DERIVED_COLUMNS: list[tuple[str, str]] = [("legal_person", "法人或其他组织")]
T3_LEGAL_PERSON_PARTS = ("commercial", "research", "social_org", "legal_service", "other")


@dataclass(frozen=True)
class RowSpec:
    """One printed line of a standard table, or a group label that carries no numbers."""

    id: str
    label: str
    key: str
    cells: int = 0  # 0: a group label or caption, not a data row
    generations: tuple[str, ...] = (GEN_2019, GEN_2021)

    @property
    def is_data(self) -> bool:
        return self.cells > 0


def _t3(id: str, label: str, key: str, gens: tuple[str, ...] = (GEN_2019, GEN_2021)) -> RowSpec:
    return RowSpec(id, label, key, 7, gens)


def _group(id: str, label: str, key: str, gens: tuple[str, ...] = (GEN_2019, GEN_2021)) -> RowSpec:
    return RowSpec(id, label, key, 0, gens)


T3_ROWS: list[RowSpec] = [
    _t3("t3.new_received", "一、本年新收政府信息公开申请数量", r"本年度?新收"),
    _t3("t3.carried_over", "二、上年结转政府信息公开申请数量", r"上一?年度?结转"),
    _group("t3.results", "三、本年度办理结果", r"本年度办理结果"),
    _t3("t3.granted", "（一）予以公开", r"予以公开"),
    _t3("t3.partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", r"部分公开"),
    _group("t3.denied", "（三）不予公开", r"不予公开"),
    _t3("t3.denied.state_secret", "1.属于国家秘密", r"属于国家秘密"),
    _t3("t3.denied.law_prohibited", "2.其他法律行政法规禁止公开", r"其他法律行政法规禁止公开"),
    _t3("t3.denied.security_stability", "3.危及“三安全一稳定”", r"危及\"?三安全一稳定"),
    _t3("t3.denied.third_party_rights", "4.保护第三方合法权益", r"保护第三方合法权益"),
    _t3("t3.denied.internal_affairs", "5.属于三类内部事务信息", r"属于三类内部事务信息"),
    _t3("t3.denied.process_info", "6.属于四类过程性信息", r"属于四类过程性信息"),
    _t3("t3.denied.enforcement_file", "7.属于行政执法案卷", r"属于行政执法案[卷件]"),
    _t3("t3.denied.admin_query", "8.属于行政查询事项", r"属于行政查询事项"),
    _group("t3.unable", "（四）无法提供", r"无法提供"),
    _t3("t3.unable.not_held", "1.本机关不掌握相关政府信息", r"本机关不掌握"),
    _t3("t3.unable.needs_creation", "2.没有现成信息需要另行制作", r"没有现成信息"),
    _t3("t3.unable.unclear_after_correction", "3.补正后申请内容仍不明确", r"补正后申请内容"),
    _group("t3.not_processed", "（五）不予处理", r"不予处理"),
    _t3("t3.not_processed.complaint", "1.信访举报投诉类申请", r"信访举报投诉"),
    _t3("t3.not_processed.repeat", "2.重复申请", r"重复申请"),
    _t3("t3.not_processed.publication", "3.要求提供公开出版物", r"要求提供公开出版物"),
    _t3("t3.not_processed.mass_repeat", "4.无正当理由大量反复申请", r"无正当理由大量反复申请"),
    _t3(
        "t3.not_processed.confirm_existing",
        "5.要求行政机关确认或重新出具已获取信息",
        r"要求行政机关确认",
    ),
    _t3("t3.other", "（六）其他处理", r"其他处理", (GEN_2019,)),
    _group("t3.other", "（六）其他处理", r"其他处理", (GEN_2021,)),
    _t3(
        "t3.other.overdue_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        r"申请人无正当理由逾期不补正",
        (GEN_2021,),
    ),
    _t3(
        "t3.other.overdue_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        r"申请人逾期未按收费通知",
        (GEN_2021,),
    ),
    _t3("t3.other.other_reason", "3.其他", r"其他(?!处理)", (GEN_2021,)),
    _t3("t3.total_processed", "（七）总计", r"\(七\)总计"),
    _t3("t3.carried_forward", "四、结转下年度继续办理", r"结转下年度"),
]

T3_OUTCOME_ROWS = {
    GEN_2019: [
        "t3.granted",
        "t3.partially_granted",
        *[r.id for r in T3_ROWS if r.id.startswith(("t3.denied.", "t3.unable.", "t3.not_processed."))],
        "t3.other",
    ],
    GEN_2021: [
        "t3.granted",
        "t3.partially_granted",
        *[r.id for r in T3_ROWS if r.id.startswith(("t3.denied.", "t3.unable.", "t3.not_processed.", "t3.other."))],
    ],
}

# Rows that only exist as sums of printed rows (§8.2 [derived]).
T3_DERIVED_ROWS: dict[str, tuple[str, str]] = {
    "t3.received_total": ("一+二 收到申请总量", "t3.new_received+t3.carried_over"),
    "t3.denied": ("（三）不予公开", "t3.denied."),
    "t3.unable": ("（四）无法提供", "t3.unable."),
    "t3.not_processed": ("（五）不予处理", "t3.not_processed."),
    "t3.other": ("（六）其他处理", "t3.other."),  # derived in 2021 only
}

# ---------------------------------------------------------------------------
# Table 4 (§4.3, §8.3)
# ---------------------------------------------------------------------------

T4_BLOCKS: list[tuple[str, str]] = [
    ("t4.review", "行政复议"),
    ("t4.litigation_direct", "行政诉讼·未经复议直接起诉"),
    ("t4.litigation_after_review", "行政诉讼·复议后起诉"),
]
T4_DERIVED_ROWS = {"t4.litigation": "行政诉讼（未经复议直接起诉+复议后起诉）"}
T4_COLUMNS: list[tuple[str, str]] = [
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
]

# ---------------------------------------------------------------------------
# Table 2 (§4.1, §5, §8.1)
# ---------------------------------------------------------------------------

T2_COLUMNS: dict[str, list[tuple[str, str]]] = {
    # keyed by f"{generation}:{row_kind}"
    "2019:docs": [
        ("new_made", "本年新制作数量"),
        ("new_published", "本年新公开数量"),
        ("total_published", "对外公开总数量"),
    ],
    "2021:docs": [("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")],
    "2019:items": [("prev_year_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量")],
    "2021:items": [("decisions", "本年处理决定数量")],
    "2019:fees": [("prev_year_items", "上一年项目数量"), ("change", "本年增/减")],
    "2021:fees": [("amount_wan_yuan", "本年收费金额（单位：万元）")],
    "2019:procurement": [("projects", "采购项目数量"), ("amount", "采购总金额")],
}

_CAPTION = r"第二十条第\({n}\)项"


@dataclass(frozen=True)
class T2RowSpec:
    id: str
    label: str
    key: str
    kind: str  # docs | items | fees | procurement | caption
    generations: tuple[str, ...] = (GEN_2019, GEN_2021)


T2_ROWS: list[T2RowSpec] = [
    T2RowSpec("t2.caption1", "第二十条第（一）项", _CAPTION.format(n="一"), "caption"),
    T2RowSpec("t2.rules", "规章", r"规章", "docs"),
    T2RowSpec("t2.normative_docs", "规范性文件", r"(?:行政)?规范性文件", "docs"),
    T2RowSpec("t2.caption5", "第二十条第（五）项", _CAPTION.format(n="五"), "caption"),
    T2RowSpec("t2.licensing", "行政许可", r"行政许可", "items"),
    T2RowSpec("t2.other_services", "其他对外管理服务事项", r"其他对外管理服务事项", "items", (GEN_2019,)),
    T2RowSpec("t2.caption6", "第二十条第（六）项", _CAPTION.format(n="六"), "caption"),
    T2RowSpec("t2.penalty", "行政处罚", r"行政处罚", "items"),
    T2RowSpec("t2.coercion", "行政强制", r"行政强制", "items"),
    T2RowSpec("t2.caption8", "第二十条第（八）项", _CAPTION.format(n="八"), "caption"),
    T2RowSpec("t2.admin_fees", "行政事业性收费", r"行政事业性收费", "fees"),
    T2RowSpec("t2.caption9", "第二十条第（九）项", _CAPTION.format(n="九"), "caption", (GEN_2019,)),
    T2RowSpec("t2.procurement", "政府集中采购", r"政府集中采购", "procurement", (GEN_2019,)),
]

# Columns that may be negative (本年增/减) or decimal (amounts).
SIGNED_COLUMNS = {"change"}
IMPLIED_UNITS = {"amount_wan_yuan": "万元"}  # the 2021 header fixes the unit: 本年收费金额（单位：万元）

# Pre-2019 local statistics tables (§7): one indicator per row, 本年度 and 历年累计 columns.
LEGACY_COLUMNS = [("this_year", "本年度"), ("cumulative", "历年累计")]
DECIMAL_COLUMNS = {"amount", "amount_wan_yuan"}


def t2_columns(generation: str, kind: str) -> list[tuple[str, str]]:
    return T2_COLUMNS.get(f"{generation}:{kind}", [])


def t2_row_label(row_id: str, generation: str) -> str:
    if row_id == "t2.normative_docs":
        return "行政规范性文件" if generation == GEN_2021 else "规范性文件"
    for r in T2_ROWS:
        if r.id == row_id:
            return r.label
    raise KeyError(row_id)


def t3_rows(generation: str) -> list[RowSpec]:
    return [r for r in T3_ROWS if generation in r.generations]


def row_label(row_id: str, generation: str = GEN_2021) -> str:
    """The printed Chinese label of any canonical row id, derived rows included."""
    if row_id.startswith("legacy."):
        return row_id.removeprefix("legacy.")
    if row_id.startswith("t2."):
        return t2_row_label(row_id, generation)
    for r in T3_ROWS:
        if r.id == row_id:
            return r.label
    if row_id in T3_DERIVED_ROWS:
        return T3_DERIVED_ROWS[row_id][0]
    for rid, label in T4_BLOCKS:
        if rid == row_id:
            return label
    if row_id in T4_DERIVED_ROWS:
        return T4_DERIVED_ROWS[row_id]
    raise KeyError(row_id)


def column_label(row_id: str, col_id: str, generation: str = GEN_2021) -> str:
    """A column's printed label in its table (and, for 表二, in its row's kind and the generation)."""
    if row_id.startswith("legacy."):
        return dict(LEGACY_COLUMNS)[col_id]
    if row_id.startswith("t3."):
        columns = T3_COLUMNS + T3_DERIVED_COLUMNS
    elif row_id.startswith("t4."):
        columns = T4_COLUMNS
    elif row_id.startswith("t2."):
        kind = next((r.kind for r in T2_ROWS if r.id == row_id), None)
        # the row's own columns first; a column it does not have in this generation (a question may name
        # one): its label wherever defined
        own = t2_columns(generation, kind) if kind is not None else []
        columns = [*own, *(c for cs in T2_COLUMNS.values() for c in cs)]
    else:
        columns = []
    label = next((label for cid, label in columns if cid == col_id), None)
    if label is None:
        raise KeyError(f"{row_id}:{col_id}")
    return label


TABLE_TITLES = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 政府信息公开行政复议、行政诉讼情况",
    "legacy": "政府信息公开情况统计表",
}
TABLE_TITLES_EN = {
    "t2": "Table 2 (proactive disclosure)",
    "t3": "Table 3 (requests received and handled)",
    "t4": "Table 4 (reconsideration and litigation)",
    "legacy": "Statistics table (pre-2019)",
}

# English labels of the same rows and columns, for readers of the English interface (the printed Chinese
# labels above stay the reference; these say what each line counts)
ROW_LABELS_EN: dict[str, str] = {
    "t2.caption1": "Article 20 (1)",
    "t2.rules": "Rules",
    "t2.normative_docs": "Normative documents",
    "t2.caption5": "Article 20 (5)",
    "t2.licensing": "Administrative licensing",
    "t2.other_services": "Other external management services",
    "t2.caption6": "Article 20 (6)",
    "t2.penalty": "Administrative penalties",
    "t2.coercion": "Administrative coercion",
    "t2.caption8": "Article 20 (8)",
    "t2.admin_fees": "Administrative fees",
    "t2.caption9": "Article 20 (9)",
    "t2.procurement": "Centralised government procurement",
    "t3.new_received": "I. New requests received this year",
    "t3.carried_over": "II. Requests carried over from last year",
    "t3.results": "III. Outcomes this year",
    "t3.granted": "(1) Disclosed",
    "t3.partially_granted": "(2) Partly disclosed (counted here only)",
    "t3.denied": "(3) Not disclosed",
    "t3.denied.state_secret": "1. State secret",
    "t3.denied.law_prohibited": "2. Barred by other laws or regulations",
    "t3.denied.security_stability": "3. Would endanger security or stability",
    "t3.denied.third_party_rights": "4. Protects a third party's lawful rights",
    "t3.denied.internal_affairs": "5. Internal affairs information",
    "t3.denied.process_info": "6. Information still in process",
    "t3.denied.enforcement_file": "7. Administrative enforcement file",
    "t3.denied.admin_query": "8. A matter of administrative query",
    "t3.unable": "(4) Cannot be provided",
    "t3.unable.not_held": "1. Not held by this office",
    "t3.unable.needs_creation": "2. Would have to be newly made",
    "t3.unable.unclear_after_correction": "3. Still unclear after correction",
    "t3.not_processed": "(5) Not processed",
    "t3.not_processed.complaint": "1. Petitions, reports or complaints",
    "t3.not_processed.repeat": "2. Repeated requests",
    "t3.not_processed.publication": "3. Asks for a publication",
    "t3.not_processed.mass_repeat": "4. Many repeated requests without good reason",
    "t3.not_processed.confirm_existing": "5. Asks to confirm or re-issue information already had",
    "t3.other": "(6) Handled otherwise",
    "t3.other.overdue_correction": "1. Not corrected in time: no longer processed",
    "t3.other.overdue_fee": "2. Fee not paid in time: no longer processed",
    "t3.other.other_reason": "3. Other",
    "t3.total_processed": "(7) Total handled",
    "t3.carried_forward": "IV. Carried forward to next year",
    "t3.received_total": "I + II: requests in all",
    "t4.review": "Administrative reconsideration",
    "t4.litigation_direct": "Litigation without prior reconsideration",
    "t4.litigation_after_review": "Litigation after reconsideration",
    "t4.litigation": "Administrative litigation (both kinds)",
}
COLUMN_LABELS_EN: dict[str, str] = {
    "natural_person": "Natural persons",
    "commercial": "Businesses",
    "research": "Research bodies",
    "social_org": "Public-interest organisations",
    "legal_service": "Legal service bodies",
    "other": "Other",
    "total": "Total",
    "legal_person": "Legal persons or other organisations",
    "upheld": "Upheld",
    "corrected": "Corrected",
    "pending": "Pending",
    "issued": "Issued this year",
    "repealed": "Repealed this year",
    "in_force": "In force",
    "new_made": "Newly made this year",
    "new_published": "Newly published this year",
    "total_published": "Published in total",
    "prev_year_items": "Items last year",
    "change": "Change this year",
    "decisions": "Decisions",
    "amount_wan_yuan": "Fees this year (10,000 yuan)",
    "projects": "Procurement projects",
    "amount": "Procurement amount",
    "this_year": "This year",
    "cumulative": "All years",
}
# the words around the columns, as the tables print them
HEADER_WORDS: dict[str, tuple[str, str]] = {
    "item": ("信息内容", "Item"),
    "applicants": ("申请人情况", "Applicants"),
    "legal_person": ("法人或其他组织", "Legal persons or other organisations"),
    "review": ("行政复议", "Administrative reconsideration"),
    "litigation": ("行政诉讼", "Administrative litigation"),
    "direct": ("未经复议直接起诉", "Without prior reconsideration"),
    "after_review": ("复议后起诉", "After reconsideration"),
    "indicator": ("指标", "Indicator"),
}

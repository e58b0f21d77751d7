"""What people ask about, in their words, mapped to table cells and prose metrics: one table for all.

Every canonical table row a person might ask about, and every prose metric, has one entry here
with the Chinese and English words people use for it. Order matters: more specific entries
come first, so "不予公开的申请" is a refusal question, not a question about applications received.
A T2 cell depends on the format generation (2019 and 2021 columns differ on purpose), so
``cell`` may name one id per generation.

Long on purpose: it is the one place for this vocabulary (metrics, applicant types, outcomes, 表二
columns and their English glosses); splitting the tables would put the words for one cell in
several files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.schema import GEN_2019, GEN_2021


@dataclass(frozen=True)
class Metric:
    key: str
    zh: str
    en: str
    cell: str | dict[str, str] | None  # "row:col", or {generation: "row:col"}
    prose: tuple[str, ...]  # prose metrics of ingest.figures, most specific first
    words_zh: tuple[str, ...]
    words_en: tuple[str, ...]
    unit_zh: str = "件"
    denominator: str | None = None  # metric key a share of this metric is taken of

    def cell_for(self, generation: str) -> str | None:
        if isinstance(self.cell, dict):
            return self.cell.get(generation)
        return self.cell

    def cell_id(self) -> str | None:
        """The metric's cell where its generation is not known: the 2021 table's, else the 2019 one's
        (a metric only the 2019 format has, like 表二's 新制作)."""
        return self.cell_for(GEN_2021) or self.cell_for(GEN_2019)


def _m(key, zh, en, cell, prose, words_zh, words_en, unit="件", denominator=None) -> Metric:
    return Metric(key, zh, en, cell, tuple(prose), tuple(words_zh), tuple(words_en), unit, denominator)


_T3 = "t3.total_processed"
METRICS: list[Metric] = [
    # ---- T4: reconsideration and litigation
    _m(
        "litigation_direct",
        "未经复议直接起诉",
        "lawsuits filed without prior reconsideration",
        "t4.litigation_direct:total",
        [],
        ["直接起诉", "未经复议"],
        [
            "directly",
            "without reconsideration",
            "without prior reconsideration",
            "without administrative reconsideration",
            "without first",
            "straight to court",
            "direct lawsuit",
            "direct suit",
        ],
    ),
    _m(
        "litigation_after_review",
        "复议后起诉",
        "lawsuits filed after reconsideration",
        "t4.litigation_after_review:total",
        [],
        ["复议后起诉"],
        [
            "after reconsideration",
            "after review",
            "after administrative review",
            "after a review",
            "following review",
            "following administrative review",
            "after administrative reconsideration",
            "after an administrative reconsideration",
            "after a reconsideration",
            "following reconsideration",
            "following administrative reconsideration",
            "post-reconsideration",
        ],
    ),
    _m(
        "reviews",
        "行政复议",
        "administrative reconsideration cases",
        "t4.review:total",
        ["text.reviews", "text.reviews_and_lawsuits"],
        ["行政复议", "复议"],
        ["reconsideration", "administrative review", "appeal", "review application", "reviews"],
    ),
    _m(
        "lawsuits",
        "行政诉讼",
        "administrative lawsuits",
        "t4.litigation:total",
        ["text.lawsuits", "text.reviews_and_lawsuits"],
        ["行政诉讼", "诉讼", "起诉", "打官司"],
        ["lawsuit", "litigation", "sued", "court case", "suits", "legal action", "taken to court", "court"],
    ),
    # ---- T3 sub-rows
    _m(
        "state_secret",
        "属于国家秘密",
        "refused as state secrets",
        "t3.denied.state_secret:total",
        [],
        ["国家秘密"],
        ["state secret", "national secret", "classified"],
        denominator="total_processed",
    ),
    _m(
        "law_prohibited",
        "其他法律行政法规禁止公开",
        "refused as prohibited by other laws",
        "t3.denied.law_prohibited:total",
        [],
        ["法律行政法规禁止", "法律法规禁止"],
        [
            "prohibited by law",
            "forbidden by law",
            "prohibited by other laws",
            "barred by law",
            "laws and regulations",
            "laws or regulations",
            "regulations prohibit",
            "prohibit disclosure",
            "law prohibits",
        ],
        denominator="total_processed",
    ),
    _m(
        "security_stability",
        "危及“三安全一稳定”",
        "refused as endangering security or stability",
        "t3.denied.security_stability:total",
        [],
        ["三安全一稳定"],
        ["security and stability", "stability", "endanger", "three securities"],
        denominator="total_processed",
    ),
    _m(
        "third_party",
        "保护第三方合法权益",
        "refused to protect third parties",
        "t3.denied.third_party_rights:total",
        [],
        ["第三方"],
        ["third part", "third-part"],
        denominator="total_processed",
    ),
    _m(
        "internal_affairs",
        "属于三类内部事务信息",
        "refused as internal affairs",
        "t3.denied.internal_affairs:total",
        [],
        ["内部事务"],
        [
            "internal affairs",
            "internal matters",
            "internal management",
            "internal information",
            "internal administrative",
        ],
        denominator="total_processed",
    ),
    _m(
        "process_info",
        "属于四类过程性信息",
        "refused as process information",
        "t3.denied.process_info:total",
        [],
        ["过程性信息"],
        ["process information", "deliberative", "process-related", "procedural information", "pre-decisional"],
        denominator="total_processed",
    ),
    _m(
        "enforcement_file",
        "属于行政执法案卷",
        "refused as enforcement case files",
        "t3.denied.enforcement_file:total",
        [],
        ["执法案卷"],
        [
            "enforcement file",
            "case file",
            "law enforcement file",
            "enforcement record",
            "enforcement case file",
            "administrative enforcement case file",
        ],
        denominator="total_processed",
    ),
    _m(
        "admin_query",
        "属于行政查询事项",
        "refused as administrative queries",
        "t3.denied.admin_query:total",
        [],
        ["行政查询"],
        ["administrative quer", "query matter", "inquiry matter", "administrative inquir"],
        denominator="total_processed",
    ),
    _m(
        "not_held",
        "本机关不掌握相关政府信息",
        "not held by the office",
        "t3.unable.not_held:total",
        [],
        ["不掌握", "没有掌握"],
        [
            "not held",
            "does not hold",
            "didn't hold",
            "did not hold",
            "no such information",
            "information held",
            "not in possession",
            "does not have the information",
            "doesn't have the information",
            "did not have the information",
            "held by another",
            "not hold",
        ],
        denominator="total_processed",
    ),
    _m(
        "needs_creation",
        "没有现成信息需要另行制作",
        "would need to be newly created",
        "t3.unable.needs_creation:total",
        [],
        ["另行制作", "没有现成"],
        [
            "newly created",
            "not readily available",
            "would have to be created",
            "need to be created",
            "needs to be created",
            "have to be compiled",
            "no ready-made",
            "newly made",
            "creating new information",
            "require creating",
            "required creating",
            "create new information",
            "creating new",
        ],
        denominator="total_processed",
    ),
    _m(
        "unclear",
        "补正后申请内容仍不明确",
        "still unclear after correction",
        "t3.unable.unclear_after_correction:total",
        [],
        ["仍不明确", "内容不明确"],
        ["unclear", "not clear"],
        denominator="total_processed",
    ),
    _m(
        "complaint",
        "信访举报投诉类申请",
        "petitions and complaints filed as requests",
        "t3.not_processed.complaint:total",
        [],
        ["信访", "举报投诉"],
        ["petition", "complaint", "grievance"],
        denominator="total_processed",
    ),
    _m(
        "repeat",
        "重复申请",
        "repeated requests",
        "t3.not_processed.repeat:total",
        [],
        ["重复申请"],
        ["repeat", "duplicate", "resubmitted"],
        denominator="total_processed",
    ),
    _m(
        "publication",
        "要求提供公开出版物",
        "requests for publications",
        "t3.not_processed.publication:total",
        [],
        ["出版物"],
        ["publication", "published material"],
        denominator="total_processed",
    ),
    _m(
        "mass_repeat",
        "无正当理由大量反复申请",
        "mass repeated requests",
        "t3.not_processed.mass_repeat:total",
        [],
        ["大量反复"],
        ["mass request", "excessive", "large number of repeated", "frivolous", "vexatious", "mass repeated"],
        denominator="total_processed",
    ),
    _m(
        "confirm_existing",
        "要求行政机关确认或重新出具已获取信息",
        "requests to confirm information already obtained",
        "t3.not_processed.confirm_existing:total",
        [],
        ["重新出具", "确认已获取"],
        ["re-issue", "already obtained", "reissue", "confirm information", "already had"],
        denominator="total_processed",
    ),
    # ---- T3 outcome groups and totals
    _m(
        "partially_granted",
        "部分公开",
        "requests partially granted",
        "t3.partially_granted:total",
        ["text.partially_granted"],
        ["部分公开"],
        [
            "answered with partial disclosure",
            "partial disclosure",
            "partially granted",
            "partly granted",
            "granted in part",
            "partially disclosed",
            "partly disclosed",
            "partially",
            "partial",
            "in part",
            "part of the information",
        ],
        denominator="total_processed",
    ),
    _m(
        "granted",
        "予以公开",
        "requests granted in full",
        "t3.granted:total",
        ["text.granted"],
        ["予以公开", "同意公开", "全部公开"],
        [
            "granted",
            "fully disclosed",
            "approved",
            "disclosed in full",
            "released in full",
            "fully released",
            "full disclosure",
            "released fully",
            "disclosed fully",
            "granted in full",
            "in full",
            "answered with disclosure",
            "disclosure granted",
        ],
        denominator="total_processed",
    ),
    _m(
        "denied",
        "不予公开",
        "requests refused",
        "t3.denied:total",
        ["text.denied"],
        ["不予公开", "不予以公开", "拒绝公开", "不公开", "拒绝"],
        ["refus", "denied", "deny", "withheld", "rejected", "turned down", "not disclosed", "declined to disclose"],
        denominator="total_processed",
    ),
    _m(
        "unable",
        "无法提供",
        "requests the office could not answer",
        "t3.unable:total",
        [],
        ["无法提供"],
        [
            "unable",
            "could not answer",
            "could not be answered",
            "could not provide",
            "couldn't provide",
            "cannot provide",
            "could not be provided",
            "impossible to provide",
            "could not be fulfilled",
            "not fulfilled",
            "cannot be fulfilled",
            "not be provided",
        ],
        denominator="total_processed",
    ),
    _m(
        "not_processed",
        "不予处理",
        "requests not processed",
        "t3.not_processed:total",
        [],
        ["不予处理"],
        [
            "not processed",
            "not handled",
            "not dealt with",
            "declined to process",
            "refused to process",
            "left unprocessed",
            "without being processed",
            "dismissed without",
            "not accepted for processing",
        ],
        denominator="total_processed",
    ),
    _m(
        "overdue_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "requests dropped because the applicant did not complete them in time",
        {"2021": "t3.other.overdue_correction:total"},
        [],
        ["逾期不补正", "不补正", "未补正"],
        [
            "did not supplement",
            "did not correct",
            "failed to supplement",
            "failed to correct",
            "not supplemented",
            "did not complete",
            "correct the application in time",
            "supplement the application",
            "not corrected in time",
        ],
        denominator="total_processed",
    ),
    _m(
        "overdue_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "requests dropped because the applicant did not pay the fee",
        {"2021": "t3.other.overdue_fee:total"},
        [],
        ["逾期未按收费通知", "未缴纳费用", "未缴费", "逾期未缴", "没交费"],
        ["did not pay", "failed to pay", "unpaid fee", "fee not paid", "didn't pay", "not paying the fee"],
        denominator="total_processed",
    ),
    _m(
        "other_reason",
        "其他处理·其他",
        "requests handled otherwise for other reasons",
        {"2021": "t3.other.other_reason:total"},
        [],
        [
            "其他处理中的其他",
            "其他处理里的其他",
            "其他处理中“其他”",
            "其他处理中的“其他”",
            '其他处理中"其他"',
            "其他原因",
        ],
        ["other reason", "third sub-item", "other – other", "other - other"],
        denominator="total_processed",
    ),
    _m(
        "other_handling",
        "其他处理",
        "requests handled otherwise",
        "t3.other:total",
        [],
        ["其他处理"],
        [
            "otherwise",
            "other handling",
            "handled in other ways",
            "other ways",
            "other treatment",
            "other outcome",
            "other way",
            "handled some other way",
        ],
        denominator="total_processed",
    ),
    _m(
        "received_total",
        "本年新收加上年结转的申请总量",
        "requests on hand (new plus carried over)",
        "t3.received_total:total",
        [],
        [
            "新收和上年结转",
            "新收加上年结转",
            "新收与上年结转",
            "新收及上年结转",
            "收到申请总量",
            "申请总量",
            "新收和结转",
        ],
        [
            "new plus carried over",
            "including those carried over",
            "received including",
            "on hand",
            "new and carried over",
            "new or carried over",
            "received plus carried over",
        ],
    ),
    _m(
        "carried_over",
        "上年结转政府信息公开申请数量",
        "requests carried over from last year",
        "t3.carried_over:total",
        ["text.applications_carried_over"],
        ["上年结转", "结转上年", "上年度结转"],
        [
            "carried over",
            "from last year",
            "from the previous year",
            "brought forward from",
            "left over from",
            "pending from last year",
            "previous year's backlog",
        ],
    ),
    _m(
        "carried_forward",
        "结转下年度继续办理",
        "requests carried forward to next year",
        "t3.carried_forward:total",
        ["text.applications_carried_forward"],
        ["结转下年", "下年度继续办理", "顺延", "结转到下", "转入下", "转到下"],
        [
            "carried forward",
            "into next year",
            "still pending",
            "unfinished",
            "carried into",
            "rolled over",
            "carry forward",
            "carried to next year",
            "pending at year-end",
            "pending at the end of the year",
            "still being processed",
            "to the next year",
            "into the following year",
        ],
    ),
    _m(
        "total_processed",
        "办理结果总计",
        "requests handled",
        f"{_T3}:total",
        ["text.applications_answered"],
        ["办结", "办理结果", "办理了", "处理了多少", "答复了", "答复多少", "办理完毕", "办完", "处理完毕", "已办结"],
        [
            "handled",
            "processed",
            "answered",
            "resolved",
            "responded to",
            "dealt with",
            "replied to",
            "completed",
        ],
    ),
    # ---- T2
    _m(
        "normative_docs",
        "规范性文件",
        "normative documents",
        {"2019": "t2.normative_docs:new_made", "2021": "t2.normative_docs:issued"},
        [],
        ["规范性文件"],
        ["normative document", "regulatory document"],
    ),
    _m(
        "rules",
        "规章",
        "government rules",
        {"2019": "t2.rules:new_made", "2021": "t2.rules:issued"},
        [],
        ["规章"],
        ["government rules", "regulations", "rules"],
    ),
    _m(
        "licensing",
        "行政许可",
        "licensing decisions",
        {"2019": "t2.licensing:decisions", "2021": "t2.licensing:decisions"},
        [],
        ["行政许可", "许可"],
        ["licens", "licenc", "permit"],
    ),
    _m(
        "other_services",
        "其他对外管理服务事项",
        "other external management and service matters",
        {"2019": "t2.other_services:decisions"},
        [],
        ["其他对外管理服务事项", "对外管理服务"],
        ["other external management", "external management and service", "other administrative services"],
    ),
    _m(
        "penalty",
        "行政处罚",
        "administrative penalty decisions",
        {"2019": "t2.penalty:decisions", "2021": "t2.penalty:decisions"},
        [],
        ["行政处罚", "处罚"],
        ["penalt", "fines"],
    ),
    _m(
        "coercion",
        "行政强制",
        "administrative coercion decisions",
        {"2019": "t2.coercion:decisions", "2021": "t2.coercion:decisions"},
        [],
        ["行政强制", "强制"],
        ["coerci", "enforcement measure", "administrative enforcement", "enforcement measures"],
    ),
    _m(
        "admin_fees",
        "行政事业性收费",
        "administrative fees",
        {"2019": "t2.admin_fees:prev_year_items", "2021": "t2.admin_fees:amount_wan_yuan"},
        [],
        ["行政事业性收费"],
        ["administrative fee", "administrative charges"],
        unit="",
    ),
    _m(
        "procurement_amount",
        "政府集中采购金额",
        "centralised procurement amount",
        {"2019": "t2.procurement:amount"},
        [],
        ["采购金额", "采购总金额", "采购了多少钱", "采购花了"],
        ["procurement amount", "spent on procurement", "procurement value"],
        unit="",
    ),
    _m(
        "procurement",
        "政府集中采购项目数量",
        "centralised procurement projects",
        {"2019": "t2.procurement:projects"},
        [],
        ["采购"],
        ["procurement", "purchas"],
        unit="项",
    ),
    # ---- prose only
    _m(
        "proactive_items",
        "主动公开政府信息",
        "items proactively disclosed",
        None,
        ["text.proactive_items"],
        ["主动公开"],
        ["proactive", "published proactively", "disclosed proactively"],
        unit="条",
    ),
    _m(
        "training_attendees",
        "培训人数",
        "people trained",
        None,
        ["text.training_attendees"],
        ["培训了多少人", "多少人参加培训", "参训人数", "培训人数", "接受培训", "参训", "参加培训的", "培训人次"],
        ["people trained", "attendees"],
        unit="人",
    ),
    _m("training", "培训", "training sessions", None, ["text.training_sessions"], ["培训"], ["training"], unit="次"),
    _m(
        "staff",
        "工作人员",
        "staff",
        None,
        ["text.staff"],
        ["人员", "工作人员", "专职", "兼职"],
        ["staff", "employees"],
        unit="人",
    ),
    _m(
        "budget",
        "工作经费",
        "budget for disclosure work",
        None,
        ["text.budget"],
        ["经费", "预算"],
        ["budget", "spending", "funding", "money"],
        unit="",
    ),
    _m(
        "fees",
        "信息处理费",
        "information processing fees charged",
        None,
        ["text.fees"],
        ["信息处理费", "收费", "收取费用", "收了多少钱"],
        ["fee", "charged"],
        unit="元",
    ),
    # ---- how requests arrived (prose breakdowns of the received figure)
    _m(
        "channel_in_person",
        "当面申请",
        "requests made in person",
        None,
        ["text.applications_received.in_person"],
        ["当面", "现场申请", "现场提交"],
        ["in person", "face to face"],
    ),
    _m(
        "channel_mail",
        "邮寄申请",
        "requests by post",
        None,
        ["text.applications_received.mail"],
        ["邮寄", "信函"],
        ["by post", "by mail", "letter"],
    ),
    _m(
        "channel_email",
        "电子邮件申请",
        "requests by email",
        None,
        ["text.applications_received.email"],
        ["电子邮件", "邮件申请", "邮箱申请"],
        ["by email", "e-mail", "via email"],
    ),
    _m(
        "channel_online",
        "网上申请",
        "requests online",
        None,
        ["text.applications_received.online"],
        ["网上申请", "网络申请", "在线申请", "网站申请"],
        ["online", "via the website"],
    ),
    # ---- the general question about requests comes last
    _m(
        "applications_received",
        "本年新收政府信息公开申请数量",
        "disclosure applications received",
        "t3.new_received:total",
        ["text.applications_received"],
        ["申请", "依申请", "新收申请", "新收的申请"],
        ["application", "request", "disclosure applications"],
    ),
]
BY_KEY = {m.key: m for m in METRICS}

# Applicant types (T3 columns) as people name them.
APPLICANT_COLUMNS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "natural_person",
        ("自然人", "个人", "公民", "群众"),
        (
            "natural person",
            "individual",
            "citizen",
            "private person",
            "member of the public",
            "members of the public",
            "residents",
        ),
    ),
    (
        "commercial",
        ("商业企业", "企业", "公司"),
        ("business", "compan", "enterprise", "corporate", "commercial"),
    ),
    ("research", ("科研机构", "科研院所", "高校"), ("research", "academic", "universit", "scientific")),
    (
        "social_org",
        ("社会公益组织", "公益组织", "社会组织"),
        (
            "non-profit",
            "nonprofit",
            "ngo",
            "charit",
            "public welfare",
            "social organi",
            "civil society",
            "social welfare",
            "welfare organi",
        ),
    ),
    ("legal_service", ("法律服务机构", "律师"), ("law firm", "legal service", "lawyer", "attorney", "legal aid")),
    (
        "legal_person",
        ("法人或其他组织", "法人", "单位申请", "组织"),
        ("legal person", "organisation", "organization", "legal entit"),
    ),
    (
        "other",
        (
            "其他申请人",
            "其他类申请人",
            "“其他”类",
            '"其他"类',
            "其他类",
            "其他（法人或其他组织）",
            "其他(法人或其他组织)",
            "其他（其他组织）",
        ),
        (
            "other applicant",
            "other kinds of organi",
            "other organization",
            "other organisation",
            "other kinds of applicant",
            "'other' column",
            "“other” column",
            "other types of applicant",
            "other kind of applicant",
        ),
    ),
]
# T4 outcome columns.
T4_OUTCOMES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("upheld", ("结果维持", "维持"), ("upheld", "maintained", "affirmed", "sustained", "confirmed")),
    (
        "corrected",
        ("结果纠正", "纠正"),
        (
            "corrected",
            "overturned",
            "reversed",
            "revoked",
            "rectified",
            "set aside",
            "struck down",
            "against the agency",
            "decided against",
            "ruled against",
            "decided by the court against",
            "by the court against the agency",
        ),
    ),
    (
        "pending",
        ("尚未审结", "未审结", "未结", "没审结", "还没审结", "未结案", "没有结案"),
        (
            "pending",
            "not yet decided",
            "undecided",
            "not concluded",
            "not yet concluded",
            "yet to be concluded",
            "unresolved",
            "ongoing",
            "still open",
            "not closed",
            "awaiting",
        ),
    ),
    (
        "other",
        ("其他结果",),
        ("other outcome", "other result", "another result", "another outcome", "dismissed", "withdrawn", "terminated"),
    ),
]

ROW_GLOSS_EN = {
    "t3.new_received": "new applications received this year",
    "t3.carried_over": "carried over from last year",
    "t3.granted": "granted",
    "t3.partially_granted": "partially granted",
    "t3.denied": "refused",
    "t3.unable": "could not be provided",
    "t3.not_processed": "not processed",
    "t3.other": "handled otherwise",
    "t3.total_processed": "total handled",
    "t3.carried_forward": "carried forward to next year",
    "t4.review": "administrative reconsideration",
    "t4.litigation": "administrative litigation",
    "t4.litigation_direct": "lawsuits without prior reconsideration",
    "t4.litigation_after_review": "lawsuits after reconsideration",
}
COLUMN_GLOSS_EN = {
    "total": "total",
    "natural_person": "natural persons",
    "commercial": "businesses",
    "research": "research bodies",
    "social_org": "non-profits",
    "legal_service": "legal service bodies",
    "other": "other",
    "legal_person": "legal persons",
    "upheld": "upheld",
    "corrected": "corrected",
    "pending": "pending",
    "issued": "issued this year",
    "repealed": "repealed this year",
    "in_force": "in force",
    "new_made": "newly made this year",
    "new_published": "newly published this year",
    "total_published": "published in total",
    "prev_year_items": "items of the previous year",
    "change": "change this year",
    "decisions": "decisions",
    "amount_wan_yuan": "amount (10,000 yuan)",
}


# 表二's columns in both generations: (column id, Chinese words, English words). A report of the other
# generation answers with its nearest column (T2_NEAREST), and the answer says which one it gave.
T2_COLUMN_WORDS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "in_force",
        ("现行有效", "有效的", "有效件"),
        ("in force", "in effect", "currently valid", "still valid", "valid"),
    ),
    ("repealed", ("废止", "废除"), ("repeal", "abolish", "revoked", "annulled")),
    ("issued", ("制发", "印发", "出台"), ("issued", "adopted", "promulgated", "newly issued")),
    ("total_published", ("对外公开总", "公开总数", "累计公开", "总共公开"), ("published in total", "in total")),
    ("new_published", ("新公开",), ("newly published",)),
    ("new_made", ("新制作", "制作"), ("newly made", "drafted")),
    (
        "prev_year_items",
        ("上一年项目", "上年项目"),
        (
            "previous year's items",
            "items of the previous year",
            "the year before",
            "previous year",
            "prior year",
            "last year's items",
        ),
    ),
    (
        "change",
        ("增/减", "增减", "增加或减少", "本年增"),
        ("increase or decrease", "net change", "change in", "change this year", "year-on-year change"),
    ),
    ("amount_wan_yuan", ("收费金额", "收了多少钱", "金额"), ("amount", "how much")),
    (
        "amount",
        ("采购总金额", "采购金额", "总金额", "金额", "花了多少钱"),
        ("total value", "value", "amount", "how much money", "spent", "spending"),
    ),
    ("decisions", ("处理决定",), ("decisions",)),
    # 政府集中采购's count, named beside its amount ("项目数量和总金额各是多少"); not 采购项目, the row's own name
    (
        "projects",
        ("项目数量", "项目数", "几个项目", "多少个项目"),
        ("number of projects", "how many projects", "project count"),
    ),
]
T2_NEAREST = {
    "in_force": "total_published",
    "total_published": "in_force",
    "issued": "new_made",
    "new_made": "issued",
    "new_published": "issued",
}
# a documents row (规章, 规范性文件) asked without a column could mean either: both, labelled
T2_BOTH = {"2019": ("new_made", "total_published"), "2021": ("issued", "in_force")}
# column phrases that read like time words: masked before the years are parsed ("上一年项目数量")
T2_TIME_LIKE = re.compile(r"上一?年(?:度)?项目(?:数量)?|本年增/?减")


def _t2_kind(metric: Metric | None) -> set[str]:
    """The column ids a T2 metric's row has in either generation."""
    from ingest.schema import T2_ROWS, t2_columns

    row = (metric.cell_id() or "").split(":")[0] if metric else ""
    kind = next((r.kind for r in T2_ROWS if r.id == row), None)
    return {c for gen in ("2019", "2021") for c, _ in t2_columns(gen, kind)} if kind else set()


def find_t2_column(question: str, lang: str, metric: Metric | None = None) -> str | None:
    """A 表二 column the question names: among the metric's row's columns, or any when no metric."""
    q = question.lower()
    english = lang == "en"
    allowed = _t2_kind(metric) if metric is not None else None
    for col, zh, en in T2_COLUMN_WORDS:
        if allowed is not None and col not in allowed:
            continue
        if any(_has(q, w, english) for w in (en if english else zh)):
            return col
    return None


# English words of what the reports' sentences count, to the Chinese those sentences use: an English
# question about a narrative figure finds the sentence that holds it
EN_TOPIC_WORDS: dict[str, str | tuple[str, ...]] = {
    "wechat": "微信",
    "official account": "公众号",
    "weibo": "微博",
    "website": "网站",
    "portal": "门户网站",
    "new media": "新媒体",
    "training": "培训",
    "trained": "培训",
    "press conference": "新闻发布会",
    "interpretation": "解读",
    "hotline": "热线",
    "mailbox": "信箱",
    "publicity": "宣传",
    "boards": "展板",
    "notice board": "公开栏",
    "gazette": "公报",
    "issues": "期",
    "deputies": "人大代表",
    "proposals": "提案",
    "suggestions": "建议",
    "service station": "服务站",
    "complaints": "投诉",
    "inquiries": "咨询",
    "meetings": "会",
    "video": "视频",
    "items": "条",
    "articles": "篇",
    "accounts": "账号",
    "inspection": "检查",
    "catalogue": "目录",
}


# English words for what sentences count, and the units those counts carry: how an English question
# finds a stated figure (assistant.values.stated_matches)
EN_TOPIC_WORDS.update(
    {
        "full-time": "专职",
        "part-time": "兼职",
        "staff": "人员",
        "personnel": "人员",
        "attended": "参加",
        "attendees": "参加",
        "participants": "参加",
        "visits": "访问",
        "page views": "浏览",
        "views": "浏览",
        "reads": "阅读",
        "readers": "阅读",
        "followers": ("关注", "粉丝"),
        "subscribers": ("关注", "订阅"),
        "posts": "发布",
        "published": "发布",
        "budget": "经费",
        "funds": "经费",
        "funding": "经费",
        "spending": "经费",
        "invested": "投入",
        "put into": "投入",
        "press conference": "新闻发布会",
        "letters": "来信",
        "replied": "回复",
        "replies": "回复",
        "reply rate": "回复率",
        "satisfaction": "满意",
        "inspections": "抽检",
        "samples": "抽检",
        "unqualified": "不合格",
        "failed": "不合格",
        "growth": "增长",
        "increase": "增长",
        "rose": "增长",
        "decrease": "下降",
        "fell": "下降",
        "share": "占",
        "proportion": "占",
        "offices": "机构",
        "fee waivers": "减免",
        "waived": "减免",
        "cumulative": "累计",
        "network security": "网络安全",
        "website management": "网站",
        "appeals": "诉求",
        "hotline": "12345",
    }
)
EN_UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "session": ("期", "次", "场"),
    "class": ("期", "次", "场"),
    "course": ("期", "次", "场"),
    "people": ("人", "名"),
    "person": ("人", "名"),
    "staff": ("人", "名"),
    "attendee": ("人", "人次"),
    "participant": ("人", "人次"),
    "visit": ("人次", "次"),
    "view": ("人次", "次"),
    "read": ("次", "人"),
    "yuan": ("元",),
    "money": ("元",),
    "much": ("元",),
    "percent": ("%",),
    "%": ("%",),
    "rate": ("%",),
    "article": ("篇",),
    "post": ("篇", "条"),
    "batch": ("批", "批次"),
}
ZH_UNITS = (
    "人次",
    "件次",
    "批次",
    "元",
    "条",
    "件",
    "项",
    "个",
    "次",
    "期",
    "场",
    "人",
    "名",
    "篇",
    "份",
    "批",
    "家",
    "宗",
    "起",
    "%",
)

# units a question and a report use for the same count: "几名兼职人员" is answered by "兼职人员1人",
# "多少件" by "行政复议3宗"
UNIT_ALIKE = {"名": ("名", "人"), "人": ("人", "名"), "件": ("件", "宗", "起"), "宗": ("宗", "件"), "起": ("起", "件")}


@cache
def word_at_start(word: str) -> re.Pattern[str]:
    """An English glossary word where a word starts ("review" in "reviews", not in "preview"), compiled
    once: a question is matched against thousands of glossary words, more patterns than the re module
    keeps (512), so each was compiled again for every question — half of a question's time."""
    return re.compile(r"\b" + re.escape(word))


def topic_words(question: str) -> list[str]:
    """The Chinese words an English question's topic is written with in the reports."""
    q = question.lower()
    found = [zh for en, zh in EN_TOPIC_WORDS.items() if word_at_start(en).search(q)]
    return [w for zh in found for w in ((zh,) if isinstance(zh, str) else zh)]


def _has(text: str, word: str, english: bool) -> bool:
    if english:
        return word_at_start(word).search(text) is not None
    return word in text


# the unit a Chinese question counts in ("几个人", "多少次")
_ASKED_UNIT = re.compile(r"(?:多少|几)个?(人次|人|次|期|场|条|件|项|元|万元)")


def unit_sibling(metric: Metric, text: str) -> Metric:
    """The metric a question means when it counts in another unit than the one its words name: "有几个人
    参加了培训" asks for the people trained (人), not the sessions (次) 培训 names. A sibling is a metric
    whose words contain one of the named metric's words and whose unit is the one asked."""
    asked = {m.group(1) for m in _ASKED_UNIT.finditer(text)}
    if not asked or metric.unit_zh in asked:
        return metric
    said = [w for w in metric.words_zh if w in text]
    for other in METRICS:
        if other.unit_zh in asked and any(w in x for w in said for x in other.words_zh):
            return other
    return metric


def find_metric(question: str, lang: str) -> Metric | None:
    q = question.lower()
    english = lang == "en"
    for m in METRICS:
        if any(_has(q, w, english) for w in (m.words_en if english else m.words_zh)):
            return m if english else unit_sibling(m, q)
    if lang == "zh":  # English words in a Chinese question ("东山县 applications")
        for m in METRICS:
            if any(_has(q, w, True) for w in m.words_en):
                return m
        return _misspelt(q) if re.search(r"多少|几", q) else None  # a count asked, with its word misspelt
    return None


def _misspelt(q: str) -> Metric | None:
    """A metric word of four characters or more typed with one character wrong ("行政处法" for 行政处罚),
    when exactly one metric fits that way."""
    fits = set()
    for m in METRICS:
        for w in m.words_zh:
            if len(w) < 4:
                continue
            for i in range(len(q) - len(w) + 1):
                piece = q[i : i + len(w)]
                if sum(a != b for a, b in zip(piece, w, strict=True)) == 1 and piece[0] == w[0] and not _words(piece):
                    fits.add(m.key)
    return BY_KEY[fits.pop()] if len(fits) == 1 else None


def _words(piece: str) -> bool:
    """Whether a stretch reads as words of its own ("全年公开" is 全年+公开, not 全部公开 misspelt): a
    typo breaks a word, so its stretch leaves single characters when cut."""
    import jieba

    jieba.setLogLevel(60)
    return all(len(t) >= 2 for t in jieba.lcut(piece, HMM=False))


def find_column(question: str, lang: str, metric: Metric | None) -> str | None:
    """An applicant type (T3) or an outcome (T4) the question narrows the figure to."""
    q = question.lower()
    english = lang == "en"
    cell = metric.cell_id() if metric else None
    table = (cell or "").split(".")[0]
    if table == "t2":
        return find_t2_column(question, lang, metric)
    options = T4_OUTCOMES if table == "t4" else APPLICANT_COLUMNS if table == "t3" else []
    for col, zh, en in options:
        if any(_has(q, w, english) for w in (en if english else zh)):
            return col
    return None


# ---- a row named by its printed label ----------------------------------------------------------

_TABLE_NAMED = re.compile(r"表\s*([二三四234])|\btable\s*([234]|iv|iii|ii)\b", re.I)
_TABLE_IDS = {"二": "t2", "2": "t2", "ii": "t2", "三": "t3", "3": "t3", "iii": "t3", "四": "t4", "4": "t4", "iv": "t4"}
_QUOTED = re.compile(r"[“\"「『‘]([^”\"」』’“「『‘]{1,60})[”\"」』’]")
_AS_COLUMN = re.compile(r"^\s*(?:一|这一?)?\s*(?:栏|列|column)", re.I)
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+\.)")


def _bare(label: str) -> str:
    """A printed label as compared: compact, its ordinal ("（七）", "3.") dropped."""
    from ingest.normalize import compact_str

    return _ORDINAL.sub("", compact_str(label))


def _rows_of(table: str) -> list[tuple[str, str]]:
    """(row id, printed label) of every row of one standard table, both generations, derived rows too."""
    from ingest.schema import T2_ROWS, T3_DERIVED_ROWS, T3_ROWS, T4_BLOCKS, T4_DERIVED_ROWS

    if table == "t2":
        return [(r.id, r.label) for r in T2_ROWS if r.kind != "caption"] + [("t2.normative_docs", "行政规范性文件")]
    if table == "t3":
        return [(r.id, r.label) for r in T3_ROWS] + [(k, v[0]) for k, v in T3_DERIVED_ROWS.items()]
    return list(T4_BLOCKS) + list(T4_DERIVED_ROWS.items()) + [("t4.litigation", "行政诉讼")]


def _columns_of(table: str) -> list[tuple[str | None, str]]:
    from ingest.schema import T2_COLUMNS, T3_COLUMNS, T3_DERIVED_COLUMNS, T4_COLUMNS

    if table == "t2":
        return [(c, label) for cols in T2_COLUMNS.values() for c, label in cols]
    cols = T4_COLUMNS if table == "t4" else T3_COLUMNS + T3_DERIVED_COLUMNS
    return [(None if c == "total" else c, label) for c, label in cols]


def _label_fits(quoted: str, labels: list[tuple[str | None, str]]) -> list[str | None]:
    """The ids whose printed label the quoted words are: the label itself, else the one label they begin."""
    q = _bare(quoted)
    exact = list(dict.fromkeys(i for i, label in labels if _bare(label) == q))
    if exact or len(q) < 2:
        return exact
    return list(dict.fromkeys(i for i, label in labels if _bare(label).startswith(q)))


@dataclass(frozen=True)
class PrintedRow:
    """A row (and perhaps a column) the question names by the label a standard table prints."""

    metric: Metric
    column: str | None
    rest: str  # the question with the quoted labels blanked: what else it names is read from this


def printed_row(question: str) -> PrintedRow | None:
    """ "表三“总计”法人或其他组织是多少", "表三中“其他”一行、“总计”一栏": a table named and a row quoted
    in its printed words is that row, whatever the words mean elsewhere ("其他" is 3.其他 there, not the
    其他 column). A quoted label followed by 栏/列 is a column. Only labels the formats print are read."""
    named = _TABLE_NAMED.search(question)
    if not named:
        return None
    table = _TABLE_IDS[(named.group(1) or named.group(2)).lower()]
    row_id: str | None = None
    column: str | None = None
    rest = question
    for m in _QUOTED.finditer(question):
        as_column = bool(_AS_COLUMN.match(question[m.end() :]))
        if as_column:
            cols = _label_fits(m.group(1), _columns_of(table))
            if len(cols) == 1:
                column = cols[0]
                rest = rest.replace(m.group(0), " ", 1)
            continue
        rows = _label_fits(m.group(1), list(_rows_of(table)))
        if row_id is None and len(rows) == 1:
            row_id = rows[0]
            rest = rest.replace(m.group(0), " ", 1)
    if row_id is None:
        return None
    cells = [(m, m.cell_for(g) or "") for m in METRICS for g in ("2021", "2019")]
    fits = [m for m, c in cells if c.split(":")[0] == row_id]
    metric = next((m for m, c in cells if c == f"{row_id}:total"), fits[0] if fits else None)
    return PrintedRow(metric, column, rest) if metric is not None else None


# ---- several figures in one question -----------------------------------------------------------


@dataclass(frozen=True)
class Mention:
    """Where the question names a metric or a column: what a compound question is split by."""

    key: str  # a metric key, or a column id
    start: int
    end: int


def _spans(q: str, words: tuple[str, ...], english: bool) -> list[tuple[int, int]]:
    out = []
    for w in words:
        out += [(m.start(), m.end()) for m in _mention_rx(w, english).finditer(q)]
    return out


@cache
def _mention_rx(word: str, english: bool) -> re.Pattern[str]:
    """A glossary word as it names a metric or column in a question, compiled once (see :func:`word_at_start`)."""
    boundary = r"\b" if english and re.match(r"\w", word) else ""
    # "申请人" is the applicant, not a request: 申请 alone never names requests there
    return re.compile(boundary + re.escape(word) + ("(?!人)" if word == "申请" else ""))


def _non_overlapping(found: list[tuple[int, int, int, str]]) -> list[Mention]:
    """Longest first, then the more specific entry (earlier in its table); no two may overlap. A chosen
    entry covers every stretch its words match ("social welfare organizations" is 社会公益组织 throughout:
    its "organization" is not also 法人或其他组织)."""
    chosen: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for start, end, _rank, key in sorted(found, key=lambda f: (-(f[1] - f[0]), f[2], f[0])):
        if any(m.key == key for m in chosen) or any(not (end <= a or start >= b) for a, b in taken):
            continue
        chosen.append(Mention(key, start, end))
        taken += [(a, b) for a, b, _, k in found if k == key]
    return sorted(chosen, key=lambda m: m.start)


def metric_mentions(question: str, lang: str) -> list[Mention]:
    """Every metric the question names, in order, each once: "行政复议和行政诉讼各几件" names two."""
    q = question.lower()
    english = lang == "en"
    found = []
    for rank, m in enumerate(METRICS):
        # the metric's own Chinese name is one of its words: said whole, "…不再处理其政府信息公开申请" is
        # that item, not it and the requests received
        own = () if english else (m.zh,)
        found += [(a, b, rank, m.key) for a, b in _spans(q, own + (m.words_en if english else m.words_zh), english)]
        if not english:
            found += [(a, b, rank, m.key) for a, b in _spans(q, m.words_en, True)]
    # one mention a metric, its longest: "上年结转的…申请是多少，新收申请又是多少" names the received requests
    # by 新收申请, not by the 申请 that heads the carried-over ones
    best: dict[str, Mention] = {}
    for mention in _non_overlapping(found):
        held = best.get(mention.key)
        if held is None or mention.end - mention.start > held.end - held.start:
            best[mention.key] = mention
    return sorted(best.values(), key=lambda m: m.start)


def column_mentions(question: str, lang: str, metric: Metric | None) -> list[Mention]:
    """Every applicant type (T3), outcome (T4) or 表二 column the question names, in order."""
    q = question.lower()
    english = lang == "en"
    cell = metric.cell_id() if metric else None
    table = (cell or "").split(".")[0]
    options = (
        T2_COLUMN_WORDS
        if table == "t2"
        else T4_OUTCOMES
        if table == "t4"
        else APPLICANT_COLUMNS
        if table == "t3"
        else []
    )
    allowed = _t2_kind(metric) if table == "t2" else None
    found = []
    for rank, (col, zh, en) in enumerate(options):
        if allowed is not None and col not in allowed:
            continue
        found += [(a, b, rank, col) for a, b in _spans(q, en if english else zh, english)]
    # one mention a metric, its longest: "上年结转的…申请是多少，新收申请又是多少" names the received requests
    # by 新收申请, not by the 申请 that heads the carried-over ones
    best: dict[str, Mention] = {}
    for mention in _non_overlapping(found):
        held = best.get(mention.key)
        if held is None or mention.end - mention.start > held.end - held.start:
            best[mention.key] = mention
    return sorted(best.values(), key=lambda m: m.start)


# ---- pre-2019 statistics tables (§7): rows kept under their own labels -------------------------------

# The words those labels are written with, as English questions put them: an English question about a
# local statistics row finds it through these (the labels change from year to year; the words do not).
LEGACY_WORDS_EN: dict[str, str] = {
    "public reading point": "公开查阅点",
    "public reading room": "公开查阅点",
    "reading room": "查阅",
    "reading point": "查阅点",
    "visitors": "查阅人数",
    "people who consulted": "查阅人数",
    "uses": "利用",
    "used": "利用",
    "government website": "政府网站",
    "on the website": "网站",
    "website": "网站",
    "page views": "访问量",
    "visits": "访问量",
    "gazette": "公报",
    "press conference": "新闻发布会",
    "in person": "当面",
    "face to face": "当面",
    "online": "网上",
    "by letter": "信函",
    "by post": "信函",
    "by mail": "信函",
    "letter": "信函",
    "fax": "传真",
    "email": "电子邮件",
    "e-mail": "电子邮件",
    "other forms": "其它形式",
    "other means": "其他形式",
    "granted in part": "同意部分公开",
    "partially granted": "同意部分公开",
    "partial": "部分公开",
    "granted": "同意公开",
    "approved": "同意公开",
    "refused": "不予公开",
    "denied": "不予公开",
    "rejected": "否决公开",
    "reconsideration": "行政复议",
    "lawsuit": "行政诉讼",
    "litigation": "行政诉讼",
    "complaint": "申诉",
    "appeal": "申诉",
    "whistleblow": "举报",
    "tip-off": "举报",
    "reports from the public": "举报",
    "fee": "收费",
    "waived": "减免",
    "proactive": "主动公开",
    "published proactively": "主动公开",
    "documents": "文件",
    "items": "信息",
    "requests received": "受理",
    "applications received": "受理",
    "received": "受理",
    "answered with disclosure": "同意公开",
    "answered": "答复",
    "accepted": "受理",
    "replies to disclosure requests": "申请的答复",
    "replies to requests": "申请的答复",
    "replies to applications": "申请的答复",
    "total replies": "答复总数",
    "replies": "答复",
    "responses": "答复",
    "other types of reply": "其他类型答复",
    "other replies": "其他类型答复",
    "other kinds of replies": "其他类型答复",
    "other kinds of reply": "其他类型答复",
    "other kinds of answers": "其他类型答复",
}
# the 历年累计 column: asked for with these words, else the year's own (本年度) figure is meant
CUMULATIVE_WORDS = re.compile(
    r"累计|历年|至今|截至|截止|总共公开|"
    r"\b(?:cumulative|cumulatively|running total|all years|to date|so far|in all years|by the end of|as of the end)\b",
    re.I,
)


def legacy_terms(question: str, lang: str) -> list[str]:
    """The Chinese words a question uses for a statistics-table row (English questions translated)."""
    if lang == "zh":
        return [question]
    q = question.lower()
    return [zh for en, zh in sorted(LEGACY_WORDS_EN.items(), key=lambda kv: -len(kv[0])) if word_at_start(en).search(q)]

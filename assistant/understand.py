"""A question, as people write it, turned into a structured query: who, which years, what, what kind.

Nothing here touches the facts store beyond the catalog of issuers, years and regions; the
answer module decides what to look up. Follow-ups ("那2019年呢？", "and Yuexi?") are resolved by
filling what the new question leaves out from the previous question in the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from assistant.bodies import BodyCatalog
from assistant.glossary import (
    BY_KEY,
    T2_COLUMN_WORDS,
    T2_TIME_LIKE,
    Mention,
    Metric,
    column_mentions,
    find_column,
    find_metric,
    find_t2_column,
    metric_mentions,
    printed_row,
    unit_sibling,
)
from assistant.names import match_regions, unknown_places
from ingest.normalize import nfkc


class Kind(StrEnum):
    """What a question asks for; each kind has its handler (``assistant.answer.HANDLERS``)."""

    LOOKUP = "lookup"  # one figure of named reports
    COMPARE = "compare"  # one figure side by side over bodies or years
    RANK = "rank"  # the bodies (or a body's years) ordered by a figure
    ZERO_LIST = "zero_list"  # the bodies whose figure is 0
    DIFFERENCE = "difference"  # how far apart two figures are
    SHARE = "share"  # a part as a share of its whole
    COVERAGE = "coverage"  # which bodies and years the collection holds
    PASSAGE = "passage"  # what the reports say: passages
    PRACTICE = "practice"  # who does or mentions something
    REPORT_FACT = "report_fact"  # a report's own particulars: phone, publication date, compiler …
    T2_COLUMN = "t2_column"  # a 表二 column for every row
    SCOPE = "scope"  # what the collection is and what gongkai answers
    COMPOUND = "compound"  # several figures in one question
    TREND = "trend"  # one body's figure over the years
    OFF_TOPIC = "off_topic"  # not about the reports at all: the weather, a poem, "ignore previous instructions"


(
    LOOKUP,
    COMPARE,
    RANK,
    ZERO_LIST,
    DIFFERENCE,
    SHARE,
    COVERAGE,
    PASSAGE,
    PRACTICE,
    REPORT_FACT,
    T2_COLUMN,
    SCOPE,
    COMPOUND,
    TREND,
    OFF_TOPIC,
) = Kind

# words of the subject itself: a question with none of them, and no body, year or figure, is not about the reports
_DOMAIN = re.compile(
    r"信息公开|公开|年报|年度报告|报告|申请|复议|诉讼|政府|政务|条例|解读|主动|依申请|统计|单位|部门|机关|"
    r"局|委员会|办公室|管委会|县|市|区|镇|乡|街道|网站|公报|培训|收费|处罚|许可|强制|规章|规范性文件|"
    r"\b(?:disclos\w*|reports?|requests?|applications?|reconsideration|lawsuits?|litigation|government|bureau|"
    r"office|department|agency|commission|county|city|district|town|township|province|proactive\w*|"
    r"publish\w*|regulations?|transparency|information|statistics|collection|annual)\b",
    re.I,
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_YEAR = r"((?:19|20)\d{2})"
_RANGE = re.compile(_YEAR + r"\s*(?:年度?)?\s*(?:—|–|-|~|～|至|到|to|through|until)\s*" + _YEAR)
_YEAR_ONE = re.compile(r"(?<!\d)" + _YEAR + r"(?!\d)")
# a year written but outside 1900–2099 ("3000年", "20200年", "0年", "in 3000"): never dropped silently
_ODD_YEAR = re.compile(
    r"(?<![\d.])(\d+)\s*年(?!代|龄|级|限|内|前|后|来|间)|"
    r"\b(?:in|for|of|year|during|since)\s+(\d{4,}|0)\b(?!\s*(?:%|percent|days?|months?|weeks?|hours?|items?|"
    r"requests?|cases?|people|staff|times?|yuan))",
    re.I,
)


def odd_years(question: str) -> list[str]:
    """Years the question writes that no report can have (outside 1900–2099): "3000", "20200", "0".
    A small count with 年 ("3年", "近3年", "两年") is a span of years, not a year."""
    q = nfkc(question)
    out = []
    for m in _ODD_YEAR.finditer(q):
        digits = m.group(1) or m.group(2)
        n = int(digits)
        if 1900 <= n <= 2099:
            continue
        if m.group(1) and (len(digits) <= 2 and n != 0):
            continue  # "3年", "近10年": a span
        if m.group(1) and re.search(r"(?:近|最近|过去|前|后|这|第)\s*$", q[: m.start()]):
            continue
        out.append(digits)
    return out


_RECENT = re.compile(r"(?:近|最近|过去)\s*([一二两三四五六七八九十\d]+)\s*年|(?:last|past)\s+(\w+)\s+years")
# "2019年以来", "自2019年起", "since 2019", "from 2019 on": that year to the newest report year there can be
_SINCE = re.compile(
    r"(?:自|从)?\s*"
    + _YEAR
    + r"\s*年?(?:度)?\s*(?:以来|至今|起|开始)|(?:since|from)\s+"
    + _YEAR
    + r"(?!\s*(?:to|-|–|—))",
    re.I,
)
# a body's figure over its years: "这几年", "历年", "每年", "多了还是少了", "over the years", "which year"
_TREND = re.compile(
    r"这几年|这些年|近几年|历年(?![^，。？?]{0,12}累计)|每年|各年|逐年|每一年|各年度|多了还是少了|增加还是减少|是增是减|变化趋势|趋势|哪一年|哪年|"
    r"\bover the years\b|\beach year\b|\bevery year\b|\byear by year\b|\btrend|\bhow (?:has|have|did) .{0,80}\bchanged?\b|"
    r"\bchanged? over\b|\bwhich year\b|\bacross (?:its|the) (?:years|reports)\b|\bgone up or down\b|\bmore or fewer\b|"
    r"\bincreased or decreased\b|\bover time\b",
    re.I,
)
# clauses (a question may ask several things) and the items of an enumeration within one
_CLAUSE = re.compile(r"[，,。？?；;！!]")
_ITEM = re.compile(r"[，,。？?；;！!、和及与]|以及|还有|另外|\band\b|\bas well as\b|\bplus\b", re.I)
_JOINED = re.compile(r"和|及|与|以及|还有|\band\b", re.I)
_EACH = re.compile(r"各|分别|每项|\beach\b|\brespectively\b|\bseparately\b|\bboth\b", re.I)
_SHARE_ASKED = re.compile(r"占(?:了)?(?:多少|百分之几|几成)|百分之几|占比|比例(?:是|为)?多少|多少%|多少％")
_COUNT_ASKED = re.compile(r"多少|几[件条个项次]|how many|number of", re.I)
# the whole of a figure asked beside its parts ("自然人、合计分别多少", "from individuals, and how many in total")
_TOTAL_WORD = re.compile(r"合计|总计|总数|一共|共计|\bin total\b|\boverall\b|\baltogether\b|\bthe total\b", re.I)
_HEAD_NOUN = re.compile(r"的\s*$|\bthe\s*$", re.I)  # a word right after 的 is what the words before describe
_ASKS = re.compile(r"多少|几|how many|how much|what (?:was|is|were) the", re.I)
_GOVERNMENT = re.compile(
    r"(?:人民)?政府(?!信息|网站|门户|公报)|\b(?:municipal|city|county|district|people'?s|town(?:ship)?) government\b",
    re.I,
)
GENERIC_METRIC = "applications_received"  # "申请" alone: a part of its own only where nothing else is named
_HANDLING = {GENERIC_METRIC, "total_processed"}  # verbs of handling: how another figure was done
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_EN_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_RELATIVE = {"今年": 0, "本年": 0, "去年": -1, "上一年": -1, "前年": -2, "this year": 0, "last year": -1}
# in a follow-up these count from the year asked about before, not from today ("2020年…？" "前一年呢？" = 2019)
_SHIFT = re.compile(
    r"(前一年|上一年|上年|前一个?年度|后一年|下一年|次年|第二年|后一个?年度|the (?:year|report) before|"
    r"the previous year|a year (?:earlier|before)|the (?:year|report) after|the following year|a year later)",
    re.I,
)
_SHIFT_BACK = re.compile(r"前|上|before|previous|earlier", re.I)
# the year as the report's publication year: 发布 said of the report ("2021年发布的报告"), not of what it
# counts ("2021年我局发布文字类解读多少份")
_PUBLISHED = re.compile(
    r"(?:发布|公布|印发)的?(?:年度)?(?:报告|年报)|(?:报告|年报)[^，。？?]{0,6}(?:发布|公布)|"
    r"published|released|issued in|posted"
)

_KIND_WORDS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        COVERAGE,
        (
            "哪些报告",
            r"有哪些.{0,8}报告",
            "有什么报告",
            "收录",
            "哪几年",
            "哪些年份",
            "多少份报告",
            "几份报告",
            r"有没有.{0,8}报告",
        ),
        (
            "which reports",
            "what reports",
            "which years",
            "do you have",
            "does the collection",
            "what do you hold",
            "list the reports",
        ),
    ),
    (
        ZERO_LIST,
        ("没有收到", "为零", "是零", "零申请", "一件都没有"),
        ("received no", r"no \w* ?(?:applications|requests)", "zero", "did not receive any", "received none"),
    ),
    (
        SHARE,
        ("占比", "比例", "百分之", "比率", "比重", "百分比"),
        ("share", "percentage", "proportion", "rate", "percent"),
    ),
    (
        DIFFERENCE,
        ("差多少", "相差", "多多少", "少多少", "差距", "多几", "少几"),
        ("difference", "how many more", "how many fewer", "gap"),
    ),
    (
        RANK,
        ("最多", "最少", "最高", "最低", "排名", "排行", "排第", "最大", "最小"),
        ("most", "least", "highest", "lowest", "rank", "largest", "smallest", "fewest"),
    ),
    (
        COMPARE,
        ("比较", "对比", "相比", "比一比", "和.*分别", "各是多少", "分别是多少", "各自", "趋势", "变化"),
        ("compare", "comparison", "versus", " vs", "respectively", "each of", "trend", "over the years"),
    ),
    (
        PRACTICE,
        ("哪些单位", "哪个单位", "谁提到", "哪些报告提到", "哪些地方", "提到"),
        ("which offices", "which bodies", "who mentions", "mention"),
    ),
]
_REPORT_FACTS: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("phone", ("电话", "联系方式", "怎么联系"), ("phone", "contact", "telephone")),
    (
        "published",
        ("什么时候发布", "何时发布", "发布日期", "发布时间", "哪天发布", "什么时候公布"),
        ("when was", "publication date", "published on", "release date"),
    ),
    ("period", ("统计期限", "统计期间", "统计时间", "统计范围"), ("statistics period", "period covered")),
    ("compiler", ("谁编制", "编制单位", "编制的"), ("who compiled", "compiled by")),
    ("email", ("邮箱", "电子邮件地址"), ("email",)),
    ("address", ("地址", "在哪里"), ("address",)),
]
_FOLLOW_UP = re.compile(
    r"^(?:那|那么|那么说|还有|另外|它的|它|他们的|该单位|这个单位|再问|and\b|what about|how about)|呢[？?]?$|^\W*$",
    re.I,
)
_T2_NAMED = re.compile(r"表二|table\s*(?:2|ii)\b|规章|规范性文件|许可|处罚|强制|收费|采购|项目", re.I)


def _column_word(question: str, column: str) -> str:
    """The longest word of a 表二 column the question has."""
    words = [w for c, zh, en in T2_COLUMN_WORDS if c == column for w in (*zh, *en) if w in question.lower()]
    return max(words, key=len, default="")


_COLUMN_ONLY = ("prev_year_items", "change", "in_force", "repealed", "total_published", "new_made", "new_published")
# a question about the subject itself, not about a body's figure: answered with what the collection holds
_GENERAL = re.compile(
    r"是什么|什么是|是指什么|什么意思|介绍一下|有什么用|能做什么|能回答什么|怎么用|"
    r"\bwhat (?:is|are)\b(?! the (?:number|figure|total))|\bwhat can you\b|\bwhat does this\b|\bhow do i use\b",
    re.I,
)
_SUPERLATIVE_MIN = ("最少", "最低", "最小", "least", "lowest", "smallest", "fewest")


@dataclass
class Query:
    question: str
    language: str
    kind: Kind = Kind.PASSAGE
    issuers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    year_words: str = ""  # how the years were asked for ("去年", "近三年"), for the answer to say
    published_reading: bool = False  # the years are publication years, not statistics years
    metric: Metric | None = None
    column: str | None = None
    unknown: list[str] = field(default_factory=list)
    ascending: bool = False  # rank: smallest first
    report_fact: str | None = None
    follow_up: bool = False
    name_notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en): which name held the year asked
    candidates: list[str] = field(default_factory=list)  # the bodies a name could mean, for the user to pick
    asked: list[str] = field(default_factory=list)  # the bodies named, before the year asked chose among them
    ambiguous_name: bool = False  # the place alone, naming several departments
    parts: list[tuple[Metric, str | None]] = field(default_factory=list)  # a compound question's figures, in order
    trend: bool = False  # one body's figure over its years (asked with "这几年", a range, "which year")
    places: list[str] = field(default_factory=list)  # places the question names (stems), for nearest bodies
    other_applications: bool = False  # 申请 of another kind (代办, 人大建议): not 表三's disclosure requests
    years_if_held: list[int] = field(default_factory=list)  # a follow-up's inherited years, if the new body has them
    table_named: bool = False  # a row named by its printed label in a named table ("表三“总计”")
    odd_years: list[str] = field(default_factory=list)  # years written outside 1900–2099: answered not_found


def language_of(text: str) -> str:
    return "zh" if _CJK.search(text) else "en"


def parse_years(question: str, today: date | None = None) -> tuple[list[int], str]:
    today = today or date.today()
    question = nfkc(question)  # "２０２２年" is 2022
    question = T2_TIME_LIKE.sub(" ", question)  # "上一年项目数量" is a column of 表二, not last year
    q = question.lower()
    m = _RANGE.search(question)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return list(range(a, b + 1)), m.group(0)
    m = _SINCE.search(question)
    if m:
        first = int(m.group(1) or m.group(2))
        return list(range(first, max(first, today.year - 1) + 1)), m.group(0).strip()
    m = _RECENT.search(q)
    if m:
        n_text = m.group(1) or m.group(2) or ""
        n = int(n_text) if n_text.isdigit() else _CN_SMALL.get(n_text) or _EN_SMALL.get(n_text, 3)
        last = today.year - 1  # the newest report year that can exist: last year's
        return list(range(last - n + 1, last + 1)), m.group(0)
    years = [int(y) for y in _YEAR_ONE.findall(question)]
    if years:
        return sorted(set(years)), ""
    for word, delta in _RELATIVE.items():
        if word in q:
            return [today.year + delta], word
    return [], ""


# a quantity asked ("多少件", "几条"); not "这几年", "近几年", "几月" (time, not a count)
_QUANTITY = re.compile(
    r"(多少|(?<![这近前后])几(?![年月]))(?:个|件|条|次|名|人|宗|起|项|份|场|块|期|种|家)?([\u4e00-\u9fff（）()]{0,8})"
)
_QUANTITY_EN = re.compile(r"how (?:many|much)((?:\s+[a-z'-]+){0,4})", re.I)
_HOW = re.compile(
    r"怎么|怎样|如何|为什么|为何|哪些措施|采取了|做法|经验|\bhow (?:did|does|do|is|was|were)\b|\bwhy\b|\bwhat did\b",
    re.I,
)
# what the reports count, whatever the metric: "多少条政府信息", "how many requests were refused"
_GENERIC_NOUNS = (
    "钱",
    "元",
    "万元",
    "件",
    "条",
    "次",
    "人",
    "申请",
    "信息",
    "政府信息",
    "案件",
    "案",
    "决定",
    "文件",
    "是",
    "呢",
    "吗",
    "？",
    "?",
)
_GENERIC_EN = (
    "request",
    "application",
    "case",
    "item",
    "decision",
    "lawsuit",
    "document",
    "people",
    "person",
    "staff",
    "time",
    "session",
    "fee",
    "yuan",
    "money",
)


def counts_the_metric(question: str, lang: str, metric: Metric) -> bool:
    """Is the question asking for the metric's figure, or does it only mention the metric's words?

    "收到多少政府信息公开申请" counts applications; "几个工作日内回复申请" counts working days, and
    "怎么做依申请公开监测" asks how, not how many.
    """
    # the noun counted may be any figure the question names ("多少件依申请？予以公开的…各几件")
    named_metrics = [metric, *(BY_KEY[m.key] for m in metric_mentions(question, lang))]
    words = [w.lower() for m in named_metrics for w in (*m.words_zh, *m.words_en)]
    if lang == "zh":
        for m in _QUANTITY.finditer(question):
            noun = m.group(2)
            noun = re.split(r"[的了呢吗？?，,。]", noun)[0][:4]  # the head noun: "工作日内回复申请" counts days
            named = any(w in noun or (len(noun) >= 2 and noun in w) for w in words)
            unit = bool(metric.unit_zh) and noun.startswith(metric.unit_zh)
            if not noun or named or unit or noun.startswith(_GENERIC_NOUNS):
                return True
            return False
    else:
        m = _QUANTITY_EN.search(question)
        if m:
            noun = m.group(1).lower()
            stop = re.split(r"\b(?:did|does|do|were|was|are|is|has|have|had)\b", noun)[0]
            return not stop.strip() or any(w in stop for w in (*words, *_GENERIC_EN)) or "in " in stop
    if _TREND.search(question) or re.search(r"变化|趋势", question):
        return True  # "…主动公开的数量是怎么变化的": the figure over the years, not how a thing is done
    return not _HOW.search(question)


# applications that are not disclosure requests: services done on someone's behalf, deputies' proposals,
# petitions, permits — a question about them must not be answered with 表三
_OTHER_APPLICATIONS = re.compile(
    r"代办|帮办|便民服务|政务服务|人大建议|人大代表建议|政协提案|建议提案|提案|许可申请|办件|12345|热线|"
    r"service (?:center|centre|hall)|on (?:their|someone's) behalf|proposals?\b|suggestions\b|hotline|"
    r"permit applications|approvals?\b",
    re.I,
)
_DISCLOSURE_WORDS = re.compile(r"信息公开|依申请|公开申请|disclosure|information request|foi\b", re.I)


def about_other_applications(question: str, metric: Metric) -> bool:
    """ "便民服务中心代办了多少件申请" counts services, not disclosure requests: 申请 alone is not enough."""
    cell = metric.cell_for("2021") or ""
    if not cell.startswith("t3."):
        return False
    return bool(_OTHER_APPLICATIONS.search(question)) and not _DISCLOSURE_WORDS.search(question)


def _words_of(metric: Metric, lang: str) -> tuple[str, ...]:
    return metric.words_en if lang == "en" else metric.words_zh


def find_parts(question: str, lang: str) -> list[tuple[Metric, str | None]]:
    """The figures a question asks for, in its order: several metrics ("行政复议和行政诉讼各几件"), one
    metric narrowed several ways ("自然人和企业各几件"), or a total and its parts ("一共多少？其中结果纠正、
    尚未审结各几件"). One figure gives one part.

    申请 alone names the received requests, and is a part of its own only where nothing more specific is
    named in the same item of the question ("部分公开的申请" is one figure, "新收申请、部分公开" two).
    """
    mentions = metric_mentions(question, lang)
    specific = [m for m in mentions if m.key != GENERIC_METRIC]

    def span(pos: int, rx: re.Pattern[str]) -> tuple[int, int]:
        a = max((x.end() for x in rx.finditer(question, 0, pos)), default=0)
        b = next((x.start() for x in rx.finditer(question, pos)), len(question))
        return a, b

    def alone(m) -> bool:
        a, b = span(m.start, _ITEM)
        after = question[m.end :].lower()
        if any(after.startswith(w) for x in specific for w in _words_of(BY_KEY[x.key], lang)):
            return False  # "被申请行政复议": the verb of a figure named right after it
        c = max((x.end() for x in _CLAUSE.finditer(question, 0, m.start)), default=0)
        before = [x for x in specific if c <= x.start < m.start]
        if before and _HEAD_NOUN.search(question[: m.start]) and not _JOINED.search(question[before[-1].end : m.start]):
            return False  # "逾期不补正、不再处理的申请中": the requests just described, not a figure of their own
        return not any(a <= x.start < b for x in specific)

    def row(key: str) -> str:
        metric = BY_KEY[key]
        return (metric.cell_id() or "").split(":")[0]

    def narrowed(m) -> bool:  # "不予公开…保护第三方": the group is named to name its sub-row, one figure
        a, b = span(m.start, _CLAUSE)
        own = row(m.key)
        return any(
            a <= x.start < b
            and x.key != m.key
            and own
            and (row(x.key).startswith(own + ".") or own + "_" in row(x.key))
            for x in specific
        )

    kept = [m for m in mentions if (m.key != GENERIC_METRIC or not specific or alone(m)) and not narrowed(m)]
    # a word another figure's column is named with ("decided by the court against the agency") is that column
    columns = [c for m in kept for c in column_mentions(question, lang, BY_KEY[m.key])]
    # (not a column word that only begins inside the metric's and runs on past it: "行政事业性收费金额" is the
    # fees' amount, though 收费金额 is a column word of 表二)
    kept = [
        m
        for m in kept
        if not any(c.start < m.end and m.start < c.end and not m.start < c.start < m.end < c.end for c in columns)
    ] or kept
    kept = _one_per_phrase(question, kept)
    parts: list[tuple[Metric, str | None]] = []
    for m in kept:
        a, b = span(m.start, _CLAUSE)
        metric = BY_KEY[m.key] if lang != "zh" else unit_sibling(BY_KEY[m.key], question[a:b])
        cols = column_mentions(question, lang, metric)
        if len(kept) > 1:  # several metrics: each takes the columns of its own clause
            cols = [c for c in cols if a <= c.start < b]
        if not cols:
            parts.append((metric, None))
            continue
        if not any(a <= c.start < b for c in cols) and _ASKS.search(question[a:b]):
            parts.append((metric, None))  # "一共多少？其中结果纠正、尚未审结各几件": the total, then its parts
        elif _asked_apart(question, m, cols, lang):
            parts.append((metric, None))  # "行政诉讼和行政诉讼中还没审结的各多少": the whole, then the part
        parts += [(metric, c.key) for c in cols]
        total = _TOTAL_WORD.search(question, cols[-1].end)
        if total and _ITEM.search(question[cols[-1].end : total.start()]) and (metric, None) not in parts:
            parts.append((metric, None))  # "法人或其他组织、合计分别多少": the parts, then the whole
    return parts


def _one_per_phrase(question: str, mentions: list[Mention]) -> list[Mention]:
    """Metrics named back to back, with nothing between them that lists ("因无法提供相关信息答复多少件":
    答复 is how 无法提供 was answered), are one figure: the longest words name it. Unless the question asks
    for each ("行政复议行政诉讼各多少")."""
    if len(mentions) < 2 or _EACH.search(question):
        return mentions
    groups: list[list[Mention]] = [[mentions[0]]]
    for m in mentions[1:]:
        if _ITEM.search(question[groups[-1][-1].end : m.start]):
            groups.append([m])
        else:
            groups[-1].append(m)
    # a handling verb ("answered", "申请") is how the other was done: the other names the figure
    return [max(g, key=lambda m: (m.key not in _HANDLING, m.end - m.start)) for g in groups]


def _asked_apart(question: str, m: Mention, cols: list[Mention], lang: str) -> bool:
    """The metric named twice, joined, its columns only with the second: the first asks for the whole."""
    words = sorted(_words_of(BY_KEY[m.key], lang), key=len, reverse=True)
    q = question.lower()
    again = [x for w in words for x in re.finditer(re.escape(w), q[m.end :])]
    if not again:
        return False
    second = m.end + min(x.start() for x in again)
    between = question[m.end : second]
    return bool(_JOINED.search(between)) and all(c.start >= second for c in cols)


def _kind(question: str, lang: str, n_issuers: int, n_years: int, metric: Metric | None) -> str:
    q = question.lower()
    for kind, zh, en in _KIND_WORDS:
        words = zh if lang == "zh" else en
        if any(re.search(w, q) for w in words):
            if kind in (ZERO_LIST, SHARE, DIFFERENCE, RANK, COMPARE) and metric is None:
                continue
            return kind
    if metric is not None:
        return COMPARE if n_issuers > 1 or n_years > 1 else LOOKUP
    return PASSAGE


def _report_fact(question: str, lang: str) -> str | None:
    q = question.lower()
    for fact, zh, en in _REPORT_FACTS:
        if any(w in q for w in (zh if lang == "zh" else en)):
            if fact == "published" and _COUNT_ASKED.search(q):
                continue  # "how many items published on the website": a count, not the report's date
            return fact
    return None


def parse(  # noqa: C901 - waiver 1/5: one pass over a question (years, bodies, metric, kind, follow-up) whose steps read each other's results; split, a dozen locals go back and forth
    question: str,
    catalog: list[tuple[str, int | None, dict[str, str]]],
    today: date | None = None,
    bodies: BodyCatalog | None = None,
) -> Query:
    """``catalog``: (issuer, year, regions) of every report held; ``bodies``: the same reports' bodies
    with their lineages (built from ``catalog`` alone when not given)."""
    lang = language_of(question)
    years, year_words = parse_years(question, today)
    bodies = bodies or BodyCatalog((i, y) for i, y, _ in catalog)
    resolution = bodies.resolve(question, years)
    named = resolution.issuers
    regions = match_regions(question, [r for _, _, r in catalog]) if not named else []
    printed = printed_row(question)
    metric = printed.metric if printed else find_metric(question, lang)
    if printed is None and metric is not None and not counts_the_metric(question, lang, metric):
        metric = None
    if metric is not None and lang == "zh" and _SHARE_ASKED.search(question):
        if metric.denominator is None and metric.unit_zh != "%":
            metric = None  # "…其他类占多少%": a share no table holds or gives the parts of; the sentences state it
    other_applications = metric is not None and about_other_applications(question, metric)
    if other_applications:
        metric = None
    fact = _report_fact(question, lang)
    q = Query(question, lang)
    q.issuers, q.regions, q.years, q.year_words = named, regions, years, year_words
    q.name_notes, q.candidates = resolution.notes, resolution.candidates
    q.places = resolution.places
    q.other_applications = other_applications
    q.asked, q.ambiguous_name = resolution.asked, resolution.ambiguous
    q.published_reading = bool(years) and bool(_PUBLISHED.search(question.lower())) and metric is None
    q.metric, q.column = metric, find_column(question, lang, metric)
    if printed is not None:  # the column quoted as one, else the longest column words of the rest
        named = column_mentions(printed.rest, lang, metric)
        q.column = printed.column or (named[0].key if named else None)
    q.unknown = (
        []
        if named
        else resolution.unmatched
        or unknown_places(question, sorted({i for i, _, _ in catalog}), [n for _, _, r in catalog for n in r.values()])
    )
    if named and not q.unknown and all(bodies.bodies[i].dept for i in named if i in bodies.bodies):
        # "北川区教育局…": a department of a place the collection does not hold, not a held department that
        # answers to the same words somewhere else
        elsewhere = unknown_places(
            question, sorted({i for i, _, _ in catalog}), [n for _, _, r in catalog for n in r.values()]
        )
        if elsewhere and not resolution.places:
            at = question.find(elsewhere[0])
            dept = re.match(r"[\u4e00-\u9fff]{0,10}?(?:局|委员会|办公室|办|中心)", question[at + len(elsewhere[0]) :])
            q.unknown, q.issuers, named = [elsewhere[0] + (dept.group(0) if dept else "")], [], []
    if not named and regions and _GOVERNMENT.search(question):
        # "福州市人民政府…": the place's own government is asked, and its departments are not it
        governments = [
            i
            for i, _, r in catalog
            if set(r.values()) & set(regions) and i in bodies.bodies and not bodies.bodies[i].dept
        ]
        if not governments:
            q.unknown, q.regions, q.places = [f"{regions[0]}人民政府"], [], [*q.places, *regions]
    q.report_fact = fact
    q.odd_years = odd_years(question)
    q.table_named = printed is not None
    q.kind = REPORT_FACT if fact and metric is None else _kind(question, lang, resolution.lineages, len(years), metric)
    if metric is None and not fact:
        column = find_t2_column(question, lang)
        if column in _COLUMN_ONLY and (_T2_NAMED.search(question) or _column_word(question, column) != "制作"):
            # "上一年项目数量是多少": that column of 表二, row by row; "制作" alone is any making ("共制作政务信息")
            q.kind, q.column = T2_COLUMN, column
        elif not named and not regions and not years and _GENERAL.search(question):
            q.kind = SCOPE
        elif not (named or regions or years or q.unknown or q.other_applications) and not _DOMAIN.search(question):
            q.kind = OFF_TOPIC
    q.ascending = any(w in question.lower() for w in _SUPERLATIVE_MIN)
    if printed is not None:  # the row its printed label names, and what else the rest of the question names
        rest = [p for p in find_parts(printed.rest, lang) if p[0].key not in (printed.metric.key, GENERIC_METRIC)]
        parts = [(printed.metric, q.column), *rest]
    elif metric is not None and q.kind not in (REPORT_FACT, T2_COLUMN, SCOPE):
        parts = find_parts(question, lang)
    else:
        parts = []
    if metric is not None and q.kind not in (REPORT_FACT, T2_COLUMN, SCOPE):
        if parts and parts[0][0].cell is not None and q.kind != T2_COLUMN:
            # the longest words win ("mass repeated requests" is 大量反复申请, not 重复申请)
            # the column found for the first reading stays only if the longer words' metric has it
            keep = q.column if find_column(question, lang, parts[0][0]) == q.column else None
            q.metric, q.column = parts[0][0], parts[0][1] or keep
        if len(parts) > 1:
            q.parts, q.kind = parts, COMPOUND
            q.metric, q.column = parts[0]
        elif resolution.lineages == 1 and (len(years) > 1 or _TREND.search(question)):
            # "how many in each year, and which years are missing": the trend names the years with no report
            if q.kind in (LOOKUP, COMPARE, RANK, DIFFERENCE) or (q.kind == COVERAGE and _COUNT_ASKED.search(question)):
                q.trend, q.kind = True, TREND
    return q


def resolve_follow_up(current: Query, previous: Query | None) -> Query:
    """Fill what an elliptical follow-up leaves out ("那2019年呢？") from the previous question."""
    if previous is None:
        return current
    elliptical = current.kind != SCOPE and (
        bool(_FOLLOW_UP.search(current.question.strip()))
        or (current.metric is None and not current.report_fact and len(current.question) <= 12)
    )
    if not elliptical:
        return current
    q = replace(current, follow_up=True)
    if q.kind == OFF_TOPIC:  # "那自然人呢？" names no subject of its own: the conversation gives it
        q.kind = PASSAGE
    if q.metric is None:
        q.metric = previous.metric
        q.column = find_column(current.question, current.language, q.metric) or previous.column
    if q.report_fact is None and q.metric is None:
        q.report_fact = previous.report_fact
    changed_subject = bool(q.issuers or q.regions)
    if not changed_subject:
        q.issuers, q.regions = previous.issuers, previous.regions
        q.asked, q.ambiguous_name = previous.asked, previous.ambiguous_name
    elif not q.years and not _YEAR_ONE.search(current.question):
        q.years_if_held = previous.years  # "那农业农村局呢？" after "交建局2022年…": 2022, if it has a 2022 report
    shift = _SHIFT.search(T2_TIME_LIKE.sub(" ", current.question))
    if shift and len(previous.years) == 1 and not _YEAR_ONE.search(current.question):
        q.years = [previous.years[0] + (-1 if _SHIFT_BACK.search(shift.group(1)) else 1)]
        q.year_words = shift.group(1)
    elif not q.years and not changed_subject:
        q.years, q.year_words = previous.years, previous.year_words
    if q.kind in (PASSAGE, LOOKUP) and previous.kind not in (PASSAGE, PRACTICE):
        q.kind = previous.kind if previous.kind != COMPARE or len(q.issuers) + len(q.years) > 2 else LOOKUP
    if q.report_fact and q.metric is None:
        q.kind = REPORT_FACT
    elif q.metric is not None and q.kind == PASSAGE:
        q.kind = LOOKUP
    return q

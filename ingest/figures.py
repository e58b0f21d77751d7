"""Figures the report states in sentences, each with the sentence it came from.

Narrative figures answer questions for pre-2019 reports, which have no standard tables, and
let answers show where the text and a table disagree (东山县人民政府办公室 2020: the text counts
3 applications to the county government and its office together, T3 counts the office's 2).
Each pattern maps a sentence shape to a canonical prose metric, and to the table cell that
measures the same thing where there is one (``compare_to``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from ingest.model import Figure, Section
from ingest.normalize import compact, compact_str

_SENTENCE_END = re.compile(r"[。！？;；]")
_NUM = r"\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<qual>余|多)?\s*"  # PDFs space digits off: "受理 3119 件"
_STOP = r"[^，,。；;:：\d]"  # text inside one clause, with no figure in it

CHANNELS = {
    "当面": "in_person",
    "现场": "in_person",
    "邮寄": "mail",
    "信函": "mail",
    "电子邮件": "email",
    "邮箱": "email",
    "网上": "online",
    "网站": "online",
    "在线": "online",
    "网络": "online",
    "传真": "fax",
    "电话": "phone",
}


@dataclass(frozen=True)
class Pattern:
    metric: str
    regex: re.Pattern[str]
    unit: str | None
    compare_to: str | None = None
    needs: str = ""  # words the sentence must contain for the figure to mean this metric


def _p(metric: str, rx: str, unit: str | None, compare_to: str | None = None, needs: str = "") -> Pattern:
    return Pattern(metric, re.compile(rx), unit, compare_to, needs)


_ABOUT_REQUESTS = r"信息公开申请|依申请公开|公开申请|申请公开"


PATTERNS: list[Pattern] = [
    _p(
        "text.applications_received",
        rf"(?P<verb>收到|受理|接收|新收|接到)(?P<scope>{_STOP}{{0,30}}?)(?:政府信息公开|信息公开|公开)?申请{_STOP}{{0,10}}?{_NUM}(?P<unit>件|宗|起|个|份)",
        "件",
        "t3.new_received:total",
    ),
    _p(
        "text.applications_received",
        r"(?P<zero>未|没有)(?:收到|受理|接到)(?P<scope>[^，,。；;\d]{0,12}?)(?:依申请公开|申请)",
        "件",
        "t3.new_received:total",
    ),
    _p(
        "text.proactive_items",
        # not a sub-count ("其他因主动公开的政府信息数56条"); "信息数为140条"; "信息数169，" with the unit unsaid
        rf"(?<!其他)(?<!其他因)主动公开(?P<scope>{_STOP}{{0,40}}?)(?:政府)?信息(?:数|工作)?(?:共计|共|合计)?"
        rf"(?:为|达到?)?{_NUM}(?:(?P<unit>条|件|项|份)|(?=[，,；;。]))",
        "条",
    ),
    _p(
        "text.reviews_and_lawsuits",
        rf"行政复议、(?:提起)?行政诉讼(?:案件)?{_NUM}(?P<unit>件|宗|起)",
        "件",
    ),
    _p(
        "text.reviews_and_lawsuits",
        r"(?:(?P<zero>没有)发生一起[^。]{0,12}行政复议、行政诉讼|行政复议、行政诉讼案件(?P<zero2>为零))",
        "件",
    ),
    _p("text.reviews", rf"行政复议(?:申请|案件)?(?:共)?{_NUM}(?P<unit>件|宗|起)", "件", "t4.review:total"),
    _p("text.lawsuits", rf"行政诉讼(?:案件)?(?:共)?{_NUM}(?P<unit>件|宗|起)", "件", "t4.litigation:total"),
    _p(
        "text.applications_answered",
        # the main verb of a clause ("…3119件，答复3050件"), not one result ("同意公开答复1件", "无法提供…答复2件")
        rf"(?:(?<=[，,、；;])|(?<=共)|(?<=已)|(?<=均)|(?<=全部))(?:答复|办结){_NUM}(?P<unit>件|宗)",
        "件",
        "t3.total_processed:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.applications_carried_over",
        rf"(?:上年度?|上一年度?)结转(?:申请)?{_NUM}(?P<unit>件|宗)",
        "件",
        "t3.carried_over:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.applications_carried_forward",
        rf"{_NUM}(?P<unit>件|宗)(?:申请)?(?:顺延到|结转至|结转到|转入)下(?:一)?年度?",
        "件",
        "t3.carried_forward:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.granted",
        rf"(?<![或及和与、])(?:予以公开|同意公开)(?:答复|申请)?{_NUM}(?P<unit>件|宗)",
        "件",
        "t3.granted:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.partially_granted",
        rf"(?<![或及和与、])部分公开(?:申请)?{_NUM}(?P<unit>件|宗)",
        "件",
        "t3.partially_granted:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.denied",
        rf"(?<![或及和与、])(?:不予公开|不同意公开)(?:答复|申请)?{_NUM}(?P<unit>件|宗)",
        "件",
        "t3.denied:total",
        _ABOUT_REQUESTS,
    ),
    _p(
        "text.training_sessions",
        rf"(?:开展|参加|举办|组织)[^，,。；;\d]{{0,8}}培训(?:会)?{_NUM}(?P<unit>次|场|期)",
        "次",
    ),
    _p("text.training_attendees", rf"共?{_NUM}(?P<unit>人|人次)接受培训", "人"),
    _p("text.staff", rf"(?:从事|负责)[^，,。；;\d]{{0,12}}(?:工作)?的?人员{_NUM}(?P<unit>名|人)", "人"),
    # "全局共有政务公开工作人员8名": the body's whole disclosure staff (not "…工作兼职人员1人", a part of it)
    _p(
        "text.staff",
        rf"(?:共有|配备|设有|现有)[^，,。；;\d]{{0,10}}(?:信息|政务)公开(?:工作)?人员{_NUM}(?P<unit>名|人)",
        "人",
    ),
    _p("text.budget", rf"(?:工作)?经费(?:支出)?(?:为|共|合计)?(?:人民币)?{_NUM}(?P<unit>万元|元)", None),
    _p("text.fees", r"(?P<zero>未)(?:发生|收取)[^。；;]{0,14}(?:收费|信息处理费)", "元"),
    _p("text.fees", rf"收取[^。；;\d]{{0,20}}?(?:信息处理费|费用)(?:共计|合计|共)?\s*{_NUM}(?P<unit>万元|元)", "元"),
]
_CHANNEL = re.compile(r"(?P<label>[\u4e00-\u9fff]{1,8}?)申请" + _NUM + r"(?P<unit>件|宗|起|个)")
_DATE_GLUE = re.compile(r"^\d*(?:19|20)\d{2}年")


def sentences(text: str, sections: list[Section] = ()) -> list[tuple[int, int]]:
    """Sentence spans: up to a sentence mark, or to where a heading starts.

    Line breaks carry no meaning here: a PDF wraps lines mid-sentence, a portal may put every figure
    on a line of its own ("本年度共主动公开信息⏎1342⏎条"), another the whole report on one line; so a
    sentence ends only at its mark or at the next heading (a title has no mark of its own).
    """
    cuts = sorted({x for s in sections if s.level >= 1 for x in (s.start, _title_end(text, s))} | {0, len(text)})
    spans: list[tuple[int, int]] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        start = a
        for m in _SENTENCE_END.finditer(text, a, b):
            spans.append((start, m.end()))
            start = m.end()
        spans.append((start, b))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


def _title_end(text: str, section: Section) -> int:
    """Where a heading's title ends in the text: the body's first sentence starts there."""
    window = text[section.start : section.start + 400]
    c = compact(window)
    n = len(compact_str(section.title))
    return section.start + (c.end(n) if c.text.startswith(compact_str(section.title)) else 0)


def quote_of(text: str) -> str:
    """A sentence for display: wrapped lines rejoined (CJK needs no space at a line break)."""
    return re.sub(r"\s*\n\s*", "", text.strip())


def _section_path(sections: list[Section], offset: int) -> str:
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.level >= best.level):
            best = s
    return best.path if best else ""


def _value_ok(sentence: str, m: re.Match[str]) -> bool:
    """Refuse a number glued to a following year ("行政职权29802018年"): characters were lost there."""
    num = m.group("num")
    after = sentence[m.end("num") : m.end("num") + 6]
    return not (_DATE_GLUE.match(num + after) and len(num) >= 4)


@dataclass(frozen=True)
class _Flat:
    """A sentence with its whitespace removed (PDFs wrap "答\n复 3050 件" and space figures off; a portal
    breaks "1⏎800" into lines), mapping back to the text."""

    text: str
    offsets: tuple[int, ...]
    base: int
    quote: str  # the sentence as printed, for display

    @classmethod
    def of(cls, text: str, start: int, end: int) -> _Flat:
        keep = [i for i in range(start, end) if not text[i].isspace()]
        return cls("".join(text[i] for i in keep), tuple(keep), start, quote_of(text[start:end]))

    def start(self, i: int) -> int:
        return self.offsets[i] if i < len(self.offsets) else self.offsets[-1] + 1

    def end(self, i: int) -> int:
        return self.offsets[i - 1] + 1 if i > 0 else self.base


def extract_figures(text: str, sections: list[Section]) -> list[Figure]:
    figures: list[Figure] = []
    sentence_spans = sentences(text, sections)
    for s_start, s_end in sentence_spans:
        flat = _Flat.of(text, s_start, s_end)
        sentence = flat.text
        taken: list[tuple[int, int]] = []
        for p in PATTERNS:
            for m in p.regex.finditer(sentence):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                if p.needs and not re.search(p.needs, sentence):
                    continue
                groups = m.groupdict()
                if p.metric == "text.applications_received" and "公开" not in m.group(0):
                    continue  # 民事全程代办申请 and the like are not disclosure requests
                if p.metric == "text.proactive_items" and "其他" in (groups.get("scope") or ""):
                    continue  # "主动公开的其他信息6条": one kind of what was disclosed, not all of it
                zero = groups.get("zero") or groups.get("zero2")
                if zero:
                    value, vstart, vend = Decimal(0), flat.start(m.start()), flat.end(m.end())
                elif groups.get("num") is not None:
                    if not _value_ok(sentence, m):
                        continue
                    value, vstart, vend = Decimal(groups["num"]), flat.start(m.start("num")), flat.end(m.end("num"))
                else:
                    continue
                scope = (groups.get("scope") or "").strip()
                figures.append(
                    Figure(
                        metric=p.metric,
                        label=quote_of(m.group(0)),
                        value=value,
                        unit=groups.get("unit") or p.unit,
                        quote=flat.quote,
                        start=s_start,
                        end=s_end,
                        value_start=vstart,
                        value_end=vend,
                        qualifier=groups.get("qual") or "",
                        section=_section_path(sections, s_start),
                        compare_to=p.compare_to,
                        scope=scope,
                    )
                )
                taken.append((m.start(), m.end()))
                if p.metric == "text.applications_received" and not zero:
                    figures.extend(_channels(flat, s_start, s_end, m.end(), sections))
                if p.metric in ("text.reviews", "text.lawsuits") and not zero:
                    outcomes, spans = _outcomes(p.metric, flat, s_start, s_end, m.end(), sections)
                    figures.extend(outcomes)
                    taken.extend(spans)
    if not any(f.metric == "text.proactive_items" for f in figures):
        figures += _published_in_section(text, sections, sentence_spans)
    return figures


# in the section on proactive disclosure, what a report says it published is what it disclosed proactively
# ("共发布58条政府信息", "共更新发布21条信息", "政府网站发布各类信息共196条", "完成96条政府信息公开工作"): read only where no sentence
# says 主动公开…N条 itself
_PUBLISHED = (
    re.compile(r"(?:共|共计)(?:更新)?发布(?P<num>\d+)(?P<unit>条|件|份)(?:政府)?信息"),
    re.compile(r"发布(?P<scope>[^，,。；;:：\d]{0,8}?)信息(?:共|共计)(?P<num>\d+)(?P<unit>条|件|份)"),
    re.compile(r"完成(?P<num>\d+)(?P<unit>条|件|份)(?:政府)?信息(?:公开|发布)"),  # "规范完成96条政府信息公开工作"
    # "全年发布政府信息并移交市图书馆、市档案馆的政府信息查阅中心18条"
    re.compile(r"全年(?:共|共计)?(?:更新)?发布(?:政府)?信息[^，,。；;\d]{0,30}?(?P<num>\d+)(?P<unit>条|件|份)"),
)


def _published_in_section(text: str, sections: list[Section], sentence_spans: list[tuple[int, int]]) -> list[Figure]:
    proactive = [s for s in sections if "主动公开" in s.title and "依申请" not in s.title]
    out: list[Figure] = []
    for s_start, s_end in sentence_spans:
        if not any(s.start <= s_start < s.end for s in proactive):
            continue
        flat = _Flat.of(text, s_start, s_end)
        for rx in _PUBLISHED:
            m = rx.search(flat.text)
            if m is None:
                continue
            out.append(
                Figure(
                    metric="text.proactive_items",
                    label=quote_of(m.group(0)),
                    value=Decimal(m.group("num")),
                    unit=m.group("unit"),
                    quote=flat.quote,
                    start=s_start,
                    end=s_end,
                    value_start=flat.start(m.start("num")),
                    value_end=flat.end(m.end("num")),
                    section=_section_path(sections, s_start),
                    scope=(m.groupdict().get("scope") or "").strip(),
                )
            )
            break
        if out:
            return out  # the first such sentence of the section: its total
    return out


def extract_stated(text: str, sections: list[Section]) -> list[Figure]:
    """Every figure the report's sentences state with a unit (``text.stated``), whatever it counts."""
    out: list[Figure] = []
    before: tuple[int, int] | None = None
    for s_start, s_end in sentences(text, sections):
        found = stated_figures(_Flat.of(text, s_start, s_end), s_start, s_end, sections)
        if before and _CONTINUES.match(text, s_start):
            # "…各类政府信息11543件。其中：市本级3315件…": a breakdown's sentence is quoted with the total's,
            # which says what it breaks down
            quote = quote_of(text[before[0] : s_end])
            found = [replace(f, quote=quote, start=before[0]) for f in found]
        out.extend(found)
        before = (s_start, s_end)
    return out


_CONTINUES = re.compile(r"\s*其中")


# Every figure a sentence states with its unit, whatever it counts ("举办培训66期", "访问量达25.6万人次",
# "比上年增长44%", "累计减免3918元"): ``text.stated``, labelled with the words before it in its clause, so a
# question in those words finds it (:func:`assistant.values.stated_match`). 万 and 亿 are multiplied
# out; the sentence keeps its own form for the citation.
STATED = "text.stated"
# words before a figure that make it approximate ("约20万件"); after it: 余, 多. A stated figure's qualifier
# holds both, these first (assistant.values.qualified puts them back where the report had them)
APPROX_BEFORE = ("约", "近", "超过", "逾")
_STATED_UNIT = (
    r"人次|件次|家次|场次|个百分点|批次|万元|亿元|元|条|件|项|个|次|期|场|人|名|篇|份|批|家|户|宗|起|册|套|台|处|所|座|"
    r"小时|天|%|％"
)
_STATED = re.compile(
    r"(?<![\d.第])(?:达到|达)?(?P<pre>"
    + "|".join(APPROX_BEFORE)
    + r")?(?P<num>\d+(?:\.\d+)?)(?P<mag>万|亿)?(?P<qual>余|多)?"
    r"(?P<unit>(?:" + _STATED_UNIT + r")(?!工作日|日|月|年|小时|季度|周|批次))?"
)
_CLAUSE_MARK = re.compile(r"[，,；;、：:（(]")
_CLOSED_BRACKET = re.compile(r"[（(][^（()）]*[）)]")
_RELATIVE = re.compile(r"^(?:其中)?(?:占|同比|比上年|较上年|比去年|较去年|比上半年|增长|下降|上升|提高|减少|增加)")
_TAIL = re.compile(r"[\u4e00-\u9fff]{2,12}(?=$|[，,；;、：:。（(）)\s]|\d)")
_MAGNITUDE = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
_TOTAL_ONLY = re.compile(r"(?:共计?|合计|总计|累计|总共|一共|计)?")


def stated_figures(flat: _Flat, s_start: int, s_end: int, sections: list[Section]) -> list[Figure]:
    out: list[Figure] = []
    sentence = flat.text
    # marks inside a closed bracket cut no clause: "县（区、管委会）8228件" is one label
    masked = _CLOSED_BRACKET.sub(lambda b: b.group(0)[0] + "＿" * (len(b.group(0)) - 2) + b.group(0)[-1], sentence)
    prev_end, prev_label = 0, ""
    for m in _STATED.finditer(sentence):
        if _DATE_GLUE.match(m.group("num") + sentence[m.end("num") : m.end("num") + 2]):
            continue  # a year run into its figure: characters were lost there
        boundary = max(
            (
                x.end()
                for x in _CLAUSE_MARK.finditer(masked, 0, m.start())
                # a bracket closed before the figure is part of its words: "共制作政府信息（文件）888份"
                if not (x.group(0) in "（(" and re.search(r"[）)]", sentence[x.end() : m.start()]))
            ),
            default=0,
        )
        # a bracket closed before it belongs to the figure before ("与上半年(142件)同比增长154.23%")
        label = sentence[max(boundary, prev_end) : m.start()].strip("，,；;、：:").lstrip("）) ")
        if not label and boundary > prev_end and sentence[boundary - 1] in "（(":
            # a figure that opens a bracket glosses the words before it: "与上半年(142件)" counts 上半年's,
            # not what the figure before counted
            label = _CLAUSE_MARK.split(sentence[prev_end : boundary - 1].rstrip("，,；;、：:"))[-1][-30:]
        if _TOTAL_ONLY.fullmatch(label) and not prev_label and boundary > prev_end:
            # "…有关政府信息不予公开，共563条": a total whose words are the clause before it
            clause = _CLAUSE_MARK.split(sentence[prev_end:boundary].rstrip("，,；;、：:"))[-1]
            label = clause[-30:] + label
        if _RELATIVE.match(label) or len(label) <= 1:  # "占9.9%": the share of what came before
            label = prev_label + label
        unit = (m.group("unit") or "").replace("％", "%")
        mag = m.group("mag") or ""
        if not unit and not mag:
            continue  # a bare number: a code, a date part, a table cell — not a stated figure
        if unit in ("万元", "亿元"):
            mag, unit = unit[0], "元"
        value = Decimal(m.group("num")) * _MAGNITUDE.get(mag, Decimal(1))
        prev_end, prev_label = m.end(), label if not _RELATIVE.match(label) else prev_label
        # the noun a count placed before it counts ("发布55篇政策解读稿", "共5人接受培训"): its words too
        tail = _TAIL.match(sentence, m.end())
        if unit and unit != "%" and tail and not _RELATIVE.match(tail.group(0)):
            label += tail.group(0)
        if not label:
            continue
        out.append(
            Figure(
                metric=STATED,
                label=label[-40:],
                value=value.quantize(Decimal(1)) if value == value.to_integral_value() else value,
                unit=unit,
                quote=flat.quote,
                start=s_start,
                end=s_end,
                value_start=flat.start(m.start("num")),
                value_end=flat.end(m.end("mag") if m.group("mag") else m.end("num")),
                qualifier=(m.group("pre") or "") + (m.group("qual") or ""),
                section=_section_path(sections, s_start),
            )
        )
    return out


def _part(
    flat: _Flat,
    s_start: int,
    s_end: int,
    after: int,
    m: re.Match[str],
    metric: str,
    label: str,
    sections: list[Section],
    compare_to: str | None = None,
) -> Figure:
    """A figure of a "其中…" breakdown, matched in the clause after its total."""
    return Figure(
        metric=metric,
        label=label,
        value=Decimal(m.group("num")),
        unit=m.group("unit"),
        quote=flat.quote,
        start=s_start,
        end=s_end,
        value_start=flat.start(after + m.start("num")),
        value_end=flat.end(after + m.end("num")),
        section=_section_path(sections, s_start),
        compare_to=compare_to,
    )


_OUTCOME = re.compile(r"(?P<label>结果维持|结果纠正|其他结果|尚未审结)" + _NUM + r"(?P<unit>件|宗|起)")
_OUTCOME_COL = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending"}


def _outcomes(
    metric: str, flat: _Flat, s_start: int, s_end: int, after: int, sections: list[Section]
) -> tuple[list[Figure], list[tuple[int, int]]]:
    """ "行政复议351件，其中结果维持72件，结果纠正64件…": the outcome breakdown of T4, stated in prose."""
    rest = flat.text[after:]
    stop = re.search(r"[；;。]|行政诉讼|行政复议", rest)
    clause = rest[: stop.start()] if stop else rest
    if "其中" not in clause[:6]:
        return [], []
    row = "t4.review" if metric == "text.reviews" else "t4.litigation"
    out = []
    spans = []
    for m in _OUTCOME.finditer(clause):
        spans.append((after + m.start(), after + m.end()))
        col = _OUTCOME_COL[m.group("label")]
        out.append(_part(flat, s_start, s_end, after, m, f"{metric}.{col}", m.group("label"), sections, f"{row}:{col}"))
    return out, spans


def _channels(flat: _Flat, s_start: int, s_end: int, after: int, sections: list[Section]) -> list[Figure]:
    """The "其中当面申请1件，邮寄申请1件…" breakdown that follows a received-applications figure."""
    rest = flat.text[after:]
    if "其中" not in rest[:6]:
        return []
    out = []
    for m in _CHANNEL.finditer(rest):
        label = m.group("label").removeprefix("其中").lstrip("，,")
        channel = next((v for k, v in CHANNELS.items() if k in label), "other")
        out.append(
            _part(flat, s_start, s_end, after, m, f"text.applications_received.{channel}", f"{label}申请", sections)
        )
    return out

"""The handlers of questions answered from the catalog and the reports' text: what the collection
is, which reports it holds, a report's own facts (phone, publication date), passages, and which
bodies say something. Figures questions are :mod:`assistant.kinds_figures`."""

from __future__ import annotations

import re
from collections import Counter

from assistant import phrasing as say
from assistant.compose import SHOWN, Composer
from assistant.glossary import topic_words
from assistant.types import ANSWERED, NOT_FOUND, AnswerStatus, Fact
from assistant.understand import Query
from assistant.values import line_at
from index.collection import Collection
from index.facts import ReportRow
from index.lexical import NARROW_REPORTS
from index.search import wanted_sections

_PHONE = re.compile(r"(?:电话|联系电话|咨询电话)[:：]?\s*([0-9０-９\-—－()（）]{7,20})")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ADDRESS = re.compile(r"(?:联系)?地址[:：]?\s*([^,，。;；)）]{4,40})")
_FACT_LABELS = {
    "phone": ("联系电话", "phone"),
    "email": ("电子邮箱", "email"),
    "address": ("地址", "address"),
    "published": ("发布日期", "published"),
    "period": ("统计期限", "statistics period"),
    "compiler": ("编制/来源", "compiled by"),
}
_QUESTION_NOISE = re.compile(
    r"哪些单位|哪个单位|哪些报告|哪些地方|谁|提到了?|说到|讲到|报告中?|有没有|是否|吗|呢|什么|怎么|如何|怎样|的|了|？|\?|"
    r"which offices?|which bodies|which reports?|who|mention(?:ed|s)?|does|did|report(?:ed|s)?|what|how|the|of|in",
    re.I,
)


def scope(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """What the reports are and what the collection holds, for a general question; sourced by the
    opening of a held report, which says under which regulation it was written."""
    issuers = sorted({r.issuer for r in reports})
    years = sorted({r.year for r in reports if r.year})
    comp.say(*say.scope_intro())
    newest_first = sorted(reports, key=lambda r: -(r.year or 0))
    sample = next((r for r in newest_first if "条例" in coll.facts.text(r.id)[:800]), None)
    if sample is not None:
        text = coll.facts.text(sample.id)
        at = text.find("条例")
        a, b = max(0, text.rfind("。", 0, at) + 1), text.find("。", at)
        end = b + 1 if b != -1 else at + 80
        quote = " ".join(text[a:end].split())
        comp.say(*say.scope_example(quote, comp.cite(sample, section="", quote=quote, start=a, end=end)))
    if years:
        comp.say(*say.scope_holdings(len(reports), len(issuers), years[0], years[-1]))
    return ANSWERED


def off_topic(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """A question that is not about the reports (the weather, a poem, instructions to the system): a short
    answer saying what can be asked, with example questions about reports the collection holds — never a
    passage that happens to share a character with it, and never marked as answered."""
    newest: dict[str, ReportRow] = {}
    for r in sorted(reports, key=lambda r: r.year or 0):
        newest[r.issuer] = r
    examples = sorted(newest.values(), key=lambda r: (-(r.year or 0), r.issuer))[:3]
    comp.say(*say.off_topic([(r.issuer, r.year) for r in examples if r.year]))
    return NOT_FOUND


def coverage(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """Which reports the collection holds (of a place or body, when named): one line per body with its
    years, each year cited to its report; past SHOWN bodies, how they spread by province and a count."""
    if not reports:
        return NOT_FOUND
    comp.say(*say.coverage_heading(q.issuers or q.regions, len(reports)))
    by_issuer: dict[str, list[ReportRow]] = {}
    for r in sorted(reports, key=lambda r: (r.issuer, r.year or 0)):
        by_issuer.setdefault(r.issuer, []).append(r)
    if len(by_issuer) > SHOWN:
        counts = Counter(r.province for r in reports)
        years = sorted(r.year for r in reports if r.year)
        comp.say(*say.coverage_summary(counts.most_common(), (years[0], years[-1]) if years else None))
    listed = list(by_issuer.items())[:SHOWN]
    for issuer, held in listed:
        cites = [
            (r.year, r.generation, comp.cite(r, section="", quote=r.title, start=0, end=len(r.title))) for r in held
        ]
        comp.say(*say.coverage_line(issuer, "/".join(held[-1].regions.values()), cites))
    if len(by_issuer) > SHOWN:
        comp.say(*say.not_shown(len(reports) - sum(len(held) for _, held in listed)))
    return ANSWERED


def report_fact(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """A report's own facts: contact details from its text, dates and compiler from its metadata."""
    status = NOT_FOUND
    key = q.report_fact or "published"
    label_zh, label_en = _FACT_LABELS.get(key, (key, key))
    for r in reports[:SHOWN]:
        if key in ("phone", "email", "address"):
            rx = {"phone": _PHONE, "email": _EMAIL, "address": _ADDRESS}[key]
            text = coll.facts.text(r.id)
            m = rx.search(text)
            if not m:
                comp.say(*say.report_fact_missing(r, stated=True))
                continue
            value = (m.group(1) if m.groups() else m.group(0)).strip()
            start = m.start(1) if m.groups() else m.start()
            cid = comp.cite(
                r, section="", quote=line_at(text, start, start + len(value)), start=start, end=start + len(value)
            )
            comp.facts.append(Fact(r.id, r.issuer, r.year, f"report.{key}", key, value, "", cid, "text"))
        else:
            value = {
                "published": r.published.isoformat() if r.published else "",
                "period": f"{r.stat_start.isoformat()} — {r.stat_end.isoformat()}"
                if r.stat_start and r.stat_end
                else "",
                "compiler": r.compiled_by,
            }.get(key, "")
            if not value:
                comp.say(*say.report_fact_missing(r, stated=False))
                continue
            cid = comp.cite(r, section="", quote=f"{label_zh}：{value}（{r.title}）")
            comp.facts.append(Fact(r.id, r.issuer, r.year, f"report.{key}", label_zh, value, "", cid, "metadata"))
        comp.say(*say.report_fact(r, label_zh, label_en, value, cid))
        status = ANSWERED
    if len(reports) > SHOWN:
        comp.say(*say.not_shown(len(reports) - SHOWN, listed=False))
    return status


# ---- passages ---------------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text.lower())
    return {t[i : i + 2] for i in range(len(t) - 1)}


def best_sentences(passage: str, question: str, limit: int = 2) -> str:
    """The sentence(s) of a passage that share most with the question, in passage order."""
    sents = [s.strip() for s in re.split(r"(?<=[。！？；;])|\n+", passage.replace("\f", "")) if s and s.strip()]
    body = [s for s in sents if len(s) > 25 or s[-1] in "。！？；;"]  # headings carry no answer
    sents = body or sents
    if len(sents) <= limit:
        return " ".join(sents)
    q = _bigrams(question)
    scored = sorted(range(len(sents)), key=lambda i: -len(q & _bigrams(sents[i])))[:limit]
    return " … ".join(sents[i] for i in sorted(scored))


def _leading_sentences(text: str, limit: int) -> str:
    out = ""
    for sent in re.split(r"(?<=[。！？；;])", text.replace("\f", "")):
        if out and len(out) + len(sent) > limit:
            return out.strip() + " …"
        out += sent
    return out.strip()


def _section_answer(comp: Composer, coll: Collection, reports: list[ReportRow], sids: set[str]) -> AnswerStatus:
    """ "What problems did X report": the answer is X's own section 五, quoted from its start."""
    status = NOT_FOUND
    for r in reports:
        for s in coll.facts.sections(r.id):
            if s.level != 1 or s.sid not in sids:
                continue
            text = coll.facts.text(r.id)
            body_start = text.find("\n", s.start) + 1 or s.start
            body = text[body_start : s.end].strip()
            if not body:
                continue
            cid = comp.cite(r, section=s.path, quote=body[:600], start=body_start, end=s.end)
            comp.say(*say.passage(r, s.title, _leading_sentences(body, 300), cid))
            status = ANSWERED
    return status


_HOW_MANY = re.compile(r"多少|几[个件条次项篇期场家名人]|how many|how much|number of", re.I)
_SENTENCE = re.compile(r"[^。！？；;\n]+[。！？；;]?")


def _counted(question: str) -> list[str]:
    """What a how-many question counts: the noun after 多少/几 (and its measure word), or the Chinese
    topic words of an English question ("publicity boards" -> 展板)."""
    m = re.search(r"(?:多少|几)[个件条次项篇期场家名人块起份]?([\u4e00-\u9fff]{2,4})", question)
    nouns = [m.group(1)[:3]] if m else []
    return nouns + topic_words(question)


def _figure_sentence(hits: list, question: str) -> tuple[object, str, int, int] | None:
    """For a how-many question answered from the text: the one sentence, among the best passages, that
    holds a number next to what is counted and shares most with the question."""
    want = _bigrams(question) | {b for w in topic_words(question) for b in (_bigrams(w) or {w})}
    counted = [w for w in _counted(question) if w]
    best: tuple[float, object, str, int, int] | None = None
    for rank, h in enumerate(hits[:4]):
        for m in _SENTENCE.finditer(h.text):
            sentence = m.group(0).strip()
            numbers = re.sub(r"(?:19|20)\d{2}年|\d{1,2}月\d{1,2}日", "", sentence)  # dates are not figures
            if not re.search(r"\d", numbers):
                continue
            near = any(
                re.search(rf"\d[\d.,]*[\u4e00-\u9fff()（）]{{0,10}}?{re.escape(w[:2])}", numbers) for w in counted
            )
            score = len(want & _bigrams(sentence)) + 6 * near - 0.5 * rank
            if score > 0 and (best is None or score > best[0]):
                best = (score, h, sentence, m.start(), m.end())
    return best[1:] if best else None


def passages(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow], narrowed: bool) -> AnswerStatus:
    """The best passage (and others nearly as good) for the question, within the reports named; for a
    how-many question, the one sentence that holds the figure."""
    sids = wanted_sections(q.question) & {"s5"}
    if sids and narrowed and 0 < len(reports) <= 3 and q.metric is None:
        status = _section_answer(comp, coll, reports, sids)
        if status == ANSWERED:
            return status
    by_id = {r.id: r for r in coll.reports()}
    hits = coll.search(q.question, [r.id for r in reports] if narrowed else None, k=12)
    how_many = _HOW_MANY.search(q.question) and not q.other_applications  # not the 申请 it is not about
    found = _figure_sentence(hits, q.question) if how_many else None
    if found is not None:
        h, sentence, a, _b = found
        r = by_id.get(h.report_id)
        if r is not None:
            section = str(h.metadata.get("section", ""))
            cid = comp.cite(  # the passage is the citation, the sentence is the answer
                r,
                section=section,
                quote=h.text.replace("\f", ""),
                start=int(h.metadata.get("start", 0)),
                end=int(h.metadata.get("end", 0)),
            )
            comp.say(*say.passage(r, section, sentence, cid))
            return ANSWERED
    if hits:  # the best passage, and others only when they are nearly as good
        top = hits[0].score
        hits = [h for h in hits[:3] if h.score >= 0.85 * top]
    for h in hits:
        r = by_id.get(h.report_id)
        if r is None:
            continue
        section = str(h.metadata.get("section", ""))
        cid = comp.cite(
            r,
            section=section,
            quote=h.text.replace("\f", ""),
            start=int(h.metadata.get("start", 0)),
            end=int(h.metadata.get("end", 0)),
        )
        comp.say(*say.passage(r, section, best_sentences(h.text, q.question), cid))
    return ANSWERED if hits else NOT_FOUND


_YEAR_WORDS = re.compile(r"(?:19|20)\d{2}\s*年?度?|[今去前]年|近[一二三四五两\d]年")


def _without_scope(q: Query) -> str:
    """The question without the years and places that chose its reports: "2019年福建哪些单位提到兼职人员"
    is matched on 兼职人员, not on words no sentence of a report repeats."""
    text = _YEAR_WORDS.sub("", q.question)
    for name in sorted({*q.regions, *q.asked, q.year_words} - {""}, key=len, reverse=True):
        text = text.replace(name, "")
    return text


PRACTICE_PASSAGES = 100  # past NARROW_REPORTS reports, the reports of this many best passages are read


def practice(comp: Composer, coll: Collection, q: Query, reports: list[ReportRow]) -> AnswerStatus:
    """ "哪些单位提到缺少专职人员？": the reports whose own sentences say it, one line per issuer. Up to
    NARROW_REPORTS reports every one is read; in a bigger collection, those of the best passages
    for the question's words (reading every report's text would grow with the collection)."""
    words = _QUESTION_NOISE.sub("", _without_scope(q))
    key_bigrams = _bigrams(words)
    if not key_bigrams:
        return passages(comp, coll, q, reports, bool(reports))
    pool = reports or coll.reports()
    exhaustive = len(pool) <= NARROW_REPORTS
    if not exhaustive:
        by_id = {r.id: r for r in pool}
        ids = [r.id for r in pool] if reports else None
        hits = coll.search(words, ids, k=PRACTICE_PASSAGES, mode="lexical")
        pool = [by_id[i] for i in dict.fromkeys(h.report_id for h in hits) if i in by_id]
    matches = []
    for r in pool:
        best, best_score, best_span = "", 0.0, (0, 0)
        for m in re.finditer(r"[^。！？；;\n]+[。！？；;]?", coll.facts.text(r.id)):
            s = m.group(0).strip()
            if not s:
                continue
            score = len(key_bigrams & _bigrams(s)) / len(key_bigrams)
            if score > best_score:
                best, best_score, best_span = s, score, (m.start(), m.end())
        if best_score >= 0.5:
            matches.append((r, best, best_score, best_span))
    if not matches:
        return passages(comp, coll, q, reports, bool(reports))
    comp.say(*say.practice_heading(len(matches), None if exhaustive else PRACTICE_PASSAGES))
    matches.sort(key=lambda m: -m[2])
    for r, sentence, _score, (a, b) in matches[:SHOWN]:
        section = next((s.path for s in coll.facts.sections(r.id) if s.start <= a < s.end and s.level >= 1), "")
        cid = comp.cite(r, section=section, quote=sentence, start=a, end=b)
        comp.say(*say.practice_line(r, sentence, cid))
    if len(matches) > SHOWN:
        comp.say(*say.not_shown(len(matches) - SHOWN, listed=False))
    return ANSWERED

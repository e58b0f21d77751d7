"""Answers as Markdown for the chat: the answer text, a trend's chart, then one citation card per source.

Everything that comes from a report is escaped: report text is data, never markup.
"""

from __future__ import annotations

import html
import re
from urllib.parse import quote

from assistant.types import Answer, Citation
from ingest.model import needs_warning
from ui.charts import Bar, bar_chart_svg


def esc(text: object) -> str:
    """Escape HTML and the Markdown characters that could turn report text into links or markup. Quotes
    stay as they are: this is text, never an attribute, and "&#x27;" would show as such in the chat."""
    out = html.escape(str(text), quote=False)
    for ch in "[]()*_`#|<>!":
        out = out.replace(ch, "\\" + ch)
    return out


# every ASCII punctuation character: CommonMark lets a backslash make any of them literal
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def literal(text: object) -> str:
    """What a person typed (or a link carried), for a Markdown bubble that must show it exactly as typed:
    every ASCII punctuation character backslash-escaped, so no tag, link, image, autolink (``https\\://``,
    ``www\\.``, ``a\\@b``), emphasis or list can form, and the text reads back whole with :func:`typed`.
    Stricter than :func:`esc`, which keeps report text readable in the API's Markdown too."""
    return _PUNCT.sub(r"\\\1", str(text))


def typed(shown: object) -> str:
    """The text :func:`literal` made a bubble of, as it was typed (the history a browser sends back holds
    the bubbles): each backslash escape undone."""
    return _ESCAPED.sub(r"\1", str(shown))


# a line that starts with its figure ("2件：…", "66: …", "44.64%：…"): the figure in bold, seen first
_LEADING_FIGURE = re.compile(r"^(-?\d[\d,.]*(?:%|\\%)?[\u4e00-\u9fff]{0,2})(：|: )")


def _figure_first(line: str) -> str:
    return _LEADING_FIGURE.sub(r"**\1**\2", line, count=1)


# an escaped citation marker "\\[2\\]" in the answer's text
_MARKER = re.compile(r"\\\[(\d+)\\\]")
CITE_LINK = "#gk-cite-"  # ui/chat.py's script opens the source view when such a link is clicked


def cite_href(c: Citation) -> str:
    """The link a marker carries: the report and the cited span, all the source view needs (so a marker
    in an older answer, or in a history restored after a reload, still opens its own passage)."""
    return f"{CITE_LINK}{c.report_id}-{c.start if c.start is not None else ''}-{c.end if c.end is not None else ''}"


def _linked_markers(line: str, citations: dict[str, Citation]) -> str:
    """Each [n] of an (escaped) line made a link to its passage, the quote as its hover text."""

    def link(m: re.Match[str]) -> str:
        c = citations.get(m.group(1))
        if c is None:
            return m.group(0)
        hover = re.sub(r"\s+", " ", c.quote)[:160].replace("\\", "").replace('"', "″")
        return f'[\\[{c.id}\\]]({cite_href(c)} "{esc_title(hover)}")'

    return _MARKER.sub(link, line)


def esc_title(text: str) -> str:
    """Text for a Markdown link title: HTML escaped (it becomes an attribute), no quote to end it."""
    return html.escape(text, quote=False).replace('"', "″")


MODE_NOTES = {
    "generative": (
        "（由语言模型改写；其中每个数字都已与引用核对）",
        "(Phrased by a language model; every figure checked against the citations.)",
    ),
    "exact_fallback": (
        "（模型的回答含有引用中没有的数字或漏掉了数字，已改为精确答案）",
        "(The model's reply stated a figure not in the citations or left one out; the exact answer is shown.)",
    ),
}


def safe_url(url: str) -> str | None:
    """An http(s) address percent-encoded so that it cannot end a Markdown link or open markup; None else."""
    if not url.lower().startswith(("http://", "https://")):
        return None
    return quote(url, safe=":/?&=%#~+,;@-._")


def origin_link(url: str, fetched: str | None, zh: bool) -> str:
    """A citation's link to the page the report was fetched from."""
    target = safe_url(url)
    if target is None:
        return ""
    words = ("原文" if zh else "original") + (
        f"（{fetched}获取）" if zh and fetched else f" (fetched {fetched})" if fetched else ""
    )
    return f"[{esc(words)}]({target})"


CHART_OPEN, CHART_CLOSE = '<div class="gk-trend">', "</div>"


def _flat(text: str) -> str:
    """One line: a line break in a label would end the Markdown HTML block the chart stands in."""
    return " ".join(str(text).split())


def series_chart(answer: Answer) -> str:
    """A trend's figure over the years as the Compare tab's bar chart (one bar a year, its figure printed
    on it), as an HTML block for the chat bubble; "" when the answer has no series. Its text alternative
    (the SVG's title and aria-label) names what is charted and every year's figure, for a screen reader
    cannot read a bar's length. The chart escapes every label and figure: they are report data."""
    if not answer.series:
        return ""
    zh = answer.language == "zh"
    bars = [
        Bar(
            _flat(p.label),
            float(p.value) if p.value is not None else None,
            _flat(p.text) if p.value is not None else "",
        )
        for p in answer.series
    ]
    if zh:
        years = "；".join(f"{b.label}{'年' if b.label.isdigit() else ''}：{b.text or '无数值'}" for b in bars)
        alt = f"{_flat(answer.series_title) or '逐年数值'}：{years}"
    else:
        years = "; ".join(f"{b.label}: {b.text or 'no value'}" for b in bars)
        alt = f"{_flat(answer.series_title) or 'By year'}: {years}"
    return CHART_OPEN + bar_chart_svg(bars, zh, title=alt, fluid=True) + CHART_CLOSE


def stream_cuts(md: str, step: int) -> list[int]:
    """Where the chat cuts an answer it streams in, every ``step`` characters, the last cut the whole: never
    inside the chart, which is HTML and shows only whole (a cut inside it leaves a broken tag in the bubble)."""
    start = md.find(CHART_OPEN)
    end = md.find(CHART_CLOSE, start) + len(CHART_CLOSE) if start >= 0 else -1
    cuts: list[int] = []
    for i in range(step, len(md) + step, step):
        i = end if start < i < end else min(i, len(md))
        if not cuts or i > cuts[-1]:
            cuts.append(i)
    return cuts


def answer_markdown(answer: Answer) -> str:
    zh = answer.language == "zh"
    by_id = {c.id: c for c in answer.citations}
    parts = ["  \n".join(_linked_markers(_figure_first(esc(line)), by_id) for line in answer.answer.split("\n"))]
    if answer.mode in MODE_NOTES:  # say who wrote the words: the model (checked) or the code (model rejected)
        parts.append("  \n_" + MODE_NOTES[answer.mode][0 if zh else 1] + "_")
    chart = series_chart(answer)
    if chart:  # under the words it draws; an HTML block of its own (blank lines around it), on one line
        parts.append("\n\n" + chart + "\n\n")
    flagged = [f for f in answer.facts if f.note or needs_warning(f.table_status)]
    for f in flagged:  # a figure from a table that is not verified says so, with the reason
        label = "质量提示" if zh else "Quality"
        parts.append(f"  \n⚠ {label} \\[{esc(f.citation)}\\]: {esc(f.note or f.table_status)}")
    if answer.citations:
        parts.append("\n\n---\n**" + ("引用" if zh else "Citations") + "**")
        for c in answer.citations:
            where = [esc(c.issuer), str(c.year or "")]
            if c.table:
                where.append(esc(c.table))
                if c.row:
                    where.append(("行：" if zh else "row: ") + esc(c.row))
                if c.column:
                    where.append(("列：" if zh else "column: ") + esc(c.column))
            elif c.section:
                where.append(esc(c.section))
            if c.page:
                where.append(f"第{c.page}页" if zh else f"p. {c.page}")
            if c.url:
                where.append(origin_link(c.url, c.fetched, zh))
            marker = f"[\\[{c.id}\\]]({cite_href(c)})" if c.start is not None else f"\\[{c.id}\\]"
            parts.append(f"\n\n**{marker}** " + " · ".join(w for w in where if w) + f"  \n> {esc(c.quote)}")
    return "".join(parts)

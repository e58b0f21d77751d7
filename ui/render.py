"""Answers as Markdown for the chat: the answer text, then one citation card per source.

Everything that comes from a report is escaped: report text is data, never markup.
"""

from __future__ import annotations

import html

from assistant.answer import Answer


def esc(text: object) -> str:
    """Escape HTML and the Markdown characters that could turn report text into links or markup."""
    out = html.escape(str(text), quote=True)
    for ch in "[]()*_`#|<>!":
        out = out.replace(ch, "\\" + ch)
    return out


def answer_markdown(answer: Answer) -> str:
    zh = answer.language == "zh"
    parts = [esc(answer.answer).replace("\n", "  \n")]
    flagged = [f for f in answer.facts if f.quality and f.quality not in ("verified", "unchecked", "computed")]
    for f in flagged:  # a figure from a table that is not verified says so, with the reason
        label = "质量提示" if zh else "Quality"
        parts.append(f"  \n⚠ {label} \\[{esc(f.citation)}\\]: {esc(f.quality)}")
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
            parts.append(f"\n\n**\\[{c.id}\\]** " + " · ".join(w for w in where if w) + f"  \n> {esc(c.quote)}")
    return "".join(parts)

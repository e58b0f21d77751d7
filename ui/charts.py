"""The Compare tab's chart: horizontal bars as inline SVG, every bar labelled with its value.

Drawn by hand rather than by a plotting widget because the comparison needs what those do not give
together: a value label on each bar (a figure must be readable, not estimated), a log scale when
values differ by orders of magnitude (3119 beside 0–10 leaves four of five bars invisible on a
linear axis), a visible "no value" row for a report that has none (never dropped silently), labels
that fit a phone (each name on its own line above its bar, never overlapping), and years as years. The
browser renders the CJK text with its own fonts; every label is escaped.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

LOG_RATIO = 50  # the largest value at least this many times the smallest non-zero one: log scale


@dataclass(frozen=True)
class Bar:
    label: str  # "东山县人民政府办公室 2020", or the year alone for one office's trend
    value: float | None  # None: the report holds no value for this metric
    text: str  # the value as the report prints it, with its unit


def use_log(bars: list[Bar]) -> bool:
    values = [b.value for b in bars if b.value is not None and b.value > 0]
    return len(values) >= 2 and max(values) / min(values) >= LOG_RATIO


def bar_chart_svg(
    bars: list[Bar], zh: bool = True, width: int = 480, title: str | None = None, fluid: bool = False
) -> str:
    """The bars as an SVG element, scale chosen from the values. Each report takes two lines, its name
    above its bar, so long names never overlap and the chart reads at a phone's width. ``title``: the
    chart's text alternative (what it shows, every bar's figure), its accessible name and tooltip; a
    screen reader cannot read a figure off a bar.

    ``fluid``: for a page whose HTML sanitiser drops ``viewBox`` (Gradio's chat: its allow-list spells it
    "viewbox", and an SVG attribute keeps its case), which leaves a chart scaled by nothing, 150 px high
    and cut at a phone's width. The height is then given in pixels and every length along the bars in
    percent of the width (a value's label placed by ``dx`` past its bar's end): it fits any bubble."""
    if not bars:
        return ""
    line, gap, left = 18, 30, 4
    row = line + gap
    plot_w = width - left - (144 if fluid else 90)  # a fluid chart keeps 30% for the figure at any width

    def along(px: float) -> str:
        """A length along the bars: user units, or percent of the width for a fluid chart."""
        return f"{px * 100 / width:.2f}%" if fluid else f"{px:.1f}"

    log = use_log(bars)
    known = [b.value for b in bars if b.value is not None]
    top = max(known) if known else 0.0

    def length(v: float) -> float:
        if top <= 0 or v <= 0:
            return 0.0
        if log:
            return plot_w * math.log10(1 + v) / math.log10(1 + top)
        return plot_w * v / top

    height = row * len(bars) + (26 if log else 8)
    scale = ("对数刻度（数值相差悬殊）" if zh else "log scale (values differ by orders of magnitude)") if log else ""
    name = title or ("比较图" if zh else "comparison chart")
    size = f'height="{height}"' if fluid else f'viewBox="0 0 {width} {height}"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gk-chart" {size} '
        f'width="100%" role="img" aria-label="{html.escape(name)}" '
        'style="max-width:640px;font-family:sans-serif;font-size:14px">'
    ]
    if title:
        out.append(f'<title class="gk-alt">{html.escape(title)}</title>')
    for i, b in enumerate(bars):
        y = 4 + i * row
        out.append(
            f'<text x="{left}" y="{y + 14}" fill="currentColor" class="gk-label">'
            f"<title>{html.escape(b.label)}</title>{html.escape(_fit(b.label, width))}</text>"
        )
        bar_y = y + line + 2
        if b.value is None:
            words = html.escape("无数值" if zh else "no value")
            out.append(
                f'<rect x="{left}" y="{bar_y}" width="{along(plot_w * 0.25)}" height="{gap - 10}" fill="none" '
                f'stroke="#999" stroke-dasharray="4 3" class="gk-missing"/>'
                f'<text x="{left + 6}" y="{bar_y + 15}" fill="#777" class="gk-missing-label">{words}</text>'
            )
            continue
        w = max(length(b.value), 1.5)
        # the figure 6 past the bar's end; in a fluid chart the end is a percent, the 6 (and the margin) a dx
        at = f'x="{along(w)}" dx="{left + 6}"' if fluid else f'x="{along(left + w + 6)}"'
        out.append(
            f'<rect x="{left}" y="{bar_y}" width="{along(w)}" height="{gap - 10}" fill="#3b82f6" rx="2"/>'
            f'<text {at} y="{bar_y + 15}" fill="currentColor" class="gk-value">'
            f"{html.escape(b.text)}</text>"
        )
    if scale:
        out.append(f'<text x="{left}" y="{height - 6}" fill="#777" class="gk-scale">{html.escape(scale)}</text>')
    out.append("</svg>")
    return "".join(out)


def _fit(label: str, width: int) -> str:
    """A label cut to the space it has (the whole name stays in the tooltip)."""
    room = max(4, width // 15)
    return label if len(label) <= room else label[: room - 1] + "…"

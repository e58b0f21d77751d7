"""The Compare tab's 同级比较 view: an office and a year, its main figures beside its peers', with its rank
and the median, every figure cited (:func:`assistant.peers.peers`, as GET /api/peers). Report text (names,
quotes) is escaped into the HTML drawn here."""

from __future__ import annotations

import html
from typing import Any

import gradio as gr

from assistant.peers import FIGURES, PeersError, PeerView, peers
from index.collection import Collection
from ui.page.common import bound

WORDS = {
    "中文": {
        "title": "同级比较",
        "office": "单位",
        "year": "年度",
        "run": "同级比较",
        "peers": "同级单位：",
        "rank": "本单位排名",
        "median": "中位数",
        "of": "共{n}个",
        "missing": "当年无报告：",
        "held": "已收录",
        "sources": "出处",
        "none": "—",
        "pick": "请选择单位和年度。",
        "choices": "名称对应多个单位：",
        "alone": "本库未收录其同级单位的报告。",
    },
    "English": {
        "title": "Among its peers",
        "office": "Office",
        "year": "Year",
        "run": "Compare with peers",
        "peers": "Peers: ",
        "rank": "Rank of the office",
        "median": "Median",
        "of": "of {n}",
        "missing": "No report that year: ",
        "held": "held",
        "sources": "Sources",
        "none": "—",
        "pick": "Choose an office and a year.",
        "choices": "The name fits several offices: ",
        "alone": "The collection holds no report of a peer of this office.",
    },
}


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _cell(fig, citations: dict[str, Any], w: dict[str, str]) -> str:
    if fig.value is None:
        return f"<td>{w['none']}</td>"
    marks = "".join(f"<sup>[{_e(c)}]</sup>" for c in fig.citations)
    warn = f" <small>({_e(fig.table_status)})</small>" if fig.table_status else ""
    title = f' title="{_e(fig.formula)}"' if fig.formula else ""
    return f"<td{title}>{_e(fig.value)}{marks}{warn}</td>"


def _citation(c) -> str:
    where = " · ".join(_e(x) for x in (c.table, c.row, c.column) if x) or _e(c.section)
    page = f" p.{c.page}" if c.page else ""
    return f"<li>[{_e(c.id)}] {_e(c.issuer)} {_e(c.year)}{page} · {where}：“{_e(c.quote)}”</li>"


def peers_html(view: PeerView, language: str) -> str:
    """The view as an HTML table: the office first, then its peers; the standings under it; the peers
    without a report; the numbered sources."""
    w = WORDS.get(language, WORDS["中文"])
    en = language == "English"
    labels = [en_label if en else zh for _, zh, en_label in FIGURES]
    head = "".join(f"<th>{_e(x)}</th>" for x in [w["office"], *labels])
    cites = {c.id: c for c in view.citations}
    body = ""
    for row in view.rows:
        name = f"<b>{_e(row.issuer)}</b>" if row.is_office else _e(row.issuer)
        body += f"<tr><td>{name}</td>{''.join(_cell(f, cites, w) for f in row.figures)}</tr>"
    rank = "".join(
        f"<td>{_e(s.rank) if s.rank else w['none']} / {_e(w['of'].format(n=s.of))}</td>" for s in view.standings
    )
    median = "".join(f"<td>{_e(s.median) if s.median is not None else w['none']}</td>" for s in view.standings)
    foot = f"<tr><th>{_e(w['rank'])}</th>{rank}</tr><tr><th>{_e(w['median'])}</th>{median}</tr>"
    missing = ""
    if len(view.rows) == 1 and not view.without_report:
        missing = f"<p class='gk-peers-missing'>{_e(w['alone'])}</p>"
    if view.without_report:
        held = "；".join(
            f"{_e(a.issuer)}（{_e(w['held'])} {_e('、'.join(map(str, a.years)))}）" for a in view.without_report
        )
        missing = f"<p class='gk-peers-missing'>{_e(w['missing'])}{held}</p>"
    sources = "".join(_citation(c) for c in view.citations)
    return (
        f"<div id='gk-peers-view'><p>{_e(view.issuer)} · {_e(view.year)} · {_e(w['peers'])}{_e(view.group)}</p>"
        f"<table class='gk-peers'><thead><tr>{head}</tr></thead><tbody>{body}</tbody><tfoot>{foot}</tfoot></table>"
        f"{missing}<details><summary>{_e(w['sources'])}</summary><ol class='gk-peers-sources'>{sources}</ol></details></div>"
    )


def do_peers(coll: Collection, issuer: str | None, year: str | None, language: str) -> str:
    w = WORDS.get(language, WORDS["中文"])
    if not issuer or not year:
        return f"<p>{_e(w['pick'])}</p>"
    try:
        view = peers(coll, issuer, int(year), "en" if language == "English" else "zh")
    except PeersError as exc:
        choices = f" {_e(w['choices'])}{_e('、'.join(exc.choices))}" if exc.choices else ""
        return f"<p>{_e(exc)}{choices}</p>"
    return peers_html(view, language)


CSS = """
<style>
table.gk-peers { border-collapse: collapse; width: 100%; }
table.gk-peers th, table.gk-peers td { border: 1px solid var(--border-color-primary); padding: 4px 6px; text-align: right; }
table.gk-peers td:first-child, table.gk-peers th:first-child { text-align: left; }
table.gk-peers sup { color: var(--link-text-color); }
</style>
"""


def build(coll: Collection, lang: gr.Radio, tab: gr.Tab) -> dict[str, Any]:
    """The view, inside the Compare tab ``tab``; it follows the page's language itself."""
    with tab, gr.Accordion(WORDS["中文"]["title"], open=True, elem_id="gk-peers") as box:
        gr.HTML(CSS)
        with gr.Row():
            # nothing chosen until the reader chooses (a Dropdown otherwise shows its first choice as chosen)
            office = gr.Dropdown(
                coll.facts.issuers(limit=2000), value=None, label=WORDS["中文"]["office"], allow_custom_value=True
            )
            year = gr.Dropdown([str(y) for y in coll.facts.years()], value=None, label=WORDS["中文"]["year"])
            run = gr.Button(WORDS["中文"]["run"], elem_id="gk-peers-run")
        out = gr.HTML(elem_id="gk-peers-out")
    run.click(bound(do_peers, coll), [office, year, lang], out)

    def relabel(language: str) -> list[Any]:
        w = WORDS.get(language, WORDS["中文"])
        return [
            gr.update(label=w["title"]),
            gr.update(label=w["office"]),
            gr.update(label=w["year"]),
            gr.update(value=w["run"]),
        ]

    lang.change(relabel, lang, [box, office, year, run])
    return {"peers_box": box, "peers_office": office, "peers_year": year, "peers_run": run}

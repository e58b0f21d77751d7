"""The chat tab: questions answered with citations, the cited passage beside the answer, the bodies a
name could mean offered as choices, and the conversation kept in the browser.

Report text is data: it reaches the page only through :func:`ui.render.esc` or ``html.escape``. What a
person types, or a link carries, is text too: its bubble is :func:`ui.render.literal` (no link, image or tag
can form), read back as typed with :func:`ui.render.typed`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.respond import respond as answer_question
from assistant.respond import respond_streaming
from assistant.types import Answer
from index.collection import Collection
from ui.page.common import LABELS, bound
from ui.render import answer_markdown, esc, literal, safe_url, stream_cuts, typed
from ui.schemas import QUESTION_MAX

EXAMPLES = [
    "东山县2020年收到多少政府信息公开申请？",
    "how many disclosure applications did Dongshan County receive in 2020",
    "淮安市2024年予以公开占比是多少？",
    "哪个单位收到的政府信息公开申请最多？",
    "岳溪镇的民事全程代办有多少服务站？",
    "哪些单位提到缺少专职人员？",
    "Which years of Dongshan do you have?",
    "What problems did Yuncheng District report?",
]

# After an answer the chat shows the answer's first line (the figure), not its end.
SHOW_ANSWER_TOP = """
() => {
  const chat = document.querySelector("#gk-chat");
  if (!chat) return;
  const bots = chat.querySelectorAll(".message-row.bot-row, .bot-row, [data-testid='bot']");
  const last = bots[bots.length - 1];
  if (!last) return;
  let box = last.parentElement;
  while (box && box !== chat && box.scrollHeight <= box.clientHeight + 1) box = box.parentElement;
  if (box && box !== chat.parentElement) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
  const r = chat.getBoundingClientRect();
  if (r.top < 0 || r.top > window.innerHeight * 0.5) chat.scrollIntoView({ block: "start" });
}
"""

# A /?q=… link asks its question once: the script takes it from the address and drops it from there
# (history.replaceState), so a reload, a bookmark or the back button does not ask it again.
TAKE_LINK_QUESTION = """
() => {
  const url = new URL(window.location.href);
  const q = url.searchParams.get("q") || "";
  if (url.searchParams.has("q")) {
    url.searchParams.delete("q");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  return q;
}
"""

# As a question is sent, the chat shows it.
SHOW_QUESTION = """
() => {
  const chat = document.querySelector("#gk-chat");
  const bots = chat ? chat.querySelectorAll(".message-row, [data-testid='user'], [data-testid='bot']") : [];
  const last = bots[bots.length - 1];
  if (last) last.scrollIntoView({ block: "nearest" });
}
"""


def source_view(coll: Collection, answer_citations: list[dict[str, Any]], pick: str | None, zh: bool = True) -> str:
    """The report text around a cited passage, the passage highlighted; everything escaped."""
    cite = next((c for c in answer_citations if c["id"] == pick), None)
    if cite is None or cite.get("start") is None:
        return ""
    text = coll.facts.text(cite["report_id"]).replace("\f", "\n")
    start, end = int(cite["start"]), int(cite.get("end") or cite["start"])
    a, b = max(0, start - 300), min(len(text), end + 300)
    body = html.escape(text[a:start]) + "<mark>" + html.escape(text[start:end]) + "</mark>" + html.escape(text[end:b])
    where = html.escape(f"{cite['issuer']} {cite['year']} · {cite.get('section') or ''}")
    if cite.get("page"):
        page = f" · 第{cite['page']}页" if zh else f" · p. {cite['page']}"
    else:
        page = ""
    target = safe_url(cite.get("url") or "")
    if target is not None:  # where a crawl fetched it: the original page, to check against
        when = cite.get("fetched")
        words = (
            ("原文" + (f"（{when}获取）" if when else ""))
            if zh
            else ("original" + (f" (fetched {when})" if when else ""))
        )
        page += (
            f" · <a href='{html.escape(target, quote=True)}' target='_blank' rel='noopener noreferrer'>"
            f"{html.escape(words)}</a>"
        )
    back = "↑ 回到回答" if zh else "↑ Back to the answer"  # on a phone the view is under the chat (ui.chat.CSS)
    return (
        f"<div class='gk-source'><a class='gk-back' href='#gk-chat'>{back}</a>"
        f"<b>{'[' + html.escape(cite['id']) + '] ' if cite['id'] else ''}{where}{page}</b>"
        f"<pre style='white-space:pre-wrap'>{'…' if a else ''}{body}{'…' if b < len(text) else ''}</pre></div>"
    )


def _browser_secret(coll: Collection) -> str:
    """The key the chat history kept in browsers is encrypted with: one per home, made once."""
    import secrets

    path = coll.settings.home / "browser-state.key"
    try:
        return path.read_text().strip() or ""
    except FileNotFoundError:
        key = secrets.token_hex(24)
        path.write_text(key)
        path.chmod(0o600)
        return key


def passage_view(coll: Collection, report_id: str, start: int, end: int, zh: bool = True) -> str:
    """The source view of a passage named by a citation marker's link (report and span alone)."""
    report = coll.facts.report(report_id)
    if report is None:
        return ""
    text = coll.facts.text(report_id)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    sections = [x for x in coll.facts.sections(report_id) if x.start <= start < x.end]
    section = max(sections, key=lambda x: x.level).path if sections else ""
    origin = coll.origin(report_id)
    cite = {
        "id": "",
        "report_id": report_id,
        "issuer": report.issuer,
        "year": report.year,
        "section": section,
        "start": start,
        "end": end,
        "page": text.count("\f", 0, start) + 1 if report.source_format == "pdf" else None,
        "url": origin.url if origin else None,
        "fetched": origin.fetched_at.date().isoformat() if origin else None,
    }
    return source_view(coll, [cite], "", zh)


# ---- the handlers: each takes the collection (and the model) first, bound to them in build()


def too_long(message: str) -> str:
    """The refusal of a question over the API's limit, in both languages (the page's may not be known)."""
    n, cap = len(message), QUESTION_MAX
    return f"问题过长：最多 {cap} 字，现为 {n} 字，请缩短后再发送。 / The question is too long: at most {cap} characters ({n} now)."


def _asked(turn: Any) -> bool:
    return isinstance(turn, dict) and turn.get("role") == "user"


def respond(
    coll: Collection,
    llm: Any | None,
    message: str,
    history: list[dict[str, Any]],
    how: str = "精确 exact",
    seen: dict | None = None,
) -> Iterator[tuple[Any, ...]]:
    """One chat turn, streamed; ``seen`` receives the answer (for the choices it offers)."""
    message = (message or "").strip()
    if not message:
        yield history, "", [], gr.update()
        return
    if len(message) > QUESTION_MAX:  # refused where it was typed, the text kept in the box to shorten
        gr.Warning(too_long(message), duration=20, title="问题过长 / Too long")
        yield history, gr.update(), gr.update(), gr.update()
        return
    users = [{"role": "user", "content": typed(t["content"])} for t in history or [] if _asked(t)]
    history = [*(history or []), {"role": "user", "content": literal(message)}, {"role": "assistant", "content": ""}]
    if llm is not None and how.startswith("生成"):
        shown = ""
        for piece in respond_streaming(message, users, coll, llm):  # tokens as the model writes them
            if isinstance(piece, Answer):  # the checked reply, or the exact answer that replaces it
                answer = piece
                break
            shown += piece
            history[-1] = {"role": "assistant", "content": esc(shown)}
            yield history, "", gr.update(), gr.update()
    else:
        answer = answer_question(message, users, coll)
    md = answer_markdown(answer)
    for i in stream_cuts(md, max(8, len(md) // 12)):  # the answer streams in (a trend's chart whole)
        history[-1] = {"role": "assistant", "content": md[:i]}
        yield history, "", gr.update(), gr.update()
    if seen is not None:
        seen["answer"] = answer
    cites = [c.__dict__ for c in answer.citations]
    choices = _choices(cites)
    yield history, "", cites, gr.update(choices=choices, value=choices[0][1] if choices else None)


def turn(
    coll: Collection, llm: Any | None, message: str, history: list[dict[str, Any]], how: str
) -> Iterator[tuple[Any, ...]]:
    """A chat turn; the bodies its name could mean offered as choices (or hidden); and the source
    view set to this answer's first citation. Set here, not through the citation picker's change
    event, which does not fire when the new answer's first citation has the same number ("1")."""
    if len((message or "").strip()) > QUESTION_MAX:  # refused (by respond), and nothing else on the page changes
        yield from ((*out, *[gr.update()] * 3) for out in respond(coll, llm, message, history, how))
        return
    seen: dict[str, Answer] = {}
    first = True
    for out in respond(coll, llm, message, history, how, seen):
        yield (*out, gr.update(), "" if first else gr.update(), gr.update())  # the last source goes at once
        first = False
    offered = seen["answer"].candidates if "answer" in seen else []
    cites = out[2] if isinstance(out[2], list) else []
    zh = seen["answer"].language == "zh" if "answer" in seen else True
    shown = source_view(coll, cites, cites[0]["id"], zh) if cites else ""
    yield (*out, gr.update(choices=offered, value=None, visible=bool(offered)), shown, out[0])


def ask_one(
    coll: Collection, llm: Any | None, choice: str | None, history: list[dict[str, Any]], how: str
) -> Iterator[tuple[Any, ...]]:
    """The last question again, about the body picked alone."""
    last = next((typed(h["content"]) for h in reversed(history or []) if h.get("role") == "user"), "")
    if not choice or not last:
        yield history, "", gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        return
    yield from turn(coll, llm, f"{choice}：{last.split('：', 1)[-1]}", history, how)


def regenerate(coll: Collection, llm: Any | None, history: list[dict[str, Any]], how: str) -> Iterator[tuple[Any, ...]]:
    """The last question asked again (the retry button under the last answer)."""
    users = [i for i, h in enumerate(history or []) if h.get("role") == "user"]
    if not users:
        yield history, "", gr.update(), gr.update(), gr.update(), gr.update(), gr.update()
        return
    last = users[-1]
    yield from turn(coll, llm, typed(history[last]["content"]), history[:last], how)


def on_load(
    coll: Collection, llm: Any | None, history: list[dict[str, Any]] | None, how: str, question: str | None
) -> Iterator[tuple[Any, ...]]:
    """On load: the conversation kept in this browser; a link /?q=… asks its question (``question``, which
    the page's script took from the address and removed from it: a reload does not ask it again). A
    question over the limit is refused like a typed one, not cut short."""
    question = (question or "").strip()
    history = [h for h in history or [] if isinstance(h, dict) and h.get("role") in ("user", "assistant")]
    if question:
        yield from turn(coll, llm, question, history, how)
    else:
        yield history, gr.update(), gr.update(), gr.update(), gr.update(), gr.update(), gr.update()


def open_link(coll: Collection, link: str, language: str) -> str:
    """The passage a clicked citation marker names: "gk-cite-<report>-<start>-<end>"."""
    m = re.match(r"gk-cite-([0-9a-f]{8,32})-(\d*)-(\d*)", link or "")
    if m is None or not m.group(2):
        return gr.update()
    return passage_view(coll, m.group(1), int(m.group(2)), int(m.group(3) or m.group(2)), language != "English")


def _choices(cites: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The citation picker's entries: "[n] issuer year", each the citation's id."""
    return [(f"[{c['id']}] {c['issuer']} {c['year']}", c["id"]) for c in cites]


def open_marker(coll: Collection, link: str, language: str, cites: list[dict[str, Any]] | None) -> tuple[Any, Any]:
    """A clicked marker's passage, and the citation picker showing that citation: the answer's own when
    the marker is one of the latest answer's; else (a marker of an older answer) an entry of its own."""
    shown = open_link(coll, link, language)
    if not isinstance(shown, str) or not shown:
        return shown, gr.update()
    cites = cites or []
    mine = next((c["id"] for c in cites if link == f"gk-cite-{c['report_id']}-{c.get('start')}-{c.get('end')}"), None)
    if mine is not None:
        return shown, gr.update(choices=_choices(cites), value=mine)
    m = re.search(r"<b>(.*?)</b>", shown)
    words = html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).split(" · ")[0] if m else link
    earlier = "（较早的回答）" if language != "English" else " (an earlier answer)"
    return shown, gr.update(choices=[*_choices(cites), (words + earlier, link)], value=link)


def pick_view(coll: Collection, cites: list[dict[str, Any]] | None, pick: str | None, language: str) -> str:
    """The source view of the citation picked: one of the answer's, or an older answer's marker link."""
    if pick and pick.startswith("gk-cite-"):
        return open_link(coll, pick, language)
    return source_view(coll, cites or [], pick, language != "English")


def keep_feedback(coll: Collection, data: gr.LikeData, history: list[dict[str, Any]]) -> None:
    """A like or dislike of an answer, kept with the question it answered."""
    idx = data.index[0] if isinstance(data.index, list | tuple) else data.index
    question = next((h["content"] for h in reversed(history[:idx]) if h["role"] == "user"), "")
    coll.facts.add_feedback(typed(question), str(history[idx]["content"]), bool(data.liked))


def running() -> tuple[Any, Any]:
    return gr.update(visible=False), gr.update(visible=True)  # Send becomes Stop while answering


def idle() -> tuple[Any, Any]:
    return gr.update(visible=True), gr.update(visible=False)


def build(demo: gr.Blocks, coll: Collection, llm: Any | None, lang: gr.Radio, cites_state: gr.State) -> dict[str, Any]:
    """The tab and its events; ``cites_state`` holds the answer's citations. Returns what the language
    switch relabels."""
    with gr.Tab(LABELS["中文"]["chat"], id="chat") as tab_chat:
        # the source beside the chat on a desktop; on a phone the columns wrap and it sits under the answer
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=340):
                chatbot = gr.Chatbot(
                    height="min(520px, 58vh)",
                    elem_id="gk-chat",
                    label="gongkai",
                    feedback_options=("Like", "Dislike"),
                    autoscroll=False,  # SHOW_ANSWER_TOP shows the answer's first line instead
                    buttons=["copy", "copy_all"],  # no share button: it does nothing offline
                    latex_delimiters=[],  # "$$…$$" a person types stays text (answers have no formulas)
                )
                with gr.Row():
                    box = gr.Textbox(
                        label=LABELS["中文"]["question"],  # its accessible name (shown only to screen readers)
                        placeholder=LABELS["中文"]["box"],
                        show_label=False,
                        scale=8,
                        elem_id="gk-box",
                        lines=1,
                    )
                    send = gr.Button(LABELS["中文"]["send"], variant="primary", scale=1, elem_id="gk-send")
                    stop = gr.Button(LABELS["中文"]["stop"], scale=1, visible=False, elem_id="gk-stop")
                mode = gr.Radio(
                    ["精确 exact", "生成 generative"],
                    value="精确 exact",
                    label="回答方式 / Mode",
                    visible=llm is not None,
                )
                narrow = gr.Radio(label=LABELS["中文"]["narrow"], choices=[], visible=False, elem_id="gk-narrow")
                examples = gr.Dataset(
                    components=[gr.Textbox(visible=False)],
                    samples=[[e] for e in EXAMPLES],
                    label=LABELS["中文"]["examples"],
                    elem_id="gk-examples",
                )
            with gr.Column(scale=2, min_width=300, elem_id="gk-source-panel"):
                pick = gr.Dropdown(label=LABELS["中文"]["pick"], choices=[], interactive=True, elem_id="gk-pick")
                source = gr.HTML(label=LABELS["中文"]["source"], elem_id="gk-source")
                # clicked by the script when a citation marker is clicked (ui.chat.HEAD)
                cite_open = gr.Button("open", elem_id="gk-cite-open", elem_classes="gk-hidden")
                cite_link = gr.Textbox(elem_classes="gk-hidden", show_label=False)  # carries the link
                link_q = gr.Textbox(elem_classes="gk-hidden", show_label=False)  # a /?q= link's question
        # the conversation survives a reload (and a server restart: the secret is kept in the home)
        saved = gr.BrowserState([], storage_key="gongkai-chat", secret=_browser_secret(coll))

    # the kept history is written with the answer's last step, in the same message as the source view:
    # written by a later event, a reload in between lost the last answer (seen under load in CI)
    outputs = [chatbot, box, cites_state, pick, narrow, source, saved]
    ask = bound(turn, coll, llm)  # one handler for every way of asking: Gradio queues them together

    # a closure, not bound(): Gradio finds the event data by the handler's type hints
    def on_like(data: gr.LikeData, history: list[dict[str, Any]]) -> None:
        keep_feedback(coll, data, history)

    asking = []
    for trigger in (box.submit, send.click):
        trigger(None, None, None, js=SHOW_QUESTION)
        started = trigger(running, None, [send, stop], queue=False)
        asking.append(started.then(ask, [box, chatbot, mode], outputs))
    # clicking an example asks it
    started = examples.click(lambda sample: sample[0], examples, box, queue=False).then(
        running, None, [send, stop], queue=False
    )
    asking.append(started.then(ask, [box, chatbot, mode], outputs))
    asking.append(narrow.input(bound(ask_one, coll, llm), [narrow, chatbot, mode], outputs))
    asking.append(chatbot.retry(bound(regenerate, coll, llm), [chatbot, mode], outputs))
    # a /?q= link: its question taken from the address, which then loses it, before the server is asked
    linked = demo.load(None, None, link_q, js=TAKE_LINK_QUESTION)
    asking.append(linked.then(bound(on_load, coll, llm), [saved, mode, link_q], outputs))
    for event in asking:  # after an answer: Stop back to Send, the answer's first line in view
        event.then(idle, None, [send, stop], queue=False).then(None, None, None, js=SHOW_ANSWER_TOP)
    stop.click(idle, None, [send, stop], cancels=asking, queue=False)

    cite_open.click(
        bound(open_marker, coll),
        [cite_link, lang, cites_state],
        [source, pick],
        js="(_, language, cites) => [window.gkCite || '', language, cites]",
        queue=False,
    )
    # "Clear" empties the source view, the citations, the choices and the kept history with the conversation
    chatbot.clear(
        lambda: ([], gr.update(choices=[], value=None), gr.update(choices=[], value=None, visible=False), "", []),
        None,
        [cites_state, pick, narrow, source, saved],
    )
    chatbot.like(on_like, [chatbot], None)
    # .input, not .change: only a reader's pick; an answer (turn) and a marker (open_marker) set the
    # view themselves, and a picker they set must not redraw it
    pick.input(bound(pick_view, coll), [cites_state, pick, lang], source)
    return {
        "tab_chat": tab_chat,
        "box": box,
        "send": send,
        "pick": pick,
        "narrow": narrow,
        "stop": stop,
        "examples": examples,
    }

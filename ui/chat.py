"""The Gradio chat, mounted at / on the API app."""

from __future__ import annotations

import gradio as gr

from assistant.answer import ask
from index.collection import Collection
from ui.render import answer_markdown

EXAMPLES = [
    "东山县2020年收到多少政府信息公开申请？",
    "how many disclosure applications did Dongshan County receive in 2020",
    "淮安市2024年行政复议多少件？",
    "岳溪镇的民事全程代办有多少服务站？",
    "铜川镇有几名信息公开工作人员？",
    "Which problems did Yuncheng District report?",
]


def build_chat(collection: Collection) -> gr.Blocks:
    def respond(message: str, history: list[dict[str, str]]) -> str:
        turns = [{"role": t["role"], "content": str(t["content"])} for t in history or [] if isinstance(t, dict)]
        return answer_markdown(ask(message, turns, collection))

    return gr.ChatInterface(
        respond,
        title="公开 gongkai · 政府信息公开工作年度报告问答",
        description="按报告原表和原文回答，附引用。Answers come from the reports' own tables and sentences, with citations.",
        examples=EXAMPLES,
        cache_examples=False,
    )

"""The Gradio chat mounts on the API app, and its answers carry citations with report text escaped."""

from assistant.answer import Answer, Citation
from ui.render import answer_markdown


def test_app_with_chat_builds_and_serves_the_page(collection):
    from fastapi.testclient import TestClient

    from ui.api import create_app

    app = create_app(collection, with_ui=True)
    with TestClient(app) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<html" in page.text.lower()
        assert c.get("/api/health").status_code == 200


def test_chat_handler_returns_citations(collection):
    from ui.chat import build_chat

    demo = build_chat(collection)
    respond = demo.fn
    md = respond("东山县2020年收到多少政府信息公开申请？", [])
    assert "[1\\]" in md and "表三" in md and "2" in md


def test_report_text_is_escaped():
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">[click](javascript:alert(3))'
    a = Answer("见引用", "answered", [Citation("1", "r", evil, 2020, evil, evil)], [], "zh")
    md = answer_markdown(a)
    assert "<script>" not in md and "<img" not in md and "](javascript" not in md
    assert "&lt;script&gt;" in md

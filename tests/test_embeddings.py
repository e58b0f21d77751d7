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


def test_a_search_within_few_reports_scores_exactly_what_chroma_would_rank(collection):
    """Within EXACT_REPORTS reports the vectors are read and scored here (a filtered HNSW search is slow
    at scale): the same passages in the same order with the same scores as Chroma's own filtered query."""
    from index.vectors import EXACT_REPORTS

    v = collection.vectors
    ids = [r.id for r in collection.reports()]
    assert 1 < len(ids) <= EXACT_REPORTS
    for question in ("政府信息公开申请", "存在的主要问题及改进情况", "administrative reconsideration"):
        for chosen in ([ids[0]], ids[:3], ids):
            ours = v.query(question, chosen, 5)
            where = {"report_id": chosen[0]} if len(chosen) == 1 else {"report_id": {"$in": chosen}}
            res = v.collection.query(query_texts=[question], n_results=5, where=where)
            assert [h.chunk_id for h in ours] == res["ids"][0]
            assert all(abs(h.score - (1 - d)) < 1e-5 for h, d in zip(ours, res["distances"][0], strict=True))
            assert {h.report_id for h in ours} <= set(chosen)


def test_a_search_within_many_reports_keeps_their_nearest(collection, monkeypatch):
    """Past WIDE_REPORTS ids the nearest passages of all are read and kept by report, not filtered in Chroma."""
    import index.vectors

    v = collection.vectors
    chosen = [r.id for r in collection.reports()[:3]]
    where = {"report_id": {"$in": chosen}}
    monkeypatch.setattr(index.vectors, "EXACT_REPORTS", 0)
    monkeypatch.setattr(index.vectors, "WIDE_REPORTS", 1)
    for question in ("政府信息公开申请", "存在的主要问题及改进情况"):
        ours = v.query(question, chosen, 5)
        res = v.collection.query(query_texts=[question], n_results=5, where=where)
        assert [h.chunk_id for h in ours] == res["ids"][0]

"""BM25 over jieba tokens: the retrieval signal that finds "行政处罚2113" and "民事全程代办" when
embeddings do not. Built in memory from the chunks table, rebuilt when the collection changes."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import numpy as np

from ingest.normalize import nfkc

_TOKEN_OK = re.compile(r"[\w\u4e00-\u9fff]")
_STOP = set(
    "的 了 和 与 及 或 在 是 为 对 等 中 年 有 于 以 将 其 之 也 并 而 个 这 那 呢 吗 多少 哪些 什么 怎么 如何".split()
)


def tokenize(text: str) -> list[str]:
    import jieba

    jieba.setLogLevel(60)
    out = []
    for tok in jieba.lcut_for_search(nfkc(text).lower()):
        tok = tok.strip()
        if tok and _TOKEN_OK.search(tok) and tok not in _STOP:
            out.append(tok)
    return out


@dataclass
class LexicalHit:
    index: int
    score: float


class LexicalIndex:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._retriever = None
        self.ids: list[str] = []
        self.report_of: np.ndarray = np.array([], dtype=object)

    def build(self, ids: list[str], tokens: list[list[str]], report_ids: list[str]) -> None:
        """Index pre-tokenized passages (tokenized once, at ingest: jieba is the slow part)."""
        import bm25s

        retriever = bm25s.BM25()
        if tokens:
            retriever.index([t or ["∅"] for t in tokens], show_progress=False)
        with self._lock:
            self._retriever = retriever if tokens else None
            self.ids = list(ids)
            self.report_of = np.array(report_ids, dtype=object)

    def search(self, query: str, report_ids: list[str] | None = None, k: int = 10) -> list[tuple[str, float]]:
        with self._lock:
            retriever, ids, report_of = self._retriever, self.ids, self.report_of
        tokens = tokenize(query)
        if retriever is None or not tokens:
            return []
        mask = None
        if report_ids:
            mask = np.isin(report_of, list(report_ids)).astype(np.float32)
            if not mask.any():
                return []
        k = min(k, len(ids))
        docs, scores = retriever.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        return [(ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=False) if s > 0]

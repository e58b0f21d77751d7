"""The vector index of section chunks, in Chroma (embedded persistent client, or a server by URL).

An embedded Chroma directory has one owner process at a time. Chroma's PersistentClient is not
process-safe: each process keeps its own copy of the HNSW index and writes it back, even when it only
reads (it folds the shared write-ahead log into its copy). Two `gongkai bench ingest` processes on one
home left the index unloadable ("Error loading hnsw index") with 27% of a sample of its vectors under
other passages' ids. Several processes (writers, app servers) share a Chroma server instead.
"""

from __future__ import annotations

import fcntl
import os
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from index.chunking import Chunk
from index.embeddings import ChromaEmbedding
from index.search import Hit
from index.settings import Settings


class VectorStoreBusyError(RuntimeError):
    """Another process owns this embedded vector store."""


_OWNED: dict[Path, int] = {}  # embedded Chroma directory -> the descriptor of this process's lock on it
_OWNING = threading.Lock()  # threads of one process take a directory once (a second flock would fail)
OWNER_FILE = ".gongkai-owner"


def own(path: Path) -> None:
    """Take this Chroma directory for this process (again and again within it), or say who has it.
    The lock is the kernel's: it goes with the process, however that ends."""
    key = path.resolve()
    with _OWNING:
        if key not in _OWNED:
            _OWNED[key] = _lock(key)


def _lock(key: Path) -> int:
    fd = os.open(key / OWNER_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 300).decode(errors="replace").strip() or "another process"
        os.close(fd)
        raise VectorStoreBusyError(
            f"the embedded vector store {key} is in use by {holder}; Chroma's files take one process at a time. "
            "Stop that process (or ask it: the chat, the API), or run a Chroma server (GONGKAI_CHROMA_URL) "
            "for several processes"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"gongkai process {os.getpid()} ({' '.join(os.path.basename(a) for a in sys.argv[:2])})".encode())
    return fd


EXACT_REPORTS = 20  # a search within this many reports scores their vectors here (see VectorIndex.query)
WIDE_REPORTS = 1000  # past this many reports, the nearest WIDE_FACTOR × k of all are read and filtered here
WIDE_FACTOR = 20


class VectorIndex:
    def __init__(self, settings: Settings) -> None:
        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if settings.chroma_url:
            u = urlparse(settings.chroma_url)
            self.client = chromadb.HttpClient(
                host=u.hostname or "localhost", port=u.port or 8000, ssl=u.scheme == "https", settings=chroma_settings
            )
        else:
            settings.chroma_path.mkdir(parents=True, exist_ok=True)
            own(settings.chroma_path)
            self.client = chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
        self.embedding = ChromaEmbedding(settings.embedding_model)
        self.collection = self.client.get_or_create_collection(
            settings.collection_name,
            embedding_function=self.embedding,  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine"},
        )

    def add(self, chunks: list[Chunk], report_meta: dict[str, Any]) -> None:
        if not chunks:
            return
        metas = [
            {**report_meta, "section": c.section_path, "sid": c.sid, "start": c.start, "end": c.end, "text": c.text}
            for c in chunks
        ]
        self.collection.add(ids=[c.id for c in chunks], documents=[c.embed_text for c in chunks], metadatas=metas)

    def add_many(self, items: list[tuple[list[Chunk], dict[str, Any]]]) -> None:
        """Several reports' chunks in one call: embeddings batch better and the index is written once."""
        ids, docs, metas = [], [], []
        for chunks, report_meta in items:
            for c in chunks:
                ids.append(c.id)
                docs.append(c.embed_text)
                metas.append(
                    {
                        **report_meta,
                        "section": c.section_path,
                        "sid": c.sid,
                        "start": c.start,
                        "end": c.end,
                        "text": c.text,
                    }
                )
        for i in range(0, len(ids), 4000):
            self.collection.add(ids=ids[i : i + 4000], documents=docs[i : i + 4000], metadatas=metas[i : i + 4000])

    def delete_report(self, report_id: str) -> None:
        self.collection.delete(where={"report_id": report_id})

    def count(self) -> int:
        return self.collection.count()

    def report_ids(self, page: int = 5000) -> set[str]:
        """Every report id that has vectors (a full scan, for recovery's reconciliation only)."""
        out: set[str] = set()
        offset = 0
        while True:
            res = self.collection.get(include=["metadatas"], limit=page, offset=offset)
            metas = res.get("metadatas") or []
            out.update(str(m.get("report_id")) for m in metas if m)
            if len(metas) < page:
                return out
            offset += page

    def query(self, text: str, report_ids: list[str] | None = None, k: int = 5) -> list[Hit]:
        """The ``k`` passages nearest ``text`` (cosine), within ``report_ids`` when given. Up to
        EXACT_REPORTS reports, their vectors are read and scored here, exactly: Chroma's filtered HNSW
        search costs ~300 ms for one report among 100k vectors (it walks the graph past every vector the
        filter rejects), reading one report's ten vectors ~50 ms."""
        if report_ids and len(report_ids) <= EXACT_REPORTS:
            return self._exact(text, report_ids, k)
        where: dict[str, Any] | None = None
        wanted: set[str] | None = None
        n = k
        if report_ids and len(report_ids) > WIDE_REPORTS:  # a list this long costs more as a filter than
            wanted, n = set(report_ids), k * WIDE_FACTOR  # reading more neighbours and keeping theirs
        elif report_ids:
            where = {"report_id": {"$in": report_ids}}
        res = self.collection.query(query_texts=[text], n_results=n, where=where)
        hits = []
        for cid, meta, dist in zip(res["ids"][0], res["metadatas"][0], res["distances"][0], strict=False):
            meta = dict(meta or {})
            if wanted is None or str(meta.get("report_id")) in wanted:
                hits.append(Hit(cid, str(meta.get("report_id")), str(meta.get("text", "")), 1.0 - float(dist), meta))
        return hits[:k]

    def _exact(self, text: str, report_ids: list[str], k: int) -> list[Hit]:
        where = {"report_id": report_ids[0]} if len(report_ids) == 1 else {"report_id": {"$in": report_ids}}
        got = self.collection.get(where=where, include=["embeddings", "metadatas"])
        ids = got["ids"]
        if not ids:
            return []
        vectors = np.asarray(got["embeddings"], dtype=np.float32)
        q = np.asarray(self.embedding([text])[0], dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1) * (np.linalg.norm(q) or 1.0)
        scores = vectors @ q / np.where(norms == 0, 1.0, norms)
        hits = []
        for i in np.argsort(-scores, kind="stable")[:k]:
            meta = dict(got["metadatas"][i] or {})
            hits.append(Hit(ids[i], str(meta.get("report_id")), str(meta.get("text", "")), float(scores[i]), meta))
        return hits

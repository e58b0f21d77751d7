"""Run a question set against the collection and score it per kind of question.

A question passes when the answer's status is right, every expected figure is among the facts
it states (or, for passages, every expected phrase is in its text), and it cites the expected
reports. A not-found question passes only if no figure is stated at all.

Items with ``gold`` phrases also score retrieval: a retrieved passage is relevant when it
contains a gold phrase (whitespace ignored); recall@1/@5 and MRR over the first five passages.
``--baseline naive`` runs the textbook pipeline beside gongkai on the same questions
(RecursiveCharacterTextSplitter, the same embedding in Chroma, top-4 by similarity, no filters),
scored the same way and generously: its answer is the four passages, and a figure counts as
found when it appears anywhere in them.
"""

from __future__ import annotations

import json
import re
import statistics
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from assistant.respond import respond
from assistant.types import Answer, AnswerStatus, Citation
from assistant.understand import parse
from index.collection import Collection
from ingest.metadata import same_body
from ingest.normalize import compact_str


@dataclass
class Result:
    id: str
    kind: str
    question: str
    passed: bool
    why: str
    seconds: float
    answer: Answer
    ranks: list[int] | None = None  # ranks (1-based) of relevant passages among the first five
    retrieval_seconds: float = 0.0
    citation_precision: float | None = None


@dataclass
class Report:
    system: str = "gongkai"
    results: list[Result] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.passed for r in self.results) / max(1, len(self.results))

    def rows(self) -> list[tuple[str, dict[str, str]]]:
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in self.results:
            groups[r.kind].append(r)
        groups["all"] = list(self.results)
        out = []
        for kind, rs in sorted(groups.items(), key=lambda kv: (kv[0] == "all", kv[0])):
            ret = [r for r in rs if r.ranks is not None]
            prec = [r.citation_precision for r in rs if r.citation_precision is not None]
            lat = sorted(r.seconds * 1000 for r in rs)
            rlat = sorted(r.retrieval_seconds * 1000 for r in ret)
            out.append(
                (
                    kind,
                    {
                        "n": str(len(rs)),
                        "acc": f"{sum(r.passed for r in rs) / len(rs):.1%}",
                        "R@1": f"{sum(bool(r.ranks) and r.ranks[0] == 1 for r in ret) / len(ret):.2f}" if ret else "-",
                        "R@5": f"{sum(bool(r.ranks) for r in ret) / len(ret):.2f}" if ret else "-",
                        "MRR": f"{sum(1 / r.ranks[0] if r.ranks else 0 for r in ret) / len(ret):.2f}" if ret else "-",
                        "cite_prec": f"{statistics.mean(prec):.2f}" if prec else "-",
                        "p50_ms": f"{statistics.median(lat):.1f}",
                        "p95_ms": f"{_p95(lat):.1f}",
                        "ret_p95_ms": f"{_p95(rlat):.1f}" if rlat else "-",
                        "model_used": f"{sum(r.answer.mode == 'generative' for r in rs)}/{len(rs)}",
                    },
                )
            )
        return out

    def table(self) -> str:
        cols = ["n", "acc", "R@1", "R@5", "MRR", "cite_prec", "p50_ms", "p95_ms", "ret_p95_ms"]
        if any(r.answer.mode != "exact" for r in self.results):
            cols.append("model_used")  # generative runs: replies that passed the checks
        lines = [f"[{self.system}]", f"{'kind':<12} " + " ".join(f"{c:>10}" for c in cols)]
        for kind, row in self.rows():
            lines.append(f"{kind:<12} " + " ".join(f"{row[c]:>10}" for c in cols))
        failures = [r for r in self.results if not r.passed]
        if failures:
            lines.append("failures:")
            lines += [f"  {r.id} [{r.kind}] {r.question} — {r.why}" for r in failures]
        return "\n".join(lines)


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    return values[max(0, int(round(0.95 * len(values))) - 1)]


def load_set(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _has(text: str, phrase: str) -> bool:
    return compact_str(phrase) in compact_str(text)


_AMBIGUOUS_WORDS = ("无法确定", "不能确定", "可能为", "cannot tell", "cannot be determined", "ambiguous", "could be")


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").rstrip("%"))
    except (InvalidOperation, AttributeError):
        return None


def _stated_value(v: str, values: set[str]) -> bool:
    """A figure is stated when a fact has it: as written, or as the same number ("3.0" is "3")."""
    if v in values:
        return True
    n = _number(v)
    return n is not None and any(_number(x) == n for x in values)


_MAGNITUDE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)")


def _in_magnitude(quotes: str, value: str) -> bool:
    """A figure the passage writes with 万 or 亿 ("117.72万人次" is 1177200)."""
    n = _number(value)
    scale = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
    return n is not None and any(Decimal(m.group(1)) * scale[m.group(2)] == n for m in _MAGNITUDE.finditer(quotes))


def _body(issuer: str) -> str:
    """One spelling per body for comparing citations: a place and its 人民政府 are one (``same_body``)."""
    return issuer + "人民政府" if same_body(issuer, issuer + "人民政府") else issuer


def score(item: dict, answer: Answer, values_from_text: bool = False) -> tuple[bool, str]:
    """Whether an answer meets a question's expectations, and if not the first reason why."""
    exp = item.get("expect", {})
    values = {f.value for f in answer.facts}
    text = answer.answer + " " + " ".join(c.quote for c in answer.citations)
    if exp.get("no_citations") and answer.citations:
        return False, f"cited {len(answer.citations)} passages for a question not about the reports"
    if exp.get("status") == "not_found":
        why = _not_found_why(exp, answer, values)
        return not why, why
    for check in (_ambiguous_why, _status_why, _figures_why, _cited_why, _quoted_why):
        why = check(exp, answer, values, text, values_from_text)
        if why:
            return False, why
    return True, ""


def _not_found_why(exp: dict, answer: Answer, values: set[str]) -> str:
    if answer.status != "not_found" or answer.facts:
        return f"expected not_found, got {answer.status} with {sorted(values)}"
    absent = [c for c in exp.get("contains", []) if not _has(answer.answer, c)]
    return f"answer lacks {absent}" if absent else ""


def _ambiguous_why(exp: dict, answer: Answer, values: set[str], text: str, values_from_text: bool) -> str:
    if not exp.get("ambiguous"):
        return ""
    said = any(w in answer.answer.lower() for w in _AMBIGUOUS_WORDS)
    shown = all(_has(answer.answer, c) for c in exp["ambiguous"])
    if said and shown:
        return ""
    return f"expected the cell said ambiguous with {exp['ambiguous']}; got {answer.answer[:120]!r}"


def _status_why(exp: dict, answer: Answer, values: set[str], text: str, values_from_text: bool) -> str:
    if answer.status == "not_found":
        return "answered not_found"
    if exp.get("status") and answer.status != exp["status"]:
        return f"status {answer.status}, expected {exp['status']}"
    return ""


def _figures_why(exp: dict, answer: Answer, values: set[str], text: str, values_from_text: bool) -> str:
    missing = [
        v for v in exp.get("values", []) if not (_has(text, v) if values_from_text else _stated_value(v, values))
    ]
    if missing:
        return f"missing figures {missing}; stated {sorted(values)}"
    absent = [c for c in exp.get("contains", []) if not _has(text, c)]
    return f"answer lacks {absent}" if absent else ""


def _cited_why(exp: dict, answer: Answer, values: set[str], text: str, values_from_text: bool) -> str:
    if "cited" in exp:
        # a report titled by its place alone is its government's (莆田市 is 莆田市人民政府, as the audit counts it)
        want = {(_body(i), y) for i, y in exp["cited"]}
        got = {(_body(c.issuer), c.year) for c in answer.citations}
        ok = want <= got if exp.get("cited_any") else want == got
        if not ok:
            return f"cited {sorted(got)}, expected {sorted(want)}"
    stated_absent = [v for v in exp.get("facts_absent", []) if v in values]
    if stated_absent:
        return f"stated {stated_absent}, which the question is not about"
    if "candidates" in exp and not set(exp["candidates"]) <= set(answer.candidates):
        return f"offered {answer.candidates}, expected {exp['candidates']}"
    return ""


def _quoted_why(exp: dict, answer: Answer, values: set[str], text: str, values_from_text: bool) -> str:
    quotes = " ".join(c.quote for c in answer.citations)
    for f in answer.facts:  # every stated figure sits in a cited passage, unless computed from them
        if (
            f.source in ("table", "text")
            and f.value
            and not _has(quotes, f.value)
            and not _in_magnitude(quotes, f.value)
        ):
            return f"figure {f.value} is not in any cited passage"
    return ""


def citation_precision(item: dict, answer: Answer) -> float | None:
    """Share of citations that back what was stated: the figure (for facts) or a gold phrase."""
    by_id = {c.id: c for c in answer.citations}
    if answer.facts:
        checks = [
            _has(by_id[cid].quote, f.value)
            for f in answer.facts
            if f.source in ("table", "text")
            for cid in f.citation.split(",")
            if cid in by_id
        ]
        return sum(checks) / len(checks) if checks else None
    gold = item.get("gold") or item.get("expect", {}).get("contains")
    if gold and answer.citations:
        return sum(any(_has(c.quote, g) for g in gold) for c in answer.citations) / len(answer.citations)
    return None


def _ranks(passages: list[str], gold: list[str]) -> list[int]:
    return [i for i, p in enumerate(passages[:5], 1) if any(_has(p, g) for g in gold)]


def _retrieve(collection: Collection, question: str) -> list[str]:
    """The passages gongkai's own pipeline retrieves: filtered by the issuer/year the question names."""
    reports = collection.reports()
    q = parse(question, [(r.issuer, r.year, r.regions) for r in reports])
    ids = [r.id for r in reports if (not q.issuers or r.issuer in q.issuers) and (not q.years or r.year in q.years)]
    narrowed = bool(q.issuers or q.years)
    return [h.text for h in collection.search(question, ids if narrowed else None, k=5)]


def _stated(item: dict, answer: Answer) -> tuple[bool, str]:
    """A generated reply must itself state every expected figure (the facts list always would)."""
    from assistant.generative import numbers_in, stated

    said = stated(answer.answer)
    expected = item.get("expect", {}).get("values", [])
    missing = [v for v in expected if numbers_in(v) and not numbers_in(v) & said]
    return (False, f"generated reply does not state {missing}") if missing else (True, "")


def run(path: str | Path, collection: Collection, llm: Any | None = None) -> Report:
    """Score a question set; with ``llm``, through the generative mode (``Result.answer.mode`` says
    whether the model's reply was used or the exact answer replaced it)."""
    report = Report("gongkai" if llm is None else "gongkai generative")
    for item in load_set(path):
        t0 = time.perf_counter()
        try:
            answer = respond(item["question"], item.get("history"), collection, llm)
        except Exception as exc:  # a crash is a failed question, and the run goes on to report it
            answer = Answer(f"{type(exc).__name__}: {exc}", AnswerStatus.NOT_FOUND)
            result = Result(
                item["id"], item["kind"], item["question"], False, f"error {type(exc).__name__}: {exc}", 0.0, answer
            )
            report.results.append(result)
            continue
        seconds = time.perf_counter() - t0
        ok, why = score(item, answer)
        if ok and answer.mode == "generative":
            ok, why = _stated(item, answer)
        result = Result(item["id"], item["kind"], item["question"], ok, why, seconds, answer)
        result.citation_precision = citation_precision(item, answer)
        if item.get("gold"):
            t1 = time.perf_counter()
            passages = _retrieve(collection, item["question"])
            result.retrieval_seconds = time.perf_counter() - t1
            result.ranks = _ranks(passages, item["gold"])
        report.results.append(result)
    return report


class NaiveBaseline:
    """The textbook pipeline: fixed-size splits, the same embedding, top-4 by similarity, no filters."""

    def __init__(self, collection: Collection) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from index.embeddings import ChromaEmbedding

        splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.col = client.create_collection(
            f"naive_{uuid.uuid4().hex}",
            embedding_function=ChromaEmbedding(collection.settings.embedding_model),  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine"},
        )
        self.reports = {r.id: r for r in collection.reports()}
        ids, docs, metas = [], [], []
        for r in self.reports.values():
            for i, piece in enumerate(splitter.split_text(collection.facts.text(r.id))):
                ids.append(f"{r.id}:{i}")
                docs.append(piece)
                metas.append({"report_id": r.id})
        self.col.add(ids=ids, documents=docs, metadatas=metas)

    def passages(self, question: str, k: int = 4) -> list[tuple[str, str]]:
        res = self.col.query(query_texts=[question], n_results=k)
        return [(m["report_id"], d) for m, d in zip(res["metadatas"][0], res["documents"][0], strict=False)]

    def ask(self, question: str) -> Answer:
        found = self.passages(question)
        cites = [
            Citation(str(i), rid, self.reports[rid].issuer, self.reports[rid].year, "", text)
            for i, (rid, text) in enumerate(found, 1)
        ]
        return Answer("\n\n".join(t for _, t in found), "answered", cites, [], "zh")


def run_naive(path: str | Path, collection: Collection) -> Report:
    baseline = NaiveBaseline(collection)
    report = Report("naive baseline")
    for item in load_set(path):
        t0 = time.perf_counter()
        answer = baseline.ask(item["question"])
        seconds = time.perf_counter() - t0
        ok, why = score(item, answer, values_from_text=True)
        result = Result(item["id"], item["kind"], item["question"], ok, why, seconds, answer)
        result.citation_precision = citation_precision(item, answer)
        if item.get("gold"):
            result.retrieval_seconds = seconds
            result.ranks = _ranks([c.quote for c in answer.citations], item["gold"])
        report.results.append(result)
    return report

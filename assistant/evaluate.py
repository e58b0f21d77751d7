"""Run a question set against the collection and score it per kind of question.

A question passes when the answer's status is right, every expected figure is among the facts
it states (or, for passages, every expected phrase is in its text), and it cites exactly the
expected reports. A not-found question passes only if no figure is stated at all.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from assistant.answer import Answer, ask
from index.collection import Collection


@dataclass
class Result:
    id: str
    kind: str
    question: str
    passed: bool
    why: str
    seconds: float
    answer: Answer


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return sum(r.passed for r in self.results) / max(1, len(self.results))

    def by_kind(self) -> dict[str, tuple[int, int]]:
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for r in self.results:
            out[r.kind][0] += r.passed
            out[r.kind][1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(out.items())}

    def table(self) -> str:
        lines = [f"{'kind':<14} {'passed':>7} {'total':>6} {'accuracy':>9}"]
        for kind, (ok, n) in self.by_kind().items():
            lines.append(f"{kind:<14} {ok:>7} {n:>6} {ok / n:>9.1%}")
        lat = sorted(r.seconds * 1000 for r in self.results)
        p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else 0.0
        lines.append(
            f"{'all':<14} {sum(r.passed for r in self.results):>7} {len(self.results):>6} {self.accuracy:>9.1%}"
        )
        lines.append(f"latency p50 {statistics.median(lat) if lat else 0:.1f} ms · p95 {p95:.1f} ms")
        failures = [r for r in self.results if not r.passed]
        if failures:
            lines.append("failures:")
            lines += [f"  {r.id} [{r.kind}] {r.question} — {r.why}" for r in failures]
        return "\n".join(lines)


def load_set(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score(item: dict, answer: Answer) -> tuple[bool, str]:
    exp = item.get("expect", {})
    values = {f.value for f in answer.facts}
    if exp.get("status") == "not_found":
        if answer.status != "not_found" or answer.facts:
            return False, f"expected not_found, got {answer.status} with {sorted(values)}"
    elif answer.status == "not_found":
        return False, "answered not_found"
    missing = [v for v in exp.get("values", []) if v not in values]
    if missing:
        return False, f"missing figures {missing}; stated {sorted(values)}"
    text = answer.answer + " ".join(c.quote for c in answer.citations)
    absent = [c for c in exp.get("contains", []) if c not in text]
    if absent:
        return False, f"answer lacks {absent}"
    if "cited" in exp:
        want = {(i, y) for i, y in exp["cited"]}
        got = {(c.issuer, c.year) for c in answer.citations}
        ok = want <= got if exp.get("cited_any") else want == got
        if not ok:
            return False, f"cited {sorted(got)}, expected {sorted(want)}"
    # every stated figure must sit in a cited passage or be a computed one
    quotes = " ".join(c.quote for c in answer.citations)
    for f in answer.facts:
        if (
            f.source in ("table", "text")
            and f.value
            and f.value not in quotes.replace(" ", "")
            and f.value not in quotes
        ):
            return False, f"figure {f.value} is not in any cited passage"
    return True, ""


def run(path: str | Path, collection: Collection) -> Report:
    report = Report()
    for item in load_set(path):
        t0 = time.perf_counter()
        answer = ask(item["question"], item.get("history"), collection)
        seconds = time.perf_counter() - t0
        ok, why = score(item, answer)
        report.results.append(Result(item["id"], item["kind"], item["question"], ok, why, seconds, answer))
    return report

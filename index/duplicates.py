"""How alike two reports' texts are: a near-duplicate is reported as such when it is ingested.

Character 4-grams of the text with whitespace and punctuation dropped, compared as sets (Jaccard
resemblance). Whitespace is the first thing a re-export changes (a crawl puts a page on one line,
a PDF wraps it), so it must not count; one changed figure or a new title changes a handful of
shingles out of thousands.
"""

from __future__ import annotations

import re

NEAR_DUPLICATE = 0.85  # resemblance from which two reports of one issuer and year are one report's versions
_DROP = re.compile(r"[\s\u3000，。、；：:;,.!！?？()（）\[\]【】“”\"'‘’《》<>\-—_|]+")


def shingles(text: str, k: int = 4) -> frozenset[str]:
    compact = _DROP.sub("", text)
    return frozenset(compact[i : i + k] for i in range(max(1, len(compact) - k + 1)))


def resemblance(a: frozenset[str], b: frozenset[str]) -> float:
    """|a ∩ b| / |a ∪ b|: 1.0 for the same text, near 0 for unrelated ones."""
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)

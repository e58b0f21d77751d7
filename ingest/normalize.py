"""Text normalisation for matching, with a map back to the original offsets.

Reports mix full- and half-width punctuation, letter-space their labels ("规  章", "行 政 复 议")
and wrap them across lines. Matching therefore runs on a *compact* form (NFKC, whitespace
removed, quotes and list markers unified), while citations keep offsets into the original text:
:class:`Compact` carries both.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "＂": '"'})
_WS = re.compile(r"\s", re.UNICODE)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


@dataclass(frozen=True)
class Compact:
    """Whitespace-free NFKC text plus, for every character, its offset in the source."""

    text: str
    offsets: tuple[int, ...]
    source_len: int

    def start(self, i: int) -> int:
        """Source offset of compact position ``i`` (``len`` maps to the end of the source)."""
        return self.offsets[i] if i < len(self.offsets) else self.source_len

    def end(self, i: int) -> int:
        """Source offset just past compact position ``i - 1``."""
        return self.offsets[i - 1] + 1 if i > 0 else 0


@lru_cache(maxsize=8192)
def _compact_char(ch: str) -> str:
    """A character's NFKC form without whitespace ("" for a space, "(" for "（")."""
    return "".join(c for c in nfkc(ch) if not _WS.match(c))


@lru_cache(maxsize=64)
def compact(text: str) -> Compact:
    """Cached: the same report text is compacted by several stages."""
    chars: list[str] = []
    offsets: list[int] = []
    prev_digit = False
    for i, ch in enumerate(text):
        norm = _compact_char(ch)
        if norm == "、" and prev_digit:
            norm = "."  # "1、" -> "1."
        for c in norm:
            chars.append(c)
            offsets.append(i)
        prev_digit = ch.isdigit()
    return Compact("".join(chars), tuple(offsets), len(text))


@lru_cache(maxsize=32)
def compact_str(text: str) -> str:
    """Compact text alone; cached, since several stages compact the same report text."""
    return compact(text).text


NULL_MARKERS = {"-", "—", "–", "/", "N/A", "n/a", "－", "——"}
NARRATIVE_ZEROS = ("无", "没有", "未发生", "为零", "为0")

_NUMBER = re.compile(r"^(?P<sign>[-−])?(?P<num>\d+(?:\.\d+)?)(?P<unit>万元|元|件|项|条|个|宗|次|人)?$")


def parse_number(token: str) -> tuple[Decimal, str | None] | None:
    """Parse a table or prose number token ("12", "-3", "48.7508万元", "1,234") or return None."""
    t = nfkc(token).strip().replace(",", "")
    m = _NUMBER.match(t)
    if not m:
        return None
    try:
        value = Decimal(m.group("num"))
    except InvalidOperation:
        return None
    if m.group("sign"):
        value = -value
    return value, m.group("unit")


def format_value(value: Decimal | None) -> str:
    """Render a stored value the way reports print it: no exponent, no trailing '.0'."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"

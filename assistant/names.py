"""Issuer names as people write them: full names, short names, place units, English and pinyin.

Aliases are generated from each report's own issuer name (pypinyin plus a suffix table), never
from a hand list per place, so a newly ingested report is findable by its English name at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pypinyin import lazy_pinyin

from ingest.metadata import _unit_at, place_units

BODY_SUFFIXES = ("人民政府办公室", "人民政府办公厅", "政府办公室", "人民政府", "政府办", "办公室", "政府")
EN_SUFFIX = {
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "省": "Province",
    "市": "City",
    "州": "Prefecture",
    "盟": "League",
    "县": "County",
    "旗": "Banner",
    "区": "District",
    "镇": "Town",
    "乡": "Township",
    "街道": "Subdistrict",
    "苏木": "Sumu",
}


@dataclass(frozen=True)
class Alias:
    text: str
    english: bool


def english_name(unit: str) -> tuple[str, str]:
    """('Dongshan County', 'Dongshan') for 东山县."""
    for suffix in sorted(EN_SUFFIX, key=len, reverse=True):
        if unit.endswith(suffix) and len(unit) > len(suffix):
            stem = unit[: -len(suffix)]
            py = "".join(lazy_pinyin(stem)).capitalize()
            return f"{py} {EN_SUFFIX[suffix]}", py
    py = "".join(lazy_pinyin(unit)).capitalize()
    return py, py


def aliases(issuer: str) -> list[Alias]:
    out = {issuer}
    for suffix in BODY_SUFFIXES:
        if issuer.endswith(suffix) and len(issuer) > len(suffix) + 1:
            out.add(issuer[: -len(suffix)])
            out.add(issuer[: -len(suffix)] + "政府")
    units = place_units(issuer)
    english: set[str] = set()
    if units:
        own = units[-1]
        out.add(own)
        for suffix in sorted(EN_SUFFIX, key=len, reverse=True):
            if own.endswith(suffix) and len(own) - len(suffix) >= 2:
                out.add(own[: -len(suffix)])
                break
        full, stem = english_name(own)
        english.update({full, stem})
    return [Alias(a, False) for a in out] + [Alias(a, True) for a in english]


def match_issuers(question: str, issuers: list[str]) -> list[str]:
    """Issuers named in the question; the longest matching alias wins, ties keep all."""
    best_len, best = 0, []
    q_lower = question.lower()
    for issuer in issuers:
        for a in aliases(issuer):
            if a.english:
                hit = re.search(r"\b" + re.escape(a.text.lower()) + r"\b", q_lower) is not None
            else:
                hit = a.text in question
            if hit:
                if len(a.text) > best_len:
                    best_len, best = len(a.text), [issuer]
                elif len(a.text) == best_len and issuer not in best:
                    best.append(issuer)
    return best


_EN_PLACE = re.compile(
    r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s(County|District|Town|Township|City|Province|Prefecture|Banner)\b"
)


def unknown_places(question: str, issuers: list[str]) -> list[str]:
    """Place names in the question that no issuer in the collection carries."""
    known = {a.text.lower() for i in issuers for a in aliases(i)}
    found: list[str] = []
    pos = 0
    while pos < len(question):
        unit = _unit_at(question, pos)
        if unit and len(unit) >= 3 and unit not in known and not any(unit in k for k in known):
            found.append(unit)
            pos += len(unit)
        else:
            pos += 1
    for m in _EN_PLACE.finditer(question):
        if m.group(0).lower() not in known:
            found.append(m.group(0))
    return found

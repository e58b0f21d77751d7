"""Parent regions of a county or city, from the GB/T 2260 division codes the ``gb2260`` package ships.

A report names itself "东山县人民政府办公室"; people ask for "福建的报告". The code of 东山县
(350626) carries its prefecture (3506xx, 漳州市) and province (35xxxx, 福建省). Parents are
added only when the name is unique in the code table (or the report's own text already names
the parent), never guessed between two places of the same name. The table ends in 2013, so
later renamings (开县 → 开州区, 2016) are simply not found.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, set[int]], dict[int, str]]:
    from gb2260 import data

    by_name: dict[str, set[int]] = {}
    by_code: dict[int, str] = {}
    revisions = sorted((k for k in data.data if k is not None), key=lambda k: k if k > 9999 else k * 100)
    for rev in [*revisions, None]:  # later revisions overwrite earlier names
        for code, name in data.data.get(rev, {}).items():
            by_code[code] = name
    for code, name in by_code.items():
        if name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            by_name.setdefault(name, set()).add(code)
    return by_name, by_code


def parents(unit: str, stated: dict[str, str] | None = None) -> dict[str, str]:
    """{'province': …, 'city': …} above a county- or city-level unit, when it can be told apart."""
    try:
        by_name, by_code = _names()
    except ImportError:  # the package is a dependency; without it regions stay as stated
        return {}
    codes = by_name.get(unit, set())
    stated_names = set((stated or {}).values())
    if len(codes) > 1 and stated_names:
        codes = {c for c in codes if {by_code.get(c // 100 * 100), by_code.get(c // 10000 * 10000)} & stated_names}
    if len(codes) != 1:
        return {}
    code = next(iter(codes))
    out: dict[str, str] = {}
    province = by_code.get(code // 10000 * 10000)
    if province and code % 10000:
        out["province"] = province
    city = by_code.get(code // 100 * 100)
    if city and code % 100 and city != "市辖区" and code // 100 * 100 != code // 10000 * 10000:
        out["city"] = city
    return out


def division_names() -> dict[str, str]:
    """Every division name in the code table with its level: province, city or county."""
    try:
        by_name, _ = _names()
    except ImportError:
        return {}
    out = {}
    for name, codes in by_name.items():
        code = min(codes)
        out[name] = "province" if code % 10000 == 0 else "city" if code % 100 == 0 else "county"
    return out


def known(unit: str) -> bool:
    """Whether a province, city or county of this exact name exists in the code table."""
    try:
        by_name, _ = _names()
    except ImportError:
        return True  # nothing to check against: trust the text
    return unit in by_name


def one_off(unit: str, context: set[str] | None = None) -> list[str]:
    """Existing division names that differ from ``unit`` in a single character (same length, same
    suffix) — an OCR misreading such as 休宁县 read as 休宇县. ``context`` (the city or province the
    text names right before it) keeps those under it. One candidate can be taken; several cannot
    (黝县 under 黄山市 is one character from both 黟县 and 歙县)."""
    try:
        by_name, by_code = _names()
    except ImportError:
        return []
    if unit in by_name or len(unit) < 2:
        return []
    found = []
    for name, codes in by_name.items():
        if len(name) != len(unit) or name[-1] != unit[-1]:
            continue
        if sum(1 for a, b in zip(name, unit, strict=True) if a != b) != 1:
            continue
        if context:
            parents_of = {by_code.get(c // 100 * 100) for c in codes} | {by_code.get(c // 10000 * 10000) for c in codes}
            if not parents_of & context:
                continue
        found.append(name)
    return sorted(found)

"""Issuer names as people write them: full names, short names, place units, English and pinyin.

Aliases are generated from each report's own issuer name (pypinyin plus a suffix table), never
from a hand list per place, so a newly ingested report is findable by its English name at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from ingest.metadata import _unit_at, place_units

BODY_SUFFIXES = ("人民政府办公室", "人民政府办公厅", "政府办公室", "人民政府", "政府办", "办公室", "政府")
EN_SUFFIX = {
    "综合实验区": "Comprehensive Experimental Zone",
    "经济开发区": "Economic Development Zone",
    "新区": "New Area",
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


@lru_cache(maxsize=100_000)  # a place unit recurs across a catalog's issuers; pinyin is the slow part
def english_name(unit: str) -> tuple[str, str]:
    """('Dongshan County', 'Dongshan') for 东山县."""
    for suffix in sorted(EN_SUFFIX, key=len, reverse=True):
        if unit.endswith(suffix) and len(unit) > len(suffix):
            stem = unit[: -len(suffix)]
            py = "".join(lazy_pinyin(stem)).capitalize()
            return f"{py} {EN_SUFFIX[suffix]}", py
    py = "".join(lazy_pinyin(unit)).capitalize()
    return py, py


_STEM = re.compile(r"(?:市|县|区|镇|乡|旗)$")


@lru_cache(maxsize=100_000)
def aliases(issuer: str) -> list[Alias]:
    out = {issuer}
    for suffix in BODY_SUFFIXES:
        if issuer.endswith(suffix) and len(issuer) > len(suffix) + 1:
            out.add(issuer[: -len(suffix)])
            out.add(issuer[: -len(suffix)] + "政府")
    units = place_units(issuer)
    english: set[str] = set()
    place = "".join(units)
    if issuer.endswith("人民政府办公室") and place:
        # the government's general office as people shorten it: 市府办, 县政府办, 莆田市政府办公室
        for head in {place, units[-1], _STEM.sub("", units[-1])}:
            out.update({head + "府办", head + "政府办", head + "政府办公室"})
        level = units[-1][-1]
        out.update({level + "府办", level + "政府办"})
    dept = issuer[len(place) :] if units and issuer.startswith(place) else ""
    if len(dept) >= 3 and not dept.startswith(BODY_SUFFIXES) and not dept.startswith("人民"):
        # a department as people name it without its place: "交通与建设局", "市场监督管理局"
        out.add(dept)
        for suffix in ("综合实验区", "经济开发区", "新区"):
            if place.endswith(suffix) and len(place) > len(suffix) + 1:
                out.add(place[: -len(suffix)] + dept)  # "平潭交通与建设局"
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


def normal_en(text: str) -> str:
    """Lower case without apostrophes: "Huai'an" is "huaian", and so is the possessive "Huai'an's"."""
    return re.sub(r"['’`]", "", re.sub(r"['’]s\b", "", text.lower()))


@dataclass(frozen=True)
class NameIndex:
    """Every alias of every issuer, for lookups by substring instead of a scan over all issuers."""

    zh: dict[str, tuple[str, ...]]
    en: dict[str, tuple[str, ...]]  # normalised English alias -> issuers
    known: frozenset[str]  # every alias, lower-cased
    max_zh: int
    max_en_words: int


@lru_cache(maxsize=4)
def name_index(issuers: tuple[str, ...]) -> NameIndex:
    zh: dict[str, list[str]] = {}
    en: dict[str, list[str]] = {}
    for issuer in issuers:
        for a in aliases(issuer):
            (en if a.english else zh).setdefault(normal_en(a.text) if a.english else a.text, []).append(issuer)
    known = frozenset({k.lower() for k in zh} | set(en))
    return NameIndex(
        {k: tuple(dict.fromkeys(v)) for k, v in zh.items()},
        {k: tuple(dict.fromkeys(v)) for k, v in en.items()},
        known,
        max((len(k) for k in zh), default=0),
        max((len(k.split()) for k in en), default=0),
    )


def match_issuers(question: str, issuers: list[str]) -> list[str]:
    """Issuers named in the question. Where aliases overlap ("东山县" and "东山") the longer one wins;
    issuers named in different places of the question are all kept."""
    index = name_index(tuple(issuers))
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    for i in range(len(question)):
        for n in range(2, min(index.max_zh, len(question) - i) + 1):
            hit = index.zh.get(question[i : i + n])
            if hit:
                spans.append((i, i + n, hit))
    words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"[a-z0-9]+", normal_en(question))]
    for i in range(len(words)):
        for n in range(1, min(index.max_en_words, len(words) - i) + 1):
            phrase = " ".join(w for _, _, w in words[i : i + n])
            hit = index.en.get(phrase)
            if hit:
                spans.append((1_000_000 + words[i][0], 1_000_000 + words[i + n - 1][1], hit))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: list[tuple[int, int]] = []
    found: list[str] = []
    for a, b, hit in spans:
        if any(x < b and a < y for x, y in taken):
            continue
        taken.append((a, b))
        for issuer in hit:  # an alias several issuers share (two 东山): keep them all
            if issuer not in found:
                found.append(issuer)
    return found


_EN_PLACE = re.compile(
    r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\s(County|District|Town|Township|City|Province|Prefecture|Banner)\b"
)


@lru_cache(maxsize=1)
def _known_places() -> tuple[dict[str, str], dict[str, str]]:
    """Chinese stems of provinces and prefectures, and pinyin of every division, mapped to the full name."""
    from ingest.gazetteer import division_names

    stems: dict[str, str] = {}
    pinyin: dict[str, str] = {}
    for name, level in division_names().items():
        stem = name
        for suffix in sorted(EN_SUFFIX, key=len, reverse=True):
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem = name[: -len(suffix)]
                break
        if level in ("province", "city") and len(stem) >= 2:
            stems.setdefault(stem, name)
        py = "".join(lazy_pinyin(stem)).lower()
        if len(py) >= 5:
            pinyin.setdefault(py, name)
    return stems, pinyin


def unknown_places(question: str, issuers: list[str], regions: list[str] | None = None) -> list[str]:
    """Place names in the question that no report in the collection carries.

    Chinese names are found by their unit suffix (海淀区) or, for provinces and prefectures, by
    their stem (上海); English names by the pinyin of any division (Haidian, Shanghai).
    """
    known = set(name_index(tuple(issuers)).known) | _region_index(tuple(sorted(set(regions or []))))[2]
    found: list[str] = []
    pos = 0
    while pos < len(question):
        unit = _unit_at(question, pos)
        if not unit:
            pos += 1
            continue
        if (
            (len(unit) >= 3 or unit.endswith(("县", "旗")) and unit[0] not in "本全该此各每我邻")
            and unit.lower() not in known
            and not any(unit in k or (len(k) >= 2 and unit.endswith(k)) for k in known)
        ):
            found.append(unit)
        pos += len(unit)
    for m in _EN_PLACE.finditer(question):
        if m.group(0).lower() not in known:
            found.append(m.group(0))
    stems, pinyin = _known_places()
    for stem, name in stems.items():
        if stem in question and not any(stem in k for k in known) and name not in found:
            found.append(name)
    for m in re.finditer(r"[A-Za-z']+", question):
        token = normal_en(m.group(0))
        capitalised = m.group(0)[:1].isupper()
        if token in pinyin and (capitalised or len(token) >= 7) and token not in known:
            if not any(token in k.replace(" ", "") for k in known) and m.group(0) not in found:
                found.append(m.group(0))
    return found


@lru_cache(maxsize=100_000)
def region_aliases(name: str) -> frozenset[str]:
    """福建省 -> 福建省, 福建, Fujian, Fujian Province."""
    out = {name}
    for suffix in sorted(EN_SUFFIX, key=len, reverse=True):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            out.add(stem)
            full, py = english_name(name)
            out.update({full, py})
            break
    return frozenset(out)


@lru_cache(maxsize=4)
def _region_index(names: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(Chinese alias -> region, English alias -> region, every alias lower-cased) for the catalog's regions."""
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):
        for alias in region_aliases(name):
            (en if alias.isascii() else zh).setdefault(normal_en(alias) if alias.isascii() else alias, name)
    return zh, en, frozenset({k.lower() for k in zh} | set(en))


def match_regions(question: str, regions: list[dict[str, str]]) -> list[str]:
    """Region names (province, city or county) the question mentions, as the reports write them."""
    names = tuple(sorted({n for r in regions for level, n in r.items() if level != "town"}))
    zh, en, _ = _region_index(names)
    found: list[str] = []
    for alias in sorted((a for a in zh if a in question), key=len, reverse=True):
        if zh[alias] not in found:
            found.append(zh[alias])
    words = re.findall(r"[a-z0-9]+", normal_en(question))
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            name = en.get(" ".join(words[i : i + n]))
            if name and name not in found:
                found.append(name)
    return found


# ---- departments: short forms and English ----------------------------------------------------

# how a department's name ends; what comes before is its stem ("交通与建设" + "局")
DEPT_SUFFIXES = (
    "管理委员会",
    "委员会",
    "办公室",
    "管委会",
    "局",
    "委",
    "办",
    "中心",
    "厅",
    "署",
    "院",
    "馆",
    "站",
    "队",
    "处",
    "所",
)
# English words of departments, to the Chinese they stand for; a body matches when its stem has them all
EN_DEPT_WORDS: dict[str, str] = {
    "transport": "交通",
    "transportation": "交通",
    "traffic": "交通",
    "construction": "建设",
    "market regulation": "市场监督",
    "market supervision": "市场监督",
    "natural resources": "自然资源",
    "ecology": "生态",
    "ecological": "生态",
    "environment": "环境",
    "environmental": "环境",
    "agriculture": "农业",
    "agricultural": "农业",
    "rural": "农村",
    "social affairs": "社会事业",
    "social undertakings": "社会事业",
    "tourism": "旅游",
    "culture": "文化",
    "sports": "体育",
    "law enforcement": "执法",
    "emergency": "应急",
    "state assets": "国有资产",
    "state-owned assets": "国有资产",
    "investment promotion": "投资促进",
    "investment": "投资",
    "education": "教育",
    "finance": "财政",
    "public security": "公安",
    "health": "卫生健康",
    "civil affairs": "民政",
    "justice": "司法",
    "commerce": "商务",
    "water": "水利",
    "housing": "住房",
    "human resources": "人力资源",
    "statistics": "统计",
    "audit": "审计",
    "forestry": "林业",
    "food and drug": "食品药品",
    "industry and commerce": "工商",
    "family planning": "计划生育",
    "population": "人口",
    "development and reform": "发展和改革",
    "land": "国土",
    "fisheries": "渔业",
    "fishery": "渔业",
    "ocean": "海洋",
    "oceanic": "海洋",
    "marine": "海洋",
    "urban management": "城市管理",
    "urban administration": "城市管理",
    "city management": "城市管理",
    "urban administrative law enforcement": "城市管理行政执法",
    "water resources": "水利",
    "water conservancy": "水利",
    "science and technology": "科",
    "science": "科",
    "technology": "技",
    "tourism and culture": "文化和旅游",
    "culture and tourism": "文化和旅游",
    "radio": "广电",
    "broadcasting": "广电",
    "press and publication": "新闻出版",
    "publication": "出版",
    "general office": "办公室",
    "sport": "体育",
    "physical culture": "体育",
}


@lru_cache(maxsize=4096)
def word_starts(stem: str) -> frozenset[int]:
    """Where the words of a department stem begin (fine-grained: 国有资产 gives 国有 and 资产), and
    after a conjunction: the characters an abbreviation is made of (交建, 市监, 国资, 文旅)."""
    import jieba

    jieba.setLogLevel(60)
    starts = {0}
    for _, a, _ in jieba.tokenize(stem, mode="search", HMM=False):
        starts.add(a)
    starts.update(i + 1 for i, ch in enumerate(stem) if ch in "与和及")
    return frozenset(s for s in starts if s < len(stem))


def abbreviation_score(short: str, stem: str) -> int:
    """How well ``short`` names a department whose stem is ``stem`` (suffixes already equal):
    4 the same, 3 a part of it (交通, 自然资源), 2 the first characters of its words in order
    (交建, 市监, 国资), 1 in another order (文旅 for 旅游与文化体育), 0 not at all."""
    if len(short) < 2:
        return 0
    if short == stem:
        return 4
    if short in stem:
        return 3
    starts = word_starts(stem)
    positions: list[int] = []
    pos = 0
    for ch in short:
        hits = [i for i in starts if stem[i] == ch]
        later = [i for i in hits if i >= pos]
        if not hits:
            return 0
        positions.append(min(later) if later else -1)
        pos = (min(later) + 1) if later else pos
    if all(p >= 0 for p in positions) and positions[0] == 0:
        return 2
    chosen = {i for ch in short for i in starts if stem[i] == ch}
    return 1 if len(chosen) >= len(short) else 0

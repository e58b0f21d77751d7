"""Every way a person names a body, derived from its issuer string by the bench's own rules.

An issuer such as 平潭综合实验区交通与建设局 is read as place units (平潭|综合实验区) and an organ
(交通与建设局); the names people use are then combinations: the full name, the place without its
suffix (平潭交通与建设局), the organ alone (交通与建设局), common abbreviations (平潭交建局), and English
renderings (the Pingtan transport and construction bureau, Pingtan Comprehensive Experimental Zone
Transport and Construction Bureau). The rules are written here from how Chinese bodies are named in
practice, not taken from the answering code (which the bench measures). A name that two bodies of the
collection could both answer to is dropped for both (:func:`unique_names`): the bench asks only
questions whose body is determined by the words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

# place suffixes, longest first; a place name before one is 2–5 characters (1 for 县: 沛县), never with 和/与
PLACE_SUFFIXES: tuple[str, ...] = (
    "综合实验区",
    "自治区",
    "自治州",
    "自治县",
    "新区",
    "街道",
    "地区",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "区",
    "旗",
    "镇",
    "乡",
)
SUFFIX_EN: dict[str, str] = {
    "综合实验区": "Comprehensive Experimental Zone",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "新区": "New Area",
    "街道": "Subdistrict",
    "地区": "Prefecture",
    "省": "Province",
    "市": "City",
    "州": "Prefecture",
    "盟": "League",
    "县": "County",
    "区": "District",
    "旗": "Banner",
    "镇": "Town",
    "乡": "Township",
}

GOVERNMENT = "人民政府"
GENERAL_OFFICE = "人民政府办公室"

# abbreviations in common use (the first form is the full one); also used to tell that two issuer
# strings name one body (莆田市科技局 = 莆田市科学技术局)
ORGAN_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "人民政府": ("政府",),
    "人民政府办公室": ("政府办公室", "政府办"),
    "交通与建设局": ("交建局",),
    "市场监督管理局": ("市场监管局", "市监局"),
    "文化和旅游局": ("文旅局",),
    "海洋与渔业局": ("海渔局",),
    "科学技术局": ("科技局",),
    "城市管理局": ("城管局",),
    "城市管理行政执法局": ("城管执法局",),
    "国有资产管理局": ("国资局",),
    "投资促进局": ("投促局",),
    "人口和计划生育局": ("计生局",),
    "食品药品监督管理局": ("食药监局",),
    "环境保护局": ("环保局",),
    "文化广电新闻出版局": ("文广新局",),
    "工商行政管理局": ("工商局",),
}
_ABBREVIATED_TO_FULL = {short: full for full, shorts in ORGAN_ABBREVIATIONS.items() for short in shorts}

# English for the words organs are made of; an organ is translated when all of its parts are known
ORGAN_WORDS_EN: dict[str, tuple[str, ...]] = {
    "交通与建设": ("transport and construction",),
    "交通": ("transport", "transportation"),
    "市场监督管理": ("market regulation", "market supervision"),
    "农业农村": ("agriculture and rural affairs",),
    "农村发展": ("rural development",),
    "国有资产管理": ("state-owned assets",),
    "投资促进": ("investment promotion",),
    "旅游与文化体育": ("tourism, culture and sports",),
    "环境与国土资源": ("environment and land resources",),
    "社会事业": ("social affairs",),
    "综合执法与应急管理": ("law enforcement and emergency management",),
    "综合执法": ("comprehensive law enforcement",),
    "自然资源与生态环境": ("natural resources and ecology",),
    "人口和计划生育": ("population and family planning",),
    "工商": ("industry and commerce",),
    "工商行政管理": ("industry and commerce",),
    "教育": ("education",),
    "环境保护": ("environmental protection",),
    "食品药品监督管理": ("food and drug",),
    "体育": ("sports",),
    "城市管理": ("urban management",),
    "城市管理行政执法": ("urban management law enforcement",),
    "审计": ("audit",),
    "文化和旅游": ("culture and tourism",),
    "文化广电新闻出版": ("culture, radio, TV and press",),
    "林业": ("forestry",),
    "水利": ("water resources", "water conservancy"),
    "海洋与渔业": ("ocean and fisheries", "oceans and fishery"),
    "科学技术": ("science and technology",),
    "科技": ("science and technology",),
    "财政": ("finance",),
    "公安": ("public security",),
    "卫生健康": ("health",),
    "民政": ("civil affairs",),
    "商务": ("commerce",),
    "统计": ("statistics",),
}

_PINYIN_FIX = {"什": "shi"}  # place names read these characters so (嘎什根: Gashigen, not Gashengen)


@dataclass(frozen=True)
class Place:
    name: str  # 平潭
    suffix: str  # 综合实验区

    @property
    def full(self) -> str:
        return self.name + self.suffix


@dataclass
class Parsed:
    places: list[Place]
    organ: str  # "" or 人民政府 for a place's government

    @property
    def is_government(self) -> bool:
        return self.organ in ("", GOVERNMENT)

    @property
    def is_office(self) -> bool:
        return self.organ == GENERAL_OFFICE


@dataclass
class BodyNames:
    """One body (one or more issuer strings naming it) and the names a question may use for it."""

    key: str
    issuers: list[str]
    display: str  # the issuer string of its latest report
    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)


def parse_issuer(issuer: str) -> Parsed:
    """Place units from the left, then the organ (the rest)."""
    places: list[Place] = []
    pos = 0
    while pos < len(issuer):
        unit = _place_at(issuer, pos)
        if unit is None:
            break
        places.append(unit)
        pos += len(unit.full)
    return Parsed(places, issuer[pos:])


def _place_at(text: str, pos: int) -> Place | None:
    for n in range(1, 6):
        name = text[pos : pos + n]
        if len(name) < n or "和" in name or "与" in name:
            return None
        for suffix in PLACE_SUFFIXES:
            if n == 1 and suffix != "县":
                continue
            if text.startswith(suffix, pos + n):
                return Place(name, suffix)
    return None


def body_key(issuer: str) -> str:
    """The same body under two issuer strings gets one key: a place's government is the place
    (莆田市 = 莆田市人民政府), an abbreviated organ its full form (科技局 = 科学技术局)."""
    parsed = parse_issuer(issuer)
    organ = "" if parsed.is_government else _ABBREVIATED_TO_FULL.get(parsed.organ, parsed.organ)
    return "".join(p.full for p in parsed.places) + organ


def pinyin_name(name: str, spaced: bool = False) -> str:
    """平潭 → Pingtan; 淮安 → Huai'an (an apostrophe before a vowel-initial syllable); spaced: Huai An."""
    syllables = [_PINYIN_FIX.get(ch, py) for ch, py in zip(name, lazy_pinyin(name), strict=False)]
    if spaced:
        return " ".join(s.capitalize() for s in syllables)
    out = syllables[0]
    for s in syllables[1:]:
        out += ("'" if s[0] in "aeo" else "") + s
    return out.capitalize()


def organ_english(organ: str) -> list[str]:
    """English names of a department (局, 委员会); [] when a word of it is not known."""
    for ending, word in (("局", "bureau"), ("委员会", "commission")):
        if organ.endswith(ending):
            stem = organ[: -len(ending)]
            if stem in ORGAN_WORDS_EN:
                return [f"{w} {word}" for w in ORGAN_WORDS_EN[stem]]
    return []


def chinese_names(issuer: str, parent: str = "") -> list[str]:
    """Chinese names of the body: full, with a parent place the issuer leaves out, without upper places,
    the place without its suffix, abbreviated organs, and (departments only) the organ alone."""
    parsed = parse_issuer(issuer)
    names = [issuer]
    if not parsed.places:
        return names
    organs = [parsed.organ, *ORGAN_ABBREVIATIONS.get(parsed.organ, ())] if parsed.organ else [""]
    if parsed.is_government:
        organs = ["", GOVERNMENT, "政府"]
    last = parsed.places[-1]
    place_forms = ["".join(p.full for p in parsed.places), last.full]
    if len(last.name) >= 2:
        place_forms.append(last.name)
    if parent and not issuer.startswith(parent) and len(parsed.places) == 1 and last.suffix in ("县", "区"):
        place_forms.insert(0, parent + last.full)
    for place in place_forms:
        for organ in organs:
            if place == last.name and organ == "" and len(parsed.places) > 1:
                continue  # 洪泽 alone is too bare for a district inside a city
            if place == last.name and (parsed.is_government or parsed.is_office) and organ:
                continue  # 莆田市政府, not 莆田政府 / 莆田人民政府: the short place goes with departments
            names.append(place + organ)
    if not parsed.is_government and not parsed.is_office and parsed.organ.endswith(("局", "委员会")):
        names.extend(o for o in organs if len(o) >= 3)
    return list(dict.fromkeys(names))


def english_names(issuer: str) -> list[str]:
    """English names as used inside a sentence ("the Putian audit bureau", "Putian City Audit Bureau",
    "Dongshan County's general office", "Yuexi Town"); [] when the organ has no known English."""
    parsed = parse_issuer(issuer)
    if not parsed.places:
        return []
    last = parsed.places[-1]
    place = pinyin_name(last.name)
    spaced = pinyin_name(last.name, spaced=True)
    suffix = SUFFIX_EN[last.suffix]
    placed = f"{place} {suffix}"
    parent = ""
    if len(parsed.places) > 1:
        parent = pinyin_name(parsed.places[-2].name)
    names: list[str] = []
    if parsed.is_government:
        names += [placed, f"the {placed} government", f"the people's government of {placed}"]
        if last.suffix in ("市", "县", "综合实验区"):
            names.append(place)
        if parent:
            names += [f"{placed}, {parent}", f"{parent}'s {placed}"]
        if spaced != place:
            names.append(f"{spaced} {suffix.lower()}")
        return names
    if parsed.is_office:
        return [
            f"the {placed} general office",
            f"{placed}'s general office",
            f"the general office of the {placed} government",
            f"the {place} {suffix.lower()} government office",
        ]
    organs = organ_english(parsed.organ)
    if not organs:
        return []
    for i, organ in enumerate(organs):
        names += [f"the {place} {organ}", f"the {organ} of {place}", f"{placed} {_title(organ)}"]
        if i == 0:
            names += [f"{placed}'s {organ}", f"the {organ}"]
            if spaced != place:
                names.append(f"the {spaced} {organ}")
    return list(dict.fromkeys(names))


def _title(words: str) -> str:
    """Title case for an organ's English name: Culture, Radio, TV and Press Bureau."""
    return " ".join(w if w in ("and", "of") or w.isupper() else w[:1].upper() + w[1:] for w in words.split())


def _core(name: str) -> str:
    name = name.lower()
    return name[4:] if name.startswith("the ") else name


def _organ_word(name: str) -> bool:
    """An English name that ends in an organ word can be the tail of another organ's name (the sports
    bureau / the tourism, culture and sports bureau); a place's name cannot be so shortened."""
    return name.lower().endswith(("bureau", "office", "commission"))


def unique_names(issuers_and_parents: dict[str, str], years: dict[str, list[int]]) -> dict[str, BodyNames]:
    """Bodies of the collection (issuer → parent place, issuer → years) with the names that fit only them.

    A name is dropped when it is also a name of another body, or when another body's name ends with it
    (体育局 would also fit 旅游与文化体育局): the bench asks only what the words decide."""
    bodies: dict[str, BodyNames] = {}
    for issuer in issuers_and_parents:
        key = body_key(issuer)
        body = bodies.setdefault(key, BodyNames(key, [], issuer))
        body.issuers.append(issuer)
    for body in bodies.values():
        body.display = max(body.issuers, key=lambda i: (max(years.get(i, [0])), len(i)))
        zh: list[str] = []
        en: list[str] = []
        for issuer in [body.display, *[i for i in body.issuers if i != body.display]]:
            zh += chinese_names(issuer, issuers_and_parents.get(issuer, ""))
            en += english_names(issuer)
        body.zh, body.en = list(dict.fromkeys(zh)), list(dict.fromkeys(en))
    all_zh = {key: set(b.zh) for key, b in bodies.items()}
    all_en = {key: {_core(n) for n in b.en} for key, b in bodies.items()}
    for key, body in bodies.items():
        others_zh = [n for k, names in all_zh.items() if k != key for n in names]
        others_en = [n for k, names in all_en.items() if k != key for n in names]
        body.zh = [n for n in body.zh if not any(o == n or o.endswith(n) for o in others_zh)]
        body.en = [
            n
            for n in body.en
            if not any(o == _core(n) or (_organ_word(n) and o.endswith(" " + _core(n))) for o in others_en)
        ]
    return bodies


def invented_bodies() -> list[tuple[str, str]]:
    """Bodies no collection here holds, in Chinese and English, for questions that must be not_found:
    real places with organs none of their reports is from, and places that are not in the reports."""
    return [
        ("莆田市公安局", "the Putian public security bureau"),
        ("淮安市财政局", "the Huai'an finance bureau"),
        ("东山县民政局", "the Dongshan civil affairs bureau"),
        ("平潭综合实验区商务局", "the Pingtan commerce bureau"),
        ("淮安市洪泽区统计局", "the Hongze district statistics bureau"),
        ("莆田市卫生健康委员会", "the Putian health commission"),
        ("甲县人民政府", "Jia County"),
        ("青石镇人民政府", "Qingshi Town"),
        ("白沙县财政局", "the Baisha county finance bureau"),
        ("云杉市市场监督管理局", "the Yunshan market regulation bureau"),
        ("北川区教育局", "the Beichuan district education bureau"),
        ("河口县人民政府办公室", "the Hekou County general office"),
    ]


_SPACE = re.compile(r"\s+")


def same_words(a: str, b: str) -> bool:
    """Two names equal up to spacing and case."""
    return _SPACE.sub("", a).lower() == _SPACE.sub("", b).lower()

"""Report metadata: who reports, for which year, published when, in which format generation.

The report year is the statistics year, taken from the title or the statistics-period sentence,
never from the publication date (§2). Scraped text loses characters around numbers
("201411日—20141212日"), so dates are read from digit runs by enumerating the valid splits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from ingest import gazetteer
from ingest.clean import TITLE_RE, find_title, tidy_issuer
from ingest.model import BodyName, NameKind
from ingest.normalize import compact_str, nfkc
from ingest.schema import GEN_2019, GEN_2021, GEN_PRE2019, GENERATION_MARKERS

_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|公开日期|发文日期|日期|时间)\s*[:：]\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
)
COMPILED_BY = re.compile(r"(?:来源|资料来源|发布机构)\s*[:：]\s*([\u4e00-\u9fff（）()]{2,40})")
_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PERIOD = re.compile(
    r"(?:自|从)?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起)?\s*(?:至|到|—|-|~)\s*"
    r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_LOST_PERIOD = re.compile(r"((?:19|20)\d{4,6})日?\s*(?:至|到|—|-|~)\s*((?:19|20)\d{4,6})日?")
_LOST_DATE_RUN = re.compile(r"(?<!\d)((?:19|20)\d{4,6})(?!\d)")

# Place-name units (§2 admin levels). Longest suffixes first so 自治区 wins over 区.
_MUNICIPALITIES = {"北京市", "上海市", "天津市", "重庆市"}
_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "街道",
    "苏木",
    "省",
    "市",
    "州",
    "盟",
    "县",
    "旗",
    "区",
    "镇",
    "乡",
)
_ONE_CHAR_NAME_OK = ("县", "旗", "镇", "乡")  # 沛县, 泾县: one-character names exist below the city level
_BODY_WORDS = ("人民", "政府", "办公", "管委会", "委员会", "局", "厅", "中心", "全", "本", "我", "辖")
_GENERIC_UNITS = {"社区", "城区", "园区", "市区", "郊区", "景区", "小区", "片区", "校区", "山区", "牧区", "地区"}


def detect_generation(text: str, year: int | None = None) -> str:
    c = compact_str(text)
    for gen in (GEN_2021, GEN_2019):
        if any(marker in c for marker in GENERATION_MARKERS[gen]):
            return gen
    return GEN_PRE2019


def _date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def split_date_run(run: str) -> list[date]:
    """All valid dates a digit run with lost 年/月 can mean ("201411" -> 2014-01-01)."""
    out = []
    year, rest = int(run[:4]), run[4:]
    for i in range(1, min(2, len(rest) - 1) + 1):
        m, d = rest[:i], rest[i:]
        if not m or not d or len(d) > 2 or m.startswith("0") and len(m) == 1:
            continue
        dt = _date(year, int(m), int(d))
        if dt:
            out.append(dt)
    return out


def parse_title(text: str) -> tuple[str, str, int | None]:
    """(title, issuer, year) from the first title-shaped line (or pair of lines)."""
    title, _, _ = find_title(text.splitlines())
    m = TITLE_RE.match(compact_str(title))
    if not m:
        return "", "", None
    return title, tidy_issuer(m.group("issuer")), int(m.group("year"))


# ---- identity: issuer and year from every place they live, by agreement -----------------------

# Where an issuer or year can come from, with the weight of its word (issue "real reports", part 1).
SOURCE_WEIGHTS = {
    "override": 100,
    "title": 3,  # the body's own title
    "header": 3,  # a crawler header's 标题 or the page's <title>
    "intro": 2,  # "现将<issuer><year>年度政府信息公开工作…"
    "period": 2,  # the statistics period (year only)
    "signature": 1,  # the name above the closing date
    "publisher": 1,  # 发布机构 / 来源 of the page
    "filename": 1,  # digits in the file name (year only)
}
_ORGAN_END = r"(?:人民政府办公室|人民政府|办公室|委员会|管委会|管理委员会|政府|局|委|办|厅|署|中心|院|馆|所|站|队|处|镇|乡|街道|区|县|市|旗)"
_INTRO = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff（）()]{2,40}?" + _ORGAN_END + r")(?P<year>(?:19|20)\d{2})年度?(?:政府)?信息公开"
)
_INTRO_LEAD = re.compile(r"^.*?(?:现将|特将|特向社会公布|向社会公布|公布|发布|编制|现就|是|为|将|对|由)(?=.{2})")
_SIGNATURE = re.compile(
    r"(?P<org>[\u4e00-\u9fff（）()]{3,40}?" + _ORGAN_END + r")\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}年[元正一二三四五六七八九十]{1,2}月[一二三四五六七八九十廿卅]{1,3}日)"
)
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_PUBLISHER_KEYS = ("发布机构", "来源", "资料来源", "发文机关")
_TITLE_KEYS = ("标题", "题目", "名称", "title")


@dataclass
class Identity:
    """Who reports for which year, with the sources that said so (and the ones that disagreed)."""

    title: str
    issuer: str
    year: int | None
    issuer_sources: list[str] = field(default_factory=list)
    year_sources: list[str] = field(default_factory=list)
    candidates: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # issuer|year -> (value, source)


def _vote(cands: list[tuple[str, str]]) -> tuple[str, list[str]]:
    if not cands:
        return "", []
    score: dict[str, int] = {}
    first: dict[str, int] = {}
    for i, (value, source) in enumerate(cands):
        score[value] = score.get(value, 0) + SOURCE_WEIGHTS[source]
        first.setdefault(value, i)
    best = max(score, key=lambda v: (score[v], -first[v]))
    return best, [s for v, s in cands if v == best]


def identify(
    cleaned_title: str,
    fields: dict[str, str],
    header: str,
    text: str,
    source_path: str = "",
    stat_year: int | None = None,
    issuer: str | None = None,
    year: int | None = None,
) -> Identity:
    """Issuer and year from the title, the crawler header, the introduction, the signature, the
    page's publisher and the file name; the value with the most weight of agreeing sources wins.

    No single place is trusted alone: crawler headers carry empty or wrong 发布机构, titles are
    abbreviated ("2009年度政府信息公开年度报告"), signatures keep an old name after a renaming.
    """
    issuers: list[tuple[str, str]] = []
    years: list[tuple[str, str]] = []
    if issuer:
        issuers.append((issuer, "override"))
    if year:
        years.append((str(year), "override"))

    def add_title(title: str, source: str) -> None:
        m = TITLE_RE.match(compact_str(title))
        if m:
            name = tidy_issuer(m.group("issuer"))
            if name:
                issuers.append((name, source))
            years.append((m.group("year"), source))
        else:  # an abbreviated title still gives the year
            y = re.match(r"^((?:19|20)\d{2})年度?(?:政府)?信息公开", compact_str(title))
            if y:
                years.append((y.group(1), source))

    title, _, _ = find_title(text.splitlines()[:60])
    add_title(title, "title")
    header_title = next((fields[k] for k in _TITLE_KEYS if fields.get(k)), "")
    if not header_title and not title:  # page chrome holding the only title (a breadcrumb)
        header_title, _, _ = find_title(header.splitlines())
    add_title(
        header_title, "header"
    )  # a crawler's 标题 field is a source of its own; the title lines set aside are not
    head = compact_str(text[:1500])
    for m in _INTRO.finditer(head):
        name = _INTRO_LEAD.sub("", m.group("issuer"))
        name = tidy_issuer(name)
        if len(name) >= 2:
            issuers.append((name, "intro"))
            years.append((m.group("year"), "intro"))
            break
    if stat_year:
        years.append((str(stat_year), "period"))
    tail = compact_str(text[-600:])
    sig = list(_SIGNATURE.finditer(tail))
    if sig:
        issuers.append((tidy_issuer(_INTRO_LEAD.sub("", sig[-1].group("org"))), "signature"))
    for key in _PUBLISHER_KEYS:
        value = compact_str(fields.get(key, ""))
        if value and re.search(_ORGAN_END + "$", value) and len(value) >= 3:
            issuers.append((value, "publisher"))
            break
    name = source_path.replace("\\", "/").rsplit("/", 1)[-1]
    ym = _YEAR_IN_NAME.findall(name)
    if len(ym) == 1:
        years.append((ym[0], "filename"))
    best_issuer, issuer_sources = _vote([c for c in issuers if c[0]])
    best_year, year_sources = _vote(years)
    best_title = title or header_title or cleaned_title
    return Identity(
        best_title,
        best_issuer,
        int(best_year) if best_year else None,
        issuer_sources,
        year_sources,
        {"issuer": issuers, "year": years},
    )


def normalize_issuer(issuer: str, text: str) -> tuple[str, list[str]]:
    """The issuer as it should be named, and notes on what was changed (issue "real reports", part 4).

    - An OCR'd place name that does not exist but is one character from one that does (under the
      province or city the text names) is corrected: 黝县人民政府 → 黟县人民政府.
    - An issuer the title names without its parents ("洪泽区人民政府") takes them when the report
      itself writes the qualified form ("淮安市洪泽区人民政府办公室"), so one body has one name.
    """
    notes: list[str] = []
    units = place_units(issuer)
    ctx = compact_str(text)
    if units and not gazetteer.known(units[0]) and level_of(units[0], 0, units) in ("county", "city"):
        # only under the parents the text writes right before the name ("黄山市黝县"): a district
        # created after the code table ends (2013) must not be "corrected" into a neighbour
        stated = {ps[-1] for m in re.finditer(re.escape(units[0]), ctx) if (ps := _parents_before(ctx, m.start()))}
        if stated:
            options = gazetteer.one_off(units[0], stated)
        elif units[0].endswith(("县", "旗")):
            # the text names no city: a county (rarely created since the code table ends, unlike
            # districts) is matched against the whole country, and taken only when one name fits
            options = gazetteer.one_off(units[0])
        else:
            options = []
        fixed = options[0] if len(options) == 1 else None
        if len(options) > 1:
            named = "、".join(options[:5]) + (f" and {len(options) - 5} more" if len(options) > 5 else "")
            notes.append(f"place name {units[0]} does not exist; one character from {named} (not corrected)")
        if fixed:
            notes.append(f"place name {units[0]} does not exist; read as {fixed} (one character apart)")
            issuer = fixed + issuer[len(units[0]) :]
            ctx = ctx.replace(units[0], fixed)
            units = place_units(issuer)
    if units and re.search(_ORGAN_END + "$", issuer) and issuer != units[-1]:
        # an organ ("洪泽区人民政府") is qualified; a bare place name ("云城区") already has its regions
        best = stated_parents(issuer, units, ctx)
        if best:
            qualified = best[-1] + issuer  # the nearest parent: 淮安市 for 洪泽区, not the province too
            notes.append(f"the report names itself {qualified}")
            issuer = qualified
    return issuer, notes


def same_body(a: str, b: str) -> bool:
    """Whether two names are one reporting body: the same name, or a place and its people's
    government (a report titled "莆田市2009年度政府信息公开工作年度报告" is 莆田市人民政府's: the
    government reports for its place, §2)."""
    if a == b:
        return True
    for place, organ in ((a, b), (b, a)):
        if organ == place + "人民政府" and "".join(place_units(place)) == place:
            return True
    return False


_REPORT_SIGNS = ("政府信息公开", "信息公开工作", "主动公开", "依申请公开", "政务公开")


def looks_like_report(text: str) -> bool:
    """Content, not title shape, decides whether a text is a disclosure report at all."""
    c = compact_str(text[:20000])
    return "信息公开" in c and sum(1 for s in _REPORT_SIGNS if s in c) >= 2


def parse_period(text: str) -> tuple[date | None, date | None]:
    head = nfkc(text[:3000])
    m = _PERIOD.search(head)
    if m:
        y1 = int(m.group(1))
        y2 = int(m.group(4)) if m.group(4) else y1
        return _date(y1, int(m.group(2)), int(m.group(3))), _date(y2, int(m.group(5)), int(m.group(6)))
    m = _LOST_PERIOD.search(head)
    if m:
        a, b = split_date_run(m.group(1)), split_date_run(m.group(2))
        if len(a) == 1 and len(b) == 1:
            return a[0], b[0]
    return None, None


def parse_published(header: str, text: str) -> date | None:
    for source in (header, text[:2000]):
        m = _PUBLISHED.search(nfkc(source))
        if m:
            return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def parse_signature_date(text: str) -> date | None:
    """The date under the signature: the last line of the report that is a date alone."""
    lines = [x.strip() for x in text.strip().splitlines() if x.strip()]
    for line in reversed(lines[-4:]):
        c = compact_str(line)
        m = _CN_DATE.fullmatch(c)
        if m:
            return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if re.fullmatch(r"(?:19|20)\d{4,6}", c):
            dates = split_date_run(c)
            if len(dates) == 1:
                return dates[0]
    # a flattened page: the date closes the text ("…局 2023年1月6日", "…二○一四年十二月二十日"), followed at
    # most by a print mark or a contact note
    tail = compact_str(text[-160:])
    end = r"(?:印发|[(（](?:此件主动公开|联系人)[^)）]*[)）])?$"
    m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + end, tail)
    if m:
        return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = re.search(
        r"([〇○零一二三四五六七八九]{4})年([元正一二三四五六七八九十]{1,2})月([一二三四五六七八九十廿卅]{1,3})日" + end,
        tail,
    )
    if m:
        return _cn_numeral_date(*m.groups())
    return None


_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"○": 0, "零": 0}


def _cn_small(text: str) -> int:
    """一…三十一 ("元" and "正" are the first month)."""
    if text in ("元", "正"):
        return 1
    text = text.replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)
    return _CN_DIGIT.get(text, 0)


def _cn_numeral_date(year: str, month: str, day: str) -> date | None:
    """二○一○年四月十日 -> 2010-04-10; 二○一一年元月二十日 -> 2011-01-20."""
    return _date(int("".join(str(_CN_DIGIT[c]) for c in year)), _cn_small(month), _cn_small(day))


def _unit_at(text: str, pos: int) -> str | None:
    """The shortest place unit starting at ``pos`` (漳州 is not a unit when 市 follows)."""
    for length in range(2, 9):
        unit = text[pos : pos + length]
        if len(unit) < length:
            return None
        if _is_unit(unit) and not (unit.endswith("州") and text[pos + length : pos + length + 1] in ("市", "区", "县")):
            return unit
    return None


def _is_unit(unit: str) -> bool:
    if unit in _GENERIC_UNITS or any(w in unit for w in _BODY_WORDS):
        return False
    if not all("\u4e00" <= ch <= "\u9fff" for ch in unit):
        return False
    for suffix in _SUFFIXES:
        if unit.endswith(suffix):
            name = unit[: -len(suffix)]
            min_len = 1 if suffix in _ONE_CHAR_NAME_OK else 2
            return min_len <= len(name) <= 6
    return False


def place_units(name: str) -> list[str]:
    """Split an issuer name into its place units: 重庆市开州区岳溪镇人民政府 -> 重庆市, 开州区, 岳溪镇."""
    return list(_place_units(name))


@lru_cache(maxsize=100_000)  # a catalog asks for each issuer's units several times: 25k issuers at 30k reports
def _place_units(name: str) -> tuple[str, ...]:
    units: list[str] = []
    pos = 0
    while pos < len(name):
        unit = _unit_at(name, pos)
        if not unit:
            break
        units.append(unit)
        pos += len(unit)
    return tuple(units)


def _parents_before(text: str, end: int) -> list[str]:
    """Place units written directly before ``end``, nearest last (backward, shortest unit each)."""
    parents: list[str] = []
    while end > 0:
        for start in range(end - 2, max(-1, end - 9), -1):
            unit = text[start:end]
            if _is_unit(unit):
                parents.insert(0, unit)
                end = start
                break
        else:
            break
    return parents


def level_of(unit: str, index: int, units: list[str]) -> str:
    if unit.endswith(("省", "自治区", "特别行政区")) or unit in _MUNICIPALITIES:
        return "province"
    if unit.endswith(("镇", "乡", "街道", "苏木")):
        return "town"
    if unit.endswith(("县", "旗")):
        return "county"
    if unit.endswith("地区") or unit.endswith(("州", "盟")):
        return "city"
    if unit.endswith("区"):
        return "county"
    if unit.endswith("市"):
        later = units[index + 1 :]
        if any(u.endswith(("区", "县", "旗")) or u.endswith("市") for u in later):
            return "city"
        earlier = units[:index]
        if any(level_of(u, 0, []) == "city" for u in earlier):
            return "county"  # a 市 under a prefecture is county-level
        return "city"
    return "other"


_RANK = {"province": 0, "city": 1, "county": 2, "town": 3, "other": 4}


def stated_parents(name: str, units: list[str], ctx: str) -> list[str]:
    """The longest chain of place units the text writes directly before ``name`` ("漳州市东山县"),
    keeping only those above the name's own first unit."""
    parents: list[str] = []
    for m in re.finditer(re.escape(name), ctx):
        found = _parents_before(ctx, m.start())
        if len(found) > len(parents):
            parents = found
    own = _RANK[level_of(units[0], 0, units)]
    return [p for p in parents if _RANK[level_of(p, 0, parents + units)] < own]


def regions_of(issuer: str, context: str) -> dict[str, str]:
    """Region names the report states: its own name's place units, then the parents the text gives.

    A parent counts only when the text writes it directly before the issuer's own first unit
    ("漳州市东山县"): place names elsewhere in the body are weak evidence (§2).
    """
    units = place_units(issuer)
    if not units:
        return {}
    parents = stated_parents(units[0], units, compact_str(context))
    chain = parents + units
    regions: dict[str, str] = {}
    for i, u in enumerate(chain):
        regions.setdefault(level_of(u, i, chain), u)
    # complete the hierarchy from the division codes, above the highest county- or city-level unit
    for unit in chain:
        if level_of(unit, chain.index(unit), chain) in ("county", "city"):
            found = gazetteer.parents(unit, regions) or gazetteer.parents(_zone_home(unit), regions)
            for level, name in found.items():
                regions.setdefault(level, name)
            break
    return regions


_ZONE = re.compile(r"^(?P<stem>[\u4e00-\u9fff]{2,4}?)(?:综合实验区|经济技术开发区|经济开发区|高新技术产业开发区|新区)$")


def _zone_home(unit: str) -> str:
    """The county a zone is named after and carved from (平潭综合实验区 → 平潭县), when the code table has
    exactly one such county; a zone created after the table ends has no code of its own."""
    m = _ZONE.match(unit)
    if not m:
        return ""
    homes = [m.group("stem") + suffix for suffix in ("县", "市", "区") if gazetteer.known(m.group("stem") + suffix)]
    return homes[0] if len(homes) == 1 else ""


# ---- other names of the body ----------------------------------------------------------------

_BREADCRUMB = re.compile(r"(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]\s*(?P<path>[^\n]{4,300})")
_ANNUAL_COLUMN = re.compile(r"(?:政府)?信息公开(?:工作)?(?:年度报告|年报)|年度报告|年报")
_NAV_WORDS = ("首页", "网站首页", "政务公开", "政府信息公开", "信息公开", "法定主动公开内容", "部门信息公开", "部门")
_ORGAN_TAIL = re.compile(r"[\u4e00-\u9fff]{2,40}?" + _ORGAN_END + "$")
_COLUMN_SLUGS = re.compile(r"^(?:zfxxgknb|xxgknb|gknb|ndbg|zfxxgkndbg|xxgkndbg|gzndbg|nb|ndgzbg)$", re.I)
_SHORT_FORM = re.compile(
    r"(?P<full>[\u4e00-\u9fff]{3,40}?)[（(]以下简称[“\"「『]?(?P<short>[\u4e00-\u9fff]{2,10})[”\"」』]?[）)]"
)


def column_owner(header: str) -> str:
    """The body whose annual-report column holds the page, from its breadcrumb ("首页 > 政府信息公开 >
    平潭综合实验区交通与建设局 > 政府信息公开年报"): portals file a renamed body's old reports under
    its present name, so this names the successor of a body that no longer exists."""
    m = _BREADCRUMB.search(header)
    if not m:
        return ""
    path = m.group("path")
    col = _ANNUAL_COLUMN.search(path)
    if not col:
        return ""
    before = re.split(r"[>›»/|\s]+", path[: col.start()].strip())
    last = compact_str(before[-1]) if before else ""
    changed = True
    while changed:  # a breadcrumb run together: drop the navigation words in front of the body
        changed = False
        for word in sorted(_NAV_WORDS, key=len, reverse=True):
            if last.startswith(word) and len(last) > len(word):
                last, changed = last[len(word) :], True
    return last if _ORGAN_TAIL.match(last) else ""


def column_key(url: str) -> str:
    """The portal column of a report's address: host and path without the file and its date folders
    (…/ptzhsyqjtj/zfxxgknb/201005/t2010…htm → www.pingtan.gov.cn/…/ptzhsyqjtj/zfxxgknb)."""
    m = re.match(r"https?://([^/\s]+)(/[^\s?#]*)?", url.strip())
    if not m:
        return ""
    parts = [p for p in (m.group(2) or "").split("/") if p]
    if parts and "." in parts[-1]:
        parts = parts[:-1]
    while parts and re.fullmatch(r"\d{4,8}|\d{4}[-_]\d{2}", parts[-1]):
        parts.pop()
    if not parts or not any(_COLUMN_SLUGS.match(p) for p in parts):
        return ""  # not recognisably an annual-report column: no key rather than a wrong one
    return (m.group(1).lower() + "/" + "/".join(parts)).lower()


def body_names(ident: Identity, issuer: str, header: str, fields: dict[str, str], text: str) -> list[BodyName]:
    """Every other name the report gives its body: what links a body's years across a renaming."""
    out: dict[tuple[NameKind, str], BodyName] = {}
    mine = compact_str(issuer)
    units = place_units(issuer)
    for name, source in ident.candidates.get("issuer", []):
        name = compact_str(name)
        if units and units[0] in name:  # "…统计表平潭综合实验区交通与建设局": a signature run into what precedes it
            name = name[name.index(units[0]) :]
        if len(name) >= 3 and mine not in name and source != "override" and _ORGAN_TAIL.match(name):
            out.setdefault((NameKind.WRITTEN, name), BodyName(NameKind.WRITTEN, name, source))
    owner = column_owner(header)
    if owner and owner != mine:
        out[(NameKind.COLUMN_OWNER, owner)] = BodyName(NameKind.COLUMN_OWNER, owner, "breadcrumb")
    for key in ("原文链接", "原始链接", "原文地址", "链接", "url", "URL", "source_url"):
        column = column_key(fields.get(key, ""))
        if column:
            out[(NameKind.COLUMN, column)] = BodyName(NameKind.COLUMN, column, key)
            break
    for m in _SHORT_FORM.finditer(compact_str(text[:3000])):
        full, short = m.group("full"), m.group("short")
        if full.endswith(mine[-6:]) and short != mine and not short.startswith(("我", "本", "该")):
            out[(NameKind.SHORT, short)] = BodyName(NameKind.SHORT, short, "以下简称")
    return list(out.values())

"""Report metadata: who reports, for which year, published when, in which format generation.

The report year is the statistics year, taken from the title or the statistics-period sentence,
never from the publication date (§2). Scraped text loses characters around numbers
("201411日—20141212日"), so dates are read from digit runs by enumerating the valid splits.
"""

from __future__ import annotations

import re
from datetime import date

from ingest import gazetteer
from ingest.clean import TITLE_RE, find_title
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
    return title, m.group("issuer"), int(m.group("year"))


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
    return None


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
    units: list[str] = []
    pos = 0
    while pos < len(name):
        unit = _unit_at(name, pos)
        if not unit:
            break
        units.append(unit)
        pos += len(unit)
    return units


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


def regions_of(issuer: str, context: str) -> dict[str, str]:
    """Region names the report states: its own name's place units, then the parents the text gives.

    A parent counts only when the text writes it directly before the issuer's own first unit
    ("漳州市东山县"): place names elsewhere in the body are weak evidence (§2).
    """
    units = place_units(issuer)
    if not units:
        return {}
    ctx = compact_str(context)
    parents: list[str] = []
    for m in re.finditer(re.escape(units[0]), ctx):
        found = _parents_before(ctx, m.start())
        if len(found) > len(parents):
            parents = found
    rank = {"province": 0, "city": 1, "county": 2, "town": 3, "other": 4}
    own_level = rank[level_of(units[0], 0, units)]
    parents = [p for p in parents if rank[level_of(p, 0, parents + units)] < own_level]
    chain = parents + units
    regions: dict[str, str] = {}
    for i, u in enumerate(chain):
        regions.setdefault(level_of(u, i, chain), u)
    # complete the hierarchy from the division codes, above the highest county- or city-level unit
    for unit in chain:
        if level_of(unit, chain.index(unit), chain) in ("county", "city"):
            for level, name in gazetteer.parents(unit, regions).items():
                regions.setdefault(level, name)
            break
    return regions

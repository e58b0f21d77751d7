"""Which bodies a question is about, over the collection's own catalog: places and their
departments, short forms and abbreviations, renamed bodies, English — and the year asked.

People name a body the way they talk: by the place alone ("平潭2022年…"), by a department with the
place dropped ("交通与建设局", "区交通局"), by an abbreviation ("交建局", "市监局", "文旅局"), by an
old or a new name, or in English ("the Pingtan transport bureau"). Everything here is learned from
the reports held — their issuer names, and the other names they give themselves (a signature that
keeps the old name, the portal column that files a predecessor's reports under today's name) — never
from a list per place, so a new corpus resolves the same way.

A *lineage* is one body across its renamings: reports filed in one portal column, or naming each
other. Asked for a year, the member that holds that year answers, with a note saying which name it
had. When a name fits several bodies, the answer is given for each and the choices are returned
(``candidates``), so the chat can offer them and the API can list them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import pypinyin

from assistant import names as _names_module
from assistant.names import (
    BODY_SUFFIXES,
    DEPT_SUFFIXES,
    EN_DEPT_WORDS,
    abbreviation_score,
    aliases,
    english_name,
    normal_en,
)
from ingest import metadata as _metadata_module
from ingest.metadata import place_units
from ingest.model import BodyName, NameKind

# words in front of a department that only say "of this place" ("区交通局", "我县财政局")
_PLACE_WORDS = (
    "本区",
    "本县",
    "本市",
    "全区",
    "全县",
    "该区",
    "该县",
    "我区",
    "我县",
    "我市",
    "区",
    "县",
    "市",
    "镇",
    "乡",
)
_NOT_BODIES = ("格局", "布局", "大局", "全局", "结局", "当局", "开局", "时局", "战局", "饭局", "骗局", "变局")
_OFFICE_WORD = re.compile(r"政府办|府办|办公室|\b(?:general office|government office|office of the)\b", re.I)
_GOVERNMENT_WORD = re.compile(r"政府(?!信息)|管委会|\bgovernment\b", re.I)
_JOIN = r"(?:和|与|及|、|以及|,|，|\band\b)"
# what may follow a place said as a body: its government word, then the end of the name
_ALONE_AFTER = re.compile(
    r"\s*(?:(?:people's\s+)?government|人民政府|政府)?\s*(?:[?？,，。:：]|$|在|的|年|\d|in\b|for\b|have|had|each)"
)
_PLACE_SUFFIX = r"(?:市|区|县|镇|乡|\s*(?:city|district|county|town|township))?"


def _stands_alone(question: str, government: str) -> bool:
    """A place's name said as a body of its own: joined to another body by 和/and, not qualifying a
    department ("Putian City and the audit bureau", not "Putian City's audit bureau" or "the audit
    bureau of Putian and …")."""
    names = describe(government)
    spelled = sorted({*names.stems, *names.units, *names.pinyin}, key=len, reverse=True)
    if not spelled:
        return False
    q = (normal_en(question) if re.search(r"[a-z]", question, re.I) else question).lower()
    # pinyin as written in syllables too ("Huai An", "Pu Tian")
    spelled_rx = [r"['\s]?".join(map(re.escape, n.lower())) if n.isascii() else re.escape(n) for n in spelled]
    name = re.compile("(?:" + "|".join(spelled_rx) + ")" + _PLACE_SUFFIX)
    for m in name.finditer(q):
        if re.search(r"\b(?:of|in|at|for)\s+(?:the\s+)?$", q[: m.start()]):
            continue  # "the bureau of Putian": where the body is, not a body
        after, before = q[m.end() :], q[: m.start()]
        if re.match(rf"(?!\s*'s)\s*{_JOIN}", after):
            return True
        if re.search(rf"{_JOIN}\s*(?:the\s+)?$", before) and re.match(_ALONE_AFTER, after):
            return True
    return False


_EN_DEPT_HEAD = re.compile(r"\b(bureau|department|office|commission|administration|agency|authority)\b")


@dataclass(frozen=True)
class Body:
    issuer: str
    place: str  # the place units of the name, joined: 平潭综合实验区, 淮安市洪泽区
    stem: str  # the last unit without its level: 平潭, 洪泽
    dept: str  # 交通与建设局; "" for a place's own government (人民政府, 管委会, 办公室)
    years: tuple[int, ...]


@dataclass
class Resolution:
    """The bodies a question names, after the year asked chose among them."""

    issuers: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en): which name held the year asked
    candidates: list[str] = field(default_factory=list)  # the choices, when the name fits several bodies
    places: list[str] = field(default_factory=list)  # places named (for "no report of X")
    asked: list[str] = field(default_factory=list)  # the bodies the name fits, before the year chose among them
    ambiguous: bool = False  # the place alone, naming several departments
    unmatched: list[str] = field(default_factory=list)  # department names no body held answers to ("财政局")
    lineages: int = 0  # how many bodies the issuers are, a renamed body counting once


def _stem_of(unit: str) -> str:
    for suffix in (
        "综合实验区",
        "经济开发区",
        "新区",
        "自治县",
        "自治州",
        "省",
        "市",
        "州",
        "县",
        "区",
        "旗",
        "镇",
        "乡",
        "街道",
    ):
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 2:
            return unit[: -len(suffix)]
    return unit


@dataclass(frozen=True)
class IssuerNames:
    """What the catalog learns from an issuer's name alone: its place units with their stems and pinyin,
    and the Chinese names that find it. Deriving them is most of a catalog build (seconds of CPU at 30k
    issuers, pinyin and unit scans), so they are derived once per name and stored with the catalog
    (``FactStore.issuer_names``): a fresh server reads them instead of deriving them again."""

    units: tuple[str, ...]  # 淮安市, 洪泽区
    stems: tuple[str, ...]  # each unit without its level: 淮安, 洪泽
    pinyin: tuple[str, ...]  # each unit's stem in pinyin, lower case: huaian, hongze
    aliases: tuple[str, ...]  # Chinese aliases (names.aliases), before the catalog adds what its reports say

    def as_json(self) -> dict[str, list[str]]:
        return {
            "units": list(self.units),
            "stems": list(self.stems),
            "pinyin": list(self.pinyin),
            "aliases": list(self.aliases),
        }

    @classmethod
    def from_json(cls, data: object) -> IssuerNames | None:
        """None for anything that is not what ``as_json`` wrote: a stored cache is read, never trusted."""
        if not isinstance(data, dict):
            return None
        parts = [data.get(k) for k in ("units", "stems", "pinyin", "aliases")]
        if not all(isinstance(p, list) and all(isinstance(x, str) for x in p) for p in parts):
            return None
        units, stems, pinyin, found = (tuple(p) for p in parts)  # type: ignore[arg-type]
        if not len(units) == len(stems) == len(pinyin):
            return None
        return cls(units, stems, pinyin, found)


@lru_cache(maxsize=100_000)
def describe(issuer: str) -> IssuerNames:
    units = tuple(place_units(issuer))
    return IssuerNames(
        units,
        tuple(_stem_of(u) for u in units),
        tuple(english_name(u)[1].lower() for u in units),
        tuple(sorted(a.text for a in aliases(issuer) if not a.english)),
    )


def _names_version() -> str:
    """The version of the code ``describe`` runs: stored descriptions made by other code are derived again."""
    digest = hashlib.sha256(pypinyin.__version__.encode())
    for module in (_names_module, _metadata_module):
        digest.update(Path(module.__file__ or "").read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


NAMES_VERSION = _names_version()


def make_body(issuer: str, years: Iterable[int], names: IssuerNames | None = None) -> Body:
    names = names or describe(issuer)
    place = "".join(names.units)
    rest = issuer[len(place) :] if names.units and issuer.startswith(place) else issuer
    government = (
        not rest or rest.startswith(BODY_SUFFIXES) or rest in ("管委会", "管理委员会") or rest.startswith("人民")
    )
    return Body(
        issuer,
        place,
        names.stems[-1] if names.units else "",
        "" if government else rest,
        tuple(sorted({y for y in years if y})),
    )


def _split_dept(dept: str) -> tuple[str, str]:
    """交通与建设局 -> (交通与建设, 局)."""
    for suffix in DEPT_SUFFIXES:
        if dept.endswith(suffix) and len(dept) > len(suffix):
            return dept[: -len(suffix)], suffix
    return dept, ""


class _Lineages:
    """Union-find over issuers: the bodies that are one body under several names. Two bodies that each
    issued a report for one year are never joined: they are two bodies, not one renamed (a portal column
    may hold a government's report and its general office's, 2019 both)."""

    def __init__(self, years: dict[str, set[int]]) -> None:
        self.parent = {i: i for i in years}
        self.years = years  # the years each set's reports cover, kept at its root

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.years[ra] & self.years[rb]:
            return
        self.parent[ra] = rb
        self.years[rb] |= self.years[ra]


class BodyCatalog:
    """The bodies held, their lineages across renamings, and the names that find them."""

    def __init__(
        self,
        reports: Iterable[tuple[str, int | None]],
        names: dict[str, list[BodyName]] | None = None,
        described: Mapping[str, IssuerNames] | None = None,
    ):
        """``reports``: (issuer, year) of every report; ``names``: issuer -> other names its reports give
        it; ``described``: issuers' names as derived before (stored), the others are derived here and
        kept in ``fresh`` for the caller to store."""
        years: dict[str, set[int]] = {}
        for issuer, year in reports:
            years.setdefault(issuer, set()).update({year} if year else set())
        described = described or {}
        self.names: dict[str, IssuerNames] = {}
        self.fresh: dict[str, IssuerNames] = {}
        for issuer in years:
            known = described.get(issuer)
            if known is None:
                known = self.fresh[issuer] = describe(issuer)
            self.names[issuer] = known
        self.bodies = {issuer: make_body(issuer, ys, self.names[issuer]) for issuer, ys in years.items()}
        self._lineages(names or {})
        self._place_zh: dict[str, str] = {}  # unit or stem -> stem
        self._place_en: dict[str, str] = {}  # pinyin, lower case -> stem
        for described_names in self.names.values():
            for unit, stem, py in zip(
                described_names.units, described_names.stems, described_names.pinyin, strict=True
            ):
                self._place_zh[unit] = stem
                if len(stem) >= 2:
                    self._place_zh.setdefault(stem, stem)
                self._place_en.setdefault(py, stem)
        # per catalog, not per question: department names and the place words to strip in front of them
        self._depts_of = {
            i: [d for d in (b.dept, *(make_body(n, []).dept for n in self.extra.get(i, ()))) if d]
            for i, b in self.bodies.items()
        }
        self._dept_index: dict[tuple[str, str], set[str]] = {}
        for issuer, depts in self._depts_of.items():
            for d in depts:
                stem, suffix = _split_dept(d)
                if suffix:
                    self._dept_index.setdefault((stem, suffix), set()).add(issuer)
        places = {b.stem for b in self.bodies.values() if b.stem} | {b.place for b in self.bodies.values() if b.place}
        self._prefixes = sorted(places | set(_PLACE_WORDS), key=len, reverse=True)

    # ---- lineages ------------------------------------------------------------------------
    def _lineages(self, names: dict[str, list[BodyName]]) -> None:
        sets = _Lineages({i: set(b.years) for i, b in self.bodies.items()})
        parent, find, union = sets.parent, sets.find, sets.union
        by_column: dict[str, str] = {}
        owner_of: dict[str, str] = {}
        self.extra: dict[str, set[str]] = {}  # issuer -> names it had or has that no report is filed under
        for issuer, given in names.items():
            if issuer not in parent:
                continue
            for n in given:
                if n.kind == NameKind.COLUMN:
                    if n.name in by_column:
                        union(issuer, by_column[n.name])
                    by_column.setdefault(n.name, issuer)
                elif n.name in parent and n.kind in (NameKind.WRITTEN, NameKind.COLUMN_OWNER):
                    union(issuer, n.name)
                elif n.kind in (NameKind.WRITTEN, NameKind.COLUMN_OWNER, NameKind.SHORT):
                    self.extra.setdefault(issuer, set()).add(n.name)
                if n.kind == NameKind.COLUMN_OWNER:
                    owner_of[issuer] = n.name
        for issuer in self.bodies:
            # a report titled by its place alone (莆田市2009年…) is the place government's (莆田市人民政府)
            if issuer + "人民政府" in parent and "".join(place_units(issuer)) == issuer:
                union(issuer, issuer + "人民政府")
        groups: dict[str, list[str]] = {}
        for issuer in self.bodies:
            groups.setdefault(find(issuer), []).append(issuer)
        self.lineage: dict[str, list[str]] = {}  # issuer -> every issuer of its lineage, oldest first
        self.current: dict[str, str] = {}  # issuer -> the lineage's present name
        for members in groups.values():
            members.sort(key=lambda i: (max(self.bodies[i].years, default=0), i))
            owners = [owner_of[m] for m in members if m in owner_of]
            now = owners[-1] if owners else members[-1]
            for m in members:
                self.lineage[m] = members
                self.current[m] = now

    # ---- names -----------------------------------------------------------------------------
    @property
    def issuers(self) -> list[str]:
        return sorted(self.bodies)

    def _aliases(self, issuer: str) -> set[str]:
        """Chinese names that find this body alone: its own aliases without the bare place for a
        department (the place alone means the place's government), and names learned from its reports."""
        body, described = self.bodies[issuer], self.names[issuer]
        out = set(described.aliases)
        if body.dept:
            place_only = {body.place, body.stem} | set(described.units) | set(described.stems)
            out -= place_only
            out.add(body.stem + body.dept)
        for name in self.extra.get(issuer, set()):
            out.add(name)
            other = make_body(name, [])
            if other.dept:
                out.update({other.dept, other.stem + other.dept})
        return {a for a in out if len(a) >= 2}

    @cached_property
    def _index(self) -> dict[str, set[str]]:
        index: dict[str, set[str]] = {}
        for issuer in self.bodies:
            for alias in self._aliases(issuer):
                index.setdefault(alias, set()).add(issuer)
        own: dict[str, set[str]] = {}
        for issuer in self.bodies:
            for alias in self.names[issuer].aliases:
                own.setdefault(alias, set()).add(issuer)
        for alias, found in index.items():
            # a name a body is derived to answer to beats one its reports merely print (a city report's
            # publisher line "市府办" names the office that compiled it, not the government)
            mine = own.get(alias, set()) & found
            if mine and mine != found:
                index[alias] = mine
        for issuer in self.bodies:  # a body's own full name means that body, whatever else it abbreviates
            if issuer in index:
                index[issuer] = {issuer}
        for alias, found in index.items():
            # a name both a government and its own office answer to ("莆田市政府"): the government
            heads = {i for i in found if any(o != i and o.startswith(i) for o in found)}
            if len(heads) == 1:
                index[alias] = heads
        return index

    @cached_property
    def _longest_alias(self) -> int:
        return max((len(a) for a in self._index), default=0)

    @cached_property
    def _longest_place(self) -> int:
        return max((len(p) for p in self._place_zh), default=0)

    def _strip_place(self, short: str) -> str:
        """ "平潭交建" -> "交建", "区交通" -> "交通": the place said in front of a department."""
        for p in self._prefixes:
            if short.startswith(p) and len(short) - len(p) >= 2:
                return short[len(p) :]
        return short

    def _literal(self, question: str) -> tuple[set[str], list[tuple[int, int]]]:
        """Issuers named by a known alias; where aliases overlap the longest wins."""
        index, longest = self._index, self._longest_alias
        spans: list[tuple[int, int, set[str]]] = []
        for i in range(len(question)):
            for n in range(2, min(longest, len(question) - i) + 1):
                hit = index.get(question[i : i + n])
                if hit:
                    spans.append((i, i + n, hit))
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        taken: list[tuple[int, int]] = []
        found: set[str] = set()
        for a, b, hit in spans:
            if any(x < b and a < y for x, y in taken):
                continue
            taken.append((a, b))
            found |= hit
        return found, taken

    def _abbreviated(self, question: str, taken: list[tuple[int, int]]) -> set[str]:
        """Departments named by a short form ("交建局", "区交通局", "市监局"): at each department suffix
        in the question, the longest stretch before it that names some department's stem."""
        depts = self._dept_index
        found: set[str] = set()
        for suffix in sorted({s for _, s in depts}, key=len, reverse=True):
            for m in re.finditer(re.escape(suffix), question):
                end = m.start()
                if any(x <= end < y for x, y in taken):
                    continue
                best: tuple[int, int, set[str]] = (0, 0, set())
                for start in range(end - 2, max(-1, end - 11), -1):
                    short = self._strip_place(question[start:end])
                    scored = [
                        (abbreviation_score(short, stem), issuers)
                        for (stem, sfx), issuers in depts.items()
                        if sfx == suffix
                    ]
                    top = max((s for s, _ in scored), default=0)
                    if top and (len(short), top) > best[:2]:
                        best = (len(short), top, set().union(*(i for s, i in scored if s == top)))
                found |= best[2]
        return found

    def _unsuffixed(self, question: str, taken: list[tuple[int, int]]) -> set[str]:
        """Departments named right after their place by a short form with no suffix ("莆田水利", "平潭交建",
        "莆田城管"): people drop 局 as readily as the place. Only a stretch no alias took, only among the
        departments of that place, and only a form that keeps the stem's word order (part of it, or the first
        characters of its words), so 莆田全市 or 平潭2020年 name nothing."""
        found: set[str] = set()
        for place in (p for p in self._prefixes if len(p) >= 2 and p not in _PLACE_WORDS):
            for m in re.finditer(re.escape(place), question):
                end = m.end()
                if any(len(p) > len(place) and question.startswith(p, m.start()) for p in self._prefixes):
                    continue  # "平潭综合实验区国资局": 平潭 begins a longer place name, not 综合(执法)
                for n in range(6, 1, -1):
                    short = question[end : end + n]
                    if len(short) < n or not re.fullmatch(r"[\u4e00-\u9fff]+", short):
                        continue
                    if any(x < end + n and end < y for x, y in taken):
                        continue
                    scored = [
                        (abbreviation_score(short, stem), issuers)
                        for (stem, _), issuers in self._dept_index.items()
                        if any(place in i for i in issuers)
                    ]
                    top = max((sc for sc, _ in scored), default=0)
                    if top >= 2:
                        found |= {i for sc, issuers in scored if sc == top for i in issuers if place in i}
                        break
        return found

    def _english(self, question: str) -> set[str]:
        """Departments named in English: the department words before "bureau/department/office"."""
        q = normal_en(question)
        found: set[str] = set()
        last = 0
        for head in _EN_DEPT_HEAD.finditer(q):
            # the words since the previous department's head: "the sports bureau and the urban management
            # bureau" names two, not one with both words
            before = q[max(last, head.start() - 60) : head.start()]
            last = head.end()
            parts = [
                zh
                for en, zh in sorted(EN_DEPT_WORDS.items(), key=lambda kv: -len(kv[0]))
                if re.search(rf"\b{re.escape(en)}\b", before)
            ]
            if not parts:
                continue
            matched = {i for i, depts in self._depts_of.items() if any(all(p in d for p in parts) for d in depts)}
            # "the Pingtan comprehensive law enforcement bureau": English words name a department loosely
            # (Putian's urban administrative law enforcement bureau shares three of them); a place said in
            # the same phrase picks its own
            places = self._places(before)
            found |= {i for i in matched if self.bodies[i].stem in places} or matched
        return found

    def _places(self, question: str) -> set[str]:
        """Places named (Chinese unit, stem or English) among the catalog's: their stems."""
        # every stretch of the question looked up, not every place tried: the cost follows the question
        out = {
            self._place_zh[question[i : i + n]]
            for i in range(len(question))
            for n in range(1, min(self._longest_place, len(question) - i) + 1)
            if question[i : i + n] in self._place_zh
        }
        words = re.findall(r"[a-z]+", normal_en(question))
        # a name written in syllables ("Pu Tian", "Yue Xi") as well as whole ("Putian")
        joined = words + ["".join(words[i : i + 2]) for i in range(len(words) - 1)]
        joined += ["".join(words[i : i + 3]) for i in range(len(words) - 2)]
        out |= {self._place_en[w] for w in set(joined) if w in self._place_en}
        return out

    def _unmatched(self, question: str, taken: list[tuple[int, int]], english: set[str]) -> list[str]:
        """Department names in the question that no body held answers to: "财政局2022年…" is about a
        body the collection does not have, not about every body."""
        out: list[str] = []
        for m in re.finditer(r"([\u4e00-\u9fff]{2,8}?)(局|委员会|署)(?![面势部长])", question):
            start = max([m.start(1), *(y for x, y in taken if x < m.end(1) and y <= m.end(1))])
            if any(x < m.end() and start < y for x, y in taken):
                continue  # the department itself was named (and found)
            short = self._strip_place(question[start : m.end(1)])
            name = short[-4:] + m.group(2)
            if name[-2:] not in _NOT_BODIES and len(short) >= 2:
                out.append(name)
        q = normal_en(question)
        if english:  # an English department name found a body
            return out
        for head in _EN_DEPT_HEAD.finditer(q):
            before = q[max(0, head.start() - 40) : head.start()]
            known = [en for en in EN_DEPT_WORDS if re.search(rf"\b{re.escape(en)}\b", before)]
            if known:  # a department word we know, naming no body held ("the finance bureau")
                out.append(f"{max(known, key=len)} {head.group(1)}")
        return out

    # ---- resolution ------------------------------------------------------------------------
    def resolve(self, question: str, years: list[int]) -> Resolution:
        literal, taken = self._literal(question)
        english = self._english(question)
        named = literal | self._abbreviated(question, taken) | self._unsuffixed(question, taken)
        if not named or not any(self.bodies[i].dept for i in named) and any(self.bodies[i].dept for i in english):
            named |= english  # an English name; a Chinese one given beside it ("… office (市府办)") wins
        if any(self.bodies[i].dept for i in named) and not _GOVERNMENT_WORD.search(question):
            # "莆田文广新局": the place is said to name the department's place, not its government; unless it
            # stands alone, joined to the department ("莆田市和审计局", "Putian City and the audit bureau")
            named = {i for i in named if self.bodies[i].dept or _stands_alone(question, i)}
        places = self._places(question)
        if named and places and all(self.bodies[i].dept for i in named):
            # "Putian City and the audit bureau": a place said as a body of its own is its government
            alone = [
                i for i, b in self.bodies.items() if not b.dept and b.stem in places and _stands_alone(question, i)
            ]
            named |= set(self._government_or_office(question, alone)) if alone else set()
        if named and places:
            here = {i for i in named if not self.bodies[i].stem or self.bodies[i].stem in places}
            elsewhere = {i for i in named - here if self.bodies[i].dept}
            if not here and elsewhere and not english:
                # "莆田市教育局": a department of the place named, which the collection does not hold (another
                # place's department that answers to the same words is not it)
                dept = self.bodies[min(elsewhere)].dept
                return Resolution(places=sorted(places), unmatched=[f"{min(places)}{dept}"])
            # the place picks among bodies the same words name in several places; a body the words name
            # alone stays (two bodies of two places may be asked in one question)
            # one kind: the same department words, or one department's name within another's (体育局 and
            # 旅游与文化体育局 both answer "sports bureau")
            depts = sorted({self.bodies[i].dept or "政府" for i in named}, key=len)
            kind = {d: next(k for k in depts if k in d or d in k) for d in depts}
            by_kind: dict[str, set[str]] = {}
            for i in named:
                by_kind.setdefault(kind[self.bodies[i].dept or "政府"], set()).add(i)
            named = set()
            for group in by_kind.values():
                named |= (group & here) or group if len(group) > 1 else group
        if len(named) > 1 and all(not self.bodies[i].dept for i in named):
            named = set(self._government_or_office(question, sorted(named)))
        unmatched = self._unmatched(question, taken, english)
        if unmatched and not any(self.bodies[i].dept for i in named):
            # "财政局2022年…", "东山县财政局…": a department the collection does not hold, not its place's government
            return Resolution(places=sorted(places), unmatched=unmatched)
        ambiguous = False
        if not named and places:
            at = [i for i, b in self.bodies.items() if b.stem in places]
            governments = [i for i in at if not self.bodies[i].dept]
            governments = self._government_or_office(question, governments)
            named, ambiguous = (set(governments), False) if governments else (set(at), len(at) > 1)
        if not named:
            return Resolution(places=sorted(places))
        return self.for_years(sorted(named), years, ambiguous, sorted(places))

    def _government_or_office(self, question: str, governments: list[str]) -> list[str]:
        """Of a place's government and its general office (莆田市人民政府, 莆田市人民政府办公室): the office when
        the question says office ("政府办", "general office", "government office"), else the government."""
        offices = [
            i for i in governments if i.endswith("办公室") and any(o != i and i.startswith(o) for o in governments)
        ]
        heads = [i for i in governments if i not in offices]
        if offices and _OFFICE_WORD.search(question):
            return offices
        return heads or governments

    def nearest(
        self,
        names: list[str],
        places: set[str] | None = None,
        regions: Mapping[str, set[str]] | None = None,
        limit: int = 5,
    ) -> list[str]:
        """The held bodies nearest to names the collection does not hold: those of the place asked first
        (its name, or a region it lies in: 平潭's bodies for 福州市), then by how much of the name they share
        — a few, never the whole catalog."""
        from difflib import SequenceMatcher

        asked_places = {u for n in names for u in place_units(n)} | (places or set())
        regions = regions or {}
        scored = []
        for issuer in set(self.current.values()) or set(self.bodies):
            where = set(place_units(issuer)) | {self.bodies[issuer].stem} | regions.get(issuer, set())
            same_place = bool(asked_places & where)
            closeness = max((SequenceMatcher(None, n.lower(), issuer.lower()).ratio() for n in names), default=0.0)
            scored.append((not same_place, -closeness, issuer))
        return [issuer for _, _, issuer in sorted(scored)[:limit]]

    def lineage_years(self, issuer: str) -> list[int]:
        """The years a body's reports cover, under any of its names."""
        return sorted({y for m in self.lineage.get(issuer, [issuer]) for y in self.bodies[m].years})

    def holds(self, asked: list[str], years: list[int]) -> bool:
        """Whether any body of these lineages has a report for any of ``years``."""
        return any(set(self.bodies[m].years) & set(years) for i in asked if i in self.lineage for m in self.lineage[i])

    def for_years(
        self, asked: list[str], years: list[int], ambiguous: bool = False, places: list[str] | None = None
    ) -> Resolution:
        """Each body named stands for its lineage; the year asked picks the members that hold it."""
        named = {i for i in asked if i in self.bodies}
        res = Resolution(places=places or [], asked=sorted(named), ambiguous=ambiguous)
        lineages: dict[str, list[str]] = {}
        for issuer in sorted(named):
            lineages.setdefault(self.current[issuer], []).append(issuer)
        holding = {
            key: [m for m in self.lineage[asked[0]] if set(self.bodies[m].years) & set(years)]
            for key, asked in lineages.items()
        }
        if years and any(holding.values()):
            lineages = {k: v for k, v in lineages.items() if holding[k]}  # bodies that hold the year asked first
        for asked in lineages.values():
            members = self.lineage[asked[0]]
            if not years:
                chosen = members if len(members) > 1 else asked
            else:
                # each year from the member named if it holds it, else from the members that do (科学技术局
                # 2020–2022: its 2020 report was issued as 科技局); no member holds any: the whole lineage, so
                # the answer lists every year it does hold
                chosen = []
                for y in years:
                    holders = [m for m in members if y in self.bodies[m].years]
                    chosen += [m for m in ([m for m in holders if m in asked] or holders) if m not in chosen]
                chosen = chosen or members
            for m in chosen:
                if m not in res.issuers:
                    res.issuers.append(m)
            earlier = [m for m in chosen if m not in asked]
            if not years and earlier:
                res.notes.append(
                    (
                        f"（包括该单位以{'、'.join(earlier)}名义发布的报告。）",
                        f"(Including its reports issued as {'; '.join(earlier)}.)",
                    )
                )
            for m in chosen:
                if m not in asked and years:
                    held = sorted(set(self.bodies[m].years) & set(years))
                    if not held:
                        continue  # the lineage holds none of the years asked: the answer says so
                    ys, ys_en = "、".join(map(str, held)), ", ".join(map(str, held))
                    if m != self.current[m]:
                        res.notes.append(
                            (
                                f"{ys}年度的报告由{m}发布（该单位现名{self.current[m]}）。",
                                f"The {ys_en} report was issued under the name {m} (the body is now {self.current[m]}).",
                            )
                        )
                    else:
                        old = "、".join(asked)
                        res.notes.append(
                            (
                                f"{ys}年度的报告由{m}发布（{old}是该单位此前的名称）。",
                                f"The {ys_en} report was issued by {m} ({', '.join(asked)} is its former name).",
                            )
                        )
        res.lineages = len(lineages)
        if ambiguous or len(lineages) > 1:
            res.candidates = sorted({self.current[i] if self.current[i] in self.bodies else i for i in res.issuers})
        return res

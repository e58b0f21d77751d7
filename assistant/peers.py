"""Where an office stands among its peers (GET /api/peers, the Compare tab's 同级比较 view).

Peers are the bodies of the same level under the same parent place: a department's peers are the other
departments of its place (平潭综合实验区交通与建设局 among the zone's bureaus), a government's the
governments of its level under the same parent (the counties of one city). A renamed body counts once,
under the name that holds the year asked (its lineage, :mod:`assistant.bodies`). For the office and each
peer with a report that year, the main figures — applications received, the 予以公开 share, 不予公开,
reconsiderations, lawsuits, items proactively published — each read as the compare and rank answers read
them (:func:`assistant.values.best_value`) and cited; then the office's rank and the median among those
that give the figure. Peers without a report that year are listed with the years they do have.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from assistant.answer import catalog_view
from assistant.bodies import BodyCatalog, describe
from assistant.compose import Composer
from assistant.glossary import BY_KEY
from assistant.types import Citation, Value
from assistant.values import best_value
from index.collection import Collection
from index.facts import ReportRow
from ingest.model import needs_warning
from ingest.normalize import format_value

# (key, zh, en): the figures compared, in order; "granted_share" is 予以公开 ÷ 办理结果总计
FIGURES = (
    ("applications_received", "收到申请", "applications received"),
    ("granted_share", "予以公开占比", "granted in full (share)"),
    ("denied", "不予公开", "refused"),
    ("reviews", "行政复议", "reconsiderations"),
    ("lawsuits", "行政诉讼", "lawsuits"),
    ("proactive_items", "主动公开信息", "items proactively published"),
)
_LEVELS = (
    ("province", ("省", "自治区")),
    ("city", ("市", "州", "盟")),
    ("county", ("县", "区", "旗")),
    ("town", ("镇", "乡", "街道")),
)
_ABOVE = {"town": ("county", "city", "province"), "county": ("city", "province"), "city": ("province",), "province": ()}


class PeersError(LookupError):
    """The office is not held, its name fits several, or it has no report for the year: the message
    says which, ``choices`` the names to pick from."""

    def __init__(self, message: str, choices: list[str] | None = None) -> None:
        super().__init__(message)
        self.choices = choices or []


@dataclass
class PeerFigure:
    metric: str
    value: str | None  # as printed (a share: "62.50%"); None when the report does not give it
    unit: str = ""
    citations: list[str] = field(default_factory=list)  # ids into PeerView.citations
    source: str = ""  # table | text | computed
    table_status: str = ""  # the table's status when a reader must be warned (ambiguous, inconsistent)
    formula: str = ""  # a share: "5 ÷ 8 × 100"


@dataclass
class PeerRow:
    issuer: str
    report_id: str
    is_office: bool
    figures: list[PeerFigure]


@dataclass
class Standing:
    """The office's place on one figure among the peers that give it (rank 1 = the largest)."""

    metric: str
    label: str
    value: str | None
    rank: int | None
    of: int
    median: str | None


@dataclass
class Absent:
    issuer: str
    years: list[int]  # the years the collection holds for it


@dataclass
class PeerView:
    issuer: str
    year: int
    group: str  # who the peers are, in words
    rows: list[PeerRow]
    standings: list[Standing]
    without_report: list[Absent]
    citations: list[Citation]


def _level(unit: str) -> str:
    for level, suffixes in _LEVELS:
        if unit.endswith(suffixes):
            return level
    return ""


def group_of(issuer: str, report: ReportRow | None, bodies: BodyCatalog) -> tuple[str, str, str]:
    """(kind, parent place, level): equal for peers. A department: its place; a government, or a government's
    general office (办公室/办公厅, the peer of the other governments' offices, not of its own government):
    the place above its own and its level."""
    body = bodies.bodies.get(issuer)
    units = describe(issuer).units
    if body is not None and body.dept:
        return ("dept", body.place, "")
    if not units:
        return ("", issuer, "")
    kind = "office" if "办公" in issuer[len("".join(units)) :] else "gov"
    level = _level(units[-1])
    if len(units) > 1:
        return (kind, "".join(units[:-1]), level)
    regions = report.regions if report is not None else {}
    parent = next((regions[k] for k in _ABOVE.get(level, ()) if regions.get(k)), "")
    return (kind, parent, level)


def _describe_group(kind: str, parent: str, level: str, lang: str) -> str:
    if kind == "dept":
        return f"{parent}的部门" if lang == "zh" else f"departments of {parent}"
    zh = {"county": "县级", "town": "乡镇级", "city": "市级", "province": "省级"}.get(level, "")
    zh += "人民政府办公室" if kind == "office" else "人民政府"
    en = f"{level}-level government{' offices' if kind == 'office' else 's'}"
    if lang == "zh":
        return f"{parent}所辖{zh}" if parent else zh
    return f"{en} under {parent}" if parent else en


def _pick_office(bodies: BodyCatalog, issuer: str, lang: str) -> str:
    if issuer in bodies.bodies:
        return issuer
    fits = sorted(i for i in bodies.bodies if issuer and issuer in i)
    if len(fits) == 1:
        return fits[0]
    if fits:
        zh = f"“{issuer}”对应{len(fits)}个单位，请给出全称"
        raise PeersError(zh if lang == "zh" else f"“{issuer}” fits {len(fits)} offices: give the full name", fits)
    raise PeersError(f"未收录名为“{issuer}”的单位" if lang == "zh" else f"no office named “{issuer}” is held")


def _lineages(bodies: BodyCatalog) -> dict[str, list[str]]:
    """Present name -> every name of the body (a renamed body once)."""
    out: dict[str, list[str]] = {}
    for issuer in bodies.bodies:
        out.setdefault(bodies.current.get(issuer, issuer), []).append(issuer)
    return out


def _report_of(
    by_issuer: dict[str, list[tuple[int, ReportRow]]], names: list[str], year: int, copies
) -> ReportRow | None:
    held = [r for n in names for _, r in by_issuer.get(n, []) if r.year == year and r.id not in copies]
    return max(held, key=lambda r: r.ingested_at, default=None)


def _figure(comp: Composer, coll: Collection, report: ReportRow, key: str) -> tuple[PeerFigure, Decimal | None]:
    if key == "granted_share":
        num = best_value(comp, coll, report, BY_KEY["granted"], None)
        den = best_value(comp, coll, report, BY_KEY["total_processed"], None)
        if num is None or den is None or num.value is None or den.value is None or den.value == 0:
            return PeerFigure(key, None), None
        pct = (num.value / den.value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        status = next((v.table_status for v in (num, den) if needs_warning(v.table_status)), "")
        return (
            PeerFigure(
                key,
                f"{format_value(pct)}%",
                "%",
                [num.citation, den.citation],
                "computed",
                status,
                f"{num.text} ÷ {den.text} × 100",
            ),
            pct,
        )
    v: Value | None = best_value(comp, coll, report, BY_KEY[key], None)
    if v is None or v.value is None:
        return PeerFigure(key, None), None
    status = v.table_status if needs_warning(v.table_status) else ""
    return PeerFigure(key, v.text or format_value(v.value), v.unit, [v.citation], v.source, status), v.value


def _standing(key: str, label: str, office: Decimal | None, values: list[Decimal], unit: str) -> Standing:
    if not values:
        return Standing(key, label, None, None, 0, None)
    median = statistics.median(values)
    shown = f"{format_value(median.quantize(Decimal('0.01')) if key == 'granted_share' else median)}"
    shown += "%" if key == "granted_share" else ""
    rank = None if office is None else 1 + sum(1 for v in values if v > office)
    value = None if office is None else format_value(office) + ("%" if key == "granted_share" else "")
    return Standing(key, label, value, rank, len(values), shown)


def peers(coll: Collection, issuer: str, year: int, lang: str = "zh") -> PeerView:
    """The office's main figures for ``year`` beside its peers', with its rank and the median of each."""
    view = catalog_view(coll)
    bodies = view.bodies
    office = _pick_office(bodies, issuer.strip(), lang)
    lineages = _lineages(bodies)
    mine = lineages[bodies.current.get(office, office)]
    own = _report_of(view.by_issuer, mine, year, view.copies)
    if own is None:
        years = sorted({y for n in mine for y in bodies.bodies[n].years})
        held = "、".join(map(str, years)) or "无"
        raise PeersError(
            f"未收录{office}{year}年的报告（已收录：{held}）"
            if lang == "zh"
            else f"no report of {office} for {year} is held (held: {', '.join(map(str, years)) or 'none'})"
        )
    key = group_of(own.issuer, own, bodies)
    comp = Composer(lang, coll)
    rows: list[PeerRow] = []
    absent: list[Absent] = []
    numbers: dict[str, list[tuple[bool, Decimal]]] = {k: [] for k, _, _ in FIGURES}
    for present, names in sorted(lineages.items()):
        report = own if names is mine else _report_of(view.by_issuer, names, year, view.copies)
        latest = report or max((r for n in names for _, r in view.by_issuer.get(n, [])), key=lambda r: r.year or 0)
        if group_of(latest.issuer, latest, bodies) != key:
            continue
        if report is None:
            absent.append(Absent(present, sorted({y for n in names for y in bodies.bodies[n].years})))
            continue
        figures = []
        for k, _, _ in FIGURES:
            fig, value = _figure(comp, coll, report, k)
            figures.append(fig)
            if value is not None:
                numbers[k].append((names is mine, value))
        rows.append(PeerRow(report.issuer, report.id, names is mine, figures))
    rows.sort(key=lambda r: (not r.is_office, r.issuer))
    standings = []
    for k, zh, en in FIGURES:
        office_value = next((v for is_office, v in numbers[k] if is_office), None)
        standings.append(_standing(k, zh if lang == "zh" else en, office_value, [v for _, v in numbers[k]], ""))
    return PeerView(office, year, _describe_group(*key, lang), rows, standings, absent, comp.citations)

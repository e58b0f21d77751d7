"""A table read by OCR whose checking relations fail: its suspect cells are not presented as read.

A misread digit ("1" read as "0") breaks a sum. In a typed report a failing relation says the
source does not add up, and the printed figures are still what the report says. In a scan it may
equally be the recogniser's mistake, and nothing on the page tells which. So every cell read by OCR
that takes part in a failing relation is kept as *ambiguous*: its candidates are the figure as
read and the figure that would make the relation hold, and only a relation (or a person with the
page) may pick. A cell no failing relation touches keeps its reading: the relations it is in hold.

The relations are those of §9 as linear equations over cell ids (Σ coefficient × cell = 0): the
row sums of T3 and T4, and T3's column relations 1 (一+二 = （七）+四) and 2 (Σ办理结果 = （七）).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ingest.model import AMBIGUOUS, BLANK, DASH, INCONSISTENT, NUMBER, Cell, Table
from ingest.schema import T3_COLUMNS, T3_OUTCOME_ROWS, T4_BLOCKS, T4_COLUMNS

_PARTS = [cid for cid, _ in T3_COLUMNS if cid != "total"]


@dataclass(frozen=True)
class Relation:
    name: str
    terms: tuple[tuple[str, int], ...]  # (cell id, coefficient): Σ coefficient × value = 0


def relations(table: Table) -> list[Relation]:
    """The checking relations of one table, over the cells it prints."""
    out: list[Relation] = []
    rows = list(dict.fromkeys(c.row_id for c in table.cells if c.method != "derived"))
    if table.table == "t3":
        for row in rows:
            parts = tuple((f"{row}:{c}", 1) for c in _PARTS)
            out.append(Relation(f"{row} 行合计", (*parts, (f"{row}:total", -1))))
        outcomes = [r for r in T3_OUTCOME_ROWS.get(table.generation, []) if r in rows]
        for cid, label in T3_COLUMNS:
            out.append(
                Relation(
                    f"rel1 {label}",
                    (
                        (f"t3.new_received:{cid}", 1),
                        (f"t3.carried_over:{cid}", 1),
                        (f"t3.total_processed:{cid}", -1),
                        (f"t3.carried_forward:{cid}", -1),
                    ),
                )
            )
            if outcomes:
                terms = tuple((f"{r}:{cid}", 1) for r in outcomes)
                out.append(Relation(f"rel2 {label}", (*terms, (f"t3.total_processed:{cid}", -1))))
    elif table.table == "t4":
        for row, _ in T4_BLOCKS:
            parts = tuple((f"{row}:{c}", 1) for c, _ in T4_COLUMNS if c != "total")
            out.append(Relation(f"{row} 合计", (*parts, (f"{row}:total", -1))))
    return out


def _value(cell: Cell | None) -> Decimal | None:
    if cell is None:
        return None
    if cell.status == NUMBER:
        return cell.value
    if cell.status in (BLANK, DASH):
        return Decimal(0)  # "blank means 0" (§9)
    return None


def guard(table: Table) -> int:
    """Mark the OCR'd cells of failing relations ambiguous, with their candidates; how many were."""
    if table.status != INCONSISTENT or not any(c.method == "ocr" for c in table.cells):
        return 0
    cells = {c.id: c for c in table.cells}
    alternatives: dict[str, set[Decimal]] = defaultdict(set)
    failing: dict[str, list[str]] = defaultdict(list)
    for rel in relations(table):
        values = [_value(cells.get(cid)) for cid, _ in rel.terms]
        if any(v is None for v in values):
            continue  # a relation over a cell not read: nothing to check
        residual = sum((v * k for v, (_, k) in zip(values, rel.terms, strict=True)), Decimal(0))  # type: ignore[operator]
        if residual == 0:
            continue
        for (cid, k), v in zip(rel.terms, values, strict=True):
            cell = cells.get(cid)
            if cell is None or cell.method != "ocr" or cell.status != NUMBER:
                continue
            failing[cid].append(rel.name)
            other = v - residual / k  # type: ignore[operator]
            if other >= 0 and other == other.to_integral_value():
                alternatives[cid].add(other)
    for cid, names in failing.items():
        cell = cells[cid]
        read = cell.value
        cell.candidates = [read, *sorted(a for a in alternatives[cid] if a != read)]  # type: ignore[list-item]
        cell.status, cell.value = AMBIGUOUS, None
        cell.note = f"read by OCR as {read}; fails {', '.join(sorted(set(names)))}: kept as candidates"
    if failing:
        table.reasons.append(
            f"read by OCR and {len(failing)} cells are in failing relations: kept as candidates, not as read"
        )
    return len(failing)

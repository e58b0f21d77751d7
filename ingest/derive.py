"""Cells the formats define but do not print (§8 [derived]): group sums, 法人或其他组织, 行政诉讼.

People ask "how many were refused" (（三）不予公开) or "how many lawsuits" (行政诉讼); the printed
tables only hold the parts. A derived cell is known only when every part is known; blanks count
as 0, as the format's "blank means 0" convention has it.
"""

from __future__ import annotations

from decimal import Decimal

from ingest.model import AMBIGUOUS, BLANK, DASH, MISSING, NUMBER, Cell, Table
from ingest.schema import GEN_2021, T3_COLUMNS, T3_LEGAL_PERSON_PARTS, T4_COLUMNS

_KNOWN = (NUMBER, BLANK, DASH)


def _sum(parts: list[Cell | None], table: str, row_id: str, col_id: str, formula: str) -> Cell:
    if not parts or any(p is None for p in parts):
        return Cell(table, row_id, col_id, None, MISSING, "", None, "derived", note=formula)
    if all(p.status in _KNOWN for p in parts):  # type: ignore[union-attr]
        total = sum((p.value or Decimal(0) for p in parts), Decimal(0))  # type: ignore[union-attr]
        return Cell(table, row_id, col_id, total, NUMBER, "", None, "derived", note=formula)
    status = AMBIGUOUS if any(p.status == AMBIGUOUS for p in parts) else MISSING  # type: ignore[union-attr]
    return Cell(table, row_id, col_id, None, status, "", None, "derived", note=formula)


def add_derived(table: Table) -> Table:
    by_id = {c.id: c for c in table.cells}
    derived: list[Cell] = []
    if table.table == "t3":
        printed_rows = list(dict.fromkeys(c.row_id for c in table.cells))
        groups = {
            "t3.received_total": ["t3.new_received", "t3.carried_over"],
            "t3.denied": [r for r in printed_rows if r.startswith("t3.denied.")],
            "t3.unable": [r for r in printed_rows if r.startswith("t3.unable.")],
            "t3.not_processed": [r for r in printed_rows if r.startswith("t3.not_processed.")],
        }
        if table.generation == GEN_2021 and "t3.other" not in printed_rows:
            groups["t3.other"] = [r for r in printed_rows if r.startswith("t3.other.")]
        for rid, parts in groups.items():
            for cid, _ in T3_COLUMNS:
                formula = " + ".join(f"{p}:{cid}" for p in parts)
                cell = _sum([by_id.get(f"{p}:{cid}") for p in parts], "t3", rid, cid, formula)
                derived.append(cell)
                by_id[cell.id] = cell
        for rid in list(dict.fromkeys(printed_rows + list(groups))):
            parts_ids = [f"{rid}:{c}" for c in T3_LEGAL_PERSON_PARTS]
            derived.append(_sum([by_id.get(p) for p in parts_ids], "t3", rid, "legal_person", " + ".join(parts_ids)))
    elif table.table == "t4":
        for cid, _ in T4_COLUMNS:
            parts_ids = [f"t4.litigation_direct:{cid}", f"t4.litigation_after_review:{cid}"]
            derived.append(_sum([by_id.get(p) for p in parts_ids], "t4", "t4.litigation", cid, " + ".join(parts_ids)))
    table.cells.extend(derived)
    return table

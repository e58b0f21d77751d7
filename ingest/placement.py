"""Put each number of a flattened table row into its cell, using the checking relations (§9, §10.3).

Flattening loses cell boundaries in two ways: blanks dropped from space-separated rows (fewer
numbers than cells) and digits glued into runs ("801000081"). For each row we enumerate every
reading of its tokens — every order-preserving placement onto the cells, every split of a digit
run — keep those that satisfy the row relations (T3 row sums, T4 block sums), then those that
satisfy the column relations of T3 jointly. A cell whose value is the same in every surviving
reading is known; otherwise it is *ambiguous* and keeps its candidates. Nothing is guessed:
where no reading survives, the row's cells are *missing* and its raw tokens are kept.

Blanks are read as 0 when relations are checked (the "blank means 0" convention of §9).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from ingest.budget import check
from ingest.model import (
    AMBIGUOUS,
    AMBIGUOUS_TABLE,
    BLANK,
    DASH,
    INCONSISTENT,
    MISSING,
    NUMBER,
    REPAIRED,
    UNCHECKED,
    VERIFIED,
    Cell,
    Table,
)
from ingest.normalize import nfkc
from ingest.schema import DECIMAL_COLUMNS, IMPLIED_UNITS, SIGNED_COLUMNS, T3_OUTCOME_ROWS

_COL_NAMES = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# the methods by which a cell's position was recovered rather than read as printed
RECOVERED = frozenset({"placed", "segmented", "expanded", "joined"})
JOINT_LIMIT = 200_000  # readings combinations tried across rows before giving up on joint solving
ZERO = Decimal(0)


@dataclass(frozen=True)
class Token:
    raw: str
    value: Decimal | None
    unit: str | None
    kind: str  # number | dash
    start: int
    end: int
    # how this chunk may continue the previous one when the page broke a number between them: ""
    # (only whitespace between: "8⏎8" may be 88), "." (a decimal point on a line of its own:
    # "851⏎.⏎776247"), None (something else stands between: two cells for sure)
    joins_previous: str | None = None


class Model(StrEnum):
    """How a source lost its cell boundaries: decides which readings of a row are considered.

    STANDARD: blanks dropped between separated numbers, digits glued into runs (most flattened pages).
    RUNS: the page was copied by a tool that drops empty lines and collapses consecutive identical
    lines, so each printed number stands for a run of one or more equal cells ("8 0 8" for
    8|0|0|0|0|0|8); empty cells vanish too. Chosen per report by :func:`choose_model`.
    """

    STANDARD = "standard"
    RUNS = "runs"


@dataclass
class RowRead:
    row_id: str
    columns: list[str]
    tokens: list[Token]
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    cells: tuple[Token | None, ...]
    method: str

    def values(self) -> tuple[Decimal, ...]:
        return tuple(t.value if t is not None and t.value is not None else ZERO for t in self.cells)


@dataclass
class RowSolution:
    row: RowRead
    readings: list[Reading]
    problems: list[str] = field(default_factory=list)


_PIECE = re.compile(r"^(?P<sign>-)?(?P<int>0|[1-9]\d*)(?P<frac>\.\d+)?$")
SEARCH_LIMIT = 50_000  # partial readings explored per table; past it the rows left are unread, never a crash


class TooManyReadings(Exception):
    """A row whose splits are too many to enumerate: reported, never guessed."""


def _piece_ok(piece: str, column: str) -> bool:
    """Whether a run of characters can be one cell of ``column``: no leading zeros (but a lone 0),
    a sign only where 本年增/减 allows it, a decimal point only in an amount column."""
    return _piece_ok_cid(piece, column.split(":")[-1])


@lru_cache(maxsize=65536)
def _piece_ok_cid(piece: str, cid: str) -> bool:
    m = _PIECE.match(piece)
    if not m:
        return False
    if m.group("sign") and cid not in SIGNED_COLUMNS:
        return False
    return not (m.group("frac") and cid not in DECIMAL_COLUMNS)


_UNIT_SUFFIX = re.compile(r"(?:万元|元|件|项|条|个|宗|次|人)$")


def _digits(token: Token) -> str:
    """The number text of a token: NFKC, no thousands separators, spaces or unit."""
    return _UNIT_SUFFIX.sub("", nfkc(token.raw).replace(",", "").replace(" ", "")).replace("−", "-")


def _single(token: Token, column: str) -> bool:
    return token.kind != "number" or _piece_ok(_digits(token), column)


def split_readings(  # noqa: C901 - waiver 3/5: the digit-run search and its setup (see dfs)
    row: RowRead, table: str, budget: list[int] | None = None
) -> list[Reading]:
    """Every reading of a row's chunks as cells in order, each chunk one cell or several glued ones.

    Whitespace in the source is a cell boundary; a chunk with no whitespace inside ("291000030",
    "88-720", "2600000") may hold several cells. Readings failing a row relation are dropped as
    soon as its cells are known (T4 block sums), which keeps long runs tractable.
    """
    n = len(row.columns)
    tokens = row.tokens
    out: list[Reading] = []
    budget = budget if budget is not None else [SEARCH_LIMIT]
    raws = [_digits(t) if t.kind == "number" else "" for t in tokens]
    # characters still to place after token i (a non-number token fills one cell)
    after = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        after[i] = after[i + 1] + (len(raws[i]) if tokens[i].kind == "number" else 1)
    t3_parts = n - 1 if table == "t3" else 0  # T3: six parts, then their total

    def dfs(  # noqa: C901 - waiver 4/5: each branch prunes the search (budget, 表三 part sums, a cell's digits); apart, the pruning costs a call per node of a search of up to SEARCH_LIMIT nodes
        ti: int, offset: int, cells: list[Token], part_sum: Decimal
    ) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise TooManyReadings
        if budget[0] % 1024 == 0:
            check()
        ci = len(cells)
        if table == "t4" and ci and ci % 5 == 0:
            vals = [c.value or ZERO for c in cells[ci - 5 : ci]]
            if sum(vals[:4]) != vals[4]:
                return
        if ti == len(tokens):
            if ci == n:
                out.append(Reading(tuple(cells), "segmented"))
            return
        if ci == n:
            return
        tok = tokens[ti]
        if tok.kind != "number":
            if offset == 0:
                dfs(ti + 1, 0, [*cells, tok], part_sum)
            return
        raw = raws[ti]
        digits_left = after[ti + 1]
        chunks_left = len(tokens) - ti - 1
        col = row.columns[ci]
        cells_after = n - ci - 1
        for end in range(offset + 1, len(raw) + 1):
            piece = raw[offset:end]
            if not _piece_ok(piece, col):
                if not re.match(r"^-?\d*\.?\d*$", piece):
                    break  # no longer piece starting here can be a number
                continue
            last = end == len(raw)
            if last:
                if chunks_left > cells_after:
                    continue
            elif (len(raw) - end) + digits_left < cells_after or cells_after < 1 + chunks_left:
                continue
            value = Decimal(piece)
            if ci < t3_parts:
                # the parts add up to the total, which has at most the digits the other parts leave
                total_digits = (len(raw) - end) + digits_left - (t3_parts - ci - 1)
                if total_digits <= 0 or part_sum + value >= 10**total_digits:
                    break  # a longer piece is larger still
            unit = tok.unit if last else None
            piece_tok = Token(piece, value, unit, "number", tok.start + offset, tok.end if last else tok.start + end)
            next_sum = part_sum + value if ci < t3_parts else part_sum
            if last:
                dfs(ti + 1, 0, [*cells, piece_tok], next_sum)
            else:
                dfs(ti, end, [*cells, piece_tok], next_sum)

    dfs(0, 0, [], ZERO)
    return out


def row_readings(row: RowRead, table: str = "", budget: list[int] | None = None) -> list[Reading]:
    """Every reading of a row: as printed, with dropped blanks placed, or with glued runs split.

    A row printed with one valid number per cell is read as printed. Otherwise both ways of
    losing cell boundaries are tried — blanks dropped between separated numbers (only when each
    token is a valid number on its own: "000000" is not) and digits glued into runs — and the
    checking relations later keep what fits.
    """
    n, tokens = len(row.columns), row.tokens
    k = len(tokens)
    if k == 0:  # a row printed with every cell empty: blanks (read as 0 by the relations)
        return [Reading((None,) * n, "text_row")]
    singles = all(_single(t, row.columns[min(i, n - 1)]) for i, t in enumerate(tokens))
    if k == n and singles:
        return [Reading(tuple(tokens), "text_row")]
    readings: list[Reading] = []
    if k < n and all(t.kind == "number" and _piece_ok(_digits(t), "amount") for t in tokens):
        # dropped blanks: keep the tokens, choose the cells they stand in
        for positions in itertools.combinations(range(n), k):
            cells: list[Token | None] = [None] * n
            for pos, tok in zip(positions, tokens, strict=False):
                cells[pos] = tok
            if all(_single(tok, row.columns[pos]) for pos, tok in zip(positions, tokens, strict=False)):
                readings.append(Reading(tuple(cells), "placed"))
    readings.extend(split_readings(row, table, budget))
    return readings


def run_readings(row: RowRead, table: str, budget: list[int], blanks: bool) -> list[Reading]:
    """Readings of a row from a source that collapsed repeated values (:attr:`Model.RUNS`).

    Each printed number stands for a run of one or more consecutive equal cells, in order; with
    ``blanks`` a cell may also be empty (its line dropped), read as 0 by the relations. T4 block
    sums prune as the cells fill, so a 15-cell row stays cheap.
    """
    n, toks = len(row.columns), row.tokens
    if any(t.kind != "number" or not _single(t, "amount") for t in toks):
        return []  # a glued run or a null marker: not this form
    k = len(toks)
    out: list[Reading] = []

    def valid(ti: int, ci: int) -> bool:
        return _single(toks[ti], row.columns[ci])

    def dfs(ci: int, ti: int, cells: list[Token | None]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            raise TooManyReadings
        if budget[0] % 1024 == 0:
            check()
        if table == "t4" and not _t4_block_adds_up(cells, ci):
            return
        if ci == n:
            if ti == k - 1:
                out.append(Reading(tuple(cells), "placed" if None in cells else "text_row"))
            return
        if n - ci < k - 1 - ti:
            return  # too few cells left for the numbers still to place
        if ti >= 0 and valid(ti, ci):  # the current number's run goes on
            dfs(ci + 1, ti, [*cells, toks[ti]])
        if ti + 1 < k and valid(ti + 1, ci):  # the next number starts its run
            dfs(ci + 1, ti + 1, [*cells, toks[ti + 1]])
        if blanks:
            dfs(ci + 1, ti, [*cells, None])

    dfs(0, -1, [])
    for i, r in enumerate(out):
        present = [c for c in r.cells if c is not None]
        if len(present) > len(set(map(id, present))):
            out[i] = Reading(r.cells, "expanded")
    return out


def _t4_block_adds_up(cells: list[Token | None], filled: int) -> bool:
    """表四 in blocks of five (four results, then their total): the block just filled adds up (a blank
    read as 0). True until a block is complete."""
    if not filled or filled % 5:
        return True
    vals = [c.value if c is not None and c.value is not None else ZERO for c in cells[filled - 5 : filled]]
    return sum(vals[:4]) == vals[4]


def joined_variants(row: RowRead, joins: int) -> list[RowRead]:
    """The row with ``joins`` pairs of neighbouring chunks read as one number: a page that broke a
    number across lines or spans ("8⏎8", "851⏎.⏎776247"). Only chunks with nothing but whitespace (or a
    lone decimal point) between them can be one number."""
    toks = row.tokens
    spots = [
        i for i in range(1, len(toks)) if toks[i].joins_previous is not None and toks[i - 1].kind in ("number", "dash")
    ]
    variants = []
    for chosen in itertools.combinations(spots, joins):
        merged: list[Token] = []
        for i, tok in enumerate(toks):
            if i in chosen and merged:
                prev = merged[-1]
                raw = ("-" if prev.kind == "dash" else prev.raw) + (tok.joins_previous or "") + tok.raw
                parsed = _parse_plain(raw)
                if parsed is None:
                    break
                merged[-1] = Token(raw, parsed, tok.unit, "number", prev.start, tok.end, prev.joins_previous)
            else:
                merged.append(tok)
        else:
            variants.append(RowRead(row.row_id, row.columns, merged, row.start, row.end))
    return variants


def _parse_plain(raw: str) -> Decimal | None:
    m = _PIECE.match(raw)
    return Decimal(raw) if m else None


MAX_JOINS = 2  # numbers a page may break within one row before the row is left unread


def plain_readings(row: RowRead, table: str, model: Model, budget: list[int]) -> list[Reading]:
    """The readings of a row's chunks as printed or as the source's form loses boundaries."""
    singles = all(t.kind == "number" and _single(t, "amount") for t in row.tokens)
    if model is Model.RUNS and row.tokens and len(row.tokens) != len(row.columns):
        # this form prints every cell apart: a chunk that is no number on its own is one the page broke
        return run_readings(row, table, budget, blanks=False) if singles else []
    return row_readings(row, table, budget)


def join_readings(row: RowRead, table: str, model: Model, budget: list[int]) -> list[Reading]:
    """Readings that satisfy the row relation once neighbouring chunks are read as one number the
    page broke: the fewest joins that give any."""
    for joins in range(1, MAX_JOINS + 1):
        found: list[Reading] = []
        for variant in joined_variants(row, joins):
            # plain readings only: runs with empty cells besides would let one joined number stand
            # for a part and the total of any column ("2 0 2" as 202 … 202)
            readings = plain_readings(variant, table, model, budget)
            found += [Reading(r.cells, "joined") for r in readings if _row_ok(table, r.values())]
        if found:
            return found
    return []


def readings_for(row: RowRead, table: str, model: Model, budget: list[int]) -> tuple[list[Reading], list[Reading], str]:
    """(readings that satisfy the row relation, the plain readings, how they were found).

    The plainest explanation of the printed chunks is tried first: as printed; then the ways the
    source's form loses cell boundaries (dropped blanks and glued runs, or runs of equal cells);
    then, only when none of those adds up, chunks that are one number broken by the page. The
    first step that gives readings satisfying the row relation decides (the table's column relations
    may reopen it: :func:`solve_table`); a row none satisfies keeps its plain readings, so the caller
    can say what the source prints.
    """
    base = plain_readings(row, table, model, budget)
    ok = [r for r in base if _row_ok(table, r.values())]
    if ok:
        return ok, base, ""
    full = len(base) == 1 and base[0].method == "text_row" and len(row.tokens) == len(row.columns)
    if full and model is Model.STANDARD:
        # printed in full and not adding up: the source says so, nothing to repair (in a copy that
        # collapses repeated values a full row is rare, and more likely a short one with a number broken)
        return [], base, ""
    if model is Model.RUNS and row.tokens:
        with_blanks = run_readings(row, table, budget, blanks=True)
        ok = [r for r in with_blanks if _row_ok(table, r.values())]
        if ok:
            return ok, base or with_blanks, "blanks"
        base = base or with_blanks
    found = join_readings(row, table, model, budget)
    return (found, base, "joined") if found else ([], base, "")


def choose_model(rows: list[RowRead], tables: tuple[str, ...]) -> Model:
    """Whether a report's T3/T4 rows read better as runs of equal cells than as dropped blanks.

    A copy that collapses identical lines leaves a signature no other form has: rows shorter than
    the table, every chunk a number on its own (nothing glued), and never two equal numbers side by
    side within a row (one such pair is tolerated: a number the page broke, "11" as "1 1"). When the
    signature is there, runs are chosen if they explain at least as many rows (by the row
    relations) as dropped blanks do.
    """
    data = [(r, t) for r, t in zip(rows, tables, strict=True) if r.tokens]
    if len(data) < 5:
        return Model.STANDARD
    chunks = [tok for r, _ in data for tok in r.tokens]
    # a chunk that is no number on its own is glued cells, unless it may be the rest of a number the
    # page broke ("5⏎03")
    if any((t.kind != "number" or not _single(t, "amount")) and t.joins_previous is None for t in chunks):
        return Model.STANDARD
    pairs = sum(1 for r, _ in data for a, b in zip(r.tokens, r.tokens[1:], strict=False) if a.raw == b.raw)
    short = sum(1 for r, _ in data if len(r.tokens) < len(r.columns))
    if pairs > max(1, len(chunks) // 10) or short * 2 < len(data):
        return Model.STANDARD
    budget = [SEARCH_LIMIT]
    explained = {Model.STANDARD: 0, Model.RUNS: 0}
    try:
        for r, t in data:
            for model in explained:
                readings = (
                    run_readings(r, t, budget, blanks=False) if model is Model.RUNS else row_readings(r, t, budget)
                )
                explained[model] += any(_row_ok(t, x.values()) for x in readings)
    except TooManyReadings:
        return Model.STANDARD
    return Model.RUNS if explained[Model.RUNS] >= explained[Model.STANDARD] else Model.STANDARD


def _row_ok(table: str, values: tuple[Decimal, ...]) -> bool:
    if table == "t3":
        return sum(values[:6]) == values[6]
    if table == "t4":
        return all(sum(values[b * 5 : b * 5 + 4]) == values[b * 5 + 4] for b in range(3))
    return True


def _column_ok(generation: str, vectors: dict[str, tuple[Decimal, ...]]) -> list[str]:
    """Failed T3 column relations (1 and 2 of §9) for fully known rows."""
    failures = []
    need1 = ("t3.new_received", "t3.carried_over", "t3.total_processed", "t3.carried_forward")
    outcomes = T3_OUTCOME_ROWS[generation]
    for c in range(7):
        if all(r in vectors for r in need1):
            left = vectors["t3.new_received"][c] + vectors["t3.carried_over"][c]
            right = vectors["t3.total_processed"][c] + vectors["t3.carried_forward"][c]
            if left != right:
                failures.append(f"rel1 {_COL_NAMES[c]}: 一+二={left} ≠ （七）+四={right}")
        if "t3.total_processed" in vectors and all(r in vectors for r in outcomes):
            total = sum(vectors[r][c] for r in outcomes)
            if total != vectors["t3.total_processed"][c]:
                failures.append(f"rel2 {_COL_NAMES[c]}: Σ办理结果={total} ≠ （七）={vectors['t3.total_processed'][c]}")
    return failures


def _joint_keep(
    generation: str,
    groups: dict[str, dict[tuple[Decimal, ...], list[Reading]]],
    multi: list[str],
    fixed: dict[str, tuple[Decimal, ...]],
) -> dict[str, set[tuple[Decimal, ...]]]:
    """The readings of each undecided row that take part in some combination satisfying relations 1
    and 2 column by column. Both relations are sums with coefficients +1/−1 per row (一+二−（七）−四 = 0,
    Σ办理结果−（七） = 0), so each combination only adds its rows' contributions to the fixed rows' sums."""
    present = set(groups)
    need1 = ("t3.new_received", "t3.carried_over", "t3.total_processed", "t3.carried_forward")
    outcomes = T3_OUTCOME_ROWS[generation]
    use1 = all(r in present for r in need1)
    use2 = "t3.total_processed" in present and all(r in present for r in outcomes)

    def coef(rid: str) -> tuple[int, int]:
        c1 = (1 if rid in need1[:2] else -1 if rid in need1[2:] else 0) if use1 else 0
        c2 = (1 if rid in outcomes else -1 if rid == "t3.total_processed" else 0) if use2 else 0
        return c1, c2

    base1 = [ZERO] * 7
    base2 = [ZERO] * 7
    for rid, vec in fixed.items():
        c1, c2 = coef(rid)
        for c in range(7):
            base1[c] += c1 * vec[c]
            base2[c] += c2 * vec[c]
    options = []
    for rid in multi:
        c1, c2 = coef(rid)
        options.append([(vec, tuple(c1 * v for v in vec), tuple(c2 * v for v in vec)) for vec in groups[rid]])
    keep: dict[str, set[tuple[Decimal, ...]]] = {rid: set() for rid in multi}
    for choice in itertools.product(*options):
        ok = True
        for c in range(7):
            if base1[c] + sum(o[1][c] for o in choice) != 0 or base2[c] + sum(o[2][c] for o in choice) != 0:
                ok = False
                break
        if ok:
            for rid, o in zip(multi, choice, strict=True):
                keep[rid].add(o[0])
    return keep


def _joint_with_joins(
    table: str,
    generation: str,
    rows: list[RowRead],
    groups: dict[str, dict[tuple[Decimal, ...], list[Reading]]],
    joined: list[str],
    model: Model,
    budget: list[int],
) -> tuple[dict[str, set[tuple[Decimal, ...]]] | None, list[str]]:
    """The joint check again, each row read plainly now also offered its joined readings. Returns the
    readings kept per undecided row (None when there are too many to try) and the rows that gained
    joined readings; ``groups`` is extended in place."""
    gained = []
    for row in rows:
        if row.row_id not in groups or row.row_id in joined:
            continue
        extra = [r for r in join_readings(row, table, model, budget) if r.values() not in groups[row.row_id]]
        if extra:
            for vec, rs in _unique_by_values(extra).items():
                groups[row.row_id].setdefault(vec, []).extend(rs)
            gained.append(row.row_id)
    multi = [rid for rid, g in groups.items() if len(g) > 1]
    fixed = {rid: next(iter(g)) for rid, g in groups.items() if len(g) == 1}
    combos = 1
    for rid in multi:
        combos *= len(groups[rid])
    if combos > JOINT_LIMIT:
        return None, []
    keep = _joint_keep(generation, groups, multi, fixed)
    # a row whose kept readings are all plain took no join after all
    used = [rid for rid in gained if any(r.method == "joined" for v in keep.get(rid, ()) for r in groups[rid][v])]
    return keep, used


def _unique_by_values(readings: list[Reading]) -> dict[tuple[Decimal, ...], list[Reading]]:
    groups: dict[tuple[Decimal, ...], list[Reading]] = {}
    for r in readings:
        groups.setdefault(r.values(), []).append(r)
    return groups


@dataclass
class _Solving:
    """What the stages of :func:`solve_table` hand on: each row's readings kept so far, the rows that could
    not be placed, and what went wrong, in the order the table's reasons list it."""

    reasons: list[str]
    groups: dict[str, dict[tuple[Decimal, ...], list[Reading]]] = field(default_factory=dict)
    unplaced: list[RowRead] = field(default_factory=list)
    exact_failures: list[str] = field(default_factory=list)
    joint_failures: list[str] = field(default_factory=list)
    blank_total_rows: set[str] = field(default_factory=set)
    overrun: list[RowRead] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)
    # shared by the rows: a hostile table costs a bounded amount of work
    budget: list[int] = field(default_factory=lambda: [SEARCH_LIMIT])


def solve_table(
    table: str,
    generation: str,
    rows: list[RowRead],
    problems: list[str],
    region: tuple[int, int],
    model: Model = Model.STANDARD,
) -> Table:
    """A table's cells from its rows' numbers: 1. each row's readings, kept by the row relations; 2. 表三's
    column relations over the rows still undecided; 3. a cell per column, undecided ones with their
    candidates; 4. the table's status and reasons. Never a guess: what stays open stays ``ambiguous``."""
    st = _Solving(list(problems))
    for row in rows:
        _read_row(st, row, table, model)
    if model is Model.RUNS:
        st.reasons.append(
            "the source collapses repeated values (identical lines merged): a printed number stands for one"
            " or more equal cells, placed by the checking relations"
        )
    if table == "t3" and st.groups:
        _joint_t3(st, table, generation, rows, model)
    if st.joined:
        st.reasons.append(
            "numbers broken across lines read as one where the checking relations need it: " + ", ".join(st.joined)
        )
    cells: list[Cell] = []
    methods: set[str] = set()
    for row in rows:
        cells += _row_cells(st, table, row, methods)
    if st.blank_total_rows:
        _fill_blank_totals(table, cells, st.blank_total_rows)
        st.reasons.append(
            "总计 blank in the source for "
            + ", ".join(sorted(st.blank_total_rows))
            + "; computed from the row (blanks as 0)"
        )
        methods.add("derived")
    status, reasons = _verdict(st, table, generation, cells, methods, problems)
    return Table(table, generation, status, reasons, cells, region[0], region[1])


def _read_row(st: _Solving, row: RowRead, table: str, model: Model) -> None:
    """Stage 1: a row's readings that satisfy its own relations, or why it has none."""
    try:
        ok, readings, how = readings_for(row, table, model, st.budget)
    except TooManyReadings:
        st.unplaced.append(row)
        st.overrun.append(row)
        st.reasons.append(f"{row.row_id}: too many ways to split {' '.join(t.raw for t in row.tokens)} (not read)")
        return
    if how == "joined":
        st.joined.append(row.row_id)
    if not readings and not ok:
        st.unplaced.append(row)
        if len(row.tokens) > len(row.columns):
            st.reasons.append(f"{row.row_id}: {len(row.tokens)} numbers for {len(row.columns)} cells, cannot place")
        else:
            st.reasons.append(
                f"{row.row_id}: no split of '{' '.join(t.raw for t in row.tokens)}' into {len(row.columns)}"
                " cells satisfies the row sums (the source does not add up, or a digit is lost)"
            )
        return
    if not row.tokens:
        st.reasons.append(f"{row.row_id}: every cell empty in the source (blank)")
    forced = _unique_by_values([r for r in readings if r.method == "segmented"])
    if not ok and len(forced) == 1 and table != "t2":
        # the digit run splits one way only and that way does not add up: the source is inconsistent,
        # and its cells are what it prints
        st.exact_failures.append(
            f"{row.row_id}: row does not add up as printed ({' '.join(t.raw for t in row.tokens)})"
        )
        st.groups[row.row_id] = forced
        return
    if len(readings) == 1 and not ok:
        if _blank_totals(table, readings[0]):
            st.blank_total_rows.add(row.row_id)
        else:
            st.exact_failures.append(f"{row.row_id}: row does not add up ({' '.join(t.raw for t in row.tokens)})")
        ok = readings
    if not ok:
        st.unplaced.append(row)
        what = "digit runs" if any(len(_digits(t)) > 1 for t in row.tokens) else "numbers"
        st.reasons.append(
            f"{row.row_id}: no reading of the {len(row.tokens)} {what} '{' '.join(t.raw for t in row.tokens)}' as"
            f" {len(row.columns)} cells satisfies the row sums (the source does not add up, or a digit is lost)"
        )
        return
    st.groups[row.row_id] = _unique_by_values(ok)


def _joint_t3(st: _Solving, table: str, generation: str, rows: list[RowRead], model: Model) -> None:
    """Stage 2: 表三's column relations, jointly over the rows that still have several readings."""
    groups = st.groups
    multi = [rid for rid, g in groups.items() if len(g) > 1]
    fixed = {rid: next(iter(g)) for rid, g in groups.items() if len(g) == 1}
    combos = 1
    for rid in multi:
        combos *= len(groups[rid])
    if multi and combos <= JOINT_LIMIT:
        keep = _joint_keep(generation, groups, multi, fixed)
        if not all(keep.values()):
            # a row read plainly may be one with a number the page broke ("2⏎8 0 28" reads as runs
            # of 2 and 8 as well as 28): give every row its joined readings too, and try again
            keep, joined_rows = _joint_with_joins(table, generation, rows, groups, st.joined, model, st.budget)
            st.joined += joined_rows
        if keep is not None and all(keep.values()):
            for rid in keep:
                groups[rid] = {v: rs for v, rs in groups[rid].items() if v in keep[rid]}
        else:
            st.joint_failures.append("no placement satisfies 一+二=（七）+四 and （七）=Σ办理结果 together")
    elif multi:
        st.reasons.append(f"too many readings to check jointly ({combos})")


def _row_cells(st: _Solving, table: str, row: RowRead, methods: set[str]) -> list[Cell]:
    """Stage 3: a row's cells; a column its kept readings disagree on is ambiguous, with the candidates."""
    raw_row = " ".join(t.raw for t in row.tokens)

    def cell(col: str, value: Decimal | None, status: str, **kw: object) -> Cell:
        rid, cid = _ids(row.row_id, col)
        kw.setdefault("start", row.start)
        kw.setdefault("end", row.end)
        return Cell(table, rid, cid, value, status, **kw)  # type: ignore[arg-type]

    if row in st.unplaced:
        return [cell(col, None, MISSING, raw=raw_row, note="position lost in the source") for col in row.columns]
    g = st.groups[row.row_id]
    all_readings = [r for rs in g.values() for r in rs]
    method = _method(all_readings)
    methods.add(method)
    out: list[Cell] = []
    for ci, col in enumerate(row.columns):
        values = {vec[ci] for vec in g}
        toks = {r.cells[ci] for r in all_readings}
        if len(values) > 1:
            out.append(
                cell(
                    col,
                    None,
                    AMBIGUOUS,
                    raw=raw_row,
                    method=method,
                    candidates=sorted(values),
                    note="several placements satisfy the checking relations",
                )
            )
            continue
        value = values.pop()
        if toks == {None}:
            out.append(cell(col, None, BLANK, method=method))
        elif None in toks or len(toks) > 1:
            units = {t.unit for t in toks if t is not None}
            out.append(
                cell(
                    col,
                    value,
                    NUMBER,
                    method=method,
                    unit=units.pop() if len(units) == 1 else None,
                    note="position recovered by the checking relations; may be a blank read as 0",
                )
            )
        else:
            tok = toks.pop()
            assert tok is not None
            out.append(_printed_cell(st, cell, row, col, tok, value, method, all_readings))
    return out


def _printed_cell(
    st: _Solving,
    cell: Callable[..., Cell],
    row: RowRead,
    col: str,
    tok: Token,
    value: Decimal,
    method: str,
    all_readings: list[Reading],
) -> Cell:
    """A cell every kept reading gives the same printed token: its value, unit and where it stands."""
    if tok.kind in ("dash", "blank", "text"):
        status = {"dash": DASH, "blank": BLANK, "text": MISSING}[tok.kind]
        return cell(col, None, status, raw=tok.raw, method=method, start=tok.start, end=tok.end)
    rid, cid = _ids(row.row_id, col)
    if tok.value is not None and tok.value < 0 and cid not in SIGNED_COLUMNS:
        st.exact_failures.append(f"{rid}:{cid}: negative value {tok.raw}")
    if tok.value is not None and tok.value != tok.value.to_integral() and cid not in DECIMAL_COLUMNS:
        st.exact_failures.append(f"{rid}:{cid}: decimal value {tok.raw} in a count column")
    unit = tok.unit or IMPLIED_UNITS.get(cid)
    shared = any(sum(c is tok for c in r.cells) > 1 for r in all_readings)
    note = "printed once for a run of equal cells (the source collapses repeated values)" if shared else ""
    if tok.end - tok.start > len(tok.raw) and not tok.unit:
        note = "one number the page broke across lines (the checking relations join it)"
    return cell(col, value, NUMBER, raw=tok.raw, unit=unit, method=method, start=tok.start, end=tok.end, note=note)


def _verdict(
    st: _Solving, table: str, generation: str, cells: list[Cell], methods: set[str], problems: list[str]
) -> tuple[str, list[str]]:
    """Stage 4: the table's status from what is known, and its reasons, failures first."""
    known = _known_vectors(table, cells)
    failures = st.exact_failures + st.joint_failures
    if table == "t3":
        failures += [f for f in _column_ok(generation, known)]
    status = _status(table, cells, methods, failures, [r for r in st.unplaced if r not in st.overrun], problems)
    if st.overrun and status != INCONSISTENT:
        status = AMBIGUOUS_TABLE  # unread for lack of budget: undecided, not contradicted
    reasons = failures + st.reasons
    if methods & RECOVERED and status in (REPAIRED, AMBIGUOUS_TABLE) and table == "t2":
        reasons.insert(
            0,
            "cell boundaries lost in the source; a cell is read where its digits allow one reading only, "
            "the others keep their candidates (T2 has no checking relation)",
        )
    elif methods & RECOVERED and status in (REPAIRED, AMBIGUOUS_TABLE):
        reasons.insert(
            0, "cell boundaries lost in the source; positions recovered with the checking relations (blanks read as 0)"
        )
    return status, reasons


def _blank_totals(table: str, reading: Reading) -> bool:
    """A row that fails its sum only because its total cells are blank (上海市人民政府办公厅 2019 style)."""
    total_idx = [6] if table == "t3" else [4, 9, 14] if table == "t4" else []
    if not total_idx:
        return False
    failing = []
    values = reading.values()
    for b, ti in enumerate(total_idx):
        part = values[:6] if table == "t3" else values[b * 5 : b * 5 + 4]
        if sum(part) != values[ti]:
            failing.append(ti)
    return bool(failing) and all(reading.cells[ti] is None or reading.cells[ti].kind == "blank" for ti in failing)


def _fill_blank_totals(table: str, cells: list[Cell], rows: set[str]) -> None:
    by_id = {c.id: c for c in cells}
    for c in cells:
        if c.status != BLANK or c.col_id != "total":
            continue
        if table == "t3" and c.row_id in rows:
            parts = [
                by_id[f"{c.row_id}:{p}"]
                for p in ("natural_person", "commercial", "research", "social_org", "legal_service", "other")
            ]
        elif table == "t4" and "t4" in rows:
            parts = [by_id[f"{c.row_id}:{p}"] for p in ("upheld", "corrected", "other", "pending")]
        else:
            continue
        total = sum((p.value or ZERO for p in parts), ZERO)
        if total:
            c.value, c.status, c.method = total, NUMBER, "derived"
            c.note = "总计 blank in the source; the sum of the row's cells (blanks as 0)"


def _ids(row_id: str, col: str) -> tuple[str, str]:
    if ":" in col:
        rid, cid = col.split(":", 1)
        return rid, cid
    return row_id, col


def _method(readings: list[Reading]) -> str:
    """One method for a row's cells: the most inventive step any of its readings took."""
    methods = {r.method for r in readings}
    if methods == {"text_row"}:
        return "text_row"
    for method in ("segmented", "joined", "expanded"):
        if method in methods:
            return method
    return "placed"


def _known_vectors(table: str, cells: list[Cell]) -> dict[str, tuple[Decimal, ...]]:
    if table != "t3":
        return {}
    by_row: dict[str, list[Cell]] = {}
    for c in cells:
        by_row.setdefault(c.row_id, []).append(c)
    out = {}
    for rid, cs in by_row.items():
        if all(c.status in (NUMBER, BLANK, DASH) for c in cs):
            out[rid] = tuple(c.value if c.value is not None else ZERO for c in cs)
    return out


def _status(table, cells, methods, failures, unplaced, problems) -> str:
    # a T2 row the source leaves out (many print no 规章 row) is absent, not a contradiction
    if failures or unplaced or (table != "t2" and any("not found" in p for p in problems)):
        return INCONSISTENT
    if any(c.status == AMBIGUOUS for c in cells):
        return AMBIGUOUS_TABLE
    if table == "t2":
        return UNCHECKED if methods <= {"text_row"} else REPAIRED
    if methods & RECOVERED | {"derived"} & methods:
        return REPAIRED
    return VERIFIED

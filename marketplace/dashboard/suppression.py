"""Small numbers: counts 1-4 show as "<5", with secondary suppression so that no hidden count can
be worked out from a total.

A table is a matrix of counts with optional row totals, column totals and a grand total. Every
line that has a shown total is an equation an attacker can use: total = sum of its cells. The
rule, checked per line and repeated until nothing changes:

1. primary: every count from 1 to 4 (cells and totals) is hidden and shows as "<5"; 0 shows as 0;
2. a line with a shown total and hidden small counts must leave each of them at least two possible
   values, even for an attacker who knows that every hidden small count lies in 1..4 and every other
   hidden count is at least 5 (``feasible``). If not, the smallest shown count of 5 or more in that
   line is hidden too (shown as "•"); if there is none, the line's total is hidden.

This per-line check is the usual heuristic of statistical offices; tests/test_dashboard.py checks
every line of every table against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

THRESHOLD = 5
PRIMARY, SECONDARY = "<5", "•"


@dataclass
class Table:
    cells: list[list[int]]
    row_totals: list[int] | None = None
    col_totals: list[int] | None = None
    grand_total: int | None = None
    hidden: dict[tuple, str] = field(default_factory=dict)  # position -> PRIMARY | SECONDARY

    # Positions: ("c", i, j) a cell, ("r", i) a row total, ("k", j) a column total, ("g",) the grand total.
    def value(self, pos) -> int:
        kind = pos[0]
        if kind == "c":
            return self.cells[pos[1]][pos[2]]
        if kind == "r":
            return self.row_totals[pos[1]]
        if kind == "k":
            return self.col_totals[pos[1]]
        return self.grand_total

    def positions(self):
        for i, row in enumerate(self.cells):
            for j in range(len(row)):
                yield ("c", i, j)
        for i in range(len(self.row_totals or [])):
            yield ("r", i)
        for j in range(len(self.col_totals or [])):
            yield ("k", j)
        if self.grand_total is not None:
            yield ("g",)

    def lines(self):
        """(total position, [part positions]) for every equation the table publishes."""
        n_rows, n_cols = len(self.cells), len(self.cells[0]) if self.cells else 0
        if self.row_totals is not None:
            for i in range(n_rows):
                yield ("r", i), [("c", i, j) for j in range(n_cols)]
        if self.col_totals is not None:
            for j in range(n_cols):
                yield ("k", j), [("c", i, j) for i in range(n_rows)]
        if self.grand_total is not None:
            if self.row_totals is not None:
                yield ("g",), [("r", i) for i in range(n_rows)]
            if self.col_totals is not None:
                yield ("g",), [("k", j) for j in range(n_cols)]

    def shown(self, pos) -> str:
        return self.hidden.get(pos) or str(self.value(pos))


def _bounds(table: Table, pos) -> tuple[int, float]:
    if table.hidden.get(pos) == PRIMARY:
        return 1, THRESHOLD - 1
    return THRESHOLD, float("inf")


def feasible(table: Table, total_pos, parts, pos) -> tuple[float, float]:
    """The values a hidden small count ``pos`` can take, as far as one line tells."""
    visible = sum(table.value(p) for p in parts if p not in table.hidden)
    rest = table.value(total_pos) - visible
    others = [p for p in parts if p in table.hidden and p != pos]
    low_others = sum(_bounds(table, p)[0] for p in others)
    high_others = sum(_bounds(table, p)[1] for p in others)
    low, high = _bounds(table, pos)
    return max(low, rest - high_others), min(high, rest - low_others)


def line_is_safe(table: Table, total_pos, parts) -> bool:
    if total_pos in table.hidden:
        return True
    for pos in parts:
        if table.hidden.get(pos) == PRIMARY:
            low, high = feasible(table, total_pos, parts, pos)
            if high - low < 1:
                return False
    return True


def suppress(table: Table) -> Table:
    for pos in table.positions():
        if 0 < table.value(pos) < THRESHOLD:
            table.hidden[pos] = PRIMARY
    changed = True
    while changed:
        changed = False
        for total_pos, parts in list(table.lines()):
            if line_is_safe(table, total_pos, parts):
                continue
            candidates = sorted((table.value(p), p) for p in parts
                                if p not in table.hidden and table.value(p) >= THRESHOLD)
            if candidates:
                table.hidden[candidates[0][1]] = SECONDARY
            else:
                table.hidden[total_pos] = SECONDARY if table.value(total_pos) >= THRESHOLD else PRIMARY
            changed = True
    return table


def show(value: int) -> str:
    """A single count outside a table."""
    return PRIMARY if 0 < value < THRESHOLD else str(value)

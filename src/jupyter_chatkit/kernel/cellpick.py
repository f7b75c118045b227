"""Which saved cells ``get_notebook_cells`` reads: those nearest a centre (the most
recently executed cell, or the one the model names with ``around``), and the note on the
cells left out, in the same words as the sidebar's reader (js/lab/src/cells.ts)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..protocol import OMITTED_CELLS_NOTE

# Ranges named one by one in the note; past this, how many more there are.
MAX_RANGES = 6

# OMITTED_CELLS_NOTE for the kernel's execution history, whose cells have no index: runs
# are named, and read with ``around``, by their execution count.
OMITTED_RUNS_NOTE = (
    "Not shown: {cells}. To read them, ask again with around=<execution_count> (the run "
    "to centre on) and include_outputs=false."
)


def nearest(count: int, anchor: int, max_cells: int) -> list[int]:
    """Positions ``0..count-1`` nearest ``anchor``, alternating before/after it."""
    picked = [anchor] if count else []
    d = 1
    while len(picked) < min(max_cells, count):
        if anchor - d >= 0:
            picked.append(anchor - d)
        if len(picked) < max_cells and anchor + d < count:
            picked.append(anchor + d)
        d += 1
    return picked


def around_index(value: Any) -> int | None:
    """``around`` as a cell index, or None when it is not a whole number (ignored: the
    model may send anything); negative ones are cell 0."""
    if type(value) is float and value.is_integer():
        value = int(value)
    return max(0, value) if type(value) is int else None


def position_of(indices: Sequence[int], index: int) -> int:
    """The position of the cell whose index is nearest ``index`` (past the end: the last)."""
    return min(range(len(indices)), key=lambda j: (abs(indices[j] - index), j))


def omitted_ranges(
    indices: Iterable[int], shown: Iterable[int], nouns: tuple[str, str] = ("cell", "cells")
) -> str:
    """The cells of ``indices`` not in ``shown``, as ranges: "cells 0-49 and 250-499"."""
    seen = set(shown)
    missing = sorted(i for i in set(indices) if i not in seen)
    runs: list[list[int]] = []
    for i in missing:
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    spans = [f"{a}-{b}" if b > a else str(a) for a, b in runs]
    if len(spans) > MAX_RANGES:
        spans = [*spans[: MAX_RANGES - 1], f"{len(spans) - MAX_RANGES + 1} more ranges"]
    listed = spans[0] if len(spans) == 1 else ", ".join(spans[:-1]) + " and " + spans[-1]
    return nouns[len(missing) != 1] + " " + listed


def omitted_note(indices: Iterable[int], shown: Iterable[int]) -> str:
    """``omitted_note``: which cells are left out, and how to read them."""
    return OMITTED_CELLS_NOTE.replace("{cells}", omitted_ranges(indices, shown))


def omitted_runs_note(counts: Iterable[int], shown: Iterable[int]) -> str:
    """``omitted_note`` for cells read from the kernel's history, named by execution
    count (they have no index there): "the runs In[1]-In[40]"."""
    nouns = ("the run with execution count", "the runs with execution counts")
    return OMITTED_RUNS_NOTE.replace("{cells}", omitted_ranges(counts, shown, nouns))

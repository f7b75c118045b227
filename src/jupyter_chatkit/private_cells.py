"""Cells a person kept out of what the assistant reads: the ``chatkit-private`` tag.

A cell's ``metadata.tags`` holding :data:`PRIVATE_TAG` (as Jupyter Book's
``remove-cell`` or papermill's ``parameters``) is saved with the notebook, so it holds
for a notebook someone sends too. Its source and outputs are read by no tool; the model
is told only that the cell at that number was kept out, so numbering still matches
what the person sees. The sidebar (``js/lab/src/privatecells.ts``) applies the same
rule to the live notebook.
"""

from __future__ import annotations

from typing import Any

PRIVATE_TAG = "chatkit-private"
KEPT_OUT_NOTE = (
    "The person kept this cell out of what the assistant reads: its source and outputs "
    "are not shown. Do not guess them; ask the person if it matters."
)


def is_private(cell: Any) -> bool:
    """Whether a saved cell (nbformat JSON) carries the ``chatkit-private`` tag."""
    if not isinstance(cell, dict):
        return False
    metadata = cell.get("metadata")
    tags = metadata.get("tags") if isinstance(metadata, dict) else None
    return isinstance(tags, list) and PRIVATE_TAG in tags


def kept_out(index: int, cell_type: Any) -> dict[str, Any]:
    """What the model reads in place of a private cell: its number and kind, no content."""
    kind = cell_type if cell_type in ("code", "markdown", "raw") else "code"
    return {"index": index, "cell_type": kind, "kept_out": KEPT_OUT_NOTE}


class SavedCells(list[dict[str, Any]]):
    """A saved notebook's cells as read for the model, with the sources of its private
    cells (stripped) kept aside, never sent: the kernel's history matches its runs
    against them so a private cell's run is not read from there either; and each cell's
    whole source as saved (stripped, by index: ``texts``), never sent, to match the
    cells as a page has them."""

    def __init__(
        self,
        cells: list[dict[str, Any]],
        private_sources: frozenset[str],
        texts: dict[int, str] | None = None,
    ) -> None:
        super().__init__(cells)
        self.private_sources = private_sources
        self.texts = texts or {}


def private_sources(cells: Any) -> frozenset[str]:
    """The stripped sources of a notebook's private cells (``cells`` as saved)."""
    if not isinstance(cells, list):
        return frozenset()
    found = set()
    for cell in cells:
        if is_private(cell):
            source = cell.get("source")
            text = (
                "".join(s for s in source if isinstance(s, str))
                if isinstance(source, list)
                else source
            )
            if isinstance(text, str) and text.strip():
                found.add(text.strip())
    return frozenset(found)

"""The "Read:" line of an answer in plain Markdown: what the kernel's tools read for it.

The chat, the sidebar and our JupyterLab renderer of a ``%chat`` answer build the line
in the browser (js/src/ui/readline.ts ``summarizeTurn``): "Read: sales · cell 3 · 1
value hidden". Other front ends (nbconvert, GitHub, VS Code) show the answer's
``text/markdown`` only, and a saved notebook travels: there the line says how much was
read, by counts and cell numbers, never a name or a value ("Read: 1 variable · cell 3 ·
1 value hidden"). It is built from the calls :func:`.client.read_call` keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..protocol import CLIENT_TOOLS, LIST_KERNEL_VARIABLES, READ_CELLS

EN_DASH = "\u2013"
_SPECS = {spec.name: spec for spec in CLIENT_TOOLS}
# The browser's line says "variables" for the listing, beside the inspected names; here
# the names are counted ("2 variables"), so the listing is said apart.
_PLAIN_LABELS = {LIST_KERNEL_VARIABLES.name: "the variable list"}


def cells_label(indices: Iterable[int]) -> str:
    """ "cell 3", "cells 3\u20136" (en dash) or "cells 1, 3" (1-based) for 0-based
    ``indices``, as readline.ts ``cellsLabel`` says them."""
    ordered = sorted(set(indices))
    if len(ordered) == 1:
        return f"cell {ordered[0] + 1}"
    # Each run of neighbours is one range: "cells 1, 3, 5-7" (an en dash).
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return "cells " + ", ".join(
        f"{a + 1}" if a == b else f"{a + 1}{EN_DASH}{b + 1}" for a, b in runs
    )


def _indices(output: dict[str, Any], kept_out: bool = False) -> list[int]:
    """The cells ``output`` read, or with ``kept_out`` the cells it names kept out
    (private, or edited since saved): named to the model, not read."""
    found = []
    cells = output.get("cells")
    for cell in [*(cells if isinstance(cells, list) else []), output.get("cell")]:
        index = cell.get("index") if isinstance(cell, dict) else None
        if type(index) is int and index >= 0 and ("kept_out" in cell) == kept_out:
            found.append(index)
    return found


def _counted(noun: str, count: int) -> str:
    """ "1 variable" / "3 variables" from a spec's ``subject_default`` ("a variable")."""
    word = noun.split(" ", 1)[-1] if noun.startswith(("a ", "an ")) else noun
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def read_line_markdown(reads: Iterable[dict[str, Any]]) -> str:
    """The line for the completed tool calls ``reads``, or "" when they read nothing.

    Counts and cell numbers only: a variable the model inspected is counted, not named
    (its name is what was read), the variable list is "the variable list".
    """
    labels: list[str] = []
    subjects: dict[str, set[str]] = {}
    cells: list[int] = []
    kept_out: list[int] = []
    hidden = 0
    for call in reads:
        output = call.get("output")
        output = output if isinstance(output, dict) else {}
        if call.get("status") != "completed" or output.get("error"):
            continue  # a failed call read nothing
        redacted = output.get("redacted")
        if type(redacted) is int and redacted > 0:
            hidden += redacted
        name = str(call.get("name") or "")
        spec = _SPECS.get(name)
        if spec is not None and spec.read_label == READ_CELLS:
            cells.extend(_indices(output))
            kept_out.extend(_indices(output, kept_out=True))
        elif spec is not None and spec.subject_arg:
            arguments = call.get("arguments")
            subject = arguments.get(spec.subject_arg) if isinstance(arguments, dict) else None
            if name not in subjects:
                subjects[name] = set()
                labels.append(name)
            subjects[name].add(subject if isinstance(subject, str) else "")
        else:
            label = _PLAIN_LABELS.get(name) or (spec.read_label if spec else "") or name
            if label and label not in labels:
                labels.append(label)
    parts = [
        _counted(_SPECS[label].subject_default, len(subjects[label]))
        if label in subjects
        else label
        for label in labels
    ]
    if cells:
        parts.append(cells_label(cells))
    if kept_out:
        parts.append(f"{cells_label(kept_out)} kept out")
    if hidden:
        parts.append(f"{hidden} value{'s' if hidden > 1 else ''} hidden")
    return f"*Read: {' · '.join(parts)}*" if parts else ""

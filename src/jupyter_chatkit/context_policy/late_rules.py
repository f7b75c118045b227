"""Rules read after all the others, on what they left: a hidden secret's continuation on
the next line (a token wrapped at a terminal's or a log's width, its first part hidden
by its shape). Part of the table of :mod:`.rules` (see :mod:`.value_rules` for the
fields of a rule), rendered into the TypeScript copy with the rest.

The pattern starts at a placeholder's end and reads one line, so it stays linear."""

from __future__ import annotations

from typing import Any

LATE_RULES: list[dict[str, Any]] = [
    {
        "kind": "wrapped secret",
        # A placeholder ending its line, then a line of one word of a key's characters,
        # random-looking (``…Qm9`` / ``vZ3VzU2ln…``: the rest of a wrapped JWT).
        "triggers": [],
        "prefilter": r"»\r?\n[ \t]*[A-Za-z0-9+/=_.~-]{16}",
        "pattern": r"(»\r?\n[ \t]*)([A-Za-z0-9+/=_.~-]{16,4096})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "",
        "check": "random",
    },
]

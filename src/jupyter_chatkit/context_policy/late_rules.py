"""Rules read after all the others, on what they left: a hidden secret's continuation on
the next line (a token wrapped at a terminal's or a log's width, its first part hidden
by its shape), and an access key id's secret beside the hidden id. Part of the table of
:mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), rendered into the
TypeScript copy with the rest.

Each pattern starts at a placeholder and reads a bounded stretch, so it stays linear."""

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
    {
        "kind": "cloud secret key",
        # An access key id hidden by its shape (``AKIA…``, Alibaba's ``LTAI…``, Tencent's
        # ``AKID…``), then its secret as the next literal of a call or a tuple, by
        # position or by a keyword: ``AcsClient("LTAI…", "q8Zk…", "cn-hangzhou")``,
        # ``Credential("AKID…", "…")``. Random-looking only (a region, a name stay).
        "triggers": ["akia", "asia", "ltai", "akid"],
        "prefilter": r"»['\"][ \t]*,",
        "pattern": r"((['\"])«redacted: [^»\n]{1,40}»\2[ \t]*,[ \t]*"
        r"(?:[A-Za-z_][A-Za-z0-9_]{0,40}[ \t]*=[ \t]*)?[bBrRuU]?(['\"]))"
        r"([A-Za-z0-9+/=_.~-]{16,128})(?=\3)",
        "group": 4,
        "flags": "",
        "check": "random",
    },
]

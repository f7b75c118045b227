"""The one table of patterns that find a cell's uncaught ExceptionGroup in its stderr,
shared by Python (``uncaught_group.py``) and TypeScript (``grouperror.ts``).

Plain data, as in ``context_policy/rules.py``: regular expressions that Python's ``re``
and JavaScript's ``RegExp`` (no flags) read the same way: explicit character classes
(``\\w`` and ``\\d`` are Unicode in Python, ASCII in JavaScript), ``[^\\n]`` for ``.``
(JavaScript's also stops at "\\r"), a line's start as ``(?:^|(?<=\\n))`` and its end as
``(?=\\n|$)`` (no multiline flag). ``js/lab/src/uncaught-rules.generated.ts`` is rendered
from :func:`rules_dict` (``python -m jupyter_chatkit.kernel.uncaught_rules --write``); a
test fails when the two differ, and both languages' tests read the same cases
(``tests/fixtures/uncaught_groups.json``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_START = r"(?:^|(?<=\n))"
_END = r"(?=\n|$)"
# An exception's (dotted) class name: a Python identifier's letters (ASCII, accented
# Latin, Greek, Cyrillic: explicit ranges, the TypeScript copy has no "u" flag for
# ``\p{L}``), digits, "_".
_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0391-\u03ce\u0400-\u04ff"
_NAME = rf"[{_LETTERS}_][{_LETTERS}0-9_.]{{0,200}}"

# Cheap first: no stream without it can hold IPython's frame (a colour code never
# splits the word; the patterns run on the text without them).
RUN_CODE_TRIGGER = "run_code"
# The frame every uncaught error's traceback starts from: IPython running the cell. A
# traceback the cell's own code prints (``traceback.print_exc()`` in an ``except``)
# starts at the cell's frame and never holds it.
RUN_CODE = (
    rf'{_START}[ |+-]*File "[^"\n]{{0,400}}[/\\]IPython[/\\]core[/\\]interactiveshell\.py", '
    rf"line [0-9]+, in run_code{_END}"
)
# A traceback's first line as Python prints it (nested in a group's "  | " margin).
TRACEBACK_HEADER = rf"{_START}[ |+]*(?:Exception Group )?Traceback \(most recent call last\):{_END}"
# "Name: message" (the traceback's last line): the exception raised last.
FINAL_LINE = rf"^({_NAME})(?:: ([^\n]*))?$"
# A group's own line under its traceback: "  | ExceptionGroup: batch (2 sub-exceptions)".
GROUP_LINE = rf"{_START} {{2}}\| ({_NAME})(?:: ?([^\n]*))?{_END}"
# What a line or message is trimmed of: JavaScript's ``trim()`` white space, one by one
# (Python's ``strip()`` also takes "\x1c"-"\x1f" and "\x85", not "\ufeff").
SPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# The name an error gets when its traceback says none.
DEFAULT_NAME = "ExceptionGroup"


def rules_dict() -> dict[str, Any]:
    """The table, as the TypeScript copy holds it."""
    return {
        "runCodeTrigger": RUN_CODE_TRIGGER,
        "runCode": RUN_CODE,
        "tracebackHeader": TRACEBACK_HEADER,
        "finalLine": FINAL_LINE,
        "groupLine": GROUP_LINE,
        "space": SPACE,
        "defaultName": DEFAULT_NAME,
    }


TS_PATH = Path("js/lab/src/uncaught-rules.generated.ts")


def render_typescript() -> str:
    """The TypeScript module holding a copy of the table."""
    from ..protocol import render_table

    return render_table("UNCAUGHT_RULES", rules_dict(), "jupyter_chatkit.kernel.uncaught_rules")


if __name__ == "__main__":
    from ..protocol import write_or_print

    write_or_print(render_typescript(), TS_PATH, sys.argv[1:])

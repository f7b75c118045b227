"""Which names an IPython magic binds in the user's namespace, read from its arguments
(for :mod:`.kept_names`; no magic runs).

IPython turns ``%time x = 1`` into ``get_ipython().run_line_magic('time', 'x = 1')`` and
``%%capture out`` into ``run_cell_magic('capture', 'out', body)``. A magic that runs its
code in the namespace (``%time``, ``%prun``, ``%debug``, ``%%capture``) binds what that
code binds; some bind a name they are given (``%%capture out``, ``%%bash --out o``,
``%macro m``); ``%timeit`` runs its code in a scope of its own (``t = %timeit -o f()``
binds ``t`` through the assignment). A magic that can bind names its arguments do not show
(``%run``, ``%store -r``, ``%pylab``), or one this module does not know (an extension's
``%%sql df << ...``), leaves the answer uncertain.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kept_names import Bindings


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Magics that bind no name in the user's namespace (IPython's own, and common extensions').
INERT_LINE = _set(
    "alias alias_magic autoawait autocall automagic bookmark cat cd code_wrap colors conda "
    "config cp dhist dirs doctest_mode env gui hist history killbgscripts ldir lf lk ll load "
    "load_ext loadpy logoff logon logstart logstate logstop ls lsmagic lx magic mamba "
    "matplotlib micromamba mkdir mv notebook page pastebin pdb pdef pdoc pfile pinfo pinfo2 "
    "pip popd pprint precision psearch psource pushd pwd pycat quickref recall rehashx "
    "reload_ext rep reset reset_selective rm rmdir save set_env sx system tb timeit unalias "
    "unload_ext uv who who_ls whos xdel xmode autoreload"
)
INERT_CELL = _set(
    "! HTML SVG code_wrap file html javascript js latex markdown svg sx system timeit writefile"
)
# Magics that run their statement (after any options) in the user's namespace.
CODE_LINE = frozenset({"time", "prun", "debug"})
CODE_CELL = frozenset({"time", "prun", "debug", "capture"})
# Cell magics running another program, whose --out / --err / --proc name a variable.
SCRIPTS = _set("bash sh script perl ruby python python2 python3 pypy")
_SCRIPT_OPTIONS = frozenset({"--out", "--err", "--proc"})
# Magics that bind names their arguments do not say.
_OPAQUE = {
    "run": "%run of a script",
    "pylab": "%pylab (star imports)",
    "rerun": "%rerun of earlier input",
    "edit": "%edit, which runs what is written in an editor",
    "ed": "%edit, which runs what is written in an editor",
    "sc": "%sc",
}
# A statement after this many leading option words is given up on.
_MAX_OPTION_WORDS = 6


def _statement(line: str, read: Callable[[str], Bindings]) -> Bindings | None:
    """What the statement after a magic's options binds: the line read as Python, with
    leading words dropped (``-s cumulative``) until the rest parses, when it starts with
    an option; None when no reading parses."""
    text = line.strip()
    if _parses(text):
        return read(text)
    if not text.startswith("-"):
        return None
    for _ in range(_MAX_OPTION_WORDS):
        text = text.split(None, 1)[1] if len(text.split(None, 1)) > 1 else ""
        if _parses(text):
            return read(text)
    return None


def _parses(text: str) -> bool:
    import ast

    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _words(line: str) -> list[str] | None:
    try:
        return shlex.split(line)
    except ValueError:
        return None


def magic_bindings(cell: bool, args: Sequence[str], read: Callable[[str], Bindings]) -> Bindings:
    """What the magic called with ``args`` (name, line[, body]) binds; ``read`` reads
    Python code's bindings."""
    from .kept_names import Bindings

    name, line = args[0], args[1]
    body = args[2] if cell and len(args) > 2 else ""
    words = _words(line)
    if cell and name in CODE_CELL:
        found = read(body)
        if name == "capture" and words is not None:
            given = [w for w in words if not w.startswith("-")]
            found = Bindings(found.assigned | frozenset(given[:1]), found.imported, found.unknown)
        return found
    if not cell and name in CODE_LINE:
        statement = _statement(line, read)
        return statement or Bindings(unknown=f"%{name} of a statement that could not be read")
    if cell and name in SCRIPTS:
        if words is None:
            return Bindings(unknown=f"%%{name} with options that could not be read")
        bound = {
            words[i + 1]
            for i, w in enumerate(words[:-1])
            if w in _SCRIPT_OPTIONS and words[i + 1].isidentifier()
        }
        return Bindings(frozenset(bound))
    if not cell and name == "macro":
        given = [w for w in (words or []) if not w.startswith("-")]
        return Bindings(frozenset(given[:1]))
    if not cell and name == "store":
        if words is None or "-r" not in words:
            return Bindings()
        listed = [w for w in words if not w.startswith("-")]
        if listed and all(w.isidentifier() for w in listed):
            return Bindings(frozenset(listed))
        return Bindings(unknown="%store -r of every stored variable")
    if name in (INERT_CELL if cell else INERT_LINE):
        return Bindings()
    if not cell and name in _OPAQUE:
        return Bindings(unknown=_OPAQUE[name])
    return Bindings(unknown=f"the magic {'%%' if cell else '%'}{name}, whose effects are not known")

"""Values a traceback prints under the code that used them (loguru's and
better_exceptions' ``diagnose``): below ``conn = connect(host, user, secret)`` a line
``│     └ 'Zx9…'`` per name, its ``└`` under the name's first character. A value under a
secret's name is hidden, under a key-ish one (``key``, ``tok``) when it looks random. The
twin of js/lab/src/redactannotated.ts (same result on every text)."""

from __future__ import annotations

from collections.abc import Callable

from .lazy_patterns import lazy_compile
from .names import is_secret_name
from .values import is_keyish_name

# Groups: 1 the bars before the corner (its column is the name's), 2 the value shown.
_ANNOTATION = lazy_compile(r"^([ \t│]*)└[ ─]*(\S.*)$")
_BARS = lazy_compile(r"^[ \t│]*$")
_NAME = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_WORD_CHAR = lazy_compile(r"[A-Za-z0-9_]")


def hide_annotated_values(
    text: str, hide: Callable[[str], str], hide_random: Callable[[str], str]
) -> str:
    """``text`` with the values shown under secret-named (``hide``) and key-ish
    (``hide_random``) names of the code line above them passed to those."""
    if "└" not in text:
        return text
    lines = text.split("\n")
    changed = False
    code = ""  # the line of code the annotations below it stand under
    for i, line in enumerate(lines):
        found = _ANNOTATION.match(line)
        if found is None:
            if not _BARS.match(line):
                code = line
            continue
        name = _NAME.match(code, len(found.group(1)))
        if name is None or (name.start() > 0 and _WORD_CHAR.match(code, name.start() - 1)):
            continue
        value = found.group(2)
        if is_secret_name(name.group(0)):
            shown = hide(value)
        elif is_keyish_name(name.group(0)):
            shown = hide_random(value)
        else:
            continue
        if shown != value:
            lines[i] = line[: found.start(2)] + shown
            changed = True
    return "\n".join(lines) if changed else text

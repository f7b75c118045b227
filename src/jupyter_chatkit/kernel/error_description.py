"""An exception described for the context tools: ``{type, message, traceback}``.

Reduced while its traceback and the cell's source are at hand (:mod:`.executions`
records each cell's error): the user's frames, the last library frame and the final
line (see :mod:`jupyter_chatkit.context_policy.errors`). Only slots and code objects
are read; no user code runs. Loaded at the first error, not with ``%load_ext``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from typing import Any, cast

from ..context_policy.errors import (
    CHAIN_LINKS,
    LINK_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_TRACEBACK_CHARS,
    _clip,
    exception_message,
    exception_type,
    frames_of,
    join_chain,
    reduce_frames,
    strip_ansi,
)

# The members of an ExceptionGroup described (a chain's links: context_policy.errors).
GROUP_MEMBERS = 5

_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


def describe_error(exc: BaseException, shell: Any = None) -> dict[str, Any]:
    """``{type, message, traceback}`` of an exception, reduced and ANSI-free.

    The exceptions it was chained to come first, as Python prints them (each reduced
    to :data:`LINK_CHARS`, at most :data:`CHAIN_LINKS`, the rest counted); a
    SyntaxError shows its line and caret; an ExceptionGroup lists its members.
    Only slots and code objects are read: no ``__str__`` or property of the user's.
    """
    names = getattr(getattr(shell, "compile", None), "_filename_map", None)
    cell_names = names if isinstance(names, dict) else None
    kind = exception_type(exc)
    message = _message(exc)
    traceback = _traceback(exc, cell_names, message, MAX_TRACEBACK_CHARS)
    chain = _chain(exc)
    shown = chain[-CHAIN_LINKS:]  # only these are reduced; the rest are counted
    links = [(_traceback(e, cell_names, _message(e), LINK_CHARS), m) for e, m in shown]
    older = _chain_length(exc, len(chain)) - len(shown)
    traceback = join_chain(links, traceback, older=older)
    return {"type": kind, "message": message, "traceback": traceback}


def _slot(owner: type, name: str, obj: object) -> Any:
    """``obj.name`` read through ``owner``'s slot descriptor: a subclass's property or
    ``__getattr__`` (the user's code) is never called."""
    return vars(owner)[name].__get__(obj, owner)


def _links(exc: BaseException) -> Iterator[tuple[BaseException, str]]:
    """The exceptions ``exc`` was raised from or while handling, newest first, each with
    the line Python prints between it and the next (read from slots only)."""
    seen = {id(exc)}
    current = exc
    while True:
        cause = _slot(BaseException, "__cause__", current)
        context = _slot(BaseException, "__context__", current)
        suppress = _slot(BaseException, "__suppress_context__", current)
        if isinstance(cause, BaseException):
            link, marker = cause, _CAUSE
        elif isinstance(context, BaseException) and not suppress:
            link, marker = context, _CONTEXT
        else:
            return
        if id(link) in seen:
            return
        seen.add(id(link))
        yield link, marker
        current = link


# Links of a chain read (described: the last CHAIN_LINKS), and counted past them.
CHAIN_READ = 100
CHAIN_COUNTED = 100_000


def _chain(exc: BaseException) -> list[tuple[BaseException, str]]:
    """The newest :data:`CHAIN_READ` links of ``exc``'s chain, oldest first."""
    links = list(islice(_links(exc), CHAIN_READ))
    links.reverse()
    return links


def _chain_length(exc: BaseException, read: int) -> int:
    """How many links ``exc``'s chain has (up to :data:`CHAIN_COUNTED`), given that
    :func:`_chain` read ``read`` of them: walked again only when it stopped at its bound."""
    if read < CHAIN_READ:
        return read
    return sum(1 for _ in islice(_links(exc), CHAIN_COUNTED))


def _message(exc: BaseException) -> str:
    """The message; a SyntaxError's and an ExceptionGroup's from their slots (their
    ``args`` hold tuples and lists, which :func:`exception_message` does not read)."""
    # issubclass(type(...)) and type() is: isinstance looks a foreign object's __class__
    # up (a property or __getattribute__ of the user's) when its type does not match.
    if issubclass(type(exc), SyntaxError):
        msg = _slot(SyntaxError, "msg", exc)
        if type(msg) is str:
            return _clip(strip_ansi(msg), MAX_MESSAGE_CHARS)
    if issubclass(type(exc), BaseExceptionGroup):
        msg = _slot(BaseExceptionGroup, "message", exc)
        members = _slot(BaseExceptionGroup, "exceptions", exc)
        if type(msg) is str and type(members) is tuple:
            n = len(members)
            return _clip(f"{strip_ansi(msg)} ({n} sub-exception{'s' if n != 1 else ''})", 600)
    return exception_message(exc)


def _traceback(
    exc: BaseException,
    cell_names: dict[str, int] | None,
    message: str,
    limit: int,
    depth: int = 0,
) -> str:
    kind = exception_type(exc)
    final = f"{kind}: {message}" if message else kind
    notes = _notes(exc)
    if notes:
        # PEP 678 notes (``add_note``): Python prints them under the message.
        final = f"{final}\n{notes}"
    frames = frames_of(exc, cell_names)
    if issubclass(type(exc), SyntaxError):
        # Raised by the compiler: the frames are IPython's; the line and caret are the news.
        if not any(f.user for f in frames):
            frames = []
        final = f"{_syntax_location(cast(SyntaxError, exc), cell_names)}{final}"
    if issubclass(type(exc), BaseExceptionGroup) and depth < 2:
        # Nested groups: two levels (5 members each) say what failed without a blow-up.
        group = cast("BaseExceptionGroup[Any]", exc)
        room = MAX_MESSAGE_CHARS - len(final)
        final = f"{final}{_group_members(group, cell_names, depth, room)}"
    return reduce_frames(frames, final, limit)


# Notes of one exception told (the rest counted), and their share of its final lines.
NOTES = 3
NOTES_CHARS = 300


def _notes(exc: BaseException) -> str:
    """The exception's PEP 678 notes, ANSI-free and bounded, read from its instance
    dict by plain string keys (no ``__eq__`` or ``__str__`` of the user's runs)."""
    attrs = vars(BaseException)["__dict__"].__get__(exc, BaseException)
    if type(attrs) is not dict:
        return ""
    notes = next((v for k, v in attrs.items() if type(k) is str and k == "__notes__"), None)
    if not (type(notes) is list or type(notes) is tuple):
        return ""
    notes = cast("list[Any]", notes)
    said = [strip_ansi(n) for n in notes[:NOTES] if type(n) is str]
    if len(notes) > NOTES:
        said.append(f"… {len(notes) - NOTES} more notes")
    return _clip("\n".join(said), NOTES_CHARS)


def _syntax_location(exc: SyntaxError, cell_names: dict[str, int] | None) -> str:
    """``Cell In[5], line 1\n    x = (1,\n        ^\n`` from a SyntaxError's slots."""
    filename = _slot(SyntaxError, "filename", exc)
    lineno = _slot(SyntaxError, "lineno", exc)
    text = _slot(SyntaxError, "text", exc)
    offset = _slot(SyntaxError, "offset", exc)
    if type(filename) is not str or type(lineno) is not int:
        return ""
    cell = (cell_names or {}).get(filename)
    where = f"Cell In[{cell}]" if cell is not None else f"File {filename}"
    out = f"{where}, line {lineno}\n"
    if type(text) is str and text.strip():
        line = _clip(strip_ansi(text.rstrip("\n")), 300)
        stripped = line.lstrip()
        out += f"    {stripped}\n"
        if type(offset) is int and 0 < offset <= len(line):
            out += " " * (4 + offset - 1 - (len(line) - len(stripped))) + "^\n"
    return out


def _group_members(
    exc: BaseExceptionGroup[Any], cell_names: dict[str, int] | None, depth: int, room: int
) -> str:
    """The group's first members, each in its share of ``room`` characters (the bound
    of the group's final lines): a member that does not fit whole is told by its
    ``Type: message`` line, so every member shown is told."""
    members = _slot(BaseExceptionGroup, "exceptions", exc)
    if type(members) is not tuple:
        return ""
    shown = [m for m in members[:GROUP_MEMBERS] if isinstance(m, BaseException)]
    share = max(80, (room - 60) // max(1, len(shown)) - 1)
    lines: list[str] = []
    for i, member in enumerate(members[:GROUP_MEMBERS], 1):
        if not isinstance(member, BaseException):
            continue
        message = _message(member)
        text = _traceback(member, cell_names, message, 300, depth + 1)
        if len(text) + 8 > share:
            kind = exception_type(member)
            text = _clip(f"{kind}: {message}" if message else kind, share - 8)
        chain = _chain(member)
        if chain:
            # An ``except*`` handler's error: what it was handling (or raised from) is
            # the news Python prints above it; its line, not its frames.
            earlier, marker = chain[-1]
            how = "raised from" if marker == _CAUSE else "raised while handling"
            text = f"({how} {_handled(earlier)})\n{text}"
        lines.append(f"  [{i}] " + text.replace("\n", "\n      "))
    if len(members) > GROUP_MEMBERS:
        more = len(members) - GROUP_MEMBERS
        lines.append(f"  … {more} more sub-exception{'s' if more > 1 else ''} not shown")
    return "\n" + "\n".join(lines) if lines else ""


def _handled(exc: BaseException) -> str:
    """``Type: message`` of an exception a group's member was chained to; a group's
    with its members' lines (``ExceptionGroup: eg (1 sub-exception): ValueError: 1``)."""
    text = _typed(exception_type(exc), _message(exc))
    if issubclass(type(exc), BaseExceptionGroup):
        members = _slot(BaseExceptionGroup, "exceptions", exc)
        if type(members) is tuple:
            shown = [m for m in members[:GROUP_MEMBERS] if isinstance(m, BaseException)]
            said = "; ".join(_typed(exception_type(m), _message(m)) for m in shown)
            text = f"{text}: {said}" if said else text
    return _clip(text, 200)


def _typed(kind: str, message: str) -> str:
    return f"{kind}: {message}" if message else kind

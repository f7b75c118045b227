"""Errors arrive whole but short: ANSI-free, reduced to the user's own frames.

A traceback through pandas or scikit-learn is mostly library frames. The model needs
the user's frames (what they wrote), the last library frame (where it broke) and the
final ``Type: message`` line; that fits in about :data:`MAX_TRACEBACK_CHARS`.
"""

from __future__ import annotations

import sys
import sysconfig
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import error_rules as rules
from .lazy_patterns import lazy_compile

# The bounds and patterns are the TypeScript reader's too (error_rules.py).
MAX_TRACEBACK_CHARS = rules.LIMITS["tracebackChars"]
MAX_MESSAGE_CHARS = rules.LIMITS["messageChars"]
_FRAME_CHARS = rules.LIMITS["frameChars"]

# Terminal escape sequences, and what a cut left of one; then every other control
# character but tab, newline and carriage return (after: a lone ESC is a sequence's start).
ANSI_RE = lazy_compile(rules.ANSI)
_CONTROL_RE = lazy_compile(rules.CONTROL)


def strip_ansi(text: str) -> str:
    """``text`` without terminal escape sequences or other control characters (NUL, BEL,
    backspace, DEL, C1), its tabs, newlines and carriage returns kept."""
    if "\x1b" in text:
        text = ANSI_RE.sub("", text)
    return _CONTROL_RE.sub("", text)


@dataclass(frozen=True)
class Frame:
    """One traceback frame as text, and whether the user wrote its code."""

    text: str
    user: bool
    # How many frames of the traceback it stands for (a recursion's run told once).
    n: int = 1


_USER_HEADER = lazy_compile(rules.USER_HEADER)
_FRAME_HEADER = lazy_compile(rules.FRAME_HEADER)
_LIB_PATH = lazy_compile(rules.LIB_PATH)
# What a block, a frame and the final line are trimmed of (the sidebar's trimSpace).
_TRIM = rules.TRIM_SPACE
_IN_FUNCTION = lazy_compile(rules.IN_FUNCTION)


def shown_by_other_code(traceback: Iterable[object]) -> bool:
    """Whether an error output's traceback starts in a function, not at a cell's or a
    script's top: a thread, a callback or a function that catches errors showed it while
    the cell ran (IPython's traceback of a cell's own error starts at the cell's module
    frame). Of a chain, the last exception's first frame: an earlier link's starts where
    it was caught (pandas' KeyError in ``Index.get_loc``). The sidebar's
    ``shownByOtherCode`` (backgrounderror.ts) reads it the same."""
    first: str | None = None
    for block in traceback:
        text = strip_ansi(str(block)).strip(_TRIM)
        if any(marker in text for marker in _CHAIN_MARKERS):
            first = None
        elif first is None and _FRAME_HEADER.match(text):
            first = text
    return first is not None and _IN_FUNCTION.search(first.split("\n", 1)[0]) is not None


def _is_user_block(block: str) -> bool:
    head = block.lstrip(_TRIM).split("\n", 1)[0]
    if _USER_HEADER.match(head) or "/ipykernel_" in head:
        return True
    return head.startswith("File ") and not _LIB_PATH.search(head)


def collapse_repeats(frames: list[Frame]) -> list[Frame]:
    """Runs of one frame (a recursion) as that frame once, saying how often it repeated."""
    out: list[Frame] = []
    repeats = 0
    for frame in frames:
        if out and frame.text == out[-1].text.split(_REPEAT_NOTE, 1)[0]:
            repeats += 1
            base = out[-1].text.split(_REPEAT_NOTE, 1)[0]
            note = f"{base}{_REPEAT_NOTE}{repeats:,} more times"
            out[-1] = Frame(note, out[-1].user, out[-1].n + frame.n)
        else:
            repeats = 0
            out.append(frame)
    return out


# IPython's temporary cell file names (error_rules.CELL_FILE).
_CELL_FILE = lazy_compile(rules.CELL_FILE)


def with_cell_lines(text: str) -> str:
    """``text`` with IPython's cell file names dropped: ``(979625684.py, line 1)`` ->
    ``(line 1)``, ``File "/tmp/ipykernel_1/979625684.py", line 1`` -> ``Cell, line 1``,
    ``/tmp/ipykernel_1/979625684.py:3: UserWarning`` -> ``Cell, line 3: UserWarning``."""
    if ".py" not in text and "<ipython-input" not in text:
        return text
    return _CELL_FILE.sub(
        lambda m: (
            f"(line {m.group(1)})" if m.group(1) else f"Cell, line {m.group(2) or m.group(3)}"
        ),
        text,
    )


_REPEAT_NOTE = "\n… the frame above repeated "


# A recursion through several functions (a calls b calls a) repeats a block of frames;
# blocks up to this long are told once, with how often they repeated.
CYCLE_FRAMES = rules.LIMITS["cycleFrames"]


def collapse_cycles(frames: list[Frame]) -> list[Frame]:
    """Runs of a block of 2 to :data:`CYCLE_FRAMES` frames repeated (a mutual recursion)
    as that block once, saying how often it repeated; a single frame's repeats are
    told by :func:`collapse_repeats`."""
    out: list[Frame] = []
    i = 0
    while i < len(frames):
        best_period, best_repeats = 0, 0
        for period in range(2, CYCLE_FRAMES + 1):
            block = [f.text for f in frames[i : i + period]]
            if len(block) < period or len(set(block)) == 1:
                continue
            repeats = 0
            while [
                f.text for f in frames[i + (repeats + 1) * period : i + (repeats + 2) * period]
            ] == block:
                repeats += 1
            if repeats > best_repeats:
                best_period, best_repeats = period, repeats
        if best_repeats < 2:
            out.append(frames[i])
            i += 1
            continue
        block_frames = frames[i : i + best_period]
        last = block_frames[-1]
        note = f"\n… the {best_period} frames above repeated {best_repeats:,} more times"
        told = Frame(last.text.rstrip(_TRIM) + note, last.user, last.n + best_period * best_repeats)
        out += [*block_frames[:-1], told]
        i += best_period * (best_repeats + 1)
    return out


def reduce_frames(frames: list[Frame], final: str, limit: int = MAX_TRACEBACK_CHARS) -> str:
    """The user's frames, the last library frame and ``final``, in at most ``limit`` chars."""
    frames = collapse_repeats(collapse_cycles(frames))
    last_lib = max((i for i, f in enumerate(frames) if not f.user), default=-1)
    last_user = max((i for i, f in enumerate(frames) if f.user), default=-1)
    keep = [i for i, f in enumerate(frames) if f.user]
    if (last_lib > last_user or not keep) and last_lib >= 0:
        keep.append(last_lib)
    keep = sorted(set(keep))
    # Each part with how many frames it stands for (a gap's marker counts them).
    parts: list[tuple[str, int]] = []
    skipped = 0
    prev = -1
    for i in keep:
        skipped = sum(f.n for f in frames[prev + 1 : i])
        if skipped:
            parts.append(
                (f"… {skipped} library frame{'s' if skipped > 1 else ''} omitted", skipped)
            )
        parts.append((_clip(frames[i].text.rstrip(_TRIM), _FRAME_CHARS), frames[i].n))
        prev = i
    after = sum(f.n for f in frames[prev + 1 :])
    if after:
        parts.append((f"… {after} library frame{'s' if after > 1 else ''} omitted", after))
    final = _clip(final.strip(_TRIM), MAX_MESSAGE_CHARS)
    text = "\n".join([*(p[0] for p in parts), final])
    dropped = 0
    while len(text) > limit and len(parts) > 2:
        # Keep the outermost and the innermost frames: they say what ran and what broke.
        # What goes is one run from the middle, told by how many frames it held.
        gap = len(parts) // 2
        dropped += parts.pop(gap)[1]
        marker = f"… {dropped:,} frame{'s' if dropped > 1 else ''} not shown"
        shown = [p[0] for p in parts]
        text = "\n".join([*shown[:gap], marker, *shown[gap:], final])
    return _clip(text, limit) if len(text) > limit else text


# Earlier exceptions of a chain shown (the rest counted), and each one's share.
CHAIN_LINKS = rules.LIMITS["chainLinks"]
LINK_CHARS = rules.LIMITS["linkChars"]


def join_chain(links: list[tuple[str, str]], text: str, older: int = 0) -> str:
    """``text`` after the earlier exceptions of its chain, oldest first, each a reduced
    traceback and the line Python prints after it: the last :data:`CHAIN_LINKS`, the
    ones before them (and ``older`` more not given) counted."""
    if not links:
        return text
    parts: list[str] = []
    older += max(0, len(links) - CHAIN_LINKS)
    if older > 0:
        parts.append(f"… {older} earlier chained exception{'s' if older > 1 else ''} not shown")
    for link, marker in links[-CHAIN_LINKS:]:
        parts += [link, "", marker, ""]
    return "\n".join([*parts, text])


def reduce_formatted_traceback(lines: Iterable[str], ename: str = "", evalue: str = "") -> str:
    """Reduce an nbformat/IPython ``traceback`` (a list of coloured text blocks).

    The exceptions it was raised from or while handling come first, as Python prints
    them, each reduced to :data:`LINK_CHARS` (the last :data:`CHAIN_LINKS`; older ones
    counted), when the user's code raised them; one a library raised says its line
    before the final one. The one the user saw last, to :data:`MAX_TRACEBACK_CHARS`.
    """
    blocks = [strip_ansi(str(b)) for b in lines]
    name = strip_ansi(ename)
    frames: list[Frame] = []
    final = ""
    cause = ""
    links: list[tuple[str, str]] = []
    for block in blocks:
        head = block.strip(_TRIM)
        if not head or set(head) <= {"-"} or "Traceback (most recent call last)" in head:
            continue
        marker = next((m for m in _CHAIN_MARKERS if m in head), None)
        if marker is not None:
            # A chained exception: what came before it is an earlier link of the chain,
            # with its frames when the user's code raised it; one raised inside a library
            # (pandas' KeyError from its index engine) says only its line.
            if any(frame.user for frame in frames):
                links.append((reduce_frames(frames, final, LINK_CHARS), f"{marker}:"))
            elif final:
                cause = final.split("\n")[-1]
            frames, final = [], ""
            continue
        if _FRAME_HEADER.match(head) or ("/ipykernel_" in head.split("\n", 1)[0]):
            block, said = _split_final(block, name)
            frames.append(Frame(block, _is_user_block(block)))
            if said:
                final = said if not final else final + "\n" + said
        else:
            final = head if not final else final + "\n" + head
    if not final or (ename and not final.startswith(ename)):
        # Only the joint's ": " goes when a side is empty: a message's own colon stays.
        final = _JOINT.sub("", f"{strip_ansi(ename)}: {strip_ansi(evalue)}") or final
    elif name and final == f"{name}:":
        # IPython prints ``KeyboardInterrupt: `` for an empty message; Python, the name.
        final = name
    if cause:
        final = f"(raised while handling {_clip(cause, 200)})\n{final}"
    return with_cell_lines(join_chain(links, reduce_frames(frames, final)))


def _split_final(block: str, ename: str) -> tuple[str, str]:
    """A frame block and the final line it ends with, if it does: IPython shows a
    SyntaxError's location, caret and ``Type: message`` as one block."""
    body = block.rstrip(_TRIM)
    cut = body.rfind("\n")
    last = body[cut + 1 :]
    if not ename or cut < 0 or not (last == ename or last.startswith(f"{ename}:")):
        return block, ""
    return body[:cut], last


_CHAIN_MARKERS = rules.CHAIN_MARKERS
_JOINT = lazy_compile(r"^: |: (?![\s\S])")


_STDLIB = sysconfig.get_paths().get("stdlib", "/nonexistent")


def frames_of(exc: BaseException, cell_names: Mapping[str, int] | None = None) -> list[Frame]:
    """The frames of ``exc``'s traceback, read from code objects and linecache only."""
    import linecache

    frames: list[Frame] = []
    # Through BaseException's descriptor: a subclass's __getattribute__ is the user's code.
    tb = vars(BaseException)["__traceback__"].__get__(exc, BaseException)
    count = 0
    while tb is not None and count < _MAX_WALK:
        code = tb.tb_frame.f_code
        filename, lineno, name = code.co_filename, tb.tb_lineno, code.co_name
        line = linecache.getline(filename, lineno).strip()
        cell = (cell_names or {}).get(filename)
        user_file = filename.startswith("<ipython-input") or "/ipykernel_" in filename
        if cell is not None or user_file:
            where = f"Cell In[{cell}]" if cell is not None else filename
            text = f"{where}, line {lineno}, in {name}\n    {line}"
            user = True
        else:
            text = f"File {filename}:{lineno}, in {name}\n    {line}"
            user = not (_LIB_PATH.search(filename) or filename.startswith(_STDLIB))
            if "jupyter_chatkit" in filename or filename.startswith("<frozen"):
                user = False
        if "IPython/core/interactiveshell.py" not in filename:
            # The shell's own run_code frame is noise in every cell's traceback.
            frames.append(Frame(text, user))
        tb = tb.tb_next
        count += 1
    if len(frames) > _KEEP_OUTER + _KEEP_INNER:
        # A deep recursion: the outermost frames say what ran, the innermost where it
        # broke (the frame that raised is the last one).
        skipped = len(frames) - _KEEP_OUTER - _KEEP_INNER
        note = Frame(f"… {skipped:,} frames not shown", True)
        frames = [*frames[:_KEEP_OUTER], note, *frames[-_KEEP_INNER:]]
    return frames


# Frames walked (code objects and linecache only: cheap) and kept of a deep traceback.
_MAX_WALK = 100_000
_KEEP_OUTER = 50
_KEEP_INNER = 150


_MRO = type.__dict__["__mro__"]
_DICT = type.__dict__["__dict__"]
_MODULE = type.__dict__["__module__"]
_QUALNAME = type.__dict__["__qualname__"]


def exception_message(exc: BaseException) -> str:
    """An exception's message without running the user's code.

    ``str(exc)`` runs the ``__str__`` of the exception's class: builtin and library code
    is trusted over plain arguments; a ``__str__`` written in the notebook never runs
    (its ``args`` are read instead), nor does the ``repr`` of an unknown argument.
    """
    # The classes read through type's own descriptors: a metaclass's attributes (its
    # ``__getattribute__``, a ``__module__`` property) are the user's code, and may lie.
    cls = type(exc)
    owner = next((c for c in _MRO.__get__(cls) if "__str__" in _DICT.__get__(c)), BaseException)
    args: Any = BaseException.args.__get__(exc)  # type: ignore[attr-defined]
    plain = isinstance(args, tuple) and all(
        # By identity: ``type(a) in (...)`` compares with ``==``, a metaclass's code.
        # Bytes too: a UnicodeDecodeError holds the bytes it could not decode.
        a is None or any(type(a) is t for t in (str, int, float, bool, bytes))
        for a in args
    )
    module = _MODULE.__get__(owner)
    if type(module) is not str:
        module = "__main__"  # set to anything in the class body: the user's
    user = module != "builtins" and not _is_library_module(module)
    if module == "builtins" or user:
        if not plain:
            kinds = (
                ", ".join(_QUALNAME.__get__(type(a)) for a in args[:5])
                if isinstance(args, tuple)
                else ""
            )
            return f"<message not read: arguments of type {kinds or '?'}>"
        if user:
            return _clip(strip_ansi(", ".join(str(a) for a in args)), MAX_MESSAGE_CHARS)
    try:
        # Colours removed before the cut: a cut inside one would leave a piece of it.
        return _clip(strip_ansi(str(exc)), MAX_MESSAGE_CHARS)
    except Exception:
        return ""


def _is_library_module(name: Any) -> bool:
    """True for a module installed as a library or part of Python; False for the
    notebook (``__main__``) and the user's own modules next to it (their ``__str__`` is
    the user's code)."""
    if not isinstance(name, str) or name == "__main__":
        return False
    if name.split(".", 1)[0] == "jupyter_chatkit":
        return True
    module = sys.modules.get(name)
    file = vars(module).get("__file__") if module is not None else None
    if not isinstance(file, str):
        return False
    return bool(_LIB_PATH.search(file)) or file.startswith(_STDLIB)


def exception_type(exc: BaseException) -> str:
    """``ValueError`` for builtins, ``module.Name`` otherwise: read through type's own
    descriptors, so a metaclass's ``__getattribute__`` or properties (user code) never run."""
    cls = type(exc)
    module = _MODULE.__get__(cls)
    name = _QUALNAME.__get__(cls)
    if type(name) is not str:
        name = "Exception"
    if type(module) is not str or module in ("builtins", "__main__"):
        return name
    return f"{module}.{name}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

"""The kernel's own notebook, read from its saved ``.ipynb``.

The kernel's server says where its notebook is saved now (:mod:`.notebook_link`);
without a server, ``JPY_SESSION_NAME`` (set by jupyter_server when the kernel started)
names it. When that file exists, ``get_notebook_cells`` reads it
for markdown, outputs and errors that the execution history cannot see. Unsaved edits
are not in the file; the result says so.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from .. import parse_json
from ..context_policy import error_rules as rules
from ..context_policy.errors import (
    MAX_TRACEBACK_CHARS,
    reduce_formatted_traceback,
    shown_by_other_code,
    strip_ansi,
    with_cell_lines,
)
from ..context_policy.html_text import html_text
from ..context_policy.streams import merged_streams, multiline_text
from ..private_cells import SavedCells, is_private, kept_out, private_sources
from .uncaught_group import RUN_CODE, printed_traceback, split_uncaught

ENV_SESSION = "JPY_SESSION_NAME"
MAX_FILE_BYTES = 50_000_000
OUTPUT_CHARS = 1_500
CELL_OUTPUT_CHARS = 3_000
# Error outputs kept past a cell's output budget.
MAX_LATE_ERRORS = 3
SOURCE_CHARS = 4_000
ENAME_CHARS = rules.LIMITS["enameChars"]
# Arrays and objects nested deeper than this in a saved notebook are read as null.
MAX_JSON_DEPTH = 64


def locate() -> tuple[Path | None, str | None]:
    """The kernel's notebook file to read, or None and a short note of why not.

    Asked of the kernel's Jupyter server first (:func:`.notebook_link.saved_notebook`):
    after a rename or move, the file the kernel started with (``JPY_SESSION_NAME``) is
    gone or is another notebook. With no server to ask (nbclient, a script), that name
    is all there is.
    """
    from .notebook_link import saved_notebook

    found = saved_notebook()
    if found is not None:
        if found.file is None:
            return None, found.note
        path = found.file
    else:
        name = os.environ.get(ENV_SESSION, "").strip()
        if not name.endswith(".ipynb"):
            return None, None
        path = Path(name) if Path(name).is_absolute() else Path.cwd() / name
    try:
        size = path.stat().st_size if path.is_file() else None
    except OSError:
        size = None
    if size is None:
        return None, (
            f"The notebook file {path.name} was not found, so its markdown and outputs "
            "are not seen."
        )
    if size > MAX_FILE_BYTES:
        return None, (
            f"The notebook file {path.name} ({size / 1e6:,.0f} MB) is larger than the "
            f"{MAX_FILE_BYTES / 1e6:,.0f} MB read here, so its markdown and outputs are not seen."
        )
    return path, None


_text = multiline_text


def _field(value: Any) -> str:
    """A saved field as text: a missing or null one is empty, not ``"None"``."""
    return "" if value is None else str(value)


def _clip(text: str, limit: int) -> str:
    """``text``'s head cut between words (:func:`head_end`), saying how much was cut (as
    the sidebar's ``clip``)."""
    if len(text) <= limit:
        return text
    end = head_end(text, max(0, limit - 40))
    return f"{text[:end]}\n… [{len(text) - end} more characters]"


def clip_said(text: str, limit: int) -> str:
    """``text``'s first ``limit`` characters or so, saying how many characters and lines
    were left out (a long cell's bound is said, not silent)."""
    if len(text) <= limit:
        return text
    end = head_end(text, max(0, limit - 60))
    head = text[:end]
    rest = text[end:]
    return f"{head}\n… [{len(rest):,} more chars, {rest.count(chr(10)) + 1:,} lines, not shown]"


_SPACE = re.compile(rules.CUT_SPACE)


def _head_tail(text: str, limit: int) -> str:
    """A long output's head and tail (a log's last lines say how it ended), saying how
    much of the middle was left out.

    Both cuts fall between words (:func:`head_end`, :func:`tail_start`), as the
    sidebar's ``clipMiddle``."""
    if len(text) <= limit:
        return text
    start = tail_start(text, len(text) - limit // 3)
    end = head_end(text, max(0, limit - limit // 3 - 45))
    return f"{text[:end]}\n… [{start - end} more characters] …\n{text[start:]}"


# A cut inside a word leaves a piece of it, such as a key's end without the prefix that
# tells it is one or a password's head without the rest of its URL, which no rule of the
# context policy (run on the result after this) recognises. So a cut falls, within
# CUT_WINDOW characters, on a line's end (a tail: a value keeps its line's label or goes
# with it), white space, a quote or bracket (rules.CUT_TIERS), else punctuation no key
# holds; past that, a run of one kind of character (a DNA sequence, a row of one letter)
# is cut where it is, and a run mixing cases or letters and digits (where a key or token
# could be) goes back to whitespace however far.
_BOUNDARY = re.compile(rules.CUT_BOUNDARY)
# Looked for first, in order: a line's end, white space, a quote or bracket (CUT_TIERS).
_TIERS = tuple(re.compile(tier) for tier in rules.CUT_TIERS)
# Capitals, small letters, digits: a run mixing them could be a key or encoded bytes.
_KINDS = (re.compile("[A-Z]"), re.compile("[a-z]"), re.compile("[0-9]"))
CUT_WINDOW = rules.LIMITS["cutWindow"]


def _kinds(piece: str) -> int:
    """How many of :data:`_KINDS` ``piece`` holds."""
    return sum(1 for kind in _KINDS if kind.search(piece))


def head_end(text: str, end: int) -> int:
    """Where a head cut near ``end`` falls (``text[:result]`` is kept)."""
    if end <= 0 or end >= len(text) or _SPACE.match(text, end) or _SPACE.match(text, end - 1):
        return max(0, min(end, len(text)))
    window = max(0, end - CUT_WINDOW)
    for tier in (*_TIERS[1:], _BOUNDARY):
        found = [m.end() for m in tier.finditer(text, window, end)]
        if found:
            return found[-1]
    if _kinds(text[window:end]) < 2:
        return end
    return max(text.rfind(c, 0, end) for c in " \t\r\n") + 1


def tail_start(text: str, start: int) -> int:
    """Where a tail cut near ``start`` falls (``text[result:]`` is kept)."""
    if start <= 0 or start >= len(text) or text[start - 1] == "\n":
        return max(0, min(start, len(text)))
    stop = min(len(text), start + CUT_WINDOW)
    for tier in (*_TIERS, _BOUNDARY):
        boundary = tier.search(text, start - 1, stop)
        if boundary:
            return boundary.end()
    if _kinds(text[start:stop]) < 2:
        return start
    space = _SPACE.search(text, start)
    return space.end() if space else len(text)


# Embedded images and other base64 payloads say nothing to the model and would take a
# cell's whole share of the budget: a data URI's payload, or a long unbroken run mixing
# capitals, small letters and digits, as encoded bytes do (a DNA sequence, hex or a row
# of one letter is text, clipped like any other).
_DATA_URI = re.compile(rules.DATA_URI)
# Anchored at a run's start, so a long text of 399-char runs costs linear time.
_BASE64_RUN = re.compile(rules.BASE64_RUN)


def _base64_note(match: re.Match[str]) -> str:
    run = match[0]
    if _kinds(run) == len(_KINDS):
        return f"…[base64-like text, {len(run)} chars not shown]"
    return run


def without_base64(text: str) -> str:
    """``text`` with embedded base64 payloads replaced by their length."""
    if len(text) < 100:
        return text
    text = _DATA_URI.sub(lambda m: f"{m[1]}…[{len(m[0]) - len(m[1])} chars not shown]", text)
    return _BASE64_RUN.sub(_base64_note, text)


# A line of IPython's traceback: a frame's header or the chain's heading.
_PYTHON_TRACEBACK = re.compile(rules.PYTHON_TRACEBACK)
_DEFAULT_REPR = re.compile(rules.DEFAULT_REPR)


def error_text(traceback: list[str], ename: str, evalue: str) -> str:
    """An error output's traceback for the model, bounded.

    IPython's is reduced to the user's frames and the final line. Another language's
    kernel (R, Julia, JavaScript) saves a shape that reduction does not know: it is kept,
    head and tail, with the ``ename: evalue`` line when it does not say it.
    """
    plain = strip_ansi("\n".join(traceback)).strip(rules.TRIM_SPACE)
    if RUN_CODE.search(plain):
        # Python's print of an uncaught ExceptionGroup (see .uncaught_group).
        return _head_tail(with_cell_lines(printed_traceback(plain)), MAX_TRACEBACK_CHARS)
    # A recursion (one frame or a block of frames) is told once: errors.reduce_frames.
    reduced = reduce_formatted_traceback(traceback, ename, evalue)
    if not plain or _PYTHON_TRACEBACK.search(plain) or plain in reduced:
        return reduced
    final = reduced.rsplit("\n", 1)[-1]
    text = plain if final in plain else f"{plain}\n{final}"
    return _head_tail(with_cell_lines(text), MAX_TRACEBACK_CHARS)


def bounded_output(kind: str, text: str, limit: int = OUTPUT_CHARS) -> str:
    """An output's text within ``limit`` characters, as every reader of outputs bounds it
    (the sidebar's ``boundedOutput``): a stream's head and tail (a log's end says how it
    ended), a result's head."""
    return _head_tail(text, limit) if kind == "stream" else _clip(text, limit)


def output_text(output: dict[str, Any], limit: int = OUTPUT_CHARS) -> dict[str, Any]:
    """One nbformat output as bounded, ANSI-free text (errors reduced): within ``limit``
    characters, an error's traceback within its own bound."""
    kind = str(output.get("output_type", ""))
    if kind == "stream":
        return {
            "output_type": kind,
            "name": output.get("name"),
            # ``traceback.print_exc()``, warnings: the cell's line, not IPython's file.
            "text": bounded_output(
                kind, with_cell_lines(without_base64(strip_ansi(_text(output.get("text"))))), limit
            ),
        }
    if kind == "error":
        # Other kernels (and other tools) save fields missing, null, or the traceback as
        # one string: what they hold is read, and a name is bounded like the rest.
        ename = _clip(strip_ansi(_field(output.get("ename"))), ENAME_CHARS)
        evalue = strip_ansi(_field(output.get("evalue")))
        raw_tb = output.get("traceback")
        if isinstance(raw_tb, str):
            raw_tb = [raw_tb]
        tb = [_field(line) for line in raw_tb] if isinstance(raw_tb, list) else []
        read: dict[str, Any] = {
            "output_type": kind,
            "ename": ename,
            "evalue": _clip(with_cell_lines(evalue), 600),
            "text": error_text(tb, ename, evalue),
        }
        if shown_by_other_code(tb):
            # A thread's, a callback's: not the cell's error (no reply status is saved).
            read["note"] = rules.SHOWN_BY_OTHER_CODE
        return read
    raw_data = output.get("data")
    data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
    text = strip_ansi(_text(data.get("text/plain")))
    if not text or _DEFAULT_REPR.match(text):
        # A traceback shown as Markdown or HTML: its text, with the cell's line as in a
        # stream (HTML as a person reads it: html_text).
        markdown = _text(data.get("text/markdown"))
        html = "" if markdown else _text(data.get("text/html"))
        shown = markdown or (html_text(strip_ansi(html)) if html else "")
        if shown:
            text = with_cell_lines(without_base64(strip_ansi(shown)))
    others = [m for m in data if m != "text/plain"]
    if others:
        text += ("\n" if text else "") + f"[also: {', '.join(others)}]"
    return {"output_type": kind, "text": bounded_output(kind, text, limit)}


# A JSON string (its escapes included) or a bracket; nothing else changes the depth.
# Possessive: an unterminated string (a file cut short) is passed once, not tried in
# every split of its characters.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def flattened(text: str, max_depth: int) -> str:
    """JSON ``text`` with every array or object nested deeper than ``max_depth`` as null."""
    pieces: list[str] = []
    depth = 0
    kept_to = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth == max_depth + 1:
                pieces.append(text[kept_to : match.start()])
        elif token in ("]", "}"):
            if depth == max_depth + 1:
                pieces.append("null")
                kept_to = match.end()
            depth -= 1
    pieces.append(text[kept_to:])
    return "".join(pieces)


def _as_version_4(nb: dict[str, Any]) -> dict[str, Any] | None:
    """An nbformat 1-3 notebook (cells in worksheets, pyout/pyerr outputs) as version 4,
    by nbformat's own converter; None if it cannot convert it."""
    try:
        import nbformat
        from nbformat.converter import convert

        converted: dict[str, Any] = convert(nbformat.from_dict(nb), 4)
    except Exception:
        return None
    return converted


def notebook_json(text: str) -> Any:
    """A notebook file's JSON; raises ``ValueError`` if it is none.

    A rich output nested deeper than Python's parser goes (JavaScript writes any depth)
    is read with what lies deeper than :data:`MAX_JSON_DEPTH` as null."""
    try:
        return parse_json.loads(text)
    except parse_json.TooDeep:
        return parse_json.loads(flattened(text, MAX_JSON_DEPTH))


def read_cells(path: Path) -> SavedCells | None:
    """Every cell of the notebook at ``path`` (bounded per cell); None if unreadable.

    A cell the person kept out (:mod:`..private_cells`) is read as its number only."""
    try:
        nb = notebook_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if isinstance(nb, dict) and nb.get("nbformat", 4) in (1, 2, 3):
        nb = _as_version_4(nb)
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return None
    out: list[dict[str, Any]] = []
    texts: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        texts[index] = _text(cell.get("source")).strip()
        if is_private(cell):
            out.append(kept_out(index, cell.get("cell_type")))
            continue
        entry: dict[str, Any] = {
            "index": index,
            "cell_type": cell.get("cell_type", "code"),
            "source": without_base64(_text(cell.get("source"))),
        }
        if entry["cell_type"] != "code":
            # Code sources are bounded by the caller, which hides secrets in them first.
            entry["source"] = clip_said(entry["source"], SOURCE_CHARS)
        if entry["cell_type"] == "code":
            count = cell.get("execution_count")
            # nbformat says an int or null; other writers save text, floats, booleans.
            entry["execution_count"] = count if type(count) is int else None
            outputs: list[dict[str, Any]] = []
            used = 0
            late_errors = 0
            raw_outputs = cell.get("outputs")
            merged = merged_streams(raw_outputs if isinstance(raw_outputs, list) else [])
            for raw in (o for m in merged for o in split_uncaught(m, _text)):
                if not isinstance(raw, dict):
                    continue
                # Each output within what the cell's share has left, as the sidebar's
                # cellInfo reads it (tests/fixtures/error_outputs.json's cells).
                room = CELL_OUTPUT_CHARS - used
                if room <= 0:
                    entry["outputs_truncated"] = True
                    # The error after a long log is what the person asks about: it still
                    # comes (a few, each cut by its own traceback bound).
                    if raw.get("output_type") != "error" or late_errors >= MAX_LATE_ERRORS:
                        continue
                    late_errors += 1
                item = output_text(raw, max(1, min(OUTPUT_CHARS, room)))
                used += len(item.get("text", ""))
                outputs.append(item)
            entry["outputs"] = outputs
        out.append(entry)
    return SavedCells(out, private_sources(cells), texts)

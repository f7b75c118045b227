"""The cell tools answered in the kernel: ``get_notebook_cells`` and ``get_active_cell``.

The kernel cannot see the notebook document. It reads its saved ``.ipynb`` when Jupyter
named it (:mod:`.notebook_file`), else its input history, with each cell's error as
recorded by :mod:`.executions` and its result summarised; the results say which.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..context_policy import RESULT_BUDGET, dumps
from ..context_policy.redact import hide_shown_secret, names_secret
from ..context_policy.shown import hide_cell_outputs
from ..private_cells import SavedCells, kept_out
from . import executions, notebook_file
from .cellpick import around_index, nearest, omitted_note, omitted_runs_note, position_of
from .filecounts import COUNTS_NOTE, kernel_runs, mark_run, newest_run
from .kept_names import LiveCells, pushed_for, pushed_live
from .signatures import frame_values_shown, hide_positional_secrets
from .values import qualname, summarize
from .values.common import hidden
from .values.typeinfo import is_a

if TYPE_CHECKING:
    from .introspect import KernelView

DEFAULT_MAX_CELLS = 20
CELL_SOURCE_CHARS = 3_000
CELLS_TOTAL_CHARS = RESULT_BUDGET - 2_500

# Cells run in this kernel that the saved file does not hold, newest first, within this.
UNSAVED_CELLS = 5
UNSAVED_CHARS = 4_000
UNSAVED_NOTE = (
    "Cells this kernel ran whose source is not in the saved file (not saved yet, or "
    "edited since), from its execution history, in the order they ran."
)

# The saved notebook keeps cells out: runs whose source is no saved cell are not read.
WITHHELD_NOTE = (
    "Cells run since the notebook was last saved are not read: this notebook keeps some "
    "cells out of what the assistant reads, and an unsaved run cannot be told apart from "
    "a kept-out cell. Ask the person to save the notebook to have them read."
)

EDITED_NOTE = (
    "Not read: edited since the notebook was last saved, and this notebook keeps some "
    "cells out (the saved version of a cell kept out now cannot be told from another). "
    "Ask the person to save the notebook to have it read."
)

HISTORY_NOTE = (
    "From the kernel's execution history, not the notebook file: the cells run in this "
    "kernel session, in the order they ran (unsaved edits and unrun cells are not seen). "
    "Each cell's result value and error are recorded; its printed output (stdout, stderr, "
    "warnings) and displays are not seen here."
)


def _history(view: KernelView) -> tuple[list[str], Mapping[int, Any]] | None:
    manager = getattr(view.shell, "history_manager", None) if view.shell is not None else None
    if manager is None:
        return None
    return list(manager.input_hist_raw), manager.output_hist


def _cell_entry(
    count: int,
    source: str,
    outputs: Mapping[int, Any],
    errors: Mapping[int, dict[str, Any]],
    with_output: bool,
    namespace: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    cell: dict[str, Any] = {
        "execution_count": count,
        "cell_type": "code",
        "source": _source(source, namespace),
    }
    if with_output and count in outputs:
        value = outputs[count]
        if names_secret(source) and is_a(value, str | bytes | bytearray):
            # ``%env DB_PASSWORD``, ``token``: the result is the secret the line names.
            cell["result"] = {"type": qualname(value), "value": hidden(value)}
        elif namespace is not None and frame_values_shown(source, namespace):
            # ``df.values`` of a frame with a password column: values without names.
            cell["result"] = {"type": qualname(value), "value": hidden(value)}
        else:
            try:
                cell["result"] = summarize(value)
            except Exception:
                cell["result"] = {"type": qualname(value)}
    if with_output and count in errors:
        cell["error"] = _error(errors[count], namespace)
    return cell


def _source(source: str, namespace: Mapping[str, Any] | None) -> str:
    """A cell's source, bounded, with literals passed by position to the user's own
    secret-named parameters hidden (``DC("ada", "pw")`` for a dataclass DC(user,
    password)); the context policy redacts the rest."""
    text = notebook_file.clip_said(source, CELL_SOURCE_CHARS)
    return hide_positional_secrets(text, namespace) if namespace is not None else text


def _hide_shown_outputs(
    cell: dict[str, Any], namespace: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A saved cell whose last line names a secret: its one-line outputs hidden; one
    that shows a secret-holding frame's values without names (``df.values``): all."""
    source = cell.get("source")
    outputs = cell.get("outputs")
    if not isinstance(source, str) or not isinstance(outputs, list):
        return cell
    if namespace is not None and frame_values_shown(source, namespace):
        hide = _hide_whole
    elif names_secret(source):
        hide = hide_shown_secret
    else:
        return cell
    cell["outputs"] = hide_cell_outputs(outputs, hide)
    return cell


def _hide_whole(text: str) -> str:
    return hidden(text) if text.strip() else text


def _error(error: dict[str, Any], namespace: Mapping[str, Any] | None) -> dict[str, Any]:
    """A recorded error; its traceback quotes the failing lines, so the same calls as
    the source get their positional secrets hidden."""
    if namespace is None:
        return error
    return {
        k: hide_positional_secrets(v, namespace) if isinstance(v, str) else v
        for k, v in error.items()
    }


def _errors(view: KernelView) -> dict[int, dict[str, Any]]:
    log = executions.log_for(view.shell)
    return log.errors() if log is not None else {}


class _Kept:
    """What the saved notebook says about kept-out cells: whether it has any, and the
    stripped sources of its private and of its other code cells."""

    def __init__(self, saved: list[dict[str, Any]] | None, private: frozenset[str]) -> None:
        cells = saved or []
        self.any = any("kept_out" in c for c in cells)
        self.private = private
        self.public = frozenset(
            str(c.get("source", "")).strip()
            for c in cells
            if c.get("cell_type") == "code" and "kept_out" not in c
        )

    def withheld(self, source: str) -> bool:
        """Whether a run is not read: a private cell's, or (when the notebook keeps
        cells out) one whose source is no saved code cell's. A kept-out cell edited
        since the save, or run before its tag was saved, cannot be told from another
        unsaved run, so none of them is read (privacy over completeness)."""
        text = source.strip()
        return text in self.private or self.unsaved(source)

    def unsaved(self, source: str) -> bool:
        """Whether a run is withheld for being no saved cell's (not a private cell's)."""
        text = source.strip()
        return self.any and text not in self.public and text not in self.private

    @classmethod
    def live(cls, cells: LiveCells) -> _Kept:
        """What the page's live cells keep out (pushed to the kernel: kept_names)."""
        kept = cls(None, frozenset(s.strip() for s in cells.kept_out))
        kept.any = bool(cells.kept_out)
        kept.public = frozenset(s.strip() for s in cells.readable)
        return kept

    def union(self, other: _Kept) -> _Kept:
        """What either keeps out (the saved file's tags and other documents' pages)."""
        kept = _Kept(None, self.private | other.private)
        kept.any = self.any or other.any
        kept.public = self.public | other.public
        return kept


_NO_KEPT = _Kept(None, frozenset())
# The last saved file read for get_active_cell: (path, mtime_ns, size) -> what it keeps out.
_kept_cache: dict[tuple[str, int, int], _Kept] = {}


def _kept(view: KernelView) -> _Kept:
    """What the pages of the kernel's documents pushed keep out (its history is theirs
    together), with what its saved notebook keeps out unless that notebook's own page
    pushed (its live tags win: one removed but not saved lets the cell back in)."""
    pushed = pushed_live()
    path, _ = notebook_file.locate() if view.shell is not None else (None, None)
    if pushed is None:
        return _saved_kept(path)
    if pushed_for(str(path) if path is not None else None) is not None:
        return _Kept.live(pushed)
    return _saved_kept(path).union(_Kept.live(pushed))


def _saved_kept(path: Path | None) -> _Kept:
    """What the saved notebook at ``path`` keeps out, if it is one (read again only when
    the file changed: its modification time or size)."""
    if path is None:
        return _NO_KEPT
    try:
        stat = path.stat()
    except OSError:
        return _NO_KEPT
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    found = _kept_cache.get(key)
    if found is None:
        saved = notebook_file.read_cells(path)
        found = _Kept(saved, saved.private_sources) if saved is not None else _NO_KEPT
        _kept_cache.clear()
        _kept_cache[key] = found
    return found


def saved_kept_sources(view: KernelView) -> tuple[frozenset[str], frozenset[str]]:
    """The stripped sources of the kept-out cells and of the other code cells, as a page
    last pushed them or as saved (both empty with neither, or none kept out)."""
    kept = _kept(view)
    return (kept.private, kept.public) if kept.any else (frozenset(), frozenset())


def _last_failure(view: KernelView) -> tuple[int, dict[str, Any]] | None:
    """The newest recorded run that failed, however many runs followed it."""
    log = executions.log_for(view.shell)
    return log.last_failure() if log is not None else None


def _last_error(view: KernelView, kept: _Kept = _NO_KEPT) -> dict[str, Any] | None:
    recorded = _last_failure(view)
    if recorded is not None:
        count, failed = recorded
        if _is_withheld_run(view, count, kept):
            return None
        return {"execution_count": count, **_error(failed, view.namespace)}
    history = _history(view) if kept.any else None
    if history is not None and any(isinstance(s, str) and kept.withheld(s) for s in history[0]):
        # Which run raised is unknown here: not read when a withheld run is among them.
        return None
    error = executions.last_error(view.shell)
    return _error(error, view.namespace) if error is not None else None


def _older_error(view: KernelView) -> dict[str, Any] | None:
    """With no failed run among those kept: the newest recorded one, older than they
    are, else an error from before recording (``sys.last_value``)."""
    recorded = _last_failure(view)
    if recorded is not None:
        return {"execution_count": recorded[0], **recorded[1]}
    return executions.last_error(view.shell)


def _is_withheld_run(view: KernelView, count: int, kept: _Kept) -> bool:
    """Whether run ``count`` is not read (:meth:`_Kept.withheld`)."""
    history = _history(view) if kept.any else None
    if history is None:
        return False
    inputs = history[0]
    source = inputs[count] if 0 < count < len(inputs) else None
    return isinstance(source, str) and kept.withheld(source)


def _as_pushed(saved: SavedCells, live: LiveCells) -> SavedCells:
    """The saved cells as the notebook's page's pushed ``live`` cells keep them: a tag
    added on the page, not saved yet, keeps that saved cell out too (code, markdown or
    raw); and, once something is kept out, so is a saved cell whose source no live cell
    of its kind holds (edited since the save: the old version of a cell kept out now
    cannot be told from another's)."""
    kept = _Kept.live(live)
    text_kept = frozenset(s.strip() for s in live.kept_out_text)
    text_seen = text_kept | frozenset(s.strip() for s in live.readable_text)
    # A page that sent its markdown cells (older ones sent code cells only).
    texts = bool(text_seen) and bool(live.kept_out or live.kept_out_text)
    cells: list[dict[str, Any]] = []
    for c in saved:
        source = saved.texts.get(c.get("index", -1), str(c.get("source", "")).strip())
        kind = c.get("cell_type")
        if "kept_out" in c:
            pass
        elif kind == "code" and source in kept.private:
            c = kept_out(c["index"], kind)
        elif kind == "code" and kept.unsaved(source):
            c = {**kept_out(c["index"], "code"), "kept_out": EDITED_NOTE}
        elif kind != "code" and source in text_kept:
            c = kept_out(c["index"], kind)
        elif kind != "code" and texts and source and source not in text_seen:
            c = {**kept_out(c["index"], kind), "kept_out": EDITED_NOTE}
        cells.append(c)
    return SavedCells(cells, saved.private_sources, saved.texts)


def _running_count(view: KernelView) -> int | None:
    log = executions.log_for(view.shell)
    return log.running if log is not None else None


def get_notebook_cells(
    view: KernelView,
    max_cells: int = DEFAULT_MAX_CELLS,
    include_outputs: bool = True,
    around: Any = None,
) -> dict[str, Any]:
    """The notebook's cells: from its saved file when known (centred on cell ``around``
    when it is a whole number, else on the last executed one), else the history."""
    path, unread = notebook_file.locate() if view.shell is not None else (None, None)
    if path is not None:
        saved = notebook_file.read_cells(path)
        if saved is None:
            unread = (
                f"The notebook file {path.name} could not be read as a notebook (not "
                "valid notebook JSON), so its markdown and outputs are not seen."
            )
        else:
            # This notebook's page's live tags win over the file's; what the pages of
            # the kernel's other documents keep out is withheld from its history too.
            pushed = pushed_live()
            own = pushed_for(str(path)) if pushed is not None else None
            kept = _Kept(saved, saved.private_sources)
            if own is not None:
                saved = _as_pushed(saved, own)
            if pushed is not None:
                kept = _Kept.live(pushed) if own is not None else kept.union(_Kept.live(pushed))
            unsaved, withheld = _runs_not_in_file(view, saved, include_outputs, kept)
            budget = CELLS_TOTAL_CHARS - len(dumps(unsaved))
            ran = _history(view)
            counts = kernel_runs(ran[0]) if ran is not None else {}
            from_file = _file_cells(
                path.name, saved, max_cells, include_outputs, view.namespace, budget, around, counts
            )
            if unsaved:
                from_file["run_not_in_file"] = unsaved
                from_file["run_not_in_file_note"] = UNSAVED_NOTE
            if withheld:
                from_file["runs_not_read"] = withheld
                from_file["runs_not_read_note"] = WITHHELD_NOTE
            # The file is often saved before the cells ran (JupyterLab saves on its own
            # schedule): the error this kernel recorded is the one asked about.
            recorded = _last_error(view, kept) if include_outputs else None
            if recorded:
                from_file["last_error"] = recorded
            return from_file
    history = _history(view)
    if history is None:
        return {
            "from": "nothing",
            "cells": [],
            "note": "No notebook front end answered and this process has no IPython "
            "history, so no cells can be read.",
        }
    inputs, outputs = history
    errors = _errors(view) if include_outputs else {}
    running = _running_count(view)
    # No file: the page's live cells, if it pushed them, say which runs are kept out.
    kept = _kept(view)
    runs: list[int] = []
    withheld = 0
    for count in range(1, len(inputs)):
        source = inputs[count]
        if not isinstance(source, str) or not source.strip():
            continue
        if kept.withheld(source):
            withheld += 1
            continue
        runs.append(count)
    # Centred on the newest run, or on the run whose execution count ``around`` names
    # (the history's cells have no index: each carries its execution count); the total
    # budget drops the runs farthest from it.
    asked = around_index(around) if runs else None
    anchor = position_of(runs, asked) if asked is not None else len(runs) - 1
    cells: list[dict[str, Any]] = []
    used = 0
    for i in sorted(nearest(len(runs), anchor, max_cells), key=lambda j: abs(j - anchor)):
        count = runs[i]
        cell = _cell_entry(count, inputs[count], outputs, errors, include_outputs, view.namespace)
        if count == running:
            cell["running"] = True
        size = len(dumps(cell))
        if used + size > CELLS_TOTAL_CHARS and cells:
            continue
        used += size
        cells.append(cell)
    cells.sort(key=lambda c: c["execution_count"])
    result: dict[str, Any] = {
        "from": "kernel_execution_history",
        "note": HISTORY_NOTE,
        "cells": cells,
        "executed_cells": sum(1 for s in inputs[1:] if isinstance(s, str) and s.strip()),
    }
    if asked is not None:
        # ``around`` is an execution count here, as each cell of this answer carries.
        result["centred_on"] = runs[anchor]
        result["note"] += f" Centred on the run with execution count {runs[anchor]} (around)."
    if unread:
        result["file_note"] = unread
    if withheld:
        result["runs_not_read"] = withheld
        result["runs_not_read_note"] = WITHHELD_NOTE
    if len(cells) < len(runs):
        result["omitted_cells"] = len(runs) - len(cells)
        result["omitted_note"] = omitted_runs_note(runs, (c["execution_count"] for c in cells))
    error = _last_error(view, kept) if include_outputs else None
    if error:
        result["last_error"] = error
    return result


def _file_cells(
    name: str,
    cells: list[dict[str, Any]],
    max_cells: int,
    include_outputs: bool,
    namespace: Mapping[str, Any] | None = None,
    budget: int = CELLS_TOTAL_CHARS,
    around: Any = None,
    runs: dict[str, int] | None = None,
) -> dict[str, Any]:
    counts = [int(c.get("execution_count") or 0) for c in cells]
    newest = max(counts, default=0)
    # This kernel's newest run when the file holds it (its counts may be an older
    # kernel's: filecounts.py), else the file's newest count.
    ran = newest_run(cells, runs or {})
    anchor = ran if ran is not None else counts.index(newest) if newest else len(cells) - 1
    indices = [int(c.get("index", j)) for j, c in enumerate(cells)]
    asked = around_index(around) if cells else None
    if asked is not None:
        anchor = position_of(indices, asked)
    picked = nearest(len(cells), anchor, max_cells)
    kept: list[dict[str, Any]] = []
    used, stale = 0, False
    for i in sorted(picked, key=lambda j: abs(j - anchor)):
        cell = _hide_shown_outputs(dict(cells[i]), namespace)
        marked = mark_run(cell, runs or {})  # (by its source as run, before it is redacted)
        if isinstance(cell.get("source"), str) and cell.get("cell_type") == "code":
            cell["source"] = _source(cell["source"], namespace)
        if not include_outputs:
            cell.pop("outputs", None)
        size = len(dumps(cell))
        if used + size > budget and kept:
            continue
        used += size
        kept.append(cell)
        stale = stale or marked
    kept.sort(key=lambda c: c["index"])
    result: dict[str, Any] = {
        "from": "notebook_file",
        "notebook": name,
        "note": "From the saved notebook file (unsaved edits are not seen), centred on "
        + ("the cell asked for (around)." if asked is not None else "the last run cell."),
        "cell_count": len(cells),
        "cells": kept,
    }
    if asked is not None:
        result["centred_on"] = indices[anchor]
    if stale:
        result["counts_note"] = COUNTS_NOTE
    if len(kept) < len(cells):
        result["omitted_cells"] = len(cells) - len(kept)
        result["omitted_note"] = omitted_note(indices, (c["index"] for c in kept))
    return result


def _runs_not_in_file(
    view: KernelView,
    saved: list[dict[str, Any]],
    include_outputs: bool,
    kept: _Kept = _NO_KEPT,
) -> tuple[list[dict[str, Any]], int]:
    """The newest cells this kernel ran whose source the saved file does not hold, and
    how many such runs were not read (:meth:`_Kept.withheld`).

    A notebook not saved since (a new Untitled one is saved once, empty), or a file
    that is no longer this kernel's (renamed, another notebook made at its old path):
    what ran is what the question is about, so it is read from the history too.
    """
    history = _history(view)
    if history is None:
        return [], 0
    inputs, outputs = history
    in_file = {str(c.get("source", "")).strip() for c in saved if c.get("cell_type") == "code"}
    # A private cell's run is in the file too (read as its number only).
    in_file |= kept.private
    errors = _errors(view) if include_outputs else {}
    found: list[dict[str, Any]] = []
    withheld = 0
    used = 0
    for count in range(len(inputs) - 1, 0, -1):
        source = inputs[count]
        if len(found) >= UNSAVED_CELLS or not isinstance(source, str):
            break
        text = source.strip()
        if not text or text in in_file or _CHAT_CELL.search(source):
            continue
        if _only_loads_the_assistant(source):
            continue
        if kept.withheld(source):
            withheld += 1
            continue
        cell = _cell_entry(count, source, outputs, errors, include_outputs, view.namespace)
        size = len(dumps(cell))
        if used + size > UNSAVED_CHARS:
            break
        used += size
        found.append(cell)
    found.reverse()
    return found, withheld


# A cell that shows or asks the chat: %chat, %%chat, Chat(), Chat().ask(...).
_CHAT_CELL = re.compile(r"^\s*%%?chat\b|\bChat\s*\(", re.MULTILINE)
# A line that only loads the assistant: %load_ext jupyter_chatkit, its imports.
_SETUP_LINE = re.compile(
    r"\s*(?:%(?:re)?load_ext\s+jupyter_chatkit|import\s+jupyter_chatkit(?:\s+as\s+\w+)?"
    r"|from\s+jupyter_chatkit\s+import\s+[\w\s,()]+)\s*(?:#.*)?"
)


def _only_loads_the_assistant(source: str) -> bool:
    """Whether a cell only loads the assistant: Run All passes it on its way to the chat
    cell, so it is not the work a question from that chat cell is about."""
    lines = [
        line for line in source.splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    return bool(lines) and all(_SETUP_LINE.fullmatch(line) for line in lines)


def get_active_cell(view: KernelView) -> dict[str, Any]:
    """The cell the user is working on.

    From a chat cell (``%chat``, ``Chat().ask()`` running, or the widget of the newest
    cell) that is the cell before it: the one the question is about. Otherwise it is
    the most recently executed cell.
    """
    found = _history(view)
    if found is None:
        return {"from": "nothing", "cell": None, "note": "No cell has been executed yet."}
    inputs, outputs = found
    running = _running_count(view)
    errors = _errors(view)
    kept = _kept(view)
    withheld = 0
    chat_cell: int | None = running
    newest = True
    for count in range(len(inputs) - 1, 0, -1):
        source = inputs[count]
        if count == running or not isinstance(source, str) or not source.strip():
            continue
        if newest and running is None and _CHAT_CELL.search(source):
            # The chat widget lives in this cell: the question is about the one before.
            chat_cell = count
            newest = False
            continue
        newest = False
        if chat_cell is not None and _only_loads_the_assistant(source):
            continue
        if kept.withheld(source):
            # Kept out by the person (or maybe, unsaved): the cell before it is read.
            withheld += kept.unsaved(source)
            continue
        note = (
            f"The cell executed before the chat cell [{chat_cell}]."
            if chat_cell is not None
            else "The front end did not report its active cell; this is the most recently "
            "executed cell in this kernel session."
        )
        result: dict[str, Any] = {
            "from": "kernel_execution_history",
            "note": note,
            "cell": _cell_entry(count, source, outputs, errors, True, view.namespace),
        }
        if withheld:
            result["runs_not_read"] = withheld
            result["runs_not_read_note"] = WITHHELD_NOTE
        # Which run raised is unknown there: not read when a withheld run is among them.
        if count not in errors and not any(isinstance(s, str) and kept.withheld(s) for s in inputs):
            error = _older_error(view) if not errors else None
            if error is not None:
                result["last_error"] = _error(error, view.namespace)
        return result
    if withheld:
        return {
            "from": "kernel_execution_history",
            "cell": None,
            "note": WITHHELD_NOTE,
            "runs_not_read": withheld,
        }
    return {
        "from": "kernel_execution_history",
        "cell": None,
        "note": "No cell has been executed yet.",
    }

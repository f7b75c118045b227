"""What ran in this kernel, cell by cell: source, execution count and error.

IPython's ``pre_run_cell`` / ``post_run_cell`` events record every execution (not only
the last error, which is all ``sys.last_value`` keeps). Errors are reduced when they
happen, while their traceback and the cell's source are at hand: the user's frames, the
last library frame and the final line (see :mod:`jupyter_chatkit.context_policy.errors`).
Recording reads code objects and linecache only; no user code runs.
"""

from __future__ import annotations

import collections
import re
import sys
import threading
from dataclasses import dataclass
from typing import Any

from . import cell_streams

KEEP = 200
SOURCE_CHARS = 4_000


@dataclass(frozen=True)
class Execution:
    """One executed cell."""

    count: int
    source: str
    error: dict[str, Any] | None
    # The request that ran it (its parent message's id): what it printed is kept by that.
    request: str | None = None


def describe_error(exc: BaseException, shell: Any = None) -> dict[str, Any]:
    """``{type, message, traceback}`` of an exception, reduced and ANSI-free
    (:func:`.error_description.describe_error`, loaded at the first error)."""
    from .error_description import describe_error as describe

    return describe(exc, shell)


class ExecutionLog:
    """The newest :data:`KEEP` executions of one shell, the one running now, and the
    newest that failed (kept also once older than those: the last error is the last
    error, however many runs followed it)."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.records: collections.deque[Execution] = collections.deque(maxlen=KEEP)
        self.last_failed: Execution | None = None
        self.running: int | None = None
        # The last error IPython showed when the running cell started (sys.last_value);
        # read now too, for the cell that starts recording (no pre_run_cell for it).
        self._shown_before: object = getattr(sys, "last_value", None)
        # The one from before recording: any later one this log read when it was shown.
        self.shown_at_start: object = self._shown_before
        self._request: str | None = None
        # The id of the notebook cell run last (Jupyter's ``cellId``; None from a
        # console or a client that sends none): which notebook ran it, when several
        # share this kernel (notebook_link). Read now too: the cell that starts
        # recording (``%load_ext jupyter_chatkit`` then ``%chat``) has no pre_run_cell.
        self.cell_id: str | None = _request_cell_id(shell)
        self._lock = threading.Lock()
        # What each request printed (a failed shell command's stderr): cell_streams.
        self.tails = cell_streams.watch()

    def pre_run_cell(self, info: Any) -> None:
        """IPython event: a cell starts; its input is stored right after this event.

        Its execution count is the next slot of the input history (IPython versions
        differ on whether ``execution_count`` was already incremented here).
        """
        if not getattr(info, "store_history", True):
            return
        manager = getattr(self.shell, "history_manager", None)
        inputs = getattr(manager, "input_hist_raw", None)
        self.running = len(inputs) if isinstance(inputs, list) else None
        self._shown_before = getattr(sys, "last_value", None)
        self._request = cell_streams.request_id(self.shell)
        self.cell_id = _cell_id(getattr(info, "cell_id", None))

    def post_run_cell(self, result: Any) -> None:
        """IPython event: a cell ended; keep its source and reduced error."""
        running, self.running = self.running, None
        info = getattr(result, "info", None)
        if info is not None and not getattr(info, "store_history", True):
            return  # silent executions (the JupyterLab tools themselves) are not cells
        count = getattr(result, "execution_count", None)
        if not isinstance(count, int):
            # IPython leaves the count unset when showing the traceback itself failed
            # (an exception whose __str__ raises): the cell's slot is still the one
            # pre_run_cell saw, and its error is the one to record.
            count = running
        source = getattr(info, "raw_cell", "") if info is not None else ""
        exc = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
        shown = getattr(sys, "last_value", None)
        if (
            exc is None
            and shown is not self._shown_before
            and isinstance(shown, BaseException)
            and _shown_by_a_cell(shown)
            and not _caught_in_a_function(shown)
        ):
            # A magic that catches the error and shows its traceback itself (``%run``'s
            # script) leaves the cell without error_in_exec; IPython's showtraceback
            # still keeps it as the last error, and the cell's output is that traceback.
            # One a thread or callback showed meanwhile (a widget's handler run by a
            # timer) is not this cell's: its frames were not called by a cell. Nor is
            # one a function caught and showed (the reply says ok): the readers of the
            # cell's outputs read it so too (errors.shown_by_other_code).
            exc = shown
        error = None
        if isinstance(exc, BaseException):
            try:
                error = describe_error(exc, self.shell)
            except Exception:
                error = _undescribed(exc)
        elif isinstance(source, str) and _SHELL_LINE.search(source):
            error = self._shell_exit()
        if isinstance(count, int):
            with self._lock:
                record = Execution(count, str(source)[:SOURCE_CHARS], error, self._request)
                self.records.append(record)
                if error is not None:
                    self.last_failed = record

    def _shell_exit(self) -> dict[str, Any] | None:
        """A ``!cmd`` that failed raises nothing: IPython keeps its status in the
        namespace's ``_exit_code`` (a plain int, read from the dict)."""
        namespace = getattr(self.shell, "user_ns", None)
        code = namespace.get("_exit_code") if isinstance(namespace, dict) else None
        if type(code) is not int or code == 0:
            return None
        return {
            "type": "ShellCommandExit",
            "message": f"the last ! shell command run by this cell exited with status {code}",
            "traceback": "No Python exception: a shell command's output is not recorded here.",
        }

    def _with_output(self, record: Execution) -> dict[str, Any] | None:
        """A failed shell command's error with the end of what it printed: its stderr
        (``%%bash``), else its output (``!cmd`` merges both into stdout). Read when
        asked: the kernel sends a cell's last output after the cell's end event."""
        error = record.error
        if error is None or error.get("type") not in _SHELL_ERRORS or self.tails is None:
            return error
        tails = self.tails.of(record.request)
        said = tails.get("stderr", "").strip() or tails.get("stdout", "").strip()
        if not said:
            return error
        from ..context_policy.errors import strip_ansi, with_cell_lines
        from ..context_policy.streams import overwritten

        # As the output area showed it: a progress line's last frame, not every one.
        text = with_cell_lines(strip_ansi(overwritten(said.replace("\r\n", "\n"))))
        if len(text) > OUTPUT_CHARS:
            text = "… " + text[-OUTPUT_CHARS:]
        if error["type"] == "ShellCommandExit":
            error = {
                **error,
                "traceback": "No Python exception: the end of what it printed is in output.",
            }
        return {**error, "output": text}

    def snapshot(self) -> list[Execution]:
        """The recorded executions, oldest first."""
        with self._lock:
            return list(self.records)

    def errors(self) -> dict[int, dict[str, Any]]:
        """Execution count -> error, for the cells that failed."""
        return {r.count: e for r in self.snapshot() if (e := self._with_output(r)) is not None}

    def last_failure(self) -> tuple[int, dict[str, Any]] | None:
        """``(execution count, error)`` of the newest run that failed, also when more
        than :data:`KEEP` runs followed it; None when no recorded run failed."""
        with self._lock:
            record = self.last_failed
        if record is None:
            return None
        error = self._with_output(record)
        return (record.count, error) if error is not None else None


# Errors of a shell command, whose news is what it printed (``%%bash``, ``%%sh``,
# ``%%script``: CalledProcessError), and the last characters of it read.
_SHELL_ERRORS = frozenset({"ShellCommandExit", "subprocess.CalledProcessError"})
OUTPUT_CHARS = 1_000


def _shown_by_a_cell(exc: BaseException) -> bool:
    """Whether ``exc`` was caught in code a cell ran: the frames that called the
    outermost one of its traceback reach IPython's ``run_code``. A thread's or an event
    loop's callback was called by the thread or the loop. Reads frames only."""
    tb = vars(BaseException)["__traceback__"].__get__(exc, BaseException)
    frame = tb.tb_frame if tb is not None else None
    steps = 0
    while frame is not None and steps < 10_000:
        code = frame.f_code
        if code.co_name == "run_code" and code.co_filename.endswith("interactiveshell.py"):
            return True
        frame = frame.f_back
        steps += 1
    return False


def _cell_id(value: object) -> str | None:
    """A notebook cell's id as Jupyter sends it, None when there is none."""
    return value if type(value) is str and value else None


def _request_cell_id(shell: Any) -> str | None:
    """The ``cellId`` of the execute request ``shell`` is running (ipykernel keeps the
    request as ``parent_header`` and passes this to ``pre_run_cell`` as ``cell_id``)."""
    try:
        metadata = (getattr(shell, "parent_header", None) or {}).get("metadata") or {}
        return _cell_id(metadata.get("cellId"))
    except Exception:
        return None


def _caught_in_a_function(exc: BaseException) -> bool:
    """Whether ``exc``'s traceback, as IPython shows it, starts in a function: the
    outermost frame past IPython's own (``%run``'s ``safe_execfile``, the formatters') is
    no module's top level nor a display method (``_repr_html_``) IPython called for the
    cell's result. The frames that rule (error_rules.IN_FUNCTION) reads in the text of a
    shown traceback. Reads frames only."""
    tb = vars(BaseException)["__traceback__"].__get__(exc, BaseException)
    steps = 0
    while tb is not None and steps < 10_000:
        code = tb.tb_frame.f_code
        if not _IPYTHON_FILE.search(code.co_filename):
            name = code.co_name
            return not (name == "<module>" or _DISPLAY_METHOD.fullmatch(name) is not None)
        tb = tb.tb_next
        steps += 1
    return False


# IPython's own modules, whose frames its tracebacks do not show (tb_offset).
_IPYTHON_FILE = re.compile(r"[/\\]IPython[/\\]")
_DISPLAY_METHOD = re.compile(r"_(?:repr_[A-Za-z_]*|ipython_display_)")


# A line that runs a shell command (``!ls``, ``files = !ls``); not ``!=``.
# At the margin only: an indented one (under an if, in a def) may not have run, and
# _exit_code would then be an earlier cell's status.
_SHELL_LINE = re.compile(r"^(?:\w+\s*=\s*)?!(?!=)", re.MULTILINE)

_logs: dict[int, ExecutionLog] = {}
_install_lock = threading.Lock()


def install(shell: Any) -> ExecutionLog | None:
    """Start recording executions of ``shell`` (once); None without IPython events."""
    if shell is None:
        return None
    with _install_lock:
        log = _logs.get(id(shell))
        if log is not None and log.shell is shell:
            return log
        events = getattr(shell, "events", None)
        if events is None:
            return None
        log = ExecutionLog(shell)
        events.register("pre_run_cell", log.pre_run_cell)
        events.register("post_run_cell", log.post_run_cell)
        _logs[id(shell)] = log
        return log


def log_for(shell: Any) -> ExecutionLog | None:
    """The log of ``shell`` if recording was started."""
    log = _logs.get(id(shell)) if shell is not None else None
    return log if log is not None and log.shell is shell else None


def last_error(shell: Any = None) -> dict[str, Any] | None:
    """The last uncaught error (``sys.last_value``), for errors from before recording.
    One shown since ``shell``'s log began was read by it (post_run_cell): a cell's is
    recorded there, and one a thread, a callback or a function showed is no cell's."""
    exc = getattr(sys, "last_value", None)
    if not isinstance(exc, BaseException):
        return None
    log = log_for(shell)
    if log is not None and exc is not log.shown_at_start:
        return None
    try:
        described = describe_error(exc, shell)
    except Exception:
        return _undescribed(exc)
    count = _run_of(exc, shell)
    return {"execution_count": count, **described} if count is not None else described


def _run_of(exc: BaseException, shell: Any) -> int | None:
    """The run whose cell ``exc`` was raised in (its traceback's outermost cell frame,
    by IPython's names of cell files), as a recorded error says it: the history read
    beside it then names which of its runs failed. Code objects only, no user code."""
    names = getattr(getattr(shell, "compile", None), "_filename_map", None)
    if not isinstance(names, dict):
        return None
    tb = vars(BaseException)["__traceback__"].__get__(exc, BaseException)
    for _ in range(1000):
        if tb is None:
            return None
        count = names.get(tb.tb_frame.f_code.co_filename)
        if type(count) is int:
            return count
        tb = tb.tb_next
    return None


def _undescribed(exc: BaseException) -> dict[str, Any]:
    """An error whose description failed: its class name alone, read through type's own
    descriptor (a metaclass's ``__getattribute__`` is the user's code)."""
    name = type.__dict__["__name__"].__get__(type(exc))
    return {"type": name if type(name) is str else "Exception", "message": "", "traceback": ""}

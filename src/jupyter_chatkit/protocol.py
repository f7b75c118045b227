"""jupyter-chatkit's own protocol, declared once: Python uses it, TypeScript gets a copy.

A leaf module (standard library only, nothing from this package) holding everything the
Python and TypeScript sides must agree on beyond ChatKit's own types (``chatkit.types``):

- :class:`RequestContext` and :data:`LOCAL_USER`, the scope of every store call;
- the client tools (:data:`CLIENT_TOOLS`): name, what the model is told, JSON schema,
  where they run and how the chat names them;
- the statuses of Agent-mode steps and MCP calls (:class:`StepStatus`), the MCP tool
  name prefix;
- widget action names (:class:`Action`);
- the ``%chat`` widget's comm message types (:class:`Comm`);
- error codes (:class:`ErrorCode`): control flow matches these, never message text.

``js/src/protocol.ts`` is rendered from :func:`protocol_dict` (``python -m
jupyter_chatkit.protocol --write``) and committed; a test fails when the two differ.
Adding a client tool: its spec here, its implementation (the kernel's in
``kernel/introspect.py``, or a notebook handler in the front end), then ``--write``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

# -- who is asking -----------------------------------------------------------------------

# The store's user scope on a single-user Jupyter server, where whoever holds the token
# or password is the server's owner (Jupyter's stock identity provider gives token users
# a random name per request, which would lose every thread). The in-kernel assistant
# uses it too, so threads started there show up in the sidebar.
LOCAL_USER = "local"


@dataclass(frozen=True)
class RequestContext:
    """Who is asking. ``user_id`` scopes every store query; nothing else does."""

    user_id: str
    # Free-form, non-secret facts from the transport (e.g. "server" or "kernel").
    origin: str = "server"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


# -- client tools ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientToolSpec:
    """One client tool: its name, what the model is told, its JSON schema, and UI words.

    ``runs_in`` says who answers it: ``"kernel"`` (any front end forwards the call to the
    notebook's kernel) or ``"notebook"`` (the front end reads or edits the notebook
    itself; the ``%chat`` widget falls back to the kernel). ``label`` / ``done_label``
    name the call while it runs and once done, ``failed_label`` once it answered
    an error (past tense, as ``done_label``), ``read_label`` names what it read in the
    answer's "Read:" line (:data:`READ_CELLS`: the cells its result lists). ``{subject}``
    in them is the ``subject_arg`` argument, or ``subject_default`` when the model did not
    give it. Empty labels: the
    front ends say "Running <name>…" / "Ran <name>" / "Failed to run <name>" / "<name>".
    """

    name: str
    description: str
    parameters: dict[str, Any]
    runs_in: Literal["kernel", "notebook"] = "notebook"
    label: str = ""
    done_label: str = ""
    failed_label: str = ""
    read_label: str = ""
    subject_arg: str = ""
    subject_default: str = ""


# A read label saying "the cells listed in the tool's result".
READ_CELLS = "{cells}"


def schema(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A tool's parameters: an object of ``properties``, no others allowed."""
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


GET_NOTEBOOK_CELLS = ClientToolSpec(
    name="get_notebook_cells",
    description=(
        "Read the cells of the user's current notebook: index, cell type, source and "
        "(bounded) outputs; errors come with the failing cell's execution count, the "
        "exception and a traceback reduced to the user's own frames. Use it before "
        "answering questions about the notebook's code or results."
    ),
    parameters=schema(
        {
            "max_cells": {
                "type": "integer",
                "minimum": 1,
                "maximum": 200,
                "description": "At most this many cells, the ones nearest the active cell "
                "(or the cell named by around).",
            },
            "around": {
                "type": "integer",
                "minimum": 0,
                "description": "Centre on the cell with this 0-based index (a cell's index "
                "in this tool's answer) instead of the active cell, to read far-off cells. "
                "Cells read from the kernel's execution history have no index: there it is "
                "an execution_count, and the answer centres on that run.",
            },
            "include_outputs": {
                "type": "boolean",
                "description": "Include bounded text of each cell's outputs.",
            },
        }
    ),
    runs_in="notebook",
    label="Reading the notebook cells…",
    done_label="Read the notebook cells",
    failed_label="Failed to read the notebook cells",
    read_label=READ_CELLS,
)

# get_notebook_cells' omitted_note, in both readers: {cells} is the index ranges left out
# ("cells 0-49 and 250-499"), as omittedRanges (cells.ts) and omitted_ranges write them.
OMITTED_CELLS_NOTE = (
    "Not shown: {cells}. To read them, ask again with around=<index> (the 0-based index "
    "of a cell to centre on) and include_outputs=false."
)

GET_ACTIVE_CELL = ClientToolSpec(
    name="get_active_cell",
    description=(
        "Read the cell the user is working on: the active cell in JupyterLab, or from an "
        "in-notebook chat the cell before the chat cell. Its source, outputs, error and "
        "selected text."
    ),
    parameters=schema({}),
    runs_in="notebook",
    label="Reading the active cell…",
    done_label="Read the active cell",
    failed_label="Failed to read the active cell",
    read_label=READ_CELLS,
)

LIST_KERNEL_VARIABLES = ClientToolSpec(
    name="list_kernel_variables",
    description=(
        "List the variables in the user's running kernel with type, shape, dtypes or "
        "columns for arrays and DataFrames, and a short bounded preview. Many similar "
        "variables (seg_1 … seg_75) are grouped; large listings are compact."
    ),
    parameters=schema(
        {
            "name_filter": {
                "type": "string",
                "description": "Only names containing this text (case-insensitive).",
            },
            "max_items": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "description": "At most this many variables.",
            },
        }
    ),
    runs_in="kernel",
    label="Reading kernel variables…",
    done_label="Read the kernel variables",
    failed_label="Failed to read the kernel variables",
    read_label="variables",
)

INSPECT_KERNEL_VARIABLE = ClientToolSpec(
    name="inspect_kernel_variable",
    description=(
        "Inspect one variable in the user's kernel in detail: type, shape, dtypes, "
        "columns with dtypes and null counts for DataFrames, head rows, statistics, "
        "model parameters and pipeline steps."
    ),
    parameters=schema(
        {"name": {"type": "string", "description": "The variable's name, e.g. df."}},
        ["name"],
    ),
    runs_in="kernel",
    label="Inspecting {subject}…",
    done_label="Inspected {subject}",
    failed_label="Failed to inspect {subject}",
    read_label="{subject}",
    subject_arg="name",
    subject_default="a variable",
)

CLIENT_TOOLS: tuple[ClientToolSpec, ...] = (
    GET_NOTEBOOK_CELLS,
    GET_ACTIVE_CELL,
    LIST_KERNEL_VARIABLES,
    INSPECT_KERNEL_VARIABLE,
)
CLIENT_TOOL_NAMES: frozenset[str] = frozenset(t.name for t in CLIENT_TOOLS)

# Agent mode's client tools (issue 13): they change the notebook, so the front end shows
# each call as a card and carries it out only after the person approves it; a skipped
# step answers {"status": "skipped"}, one stopped by Stop {"status": "stopped"}.
INSERT_CELL = ClientToolSpec(
    name="insert_cell",
    description=(
        "Agent mode: insert a new cell into the user's notebook. The user approves or "
        "skips it first. Returns the new cell's index, or that the user skipped it."
    ),
    parameters=schema(
        {
            "source": {"type": "string", "description": "The complete cell source."},
            "cell_type": {
                "type": "string",
                "enum": ["code", "markdown"],
                "description": "code (default) or markdown.",
            },
            "after": {
                "type": "integer",
                "minimum": -1,
                "description": "Insert after the cell with this 0-based index (-1: at the "
                "top). Default: after the active cell.",
            },
        },
        ["source"],
    ),
    label="Insert a cell",
    done_label="Inserted a cell",
    failed_label="Failed to insert a cell",
)

EDIT_CELL = ClientToolSpec(
    name="edit_cell",
    description=(
        "Agent mode: replace the source of cell `index` (0-based) with `new_source`. The "
        "user sees the diff and approves or skips it first."
    ),
    parameters=schema(
        {
            "index": {"type": "integer", "minimum": 0, "description": "0-based cell index."},
            "new_source": {"type": "string", "description": "The cell's complete new source."},
        },
        ["index", "new_source"],
    ),
    label="Edit a cell",
    done_label="Edited a cell",
    failed_label="Failed to edit a cell",
)

RUN_CELL = ClientToolSpec(
    name="run_cell",
    description=(
        "Agent mode: run code cell `index` (0-based) in the user's kernel after the user "
        "approves, and return its outputs and error (bounded, traceback reduced)."
    ),
    parameters=schema(
        {"index": {"type": "integer", "minimum": 0, "description": "0-based cell index."}},
        ["index"],
    ),
    label="Run a cell",
    done_label="Ran a cell",
    failed_label="Failed to run a cell",
)

AGENT_TOOLS: tuple[ClientToolSpec, ...] = (INSERT_CELL, EDIT_CELL, RUN_CELL)
AGENT_TOOL_NAMES: frozenset[str] = frozenset(t.name for t in AGENT_TOOLS)

# MCP tools reach the model (and the front end's approval cards) as mcp__<server>__<tool>.
MCP_TOOL_PREFIX = "mcp__"


class StepStatus:
    """The ``status`` of an Agent-mode step's or MCP call's output.

    The front end answers a step with ``APPLIED`` / ``OK`` / ``ERROR`` (done), ``SKIPPED``
    (the person declined it), ``STOPPED`` (Stop) or, for an MCP call, ``APPROVED``; the
    server settles an MCP call as ``DONE``, ``FAILED`` or ``DECLINED`` (no approval card
    could be shown). ``NOT_RUN``: a call the server refused without running it (a second
    call in one model response, while the first waits for the front end).
    """

    APPROVED = "approved"
    APPLIED = "applied"
    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"
    STOPPED = "stopped"
    DONE = "done"
    FAILED = "failed"
    DECLINED = "declined"
    NOT_RUN = "not_run"
    # A step a page began carrying out (Turn.STEP_STARTED) whose result never came (the
    # page was reloaded or closed meanwhile): the person chose not to carry it out again,
    # so the model is told it ran with an unknown result (what the cell shows now, if read).
    UNKNOWN = "unknown"


# The key of an applied insert's or edit's output that holds what Undo needs, for the
# front end only (the model never reads it): {"cell_id": str} and, for an edit, the
# cell's previous source {"before": str}. A source longer than MAX_UNDO_SOURCE_CHARS, or
# one the context policy would redact (it held a secret), is not kept: the record says
# why ({"withheld": "too_long" | "secret"}) and Undo leaves that edit alone.
STEP_UNDO_KEY = "undo"
MAX_UNDO_SOURCE_CHARS = 20_000
# The key the server sets (true) in the output of a step that Undo reverted.
STEP_UNDONE_KEY = "undone"

# Largest tool output we accept back from a client, in bytes of JSON. What the model gets
# is cut further, to 16k characters (jupyter_chatkit.context_policy.MAX_RESULT_CHARS).
MAX_TOOL_OUTPUT_BYTES = 64_000


def tool_label(spec: ClientToolSpec, template: str, args: dict[str, Any] | None) -> str:
    """``template`` (one of the spec's labels) with ``{subject}`` filled from ``args``."""
    if not template:
        return f"Running {spec.name}…"
    value = (args or {}).get(spec.subject_arg) if spec.subject_arg else None
    subject = value if isinstance(value, str) and value else spec.subject_default
    return template.replace("{subject}", subject)


# -- widget actions ----------------------------------------------------------------------


class Action:
    """Widget action types (``ActionConfig.type``) and custom actions we handle."""

    # A code card's buttons; payload {"code": str, "position": "below" | "above"}.
    INSERT_CELL = "notebook.insert_cell"
    INSERT_AND_RUN_CELL = "notebook.insert_and_run_cell"
    # Handled by the front end alone (handler "client"); payload {"code": str}.
    COPY_CODE = "code.copy"
    # No widget item: replace one of the user's messages and answer again;
    # payload {"item_id": str, "text": str}.
    EDIT_MESSAGE = "message.edit"
    # No widget item: "Undo agent changes" reverted these Agent steps (applied insert_cell
    # and edit_cell calls of the thread); payload {"item_ids": [str, ...]}. The server
    # marks their stored outputs undone (STEP_UNDONE_KEY), so a reopened thread says so.
    UNDO_AGENT_STEPS = "agent.undo"


ACTION_INSERT_CELL = Action.INSERT_CELL
ACTION_INSERT_AND_RUN_CELL = Action.INSERT_AND_RUN_CELL
INSERT_ACTIONS: frozenset[str] = frozenset({Action.INSERT_CELL, Action.INSERT_AND_RUN_CELL})


# -- the %chat widget's comm -------------------------------------------------------------


class Comm:
    """Types of the anywidget custom messages between the ``%chat`` widget and its kernel.

    front end -> kernel: ``{type: REQUEST, id, body}`` (a ChatKit request object),
    ``{type: CANCEL, id}`` (the front end stops listening to that request: the turn runs
    on and is saved, as over HTTP; only a ``Turn.STOP`` request stops it; a
    ``Turn.WATCH`` request, which only follows a turn, ends), ``{type: CONFIG, id}``
    (what answers this chat), and for information ``{type: ANSWER, thread_id, text}``.
    kernel -> front end: ``{type: CHUNK, id, data}``, ``{type: END, id, status,
    contentType}``, ``{type: ERROR, id, message}``, ``{type: CONFIG, id, offline}``
    (``offline``: the built-in offline model answers; nothing else of the settings),
    and ``{type: THREAD_EVENT, data}`` (one ChatKit stream event as JSON, for turns
    run from Python).
    Client tools use anywidget's command protocol instead: ``RUN_TOOL`` with
    ``{name, args}``, answered with the tool's result.
    """

    REQUEST = "chatkit.request"
    CANCEL = "chatkit.cancel"
    ANSWER = "chat.answer"
    CHUNK = "chatkit.chunk"
    END = "chatkit.end"
    ERROR = "chatkit.error"
    THREAD_EVENT = "thread.event"
    CONFIG = "chat.config"
    RUN_TOOL = "run_tool"


# The ``%chat`` widget's outputs carry this (next to ipywidgets' view, which front ends
# prefer): a notebook opened later (the server or the kernel restarted) tells its own
# output apart from other widgets', whose model is gone with its kernel, and says how to
# get the chat back instead of ipywidgets' "model not found".
CHAT_VIEW_MIME = "application/vnd.jupyter-chatkit.chat-view+json"


# -- a turn outliving its client --------------------------------------------------------


class Turn:
    """Requests of our own next to ChatKit's, on the same endpoint (``{type, params}``).

    A turn goes on when its client goes away (a reload, a closed tab, a lost network):
    only an explicit Stop stops it.

    - ``STOP`` ``{thread_id}``: stop the turn running in one of the user's threads; JSON
      ``{"stopped": bool}`` (False: none was running).
    - ``WATCH`` ``{thread_id}``: follow the turn running in the thread, from its start:
      a stream of its events (no ``thread.created``, no client effects), ending with it;
      empty when none runs. A thread whose turn runs says ``"answering": true`` in its
      metadata (``threads.get_by_id``).
    - ``STEP_STARTED`` ``{thread_id, item_id, page, again?}``: a page begins carrying out
      the Agent step the thread waits for (its pending ``client_tool_call``), before it
      touches the notebook; ``page`` names that page (a random id). JSON ``{"started":
      true}``, or ``{"started": false, "reason": "answered" | "elsewhere"}``: the step is
      no longer waiting (another page sent its result), or another page began it (only
      ``again``, a person's explicit click, carries it out once more). A thread whose
      pending step was begun says so in its metadata (:data:`STEP_STARTED_KEY`).
    - ``CHANGES`` ``{thread_ids, since?, now?}``: wait (a bounded long-poll) until a turn
      of the user's begins or ends in one of ``thread_ids`` in this server process after
      ``since`` (the ``since`` of the previous answer); JSON ``{"since": str, "changed":
      [{"thread_id", "answering": bool, "last_item_id": str | null, "step_started": str
      | null}]}``, ``changed`` empty when nothing changed in time (``step_started``: the
      Agent step a page began there, :data:`STEP_STARTED_KEY`; a ``STEP_STARTED`` wakes
      the waits too). ``now``: answer at once, every thread listed (a page shown again
      catches up with another process's turns from the store).
    - ``WARM`` ``{}``: a person is writing a message: the model's connection to its
      provider is opened again, in the background, if it may be gone; JSON ``{"warming":
      bool}`` at once (assistant/provider_warm.py).
    """

    STOP = "turn.stop"
    WATCH = "turn.watch"
    STEP_STARTED = "turn.step_started"
    CHANGES = "turn.changes"
    WARM = "turn.warm"


# A thread's metadata key (``threads.get_by_id``) naming the item id of the Agent step a
# page began carrying out (Turn.STEP_STARTED): a page reloaded before it sent that step's
# result finds it still pending and knows it ran, or may still be running elsewhere.
STEP_STARTED_KEY = "step_started"


# The icon of a stream's ``progress_update`` that says the store waits for another
# process's lock: a kernel's Python client tells it from a tool's progress ("Using …") by
# it, not by its words (a kernel asking its server never loads the store to know it).
LOCK_WAIT_ICON = "clock"


# The button the JupyterLab sidebar adds to a code card (its own, not the server's card):
# a request whose front end shows it says so ({"front_end": {"card_buttons": [...]}}), and
# what the model and the offline model say of a card then name it too (cards.py).
REPLACE_CELL_LABEL = "Replace cell"
# Buttons a front end adds to the server's code card, by label: named only when the
# running turn's front end says it shows them (agent_tools.host_card_buttons).
HOST_CARD_BUTTONS: tuple[str, ...] = (REPLACE_CELL_LABEL,)

# A thread's metadata key holding why its last turn failed, so a reload or another window
# says so too: ``{"error": ErrorEvent (ChatKit's, its message scrubbed), "after": the id
# of the thread's last visible item when it failed}``. Shown while the thread still ends
# there and no turn runs; the next turn that adds an item moves it to
# EARLIER_FAILURES_KEY.
TURN_FAILURE_KEY = "turn_failure"
# A thread's metadata key holding its earlier turns' failures, newest last, in the form
# of TURN_FAILURE_KEY (at most MAX_EARLIER_FAILURES, message cut): the history still
# says which message failed and why, once a later turn answered. Sent with the thread's
# items (threads.get_by_id), not in threads.list.
EARLIER_FAILURES_KEY = "earlier_turn_failures"
MAX_EARLIER_FAILURES = 20
# A thread's metadata key holding the notices its turns streamed (ChatKit's NoticeEvent
# form: an attachment read in part, an MCP server left out), oldest first, each once, the
# newest MAX_TURN_NOTICES: a reload or another window shows them as the stream did. Sent
# with the thread's items (threads.get_by_id), not in threads.list; never to the model.
TURN_NOTICES_KEY = "turn_notices"
MAX_TURN_NOTICES = 20

# -- errors ------------------------------------------------------------------------------


class ErrorCode:
    """The ``code`` of our JSON error bodies ``{"message", "code"}``.

    Streamed errors stay ChatKit ``ErrorEvent`` s, whose ``code`` ChatKit restricts to its
    own values; a client that must tell a missing thread from other failures asks
    ``threads.get_by_id``, answered with :attr:`NOT_FOUND` when it is gone.
    """

    # The request does not match the protocol, or is refused (400).
    INVALID_REQUEST = "invalid_request"
    # No such thread, item or attachment for this user (404).
    NOT_FOUND = "not_found"
    # Something the request needs cannot be reached: the conversation store, or the
    # kernel's Jupyter server (503).
    UNAVAILABLE = "unavailable"
    # Not signed in, or not allowed (401, 403).
    FORBIDDEN = "forbidden"
    # Anything else (500); the log has the exception type.
    INTERNAL = "internal_error"


def error_code_for(status: int) -> str:
    """The :class:`ErrorCode` of an HTTP-like status, for an error that names none."""
    if status == 404:
        return ErrorCode.NOT_FOUND
    if status in (401, 403):
        return ErrorCode.FORBIDDEN
    if status == 503:
        return ErrorCode.UNAVAILABLE
    return ErrorCode.INVALID_REQUEST if 400 <= status < 500 else ErrorCode.INTERNAL


# -- the TypeScript copy -----------------------------------------------------------------

# In a source checkout (the generator is not useful in an installed package).
TS_PATH = Path(__file__).resolve().parents[2] / "js" / "src" / "protocol.ts"


def _constants(cls: type) -> dict[str, str]:
    return {k: v for k, v in vars(cls).items() if k.isupper() and isinstance(v, str)}


def protocol_dict() -> dict[str, Any]:
    """Everything the TypeScript side reads, as plain JSON data."""
    return {
        "LOCAL_USER": LOCAL_USER,
        "READ_CELLS": READ_CELLS,
        "OMITTED_CELLS_NOTE": OMITTED_CELLS_NOTE,
        "CLIENT_TOOLS": [asdict(t) for t in CLIENT_TOOLS],
        "AGENT_TOOLS": [asdict(t) for t in AGENT_TOOLS],
        "MAX_TOOL_OUTPUT_BYTES": MAX_TOOL_OUTPUT_BYTES,
        "MCP_TOOL_PREFIX": MCP_TOOL_PREFIX,
        "STEP_UNDO_KEY": STEP_UNDO_KEY,
        "MAX_UNDO_SOURCE_CHARS": MAX_UNDO_SOURCE_CHARS,
        "STEP_UNDONE_KEY": STEP_UNDONE_KEY,
        "STEP_STATUS": _constants(StepStatus),
        "ACTION": _constants(Action),
        "INSERT_ACTIONS": sorted(INSERT_ACTIONS),
        "COMM": _constants(Comm),
        "CHAT_VIEW_MIME": CHAT_VIEW_MIME,
        "TURN": _constants(Turn),
        "STEP_STARTED_KEY": STEP_STARTED_KEY,
        "TURN_FAILURE_KEY": TURN_FAILURE_KEY,
        "EARLIER_FAILURES_KEY": EARLIER_FAILURES_KEY,
        "TURN_NOTICES_KEY": TURN_NOTICES_KEY,
        "REPLACE_CELL_LABEL": REPLACE_CELL_LABEL,
        "ERROR_CODE": _constants(ErrorCode),
    }


def render_typescript() -> str:
    """The TypeScript module holding a copy of the protocol."""
    lines = [
        "// Generated from src/jupyter_chatkit/protocol.py: do not edit.",
        "// Regenerate: python -m jupyter_chatkit.protocol --write",
    ]
    for name, value in protocol_dict().items():
        body = json.dumps(value, indent=2, ensure_ascii=False)
        lines.append(f"export const {name} = {body} as const;")
    return "\n".join(lines) + "\n"


def render_table(const: str, table: object, module: str, *, ascii_only: bool = True) -> str:
    """A generated TypeScript module exporting ``table`` as ``const``: the copy of a table
    of Python module ``module`` (dotted, as ``python -m`` runs it), with what regenerates it.
    ``ascii_only``: non-ASCII characters written as ``\\u`` escapes."""
    body = json.dumps(table, indent=2, ensure_ascii=ascii_only)
    source = "src/" + module.replace(".", "/") + ".py"
    return (
        f"// Generated from {source}: do not edit.\n"
        f"// Regenerate: python -m {module} --write\n"
        f"export const {const} = {body} as const;\n"
    )


def write_or_print(text: str, path: Path, argv: list[str]) -> None:
    """A generator's command line: write ``text`` to ``path`` with ``--write``, else print it.

    Shared by the generators of TypeScript copies (this module, :func:`render_table`'s).
    """
    if "--write" in argv:
        path.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    write_or_print(render_typescript(), TS_PATH, sys.argv[1:])

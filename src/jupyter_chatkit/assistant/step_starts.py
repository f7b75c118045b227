"""Agent steps a page began carrying out (``Turn.STEP_STARTED``).

A page carries out an approved step (insert, edit, run a cell) and then sends its
result. Reloaded or closed in between, the result never comes: the thread still waits
for it, and the next page to open the thread is asked the step again. Without a word
from the first page, that page could only say the step "may" have run. So a page tells
the server before it touches the notebook; the thread keeps which pending step was
begun, and by which page (:data:`~jupyter_chatkit.protocol.STEP_STARTED_KEY`, one entry
per thread, overwritten by the next step: bounded), and says so when it is opened.

A second page (another tab) asked the same step is refused when it begins it too,
unless a person asked to carry it out again (``again``): one approval, one run.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import TYPE_CHECKING, Any

from chatkit.store import NotFoundError
from chatkit.types import (
    ClientToolCallItem,
    HiddenContextItem,
    SDKHiddenContextItem,
    ThreadItem,
    ThreadMetadata,
)

from ..protocol import AGENT_TOOL_NAMES, STEP_STARTED_KEY, ErrorCode, Turn
from ..store.thread_changes import ThreadChange
from .results import JsonResult

if TYPE_CHECKING:
    from ..protocol import RequestContext
    from .server import NotebookAssistant

# A page's id: what the front end makes (a random id), never anything longer.
_PAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Item ids are the store's (short); anything longer names no item.
MAX_ITEM_ID_CHARS = 200
# Items only the model reads (never shown), and how many of the newest items are read at
# once to find the last one shown.
_HIDDEN = (HiddenContextItem, SDKHiddenContextItem)
_PAGE_ITEMS = 20


def started_step(metadata: Any) -> str | None:
    """The item id of the step a page began, as a thread's metadata keeps it, or None."""
    entry = metadata.get(STEP_STARTED_KEY) if isinstance(metadata, dict) else None
    item_id = entry.get("item_id") if isinstance(entry, dict) else None
    return item_id if isinstance(item_id, str) else None


def _params(params: Any) -> tuple[str, str, str, bool] | str:
    """``(thread_id, item_id, page, again)`` of a request, or what is wrong with it."""
    if not isinstance(params, dict):
        return f"{Turn.STEP_STARTED} needs params {{thread_id, item_id, page}}."
    thread_id, item_id, page = params.get("thread_id"), params.get("item_id"), params.get("page")
    again = params.get("again", False)
    if not isinstance(thread_id, str) or not thread_id:
        return f"{Turn.STEP_STARTED} needs params.thread_id, the id of a conversation."
    if not isinstance(item_id, str) or not item_id or len(item_id) > MAX_ITEM_ID_CHARS:
        return f"{Turn.STEP_STARTED} needs params.item_id, the id of the step."
    if not isinstance(page, str) or not _PAGE_ID.fullmatch(page):
        return f"{Turn.STEP_STARTED} needs params.page: 1-64 letters, digits, '-' or '_'."
    if not isinstance(again, bool):
        return f"{Turn.STEP_STARTED}'s params.again is true or false."
    return thread_id, item_id, page, again


def _begin(item_id: str, page: str, again: bool, refused: list[bool]) -> ThreadChange:
    """The thread change recording that ``page`` began step ``item_id`` (none when that
    is already recorded: idempotent; refused when another page began it first)."""

    def change(thread: ThreadMetadata) -> bool:
        entry = thread.metadata.get(STEP_STARTED_KEY)
        if isinstance(entry, dict) and entry.get("item_id") == item_id:
            if entry.get("page") == page:
                return False
            if not again:
                refused.append(True)
                return False
        thread.metadata = {**thread.metadata, STEP_STARTED_KEY: {"item_id": item_id, "page": page}}
        return True

    return change


async def answer_step_started(
    server: NotebookAssistant, params: Any, context: RequestContext
) -> JsonResult:
    """Answer a ``Turn.STEP_STARTED`` request of the user's (their own threads only)."""
    parsed = _params(params)
    if isinstance(parsed, str):
        return JsonResult.error(400, parsed)
    thread_id, item_id, page, again = parsed
    refused: list[bool] = []
    try:
        # The thread's last item is the step it waits for, or the step was answered.
        item = await _last_shown(server, thread_id, context)
        if not (
            isinstance(item, ClientToolCallItem) and item.id == item_id and item.status == "pending"
        ):
            # (Read only here: someone else's thread is no conversation of theirs.)
            await server.store.load_thread(thread_id, context)
            return _answer(False, "answered")
        if item.name not in AGENT_TOOL_NAMES:
            return JsonResult.error(400, f"{item_id} is no notebook step.")
        await server.sql_store.change_thread(
            thread_id, _begin(item_id, page, again, refused), context
        )
    except NotFoundError:
        # (Another failure of the store is answered by answers.py, as any of our requests'.)
        return JsonResult.error(404, "No such conversation.", ErrorCode.NOT_FOUND)
    if refused:
        return _answer(False, "elsewhere")
    # Pages showing the thread elsewhere (``Turn.CHANGES``) hear of it: a card waiting
    # there for this step says it was begun, without a click (turn_changes.py).
    server.running.changes.changed(context.user_id, thread_id)
    return _answer(True)


async def _last_shown(
    server: NotebookAssistant, thread_id: str, context: RequestContext
) -> ThreadItem | None:
    """The thread's newest item a page shows: hidden items after it are skipped (ChatKit
    notes a Stop with one, after a step that arrived as Stop was pressed and still waits)."""
    after: str | None = None
    while True:
        page = await server.store.load_thread_items(thread_id, after, _PAGE_ITEMS, "desc", context)
        item = next((i for i in page.data if not isinstance(i, _HIDDEN)), None)
        if item is not None or not page.has_more or page.after is None:
            return item
        after = page.after


def _answer(started: bool, reason: str | None = None) -> JsonResult:
    body: dict[str, Any] = {"started": started}
    if reason is not None:
        body["reason"] = reason
    return JsonResult(200, json.dumps(body).encode())


async def uncover_pending_step(
    server: NotebookAssistant, thread_id: str, context: RequestContext
) -> None:
    """Before a step's result is stored: drop the hidden items after the step the thread
    waits for.

    Stop pressed as a step arrived leaves ChatKit's note of the Stop after it, and ChatKit
    stores a result only for a pending call that is the thread's newest item: the step's
    result (Stopped, or its outcome once approved) was refused, and the step waited for
    ever. The result answers the step the note was about; nothing else is touched.
    """
    # Most often the step is the newest item: one item read.
    newest = await server.store.load_thread_items(thread_id, None, 1, "desc", context)
    if not (newest.data and isinstance(newest.data[0], _HIDDEN)):
        return
    page = await server.store.load_thread_items(thread_id, None, _PAGE_ITEMS, "desc", context)
    hidden = list(itertools.takewhile(lambda i: isinstance(i, _HIDDEN), page.data))
    step = page.data[len(hidden)] if len(hidden) < len(page.data) else None
    if hidden and isinstance(step, ClientToolCallItem) and step.status == "pending":
        for item in hidden:
            await server.store.delete_thread_item(thread_id, item.id, context)

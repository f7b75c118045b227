"""Threads and the notebooks they belong to (``ThreadMetadata.metadata["notebook"]``).

``threads.list`` answers name each thread's notebook (``notebook``, a path under the
server's root; nothing else of the metadata leaves the server), and a ``threads.list``
whose request metadata names a notebook lists only that notebook's threads: an index
range of the store's ``threads.notebook`` column, keyset-paged like any thread list. A
new thread's notebook comes from ``threads.create``'s request metadata (turn_streams.py);
renames reach the store from the front end (``threads.update`` with
``previous_notebook``) and from the server's contents events (serverext/renames.py). A
``threads.update`` naming a ``notebook`` without ``previous_notebook`` ties a thread that
belongs to no notebook to it (the sidebar's conversation started with no notebook
attached, taken up by the next notebook attached); a thread of a notebook keeps its own.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from chatkit.store import Store
from chatkit.types import Page, ThreadMetadata, ThreadsListReq, ThreadsUpdateReq

from ..protocol import RequestContext
from ..store import SQLStore
from ..store.notebooks import NOTEBOOK_PATH_RULE, notebook_path

log = logging.getLogger("jupyter_chatkit")

DEFAULT_LIMIT = 20


def notebook_of(thread: ThreadMetadata) -> str | None:
    """The notebook a thread belongs to, if it was started from one."""
    value = thread.metadata.get("notebook") if isinstance(thread.metadata, dict) else None
    return value if isinstance(value, str) and value else None


def notebook_to_record(metadata: Any) -> str | None:
    """The notebook a new thread's request names (``metadata.notebook``), if a thread can
    belong to it; a path breaking the store's rule is ignored with a log line saying why
    (the conversation itself is kept, only not tied to the notebook)."""
    value = metadata.get("notebook") if isinstance(metadata, dict) else None
    if value is None or value == "":
        return None
    path = notebook_path(value)
    if path is None:
        log.warning(
            "jupyter-chatkit: a conversation is not tied to its notebook: %s", NOTEBOOK_PATH_RULE
        )
    return path


async def record_notebook(
    store: SQLStore, thread_id: str, notebook: str | None, context: RequestContext
) -> None:
    """A new thread belongs to the notebook its request names (``metadata.notebook``).

    Saved once the first turn is done, so ChatKit's own saves of the thread during the
    turn cannot overwrite it (a stopped first turn: see turn_streams.keep_stopped_turn).
    """
    if notebook is None:
        return

    def tie(thread: ThreadMetadata) -> bool:
        # Only the notebook, into the thread as stored now: a title saved since stays.
        thread.metadata = {**thread.metadata, "notebook": notebook}
        return True

    await store.change_thread(thread_id, tie, context)


def requested_notebook(request: ThreadsListReq | ThreadsUpdateReq) -> str | None:
    """The notebook a request names (its ``metadata.notebook``).

    A path no thread can belong to (the store's ``NOTEBOOK_PATH_RULE``) is returned as
    it is: the store lists no threads for it and moves none to it.
    """
    value = request.metadata.get("notebook") if isinstance(request.metadata, dict) else None
    return value if isinstance(value, str) and value else None


def _sql(store: Store[RequestContext]) -> SQLStore:
    # The assistant always runs on our SQL store; the filter and the move are SQL.
    if not isinstance(store, SQLStore):
        raise TypeError("threads per notebook need jupyter-chatkit's SQL store")
    return store


async def move_notebook(
    store: Store[RequestContext], old: str, new: str, context: RequestContext
) -> int:
    """A notebook (or folder) was renamed or moved in this user's front end: their threads
    of it made through this server follow, and their threads recorded without a server."""
    user = context.user_id
    return await _sql(store).move_notebook(old, new, owners=[user], user=user)


async def adopt_notebook(
    store: Store[RequestContext], thread_id: str, notebook: str, context: RequestContext
) -> bool:
    """A thread with no notebook was taken up by ``notebook`` in this user's front end
    (started in the sidebar while no notebook was attached): it belongs to that notebook
    now, listed under it in every browser. A thread of another notebook stays its."""
    return await _sql(store).adopt_notebook(thread_id, notebook, context)


def add_notebooks(body: bytes, threads: list[ThreadMetadata]) -> bytes:
    """ChatKit's serialized page of ``threads`` with each thread's ``notebook`` added."""
    page = json.loads(body)
    notebooks = {t.id: notebook_of(t) for t in threads}
    for entry in page.get("data", []):
        notebook = notebooks.get(entry.get("id"))
        if notebook:
            entry["notebook"] = notebook
    return json.dumps(page).encode()


async def load_page(
    store: Store[RequestContext], request: ThreadsListReq, context: RequestContext
) -> Page[ThreadMetadata]:
    """The page ``threads.list`` asks for; only one notebook's threads if it names one."""
    params = request.params
    limit = params.limit or DEFAULT_LIMIT
    return await _sql(store).load_threads(
        limit, params.after, params.order, context, notebook=requested_notebook(request)
    )


async def update_notebook(
    store: Store[RequestContext], request: ThreadsUpdateReq, context: RequestContext
) -> ThreadMetadata:
    """``threads.update`` naming a notebook: the thread's notebook changes, its title
    stays the stored one; the thread as stored after.

    ``{"notebook": new, "previous_notebook": old}``: the notebook was renamed, its
    threads follow. ``{"notebook": path}`` alone: a thread of no notebook taken up by
    one. The request's title is the one its client read a moment before (ChatKit's
    update needs one): written back, it undid a model title saved in between.
    """
    thread_id = request.params.thread_id
    # The user's own thread, or NotFoundError (404) as for any update.
    await store.load_thread(thread_id, context)
    new = requested_notebook(request)
    old = request.metadata.get("previous_notebook")
    if new and isinstance(old, str) and old and old != new:
        await move_notebook(store, old, new, context)
    elif new and old is None:
        await adopt_notebook(store, thread_id, new, context)
    return await store.load_thread(thread_id, context)

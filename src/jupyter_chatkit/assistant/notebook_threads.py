"""Threads and the notebooks they belong to (``ThreadMetadata.metadata["notebook"]``).

``threads.list`` answers name each thread's notebook (``notebook``, a path under the
server's root; nothing else of the metadata leaves the server), and a ``threads.list``
whose request metadata names a notebook lists only that notebook's threads. A new
thread's notebook comes from ``threads.create``'s request metadata (server.py).

The filter scans the user's threads newest first, at most :data:`MAX_SCANNED` per
request; a page may hold fewer than ``limit`` threads and its ``after`` cursor is the
last thread scanned, so paging stays correct.
"""

from __future__ import annotations

import json

from chatkit.store import Store
from chatkit.types import Page, ThreadMetadata, ThreadsListReq, ThreadsUpdateReq

from .context import RequestContext

# How many threads one filtered request reads at most (a user rarely has more).
MAX_SCANNED = 1000
_BATCH = 100
DEFAULT_LIMIT = 20


def notebook_of(thread: ThreadMetadata) -> str | None:
    """The notebook a thread belongs to, if it was started from one."""
    value = thread.metadata.get("notebook") if isinstance(thread.metadata, dict) else None
    return value if isinstance(value, str) and value else None


def requested_notebook(request: ThreadsListReq | ThreadsUpdateReq) -> str | None:
    """The notebook a request names (its ``metadata.notebook``)."""
    value = request.metadata.get("notebook") if isinstance(request.metadata, dict) else None
    return value if isinstance(value, str) and value and len(value) <= 4096 else None


async def move_notebook(
    store: Store[RequestContext], old: str, new: str, context: RequestContext
) -> int:
    """A notebook was renamed or moved: its threads (the newest 1,000 scanned) follow."""
    moved = 0
    after: str | None = None
    scanned = 0
    has_more = True
    while has_more and scanned < MAX_SCANNED:
        page = await store.load_threads(_BATCH, after, "desc", context)
        has_more = page.has_more
        for thread in page.data:
            scanned += 1
            after = thread.id
            if notebook_of(thread) == old:
                thread.metadata = {**thread.metadata, "notebook": new}
                await store.save_thread(thread, context)
                moved += 1
    return moved


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
    wanted = requested_notebook(request)
    if wanted is None:
        return await store.load_threads(limit, params.after, params.order, context)
    found: list[ThreadMetadata] = []
    after = params.after
    scanned = 0
    has_more = True
    while has_more and len(found) < limit and scanned < MAX_SCANNED:
        page = await store.load_threads(_BATCH, after, params.order, context)
        has_more = page.has_more
        for index, thread in enumerate(page.data):
            scanned += 1
            after = thread.id
            if notebook_of(thread) == wanted:
                found.append(thread)
                if len(found) == limit:
                    # The next page starts after this thread.
                    has_more = has_more or index < len(page.data) - 1
                    break
    return Page(data=found, has_more=has_more, after=after if has_more else None)

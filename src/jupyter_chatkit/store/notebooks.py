"""The notebook each thread belongs to, as the indexed ``threads.notebook`` column.

A thread's notebook is its metadata's ``"notebook"`` (a path under the Jupyter server's
root, see :mod:`jupyter_chatkit.assistant.notebook_threads`). The store keeps a copy in
an indexed column so that one notebook's threads are a keyset range, at any depth, and
so that a renamed notebook or folder re-points its threads with one indexed query.

Once recorded, the column is the thread's notebook: loading a thread puts it into the
metadata, and saving a thread never changes it (only :func:`move_notebook` does), so a
copy ChatKit loaded before a rename and saves after it cannot undo the rename.

A moved thread's agent steps name the notebook they acted on (their output's
``"notebook"``, read by "Undo agent changes" in a later page): those naming the renamed
path move with it, in the same transaction, so Undo after a reload still finds them.

Each thread also records the server it was made through (``threads.server``, see
:attr:`.sql.SQLStore.server_id`): a path is relative to one server's root, so a rename
on a server moves only the threads made through it, and the threads recorded before
servers were (``NULL``) of that server's owners. Another user's thread about their own
``a.ipynb`` on their own server never follows.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from chatkit.types import ThreadMetadata
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.engine import Connection

from .schema import items, threads

MAX_NOTEBOOK_BYTES = 1024
"""Longest notebook path a thread can belong to (UTF-8 bytes): a PostgreSQL btree entry
must stay under ~2.7 kB. The one limit: a longer path is never recorded, listed or moved
to (see :func:`notebook_path`)."""

NOTEBOOK_PATH_RULE = f"a notebook path is at most {MAX_NOTEBOOK_BYTES} bytes (UTF-8), without NUL"
"""Why :func:`notebook_path` refused a path, for messages and logs."""


def notebook_path(value: Any) -> str | None:
    """``value`` if it is a path a thread can belong to, else ``None``
    (see :data:`NOTEBOOK_PATH_RULE`)."""
    if not isinstance(value, str) or not value or "\x00" in value:
        return None
    return value if len(value.encode()) <= MAX_NOTEBOOK_BYTES else None


def notebook_column(thread: ThreadMetadata) -> str | None:
    """The column value for ``thread``: its notebook path, or ``None``."""
    meta = thread.metadata if isinstance(thread.metadata, dict) else {}
    return notebook_path(meta.get("notebook"))


def moved_path(path: str, old: str, new: str) -> str | None:
    """Where ``path`` is after ``old`` (a file or a folder) moved to ``new``; ``None``
    when the move does not concern it."""
    if path == old:
        return new
    if path.startswith(old + "/"):
        return new + path[len(old) :]
    return None


def _with_notebook(payload: str, notebook: str) -> str:
    """The stored thread JSON with its metadata's notebook replaced (unreadable: as is)."""
    try:
        data = json.loads(payload)
    except ValueError:
        return payload
    if not isinstance(data, dict):
        return payload
    meta = data.get("metadata")
    data["metadata"] = {**(meta if isinstance(meta, dict) else {}), "notebook": notebook}
    return json.dumps(data)


def move_notebook(
    conn: Connection,
    old: str,
    new: str,
    *,
    server: str | None,
    owners: Collection[str] = (),
    user: str | None = None,
) -> int:
    """Re-point the threads of ``old`` (a notebook, or a folder and everything in it) at
    ``new``: the threads made through ``server``, and those recorded without a server
    (older releases) whose owner is one of ``owners``; with ``user``, only that user's.
    Owners never change. A thread whose new path would break :data:`NOTEBOOK_PATH_RULE`
    stays where it was. The moved threads' agent steps naming a moved path follow too.

    Runs in the caller's write transaction; returns how many threads moved.
    """
    old, new = old.strip("/"), new.strip("/")
    if not old or not new or old == new or notebook_path(old) is None:
        return 0
    if notebook_path(new) is None:
        return 0
    whose = []
    if server is not None:
        whose.append(threads.c.server == server)
    if owners:
        whose.append(threads.c.server.is_(None) & threads.c.user_id.in_(sorted(owners)))
    if not whose:
        return 0
    query = select(threads.c.seq, threads.c.id, threads.c.notebook, threads.c.payload).where(
        or_(
            threads.c.notebook == old,
            threads.c.notebook.startswith(old + "/", autoescape=True),
        ),
        or_(*whose),
    )
    if user is not None:
        query = query.where(threads.c.user_id == user)
    # Locked until commit (PostgreSQL; SQLite's writer holds the whole database), so
    # the rows updated below are the rows read here.
    rows = conn.execute(query.with_for_update()).all()
    moving = [
        (row, target)
        for row in rows
        if (target := notebook_path(moved_path(row.notebook, old, new))) is not None
    ]
    if moving:
        # One statement, many parameter sets: a folder of many notebooks moves at once.
        conn.execute(
            _MOVE,
            [
                {
                    "b_seq": row.seq,
                    "b_notebook": target,
                    "b_payload": _with_notebook(row.payload, target),
                }
                for row, target in moving
            ],
        )
        _move_steps(conn, [row.id for row, _ in moving], old, new)
    return len(moving)


def adopt_notebook(
    conn: Connection, thread_id: str, notebook: str, *, user: str, server: str | None
) -> bool:
    """Tie this user's thread ``thread_id`` to ``notebook`` if it belongs to no notebook
    yet (a conversation started in the sidebar with no notebook attached, which the next
    notebook attached took up). A thread of a notebook keeps it: only a rename moves it
    (:func:`move_notebook`). The thread is then of ``server``, whose root the path is
    under. Runs in the caller's write transaction; True if the thread was tied.
    """
    if notebook_path(notebook) is None:
        return False
    row = conn.execute(
        select(threads.c.seq, threads.c.payload)
        .where(
            threads.c.id == thread_id,
            threads.c.user_id == user,
            threads.c.notebook.is_(None),
        )
        .with_for_update()
    ).one_or_none()
    if row is None:
        return False
    conn.execute(
        update(threads)
        .where(threads.c.seq == row.seq, threads.c.notebook.is_(None))
        .values(notebook=notebook, server=server, payload=_with_notebook(row.payload, notebook))
    )
    return True


# A bound on the ids in one IN list (SQLite allows 32,766 variables, a folder may hold
# many threads).
_IDS_PER_QUERY = 500


def _with_step_notebook(payload: str, old: str, new: str) -> str | None:
    """The stored JSON of an agent step with its output's notebook moved from ``old``
    (a notebook or a folder) to ``new``; ``None`` when it names no moved notebook."""
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    output = data.get("output") if isinstance(data, dict) else None
    path = output.get("notebook") if isinstance(output, dict) else None
    target = moved_path(path, old, new) if isinstance(path, str) else None
    if target is None or not isinstance(output, dict):
        return None
    data["output"] = {**output, "notebook": target}
    return json.dumps(data)


def _move_steps(conn: Connection, thread_ids: list[str], old: str, new: str) -> None:
    """Re-point the agent steps of the moved threads ``thread_ids`` that name ``old``
    (or a notebook under it) at ``new``; steps naming another notebook stay."""
    for start in range(0, len(thread_ids), _IDS_PER_QUERY):
        chunk = thread_ids[start : start + _IDS_PER_QUERY]
        # Only client tool calls whose JSON mentions a notebook are parsed.
        rows = conn.execute(
            select(items.c.seq, items.c.payload).where(
                items.c.thread_id.in_(chunk),
                items.c.type == "client_tool_call",
                items.c.payload.contains('"notebook"', autoescape=True),
            )
        ).all()
        changes = [
            {"b_seq": row.seq, "b_payload": payload}
            for row in rows
            if (payload := _with_step_notebook(row.payload, old, new)) is not None
        ]
        if changes:
            conn.execute(_MOVE_STEP, changes)


_MOVE = (
    update(threads)
    .where(threads.c.seq == bindparam("b_seq"))
    .values(notebook=bindparam("b_notebook"), payload=bindparam("b_payload"))
)

_MOVE_STEP = (
    update(items).where(items.c.seq == bindparam("b_seq")).values(payload=bindparam("b_payload"))
)

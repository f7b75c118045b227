"""Feedback (👍/👎) on a thread's items: the statements :class:`.sql.SQLStore` runs.

Each function runs inside its caller's transaction (see :class:`.onehop.OneHop`) and
checks that the thread is this user's first.
"""

from __future__ import annotations

from collections.abc import Collection

from chatkit.store import NotFoundError
from sqlalchemy import select
from sqlalchemy.engine import Connection

from .engine import Dialect, dialect_insert
from .schema import feedback, items
from .statements import require_thread

FEEDBACK_KINDS: frozenset[str] = frozenset({"positive", "negative"})
"""The kinds of feedback the store records."""

MAX_FEEDBACK_ITEMS = 1000
"""The most items one feedback names (a chat rates one answer: a few items). Each is a
bound parameter of one query, and PostgreSQL's driver takes at most 32,767: past that a
request for 40,000 made items.feedback a 503, the store said to be unavailable."""


def check_kind(kind: str) -> None:
    """A ``ValueError`` for a kind other than ``"positive"`` or ``"negative"``."""
    if kind not in FEEDBACK_KINDS:
        raise ValueError(f"feedback kind must be 'positive' or 'negative', not {kind!r}")


def check_items(item_ids: Collection[str]) -> None:
    """A ``ValueError`` for feedback naming more than :data:`MAX_FEEDBACK_ITEMS` items."""
    if len(item_ids) > MAX_FEEDBACK_ITEMS:
        raise ValueError(f"Feedback names at most {MAX_FEEDBACK_ITEMS:,} items of a conversation.")


def write_feedback(
    conn: Connection,
    dialect: Dialect,
    thread_id: str,
    user_id: str,
    item_ids: Collection[str],
    kind: str,
    stamp: int,
) -> None:
    """Record ``kind`` on items of this user's thread; all ids must exist or none is saved."""
    require_thread(conn, thread_id, user_id)
    wanted = set(item_ids)
    if not wanted:
        return
    found = set(
        conn.execute(
            select(items.c.id).where(
                items.c.thread_id == thread_id,
                items.c.user_id == user_id,
                items.c.id.in_(wanted),
            )
        ).scalars()
    )
    if found != wanted:
        raise NotFoundError(f"item not found in thread {thread_id}")
    stmt = dialect_insert(dialect, feedback).values(
        [
            {
                "thread_id": thread_id,
                "item_id": item_id,
                "user_id": user_id,
                "kind": kind,
                "updated_us": stamp,
            }
            for item_id in sorted(wanted)
        ]
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=[feedback.c.thread_id, feedback.c.item_id],
            set_={"kind": stmt.excluded.kind, "updated_us": stmt.excluded.updated_us},
        )
    )


def read_feedback(conn: Connection, thread_id: str, user_id: str) -> dict[str, str]:
    """Feedback on this user's thread: item id to ``"positive"`` or ``"negative"``."""
    require_thread(conn, thread_id, user_id)
    rows = conn.execute(
        select(feedback.c.item_id, feedback.c.kind).where(
            feedback.c.thread_id == thread_id, feedback.c.user_id == user_id
        )
    )
    return {row.item_id: row.kind for row in rows}

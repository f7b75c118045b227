"""Keyset pagination over ``(created_us, seq)`` for thread lists and thread items.

A page after a cursor is the union of two index range scans: the rest of the cursor's
own timestamp (``created_us = c AND seq > s``) and every later timestamp
(``created_us > c``). Each is one seek on the ``(scope, created_us, seq)`` index, so a
page 10,000 rows deep costs what the first page costs even when thousands of rows share
a timestamp (a row-value comparison ``(created_us, seq) > (c, s)`` makes SQLite seek on
``created_us`` alone and scan the tie). No OFFSET anywhere.

The statements are built once, with bound parameters: building and cache-keying a
SQLAlchemy statement of this shape costs more Python time than SQLite takes to run it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from chatkit.store import NotFoundError
from chatkit.types import Page, ThreadItem, ThreadMetadata
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    Row,
    Select,
    Table,
    bindparam,
    literal,
    select,
    union_all,
)
from sqlalchemy.engine import Connection

from . import codec
from .fastsql import execute
from .schema import from_us, item_tombstones, items, thread_tombstones, threads

Order = Literal["asc", "desc"]
Position = tuple[int, int]
"""``(created_us, seq)`` of the row a cursor names."""


MAX_PAGE_SIZE = 1000
"""The most rows one page returns; a larger ``limit`` is clamped to it (``has_more``
then says there is more). Without a cap, ``limit`` 2**63 overflowed the database
drivers' 64-bit integers (a 500), and a huge page is a cheap denial of service."""


def check_page(limit: int, order: str) -> tuple[Order, int]:
    """Validate page arguments; return ``order`` narrowed and ``limit`` clamped.

    A ``limit`` below 1, or one that is not an integer, is a ``ValueError``.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError("limit must be a whole number of at least 1")
    if order not in ("asc", "desc"):
        raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
    return order, min(limit, MAX_PAGE_SIZE)  # type: ignore[return-value]


def _ordering(
    created: ColumnElement[int], seq: ColumnElement[int], order: Order
) -> tuple[ColumnElement[Any], ...]:
    if order == "asc":
        return created.asc(), seq.asc()
    return created.desc(), seq.desc()


def _keyset_statements(query: Select[Any], table: Table) -> dict[tuple[Order, bool], Select[Any]]:
    """Page statements for ``query`` keyed by (order, has cursor).

    ``query`` must select ``created_us`` and ``seq``. Parameters: ``fetch`` (rows to
    return), and with a cursor ``at`` / ``at_seq`` (its position).
    """
    created, seq = table.c.created_us, table.c.seq
    at = bindparam("at", type_=BigInteger)
    at_seq = bindparam("at_seq", type_=BigInteger)
    fetch = bindparam("fetch", type_=Integer)
    statements: dict[tuple[Order, bool], Select[Any]] = {}
    orders: tuple[Order, Order] = ("asc", "desc")
    for order in orders:
        statements[(order, False)] = query.order_by(*_ordering(created, seq, order)).limit(fetch)
        if order == "asc":
            same, later = query.where(created == at, seq > at_seq), query.where(created > at)
        else:
            same, later = query.where(created == at, seq < at_seq), query.where(created < at)
        parts = [
            select(part.order_by(*_ordering(created, seq, order)).limit(fetch).subquery())
            for part in (same, later)
        ]
        both = union_all(*parts).subquery()
        statements[(order, True)] = (
            select(both).order_by(*_ordering(both.c.created_us, both.c.seq, order)).limit(fetch)
        )
    return statements


_ITEM_PAGES = _keyset_statements(
    select(items.c.id, items.c.payload, items.c.created_us, items.c.seq).where(
        items.c.thread_id == bindparam("thread_id"), items.c.user_id == bindparam("user_id")
    ),
    items,
)

THREAD_COLUMNS: Select[Any] = select(
    threads.c.id,
    threads.c.title,
    threads.c.created_us,
    threads.c.seq,
    threads.c.payload,
    threads.c.notebook,
)
"""What a thread row is read as (:func:`decode_thread`'s input), everywhere."""


def decode_thread(row: Row[Any]) -> ThreadMetadata:
    """A thread read by :data:`THREAD_COLUMNS`; its notebook is the column's."""
    thread = codec.load_thread(
        row.payload, thread_id=row.id, title=row.title, created_at=from_us(row.created_us)
    )
    # The column is the thread's notebook (see save_thread and notebooks.py).
    if row.notebook is not None and isinstance(thread.metadata, dict):
        thread.metadata = {**thread.metadata, "notebook": row.notebook}
    return thread


def next_cursor(page: Sequence[Row[Any]], has_more: bool) -> str | None:
    """The ``after`` of a page: its last id while more follow, ``None`` on the last page.

    ChatKit's reference store, its docs and its server tests all read ``None`` as "this
    was the last page"; clients stop paging on it.
    """
    return page[-1].id if page and has_more else None


_THREAD_PAGES = _keyset_statements(
    THREAD_COLUMNS.where(threads.c.user_id == bindparam("user_id")), threads
)
# One notebook's threads: a range of the (user_id, notebook, created_us, seq) index.
_NOTEBOOK_THREAD_PAGES = _keyset_statements(
    THREAD_COLUMNS.where(
        threads.c.user_id == bindparam("user_id"), threads.c.notebook == bindparam("notebook")
    ),
    threads,
)


def _page(
    conn: Connection,
    statements: dict[tuple[Order, bool], Select[Any]],
    params: dict[str, Any],
    position: Position | None,
    order: Order,
    limit: int,
) -> tuple[Sequence[Row[Any]], bool]:
    values = {**params, "fetch": limit + 1}
    if position is not None:
        values["at"], values["at_seq"] = position
    rows = execute(conn, statements[(order, position is not None)], values).all()
    return rows[:limit], len(rows) > limit


def item_page(
    conn: Connection,
    thread_id: str,
    user_id: str,
    position: Position | None,
    order: Order,
    limit: int,
) -> tuple[Sequence[Row[Any]], bool]:
    """Rows (``id``, ``payload``, ...) of one page of a thread's items, and has-more."""
    params = {"thread_id": thread_id, "user_id": user_id}
    return _page(conn, _ITEM_PAGES, params, position, order, limit)


def thread_page(
    conn: Connection,
    user_id: str,
    position: Position | None,
    order: Order,
    limit: int,
    notebook: str | None = None,
) -> tuple[Sequence[Row[Any]], bool]:
    """Rows (``id``, ``title``, ``created_us``, ``payload``, ...) of a page of threads;
    only the threads of ``notebook`` when it is given."""
    if notebook is None:
        return _page(conn, _THREAD_PAGES, {"user_id": user_id}, position, order, limit)
    params = {"user_id": user_id, "notebook": notebook}
    return _page(conn, _NOTEBOOK_THREAD_PAGES, params, position, order, limit)


_live = items.alias("live")
_dead = item_tombstones.alias("dead")
_THREAD_OWNED = select(threads.c.seq).where(
    threads.c.id == bindparam("thread_id"), threads.c.user_id == bindparam("user_id")
)
_THREAD_AND_ITEM = _THREAD_OWNED.add_columns(
    _live.c.created_us, _live.c.seq, _dead.c.created_us, _dead.c.seq
).select_from(
    threads.outerjoin(
        _live,
        (_live.c.thread_id == threads.c.id)
        & (_live.c.id == bindparam("item_id"))
        & (_live.c.user_id == bindparam("user_id")),
    ).outerjoin(
        _dead,
        (_dead.c.thread_id == threads.c.id) & (_dead.c.item_id == bindparam("item_id")),
    )
)


def item_position(
    conn: Connection, thread_id: str, item_id: str | None, user_id: str
) -> Position | None:
    """Check the thread is this user's and find where ``item_id`` (live or deleted) sits.

    One round trip for both, so a page after a cursor costs what the first page does.
    ``None`` when there is no cursor; ``NotFoundError`` for a foreign or unknown thread,
    or an item id never seen in this thread.
    """
    params = {"thread_id": thread_id, "user_id": user_id}
    if item_id is None:
        if execute(conn, _THREAD_OWNED, params).first() is None:
            raise NotFoundError(f"thread {thread_id} not found")
        return None
    row = conn.execute(_THREAD_AND_ITEM, {**params, "item_id": item_id}).first()
    if row is None:
        raise NotFoundError(f"thread {thread_id} not found")
    _, live_created, live_seq, dead_created, dead_seq = row
    if live_seq is not None:
        return int(live_created), int(live_seq)
    if dead_seq is not None:
        return int(dead_created), int(dead_seq)
    raise NotFoundError(f"item {item_id} not found in thread {thread_id}")


# A live thread wins over a tombstone left by an earlier thread with the same id.
_THREAD_POSITION = union_all(
    select(literal(0).label("rank"), threads.c.created_us, threads.c.seq).where(
        threads.c.id == bindparam("thread_id"), threads.c.user_id == bindparam("user_id")
    ),
    select(literal(1).label("rank"), thread_tombstones.c.created_us, thread_tombstones.c.seq).where(
        thread_tombstones.c.thread_id == bindparam("thread_id"),
        thread_tombstones.c.user_id == bindparam("user_id"),
    ),
).order_by("rank")


def thread_position(conn: Connection, thread_id: str, user_id: str) -> Position:
    """Where this user's thread (live or deleted) sits in their list."""
    row = conn.execute(_THREAD_POSITION, {"thread_id": thread_id, "user_id": user_id}).first()
    if row is None:
        raise NotFoundError(f"thread {thread_id} not found")
    return int(row.created_us), int(row.seq)


def decode_item_page(thread_id: str, page: Sequence[Row[Any]], has_more: bool) -> Page[ThreadItem]:
    """A page of stored item rows as ChatKit items; rows that no longer validate are
    skipped (logged by :func:`.codec.load_item`), ``has_more`` and ``after`` stay exact."""
    data: list[ThreadItem] = []
    payloads: list[str] = []
    for row in page:
        item = codec.load_item(row.payload, item_id=row.id, thread_id=thread_id)
        if item is not None:
            data.append(item)
            payloads.append(row.payload)
    # Built without validating again what was just parsed (Page[ThreadItem] would
    # check each item against the union: ~0.1 ms a 60-item page).
    return codec.StoredItems.model_construct(
        data=data, has_more=has_more, after=next_cursor(page, has_more), payloads=payloads
    )

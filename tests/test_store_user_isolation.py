"""One user's threads, items, feedback and attachments in the SQL store (SQLite and
PostgreSQL alike): another user can neither read nor change them, nor tell them from
unknown ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from chatkit.store import NotFoundError
from chatkit.types import (
    FileAttachment,
)

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import SQLStore

from .fixtures.store_threads import ALICE, BOB, T0, message, text_of, thread

# isolation -------------------------------------------------------------------------

Call = Callable[[SQLStore, RequestContext, str], Any]

# Every store method, aimed at a thread (or its item / attachment) by a user id.
THREAD_CALLS: dict[str, Call] = {
    "load_thread": lambda s, c, t: s.load_thread(t, c),
    "delete_thread": lambda s, c, t: s.delete_thread(t, c),
    "load_threads_after": lambda s, c, t: s.load_threads(5, t, "asc", c),
    "load_thread_items": lambda s, c, t: s.load_thread_items(t, None, 5, "asc", c),
    "load_thread_items_after": lambda s, c, t: s.load_thread_items(t, "m0", 5, "asc", c),
    "add_thread_item": lambda s, c, t: s.add_thread_item(t, message("x", t), c),
    "save_item_new": lambda s, c, t: s.save_item(t, message("x", t), c),
    "save_item_existing": lambda s, c, t: s.save_item(t, message("m0", t, "hijacked"), c),
    "load_item": lambda s, c, t: s.load_item(t, "m0", c),
    "delete_thread_item": lambda s, c, t: s.delete_thread_item(t, "m0", c),
    "save_feedback": lambda s, c, t: s.save_feedback(t, ["m0"], "negative", c),
    "load_feedback": lambda s, c, t: s.load_feedback(t, c),
    "save_attachment_into_thread": lambda s, c, t: s.save_attachment(
        FileAttachment(id="atc_new", name="f", mime_type="text/plain", thread_id=t), c
    ),
}


@pytest.mark.asyncio
@pytest.mark.parametrize("call", list(THREAD_CALLS.values()), ids=list(THREAD_CALLS))
async def test_foreign_thread_is_indistinguishable_from_unknown(
    store: SQLStore, call: Call
) -> None:
    await store.save_thread(thread("thr_alice", title="mine"), ALICE)
    await store.add_thread_item("thr_alice", message("m0", "thr_alice", "mine"), ALICE)
    await store.save_feedback("thr_alice", ["m0"], "positive", ALICE)

    with pytest.raises(NotFoundError) as foreign:
        await call(store, BOB, "thr_alice")
    with pytest.raises(NotFoundError) as unknown:
        await call(store, BOB, "thr_ghost")
    assert str(foreign.value).replace("thr_alice", "ID") == str(unknown.value).replace(
        "thr_ghost", "ID"
    )

    # Alice's data is exactly as she left it.
    assert (await store.load_thread("thr_alice", ALICE)).title == "mine"
    page = await store.load_thread_items("thr_alice", None, 10, "asc", ALICE)
    assert [(i.id, text_of(i)) for i in page.data] == [("m0", "mine")]
    assert await store.load_feedback("thr_alice", ALICE) == {"m0": "positive"}
    assert (await store.load_threads(10, None, "asc", BOB)).data == []


@pytest.mark.asyncio
async def test_save_thread_cannot_take_over_a_foreign_id(store: SQLStore) -> None:
    # The one call where a foreign id differs from an unknown one: saving an unknown id
    # creates the thread. Thread ids are global and 128-bit random, so this reveals
    # nothing guessable.
    await store.save_thread(thread("thr_alice", title="mine"), ALICE)
    await store.add_thread_item("thr_alice", message("m0", "thr_alice"), ALICE)
    with pytest.raises(NotFoundError):
        await store.save_thread(thread("thr_alice", title="hijacked"), BOB)
    assert (await store.load_thread("thr_alice", ALICE)).title == "mine"
    assert (await store.load_threads(10, None, "asc", BOB)).data == []
    await store.save_thread(thread("thr_bob"), BOB)
    assert [t.id for t in (await store.load_threads(10, None, "asc", BOB)).data] == ["thr_bob"]


@pytest.mark.asyncio
async def test_thread_listing_is_per_user(store: SQLStore) -> None:
    await store.save_thread(thread("thr_a1"), ALICE)
    await store.save_thread(thread("thr_b1"), BOB)
    await store.save_thread(thread("thr_a2", T0 + timedelta(seconds=1)), ALICE)
    alice = await store.load_threads(10, None, "asc", ALICE)
    bob = await store.load_threads(10, None, "asc", BOB)
    assert [t.id for t in alice.data] == ["thr_a1", "thr_a2"]
    assert [t.id for t in bob.data] == ["thr_b1"]
    with pytest.raises(NotFoundError):
        await store.load_threads(10, "thr_a1", "asc", BOB)


@pytest.mark.asyncio
async def test_attachment_metadata_is_per_user(store: SQLStore) -> None:
    attachment = FileAttachment(id="atc_a", name="a.txt", mime_type="text/plain")
    await store.save_attachment(attachment, ALICE)
    with pytest.raises(NotFoundError):
        await store.load_attachment("atc_a", BOB)
    with pytest.raises(NotFoundError):
        await store.save_attachment(attachment.model_copy(update={"name": "evil"}), BOB)
    await store.delete_attachment("atc_a", BOB)  # not Bob's: nothing happens
    assert await store.load_attachment("atc_a", ALICE) == attachment

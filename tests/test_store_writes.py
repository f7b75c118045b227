"""A turn's writes on SQLite (store/writes.py): one thread hop each, same rules as before."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from chatkit.store import NotFoundError
from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import NulCharacterError

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")


def answer(item_id: str, thread_id: str, text: str = "hi") -> AssistantMessageItem:
    return AssistantMessageItem(
        id=item_id,
        thread_id=thread_id,
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )


@pytest.mark.asyncio
async def test_a_write_waits_for_another_process_holding_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    try:
        thread = ThreadMetadata(id="thr_1", created_at=datetime.now())
        await store.save_thread(thread, ALICE)
        # Another process (a kernel sharing the file) in the middle of a write.
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        write = asyncio.ensure_future(
            store.add_thread_item("thr_1", answer("msg_1", "thr_1"), ALICE)
        )
        for _ in range(20):
            await asyncio.sleep(0)
        assert not write.done()  # waiting for SQLite's lock, the loop still running
        other.execute("COMMIT")
        other.close()
        await write
        page = await store.load_thread_items("thr_1", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1"]
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_writes_keep_owner_scope_and_refuse_nul(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    try:
        await store.create_thread_with_item(
            ThreadMetadata(id="thr_a", created_at=datetime.now()), answer("msg_a", "thr_a"), ALICE
        )
        page = await store.load_thread_items("thr_a", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_a"]
        # Bob can neither add to Alice's thread, nor take its id, nor see it.
        with pytest.raises(NotFoundError):
            await store.add_thread_item("thr_a", answer("msg_b", "thr_a"), BOB)
        with pytest.raises(NotFoundError):
            await store.save_thread(ThreadMetadata(id="thr_a", created_at=datetime.now()), BOB)
        with pytest.raises(NotFoundError):
            await store.create_thread_with_item(
                ThreadMetadata(id="thr_a", created_at=datetime.now()), answer("msg_c", "thr_a"), BOB
            )
        # A failed new thread leaves nothing behind; NUL is refused as before.
        with pytest.raises(NulCharacterError):
            await store.create_thread_with_item(
                ThreadMetadata(id="thr_n", created_at=datetime.now(), title="a\x00b"),
                answer("msg_n", "thr_n"),
                ALICE,
            )
        with pytest.raises(NotFoundError):
            await store.load_thread("thr_n", ALICE)
        assert (await store.load_thread("thr_a", ALICE)).id == "thr_a"
    finally:
        await store.close()

"""A new conversation kept on disk unsaved is saved by others only once its writer
cannot save it (store/unsaved_spool.py, assistant/unsaved_threads.py).

A server whose first save of a new thread waits for the lock keeps the thread on disk
meanwhile. A kernel (or a second server) opening the same store then must leave it to
that server: saving it itself could write the thread as it was named after the server's
turn renamed it. Once the writer is gone (killed, say), the next opening saves it, and
never over a thread the store has. The writer here is another process, with its store
open on the same database.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import pytest
from chatkit.store import NotFoundError
from chatkit.types import ThreadMetadata

from jupyter_chatkit.assistant.unsaved_threads import UnsavedThreads
from jupyter_chatkit.protocol import RequestContext

from .fixtures.store import opened_store

# Bounds the test only.
HANG_GUARD = 60.0
THREAD_ID = "thr_0123456789abcdef"
ALICE = RequestContext(user_id="alice")

# The writer: names a new thread (kept on disk), says ready, waits with its store open.
WRITER = f"""
import asyncio, sys
from datetime import datetime, timezone
from chatkit.types import (
    InferenceOptions, ThreadMetadata, UserMessageItem, UserMessageTextContent,
)
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.unsaved_spool import SpooledThread

async def main():
    store = await open_store(sys.argv[1])
    now = datetime.now(timezone.utc)
    thread = ThreadMetadata(id={THREAD_ID!r}, created_at=now, title="As named")
    first = UserMessageItem(
        id="msg_1", thread_id=thread.id, created_at=now, attachments=[],
        content=[UserMessageTextContent(text="My first message")],
        inference_options=InferenceOptions(),
    )
    store.unsaved_spool.put(SpooledThread("alice", thread, first, None))
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    await store.close()

asyncio.run(main())
"""


async def _restore(url: str) -> None:
    """A process opening the store saves what it finds kept unsaved."""
    async with opened_store(url) as store:
        unsaved = UnsavedThreads(store.unsaved_spool)
        await unsaved.restore(store)
        await unsaved.save_named(store, None, ALICE)  # waits for the restore's saves


@pytest.mark.parametrize("renamed", [False, True])
async def test_a_kept_thread_is_left_to_its_running_writer(store_url: str, renamed: bool) -> None:
    writer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WRITER,
        store_url,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert writer.stdout is not None
        line = await asyncio.wait_for(writer.stdout.readline(), HANG_GUARD)
        assert line.strip() == b"ready"
        await _restore(store_url)
        async with opened_store(store_url) as store:
            with pytest.raises(NotFoundError):
                await store.load_thread(THREAD_ID, ALICE)
    finally:
        writer.kill()
        await asyncio.wait_for(writer.wait(), HANG_GUARD)
    if renamed:
        # Its writer saved it (and its turn renamed it), then was killed before it
        # could forget the file: the store's thread stays as it is.
        async with opened_store(store_url) as store:
            now = datetime.now(UTC)
            thread = ThreadMetadata(id=THREAD_ID, created_at=now, title="Renamed by its turn")
            await store.save_thread(thread, ALICE)
    await _restore(store_url)
    async with opened_store(store_url) as store:
        thread = await store.load_thread(THREAD_ID, ALICE)
        items = await store.load_thread_items(THREAD_ID, None, 10, "asc", ALICE)
    if renamed:
        assert thread.title == "Renamed by its turn"
        assert items.data == []
    else:
        assert thread.title == "As named"
        assert [i.id for i in items.data] == ["msg_1"]

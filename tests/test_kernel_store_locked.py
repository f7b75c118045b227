"""A kernel with its own store (no Jupyter server: a script, nbclient) whose SQLite file
another process holds write-locked (another kernel's long write, a backup, sqlite3 at a
shell). ``Chat().ask`` waits ``store_lock_timeout`` once, then answers in words what
happened and what to do, never a traceback or "unexpected StoreBusyError"; nothing stored
is lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message

from jupyter_chatkit import Chat
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import STORE_WAITING

from .test_store_locked_start import HeldLock, _migrated_store_with_a_thread


@pytest.fixture(params=["migrated", "new"])
def locked_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    if request.param == "migrated":
        asyncio.run(_migrated_store_with_a_thread(url))
    lock = HeldLock(path)
    try:
        yield request.param, url
    finally:
        lock.release()


def _model() -> ScriptedModel:
    return ScriptedModel([ModelStep(output=[assistant_message("Hello.", item_id="m")])])


def test_ask_says_the_store_is_locked_by_another_process(locked_store: tuple[str, str]) -> None:
    kind, url = locked_store
    settings = Settings(store_url=url, store_lock_timeout=0.5, title_threads=False)
    answer = Chat(settings=settings, model=_model()).ask("hello", display=False)
    assert not answer.ok
    assert "unexpected" not in answer.text and "Traceback" not in answer.text
    assert "StoreBusyError" not in answer.text
    # What happened, in the words the server's 503 uses.
    assert STORE_WAITING in answer.text
    if kind == "new":
        # What to do, from a kernel that opens the store itself.
        assert "JUPYTER_CHATKIT_STORE_URL" in answer.text


def test_nothing_stored_is_lost_and_the_next_ask_works(tmp_path: Path) -> None:
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    asyncio.run(_migrated_store_with_a_thread(url))
    settings = Settings(store_url=url, store_lock_timeout=0.5, title_threads=False)
    lock = HeldLock(path)
    try:
        locked = Chat(settings=settings, model=_model()).ask("hello", display=False)
    finally:
        lock.release()
    assert STORE_WAITING in locked.text
    answer = Chat(settings=settings, model=_model()).ask("hello", display=False)
    assert answer.ok and answer.text == "Hello."

    async def kept() -> str:
        store = await open_store(url)
        try:
            thread = await store.load_thread("thr_kept", RequestContext(user_id=LOCAL_USER))
            return thread.title or ""
        finally:
            await store.close()

    assert asyncio.run(kept()) == "kept"

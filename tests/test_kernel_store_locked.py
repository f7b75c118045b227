"""A kernel with its own store (no Jupyter server: a script, nbclient) whose SQLite file
another process holds write-locked (another kernel's long write, a backup, sqlite3 at a
shell). ``Chat().ask`` waits ``store_lock_timeout`` once, then answers in words what
happened and what to do, never a traceback or "unexpected StoreBusyError"; nothing stored
is lost. While it waits, the cell's answer says so (not "Thinking…" for ten seconds), and
goes on to the answer when the lock is let go.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message

from jupyter_chatkit import Chat
from jupyter_chatkit.kernel.live import ANSWER_MIME
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import STORE_WAITING

from .fixtures.fake_llm import FakeLLM, Reply
from .nbrun import python_kernel
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


def test_ask_says_what_to_install_for_a_postgresql_store_without_its_driver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A plain install has no asyncpg (an extra): the answer said "a module is missing
    # (asyncpg); reinstall jupyter-chatkit", which installs the same again.
    monkeypatch.setitem(sys.modules, "asyncpg", None)  # as if not installed
    settings = Settings(store_url="postgresql://ada:Hunt3r-Xy9q@127.0.0.1:9/chat")
    answer = Chat(settings=settings, model=_model()).ask("hello", display=False)
    assert not answer.ok
    assert "jupyter-chatkit[postgres]" in answer.text and "reinstall" not in answer.text
    assert "Hunt3r" not in answer.text


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


WAITING = "Waiting for the conversation store"
ASK_WITH_A_LONG_LOCK_WAIT = """
from jupyter_chatkit import Chat
from jupyter_chatkit.settings import Settings
answer = Chat(settings=Settings(store_lock_timeout=60, title_threads=False)).ask("hello")
print("answered" if answer.ok else "failed")
"""


def _markdown(message: dict[str, Any]) -> str:
    data = message["content"].get("data") or {}
    return str(data.get("text/markdown", "")) + str(message["content"].get("text", ""))


def run_while_locked(path: Path, code: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run ``code`` in a new kernel while another process holds ``path`` write-locked.

    The lock is let go once an output shows the waiting line (nothing is timed); returns
    the execute reply and every output message.
    """
    messages: list[dict[str, Any]] = []
    lock = HeldLock(path)

    def output(message: dict[str, Any]) -> None:
        messages.append(message)
        if WAITING in _markdown(message):
            lock.release()  # the other process is done: the wait ends, the turn goes on

    try:
        with python_kernel() as (_km, kc):
            reply = kc.execute_interactive(code, timeout=180, output_hook=output)
    finally:
        lock.release()
    return reply, messages


@pytest.mark.slow
def test_a_cell_waiting_for_a_locked_store_says_so_then_answers(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    # The kernel's own store (kernel_provider's JUPYTER_CHATKIT_STORE_URL), held locked
    # by another process until the cell's output says it waits for it.
    path = tmp_path / "chat.sqlite3"
    asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{path}"))
    kernel_provider.script(Reply("Answered once the store was free."))
    reply, messages = run_while_locked(path, ASK_WITH_A_LONG_LOCK_WAIT)
    assert reply["content"]["status"] == "ok"
    shown = [_markdown(m) for m in messages if m["msg_type"].endswith("display_data")]
    waiting = next(n for n, text in enumerate(shown) if WAITING in text)
    assert "interrupt the kernel" in shown[waiting] and "60 s" in shown[waiting]
    # Then the answer, in the same output, and nothing said of the wait any more.
    final = next(m for m in reversed(messages) if m["msg_type"] == "update_display_data")
    assert final["content"]["data"][ANSWER_MIME]["streaming"] is False
    assert "Answered once the store was free." in _markdown(final)
    assert WAITING not in _markdown(final)
    assert any("answered" in _markdown(m) for m in messages if m["msg_type"] == "stream")

    async def threads() -> list[str]:
        store = await open_store(f"sqlite:///{path}")
        try:
            page = await store.load_threads(20, None, "asc", RequestContext(user_id=LOCAL_USER))
            return [t.title or "" for t in page.data]
        finally:
            await store.close()

    # Nothing lost: the thread stored before, and the new one with its answer.
    titles = asyncio.run(threads())
    assert "kept" in titles and len(titles) == 2

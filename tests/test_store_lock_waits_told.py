"""Every front door says so while the conversation store waits for another process's
lock (a kernel or server on the same SQLite file, a backup, a sqlite3 shell), then
answers once it is let go; before, only ``%chat`` / ``Chat().ask()`` shown in a cell
did (3f10b66), and the others were silent for up to ``store_lock_timeout``.

- the JupyterLab sidebar and the anywidget chat through a Jupyter server: the HTTP
  stream carries a ``progress_update`` with the waiting line (the chat shows a
  progress update in place of "Thinking…"), then one back to "Thinking…";
- the anywidget chat through its kernel (the comm): the same events;
- ``Chat().ask(display=False)``: a line on stderr;
- ``await Chat().ask_async()``: a line in the cell's output, replaced by the answer.

Another process holds the lock until the waiting line is seen; nothing is timed. The
failure past ``store_lock_timeout`` (a readable error, nothing lost) is
test_store_locked.py's and test_kernel_store_locked.py's.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ErrorEvent, ProgressUpdateEvent
from traitlets.config import Config

from jupyter_chatkit.kernel.live import ANSWER_MIME, StoreWaitNote
from jupyter_chatkit.kernel.stream_events import StreamEvent, parse_event
from jupyter_chatkit.protocol import Comm
from jupyter_chatkit.store.engine import LOCK_WAIT_ICON, lock_wait_message

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .nbrun import python_kernel
from .test_handlers import answer_of, body, post, server_config
from .test_kernel_comm import Kernel
from .test_kernel_store_locked import WAITING, _markdown, run_while_locked
from .test_store_locked import Locker
from .test_store_locked_start import HeldLock, _migrated_store_with_a_thread


def _progress(events: list[Any]) -> list[str]:
    return [e.text for e in events if isinstance(e, ProgressUpdateEvent)]


def _assert_waited_then_answered(events: list[Any]) -> None:
    texts = _progress(events)
    waiting = next(n for n, text in enumerate(texts) if WAITING in text)
    said = texts[waiting]
    # Marked as a store wait (a kernel's client tells it from a tool's progress by it).
    marked = [e for e in events if isinstance(e, ProgressUpdateEvent) and e.icon == LOCK_WAIT_ICON]
    assert [e.text for e in marked] == [said]
    assert "another process holds it locked" in said and "JUPYTER_CHATKIT_STORE_URL" in said
    assert "Waiting up to 60 s" in said
    # The wait is over: back to what the chat says before an answer.
    assert texts[waiting + 1 :] == ["Thinking…"]
    assert not [e for e in events if isinstance(e, ErrorEvent)]


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    # Long: the lock is let go when the stream says it waits, long before this.
    return server_config(tmp_path, store_lock_timeout=60.0)


async def test_the_servers_stream_says_the_store_waits_then_answers(
    jp_fetch: Callable[..., Any], tmp_path: Path
) -> None:
    kept = await post(jp_fetch, body("threads.create", input=user_input("kept")))
    kept_id = parse_sse(kept.body)[0].thread.id  # type: ignore[union-attr]
    received: list[bytes] = []
    seen = asyncio.Event()

    def on_chunk(chunk: bytes) -> None:
        received.append(chunk)
        if WAITING.encode() in b"".join(received):
            seen.set()

    async with Locker(tmp_path / "chat.sqlite3"):
        turn = asyncio.ensure_future(
            post(
                jp_fetch,
                body("threads.create", input=user_input("hello")),
                streaming_callback=on_chunk,
                request_timeout=120,
            )
        )
        await asyncio.wait(
            {turn, asyncio.ensure_future(seen.wait())}, timeout=60, return_when="FIRST_COMPLETED"
        )
        assert seen.is_set(), b"".join(received)
    # The other process let go: the same stream goes on to the answer.
    await turn
    events = parse_sse(b"".join(received))
    _assert_waited_then_answered(events)
    assert answer_of(events)
    # Nothing lost: the thread before and the new one.
    listed = await post(jp_fetch, body("threads.list", limit=10))
    ids = [t["id"] for t in json.loads(listed.body)["data"]]
    assert kept_id in ids and len(ids) == 2


ASKS = {
    "ask(display=False)": (
        "answer = Chat(settings=Settings(store_lock_timeout=60, title_threads=False))"
        ".ask('hello', display=False)\nprint('answered' if answer.ok else 'failed')"
    ),
    "ask_async": (
        "answer = await Chat(settings=Settings(store_lock_timeout=60, title_threads=False))"
        ".ask_async('hello')\nprint('answered' if answer.ok else 'failed')"
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("call", sorted(ASKS))
def test_a_kernels_ask_says_the_store_waits_then_answers(
    kernel_provider: FakeLLM, tmp_path: Path, call: str
) -> None:
    path = tmp_path / "chat.sqlite3"
    asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{path}"))
    kernel_provider.script(Reply("Answered once the store was free."))
    code = "from jupyter_chatkit import Chat\nfrom jupyter_chatkit.settings import Settings\n"
    reply, messages = run_while_locked(path, code + ASKS[call])
    assert reply["content"]["status"] == "ok"
    streams = [m for m in messages if m["msg_type"] == "stream"]
    assert any("answered" in m["content"]["text"] for m in streams)
    assert not any(m["msg_type"] == "error" for m in messages)
    shown = [m for m in messages if m["msg_type"].endswith("display_data")]
    if call == "ask(display=False)":
        said = [m["content"]["text"] for m in streams if m["content"]["name"] == "stderr"]
        assert len(said) == 1 and WAITING in said[0] and "interrupt the kernel" in said[0]
        assert "Traceback" not in said[0]
        assert not shown  # display=False: nothing displayed, the line aside
    else:
        # The line, then the answer in its place (one output).
        assert WAITING in _markdown(shown[0]) and shown[0]["msg_type"] == "display_data"
        assert all(m["msg_type"] == "update_display_data" for m in shown[1:])
        assert "Answered once the store was free." in _markdown(shown[-1])
        assert shown[-1]["content"]["data"][ANSWER_MIME]["streaming"] is False


@pytest.mark.slow
def test_the_widgets_comm_stream_says_the_store_waits_then_answers(
    kernel_provider: FakeLLM, tmp_path: Path
) -> None:
    path = tmp_path / "chat.sqlite3"
    asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{path}"))
    kernel_provider.script(Reply("Answered once the store was free."))
    lock = HeldLock(path)
    try:
        with python_kernel() as (km, kc):
            kernel = Kernel(km, kc)
            kernel.execute(
                "from jupyter_chatkit import Chat\nfrom jupyter_chatkit.settings import Settings\n"
                "chat = Chat(settings=Settings(store_lock_timeout=60, title_threads=False))"
            )
            comm_id = kernel.stdout("print(chat.model_id)").strip()
            rid = uuid.uuid4().hex
            request = {"type": "threads.create", "params": {"input": user_input("hello")}}
            kernel.send_custom(comm_id, {"type": Comm.REQUEST, "id": rid, "body": request})
            got: list[dict[str, Any]] = []
            while not any(WAITING in str(c.get("data", "")) for c in got):
                got += kernel.replies(rid, (Comm.CHUNK, Comm.END, Comm.ERROR), timeout=60)
                assert not any(c["type"] in (Comm.END, Comm.ERROR) for c in got), got
            lock.release()
            got += kernel.replies(rid, (Comm.END, Comm.ERROR), timeout=60)
    finally:
        lock.release()
    assert got[-1]["type"] == Comm.END
    events = parse_sse("".join(c["data"] for c in got if c["type"] == Comm.CHUNK).encode())
    _assert_waited_then_answered(events)
    assert answer_of(events) == "Answered once the store was free."


def progress(**fields: Any) -> StreamEvent:
    """A ``progress_update`` as the kernel reads it from the server's stream."""
    event = parse_event(ProgressUpdateEvent(**fields).model_dump_json(exclude_none=True))
    assert event is not None
    return event


def test_without_display_only_a_store_wait_goes_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``ask(display=False)`` through a server: the stream's other progress (an
    allow-listed MCP tool's "Using …") is no store wait and never shows under the cell."""
    note = StoreWaitNote(shown=False)
    note.post(progress(text="Using search (docs)"))
    note.check()
    assert capsys.readouterr().err == ""
    waiting = lock_wait_message(60)
    note.post(progress(icon=LOCK_WAIT_ICON, text=waiting))
    note.check()
    note.post(progress(text="Thinking…"))
    note.post(progress(text="Using search (docs)"))
    note.check()
    assert capsys.readouterr().err == f"jupyter-chatkit: {waiting}\n"

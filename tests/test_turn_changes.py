"""A page showing a thread hears when a turn begins or ends in it elsewhere (another
browser, the same user): ``Turn.CHANGES``, a bounded long-poll on an in-process
notifier (assistant/turn_changes.py). Never about another user's thread."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import AssistantMessageItem, ThreadCreatedEvent

from jupyter_chatkit.assistant.opening import holding_opening
from jupyter_chatkit.assistant.server import JsonResult, StreamResult
from jupyter_chatkit.protocol import Turn
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import (
    ALICE,
    BOB,
    HoldingTransport,
    collect,
    json_call,
    make_assistant,
    req,
    stream,
    user_input,
)
from .test_assistant import _as_network_stream, _recorded_stream
from .test_running_turns_review import _alice_waiting


def _changes(**params: Any) -> bytes:
    return req(Turn.CHANGES, **params)


@pytest.mark.asyncio
async def test_a_page_hears_a_turn_end_and_never_another_users(sqlite_store: SQLStore) -> None:
    release = asyncio.Event()
    _, assistant, reader, thread_id = await _alice_waiting(sqlite_store, "Elsewhere", release)

    # Alice's other browser shows the thread: it runs a turn now.
    status, now = await json_call(assistant, _changes(thread_ids=[thread_id], now=True))
    assert status == 200
    assert [(c["thread_id"], c["answering"]) for c in now["changed"]] == [(thread_id, True)]
    alice = asyncio.ensure_future(
        assistant.handle(_changes(thread_ids=[thread_id], since=now["since"]), ALICE)
    )
    # Bob, with Alice's thread id, waits too.
    bob = asyncio.ensure_future(assistant.handle(_changes(thread_ids=[thread_id]), BOB))
    await asyncio.sleep(0)
    assert not alice.done()

    release.set()
    await asyncio.wait_for(reader, 10)
    heard = await asyncio.wait_for(alice, 10)
    assert isinstance(heard, JsonResult) and heard.status == 200
    changed = json.loads(heard.body)["changed"]
    items = await sqlite_store.load_thread_items(thread_id, None, 20, "desc", ALICE)
    answer = next(i for i in items.data if isinstance(i, AssistantMessageItem))
    assert changed == [
        {
            "thread_id": thread_id,
            "answering": False,
            "last_item_id": answer.id,
            "step_started": None,
        }
    ]

    # A page whose wait began after the turn ended (between two waits) hears it at once.
    status, again = await json_call(assistant, _changes(thread_ids=[thread_id], since=now["since"]))
    assert [c["last_item_id"] for c in again["changed"]] == [answer.id]

    # Bob's wait was not woken by Alice's turn, and his own look reads none of her items.
    for _ in range(5):
        await asyncio.sleep(0)
    assert not bob.done()
    bob.cancel()
    status, bobs = await json_call(assistant, _changes(thread_ids=[thread_id], now=True), BOB)
    assert status == 200
    assert all(c["last_item_id"] is None and not c["answering"] for c in bobs["changed"])


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"thread_ids": []},
        {"thread_ids": "thr_1"},
        {"thread_ids": [7]},
        {"thread_ids": ["t"] * 17},
        # Ids no store can hold (a NUL, a lone surrogate): no conversation of theirs.
        {"thread_ids": ["thr\x00"], "now": True},
        {"thread_ids": ["thr\ud800"], "now": True},
    ],
)
async def test_a_bad_changes_request_is_a_clear_400(
    sqlite_store: SQLStore, params: dict[str, Any]
) -> None:
    assistant = make_assistant(sqlite_store, ScriptedModel([]))
    status, body = await json_call(assistant, _changes(**params))
    assert status == 400 and body["message"]


@pytest.mark.asyncio
async def test_a_page_shown_again_catches_up_with_another_process(tmp_path: Path) -> None:
    # Two server processes on one store (JupyterHub-like): a turn run by one wakes no
    # wait on the other (its notifier is in-process), and a page shown again asks ``now``,
    # which reads the store: the other process's answer is there.
    url = f"sqlite:///{tmp_path / 'two.sqlite3'}"
    store_a, store_b = await open_store(url), await open_store(url)
    try:
        model = ScriptedModel(
            [
                ModelStep(output=[assistant_message("First", item_id="m1")]),
                ModelStep(output=[assistant_message("From A", item_id="m2")]),
            ]
        )
        a = make_assistant(store_a, model)
        b = make_assistant(store_b, ScriptedModel([]))
        created = await stream(a, req("threads.create", input=user_input("hi")))
        thread_id = next(e.thread.id for e in created if isinstance(e, ThreadCreatedEvent))
        _, before = await json_call(b, _changes(thread_ids=[thread_id], now=True))
        waiting = asyncio.ensure_future(
            b.handle(_changes(thread_ids=[thread_id], since=before["since"]), ALICE)
        )
        more = req("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
        await stream(a, more)
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done()
        waiting.cancel()
        _, after = await json_call(b, _changes(thread_ids=[thread_id], now=True))
        assert [c["last_item_id"] for c in before["changed"]] != [
            c["last_item_id"] for c in after["changed"]
        ]
        items = await store_b.load_thread_items(thread_id, None, 5, "desc", ALICE)
        assert after["changed"][0]["last_item_id"] == items.data[0].id
        assert isinstance(items.data[0], AssistantMessageItem)
    finally:
        await store_a.close()
        await store_b.close()


@pytest.mark.asyncio
async def test_a_page_hears_of_a_turn_once_its_model_was_asked(sqlite_store: SQLStore) -> None:
    # Told on the way (the turn taken, its message saved), the page's reply and its next
    # poll ran on the server's thread before the model had its request.
    answer = _as_network_stream(await _recorded_stream("Second"))
    asked, resume = asyncio.Event(), asyncio.Event()

    async def paused(_call: Any) -> AsyncIterator[Any]:
        asked.set()
        await resume.wait()
        for event in answer:
            yield event

    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("First", item_id="m1")]),
            ModelStep(stream_events=paused),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    created = await stream(assistant, req("threads.create", input=user_input("hi")))
    thread_id = next(e.thread.id for e in created if isinstance(e, ThreadCreatedEvent))
    _, before = await json_call(assistant, _changes(thread_ids=[thread_id], now=True))
    page = asyncio.ensure_future(
        assistant.handle(_changes(thread_ids=[thread_id], since=before["since"]), ALICE)
    )
    more = req("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
    result = await assistant.handle(more, ALICE)
    assert isinstance(result, StreamResult)
    transport = HoldingTransport()

    async def read() -> Any:
        with holding_opening(transport):
            return await collect(result.chunks)

    reader = asyncio.ensure_future(read())
    await asyncio.wait_for(asked.wait(), 10)
    for _ in range(5):
        await asyncio.sleep(0)
    # The model is being asked: its turn runs (``now`` says so), the page waits on.
    assert transport.calls == ["hold"]
    _, now = await json_call(assistant, _changes(thread_ids=[thread_id], now=True))
    assert [c["answering"] for c in now["changed"]] == [True]
    assert not page.done()

    resume.set()
    heard = await asyncio.wait_for(page, 10)
    assert isinstance(heard, JsonResult) and heard.status == 200
    assert [c["thread_id"] for c in json.loads(heard.body)["changed"]] == [thread_id]
    assert "release" in transport.calls
    await asyncio.wait_for(reader, 10)


@pytest.mark.asyncio
async def test_a_since_of_digits_python_cannot_read_is_a_fresh_wait(sqlite_store: SQLStore) -> None:
    # "²" is a digit to str.isdigit but not to int(); 5,000 digits pass int()'s limit.
    # Either escaped from the request as a ValueError (a 500 and a traceback); now such a
    # since says nothing, as a since of another process does: a wait from now.
    assistant = make_assistant(sqlite_store, ScriptedModel([]))
    _, now = await json_call(assistant, _changes(thread_ids=["thr_1"], now=True))
    epoch = now["since"].split(":")[0]
    for version in ("\u00b2", "9" * 5000):
        waiting = asyncio.ensure_future(
            assistant.handle(_changes(thread_ids=["thr_1"], since=f"{epoch}:{version}"), ALICE)
        )
        for _ in range(5):
            await asyncio.sleep(0)
        assert not waiting.done(), waiting.exception()
        waiting.cancel()

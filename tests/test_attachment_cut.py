"""A text file longer than the model reads: the model and the person are told it was cut.

Before, a text attachment was cut at 20,000 characters (then to the 16,000 of a result)
with no word to the person, and the model was told only "[truncated]"; the 413 for a
message past max_request_bytes advised attaching the text as a file, as though a file
were read further than a message.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AttachmentCreateParams,
    NoticeEvent,
    ThreadCreatedEvent,
    ThreadItemDoneEvent,
    UserMessageItem,
)

from jupyter_chatkit.assistant.model_input import MAX_ATTACHMENT_CHARS
from jupyter_chatkit.context_policy import MAX_TEXT_CHARS
from jupyter_chatkit.protocol import TURN_NOTICES_KEY
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, json_call, make_assistant, req, stream, user_input
from .test_body_limits import REQUEST_LIMIT, jp_server_config
from .test_handlers import body, expect_error, post

__all__ = ["jp_server_config"]


async def _file(store: SQLStore, text: str, name: str) -> str:
    data = text.encode()
    params = AttachmentCreateParams(name=name, size=len(data), mime_type="text/plain")
    attachment = await store.attachments.create_attachment(params, ALICE)
    await store.attachments.write_bytes(attachment.id, data, ALICE)
    return attachment.id


@pytest.mark.asyncio
async def test_a_cut_file_is_told_to_the_model_and_the_person(store: SQLStore) -> None:
    long_text = "".join(f"line {i:06d}\n" for i in range(5_000))  # 60,000 characters
    long_id = await _file(store, long_text, "long.log")
    short_id = await _file(store, "a,b\n1,2\n", "short.csv")
    model = ScriptedModel([ModelStep(output=[assistant_message("ok")])])
    assistant = make_assistant(store, model)
    message = {**user_input("what is in these?"), "attachments": [long_id, short_id]}

    events = await stream(assistant, req("threads.create", input=message))

    notices = [e for e in events if isinstance(e, NoticeEvent)]
    assert len(notices) == 1 and "long.log" in notices[0].message
    assert f"{len(long_text):,}" in notices[0].message
    assert f"{MAX_ATTACHMENT_CHARS:,}" in notices[0].message
    assert model.last_call is not None
    sent = json.dumps(model.last_call.input)
    # The model reads the cut file's length and where it was cut; the short one whole.
    assert f"{len(long_text):,}" in sent and f"{MAX_ATTACHMENT_CHARS:,}" in sent
    assert "line 000000" in sent and "line 004999" not in sent
    assert "a,b\\n1,2" in sent


@pytest.mark.asyncio
async def test_the_cut_is_told_each_time_the_message_is_answered(sqlite_store: SQLStore) -> None:
    # A message answered again (Retry) is read from the converted items kept in memory:
    # before, the notice came only with the message's first conversion.
    long_id = await _file(sqlite_store, "x" * (MAX_ATTACHMENT_CHARS + 500), "big.txt")
    model = ScriptedModel([ModelStep(output=[assistant_message(t)]) for t in ("a", "b", "c")])
    assistant = make_assistant(sqlite_store, model)
    message = {**user_input("read it"), "attachments": [long_id]}
    events = await stream(assistant, req("threads.create", input=message))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    item_id = next(
        e.item.id
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
    )
    # Kept with the thread (a new one, which its turn's end saves whole), once: a reload
    # (threads.get_by_id) shows it as the stream did; the list of threads does not.
    get = req("threads.get_by_id", thread_id=thread_id)
    (notice,) = [e.model_dump(exclude_none=True) for e in events if isinstance(e, NoticeEvent)]
    assert (await json_call(assistant, get))[1]["metadata"][TURN_NOTICES_KEY] == [notice]
    retry = req("threads.retry_after_item", thread_id=thread_id, item_id=item_id)
    for answered in (events, await stream(assistant, retry), await stream(assistant, retry)):
        notices = [e for e in answered if isinstance(e, NoticeEvent)]
        assert len(notices) == 1 and "big.txt" in notices[0].message
    assert len(model.calls) == 3
    assert (await json_call(assistant, get))[1]["metadata"][TURN_NOTICES_KEY] == [notice]
    _, listed = await json_call(assistant, req("threads.list"))
    assert all(TURN_NOTICES_KEY not in t["metadata"] for t in listed["data"])


@pytest.mark.asyncio
async def test_a_new_conversations_notice_is_kept_with_it_past_its_title(
    sqlite_store: SQLStore,
) -> None:
    # A reload showed no notice: the server kept none. Kept in the thread's metadata now,
    # also through the saves of a new thread's copy (its end, its model title).
    long_id = await _file(sqlite_store, "x" * (MAX_ATTACHMENT_CHARS + 500), "big.txt")
    model = ScriptedModel([ModelStep(output=[assistant_message(t)]) for t in ("a", "Big file")])
    assistant = make_assistant(sqlite_store, model, title_threads=True)
    message = {**user_input("read it"), "attachments": [long_id]}
    events = await stream(assistant, req("threads.create", input=message))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    (notice,) = [e.model_dump(exclude_none=True) for e in events if isinstance(e, NoticeEvent)]
    # (get_by_id waits for the model title a turn's end leaves due.)
    _, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert thread["title"] == "Big file"
    assert thread["metadata"][TURN_NOTICES_KEY] == [notice]


async def test_the_413_advice_says_what_the_assistant_reads(jp_fetch: Callable[..., Any]) -> None:
    err = await expect_error(post(jp_fetch, body("threads.list", m="x" * (2 * REQUEST_LIMIT))))
    assert err.code == 413 and err.response is not None
    message = json.loads(err.response.body)["message"]
    assert f"{MAX_TEXT_CHARS:,}" in message and f"{MAX_ATTACHMENT_CHARS:,}" in message

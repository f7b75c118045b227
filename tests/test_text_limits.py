"""Thread titles, attachment names and MIME types are bounded (a clear 400 past it).

Before, only the 2 MB request limit bounded them: a 1.9 MB title was stored, listed in
every ``threads.list`` page of its owner and sent to every open sidebar; a 1.9 MB
attachment name or type likewise, in every read of its thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem

from jupyter_chatkit.assistant.request_checks import MAX_TOOL_OUTPUT_CHARS
from jupyter_chatkit.context_policy import MAX_TEXT_CHARS
from jupyter_chatkit.store import (
    MAX_ATTACHMENT_NAME_CHARS,
    MAX_MIME_TYPE_CHARS,
    MAX_THREAD_TITLE_CHARS,
    SQLStore,
)

from .chatkit_helpers import (
    ALICE,
    json_call,
    make_assistant,
    parse_sse,
    req,
    stream,
    types_of,
    user_input,
)
from .test_handlers import body, expect_error, jp_server_config, post

__all__ = ["jp_server_config"]


async def _thread(jp_fetch: Callable[..., Any]) -> str:
    streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
    return str(parse_sse(streamed.body)[0].thread.id)  # type: ignore[union-attr]


async def test_a_title_past_the_limit_is_400_and_the_old_one_stays(
    jp_fetch: Callable[..., Any],
) -> None:
    thread_id = await _thread(jp_fetch)
    longest = "t" * MAX_THREAD_TITLE_CHARS
    await post(jp_fetch, body("threads.update", thread_id=thread_id, title=longest))
    err = await expect_error(
        post(jp_fetch, body("threads.update", thread_id=thread_id, title=longest + "x"))
    )
    assert err.code == 400 and err.response is not None
    message = json.loads(err.response.body)["message"]
    assert f"{MAX_THREAD_TITLE_CHARS} characters" in message
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert thread["title"] == longest


@pytest.mark.parametrize(
    ("field", "limit", "needle"),
    [
        ("name", MAX_ATTACHMENT_NAME_CHARS, "name"),
        ("mime_type", MAX_MIME_TYPE_CHARS, "type"),
    ],
)
async def test_attachment_names_and_types_past_the_limit_are_400(
    jp_fetch: Callable[..., Any], field: str, limit: int, needle: str
) -> None:
    params = {"name": "a.txt", "size": 1, "mime_type": "text/plain"}
    at_limit = {**params, field: ("a" * limit)}
    created = json.loads((await post(jp_fetch, body("attachments.create", **at_limit))).body)
    assert created[field] == "a" * limit
    past = {**params, field: ("a" * (limit + 1))}
    err = await expect_error(post(jp_fetch, body("attachments.create", **past)))
    assert err.code == 400 and err.response is not None
    message = json.loads(err.response.body)["message"]
    assert needle in message and f"{limit} characters" in message


@pytest.mark.asyncio
async def test_a_thread_titled_past_the_limit_before_it_existed_still_takes_turns(
    store: SQLStore,
) -> None:
    # The limit bounds renames, not saves: a thread renamed longer before it existed (or
    # written by another version) keeps working, and only a new rename past it is refused.
    assistant = make_assistant(
        store, ScriptedModel([ModelStep(output=[assistant_message("first")])] * 2)
    )
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    thread = await store.load_thread(thread_id, ALICE)
    old_title = "o" * (MAX_THREAD_TITLE_CHARS + 100)
    await store.save_thread(thread.model_copy(update={"title": old_title}), ALICE)

    events = await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("again")),
    )
    assert "error" not in types_of(events)
    assert (await store.load_thread(thread_id, ALICE)).title == old_title
    status, answer = await json_call(
        assistant, req("threads.update", thread_id=thread_id, title=old_title + "x")
    )
    assert status == 400 and f"{MAX_THREAD_TITLE_CHARS} characters" in answer["message"]
    assert (await store.load_thread(thread_id, ALICE)).title == old_title


@pytest.mark.asyncio
async def test_a_message_longer_than_the_model_reads_is_refused_before_it_is_saved(
    store: SQLStore,
) -> None:
    # The model reads at most MAX_TEXT_CHARS of a message: a longer one (under the 2 MB
    # request limit) was saved whole and answered from its first part, the person never
    # told; an edit to the same text was refused. Now both are refused, nothing saved.
    model = ScriptedModel([ModelStep(output=[assistant_message("ok")])] * 2)
    assistant = make_assistant(store, model)
    longest = "w" * MAX_TEXT_CHARS
    events = await stream(assistant, req("threads.create", input=user_input(longest + "!")))
    assert types_of(events) == ["error"]
    assert f"{MAX_TEXT_CHARS:,}" in events[0].message  # type: ignore[union-attr]
    assert (await store.load_threads(10, None, "desc", ALICE)).data == []
    assert not model.calls

    events = await stream(assistant, req("threads.create", input=user_input(longest)))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    assert "error" not in types_of(events)
    before = (await store.load_thread_items(thread_id, None, 100, "asc", ALICE)).data
    events = await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input(longest + "!")),
    )
    assert types_of(events) == ["error"]
    after = (await store.load_thread_items(thread_id, None, 100, "asc", ALICE)).data
    assert [i.id for i in after] == [i.id for i in before]
    assert len(model.calls) == 1


@pytest.mark.asyncio
async def test_a_client_tool_output_past_the_limit_is_refused_and_the_call_still_waits(
    store: SQLStore,
) -> None:
    # A front end's tool output is stored with the thread and sent with every read of it:
    # the chat's own are bounded (16k, an undo record 20k more), but whatever came was
    # kept whole (1.5 MB read back by every sidebar). Past the limit it is refused.
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("list_kernel_variables", {}, call_id="c1")]),
            ModelStep(output=[assistant_message("You have df.")]),
        ]
    )
    assistant = make_assistant(store, model)
    events = await stream(assistant, req("threads.create", input=user_input("what vars?")))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    huge = {"variables": [{"name": "v", "preview": "x" * MAX_TOOL_OUTPUT_CHARS}]}
    events = await stream(
        assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=huge)
    )
    assert types_of(events) == ["error"]
    assert f"{MAX_TOOL_OUTPUT_CHARS:,}" in events[0].message  # type: ignore[union-attr]
    items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
    call = next(i for i in items if isinstance(i, ClientToolCallItem))
    assert call.status == "pending" and call.output is None
    assert len(model.calls) == 1

    output = {"variables": [{"name": "df", "preview": "y" * 20_000}]}
    events = await stream(
        assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=output)
    )
    assert "error" not in types_of(events)
    items = (await store.load_thread_items(thread_id, None, 20, "asc", ALICE)).data
    call = next(i for i in items if isinstance(i, ClientToolCallItem))
    assert call.status == "completed" and call.output == output


@pytest.mark.asyncio
async def test_a_message_with_nothing_in_it_is_refused_before_it_is_saved(
    store: SQLStore,
) -> None:
    # No text, reference, file or quote: ChatKit saved an empty message and the model
    # answered it (the chat never sends one; Chat().ask("") says to ask first).
    model = ScriptedModel([ModelStep(output=[assistant_message("ok")])])
    assistant = make_assistant(store, model)
    empty = {"content": [], "attachments": [], "inference_options": {}}
    blank = {**empty, "content": [{"type": "input_text", "text": " \n\t"}]}
    # Invisible characters only (zero-width space and joiner, a bidi mark, a BOM).
    invisible = {**empty, "content": [{"type": "input_text", "text": "\u200b\u200d\u200e\ufeff "}]}
    for message in (empty, blank, invisible):
        events = await stream(assistant, req("threads.create", input=message))
        assert types_of(events) == ["error"]
    assert (await store.load_threads(10, None, "desc", ALICE)).data == []
    assert not model.calls
    tag = {"type": "input_tag", "id": "c1", "text": "cell 1", "data": {}, "interactive": False}
    events = await stream(assistant, req("threads.create", input={**empty, "content": [tag]}))
    assert "error" not in types_of(events)


@pytest.mark.asyncio
async def test_a_reference_past_the_limit_is_refused_before_it_is_saved(store: SQLStore) -> None:
    # A chip or @-mention carries what the front end read (bounded there to 16k; the
    # model reads 16k of it). One sent by hand with 300k was saved whole, answered from
    # its first part, and sent back with every read of the thread.
    model = ScriptedModel([ModelStep(output=[assistant_message("ok")])])
    assistant = make_assistant(store, model)

    def tag(size: int) -> dict[str, Any]:
        content = {"kind": "file", "content": {"text": "x" * size}}
        return {
            "type": "input_tag",
            "id": "f",
            "text": "a.txt",
            "data": content,
            "interactive": False,
        }

    def asked(*parts: dict[str, Any]) -> dict[str, Any]:
        text = {"type": "input_text", "text": "look"}
        return {"content": [text, *parts], "attachments": [], "inference_options": {}}

    events = await stream(assistant, req("threads.create", input=asked(tag(MAX_TOOL_OUTPUT_CHARS))))
    assert types_of(events) == ["error"]
    assert (await store.load_threads(10, None, "desc", ALICE)).data == []
    assert not model.calls
    # Many references the chat's own size (16k each) are a message like any other.
    events = await stream(assistant, req("threads.create", input=asked(*[tag(16_000)] * 20)))
    assert "error" not in types_of(events) and len(model.calls) == 1

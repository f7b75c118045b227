"""Editing an earlier message, regenerating, and a card's insert counts (issue 11).

NotebookAssistant through ``handle()`` with a scripted model and real SQLite.
"""

from __future__ import annotations

from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import (
    ErrorEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
    WidgetItem,
)

from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, json_call, make_assistant, req, stream, user_input


def said(text: str, item_id: str) -> ModelStep:
    return ModelStep(output=[assistant_message(text, item_id=item_id)])


async def start_thread(
    assistant: NotebookAssistant, store: SQLStore, message: dict[str, Any]
) -> tuple[str, list[Any]]:
    """A new thread opened with ``message``: its id and its stored items, oldest first."""
    events = await stream(assistant, req("threads.create", input=message))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    return thread_id, (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data


async def edit(
    assistant: NotebookAssistant, thread_id: str, item_id: str, text: str, **seen: str
) -> list[Any]:
    """The events of editing message ``item_id`` of ``thread_id`` to ``text`` (re-sent);
    ``last_item_id=`` the newest item the page has seen."""
    action = {"type": "message.edit", "payload": {"item_id": item_id, "text": text, **seen}}
    return await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )


def edited_message(events: list[Any]) -> UserMessageItem:
    """The re-sent user message among an edit's events."""
    return next(
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
    )


@pytest.mark.asyncio
async def test_editing_an_earlier_message_replaces_it_and_what_followed(store: SQLStore) -> None:
    model = ScriptedModel([said("One.", "m1"), said("Two.", "m2"), said("Edited answer.", "m3")])
    assistant = make_assistant(store, model)
    thread_id, _ = await start_thread(assistant, store, user_input("first question"))
    await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("second")),
    )
    items = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    first_msg = items[0]
    assert isinstance(first_msg, UserMessageItem)

    events = await edit(assistant, thread_id, first_msg.id, "better")
    removed = {e.item_id for e in events if isinstance(e, ThreadItemRemovedEvent)}
    assert removed == {i.id for i in items}
    kept = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    assert [i.type for i in kept] == ["user_message", "assistant_message"]
    assert kept[0].content[0].text == "better"
    assert "Edited answer." in kept[1].content[0].text
    # The model saw only the edited message, not the old turns.
    request = str(model.calls[-1].input)
    assert "better" in request
    assert "first question" not in request and "second" not in request


@pytest.mark.asyncio
async def test_an_edit_from_a_page_that_missed_a_newer_message_deletes_nothing(
    store: SQLStore,
) -> None:
    # A stale tab (its newest item the first answer) edits the first message after a
    # message was sent in another window: the edit would delete that message and its
    # answer. Refused under the thread's turn, one error event, nothing changed.
    model = ScriptedModel([said("One.", "m1"), said("Two.", "m2"), said("Edited.", "m3")])
    assistant = make_assistant(store, model)
    thread_id, items = await start_thread(assistant, store, user_input("first question"))
    first, answer = items[0].id, items[-1].id
    await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("elsewhere")),
    )
    before = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    for stale in (answer, "missing"):  # an older item, or one no longer there
        events = await edit(assistant, thread_id, first, "better", last_item_id=stale)
        said_ = [e for e in events if e.type != "stream_options"]
        assert [type(e) for e in said_] == [ErrorEvent], events
        assert said_[0].message and "newer message" in said_[0].message
        assert not said_[0].allow_retry
        assert (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data == before
        assert len(model.calls) == 2
    # A page that saw the thread's newest item edits as before.
    events = await edit(assistant, thread_id, first, "better", last_item_id=before[-1].id)
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    kept = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    assert [i.type for i in kept] == ["user_message", "assistant_message"]
    assert kept[0].content[0].text == "better"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("payload", "needle"),
    [
        ({"item_id": "nope", "text": "x"}, "can be edited"),
        ({"item_id": "nope"}, "new text"),
        ({"text": "   "}, "new text"),
        # The first message's id (below), with invisible characters only.
        ({"item_id": "FIRST", "text": "\u200b\ufeff "}, "new text"),
    ],
)
async def test_bad_edits_are_one_error_event(
    store: SQLStore, payload: dict[str, Any], needle: str
) -> None:
    model = ScriptedModel([said("One.", "m1")])
    assistant = make_assistant(store, model)
    first = await stream(assistant, req("threads.create", input=user_input("q")))
    thread_id = next(e.thread.id for e in first if e.type == "thread.created")
    if payload.get("item_id") == "FIRST":
        message = next(e.item for e in first if e.type == "thread.item.done")
        payload = {**payload, "item_id": message.id}
    action = {"type": "message.edit", "payload": payload}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and needle in (errors[0].message or "")
    assert not any(isinstance(e, ThreadItemRemovedEvent) for e in events)


@pytest.mark.asyncio
async def test_insert_and_insert_and_run_are_counted_separately(store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[function_call("propose_code", {"code": "x = 1"}, call_id="c", item_id="f")]
            ),
            said("Here.", "m"),
        ]
    )
    assistant = make_assistant(store, model)
    events = await stream(assistant, req("threads.create", input=user_input("code please")))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    card = next(
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    )

    async def click(kind: str) -> str:
        action = {"type": kind, "payload": {"position": "below"}}
        out = await stream(
            assistant,
            req("threads.custom_action", thread_id=thread_id, item_id=card.id, action=action),
        )
        replaced = next(e for e in out if isinstance(e, ThreadItemReplacedEvent))
        dumped = replaced.item.widget.model_dump()
        return _status(dumped)

    assert await click("notebook.insert_cell") == "✓ Inserted in the notebook"
    assert (
        await click("notebook.insert_and_run_cell")
        == "✓ Inserted · Inserted and ran in the notebook"
    )
    assert (
        await click("notebook.insert_cell")
        == "✓ Inserted 2 times · Inserted and ran in the notebook"
    )


def _status(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("id") == "jck-card-status":
            return str(node.get("value"))
        for child in node.get("children") or []:
            found = _status(child)
            if found:
                return found
    return ""


@pytest.mark.asyncio
async def test_an_edit_keeps_the_context_chips_and_the_mentions_it_still_names(
    store: SQLStore,
) -> None:
    """The edit box shows the words (mentions by name); the chips that went with the
    message are context, not words, and stay with the edited message, as do mentions
    whose names the new text keeps. A mention edited away goes."""
    model = ScriptedModel([said("One.", "m1"), said("Edited answer.", "m2")])
    assistant = make_assistant(store, model)
    chip = {"kind": "cell", "label": "cell 3", "content": {"source": "x = 1"}, "chip": True}
    message = user_input("plot ")
    message["content"] += [
        {"type": "input_tag", "id": "var:df", "text": "df", "data": {"content": "frame"}},
        {"type": "input_text", "text": " against "},
        {"type": "input_tag", "id": "var:sales", "text": "sales", "data": {"content": "s"}},
        {"type": "input_tag", "id": "cell:3", "text": "cell 3", "data": chip, "interactive": True},
    ]
    thread_id, items = await start_thread(assistant, store, message)
    edited = edited_message(await edit(assistant, thread_id, items[0].id, "bar plot df"))
    assert [(p.type, p.text) for p in edited.content] == [
        ("input_text", "bar plot "),
        ("input_tag", "df"),
        ("input_tag", "cell 3"),
    ]
    # The chip's context reached the model again.
    assert "x = 1" in str(model.calls[-1].input)


@pytest.mark.asyncio
async def test_an_edit_keeps_each_mention_where_the_new_text_names_it(store: SQLStore) -> None:
    """A kept mention stands where the edited words name it, as in the message sent: the
    model reads ``Why does @cell 2 fail?`` (not ``Why does cell 2 fail?@cell 2``) and
    the conversation is titled by the words alone. Names in another order than the
    original's, an ``@`` typed before one, and a name inside a longer word (``df`` in
    ``pdf``) are each read as written."""
    model = ScriptedModel([said(f"A{n}.", f"m{n}") for n in range(4)])
    assistant = make_assistant(store, model, title_threads="local")
    message = user_input("Fix the error in ")
    message["content"] += [
        {"type": "input_tag", "id": "cell:2", "text": "cell 2", "data": {"content": "1/0"}},
        {"type": "input_text", "text": ": ZeroDivisionError"},
    ]
    thread_id, items = await start_thread(assistant, store, message)
    edited = edited_message(await edit(assistant, thread_id, items[0].id, "Why does cell 2 fail?"))
    assert [(p.type, p.text) for p in edited.content] == [
        ("input_text", "Why does "),
        ("input_tag", "cell 2"),
        ("input_text", " fail?"),
    ]
    assert "Why does @cell 2 fail?" in str(model.calls[-1].input)
    assert (await store.load_thread(thread_id, ALICE)).title == "Why does cell 2 fail?"

    message = user_input("compare ")
    message["content"] += [
        {"type": "input_tag", "id": "var:df", "text": "df", "data": {"content": "frame"}},
        {"type": "input_text", "text": " and "},
        {"type": "input_tag", "id": "var:sales", "text": "sales", "data": {"content": "s"}},
    ]
    thread_id, items = await start_thread(assistant, store, message)
    text = "save the pdf of @sales, then df"
    edited = edited_message(await edit(assistant, thread_id, items[0].id, text))
    assert [(p.type, p.text) for p in edited.content] == [
        ("input_text", "save the pdf of "),
        ("input_tag", "sales"),
        ("input_text", ", then "),
        ("input_tag", "df"),
    ]
    assert "save the pdf of @sales, then @df" in str(model.calls[-1].input)


@pytest.mark.asyncio
async def test_an_edit_that_names_a_mention_only_inside_a_word_drops_it(store: SQLStore) -> None:
    """``df`` inside ``pdf`` is no mention of df: the edit drops it and its words reach
    the model as typed, not split around it (``save the p@df``)."""
    model = ScriptedModel([said(f"A{n}.", f"m{n}") for n in range(3)])
    assistant = make_assistant(store, model, title_threads="local")
    message = user_input("plot ")
    message["content"] += [
        {"type": "input_tag", "id": "var:df", "text": "df", "data": {"content": "frame"}},
        {"type": "input_text", "text": " and "},
        {"type": "input_tag", "id": "var:sales", "text": "sales", "data": {"content": "s"}},
    ]
    thread_id, items = await start_thread(assistant, store, message)
    edited = edited_message(await edit(assistant, thread_id, items[0].id, "save the pdf of sales"))
    assert [(p.type, p.text) for p in edited.content] == [
        ("input_text", "save the pdf of "),
        ("input_tag", "sales"),
    ]
    assert "save the pdf of @sales" in str(model.calls[-1].input)
    assert "@df" not in str(model.calls[-1].input)
    # A name written against text of another script still names it.
    message = user_input("plot ")
    message["content"] += [
        {"type": "input_tag", "id": "var:df", "text": "df", "data": {"content": "frame"}}
    ]
    thread_id, items = await start_thread(assistant, store, message)
    edited = edited_message(await edit(assistant, thread_id, items[0].id, "dfを描いて"))
    assert [(p.type, p.text) for p in edited.content] == [
        ("input_tag", "df"),
        ("input_text", "を描いて"),
    ]


@pytest.mark.asyncio
async def test_editing_the_first_message_renames_a_conversation_named_after_it(
    store: SQLStore,
) -> None:
    """A conversation named after its first words (the local title) is named after the
    edited words; one the person renamed, or an edit of a later message, keeps its name."""
    model = ScriptedModel([said(f"A{n}.", f"m{n}") for n in range(7)])
    assistant = make_assistant(store, model, title_threads="local")

    thread_id, items = await start_thread(assistant, store, user_input("plot the sales"))
    events = await edit(assistant, thread_id, items[0].id, "plot the revenue by region")
    assert [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)] == [
        "plot the revenue by region"
    ]
    assert (await store.load_thread(thread_id, ALICE)).title == "plot the revenue by region"

    # Renamed by the person: their name stays.
    thread_id, items = await start_thread(assistant, store, user_input("plot the sales"))
    await json_call(assistant, req("threads.update", thread_id=thread_id, title="Sales"))
    await edit(assistant, thread_id, items[0].id, "plot the revenue")
    assert (await store.load_thread(thread_id, ALICE)).title == "Sales"

    # A later message with the same words edited: still named after the first.
    thread_id, _ = await start_thread(assistant, store, user_input("plot the sales"))
    await stream(
        assistant,
        req("threads.add_user_message", thread_id=thread_id, input=user_input("plot the sales")),
    )
    items = (await store.load_thread_items(thread_id, None, 50, "asc", ALICE)).data
    assert isinstance(items[-2], UserMessageItem) and items[-2].id != items[0].id
    await edit(assistant, thread_id, items[-2].id, "and margins")
    assert (await store.load_thread(thread_id, ALICE)).title == "plot the sales"
    model.assert_complete()


@pytest.mark.asyncio
async def test_an_edit_keeps_the_messages_attachments(store: SQLStore) -> None:
    model = ScriptedModel([said("One.", "m1"), said("Edited answer.", "m2")])
    assistant = make_assistant(store, model)
    status, attachment = await json_call(
        assistant, req("attachments.create", name="sales.csv", size=19, mime_type="text/csv")
    )
    assert status == 200
    await assistant.write_attachment(attachment["id"], b"region,qty\nnorth,7\n", ALICE)
    message = {**user_input("sum the file"), "attachments": [attachment["id"]]}
    thread_id, items = await start_thread(assistant, store, message)
    edited = edited_message(await edit(assistant, thread_id, items[0].id, "average it"))
    assert [a.id for a in edited.attachments] == [attachment["id"]]
    # The file reached the model with the edited question.
    assert "north,7" in str(model.calls[-1].input)
    model.assert_complete()

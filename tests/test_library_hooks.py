"""Our code that stands in for private methods of ChatKit keeps giving what they give.

``results.wire_json``, ``thread_responses.thread_response`` and
``user_messages.user_message`` replace calls of ``ChatKitServer._serialize``,
``._to_thread_response`` and ``._build_user_message_item``: compared here with
the installed ChatKit's, so a ChatKit that changes its wire format fails this test
(private methods are read here only, never called by the package).
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from chatkit.server import ChatKitServer
from chatkit.types import (
    FileAttachment,
    HiddenContextItem,
    InferenceOptions,
    LockedStatus,
    Page,
    Thread,
    ThreadCreatedEvent,
    ThreadMetadata,
    UserMessageInput,
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant.results import wire_json
from jupyter_chatkit.assistant.thread_responses import thread_response
from jupyter_chatkit.assistant.user_messages import user_message
from tests.chatkit_helpers import ALICE

if TYPE_CHECKING:
    from jupyter_chatkit.store import SQLStore

_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _thread() -> Thread:
    attachment = FileAttachment(
        id="att_1", name="data.csv", mime_type="text/csv", metadata={"path": "/srv/private"}
    )
    message = UserMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=_WHEN,
        content=[UserMessageTextContent(text="look at this")],
        attachments=[attachment],
        inference_options=InferenceOptions(),
    )
    hidden = HiddenContextItem(id="hid_1", thread_id="thr_1", created_at=_WHEN, content="x")
    return Thread(
        id="thr_1",
        title="A title",
        created_at=_WHEN,
        status=LockedStatus(reason="read only"),
        allowed_image_domains=["example.org"],
        metadata={"secret": "stays on the server"},
        items=Page(data=[message, hidden], has_more=True, after="hid_1"),
    )


def _chatkit_response(thread: ThreadMetadata | Thread) -> Thread:
    # What the installed ChatKit's own (private) builder makes of a copy of ``thread``.
    return ChatKitServer._to_thread_response(None, thread.model_copy(deep=True))  # type: ignore[arg-type]


def test_thread_response_is_chatkits() -> None:
    for thread in (_thread(), ThreadMetadata(**_thread().model_dump(exclude={"items"}))):
        ours = thread_response(thread, {})
        assert ours == _chatkit_response(thread)
        assert [item.id for item in ours.items.data] == (
            ["msg_1"] if isinstance(thread, Thread) else []
        )


def test_thread_response_carries_only_the_given_metadata() -> None:
    response = thread_response(_thread(), {"notebook": "a.ipynb"})
    assert response.metadata == {"notebook": "a.ipynb"}


def test_wire_json_is_chatkits() -> None:
    event = ThreadCreatedEvent(thread=thread_response(_thread(), {"notebook": "a.ipynb"}))
    ours = wire_json(event)
    assert ours == ChatKitServer._serialize(None, event)  # type: ignore[arg-type]
    assert b"/srv/private" not in ours
    assert b"stays on the server" not in ours


@pytest.mark.asyncio
async def test_user_message_is_chatkits(sqlite_store: SQLStore) -> None:
    attachment = FileAttachment(id="att_1", name="data.csv", mime_type="text/csv")
    await sqlite_store.save_attachment(attachment, ALICE)
    thread = ThreadMetadata(id="thr_1", created_at=_WHEN)
    request_input = UserMessageInput(
        content=[UserMessageTextContent(text="look at this")],
        attachments=["att_1"],
        quoted_text="a quote",
        inference_options=InferenceOptions(model="gpt-x"),
    )
    ours = await user_message(sqlite_store, request_input, thread, ALICE)
    chatkits = await ChatKitServer._build_user_message_item(
        SimpleNamespace(store=sqlite_store),  # type: ignore[arg-type]
        request_input,
        thread,
        ALICE,
    )
    assert ours.attachments[0].thread_id == "thr_1"
    assert ours.id != chatkits.id
    assert ours.model_dump(exclude={"id", "created_at"}) == chatkits.model_dump(
        exclude={"id", "created_at"}
    )

"""Our code that stands in for private methods of ChatKit keeps giving what they give.

``results.wire_json`` and ``thread_responses.thread_response`` replace calls of
``ChatKitServer._serialize`` and ``ChatKitServer._to_thread_response``: compared here with
the installed ChatKit's, so a ChatKit that changes its wire format fails this test
(private methods are read here only, never called by the package).
"""

from __future__ import annotations

from datetime import UTC, datetime

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
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant.results import wire_json
from jupyter_chatkit.assistant.thread_responses import thread_response

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

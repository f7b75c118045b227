"""What a turn keeps of its half-streamed items (turn.track_pending) for a failure."""

from __future__ import annotations

from datetime import datetime

from chatkit.types import (
    Annotation,
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    FileSource,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemUpdatedEvent,
)

from jupyter_chatkit.assistant.turn import settle_pending, track_pending


def test_a_pending_answer_is_a_copy_chatkit_does_not_change() -> None:
    """ChatKit goes on changing the item it streamed (its content parts, their text and
    annotations); the turn's own copy follows the events only."""
    source = FileSource(filename="a.py", title="a")
    part = AssistantMessageContent(text="Hel", annotations=[Annotation(source=source)])
    streamed = AssistantMessageItem(
        id="msg_1", thread_id="thr_1", created_at=datetime(2026, 1, 1), content=[part]
    )
    pending: dict[str, ThreadItem] = {}
    track_pending(pending, ThreadItemAddedEvent(item=streamed))
    kept = pending["msg_1"]
    assert kept == streamed and kept is not streamed
    # ChatKit's bookkeeping, in place.
    streamed.content[0].text += "lo there"
    streamed.content[0].annotations.clear()
    streamed.content.append(AssistantMessageContent(text="more"))
    assert kept.content == [
        AssistantMessageContent(text="Hel", annotations=[Annotation(source=source)])
    ]
    track_pending(
        pending,
        ThreadItemUpdatedEvent(
            item_id="msg_1",
            update=AssistantMessageContentPartTextDelta(content_index=0, delta="lo"),
        ),
    )
    added = AssistantMessageContent(text="")
    track_pending(
        pending,
        ThreadItemUpdatedEvent(
            item_id="msg_1",
            update=AssistantMessageContentPartAdded(content_index=1, content=added),
        ),
    )
    added.text = "changed by ChatKit"
    assert [p.text for p in kept.content] == ["Hello", ""]
    (done,) = settle_pending(pending)
    assert done.item.id == "msg_1" and done.item.content[0].text.startswith("Hello")
    assert streamed.content[0].text == "Hello there"

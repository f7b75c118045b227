"""Events a watcher or an error path gets are encoded as ChatKit encodes them for the live
client (``results.sse``): integration-only attachment metadata stays on the server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chatkit.server import ChatKitServer
from chatkit.types import (
    FileAttachment,
    InferenceOptions,
    ThreadItemAddedEvent,
    UserMessageItem,
    UserMessageTextContent,
)

from jupyter_chatkit.assistant.results import sse
from jupyter_chatkit.assistant.running import RunningTurn


def _event() -> ThreadItemAddedEvent:
    attachment = FileAttachment(
        id="att_1", name="data.csv", mime_type="text/csv", metadata={"path": "/srv/private/key"}
    )
    item = UserMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        content=[UserMessageTextContent(text="look at this")],
        attachments=[attachment],
        inference_options=InferenceOptions(),
    )
    return ThreadItemAddedEvent(item=item)


def test_sse_drops_attachment_metadata_as_chatkit_does() -> None:
    event = _event()
    ours = sse(event)
    assert ours == b"data: " + ChatKitServer._serialize(None, event) + b"\n\n"  # type: ignore[arg-type]
    sent = json.loads(ours.removeprefix(b"data: "))
    assert sent["item"]["attachments"][0]["name"] == "data.csv"
    assert "metadata" not in sent["item"]["attachments"][0]


def test_a_late_watcher_gets_what_the_live_client_got() -> None:
    turn = RunningTurn("thr_1", "alice", None)
    turn.add(_event())
    kept = [chunk for chunk in turn._kept or () if isinstance(chunk, bytes)]
    assert kept and b"/srv/private/key" not in kept[0]

"""Red team: ids of another user's things, mixed into one's own requests (two users, one
server and one store, as behind JupyterHub).

tests/test_isolation_http.py covers another user's thread ids; these are the mixes: one's
own thread with the other's item or attachment id, and the request types no other test
sends with them (an attachment id in ``threads.create``, ``threads.sync_custom_action`` and
``threads.add_structured_input`` on the other's thread).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .chatkit_helpers import parse_sse, types_of, user_input
from .test_handlers import body
from .test_isolation_http import ALICE, BOB, call, jp_server_config, status_of

__all__ = ["jp_server_config"]


async def _thread(jp_fetch: Callable[..., Any], who: dict[str, str], text: str) -> tuple[str, str]:
    events = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input(text)), who)).body
    )
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    item = next(
        e.item.id for e in events if e.type == "thread.item.done" and e.item.type == "user_message"
    )
    return thread_id, item


async def _uploaded(
    jp_fetch: Callable[..., Any], who: dict[str, str], data: bytes, name: str = "s.txt"
) -> str:
    created = json.loads(
        (
            await call(
                jp_fetch,
                body("attachments.create", name=name, size=len(data), mime_type="text/plain"),
                who,
            )
        ).body
    )
    await jp_fetch(
        "jupyter-chatkit", "attachments", created["id"], method="PUT", body=data, headers=who
    )
    return str(created["id"])


async def test_own_thread_with_the_other_users_item_or_attachment_ids(
    jp_fetch: Callable[..., Any],
) -> None:
    alice_thread, alice_item = await _thread(jp_fetch, ALICE, "alice's secret plan")
    alice_file = await _uploaded(jp_fetch, ALICE, b"alice's file contents")
    bob_thread, _ = await _thread(jp_fetch, BOB, "bob here")

    # Bob's own thread, Alice's item: nothing of hers is read, changed or answered.
    assert await status_of(
        jp_fetch,
        body("items.feedback", thread_id=bob_thread, item_ids=[alice_item], kind="negative"),
        BOB,
    ) in (200, 404)
    for payload in (
        body("threads.retry_after_item", thread_id=bob_thread, item_id=alice_item),
        body(
            "threads.custom_action",
            thread_id=bob_thread,
            item_id=alice_item,
            action={"type": "message.edit", "payload": {"item_id": alice_item, "text": "x"}},
        ),
    ):
        events = parse_sse((await call(jp_fetch, payload, BOB)).body)
        assert types_of(events)[-1] == "error", payload
        assert "secret plan" not in json.dumps([e.model_dump(mode="json") for e in events])

    # Bob's message naming Alice's uploaded file: refused, and nothing of it reaches him.
    sent = await call(
        jp_fetch,
        body(
            "threads.add_user_message",
            thread_id=bob_thread,
            input={**user_input("read it"), "attachments": [alice_file]},
        ),
        BOB,
    )
    assert "alice's file" not in sent.body.decode()
    # Nor can he delete it.
    assert (
        await status_of(jp_fetch, body("attachments.delete", attachment_id=alice_file), BOB) == 404
    )

    # Alice's thread and file are as she left them.
    thread = json.loads(
        (await call(jp_fetch, body("threads.get_by_id", thread_id=alice_thread), ALICE)).body
    )
    assert thread["items"]["data"][0]["id"] == alice_item
    assert thread["items"]["data"][0]["content"][0]["text"] == "alice's secret plan"
    assert all(not i.get("feedback") for i in thread["items"]["data"])
    got = await jp_fetch("jupyter-chatkit", "attachments", alice_file, headers=ALICE)
    assert got.body == b"alice's file contents"
    bob = json.loads(
        (await call(jp_fetch, body("threads.get_by_id", thread_id=bob_thread), BOB)).body
    )
    assert "alice" not in json.dumps(bob)


async def test_the_other_users_thread_cannot_be_stopped_or_watched(
    jp_fetch: Callable[..., Any],
) -> None:
    from jupyter_chatkit.protocol import Turn

    alice_thread, _ = await _thread(jp_fetch, ALICE, "alice's secret plan")
    stop = json.dumps({"type": Turn.STOP, "params": {"thread_id": alice_thread}})
    assert await status_of(jp_fetch, stop, BOB) == 404
    watch = json.dumps({"type": Turn.WATCH, "params": {"thread_id": alice_thread}})
    events = parse_sse((await call(jp_fetch, watch, BOB)).body)
    assert types_of(events) == ["error"]
    assert "secret plan" not in json.dumps([e.model_dump(mode="json") for e in events])
    # Her own Stop is answered (nothing runs now), so the 404 above was the owner check.
    assert json.loads((await call(jp_fetch, stop, ALICE)).body) == {"stopped": 0}


async def test_bob_cannot_delete_or_attach_alices_attachment(jp_fetch: Callable[..., Any]) -> None:
    attachment_id = await _uploaded(jp_fetch, ALICE, b"alices", name="secret.txt")
    status = await status_of(jp_fetch, body("attachments.delete", attachment_id=attachment_id), BOB)
    assert status in (400, 404), status
    download = await jp_fetch("jupyter-chatkit", "attachments", attachment_id, headers=ALICE)
    assert download.body == b"alices"

    payload = user_input("read my file")
    payload["attachments"] = [attachment_id]
    response = await call(jp_fetch, body("threads.create", input=payload), BOB)
    events = parse_sse(response.body)
    text = response.body.decode()
    assert "secret.txt" not in text, types_of(events)
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("jupyter-chatkit", "attachments", attachment_id, headers=BOB)
    assert info.value.code == 404


async def test_bob_cannot_use_alices_items_from_his_own_thread(
    jp_fetch: Callable[..., Any],
) -> None:
    alice_thread, alice_item = await _thread(jp_fetch, ALICE, "alice's plan")
    bob_thread, _ = await _thread(jp_fetch, BOB, "bob")

    for payload in (
        body("threads.retry_after_item", thread_id=bob_thread, item_id=alice_item),
        body(
            "threads.custom_action",
            thread_id=bob_thread,
            item_id=alice_item,
            action={"type": "notebook.insert_cell", "payload": {"code": "x"}},
        ),
    ):
        response = await call(jp_fetch, payload, BOB)
        assert "alice's plan" not in response.body.decode(), payload
    feedback = body("items.feedback", thread_id=bob_thread, item_ids=[alice_item], kind="negative")
    assert await status_of(jp_fetch, feedback, BOB) == 404
    for payload in (
        body(
            "threads.sync_custom_action",
            thread_id=alice_thread,
            item_id=alice_item,
            action={"type": "notebook.insert_cell", "payload": {"code": "x"}},
        ),
        body("threads.add_structured_input", thread_id=alice_thread, input={}),
    ):
        status = await status_of(jp_fetch, payload, BOB)
        assert status in (400, 404), (status, payload)
    thread = json.loads(
        (await call(jp_fetch, body("threads.get_by_id", thread_id=alice_thread), ALICE)).body
    )
    texts = json.dumps(thread["items"]["data"])
    assert "alice's plan" in texts

"""User B, with a valid token, against user A's attachments and items through the
request types test_isolation_http does not cover: attachments.delete, an attachment id in
B's own message, A's item ids under B's own thread (retry, custom action, feedback),
threads.sync_custom_action and threads.add_structured_input on A's thread. Coverage of
the hardening round: all hold at the commit that adds them (nothing found to fix)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from .chatkit_helpers import parse_sse, types_of, user_input
from .test_handlers import body
from .test_isolation_http import ALICE, BOB, call, jp_server_config, status_of  # noqa: F401


async def _alice_attachment(jp_fetch: Callable[..., Any]) -> str:
    created = json.loads(
        (
            await call(
                jp_fetch,
                body("attachments.create", name="secret.txt", size=6, mime_type="text/plain"),
                ALICE,
            )
        ).body
    )
    await jp_fetch(
        "jupyter-chatkit", "attachments", created["id"], method="PUT", body=b"alices", headers=ALICE
    )
    return str(created["id"])


async def test_bob_cannot_delete_or_attach_alices_attachment(jp_fetch: Callable[..., Any]) -> None:
    attachment_id = await _alice_attachment(jp_fetch)
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
    created = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input("alice's plan")), ALICE)).body
    )
    alice_thread = created[0].thread.id  # type: ignore[union-attr]
    alice_item = next(
        e.item.id for e in created if e.type == "thread.item.done" and e.item.type == "user_message"
    )
    mine = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input("bob")), BOB)).body
    )
    bob_thread = mine[0].thread.id  # type: ignore[union-attr]

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

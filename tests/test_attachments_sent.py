"""A sent message's attachments are what was sent: their bytes cannot be replaced after.

Before, ``PUT jupyter-chatkit/attachments/<id>`` wrote new bytes (of the announced size)
over an attachment a stored message already held: the message, its download and what the
model read of it on a retry or an edit changed after it was sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, expect_error, jp_server_config, post

__all__ = ["jp_server_config"]


async def _put(jp_fetch: Callable[..., Any], attachment_id: str, data: bytes) -> Any:
    return await jp_fetch("jupyter-chatkit", "attachments", attachment_id, method="PUT", body=data)


async def test_a_sent_attachment_cannot_be_uploaded_again(jp_fetch: Callable[..., Any]) -> None:
    sent, changed = b"the numbers: 1, 2, 3", b"other numbers: 9, 9"
    changed = changed.ljust(len(sent))
    announce = body("attachments.create", name="n.txt", size=len(sent), mime_type="text/plain")
    attachment_id = json.loads((await post(jp_fetch, announce)).body)["id"]
    await _put(jp_fetch, attachment_id, changed)
    # Before it is sent, the upload may be done again (a retried upload).
    await _put(jp_fetch, attachment_id, sent)

    message = {**user_input("what is in the file?"), "attachments": [attachment_id]}
    events = parse_sse((await post(jp_fetch, body("threads.create", input=message))).body)
    thread_id = events[0].thread.id  # type: ignore[union-attr]

    err = await expect_error(_put(jp_fetch, attachment_id, changed))
    assert err.code == 409 and err.response is not None
    assert json.loads(err.response.body)["message"]
    download = await jp_fetch("jupyter-chatkit", "attachments", attachment_id)
    assert download.body == sent
    # The page keeps working: the thread reads, another message is answered.
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    assert [a["id"] for a in thread["items"]["data"][0]["attachments"]] == [attachment_id]
    more = body("threads.add_user_message", thread_id=thread_id, input=user_input("thanks"))
    assert parse_sse((await post(jp_fetch, more)).body)[-1].type != "error"

"""A page's wait for turn changes (``Turn.CHANGES``) ends when its page goes away, and is
never counted as a request in progress."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from traitlets.config import Config

from jupyter_chatkit.protocol import LOCAL_USER, Turn

from .test_handlers import server_config


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path)


async def test_a_wait_ends_with_its_page_and_never_holds_back_the_freeze(
    jp_serverapp: Any,
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Before: a page gone (a reload, a closed tab) left its wait held for up to 25 s,
    # one of the user's 32; and a held wait counted as a request in progress, so the
    # freeze after the start waited for its 60 s fallback while any page polled.
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    changes = (await holder.get()).running.changes
    url = f"http://127.0.0.1:{jp_http_port}{jp_base_url}jupyter-chatkit/chatkit"
    wait = json.dumps({"type": Turn.CHANGES, "params": {"thread_ids": ["thr_a"]}})
    headers = {"Authorization": f"token {jp_serverapp.identity_provider.token}"}

    async def page() -> None:
        async with httpx.AsyncClient(timeout=30) as client:
            await client.post(url, content=wait, headers=headers)

    waiting = asyncio.ensure_future(page())
    for _ in range(200):
        if changes.waiting(LOCAL_USER):
            break
        await asyncio.sleep(0.05)
    assert changes.waiting(LOCAL_USER) == 1
    assert holder.idle
    waiting.cancel()  # the client closes its connection
    for _ in range(100):
        if not changes.waiting(LOCAL_USER):
            break
        await asyncio.sleep(0.05)
    assert changes.waiting(LOCAL_USER) == 0  # well before the wait's own 25 s
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text

"""A page's wait for turn changes when the server stops: "nothing changed", never an error."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_chatkit.protocol import Turn

from .fixtures.endpoint import Endpoint, body
from .fixtures.fake_llm import FakeLLM
from .test_handlers import server_config


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM) -> Config:
    return server_config(tmp_path, base_url=fake_llm.base_url, api_key="sk-test", model="m")


async def test_a_wait_cut_by_shutdown_and_the_next_one_answer_nothing_changed(
    endpoint: Endpoint, jp_serverapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # The page's open long-poll when Jupyter stops (its extensions are stopped first,
    # while the HTTP server still answers), and the page's next one: before, a 503 whose
    # error block Jupyter logged with the request's headers.
    await endpoint.holder.get()
    changes = body(Turn.CHANGES, thread_ids=["thr_a"])
    waiting = asyncio.ensure_future(endpoint.json(changes))
    await asyncio.sleep(0.3)  # the wait is held
    app = next(iter(jp_serverapp.extension_manager.extension_apps["jupyter_chatkit"]))
    await app.stop_extension()
    status, answer = await asyncio.wait_for(waiting, 20)
    assert status == 200 and answer["changed"] == []
    status, answer = await endpoint.json(changes)
    assert status == 200 and answer["changed"] == [], answer
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text

"""The warm-up turn after start (assistant/warm_turn.py, run by the server's holder).

It answers one message through the real stack against a canned provider inside the
process: the configured provider (here the fake LLM, or OpenAI itself, which the
llm_guard fixture would refuse to reach) never hears of it, the person's store gets no
thread, and a warm-up that fails leaves the server answering as before.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_chatkit.assistant.warm_turn import WARM_USER, _quiet
from jupyter_chatkit.serverext.holder import AssistantHolder

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse
from .test_handlers import answer_of, body, post, server_config


def _holder(app: Any) -> AssistantHolder:
    return app.web_app.settings["jupyter_chatkit"]["holder"]  # type: ignore[no-any-return]


async def _warmed(holder: AssistantHolder) -> None:
    await holder.warm_up_ended()
    assert holder.warmed


def _rows(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture(params=["chat_completions", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM, api: str) -> Config:
    return server_config(
        tmp_path, base_url=fake_llm.base_url, api_key="sk-warm-test", api=api, model="fake-model"
    )


async def test_the_warm_up_turn_never_reaches_the_provider_nor_the_store(
    jp_serverapp: Any, jp_fetch: Callable[..., Any], fake_llm: FakeLLM, tmp_path: Path
) -> None:
    holder = _holder(jp_serverapp)
    await _warmed(holder)
    # Two model requests (a client tool call, then the answer) were answered in
    # process: the configured server heard nothing.
    assert holder.warm_requests == 2
    assert fake_llm.calls == []
    # Nothing was written to the person's store.
    db = tmp_path / "chat.sqlite3"
    assert _rows(db, "threads") == 0 and _rows(db, "items") == 0
    health = json.loads((await jp_fetch("jupyter-chatkit", "health")).body)
    assert health["ready"] and health["warm"]
    # The first real turn goes to the provider as usual.
    fake_llm.script(Reply("The first real answer."))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    assert answer_of(events) == "The first real answer."
    assert len(fake_llm.requests) == 1
    assert WARM_USER not in json.dumps(fake_llm.requests[0])
    assert _rows(db, "threads") == 1


async def test_a_failed_warm_up_leaves_the_server_answering(
    jp_serverapp: Any,
    jp_fetch: Callable[..., Any],
    fake_llm: FakeLLM,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # No usable temporary directory: the warm-up cannot open its throwaway store.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-dir"))
    caplog.set_level(logging.DEBUG, logger="jupyter_chatkit")
    holder = _holder(jp_serverapp)
    await _warmed(holder)
    assert holder.warm_requests is None
    assert holder.ready
    # Logged for whoever debugs, not shown to anybody else.
    skipped = [r for r in caplog.records if "warm-up turn skipped" in r.getMessage()]
    assert [r.levelno for r in skipped] == [logging.DEBUG]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    fake_llm.script(Reply("Answered all the same."))
    events = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    assert answer_of(events) == "Answered all the same."
    assert len(fake_llm.requests) == 1


def test_the_warm_up_keeps_its_own_records_out_of_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    library = logging.getLogger("openai.agents")
    ours = logging.getLogger("jupyter_chatkit")
    with _quiet():
        library.warning("from the warm-up")
        ours.error("from the warm-up too")
    ours.warning("from a real request")
    messages = [(r.levelno, r.getMessage()) for r in caplog.records]
    assert (logging.WARNING, "from a real request") in messages
    assert not [m for m in messages if "from the warm-up" in m[1]]
    # What was dropped is named (logger and level) at debug.
    notes = [m for level, m in messages if level == logging.DEBUG and "warm-up" in m]
    assert any("openai.agents logged WARNING" in m for m in notes)
    # The filters are gone afterwards.
    library.warning("after the warm-up")
    assert "after the warm-up" in caplog.text


class TestOpenAIItself:
    """With OpenAI's own endpoint configured, the warm-up opens no connection at all
    (llm_guard fails the test on any connection beyond loopback, even a swallowed one)."""

    @pytest.fixture
    def jp_server_config(self, tmp_path: Path) -> Config:
        return server_config(tmp_path, api_key="sk-warm-test-openai", model="gpt-4.1-mini")

    async def test_the_warm_up_turn_stays_in_process(
        self, jp_serverapp: Any, jp_fetch: Callable[..., Any], tmp_path: Path
    ) -> None:
        holder = _holder(jp_serverapp)
        await _warmed(holder)
        assert holder.settings.provider == "openai"
        assert holder.settings.effective_api == "responses"
        assert holder.warm_requests == 2
        assert _rows(tmp_path / "chat.sqlite3", "threads") == 0


# A fresh Python (pydantic's state is the process's): the server's build and warm-up
# against the fake LLM, then a person's first turn, noting every pydantic model whose
# validator exists after each.
# Its imports: a Python that ran them is forked for each API (fresh_python.py).
FIRST_TURN_PREFIX = """
import asyncio, json, sys, tempfile
from pydantic import BaseModel
from pydantic._internal._mock_val_ser import MockValSer
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.serverext.deferred_imports import defer_unused_packages
from jupyter_chatkit.serverext.holder import AssistantHolder
from jupyter_chatkit.settings import Settings
from tests.fixtures.fake_llm import FakeLLM, Reply
"""
FIRST_TURN_SCRIPT = (
    FIRST_TURN_PREFIX
    + """
import weakref

def models():
    seen, stack = set(), [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return seen

def name(c):
    return f"{c.__module__}.{c.__qualname__}"

def built():
    return {name(c) for c in models()
            if not isinstance(c.__dict__.get("__pydantic_validator__", MockValSer), MockValSer)}

async def main(api, base_url, folder):
    defer_unused_packages()
    settings = Settings(model="fake-model", api=api, base_url=base_url, api_key="sk-warm-test",
                        store_url=f"sqlite:///{folder}/chat.sqlite3", title_threads="local")
    holder = AssistantHolder(settings, attachment_url=lambda a: a)
    assistant = await holder.get()
    await holder.warm_up_ended()
    before = built()
    # Every model class by identity: one the turn built that did not exist here is a
    # class made again (a parametrized generic's, freed since the warm-up made it).
    existing = weakref.WeakSet(models())
    body = json.dumps({"type": "threads.create", "params": {"input": {
        "content": [{"type": "input_text", "text": "Hello?"}], "attachments": [],
        "inference_options": {}}}, "metadata": {"notebook": "a.ipynb"}}).encode()
    result = await assistant.handle(body, RequestContext(user_id="someone"))
    text = b"".join([chunk async for chunk in result.chunks]).decode()
    await holder.close()
    new = sorted(built() - before)
    made = sorted(name(c) for c in models() if c not in existing and name(c) in new)
    return {"warmed": holder.warmed, "answered": "Answered by the fake." in text,
            "built_by_the_first_turn": new, "made_anew": made,
            "warm_requests": holder.warm_requests}

with FakeLLM() as llm, tempfile.TemporaryDirectory() as folder:
    llm.script(Reply("Answered by the fake."))
    print(json.dumps(asyncio.run(main(sys.argv[1], llm.base_url, folder))))
"""
)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("provider_api", ["chat_completions", "responses"])
def test_the_first_turn_after_the_warm_up_builds_no_validator(provider_api: str) -> None:
    # What the warm-up leaves unbuilt (e.g. the Responses events it no longer builds
    # by name) the first turn would build on the event loop.
    from .fixtures.fresh_server import run_fresh

    result = run_fresh(FIRST_TURN_SCRIPT, provider_api, prefix=FIRST_TURN_PREFIX)
    # Said in full when it fails (which classes, which of them made anew, whether the
    # warm-up turn ran: None when it was skipped), whatever the traceback style.
    said = json.dumps(result, indent=1)
    assert result["warm_requests"] == 2, said
    assert (result["warmed"], result["answered"]) == (True, True), said
    assert result["built_by_the_first_turn"] == [], said

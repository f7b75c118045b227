"""The agent context a turn runs with (turn.context_class)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from chatkit.agents import AgentContext
from chatkit.types import ThreadMetadata
from pydantic import BaseModel

from jupyter_chatkit.assistant.server import _AGENT_CONTEXT
from jupyter_chatkit.assistant.turn import context_class
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext

THREAD = ThreadMetadata(id="thr_1", created_at=datetime(2026, 1, 1))


def made(cls: type[Any]) -> Any:
    return cls(thread=THREAD, store=None, request_context=RequestContext(user_id=LOCAL_USER))


class Copied(Exception):
    """A queue was deep-copied."""


def test_each_context_gets_a_new_queue_without_a_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self: object, memo: object) -> None:
        raise Copied

    monkeypatch.setattr(asyncio.Queue, "__deepcopy__", refuse, raising=False)
    with pytest.raises(Copied):
        made(AgentContext[RequestContext])  # ChatKit's own copies its queue's default
    one, two = made(_AGENT_CONTEXT), made(_AGENT_CONTEXT)
    assert isinstance(one, AgentContext)
    assert type(one._events) is asyncio.Queue and one._events.empty()
    assert one._events is not two._events
    assert one.thread is THREAD and one.request_context.user_id == LOCAL_USER


@pytest.mark.asyncio
async def test_the_context_streams_through_its_queue() -> None:
    context = made(_AGENT_CONTEXT)
    await context.stream("event")
    assert context._events.get_nowait() == "event"


def test_a_context_that_declares_its_queue_otherwise_is_kept() -> None:
    class Other(BaseModel):
        thread: Any = None

    assert context_class(Other) is Other

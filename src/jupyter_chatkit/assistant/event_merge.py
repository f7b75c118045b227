"""ChatKit's merge of a run's events with its agent context's events, without a task per
event.

chatkit 1.6.5's ``stream_agent_response`` reads the agents SDK run's events and the
events a tool streams through the agent context (``AgentContext.stream``: MCP progress,
workflow items) with ``_merge_generators``, which starts an ``asyncio`` task for every
``__anext__`` of either and waits on both with ``asyncio.wait``. A turn's few events
thus cost a task each (11 a follow-up), and each event comes out one event-loop turn
after the one before, even when the run had produced them together (the item, its
content part and its text of one model read): the transport flushed each one as a write
of its own.

:func:`merge_events` reads each source in one task of its own for the whole run, and
hands what they read to the consumer in the order it came. What a source has ready is
read in one go, so a burst of events reaches the consumer, and the client, together;
nothing is held back waiting for more. Compared with ChatKit's merge:

- the same events, each source's in its order; across sources, in the order they were
  read (ChatKit's: in the order its tasks were found done);
- when either source ends, what was read already still comes out, the other source is
  no longer read, and the merge ends (ChatKit's: the same);
- a source's error is raised after the events read before it, and the other source's
  read is stopped (ChatKit's left it pending);
- when the consumer stops (the merge is closed or its task cancelled), both reads are
  cancelled at once (ChatKit's were left pending for the caller to find).

A source's events are read ahead of the consumer: the run's events are taken from the
SDK's queue as soon as they are there (its "after_turn" cancel, which waits for the
consumer to have taken a turn's events, is not used here).

:func:`install` replaces the module global ``chatkit.agents._merge_generators`` (a
monkeypatch, kept on purpose): ``stream_agent_response`` is a module function that
looks the merge up by that name, and ChatKit offers no parameter or hook to give it
another (nor is there a private method to override, see library_hooks.py). Only for
the openai-chatkit release it was read in (``pins.CHATKIT``); another keeps ChatKit's
merge. Measured (bench_turn_cpu --api chat_completions --turns 40 --rounds 5, workers
side by side with a copy that does not install it, 2026-11-30, loaded machine): 7.07
against 7.22 ms and 6.97 against 7.31 ms of server CPU per warm turn (per-round ratios
0.96 to 0.98 and 0.93 to 0.97).
"""

from __future__ import annotations

import asyncio
import functools
import importlib.metadata
import logging
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from .. import pins

log = logging.getLogger("jupyter_chatkit")

# The openai-chatkit releases whose stream_agent_response and merge were read here.
EVENT_MERGE_CHATKIT_VERSIONS = frozenset({pins.CHATKIT})

# What a reader hands the consumer besides events: its source ended, or failed.
_END = object()


class _Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Merge:
    """The shared state of one merge: what the readers read, and who waits for it."""

    def __init__(self) -> None:
        self.ready: deque[Any] = deque()
        self.waiter: asyncio.Future[None] | None = None

    def put(self, value: Any) -> None:
        self.ready.append(value)
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def read(self, source: AsyncIterator[Any]) -> None:
        """Read ``source`` to its end, handing each event over as it comes."""
        try:
            while True:
                self.put(await source.__anext__())
        except StopAsyncIteration:
            self.put(_END)
        except asyncio.CancelledError as error:
            # Cancelled by the merge (nobody reads any more), or by the source itself:
            # then the consumer raises it, as ChatKit's merge did.
            self.put(_Failed(error))
            raise
        except Exception as error:
            self.put(_Failed(error))


async def merge_events(a: AsyncIterator[Any], b: AsyncIterator[Any]) -> AsyncIterator[Any]:
    """The events of ``a`` and ``b`` as they come, until either ends (see the module)."""
    merge = _Merge()
    loop = asyncio.get_running_loop()
    readers = [loop.create_task(merge.read(a)), loop.create_task(merge.read(b))]
    try:
        while True:
            if not merge.ready:
                merge.waiter = loop.create_future()
                await merge.waiter
                continue
            value = merge.ready.popleft()
            if value is _END:
                # Like ChatKit's merge: what the other source read already comes out,
                # then the merge ends without reading it further.
                for reader in readers:
                    reader.cancel()
                while merge.ready:
                    value = merge.ready.popleft()
                    if isinstance(value, _Failed):
                        if not isinstance(value.error, asyncio.CancelledError):
                            raise value.error
                    elif value is not _END:
                        yield value
                return
            if isinstance(value, _Failed):
                raise value.error
            yield value
    finally:
        for reader in readers:
            if not reader.done():
                reader.cancel()


def install() -> bool:
    """Make chatkit's ``stream_agent_response`` merge with :func:`merge_events`.

    Only for an openai-chatkit of :data:`EVENT_MERGE_CHATKIT_VERSIONS` whose merge has
    the expected form (a module function of two async iterators, looked up when
    ``stream_agent_response`` runs); any other is left as it is. True when installed.
    """
    if _chatkit_version() not in EVENT_MERGE_CHATKIT_VERSIONS:
        log.debug("another openai-chatkit: its own event merge")
        return False
    try:
        from chatkit import agents as chatkit_agents
    except ImportError:  # pragma: no cover - chatkit is a dependency
        return False
    current = getattr(chatkit_agents, "_merge_generators", None)
    if current is merge_events:
        return True
    code = getattr(current, "__code__", None)
    if code is None or code.co_varnames[: code.co_argcount] != ("a", "b"):
        log.debug("chatkit's event merge has another form; left as it is")
        return False
    chatkit_agents._merge_generators = merge_events
    return True


@functools.cache
def _chatkit_version() -> str | None:
    try:
        return importlib.metadata.version("openai-chatkit")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        return None

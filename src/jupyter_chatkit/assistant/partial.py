"""Keep the words a model already streamed when its stream then fails.

openai-agents drops stream events still queued for the consumer when a model call
raises, unless the error is marked "drain first" (as the SDK itself does for terminal
response errors). A connection cut right after a burst of deltas would otherwise lose
text the user could have kept. :class:`KeepPartialOutput` marks such errors.

What is kept is marked as partial (:func:`mark_partial`): cut off by a failure, or
stopped by the user.

It also puts each response's first text delta ahead of other work (first_deltas.py), and
gives a tool call whose arguments nest too deep arguments that are no JSON
(:func:`readable_call`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

from agents.models.interface import Model
from chatkit.types import AssistantMessageContent, AssistantMessageItem

from .. import parse_json
from .first_deltas import FirstDelta
from .model_errors import EmptyStreamError, IncompleteStreamError

try:  # Private in openai-agents 0.24 (pinned <0.25); fall back to its attribute name.
    from agents.exceptions import _mark_error_to_drain_stream_events as _mark_drain
except ImportError:  # pragma: no cover - depends on the SDK version
    _DRAIN_ATTR = "_agents_drain_queued_stream_events"

    def _mark_drain(error: BaseException) -> None:
        setattr(error, _DRAIN_ATTR, True)


# Events that end a Responses-API stream (and the agents SDK's converted streams).
_TERMINAL_EVENTS = frozenset(
    {"response.completed", "response.failed", "response.incomplete", "response.error", "error"}
)


class KeepPartialOutput(Model):
    """Delegates to ``inner``; a mid-stream failure still delivers what was streamed."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        """The inner model's response, its tool calls' arguments :func:`readable_call`."""
        response = await self.inner.get_response(*args, **kwargs)
        for item in getattr(response, "output", None) or ():
            readable_call(item)
        return response

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        """Stream from ``inner``; mark a failure so queued events are drained first.

        A stream that ends without a terminal event (``response.completed``, or a
        failure event) was cut, even if it ended cleanly: that is an
        :class:`IncompleteStreamError` too, for every provider and API.
        """
        terminal = False
        # No event at all is no answer cut off, but none begun (EmptyStreamError).
        began = False
        first = FirstDelta()
        try:
            async for event in self.inner.stream_response(*args, **kwargs):
                began = True
                kind = getattr(event, "type", None)
                if kind in _TERMINAL_EVENTS:
                    terminal = True
                    for item in getattr(getattr(event, "response", None), "output", None) or ():
                        readable_call(item)
                elif kind == "response.output_item.done":
                    readable_call(getattr(event, "item", None))
                yield event
                if first.is_first_delta(event):
                    await first.arrived()
            if not began:
                raise EmptyStreamError("the model's stream ended before its first event")
            if not terminal:
                raise IncompleteStreamError("the model's stream ended without a terminal event")
        except IncompleteStreamError as cut:
            # The chat-completions adapter raises this at its stream's end, not knowing
            # whether anything came: before the first event nothing was cut off.
            if began or isinstance(cut, EmptyStreamError):
                _mark_drain(cut)
                raise
            empty = EmptyStreamError("the model's stream ended before its first event")
            _mark_drain(empty)
            raise empty from cut
        except Exception as error:
            _mark_drain(error)
            raise
        finally:
            first.close()

    def get_retry_advice(self, request: Any) -> Any:
        """Retry decisions stay the inner model's."""
        return self.inner.get_retry_advice(request)

    async def close(self) -> None:
        """Close the inner model's client."""
        await self.inner.close()


# What a tool call's arguments become when they nest deeper than parse_json.SHALLOW.
TOO_DEEP_ARGUMENTS = f"(arguments nested deeper than {parse_json.SHALLOW} levels: not read)"


def readable_call(item: Any) -> None:
    """Give a function call whose arguments nest deeper than :data:`parse_json.SHALLOW`
    :data:`TOO_DEEP_ARGUMENTS` instead (text that is no JSON).

    openai-agents reads every call's arguments before a tool runs (``json.loads``, then
    a recursive walk) and fails the whole run a few hundred levels down; arguments that
    are no JSON it passes on, and the tool answers that it could not read them, so the
    model can try again."""
    arguments = getattr(item, "arguments", None)
    if (
        getattr(item, "type", None) == "function_call"
        and isinstance(arguments, str)
        and parse_json.deeper_than_shallow(arguments)
    ):
        item.arguments = TOO_DEEP_ARGUMENTS


# Appended to an answer kept after its stream ended early, so that the stored thread
# (reopened later, read in a notebook, or replayed to the model) says it is partial.
CUT_OFF_NOTE = "*[Answer cut off before it finished.]*"
STOPPED_NOTE = "*[Stopped.]*"


# A line opening or closing a fenced code block (CommonMark: up to 3 spaces, then 3 or
# more backticks or tildes).
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


def open_fence(text: str) -> str:
    """The fence of a code block ``text`` leaves open (its opening run of backticks or
    tildes), or ``""`` when every block is closed."""
    fence = ""
    for line in text.splitlines():
        found = _FENCE.match(line)
        if not found:
            continue
        run, rest = found.groups()
        if not fence:
            # A backtick run with a backtick after it is inline code (```x``` at a line's
            # start), not a fence (CommonMark: a backtick fence's info has none).
            if run[0] != "`" or "`" not in rest:
                fence = run
        elif run[0] == fence[0] and len(run) >= len(fence) and not rest.strip():
            fence = ""
    return fence


def mark_partial(item: AssistantMessageItem, note: str) -> AssistantMessageItem:
    """``item`` with ``note`` as a paragraph after its text (once, however often called).
    A code block the text stopped inside is closed first: the note is not code (Copy and
    Insert would put it in a cell)."""
    if not item.content:
        item.content.append(AssistantMessageContent(text=""))
    last = item.content[-1]
    text = last.text.rstrip()
    if not text.endswith(note):
        fence = open_fence(text)
        if fence:
            text = f"{text}\n{fence}"
        last.text = f"{text}\n\n{note}" if text.strip() else note
    return item


class RunEvents:
    """``result.stream_events()`` for ChatKit's ``stream_agent_response``, failing softly.

    chatkit 1.6.5's ``_merge_generators`` reads the run's events and the agent context's
    queue in two tasks. When the run raises, the exception leaves the merge with the
    queue's read still pending; that task is destroyed with the event loop ("Task was
    destroyed but it is pending", "Event loop is closed" from ``_AsyncQueueIterator``).
    Here a failure ends the events normally instead (the merge then cancels its other
    read itself) and is kept in :attr:`error` for the caller to raise. Pass this object
    where ChatKit expects the ``RunResultStreaming``; it is a class-based iterator so
    :func:`cancel_stranded_reads` can find reads still pending on it.
    """

    def __init__(self, result: Any) -> None:
        self._result = result
        self._events: Any = None
        self.error: Exception | None = None

    def stream_events(self) -> RunEvents:
        """The run's events (ChatKit calls this once)."""
        self._events = self._result.stream_events().__aiter__()
        return self

    def __aiter__(self) -> RunEvents:
        return self

    async def __anext__(self) -> Any:
        try:
            event = await self._events.__anext__()
        except StopAsyncIteration:
            raise
        except Exception as error:
            self.error = error
            raise StopAsyncIteration from None
        _plain_annotation(event)
        return event


def _plain_annotation(event: Any) -> None:
    """Hand ChatKit an ``annotation.added`` event's annotation as a plain dict.

    openai (3.57) types that annotation with the classes of
    ``openai.types.responses.response_output_text_annotation_added_event``, while
    chatkit 1.6.5's ``_convert_annotation`` (chatkit/agents.py) validates it against
    the same-named classes of ``response_output_text``; pydantic refuses an instance of
    the other class, so every answer with a citation ended in a ValidationError. A dict
    validates against either.
    """
    data: Any = getattr(event, "data", None)
    if data is None or getattr(data, "type", None) != "response.output_text.annotation.added":
        return
    annotation = getattr(data, "annotation", None)
    dump = getattr(annotation, "model_dump", None)
    if callable(dump):
        data.annotation = dump()


def cancel_stranded_reads(run_events: RunEvents, queue: object) -> None:
    """Cancel reads that ChatKit's event merge left pending (after a Stop, for instance).

    The merge keeps no reference to its reads once the consumer stops iterating; they
    are found among the loop's tasks by the iterator they read from: ``run_events``, or
    the ``_AsyncQueueIterator`` on the agent context's ``queue``.
    """
    for task in asyncio.all_tasks():
        if task.done():
            continue
        frame = getattr(task.get_coro(), "cr_frame", None)
        owner = frame.f_locals.get("self") if frame is not None else None
        if owner is run_events or (owner is not None and getattr(owner, "queue", None) is queue):
            task.cancel()

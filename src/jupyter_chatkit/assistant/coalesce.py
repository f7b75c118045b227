"""Merge the text deltas of a model's stream that reach the server in one network read.

Every streamed chunk costs the same CPU however short its text: openai parses and
constructs it, the agents SDK turns it into a Responses event, ChatKit into a thread
event, which is serialized and written to the browser. When the model streams faster
than that pipeline runs, chunks queue up in the socket and one read returns many of
them; merging the plain text deltas of such a read (and of those that arrived while the
pipeline handled the one before) into one chunk does the whole pipeline's work once for
all of them. Nothing is ever held back waiting for more, so a slow model's tokens go out
as they come.

Only events that differ in nothing but their text are merged. Chat completions
(:func:`merge_text_deltas`): one choice (index 0), a ``delta`` with nothing but
``content`` and the same ``role`` (any other field set, such as ``reasoning_content`` or
``refusal``, is read by the agents SDK chunk by chunk), no ``finish_reason``,
``logprobs``, ``usage`` or tool calls. Responses (:func:`merge_output_text_deltas`):
``response.output_text.delta`` events of the same item, output and content index, with
no logprobs and no other field; they also differ in their ``sequence_number`` (the merged
event has the last one, so numbers still grow) and in ``obfuscation``, random padding
that hides the length of each token on the wire and means nothing to the client (the
first one's is kept). Everything else passes unchanged and in order.

openai (3.57) decodes server-sent events in ``SSEDecoder.aiter_bytes``; its line
splitter ``_SSELineDecoder`` and ``SSEDecoder._decode_lines`` are private, so when they
are missing (another openai) events pass one by one as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Iterator
from typing import Any

from .first_deltas import others_wait_for_a_first_delta

# The fields of a chunk's one choice that may be present when it is merged.
_CHOICE_KEYS = frozenset({"index", "delta", "finish_reason", "logprobs"})
# The fields of its delta that may be set when it is merged (the others absent or null).
_TEXT_KEYS = frozenset({"content", "role"})


def line_decoder_class() -> Any:
    """openai's private SSE line splitter, or None when this openai has none."""
    try:
        from openai import _streaming
    except ImportError:  # pragma: no cover - openai is a dependency
        return None
    return getattr(_streaming, "_SSELineDecoder", None)


def can_coalesce(decoder: object) -> bool:
    """Whether ``decoder`` is openai's own ``SSEDecoder`` with the private parts used here."""
    try:
        from openai._streaming import SSEDecoder
    except ImportError:  # pragma: no cover - openai is a dependency
        return False
    return (
        type(decoder) is SSEDecoder
        and hasattr(decoder, "_decode_lines")
        and hasattr(decoder, "_reset")
        and line_decoder_class() is not None
    )


# How long the end of a response body is waited for after ``[DONE]`` (openai's own
# drain waits as long, see openai/_streaming_cleanup.py).
DRAIN_SECONDS = 0.1


Merge = Callable[[Iterable[Any]], Iterator[Any]]
# A merge's parse of one event: its data and text when it is a plain text delta.
TextOf = Callable[[Any], tuple[dict[str, Any], str] | None]


async def coalesced_events(
    decoder: Any, iterator: AsyncIterator[bytes], merge: Merge | None = None
) -> AsyncGenerator[Any, None]:
    """``decoder.aiter_bytes(iterator)``, with the text deltas of each read merged by
    ``merge`` (default :func:`merge_text_deltas`, chat completions).

    ``decoder`` must pass :func:`can_coalesce`.
    """
    merge = merge or merge_text_deltas
    lines = line_decoder_class()()
    reader = ReadyBatches(iterator)
    text_of = _TEXT_OF.get(merge)
    # Until the answer's first token (or whatever else comes first: a tool call, a
    # reasoning part) has passed, the reader lets this consumer run as soon as it has
    # read something, while other responses wait for their first (ReadyBatches.prompt).
    reader.prompt = text_of is not None
    try:
        while (chunks := await reader.batch()) is not None:
            events: list[Any] = []
            for chunk in chunks:
                events += decoder._decode_lines(lines.feed(chunk))
            done_at = next(
                (i for i, event in enumerate(events) if event.data.startswith("[DONE]")), None
            )
            if done_at is not None:
                # What came before [DONE] goes first (the first token, when the whole
                # answer came in one read): the body's end is not waited for before it.
                for event in merge(events[:done_at]):
                    if reader.prompt:
                        reader.prompt = _preamble(event, text_of)
                    yield event
                # openai stops reading at [DONE] and drains the body itself: no read of
                # ours may still be under way then.
                await reader.finish(DRAIN_SECONDS)
                events = events[done_at:]
            for event in merge(events):
                if reader.prompt:
                    reader.prompt = _preamble(event, text_of)
                yield event
        for event in merge(list(decoder._decode_lines(lines.finish()))):
            yield event
    finally:
        await reader.aclose()
        decoder._reset()


# The events of a Responses stream before its output's first content.
_RESPONSES_PREAMBLE = frozenset(
    {
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    }
)


def _preamble(event: Any, text_of: TextOf | None) -> bool:
    """Whether ``event`` comes before a response's content (``text_of``: its merge's
    parse of a text delta): a chat chunk with an empty text (the role's), a Responses
    event announcing the response, an item or a part."""
    if text_of is None or isinstance(event, _ParsedEvent):
        return False  # a merged event is made of text deltas
    if event.event in _RESPONSES_PREAMBLE:
        return True
    found = text_of(event)
    return found is not None and found[1] == ""


class ReadyBatches:
    """An async iterator's items in batches: what was read by the time it is asked for.

    An HTTP response yields one item per HTTP chunk, and a server flushing each event
    sends one chunk per event; those already received come out of the response's buffer
    without any I/O. One task reads the iterator for the whole response and keeps what
    it read; a batch is all of it, waiting only for a first item when there is none, so
    the first item of a batch is never held back. (A task per read, given a loop turn
    to finish, cost a task and a turn per network read.)
    """

    # Whether the consumer wants each item before anything more is read, while other
    # responses of this event loop wait for their first token (first_deltas.py): after
    # waking a waiting consumer, the reader then waits until it asks for more. Without
    # it, the rest of a response received at once (the answer after its first token,
    # the end of the body, the connection's return to the pool) was read, ~0.35 ms of
    # CPU, before the consumer saw the first token, and, read while the token went on
    # to the client, before the client did. Alone, a response is read as before: its
    # text deltas that came together then make one event (a pass of the pipeline, ~0.3
    # ms, fewer). Set by the consumer (coalesced_events) until its first content.
    prompt = False

    def __init__(self, iterator: AsyncIterator[bytes]) -> None:
        self._items = aiter(iterator)
        self._ready: list[bytes] = []
        self._reader: asyncio.Task[None] | None = None
        self._ended = False
        # The iterator's error, raised by the batch after the items read before it.
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        # The reader's wait for the consumer to ask for more (prompt).
        self._asked: asyncio.Future[None] | None = None

    async def _read(self) -> None:
        try:
            async for item in self._items:
                self._ready.append(item)
                if self._wake() and self.prompt and others_wait_for_a_first_delta():
                    asked = self._asked = asyncio.get_running_loop().create_future()
                    await asked
        except Exception as error:
            # Kept for the consumer: a consumer that fails above the reader (openai's
            # parse of a malformed chunk) drops it, and an error left in the task made
            # asyncio log "Task exception was never retrieved".
            self._error = error
        finally:
            self._ended = True
            self._wake()

    def _wake(self) -> bool:
        """Wake the consumer if it waits; whether it did."""
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
            return True
        return False

    async def _more(self, within: float | None = None) -> bool:
        """Wait until something was read or the reading ended; False after ``within`` s."""
        if self._reader is None:
            self._reader = asyncio.ensure_future(self._read())
        asked, self._asked = self._asked, None
        if asked is not None and not asked.done():
            asked.set_result(None)
        if self._ready or self._ended:
            return True
        waiter = self._waiter = asyncio.get_running_loop().create_future()
        if within is None:
            await waiter
            return True
        done, _ = await asyncio.wait({waiter}, timeout=within)
        return bool(done)

    async def batch(self) -> list[bytes] | None:
        """The next batch (waiting for its first item), or None at the end."""
        await self._more()
        if self._ready:
            batch, self._ready = self._ready, []
            return batch
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        return None

    async def finish(self, idle_seconds: float) -> None:
        """Read to the end, dropping what comes; stop after ``idle_seconds`` without data."""
        while True:
            self._ready.clear()
            if self._ended:
                return
            if not await self._more(idle_seconds):
                await self.aclose()
                return

    async def aclose(self) -> None:
        """Stop the reading if it is under way."""
        reader = self._reader
        if reader is None or reader.done():
            return
        reader.cancel()
        # Whatever it ends with, nobody reads this response any more.
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


class _ParsedEvent:
    """A server-sent event made here, carrying its already parsed JSON."""

    def __init__(self, event: Any, data: dict[str, Any]) -> None:
        self._event = event
        self._parsed = data
        self._data: str | None = None

    @property
    def event(self) -> str | None:
        return self._event.event

    @property
    def id(self) -> str | None:
        return self._event.id

    @property
    def retry(self) -> int | None:
        return self._event.retry

    @property
    def data(self) -> str:
        if self._data is None:
            self._data = json.dumps(self._parsed)
        return self._data

    def json(self) -> Any:
        """The merged chunk (openai reads it once)."""
        return self._parsed


def _text_delta(event: Any) -> tuple[dict[str, Any], str] | None:
    """The parsed chunk and its text when ``event`` is a plain text delta, else None."""
    if event.event is not None:
        return None
    data = event.data
    if '"content"' not in data or '"tool_calls":[' in data:
        return None
    try:
        chunk = json.loads(data)
    except ValueError:
        return None
    if not isinstance(chunk, dict) or chunk.get("usage") is not None:
        return None
    choices = chunk.get("choices")
    if not isinstance(choices, list) or len(choices) != 1:
        return None
    choice = choices[0]
    if (
        not isinstance(choice, dict)
        or choice.get("index", 0) != 0
        or not _CHOICE_KEYS.issuperset(choice)
        or choice.get("finish_reason") is not None
        or choice.get("logprobs") is not None
    ):
        return None
    delta = choice.get("delta")
    if not isinstance(delta, dict):
        return None
    # Text only: a delta also carrying reasoning, a refusal, tool calls, ... is passed
    # as it is, since only its content would be joined and the rest of each one lost.
    if any(value is not None for key, value in delta.items() if key not in _TEXT_KEYS):
        return None
    text = delta.get("content")
    if not isinstance(text, str):
        return None
    return chunk, text


def _shape(chunk: dict[str, Any]) -> dict[str, Any]:
    """The chunk without its text: two chunks merge only when their shapes are equal."""
    choice = chunk["choices"][0]
    delta = {k: v for k, v in choice["delta"].items() if k != "content"}
    return {
        **{k: v for k, v in chunk.items() if k != "choices"},
        "choice": {**{k: v for k, v in choice.items() if k != "delta"}, "delta": delta},
    }


def _join_chat(chunks: list[dict[str, Any]], text: str) -> dict[str, Any]:
    merged = chunks[0]
    merged["choices"][0]["delta"]["content"] = text
    return merged


def merge_text_deltas(events: Iterable[Any]) -> Iterator[Any]:
    """``events`` in order, each run of plain text deltas of equal shape as one event
    (chat-completions chunks)."""
    return _merge_runs(events, _text_delta, _shape, _join_chat)


# The fields a Responses text delta may have to be merged.
_OUTPUT_TEXT_DELTA = "response.output_text.delta"
_DELTA_KEYS = frozenset(
    {"type", "sequence_number", "item_id", "output_index", "content_index", "delta"}
    | {"logprobs", "obfuscation"}
)
# The fields in which merged Responses deltas may differ.
_PER_EVENT = frozenset({"delta", "sequence_number", "obfuscation"})


def _output_text_delta(event: Any) -> tuple[dict[str, Any], str] | None:
    """The parsed event and its text when ``event`` is a plain Responses text delta."""
    if event.event not in (None, _OUTPUT_TEXT_DELTA):
        return None
    data = event.data
    if _OUTPUT_TEXT_DELTA not in data:
        return None
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    if (
        not isinstance(parsed, dict)
        or parsed.get("type") != _OUTPUT_TEXT_DELTA
        or not _DELTA_KEYS.issuperset(parsed)
        # Log probabilities are per token: such deltas are passed as they are.
        or parsed.get("logprobs")
    ):
        return None
    text = parsed.get("delta")
    if not isinstance(text, str):
        return None
    return parsed, text


def _delta_shape(data: dict[str, Any]) -> dict[str, Any]:
    """The delta without what differs from one event to the next (its text, number and
    padding); its keys too, so a delta with a field another lacks is not merged."""
    return {
        "keys": sorted(data),
        **{k: v for k, v in data.items() if k not in _PER_EVENT},
    }


def _join_output_text(events: list[dict[str, Any]], text: str) -> dict[str, Any]:
    merged = events[0]
    merged["delta"] = text
    if "sequence_number" in merged:
        merged["sequence_number"] = events[-1]["sequence_number"]
    return merged


def merge_output_text_deltas(events: Iterable[Any]) -> Iterator[Any]:
    """``events`` in order, each run of plain ``response.output_text.delta`` events of the
    same item and content part as one event (Responses API)."""
    return _merge_runs(events, _output_text_delta, _delta_shape, _join_output_text)


def _merge_runs(
    events: Iterable[Any],
    parse: Callable[[Any], tuple[dict[str, Any], str] | None],
    shape: Callable[[dict[str, Any]], dict[str, Any]],
    join: Callable[[list[dict[str, Any]], str], dict[str, Any]],
) -> Iterator[Any]:
    """``events`` in order, each run of mergeable events (``parse`` gives their data and
    text) of equal ``shape`` as one event, its data made by ``join``."""
    events = list(events)
    if len(events) < 2:
        yield from events
        return
    run: list[tuple[Any, dict[str, Any], str]] = []
    run_shape: dict[str, Any] | None = None

    def flush() -> Iterator[Any]:
        if len(run) == 1:
            yield run[0][0]
        elif run:
            text = "".join(text for _, _, text in run)
            yield _ParsedEvent(run[0][0], join([data for _, data, _ in run], text))
        run.clear()

    for event in events:
        found = parse(event)
        if found is None:
            yield from flush()
            run_shape = None
            yield event
            continue
        data, text = found
        event_shape = {"event": event.event, **shape(data)}
        if run and event_shape != run_shape:
            yield from flush()
        run.append((event, data, text))
        run_shape = event_shape
    yield from flush()


# Each merge's parse of a text delta (whose events carry the answer's tokens).
_TEXT_OF: dict[Merge, TextOf] = {
    merge_text_deltas: _text_delta,
    merge_output_text_deltas: _output_text_delta,
}


class CoalescingDecoder:
    """openai's ``SSEDecoder`` whose ``aiter_bytes`` merges the text deltas of each read
    with ``merge``; everything else is the wrapped decoder's."""

    def __init__(self, decoder: Any, merge: Merge) -> None:
        """``decoder`` must pass :func:`can_coalesce`."""
        self._decoder = decoder
        self._merge = merge

    def __getattr__(self, name: str) -> Any:
        return getattr(self._decoder, name)

    def aiter_bytes(self, iterator: AsyncIterator[bytes]) -> AsyncIterator[Any]:
        """The decoder's events with the deltas of each read merged."""
        return coalesced_events(self._decoder, iterator, self._merge)

"""Chat completions adapted to ChatKit: workarounds for openai-agents, each with its source.

openai-agents' ``OpenAIChatCompletionsModel`` is written for api.openai.com first; the
OpenAI-compatible servers this app supports (Ollama, vLLM, LM Studio, Gemini) are where
chat completions are actually used. :func:`chat_completions_model_class` returns a
subclass that fixes three things:

1. Unique item ids. The SDK gives every output item the same placeholder id
   ``__fake_id__``; ChatKit reuses item ids as thread item ids, so each answer would
   replace the last one on screen.
   https://github.com/openai/chatkit-python/issues/36 (fixed upstream by
   https://github.com/openai/openai-agents-python/pull/3079, not in 0.24).
2. Replayable history. ChatKit replays an earlier answer as an assistant message with
   ``output_text`` parts and no id; the SDK's chat-completions converter rejects those
   ("Unknown content"), failing every second turn. See ``Converter.items_to_messages``
   in agents/models/chatcmpl_converter.py (0.24), which accepts such parts only on
   messages that carry an id.
3. Cut streams. The SDK requires a ``finish_reason`` only when the client points at
   api.openai.com (``require_finish_reason=ChatCmplHelpers.is_openai(client)`` in
   agents/models/openai_chatcompletions.py, 0.24); from any other server a stream that
   just stops is taken as a complete answer. Here every provider's stream must end with
   a ``finish_reason`` or ``[DONE]``, else :class:`IncompleteStreamError`. Several
   OpenAI-compatible servers are known to close streams early, e.g.
   https://github.com/earendil-works/pi/issues/5793.

Besides, the plain text deltas that reach the server in one network read are merged into
one chunk before openai parses them (:mod:`.coalesce`): a model faster than the server
then costs one pass through the pipeline per read, not per token. And chunks are built
by pydantic's validation where they validate strictly, instead of openai's
field-by-field construction (:class:`ChunkByValidation`, the same objects).
:class:`EndCheckedStream` sets two private attributes of openai's ``AsyncStream`` before
its first read: ``_decoder`` (watched for ``[DONE]``, which openai swallows, and merging
deltas) and ``_cast_to`` (what each chunk is built as); openai's ``create(stream=True)``
takes neither, and the agents SDK passes the stream on as it is. Both are set only for
the openai release they were read in (``pins.OPENAI``); another parses its stream its
own way, [DONE] unseen, so a stream that ends without a ``finish_reason`` is taken as
complete there, as the agents SDK takes it. Measured (bench_turn_cpu --api
chat_completions --turns 40 --rounds 5, workers side by side with a copy that keeps
openai's ``_cast_to``, 2026-11-30, loaded machine): 6.21 against 7.00 ms of server CPU
per warm turn (per-round ratios 0.82 to 1.05, median 0.93). And the decoder's merge,
against a copy that watches for [DONE] only (--compare, 5 rounds, 2026-11-30, loaded
machine): 10.09 against 18.79 ms per warm turn with ``--words 100`` (per-worker
7.99-11.44 against 16.25-20.55), 5.19 against 5.68 with the default five words.

openai and agents are imported when the class is first built, not with this module.
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from .. import pins
from .coalesce import can_coalesce, coalesced_events
from .lone_surrogates import clean_tool_arguments
from .model_errors import IncompleteStreamError

if TYPE_CHECKING:
    from agents.items import TResponseInputItem
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel

# The placeholder id the agents SDK (0.24) gives every chat-completions output item.
_FAKE_RESPONSES_ID = "__fake_id__"


@functools.cache
def chat_completions_model_class() -> type[OpenAIChatCompletionsModel]:
    """``OpenAIChatCompletionsModel`` giving each output item its own id (built lazily)."""
    from agents.items import ModelResponse, TResponseStreamEvent

    from .library_hooks import chat_completions_hooks

    class ChatCompletionsModel(chat_completions_hooks()):  # type: ignore[misc]  # built at run time
        """Chat completions, adapted to ChatKit: replayable history, unique item ids."""

        async def get_response(
            self,
            system_instructions: str | None,
            input: str | list[TResponseInputItem],
            *args: Any,
            **kwargs: Any,
        ) -> ModelResponse:
            response = await super().get_response(
                system_instructions, _replayable(input), *args, **kwargs
            )
            ids = _ItemIds()
            for index, item in enumerate(response.output):
                ids.fix_item(item, index)
            return response

        def wrap_stream(self, stream: Any) -> Any:
            """The stream, which must end with a finish_reason or [DONE] (module, 3.)."""
            return EndCheckedStream(stream)

        async def stream_response(
            self,
            system_instructions: str | None,
            input: str | list[TResponseInputItem],
            *args: Any,
            **kwargs: Any,
        ) -> AsyncIterator[TResponseStreamEvent]:
            ids = _ItemIds()
            stream = super().stream_response(
                system_instructions, _replayable(input), *args, **kwargs
            )
            async for event in stream:
                ids.fix_event(event)
                clean_tool_arguments(event)
                yield event

        def stream_closed(self, stream: Any) -> bool:
            """openai-agents closes the stream after its last event in a task of its own,
            shielded. A stream read to its end has closed its response already (openai
            does at the end of the body), and closing it again does nothing (httpx):
            then no task is made for it. Only in the version whose close was read."""
            return closed_at_end(stream)

    return ChatCompletionsModel


# The openai releases whose AsyncStream._cast_to (openai's chunk building) was read for
# ChunkByValidation.
CHUNK_BUILD_OPENAI_VERSIONS = frozenset({pins.OPENAI})
# The openai releases whose AsyncStream was read for its _decoder: _iter_events reads
# every event through it, and __stream__ breaks out of its loop at [DONE].
DECODER_OPENAI_VERSIONS = frozenset({pins.OPENAI})

# The openai-agents versions whose stream close (see library_hooks.py) only closes the
# stream.
CLOSE_READ_VERSIONS = frozenset({pins.AGENTS})


def closed_at_end(stream: Any) -> bool:
    """Whether closing ``stream`` would do nothing: an :class:`EndCheckedStream` whose
    response is closed, in an openai-agents version of :data:`CLOSE_READ_VERSIONS`."""
    import agents

    if getattr(agents, "__version__", None) not in CLOSE_READ_VERSIONS:
        return False
    if not isinstance(stream, EndCheckedStream):
        return False
    return getattr(getattr(stream._stream, "response", None), "is_closed", False) is True


# Earlier answers as replayed (:func:`_replayable`), by the identity of the item each
# replaces: (that item, its content list, the replayed item, its text's length). The
# turn's converter hands out the same item dicts turn after turn, never changed
# (model_input.ConvertedItems; history_filter.py), so each is rebuilt once, not at every
# model call (a follow-up in a 30-turn thread: 14 µs of CPU a call, not 49). The
# item and its list are kept, so its id stays its own, and an item given a new content
# list is replayed anew. At most MAX_REPLAYED entries and MAX_REPLAYED_CHARS of text,
# the least recently used dropped first.
_REPLAYED: OrderedDict[int, tuple[Any, Any, Any, int]] = OrderedDict()
_replayed_chars = 0
MAX_REPLAYED = 2048
MAX_REPLAYED_CHARS = 2_000_000


def _replayable(input: str | list[TResponseInputItem]) -> str | list[TResponseInputItem]:
    """Earlier answers as plain text, which the chat-completions converter accepts.

    ChatKit replays an assistant message as ``{"role": "assistant", "content":
    [{"type": "output_text", ...}]}`` (no id). The Responses API takes that, but the
    agents SDK's chat-completions converter rejects ``output_text`` parts there
    ("Unknown content"), failing every second turn. An item replayed before (the same
    dict, with the same content list) gets the same replayed item (see _REPLAYED).
    """
    if isinstance(input, str):
        return input
    out: list[TResponseInputItem] = []
    # (Names bound locally: this runs over every item of every model call's input.)
    append, known_of, used = out.append, _REPLAYED.get, _REPLAYED.move_to_end
    for item in input:
        if not isinstance(item, dict) or item.get("role") != "assistant" or "id" in item:
            append(item)
            continue
        content = item.get("content")
        known = known_of(id(item))
        if known is not None and known[0] is item and known[1] is content:
            used(id(item))
            append(known[2])
            continue
        if isinstance(content, list) and all(
            isinstance(p, dict) and p.get("type") in ("output_text", "refusal") for p in content
        ):
            text = "".join(str(p.get("text") or p.get("refusal") or "") for p in content)
            replayed = cast("TResponseInputItem", {**item, "content": text})
            _keep_replayed(item, content, replayed, len(text))
            append(replayed)
        else:
            append(item)
    return out


def _keep_replayed(item: Any, content: Any, replayed: Any, chars: int) -> None:
    """Keep ``replayed`` for ``item`` in :data:`_REPLAYED`, within its bounds."""
    global _replayed_chars
    earlier = _REPLAYED.pop(id(item), None)
    if earlier is not None:
        _replayed_chars -= earlier[3]
    if chars > MAX_REPLAYED_CHARS // 8:
        return
    _REPLAYED[id(item)] = (item, content, replayed, chars)
    _replayed_chars += chars
    while len(_REPLAYED) > MAX_REPLAYED or _replayed_chars > MAX_REPLAYED_CHARS:
        _, (_, _, _, dropped) = _REPLAYED.popitem(last=False)
        _replayed_chars -= dropped


class _ItemIds:
    """Replaces the placeholder id of each output item of one response, consistently.

    One chat completion yields at most one message and one reasoning item, plus
    function calls told apart by call id (or by output index in argument deltas).
    """

    def __init__(self) -> None:
        self._by_kind: dict[str, str] = {}
        self._by_call: dict[str, str] = {}
        self._by_index: dict[int, str] = {}

    def _mint(self, kind: str) -> str:
        prefix = {"message": "msg", "reasoning": "rs", "function_call": "fc"}.get(kind, "item")
        return f"{prefix}_{uuid.uuid4().hex}"

    def _of_kind(self, kind: str) -> str:
        # Not setdefault(kind, self._mint(kind)): that would mint a uuid4 per delta.
        known = self._by_kind.get(kind)
        if known is None:
            known = self._by_kind[kind] = self._mint(kind)
        return known

    def _for_item(self, item: Any, index: int | None) -> str:
        fields = _fields(item)
        kind = str(fields.get("type", "item"))
        call_id = fields.get("call_id")
        if kind == "function_call":
            if isinstance(call_id, str) and call_id in self._by_call:
                return self._by_call[call_id]
            new = self._by_index.get(index, "") if index is not None else ""
            new = new or self._mint(kind)
            if isinstance(call_id, str) and call_id:
                self._by_call[call_id] = new
        else:
            new = self._of_kind(kind)
        if index is not None:
            self._by_index[index] = new
        return new

    def fix_item(self, item: Any, index: int | None) -> None:
        """Give ``item`` its own id if it carries the placeholder."""
        if _fields(item).get("id") == _FAKE_RESPONSES_ID:
            item.id = self._for_item(item, index)

    def fix_event(self, event: Any) -> None:
        """Rewrite the placeholder in a stream event, its item, or its final response."""
        fields = _fields(event)
        kind = str(fields.get("type", ""))
        item = fields.get("item")
        if item is not None:
            self.fix_item(item, fields.get("output_index"))
        if fields.get("item_id") == _FAKE_RESPONSES_ID:
            index = fields.get("output_index")
            if kind.startswith("response.reasoning"):
                event.item_id = self._of_kind("reasoning")
            elif kind.startswith("response.function_call"):
                known = self._by_index.get(index) if index is not None else None
                event.item_id = known or self._mint("function_call")
            else:
                event.item_id = self._of_kind("message")
        response = fields.get("response")
        if response is not None and kind == "response.completed":
            for out in _fields(response).get("output") or []:
                # By kind and call id only: final output order may differ from the
                # stream's output indexes.
                self.fix_item(out, None)


class _Attributes:
    """``getattr`` with a default, for objects keeping no ``__dict__``."""

    def __init__(self, obj: object) -> None:
        self._obj = obj

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self._obj, name, default)


def _fields(obj: object) -> Mapping[str, Any] | _Attributes:
    """The attributes of a stream event or item, as a mapping.

    Read from the pydantic model's ``__dict__``: ``getattr`` of a field an event lacks
    (``item`` of a text delta) goes through pydantic's ``__getattr__``, which raises and
    catches an AttributeError, several µs per event.
    """
    values = getattr(obj, "__dict__", None)
    if not isinstance(values, dict):
        return _Attributes(obj)
    # Fields a model does not declare (openai's models allow them) are kept apart.
    extra = getattr(obj, "__pydantic_extra__", None)
    return {**extra, **values} if extra else values


class ChunkByValidation:
    """Builds a streamed chat-completions chunk: validated, else constructed as openai does.

    openai (3.57) builds every chunk with ``construct_type(type_=ChatCompletionChunk)``:
    ``BaseModel.construct`` field by field in Python, type hints and all, for each nested
    model (~150 µs for a text delta, more with tool calls; per chunk). pydantic's own
    validation in strict mode builds the same object (same values, the same fields set;
    strict, so nothing is coerced that construct would keep as it came) in a few µs.
    What does not validate strictly (a server's own field values, a missing required
    field) is constructed by openai exactly as before. Given to openai's ``AsyncStream``
    as its ``cast_to``: openai hands each chunk's data to ``build``.
    """

    @classmethod
    def build(cls, *, response: Any, data: object) -> Any:
        """The chunk as openai's ``construct_type(type_=ChatCompletionChunk)`` makes it."""
        chunk, construct_type, invalid = _chunk_building()
        try:
            return chunk.model_validate(data, strict=True)
        except invalid:
            return construct_type(type_=chunk, value=data)


@functools.cache
def _chunk_building() -> tuple[Any, Any, type[Exception]]:
    """openai's chunk class, its ``construct_type`` and pydantic's ValidationError, looked
    up once (three imports per chunk were a quarter of building it)."""
    import pydantic
    from openai._models import construct_type
    from openai.types.chat import ChatCompletionChunk

    return ChatCompletionChunk, construct_type, pydantic.ValidationError


def prepare_chunk_validation() -> None:
    """Build the chunk validator (openai defers it to first use; ~25 ms): for a worker
    thread at start, so the first answer does not build it on the event loop."""
    from openai.types.chat import ChatCompletionChunk

    ChatCompletionChunk.model_rebuild()


class EndCheckedStream:
    """A chat-completions chunk stream that raises if it ends without an end marker.

    The end markers are a ``finish_reason`` on choice 0 and the ``[DONE]`` event; a
    stream with neither was cut (a proxy timing out, a server restarting) even when
    its HTTP body ended cleanly. Where [DONE] cannot be watched (another openai
    release), a stream without a ``finish_reason`` is taken as complete. Everything
    else is passed through to the wrapped ``openai.AsyncStream`` (``response``,
    ``close()``), which the SDK uses.
    """

    def __init__(self, stream: Any) -> None:
        import openai

        # Looked up once: in the server openai.types is deferred (serverext/
        # deferred_imports.py), where this import cost ~40 us a model request.
        chunk_class = _chunk_building()[0]
        self._stream = stream
        self.finished = False
        self._done = _Seen()
        # Whether [DONE] can be seen (openai swallows it): only through the decoder.
        self.done_watched = False
        if (
            openai.__version__ in CHUNK_BUILD_OPENAI_VERSIONS
            and getattr(stream, "_cast_to", None) is chunk_class
        ):
            # Read before the first chunk (openai's __stream__ starts on the first read).
            stream._cast_to = ChunkByValidation
        decoder = getattr(stream, "_decoder", None)
        if (
            openai.__version__ in DECODER_OPENAI_VERSIONS
            and decoder is not None
            and hasattr(decoder, "aiter_bytes")
        ):
            # openai's AsyncStream swallows [DONE]; watch the decoder to see it go by.
            # The watcher notes it in a flag of its own, not on this stream: a watcher
            # holding the stream that holds it was a reference cycle that kept the
            # request's options (the whole history sent) until a garbage collection.
            stream._decoder = _DoneWatcher(decoder, self._done)
            self.done_watched = True

    @property
    def done_event(self) -> bool:
        """Whether the ``[DONE]`` event went by."""
        return self._done.seen

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[Any]:
        async for chunk in self._stream:
            for choice in getattr(chunk, "choices", None) or ():
                # Truthy: some servers send finish_reason "" on every chunk.
                if getattr(choice, "index", 0) == 0 and getattr(choice, "finish_reason", None):
                    self.finished = True
            yield chunk
        if not (self.finished or self.done_event or not self.done_watched):
            raise IncompleteStreamError(
                "the chat-completions stream ended without a finish_reason or [DONE]"
            )


class _Seen:
    """A flag: whether the ``[DONE]`` event of a stream went by."""

    __slots__ = ("seen",)

    def __init__(self) -> None:
        self.seen = False


class _DoneWatcher:
    """Wraps openai's SSE decoder to note the ``[DONE]`` event and merge text deltas."""

    def __init__(self, decoder: Any, done: _Seen) -> None:
        self._decoder = decoder
        self._done = done

    def __getattr__(self, name: str) -> Any:
        return getattr(self._decoder, name)

    async def aiter_bytes(self, iterator: Any) -> AsyncIterator[Any]:
        if not can_coalesce(self._decoder):
            async for event in self._decoder.aiter_bytes(iterator):
                if str(getattr(event, "data", "")).startswith("[DONE]"):
                    self._done.seen = True
                yield event
            return
        # The text deltas of one network read are merged (see coalesce.py), which reads
        # the body to its end at [DONE] as openai's drain would. [DONE] then ends the
        # events here instead of reaching openai: openai breaks out of its loop at
        # [DONE] and left its event generator, this one and coalesced_events suspended,
        # each closed later by asyncio's async-generator finalizer (a wake-up of the
        # loop through its self-pipe and a task of its own each, three a model call).
        # Ended here, openai's loop ends as at the end of the body, and closes the
        # response as it does after [DONE].
        async with contextlib.aclosing(coalesced_events(self._decoder, iterator)) as events:
            async for event in events:
                if str(getattr(event, "data", "")).startswith("[DONE]"):
                    self._done.seen = True
                    return
                yield event

"""Every override of a private method of ChatKit or openai-agents, in one module.

A few things the assistant does have no public hook in the libraries it builds on. Each
is done here by overriding one private method, read in the version named beside it, and
handing the work to a public method of ours (whose default is the library's own
behaviour); two more of ChatKit's are called here, for want of a public entry point
below ``process()`` (which parses the request itself). No other module of the package
names a private method of ChatKit's server or of these models. (openai's own client
is adapted in openai_client.py, and its streams' private ``_cast_to`` and ``_decoder``
set in chat_completions.py and responses_model.py, each only for the release pinned in
pins.py.)
:data:`FOLLOWED` lists each method with the parameters it was read with;
``tests/test_library_hooks.py`` fails, naming the method, when the installed library's
differs (the pins in pyproject.toml keep other versions out).

openai and agents are imported when their classes are first built, not with this module.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from chatkit.server import ChatKitServer
from chatkit.types import NonStreamingReq, StreamingReq, Thread, ThreadMetadata, ThreadStreamEvent

from ..protocol import RequestContext
from .results import wire_json
from .thread_responses import thread_response

if TYPE_CHECKING:
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
    from agents.models.openai_responses import OpenAIResponsesModel
    from pydantic import BaseModel


class Followed(NamedTuple):
    """A library's private method overridden (or called) here, as it was read."""

    library: str  # the distribution, as pip names it
    version: str  # the version whose method was read
    owner: str  # module.Class
    method: str
    parameters: tuple[str, ...]  # without self
    kind: str = "coroutine"  # or "async generator", "function"
    called: bool = False  # called here, not overridden


FOLLOWED = (
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_process_streaming",
        ("request", "context"),
        "async generator",
        called=True,
    ),
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_process_non_streaming",
        ("request", "context"),
        called=True,
    ),
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_process_streaming_impl",
        ("request", "context"),
        "async generator",
    ),
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_process_events",
        ("thread", "context", "stream"),
        "async generator",
    ),
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_serialize",
        ("obj",),
        "function",
    ),
    Followed(
        "openai-chatkit",
        "1.6.5",
        "chatkit.server.ChatKitServer",
        "_to_thread_response",
        ("thread",),
        "function",
    ),
    Followed(
        "openai-agents",
        "0.24.0",
        "agents.models.openai_chatcompletions.OpenAIChatCompletionsModel",
        "_fetch_response",
        (
            "system_instructions",
            "input",
            "model_settings",
            "tools",
            "output_schema",
            "handoffs",
            "span",
            "tracing",
            "stream",
            "prompt",
        ),
    ),
    Followed(
        "openai-agents",
        "0.24.0",
        "agents.models.openai_chatcompletions.OpenAIChatCompletionsModel",
        "_close_stream_allowing_background_completion",
        ("iterator",),
    ),
    Followed(
        "openai-agents",
        "0.24.0",
        "agents.models.openai_responses.OpenAIResponsesModel",
        "_fetch_response",
        (
            "system_instructions",
            "input",
            "model_settings",
            "tools",
            "output_schema",
            "handoffs",
            "previous_response_id",
            "conversation_id",
            "stream",
            "prompt",
        ),
    ),
)


class ChatKitHooks(ChatKitServer[RequestContext]):
    """ChatKit's server whose private hooks call the public methods below; each default
    does what ChatKit does."""

    # -- ChatKit's private hooks (openai-chatkit 1.6.5) ---------------------------------

    def _process_streaming_impl(
        self, request: Any, context: RequestContext
    ) -> AsyncGenerator[ThreadStreamEvent, None]:
        # Answers every streaming request. No public hook runs around a whole request:
        # turns are serialized per thread and threads.create made atomic around it.
        return self.stream_request(request, context, super()._process_streaming_impl)

    def _process_events(
        self,
        thread: ThreadMetadata,
        context: RequestContext,
        stream: Callable[[], AsyncIterator[ThreadStreamEvent]],
    ) -> AsyncIterator[ThreadStreamEvent]:
        # Runs a turn's events through ChatKit's pipeline (items saved, thread.updated,
        # failures made ErrorEvents). No public hook sees what comes out of it.
        return self.turn_events(thread, context, super()._process_events(thread, context, stream))

    def _serialize(self, obj: BaseModel) -> bytes:
        # How ChatKit writes every response and streamed event. No public hook.
        return self.serialize(obj)

    def _to_thread_response(self, thread: ThreadMetadata | Thread) -> Thread:
        # What ChatKit shows of a thread (get_by_id, update, thread.created/updated
        # events). No public hook.
        return self.thread_response(thread)

    # -- ChatKit's private entry points (openai-chatkit 1.6.5), called ---------------------

    def stream_answer(
        self, request: StreamingReq, context: RequestContext
    ) -> AsyncGenerator[bytes, None]:
        """ChatKit's answer to a parsed streaming request: its events as server-sent
        events (``_process_streaming``; ``process()`` would parse the request again)."""
        return self._process_streaming(request, context)

    async def json_answer(self, request: NonStreamingReq, context: RequestContext) -> bytes:
        """ChatKit's JSON answer to a parsed non-streaming request
        (``_process_non_streaming``; ``process()`` would parse the request again)."""
        return await self._process_non_streaming(request, context)

    # -- our public methods --------------------------------------------------------------

    def process_events(
        self,
        thread: ThreadMetadata,
        context: RequestContext,
        stream: Callable[[], AsyncIterator[ThreadStreamEvent]],
    ) -> AsyncIterator[ThreadStreamEvent]:
        """``stream``'s events through ChatKit's pipeline and :meth:`turn_events`, for a
        request answered by our own code (see user_messages.py)."""
        return self._process_events(thread, context, stream)

    def stream_request(
        self,
        request: Any,
        context: RequestContext,
        chatkit_stream: Callable[[Any, RequestContext], AsyncGenerator[ThreadStreamEvent, None]],
    ) -> AsyncGenerator[ThreadStreamEvent, None]:
        """The events of a streaming request; ``chatkit_stream`` is ChatKit's own answer."""
        return chatkit_stream(request, context)

    def turn_events(
        self,
        thread: ThreadMetadata,
        context: RequestContext,
        events: AsyncIterator[ThreadStreamEvent],
    ) -> AsyncIterator[ThreadStreamEvent]:
        """A turn's events as ChatKit's pipeline gives them out (``events``)."""
        return events

    def serialize(self, obj: BaseModel) -> bytes:
        """A response or streamed event as the client receives it."""
        return wire_json(obj)

    def thread_response(self, thread: ThreadMetadata | Thread) -> Thread:
        """A thread as the client sees it (no metadata of it by default)."""
        return thread_response(thread, {})


@functools.cache
def chat_completions_hooks() -> type[OpenAIChatCompletionsModel]:
    """openai-agents' ``OpenAIChatCompletionsModel`` whose private hooks call
    ``wrap_stream`` and ``stream_closed`` (defaults: the SDK's own); built once."""
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel

    class ChatCompletionsHooks(OpenAIChatCompletionsModel):
        """The SDK's chat-completions model with its stream's two private hooks exposed."""

        async def _fetch_response(self, *args: Any, **kwargs: Any) -> Any:
            # openai-agents 0.24.0: makes the request; called with stream=True it returns
            # (response, openai's stream) before the SDK reads the stream. The only place
            # to wrap that stream (no public hook).
            result = await super()._fetch_response(*args, **kwargs)
            if kwargs.get("stream") and isinstance(result, tuple):
                response, stream = result
                return response, self.wrap_stream(stream)
            return result

        async def _close_stream_allowing_background_completion(self, iterator: Any) -> None:
            # openai-agents 0.24.0: closes the stream after its last event, in a shielded
            # task of its own. No public hook says there is nothing left to close.
            if self.stream_closed(iterator):
                return
            await super()._close_stream_allowing_background_completion(iterator)

        def wrap_stream(self, stream: Any) -> Any:
            """What the SDK reads instead of openai's chat-completions ``stream``."""
            return stream

        def stream_closed(self, stream: Any) -> bool:
            """Whether closing ``stream`` after its last event would do nothing."""
            return False

    return ChatCompletionsHooks


@functools.cache
def responses_hooks() -> type[OpenAIResponsesModel]:
    """openai-agents' ``OpenAIResponsesModel`` whose private hook hands each new stream
    to ``fetched_stream`` (default: nothing); built once."""
    from agents.models.openai_responses import OpenAIResponsesModel

    class ResponsesHooks(OpenAIResponsesModel):
        """The SDK's Responses model with its stream's private hook exposed."""

        async def _fetch_response(self, *args: Any, **kwargs: Any) -> Any:
            # openai-agents 0.24.0: makes the request; called with stream=True it returns
            # openai's stream, not yet read, wrapped in its _ResponseStreamWithRequestId
            # (``_source`` is openai's stream). No public hook sees the stream first.
            result = await super()._fetch_response(*args, **kwargs)
            if kwargs.get("stream"):
                self.fetched_stream(getattr(result, "_source", None), result)
            return result

        def fetched_stream(self, stream: object, wrapper: object) -> None:
            """openai's Responses ``stream`` (None if not found in the SDK's ``wrapper``),
            before the SDK reads it."""

    return ResponsesHooks

"""Warm what the first turn would otherwise build on the request path.

openai's types are pydantic models with ``defer_build``: each one builds its validator
and serializer the first time it is used, and the openai client imports its resources
(``client.chat.completions``) on first access. ChatKit's event types build on first
use too. Together that was ~40% of a first turn's 400-560 ms. :func:`warm_up` does that
work in the background task that already builds the assistant, so the first turn costs
about what a later one does. Nothing here reaches a provider or touches the store: the
canned answers it parses go through a copy of the client on an in-process mock transport
(``canned_provider``), in the build's worker thread, off the event loop; the warm-up
turn after it (``warm_turn``) covers what a real turn builds on the loop.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

log = logging.getLogger("jupyter_chatkit")

# ChatKit's types that every streamed turn emits (not the whole module: its widget
# types alone hold ~16 MB of schemas that most servers never need).
CHATKIT_TURN_TYPES = (
    "Thread",
    "ThreadMetadata",
    "ThreadCreatedEvent",
    "ThreadUpdatedEvent",
    "ThreadItemAddedEvent",
    "ThreadItemDoneEvent",
    "ThreadItemUpdatedEvent",
    "UserMessageItem",
    "AssistantMessageItem",
    "AssistantMessageContent",
    "AssistantMessageContentPartAdded",
    "AssistantMessageContentPartDone",
    "AssistantMessageContentPartTextDelta",
)

# Modules whose pydantic models a turn parses: the stream chunks and events the agents
# SDK reads (chat completions and Responses). Whole modules rather than a list of
# classes, so an SDK update that adds a field type is still covered.
WARM_MODULES = (
    "openai.types.chat.chat_completion_chunk",
    "openai.types.chat.parsed_chat_completion",
    "openai.types.responses.response",
    "openai.types.responses.response_usage",
    "openai.types.responses.response_output_message",
    "openai.types.responses.response_output_text",
    "openai.types.responses.response_created_event",
    "openai.types.responses.response_in_progress_event",
    "openai.types.responses.response_completed_event",
    "openai.types.responses.response_text_delta_event",
    "openai.types.responses.response_text_done_event",
    "openai.types.responses.response_content_part_added_event",
    "openai.types.responses.response_content_part_done_event",
    "openai.types.responses.response_output_item_added_event",
    "openai.types.responses.response_output_item_done_event",
    "openai.types.responses.response_function_call_arguments_delta_event",
    "openai.types.responses.response_function_call_arguments_done_event",
    "openai.types.responses.response_function_tool_call",
)

# Modules the first request to a provider imports on the way (its HTTP stack's async
# backend, the JSON parser of streamed chunks): ~17 ms of a first turn.
WARM_IMPORTS = (
    "anyio._backends._asyncio",
    "anyio._core._sockets",
    "anyio._core._streams",
    "anyio.streams.stapled",
    "jiter",
    "openai.lib.streaming.chat",
)

# The openai client's lazily imported resources, by the API the assistant speaks.
CLIENT_RESOURCES = {"chat_completions": ("chat", "completions"), "responses": ("responses",)}


def _deferred_models(modules: Iterable[str]) -> list[type[BaseModel]]:
    """Pydantic models defined in ``modules`` that have not built their validator yet."""
    found: list[type[BaseModel]] = []
    for name in modules:
        try:
            module = sys.modules.get(name) or importlib.import_module(name)
        except ImportError:  # an SDK version without this module: nothing to warm
            continue
        from pydantic import BaseModel

        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, BaseModel)
                and value.__module__ == name
                and _is_deferred(value)
            ):
                found.append(value)
    return found


def _is_deferred(cls: type[Any]) -> bool:
    from pydantic._internal._mock_val_ser import MockValSer

    validator = cls.__dict__.get("__pydantic_validator__")
    return isinstance(validator, MockValSer) or not cls.__dict__.get("__pydantic_complete__")


def warm_client(client: object, api: str) -> None:
    """Touch the openai client's resources the assistant uses (they import on access)."""
    target: object = client
    for attribute in CLIENT_RESOURCES.get(api, ()):
        target = getattr(target, attribute, None)
        if target is None:
            return


def warm_up(model: object, api: str) -> int:
    """Build the deferred schemas and client resources a turn needs; return how many.

    ``model`` is the assistant's (inner) model; only an openai-backed one has a client.
    Never raises: a failure here only means the first turn does the work itself.
    """
    built = 0
    try:
        client = getattr(model, "_client", None)
        if client is not None:
            warm_client(client, api)
            # The agents SDK's stream handlers import these on the first stream.
            importlib.import_module("agents.models.chatcmpl_stream_handler")
            for name in WARM_IMPORTS:
                with contextlib.suppress(ImportError):  # another SDK version's layout
                    importlib.import_module(name)
        import chatkit.types
        from pydantic import BaseModel

        turn_types = [getattr(chatkit.types, name, None) for name in CHATKIT_TURN_TYPES]
        deferred = [
            cls
            for cls in turn_types
            if isinstance(cls, type) and issubclass(cls, BaseModel) and _is_deferred(cls)
        ]
        for cls in [*deferred, *_deferred_models(WARM_MODULES)]:
            cls.model_rebuild(force=True)
            built += 1
        # The run context's generic class is built (and cached) on first use.
        from chatkit.agents import AgentContext

        from ..protocol import RequestContext

        AgentContext[RequestContext]  # building the class is the point
        if client is not None:
            # The stream-event unions, here in the worker thread rather than on the
            # event loop during the warm-up turn (warm_turn.py).
            from .canned_provider import parse_answers

            parse_answers(model, api)  # type: ignore[arg-type]
    except Exception as exc:
        # The first turn (or the warm-up turn) builds what is left.
        log.debug("jupyter-chatkit: warm-up skipped (%s)", type(exc).__name__)
    return built

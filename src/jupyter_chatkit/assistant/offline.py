"""The built-in offline model: deterministic answers, no network.

Used when no LLM is configured. It reads the conversation the way a model would (the
last user message and any tool outputs), calls the notebook's client tools when the
question is about variables or cells, proposes code templates through ``propose_code``,
summarises tool outputs in markdown, and says how to configure a real model.

What to answer is decided by :func:`plan_reply` (pure, see ``offline_replies``); this
module turns the plan into Responses-API output items and stream events.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from agents.items import (
    ModelResponse,
    TResponseInputItem,
    TResponseOutputItem,
    TResponseStreamEvent,
)
from agents.models.interface import Model, ModelTracing
from agents.usage import Usage
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseInProgressEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseUsage,
)
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails

from .offline_replies import TITLE_MARKER, OfflineReply, plan_reply

if TYPE_CHECKING:
    from agents.agent_output import AgentOutputSchemaBase
    from agents.handoffs import Handoff
    from agents.model_settings import ModelSettings
    from agents.tool import Tool
    from openai.types.responses.response_prompt_param import ResponsePromptParam

__all__ = ["OFFLINE_MODEL_NAME", "TITLE_MARKER", "OfflineModel"]

OFFLINE_MODEL_NAME = "offline"

# Text is streamed in chunks of about this many characters, so the UI shows it arriving.
_CHUNK_CHARS = 24


class OfflineModel(Model):
    """A deterministic ``agents`` model that needs no network and no configuration."""

    def __init__(self, *, chunk_chars: int = _CHUNK_CHARS) -> None:
        self._chunk_chars = max(1, chunk_chars)

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: ResponsePromptParam | None,
    ) -> ModelResponse:
        """Answer in one piece."""
        reply = plan_reply(system_instructions, input, _tool_names(tools))
        output = _output_items(reply)
        usage = _usage(input, reply)
        return ModelResponse(
            output=output,
            usage=Usage(
                requests=1,
                input_tokens=usage.input_tokens,
                output_tokens=usage.output_tokens,
                total_tokens=usage.total_tokens,
            ),
            response_id=_new_id("resp"),
        )

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None,
        conversation_id: str | None,
        prompt: ResponsePromptParam | None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """Answer as Responses-API stream events, text in small deltas."""
        reply = plan_reply(system_instructions, input, _tool_names(tools))
        events = _stream_events(reply, _usage(input, reply), self._chunk_chars)
        for event in events:
            yield event
            # Let the consumer (and cancellation) in between deltas, like a real stream.
            await asyncio.sleep(0)


def _tool_names(tools: Sequence[Tool]) -> frozenset[str]:
    return frozenset(name for t in tools if isinstance(name := getattr(t, "name", None), str))


def _new_id(prefix: str) -> str:
    # Unique ids matter: ChatKit reuses message ids as thread item ids.
    return f"{prefix}_{uuid.uuid4().hex}"


def _message(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id=_new_id("msg"),
        type="message",
        role="assistant",
        status="completed",
        content=[ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])],
    )


def _function_call(name: str, arguments: dict[str, Any]) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        id=_new_id("fc"),
        call_id=_new_id("call"),
        type="function_call",
        name=name,
        arguments=json.dumps(arguments),
        status="completed",
    )


def _output_items(reply: OfflineReply) -> list[TResponseOutputItem]:
    items: list[TResponseOutputItem] = []
    if reply.text:
        items.append(_message(reply.text))
    if reply.tool_call is not None:
        items.append(_function_call(reply.tool_call.name, reply.tool_call.arguments))
    return items


def _usage(input: str | list[TResponseInputItem], reply: OfflineReply) -> ResponseUsage:
    # A rough four-characters-a-token estimate, so usage displays are not all zero.
    seen = len(input) if isinstance(input, str) else len(json.dumps(input, default=str))
    said = len(reply.text) + (len(json.dumps(reply.tool_call.arguments)) if reply.tool_call else 0)
    input_tokens, output_tokens = max(1, seen // 4), max(1, said // 4)
    return ResponseUsage(
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        total_tokens=input_tokens + output_tokens,
        # Validated from a dict: the details' fields differ between openai versions.
        input_tokens_details=InputTokensDetails.model_validate(
            {"cached_tokens": 0, "cache_write_tokens": 0}
        ),
        output_tokens_details=OutputTokensDetails(reasoning_tokens=0),
    )


def _response(
    response_id: str, output: list[TResponseOutputItem], usage: ResponseUsage | None
) -> Response:
    return Response(
        id=response_id,
        object="response",
        created_at=time.time(),
        model=OFFLINE_MODEL_NAME,
        status="completed" if usage is not None else "in_progress",
        output=output,
        tool_choice="auto",
        tools=[],
        top_p=None,
        parallel_tool_calls=False,
        usage=usage,
    )


def _chunks(text: str, size: int) -> list[str]:
    """Split at spaces near ``size`` characters, so deltas look like a model's."""
    chunks: list[str] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            space = text.rfind(" ", start + 1, end + 1)
            end = space if space > start else end
        chunks.append(text[start:end])
        start = end
    return chunks


def _stream_events(
    reply: OfflineReply, usage: ResponseUsage, chunk_chars: int
) -> list[TResponseStreamEvent]:
    """The Responses-API event sequence for one reply, numbered in order."""
    response_id = _new_id("resp")
    output = _output_items(reply)
    events: list[Any] = [
        ResponseCreatedEvent(
            type="response.created",
            response=_response(response_id, [], None),
            sequence_number=0,
        ),
        ResponseInProgressEvent(
            type="response.in_progress",
            response=_response(response_id, [], None),
            sequence_number=0,
        ),
    ]
    for index, item in enumerate(output):
        if isinstance(item, ResponseOutputMessage):
            events.extend(_message_events(item, index, chunk_chars))
        elif isinstance(item, ResponseFunctionToolCall):
            events.extend(_function_call_events(item, index, chunk_chars))
    events.append(
        ResponseCompletedEvent(
            type="response.completed",
            response=_response(response_id, output, usage),
            sequence_number=0,
        )
    )
    for number, event in enumerate(events):
        event.sequence_number = number
    return cast(list[TResponseStreamEvent], events)


def _message_events(item: ResponseOutputMessage, index: int, chunk_chars: int) -> list[Any]:
    part = item.content[0]
    assert isinstance(part, ResponseOutputText)
    where: dict[str, Any] = {"item_id": item.id, "output_index": index, "content_index": 0}
    return [
        ResponseOutputItemAddedEvent(
            type="response.output_item.added",
            output_index=index,
            item=item.model_copy(update={"content": [], "status": "in_progress"}),
            sequence_number=0,
        ),
        ResponseContentPartAddedEvent(
            type="response.content_part.added",
            part=part.model_copy(update={"text": ""}),
            sequence_number=0,
            **where,
        ),
        *(
            ResponseTextDeltaEvent(
                type="response.output_text.delta",
                delta=chunk,
                logprobs=[],
                sequence_number=0,
                **where,
            )
            for chunk in _chunks(part.text, chunk_chars)
        ),
        ResponseTextDoneEvent(
            type="response.output_text.done",
            text=part.text,
            logprobs=[],
            sequence_number=0,
            **where,
        ),
        ResponseContentPartDoneEvent(
            type="response.content_part.done", part=part, sequence_number=0, **where
        ),
        ResponseOutputItemDoneEvent(
            type="response.output_item.done", output_index=index, item=item, sequence_number=0
        ),
    ]


def _function_call_events(
    item: ResponseFunctionToolCall, index: int, chunk_chars: int
) -> list[Any]:
    item_id = item.id or item.call_id
    return [
        ResponseOutputItemAddedEvent(
            type="response.output_item.added",
            output_index=index,
            item=item.model_copy(update={"arguments": "", "status": "in_progress"}),
            sequence_number=0,
        ),
        *(
            ResponseFunctionCallArgumentsDeltaEvent(
                type="response.function_call_arguments.delta",
                item_id=item_id,
                output_index=index,
                delta=chunk,
                sequence_number=0,
            )
            for chunk in _chunks(item.arguments, chunk_chars)
        ),
        # Validated from a dict: older openai versions require ``name``, newer keep it as
        # an extra field.
        ResponseFunctionCallArgumentsDoneEvent.model_validate(
            {
                "type": "response.function_call_arguments.done",
                "item_id": item_id,
                "output_index": index,
                "arguments": item.arguments,
                "name": item.name,
                "sequence_number": 0,
            }
        ),
        ResponseOutputItemDoneEvent(
            type="response.output_item.done", output_index=index, item=item, sequence_number=0
        ),
    ]

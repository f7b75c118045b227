"""A provider answered inside the process, for the warm-up turn at start (warm_turn.py).

:func:`offline_copy` gives the configured model class on a copy of its ``AsyncOpenAI``
client whose HTTP transport is the HTTP library's mock transport: requests reach
:class:`CannedProvider`, which answers the way OpenAI-compatible servers stream (chat
completions chunks, or Responses events), and no socket is opened. The first answer
calls a client tool, the next ones are text: the two shapes of a first turn.
"""

from __future__ import annotations

import json
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..protocol import LIST_KERNEL_VARIABLES

if TYPE_CHECKING:
    from agents.models.interface import Model

ANSWER = ["The kernel ", "has no variables yet."]
# The client tool the first answer calls, with its arguments (JSON text).
TOOL_CALL = (LIST_KERNEL_VARIABLES.name, "{}")
CALL_ID = "call_warm_up"
# What the synchronous parse (parse_answers) asks; the canned provider ignores it.
WARM_INPUT = "Hello"


def _sse(payloads: list[Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in payloads)


def chat_completions_stream(model: str, tool_call: bool) -> bytes:
    """A streamed chat completion: a tool call, or :data:`ANSWER` in two deltas."""
    base = {"id": "chatcmpl-warm-up", "object": "chat.completion.chunk", "created": 0}
    base["model"] = model

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**base, "choices": [choice]}

    payloads: list[Any] = [chunk({"role": "assistant", "content": ""})]
    if tool_call:
        name, arguments = TOOL_CALL
        head = {"index": 0, "id": CALL_ID, "type": "function"}
        payloads += [
            chunk({"tool_calls": [{**head, "function": {"name": name, "arguments": ""}}]}),
            chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments}}]}),
            chunk({}, "tool_calls"),
        ]
    else:
        payloads += [chunk({"content": text}) for text in ANSWER]
        payloads.append(chunk({}, "stop"))
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    payloads.append({**base, "choices": [], "usage": usage})
    return _sse(payloads) + b"data: [DONE]\n\n"


def _response(model: str, output: list[Any], done: bool) -> dict[str, Any]:
    usage = {
        "input_tokens": 1,
        # Every field openai 3.57 requires, as the API sends them: the warm-up then
        # builds response.completed by validation, as real answers are built.
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": 2,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 3,
    }
    return {
        "id": "resp_warm_up",
        "object": "response",
        "created_at": 0,
        "status": "completed" if done else "in_progress",
        "model": model,
        "output": output if done else [],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "temperature": 1.0,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "usage": usage if done else None,
    }


def _text_events() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    text = "".join(ANSWER)
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    item = {
        "id": "msg_warm_up",
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }
    where = {"item_id": item["id"], "output_index": 0, "content_index": 0}
    return item, [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", "part": {**part, "text": ""}, **where},
        *(
            {"type": "response.output_text.delta", "delta": delta, "logprobs": [], **where}
            for delta in ANSWER
        ),
        {"type": "response.output_text.done", "text": text, "logprobs": [], **where},
        {"type": "response.content_part.done", "part": part, **where},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
    ]


def _tool_call_events() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    name, arguments = TOOL_CALL
    item = {
        "id": "fc_warm_up",
        "type": "function_call",
        "call_id": CALL_ID,
        "name": name,
        "arguments": arguments,
        "status": "completed",
    }
    where = {"item_id": item["id"], "output_index": 0}
    return item, [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "arguments": ""},
        },
        {"type": "response.function_call_arguments.delta", "delta": arguments, **where},
        {
            "type": "response.function_call_arguments.done",
            "arguments": arguments,
            "name": name,
            **where,
        },
        {"type": "response.output_item.done", "output_index": 0, "item": item},
    ]


def responses_stream(model: str, tool_call: bool) -> bytes:
    """A streamed Responses answer (a tool call, or :data:`ANSWER`), every event kind
    such an answer has."""
    item, middle = _tool_call_events() if tool_call else _text_events()
    events = [
        {"type": "response.created", "response": _response(model, [], False)},
        {"type": "response.in_progress", "response": _response(model, [], False)},
        *middle,
        {"type": "response.completed", "response": _response(model, [item], True)},
    ]
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return _sse(events)


class CannedProvider:
    """Answers the model's requests in-process (a tool call first, then text); counts
    them."""

    def __init__(self, model: str) -> None:
        """``model``: the name put in the answers."""
        self.model = model
        self.requests = 0

    def answer(self, method: str, path: str) -> tuple[int, bytes]:
        """Status and streamed body for a request to ``path``."""
        self.requests += 1
        tool_call = self.requests == 1
        if method == "POST" and path.endswith("/chat/completions"):
            return 200, chat_completions_stream(self.model, tool_call)
        if method == "POST" and path.endswith("/responses"):
            return 200, responses_stream(self.model, tool_call)
        return 404, b'{"error": {"message": "not part of the warm-up"}}'


def _http_library(http_client: object) -> ModuleType:
    """The HTTP library of openai's client (httpx, or httpx2 since openai 3)."""
    for cls in type(http_client).__mro__:
        module = sys.modules.get(cls.__module__.split(".")[0])
        if module is not None and hasattr(module, "MockTransport"):
            return module
    raise RuntimeError("the openai client's HTTP library has no mock transport")


def offline_copy(model: Model, provider: CannedProvider) -> Model | None:
    """The class of ``model`` on a copy of its client whose requests ``provider`` answers.

    None when ``model`` has no openai client (the offline model: used as it is).
    """
    client = getattr(model, "_client", None)
    if client is None:
        return None
    library = _http_library(getattr(client, "_client", None))

    def handler(request: Any) -> Any:
        status, body = provider.answer(request.method, request.url.path)
        headers = {"content-type": "text/event-stream" if status == 200 else "application/json"}
        return library.Response(status, headers=headers, content=body)

    mock = library.AsyncClient(transport=library.MockTransport(handler))
    copy = client.copy(http_client=mock, max_retries=0)
    return type(model)(model=model.model, openai_client=copy)  # type: ignore[attr-defined,call-arg]


def parse_answers(model: Model, api: str) -> int:
    """Stream the canned answers through a synchronous copy of ``model``'s client.

    For a worker thread: the first parse of a stream builds openai's event unions
    (a ``TypeAdapter`` and the discriminator map of ~50 event classes), hundreds of
    milliseconds that would otherwise stop the server's event loop during the warm-up
    turn. The caches are the process's, so the async client finds them built. Returns
    the requests answered (0 without an openai client).
    """
    client = getattr(model, "_client", None)
    if client is None:
        return 0
    from openai import OpenAI

    if api == "responses":
        from .responses_model import stream_event_types

        # The tagged union the Responses model parses its events with (~0.2 s to build).
        stream_event_types()
    else:
        from .chat_completions import prepare_chunk_validation

        prepare_chunk_validation()

    library = _http_library(getattr(client, "_client", None))
    provider = CannedProvider(str(getattr(model, "model", "")))

    def handler(request: Any) -> Any:
        status, body = provider.answer(request.method, request.url.path)
        headers = {"content-type": "text/event-stream" if status == 200 else "application/json"}
        return library.Response(status, headers=headers, content=body)

    http_client = library.Client(transport=library.MockTransport(handler))
    with OpenAI(
        api_key="warm-up", base_url=str(client.base_url), http_client=http_client, max_retries=0
    ) as sync_client:
        for _ in range(2):  # a tool call, then text
            if api == "responses":
                stream: Any = sync_client.responses.create(
                    model=provider.model, input=WARM_INPUT, stream=True
                )
            else:
                stream = sync_client.chat.completions.create(
                    model=provider.model,
                    messages=[{"role": "user", "content": WARM_INPUT}],
                    stream=True,
                    stream_options={"include_usage": True},
                )
            for _event in stream:
                pass
    return provider.requests

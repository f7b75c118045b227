"""One real turn at start, answered by a canned provider inside this process.

A first turn builds a great deal once: openai's stream-event unions (``TypeAdapter``
and discriminator caches), the agents SDK's run machinery, ChatKit's stream
processing, SQLAlchemy's statement compilation. :mod:`.warmup` builds the deferred
schemas it knows by name; :func:`warm_turn` builds the rest by answering one message
end to end, through the same code a person's first message goes through:
``NotebookAssistant.handle``, ChatKit, the agents ``Runner`` and the configured model
class, on a store of the same kind.

Nothing leaves the process and nothing of the person's is touched:

- the model's ``AsyncOpenAI`` client is a copy of the configured one whose HTTP
  transport answers from this module (an HTTP library mock transport); no socket opens;
- the turn runs on a throwaway assistant with its own SQLite store in a temporary
  directory (deleted after), MCP servers left out, tracing off, local titles;
- whatever it logs stays out of the server's log (debug only), and a failure only
  means the first real turn builds what is left.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ..protocol import RequestContext

if TYPE_CHECKING:
    from agents.models.interface import Model

    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# The store scope of the warm-up's thread (in its throwaway store only).
WARM_USER = "jupyter-chatkit-warm-up"
# Answered with text by the offline model too (the canned provider ignores it).
WARM_QUESTION = "Hello"
WARM_ANSWER = ["The kernel ", "has no variables yet."]
# Loggers of the libraries a turn goes through; while the warm-up runs, records made
# on its behalf are dropped there (a logger's filters see only its own records, so
# each one that exists when the warm-up starts gets the filter).
_QUIET_PREFIXES = ("jupyter_chatkit", "chatkit", "openai", "agents", "httpx", "sqlalchemy")

_warming: ContextVar[bool] = ContextVar("jupyter_chatkit_warming", default=False)


class _WarmUpRecords(logging.Filter):
    """Drop the records made inside the warm-up (a real request's pass untouched)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record made while the warm-up's context is current."""
        if _warming.get():
            if record.levelno >= logging.WARNING:
                _note(record)
            return False
        return True


def _note(record: logging.LogRecord) -> None:
    # The type of what happened, never its text (it may hold the canned request).
    token = _warming.set(False)
    try:
        log.debug("jupyter-chatkit: warm-up: %s logged %s", record.name, record.levelname)
    finally:
        _warming.reset(token)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Mark this context as the warm-up's and keep its log records out of the log."""
    quiet = _WarmUpRecords()
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if any(name == p or name.startswith(p + ".") for p in _QUIET_PREFIXES)
    ]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addFilter(quiet)
    token = _warming.set(True)
    try:
        yield
    finally:
        _warming.reset(token)
        for logger in loggers:
            logger.removeFilter(quiet)


def _sse(payloads: list[Any]) -> bytes:
    return b"".join(b"data: " + json.dumps(p).encode() + b"\n\n" for p in payloads)


def chat_completions_stream(model: str) -> bytes:
    """A streamed chat completion answering :data:`WARM_ANSWER`, as providers send it."""
    base = {"id": "chatcmpl-warm-up", "object": "chat.completion.chunk", "created": 0}
    base["model"] = model

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**base, "choices": [choice]}

    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    payloads: list[Any] = [chunk({"role": "assistant", "content": ""})]
    payloads += [chunk({"content": text}) for text in WARM_ANSWER]
    payloads += [chunk({}, "stop"), {**base, "choices": [], "usage": usage}]
    return _sse(payloads) + b"data: [DONE]\n\n"


def responses_stream(model: str) -> bytes:
    """A streamed Responses answer of :data:`WARM_ANSWER`, with every event kind a
    text answer has."""
    text = "".join(WARM_ANSWER)
    item_id = "msg_warm_up"
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    message = {
        "id": item_id,
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }

    def response(done: bool) -> dict[str, Any]:
        usage = {
            "input_tokens": 1,
            "input_tokens_details": {"cached_tokens": 0},
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
            "output": [message] if done else [],
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

    where = {"item_id": item_id, "output_index": 0, "content_index": 0}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": response(False)},
        {"type": "response.in_progress", "response": response(False)},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**message, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", "part": {**part, "text": ""}, **where},
        *(
            {"type": "response.output_text.delta", "delta": delta, "logprobs": [], **where}
            for delta in WARM_ANSWER
        ),
        {"type": "response.output_text.done", "text": text, "logprobs": [], **where},
        {"type": "response.content_part.done", "part": part, **where},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": response(True)},
    ]
    for number, event in enumerate(events):
        event["sequence_number"] = number
    return _sse(events)


class CannedProvider:
    """Answers the model's requests in-process; counts them. Never opens a socket."""

    def __init__(self, model: str) -> None:
        """``model``: the name put in the answers."""
        self.model = model
        self.requests = 0

    def answer(self, method: str, path: str) -> tuple[int, bytes]:
        """Status and streamed body for a request to ``path``."""
        self.requests += 1
        if method == "POST" and path.endswith("/chat/completions"):
            return 200, chat_completions_stream(self.model)
        if method == "POST" and path.endswith("/responses"):
            return 200, responses_stream(self.model)
        return 404, b'{"error": {"message": "not part of the warm-up"}}'


def _http_library(http_client: object) -> ModuleType:
    """The HTTP library of openai's client (httpx, or httpx2 since openai 3)."""
    for cls in type(http_client).__mro__:
        module = sys.modules.get(cls.__module__.split(".")[0])
        if module is not None and hasattr(module, "MockTransport"):
            return module
    raise RuntimeError("the openai client's HTTP library has no mock transport")


def _offline_copy(model: Model, provider: CannedProvider) -> Model | None:
    """The configured model class with a copy of its client on ``provider``'s transport.

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


def _create_body() -> bytes:
    return json.dumps(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": WARM_QUESTION}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
            # As the chat sends it: the new thread's notebook, the Ask/Agent switch.
            "metadata": {"notebook": "warm-up.ipynb", "agent": {"mode": "ask", "auto_run": False}},
        }
    ).encode()


async def warm_turn(assistant: NotebookAssistant) -> int:
    """Answer one message on a throwaway copy of ``assistant``; return the model
    requests the canned provider answered (0 for the offline model).

    Raises whatever went wrong (the caller logs it at debug): the warm-up is best effort.
    """
    from ..settings import Settings
    from ..store import open_store
    from .server import NotebookAssistant, StreamResult

    settings = assistant.settings
    provider = CannedProvider(settings.effective_model)
    model = _offline_copy(assistant.provider_model, provider)
    with (
        _quiet(),
        tempfile.TemporaryDirectory(
            prefix="jupyter-chatkit-warm-up-", ignore_cleanup_errors=True
        ) as tmp,
    ):
        store = await open_store(f"sqlite:///{Path(tmp) / 'warm-up.sqlite3'}")
        values = {
            **settings.values(),
            "store_url": "",  # not used: the store is given
            "mcp_servers": {},  # never start a person's MCP servers for this
            "title_threads": "local",  # a model title would be one more request
        }
        warm: NotebookAssistant | None = None
        try:
            warm = NotebookAssistant(store, Settings(**values), model=model)
            warm.tracing = False  # nothing of the warm-up goes to OpenAI's traces
            result = await warm.handle(_create_body(), RequestContext(user_id=WARM_USER))
            if not isinstance(result, StreamResult):
                raise RuntimeError(f"the warm-up turn was refused ({result.status})")
            answered = error = False
            async for chunk in result.chunks:
                # Text, or a client tool call (which ends a turn until the client answers).
                answered = answered or b"text_delta" in chunk or b"client_tool_call" in chunk
                error = error or b'"type":"error"' in chunk
            if error or not answered:
                raise RuntimeError("the warm-up turn streamed no answer")
        finally:
            if warm is not None:
                await warm.aclose()
            else:
                await store.close()
    return provider.requests

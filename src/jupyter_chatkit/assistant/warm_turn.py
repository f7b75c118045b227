"""One real turn at start, answered by a canned provider inside this process.

A first turn builds a great deal once: openai's stream-event unions (``TypeAdapter``
and discriminator caches), the agents SDK's run machinery, ChatKit's stream
processing, SQLAlchemy's statement compilation. :mod:`.warmup` does what it can off
the event loop first (imports, the shared ``Response`` schema, the stream-event
unions); :func:`warm_turn` builds the rest, and only what a turn uses, by answering a
message end to end (a client tool call, its output, the answer), through the same code
a person's first message goes through:
``NotebookAssistant.handle``, ChatKit, the agents ``Runner`` and the configured model
class, on a store of the same kind.

Nothing leaves the process and nothing of the person's is touched:

- the model's ``AsyncOpenAI`` client is a copy of the configured one whose HTTP
  transport answers in process (:mod:`.canned_provider`); no socket opens;
- the turn runs on a throwaway assistant with its own SQLite store in a temporary
  directory (deleted after), MCP servers left out, tracing off, local titles;
- whatever it logs stays out of the server's log (debug only), and a failure only
  means the first real turn builds what is left.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..protocol import RequestContext
from .canned_provider import CannedProvider, offline_copy

if TYPE_CHECKING:
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# The store scope of the warm-up's thread (in its throwaway store only).
WARM_USER = "jupyter-chatkit-warm-up"
# The offline model answers it as the canned one does: a client tool call, then text.
WARM_QUESTION = "Which variables are defined?"
# Loggers of the libraries a turn goes through; while the warm-up runs, records made
# on its behalf are dropped there (a logger's filters see only its own records, so
# each one that exists when the warm-up starts gets the filter).
_QUIET_PREFIXES = (
    "jupyter_chatkit",
    "chatkit",
    "openai",
    "agents",
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore2",
    "sqlalchemy",
    "aiosqlite",
)

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


def _body(type_: str, params: dict[str, Any]) -> bytes:
    # As the chat sends it: the new thread's notebook, the Ask/Agent switch.
    metadata = {"notebook": "warm-up.ipynb", "agent": {"mode": "ask", "auto_run": False}}
    return json.dumps({"type": type_, "params": params, "metadata": metadata}).encode()


async def _stream(
    assistant: NotebookAssistant, body: bytes, context: RequestContext
) -> tuple[str | None, bool]:
    """Send one streaming request; (the thread's id if created, a tool call is pending).

    Raises when the request was refused or its stream has an error or no answer.
    """
    from .server import StreamResult

    result = await assistant.handle(body, context)
    if not isinstance(result, StreamResult):
        raise RuntimeError(f"a warm-up request was refused ({result.status})")
    thread_id: str | None = None
    answered = tool_call = False
    async for chunk in result.chunks:
        # Plain JSON: a TypeAdapter of every stream event would build the widget
        # schemas too, which most servers never need.
        event = json.loads(chunk.removeprefix(b"data: "))
        kind = event.get("type")
        if kind == "error":
            raise RuntimeError("a warm-up request streamed an error")
        if kind == "thread.created":
            thread_id = event["thread"]["id"]
        elif kind == "thread.item.done":
            answered = answered or event["item"]["type"] == "assistant_message"
            tool_call = tool_call or event["item"]["type"] == "client_tool_call"
    if not (answered or tool_call):
        raise RuntimeError("a warm-up request streamed no answer")
    return thread_id, tool_call


async def warm_turn(
    assistant: NotebookAssistant, stopping: Callable[[], bool] = lambda: False
) -> int:
    """Answer a message on a throwaway copy of ``assistant``; return the model requests
    the canned provider answered (0 for the offline model).

    The canned model first calls a client tool (the turn ends waiting for the client),
    whose output is then sent as the chat sends it, and answers with text: both
    shapes of a first turn, a new thread and a thread continued.
    Raises whatever went wrong (the caller logs it at debug): the warm-up is best effort.
    Once ``stopping()`` is true (the server stops: no first turn will come) it does no
    more steps and no collection: a server's stop waits for it.
    """
    if stopping():
        return 0
    from ..settings import Settings
    from ..store import open_store
    from .server import NotebookAssistant

    settings = assistant.settings
    provider = CannedProvider(settings.effective_model)
    model = offline_copy(assistant.provider_model, provider)
    context = RequestContext(user_id=WARM_USER)
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
            question: dict[str, Any] = {
                "content": [{"type": "input_text", "text": WARM_QUESTION}],
                "attachments": [],
                "inference_options": {},
            }
            thread_id, tool_call = await _stream(
                warm, _body("threads.create", {"input": question}), context
            )
            if tool_call and thread_id is not None and not stopping():
                output = {"variables": [{"name": "df", "type": "DataFrame", "shape": [3, 2]}]}
                params = {"thread_id": thread_id, "result": output}
                await _stream(warm, _body("threads.add_client_tool_output", params), context)
        finally:
            if warm is not None:
                await warm.aclose()
            else:
                await store.close()
    if stopping():
        return provider.requests
    sign_shared_agents(assistant)
    # The start-up work made a great many objects, so a full collection is due: taken
    # now, while nobody waits, it does not fall in the first real turn.
    gc.collect()
    return provider.requests


def sign_shared_agents(assistant: NotebookAssistant) -> int:
    """Compute the identity signature of ``assistant``'s shared agents; how many.

    openai-agents signs the run's agent in each run, and a shared agent keeps its
    signature once computed (``agent.share_agent``): the throwaway assistant's agents
    are other objects, so the real ones' would otherwise be computed in the first turn
    (~1 ms, a JSON dump of the instructions and every tool).
    """
    try:
        from agents import _run_state_agent_identity as identity
    except ImportError:  # another SDK version: nothing to keep
        return 0
    signature = getattr(identity, "_agent_identity_signature", None)
    if signature is None:
        return 0
    agents = (assistant.agent, assistant.agent_mode_agent, assistant.agent_limit_agent)
    for agent in agents:
        signature(agent)
    return len(agents)

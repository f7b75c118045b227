"""A Python ChatKit client for the in-kernel assistant (headless ``Chat.ask``).

It speaks the same protocol as the browser: posts ChatKit requests to
:meth:`NotebookAssistant.handle`, reads the SSE events it needs (:mod:`.stream_events`:
no pydantic models to load when the kernel's server answers), answers client tool
calls in the kernel with :mod:`.introspect` (loaded at the first call), and keeps the
thread id for follow-ups. It never waits for a front end, so it works under nbclient, in a
script, or while a widget is not rendered.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..assistant.agent_tools import HEADLESS_FRONT_END, METADATA_KEY
from ..assistant.fence import fence
from ..assistant.results import JsonResult
from ..protocol import ErrorCode, RequestContext, Turn
from .answer_mime import terminal_text
from .inert_markdown import inert_markdown
from .read_line import read_line_markdown
from .store_waits import telling_waits
from .stream_events import (
    ITEM_DONE,
    ITEM_REPLACED,
    AssistantText,
    ErrorEvent,
    InvalidEvent,
    ItemEvent,
    NoticeEvent,
    StreamEvent,
    ThreadCreated,
    ToolCall,
    WidgetCard,
    parse_event,
)
from .view import current_shell

if TYPE_CHECKING:
    from ..assistant.server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# A question may need a few tool calls (list variables, then inspect one); past this the
# model is looping and we stop, keeping what it said.
MAX_TOOL_ROUNDS = 6
# Stop requests on their way (held so that they are not garbage-collected midway).
_STOPPING: set[asyncio.Task[Any]] = set()
# The thread's last user message (its model pick) is looked for this far back, newest
# first; agent steps and tool rounds put other items after it.
MODEL_PAGE_SIZE = 50
MODEL_PAGES = 4

ToolRunner = Callable[[str, dict[str, Any]], dict[str, Any]]


def run_tool(name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Answer client tool ``name`` in this kernel (:func:`.introspect.run_tool`, whose
    context policy and value readers load at a question's first tool call)."""
    from .introspect import run_tool as introspect_tool

    return introspect_tool(name, args)


@dataclass(frozen=True)
class CodeCard:
    """Code the assistant proposed as a card (in the browser: Insert / Insert & run)."""

    code: str
    title: str = ""
    language: str = "python"
    item_id: str = ""

    def markdown(self) -> str:
        """The card as Markdown: a title line and a fenced code block."""
        title = f"**{self.title}**\n\n" if self.title else ""
        return title + fence(self.code, self.language)


class Answer(str):
    """The assistant's answer: a ``str`` of its text, with the code cards alongside.

    ``answer.text`` is the plain text, ``answer.code_cards`` the proposed code,
    ``answer.thread_id`` the conversation, ``answer.error`` a readable message when the
    assistant could not answer (then the text says so too). In IPython it renders as
    Markdown.
    """

    text: str
    code_cards: tuple[CodeCard, ...]
    thread_id: str | None
    error: str | None
    reads: tuple[dict[str, Any], ...]
    _order: tuple[str | CodeCard, ...]
    _shown_in: int | None

    def __new__(
        cls,
        text: str,
        code_cards: tuple[CodeCard, ...] | list[CodeCard] = (),
        thread_id: str | None = None,
        error: str | None = None,
        reads: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
        order: tuple[str | CodeCard, ...] | list[str | CodeCard] = (),
    ) -> Answer:
        """Build an answer; the ``str`` value is ``text``; ``reads`` are the tool calls
        the kernel answered for it, as :func:`read_call` keeps them; ``order``: its
        texts and cards in the order they came (as the chat shows them), else the text
        comes first, then the cards."""
        self = super().__new__(cls, text)
        self.text = text
        self.code_cards = tuple(code_cards)
        self.thread_id = thread_id
        self.error = error
        self.reads = tuple(reads)
        self._order = tuple(order)
        self._shown_in = None
        return self

    @property
    def ok(self) -> bool:
        """True unless the assistant failed to answer."""
        return self.error is None

    @property
    def code(self) -> str:
        """The code of the last proposed card ("" if none)."""
        return self.code_cards[-1].code if self.code_cards else ""

    def insert(self, card: int = -1) -> bool:
        """Put a code card's code into a new cell below the running one, not run.

        Like the card's Insert button, for code you reviewed here (JupyterLab and
        Notebook 7 insert it when the cell finishes). False outside IPython or when the
        answer has no code.
        """
        shell = current_shell()
        if shell is None or not self.code_cards:
            return False
        shell.set_next_input(self.code_cards[card].code, replace=False)
        return True

    def markdown(self) -> str:
        """Text and code cards as one Markdown document, in the chat's order."""
        order = self._order or (self.text, *self.code_cards)
        parts = [p.markdown() if isinstance(p, CodeCard) else p for p in order]
        parts = [p for p in parts if p.strip()]
        return "\n\n".join(parts) if parts else "_(no answer)_"

    def plain_markdown(self) -> str:
        """What any front end's Markdown renderer shows: the answer (no raw HTML, no
        images it would load) and its "Read:" line, counts and cell numbers only."""
        line = read_line_markdown(self.reads)
        shown = inert_markdown(self.markdown())
        return f"{shown}\n\n{line}" if line else shown

    def _bundle(self) -> dict[str, str]:
        return {"text/markdown": self.plain_markdown(), "text/plain": terminal_text(self.text)}

    def show(self) -> None:
        """Display the answer as Markdown in IPython (nothing elsewhere)."""
        shell = current_shell()
        if shell is None:
            return
        from IPython.display import display

        display(self._bundle(), raw=True)
        self._shown_in = getattr(shell, "execution_count", None)

    def _ipython_display_(self) -> None:
        # ask() already showed this answer in the running cell: as the cell's last
        # expression it would otherwise appear twice.
        shell = current_shell()
        if shell is not None and self._shown_in == getattr(shell, "execution_count", -1):
            return
        from IPython.display import display

        display(self._bundle(), raw=True)


@dataclass
class _Turn:
    """What one exchange (possibly several requests) produced."""

    texts: list[str] = field(default_factory=list)
    cards: dict[str, CodeCard] = field(default_factory=dict)
    # Texts and cards by item id, in the order they came (a replaced card keeps its place).
    pieces: dict[str, str | CodeCard] = field(default_factory=dict)
    error: str | None = None
    notices: list[str] = field(default_factory=list)
    pending_tool: ToolCall | None = None
    thread_id: str | None = None
    reads: list[dict[str, Any]] = field(default_factory=list)


def read_call(call: ToolCall, output: Any) -> dict[str, Any]:
    """A client tool call the kernel answered, as the answer's "Read:" line needs it.

    A completed ``client_tool_call`` item for js/src/ui/readline.ts ``summarizeTurn``
    (the one place that says what a turn read), its output cut to what that reads: the
    count of hidden values (``redacted``), the cells' indices and whether it failed.
    What was read itself (sources, values) stays out of the notebook's output.
    """
    result = output if isinstance(output, dict) else {}
    kept: dict[str, Any] = {}
    redacted = result.get("redacted")
    if type(redacted) is int and redacted > 0:
        kept["redacted"] = redacted
    error = result.get("error")
    if isinstance(error, str) and error.strip():
        kept["error"] = "failed"

    # A cell kept out (private, or edited since saved) keeps its mark: named, not read.
    def index_of(c: dict[str, Any]) -> dict[str, Any]:
        return {"index": c["index"], **({"kept_out": True} if "kept_out" in c else {})}

    cell = result.get("cell")
    if isinstance(cell, dict) and type(cell.get("index")) is int:
        kept["cell"] = index_of(cell)
    cells = result.get("cells")
    if isinstance(cells, list):
        kept["cells"] = [
            index_of(c) for c in cells if isinstance(c, dict) and type(c.get("index")) is int
        ]
    return {
        "type": "client_tool_call",
        "id": call.id,
        "status": "completed",
        "name": call.name,
        "arguments": dict(call.arguments or {}),
        "output": kept,
    }


def _card_of(card: WidgetCard) -> CodeCard | None:
    code = card.code()
    if code is None:
        return None
    data = card.widget
    return CodeCard(code=code, title=_find_title(data), language=_find_badge(data), item_id=card.id)


def _find_title(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "Title" and isinstance(node.get("value"), str):
            return str(node["value"])
        for child in node.get("children") or []:
            found = _find_title(child)
            if found:
                return found
    return ""


def _find_badge(node: Any) -> str:
    if isinstance(node, dict):
        if node.get("type") == "Badge" and isinstance(node.get("label"), str):
            return str(node["label"])
        for child in node.get("children") or []:
            found = _find_badge(child)
            if found:
                return found
    return "python"


async def iter_events(chunks: AsyncIterator[bytes]) -> AsyncIterator[StreamEvent]:
    """Parse SSE bytes (split anywhere) into the ChatKit stream events the kernel reads."""
    buffer = b""
    async for chunk in chunks:
        buffer += chunk
        while b"\n\n" in buffer:
            block, buffer = buffer.split(b"\n\n", 1)
            event = _parse_block(block)
            if event is not None:
                yield event
    if buffer.strip():
        event = _parse_block(buffer)
        if event is not None:
            yield event


def _parse_block(block: bytes) -> StreamEvent | None:
    lines = [
        line[5:].lstrip() for line in block.decode("utf-8").splitlines() if line.startswith("data:")
    ]
    if not lines:
        return None
    try:
        event = parse_event("\n".join(lines))
    except InvalidEvent:
        event = None
    if event is None:
        # An event this version of chatkit does not know (or without the fields the
        # kernel reads): skip it, like the browser does.
        log.debug("Skipping an unknown ChatKit event")
    return event


def _user_input(text: str, model: str | None = None) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {"model": model} if model else {},
    }


def _request(kind: str, **params: Any) -> bytes:
    return json.dumps({"type": kind, "params": params}).encode()


def _turn_request(kind: str, metadata: dict[str, Any] | None = None, **params: Any) -> bytes:
    """A request that starts or resumes a turn, saying what this client can carry out.

    It answers the read tools in the kernel but can show no approval card, so the server
    offers no Agent-mode step or MCP call needing one, even in a thread in Agent mode.
    """
    request = {
        "type": kind,
        "params": params,
        "metadata": {**(metadata or {}), **HEADLESS_FRONT_END},
    }
    return json.dumps(request).encode()


def _error_text(event: ErrorEvent) -> str:
    if event.message:
        return event.message
    return f"The assistant stopped ({event.code})."


class ChatClient:
    """One conversation with a :class:`NotebookAssistant`, driven from Python."""

    def __init__(
        self,
        assistant: NotebookAssistant,
        context: RequestContext,
        thread_id: str | None = None,
        tool_runner: ToolRunner | None = None,
    ) -> None:
        self.assistant = assistant
        self.context = context
        self.thread_id = thread_id or None
        self._run_tool: ToolRunner = tool_runner or run_tool
        # The notebook a new conversation belongs to (a path under the server's root).
        self.notebook: str | None = None
        # What a new conversation starts with, as the chat showing it would send them:
        # the model picked (None: the server's default) and the Ask/Agent switch
        # (``{"mode", "auto_run"}``; None: the thread's default, Ask).
        self.new_thread_model: str | None = None
        self.new_thread_agent: dict[str, Any] | None = None

    def new_thread(self) -> None:
        """Start a new conversation with the next question."""
        self.thread_id = None

    async def ask(self, text: str) -> Answer:
        """Send ``text``, answer the tools the assistant calls, and return its answer."""
        if not isinstance(text, str):
            # Chat().ask(None) or ask(42): a slip, said plainly (the value is not read).
            return Answer("Ask a question as text (a str).", error="question not text")
        text = text.strip()
        if not text:
            return Answer("Ask a question first.", error="empty question")
        if self.thread_id:
            model = await self._thread_model()
            body = _turn_request(
                "threads.add_user_message",
                thread_id=self.thread_id,
                input=_user_input(text, model),
            )
        else:
            body = self._create(text)
        turn = await self._exchange(body)
        if turn.error and self.thread_id and await self._thread_is_gone():
            # The thread was deleted (e.g. from the sidebar): start a new one.
            self.thread_id = None
            turn = await self._exchange(self._create(text))
        for _ in range(MAX_TOOL_ROUNDS):
            call = turn.pending_tool
            if call is None or turn.error or not self.thread_id:
                break
            output = self._tool_output(call)
            turn.reads.append(read_call(call, output))
            body = _turn_request(
                "threads.add_client_tool_output", thread_id=self.thread_id, result=output
            )
            turn = await self._exchange(body, turn)
        else:
            if turn.pending_tool is not None and not turn.error:
                turn.error = "The assistant kept calling tools without answering; stopped."
        return self._answer(turn)

    def _create(self, text: str) -> bytes:
        """``threads.create`` for ``text``, naming this client's notebook if it has one,
        with the model and Ask/Agent switch a new conversation starts with, if any."""
        metadata: dict[str, Any] = {"notebook": self.notebook} if self.notebook else {}
        if self.new_thread_agent is not None:
            metadata[METADATA_KEY] = self.new_thread_agent
        return _turn_request(
            "threads.create", metadata, input=_user_input(text, self.new_thread_model)
        )

    async def _thread_model(self) -> str | None:
        """The model picked for this thread: that of its last user message.

        The browser's picker sends its pick on each message and the server answers a
        turn with the model of the thread's last user message, so a question asked from
        here carries that pick on, instead of switching the conversation back to the
        default model. None (the default) when no message picked one, or on any error.
        """
        after: str | None = None
        for _ in range(MODEL_PAGES):
            params: dict[str, Any] = {"thread_id": self.thread_id, "limit": MODEL_PAGE_SIZE}
            if after:
                params["after"] = after
            result = await self.assistant.handle(_request("items.list", **params), self.context)
            if not isinstance(result, JsonResult) or result.status != 200:
                return None
            try:
                page = json.loads(result.body)
                for item in page["data"]:
                    if item.get("type") == "user_message":
                        model = (item.get("inference_options") or {}).get("model")
                        return model if isinstance(model, str) and model else None
                if not page.get("has_more"):
                    return None
                after = page.get("after")
            except (ValueError, KeyError, TypeError, AttributeError):
                return None
        return None

    async def _thread_is_gone(self) -> bool:
        """True when this client's thread no longer exists for its user.

        A streamed error is a ChatKit ``ErrorEvent``, whose ``code`` cannot say "not
        found"; ``threads.get_by_id`` answers with :attr:`ErrorCode.NOT_FOUND` then.
        """
        result = await self.assistant.handle(
            _request("threads.get_by_id", thread_id=self.thread_id), self.context
        )
        return isinstance(result, JsonResult) and _json_code(result) == ErrorCode.NOT_FOUND

    def _tool_output(self, call: ToolCall) -> Any:
        try:
            return self._run_tool(call.name, dict(call.arguments or {}))
        except Exception as exc:  # the runner is supposed to return errors, not raise
            return {"error": f"{call.name} failed in the kernel ({type(exc).__name__})."}

    async def _exchange(self, body: bytes, turn: _Turn | None = None) -> _Turn:
        """One request; events are folded into ``turn``."""
        turn = turn or _Turn()
        turn.pending_tool = None
        try:
            result = await self.assistant.handle(body, self.context)
            if isinstance(result, JsonResult):
                turn.error = _json_message(result)
                return turn

            def told(chunk: bytes) -> None:
                event = _parse_block(chunk.strip())
                if event is not None:
                    self._fold(turn, event)

            # A write waiting for another process's store lock says so meanwhile (a
            # progress_update, as the server's stream carries it: see StreamingClient).
            with telling_waits(told):
                async for event in iter_events(result.chunks):
                    self._fold(turn, event)
        except asyncio.CancelledError:
            # Interrupted (the kernel's interrupt, ask()'s timeout): a server's turn goes
            # on when its client only goes away, so it is told to stop.
            self._stop_turn()
            raise
        return turn

    def _stop_turn(self) -> None:
        """Ask the assistant to stop this conversation's running turn (in the background:
        the task that would wait for the answer is being cancelled)."""
        if not self.thread_id:
            return
        stop = _request(Turn.STOP, thread_id=self.thread_id)
        task = asyncio.ensure_future(self.assistant.handle(stop, self.context))
        _STOPPING.add(task)
        task.add_done_callback(_STOPPING.discard)

    def _fold(self, turn: _Turn, event: StreamEvent) -> None:
        if isinstance(event, ThreadCreated):
            self.thread_id = event.thread_id
            turn.thread_id = event.thread_id
        elif isinstance(event, ItemEvent) and event.type in (ITEM_DONE, ITEM_REPLACED):
            item = event.item
            if isinstance(item, AssistantText):
                text = item.text.strip()
                if text:
                    turn.texts.append(text)
                    turn.pieces[item.id] = text
            elif isinstance(item, WidgetCard):
                card = _card_of(item)
                if card is not None:
                    turn.cards[item.id] = card
                    turn.pieces[item.id] = card
            elif isinstance(item, ToolCall) and item.status == "pending":
                turn.pending_tool = item
        elif isinstance(event, ErrorEvent):
            turn.error = _error_text(event)
        elif isinstance(event, NoticeEvent):
            turn.notices.append(event.message)

    def _answer(self, turn: _Turn) -> Answer:
        failure = [f"**The assistant could not answer:** {turn.error}"] if turn.error else []
        text = "\n\n".join([*turn.notices, *turn.texts, *failure])
        return Answer(
            text,
            list(turn.cards.values()),
            thread_id=self.thread_id,
            error=turn.error,
            reads=turn.reads,
            order=[*turn.notices, *turn.pieces.values(), *failure],
        )


def _json_code(result: JsonResult) -> str | None:
    """The ``code`` of a JSON error body, if it has one."""
    try:
        code = json.loads(result.body).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def _json_message(result: JsonResult) -> str:
    try:
        message = json.loads(result.body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message) if message else f"The assistant answered with status {result.status}."

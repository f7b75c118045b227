"""An answer that streams into the running cell's output (``%chat QUESTION``, ``%%chat``).

The assistant runs on the runtime thread; its stream events are queued here and the
kernel's main thread, which is waiting for the answer anyway, turns them into
``update_display`` calls. Display messages therefore carry the running cell's parent
header, so JupyterLab, Notebook 7 and nbclient all put them in the right output.

The output is one display (``display_id``) whose bundle is:

- ``text/markdown`` (and ``text/plain``): the answer with its code cards as fenced code,
  meaningful in any front end and in the saved notebook (raw HTML and images made inert
  for their renderers: kernel/inert_markdown.py); the Markdown ends with the "Read:"
  line in counts and cell numbers (kernel/read_line.py);
- :data:`ANSWER_MIME`: the same Markdown plus the cards as data, for our JupyterLab /
  Notebook 7 renderer (js/lab/src/answer.ts), which adds Insert, Insert & run and Copy
  (inserting below the magic's own cell) and the "Read:" line the chat shows under an
  answer (what was read, how many values were hidden; never a value), from ``reads``.
  Without the extension the Markdown is shown.
"""

from __future__ import annotations

import concurrent.futures
import queue
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..assistant.fence import fence
from ..protocol import CLIENT_TOOLS, LOCK_WAIT_ICON, tool_label
from .answer_mime import ANSWER_MIME as ANSWER_MIME
from .answer_mime import THINKING, draft_bundle, failed_bundle, terminal_text
from .client import Answer, ChatClient
from .store_waits import shown_wait, wait_text
from .stream_events import (
    ITEM_UPDATED,
    AssistantText,
    ErrorEvent,
    ItemEvent,
    ProgressEvent,
    StreamEvent,
    TextDelta,
    ThreadCreated,
    ToolCall,
    WidgetCard,
)

if TYPE_CHECKING:
    from ..assistant.server import NotebookAssistant
    from ..protocol import RequestContext

# At most this many display updates a second while text streams (front ends re-render
# the whole output on each one).
UPDATE_INTERVAL = 0.15

EventListener = Callable[[StreamEvent], None]

# What an answer says before its first words.
WORKING = "Thinking…"


class StreamingClient(ChatClient):
    """A :class:`ChatClient` that also hands every stream event to ``listener``."""

    def __init__(
        self,
        assistant: NotebookAssistant,
        context: RequestContext,
        listener: EventListener,
        thread_id: str | None = None,
    ) -> None:
        """Like :class:`ChatClient`; ``listener`` runs on the runtime thread."""
        super().__init__(assistant, context, thread_id=thread_id)
        self._listener = listener

    def _fold(self, turn: Any, event: StreamEvent) -> None:
        super()._fold(turn, event)
        self._listener(event)


@dataclass
class _Draft:
    """What the answer looks like so far."""

    texts: dict[str, str] = field(default_factory=dict)
    cards: dict[str, str] = field(default_factory=dict)
    # The ids of the texts and cards in the order they came (as the chat shows them).
    order: dict[str, None] = field(default_factory=dict)
    activity: str = WORKING
    error: str = ""
    # Said while the store waits for another process's lock (see store_wait).
    waiting: str = ""
    # The conversation this turn created, if it did (the sidebar goes to it).
    new_thread: str = ""

    def fold(self, event: StreamEvent) -> bool:
        """Apply one event; True when what is shown changed."""
        if isinstance(event, ThreadCreated):
            self.new_thread = event.thread_id
            return True
        if isinstance(event, ItemEvent):
            item = event.item
            if isinstance(item, AssistantText):
                self.texts[item.id] = item.text
                self.order.setdefault(item.id)
                self.activity = ""
                return True
            if isinstance(item, WidgetCard):
                code = item.code()
                if code is not None:
                    self.cards[item.id] = fence(code)
                    self.order.setdefault(item.id)
                    return True
            if isinstance(item, ToolCall) and item.status == "pending":
                self.activity = _activity(item)
                return True
        elif isinstance(event, TextDelta):
            self.texts[event.item_id] = self.texts.get(event.item_id, "") + event.delta
            self.order.setdefault(event.item_id)
            self.activity = ""
            return True
        elif isinstance(event, ErrorEvent):
            self.error = event.message or "The assistant stopped."
            return True
        elif isinstance(event, ProgressEvent) and not self.texts:
            # Said as the chat says it (e.g. a Jupyter server's store waiting for
            # another process's lock), until the answer's first words.
            self.activity = event.text
            return True
        return False

    def store_wait(self, limit: float | None) -> bool:
        """Say so while the store has waited long enough for another process's lock
        (``limit``: :func:`~.store_waits.shown_wait`), and no more once it has it; True
        when what is shown changed."""
        text = "" if limit is None else wait_text(limit)
        changed = text != self.waiting
        self.waiting = text
        return changed

    def parts(self) -> list[str]:
        """The texts and cards so far, in the order they came."""
        shown = (self.cards.get(key) or self.texts.get(key, "") for key in self.order)
        return [part for part in shown if part.strip()]

    def markdown(self) -> str:
        """The draft as Markdown, with what is happening (or waited for) at its end."""
        parts = self.parts()
        status = self.waiting or self.activity
        if status:
            parts.append(f"_{status}_")
        return "\n\n".join(parts) or THINKING


def answer_bundle(answer: Answer) -> dict[str, Any]:
    """The final, stable output of an answer (see the module docs)."""
    markdown = answer.markdown()
    return {
        # With its "Read:" line, counts and cell numbers only (kernel/read_line.py).
        "text/markdown": answer.plain_markdown(),
        "text/plain": terminal_text(answer.text),
        ANSWER_MIME: {
            "markdown": markdown,
            "streaming": False,
            "error": answer.error,
            "thread_id": answer.thread_id,
            "cards": [
                {"code": card.code, "title": card.title, "language": card.language}
                for card in answer.code_cards
            ],
            # What the answer read, for its "Read:" line (js/lab/src/answer.ts).
            "reads": list(answer.reads),
        },
    }


def _draft_bundle(draft: _Draft) -> dict[str, Any]:
    return draft_bundle(draft.markdown(), draft.new_thread)


class LiveAnswer:
    """Streams one answer into the running cell's output (see the module docs)."""

    def __init__(self, handle: Any = None) -> None:
        """Nothing is shown until :meth:`wait`, unless ``handle`` (of
        :func:`~.answer_mime.show_thinking`) already shows the placeholder."""
        self._events: queue.SimpleQueue[StreamEvent] = queue.SimpleQueue()
        self._handle: Any = handle
        self._draft = _Draft()

    def post(self, event: StreamEvent) -> None:
        """Queue an event (any thread)."""
        self._events.put(event)

    def wait(self, future: concurrent.futures.Future[Answer], timeout: float) -> Answer:
        """Show the answer as it streams until ``future`` is done; return its answer.

        Raises :class:`TimeoutError` after ``timeout`` seconds; the caller cancels.
        """
        from IPython.display import display

        draft = self._draft
        handle = self._handle
        if handle is None:
            handle = display(_draft_bundle(draft), raw=True, display_id=True)
            self._handle = handle
        deadline = time.monotonic() + timeout
        last_update = 0.0
        dirty = False
        while not future.done():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            try:
                event = self._events.get(timeout=min(UPDATE_INTERVAL, remaining))
            except queue.Empty:
                event = None
            if event is not None and draft.fold(event):
                dirty = True
            # A store locked by another process: said, not "Thinking…" for the wait.
            waited = draft.store_wait(shown_wait())
            dirty = dirty or waited
            now = time.monotonic()
            # A new item (tool call, card, first words) shows at once; text deltas are
            # batched to UPDATE_INTERVAL.
            urgent = waited or (event is not None and event.type != ITEM_UPDATED)
            if dirty and (urgent or now - last_update >= UPDATE_INTERVAL):
                if handle is not None:
                    handle.update(_draft_bundle(draft), raw=True)
                last_update, dirty = now, False
        answer = future.result()
        self._handle = handle
        self.show_final(answer)
        return answer

    def show_stopped(self) -> None:
        """The answer was interrupted: what had come so far, said to be stopped (not left
        as a draft that says it is still working)."""
        if self._handle is None:
            return
        draft = self._draft
        markdown = "\n\n".join([*draft.parts(), "_Stopped._"])
        self._handle.update(failed_bundle(markdown, "interrupted"), raw=True)

    def show_final(self, answer: Answer) -> None:
        """Replace what streamed with the answer's stable output."""
        if self._handle is not None:
            self._handle.update(answer_bundle(answer), raw=True)


class StoreWaitNote:
    """Tells a person whose ``ask()`` shows nothing until its answer (``display=False``,
    ``ask_async``) that the conversation store waits for another process's lock: this
    kernel's own store (:func:`~.store_waits.shown_wait`) or, through a Jupyter
    server, the server's (its stream's ``progress_update``).

    ``shown``: as a line in the cell's output, which the answer then replaces; else as
    a line on stderr (the cell's, or a script's terminal), once per distinct text.
    """

    def __init__(self, shown: bool) -> None:
        """Nothing is said until :meth:`check` finds a wait."""
        self._shown = shown
        self._handle: Any = None
        self._progress: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._latest = ""
        self._said = ""
        self._told: set[str] = set()

    def post(self, event: StreamEvent) -> None:
        """An event of the turn (any thread): a store wait's progress text is kept.

        Any other progress (a tool's "Using …", "Thinking…" once a wait is over) ends
        what was said: it is no store wait, and never goes to stderr."""
        if isinstance(event, ProgressEvent):
            self._progress.put(event.text if event.icon == LOCK_WAIT_ICON else "")

    def check(self) -> None:
        """Say what is waited for now, if anything (the asking thread)."""
        while True:
            try:
                self._latest = self._progress.get_nowait()
            except queue.Empty:
                break
        limit = shown_wait()
        if limit is not None:
            text = wait_text(limit)
        elif self._latest:
            text = self._latest
        else:
            # A wait of this kernel's store is over (or none began).
            text = WORKING if self._said else ""
        if text == self._said:
            return
        self._said = text
        if self._shown:
            from IPython.display import display

            bundle = _draft_bundle(_Draft(activity=text))
            if self._handle is None:
                self._handle = display(bundle, raw=True, display_id=True)
            else:
                self._handle.update(bundle, raw=True)
        elif text != WORKING and text not in self._told:
            self._told.add(text)
            print(f"jupyter-chatkit: {text}", file=sys.stderr, flush=True)

    def show_final(self, answer: Answer) -> bool:
        """The answer in place of the line said (True), or nothing said (False)."""
        if self._handle is None:
            return False
        self._handle.update(answer_bundle(answer), raw=True)
        return True


def _activity(call: ToolCall) -> str:
    """What the output says while client tool ``call`` runs (its spec's label)."""
    spec = _TOOLS_BY_NAME.get(call.name)
    if spec is None:
        return f"Running {call.name}…"
    return tool_label(spec, spec.label, dict(call.arguments or {}))


_TOOLS_BY_NAME = {spec.name: spec for spec in CLIENT_TOOLS}

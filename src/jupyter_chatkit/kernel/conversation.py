"""Asking the assistant from Python: a conversation and its questions (``ask()``).

:class:`Asking` holds what ``Chat.ask()`` and ``%%chat`` do (run the in-kernel assistant,
or the kernel's server's, see :mod:`.runtime`; stream the answer into the running cell's
output), for any object with a ``thread_id``. :class:`Conversation` is one shown nowhere
else: ``%%chat`` and ``%chat QUESTION`` ask through one until ``%chat`` shows the chat,
so a notebook that never shows it (nbclient, a script) opens no widget comm and imports
neither anywidget nor ipywidgets.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from functools import partial
from typing import TYPE_CHECKING, Any

import traitlets

from .answer_mime import (
    describe_failure,
    failed_bundle,
    import_failure,
    is_import_error,
    missing_module,
    show_thinking,
)
from .runtime import get_runtime, kernel_context
from .view import current_shell

if TYPE_CHECKING:
    from agents.models.interface import Model

    from ..assistant.server import NotebookAssistant
    from ..settings import Settings
    from .client import Answer
    from .live import EventListener, StoreWaitNote
    from .stream_events import StreamEvent

log = logging.getLogger("jupyter_chatkit")

# Long enough for a slow model doing several tool rounds; the model client has its own
# per-request timeout (``request_timeout``) well under this.
ASK_TIMEOUT = 600.0


class Asking:
    """``ask()``, ``ask_async()`` and ``new_thread()`` of a conversation (a mixin).

    Its class provides ``thread_id`` (the conversation; empty: a new one),
    ``new_conversation`` (set by :meth:`new_thread`: a chat shown with no ``thread_id``
    starts empty rather than reopen the notebook's last conversation), ``notebook`` (the
    kernel's notebook path, empty: unknown), ``_settings`` and ``_model``.
    """

    thread_id: str
    new_conversation: bool
    notebook: str
    _settings: Settings | None
    _model: Model | None
    # The id of the cell that showed the chat (notebook_link.follow_notebook): its
    # questions come later, when the cell run last may be another notebook's on a
    # kernel they share. None: the cell that asks.
    shown_in_cell: str | None = None

    def ask(
        self,
        text: str,
        *,
        display: bool = True,
        new_thread: bool = False,
        timeout: float = ASK_TIMEOUT,
    ) -> Answer:
        """Ask the assistant and return its answer; in IPython it is also shown inline.

        Runs the assistant in the kernel, answering its notebook tools here (variables
        from this kernel, cells from its execution history); no front end is needed.
        Errors come back as an answer whose text explains them (``answer.error`` set).
        """
        if new_thread:
            self.new_thread()
        runtime = get_runtime()
        if runtime.in_runtime_thread():
            from .client import Answer

            return Answer(
                "ask() cannot be called from the assistant's own thread; use ask_async().",
                error="called from the runtime thread",
            )
        # The placeholder first: a kernel's first question then loads the assistant's
        # libraries (seconds), and the cell's output should not stay empty meanwhile.
        streamed = display and _in_kernel()
        shown = show_thinking() if streamed else None
        _load_answer_modules(shown)
        from .client import Answer
        from .live import LiveAnswer, StoreWaitNote

        text = _without_known_secrets(text)
        live = LiveAnswer(shown) if streamed else None
        # Nothing shown until the answer: a store waiting for another process's lock is
        # still said (on stderr).
        note = StoreWaitNote(shown=False)
        future = runtime.submit(self._ask(text, live.post if live else note.post))
        try:
            answer = live.wait(future, timeout) if live else _result_telling(future, timeout, note)
        except (TimeoutError, concurrent.futures.TimeoutError):
            future.cancel()
            answer = _timeout_answer(timeout, self.thread_id or None)
            if live:
                live.show_final(answer)
        except KeyboardInterrupt:
            # Ctrl-C / kernel interrupt: stop the assistant's task too, and say so where
            # the answer was streaming (it would stay a draft, "Thinking…" or half a text).
            future.cancel()
            if live:
                live.show_stopped()
            raise
        except Exception as exc:
            # Any other failure is not a stop: said in place of the answer, as an answer
            # (no traceback), showing of the exception only what describe_failure does.
            future.cancel()
            answer = _failed_answer(exc, self.thread_id or None)
            if live:
                try:
                    live.show_final(answer)
                except Exception as again:  # the display itself is what fails
                    log.warning("showing the failure failed: %s", describe_failure(again))
        except BaseException:
            future.cancel()
            raise
        if live:
            # Already on screen (streamed): mark it shown, like Answer.show() does.
            if answer.thread_id:
                self.thread_id = answer.thread_id
            answer._shown_in = getattr(current_shell(), "execution_count", None)
            return answer
        return self._finish(answer, display)

    async def ask_async(
        self,
        text: str,
        *,
        display: bool = True,
        new_thread: bool = False,
    ) -> Answer:
        """``await chat.ask_async(text)``: like :meth:`ask`, without blocking the loop.

        Fails as :meth:`ask` does: a failure, or no answer within ``ASK_TIMEOUT``
        seconds, comes back as an answer that says why (``answer.error`` set); only
        libraries that cannot load raise. A cancelled await (an interrupt, the caller's
        own ``asyncio.timeout``) stops the assistant's task and is re-raised.
        """
        if new_thread:
            self.new_thread()
        _load_answer_modules(None)
        from .live import UPDATE_INTERVAL, StoreWaitNote

        # A store waiting for another process's lock is said meanwhile: in the cell's
        # output (which the answer then replaces) when shown there, else on stderr.
        note = StoreWaitNote(shown=display and _in_kernel())
        text = _without_known_secrets(text)
        future = get_runtime().submit(self._ask(text, note.post))
        try:
            waited = asyncio.wrap_future(future)
            deadline = asyncio.get_running_loop().time() + ASK_TIMEOUT
            while not waited.done():
                left = deadline - asyncio.get_running_loop().time()
                if left <= 0:
                    raise TimeoutError
                await asyncio.wait({waited}, timeout=min(UPDATE_INTERVAL, left))
                note.check()
            answer = waited.result()
        except TimeoutError:
            future.cancel()
            answer = _timeout_answer(ASK_TIMEOUT, self.thread_id or None)
        except Exception as exc:
            future.cancel()
            answer = _failed_answer(exc, self.thread_id or None)
        except BaseException:
            future.cancel()
            raise
        if note.show_final(answer):
            # In place of what was said meanwhile: shown, as Answer.show() marks it.
            answer._shown_in = getattr(current_shell(), "execution_count", None)
            display = False
        return self._finish(answer, display)

    def new_thread(self) -> None:
        """Start a new conversation with the next question (a chat shown meanwhile is
        empty: it does not reopen the notebook's last conversation)."""
        self.new_conversation = True
        self.thread_id = ""

    def _finish(self, answer: Answer, display: bool) -> Answer:
        if answer.thread_id:
            self.thread_id = answer.thread_id
        if display:
            answer.show()
        return answer

    async def _assistant(self) -> NotebookAssistant:
        return await get_runtime().assistant(self._settings, self._model)

    async def _ask(self, text: str, listener: EventListener | None = None) -> Answer:
        """Runs on the runtime loop; ``listener`` also gets every stream event."""
        from .notebook_link import asking_for

        # The turn's reads of "this notebook" (its tools) go by the cell that showed the
        # chat, as its new conversation's notebook does.
        with asking_for(self.shown_in_cell):
            return await self._ask_in(text, listener)

    async def _ask_in(self, text: str, listener: EventListener | None) -> Answer:
        from .client import Answer
        from .live import StreamingClient

        async with get_runtime().busy():
            try:
                assistant = await self._assistant()
            except Exception as exc:
                return Answer(
                    f"**The assistant could not start:** {setup_error(exc)}", error=setup_error(exc)
                )
            thread_id = self.thread_id or None
            client = StreamingClient(
                assistant, kernel_context(), partial(self._relay, listener), thread_id=thread_id
            )
            if thread_id is None:
                # A new conversation belongs to this kernel's notebook, when it has one:
                # where its server says it is now (renamed or moved since it was shown,
                # the chat's ``notebook`` follows).
                from .notebook_link import find_notebook

                now = await find_notebook()
                if now and now != self.notebook:
                    self.notebook = now
                client.notebook = now or self.notebook
                client.new_thread_model, client.new_thread_agent = self._new_thread_choice()
            try:
                return await client.ask(text)
            except Exception as exc:
                return _failed_answer(exc, client.thread_id)

    def _new_thread_choice(self) -> tuple[str | None, dict[str, Any] | None]:
        """The model and Ask/Agent switch a new conversation starts with (None: the
        defaults); a chat shown in a notebook gives what its front end shows."""
        return None, None

    def _relay(self, listener: EventListener | None, event: StreamEvent) -> None:
        """One event of a turn run from Python: to the live output, if any."""
        if listener is not None:
            listener(event)


class Conversation(Asking):
    """One conversation asked from Python and shown only in the cells that ask (no
    widget: nothing in the page follows it live)."""

    def __init__(
        self, thread_id: str = "", *, settings: Settings | None = None, model: Model | None = None
    ) -> None:
        """A conversation (``thread_id`` empty: a new one at the first question)."""
        self.thread_id = thread_id
        self.new_conversation = False
        self.notebook = ""
        self._settings = settings
        self._model = model


def _in_kernel() -> bool:
    """True in a Jupyter kernel (a front end or nbclient shows display updates)."""
    return getattr(current_shell(), "kernel", None) is not None


# What to do when this kernel's own store (no Jupyter server with the assistant answered)
# is locked by another process: it waited ``store_lock_timeout`` for it once.
KERNEL_STORE_LOCKED = (
    "This kernel opens the store itself (another kernel, a backup or a sqlite3 shell may "
    "be writing to it): run the cell again once that is done, or give this kernel a "
    "store of its own with JUPYTER_CHATKIT_STORE_URL."
)

# This kernel opens a PostgreSQL store itself and lacks its driver (a plain install).
KERNEL_STORE_DRIVER_MISSING = (
    "the conversation store is PostgreSQL (JUPYTER_CHATKIT_STORE_URL), which needs asyncpg: "
    "run pip install 'jupyter-chatkit[postgres]' in this kernel's environment, then restart "
    "the kernel"
)


def setup_error(exc: BaseException) -> str:
    """A readable reason the assistant could not start or run, never a secret."""
    if isinstance(exc, ValueError | traitlets.TraitError):
        # Our settings and store raise ValueError or TraitError with messages written
        # for people (store URLs without their password).
        return str(exc)[:300] or "invalid configuration"
    if is_import_error(exc):
        module = missing_module(exc) or "unknown"
        if module.split(".")[0] == "asyncpg":
            # A PostgreSQL store's driver is an extra: reinstalling as before would not help.
            return KERNEL_STORE_DRIVER_MISSING
        return f"a module is missing ({module}); reinstall jupyter-chatkit"
    from ..store.engine import is_store_locked, is_store_unavailable, store_failure_message

    if is_store_locked(exc):
        return f"{store_failure_message(exc)} {KERNEL_STORE_LOCKED}"
    if is_store_unavailable(exc):
        return store_failure_message(exc)
    return f"unexpected {describe_failure(exc)}; see the kernel's log"


def _load_answer_modules(shown: Any) -> None:
    """Import what an answer needs, or raise saying what failed and never what it said.

    ``shown``: the answer's placeholder display, if any; it then says the assistant could
    not start (else it would say "Thinking…" for ever beside the traceback).
    """
    try:
        from . import client, live  # noqa: F401
    except Exception as exc:
        if shown is not None:
            reason = import_failure(exc)
            text = f"**The assistant could not start:** {reason}"
            shown.update(failed_bundle(text, reason), raw=True)
        # The failure's message may hold anything (a value a check refused, a token a
        # library quoted) and an ImportError subclass's __str__ is the notebook's code:
        # the cell's traceback says what failed, not what it said.
        what = describe_failure(exc)
        if is_import_error(exc):
            module = missing_module(exc)
            raise ImportError(
                f"jupyter-chatkit's libraries did not load ({what}"
                + (f", module {module})" if module else ")"),
                name=module or None,
            ) from None
        raise RuntimeError(f"jupyter-chatkit's libraries did not load ({what})") from None


def _result_telling(
    future: concurrent.futures.Future[Answer], timeout: float, note: StoreWaitNote
) -> Answer:
    """``future``'s answer within ``timeout`` seconds (else :class:`TimeoutError`), while
    ``note`` (a :class:`~.live.StoreWaitNote`) says any wait for the store's lock."""
    from .live import UPDATE_INTERVAL

    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        try:
            return future.result(min(UPDATE_INTERVAL, left))
        except concurrent.futures.TimeoutError:
            note.check()


def _failed_answer(exc: Exception, thread_id: str | None) -> Answer:
    """A failure said as an answer: what failed (:func:`describe_failure`), no traceback."""
    from .client import Answer

    log.warning("ask() failed: %s", describe_failure(exc))
    message = f"the assistant failed unexpectedly ({describe_failure(exc)})"
    return Answer(
        f"**The assistant could not answer:** {message}.", thread_id=thread_id, error=message
    )


def _timeout_answer(timeout: float, thread_id: str | None) -> Answer:
    """No answer within ``timeout`` seconds, said as an answer."""
    from .client import Answer

    return Answer(
        f"**The assistant could not answer:** no answer within {timeout:g} seconds.",
        thread_id=thread_id,
        error="timeout",
    )


def _without_known_secrets(text: str) -> str:
    """``text`` with the values this kernel holds under secret names hidden (see
    :func:`~.known_secrets.hide_known_text`), unless redaction is off. A namespace that
    cannot be read leaves the question as it was typed: the server's policy still reads
    it, as it reads every message."""
    from ..context_policy import ContextPolicy
    from .known_secrets import hide_known_text

    try:
        if not ContextPolicy.for_kernel().redact_secrets:
            return text
        return hide_known_text(text)
    except Exception as exc:
        log.debug("the question's known secrets could not be read: %s", type(exc).__name__)
        return text


# The requests whose text the person wrote: a new thread's or a new message's input, and
# an edited message (message_edit.py's custom action).
_MESSAGE_REQUESTS = frozenset({"threads.create", "threads.add_user_message"})


def request_without_known_secrets(body: Any) -> Any:
    """A ChatKit request from the chat widget (its comm, JSON text or parsed) with the
    values this kernel holds under secret names hidden in the text the person wrote, as
    :meth:`Asking.ask` hides them in a question; any other request as it came."""
    # Only a ChatKit request names a "threads." type; a scan of the whole text (the type
    # may come after a long input) costs far less than parsing it.
    if not isinstance(body, (str, dict)) or (isinstance(body, str) and "threads." not in body):
        return body
    try:
        from .. import parse_json

        request = parse_json.loads(body) if isinstance(body, str) else body
        params = request.get("params") if isinstance(request, dict) else None
        if not isinstance(params, dict):
            return body
        kind = request.get("type")
        texts: list[dict[str, Any]] = []
        if kind in _MESSAGE_REQUESTS and isinstance(params.get("input"), dict):
            content = params["input"].get("content")
            texts = [p for p in content if isinstance(p, dict)] if isinstance(content, list) else []
        elif kind == "threads.custom_action" and isinstance(params.get("action"), dict):
            payload = params["action"].get("payload")
            if params["action"].get("type") == "message.edit" and isinstance(payload, dict):
                texts = [payload]
        changed = False
        for part in texts:
            text = part.get("text")
            if isinstance(text, str) and text:
                hidden = _without_known_secrets(text)
                if hidden != text:
                    part["text"], changed = hidden, True
        return request if changed else body
    except Exception as exc:
        log.debug("the request's known secrets could not be read: %s", type(exc).__name__)
        return body

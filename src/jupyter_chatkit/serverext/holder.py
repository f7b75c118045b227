"""The server's assistant, built once off the request path and handed to handlers.

Builds it in the background when the server starts (the import in a thread), warms a
turn after, freezes what the start built for the collector, and closes it when the
server stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .. import parse_json
from ..protocol import Turn
from ..settings import STORE_DRIVER_MISSING, Settings

if TYPE_CHECKING:
    from ..assistant.server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

ASSISTANT_UNAVAILABLE = "The assistant is not available"


class AssistantUnavailable(Exception):
    """The assistant cannot answer now (the server stops, its start failed, the store is
    down): the handlers answer 503 with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# How long a stopping server waits for the assistant's start to finish (the import alone
# takes seconds on a loaded machine; a store that never answers must not hang shutdown).
CLOSE_BUILD_TIMEOUT = 30.0
# The collector's first threshold once the start has been frozen (Python's default: 700).
# A turn's objects peak at a few thousand live ones and are nearly all freed by their
# last reference when it ends; at 700 that peak set off ~2 young collections a follow-up
# (and a middle one every fifth), ~0.6 ms of CPU a request; at 10,000 about one in ten.
GC_THRESHOLD_AFTER_START = 10_000
# How long the freeze after the warm-up waits for a moment with no request in flight
# (checked FREEZE_SETTLE_SECONDS after a request ends); past this (a server never
# idle) it freezes anyway.
FREEZE_WAIT_SECONDS = 60.0
FREEZE_SETTLE_SECONDS = 0.5
# A start that found the store unavailable (another process holding its lock, the
# database down) is tried again this long after, without waiting for a request.
STORE_RETRY_SECONDS = 5.0


_CHANGES = Turn.CHANGES.encode()


def _changes_params(body: bytes) -> tuple[bool, object]:
    """Whether ``body`` is a ``Turn.CHANGES`` request, and its params."""
    # Most requests never name it: no parse for them.
    if _CHANGES not in body:
        return False, None
    try:
        request = parse_json.loads(body)
    except ValueError:
        return False, None
    if not isinstance(request, dict) or request.get("type") != Turn.CHANGES:
        return False, None
    return True, request.get("params")


def _build_failure(exc: BaseException, settings: Settings) -> str | None:
    """What to fix when the assistant could not be built for its model's provider URL (the
    HTTP client refuses it: a password holding an unescaped "#"), naming the setting, never
    the URL's text (the client's message quotes its parts), or for a PostgreSQL store
    without its driver; None for another failure."""
    # (httpx's, or httpx2's where openai uses it: by name, as model_errors reads them.)
    if isinstance(exc, ModuleNotFoundError) and (exc.name or "").split(".")[0] == "asyncpg":
        # A fresh `pip install .` with a postgresql:// store: say what to install.
        return STORE_DRIVER_MISSING
    if "InvalidURL" not in {cls.__name__ for cls in type(exc).__mro__}:
        return None
    from ..assistant.model_errors import describe_model_error

    return describe_model_error(exc, settings.where)[0]


def is_changes_wait(body: bytes) -> bool:
    """True for a page's wait for turn changes (``Turn.CHANGES``): a long-poll, not a
    request being answered (the freeze after the start does not wait for it; it ends
    when its page goes away)."""
    return _changes_params(body)[0]


def nothing_changed(body: bytes) -> bytes | None:
    """The answer to a page's wait for turn changes (``Turn.CHANGES``) that reaches a
    stopping server: nothing changed, as a wait the stop cut short is answered. None for
    any other request (which the stopping server answers 503)."""
    changes, params = _changes_params(body)
    if not changes:
        return None
    since = params.get("since") if isinstance(params, dict) else None
    answer: dict[str, object] = {"changed": []}
    if isinstance(since, str):
        answer["since"] = since
    return json.dumps(answer).encode()


class AssistantHolder:
    """Builds the assistant once, off the request path, and hands it to handlers."""

    def __init__(
        self,
        settings: Settings,
        attachment_url: Callable[[str], str],
        server_id: str | None = None,
        refused: str | None = None,
    ) -> None:
        """``server_id``: the store's :attr:`~jupyter_chatkit.store.SQLStore.server_id`;
        ``refused``: why a setting is refused (no assistant is built: every request is
        answered 503 with it)."""
        self.settings = settings
        # (A reason phrase is Latin-1: the refused value is quoted as ASCII.)
        self.refused = None if refused is None else ascii(refused)[1:-1]
        self._attachment_url = attachment_url
        self._server_id = server_id
        self._task: asyncio.Task[NotebookAssistant] | None = None
        # The warm-up turn after the build (assistant/warm_turn.py); requests never wait
        # for it.
        self._warm_task: asyncio.Task[None] | None = None
        self._closed = False
        self.error: str | None = None
        # True once the warm-up turn has ended, whether it built everything or not; and
        # the model requests its canned provider answered (None: it was skipped).
        self.warmed = False
        self.warm_requests: int | None = None
        # ChatKit requests being answered, and whether the freeze after the warm-up waits
        # for them to end (see _freeze_when_idle).
        self._serving = 0
        self._freeze_owed = False

    def start_in_background(self) -> None:
        """Begin loading chatkit/agents and opening the store once the loop runs."""
        try:
            loop = asyncio.get_event_loop()
        except RuntimeError:
            return
        loop.call_soon(self._start)

    def _start(self) -> None:
        if not self._closed and self.refused is None:
            self._ensure_task()

    def _ensure_task(self) -> asyncio.Task[NotebookAssistant]:
        if self._closed:
            # The server is stopping: build nothing that nobody would close.
            raise AssistantUnavailable(ASSISTANT_UNAVAILABLE)
        if self.refused is not None:
            # A start that cannot succeed: said as a failed start is, naming the setting.
            raise AssistantUnavailable(f"{ASSISTANT_UNAVAILABLE}: {self.refused}")
        if self._task is None:
            self._task = asyncio.ensure_future(self._build())
            self._task.add_done_callback(self._built)
        return self._task

    def _built(self, task: asyncio.Task[NotebookAssistant]) -> None:
        """A failed start is forgotten, so that the next request tries again; one that
        found the store unavailable is also tried again soon in the background."""
        exc = None if task.cancelled() else task.exception()
        if exc is None:
            return
        if self._task is task:
            self._task = None
        self.error = type(exc).__name__
        from ..store.engine import is_store_unavailable

        if not self._closed and is_store_unavailable(exc):
            with contextlib.suppress(RuntimeError):  # the loop is closing
                asyncio.get_running_loop().call_later(STORE_RETRY_SECONDS, self._start)

    async def _build(self) -> NotebookAssistant:
        # The import costs seconds: do it in a thread so the server keeps answering.
        # The schemas it nests are built first, so its own reuse them (warmup.py).
        warmup = importlib.import_module("jupyter_chatkit.assistant.warmup")
        module = await asyncio.to_thread(warmup.import_assistant, self.settings.effective_api)
        assistant: NotebookAssistant = await module.create_assistant(self.settings)
        # Before any request can reach it, so every thread made here records the server.
        assistant.sql_store.server_id = self._server_id
        try:
            assistant.set_attachment_upload_url(self._attachment_url)
            # Build the schemas and client resources of a turn now, not in the first turn.
            api = self.settings.effective_api
            await asyncio.to_thread(warmup.warm_up, assistant.provider_model, api)
        except BaseException:
            # Stopped while warming (the server shuts down): close the store it opened.
            await assistant.aclose()
            raise
        if not self._closed:
            # What is left to build once, one canned turn builds it: after the build,
            # so a request that comes meanwhile is answered at once, not after it.
            self._warm_task = asyncio.ensure_future(self._warm(assistant))
        return assistant

    async def _warm(self, assistant: NotebookAssistant) -> None:
        """Run one offline turn on a throwaway copy of the assistant (best effort)."""
        try:
            module = importlib.import_module("jupyter_chatkit.assistant.warm_turn")
            self.warm_requests = await module.warm_turn(assistant, lambda: self._closed)
            log.debug(
                "jupyter-chatkit: warm-up turn done (%d model requests answered in process)",
                self.warm_requests,
            )
        except Exception as exc:
            # The first real turn builds whatever is left; nothing for the person to see.
            log.debug("jupyter-chatkit: warm-up turn skipped (%s)", type(exc).__name__)
        finally:
            self.warmed = True
            self._freeze_when_idle()

    def _freeze_when_idle(self) -> None:
        """Freeze what the start built, at a moment no request is being answered.

        What exists once the warm-up has ended (the imports, the assistant, what the
        warm-up built; the turn ended with a full collection) lives as long as the
        server: frozen, the collector's full passes no longer walk it. Under 50
        concurrent streams one such pass took ~0.5 s of CPU, every stream waiting for it.
        Frozen objects in a cycle are never freed, so the objects of requests in flight
        must not be among them: with requests running, it waits for a moment with none
        in flight, FREEZE_SETTLE_SECONDS after one ended (at most FREEZE_WAIT_SECONDS),
        and collects their garbage first. Once a process: a process that starts many servers (a test
        session) must not keep each one.
        """
        if self._closed or gc.get_freeze_count() != 0:
            return
        self._freeze_owed = True
        if self._serving == 0:
            self._freeze(collect=False)  # the warm-up turn has just collected
            return
        with contextlib.suppress(RuntimeError):  # no loop: the next idle moment freezes
            asyncio.get_running_loop().call_later(FREEZE_WAIT_SECONDS, self._freeze)

    def _freeze_if_idle(self) -> None:
        if self._serving == 0:
            self._freeze()

    def _freeze(self, collect: bool = True) -> None:
        if not self._freeze_owed:
            return
        self._freeze_owed = False
        if gc.get_freeze_count() != 0:
            return
        if collect:
            gc.collect()
        gc.freeze()
        threshold, *older = gc.get_threshold()
        if threshold < GC_THRESHOLD_AFTER_START:
            gc.set_threshold(GC_THRESHOLD_AFTER_START, *older)

    @property
    def idle(self) -> bool:
        """True while no request is being answered (a page's long-poll is not one)."""
        return self._serving == 0

    @contextlib.contextmanager
    def serving(self) -> Iterator[None]:
        """Around the answer to one request: an owed freeze waits for it to end."""
        self._serving += 1
        try:
            yield
        finally:
            self._serving -= 1
            if self._serving == 0 and self._freeze_owed:
                # Not at once: the request's handler and connection are let go after
                # this (its response finished, logged, the connection closed).
                with contextlib.suppress(RuntimeError):
                    loop = asyncio.get_running_loop()
                    loop.call_later(FREEZE_SETTLE_SECONDS, self._freeze_if_idle)

    async def warm_up_ended(self) -> None:
        """Wait for the assistant and for the warm-up turn after its build to end."""
        await self.get()
        if self._warm_task is not None:
            await asyncio.wait({self._warm_task})

    @property
    def closed(self) -> bool:
        """True once the server began to stop."""
        return self._closed

    @property
    def ready(self) -> bool:
        """True once the assistant is built."""
        return (
            self._task is not None
            and self._task.done()
            and not self._task.cancelled()
            and self._task.exception() is None
        )

    async def get(self) -> NotebookAssistant:
        """The assistant, waiting for it to be built if needed."""
        task = self._ensure_task()
        try:
            return await asyncio.shield(task)
        except Exception as exc:
            # A later request tries again (e.g. the database came back): see _built.
            if self._task is task:
                self._task = None
            from sqlalchemy.exc import SQLAlchemyError

            from ..store.engine import (
                STORE_CANNOT_OPEN,
                STORE_WAITING,
                describe_store_failure,
                is_store_locked,
                is_store_unavailable,
                store_failure_message,
            )

            if is_store_locked(exc):
                log.warning(
                    "jupyter-chatkit: another process holds the conversation store's "
                    "lock; waiting for it"
                )
                raise AssistantUnavailable(STORE_WAITING) from None
            if is_store_unavailable(exc):
                log.error(
                    "jupyter-chatkit: the conversation store is unavailable: %s",
                    describe_store_failure(exc),
                )
                # Down, full or read-only: said as a write refused later says it.
                raise AssistantUnavailable(store_failure_message(exc)) from None
            if isinstance(exc, SQLAlchemyError):
                # A missing database, a refused login, a malformed URL.
                log.error(
                    "jupyter-chatkit could not open the conversation store: %s",
                    describe_store_failure(exc),
                )
                raise AssistantUnavailable(STORE_CANNOT_OPEN) from None
            said = _build_failure(exc, self.settings)
            log.error(
                "jupyter-chatkit could not start its assistant: %s", said or type(exc).__name__
            )
            raise AssistantUnavailable(said or ASSISTANT_UNAVAILABLE) from None

    async def close(self, build_wait: float = CLOSE_BUILD_TIMEOUT) -> None:
        """Let a build under way finish (for at most ``build_wait`` s), then close it.

        The build runs in threads (the import, aiosqlite's connect, the warm-up) that a
        cancel cannot stop: a cancelled build leaves them to report to a loop that may
        be closed by then. So the build is awaited, and only one that hangs past the
        bound (e.g. a database that never answers) is cancelled.
        """
        self._closed = True
        # A stopped server's start is not kept (its owed freeze's timers do nothing).
        self._freeze_owed = False
        task, self._task = self._task, None
        if task is None:
            return
        if not task.done():
            await asyncio.wait({task}, timeout=build_wait)
        if not task.done():
            log.warning(
                "jupyter-chatkit: the assistant was still starting %.0f s after the server "
                "began to stop; stopping its start",
                build_wait,
            )
            task.cancel()
        try:
            assistant = await task
        except BaseException:
            # Failed or cancelled: whatever it opened, it closed itself (see _build).
            return
        # The warm-up turn opens a throwaway store in a thread too: let it end the same
        # way (it answers from memory, so it ends in well under a second).
        warm, self._warm_task = self._warm_task, None
        if warm is not None and not warm.done():
            await asyncio.wait({warm}, timeout=build_wait)
            if not warm.done():
                warm.cancel()
                await asyncio.wait({warm})
        await assistant.aclose()

"""Where the in-kernel assistant runs: one background thread with its own event loop.

ipykernel already runs an asyncio loop on the main thread, and a cell is code running
*inside* it: ``Chat.ask()`` cannot ``asyncio.run`` there, and must not schedule work on
that loop and then block it. So everything async (the assistant, its SQLAlchemy +
aiosqlite store, the model client) lives on a dedicated loop in a daemon thread;
``ask()`` blocks on a ``concurrent.futures.Future`` and the widget's comm handler
schedules work without blocking the kernel. The store is created and used on that one
loop, as async SQLAlchemy requires.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import io
import logging
import sys
import threading
from collections.abc import AsyncIterator, Coroutine
from typing import TYPE_CHECKING, Any, TextIO, TypeVar, cast

from ..logs import LIBRARY_LOGGERS, setup_logging
from ..protocol import LOCAL_USER, RequestContext
from ..settings import Settings

if TYPE_CHECKING:
    from agents.models.interface import Model

    from ..assistant.server import NotebookAssistant
    from .remote import RemoteAssistant, ServerEndpoint

T = TypeVar("T")

ORIGIN = "kernel"


# The assistant's loggers and those of the libraries it drives: each failure they log is
# said to the person in the answer already, so their records belong in the kernel's log.
ROUTED_LOGGERS = ("jupyter_chatkit", *LIBRARY_LOGGERS)
_HANDLER_NAME = "jupyter-chatkit kernel log"


class _KernelLogFormatter(logging.Formatter):
    """``[jupyter-chatkit LEVEL] message``; a library's records also name their logger."""

    def __init__(self) -> None:
        super().__init__("[jupyter-chatkit %(levelname)s] %(message)s")
        self._library = logging.Formatter("[jupyter-chatkit %(levelname)s %(name)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """Format ``record``, naming its logger unless it is one of ours."""
        ours = record.name == "jupyter_chatkit" or record.name.startswith("jupyter_chatkit.")
        return super().format(record) if ours else self._library.format(record)


def quiet_logs_in_cells() -> None:
    """Send the assistant's and its libraries' log records to the kernel's own log, not
    into cell outputs.

    Without a handler, Python prints warnings to ``sys.stderr``, which ipykernel turns
    into red text under the running cell; what went wrong is already in the answer.
    ``sys.__stderr__`` is no way out: ipykernel (``capture_fd_output``, its default)
    replaces file descriptor 2 with a pipe whose reader copies everything into the
    running cell as well. The kernel's log is where ipykernel writes its own records:
    the process's original stderr, which the Jupyter server that started the kernel
    writes to its log (a terminal's ``jupyter lab``, JupyterHub's spawner log).
    """
    if not _in_ipython_kernel():
        # Plain Python or a test process: its own logging setup stays untouched.
        return
    handler: logging.Handler | None = None
    for name in ROUTED_LOGGERS:
        log = logging.getLogger(name)
        if any(h.get_name() == _HANDLER_NAME for h in log.handlers):
            continue
        if handler is None:
            stream = _kernel_log_stream()
            handler = logging.StreamHandler(stream) if stream is not None else logging.NullHandler()
            handler.setFormatter(_KernelLogFormatter())
            handler.set_name(_HANDLER_NAME)
        log.addHandler(handler)
        # Not on to the root logger either: a handler the person set up there (say
        # logging.basicConfig() in a cell) writes to the cell.
        log.propagate = False


def _kernel_log_stream() -> TextIO | None:
    """The kernel process's original stderr, which ipykernel does not copy into cells.

    With fd capture on, ipykernel keeps a duplicate of the original descriptor on its
    stderr stream (``_original_stdstream_copy``) and moves its own log handler there
    (``IPKernelApp.init_io``); we write to the same descriptor, never closing it.
    Without fd capture, descriptor 2 is that stderr itself.
    """
    fd = getattr(sys.stderr, "_original_stdstream_copy", None)
    if isinstance(fd, int):
        return io.TextIOWrapper(
            io.FileIO(fd, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            line_buffering=True,
        )
    return sys.__stderr__


def _log_loop_error(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """What asyncio would log of a failure nobody awaited on the assistant's loop (a task's
    exception never retrieved, a callback that raised), on our logger, so it is routed
    like every other record: asyncio's own logger has no handler in a kernel and would
    print it with its traceback under whatever cell runs then. The exception's type is
    kept, not its text or traceback (those can hold a prompt or a provider's body)."""
    del loop
    # Not asyncio's message: a callback's names its arguments' reprs.
    if "future" in context:
        what = "A task on the assistant's loop failed and nobody awaited it"
    elif "handle" in context:
        what = "A callback on the assistant's loop raised"
    else:
        what = "An error on the assistant's loop"
    exc = context.get("exception")
    name = type(exc).__name__ if isinstance(exc, BaseException) else "no exception"
    logging.getLogger("jupyter_chatkit").error("%s: %s", what, name)


def _in_ipython_kernel() -> bool:
    """True inside an IPython kernel, whose stderr lands under the running cell."""
    shell_module = sys.modules.get("IPython")
    if shell_module is None:
        return False
    shell = shell_module.get_ipython()
    return getattr(shell, "kernel", None) is not None


def kernel_context() -> RequestContext:
    """The context of the kernel's own assistant: the owner of its settings, ``local``.

    Never read from the environment (``JUPYTERHUB_USER`` is a variable any code in the
    kernel can set). When the kernel asks its Jupyter server (:mod:`.remote`), this
    context is not sent at all: the server authenticates the request and names the user,
    so threads started in the kernel show up in the sidebar and the other way round.
    """
    return RequestContext(user_id=LOCAL_USER, origin=ORIGIN)


class AssistantRuntime:
    """A lazily started event-loop thread that owns the in-kernel assistants."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # Assistants by (settings, model id); created on the loop, one per configuration.
        self._assistants: dict[tuple[object, int], asyncio.Task[NotebookAssistant]] = {}
        self._busy = 0
        # The kernel's server endpoint, when it has one (see :mod:`.remote`).
        self._remote: RemoteAssistant | None = None
        # A server found without the assistant: not asked again by this kernel.
        self._no_remote: ServerEndpoint | None = None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The runtime's loop, started on first use."""
        with self._lock:
            if self._loop is None or not self._loop.is_running():
                self._start()
            assert self._loop is not None
            return self._loop

    def _start(self) -> None:
        quiet_logs_in_cells()
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(_log_loop_error)
        ready = threading.Event()

        def main() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        thread = threading.Thread(target=main, name="jupyter-chatkit-assistant", daemon=True)
        thread.start()
        ready.wait()
        self._loop, self._thread = loop, thread

    def in_runtime_thread(self) -> bool:
        """True when called from the runtime's own thread (where blocking would deadlock)."""
        return self._thread is not None and threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the runtime loop; cancel the future to cancel the task."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the runtime loop and wait for it (from any other thread).

        Raises :class:`TimeoutError` after ``timeout`` seconds (the task is cancelled),
        and cancels the task if the wait is interrupted (Ctrl-C / kernel interrupt).
        """
        if self.in_runtime_thread():
            coro.close()
            raise RuntimeError("the assistant runtime cannot wait on itself")
        future = self.submit(coro)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError from None
        except BaseException:
            future.cancel()
            raise

    async def assistant(
        self, settings: Settings | None = None, model: Model | None = None
    ) -> NotebookAssistant:
        """The assistant for ``settings`` (default: the environment), created once.

        Must be awaited on the runtime loop. With neither ``settings`` nor ``model``
        given, a kernel started by a Jupyter server asks that server (its settings, its
        store, its authentication: :mod:`.remote`); otherwise, or with no server found
        (nbclient, a script), the kernel runs its own assistant with the environment's
        settings. Reading the environment on every call means a changed
        ``OPENAI_BASE_URL`` takes effect on the next question.
        """
        if settings is None and model is None:
            remote = await self._remote_assistant()
            if remote is not None:
                # Same handle() contract as NotebookAssistant: the clients need no more.
                return cast("NotebookAssistant", remote)
        settings = settings if settings is not None else Settings()
        key = (settings.cache_key(), id(model) if model is not None else 0)
        task = self._assistants.get(key)
        if task is None or (task.done() and task.exception() is not None):
            task = asyncio.ensure_future(_create(settings, model))
            self._assistants[key] = task
        return await asyncio.shield(task)

    async def answering(
        self, settings: Settings | None = None, model: Model | None = None
    ) -> tuple[bool, str]:
        """Whether :meth:`assistant` for these answers with the built-in offline model
        (no key or base URL configured), and the name of the model that answers ('' when it
        cannot be told: a model object given, settings that do not load, a server that
        does not say). Names only, as ``GET jupyter-chatkit/config``. On the loop."""
        if model is not None:
            return False, ""
        if settings is None:
            remote = await self._remote_assistant()
            if remote is not None:
                return await remote.answering()
            try:
                settings = Settings()
            except Exception:  # the question will say what is wrong with them
                return False, ""
        return settings.offline, settings.effective_model

    async def _remote_assistant(self) -> RemoteAssistant | None:
        """The kernel's server, if it has one with the assistant (asked once per server)."""
        from .remote import RemoteAssistant, find_server

        endpoint = find_server()
        if endpoint is None or endpoint == self._no_remote:
            return None
        if self._remote is None or self._remote.endpoint != endpoint:
            remote = RemoteAssistant(endpoint)
            available = await remote.available()
            if available is None and endpoint.hub:
                # Under a hub the kernel holds no store of its own worth splitting
                # into: the server's endpoint answers (or says it cannot be reached).
                available = True
            if not available:
                # A server without the extension (or that refuses the kernel): the
                # kernel's own assistant answers, with the kernel's own settings.
                await remote.aclose()
                if available is False:
                    self._no_remote = endpoint
                return None
            self._remote = remote
        return self._remote

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Mark a request in flight; when the last one ends, close pooled DB connections.

        aiosqlite runs each connection in a non-daemon thread, which would keep the
        Python process from exiting (e.g. a script that called ``Chat().ask``). Idle
        connections are therefore closed; the next request reopens them (~1 ms).
        """
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            if self._busy == 0:
                await self._close_connections()

    async def _close_connections(self) -> None:
        if self._remote is not None:
            await self._remote.aclose()
        for task in list(self._assistants.values()):
            if task.done() and task.exception() is None:
                with contextlib.suppress(Exception):
                    await task.result().sql_store.close()


async def _create(settings: Settings, model: Model | None) -> NotebookAssistant:
    from .deferrals import before_assistant

    before_assistant()
    from ..assistant.server import create_assistant

    setup_logging()
    return await create_assistant(settings, model=model)


_runtime: AssistantRuntime | None = None
_runtime_lock = threading.Lock()


def get_runtime() -> AssistantRuntime:
    """The process-wide runtime (one loop thread per kernel)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = AssistantRuntime()
        return _runtime

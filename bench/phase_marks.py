"""A Jupyter server extension for ``bench/phase_timeline.py`` only: marks along one
ChatKit request, from tornado receiving its headers to the model request's body written.

Enabled by that bench (``jpserver_extensions``, this directory on ``PYTHONPATH``), never
by the package. It wraps functions of tornado, httpx2, httpcore2 (private ones among
them) and of jupyter_chatkit by name at the first ChatKit POST (all imported by then).
They were read in the releases of :data:`WRITTEN_FOR`: with any other release installed,
or a wrapped name gone, it marks nothing and writes an ``{"error": ...}`` line to
``$PHASE_MARKS`` instead, which ``phase_timeline.py`` stops on (a guess at where a
renamed private's time went would be a wrong table, not a missing row). Each mark is
the loop thread's CPU time (``time.thread_time_ns``, so a loaded machine does not
stretch it) or, with ``PHASE_MARKS_WALL=1``, ``perf_counter_ns``; with
``PHASE_MARKS_WALL=waits``, ``perf_counter_ns`` less the time the loop thread was ready
to run but waited for a CPU (its ``run_delay`` in ``/proc/self/task/<tid>/schedstat``):
CPU time plus the waits of the request's own making (threads, I/O, timers, locks),
the machine's load taken out.
Each request's marks are appended as one JSON line to ``$PHASE_MARKS``.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.metadata
import inspect
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

OUT = os.environ.get("PHASE_MARKS", "phase_marks.jsonl")
# The releases whose functions (private ones of tornado and httpcore2) were read here.
WRITTEN_FOR = {"tornado": "6.6.1", "httpx2": "2.16.2", "httpcore2": "2.16.2"}


_schedstat: dict[int, int] = {}


def _wall_less_cpu_waits() -> int:
    """``perf_counter_ns`` less the calling thread's time spent waiting for a CPU (its
    schedstat kept open: ~1 µs a read, where an open and read cost ~10)."""
    tid = threading.get_native_id()
    fd = _schedstat.get(tid)
    if fd is None:
        fd = _schedstat[tid] = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
    run_delay = int(os.pread(fd, 100, 0).split()[1])
    return time.perf_counter_ns() - run_delay


_CLOCKS: dict[str, Callable[[], int]] = {"": time.thread_time_ns, "waits": _wall_less_cpu_waits}
now: Callable[[], int] = _CLOCKS.get(os.environ.get("PHASE_MARKS_WALL", ""), time.perf_counter_ns)
marks: list[tuple[str, int]] = []
_wrapped = False


def mark(label: str) -> None:
    """Record ``label`` now (in the current request's marks)."""
    marks.append((label, now()))


def _flush() -> None:
    global marks
    done, marks = marks, []
    if done:
        with open(OUT, "a") as f:
            f.write(json.dumps(done) + "\n")


class WrongRelease(Exception):
    """The installed libraries are not those this bench's wraps were read in."""


def release_mismatches() -> list[str]:
    """Each library of :data:`WRITTEN_FOR` installed in another release (or missing)."""
    found = []
    for library, version in WRITTEN_FOR.items():
        try:
            installed = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            installed = "none"
        if installed != version:
            found.append(f"{library} {installed} (read in {version})")
    return found


def _fail(message: str) -> None:
    """Write ``message`` where the marks go, for phase_timeline.py to stop on."""
    print(f"phase_marks: {message}", file=sys.stderr)
    with open(OUT, "a") as f:
        f.write(json.dumps({"error": message}) + "\n")


def _find(owner: Any, name: str) -> Any:
    if isinstance(owner, type):
        return next(c.__dict__[name] for c in owner.__mro__ if name in c.__dict__)
    return getattr(owner, name)


def wrap(owner: Any, name: str, label: str, exit_label: str | None = None) -> None:
    """Mark ``label`` when ``owner.name`` is called (its first step for an async
    generator) and ``exit_label`` when it returns; :class:`WrongRelease` if there is no
    such name."""
    try:
        fn = _find(owner, name)
    except (StopIteration, AttributeError):
        raise WrongRelease(f"no {name} on {owner!r}") from None
    raw = fn.__func__ if isinstance(fn, classmethod | staticmethod) else fn
    wrapper: Any
    if inspect.isasyncgenfunction(raw):

        async def wrapper(*a: Any, **k: Any) -> Any:
            mark(label)
            gen = raw(*a, **k)
            try:
                async for x in gen:
                    yield x
            finally:
                await gen.aclose()

    elif inspect.iscoroutinefunction(raw):

        async def wrapper(*a: Any, **k: Any) -> Any:
            mark(label)
            try:
                return await raw(*a, **k)
            finally:
                if exit_label:
                    mark(exit_label)

    else:

        def wrapper(*a: Any, **k: Any) -> Any:
            mark(label)
            try:
                return raw(*a, **k)
            finally:
                if exit_label:
                    mark(exit_label)

    functools.update_wrapper(wrapper, raw)
    if isinstance(fn, classmethod):
        wrapper = classmethod(wrapper)
    elif isinstance(fn, staticmethod):
        wrapper = staticmethod(wrapper)
    setattr(owner, name, wrapper)


def _wrap_all() -> None:
    global _wrapped
    if _wrapped:
        return
    _wrapped = True
    try:
        _wrap_each()
    except WrongRelease as e:
        _fail(str(e))


def _wrap_each() -> None:
    from httpcore2._async.http11 import AsyncHTTP11Connection
    from httpx2 import AsyncClient
    from tornado.web import RequestHandler

    from jupyter_chatkit.assistant import answers, server, turn, turn_streams, user_messages
    from jupyter_chatkit.assistant.chat_completions import chat_completions_model_class
    from jupyter_chatkit.serverext import handlers

    assistant = server.NotebookAssistant
    wrap(RequestHandler, "_cross_origin_protection", "xsrf/origin")
    wrap(handlers.BoundedBodyHandler, "prepare", "prepare>", "prepare<")
    wrap(handlers.ChatKitHandler, "_answer", "authorized, body read")
    wrap(answers, "_guarded_stream", "stream task")
    wrap(turn_streams, "add_user_message", "store>")
    wrap(turn_streams, "create_thread", "store>")
    wrap(user_messages, "page_history", "store<")
    wrap(user_messages, "first_turn_history", "store<")
    wrap(assistant, "respond", "respond")
    wrap(server, "run_agent", "run_agent")
    wrap(turn, "stream_agent_response", "run_streamed")
    wrap(chat_completions_model_class(), "stream_response", "model called")
    wrap(AsyncClient, "send", "httpx send")
    wrap(AsyncHTTP11Connection, "_send_request_body", "body>", "sent")
    written = AsyncHTTP11Connection._send_request_body

    async def then_flush(*a: Any, **k: Any) -> None:
        await written(*a, **k)
        asyncio.get_running_loop().call_later(0.02, _flush)

    AsyncHTTP11Connection._send_request_body = then_flush  # type: ignore[method-assign]


def _load_jupyter_server_extension(app: Any) -> None:
    import tornado.routing

    wrong = release_mismatches()
    if wrong:
        _fail("written for other releases, marks nothing: " + ", ".join(wrong))
        return

    received = tornado.routing._RoutingDelegate.headers_received

    def headers_received(self: Any, start_line: Any, headers: Any) -> Any:
        if getattr(start_line, "method", "") == "POST" and "chatkit/chatkit" in start_line.path:
            _wrap_all()
            marks.clear()
            mark("headers")
        return received(self, start_line, headers)

    tornado.routing._RoutingDelegate.headers_received = headers_received  # type: ignore[method-assign]

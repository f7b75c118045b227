"""Tornado handlers (and attachments.py, the upload endpoint): the only modules that know
tornado. Bytes in, ``handle()``, bytes out.

Every handler requires Jupyter authentication (``@web.authenticated``) and
authorization (``@authorized`` on the ``jupyter_chatkit`` resource); browser POSTs need
the XSRF token like any Jupyter API. The user's name from Jupyter's IdentityProvider
becomes the store's user scope.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.auth.identity import (
    IdentityProvider,
    LegacyIdentityProvider,
    PasswordIdentityProvider,
)
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from jupyter_server.log import log_request
from jupyter_server.prometheus.log_functions import prometheus_log_method
from tornado import web

from ..logs import would_write
from ..protocol import LOCAL_USER, RequestContext, error_code_for
from .holder import (
    ASSISTANT_UNAVAILABLE,
    AssistantUnavailable,
    is_changes_wait,
    nothing_changed,
)
from .http_text import size_text

if TYPE_CHECKING:
    from ..assistant.server import NotebookAssistant
    from ..settings import Settings
    from .holder import AssistantHolder

log = logging.getLogger("jupyter_chatkit")

AUTH_RESOURCE = "jupyter_chatkit"
_SINGLE_USER_PROVIDERS = (IdentityProvider, PasswordIdentityProvider, LegacyIdentityProvider)
# Retry-After of a 503 (the store busy or down, the assistant starting): a lock held by
# another process is a short transaction's, or a tool's the person can see.
RETRY_AFTER_SECONDS = 5


def user_scope(user: Any) -> str:
    """The store's user scope for an authenticated user: the name the server gave it."""
    name = getattr(user, "username", None)
    if name is None and isinstance(user, dict):
        # A hub user model (the legacy login handler's answer).
        name = user.get("name")
    name = str(name if name is not None else user)
    if not name.strip():
        # An authenticated request without a name must not share a scope with others.
        raise web.HTTPError(403, "The server did not name the user of this request.")
    return name


class BaseChatKitHandler(ExtensionHandlerMixin, APIHandler):
    """Shared plumbing: settings, user scope, JSON errors without tracebacks."""

    auth_resource = AUTH_RESOURCE

    def set_default_headers(self) -> None:
        """Jupyter's headers, and no cache may keep an answer: each is one user's (a
        shared machine's browser cache, a proxy), attachments and errors included."""
        super().set_default_headers()
        self.set_header("Cache-Control", "no-store")

    @property
    def chatkit(self) -> dict[str, Any]:
        """This extension's entry in the tornado settings."""
        return self.settings["jupyter_chatkit"]

    @property
    def holder(self) -> AssistantHolder:
        """The assistant holder created by the extension app."""
        return self.chatkit["holder"]

    async def assistant(self) -> NotebookAssistant:
        """The assistant, once built; a 503 when it cannot answer now."""
        try:
            return await self.holder.get()
        except AssistantUnavailable as exc:
            raise web.HTTPError(503, reason=exc.reason) from None

    def settings_in_force(self) -> Settings:
        """The assistant's settings; a 503 naming a refused one (no assistant then)."""
        holder = self.holder
        if holder.refused is not None:
            raise web.HTTPError(503, reason=f"{ASSISTANT_UNAVAILABLE}: {holder.refused}")
        return holder.settings

    def request_context(self) -> RequestContext:
        """Scope everything to the user the server authenticated for this request.

        Jupyter's own token/password identity providers on a plain server have one user,
        its owner, whatever name the provider made up for this request: ``local``. Under
        JupyterHub (the server was spawned by a hub) users are never collapsed, whatever
        the provider: JupyterHub's own, or jupyter_server's legacy provider wrapping the
        hub's login handler (``JUPYTERHUB_SINGLEUSER_EXTENSION=0``) both name the hub
        user. The name always comes from the request's authentication, never from an
        environment variable or anything else a client sends.
        """
        if not self.chatkit.get("hub") and type(self.identity_provider) in _SINGLE_USER_PROVIDERS:
            return RequestContext(user_id=LOCAL_USER, origin="server")
        return RequestContext(user_id=user_scope(self.current_user), origin="server")

    def _request_summary(self) -> str:
        """The request as tornado's warnings and errors name it: method and path, never
        the query (a client may authenticate with ``?token=``; Jupyter's access log hides
        it, tornado's own lines did not)."""
        return f"{self.request.method} {self.request.path} ({self.request.remote_ip})"

    def _log(self) -> None:
        """Jupyter's access log line, unless nothing would write it.

        Jupyter's ``log_request`` writes a success at DEBUG, and the server's loggers
        take DEBUG (traitlets sets the app logger to DEBUG, its handlers to the log level),
        so each request built, formatted and dropped a record (with its URI parsed and
        the user named). Only for the server's own ``log_request``, and a success: its
        Prometheus metric is still recorded when the server records them; anything
        else (a debug log, a handler at DEBUG, a filter, another ``log_function``) gets
        the whole call.
        """
        status = self.get_status()
        logged = self.settings.get("log_function")
        if (
            (status < 300 or status == 304)
            and isinstance(logged, functools.partial)
            and logged.func is log_request
            and not logged.args
            and set(logged.keywords) <= {"record_prometheus_metrics"}
            and not would_write(self.log, logging.DEBUG)
        ):
            if logged.keywords.get("record_prometheus_metrics", True):
                prometheus_log_method(self)
            return
        super()._log()

    def log_exception(self, typ: Any, value: BaseException | None, tb: Any) -> None:
        """An unexpected failure as one line by method, path and type: tornado's own
        line prints the request's URI (its query) and the traceback (a conversation)."""
        if isinstance(value, web.HTTPError):
            super().log_exception(typ, value, tb)
            return
        self.log.error("Uncaught %s in %s", type(value).__name__, self._request_summary())

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Always ``{"message", "code"}``; never a traceback, whatever the server's debug mode."""
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        if status_code == 503:
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message and status_code < 500:
            message = exc.log_message % exc.args if exc.args else exc.log_message
        else:
            message = reason
        self.finish(json.dumps({"message": message, "code": error_code_for(status_code)}))

    def send_json(self, status: int, body: bytes) -> None:
        """Finish with a JSON body."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        if status == 503:
            self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.finish(body)


# Room for a multipart form's boundaries and part headers around an upload's bytes.
# A body announced past its limit but within this many times it is read (and thrown
# away) before the 413, so every client reads the answer; a bigger one is refused unread.
DRAIN_FACTOR = 4
MULTIPART_ROOM = 64 * 1024


class BoundedBodyHandler(BaseChatKitHandler):
    """A handler whose request body is read as it arrives and refused past a limit.

    Without this tornado reads the whole body (up to Jupyter's ``max_body_size``, 512 MB
    by default) before the handler can look at its size. Here an announced
    ``Content-Length`` past the limit is read and thrown away (nothing kept), then
    answered 413; one past ``DRAIN_FACTOR`` times the limit is answered 413 before it is
    read, as a chunked body is once it passes the limit (the connection is then closed);
    a request without credentials is answered 403 before its body is read.
    """

    _received: bytearray | None = None
    # A body announced past the limit, being read to its end and thrown away.
    _draining = False

    def body_limit(self) -> int:
        """Largest body accepted, in bytes."""
        raise NotImplementedError

    def too_large(self) -> web.HTTPError:
        """The 413 answered past :meth:`body_limit` (its message says the setting)."""
        raise NotImplementedError

    async def prepare(self) -> None:  # type: ignore[override]
        """Authenticate, then refuse a body announced past the limit, before reading it."""
        await super().prepare()
        if self.request.method not in ("POST", "PUT"):
            return
        if self.current_user is None:
            # As @web.authenticated answers a POST, but before the body is read.
            raise web.HTTPError(403)
        announced = self.request.headers.get("Content-Length", "")
        if announced.strip().isdigit() and int(announced) > self.body_limit():
            if int(announced) > DRAIN_FACTOR * self.body_limit():
                raise self.too_large()
            # An answer before the body's end closes the connection under a client that
            # writes its whole body before it reads (httpx, requests: the kernel's own
            # client), which then sees a reset, not the 413. So a body of a plausible size
            # is read to its end, kept nowhere, and then refused.
            self._draining = True
            return
        self._received = bytearray()

    def data_received(self, chunk: bytes) -> None:
        """Keep the body's bytes; past the limit, answer 413 and read no more."""
        if self._received is None or self._finished:
            return  # refused, or being thrown away (_draining)
        if len(self._received) + len(chunk) > self.body_limit():
            self._received = None
            error = self.too_large()
            # tornado closes the connection once this answer is sent, since the body
            # was not read to its end.
            self.send_error(413, exc_info=(type(error), error, None))
            return
        self._received += chunk

    def received_body(self) -> bytes | None:
        """The whole body, or None when it was refused (the answer is already sent).

        Raises the 413 of a body announced past the limit, now read to its end."""
        if self._draining and not self._finished:
            raise self.too_large()
        if self._finished or self._received is None:
            return None
        return bytes(self._received)

    def on_connection_close(self) -> None:
        """Also ends tornado's wait for a body that will not come."""
        self._received = None
        super().on_connection_close()


@web.stream_request_body
class ChatKitHandler(BoundedBodyHandler):
    """``POST jupyter-chatkit/chatkit``: ChatKit requests; streaming ones as SSE."""

    _producer: asyncio.Task[None] | None = None
    # A page's wait for turn changes being answered (see _wait_for_changes).
    _waiting: asyncio.Task[None] | None = None
    _closed = False
    # A flush of what the stream wrote is scheduled (see _stream).
    _flush_due = False
    # What the stream writes is kept until its turn has asked the model (see _stream).
    _holding = False
    _hold_limit: asyncio.TimerHandle | None = None

    def body_limit(self) -> int:
        """``max_request_bytes``."""
        return int(self.chatkit["max_request_bytes"])

    def too_large(self) -> web.HTTPError:
        """Say the limit and what the assistant reads: of a message, and of a text file
        (attachments have their own, larger limit, max_upload_bytes, but the model reads
        only the beginning of one)."""
        # What model_input.MAX_ATTACHMENT_CHARS is (that module takes ~2 s to import).
        from ..context_policy import MAX_RESULT_CHARS as MAX_ATTACHMENT_CHARS
        from ..context_policy import MAX_TEXT_CHARS

        return web.HTTPError(
            413,
            f"The message is too large: requests are limited to "
            f"{size_text(self.body_limit())} (max_request_bytes). The assistant reads at "
            f"most {MAX_TEXT_CHARS:,} characters of a message, and the first "
            f"{MAX_ATTACHMENT_CHARS:,} of an attached text file: send the part that matters.",
        )

    @web.authenticated
    @authorized
    async def post(self) -> None:
        """Answer one ChatKit request."""
        body = self.received_body()
        if body is None:
            return
        if is_changes_wait(body):
            await self._wait_for_changes(body)
            return
        with self.holder.serving():
            await self._answer(body)

    async def _wait_for_changes(self, body: bytes) -> None:
        """A page's long-poll (``Turn.CHANGES``, up to 25 s): ended when its page goes
        away (a reload, a closed tab), so it holds none of the user's 32 waits; and not
        a request in progress, for which the freeze after the start would wait (up to
        its 60 s fallback while any page polls). A wait held at that moment is frozen
        with the start: its few objects stay, once a process."""
        self._waiting = asyncio.ensure_future(self._answer(body))
        try:
            await asyncio.wait({self._waiting})
        finally:
            if not self._waiting.done():
                self._waiting.cancel()  # this request was stopped (the server stops)
                await asyncio.wait({self._waiting})
        if not self._waiting.cancelled():
            self._waiting.result()  # what it raised, as any request's

    async def _answer(self, body: bytes) -> None:
        # A page's next wait for turn changes while the server stops: no error to log.
        quiet = nothing_changed(body) if self.holder.closed else None
        if quiet is not None:
            self.send_json(200, quiet)
            return
        assistant = await self.assistant()
        from ..assistant.server import JsonResult

        result = await assistant.handle(body, self.request_context())
        if isinstance(result, JsonResult):
            self.send_json(result.status, result.body)
            return
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache, no-store")
        self.set_header("X-Accel-Buffering", "no")
        # Events are small writes in quick succession: without TCP_NODELAY, Nagle's
        # algorithm holds each one back until the previous is acknowledged, and the
        # client's delayed ACK turns that into tens of milliseconds per token.
        stream = getattr(self.request.connection, "stream", None)
        if stream is not None:
            stream.set_nodelay(True)
        await self._stream(result.chunks)

    async def _stream(self, chunks: AsyncIterator[bytes]) -> None:
        """Write events as they come; a client that goes away leaves the turn running.

        A separate task drives the stream, so it is always suspended inside the stream
        (waiting on the model or the store) and never at a flush of ours. When the client
        goes away (a reload, a closed tab) the task goes on, writing nowhere, so the
        answer is finished and saved (assistant/running.py); an explicit Stop
        (``Turn.STOP``) cancels it, which raises CancelledError inside ChatKit's
        pipeline: it keeps the partial answer (handle_stream_cancelled) and closes the
        upstream model request.

        The task writes each event into the response as it comes, and the events written
        while it runs go out in one flush once it gives way: the first is never held
        back longer than the stream's own work, and each event costs no hand-over to
        another task (a queue and a writer task cost ~0.1 ms of CPU an event). A client
        that reads slowly makes tornado buffer, as the queue did.

        A turn's opening events are held until its model has been asked (:meth:`hold`,
        :meth:`release`; assistant/opening.py): the socket write and the browser's work
        they cause then come after the model's request, not before it.
        """

        from ..assistant.lock_waits import telling_lock_waits
        from ..assistant.opening import holding_opening

        async def produce() -> None:
            try:
                # A write waiting for another process's store lock says so meanwhile
                # (at once, whatever is held).
                with telling_lock_waits(self._send_at_once), holding_opening(self):
                    async for chunk in chunks:
                        self._send(chunk)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("Streaming a ChatKit answer failed: %s", type(exc).__name__)

        self._producer = asyncio.ensure_future(produce())
        try:
            await asyncio.wait({self._producer})
        finally:
            if not self._producer.done():
                # This request was stopped (the server stops): so is its run.
                self._producer.cancel()
                await asyncio.wait({self._producer})
        if not self._closed and not self._finished:
            self.finish(set_content_type="text/event-stream; charset=utf-8")

    def _send(self, chunk: bytes) -> None:
        """Write one event; it goes out with the next flush (see :meth:`_stream`)."""
        if self._closed or self._finished:
            return
        self.write(chunk)
        if not self._holding:
            self._flush_soon()

    def _send_at_once(self, chunk: bytes) -> None:
        """Write one event, and what was held before it, with the next flush."""
        self.release()
        self._send(chunk)

    def _flush_soon(self) -> None:
        if not self._flush_due:
            self._flush_due = True
            asyncio.get_running_loop().call_soon(self._flush_written)

    def hold(self) -> None:
        """Keep what the stream writes from now on until :meth:`release` (the stream's
        end sends it too, and at the latest ``opening.HOLD_LIMIT`` later)."""
        from ..assistant.opening import HOLD_LIMIT

        if self._holding:
            return
        self._holding = True
        self._hold_limit = asyncio.get_running_loop().call_later(HOLD_LIMIT, self.release)

    def release(self) -> None:
        """Send what was held with the next flush; later writes go out as they come."""
        if not self._holding:
            return
        self._holding = False
        if self._hold_limit is not None:
            self._hold_limit.cancel()
            self._hold_limit = None
        if not (self._closed or self._finished):
            self._flush_soon()

    def _flush_written(self) -> None:
        """Send what the stream has written since the last flush (see :meth:`_stream`)."""
        self._flush_due = False
        if self._closed or self._finished:
            return
        sent = self.flush()
        if sent.done() and sent.exception() is not None:
            # The connection is gone (tornado reports it so): write no more.
            self.on_connection_close()

    def on_connection_close(self) -> None:
        """The client went away: the run goes on to its end, written nowhere (only
        ``Turn.STOP`` stops it; see :meth:`_stream`); a wait for changes ends."""
        self._closed = True
        if self._waiting is not None:
            self._waiting.cancel()
        super().on_connection_close()


class HealthHandler(BaseChatKitHandler):
    """``GET jupyter-chatkit/health``: is the endpoint here and the assistant ready."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """Report readiness without building anything."""
        from .. import __version__

        # Sets the XSRF cookie: the kernel's client (kernel/remote.py) reads it here for
        # servers that check XSRF even on token-authenticated POSTs (JupyterHub's legacy
        # single-user mode checks it before the token is looked at).
        self.xsrf_token  # noqa: B018

        holder = self.holder
        self.finish(
            {
                "status": "ok",
                "ready": holder.ready,
                # The warm-up turn after start has ended (a first turn now costs what
                # a later one does): for benchmarks and tests.
                "warm": holder.warmed,
                "version": __version__,
            }
        )


class ConfigHandler(BaseChatKitHandler):
    """``GET jupyter-chatkit/config``: model and provider names, never secrets."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """What the front end may show about the configuration."""
        from .. import __version__
        from ..protocol import CLIENT_TOOL_NAMES

        self.finish(
            {
                **self.settings_in_force().public(),
                "version": __version__,
                "client_tools": sorted(CLIENT_TOOL_NAMES),
            }
        )


class ModelsHandler(BaseChatKitHandler):
    """``GET jupyter-chatkit/models``: the models people may pick (names only)."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        """The default model and the allowed ones (the provider's list with ``*``)."""
        settings = self.settings_in_force()
        names = settings.allowed_models
        if settings.any_provider_model:
            # Only the provider's list needs the assistant (its cached GET /models).
            assistant = await self.assistant()
            names = await assistant.models.names()
        self.finish(
            {"default": settings.effective_model, "models": names, "offline": settings.offline}
        )


class NotFoundHandler(BaseChatKitHandler):
    """Any other path under ``jupyter-chatkit/`` (an attachment id no upload has, as
    ``attachments/../x``; a route that does not exist): a JSON 404 like every answer of
    this extension, after authentication as every route. Jupyter's own is an HTML page."""

    message = "No such jupyter-chatkit route."

    @web.authenticated
    @authorized
    async def get(self, *_path: str) -> None:
        """Not found, whatever the method."""
        raise web.HTTPError(404, self.message)

    post = put = patch = delete = get


class AttachmentNotFoundHandler(NotFoundHandler):
    """``attachments/<what no attachment id is>`` (``..``, a dot, past 100 characters)."""

    message = "No such attachment."


def raise_if_store_unavailable(exc: Exception) -> None:
    """A 503 (JSON, Retry-After) for a store that cannot serve now: down, or its file
    locked by another process past ``store_lock_timeout``; logged without any text."""
    from ..store.engine import describe_store_failure, is_store_unavailable, store_failure_message

    if is_store_unavailable(exc):
        log.error("The conversation store is unavailable: %s", describe_store_failure(exc))
        raise web.HTTPError(503, reason=store_failure_message(exc)) from None

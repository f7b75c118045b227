"""Logging for the processes that run the assistant: set up by them, not on import.

The Jupyter server extension (:class:`~jupyter_chatkit.serverext.app.JupyterChatKitApp`)
and the kernel's runtime call :func:`setup_logging` before they build an assistant;
importing any module of this package configures nothing.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from typing import Any

# The libraries whose failures we already turn into readable ErrorEvents, and the MCP
# client (its tracebacks can hold a server's URL, headers or request bodies).
LIBRARY_LOGGERS = ("chatkit", "openai.agents", "mcp")
# HTTP clients log every request's URL at INFO (httpx and httpx2: "HTTP Request: POST
# http://user:password@host/v1/..."), so a provider or MCP URL with credentials in it
# reached the log whenever INFO or DEBUG was on. Every record is checked (any library
# may log a URL); one with no "@" in it costs a formatting.
# A URL's userinfo (``user:password@`` or a bare token ``sk-...@``) up to its last "@"
# before the path (a password may hold "@", as urlsplit reads it). The scheme starts
# where no scheme character precedes it: without that, each letter of a long run (a
# base64 body logged with an "@" somewhere) started a scan of the whole run, quadratic
# (100,000 characters: ~3 minutes on the logging thread).
# A password may also hold "/", "?" or "#" unescaped (``postgresql://u:Pa55#w0rd@db``):
# SQLAlchemy reads it up to the "@" and such a store works, so a ``user:`` followed by
# no port reads up to the next "@" (at most 256 characters: linear).
URL_USERINFO = re.compile(
    r"(?<![a-z0-9+.\-])(?P<scheme>[a-z][a-z0-9+.\-]*://)"
    r"(?P<userinfo>[^/?#\s]*|[^/?#\s@:\[\]]*:(?!\d{0,5}(?:[/?#\s]|$))[^\s@]{1,256}?)@",
    re.I,
)
_installed = False
_factory_installed = False
_lock = threading.Lock()


class NoTracebacks(logging.Filter):
    """Log a failure's type, not its traceback: those can carry prompts or provider bodies.

    ChatKit and openai-agents log ``exception()`` for errors we already turn into a
    readable ErrorEvent; the server log keeps one line per failure instead.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Strip ``exc_info``, keeping the exception's type name in the message.

        ``logger.exception(exc)`` makes the exception's text the message: for a
        database error that is the SQL with its parameters (the conversation), for a
        provider error its body. Only the type is kept then.
        """
        if isinstance(record.msg, BaseException):
            record.msg = type(record.msg).__name__
            record.args = ()
        if record.exc_info and record.exc_info[1] is not None:
            name = type(record.exc_info[1]).__name__
            record.msg = f"{record.getMessage()} ({name})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


def _from_library(name: str) -> bool:
    return any(name == lib or name.startswith(lib + ".") for lib in LIBRARY_LOGGERS)


def _hidden(text: str) -> str:
    return URL_USERINFO.sub(r"\g<scheme>***@", text) if "@" in text else text


def hide_url_credentials(record: logging.LogRecord) -> None:
    """Replace the userinfo of any URL in ``record``'s message, traceback and stack with
    ``***``."""
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: logging reports it itself later
        message = None
    if message is not None:
        clean = _hidden(message)
        if clean != message:
            record.msg = clean
            record.args = ()
    if record.exc_info and record.exc_info[1] is not None:
        # An HTTP client's error names the URL it failed on (httpx2.ConnectError, a
        # chained exception's message), and a formatter prints it from exc_info. The
        # traceback is formatted here once; when it holds credentials the record keeps
        # that text without them and no exception object to format again.
        try:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        except Exception:  # an exception whose __str__ fails: the handler reports it
            text = ""
        clean = _hidden(text)
        if clean != text:
            record.exc_text = clean
            record.exc_info = None
    if record.stack_info:
        record.stack_info = _hidden(record.stack_info)


def _library_records(
    inner: Callable[..., logging.LogRecord],
) -> Callable[..., logging.LogRecord]:
    """A record factory stripping tracebacks of the libraries' child loggers too,
    and credentials from the URLs the HTTP clients log.

    A logger's filters only see records made on that very logger, and the MCP client
    logs on ``mcp.client.stdio``, ``mcp.client.streamable_http``, ...
    """
    strip = NoTracebacks()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = inner(*args, **kwargs)
        if _from_library(record.name):
            strip.filter(record)
        hide_url_credentials(record)
        return record

    return factory


def setup_logging() -> None:
    """Keep ChatKit's, openai-agents' and the MCP client's tracebacks out of the log
    (once per process)."""
    global _installed, _factory_installed
    with _lock:
        if _installed:
            return
        for name in LIBRARY_LOGGERS:
            logging.getLogger(name).addFilter(NoTracebacks())
        if not _factory_installed:
            logging.setLogRecordFactory(_library_records(logging.getLogRecordFactory()))
            _factory_installed = True
        _installed = True


# The server's handlers the package's logger writes with (replaced by the next server
# app of the process: tests make many), and whether its level was set here.
_server_handlers: list[logging.Handler] = []
_level_from_server = False


def write_with(server_log: logging.Logger) -> None:
    """Write the ``jupyter_chatkit`` logger's records, and those of the libraries in
    ``LIBRARY_LOGGERS``, with ``server_log``'s handlers.

    Without a handler of its own, a warning ("Model run failed ...") went to Python's
    last-resort handler: printed bare, without Jupyter's ``[W time name]``. As Jupyter
    hooks up tornado's loggers, at the server's level unless one was set; records still
    propagate (nothing handles them above in a server). They are made by the record
    factory of :func:`setup_logging`, so URL credentials are hidden first.
    """
    global _level_from_server
    logger = logging.getLogger("jupyter_chatkit")
    # The libraries' own failures too (ChatKit's "Error while generating streamed
    # response (NotFoundError)" was printed bare); their level stays as it is, so only
    # what already reached the log is written, now in Jupyter's format.
    writers = [logger, *(logging.getLogger(name) for name in LIBRARY_LOGGERS)]
    with _lock:
        for writer in writers:
            for handler in _server_handlers:
                writer.removeHandler(handler)
        _server_handlers[:] = server_log.handlers
        for writer in writers:
            for handler in _server_handlers:
                writer.addHandler(handler)
        if logger.level == logging.NOTSET or _level_from_server:
            logger.setLevel(server_log.level)
            _level_from_server = True


def would_write(logger: logging.Logger, level: int) -> bool:
    """Whether a record of ``level`` made on ``logger`` could be written by a handler:
    the logger takes the level, and a handler on its way up (or Python's last resort,
    when there is none) takes it too. A logger with filters answers True (they see every
    record the logger takes)."""
    if not logger.isEnabledFor(level):
        return False
    if logger.filters:
        return True
    current: logging.Logger | None = logger
    handled = False
    while current is not None:
        for handler in current.handlers:
            handled = True
            if level >= handler.level:
                return True
        if not current.propagate:
            break
        current = current.parent
    return not handled and logging.lastResort is not None and level >= logging.lastResort.level

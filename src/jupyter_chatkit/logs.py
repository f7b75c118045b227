"""Logging for the processes that run the assistant: set up by them, not on import.

The Jupyter server extension (:class:`~jupyter_chatkit.serverext.app.JupyterChatKitApp`)
and the kernel's runtime call :func:`setup_logging` before they build an assistant;
importing any module of this package configures nothing.
"""

from __future__ import annotations

import logging
import threading

# The libraries whose failures we already turn into readable ErrorEvents.
_LIBRARY_LOGGERS = ("chatkit", "openai.agents")
_installed = False
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


def setup_logging() -> None:
    """Keep ChatKit's and openai-agents' tracebacks out of the log (once per process)."""
    global _installed
    with _lock:
        if _installed:
            return
        for name in _LIBRARY_LOGGERS:
            logging.getLogger(name).addFilter(NoTracebacks())
        _installed = True

"""Keep the configured API keys out of everything that leaves the server.

Upstream providers echo what they were sent: an error body's ``code`` or ``type`` can
hold the key, and exception texts quote headers or bodies. Pattern checks ("looks like
an error code") let a key-shaped token through, so the configured keys are also
removed by exact value:

- from every answer the assistant sends (:meth:`Scrubber.text`, :meth:`Scrubber.bytes`),
- from every log record of the process, through a log record factory installed once
  (:func:`register_secret`), whichever logger or handler writes it.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

REDACTED = "[redacted]"

# Every configured secret (API key, MCP header value, ...) is scrubbed, however short,
# above this floor: a 1-3 character value would replace pieces of ordinary words.
MIN_SECRET_CHARS = 4

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
_log_scrubber: Scrubber | None = None
_factory_installed = False


class Scrubber:
    """Replaces each of a fixed set of secret strings wherever it occurs."""

    def __init__(self, secrets: Iterable[str]) -> None:
        found = {s for s in secrets if isinstance(s, str) and len(s) >= MIN_SECRET_CHARS}
        # Longest first, so a key containing another key is removed whole.
        self._texts = sorted(found, key=len, reverse=True)
        forms: set[bytes] = set()
        for secret in found:
            forms.add(secret.encode())
            # As it appears inside a JSON string (escaped quotes, backslashes, non-ASCII).
            forms.add(json.dumps(secret)[1:-1].encode())
            forms.add(json.dumps(secret, ensure_ascii=False)[1:-1].encode())
        self._bytes = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._texts)

    def text(self, value: str) -> str:
        """``value`` with every secret replaced by ``[redacted]``."""
        for secret in self._texts:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return value

    def bytes(self, value: bytes) -> bytes:
        """``value`` (UTF-8, possibly JSON) with every secret replaced."""
        for secret in self._bytes:
            if secret in value:
                value = value.replace(secret, REDACTED.encode())
        return value


def register_secret(secret: str) -> None:
    """Scrub ``secret`` from every log record made in this process from now on."""
    global _secrets, _log_scrubber, _factory_installed
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_CHARS:
        return
    with _lock:
        _secrets = _secrets | {secret}
        _log_scrubber = Scrubber(_secrets)
        if not _factory_installed:
            logging.setLogRecordFactory(_scrubbing_factory(logging.getLogRecordFactory()))
            _factory_installed = True


def registered_secrets() -> frozenset[str]:
    """The secrets log records are scrubbed of."""
    return _secrets


def _scrubbing_factory(inner: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = inner(*args, **kwargs)
        scrubber = _log_scrubber
        if scrubber is not None:
            _scrub_record(record, scrubber)
        return record

    return factory


def _scrub_record(record: logging.LogRecord, scrubber: Scrubber) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is logging's problem, not ours
        return
    clean = scrubber.text(message)
    if clean != message:
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        # Formatted now, so the handler uses this text instead of formatting the raw one.
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        # Also a traceback formatted before (the URL-credential factory keeps its text
        # without exc_info): it was written with the key still in it.
        record.exc_text = scrubber.text(record.exc_text)
    if record.stack_info:
        record.stack_info = scrubber.text(record.stack_info)

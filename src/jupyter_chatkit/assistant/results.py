"""What :class:`~.server.NotebookAssistant` hands a transport: a JSON answer or a stream
of server-sent events, and the readable messages of errors that become one."""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..protocol import error_code_for

if TYPE_CHECKING:
    # Annotations only: a kernel that asks its server (kernel/remote.py) needs the two
    # result types, not chatkit and pydantic (~1.4 s to import).
    from chatkit.types import ThreadStreamEvent
    from pydantic import BaseModel, ValidationError

log = logging.getLogger("jupyter_chatkit")


@dataclass(frozen=True)
class JsonResult:
    """A complete JSON answer with its HTTP status."""

    status: int
    body: bytes

    @classmethod
    def error(cls, status: int, message: str, code: str | None = None) -> JsonResult:
        """A JSON error body ``{"message", "code"}`` with the given status.

        ``code`` (an :class:`~jupyter_chatkit.protocol.ErrorCode`) defaults to the one
        of the status; clients match the code, the message is for people.
        """
        code = code or error_code_for(status)
        return cls(status, json.dumps({"message": message, "code": code}).encode())


@dataclass(frozen=True)
class StreamResult:
    """A server-sent-events answer: ``data: {...}\\n\\n`` chunks, one per event."""

    chunks: AsyncIterator[bytes]


# What ChatKit's serialization passes: integration-only metadata stays on the server.
_CHATKIT_DUMP = {"exclude_metadata": True}


def wire_json(obj: BaseModel) -> bytes:
    """A ChatKit response or event as ChatKit (1.6) writes it to a client: by alias,
    without ``None`` fields, attachments' metadata left out."""
    return obj.model_dump_json(by_alias=True, exclude_none=True, context=_CHATKIT_DUMP).encode()


def sse(event: ThreadStreamEvent) -> bytes:
    """Encode one stream event the way ChatKit does (attachments' metadata left out)."""
    return b"data: " + wire_json(event) + b"\n\n"


def describe_validation_error(exc: ValidationError) -> str:
    """One readable line for a request that does not match the ChatKit protocol."""
    for err in exc.errors(include_url=False, include_input=False):
        if err.get("type") == "json_invalid":
            if "recursion limit" in str(err.get("msg", "")):
                return "The request body is JSON nested too deep to read."
            return "The request body is not valid JSON."
        if err.get("type") == "union_tag_invalid":
            return f"Unknown request type. {err.get('msg', '')}".strip()
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if not str(p).startswith("function-"))
    return f"Invalid request: {where or 'body'}: {first.get('msg', 'invalid value')}."


# What a client is told of text its request holds that UTF-8 cannot (a lone surrogate).
NOT_UNICODE = "The request has text that is not valid Unicode."


def safe_message(exc: BaseException) -> str:
    """Our own ValueErrors carry readable messages; cap their length for safety. A codec's
    (a store refusing a lone surrogate) is said plainly: :data:`NOT_UNICODE`."""
    if isinstance(exc, UnicodeError):
        return NOT_UNICODE
    message = str(exc).strip() or type(exc).__name__
    return message[:300]


def failed_request(exc: Exception, what: str) -> JsonResult:
    """The answer of request ``what`` (its type) that raised ``exc``: 400 for input the
    store refuses (a NUL, a lone surrogate: ValueError), 503 when the store is
    unavailable, else 500; logged by :func:`log_failure`, never with the conversation in
    it."""
    # Here, not on import: a kernel that asks its server imports this module.
    from ..store.engine import describe_store_failure, is_store_unavailable, store_failure_message

    if isinstance(exc, ValueError):
        return JsonResult.error(400, safe_message(exc))
    if is_store_unavailable(exc):
        log.error("The conversation store is unavailable: %s", describe_store_failure(exc))
        return JsonResult.error(503, store_failure_message(exc))
    log_failure(what, exc)
    return JsonResult.error(500, "The assistant could not handle this request.")


def log_failure(what: str, exc: BaseException) -> None:
    """Log that ``what`` failed with ``exc``: its type and the traceback's frames (where it
    was raised), never its message, which can quote the conversation, a provider's body or
    a secret (a database error's SQL and parameters)."""
    frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
    log.error(
        "%s failed: %s\nTraceback (most recent call last):\n%s", what, type(exc).__name__, frames
    )


def failure_event(failure: JsonResult) -> bytes:
    """A JSON error answer as the one event of a stream (Retry offered for a 5xx)."""
    from chatkit.types import ErrorEvent

    message = json.loads(failure.body)["message"]
    return sse(ErrorEvent(code="custom", message=message, allow_retry=failure.status >= 500))

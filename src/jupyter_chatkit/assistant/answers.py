"""A ChatKit request answered as data, for :meth:`.server.NotebookAssistant.handle`.

Transports (the Jupyter server handlers, the kernel comm) hand over request bytes and
get back a :class:`~.results.JsonResult` or a :class:`~.results.StreamResult`.
Everything a client can get wrong is answered here: a 400 with a readable message, a
404, a 503 while the store is unavailable, or one ``ErrorEvent`` in a stream. No
traceback leaves this module, and whatever it answers is scrubbed of the configured
secrets. What the requests do is :class:`~.server.NotebookAssistant`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from chatkit.server import NonStreamingResult
from chatkit.store import NotFoundError
from chatkit.types import ChatKitReq, ErrorEvent, is_streaming_req
from pydantic import TypeAdapter, ValidationError

from ..protocol import ErrorCode, Turn
from .opening import hold_opening
from .provider_warm import connection_warmer
from .results import (
    JsonResult,
    StreamResult,
    describe_validation_error,
    failed_request,
    failure_event,
    safe_message,
    sse,
)
from .running import answer_own, own_request
from .step_starts import answer_step_started
from .turn_changes import answer_changes

if TYPE_CHECKING:
    from ..protocol import RequestContext
    from .server import NotebookAssistant


# Built once: ChatKit builds a new one per request, ~25 ms of CPU each (see
# NotebookAssistant.process).
REQUEST_ADAPTER: TypeAdapter[ChatKitReq] = TypeAdapter(ChatKitReq)


async def answer(
    server: NotebookAssistant, body: bytes | str, context: RequestContext
) -> JsonResult | StreamResult:
    """Answer one ChatKit request; never raises for bad input or a failing model.

    Whatever it answers is scrubbed of the configured API key.
    """
    result = await _answer(server, body, context)
    if isinstance(result, StreamResult):
        return StreamResult(_scrubbed(server, result.chunks))
    if server.scrubber:
        return JsonResult(result.status, server.scrubber.bytes(result.body))
    return result


async def _scrubbed(
    server: NotebookAssistant, chunks: AsyncIterator[bytes]
) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield server.scrubber.bytes(chunk) if server.scrubber else chunk


async def _answer(
    server: NotebookAssistant, body: bytes | str, context: RequestContext
) -> JsonResult | StreamResult:
    try:
        request = REQUEST_ADAPTER.validate_json(body)
    except ValidationError as exc:
        own = own_request(body)
        if own is None:
            return JsonResult.error(400, describe_validation_error(exc))
        return await _answer_own(server, *own, context)
    if is_streaming_req(request):
        return StreamResult(_guarded_stream(server, request, context))
    try:
        result = await server.process_parsed(request, context)
    except NotFoundError:
        return JsonResult.error(404, "No such conversation or item.", ErrorCode.NOT_FOUND)
    except (ValueError, NotImplementedError, RuntimeError) as exc:
        return JsonResult.error(400, safe_message(exc))
    except Exception as exc:
        return failed_request(exc, f"ChatKit request {request.type}")
    assert isinstance(result, NonStreamingResult)
    return JsonResult(200, result.json)


async def _answer_own(
    server: NotebookAssistant, kind: str, params: object, context: RequestContext
) -> JsonResult | StreamResult:
    """Answer one of our own requests (protocol.Turn); whatever it raises unexpectedly is a
    JSON error (:func:`~.results.failed_request`), its traceback only in the server log."""
    try:
        if kind == Turn.STEP_STARTED:
            return await answer_step_started(server, params, context)
        if kind == Turn.CHANGES:
            return await answer_changes(params, server.running, server.store, context)
        if kind == Turn.WARM:
            warmer = connection_warmer(server.provider_model)
            warming = warmer is not None and warmer.warm()
            return JsonResult(200, b'{"warming":true}' if warming else b'{"warming":false}')
        return await answer_own(kind, params, server.running, server.store, context)
    except Exception as exc:
        return failed_request(exc, kind)


async def _guarded_stream(
    server: NotebookAssistant, request: ChatKitReq, context: RequestContext
) -> AsyncIterator[bytes]:
    """Stream events; errors before or outside the run become one ErrorEvent.

    What the turn shows before its model is asked goes out once it is (opening.py)."""
    hold_opening()
    try:
        result = await server.process_parsed(request, context)
        async for chunk in result:  # type: ignore[union-attr]
            yield chunk
    except NotFoundError:
        yield sse(
            ErrorEvent(code="custom", message="No such conversation or item.", allow_retry=False)
        )
    except (ValueError, NotImplementedError) as exc:
        yield sse(ErrorEvent(code="custom", message=safe_message(exc), allow_retry=False))
    except Exception as exc:
        yield failure_event(failed_request(exc, f"ChatKit stream {request.type}"))

"""Lone UTF-16 surrogates in what the model sends are read as U+FFFD.

A JSON text can hold ``\\ud83d`` without the low half that makes it a character (a
local model cutting an emoji between two tokens, a proxy splitting UTF-16). Python's
JSON reader makes it a lone surrogate, which UTF-8 cannot encode: the answer could be
neither sent to the browser ("Error serializing to JSON: UnicodeEncodeError") nor saved,
nor sent back to the model in the turn's next request. Model output reaches the agent as
JSON in one place whatever its kind (a text delta, a tool call's arguments, a reasoning
summary, a title; streamed or not, either API): the body of the provider's HTTP
response. :func:`replace_lone_surrogates`, the provider client's response hook
(:func:`filter_responses`), makes the body's reader replace each lone surrogate escape by
``\\ufffd`` (a pair is kept: it is one character) before openai reads it. A tool call's
arguments are JSON text inside that JSON, their escapes text there: the models replace
them once the call is finished (:func:`clean_tool_arguments`).

The cost per network read is one search for a backslash (none in most reads of an
English answer); a read holding one is cut at its last line end (an escape never spans
lines, and an SSE event or a JSON body is not read before its line ends, so nothing is
held back that could be read), and its lines are searched for ``\\u`` and only then with
a regular expression. The provider client asks for bodies as they are
(``Accept-Encoding: identity``); one sent compressed all the same is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2

__all__ = [
    "LoneSurrogateFilter",
    "clean_tool_arguments",
    "filter_responses",
    "replace_lone_surrogates",
    "without_lone_surrogates",
]

# An escaped backslash (skipped as a whole, so the ``u`` after it is text), a surrogate
# pair (kept), or a lone surrogate escape (replaced).
_ESCAPES = re.compile(
    rb"\\\\"
    rb"|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
)
_REPLACEMENT = b"\\ufffd"


def _replace(match: re.Match[bytes]) -> bytes:
    return _REPLACEMENT if len(match[0]) == 6 else match[0]


_TEXT_ESCAPES = re.compile(_ESCAPES.pattern.decode())
# The stream events that carry a finished tool call's arguments.
_ARGUMENT_EVENTS = frozenset(
    {"response.output_item.done", "response.function_call_arguments.done", "response.completed"}
)


def without_lone_surrogates(lines: bytes) -> bytes:
    """``lines`` (whole lines of JSON text) with each lone surrogate escape replaced by
    ``\\ufffd``."""
    if b"\\u" not in lines:
        return lines
    return _ESCAPES.sub(_replace, lines)


def clean_tool_arguments(event: Any) -> None:
    """Replace the lone surrogate escapes of the tool call arguments a model stream event
    finishes (a Responses event, as either API's model yields them).

    The arguments are JSON text inside the body's JSON: an escape the model wrote in them
    reads as text there (``\\\\ud83d``, which an answer's text may hold as it is), and
    becomes a lone surrogate only when the arguments are read, by the agents SDK and the
    tool. Read once a call is finished; other events cost one set look-up.
    """
    kind = getattr(event, "type", None)
    if kind not in _ARGUMENT_EVENTS:
        return
    if kind == "response.function_call_arguments.done":
        calls: Any = (event,)
    elif kind == "response.completed":
        calls = getattr(event.response, "output", None) or ()
    else:
        calls = (event.item,)
    for call in calls:
        arguments = getattr(call, "arguments", None)
        if isinstance(arguments, str) and "\\u" in arguments:
            call.arguments = _TEXT_ESCAPES.sub(_replace_text, arguments)


def _replace_text(match: re.Match[str]) -> str:
    return "\\ufffd" if len(match[0]) == 6 else match[0]


class LoneSurrogateFilter(httpx2.AsyncByteStream):
    """A response body whose lone surrogate escapes read as ``\\ufffd``."""

    def __init__(self, stream: httpx2.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # The start of a line not yet ended (a read without a line end is kept whole).
        held: list[bytes] = []
        async for chunk in self._stream:
            if not held and b"\\" not in chunk:
                # No escape here, and none begun before: as it came.
                yield chunk
                continue
            # (SSE lines may end with a lone CR too.)
            end = max(chunk.rfind(b"\n"), chunk.rfind(b"\r")) + 1
            if not end:
                held.append(chunk)
                continue
            lines = b"".join([*held, chunk[:end]]) if held else chunk[:end]
            held = [chunk[end:]] if end < len(chunk) else []
            yield without_lone_surrogates(lines)
        if held:
            yield without_lone_surrogates(b"".join(held))

    async def aclose(self) -> None:
        await self._stream.aclose()


async def replace_lone_surrogates(response: httpx2.Response) -> None:
    """httpx(2)'s response hook: the body, unless encoded, is read through a
    :class:`LoneSurrogateFilter`."""
    if isinstance(response.stream, httpx2.AsyncByteStream) and response.headers.get(
        "content-encoding", "identity"
    ) in ("identity", ""):
        response.stream = LoneSurrogateFilter(response.stream)


def filter_responses(client: Any) -> None:
    """Give an httpx(2) ``AsyncClient`` the response hook (once); its own hooks stay."""
    hooks = client.event_hooks
    if replace_lone_surrogates not in hooks["response"]:
        client.event_hooks = {**hooks, "response": [*hooks["response"], replace_lone_surrogates]}

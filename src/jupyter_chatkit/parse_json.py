"""JSON from outside the process, parsed without harm to the code around it.

``json.loads`` recurses once per nested array or object and stops only at the
interpreter's recursion limit. Deep there, a garbage collection that the parser's own
allocations start runs finalizers (a user's ``__del__`` in a kernel, a socket's
``ResourceWarning``) with almost no stack left: they fail, and are lost. Text that could
nest that deep (more opening brackets than :data:`SHALLOW`) is therefore parsed with the
collector paused; text nested deeper than the parser goes raises :class:`TooDeep`, a
``ValueError`` like any other unreadable JSON.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# Nesting this shallow leaves any caller's stack room to spare (pydantic's JSON parser
# stops at 200 too); text with no more opening brackets cannot nest deeper.
SHALLOW = 200


class TooDeep(ValueError):
    """JSON nested deeper than Python's parser goes."""


def loads(data: str | bytes | bytearray) -> Any:
    """``json.loads(data)``; raises ``ValueError`` (:class:`TooDeep` for too deep)."""
    if _brackets(data) <= SHALLOW:
        return json.loads(data)
    return _loads_paused(data)


def deeper_than_shallow(data: str | bytes | bytearray) -> bool:
    """Whether ``data`` is JSON nested deeper than :data:`SHALLOW`: False for other text
    that is no JSON, True for text opening more levels than the parser goes."""
    if _brackets(data) <= SHALLOW:
        return False
    try:
        value = _loads_paused(data)
    except TooDeep:
        return True
    except ValueError:
        return False
    # Walked with a list, not by recursion: this is the depth recursion must not reach.
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        elif not isinstance(item, list):
            continue
        if depth > SHALLOW:
            return True
        pending.extend((child, depth + 1) for child in item)
    return False


def _loads_paused(data: str | bytes | bytearray) -> Any:
    """``json.loads(data)`` with the collector paused, its recursion as :class:`TooDeep`."""
    with _collector_paused():
        try:
            return json.loads(data)
        except RecursionError:
            raise TooDeep("JSON nested deeper than the parser goes") from None


def _brackets(data: str | bytes | bytearray) -> int:
    """How many arrays and objects ``data`` opens at most (strings' brackets counted)."""
    if isinstance(data, str):
        return data.count("{") + data.count("[")
    return data.count(b"{") + data.count(b"[")


_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The garbage collector off until the last of the threads pausing it is done; then
    as it was before the first."""
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()

"""Every tool result fits a budget: at most :data:`MAX_RESULT_CHARS` characters of JSON.

:func:`bound` shrinks any JSON-ready value to a limit by sharing the room fairly among
its parts (small parts whole, big parts cut), and leaves a note in each place it cut,
so the model knows what it did not see and can ask for it.
"""

from __future__ import annotations

import json
import math
from typing import Any

# One tool result, as the model receives it (framing included).
MAX_RESULT_CHARS = 16_000
# Room kept for the framing and the ``redacted`` count added around a result.
FRAME_ROOM = 600
# What producers aim for, so the framing still fits.
RESULT_BUDGET = MAX_RESULT_CHARS - FRAME_ROOM
# Below this a part is dropped instead of cut: a 20-character stump helps nobody.
_MIN_PART = 24


def dumps(value: Any) -> str:
    """Strict JSON text (NaN/inf as text, unknown objects as their type name)."""
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False, default=_unknown)
    except ValueError:
        return json.dumps(_finite(value), ensure_ascii=False, allow_nan=False, default=_unknown)


def _unknown(value: Any) -> str:
    return f"<{type(value).__qualname__}>"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def size(value: Any) -> int:
    """Characters of ``value`` as JSON."""
    return len(dumps(value))


def clip_text(text: str, limit: int, already_cut: int = 0) -> str:
    """``text`` cut to about ``limit`` characters, saying how much was cut.

    ``already_cut``: characters cut off its end before (counted in the note).
    """
    if len(text) <= limit and not already_cut:
        return text
    keep = min(len(text), max(0, limit - 30))
    return f"{text[:keep]}… [{len(text) - keep + already_cut:,} more chars]"


def bound(value: Any, limit: int = RESULT_BUDGET, hint: str = "") -> Any:
    """``value`` cut to at most ``limit`` characters of JSON; cut places say so.

    ``hint`` tells the model how to ask for what was left out (added as ``"truncated"``
    to a top-level dict when anything was cut).
    """
    if size(value) <= limit:
        return value
    target = limit
    for _ in range(6):
        shrunk = _fit(value, max(target - len(hint) - 120, 200))
        if isinstance(shrunk, dict) and hint:
            shrunk = {**shrunk, "truncated": hint}
        if size(shrunk) <= limit:
            return shrunk
        target = int(target * 0.8)
    return {"error": "The result was too large to send, even cut down.", "truncated": hint}


def _fit(value: Any, room: int) -> Any:
    if isinstance(value, str):
        return clip_text(value, max(room - 2, 8))
    if isinstance(value, dict):
        return _fit_dict(value, room)
    if isinstance(value, list | tuple):
        return _fit_list(list(value), room)
    return value


def _fit_dict(value: dict[Any, Any], room: int) -> dict[Any, Any]:
    sizes = {k: size(v) for k, v in value.items()}
    overhead = sum(len(json.dumps(str(k))) + 2 for k in value) + 2
    if sum(sizes.values()) + overhead <= room:
        return value
    # Water-filling: the smallest parts are kept whole, the rest share what is left.
    left = room - overhead
    share: dict[Any, int] = {}
    pending = sorted(value, key=lambda k: sizes[k])
    while pending:
        fair = left // len(pending)
        key = pending[0]
        if sizes[key] <= fair:
            share[key] = sizes[key]
            left -= sizes[key]
            pending.pop(0)
        else:
            for k in pending:
                share[k] = fair
            break
    out: dict[Any, Any] = {}
    for key, item in value.items():
        if sizes[key] <= share[key]:
            out[key] = item
        elif share[key] < _MIN_PART:
            out[key] = "…"
        else:
            out[key] = _fit(item, share[key])
    return out


def _fit_list(items: list[Any], room: int) -> list[Any]:
    total = sum(size(i) + 1 for i in items) + 2
    if total <= room:
        return items
    out: list[Any] = []
    left = room - 40
    for i, item in enumerate(items):
        n = size(item) + 1
        if n <= left:
            out.append(item)
            left -= n
            continue
        if left >= 200 and isinstance(item, dict | list | str):
            # One big item (a long cell, a wide table): keep a cut-down copy of it.
            out.append(_fit(item, left - 1))
            i += 1
        more = len(items) - i
        if more > 0:
            out.append(f"… {more:,} more items not shown")
        break
    return out

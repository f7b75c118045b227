"""Bounded descriptions of Python values, organised by kind: one module per library.

Each module (:mod:`.pandas`, :mod:`.polars`, :mod:`.numpy`, :mod:`.sklearn`,
:mod:`.builtins`) holds both the compact summary used by ``list_kernel_variables`` and
the detail of ``inspect_kernel_variable`` for its kinds, registered in ``KINDS``;
:mod:`.common` holds what they share. Nothing here imports a data library: values are
recognised through ``sys.modules``, and no user code (``repr``, ``len``, properties) runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import builtins, numpy, pandas, polars, sklearn
from .common import brief, clip, dataclass_fields, is_a, is_frame_like, kind_of, qualname, type_name

__all__ = [
    "brief",
    "clip",
    "describe",
    "is_frame_like",
    "kind_of",
    "qualname",
    "summarize",
    "type_name",
]

Describer = Callable[[Any], dict[str, Any]]
_KINDS: dict[str, tuple[Describer, Describer]] = {
    **pandas.KINDS,
    **polars.KINDS,
    **numpy.KINDS,
    **sklearn.KINDS,
    **builtins.KINDS,
}


def summarize(value: Any) -> dict[str, Any]:
    """The compact entry of one variable in ``list_kernel_variables`` (without its name)."""
    out: dict[str, Any] = {"type": qualname(value)}
    pair = _KINDS.get(kind_of(value))
    out.update(pair[0](value) if pair is not None else builtins.summarize_other(value))
    return out


def describe(value: Any) -> dict[str, Any]:
    """Everything useful and cheap to know about one value, as JSON-ready data."""
    out: dict[str, Any] = {"type": qualname(value)}
    pair = _KINDS.get(kind_of(value))
    if pair is not None:
        out.update(pair[1](value))
        return out
    if is_a(value, str):
        out.update(builtins.describe_string(value))
        return out
    if builtins.is_container(value):
        out.update(builtins.describe_container(value))
        return out
    out.update(builtins.summarize_other(value))
    if not (set(out) - {"type"}) or dataclass_fields(value) is not None:
        out.update(builtins.describe_object(value))
    return out

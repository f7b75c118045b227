"""Bounded descriptions of Python values, organised by kind: one module per library.

Each module (:mod:`.pandas`, :mod:`.polars`, :mod:`.numpy`, :mod:`.sklearn`,
:mod:`.builtins`) holds both the compact summary used by ``list_kernel_variables`` and
the detail of ``inspect_kernel_variable`` for its kinds, registered in ``KINDS``;
:mod:`.common` holds what they share. Nothing here imports a data library: values are
recognised through ``sys.modules``, and no user code (``repr``, ``len``, properties) runs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .common import brief, clip, is_frame_like, kind_of
from .typeinfo import dataclass_fields, is_a, proxied_dict, qualname, type_name

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


@functools.cache
def _kinds() -> dict[str, tuple[Describer, Describer]]:
    # The describers load at the first summary, not on import: the sidebar's kernel
    # check (known_secrets) imports .common, and so this package, and describes nothing.
    from . import builtins, numpy, pandas, polars, sklearn

    return {**pandas.KINDS, **polars.KINDS, **numpy.KINDS, **sklearn.KINDS, **builtins.KINDS}


def _builtins() -> Any:
    from . import builtins

    return builtins


def summarize(value: Any) -> dict[str, Any]:
    """The compact entry of one variable in ``list_kernel_variables`` (without its name)."""
    out: dict[str, Any] = {"type": qualname(value)}
    # ``MappingProxyType(config)`` reads as the dict it shows (its secret keys hidden).
    value = _unproxied(value)
    pair = _kinds().get(kind_of(value))
    out.update(pair[0](value) if pair is not None else _builtins().summarize_other(value))
    return out


def _unproxied(value: Any) -> Any:
    inner = proxied_dict(value)
    return value if inner is None else inner


def describe(value: Any) -> dict[str, Any]:
    """Everything useful and cheap to know about one value, as JSON-ready data."""
    out: dict[str, Any] = {"type": qualname(value)}
    value = _unproxied(value)
    pair = _kinds().get(kind_of(value))
    if pair is not None:
        out.update(pair[1](value))
        return out
    builtins = _builtins()
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

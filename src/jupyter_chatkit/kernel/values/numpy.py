"""numpy arrays (masked ones too) and numpy scalars: summary and detail.

Statistics over more than :data:`STATS_ELEMENTS` elements are computed on an evenly
strided sample, and the result says so.
"""

from __future__ import annotations

import sys
from typing import Any

from ...context_policy.redact import is_secret_name, marker
from .common import ITEMS, PREVIEW_CHARS, STATS_ELEMENTS, brief, cell_value, clip, json_number
from .typeinfo import is_a, type_module


def _np() -> Any:
    return sys.modules["numpy"]


def _is_masked(a: Any) -> bool:
    ma = getattr(sys.modules.get("numpy"), "ma", None)
    return ma is not None and is_a(a, ma.MaskedArray)


def array_preview(a: Any, threshold: int = 20, chars: int = PREVIEW_CHARS) -> str:
    """A bounded text preview of an ndarray (object arrays: first elements, briefly)."""
    np = _np()
    names = a.dtype.names
    if names and any(type(n) is str and is_secret_name(n) for n in names):
        # A structured array or record array with a ``password`` field: the other fields.
        shown = [n for n in names if not (type(n) is str and is_secret_name(n))]
        note = f"fields hidden: {', '.join(n for n in names if n not in shown)}; "
        if not shown:
            return clip(note + marker(f"{a.size:,} values"), chars)
        return clip(note + array_preview(np.ndarray.__getitem__(a, shown), threshold, chars), chars)
    if a.dtype.kind == "O" or a.dtype.hasobject:
        # array2string would call repr on every element it shows.
        first = [brief(a.flat[i], 30, 0) for i in range(min(a.size, ITEMS))]
        return clip("[" + ", ".join(first) + (", …]" if a.size > ITEMS else "]"), chars)
    if _is_masked(a):
        return clip(_masked_text(a, threshold), chars)
    if a.ndim == 1 and a.dtype.kind in "biuf":
        return clip(_vector_text(a, threshold), chars)
    view = a
    note = ""
    if a.ndim > 2:
        # Summarised printing still shows 2*edgeitems per axis: 6**ndim numbers for big ndim.
        view = a[(0,) * (a.ndim - 2)]
        note = f"first 2-D slice [{', '.join(['0'] * (a.ndim - 2))}, :, :]: "
    text = np.array2string(view, threshold=threshold, edgeitems=3, max_line_width=100, precision=8)
    return clip(note + text, chars)


def _vector_text(a: Any, threshold: int, edge: int = 3) -> str:
    """numpy-style ``[1 2 3 ... 8 9]`` for a 1-D numeric array, without array2string.

    array2string sizes a formatter over every shown value (~100 µs even for tiny arrays);
    namespaces hold hundreds of small vectors, so plain 1-D previews are built here.
    """
    n = a.shape[0]
    if n <= threshold:
        parts = [_number_text(x) for x in a.tolist()]
    else:
        head = [_number_text(x) for x in a[:edge].tolist()]
        tail = [_number_text(x) for x in a[n - edge :].tolist()]
        parts = [*head, "...", *tail]
    return "[" + " ".join(parts) + "]"


def _masked_text(a: Any, threshold: int, edge: int = 3) -> str:
    """A masked array's values with ``--`` where masked (flattened past one dimension)."""
    flat = a.ravel()
    data, mask = flat.data, _np().ma.getmaskarray(flat)
    n = flat.shape[0]
    picks = list(range(n)) if n <= threshold else [*range(edge), -1, *range(n - edge, n)]
    parts = ["..." if i < 0 else "--" if mask[i] else _number_text(data[i].item()) for i in picks]
    note = "" if a.ndim == 1 else f"flattened from shape {tuple(a.shape)}: "
    return note + "[" + " ".join(parts) + "]"


def _number_text(x: Any) -> str:
    return f"{x:.6g}" if type(x) is float else str(x)


def summarize_ndarray(a: Any) -> dict[str, Any]:
    """Shape, dtype and a bounded preview (and the masked count of a masked array)."""
    out: dict[str, Any] = {"shape": list(a.shape), "dtype": str(a.dtype)}
    if _is_masked(a):
        out["masked"] = int(_np().ma.count_masked(a))
    out["preview"] = array_preview(a)
    return out


def describe_ndarray(a: Any) -> dict[str, Any]:
    """Shape, sizes, preview, and min/max/mean/NaN count (on a sample past 5M elements)."""
    np = _np()
    out: dict[str, Any] = {
        "shape": list(a.shape),
        "dtype": str(a.dtype),
        "size": int(a.size),
        "nbytes": int(a.nbytes),
        "preview": array_preview(a, threshold=100, chars=1_500),
    }
    masked = _is_masked(a)
    if masked:
        out["masked"] = int(np.ma.count_masked(a))
    if a.dtype.kind not in "biuf" or a.size == 0:
        return out
    data = a
    sampled = a.size > STATS_ELEMENTS
    if sampled:
        step = -(-a.size // STATS_ELEMENTS)
        data = a.reshape(-1)[::step] if a.flags.c_contiguous else a.ravel()[::step]
        out["stats_over"] = (
            f"a sample of {data.size:,} of {a.size:,} elements (1 in every {step:,}): "
            "min, max and mean are estimates"
        )
    if masked:
        data = data.compressed()
        if data.size == 0:
            return out
    with np.errstate(all="ignore"):
        floating = a.dtype.kind == "f"
        out["min"] = json_number(np.nanmin(data) if floating else data.min())
        out["max"] = json_number(np.nanmax(data) if floating else data.max())
        out["mean"] = json_number(np.nanmean(data) if floating else data.mean())
        if floating:
            key = "nan_count_in_sample" if sampled else "nan_count"
            out[key] = int(np.isnan(data).sum())
    return out


def summarize_scalar(v: Any) -> dict[str, Any]:
    """A numpy scalar's dtype and value."""
    return {"dtype": str(v.dtype), "value": cell_value(v, PREVIEW_CHARS)}


def _own_array(a: Any) -> Any:
    """A user's ndarray subclass seen as a plain ndarray over the same memory.

    Its ``__array_finalize__`` runs on every slice or view, its ``tolist``/``__getitem__``
    on every preview: user code. numpy's own subclasses (masked arrays, matrices,
    memmaps, record arrays) stay as they are; ``ndarray.view`` (not the subclass's own
    ``view``) finalizes the plain view with ndarray's hook, not the subclass's.
    """
    cls = type(a)
    if cls is _np().ndarray or type_module(cls).partition(".")[0] == "numpy":
        return a
    return _np().ndarray.view(a, _np().ndarray)


KINDS: dict[str, tuple[Any, Any]] = {
    "ndarray": (
        lambda a: summarize_ndarray(_own_array(a)),
        lambda a: describe_ndarray(_own_array(a)),
    ),
    "numpy.scalar": (summarize_scalar, summarize_scalar),
}

"""Which pandas columns hold an array of pandas' or numpy's own, and which one of a
third-party package or of the user (an ``ExtensionArray`` subclass registered with its
own ``ExtensionDtype``).

Reading a foreign array runs its code: ``__getitem__`` and ``__len__`` for a head, its
``dtype`` property for ``series.dtype``, the dtype's ``__str__`` for its name,
``isna``/``nbytes`` for null counts and memory. The assistant never calls user code to
describe a value, so such columns are named with their array's class and their values
are not read. Only pandas' internals (the block manager's blocks and where each block's
columns are) are touched to tell, and they run none of the array's code.
"""

from __future__ import annotations

import sys
from typing import Any

_OWN: set[type] = set()
_SEEN_MODULES: set[str] = set()
_SCANNED_AT = [0]  # len(sys.modules) at the last scan: no new module, nothing new to add


def _own_types() -> set[type]:
    """numpy's ndarray and the array classes pandas defines (read from the namespaces of
    its ``pandas.core.arrays`` modules already imported, never from the objects)."""
    if len(sys.modules) == _SCANNED_AT[0]:
        return _OWN
    _SCANNED_AT[0] = len(sys.modules)
    np = sys.modules.get("numpy")
    if np is not None:
        _OWN.add(np.ndarray)
    for name, module in list(sys.modules.items()):
        if name in _SEEN_MODULES or not (
            name == "pandas.arrays" or name.startswith("pandas.core.arrays")
        ):
            continue
        _SEEN_MODULES.add(name)
        for obj in list(vars(module).values()):
            if isinstance(obj, type):
                module_name = type.__dict__["__module__"].__get__(obj)
                # ``pandas.Categorical`` says its module is "pandas".
                if type(module_name) is str and module_name.split(".")[0] == "pandas":
                    _OWN.add(obj)
    return _OWN


def is_own_array(array: Any) -> bool:
    """True for an array of numpy's or pandas' own classes (its code is theirs)."""
    cls = type(array)
    return cls in _OWN or cls in _own_types()


def array_class(array: Any) -> str:
    """``package.Class`` of an array, read from its class without calling it."""
    cls = type(array)
    module = type.__dict__["__module__"].__get__(cls)
    name = type.__dict__["__qualname__"].__get__(cls)
    return f"{module}.{name}" if type(module) is str and type(name) is str else "?"


def foreign_columns(df: Any) -> dict[int, str]:
    """Positions of a DataFrame's columns backed by a foreign array, with its class."""
    out: dict[int, str] = {}
    try:
        blocks = df._mgr.blocks
        for block in blocks:
            values = block.values
            if not is_own_array(values):
                for position in block.mgr_locs.as_array.tolist():
                    out[int(position)] = array_class(values)
    except AttributeError:
        # pandas' internals moved: every column is taken as foreign (nothing is read).
        return dict.fromkeys(range(len(df.columns)), "?")
    return out


def foreign_series(s: Any) -> str | None:
    """The class of a Series' foreign array, or None for pandas' and numpy's own."""
    array = s.array
    return None if is_own_array(array) else array_class(array)


def foreign_index(index: Any) -> str | None:
    """The class of an Index's foreign array, or None (a MultiIndex's levels are
    pandas' own Indexes: not looked into)."""
    try:
        data = index._data
    except AttributeError:
        return None
    if type(data) is tuple or is_own_array(data):
        return None
    return array_class(data)


FOREIGN_NOTE = (
    "values not read: backed by a third-party extension array (reading them would run its code)"
)


def plain_pandas(value: Any) -> Any:
    """A DataFrame or Series as pandas' own class, without ``attrs``, over the same data.

    A subclass's ``_constructor`` (a property) runs on every ``iloc``/``head``, and pandas
    deep-copies a non-empty ``attrs`` into each frame it derives (``copy.deepcopy`` calls
    the objects' ``__deepcopy__``/``__reduce_ex__``): both are user code. The plain copy
    shares the block manager (read from the instance ``__dict__``, so no
    ``__getattribute__`` of the subclass runs). Anything unexpected: ``value`` unchanged.
    """
    pd = sys.modules.get("pandas")
    if pd is None:
        return value
    cls = type(value)
    base = pd.DataFrame if issubclass(cls, pd.DataFrame) else None
    if base is None and issubclass(cls, pd.Series):
        base = pd.Series
    if base is None:
        return value
    from .typeinfo import instance_dict

    attrs = instance_dict(value) or {}
    mgr = attrs.get("_mgr")
    if cls is base and not attrs.get("_attrs"):
        return value
    from_mgr = getattr(base, "_from_mgr", None)
    if mgr is None or from_mgr is None:
        return value
    try:
        plain = from_mgr(mgr, axes=mgr.axes)
        if base is pd.Series:
            object.__setattr__(plain, "_name", attrs.get("_name"))
    except Exception:
        return value
    return plain

"""Reading a type without running its code: names, MRO, class attributes, fields.

A value's class may define ``__getattr__``, properties or a metaclass with hooks; what
is read here goes through ``type``'s own descriptors and the class dicts, never through
attribute access on the value or its class.
"""

from __future__ import annotations

import dataclasses
import gc
import inspect
import sys
import types
from typing import Any


def is_a(value: Any, classes: Any) -> bool:
    """``isinstance`` that never asks the value: its real type is read, not ``__class__``.

    ``isinstance`` falls back on ``value.__class__`` (a property, or a
    ``__getattribute__`` of the user's, which may run code, raise or lie); ``type()``
    cannot be overridden.
    """
    return issubclass(type(value), classes)


_MISSING: Any = object()
_TYPE_MRO = type.__dict__["__mro__"]
_TYPE_DICT = type.__dict__["__dict__"]
_TYPE_BASES = type.__dict__["__bases__"]
_TYPE_MODULE = type.__dict__["__module__"]
_TYPE_QUALNAME = type.__dict__["__qualname__"]


# A class's names, bases and MRO read through ``type``'s own descriptors: on a class
# whose metaclass defines ``__module__``, ``__mro__`` or ``__getattr__`` (a property, say),
# ``cls.__module__`` would run that code.
def type_module(cls: type) -> str:
    """``cls.__module__`` (a non-str one: "")."""
    module = _TYPE_MODULE.__get__(cls)
    return module if type(module) is str else ""


def type_qualname(cls: type) -> str:
    """``cls.__qualname__``."""
    name = _TYPE_QUALNAME.__get__(cls)
    return name if type(name) is str else "?"


def type_mro(cls: type) -> tuple[type, ...]:
    """``cls.__mro__``."""
    return _TYPE_MRO.__get__(cls)


def type_bases(cls: type) -> tuple[type, ...]:
    """``cls.__bases__``."""
    return _TYPE_BASES.__get__(cls)


def type_members(cls: type) -> list[str]:
    """The names ``cls`` itself defines (``vars(cls)``, without asking the metaclass)."""
    return [k for k in _TYPE_DICT.__get__(cls) if type(k) is str]


def type_doc(cls: type) -> str | None:
    """The docstring ``cls`` itself holds, cleaned; never a descriptor's."""
    doc = _TYPE_DICT.__get__(cls).get("__doc__")
    return inspect.cleandoc(doc) if type(doc) is str else None


def class_attr(cls: type, name: str) -> Any:
    """``name`` as the class dicts along ``cls``'s MRO hold it, or ``_MISSING``.

    Read through ``type``'s own descriptors, so no metaclass ``__getattr__`` or
    ``__getattribute__`` runs, and nothing is bound or called.
    """
    for klass in _TYPE_MRO.__get__(cls):
        found = _TYPE_DICT.__get__(klass).get(name, _MISSING)
        if found is not _MISSING:
            return found
    return _MISSING


def instance_dict(value: Any) -> dict[str, Any] | None:
    """An object's ``__dict__`` read by the interpreter's own slot, never a property.

    ``object.__getattribute__(value, "__dict__")`` would run a ``__dict__`` property
    defined in the class; here only the ``getset_descriptor`` Python made is used.
    """
    slot = class_attr(type(value), "__dict__")
    # A C type's own slot is a member descriptor (``types.SimpleNamespace``: a config
    # read into one holds its keys there); Python code cannot make one named __dict__.
    if (
        type(slot) is not types.GetSetDescriptorType
        and type(slot) is not types.MemberDescriptorType
    ):
        return None
    found = slot.__get__(value)
    return found if type(found) is dict else None


def proxied_dict(value: Any) -> dict[Any, Any] | None:
    """The dict a ``MappingProxyType`` shows (``types.MappingProxyType(config)``), read by
    the garbage collector's traversal: no method of the proxy or the mapping runs. None
    for any other value, and for a proxy of another mapping (its methods are user code)."""
    if type(value) is not types.MappingProxyType:  # (no subclass can be made)
        return None
    inner = gc.get_referents(value)
    return inner[0] if len(inner) == 1 and is_a(inner[0], dict) else None


def slot_values(value: Any, limit: int = 64) -> dict[str, Any]:
    """The set ``__slots__`` of an object without a ``__dict__`` (a slotted class, a
    ``@dataclass(slots=True)``), read by the interpreter's member descriptors along its
    MRO: no property, ``__getattr__`` or ``__getattribute__`` of the user's runs. At most
    ``limit``; a slot never set is left out."""
    found: dict[str, Any] = {}
    for klass in _TYPE_MRO.__get__(type(value)):
        # Its pairs, not a dict copy: that hashes each key again (a str subclass's code).
        for name, slot in list(_TYPE_DICT.__get__(klass).items()):
            if type(slot) is not types.MemberDescriptorType or type(name) is not str:
                continue
            if name in found:
                continue
            try:
                found[name] = slot.__get__(value, klass)
            except AttributeError:  # a slot never set
                continue
            if len(found) >= limit:
                return found
    return found


def dataclass_fields(value: Any) -> list[str] | None:
    """The field names of a dataclass instance (read from its class), else None."""
    if is_a(value, type):
        return None
    fields = class_attr(type(value), "__dataclass_fields__")
    if type(fields) is not dict:
        return None
    # Only dataclasses' own Field is asked whether it is a ClassVar or InitVar (its slot,
    # read through the slot's descriptor); anything else a class put there is taken as a
    # field by its name, as getattr()/str() on it would be user code.
    return [
        k
        for k, f in dict.items(fields)
        if type(k) is str and (type(f) is not dataclasses.Field or _field_kind(f) is _FIELD)
    ]


# dataclasses marks a ClassVar or InitVar entry of __dataclass_fields__ by _field_type.
_field_kind = vars(dataclasses.Field)["_field_type"].__get__
_FIELD = getattr(dataclasses, "_FIELD", None)


def namedtuple_fields(value: Any) -> tuple[str, ...] | None:
    """The field names of a namedtuple (``Creds(user, password)``), else None."""
    if not is_a(value, tuple):
        return None
    fields = class_attr(type(value), "_fields")
    if (
        type(fields) is tuple
        and all(type(f) is str for f in fields)
        and len(fields) == tuple.__len__(value)
    ):
        return fields
    return None


def qualname(value: Any) -> str:
    """The qualified name of a value's type, e.g. ``pandas.DataFrame`` or ``int``."""
    return type_name(type(value))


def type_name(cls: type) -> str:
    """``module.QualName`` for a class, without the ``builtins.`` prefix."""
    if not is_a(cls, type):
        return "?"
    module = type_module(cls)
    name = type_qualname(cls)
    if module == "builtins":
        return name
    # pandas.core.frame.DataFrame reads better as pandas.DataFrame.
    for lib in ("pandas", "polars", "numpy"):
        if module.startswith(lib + ".") and getattr(sys.modules.get(lib), name, None) is cls:
            return f"{lib}.{name}"
    if "._" in module:
        # sklearn.linear_model._logistic.LogisticRegression -> the public module's name.
        public = ".".join(p for p in module.split(".") if not p.startswith("_"))
        found = sys.modules.get(public)
        if found is not None and vars(found).get(name) is cls:
            return f"{public}.{name}"
    return f"{module}.{name}"


def function_name(value: Any) -> str:
    """A function's or method's qualified name, read from the function itself: a bound
    method asks any other attribute of the callable it wraps (user code)."""
    f = value.__func__ if type(value) is types.MethodType else value
    if type(f) is types.BuiltinFunctionType:
        return str(f.__name__)  # a C string; its __qualname__ asks the bound object's type
    if type(f) is types.FunctionType and type(f.__qualname__) is str:
        return f.__qualname__
    return "?"

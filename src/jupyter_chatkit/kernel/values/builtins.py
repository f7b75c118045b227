"""Everything that is not a library's: strings, containers, functions, classes, modules,
environment mappings and plain objects (described by type and ``__dict__``, never repr).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import itertools
import re
import types
from collections import deque
from typing import Any

from ...context_policy.environ import env_view, is_env_like
from ...context_policy.redact import Redactor, is_secret_name
from .common import (
    _BYTES_TYPES,
    BRIEF_CHARS,
    PREVIEW_CHARS,
    brief,
    cell_value,
    clip,
    hidden,
    hides,
    hides_in_credential,
    is_credential_class,
    is_credential_holder,
    quote,
)
from .typeinfo import (
    dataclass_fields,
    instance_dict,
    is_a,
    namedtuple_fields,
    qualname,
    slot_values,
    type_bases,
    type_doc,
    type_members,
    type_mro,
    type_name,
)

DETAIL_ITEMS = 20
DETAIL_STR_CHARS = 2_000
SOURCE_CHARS = 4_000
ATTRIBUTES = 30
# Objects among an object's attributes described one level further, and how many of
# their attributes each.
NESTED_OBJECTS = 8
NESTED_ATTRIBUTES = 8
NESTED_DEPTH = 3

_CONTAINERS = (list, tuple, set, frozenset, dict, deque)


def signature_text(func: Any) -> str:
    """``name(args)`` for a function, built from its code object: no default's or
    annotation's repr, no ``__signature__`` or ``__wrapped__`` of the user's runs."""
    bound = type(func) is types.MethodType
    f = func.__func__ if bound else func
    if type(f) is types.BuiltinFunctionType:
        text = f.__text_signature__  # type: ignore[attr-defined]
        shown = _SELF_PARAM.sub("", text) if type(text) is str else "(...)"
        return clip(f"{f.__name__}{shown}", PREVIEW_CHARS)
    if type(f) is not types.FunctionType:
        return f"<{qualname(f)} object>(...)"
    name = f.__name__ if type(f.__name__) is str else "?"  # a str subclass formats itself
    params = _parameters(f)
    if bound and params and params[0].kind <= inspect.Parameter.POSITIONAL_OR_KEYWORD:
        params = params[1:]  # the instance or class the method is bound to
    returns = _annotation(dict.get(_annotations(f), "return", inspect.Signature.empty))
    try:
        sig = inspect.Signature(params, return_annotation=returns)
    except (TypeError, ValueError):
        return f"{name}(...)"
    return clip(f"{name}{sig}", PREVIEW_CHARS)


# ``$self``, ``$module`` or ``$type`` of a builtin's text signature, as inspect drops it.
_SELF_PARAM = re.compile(r"(?<=\()\$\w+(?:, /)?(?:, )?")


class _Shown:
    """A default or an annotation as text (inspect formats both with ``repr``)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _annotations(f: types.FunctionType) -> dict[Any, Any]:
    return _str_keyed(f.__annotations__)


def _str_keyed(found: Any) -> dict[str, Any]:
    """A function's dict of parameter names, with no key's ``__hash__``/``__eq__`` run."""
    items = dict.items(found) if is_a(found, dict) else ()
    return {k: v for k, v in items if type(k) is str}


def _annotation(value: Any, depth: int = 2) -> Any:
    """An annotation's text: a string quoted, a class by name, ``list[int]``-like
    aliases of classes; anything else left out."""
    if value is inspect.Signature.empty:
        return value
    if type(value) is str:
        return _Shown(repr(clip(value, 80)))  # quoted, as inspect shows it
    if value is None or value is type(None):
        return _Shown("None")
    if is_a(value, type):
        return _Shown(type_name(value))
    if depth and type(value) is types.GenericAlias:
        args = [_annotation(a, depth - 1) for a in value.__args__]
        if all(type(a) is _Shown for a in args):
            origin = _annotation(value.__origin__, 0)
            if type(origin) is _Shown:
                return _Shown(f"{origin.text}[{', '.join(a.text for a in args)}]")
    return inspect.Signature.empty


def _parameters(f: types.FunctionType) -> list[inspect.Parameter]:
    code = f.__code__
    names = code.co_varnames
    positional, posonly, kwonly = code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount
    found = f.__defaults__  # None or a tuple (a subclass's methods are user code)
    defaults = tuple.__getitem__(found, slice(None)) if found is not None else ()
    kwdefaults = _str_keyed(f.__kwdefaults__)
    notes = _annotations(f)
    P = inspect.Parameter

    def param(name: str, kind: Any, default: Any = P.empty) -> inspect.Parameter:
        shown = default if default is P.empty else _Shown(brief(default, 40))
        return P(name, kind, default=shown, annotation=_annotation(notes.get(name, P.empty)))

    out: list[inspect.Parameter] = []
    first_default = positional - len(defaults)
    for i, name in enumerate(names[:positional]):
        kind = P.POSITIONAL_ONLY if i < posonly else P.POSITIONAL_OR_KEYWORD
        out.append(
            param(name, kind, defaults[i - first_default] if i >= first_default else P.empty)
        )
    at = positional + kwonly
    if code.co_flags & inspect.CO_VARARGS:
        out.append(param(names[at], P.VAR_POSITIONAL))
        at += 1
    for name in names[positional : positional + kwonly]:
        out.append(param(name, P.KEYWORD_ONLY, kwdefaults.get(name, P.empty)))
    if code.co_flags & inspect.CO_VARKEYWORDS:
        out.append(param(names[at], P.VAR_KEYWORD))
    return out


def first_doc_line(obj: Any) -> str:
    """The first line of an object's own docstring (no getattr hooks run)."""
    try:
        doc = object.__getattribute__(obj, "__doc__")
    except AttributeError:
        return ""
    if not is_a(doc, str):
        return ""
    return clip(doc.strip().split("\n", 1)[0], 200)


def builtin_len(value: Any) -> int:
    """The length of a builtin container, through its base type's C method."""
    bases: tuple[Any, ...] = _CONTAINERS
    for base in bases:
        if is_a(value, base):
            return int(base.__len__(value))
    return -1


def is_container(value: Any) -> bool:
    """True for lists, tuples, sets, dicts and deques (subclasses too)."""
    return is_a(value, _CONTAINERS)


# -- summaries ------------------------------------------------------------------------------


def summarize_function(value: Any) -> dict[str, Any]:
    """Signature and first doc line."""
    out: dict[str, Any] = {"signature": signature_text(value)}
    doc = first_doc_line(value)
    if doc:
        out["doc"] = doc
    return out


def summarize_class(value: Any) -> dict[str, Any]:
    """A class: its name and first doc line."""
    out: dict[str, Any] = {"type": "class", "class": type_name(value)}
    doc = first_doc_line(value)
    if doc:
        out["doc"] = doc
    return out


def summarize_environ(value: Any) -> dict[str, Any]:
    """``os.environ``: names, and values only for harmless variables."""
    items = list(dict.items(value._data)) if type(getattr(value, "_data", None)) is dict else []
    decoded = [(_env_text(k), _env_text(v)) for k, v in items]
    return env_view(decoded, len(decoded), Redactor(), limit=80)


def summarize_environ_briefly(value: Any) -> dict[str, Any]:
    """``os.environ`` in a listing: which credentials are set, a few harmless values."""
    out = summarize_environ(value)
    out["other_names"] = out["other_names"][:10]
    out["values"] = {k: v for k, v in out["values"].items() if k in ("HOME", "LANG", "USER")}
    out["note"] = "Environment names and harmless values; inspect it for the rest."
    return out


def _env_text(value: Any) -> Any:
    if is_a(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def summarize_other(value: Any) -> dict[str, Any]:
    """Strings, containers, bytes, dataclasses, and plain objects by type."""
    out: dict[str, Any] = {}
    if is_a(value, str):
        out["length"] = str.__len__(value)
        out["value"] = quote(value, BRIEF_CHARS)
    elif is_a(value, dict) and is_env_like(value):
        out.update(env_view(dict.items(value), dict.__len__(value), Redactor(), 10, 3))
    elif is_container(value):
        out["length"] = builtin_len(value)
        out["preview"] = brief(value, PREVIEW_CHARS, depth=2)
    elif is_a(value, _BYTES_TYPES):
        out["preview"] = brief(value, BRIEF_CHARS)
    elif is_a(value, functools.partial):
        out.update(_partial_view(value))
    elif (names := dataclass_fields(value)) is not None:
        out["fields"] = names[:20]
    else:
        text = brief(value, PREVIEW_CHARS)
        if not text.endswith(" object>"):
            out["value"] = cell_value(value, PREVIEW_CHARS)
    return out


# The C type's own slots: a subclass's properties of the same names are not run.
_PARTIAL_SLOTS = {n: vars(functools.partial)[n] for n in ("func", "args", "keywords")}


def _partial_view(value: Any) -> dict[str, Any]:
    """``partial(connect, "db", password=…)``: the function, its bound arguments, and
    its keywords with those named like a secret hidden."""
    func, args, keywords = (slot.__get__(value) for slot in _PARTIAL_SLOTS.values())
    shown: dict[str, Any] = {}
    for k, v in itertools.islice(dict.items(keywords) if is_a(keywords, dict) else (), 20):
        key = k if type(k) is str else brief(k, 60, 0)
        shown[clip(key, 100)] = hidden(v) if hides(key, v) else brief(v, 120, 1)
    return {
        "function": brief(func, 120),
        "args": [brief(a, 120, 1) for a in itertools.islice(tuple.__iter__(args), 20)],
        "keywords": shown,
    }


# -- detail ---------------------------------------------------------------------------------


def describe_function(f: Any) -> dict[str, Any]:
    """Signature, docstring, module and (for Python functions) source."""
    out: dict[str, Any] = {"signature": signature_text(f)}
    if is_a(f, types.FunctionType):
        # The function's own docstring only: inspect.getdoc looks an undocumented method's
        # up in its class (``getattr`` on it and its MRO: a metaclass's code).
        own = f.__doc__
        doc = inspect.cleandoc(own) if type(own) is str else ""
    else:
        doc = first_doc_line(f)
    if doc:
        out["doc"] = clip(doc, 1_000)
    module = getattr(f, "__module__", None)
    out["module"] = module if is_a(module, str) else None
    if is_a(f, types.FunctionType):
        with contextlib.suppress(OSError, TypeError):
            # From its code object: getsource(f) follows ``__wrapped__`` (any object).
            out["source"] = clip(inspect.getsource(f.__code__), SOURCE_CHARS)
    return out


def describe_class(cls: type) -> dict[str, Any]:
    """Bases, public members and docstring of a class."""
    members = [n for n in type_members(cls) if not n.startswith("_")]
    out: dict[str, Any] = {
        "type": "class",
        "class": type_name(cls),
        "bases": [type_name(b) for b in type_bases(cls)],
        "members": members[:50],
    }
    doc = type_doc(cls)
    if doc:
        out["doc"] = clip(doc, 1_000)
    return out


def summarize_module(mod: types.ModuleType) -> dict[str, Any]:
    """A module, briefly."""
    return {"value": brief(mod)}


# The module type's own ``__dict__`` slot: a module subclass's ``__getattribute__`` (a
# lazily imported module runs its code on any attribute access) is not called.
_MODULE_DICT = vars(types.ModuleType)["__dict__"]


def describe_module(mod: types.ModuleType) -> dict[str, Any]:
    """A module's name, version and file (read from its dict: no module __getattr__)."""
    d = _MODULE_DICT.__get__(mod, types.ModuleType)
    name = d.get("__name__")
    version = d.get("__version__")
    file = d.get("__file__")
    return {
        "module": name if is_a(name, str) else None,
        "version": version if is_a(version, str) else None,
        "file": file if is_a(file, str) else None,
    }


def structured(value: Any, depth: int = NESTED_DEPTH, items: int = DETAIL_ITEMS) -> Any:
    """Lists and tuples as JSON arrays (nested ones too), dicts as objects; bounded."""
    if depth <= 0 or not is_container(value):
        return cell_value(value, 200)
    if is_a(value, dict):
        out: dict[str, Any] = {}
        for k, v in itertools.islice(dict.items(value), items):
            key = k if is_a(k, str) else brief(k, 60, 0)
            out[clip(key, 100)] = hidden(v) if hides(key, v) else structured(v, depth - 1, 8)
        n = dict.__len__(value)
        if n > items:
            out["…"] = f"{n - items:,} more keys"
        return out
    fields = namedtuple_fields(value)
    if fields is not None:
        return _named_items(value, fields, depth, items)
    base: Any = next(b for b in (list, tuple, deque, frozenset, set) if is_a(value, b))
    n = base.__len__(value)
    shown = [structured(v, depth - 1, 8) for v in itertools.islice(base.__iter__(value), items)]
    if n > items:
        shown.append(f"… {n - items:,} more")
    return shown


def _named_items(
    value: tuple[Any, ...], fields: tuple[str, ...], depth: int, items: int
) -> dict[str, Any]:
    """A namedtuple as ``{field: value}``: its field names mark its secrets."""
    return {
        clip(f, 100): hidden(v) if hides(f, v) else structured(v, depth - 1, 8)
        for f, v in itertools.islice(zip(fields, tuple.__iter__(value), strict=False), items)
    }


def describe_container(value: Any) -> dict[str, Any]:
    """Length, the first items keeping their structure, and element types."""
    out: dict[str, Any] = {}
    if is_a(value, dict):
        if is_env_like(value):
            return env_view(dict.items(value), dict.__len__(value), Redactor())
        out["length"] = dict.__len__(value)
        out["items"] = [
            [brief(k, 60, 1), hidden(v) if hides(k, v) else structured(v, NESTED_DEPTH - 1, 10)]
            for k, v in itertools.islice(dict.items(value), DETAIL_ITEMS)
        ]
    elif (fields := namedtuple_fields(value)) is not None:
        out["length"] = tuple.__len__(value)
        out["fields"] = _named_items(value, fields, NESTED_DEPTH, DETAIL_ITEMS)
    else:
        base: Any = next(b for b in (list, tuple, deque, frozenset, set) if is_a(value, b))
        out["length"] = base.__len__(value)
        head = itertools.islice(base.__iter__(value), DETAIL_ITEMS)
        out["items"] = [structured(v, NESTED_DEPTH - 1, 10) for v in head]
        # Element types say a lot about a list and are cheap over the first few.
        seen = {qualname(v) for v in itertools.islice(base.__iter__(value), 100)}
        out["item_types_in_first_100"] = sorted(seen)[:10]
    if out["length"] > DETAIL_ITEMS:
        out["more_items"] = out["length"] - DETAIL_ITEMS
        out["more_note"] = (
            f"Only the first {DETAIL_ITEMS} items are shown; assign a slice to a variable "
            "(e.g. part = items[20:40]) and inspect it to see others."
        )
    return out


def describe_object(value: Any) -> dict[str, Any]:
    """Base classes and instance attributes (from ``__dict__``, else the set ``__slots__``
    by their own descriptors); never the repr or a property."""
    out: dict[str, Any] = {"note": "repr not shown: its cost and size are unknown"}
    mro = [type_name(c) for c in type_mro(type(value))[1:-1]][:5]
    if mro:
        out["bases"] = mro
    attrs = _own_fields(value)
    if attrs is not None:
        # Objects among the attributes (an ``httpx.Client``'s base URL, timeout, pool)
        # are shown one level further, the first NESTED_OBJECTS of them.
        nested = [NESTED_OBJECTS]
        out["attributes"] = _attributes(value, attrs, ATTRIBUTES, nested)
        if len(attrs) > ATTRIBUTES:
            out["more_attributes"] = len(attrs) - ATTRIBUTES
            out["more_note"] = f"Only the first {ATTRIBUTES} attributes are shown."
    return out


def _own_fields(value: Any) -> dict[str, Any] | None:
    """An object's ``__dict__``, else its set ``__slots__`` (``AsyncEngine`` keeps its
    engine there), read by the interpreter's own descriptors; None with neither."""
    attrs = instance_dict(value)
    return attrs if attrs is not None else (slot_values(value, ATTRIBUTES + 1) or None)


def _attributes(value: Any, attrs: dict[str, Any], limit: int, nested: list[int]) -> dict[str, Any]:
    """The first ``limit`` attributes of ``value``, secrets hidden by their names (and,
    in a credential object, by its class's name)."""
    credential = is_credential_class(type(value))
    holder = credential and is_credential_holder(type(value))
    # An enum member named like a secret (``Keys.API_TOKEN``) holds it as its value.
    member = dict.get(attrs, "_name_")
    secret_member = type(member) is str and is_secret_name(member)
    # A name read as the plain str it holds (``str.__str__``): a ``str`` subclass key
    # (``setattr(obj, Name("x"), v)``) has its own ``__str__``, ``startswith`` and
    # ``__eq__``, which are user code.
    named = ((str.__str__(k), v) for k, v in itertools.islice(attrs.items(), limit) if is_a(k, str))
    return {
        k: hidden(v)
        if hides(k, v)
        or (credential and hides_in_credential(k, v, holder))
        or (secret_member and k == "_value_")
        or _object_under_secret_name(k, v)
        else _attribute(v, nested)
        for k, v in named
        if not k.startswith("__")
    }


def _object_under_secret_name(name: str, value: Any) -> bool:
    """An object (``_auth``: an ``httpx.BasicAuth``) under a secret's name: shown as a
    placeholder with its type, as the policy would hide its text as a secret string."""
    return (
        type(name) is str
        and is_secret_name(name)
        and not is_a(value, str | bytes | bytearray | int | float | bool | type(None))
        and not is_container(value)
        and not is_a(value, type | types.FunctionType | types.MethodType)
    )


def _attribute(value: Any, nested: list[int]) -> Any:
    """An attribute's value: a namedtuple (SQLAlchemy's ``URL``) by its fields, so its
    host and database show past its password; a dict or a plain object, while ``nested``
    has room, by its keys and values (two levels) or its type and its own first
    attributes (an ``httpx.URL``'s parts); anything else in one line."""
    fields = namedtuple_fields(value)
    if fields is not None:
        return _named_items(value, fields, 2, 12)
    if is_a(value, dict) and nested[0] > 0 and dict.__len__(value) and not is_env_like(value):
        # A config's sections (``ConfigParser._sections``, redis' ``connection_kwargs``)
        # with their keys and values, not ``{'db': {… 2 more}}``.
        nested[0] -= 1
        return structured(value, 2, 12)
    text = brief(value, 120, 1)
    if nested[0] <= 0 or not text.endswith(" object>") or is_a(value, type):
        return text  # (``<class object>`` is a class: its slots are type's own)
    attrs = _own_fields(value)
    if not attrs:
        return text
    nested[0] -= 1
    inner = _attributes(value, attrs, NESTED_ATTRIBUTES, [0])
    out: dict[str, Any] = {"type": qualname(value), **inner}
    if len(attrs) > NESTED_ATTRIBUTES:
        out["…"] = f"{len(attrs) - NESTED_ATTRIBUTES} more attributes"
    return out


def describe_string(value: str) -> dict[str, Any]:
    """Length and the text (up to 2,000 characters)."""
    return {"length": str.__len__(value), "value": quote(value, DETAIL_STR_CHARS)}


KINDS: dict[str, tuple[Any, Any]] = {
    "function": (summarize_function, describe_function),
    "class": (summarize_class, describe_class),
    "module": (summarize_module, describe_module),
    "environ": (summarize_environ_briefly, summarize_environ),
}

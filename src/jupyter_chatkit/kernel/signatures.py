"""Secrets passed by position to the user's own functions and classes, found in the kernel.

``dc = DC("ada", "hunter2")`` says nothing in its text about which argument is the
password; the kernel knows ``DC``: a dataclass whose second field is ``password``. Cell
sources read in the kernel are passed through :func:`hide_positional_secrets` before
the context policy, so a literal given to a parameter named like a secret is hidden.

Parameter names are read without running user code: a function's code object, a
dataclass's ``__dataclass_fields__``, a namedtuple's ``_fields``, attrs' ``__attrs_attrs__``
and a plain class's ``__init__``, each through the class dicts (``class_attr``), never
``getattr`` on the user's object or ``inspect.signature`` (which may call
``__signature__`` or a metaclass).
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Mapping
from typing import Any

from ..context_policy import rules
from ..context_policy.compiled_rules import CALL_ARGUMENT, CALL_ARGUMENTS, KEYWORD_ARGUMENT
from ..context_policy.lazy_patterns import lazy_compile
from ..context_policy.redact import is_secret_name, marker
from .values.common import kind_of
from .values.typeinfo import _MISSING, class_attr, is_a

_MISSING_NAMES: tuple[str, ...] = ()
# Past this much source the pass is skipped (the policy still runs on it).
MAX_SOURCE_CHARS = 20_000


def _code_params(func: Any, skip: int) -> tuple[str, ...]:
    if type(func) is not types.FunctionType:
        return _MISSING_NAMES
    code = func.__code__  # a plain function's own slot: no user code runs
    return tuple(code.co_varnames[skip : code.co_argcount])


def parameter_names(obj: Any) -> tuple[str, ...]:
    """The positional parameter names of a user function or class, or ``()``."""
    if type(obj) is types.FunctionType:
        return _code_params(obj, 0)
    if not is_a(obj, type):
        return _MISSING_NAMES
    fields = class_attr(obj, "__dataclass_fields__")
    if type(fields) is dict:
        # Keys are read as they are: str() of a key that is not a str is user code.
        keys = tuple(fields)
        return keys if all(type(k) is str for k in keys) else _MISSING_NAMES
    named = class_attr(obj, "_fields")
    if type(named) is tuple and all(type(f) is str for f in named):
        return named
    attrs = class_attr(obj, "__attrs_attrs__")
    attribute = getattr(sys.modules.get("attr"), "Attribute", None)
    if is_a(attrs, tuple) and attribute is not None:
        # Only attrs' own Attribute objects are read (their ``name`` is attrs' code).
        if not all(type(a) is attribute for a in tuple.__iter__(attrs)):
            return _MISSING_NAMES
        names = tuple(getattr(a, "name", "") for a in tuple.__iter__(attrs))
        if all(type(n) is str for n in names):
            return names
    init = class_attr(obj, "__init__")
    return _code_params(init, 1)


def _resolve(callee: str, namespace: Mapping[str, Any]) -> Any:
    """The object a dotted callee names (``mod.Class``, ``Outer.Inner``), read through
    module and class dicts only (no ``getattr``: a module ``__getattr__`` or a
    metaclass would run), or None."""
    if type(namespace) is not dict:
        return None
    parts = callee.split(".")
    if len(parts) > 6:
        return None
    obj = dict.get(namespace, parts[0])
    for part in parts[1:]:
        if obj is None:
            return None
        if type(obj) is types.ModuleType:
            found = dict.get(_MODULE_DICT.__get__(obj), part)
        elif is_a(obj, type):
            found = class_attr(obj, part)
        else:
            return None
        obj = found if found is not _MISSING else None
    return obj


_MODULE_DICT: Any = vars(types.ModuleType)["__dict__"]


def hide_positional_secrets(source: str, namespace: Mapping[str, Any]) -> str:
    """``source`` with string literals hidden where they are passed by position to a
    parameter named like a secret of a function or class in ``namespace``."""
    if "(" not in source or len(source) > MAX_SOURCE_CHARS:
        return source
    if '"' not in source and "'" not in source:
        return source

    def replace(match: re.Match[str]) -> str:
        callee = match.group(1)
        if not callee or match.group(2) != "(":
            return match.group(0)
        obj = _resolve(callee, namespace)
        params = parameter_names(obj) if obj is not None else _MISSING_NAMES
        if not any(is_secret_name(p) for p in params):
            return match.group(0)
        pieces: list[str] = []
        position = 0
        keyword = False
        changed = False
        for token in CALL_ARGUMENT.finditer(match.group(3)):
            text = token.group(0)
            if text == ",":
                position += 1
                keyword = False
            elif KEYWORD_ARGUMENT.match(text):
                keyword = True
            elif (
                token.group(1)
                and not keyword
                and position < len(params)
                and is_secret_name(params[position])
                and len(text) > 2
            ):
                url = _URL_WITH_PASSWORD.match(text[1:-1]) or _DSN_WITH_PASSWORD.match(text[1:-1])
                hidden = (
                    f"{url.group(1)}{marker('URL password')}{url.group(3)}"
                    if url is not None
                    else marker(f"str, {len(text) - 2:,} chars")
                )
                text = f"{text[0]}{hidden}{text[0]}"
                changed = True
            pieces.append(text)
        return f"{callee}({''.join(pieces)}" if changed else match.group(0)

    return CALL_ARGUMENTS.sub(replace, source)


# A frame's values without its column names: ``df.values``, ``df.to_numpy()``,
# ``df[cols].values``, polars' ``df.rows()``, ``to_json(orient="values")``.
_URL_WITH_PASSWORD = lazy_compile(rules.URL_WITH_PASSWORD)
_DSN_WITH_PASSWORD = lazy_compile(rules.DSN_WITH_PASSWORD)
_NAMELESS_VALUES = lazy_compile(
    r"(?<![A-Za-z0-9_.])([A-Za-z_][A-Za-z0-9_]*)(?:\[\[?[^\]\n]{0,200}\]?\])?\."
    r"(?:values|to_numpy|rows|iter_rows|itertuples|iterrows|tolist|to_list|to_json|to_dicts"
    r"|array|to_records)\b"
)
_FRAMES = ("pandas.dataframe", "polars.dataframe")


def frame_values_shown(source: str, namespace: Mapping[str, Any]) -> bool:
    """True when a cell's last line shows the values of a frame in ``namespace`` with a
    secret-named column without the column names (``df.values``): its output holds
    the secrets with nothing to say which they are."""
    if type(namespace) is not dict:
        return False
    for line in reversed(source[-2000:].splitlines()):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        for match in _NAMELESS_VALUES.finditer(stripped[:500]):
            frame = dict.get(namespace, match.group(1))
            if frame is not None and kind_of(frame) in _FRAMES and _secret_columns(frame):
                return True
        return False
    return False


def _secret_columns(frame: Any) -> bool:
    # pandas' and polars' own ``columns`` (kind_of matched their classes).
    try:
        names = list(frame.columns[:1000])
    except Exception:
        return True  # unreadable: assume the worst
    return any(
        is_secret_name(n) or (type(n) is tuple and any(is_secret_name(p) for p in n))
        for n in names
        # By identity: ``in (str, tuple)`` compares with ``==``, a metaclass's code.
        if type(n) is str or type(n) is tuple
    )

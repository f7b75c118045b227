"""Secrets the kernel holds under a secret name, to hide wherever else they show.

A value shown with no name beside it is still a secret when the namespace holds it under
one: ``vals = creds.values`` of a frame with a ``password`` column, a ``frozenset`` or
``Counter`` of a token, ``[os.environ["API_KEY"]]``, a log record's arguments. The rules
of the context policy cannot tell such a value from data; the kernel can, because it sees
where the value also lives. :func:`known_secrets` collects the strings found under secret
names (variables, dict keys, attributes, fields, frame columns and rows, structured array
fields, the environment) and the policy hides them by exact value in every kernel result.

Nothing here runs user code: types are read with ``type()``, containers through the
builtin types' own methods, objects through their instance ``__dict__`` slot, frames
through pandas' own accessors on leading rows. The walk is bounded (depth, items, rows),
and its result is kept until a cell runs or the namespace is rebound.

Here: the pass over the namespace (its variables, the notebook's own classes and
functions, the names the shell's history binds to secrets, the environment), and the
public entry points that hide what it found: :func:`hide_known_json` (the JupyterLab
sidebar's check names it by path) and :func:`hide_known_text` (``%chat``). The walk of
one value is :mod:`.secret_walk`, the texts it keeps :mod:`.held_text`, the names read
from the shell's history :mod:`.history_names`.
"""

from __future__ import annotations

import itertools
import json
import os
import threading
import types
from collections.abc import Mapping
from typing import Any

from .. import parse_json
from ..context_policy.environ import is_env_allowed
from ..context_policy.names import is_secret_name, unnumbered
from ..context_policy.redact import Redactor
from ..context_policy.shown import passed_credential
from .held_text import MAX_CHARS, text_of, worth
from .history_names import HISTORY_NAMES, credential_names, prompted_names
from .secret_walk import ITEMS, Walk
from .values.typeinfo import is_a, type_module

_CACHE: dict[str, Any] = {"key": None, "found": ()}
# Modules, classes and functions hold no user data worth walking.
_SKIPPED = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
)
# A class's and a function's parts, read by the types' own descriptors (no user code).
_TYPE_DICT = type.__dict__["__dict__"]
_FUNCTION_MODULE = vars(types.FunctionType)["__module__"]
_FUNCTION_CLOSURE = vars(types.FunctionType)["__closure__"]
_FUNCTION_DEFAULTS = vars(types.FunctionType)["__defaults__"]
_FUNCTION_KWDEFAULTS = vars(types.FunctionType)["__kwdefaults__"]
_CELL_CONTENTS = vars(types.CellType)["cell_contents"]


def known_secrets(namespace: Mapping[str, Any], generation: Any = None) -> tuple[str, ...]:
    """The strings ``namespace`` and the environment hold under secret names.

    ``generation`` (the shell's execution count) and the namespace's bindings key a cache:
    the walk runs again only after a cell ran (or, without a shell, a name was rebound).
    """
    # Off the main thread (a kernel subshell, JEP 91) a cell may be running and changing
    # the values in place as they are read: no cache (the count moves when the cell ends,
    # not as it changes them), and a read that fails fails the whole answer (the caller
    # then withholds), as one skipped value could be the secret the cell just printed.
    concurrent = threading.current_thread() is not threading.main_thread()
    # Every cell run counts (``generation``), and the identities of the values tell a
    # rebinding within one (a cell asking twice, ``password = other`` between: ~15 us for
    # 1,000 names).
    bindings = (len(namespace), sum(map(id, namespace.values())))
    key = (id(namespace), generation, bindings, len(os.environ))
    if not concurrent and _CACHE["key"] == key:
        return tuple(_CACHE["found"])
    items = list(namespace.items())
    # (Plain str names only: a str subclass's ``__eq__`` is user code.)
    history = {id(value) for name, value in items if type(name) is str and name in HISTORY_NAMES}
    walk = Walk()
    for name, value in items:
        if not is_a(name, str) or (str.startswith(name, "_") and not _private_secret(name)):
            continue
        if is_a(value, type):
            walk.start()
            _class_attributes(walk, value)
            continue
        if type(value) is types.FunctionType:
            walk.start()
            _function_values(walk, value)
            continue
        if is_a(value, _SKIPPED) or id(value) in history or _is_shell_object(value):
            continue
        walk.start()
        try:
            walk.visit(name, value)
        except Exception:
            if concurrent:
                _visit_again(walk, name, value)
            continue  # one odd value must not sink the result
    walk.floor = 0  # what the shell's history and the environment hold: the rest
    prompted = prompted_names(items)
    for name, value in items if prompted else ():
        # A text only: a store's whole answer (``get_secret_value(...)``, a mapping) holds
        # its ARN, version and name beside the secret, which sits under a secret's key.
        if type(name) is str and name in prompted and text_of(value) is not None:
            walk.add(value, 0)
    passed = credential_names(items)
    for name, value in items if passed else ():
        # A text only: a name passed as a credential once and bound to a frame since
        # would hide every word of the frame. And one taken for a credential (a digit or
        # a symbol): a database's, a user's or a host's name hidden everywhere blanks data.
        if type(name) is str and name in passed and type(value) is str and passed_credential(value):
            walk.add(value, 0)
    for name, value in list(os.environ.items()):
        # ``PWD``, ``OLDPWD``: directories, not passwords.
        if is_secret_name(unnumbered(name)) and not is_env_allowed(name) and name != "OLDPWD":
            walk.add(value, 0)
        else:
            # ``DATABASE_URL``, ``HTTPS_PROXY``: the password of a URL's user info or a
            # DSN's ``password=``, as a variable of the namespace holding one is read.
            walk.passwords(value)
    if walk.found:
        _add_pieces(walk, items)
    found = tuple(walk.found)
    if not concurrent:
        _CACHE["key"], _CACHE["found"] = key, found
    return found


def _private_secret(name: str) -> bool:
    """``_api_key``, ``__DB_PASSWORD``: a notebook's private name for a secret. IPython's
    own names (``_``, ``__``, ``_i2``, ``_2``, ``_oh``) and dunders (``__doc__``) name
    none."""
    name = str.__str__(name)  # (a str subclass's methods are user code)
    if (name.startswith("__") and name.endswith("__")) or name in HISTORY_NAMES:
        return False
    return is_secret_name(unnumbered(name.lstrip("_")))


def _is_shell_object(value: Any) -> bool:
    """IPython's own objects in the namespace (``exit``, ``quit``: they hold the shell,
    whose graph is no user data and would take the walk's budget)."""
    return type_module(type(value)).startswith(_SHELL_MODULES)


_SHELL_MODULES = ("IPython.core.autocall", "IPython.core.interactiveshell", "ipykernel.")


def _class_attributes(walk: Walk, cls: type) -> None:
    """A class of the notebook's own (``class Config: DB_PASSWORD = "…"``): its class
    attributes under secret names are held secrets. Read from the class's own dict by
    ``type``'s descriptors (no metaclass code runs); library classes are not read."""
    if type_module(cls) != "__main__":  # (a plain str: a str subclass's __ne__ is code)
        return
    # The dict's own pairs: copying it into a dict would hash each key again, and a key
    # may be a str subclass with a ``__hash__`` of the user's (``type(name, bases, ns)``).
    for key, value in list(_TYPE_DICT.__get__(cls).items())[:ITEMS]:
        if type(key) is str and not key.startswith("_") and not is_a(value, _SKIPPED):
            try:
                walk.visit(key, value, 1)
            except Exception:
                continue  # one odd value must not sink the result


def _function_values(walk: Walk, f: types.FunctionType) -> None:
    """A notebook function's closure cells and defaults by their names (``def make():
    token = "…"; def call(): …`` then ``call = make()``; ``def connect(password="…")``),
    read by the function and cell types' own slots: nothing of the function runs. A
    library's functions are not read."""
    module = _FUNCTION_MODULE.__get__(f)
    if type(module) is not str or module != "__main__":
        return
    code = f.__code__  # (a code object: no subclass, no hooks)
    cells = _FUNCTION_CLOSURE.__get__(f) or ()
    pairs: list[tuple[str, Any]] = []
    for name, cell in zip(code.co_freevars, cells, strict=False):
        try:
            pairs.append((name, _CELL_CONTENTS.__get__(cell)))
        except ValueError:  # a cell never filled
            continue
    defaults = _FUNCTION_DEFAULTS.__get__(f) or ()
    positional = code.co_varnames[: code.co_argcount]
    pairs += zip(positional[len(positional) - len(defaults) :], defaults, strict=False)
    kwdefaults = _FUNCTION_KWDEFAULTS.__get__(f)
    if type(kwdefaults) is dict:
        pairs += [(k, v) for k, v in dict.items(kwdefaults) if type(k) is str]
    for name, value in pairs[:ITEMS]:
        if is_a(value, _SKIPPED):
            continue
        try:
            walk.visit(name, value, 1)
        except Exception:
            continue  # one odd value must not sink the result


def _add_pieces(walk: Walk, items: list[tuple[Any, Any]]) -> None:
    """The pieces a secret was joined from (``head = "sk-…"``, ``parts = ["Xq7…", …]``
    before ``api_key = head + tail``): strings of the namespace, alone or in a plain list
    or tuple, that are part of a secret found under a name, are hidden as it is."""
    secrets = [s for s in walk.found if len(s) <= MAX_CHARS]
    for name, value in items:
        if type(name) is not str or name.startswith("_"):
            continue
        kind = type(value)
        # ``is``, not ``in (list, tuple)``: that compares with ``==``, and a metaclass's
        # ``__eq__`` is the user's code.
        listed = kind is list or kind is tuple
        values = itertools.islice(kind.__iter__(value), ITEMS) if listed else (value,)
        for item in values:
            if type(item) is not str or not worth(item) or item in walk.found:
                continue
            if any(item in secret for secret in secrets):
                walk.found[item] = None


def _visit_again(walk: Walk, name: str, value: Any) -> None:
    """Off the main thread, a value whose walk failed, once more: a dict or set the
    running cell resized under the walk (``RuntimeError: ... changed size during
    iteration``) fails the whole answer if it fails again, as skipping it could drop the
    secret the cell just printed. Other errors are an odd value's, skipped as on the
    main thread (the %chat widget's tools run on subshells too)."""
    try:
        walk.visit(name, value)
    except RuntimeError as e:
        raise RuntimeError("the namespace changed while it was read") from e
    except Exception:
        return


def _hide_known(value: Any, redactor: Redactor) -> Any:
    """``value`` (parsed JSON) with the known secrets hidden in every string."""
    if isinstance(value, str):
        return redactor.known_values(value)
    if isinstance(value, list):
        return [_hide_known(item, redactor) for item in value]
    if isinstance(value, dict):
        return {redactor.known_values(k): _hide_known(v, redactor) for k, v in value.items()}
    return value


def hide_known_json(payload: str, view: Any = None) -> str:
    """``payload`` (JSON text) with what this kernel holds under secret names hidden.

    The JupyterLab sidebar reads the notebook in the browser, with text rules only: an
    output that shows a kernel-held secret with no name beside it (``print(tok[::-1])``,
    an exception quoting a password) passes them. It sends what it read here (silently,
    as the kernel tools do) before the model gets it. Answers JSON
    ``{"value": ..., "hidden": n}``, or ``{"error": ...}`` for a payload that is no JSON;
    nothing of the kernel's goes back but the placeholders. ``view``: the namespace to
    read (a :class:`~.view.KernelView`), by default the running shell's.
    """
    from .view import KernelView

    try:
        value = parse_json.loads(payload)
    except (TypeError, ValueError):
        return json.dumps({"error": "The payload is not valid JSON."})
    view = view or KernelView.current()
    found = known_secrets(view.namespace, getattr(view.shell, "execution_count", None))
    if not found:
        # Nothing to hide, so no Redactor: making one compiles every rule of the policy
        # (~200 expressions, ~90 ms of CPU on the first check in a kernel).
        return json.dumps({"value": value, "hidden": 0}, ensure_ascii=False)
    redactor = Redactor(known=found)
    clean = _hide_known(value, redactor)
    return json.dumps({"value": clean, "hidden": redactor.count}, ensure_ascii=False)


def hide_known_text(text: str, view: Any = None) -> str:
    """``text`` (a question asked from this kernel: ``%chat``, ``Chat().ask``) with what
    the kernel holds under secret names hidden by exact value: a token pasted bare
    (``%chat is Xq7... still valid?``) has no name beside it for the policy's rules, but
    the kernel knows it, and the question leaves the kernel (for the model, the store,
    the server) only so. ``view``: the namespace to read, by default the running shell's.
    """
    from .view import KernelView

    view = view or KernelView.current()
    found = known_secrets(view.namespace, getattr(view.shell, "execution_count", None))
    return Redactor(known=found).known_values(text) if found else text

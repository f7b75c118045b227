"""Values whose types lie, described without running a line of their code.

Every function of this module defined inside a hostile class is user code: a profiler
hook records any call into it while the kernel tools list, inspect and collect secrets.
The objects are the ones a notebook really holds: a ``str`` subclass as a dict key or a
column label, a DataFrame subclass or a frame with ``attrs``, an ndarray subclass, a
class whose metaclass defines ``__module__``/``__mro__`` or ``__getattribute__``, a
function whose ``__wrapped__`` is any object.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jupyter_chatkit.context_policy.names import is_secret_name, normalize_name
from jupyter_chatkit.context_policy.values import is_keyish_name, is_secret_pair
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import known_secrets

from .user_code_calls import user_code_calls

SECRET = "Zq8wL3vN7pX2kR"


class Label(str):
    """A column label or dict key that answers every question itself."""

    def __hash__(self) -> int:
        return 1

    def __eq__(self, other: object) -> bool:
        return False

    def __len__(self) -> int:
        return 3

    def __str__(self) -> str:
        return "label"

    def lower(self) -> str:
        return "l"


class Hook:
    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)

    def __repr__(self) -> str:
        return "hook"


class Frame(pd.DataFrame):
    @property
    def _constructor(self) -> Any:
        return Frame


class Array(np.ndarray):
    def __array_finalize__(self, obj: Any) -> None:
        pass

    def tolist(self) -> Any:
        return []


class MroMeta(type):
    @property
    def __mro__(cls) -> Any:
        return (object,)


class WithMroMeta(metaclass=MroMeta):
    pass


class ModuleMeta(type):
    pass


def _module(cls: type) -> str:
    return "__main__"


ModuleMeta.__module__ = property(_module)  # type: ignore[assignment]


class WithModuleMeta(metaclass=ModuleMeta):
    pass


class GetattributeMeta(type):
    def __getattribute__(cls, name: str) -> Any:
        return type.__getattribute__(cls, name)


class WithGetattributeMeta(metaclass=GetattributeMeta):
    def undocumented(self) -> None:
        pass


def wrapped(x: int) -> int:
    return x


wrapped.__wrapped__ = Hook()  # type: ignore[attr-defined]


class Default:
    """A default value, an annotation or a ``__signature__``: its repr is user code."""

    @property  # type: ignore[misc]
    def __class__(self) -> Any:
        return Default

    def __repr__(self) -> str:
        return SECRET


class CallMe:
    """A callable a bound method wraps: every attribute is asked of it."""

    def __getattr__(self, name: str) -> Any:
        return SECRET

    def __call__(self, *args: Any) -> None:
        pass


def with_defaults(a, /, x=Default(), *args, y=Default(), z=3, **kw):  # type: ignore[no-untyped-def]  # noqa: B008
    return a


with_defaults.__annotations__ = {"a": Default(), "x": list[Default], "z": int, "return": "str"}
with_defaults.__kwdefaults__ = {Label("y"): 1, "y": Default(), "z": 3}
renamed = lambda: None  # noqa: E731
renamed.__name__ = Label("renamed")
signature_set = lambda: None  # noqa: E731
signature_set.__signature__ = Default()  # type: ignore[attr-defined]

# The user code: every function of these classes, and the metaclass's property.
_HOSTILE = {
    "Label",
    "Hook",
    "Frame",
    "Array",
    "MroMeta",
    "ModuleMeta",
    "GetattributeMeta",
    "WithGetattributeMeta",
    "_module",
    "Default",
    "CallMe",
}


class Plain:
    pass


def namespace() -> dict[str, Any]:
    # Attribute names set as str subclasses: read as the characters they hold.
    label_named = Plain()
    setattr(label_named, Label("api_key"), SECRET)
    setattr(label_named, Label("rows"), 3)
    with_attrs = pd.DataFrame({"a": [1, 2]})
    with_attrs.attrs["source"] = Hook()
    series = pd.Series([1, 2], name="n")
    series.attrs["source"] = Hook()
    return {
        "keys": {Label("password"): SECRET, Label("k"): 1},
        "labelled": pd.DataFrame({Label("c"): [1, 2], "n": [3, 4]}),
        "subframe": Frame({"a": [1, 2], "password": [SECRET, SECRET]}),
        "with_attrs": with_attrs,
        "series_attrs": series,
        "array": np.arange(4).view(Array),
        "mro_meta": WithMroMeta(),
        "mro_meta_class": WithMroMeta,
        "module_meta": WithModuleMeta(),
        "module_meta_class": WithModuleMeta,
        "getattribute_meta_method": WithGetattributeMeta.undocumented,
        "wrapped": wrapped,
        "with_defaults": with_defaults,
        "signature_set": signature_set,
        "renamed": renamed,
        "functions_inside": {"m": types.MethodType(CallMe(), 1), "r": renamed, "p": print},
        "bound_callable": types.MethodType(CallMe(), 1),
        "label_named": label_named,
    }


@pytest.fixture
def calls() -> Iterator[list[str]]:
    with user_code_calls(__file__, _HOSTILE) as seen:
        yield seen


def test_listing_inspecting_and_collecting_run_no_code_of_lying_types(calls: list[str]) -> None:
    ns = namespace()
    calls.clear()
    view = KernelView(ns)
    known = known_secrets(ns)
    results = [run_tool("list_kernel_variables", {"max_items": 500}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns]
    sys.setprofile(None)
    assert calls == []
    text = dumps(results)
    assert SECRET not in text
    assert SECRET in known  # the frame subclass's password column, read plainly
    # Still described: the subclass's head, the array's numbers, the classes' names.
    by_name = {r.get("name"): r for r in results[1:]}
    assert by_name["array"]["preview"] == "[0 1 2 3]"
    assert by_name["subframe"]["head"][0][0] == 1
    assert by_name["module_meta_class"]["class"].endswith("WithModuleMeta")
    assert "source" in by_name["wrapped"]
    assert by_name["label_named"]["attributes"]["rows"] == "3"
    # Signatures from the code object: defaults shown briefly, never by their repr.
    signature = by_name["with_defaults"]["signature"]
    assert signature.startswith("with_defaults(a, /, x: list[") and "z: int = 3" in signature
    assert "*args" in signature and "**kw" in signature and "-> 'str'" in signature


def test_name_checks_read_a_str_subclass_as_its_characters(calls: list[str]) -> None:
    name = Label("db_password")
    assert is_secret_name(name)
    assert normalize_name(Label("apiKey")) == "api_key"
    assert is_keyish_name(Label("STRIPE_KEY"))
    assert is_secret_pair(Label("STRIPE_KEY"), Label("Ab8dEf6hIj9kLm2nOp5q"))
    assert calls == []

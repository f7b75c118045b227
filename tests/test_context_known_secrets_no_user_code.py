"""Collecting the kernel's held secrets runs none of the notebook's code.

Spies, str subclasses with their own ``__hash__``, set and bytearray subclasses,
metaclasses with a ``__module__`` property or an ``__eq__``, hand-made dataclass fields:
the walk reads types with ``type()`` and containers through the builtin types' own
methods, so none of their hooks run (neither do an exception's, read for its message).
"""

from __future__ import annotations

import collections
from collections.abc import Iterator
from typing import Any

import pandas as pd

from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import known_secrets

from .test_context_known_secrets import SECRET, _Holder, everything
from .test_context_trust import CALLS, NoisyBytes, SpiesOnEveryAttribute, Spy


def test_no_user_code_runs_while_collecting() -> None:
    ns = {
        "password": Spy(),
        "token": SpiesOnEveryAttribute(),
        "creds": [Spy(), {"k": Spy()}, (Spy(),)],
        "api_key": NoisyBytes(b"abcdefgh"),
        "secret_set": {Spy()},
        "auth": collections.Counter({"x": 1}),
        "spy_frame": pd.DataFrame({"password": [Spy()], "n": [1]}),
        "spy_index": pd.Series([1], index=pd.Index([Spy()], name="token")),
    }
    CALLS.clear()
    known_secrets(ns)
    assert CALLS == []


class _HashSpy(str):
    """A key whose hash and equality are the user's."""

    def __hash__(self) -> int:
        CALLS.append("__hash__")
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        CALLS.append("__eq__")
        return str.__eq__(self, other)


class _IterSpy(set[Any]):
    def __iter__(self) -> Iterator[Any]:
        CALLS.append("__iter__")
        return set.__iter__(self)


class _SliceSpy(bytearray):
    def __getitem__(self, key: Any) -> Any:
        CALLS.append("__getitem__")
        return bytearray.__getitem__(self, key)


def test_no_user_code_runs_for_subclassed_keys_sets_and_bytes() -> None:
    """A str subclass's hash (keys are checked through a cache), a set subclass's
    ``__iter__`` and a bytearray subclass's ``__getitem__`` are the user's code."""
    holder = _Holder()
    holder.__dict__[_HashSpy("password")] = SECRET + "h"
    keyed = {_HashSpy("api_key"): SECRET + "k"}

    class _Name(_HashSpy):
        def startswith(self, *args: Any, **kwargs: Any) -> bool:
            CALLS.append("startswith")
            return str.startswith(self, *args, **kwargs)

    ns = {
        _Name("api_token"): SECRET + "n",
        "keyed": keyed,
        "holder": holder,
        "password": _IterSpy({SECRET + "i"}),
        "pair": _IterSpy({"token", SECRET + "p"}),
        "token": _SliceSpy(SECRET.encode() + b"b"),
    }
    CALLS.clear()
    found = known_secrets(ns)
    assert CALLS == []
    assert {SECRET + s for s in "hkipbn"} <= set(found)


class _ModuleSpyMeta(type):
    @property
    def __module__(cls) -> str:  # type: ignore[override]
        CALLS.append("__module__")
        return "pandas"


class _ModuleSpy(metaclass=_ModuleSpyMeta):
    pass


def test_a_metaclass_module_property_is_not_run() -> None:
    CALLS.clear()
    known_secrets({"value": _ModuleSpy()})
    assert CALLS == []


class HandMadeFields:
    """A class that puts its own objects in ``__dataclass_fields__``."""

    __dataclass_fields__ = {"password": Spy(), "note": SpiesOnEveryAttribute()}

    def __init__(self) -> None:
        self.password = SECRET_VALUE
        self.note = "hello"


SECRET_VALUE = "Zq8wL3vN7pX2kRt"


def test_no_user_code_runs_for_hand_made_dataclass_fields() -> None:
    """Asking such an entry whether it is a ClassVar (getattr, str) ran its hooks."""
    ns: dict[str, Any] = {"record": HandMadeFields()}
    CALLS.clear()
    known_secrets(ns)
    listed = dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    inspected = dumps(run_tool("inspect_kernel_variable", {"name": "record"}, KernelView(ns)))
    assert CALLS == []
    assert SECRET_VALUE not in listed + inspected


class _RecordingKey(str):
    """A class dict's key of the user's type (``type(name, bases, {key: ...})``)."""

    def __hash__(self) -> int:
        CALLS.append(f"key __hash__ {str.__str__(self)}")
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        CALLS.append(f"key __eq__ {str.__str__(self)}")
        return str.__eq__(self, other)


def test_a_class_dicts_keys_are_read_without_their_code() -> None:
    """A class built with a str subclass as a key of its dict (the notebook's own, and a
    slotted one): its secret-named attributes and slots are read without hashing or
    comparing that key (its ``__hash__``, ``__eq__`` are user code)."""
    secret, key = "Ck-4Rt8Np1Bs6Cz3", "Sk-4Rt8Np1Bs6Cz3"
    config = type("Config", (), {"DB_PASSWORD": secret, _RecordingKey("HOST"): "db.example"})
    type.__setattr__(config, "__module__", "__main__")
    slotted = type("Slotted", (), {"__slots__": ("api_key",), _RecordingKey("NOTE"): "x"})
    holder = slotted()
    slotted.__dict__["api_key"].__set__(holder, key)
    CALLS.clear()
    ns: dict[str, Any] = {"Config": config, "holder": holder, "shown": [secret, key, "ok"]}
    text = everything(ns)
    assert secret not in text and key not in text and "ok" in text
    assert not [c for c in CALLS if c.startswith("key ")], CALLS


class _EqSpyMeta(type):
    def __eq__(cls, other: object) -> bool:
        CALLS.append("metaclass __eq__")
        return False

    __hash__ = type.__hash__


class _EqSpy(list, metaclass=_EqSpyMeta):  # type: ignore[misc]
    pass


def test_looking_for_a_secrets_pieces_runs_no_metaclass_eq() -> None:
    """``type(value) in (list, tuple)`` compares the value's class with ``==``: a
    metaclass's ``__eq__`` (user code) ran for every name while a secret's pieces were
    looked for. The types are compared by identity."""
    CALLS.clear()
    known_secrets({"api_key": "sk-proj-Xq7Rz4Kp2Xw9Lm3Vn8Bt5Yc1", "rows": _EqSpy(["a"])})
    assert CALLS == []


def test_a_credential_holders_list_field_runs_no_metaclass_eq() -> None:
    """A settings-like credential class (``AuthConfig``) with a list field whose class
    has a metaclass ``__eq__``: reading the field compares its type by identity."""

    class AuthConfig:
        def __init__(self) -> None:
            self.scopes = _EqSpy(["read", "write"])
            self.token = SECRET

    CALLS.clear()
    ns = {"cfg": AuthConfig()}
    known_secrets(ns)
    run_tool("inspect_kernel_variable", {"name": "cfg"}, KernelView(ns))
    assert CALLS == []


def test_an_exceptions_arguments_run_no_metaclass_eq() -> None:
    """An exception's message is read from its plain arguments; telling plain from not
    compares each argument's type by identity, never with a metaclass's ``__eq__``."""
    from jupyter_chatkit.context_policy.errors import exception_message

    CALLS.clear()
    exception_message(ValueError(_EqSpy(["a"])))
    assert CALLS == []


def test_an_exceptions_class_is_read_without_its_metaclass() -> None:
    """Whose ``__str__`` an exception has, and its arguments' class names, are read from
    the classes themselves: a metaclass's ``__getattribute__`` (``__module__`` saying
    ``builtins``) made the notebook's ``__str__`` run, and its text be trusted."""
    from jupyter_chatkit.context_policy.errors import exception_message

    class Lies(type):
        def __getattribute__(cls, name: str) -> Any:
            CALLS.append(f"metaclass {name}")
            return "builtins" if name == "__module__" else type.__getattribute__(cls, name)

    class Failure(Exception, metaclass=Lies):
        def __str__(self) -> str:
            CALLS.append("__str__")
            return "from user code"

    class Arg(metaclass=Lies):
        pass

    CALLS.clear()
    assert exception_message(Failure("plain")) == "plain"
    assert "Arg" in exception_message(ValueError(Arg()))
    assert CALLS == []


def test_an_exceptions_type_name_is_read_without_its_metaclass() -> None:
    """The error's kind the kernel records (``module.Name``) is read from the class
    itself: a metaclass's ``__getattribute__`` (the notebook's code) never runs, and the
    module it would claim is not taken."""
    from jupyter_chatkit.context_policy.errors import exception_type
    from jupyter_chatkit.kernel.error_description import describe_error

    class Lies(type):
        def __getattribute__(cls, name: str) -> Any:
            CALLS.append(f"metaclass {name}")
            return "builtins" if name == "__module__" else type.__getattribute__(cls, name)

    class Failure(Exception, metaclass=Lies):
        pass

    CALLS.clear()
    assert exception_type(Failure("x")).endswith("Failure")
    assert exception_type(Failure("x")) != "Failure"  # its module is this test's
    try:
        raise Failure("plain")
    except Failure as exc:
        described = describe_error(exc)
    assert described["type"].endswith("Failure")
    assert CALLS == []

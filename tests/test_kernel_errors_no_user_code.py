"""Describing a kernel error runs none of the user's code (review).

``isinstance(exc, SyntaxError)`` on an exception of another type looks its ``__class__``
up, through the class's ``__getattribute__`` and a ``__class__`` property, and
``exc.__traceback__`` goes through ``__getattribute__`` too: both are the notebook's code.
"""

from __future__ import annotations

from typing import Any

from jupyter_chatkit.kernel.executions import describe_error

CALLS: list[str] = []


class Sneaky(Exception):
    """An exception whose attribute look-ups and ``__class__`` are the user's code."""

    def __getattribute__(self, name: str) -> Any:
        CALLS.append(f"getattribute {name}")
        return object.__getattribute__(self, name)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        CALLS.append("__class__")
        return Exception

    def __str__(self) -> str:
        CALLS.append("__str__")
        return "sneaky"


class SneakySyntax(SyntaxError):
    """A SyntaxError whose slots hold an object with a ``__class__`` property."""


class Weird:
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        CALLS.append("Weird.__class__")
        return str


def _raised(make: Any) -> BaseException:
    try:
        make()
    except BaseException as error:
        return error
    raise AssertionError("nothing raised")


def test_a_chained_error_of_the_user_s_class_is_described_without_its_code() -> None:
    def chained() -> None:
        try:
            raise Sneaky("inner")
        except Sneaky as inner:
            raise Sneaky("outer") from inner

    error = _raised(chained)
    CALLS.clear()
    described = describe_error(error)
    assert CALLS == []
    assert described["message"] == "outer" and "inner" in described["traceback"]


def test_a_syntax_error_s_slots_holding_foreign_objects_run_nothing() -> None:
    error = SneakySyntax("bad", ("<cell>", 1, 1, "x = (", 1, 2))
    error.msg = Weird()  # type: ignore[assignment]
    error.text = Weird()  # type: ignore[assignment]
    group = ExceptionGroup("many", [Sneaky("a"), error])
    CALLS.clear()
    described = describe_error(group)
    assert CALLS == []
    assert described["message"] == "many (2 sub-exceptions)"

"""scikit-learn estimators holding the user's objects, described without running them.

An estimator's parameters, pipeline steps and fitted facts are read from its ``__dict__``
(kernel/values/sklearn.py), so they are whatever the notebook put there: an object whose
``__class__`` is a property (``isinstance`` asks it), a list or tuple subclass with its
own ``len``, slicing or iteration, a step named by an object with a ``__str__``, a
``classes_`` that answers ``tolist``. A profiler hook records any call into them while the
kernel tools list and inspect the variables and the held secrets are collected.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import known_secrets

from .user_code_calls import user_code_calls


class PosingAsList:
    """Says it is a list (``isinstance`` reads ``__class__``) and answers as one."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]
        return list

    def __len__(self) -> int:
        return 2

    def __getitem__(self, key: Any) -> Any:
        return [("a", "b")]


class Steps(list):  # type: ignore[type-arg]
    """A list of steps with its own slicing and length."""

    def __getitem__(self, key: Any) -> Any:
        return list.__getitem__(self, key)

    def __len__(self) -> int:
        return list.__len__(self)


class Step(tuple):  # type: ignore[type-arg]
    """A (name, estimator) pair with its own length and iteration."""

    def __len__(self) -> int:
        return 2

    def __iter__(self) -> Iterator[Any]:
        return tuple.__iter__(self)


class StepName:
    """A step named by an object: its text is its own code."""

    def __str__(self) -> str:
        return "scale"


class Classes:
    """A ``classes_`` that answers whatever is asked of it."""

    def __getattr__(self, name: str) -> Any:
        return 1 if name == "ndim" else (lambda: ["x"])

    def __getitem__(self, key: Any) -> Any:
        return self

    def __len__(self) -> int:
        return 1


_HOSTILE = {"PosingAsList", "Steps", "Step", "StepName", "Classes"}


def namespace() -> dict[str, Any]:
    posing = LogisticRegression()
    posing.class_weight = PosingAsList()
    posing.classes_ = Classes()
    named = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    named.steps = Steps([Step((StepName(), StandardScaler())), ("model", posing)])
    plain = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression())])
    plain.fit(np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.2]]), np.array(["no", "yes", "no"]))
    return {"posing": posing, "named": named, "plain": plain}


@pytest.fixture
def calls() -> Iterator[list[str]]:
    with user_code_calls(__file__, _HOSTILE) as seen:
        yield seen


def test_estimators_holding_the_user_s_objects_run_none_of_them(calls: list[str]) -> None:
    ns = namespace()
    calls.clear()
    view = KernelView(ns)
    known_secrets(ns)
    results = [run_tool("list_kernel_variables", {"max_items": 500}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns]
    sys.setprofile(None)
    assert calls == []
    text = dumps(results)
    # A real pipeline is still described: its steps by name, its classes.
    by_name = {r.get("name"): r for r in results[1:]}
    plain = by_name["plain"]
    assert "scale" in text and "model" in text
    assert "yes" in dumps(plain)
    assert "PosingAsList" in dumps(by_name["posing"])

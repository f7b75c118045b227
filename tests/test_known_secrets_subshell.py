"""The kernel's secret check read from a kernel subshell (JEP 91) while a cell runs.

The JupyterLab sidebar asks a busy kernel on a subshell (js/lab/src/subshell.ts): ipykernel
runs the request on its own thread while the main thread runs the cell and changes the
namespace. What the check answers there is either right (the secrets the namespace holds
now) or an error (the sidebar then withholds the outputs): never a stale or partial list.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from jupyter_chatkit.kernel.introspect import KernelView
from jupyter_chatkit.kernel.known_secrets import hide_known_json, known_secrets
from jupyter_chatkit.kernel.secret_walk import Walk

SECRET = "Pw7rT2kQ9mZ4"
T = TypeVar("T")


def on_thread(fn: Callable[[], T]) -> T:
    """``fn()`` on another thread (as a subshell runs it): its value or its exception."""
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn()
        except BaseException as e:  # handed back to the caller
            out["error"] = e

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(30)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_a_value_changed_in_place_during_a_cell_is_seen_from_a_subshell() -> None:
    conf = {"db": {"password": SECRET + "a"}}
    ns = {"conf": conf}
    # The main shell's check before the cell: kept for this execution count.
    assert known_secrets(ns, 7) == (SECRET + "a",)
    # The running cell changes the value in place: same bindings, same count.
    conf["db"]["password"] = SECRET + "b"
    assert on_thread(lambda: known_secrets(ns, 7)) == (SECRET + "b",)
    # The subshell's reading is not kept for the main shell either.
    conf["db"]["password"] = SECRET + "c"
    assert on_thread(lambda: known_secrets(ns, 7)) == (SECRET + "c",)


def failing_walk(monkeypatch: pytest.MonkeyPatch, name: str, error: Exception) -> None:
    """The walk raises ``error`` whenever it visits the value under ``name``."""
    visit = Walk.visit

    def failing(self: Any, seen: Any, value: Any, depth: int = 0) -> None:
        if seen == name:
            raise error
        visit(self, seen, value, depth)

    monkeypatch.setattr(Walk, "visit", failing)


def test_a_read_that_fails_on_a_subshell_fails_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dict changed while it was walked raises: on the main thread that value alone is
    skipped (an odd value), on a subshell, failing again, the whole check fails (the
    sidebar withholds)."""
    failing_walk(monkeypatch, "conf", RuntimeError("dictionary changed size during iteration"))
    ns = {"conf": {"password": SECRET + "d"}, "token": SECRET + "e"}
    assert known_secrets(ns, 1) == (SECRET + "e",)
    with pytest.raises(RuntimeError):
        on_thread(lambda: known_secrets(ns, 2))
    payload = json.dumps({"cells": [{"outputs": [SECRET + "d"]}]})
    with pytest.raises(RuntimeError):
        on_thread(lambda: hide_known_json(payload, KernelView(ns)))


def test_an_odd_value_is_skipped_on_a_subshell_as_on_the_main_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A value whose walk fails every time for another reason than a resize (the
    %chat widget's tools run on subshells too): skipped, the rest still found."""
    failing_walk(monkeypatch, "odd", ValueError("an odd value"))
    ns = {"odd": object(), "token": SECRET + "g"}
    assert on_thread(lambda: known_secrets(ns, 4)) == (SECRET + "g",)


def test_a_namespace_changing_under_a_subshell_read_never_answers_wrong() -> None:
    """A real race: the main thread grows and shrinks a dict of settings while another
    thread checks; every answer holds the secret, or is an error."""
    # The walk reads 200 items of a dict: the secret among the first, after others.
    settings: dict[str, Any] = {f"opt_{i}": {"v": i} for i in range(100)}
    settings["api_key"] = SECRET + "f"
    ns = {"settings": settings}
    answers: list[Any] = []
    stop = threading.Event()

    def check() -> None:
        while not stop.is_set() and len(answers) < 200:
            try:
                answers.append(known_secrets(ns, 3))
            except RuntimeError as e:
                answers.append(e)

    worker = threading.Thread(target=check)
    worker.start()
    n = 0
    while worker.is_alive() and n < 2_000_000:
        settings[f"tmp_{n % 50}"] = n
        settings.pop(f"tmp_{(n + 25) % 50}", None)
        n += 1
    stop.set()
    worker.join(30)
    assert answers
    for answer in answers:
        assert isinstance(answer, RuntimeError) or SECRET + "f" in answer, answer

"""JSON from outside the process never leaves finalizers without stack (parse_json).

``json.loads`` recurses per nesting level up to the interpreter's limit; a collection the
parser's allocations start there runs finalizers with almost no stack. That failed CI:
a deeply nested notebook output was read while the garbage of earlier tests was
collected, and pytest's own hook for their failing finalizers ran out of stack.
"""

from __future__ import annotations

import gc
import json
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest.mock import patch

import pytest

from jupyter_chatkit import parse_json
from jupyter_chatkit.assistant.history import notebook_text
from jupyter_chatkit.kernel.notebook_file import read_cells

from .test_redact_backtracking import cpu_budget

DEEP = '{"a":' * 5_000 + "1" + "}" * 5_000
# Frames a finalizer gets to use here; one run at the bottom of a deep parse has ~200-300
# (or none at all: it then cannot even start).
ROOM = sys.getrecursionlimit() // 2
# Collections start every THRESHOLD allocations here (the interpreter's default); the
# parser allocates a dict a level, so one falls due ~THRESHOLD levels down.
THRESHOLD = 700
SHIFT = 10


def _probe(n: int) -> int:
    return 0 if n == 0 else _probe(n - 1)


class _Finalized:
    """Cyclic garbage whose finalizer records whether it had :data:`ROOM` frames."""

    results: list[bool] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        try:
            _probe(ROOM)
        except RecursionError:
            _Finalized.results.append(False)
        else:
            _Finalized.results.append(True)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was, threshold = gc.isenabled(), gc.get_threshold()
    gc.enable()
    gc.set_threshold(THRESHOLD, *threshold[1:])
    yield
    gc.set_threshold(*threshold)
    if not was:
        gc.disable()


def _finalizers_during(parse: Callable[[str], object], hook: list[object]) -> list[bool]:
    """Finalizers' results, with a collection of cyclic garbage falling due at each depth
    of a deep parse in turn; a finalizer that could not start is in ``hook`` (a builtin,
    which needs no stack, stands in for the unraisable hook)."""
    _Finalized.results = []
    with patch.object(sys, "unraisablehook", hook.append):
        for shift in range(0, THRESHOLD, SHIFT):
            gc.collect(0)
            kept = [[] for _ in range(shift)]  # brings the next collection nearer
            _Finalized()
            with pytest.raises(ValueError):
                parse(DEEP)
            del kept
            gc.collect(0)
    return _Finalized.results


def test_finalizers_run_during_a_deep_parse_have_their_stack(collector_on: None) -> None:
    # The plain parser leaves some finalizers without it: what this module guards against.
    def plain(text: str) -> object:
        try:
            return json.loads(text)
        except RecursionError:
            raise ValueError from None

    failed: list[object] = []
    results = _finalizers_during(plain, failed)
    assert failed or not all(results)
    results = _finalizers_during(parse_json.loads, failed := [])
    assert not failed
    assert len(results) == len(range(0, THRESHOLD, SHIFT)) and all(results)


def test_too_deep_is_a_value_error_and_leaves_the_collector_as_it_was(
    collector_on: None,
) -> None:
    with pytest.raises(parse_json.TooDeep):
        parse_json.loads(DEEP)
    assert gc.isenabled()
    gc.disable()
    with pytest.raises(ValueError):
        parse_json.loads(DEEP.encode())
    assert not gc.isenabled()


@pytest.mark.parametrize(
    "text",
    [
        '{"a": [1, 2.5, "x\\"y", null, true], "b": {"c": "\\ud800"}}',
        "[" * 150 + "]" * 150,
        json.dumps({"cells": [{"source": "{[" * 300}] * 3}),
        json.dumps([[[i] for i in range(300)]]),
    ],
)
def test_what_it_parses_is_what_json_parses(text: str) -> None:
    assert parse_json.loads(text) == json.loads(text)
    assert parse_json.loads(text.encode()) == json.loads(text)


@pytest.mark.parametrize("text", ["", "{", '{"a": 1,}', "[" * 300 + "]" * 299, "NaN]"])
def test_unreadable_json_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_json.loads(text)


def test_threads_pausing_at_once_leave_the_collector_on(collector_on: None) -> None:
    start = threading.Barrier(4)

    def parse() -> None:
        start.wait()
        for _ in range(20):
            with pytest.raises(parse_json.TooDeep):
                parse_json.loads(DEEP)

    threads = [threading.Thread(target=parse) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gc.isenabled()


def _deep_notebook(tail: str) -> str:
    nested = '{"a":' * 5_000 + tail
    output = (
        '{"output_type": "display_data", "metadata": {}, '
        f'"data": {{"text/plain": "<JSON>", "application/json": {nested}'
    )
    return (
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": '
        '"code", "metadata": {}, "execution_count": 1, "source": "show()", '
        f'"outputs": [{output}'
    )


def test_a_deep_notebook_attached_to_a_message_is_read_as_cells() -> None:
    text = _deep_notebook("1" + "}" * 5_000 + "}}]}]}")
    read = notebook_text(text)
    assert read is not None
    assert "show()" in read and "<JSON>" in read and '{"a":' not in read


def test_a_deep_notebook_cut_short_in_a_string_is_refused_in_linear_work(
    tmp_path: Path,
) -> None:
    # A file cut off inside a long string: each of its characters once, not each split.
    path = tmp_path / "cut.ipynb"
    path.write_text(_deep_notebook('"' + "x" * 200_000), encoding="utf-8")
    with cpu_budget(5.0):
        assert read_cells(path) is None
        assert notebook_text(path.read_text(encoding="utf-8")) is None


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("[" * parse_json.SHALLOW + "]" * parse_json.SHALLOW, False),
        ("[" * (parse_json.SHALLOW + 1) + "]" * (parse_json.SHALLOW + 1), True),
        ('{"a":' * (parse_json.SHALLOW + 1) + "1" + "}" * (parse_json.SHALLOW + 1), True),
        ("[" * 5_000 + "]" * 5_000, True),
        # Brackets in strings are not levels; text that is no JSON is not deep JSON.
        (json.dumps(["[" * 500, {"a": "{" * 500}]), False),
        ("[" * 300 + "]" * 299, False),
        ("[" * 5_000, True),
    ],
)
def test_deeper_than_shallow(text: str, deep: bool) -> None:
    assert parse_json.deeper_than_shallow(text) is deep
    assert parse_json.deeper_than_shallow(text.encode()) is deep

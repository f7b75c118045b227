"""How ``%chat`` splits its options from the question."""

from __future__ import annotations

import pytest

from jupyter_chatkit.kernel.magics import _split_flags


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("what's in df?", ("", "what's in df?")),
        ("--new  what's   in df?", ("--new", "what's   in df?")),
        ("-- --new means what?", ("", "--new means what?")),
        ("--new -- -1 is negative?", ("--new", "-1 is negative?")),
        ("--help", ("--help", "")),
        ("", ("", "")),
        ("# the chat widget, in this cell's output", ("", "")),
        ("--new   # a new conversation", ("--new", "")),
        ("-- # means what?", ("", "# means what?")),
    ],
)
def test_options_are_split_from_a_verbatim_question(line: str, expected: tuple[str, str]) -> None:
    assert _split_flags(line) == expected

"""How ``%chat`` splits its options from the question."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

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


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_is_printed_not_raised_as_a_usage_error(
    shell: InteractiveShell, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """%chat -h answers the person who asked: the uses and the option, as output, not
    an error (it said "UsageError:" above the help, with the docstring's reST marks)."""
    shell.run_line_magic("chat", flag)
    out = capsys.readouterr().out
    assert "%chat QUESTION" in out
    assert "--new" in out
    assert "``" not in out

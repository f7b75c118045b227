"""What ``%chat`` shows when the assistant's libraries fail to load."""

from __future__ import annotations

from typing import Any

from jupyter_chatkit.kernel.answer_mime import describe_failure, import_failure


def test_an_import_error_is_named_with_its_module() -> None:
    text = import_failure(ModuleNotFoundError("No module named 'chatkit'", name="chatkit"))
    assert "(ModuleNotFoundError, module chatkit)" in text
    assert "%pip install jupyter-chatkit" in text


def test_any_other_failure_shows_its_class_only() -> None:
    """A failure while importing may carry anything in its message (a config value, a
    path with a user's token): the notebook gets its class."""
    text = import_failure(ValueError("bad setting: api_key=sk-live-abcdefghijklmnop"))
    assert "(ValueError)" in text
    assert "sk-live" not in text and "bad setting" not in text


class NotebookImportError(ImportError):
    """An ImportError of the notebook's: its ``__str__`` and ``name`` are user code."""

    ran: list[str] = []

    def __str__(self) -> str:
        self.ran.append("__str__")
        return "token sk-live-abcdefghijklmnop"

    @property
    def name(self) -> str:  # type: ignore[override]
        self.ran.append("name")
        return "sk-live-abcdefghijklmnop"


def test_an_import_error_s_message_and_code_stay_unread() -> None:
    """An import error's message may hold anything and a subclass's ``__str__`` is the
    notebook's code: what failed is its class (and the module Python's import named)."""
    error = NotebookImportError("token sk-live-abcdefghijklmnop", name="chatkit")
    assert describe_failure(error) == "NotebookImportError"
    text = import_failure(error)
    assert "(NotebookImportError, module chatkit)" in text
    assert "sk-live" not in text
    assert NotebookImportError.ran == []


def test_a_module_name_that_is_no_module_name_is_not_shown() -> None:
    text = import_failure(ImportError("x", name="a b=sk-live-abcdefghijklmnop"))
    assert "(ImportError)" in text and "sk-live" not in text


# What a model's answer could hold to act on a terminal that shows text/plain as it is:
# clear the screen, set the clipboard (OSC 52), retitle the window, a carriage return
# that writes over the line, a C1 CSI.
HOSTILE = (
    "Done.\x1b[2J\x1b[H \x1b]52;c;cm0gLXJmIH4=\x07 \x1b]0;title\x1b\\ x = 1\roverwritten"
    "\x9b31m red\x08\x7f\tkept\r\nnext line"
)


def test_an_answer_s_text_plain_acts_on_no_terminal(shell: Any) -> None:
    """``text/plain`` is written to a terminal as it is (IPython, jupyter console): no
    output of an answer, streaming, failed or final, or ``Chat().ask()``'s shown in
    IPython, holds a control character there; its words, tabs and lines stay."""
    from IPython.display import display
    from IPython.utils.capture import capture_output

    from jupyter_chatkit.kernel.answer_mime import draft_bundle, failed_bundle
    from jupyter_chatkit.kernel.client import Answer
    from jupyter_chatkit.kernel.live import answer_bundle

    with capture_output() as captured:
        display(Answer(HOSTILE))
    (shown,) = captured.outputs
    for bundle in (
        draft_bundle(HOSTILE),
        failed_bundle(HOSTILE, "interrupted"),
        answer_bundle(Answer(HOSTILE)),
        shown.data,
    ):
        plain = bundle["text/plain"]
        assert not [c for c in plain if ord(c) < 32 and c not in "\t\n"], repr(plain)
        assert not [c for c in plain if 0x7F <= ord(c) <= 0x9F], repr(plain)
        assert plain.startswith("Done.") and "x = 1" in plain
        assert "\tkept\nnext line" in plain


def test_an_answer_s_words_cannot_be_reordered_in_other_front_ends(shell: Any) -> None:
    """A control that reorders text (U+202E, U+2067) in an answer's words: other front
    ends (VS Code, nbviewer, a terminal) draw ``text/markdown`` and ``text/plain`` as it
    orders them ("x<U+202E>gnp.exe" as "xexe.png"), so there it is written as its code
    point, in every output of an answer; our own renderer's answer keeps the text."""
    from jupyter_chatkit.kernel.answer_mime import ANSWER_MIME, draft_bundle, failed_bundle
    from jupyter_chatkit.kernel.client import Answer
    from jupyter_chatkit.kernel.live import answer_bundle

    text = "Save it as x\u202egnp.exe first, `y\u2067z` too."
    for bundle in (
        draft_bundle(text),
        failed_bundle(text, "interrupted"),
        answer_bundle(Answer(text)),
    ):
        for mime in ("text/markdown", "text/plain"):
            shown = bundle[mime]
            assert not [
                c for c in shown if c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
            ]
            assert "U+202E" in shown and "U+2067" in shown, shown
        assert bundle[ANSWER_MIME]["markdown"] == text

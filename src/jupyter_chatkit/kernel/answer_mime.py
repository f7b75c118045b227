"""The streaming output of a ``%chat`` answer, without the assistant's libraries.

A kernel's first question loads chatkit, openai-agents and openai (seconds); the
placeholder that says the assistant is working is shown before that, from here
(kernel/live.py streams into the same display).
"""

from __future__ import annotations

import re
from typing import Any

from .inert_markdown import inert_markdown, reveal_reorders

ANSWER_MIME = "application/vnd.jupyter-chatkit.answer+json"
THINKING = "_Thinking…_"
# C0 controls but tab and newline, DEL and C1 controls: what a terminal acts on.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: str) -> str:
    """``text`` as an output's ``text/plain``: without control characters.

    A terminal front end (IPython, jupyter console, nbclient's log of outputs) writes
    ``text/plain`` to the terminal as it is; an answer is the model's text, which a
    prompt planted in a notebook can steer, and an escape sequence in it would act on
    the person's terminal (clear it, retitle it, rewrite the clipboard by OSC 52, hide
    the words that follow). Without the ESC byte the rest of a sequence is plain text.
    Controls that reorder text are written as their code points (``reveal_reorders``).
    """
    return reveal_reorders(_CONTROLS.sub("", text.replace("\r\n", "\n")))


def draft_bundle(markdown: str, new_thread: str = "") -> dict[str, Any]:
    """The output of an answer still streaming, showing ``markdown``; ``new_thread``: the
    conversation its turn created (``%%chat --new``), which the sidebar goes to."""
    answer: dict[str, Any] = {"markdown": markdown, "streaming": True, "cards": []}
    if new_thread:
        answer["new_thread"] = new_thread
    return {
        "text/markdown": inert_markdown(markdown),
        "text/plain": terminal_text(markdown),
        ANSWER_MIME: answer,
    }


def failed_bundle(markdown: str, error: str) -> dict[str, Any]:
    """The final output of an answer that could not be given: ``markdown`` says why.

    Built here, without the assistant's libraries, for when those are what failed.
    """
    return {
        "text/markdown": inert_markdown(markdown),
        "text/plain": terminal_text(markdown),
        ANSWER_MIME: {"markdown": markdown, "streaming": False, "error": error, "cards": []},
    }


def describe_failure(exc: BaseException) -> str:
    """What failed, for a person and never a secret: the exception's class only.

    No message, an import error's included: its ``__str__`` may be the notebook's code
    (a subclass of ImportError) and its text may hold anything (a library's message
    quoting a token). The class is read through type's own descriptor, so a metaclass's
    code does not run either.
    """
    name = _NAME.__get__(type(exc))
    return name if type(name) is str else "Exception"


def import_failure(exc: BaseException) -> str:
    """Why the assistant's libraries did not load, for a person: what failed
    (:func:`describe_failure`), the module an import error names, and what to do."""
    what = describe_failure(exc)
    module = missing_module(exc)
    if module:
        what = f"{what}, module {module}"
    return (
        f"its libraries did not load ({what}). Check that jupyter-chatkit is installed"
        " with its dependencies in this kernel's environment (`%pip install jupyter-chatkit`),"
        " then restart the kernel."
    )


_NAME = type.__dict__["__name__"]
_MRO = type.__dict__["__mro__"]
# ImportError's own slot, so a subclass's ``name`` property (the user's code) never runs.
_IMPORT_NAME = ImportError.__dict__["name"]
_MODULE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.")


def is_import_error(exc: BaseException) -> bool:
    """True for an ImportError (a subclass too), asked of the class's own MRO: isinstance
    would look up a ``__class__`` the notebook may define."""
    return ImportError in _MRO.__get__(type(exc))


def missing_module(exc: BaseException) -> str:
    """The module an import error says it could not load (its ``name`` slot, set by
    Python's import system), when that reads as a module's name; else ``""``."""
    if not is_import_error(exc):
        return ""
    name = _IMPORT_NAME.__get__(exc)
    if type(name) is not str or not 0 < len(name) <= 100:
        return ""
    return name if set(name) <= _MODULE_NAME_CHARS else ""


def show_thinking() -> Any:
    """Display the placeholder of an answer in the running cell; its display handle."""
    from IPython.display import display

    return display(draft_bundle(THINKING), raw=True, display_id=True)

"""The streaming output of a ``%chat`` answer, without the assistant's libraries.

A kernel's first question loads chatkit, openai-agents and openai (seconds); the
placeholder that says the assistant is working is shown before that, from here
(kernel/live.py streams into the same display).
"""

from __future__ import annotations

from typing import Any

from .inert_markdown import inert_markdown

ANSWER_MIME = "application/vnd.jupyter-chatkit.answer+json"
THINKING = "_Thinking…_"


def draft_bundle(markdown: str) -> dict[str, Any]:
    """The output of an answer still streaming, showing ``markdown``."""
    return {
        "text/markdown": inert_markdown(markdown),
        "text/plain": markdown,
        ANSWER_MIME: {"markdown": markdown, "streaming": True, "cards": []},
    }


def failed_bundle(markdown: str, error: str) -> dict[str, Any]:
    """The final output of an answer that could not be given: ``markdown`` says why.

    Built here, without the assistant's libraries, for when those are what failed.
    """
    return {
        "text/markdown": inert_markdown(markdown),
        "text/plain": markdown,
        ANSWER_MIME: {"markdown": markdown, "streaming": False, "error": error, "cards": []},
    }


def describe_failure(exc: BaseException) -> str:
    """What failed, for a person and never a secret: the exception's class, and an import
    error's message (it names a module, never a value); any other failure's message may
    hold anything (a key, a value of the notebook's), so only its class."""
    name = type(exc).__name__
    return f"{name}: {exc}" if isinstance(exc, ImportError) else name


def import_failure(exc: BaseException) -> str:
    """Why the assistant's libraries did not load, for a person: what failed
    (:func:`describe_failure`) and what to do about it."""
    what = describe_failure(exc)
    return (
        f"its libraries did not load ({what}). Check that jupyter-chatkit is installed"
        " with its dependencies in this kernel's environment (`%pip install jupyter-chatkit`),"
        " then restart the kernel."
    )


def show_thinking() -> Any:
    """Display the placeholder of an answer in the running cell; its display handle."""
    from IPython.display import display

    return display(draft_bundle(THINKING), raw=True, display_id=True)

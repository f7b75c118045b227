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


def show_thinking() -> Any:
    """Display the placeholder of an answer in the running cell; its display handle."""
    from IPython.display import display

    return display(draft_bundle(THINKING), raw=True, display_id=True)

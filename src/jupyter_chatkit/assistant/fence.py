"""Code as a Markdown fence: a code card's text in the chat, a notebook and a kernel's
answer. Its own module, importing nothing: a kernel whose server answers shows cards
without loading ChatKit's widget models (:mod:`.cards`)."""

from __future__ import annotations


def fence(code: str, language: str = "python") -> str:
    """Wrap code in a Markdown fence longer than any backtick run inside it."""
    longest = run = 0
    for ch in code:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{language}\n{code.rstrip()}\n{ticks}"

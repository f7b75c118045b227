"""Code as a Markdown fence: a code card's text in the chat, a notebook and a kernel's
answer. Its own module, importing nothing: a kernel whose server answers shows cards
without loading ChatKit's widget models (:mod:`.cards`)."""

from __future__ import annotations

# The longest language name a fence keeps (highlight.js's longest alias is 21 characters).
MAX_LANGUAGE_CHARS = 32


def fence_language(language: str) -> str:
    """``language`` as a fence's info string can hold it: its first word, without
    backticks, at most :data:`MAX_LANGUAGE_CHARS` characters.

    The model names a card's language (``propose_code``): a newline in it ended the
    fence's first line, so what followed was read as Markdown (another code block above
    the card's code, "python\\nprint('safe')\\n```"), and a backtick made the line no
    fence at all (CommonMark), so the code showed as prose.
    """
    word = language.strip().split(maxsplit=1)[0] if language.strip() else ""
    return word.replace("`", "")[:MAX_LANGUAGE_CHARS]


def fence(code: str, language: str = "python") -> str:
    """Wrap code in a Markdown fence longer than any backtick run inside it."""
    longest = run = 0
    for ch in code:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{fence_language(language)}\n{code.rstrip()}\n{ticks}"

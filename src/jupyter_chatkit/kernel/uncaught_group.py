"""A cell's uncaught ExceptionGroup, read as the error output it stands for.

IPython (9.x) shows an ExceptionGroup, or an error raised while handling one, with
Python's own ``traceback.print_exc()``: a stderr stream, no error output. Read as a
stream, the error lost the error's budget (a long log before it left it little or
nothing) and its name. Mirrors the sidebar's ``grouperror.ts``.
"""

from __future__ import annotations

import re
from typing import Any

from ..context_policy.errors import strip_ansi

# The frame every uncaught error's traceback starts from: IPython running the cell. A
# traceback the cell's own code prints (``traceback.print_exc()`` in an ``except``)
# starts at the cell's frame and never holds it.
RUN_CODE = re.compile(
    r'^[ |+-]*File "[^"\n]{0,400}[/\\]IPython[/\\]core[/\\]interactiveshell\.py", '
    r"line \d+, in run_code$",
    re.MULTILINE,
)
# A traceback's first line as Python prints it (nested in a group's "  | " margin).
_HEADER = re.compile(r"^[ |+]*(?:Exception Group )?Traceback \(most recent call last\):$", re.M)
# "Name: message" at the margin: the exception raised last (Python prints it last).
_FINAL = re.compile(r"([A-Za-z_][\w.]{0,200})(?:: (.*))?")
# A group's own line under its traceback: "  | ExceptionGroup: batch (2 sub-exceptions)".
_GROUP = re.compile(r"^ {2}\| ([A-Za-z_][\w.]{0,200})(?:: ?(.*))?$", re.MULTILINE)


def split_uncaught(output: Any, text_of: Any) -> list[Any]:
    """``[output]``, or, for a stderr stream ending in IPython's print of an uncaught
    error, the stream's text before it (if any) and that error as an error output.
    ``text_of`` reads a stream's ``text`` field (a string or a list of lines)."""
    if not isinstance(output, dict) or output.get("output_type") != "stream":
        return [output]
    if output.get("name") != "stderr":
        return [output]
    # Lines end in "\n" (a Windows kernel's "\r\n" too); a lone "\r" ends none: as in
    # grouperror.ts, whose patterns match the same lines.
    text = strip_ansi(text_of(output.get("text"))).replace("\r\n", "\n")
    run_code = RUN_CODE.search(text)
    if run_code is None:
        return [output]
    # The printed chain starts at the first traceback header before IPython's frame.
    header = _HEADER.search(text, 0, run_code.start())
    if header is None:
        return [output]
    before = text[: header.start()]
    traceback = text[header.start() :].rstrip()
    said = _FINAL.fullmatch(traceback.rsplit("\n", 1)[-1]) or _GROUP.search(
        traceback, run_code.start() - header.start()
    )
    error = {
        "output_type": "error",
        "ename": said.group(1) if said else "ExceptionGroup",
        "evalue": (said.group(2) or "").strip() if said else "",
        "traceback": [traceback],
    }
    return [{**output, "text": before}, error] if before.strip() else [error]


def printed_traceback(plain: str) -> str:
    """A traceback Python printed, without IPython's own frame (the same in every
    cell): its line and the line of code under it."""
    lines = plain.split("\n")
    at = next((i for i, line in enumerate(lines) if RUN_CODE.fullmatch(line)), -1)
    if at >= 0:
        del lines[at : at + 2]
    return "\n".join(lines)

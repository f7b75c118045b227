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
from . import uncaught_rules as rules

# The patterns and their use are the same as grouperror.ts's (one table: uncaught_rules).
RUN_CODE = re.compile(rules.RUN_CODE)
_HEADER = re.compile(rules.TRACEBACK_HEADER)
_FINAL = re.compile(rules.FINAL_LINE)
_GROUP = re.compile(rules.GROUP_LINE)


def split_uncaught(output: Any, text_of: Any) -> list[Any]:
    """``[output]``, or, for a stderr stream ending in IPython's print of an uncaught
    error, the stream's text before it (if any) and that error as an error output.
    ``text_of`` reads a stream's ``text`` field (a string or a list of lines)."""
    if not isinstance(output, dict) or output.get("output_type") != "stream":
        return [output]
    if output.get("name") != "stderr":
        return [output]
    raw = text_of(output.get("text"))
    if rules.RUN_CODE_TRIGGER not in raw:
        return [output]
    # Lines end in "\n" (a Windows kernel's "\r\n" too); a lone "\r" ends none.
    text = strip_ansi(raw).replace("\r\n", "\n")
    run_code = RUN_CODE.search(text)
    if run_code is None:
        return [output]
    # The printed chain starts at the first traceback header before IPython's frame.
    header = _HEADER.search(text[: run_code.start()])
    if header is None:
        return [output]
    before = text[: header.start()]
    traceback = text[header.start() :].rstrip(rules.SPACE)
    said = _FINAL.search(traceback[traceback.rfind("\n") + 1 :]) or _GROUP.search(
        traceback[run_code.start() - header.start() :]
    )
    error = {
        "output_type": "error",
        "ename": said.group(1) if said else rules.DEFAULT_NAME,
        "evalue": (said.group(2) or "").strip(rules.SPACE) if said else "",
        "traceback": [traceback],
    }
    return [{**output, "text": before}, error] if before.strip(rules.SPACE) else [error]


def printed_traceback(plain: str) -> str:
    """A traceback Python printed, without IPython's own frame (the same in every
    cell): its line and the line of code under it."""
    lines = plain.split("\n")
    at = next((i for i, line in enumerate(lines) if RUN_CODE.search(line)), -1)
    if at >= 0:
        del lines[at : at + 2]
    return "\n".join(lines)

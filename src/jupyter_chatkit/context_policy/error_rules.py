"""The one table of patterns that read an error or an output for the model, shared by
Python (``errors.py``, ``kernel/notebook_file.py``) and TypeScript (``js/lab/src/cells.ts``,
``errortext.ts``, ``redactnames.ts``'s ``stripAnsi``), with the white space a traceback
is trimmed of.

Plain data, as in ``rules.py`` and ``kernel/uncaught_rules.py``: regular expressions that
Python's ``re`` and JavaScript's ``RegExp`` read the same way: explicit classes (``\\w``,
``\\d``, ``\\s`` and ``\\b`` are Unicode in Python, ASCII or another set in JavaScript), a
line's start as ``(?:^|(?<=\\n))``, the text's end as ``(?![\\s\\S])`` (Python's ``$``
also matches before a last newline). Flags are given with each use, the same in both
(``g`` in JavaScript is ``sub``/``finditer`` in Python). ``js/lab/src/error-rules.generated.ts``
is rendered from :func:`rules_dict` (``python -m jupyter_chatkit.context_policy.error_rules
--write``); a test fails when the two differ, and both languages' tests read the same
outputs (``tests/fixtures/error_outputs.json``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

_START = r"(?:^|(?<=\n))"
_END_OF_TEXT = r"(?![\s\S])"
# White space a frame's header may start with (ASCII: the traceback's own indent).
_WS = r" \t\n\r\f\v"
_BLANK = rf"[{_WS}]"

# CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escape sequences,
# and what a cut left of one (``\x1b[31`` without its final byte, a lone ESC).
ANSI = (
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    rf"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\|{_END_OF_TEXT})"
    r"|\x1b[@-Z\\-_]?"
)
# Other control characters (C0 but tab, newline and carriage return; DEL; C1): a NUL, a
# bell or a backspace in a message means nothing to the model and can hide what a text
# shows (``pass\bsword``). A carriage return stays: a line break to the model (a saved
# progress bar's frames are resolved before, as a terminal shows them: streams.py).
CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
# A frame the user's code ran in: a cell's (IPython 8+, older IPython, plain Python).
USER_HEADER = rf"^{_BLANK}*(?:Cell In ?\[|Input In ?\[|File <ipython-input|<ipython-input)"
# A traceback block that is a frame (not the final line): its head starts so.
FRAME_HEADER = r"^(?:Cell In|Input In|File |<ipython-input)"
# A frame header's first line naming the function it ran in: code other than a cell's
# top level showed the error (a thread, a callback, a function that shows the errors it
# catches). A module's ("in <module>", IPython 8's "in <cell line: 1>()") is none, nor a
# display method IPython's formatters called for the cell's own result
# ("in Card._repr_markdown_(self)").
IN_FUNCTION = (
    r", in (?!<module>|<cell line|(?:[A-Za-z0-9_]+\.)*_(?:repr_[A-Za-z_]*|ipython_display_)\()"
)
# Said of such an error output by every reader of outputs. A saved notebook holds no
# reply status: the traceback's first frame is what tells (a cell's own uncaught error
# starts at its top line, even when raised inside a function it called).
SHOWN_BY_OTHER_CODE = (
    "Not the cell's own error: its traceback starts in a function, so code other than the "
    "cell's top level caught it and showed it while the cell ran (a thread, a callback such "
    "as a widget's handler or an event hook, or a function that shows the errors it "
    "catches). The cell did not stop at it."
)
# Installed packages, the standard library, and compiled Cython sources (pandas shows
# them by a relative path: "pandas/_libs/index.pyx:172").
LIB_PATH = r"(?:site-packages|dist-packages)[/\\]|/lib/python[0-9]|\.p(?:yx|xi|xd)(?![A-Za-z0-9_])"
# A line of IPython's traceback: a frame's header or the chain's heading (anywhere in a
# text, at a line's start).
PYTHON_TRACEBACK = (
    rf"{_START}{_BLANK}*"
    r"(?:Cell In|Input In|File |<ipython-input|Traceback \(most recent call last\))|/ipykernel_"
)
# IPython compiles each cell under a temporary file name, which a SyntaxError's message
# (``invalid syntax (979625684.py, line 1)``) and an older or plain traceback's frame
# (``File "/tmp/ipykernel_123/979625684.py", line 1``) show; it names no cell the model
# knows; nor does a warning's or a printed traceback's (``traceback.print_exc()``) in a
# stream (``/tmp/ipykernel_123/979625684.py:3: UserWarning``). Groups: 1 a message's
# line, 2 a frame's line, 3 a warning's line.
CELL_FILE = (
    r"\((?:[0-9]+\.py|<ipython-input-[^>\n]{0,100}>), line ([0-9]+)\)"
    rf"|File \"?(?:[^\"{_WS}]{{0,300}}[/\\]ipykernel_[0-9]+[/\\][0-9]+\.py"
    r"|<ipython-input-[^>\n]{0,100}>)\"?(?:, line |:)([0-9]+)"
    rf"|(?<![^{_WS}\"'(])[^\"'{_WS}]{{0,300}}[/\\]ipykernel_[0-9]+[/\\][0-9]+\.py:([0-9]+)(?=:)"
)
# The lines Python prints between the links of an exception's chain.
CHAIN_MARKERS = (
    "The above exception was the direct cause of the following exception",
    "During handling of the above exception, another exception occurred",
)
# Where a cut may fall: a character no key or encoded run holds.
CUT_BOUNDARY = r"[^A-Za-z0-9_\-+/=.~%]"
# Where a tail cut goes forward to when no boundary is near: white space (JavaScript's
# ``\s``, spelt out).
CUT_SPACE = r"[ \t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
# The boundaries a cut looks for first, in order, within its window: a line's end (a tail
# cut: a value keeps the label its line gives it, or goes with it), white space, then a
# quote, bracket or separator that ends a value. A password holds any other punctuation
# (``#``, ``$``, ``^``, ``&``, ``!``, ``@``): cut there, most of it stayed in view.
CUT_TIERS = (r"\n", CUT_SPACE, r"[\"'`,;<>\[\]{}|]")
# What a traceback's blocks, frames and final line are trimmed of, as characters (a
# trim, not a pattern: a pattern anchored at a text's end backtracks over every run of
# space): what either language's own trim takes (Python's ``str.strip`` also takes
# \x1c-\x1f and \x85, JavaScript's ``trim`` also U+FEFF), so both trim alike.
TRIM_SPACE = (
    " \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
# Embedded images and other base64 payloads: a data URI's payload (group 1 its head), or
# a long unbroken run (anchored at the run's start, so many 399-char runs cost linear
# time; the readers keep one only when it mixes capitals, small letters and digits).
DATA_URI = r"(data:[A-Za-z0-9_.+/-]{1,100};base64,)[A-Za-z0-9+/=\r\n]{100,}"
BASE64_RUN = r"(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{400,}={0,2}"
# A display's text/plain that is only the default repr of its Python object
# (``<IPython.core.display.Markdown object>``): it says nothing of what was shown, so a
# text/markdown beside it is read instead (a traceback shown as Markdown).
DEFAULT_REPR = r"^<[A-Za-z0-9_.]{1,200} object(?: at 0x[0-9A-Fa-f]{1,16})?>(?![\s\S])"

# An HTML display read as text (a traceback shown as HTML whose text/plain is its object's
# default repr), in these steps, each with flags ``i`` (ASCII letters only: Python's
# ``re.I | re.A``): what is never shown (comments, scripts, styles) goes; the space
# between two cells of a table's row becomes a tab and a row's or a block's tag a line
# break (a secret-named column is then a column the redaction rules read); any other tag
# goes; the few entities a traceback uses are decoded. An element left open runs to
# the text's end, so every step is linear.
_NAME_END = rf"(?=[{_WS}/>]|{_END_OF_TEXT})"
HTML_HIDDEN = (
    rf"<!--[\s\S]*?(?:-->|{_END_OF_TEXT})"
    rf"|<(script|style|template){_NAME_END}[^>]*>?[\s\S]*?(?:</\1[{_WS}]*>|{_END_OF_TEXT})"
)
HTML_CELL_GAP = rf"</t[dh][{_WS}]*>[{_WS}]*(?=<t[dh]{_NAME_END})"
HTML_BREAK = (
    rf"<br{_NAME_END}[^>]*>?"
    r"|</?(?:tr|thead|tbody|tfoot|table|caption|p|div|pre|li|ul|ol|dl|dt|dd|h[1-6]|blockquote"
    rf"|section|article|header|footer|details|summary|hr){_NAME_END}[^>]*>?"
)
HTML_TAG = r"<[A-Za-z/!?][^>]*>?"
# Groups: 1 a decimal code point, 2 a hexadecimal one, 3 a name (HTML_NAMED).
HTML_ENTITY = r"&(?:#([0-9]{1,7})|#[xX]([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));"
HTML_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}

# Bounds, in characters (and frames), both readers keep.
LIMITS = {
    "tracebackChars": 2_000,
    "messageChars": 600,
    "frameChars": 500,
    "chainLinks": 3,
    "linkChars": 700,
    "cycleFrames": 4,
    "cutWindow": 200,
    "enameChars": 200,
    # Of an HTML display, the head read as text (the reader shows far less).
    "htmlChars": 100_000,
}


def rules_dict() -> dict[str, Any]:
    """The table, as the TypeScript copy holds it."""
    return {
        "ansi": ANSI,
        "control": CONTROL,
        "userHeader": USER_HEADER,
        "frameHeader": FRAME_HEADER,
        "inFunction": IN_FUNCTION,
        "shownByOtherCode": SHOWN_BY_OTHER_CODE,
        "libPath": LIB_PATH,
        "pythonTraceback": PYTHON_TRACEBACK,
        "cellFile": CELL_FILE,
        "chainMarkers": list(CHAIN_MARKERS),
        "cutBoundary": CUT_BOUNDARY,
        "cutTiers": list(CUT_TIERS),
        "cutSpace": CUT_SPACE,
        "trimSpace": TRIM_SPACE,
        "dataUri": DATA_URI,
        "base64Run": BASE64_RUN,
        "defaultRepr": DEFAULT_REPR,
        "htmlHidden": HTML_HIDDEN,
        "htmlCellGap": HTML_CELL_GAP,
        "htmlBreak": HTML_BREAK,
        "htmlTag": HTML_TAG,
        "htmlEntity": HTML_ENTITY,
        "htmlNamed": HTML_NAMED,
        "limits": LIMITS,
    }


TS_PATH = Path("js/lab/src/error-rules.generated.ts")


def render_typescript() -> str:
    """The TypeScript module holding a copy of the table."""
    from ..protocol import render_table

    return render_table("ERROR_RULES", rules_dict(), "jupyter_chatkit.context_policy.error_rules")


if __name__ == "__main__":
    from ..protocol import write_or_print

    write_or_print(render_typescript(), TS_PATH, sys.argv[1:])

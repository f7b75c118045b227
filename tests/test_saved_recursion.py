"""A deep traceback read from a saved notebook (the kernel's reading of its file): a
recursion through two functions is told as the pair and how often it repeated, as the
sidebar reads it (js/lab/test/recursion.test.ts)."""

from __future__ import annotations

from jupyter_chatkit.kernel.notebook_file import MAX_TRACEBACK_CHARS, output_text


def _frame(line: int, name: str, code: str) -> str:
    # IPython's block for one frame (xmode Context), coloured as it saves it.
    return (
        f"\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[2]\x1b[39m\x1b[32m, line {line}"
        f"\x1b[39m, in \x1b[36m{name}\x1b[39m\x1b[34m(n)\x1b[39m\n"
        f"\x1b[32m----> \x1b[39m\x1b[32m{line}\x1b[39m {code}\n"
    )


def test_a_saved_recursion_through_two_functions_is_told_as_the_pair() -> None:
    a = _frame(1, "a", "def a(n): return b(n+1)")
    b = _frame(2, "b", "def b(n): return a(n+1)")
    start = "Cell In[2], line 3\n      1 def a(n): return b(n+1)\n----> 3 a(0)\n"
    output = {
        "output_type": "error",
        "ename": "RecursionError",
        "evalue": "maximum recursion depth exceeded",
        "traceback": [
            "\x1b[31mRecursionError\x1b[39m     Traceback (most recent call last)",
            start,
            *[b if i % 2 else a for i in range(972)],
            "\x1b[31mRecursionError\x1b[39m: maximum recursion depth exceeded",
        ],
    }
    text = output_text(output)["text"]
    assert len(text) <= MAX_TRACEBACK_CHARS and "\x1b" not in text
    assert text.startswith("Cell In[2], line 3") and "----> 3 a(0)" in text
    assert "the 2 frames above repeated 485 more times" in text, text
    assert text.count("in a(n)") == 1, text
    assert text.endswith("RecursionError: maximum recursion depth exceeded")

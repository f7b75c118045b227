"""A ``%chat QUESTION`` answer in a JupyterLab notebook looks like the chat's answers.

Real JupyterLab and Chromium, the fake OpenAI-compatible server as the model.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from tests.fixtures.browser import LabPage
from tests.fixtures.fake_llm import FakeLLM, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

JUPYTER_EXTRA_ARGS = ["--JupyterChatKit.title_threads=False"]
ANSWER = ".jp-Cell .jck-answer"
CODE = "import numpy as np\nprint(np.arange(3))  # three numbers"

# The colour of each highlighted token kind, and of the code around it.
TOKEN_COLOURS = """(root) => {
  const code = document.querySelector(root + ' pre code');
  const colour = (cls) => {
    const token = code.querySelector('.' + cls);
    return token ? getComputedStyle(token).color : null;
  };
  return {
    code: getComputedStyle(code).color,
    keyword: colour('hljs-keyword'),
    comment: colour('hljs-comment'),
    number: colour('hljs-number'),
  };
}"""


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_a_magic_answers_code_is_highlighted_like_the_chats(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM, theme: str
) -> None:
    """The answer renderer's code got highlight.js's token spans but none of their
    colours (they were scoped to the chat): every token in the code's own colour."""
    name = f"highlight-{theme.split()[-1].lower()}.ipynb"
    lab_page.server.write_notebook(name, ["%load_ext jupyter_chatkit", "%chat some code?", "%chat"])
    lab_page.open(name)
    lab_page.command("apputils:change-theme", {"theme": theme})
    page.wait_for_function(
        "(t) => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000
    )
    scripted_llm.script(Reply(f"Here:\n\n```python\n{CODE}\n```\n"))
    lab_page.run_all()
    page.locator(f"{ANSWER} pre code .hljs-keyword").first.wait_for(timeout=60_000)
    widget = ".jck-widget-host .jck-chat .jck-msg.jck-assistant"
    page.locator(f"{widget} pre code .hljs-keyword").first.wait_for(timeout=60_000)
    screenshot(page, f"answer-{theme.split()[-1].lower()}")

    answer = page.evaluate(TOKEN_COLOURS, ANSWER)
    chat = page.evaluate(TOKEN_COLOURS, widget)
    for kind in ("keyword", "comment", "number"):
        assert answer[kind] != answer["code"], (kind, answer)
    # The same colours as the chat's own answer (the %chat widget below it).
    assert {k: answer[k] for k in ("keyword", "comment", "number")} == {
        k: chat[k] for k in ("keyword", "comment", "number")
    }
    lab_page.command("apputils:change-theme", {"theme": "JupyterLab Light"})

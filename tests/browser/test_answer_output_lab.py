"""A ``%chat QUESTION`` answer in a JupyterLab notebook looks like the chat's answers.

Real JupyterLab and Chromium, the fake OpenAI-compatible server as the model.
Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from tests.fixtures.browser import LabPage

# The server set-up these modules share (JUPYTER_*: the shared lab is kept by it).
from tests.fixtures.chat_ux_lab import JUPYTER_EXTRA_ARGS, JUPYTER_EXTRA_ENV  # noqa: F401
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page with the chat's modules (test_chat_ux.py;
# tests/fixtures/shared_labs.py), so their servers' set-up (chat_ux_lab.py): a second
# model to pick (no test here picks one) and no title requests.
SHARED_LAB = "chat_ux"
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


def test_a_magic_answers_code_is_highlighted_like_the_chats(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """The answer renderer's code got highlight.js's token spans but none of their
    colours (they were scoped to the chat): every token in the code's own colour.

    In JupyterLab's light theme, then its dark one (one notebook and kernel for both: the
    colours are the theme's, read again once it changed).
    """
    lab_page.server.write_notebook(
        "highlight.ipynb", ["%load_ext jupyter_chatkit", "%chat some code?", "%chat"]
    )
    lab_page.open("highlight.ipynb")
    scripted_llm.script(Reply(f"Here:\n\n```python\n{CODE}\n```\n"))
    widget = ".jck-widget-host .jck-chat .jck-msg.jck-assistant"
    seen: list[dict[str, Any]] = []
    try:
        for n, theme in enumerate(["JupyterLab Light", "JupyterLab Dark"]):
            lab_page.command("apputils:change-theme", {"theme": theme})
            page.wait_for_function(
                "(t) => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000
            )
            if n == 0:
                lab_page.run_all()
                page.locator(f"{ANSWER} pre code .hljs-keyword").first.wait_for(timeout=60_000)
                page.locator(f"{widget} pre code .hljs-keyword").first.wait_for(timeout=60_000)
            else:
                # The code's colour is the new theme's once its styles apply.
                page.wait_for_function(
                    f"([root, before]) => ({TOKEN_COLOURS})(root).code !== before",
                    arg=[ANSWER, seen[0]["code"]],
                    timeout=30_000,
                )
            screenshot(page, f"answer-{theme.split()[-1].lower()}")

            answer = page.evaluate(TOKEN_COLOURS, ANSWER)
            chat = page.evaluate(TOKEN_COLOURS, widget)
            for kind in ("keyword", "comment", "number"):
                assert answer[kind] != answer["code"], (theme, kind, answer)
            # The same colours as the chat's own answer (the %chat widget below it).
            assert {k: answer[k] for k in ("keyword", "comment", "number")} == {
                k: chat[k] for k in ("keyword", "comment", "number")
            }, theme
            seen.append(answer)
        # Each theme's own colours: the dark ones were read after the change.
        assert seen[0] != seen[1], seen
    finally:
        lab_page.command("apputils:change-theme", {"theme": "JupyterLab Light"})


SECRET = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD"


def test_a_magic_answer_says_what_it_read_and_that_values_were_hidden(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """Under a ``%chat QUESTION`` answer, the chat's "Read:" line: what the kernel's tools
    read and how many values the context policy hid from the model; never the value.
    Before, the cell's answer said neither (the widget and sidebar did)."""
    lab_page.server.write_notebook(
        "readline.ipynb",
        [f"%load_ext jupyter_chatkit\nsecret_key = '{SECRET}'", "%chat what is secret_key?"],
    )
    lab_page.open("readline.ipynb")
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "secret_key"})]),
        Reply("It is an API key; its value is hidden from me."),
    )
    lab_page.run_all()
    page.locator(ANSWER, has_text="its value is hidden").wait_for(timeout=60_000)
    line = page.locator(f"{ANSWER} .jck-readline")
    line.wait_for(timeout=30_000)
    text = str(line.inner_text())
    screenshot(page, "answer-readline")
    assert text.startswith("Read:"), text
    assert "secret_key" in text, text
    assert re.search(r"\b1 value hidden\b", text), text
    # The model was not given the value, and neither is the notebook's output.
    assert SECRET not in json.dumps(scripted_llm.requests)
    outputs = lab_page.notebook_js(
        "return JSON.stringify(nb.content.widgets[1].model.outputs.toJSON());"
    )
    assert SECRET not in outputs
    assert "jck-readline" not in outputs


ATTACK = "import os\nos.system('echo pwned')"


def write_sent_notebook(root: Path, name: str) -> None:
    """A notebook as someone could send it: a saved output in the answer's MIME type,
    whose code block is theirs (untrusted when opened: nobody signed it)."""
    answer = {
        "markdown": f"Run this:\n\n```python\n{ATTACK}\n```\n",
        "streaming": False,
        "error": None,
        "cards": [],
    }
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "id": "sent0001",
        "metadata": {},
        "source": "%chat how do I list files?",
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {
                    "application/vnd.jupyter-chatkit.answer+json": answer,
                    "text/markdown": answer["markdown"],
                    "text/plain": answer["markdown"],
                },
            }
        ],
    }
    nb = {
        "cells": [cell],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / name).write_text(json.dumps(nb))


def test_an_answer_output_from_an_untrusted_notebook_cannot_insert_or_run_its_code(
    lab_page: LabPage, page: Any, screenshot: Any
) -> None:
    """A notebook someone sent, holding an output in the answer's MIME type, showed
    Insert / Insert & run under what looked like the assistant's answer: one click ran
    the sender's code. Untrusted: Copy only and a note; once the person trusts the
    notebook, the buttons are back."""
    write_sent_notebook(lab_page.server.root_dir, "sent.ipynb")
    lab_page.open("sent.ipynb")
    bar = page.locator(f"{ANSWER} .jck-code-bar")
    bar.first.wait_for(timeout=30_000)
    buttons = "(els) => els.map((e) => e.getAttribute('aria-label'))"
    untrusted = bar.locator("button").evaluate_all(buttons)
    note = page.locator(f"{ANSWER} .jck-answer-untrusted").count()
    screenshot(page, "answer-untrusted")
    assert untrusted == ["Copy code"]
    assert note == 1

    # The person trusts the notebook: the same output gets the buttons, no note.
    page.evaluate("() => void window.jupyterapp.commands.execute('notebook:trust')")
    page.locator(".jp-Dialog button.jp-mod-accept").click()
    page.locator(f"{ANSWER} .jck-code-bar button[aria-label*='run']").wait_for(timeout=30_000)
    trusted = page.locator(f"{ANSWER} .jck-code-bar button").evaluate_all(buttons)
    assert len(trusted) == 3 and trusted[0] == "Copy code"
    assert page.locator(f"{ANSWER} .jck-answer-untrusted").count() == 0

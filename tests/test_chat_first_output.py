"""The first ``%chat QUESTION`` of a kernel says it is working before the assistant loads.

Loading the assistant's libraries (chatkit, openai-agents, openai) takes seconds in a new
kernel; the cell's output must not stay empty meanwhile. A real kernel (jupyter_client),
the fake OpenAI-compatible server as the model.
"""

from __future__ import annotations

import contextlib
import queue
from typing import Any

import pytest

from jupyter_chatkit.kernel.live import ANSWER_MIME

from .fixtures.fake_llm import FakeLLM, Reply, hang
from .nbrun import python_kernel

# User code of the test's kernel: say (on stdout) when openai-agents starts to load.
WATCH_IMPORTS = """
import sys

class _SayWhenLoaded:
    def find_spec(self, name, path=None, target=None):
        if name == "agents":
            print("loading agents", flush=True)
            sys.meta_path.remove(self)
        return None

sys.meta_path.insert(0, _SayWhenLoaded())
"""


@pytest.mark.slow
@pytest.mark.parametrize("magic", ["%chat what is in sales?", "%%chat\nwhat is in sales?"])
def test_the_first_answer_shows_thinking_before_the_assistant_loads(
    kernel_provider: FakeLLM, magic: str
) -> None:
    kernel_provider.script(Reply("Two regions."))
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive("%load_ext jupyter_chatkit\n" + WATCH_IMPORTS, timeout=120)
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive(magic, timeout=180, output_hook=messages.append)
        assert reply["content"]["status"] == "ok"

    outputs = [m for m in messages if m["msg_type"] in ("display_data", "stream")]
    loading = next(
        n for n, m in enumerate(outputs) if "loading agents" in m["content"].get("text", "")
    )
    first = outputs[0]
    # Before: the first output was the print from the import (nothing shown until then).
    assert first["msg_type"] == "display_data", outputs[: loading + 1]
    assert first["content"]["data"][ANSWER_MIME]["streaming"] is True
    assert "Thinking" in first["content"]["data"]["text/markdown"]
    # It is the answer's one display, updated to the answer in the end.
    display_id = first["content"]["transient"]["display_id"]
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(shown) == 1
    final = [m for m in messages if m["msg_type"] == "update_display_data"][-1]["content"]
    assert final["transient"]["display_id"] == display_id
    assert final["data"][ANSWER_MIME]["streaming"] is False
    assert "Two regions." in final["data"][ANSWER_MIME]["markdown"]


# User code of the test's kernel: the assistant's libraries cannot be imported (as with a
# broken or partial install), after the extension itself loaded.
BREAK_IMPORTS = """
import sys

for _name in [n for n in sys.modules if n == "chatkit" or n.startswith("chatkit.")]:
    del sys.modules[_name]
sys.modules["chatkit"] = None
"""


@pytest.mark.slow
def test_an_assistant_that_cannot_load_says_so_in_place_of_thinking(
    kernel_provider: FakeLLM,
) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive("%load_ext jupyter_chatkit\n" + BREAK_IMPORTS, timeout=120)
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive("%chat hello?", timeout=180, output_hook=messages.append)

    # chatkit loads only when the kernel's own assistant starts (the answer's modules
    # read the stream without it), so the cell does not fail: the answer says why ...
    assert reply["content"]["status"] == "ok"
    shown = [m for m in messages if m["msg_type"] == "display_data"]
    assert len(shown) == 1 and "Thinking" in shown[0]["content"]["data"]["text/markdown"]
    # ... and the placeholder is replaced by why (before: it still said "Thinking…").
    display_id = shown[0]["content"]["transient"]["display_id"]
    updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"]
    assert updates and updates[-1]["transient"]["display_id"] == display_id
    final = updates[-1]["data"]
    assert final[ANSWER_MIME]["streaming"] is False
    assert "The assistant could not start" in final["text/markdown"]
    assert "chatkit" in final[ANSWER_MIME]["error"]
    assert "Thinking" not in final["text/markdown"]


@pytest.mark.slow
def test_an_interrupted_answer_says_it_stopped(
    kernel_provider: FakeLLM,
) -> None:
    # The second question's model hangs: the person interrupts the kernel.
    kernel_provider.script(Reply("Two regions."), hang(120))
    with python_kernel() as (km, kc):
        for cell in ("%load_ext jupyter_chatkit", "%chat first?"):
            setup = kc.execute_interactive(cell, timeout=180)
            assert setup["content"]["status"] == "ok"
        msg_id = kc.execute("%chat and then?")
        messages: list[dict[str, Any]] = []
        # Wait (no timing assert) until the second model request hangs, then interrupt.
        while len(kernel_provider.requests) < 2:
            with contextlib.suppress(queue.Empty):
                messages.append(kc.get_iopub_msg(timeout=0.2))
        km.interrupt_kernel()
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            messages.append(msg)
            mine = msg["parent_header"].get("msg_id") == msg_id
            if mine and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break

    mine = [m for m in messages if m["parent_header"].get("msg_id") == msg_id]
    assert any(m["msg_type"] == "error" for m in mine)  # KeyboardInterrupt
    updates = [m["content"] for m in mine if m["msg_type"] == "update_display_data"]
    final = updates[-1]["data"]
    # Before: the last update was the draft ("Thinking…", streaming) for ever.
    assert final[ANSWER_MIME]["streaming"] is False
    assert "Stopped" in final["text/markdown"]
    assert "Thinking" not in final["text/markdown"]


# User code of the test's kernel: a module the answer loads on its way (the notebook
# lookup of a new conversation) fails to import with an error whose message holds a
# secret, as a broken dependency's module-level code can.
SECRET = "sk-test-never-shown-0123456789"
BREAK_NOTEBOOK_LOOKUP = f"""
import sys

class _Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "jupyter_chatkit.kernel.notebook_link":
            raise RuntimeError("cannot load: token {SECRET}")
        return None

sys.modules.pop("jupyter_chatkit.kernel.notebook_link", None)
sys.meta_path.insert(0, _Broken())
"""


@pytest.mark.slow
def test_a_failed_answer_says_why_not_stopped(kernel_provider: FakeLLM) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive(
            "%load_ext jupyter_chatkit\n" + BREAK_NOTEBOOK_LOOKUP, timeout=120
        )
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive("%chat hello?", timeout=180, output_hook=messages.append)

    # Before: the answer said "Stopped." and the cell ended in a traceback (the
    # exception's message, the secret with it, under the cell).
    assert reply["content"]["status"] == "ok"
    assert not any(m["msg_type"] == "error" for m in messages)
    updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"]
    final = updates[-1]["data"]
    assert final[ANSWER_MIME]["streaming"] is False
    assert "The assistant could not answer" in final["text/markdown"]
    assert "RuntimeError" in final[ANSWER_MIME]["error"]
    assert "Stopped" not in final["text/markdown"]
    assert "Thinking" not in final["text/markdown"]
    assert SECRET not in str(messages)


# User code of the test's kernel: a module ask() loads first (the live answer's) fails to
# import with an error other than ImportError whose message holds a secret, as a broken
# dependency's module-level code can (a settings check quoting the value it refused).
BREAK_LIVE_ANSWER = f"""
import sys

class _Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "jupyter_chatkit.kernel.live":
            raise RuntimeError("cannot load: token {SECRET}")
        return None

sys.modules.pop("jupyter_chatkit.kernel.live", None)
sys.meta_path.insert(0, _Broken())
"""


@pytest.mark.slow
def test_an_assistant_that_cannot_load_shows_no_secret_of_the_failure(
    kernel_provider: FakeLLM,
) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive(
            "%load_ext jupyter_chatkit\n" + BREAK_LIVE_ANSWER, timeout=120
        )
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive("%chat hello?", timeout=180, output_hook=messages.append)

    # The cell still fails, with what failed (its class) to read; before, the traceback
    # held the error's message, the secret with it, under the cell.
    assert reply["content"]["status"] == "error"
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert errors and "RuntimeError" in errors[-1]["evalue"]
    updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"]
    assert "The assistant could not start" in updates[-1]["data"]["text/markdown"]
    assert SECRET not in str(messages) and SECRET not in str(reply)


# Chat().ask() and ``await Chat().ask_async()`` fail alike (before, ask_async raised what
# ask answered, the exception's message with its secret in the cell's traceback).
ASK_CALLS = {
    "ask": "from jupyter_chatkit import Chat\nChat().ask('hello?')",
    "ask_async": "from jupyter_chatkit import Chat\nawait Chat().ask_async('hello?')",
}


def _shown_texts(messages: list[dict[str, Any]]) -> str:
    shown = [m for m in messages if m["msg_type"] in ("display_data", "update_display_data")]
    return "\n".join(str(m["content"]["data"].get("text/markdown", "")) for m in shown)


@pytest.mark.slow
@pytest.mark.parametrize("call", sorted(ASK_CALLS))
def test_ask_and_ask_async_answer_a_failure_alike(kernel_provider: FakeLLM, call: str) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive(BREAK_NOTEBOOK_LOOKUP, timeout=120)
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive(ASK_CALLS[call], timeout=180, output_hook=messages.append)

    assert reply["content"]["status"] == "ok", [
        m["content"] for m in messages if m["msg_type"] == "error"
    ]
    assert not any(m["msg_type"] == "error" for m in messages)
    shown = _shown_texts(messages)
    assert "The assistant could not answer" in shown
    assert "RuntimeError" in shown
    assert SECRET not in str(messages) and SECRET not in str(reply)


# User code of the test's kernel: the notebook lookup fails to import with the
# notebook's own ImportError subclass, whose __str__ says it ran and returns a secret.
BREAK_NOTEBOOK_LOOKUP_IMPORT = f"""
import sys

class NotebookImportError(ImportError):
    def __str__(self):
        print("__str__ ran", flush=True)
        return "cannot load: token {SECRET}"

class _Broken:
    def find_spec(self, name, path=None, target=None):
        if name == "jupyter_chatkit.kernel.notebook_link":
            raise NotebookImportError("token {SECRET}")
        return None

sys.modules.pop("jupyter_chatkit.kernel.notebook_link", None)
sys.meta_path.insert(0, _Broken())
"""


@pytest.mark.slow
@pytest.mark.parametrize("call", sorted(ASK_CALLS))
def test_a_failed_answer_names_an_import_error_by_its_class_only(
    kernel_provider: FakeLLM, call: str
) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive(BREAK_NOTEBOOK_LOOKUP_IMPORT, timeout=120)
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive(ASK_CALLS[call], timeout=180, output_hook=messages.append)

    assert reply["content"]["status"] == "ok"
    shown = _shown_texts(messages)
    assert "The assistant could not answer" in shown
    assert "(NotebookImportError)" in shown
    # Before: the answer named the error's message, which ran the notebook's __str__
    # and showed the secret it returned.
    assert SECRET not in str(messages) and SECRET not in str(reply)
    assert "__str__ ran" not in str(messages)


@pytest.mark.slow
@pytest.mark.parametrize("call", sorted(ASK_CALLS))
def test_ask_and_ask_async_that_cannot_load_raise_alike(
    kernel_provider: FakeLLM, call: str
) -> None:
    with python_kernel() as (_km, kc):
        setup = kc.execute_interactive(BREAK_LIVE_ANSWER, timeout=120)
        assert setup["content"]["status"] == "ok"
        messages: list[dict[str, Any]] = []
        reply = kc.execute_interactive(ASK_CALLS[call], timeout=180, output_hook=messages.append)

    # The cell fails saying what failed (its class), never what it said.
    assert reply["content"]["status"] == "error"
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert errors and errors[-1]["ename"] == "RuntimeError"
    assert "libraries did not load (RuntimeError)" in errors[-1]["evalue"]
    assert SECRET not in str(messages) and SECRET not in str(reply)

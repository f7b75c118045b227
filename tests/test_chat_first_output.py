"""The first ``%chat QUESTION`` of a kernel says it is working before the assistant loads.

Loading the assistant's libraries (chatkit, openai-agents, openai) takes seconds in a new
kernel; the cell's output must not stay empty meanwhile. A real kernel (jupyter_client),
the fake OpenAI-compatible server as the model.
"""

from __future__ import annotations

from typing import Any

import pytest

from jupyter_chatkit.kernel.live import ANSWER_MIME

from .fixtures.fake_llm import FakeLLM, Reply
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

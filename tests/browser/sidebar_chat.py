"""Chat helpers of the sidebar's browser tests (test_sidebar*.py)."""

from __future__ import annotations

from typing import Any

from tests.fixtures.browser import ASSISTANT, USER
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall


def answers(page: Any) -> int:
    """How many assistant messages the panel shows."""
    return int(page.locator(ASSISTANT).count())


def tool_then_answer(llm: FakeLLM, tool: str, answer: str, **args: Any) -> None:
    """Script one client tool call, then an answer."""
    llm.script(Reply(tool_calls=[ToolCall(tool, args)]), Reply(answer))


def last_user_message(page: Any) -> str:
    """The text of the last user message in the panel."""
    return str(page.locator(USER).last.inner_text())

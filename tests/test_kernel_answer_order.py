"""A kernel's answer (``%%chat``, ``%chat QUESTION``, ``ask()``) shows its texts and code
cards in the order they came, as the chat does: what a notebook shows without the widget
(text/markdown, text/plain) and what streams meanwhile.

The assistant is the real one (real SQLite store) with a scripted ``agents`` model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call

from jupyter_chatkit.kernel.live import ANSWER_MIME, LiveAnswer, StreamingClient
from jupyter_chatkit.kernel.runtime import get_runtime, kernel_context
from jupyter_chatkit.settings import Settings

CARD = 'sales.groupby("region")["revenue"].mean()'
BEFORE = "Here is the mean per region."
AFTER = "Run it when you are ready."


class RecordedDisplay:
    """Stands in for IPython's display handle: keeps every bundle shown."""

    def __init__(self) -> None:
        self.bundles: list[dict[str, Any]] = []

    def update(self, bundle: dict[str, Any], raw: bool = False) -> None:
        """Record ``bundle`` (what the cell's output would become)."""
        assert raw
        self.bundles.append(bundle)


def positions(markdown: str) -> list[int]:
    """Where the first text, the card and the last text are in ``markdown`` (-1: absent)."""
    return [markdown.find(BEFORE), markdown.find(CARD), markdown.find(AFTER)]


def test_text_and_cards_show_in_the_order_they_came(tmp_path: Path) -> None:
    # As the offline model does: a text, then the card in the same response; then more.
    model = ScriptedModel(
        [
            ModelStep(
                output=[
                    assistant_message(BEFORE, item_id="m1"),
                    function_call("propose_code", {"code": CARD, "title": "Mean"}, call_id="c1"),
                ]
            ),
            ModelStep(output=[assistant_message(AFTER, item_id="m2")]),
        ]
    )
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", title_threads=False)
    runtime = get_runtime()
    shown = RecordedDisplay()
    live = LiveAnswer(shown)

    async def ask() -> Any:
        assistant = await runtime.assistant(settings, model)
        return await StreamingClient(assistant, kernel_context(), live.post).ask("mean revenue?")

    answer = live.wait(runtime.submit(ask()), timeout=60)
    model.assert_complete()
    assert answer.code == CARD

    *drafts, final = shown.bundles
    # The final output, in every front end's MIME type: text, card, text.
    for markdown in (final["text/markdown"], final[ANSWER_MIME]["markdown"], answer.markdown()):
        before, card, after = positions(markdown)
        assert -1 < before < card < after, markdown
    # Meanwhile: whatever is there so far, in that order too.
    for draft in drafts:
        found = [p for p in positions(draft[ANSWER_MIME]["markdown"]) if p != -1]
        assert found == sorted(found), draft
    assert any(CARD in d[ANSWER_MIME]["markdown"] for d in drafts)

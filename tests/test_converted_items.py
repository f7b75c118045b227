"""A turn converts only the stored items new since the last one (model_input.py's
ConvertedItems): the history read with its stored JSON is answered from memory item by
item, the same model input as a fresh conversion; an edited item, another policy, a
quoted text no longer last and an attachment that could not be read are converted anew."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chatkit.agents import ThreadItemConverter
from chatkit.types import (
    Attachment,
    FileAttachment,
    ThreadItem,
)

from jupyter_chatkit.assistant.model_input import ConvertedItems, PolicyConverter, RedactedItems
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.store.codec import dump_item, load_item

from .fixtures.items import answer_item, tool_call_item, user_item

API_KEY = "sk-convtest-Wq7zL3vN8pX2kR5tYb4M"


def policy(*more: str) -> ContextPolicy:
    return ContextPolicy(exact=(API_KEY, *more), prefixed=(API_KEY,))


def read_back(items: list[ThreadItem]) -> tuple[list[ThreadItem], dict[int, str]]:
    """``items`` as a turn reads them from the store: parsed anew, with their JSON."""
    texts = [dump_item(item) for item in items]
    read: list[ThreadItem] = []
    for item, text in zip(items, texts, strict=True):
        parsed = load_item(text, item_id=item.id, thread_id="t1")
        assert parsed is not None
        read.append(parsed)
    return read, {id(item): text for item, text in zip(read, texts, strict=True)}


@pytest.fixture
def conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The id of every item that goes through ChatKit's converter, in order."""
    seen: list[str] = []
    real = ThreadItemConverter._thread_item_to_input_item

    async def counting(self: Any, item: ThreadItem, is_last_message: bool = True) -> Any:
        seen.append(item.id)
        return await real(self, item, is_last_message)

    monkeypatch.setattr(ThreadItemConverter, "_thread_item_to_input_item", counting)
    return seen


async def convert(
    items: list[ThreadItem], memory: ConvertedItems, p: ContextPolicy | None = None
) -> list[Any]:
    read, stored = read_back(items)
    converter = PolicyConverter(
        p or policy(), cache=RedactedItems(), stored=stored, converted=memory
    )
    return await converter.to_agent_input(read)


async def fresh(items: list[ThreadItem], p: ContextPolicy | None = None) -> list[Any]:
    """The model input of ``items`` converted with no memory at all."""
    return await PolicyConverter(p or policy(), cache=RedactedItems()).to_agent_input(items)


@pytest.mark.asyncio
async def test_a_turn_converts_only_the_items_new_since_the_last(conversions: list[str]) -> None:
    history: list[ThreadItem] = [
        user_item("u1", f"my key is {API_KEY}"),
        answer_item("a1", "noted"),
        tool_call_item("c1", {"source": f"KEY='{API_KEY}'"}),
        answer_item("a2", "done"),
        user_item("u2", "and now?"),
    ]
    memory = ConvertedItems()
    first = await convert(history, memory)
    assert first == await fresh(history) and API_KEY not in json.dumps(first)
    conversions.clear()
    # The next turn: the same stored items and two new ones.
    longer = [*history, answer_item("a3", "here"), user_item("u3", "thanks")]
    second = await convert(longer, memory)
    assert conversions == ["a3", "u3"]  # fails before: all 7 converted again
    assert second == await fresh(longer)
    assert memory.info().hits == 5


@pytest.mark.asyncio
async def test_edited_items_another_policy_and_a_quote_not_last_are_converted_anew(
    conversions: list[str],
) -> None:
    memory = ConvertedItems()
    quoting = user_item("u1", "explain", quoted_text=f"x = '{API_KEY}'")
    await convert([answer_item("a0", "hi"), quoting], memory)
    conversions.clear()
    # The quote is sent only while its message is last.
    later = await convert([answer_item("a0", "hi"), quoting, answer_item("a1", "sure")], memory)
    assert conversions == ["u1", "a1"]
    assert "referring to this" not in json.dumps(later)
    assert later == await fresh([answer_item("a0", "hi"), quoting, answer_item("a1", "sure")])
    # An edited message (same id, other stored text).
    conversions.clear()
    edited = await convert(
        [answer_item("a0", "hi"), user_item("u1", "explain this instead")], memory
    )
    assert conversions == ["u1"] and "explain this instead" in json.dumps(edited)
    # Another policy hides other values: nothing is taken from the first one's memory.
    conversions.clear()
    other = policy("explain")
    hidden = await convert(
        [answer_item("a0", "hi"), user_item("u1", "explain this instead")], memory, other
    )
    assert conversions == ["a0", "u1"]
    assert hidden == await fresh(
        [answer_item("a0", "hi"), user_item("u1", "explain this instead")], other
    )


@pytest.mark.asyncio
async def test_an_attachment_that_could_not_be_read_is_read_again(
    conversions: list[str],
) -> None:
    attachment = FileAttachment(id="f1", name="notes.txt", mime_type="text/plain")
    item = user_item("u1", "see the file", attachments=[attachment])
    fail = [True]

    async def read(attachment_id: str) -> tuple[Attachment, bytes]:
        if fail[0]:
            raise OSError("store unavailable")
        return attachment, f"password: {API_KEY}\n".encode()

    memory = ConvertedItems()
    items: list[ThreadItem] = [item, answer_item("a1", "cannot read it")]

    async def turn() -> list[Any]:
        read_items, stored = read_back(items)
        converter = PolicyConverter(
            policy(), read, cache=RedactedItems(), stored=stored, converted=memory
        )
        return await converter.to_agent_input(read_items)

    assert "could not be read" in json.dumps(await turn())
    fail[0] = False
    conversions.clear()
    second = await turn()
    assert conversions == ["u1"]  # the answer was kept, the message was not
    assert "password" in json.dumps(second) and API_KEY not in json.dumps(second)


@pytest.mark.asyncio
async def test_the_memory_is_bounded() -> None:
    memory = ConvertedItems(max_entries=3, max_chars=20_000)
    for i in range(5):
        await convert([user_item(f"u{i}", f"message {i}")], memory)
    assert memory.info().entries == 3
    await convert([user_item("big", "x" * 3_000)], memory)  # over an eighth: not kept
    assert memory.info().entries == 3 and memory.info().chars <= 20_000

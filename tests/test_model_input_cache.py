"""Stored items are redacted for the model once, not on every turn (model_input.py's
RedactedItems): the secret stays hidden, each message and tool output is redacted once
across turns, an edited message is redacted anew, the memory is bounded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    Attachment,
    ClientToolCallItem,
    FileAttachment,
    ThreadItem,
    UserMessageItem,
    WidgetItem,
)

from jupyter_chatkit.assistant.cards import code_card
from jupyter_chatkit.assistant.model_input import PolicyConverter, RedactedItems
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.context_policy.redact import Redactor
from jupyter_chatkit.store import open_store

from .chatkit_helpers import make_assistant, req, stream, user_input
from .fixtures.items import CREATED_AT, THREAD_ID, answer_item, tool_call_item, user_item

# A configured key: hidden by exact value wherever it appears.
API_KEY = "sk-cachetest-Zq8wL3vN7pX2kR5tYb4M"


@pytest.fixture
def redacted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the redactor reads, in order."""
    seen: list[str] = []
    real = Redactor.text

    def text(self: Redactor, value: str) -> str:
        seen.append(value)
        return real(self, value)

    monkeypatch.setattr(Redactor, "text", text)
    return seen


def policy() -> ContextPolicy:
    return ContextPolicy(exact=(API_KEY,), prefixed=(API_KEY,))


@pytest.mark.asyncio
async def test_each_message_is_redacted_once_across_turns(
    tmp_path: Path, redacted: list[str]
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"answer {i}", item_id=f"m{i}")]) for i in range(3)]
    )
    assistant = make_assistant(store, model, api_key=API_KEY)
    questions = [f"question {i}: my key is {API_KEY}" for i in range(3)]
    try:
        events = await stream(assistant, req("threads.create", input=user_input(questions[0])))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        for question in questions[1:]:
            await stream(
                assistant,
                req("threads.add_user_message", thread_id=thread_id, input=user_input(question)),
            )
        model.assert_complete()
        # Every turn's request carried the whole history, the key hidden in all of it.
        assert len(model.calls) == 3
        for turn, call in enumerate(model.calls):
            sent = json.dumps(call.input)
            assert API_KEY not in sent
            for i in range(turn + 1):
                assert f"question {i}: my key is" in sent
            assert sent.count("redacted") >= turn + 1
        # ...and each message went through the redactor once, on its own turn.
        for i in range(3):
            assert sum(f"question {i}: my key is" in text for text in redacted) == 1
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_a_converted_message_is_the_same_from_memory(redacted: list[str]) -> None:
    items: list[ThreadItem] = [
        user_item("u1", f"first {API_KEY}"),
        tool_call_item("c1", {"source": f"KEY='{API_KEY}'"}),
        user_item("u2", "second", quoted_text=f"quoted {API_KEY}"),
    ]
    cache = RedactedItems()
    first = await PolicyConverter(policy(), cache=cache).to_agent_input(items)
    reads = len(redacted)
    again = await PolicyConverter(policy(), cache=cache).to_agent_input(items)
    uncached = await PolicyConverter(policy(), cache=RedactedItems()).to_agent_input(items)
    assert again == first == uncached
    assert API_KEY not in json.dumps(first)
    assert "quoted" in json.dumps(first)  # the last message's quoted text is sent
    assert cache.info().hits == 3 and cache.info().misses == 3
    assert len(redacted) == 2 * reads  # the uncached converter's reads only
    # Changing what a hit returned changes nothing kept.
    again[0]["content"][0]["text"] = "changed"  # type: ignore[index,typeddict-item]
    third = await PolicyConverter(policy(), cache=cache).to_agent_input(items)
    assert third == first
    # Not last any more: the quoted text is left out, as before (a new entry).
    converter = PolicyConverter(policy(), cache=cache)
    later = await converter.to_agent_input([*items, user_item("u3", "x")])
    assert "quoted" not in json.dumps(later)


@pytest.mark.asyncio
async def test_an_edited_message_or_output_and_another_policy_are_redacted_anew(
    redacted: list[str],
) -> None:
    cache = RedactedItems()
    converter = PolicyConverter(policy(), cache=cache)
    await converter.to_agent_input([user_item("u1", f"old {API_KEY}")])
    edited = await converter.to_agent_input([user_item("u1", f"new {API_KEY}")])
    assert "new «redacted" in str(edited) and API_KEY not in str(edited)
    await converter.to_agent_input([tool_call_item("c1", {"a": API_KEY})])
    out = await converter.to_agent_input([tool_call_item("c1", {"a": f"x{API_KEY}"})])
    assert API_KEY not in json.dumps(out)
    other = ContextPolicy(exact=("another-secret-value-123",))
    plain = await PolicyConverter(other, cache=cache).to_agent_input([user_item("u1", "new sk")])
    assert cache.info().misses == 5 and cache.info().hits == 0
    assert "new sk" in json.dumps(plain)


@pytest.mark.asyncio
async def test_stored_items_are_keyed_by_their_stored_json(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the stored JSON of the history's items (History.payloads), their keys are
    digests of it: no item is serialised again, the input is the same, an item whose
    stored text changed is converted anew, and one without stored text is still keyed."""
    from jupyter_chatkit.store.codec import dump_item, load_item

    items: list[ThreadItem] = [
        user_item("u1", f"first {API_KEY}"),
        tool_call_item("c1", {"source": f"KEY='{API_KEY}'"}),
        user_item("u2", "second"),
    ]
    texts = [dump_item(item) for item in items]
    read = [load_item(text, item_id="x", thread_id="t1") for text in texts]
    stored = {id(item): text for item, text in zip(read, texts, strict=True)}
    serialised: list[str] = []
    for kind in (UserMessageItem, ClientToolCallItem):
        real = kind.model_dump_json

        def counting(self: Any, *args: Any, _real: Any = real, **kwargs: Any) -> str:
            serialised.append(self.id)
            return str(_real(self, *args, **kwargs))

        monkeypatch.setattr(kind, "model_dump_json", counting)
    cache = RedactedItems()
    first = await PolicyConverter(policy(), cache=cache, stored=stored).to_agent_input(read)
    assert serialised == []  # fails before: every item serialised for its key
    uncached = await PolicyConverter(policy(), cache=RedactedItems()).to_agent_input(items)
    assert first == uncached and API_KEY not in json.dumps(first)
    again = await PolicyConverter(policy(), cache=cache, stored=stored).to_agent_input(read)
    assert again == first and cache.info().hits == 3
    # The same items keyed by their serialisation are other entries (never confused).
    await PolicyConverter(policy(), cache=cache).to_agent_input(read)
    assert cache.info().misses == 6
    # An edited message's stored text differs: converted anew.
    edited = user_item("u2", "second, edited")
    text = dump_item(edited)
    read_edited = load_item(text, item_id="u2", thread_id="t1")
    out = await PolicyConverter(
        policy(), cache=cache, stored={id(read_edited): text}
    ).to_agent_input([read_edited])
    assert "second, edited" in json.dumps(out)


@pytest.mark.asyncio
async def test_the_memory_is_bounded() -> None:
    cache = RedactedItems(max_entries=2, max_chars=8_000)
    converter = PolicyConverter(policy(), cache=cache)
    for i in range(3):
        await converter.to_agent_input([user_item(f"u{i}", f"message {i}")])
    assert cache.info().entries == 2
    await converter.to_agent_input([user_item("u0", "message 0")])  # the oldest was dropped
    assert cache.info().hits == 0
    await converter.to_agent_input([user_item("big", "x" * 1_100)])  # over an eighth: not kept
    assert cache.info().entries == 2 and cache.info().chars <= 8_000
    cache = RedactedItems(max_entries=100, max_chars=8_000)
    converter = PolicyConverter(policy(), cache=cache)
    for i in range(12):  # ~950 characters each: the oldest go to stay within max_chars
        await converter.to_agent_input([user_item(f"m{i}", "y" * 900)])
    assert cache.info().chars <= 8_000 and 0 < cache.info().entries < 12


@pytest.mark.asyncio
async def test_an_attachment_that_could_not_be_read_is_read_again() -> None:
    attachment = FileAttachment(id="a1", name="notes.txt", mime_type="text/plain")
    item = user_item("u1", "see the file", attachments=[attachment])
    fail = [True]

    async def read(attachment_id: str) -> tuple[Attachment, bytes]:
        if fail[0]:
            raise OSError("store unavailable")
        return attachment, f"line 1\npassword: {API_KEY}\n".encode()

    cache = RedactedItems()
    first = await PolicyConverter(policy(), read, cache=cache).to_agent_input([item])
    assert "could not be read" in json.dumps(first)
    fail[0] = False
    second = await PolicyConverter(policy(), read, cache=cache).to_agent_input([item])
    assert "line 1" in json.dumps(second) and API_KEY not in json.dumps(second)
    third = await PolicyConverter(policy(), read, cache=cache).to_agent_input([item])
    assert third == second and cache.info().hits == 1


@pytest.mark.asyncio
async def test_an_attached_notebook_is_read_by_its_lines_and_its_secrets_hidden() -> None:
    """In a .ipynb file each line is its own JSON string: a frame of names and values, a
    YAML block or a value_counts() under ``password`` were not lines to the policy, and
    their secrets reached the model. The notebook is read as its cells' text."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("settings")
    frame = (
        "            name           value\n"
        "0        db_host  db.example\n"
        "1    db_password    Wq7vLp2nXz9t"
    )
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=frame)]
    nb.cells = [
        cell,
        nbformat.v4.new_markdown_cell(
            "services:\n  db:\n    env:\n"
            "      - name: POSTGRES_PASSWORD\n        value: Xq93Lm20Zt81\n"
        ),
    ]
    attachment = FileAttachment(id="a1", name="run.ipynb", mime_type="application/x-ipynb+json")
    item = user_item("u1", "why does this fail?", attachments=[attachment])

    async def read(attachment_id: str) -> tuple[Attachment, bytes]:
        return attachment, nbformat.writes(nb).encode()

    sent = json.dumps(await PolicyConverter(policy(), read).to_agent_input([item]))
    assert "Wq7vLp2nXz9t" not in sent and "Xq93Lm20Zt81" not in sent
    assert "db_password" in sent and "POSTGRES_PASSWORD" in sent


@pytest.mark.asyncio
async def test_an_earlier_answer_quoting_a_key_configured_since_is_hidden(tmp_path: Path) -> None:
    """A thread begun before the key was configured (or a pattern added, redaction
    switched on, another model chosen): its answers echo the secret the person pasted.
    Answered again with the key configured, the model reads every earlier item through
    the policy, its own answers and cards too, not only the person's messages."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    before = ScriptedModel(
        [ModelStep(output=[assistant_message(f"Noted: you use the key {API_KEY}.", item_id="a1")])]
    )
    after = ScriptedModel([ModelStep(output=[assistant_message("ok", item_id="a2")])])
    try:
        events = await stream(
            make_assistant(store, before), req("threads.create", input=user_input(f"{API_KEY}"))
        )
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        question = user_input("and now?")
        await stream(
            make_assistant(store, after, api_key=API_KEY),
            req("threads.add_user_message", thread_id=thread_id, input=question),
        )
        sent = json.dumps(after.calls[0].input)
        assert "Noted: you use the key" in sent and "and now?" in sent
        assert API_KEY not in sent and API_KEY[-12:] not in sent
    finally:
        await store.close()


@pytest.mark.asyncio
async def test_answers_and_cards_are_read_through_the_policy() -> None:
    card = code_card(f"client = OpenAI(api_key='{API_KEY}')", title="Connect")
    items: list[ThreadItem] = [
        user_item("u1", "connect me"),
        answer_item("a1", f"Use {API_KEY} as below."),
        WidgetItem(id="w1", thread_id=THREAD_ID, created_at=CREATED_AT, widget=card),
        user_item("u2", "thanks"),
    ]
    for cache in (RedactedItems(), RedactedItems()):
        sent = json.dumps(await PolicyConverter(policy(), cache=cache).to_agent_input(items))
        assert API_KEY not in sent and API_KEY[-12:] not in sent
        assert "as below" in sent and "client = OpenAI(" in sent

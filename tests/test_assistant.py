"""NotebookAssistant end to end through ``handle()``, with a scripted model and real SQLite."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import openai
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import (
    AssistantMessageItem,
    ClientEffectEvent,
    ClientToolCallItem,
    ErrorEvent,
    SDKHiddenContextItem,
    ThreadCreatedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadUpdatedEvent,
    UserMessageItem,
    WidgetItem,
)

from jupyter_chatkit.assistant.cards import code_card
from jupyter_chatkit.assistant.history import bound_items, estimate_tokens
from jupyter_chatkit.assistant.partial import CUT_OFF_NOTE, STOPPED_NOTE
from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.assistant.titles import local_title
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.logs import setup_logging
from jupyter_chatkit.protocol import ErrorCode
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import (
    ALICE,
    BOB,
    json_call,
    make_assistant,
    req,
    stream,
    types_of,
    user_input,
)

Factory = Callable[..., "asyncio.Future[NotebookAssistant]"]


@pytest.fixture(autouse=True, scope="module")
def _process_logging() -> None:
    """What the server extension and the kernel do before they build an assistant."""
    setup_logging()


def thread_id_of(events: list) -> str:
    return next(e.thread.id for e in events if e.type == "thread.created")


def answer_text(events: list) -> str:
    done = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)
    ]
    return "".join(part.text for item in done for part in item.content)


@pytest.mark.asyncio
async def test_create_thread_streams_answer_and_title(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("Hello **there**", item_id="m1")]),
            ModelStep(output=[assistant_message("Greeting the assistant.", item_id="t1")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model, title_threads=True)
    events = await stream(assistant, req("threads.create", input=user_input("hi there")))
    kinds = types_of(events)
    assert kinds[0] == "thread.created"
    assert "stream_options" in kinds
    assert "thread.item.updated" in kinds  # text streamed as deltas
    assert answer_text(events) == "Hello **there**"
    updated = [e for e in events if isinstance(e, ThreadUpdatedEvent)]
    assert updated and updated[-1].thread.title == "Greeting the assistant"
    model.assert_complete()

    thread_id = thread_id_of(events)
    status, page = await json_call(
        assistant, req("items.list", thread_id=thread_id, order="asc", limit=20)
    )
    assert status == 200
    assert [i["type"] for i in page["data"]] == ["user_message", "assistant_message"]
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert thread["title"] == "Greeting the assistant"


@pytest.mark.asyncio
async def test_title_falls_back_to_first_words_when_model_fails(sqlite_store: SQLStore) -> None:
    model = ScriptedModel(
        [
            ModelStep(output=[assistant_message("ok", item_id="m1")]),
            ModelStep.raise_error(RuntimeError("no titles today")),
        ]
    )
    assistant = make_assistant(sqlite_store, model, title_threads=True)
    events = await stream(
        assistant, req("threads.create", input=user_input("plot the sales by region please now"))
    )
    # The local title came with thread.created; the failed model title leaves it.
    titles = [
        e.thread.title for e in events if isinstance(e, ThreadCreatedEvent | ThreadUpdatedEvent)
    ]
    assert titles[-1] == "plot the sales by region please"
    model.assert_complete()


def _variables_then(text: str) -> ScriptedModel:
    """A model that asks for list_kernel_variables, then answers ``text``."""
    return ScriptedModel(
        [
            ModelStep(
                output=[function_call("list_kernel_variables", {}, call_id="c1", item_id="f1")]
            ),
            ModelStep(output=[assistant_message(text, item_id="m2")]),
        ]
    )


@pytest.mark.asyncio
async def test_client_tool_round_trip(sqlite_store: SQLStore) -> None:
    model = _variables_then("You have `df` (3 x 2).")
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("what vars?")))
    calls = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, ClientToolCallItem)
    ]
    assert len(calls) == 1 and calls[0].name == "list_kernel_variables"
    assert calls[0].status == "pending"
    assert not answer_text(events)

    thread_id = thread_id_of(events)
    output = {"variables": [{"name": "df", "type": "pandas.DataFrame", "shape": [3, 2]}]}
    events = await stream(
        assistant, req("threads.add_client_tool_output", thread_id=thread_id, result=output)
    )
    assert answer_text(events) == "You have `df` (3 x 2)."
    # The model's second call saw the tool's real output.
    second_input = model.calls[1].input
    outputs = [i for i in second_input if i.get("type") == "function_call_output"]
    seen = json.loads(outputs[0]["output"])
    # Framed as data and counted by the context policy, the output itself unchanged.
    assert seen.pop("untrusted_data") and seen.pop("redacted") == 0
    assert outputs and seen == output

    stored = await sqlite_store.load_thread_items(thread_id, None, 20, "asc", ALICE)
    tool_items = [i for i in stored.data if isinstance(i, ClientToolCallItem)]
    assert tool_items[0].status == "completed" and tool_items[0].output == output


@pytest.mark.asyncio
async def test_tool_output_without_pending_call_is_an_error_event(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("hi", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    events = await stream(
        assistant,
        req("threads.add_client_tool_output", thread_id=thread_id_of(events), result={}),
    )
    assert types_of(events) == ["error"]
    assert isinstance(events[0], ErrorEvent) and events[0].allow_retry is False


@pytest.mark.asyncio
async def test_a_tool_call_answered_twice_says_so_once_in_words(
    sqlite_store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Two clients answer one call (a %chat widget taking up the kernel's call as left
    behind, two windows): the first result goes on, the second is told in words that no
    call waited for it; nothing is logged as a server error, the model is not asked again."""
    model = _variables_then("You have `df`.")
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("what vars?")))
    thread_id = thread_id_of(events)
    answer = req("threads.add_client_tool_output", thread_id=thread_id, result={"variables": []})
    assert answer_text(await stream(assistant, answer)) == "You have `df`."
    with caplog.at_level(logging.DEBUG):
        again = await stream(assistant, answer)
    assert types_of(again) == ["error"]
    error = again[0]
    assert isinstance(error, ErrorEvent) and error.allow_retry is False
    assert "waiting for this result" in (error.message or "")
    assert thread_id not in (error.message or "") and "ClientToolCallItem" not in (
        error.message or ""
    )
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    model.assert_complete()


async def _card_thread(sqlite_store: SQLStore) -> tuple[NotebookAssistant, str, WidgetItem]:
    code = "df.plot(x='a', y='b')"
    model = ScriptedModel(
        [
            ModelStep(
                output=[
                    function_call(
                        "propose_code",
                        {"code": code, "title": "Plot a vs b", "explanation": "A line plot."},
                        call_id="c1",
                        item_id="f1",
                    )
                ]
            ),
            ModelStep(output=[assistant_message("Click Insert to add it.", item_id="m2")]),
        ]
    )
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("plot df")))
    cards = [
        e.item
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, WidgetItem)
    ]
    assert len(cards) == 1
    assert cards[0].copy_text == code
    return assistant, thread_id_of(events), cards[0]


@pytest.mark.asyncio
async def test_code_card_insert_action_emits_effect_and_marks_card(sqlite_store: SQLStore) -> None:
    assistant, thread_id, card = await _card_thread(sqlite_store)
    # A client-made payload cannot change the code that is inserted.
    action = {
        "type": "notebook.insert_and_run_cell",
        "payload": {"code": "import os; os.remove('x')", "position": "below"},
    }
    events = await stream(
        assistant,
        req("threads.custom_action", thread_id=thread_id, item_id=card.id, action=action),
    )
    effects = [e for e in events if isinstance(e, ClientEffectEvent)]
    assert len(effects) == 1
    assert effects[0].name == "notebook.insert_and_run_cell"
    assert effects[0].data == {"code": "df.plot(x='a', y='b')", "position": "below", "run": True}
    replaced = [e for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert "Inserted and ran" in replaced[0].item.widget.model_dump_json()

    # The card's new state survives a reload.
    reloaded = await sqlite_store.load_item(thread_id, card.id, ALICE)
    assert "Inserted and ran in the notebook" in reloaded.model_dump_json()


@pytest.mark.asyncio
async def test_insert_action_needs_a_card(sqlite_store: SQLStore) -> None:
    assistant, thread_id, _ = await _card_thread(sqlite_store)
    action = {"type": "notebook.insert_cell", "payload": {"code": "x", "position": "below"}}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, action=action)
    )
    assert types_of(events)[-1] == "error"
    assert not any(isinstance(e, ClientEffectEvent) for e in events)


@pytest.mark.asyncio
async def test_feedback_is_persisted(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("hi", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    thread_id = thread_id_of(events)
    status, _ = await json_call(
        assistant, req("items.feedback", thread_id=thread_id, item_ids=["m1"], kind="positive")
    )
    assert status == 200
    assert await sqlite_store.load_feedback(thread_id, ALICE) == {"m1": "positive"}
    status, body = await json_call(
        assistant,
        req("items.feedback", thread_id=thread_id, item_ids=["m1"], kind="negative"),
        BOB,
    )
    assert status == 404 and "message" in body


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "not valid JSON"),
        # Valid, but nested deeper than the parser reads: said as such, not "not valid".
        (b'{"type": "threads.create", "params": ' + b"[" * 5_000 + b"]" * 5_000 + b"}", "too deep"),
        (b'{"type": "threads.explode", "params": {}}', "Unknown request type"),
        (b'{"type": "threads.get_by_id", "params": {}}', "thread_id"),
        (b"[]", "Invalid request"),
    ],
)
@pytest.mark.asyncio
async def test_bad_requests_are_400_with_message(
    sqlite_store: SQLStore, body: bytes, needle: str
) -> None:
    assistant = make_assistant(sqlite_store, ScriptedModel())
    status, payload = await json_call(assistant, body)
    assert status == 400 and payload["code"] == ErrorCode.INVALID_REQUEST
    assert needle in payload["message"]
    assert "Traceback" not in payload["message"]


@pytest.mark.asyncio
async def test_unknown_thread_is_404_or_one_error_event(
    sqlite_store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    assistant = make_assistant(sqlite_store, ScriptedModel())
    status, payload = await json_call(assistant, req("threads.get_by_id", thread_id="thr_nope"))
    assert status == 404 and payload["message"] and payload["code"] == ErrorCode.NOT_FOUND
    events = await stream(
        assistant, req("threads.add_user_message", thread_id="thr_nope", input=user_input("x"))
    )
    assert types_of(events) == ["error"]
    # ChatKit logs this with logger.exception; the log keeps one line, no traceback.
    assert all(record.exc_info is None for record in caplog.records)
    assert "Traceback" not in caplog.text


def _internal_error() -> openai.InternalServerError:
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/responses")
    response = httpx.Response(500, request=request, json={"error": {"message": "boom"}})
    return openai.InternalServerError("boom sk-secret", response=response, body=None)


@pytest.mark.asyncio
async def test_model_failure_before_output_is_one_retryable_error(
    sqlite_store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    model = ScriptedModel([ModelStep.raise_error(_internal_error())])
    assistant = make_assistant(sqlite_store, model, max_retries=0)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and errors[0].allow_retry
    assert "sk-secret" not in (errors[0].message or "")
    assert "sk-secret" not in caplog.text and "Traceback" not in caplog.text
    thread_id = thread_id_of(events)
    stored = await sqlite_store.load_thread_items(thread_id, None, 20, "asc", ALICE)
    # The question is kept so the user can retry; nothing half-done is left behind.
    assert [type(i) for i in stored.data] == [UserMessageItem]

    # Retry works once the model is back.
    model.extend([ModelStep(output=[assistant_message("Back again.", item_id="m9")])])
    user_item = stored.data[0].id
    events = await stream(
        assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=user_item)
    )
    assert answer_text(events) == "Back again."


def _as_network_stream(events: list[Any]) -> list[Any]:
    """ScriptedModel announces items and parts with their full text; real APIs start empty."""
    out = []
    for event in events:
        if event.type == "response.content_part.added":
            event = event.model_copy(update={"part": event.part.model_copy(update={"text": ""})})
        elif event.type == "response.output_item.added" and event.item.type == "message":
            event = event.model_copy(update={"item": event.item.model_copy(update={"content": []})})
        out.append(event)
    return out


async def _partial_then_fail(full: list[Any], keep: int) -> AsyncIterator[Any]:
    # Like a network stream, events arrive over time before the connection breaks.
    for event in _as_network_stream(full[:keep]):
        yield event
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    raise _internal_error()


@pytest.mark.asyncio
async def test_stream_cut_midway_keeps_partial_answer(sqlite_store: SQLStore) -> None:
    # Record a real streamed answer, then replay it cut before the message is done.
    full = await _recorded_stream("Partial answer")
    cut = next(i for i, e in enumerate(full) if e.type == "response.output_text.delta") + 1
    model = ScriptedModel([ModelStep(stream_events=lambda _call: _partial_then_fail(full, cut))])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    assert types_of(events)[-1] == "error"
    # Kept, and marked as cut off, live and in the stored thread.
    assert answer_text(events) == f"Partial answer\n\n{CUT_OFF_NOTE}"
    stored = await sqlite_store.load_thread_items(thread_id_of(events), None, 20, "asc", ALICE)
    kept = [i for i in stored.data if isinstance(i, AssistantMessageItem)]
    assert kept and kept[0].content[0].text == f"Partial answer\n\n{CUT_OFF_NOTE}"


@pytest.mark.asyncio
async def test_empty_pending_message_is_removed_on_failure(sqlite_store: SQLStore) -> None:
    full = await _recorded_stream("never")
    cut = next(i for i, e in enumerate(full) if e.type == "response.output_text.delta")
    model = ScriptedModel([ModelStep(stream_events=lambda _call: _partial_then_fail(full, cut))])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    assert any(isinstance(e, ThreadItemRemovedEvent) for e in events)
    assert types_of(events)[-1] == "error"
    stored = await sqlite_store.load_thread_items(thread_id_of(events), None, 20, "asc", ALICE)
    assert [type(i) for i in stored.data] == [UserMessageItem]


@pytest.mark.asyncio
async def test_cancelling_the_consumer_cancels_the_run(sqlite_store: SQLStore) -> None:
    started = asyncio.Event()
    closed = asyncio.Event()

    async def slow(_call: Any) -> AsyncIterator[Any]:
        full = await _recorded_stream("Slow words")
        cut = next(i for i, e in enumerate(full) if e.type == "response.output_text.delta") + 1
        try:
            for event in _as_network_stream(full[:cut]):
                yield event
            started.set()
            await asyncio.sleep(60)
        finally:
            closed.set()  # the "upstream request" is closed

    model = ScriptedModel([ModelStep(stream_events=slow)])
    assistant = make_assistant(sqlite_store, model, title_threads="local")
    body = json.loads(req("threads.create", input=user_input("hello there, a long answer")))
    body["metadata"] = {"notebook": "work/nb.ipynb"}
    result = await assistant.handle(json.dumps(body), ALICE)
    assert isinstance(result, StreamResult)
    seen: list[bytes] = []

    async def consume() -> None:
        async for chunk in result.chunks:
            seen.append(chunk)

    task = asyncio.ensure_future(consume())
    await asyncio.wait_for(started.wait(), 10)
    for _ in range(500):  # until the client has seen some words
        if any(b"text_delta" in chunk for chunk in seen):
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(closed.wait(), 5)

    threads = await sqlite_store.load_threads(10, None, "desc", ALICE)
    items = await sqlite_store.load_thread_items(threads.data[0].id, None, 20, "asc", ALICE)
    # handle_stream_cancelled kept the partial answer, marked stopped, and noted the
    # cancellation for the model.
    kept = [i for i in items.data if isinstance(i, AssistantMessageItem)]
    assert kept and kept[0].content[-1].text.endswith(STOPPED_NOTE)
    assert isinstance(items.data[-1], SDKHiddenContextItem)
    # The stopped first turn still tied the thread to its notebook and gave it a title.
    thread = await sqlite_store.load_thread(threads.data[0].id, ALICE)
    assert thread.metadata.get("notebook") == "work/nb.ipynb"
    assert thread.title == local_title(items.data[0], ContextPolicy())


@pytest.mark.asyncio
async def test_users_are_isolated(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("secret plan", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    events = await stream(assistant, req("threads.create", input=user_input("alice here")))
    thread_id = thread_id_of(events)
    user_item = next(
        e.item.id
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
    )

    status, _ = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id), BOB)
    assert status == 404
    status, page = await json_call(assistant, req("threads.list", limit=50), BOB)
    assert status == 200 and page["data"] == []
    status, _ = await json_call(assistant, req("items.list", thread_id=thread_id), BOB)
    assert status == 404
    status, _ = await json_call(
        assistant, req("threads.update", thread_id=thread_id, title="pwned"), BOB
    )
    assert status == 404
    status, _ = await json_call(assistant, req("threads.delete", thread_id=thread_id), BOB)
    assert status == 404
    for body in (
        req("threads.retry_after_item", thread_id=thread_id, item_id=user_item),
        req("threads.add_user_message", thread_id=thread_id, input=user_input("hi")),
        req("threads.add_client_tool_output", thread_id=thread_id, result={}),
        req(
            "threads.custom_action",
            thread_id=thread_id,
            item_id=user_item,
            action={"type": "notebook.insert_cell", "payload": {}},
        ),
    ):
        events = await stream(assistant, body, BOB)
        assert types_of(events) == ["error"], body
    # Alice's thread is untouched.
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and len(thread["items"]["data"]) == 2
    model.assert_complete()


@pytest.mark.asyncio
async def test_history_is_bounded_by_items(sqlite_store: SQLStore) -> None:
    steps = [
        ModelStep(output=[assistant_message(f"answer {i}", item_id=f"m{i}")]) for i in range(6)
    ]
    model = ScriptedModel(steps)
    assistant = make_assistant(sqlite_store, model, history_max_items=4)
    events = await stream(assistant, req("threads.create", input=user_input("q0")))
    thread_id = thread_id_of(events)
    for i in range(1, 6):
        await stream(
            assistant,
            req("threads.add_user_message", thread_id=thread_id, input=user_input(f"q{i}")),
        )
    last_input = model.calls[-1].input
    texts = json.dumps(last_input)
    assert "q5" in texts and "q4" in texts
    assert "q0" not in texts and "q3" not in texts
    assert len(last_input) <= 4


def test_bound_items_token_budget_drops_oldest_and_starts_at_user() -> None:
    from datetime import datetime

    from chatkit.types import AssistantMessageContent, InferenceOptions, UserMessageTextContent

    def user(i: int, text: str) -> UserMessageItem:
        return UserMessageItem(
            id=f"u{i}",
            thread_id="t",
            created_at=datetime.now(),
            content=[UserMessageTextContent(text=text)],
            attachments=[],
            inference_options=InferenceOptions(),
        )

    def bot(i: int, text: str) -> AssistantMessageItem:
        return AssistantMessageItem(
            id=f"a{i}",
            thread_id="t",
            created_at=datetime.now(),
            content=[AssistantMessageContent(text=text)],
        )

    items = [user(0, "x" * 4000), bot(0, "y" * 4000), user(1, "short"), bot(1, "short too")]
    kept = bound_items(items, max_items=10, max_tokens=400)
    assert [i.id for i in kept] == ["u1", "a1"]
    # An assistant reply whose question was dropped is not sent on its own.
    kept = bound_items(items[1:], max_items=10, max_tokens=10_000)
    assert kept[0].id == "u1"
    # The newest item is always kept, even over budget.
    assert [i.id for i in bound_items([user(5, "z" * 10_000)], 10, 10)] == ["u5"]
    # The current turn is kept whole over both limits: its request, and every step with
    # the older outputs shortened (their status kept), the newest output whole.
    steps = [
        ClientToolCallItem(
            id=f"s{i}",
            thread_id="t",
            created_at=datetime.now(),
            status="completed",
            call_id=f"c{i}",
            name="run_cell",
            arguments={"index": 0},
            output={"status": "ok", "text": "o" * 15_000},
        )
        for i in range(9)
    ]
    kept = bound_items([*items, user(2, "fix it"), *steps], max_items=6, max_tokens=24_000)
    assert [i.id for i in kept] == ["u2", *(f"s{i}" for i in range(9))]
    outputs = [i.output for i in kept if isinstance(i, ClientToolCallItem)]
    assert all(o["status"] == "ok" for o in outputs) and outputs[-1]["text"] == "o" * 15_000
    assert "text" not in outputs[0]
    assert sum(estimate_tokens(i) for i in kept) <= 24_000


async def _recorded_stream(text: str) -> list[Any]:
    """The Responses-API events a scripted model streams for one text answer."""
    from agents import ModelSettings
    from agents.models.interface import ModelTracing

    recorder = ScriptedModel([ModelStep(output=[assistant_message(text, item_id="m1")])])
    stream = recorder.stream_response(
        None,
        "x",
        ModelSettings(),
        [],
        None,
        [],
        ModelTracing.DISABLED,
        previous_response_id=None,
        conversation_id=None,
        prompt=None,
    )
    return [event async for event in stream]


def test_a_code_card_shows_its_code_in_one_fence_whatever_the_model_names() -> None:
    """The model writes a card's language and title. A newline in the language ended the
    fence's first line: "python\\nprint('safe')\\n```" showed a harmless block of code
    above a card whose Insert inserts other code (found by RED6); a backtick made no
    fence at all; a 500-character title pushed the code out of view."""
    code = "import shutil; shutil.rmtree('data')"
    for language in ("python\nprint('safe')\n```\n\n```text", "py`thon", "python 3"):
        card = code_card(code, title="T" * 500 + "\nsecond line", language=language)
        parts = card.model_dump()["children"][0]["children"]  # the card's column
        texts = [c["value"] for c in parts if c.get("type") == "Markdown"]
        assert texts == [f"```python\n{code}\n```"]
        row = parts[0]["children"]
        title, badge = row[0]["value"], row[1]["label"]
        assert len(title) <= 120 and "\n" not in title and title.endswith("…")
        assert badge == "python"


@pytest.mark.parametrize(
    ("text", "closed"),
    [
        (
            "Code:\n\n```python\nimport pandas as pd\ndf.gro",
            "Code:\n\n```python\nimport pandas as pd\ndf.gro\n```",
        ),
        ("~~~~\n```\nx = 1", "~~~~\n```\nx = 1\n~~~~"),
        ("```\na\n```\n\nThen:\n\n```", "```\na\n```\n\nThen:\n\n```\n```"),
        ("```\na\n```\nAll closed.", "```\na\n```\nAll closed."),
        ("```df.head()``` shows rows; then", "```df.head()``` shows rows; then"),
    ],
)
@pytest.mark.parametrize("note", [STOPPED_NOTE, CUT_OFF_NOTE])
def test_a_code_block_an_answer_stopped_inside_is_closed_before_its_note(
    text: str, closed: str, note: str
) -> None:
    # Before, the note went into the code: the stored answer's code card (Copy, Insert,
    # a notebook's %chat output) carried "*[Stopped.]*" as a line of code.
    from datetime import datetime

    from chatkit.types import AssistantMessageContent

    from jupyter_chatkit.assistant.partial import mark_partial

    item = AssistantMessageItem(
        id="m",
        thread_id="t",
        created_at=datetime.now(),
        content=[AssistantMessageContent(text=text)],
    )
    once = mark_partial(item, note).content[-1].text
    assert once == f"{closed}\n\n{note}"
    assert mark_partial(item, note).content[-1].text == once

"""Attacks and faults against ``NotebookAssistant.handle()``, on SQLite and PostgreSQL.

Each test is one case of issue 14 ("Hardening"): what a hostile or unlucky client can
send, and what a failing database or provider can do, must end in a 400/404 JSON
answer or one ``ErrorEvent``, never in a 500, a leaked key or a half-written thread.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import (
    AssistantMessageItem,
    ErrorEvent,
    ThreadItemDoneEvent,
    UserMessageItem,
    UserMessageTextContent,
)
from sqlalchemy import text

from jupyter_chatkit.assistant.request_checks import NOT_SERVED
from jupyter_chatkit.assistant.results import NOT_UNICODE
from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.protocol import ErrorCode, Turn
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore, open_store

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

KEY = "sk-proj-Hardening0123456789abcdefXYZ"


async def raw_stream(assistant: NotebookAssistant, body: bytes) -> bytes:
    result = await assistant.handle(body, ALICE)
    assert isinstance(result, StreamResult), result
    return b"".join([chunk async for chunk in result.chunks])


async def new_thread(assistant: NotebookAssistant, question: str = "hello") -> tuple[str, str]:
    """Create a thread with one answered question; its id and the question's item id."""
    events = await stream(assistant, req("threads.create", input=user_input(question)))
    thread_id = next(e.thread.id for e in events if e.type == "thread.created")
    item_id = next(
        e.item.id
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
    )
    return thread_id, item_id


def answered(*texts: str) -> ScriptedModel:
    return ScriptedModel(
        [ModelStep(output=[assistant_message(t, item_id=f"m{i}")]) for i, t in enumerate(texts)]
    )


# 3. retry after an unknown item -------------------------------------------------------


@pytest.mark.asyncio
async def test_retry_after_unknown_item_is_one_error_event(store: SQLStore) -> None:
    model = answered("first")
    assistant = make_assistant(store, model)
    thread_id, _ = await new_thread(assistant)
    for item_id in ("msg_nope", "thr_" + "0" * 32):
        events = await stream(
            assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=item_id)
        )
        assert types_of(events) == ["error"]
        assert isinstance(events[0], ErrorEvent) and not events[0].allow_retry
    # Nothing was deleted and the model was not called again.
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200 and len(page["data"]) == 2
    assert len(model.calls) == 1


@pytest.mark.asyncio
async def test_retry_after_an_answer_is_one_error_event(store: SQLStore) -> None:
    model = answered("first")
    assistant = make_assistant(store, model)
    thread_id, _ = await new_thread(assistant)
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id, order="asc"))
    answer_id = page["data"][-1]["id"]
    assert page["data"][-1]["type"] == "assistant_message"
    events = await stream(
        assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=answer_id)
    )
    assert types_of(events) == ["error"]
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200 and len(page["data"]) == 2


@pytest.mark.asyncio
async def test_retry_of_a_message_a_newer_one_follows_deletes_nothing(store: SQLStore) -> None:
    # ChatKit's retry deletes every item after the message: a page that had not seen a
    # message sent since (another window; its own, queued on the thread's turn before
    # the Retry) deleted that message and its answer. Only the last one is retried.
    model = answered("first", "second", "second again")
    assistant = make_assistant(store, model)
    thread_id, first = await new_thread(assistant)
    events = await stream(
        assistant, req("threads.add_user_message", thread_id=thread_id, input=user_input("more"))
    )
    second = next(
        e.item.id
        for e in events
        if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
    )
    status, before = await json_call(assistant, req("items.list", thread_id=thread_id))
    events = await stream(
        assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=first)
    )
    assert types_of(events) == ["error"]
    assert isinstance(events[0], ErrorEvent) and events[0].message and not events[0].allow_retry
    status, after = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200 and after == before and len(after["data"]) == 4
    assert len(model.calls) == 2
    # The last message is answered again, as before.
    events = await stream(
        assistant, req("threads.retry_after_item", thread_id=thread_id, item_id=second)
    )
    assert "error" not in types_of(events) and len(model.calls) == 3


@pytest.mark.asyncio
async def test_an_action_from_an_item_that_is_no_card_is_one_readable_error(
    store: SQLStore,
) -> None:
    # A widget action names its card (item_id); a client naming a message instead got
    # ChatKit's bare stream.error: no message to show.
    model = answered("first")
    assistant = make_assistant(store, model)
    thread_id, _ = await new_thread(assistant)
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id, order="asc"))
    for item in page["data"]:
        events = await stream(
            assistant,
            req(
                "threads.custom_action",
                thread_id=thread_id,
                item_id=item["id"],
                action={"type": "notebook.insert_cell", "payload": {"position": "below"}},
            ),
        )
        assert types_of(events) == ["error"]
        error = events[0]
        assert isinstance(error, ErrorEvent) and error.code == "custom"
        assert error.message and "card" in error.message and not error.allow_retry
    status, after = await json_call(assistant, req("items.list", thread_id=thread_id, order="asc"))
    assert status == 200 and after["data"] == page["data"]
    assert len(model.calls) == 1


@pytest.mark.asyncio
async def test_requests_this_assistant_does_not_serve_are_a_readable_400(
    sqlite_store: SQLStore,
) -> None:
    # Dictation and actions answered without a stream: no front end of ours sends them;
    # another ChatKit client got ChatKit's words for its developer (a method to
    # override, a link to its docs, base64 decoding's error for bad audio).
    model = answered("first")
    assistant = make_assistant(sqlite_store, model)
    thread_id, item_id = await new_thread(assistant)
    action = {"type": "notebook.insert_cell", "payload": {"position": "below"}}
    for body in (
        req("input.transcribe", audio_base64="UklGRg==", mime_type="audio/webm"),
        req("input.transcribe", audio_base64="not base64", mime_type="audio/webm"),
        req("threads.sync_custom_action", thread_id=thread_id, item_id=None, action=action),
        req("threads.sync_custom_action", thread_id=thread_id, item_id=item_id, action=action),
    ):
        kind = json.loads(body)["type"]
        status, payload = await json_call(assistant, body)
        assert status == 400, (kind, payload)
        assert payload == {"message": NOT_SERVED[kind], "code": ErrorCode.INVALID_REQUEST}
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200 and len(page["data"]) == 2
    assert len(model.calls) == 1


# 1. page limits -----------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [2**63, 2**64, 10**30])
async def test_huge_page_limits_are_clamped(store: SQLStore, limit: int) -> None:
    assistant = make_assistant(store, answered("a"))
    thread_id, _ = await new_thread(assistant)
    status, page = await json_call(assistant, req("threads.list", limit=limit))
    assert status == 200 and [t["id"] for t in page["data"]] == [thread_id]
    assert page["has_more"] is False
    status, page = await json_call(
        assistant, req("items.list", thread_id=thread_id, limit=limit, order="asc")
    )
    assert status == 200 and len(page["data"]) == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("limit", [-1, -(2**63), -(10**30), "many", 1.5])
async def test_nonsense_page_limits_are_400(store: SQLStore, limit: object) -> None:
    assistant = make_assistant(store, answered("a"))
    thread_id, _ = await new_thread(assistant)
    for body in (
        req("threads.list", limit=limit),
        req("items.list", thread_id=thread_id, limit=limit),
    ):
        status, payload = await json_call(assistant, body)
        assert status == 400, body
        assert payload["message"] and "Traceback" not in payload["message"]


# 2. NUL characters --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_nul_anywhere_is_a_400_or_one_error_event(store: SQLStore) -> None:
    assistant = make_assistant(store, answered("a"))
    thread_id, _ = await new_thread(assistant)
    for body in (
        req("threads.get_by_id", thread_id="thr_\x00"),
        req("threads.update", thread_id=thread_id, title="bad\x00title"),
        req("threads.list", after="thr_\x00"),
        req("items.list", thread_id=thread_id, after="msg_\x00"),
        req("items.list", thread_id="thr_\x00"),
        req("threads.delete", thread_id="thr_\x00"),
        req("items.feedback", thread_id=thread_id, item_ids=["m\x00"], kind="positive"),
        req("attachments.create", name="a\x00.txt", size=3, mime_type="text/plain"),
        req("attachments.delete", attachment_id="att_\x00"),
    ):
        status, payload = await json_call(assistant, body)
        assert status in (400, 404), body
        assert payload["message"] and "Traceback" not in payload["message"]
    for body in (
        req("threads.add_user_message", thread_id="thr_\x00", input=user_input("x")),
        req("threads.retry_after_item", thread_id=thread_id, item_id="msg_\x00"),
    ):
        assert types_of(await stream(assistant, body)) == ["error"], body
    # The thread is as it was.
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and thread.get("title") is None and len(thread["items"]["data"]) == 2


@pytest.mark.asyncio
async def test_a_lone_surrogate_in_our_requests_is_a_plain_400(sqlite_store: SQLStore) -> None:
    """The store refuses it (UTF-8 has no lone surrogate): the answer says so plainly, not
    in the codec's words."""
    assistant = make_assistant(sqlite_store, answered("a"))
    thread_id, _ = await new_thread(assistant)
    for body in (
        req(Turn.STOP, thread_id="thr_\ud800"),
        req(Turn.STEP_STARTED, thread_id="thr_\ud800", item_id="cti_1", page="p"),
    ):
        status, payload = await json_call(assistant, body)
        assert (status, payload["message"]) == (400, NOT_UNICODE), body
    (event,) = await stream(assistant, req(Turn.WATCH, thread_id="thr_\udfff"))
    assert isinstance(event, ErrorEvent) and event.message == NOT_UNICODE
    # The thread is as it was.
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    assert status == 200 and len(thread["items"]["data"]) == 2


@pytest.mark.asyncio
async def test_nul_in_a_message_is_kept_as_text(store: SQLStore) -> None:
    model = answered("a", "b")
    assistant = make_assistant(store, model)
    thread_id, _ = await new_thread(assistant, "before\x00after")
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id, order="asc"))
    assert status == 200
    assert page["data"][0]["content"][0]["text"] == "before\x00after"
    sent = model.calls[0].input
    assert not isinstance(sent, str)
    # Stored as written; the model reads no control character (the context policy's).
    assert sent[0]["content"][0]["text"] == "beforeafter"  # type: ignore[index, typeddict-item]


# 5. the key never leaves --------------------------------------------------------------


def _echoing_error(field: str) -> openai.BadRequestError:
    request = httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions")
    body = {"error": {"message": f"bad key {KEY}", "type": KEY, "code": KEY}}
    body["error"][field] = KEY
    response = httpx.Response(400, request=request, json=body)
    return openai.BadRequestError(f"Error code: 400 - {body}", response=response, body=body)


@pytest.mark.asyncio
@pytest.mark.parametrize("field", ["code", "type"])
async def test_upstream_error_echoing_the_key_never_shows_it(
    store: SQLStore, field: str, caplog: pytest.LogCaptureFixture
) -> None:
    model = ScriptedModel([ModelStep.raise_error(_echoing_error(field))])
    assistant = make_assistant(store, model, api_key=KEY, base_url="http://127.0.0.1:9/v1")
    with caplog.at_level(logging.DEBUG):
        body = await raw_stream(assistant, req("threads.create", input=user_input("hello")))
        logging.getLogger("openai").warning("provider said %s", KEY)
    assert b'"type":"error"' in body
    assert KEY.encode() not in body
    assert KEY not in caplog.text
    assert all(KEY not in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_json_answers_are_scrubbed_of_the_key(store: SQLStore) -> None:
    assistant = make_assistant(
        store, answered(f"the key is {KEY}"), api_key=KEY, base_url="http://x/v1"
    )
    thread_id, _ = await new_thread(assistant)
    for body in (
        req("items.list", thread_id=thread_id),
        req("threads.get_by_id", thread_id=thread_id),
    ):
        status, payload = await json_call(assistant, body)
        assert status == 200 and KEY not in json.dumps(payload)
        assert "the key is" in json.dumps(payload)


# 6. database errors log no conversation -----------------------------------------------


@pytest.mark.asyncio
async def test_database_error_during_a_stream_logs_no_conversation(
    store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    async def break_the_store_then_answer(_call: Any) -> AsyncIterator[Any]:
        # A real fault, mid-stream: the items table is gone when the answer is saved.
        async with store.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE items RENAME TO items_gone"))
        recorder = answered("PRIVATE-ANSWER-text")
        from agents import ModelSettings
        from agents.models.interface import ModelTracing

        async for event in recorder.stream_response(
            None, "x", ModelSettings(), [], None, [], ModelTracing.DISABLED,
            previous_response_id=None, conversation_id=None, prompt=None,
        ):  # fmt: skip
            yield event

    model = ScriptedModel([ModelStep(stream_events=break_the_store_then_answer)])
    assistant = make_assistant(store, model)
    with caplog.at_level(logging.DEBUG):
        events = await stream(
            assistant, req("threads.create", input=user_input("PRIVATE-QUESTION-text"))
        )
    assert types_of(events)[-1] == "error"
    assert caplog.records, "the failure is logged"
    assert "PRIVATE" not in caplog.text
    assert all("PRIVATE" not in r.getMessage() for r in caplog.records)


@pytest.mark.asyncio
async def test_our_requests_on_a_failing_store_are_a_json_error_logged_without_the_conversation(
    sqlite_store: SQLStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Our own requests (protocol.Turn) on a store that fails: a JSON 500, and where it
    failed (the traceback) only in the server log, without the conversation or the SQL."""
    assistant = make_assistant(sqlite_store, answered("PRIVATE-ANSWER-text"))
    thread_id, _ = await new_thread(assistant, "PRIVATE-QUESTION-text")
    # A real fault: the items table is gone.
    async with sqlite_store.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE items RENAME TO items_gone"))
    for body, where in (
        (req(Turn.CHANGES, thread_ids=[thread_id], now=True), "turn_changes.py"),
        (req(Turn.STEP_STARTED, thread_id=thread_id, item_id="cti_1", page="p"), "step_starts.py"),
    ):
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger="jupyter_chatkit"):
            status, payload = await json_call(assistant, body)
        assert (status, payload["code"]) == (500, ErrorCode.INTERNAL), body
        assert "Traceback" not in payload["message"] and "items" not in payload["message"]
        (record,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
        logged = record.getMessage()
        assert "OperationalError" in logged and "Traceback" in logged and where in logged
        assert "PRIVATE" not in caplog.text and "SELECT" not in caplog.text


def test_engines_hide_parameters(tmp_path: Any) -> None:
    from jupyter_chatkit.store.engine import create_engine_for, resolve_url

    for url in (f"sqlite:///{tmp_path / 'x.sqlite3'}", "postgresql://u@127.0.0.1:1/db"):
        engine = create_engine_for(resolve_url(url))
        assert engine.sync_engine.hide_parameters


# 7. concurrent messages into one thread ----------------------------------------------


async def _events_for(text_: str) -> list[Any]:
    from agents import ModelSettings
    from agents.models.interface import ModelTracing

    # A fresh item id per answer, as a real model gives.
    recorder = ScriptedModel(
        [ModelStep(output=[assistant_message(text_, item_id=f"msg_{uuid.uuid4().hex}")])]
    )
    return [
        event
        async for event in recorder.stream_response(
            None, "x", ModelSettings(), [], None, [], ModelTracing.DISABLED,
            previous_response_id=None, conversation_id=None, prompt=None,
        )
    ]  # fmt: skip


async def _answer_the_last_question(call: Any) -> AsyncIterator[Any]:
    """A fake LLM that answers the newest user message of the input it was sent."""
    question = ""
    for item in call.input:
        if isinstance(item, dict) and item.get("role") == "user":
            content = item.get("content")
            parts = content if isinstance(content, list) else [{"text": content}]
            question = "".join(str(p.get("text", "")) for p in parts if isinstance(p, dict))
    for event in await _events_for(f"answer to {question}"):
        await asyncio.sleep(0.001)  # like a network stream, the others get to run
        yield event


@pytest.mark.asyncio
async def test_concurrent_messages_into_one_thread_each_get_their_own_answer(
    store: SQLStore, store_url: str
) -> None:
    # Two stores on one database, each with its own engine and in-process locks: what
    # two processes (the server and a kernel, or two servers) look like to each other.
    other = await open_store(store_url)
    try:
        n = 20
        first = make_assistant(
            store, ScriptedModel([ModelStep(stream_events=_answer_the_last_question)] * (1 + n))
        )
        second = make_assistant(
            other, ScriptedModel([ModelStep(stream_events=_answer_the_last_question)] * n)
        )
        thread_id, _ = await new_thread(first, "q-start")

        async def ask(assistant: NotebookAssistant, i: int) -> tuple[str, str]:
            events = await stream(
                assistant,
                req("threads.add_user_message", thread_id=thread_id, input=user_input(f"q{i}")),
            )
            asked = next(
                e.item
                for e in events
                if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, UserMessageItem)
            )
            answer = "".join(
                part.text
                for e in events
                if isinstance(e, ThreadItemDoneEvent) and isinstance(e.item, AssistantMessageItem)
                for part in e.item.content
            )
            assert isinstance(asked.content[0], UserMessageTextContent)
            return asked.content[0].text, answer

        results = await asyncio.gather(*(ask(first if i % 2 else second, i) for i in range(n)))
        assert sorted(q for q, _ in results) == sorted(f"q{i}" for i in range(n))
        wrong = [(q, a) for q, a in results if a != f"answer to {q}"]
        assert wrong == []
        # In the thread, every answer follows its own question: turns did not interleave.
        status, page = await json_call(
            first, req("items.list", thread_id=thread_id, order="asc", limit=100)
        )
        assert status == 200 and len(page["data"]) == 2 * (n + 1)
        texts = [item["content"][0]["text"] for item in page["data"]]
        for question, answer in zip(texts[::2], texts[1::2], strict=True):
            assert answer == f"answer to {question}"
    finally:
        await other.close()


# 12. citations ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_an_answer_with_a_citation_streams_and_keeps_it(store: SQLStore) -> None:
    from openai.types.responses import ResponseOutputTextAnnotationAddedEvent
    from openai.types.responses.response_output_text_annotation_added_event import (
        AnnotationURLCitation,
    )

    events = await _events_for("See the pandas docs.")
    delta = next(e for e in events if e.type == "response.output_text.delta")
    # What openai builds when a provider streams a citation: the event's own typed class.
    cited = ResponseOutputTextAnnotationAddedEvent(
        type="response.output_text.annotation.added",
        item_id=delta.item_id,
        output_index=delta.output_index,
        content_index=delta.content_index,
        annotation_index=0,
        sequence_number=delta.sequence_number,
        annotation=AnnotationURLCitation(
            type="url_citation",
            url="https://pandas.pydata.org/docs/",
            title="pandas docs",
            start_index=8,
            end_index=19,
        ),
    )
    at = events.index(delta) + 1

    async def with_citation(_call: Any) -> AsyncIterator[Any]:
        for event in [*events[:at], cited, *events[at:]]:
            yield event

    assistant = make_assistant(store, ScriptedModel([ModelStep(stream_events=with_citation)]))
    out = await stream(assistant, req("threads.create", input=user_input("docs?")))
    assert "error" not in types_of(out)
    assert "thread.item.updated" in types_of(out)
    added = [
        e
        for e in out
        if e.type == "thread.item.updated"
        and e.update.type == "assistant_message.content_part.annotation_added"
    ]
    assert len(added) == 1
    assert str(added[0].update.annotation.source.url) == "https://pandas.pydata.org/docs/"


# 9. resources ------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_aclose_closes_the_model_client_and_the_store(store_url: str) -> None:
    opened = await open_store(store_url)
    settings = Settings(base_url="http://127.0.0.1:9/v1", model="m", api="chat_completions")
    assistant = NotebookAssistant(opened, settings)
    client = assistant.model.inner._client  # type: ignore[attr-defined]
    assert not client.is_closed()
    await assistant.aclose()
    assert client.is_closed()
    assert opened.engine.sync_engine.pool.checkedout() == 0


# 8. threads.create is all or nothing --------------------------------------------------


@pytest.mark.asyncio
async def test_create_naming_a_missing_or_foreign_attachment_leaves_no_thread(
    store: SQLStore,
) -> None:
    model = answered("never")
    assistant = make_assistant(store, model)
    status, foreign = await json_call(
        assistant,
        req("attachments.create", name="b.txt", size=3, mime_type="text/plain"),
        BOB,
    )
    assert status == 200
    for attachment_id in ("att_missing", foreign["id"]):
        message = {**user_input("look"), "attachments": [attachment_id]}
        events = await stream(assistant, req("threads.create", input=message))
        assert types_of(events)[-1] == "error"
        assert len([e for e in events if e.type == "error"]) == 1
    status, page = await json_call(assistant, req("threads.list"))
    assert status == 200 and page["data"] == []
    assert not model.calls


async def refused_new_and_follow_up(
    assistant: NotebookAssistant, thread_id: str, message: dict[str, Any], said: str
) -> None:
    """``message`` as a new conversation and as a follow-up in ``thread_id`` (one answered
    question): one error event saying ``said`` each, nothing saved, the model not asked."""
    for body in (
        req("threads.create", input=message),
        req("threads.add_user_message", thread_id=thread_id, input=message),
    ):
        events = await stream(assistant, body)
        assert types_of(events) == ["error"], body
        assert isinstance(events[0], ErrorEvent) and said in (events[0].message or "")
    _, page = await json_call(assistant, req("threads.list"))
    assert [t["id"] for t in page["data"]] == [thread_id]
    _, items = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert len(items["data"]) == 2


@pytest.mark.asyncio
async def test_a_message_naming_one_file_thousands_of_times_is_refused(
    sqlite_store: SQLStore,
) -> None:
    # Each name was read from the store and kept in the message: 20,000 took ~40 s of
    # the server's CPU and stored 3 MB, sent with every read of the thread.
    from jupyter_chatkit.assistant.request_checks import MAX_MESSAGE_FILES

    model = answered("first", "never")
    assistant = make_assistant(sqlite_store, model)
    thread_id, _ = await new_thread(assistant)
    _, file = await json_call(
        assistant, req("attachments.create", name="a.txt", size=2, mime_type="text/plain")
    )
    await sqlite_store.attachments.write_bytes(file["id"], b"hi", ALICE)
    message = {**user_input("look"), "attachments": [file["id"]] * (MAX_MESSAGE_FILES + 1)}
    await refused_new_and_follow_up(assistant, thread_id, message, "at most")
    assert len(model.calls) == 1


@pytest.mark.asyncio
async def test_a_file_whose_upload_never_came_is_not_sent(store: SQLStore) -> None:
    # ChatKit took it: the model read nothing of it, nobody was told, and its upload
    # was refused afterwards (a sent message's files cannot change).
    model = answered("first", "read it")
    assistant = make_assistant(store, model)
    thread_id, _ = await new_thread(assistant)
    _, file = await json_call(
        assistant, req("attachments.create", name="a.txt", size=2, mime_type="text/plain")
    )
    message = {**user_input("look"), "attachments": [file["id"]]}
    await refused_new_and_follow_up(assistant, thread_id, message, "not uploaded")
    assert len(model.calls) == 1
    # Its upload is still taken, and then the message goes.
    await store.attachments.write_bytes(file["id"], b"hi", ALICE)
    events = await stream(
        assistant, req("threads.add_user_message", thread_id=thread_id, input=message)
    )
    assert "error" not in types_of(events) and len(model.calls) == 2

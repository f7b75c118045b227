"""A lone UTF-16 surrogate escape in the model's answer ("\\ud83d" without its pair) is
read as U+FFFD: the answer is shown, saved and read back, whatever carries it (a text
delta, propose_code's code, a client tool's arguments, a title) on either API.

NotebookAssistant through ``handle()`` with real SQLite, the fake OpenAI-compatible
server behind the real chat-completions and Responses models (assistant/lone_surrogates.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from chatkit.types import ErrorEvent, ThreadItemDoneEvent, ThreadUpdatedEvent

from jupyter_chatkit.assistant.lone_surrogates import (
    LoneSurrogateFilter,
    without_lone_surrogates,
)
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import json_call, req, stream, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

HIGH, LOW = "\ud83d", "\ude00"


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ('"a\\ud83d b"', "a\ufffd b"),
        ('"a\\uDE00"', "a\ufffd"),  # a low half alone, upper-case hex
        ('"\\ud83d\\ude00"', "\U0001f600"),  # a pair is one character: kept
        ('"\\ud83d\\ud83d\\ude00"', "\ufffd\U0001f600"),
        ('"\\\\ud83d"', "\\ud83d"),  # an escaped backslash, then text
        ('"\\\\\\ud83d"', "\\\ufffd"),
        ('"caf\\u00e9 \\n"', "café \n"),
    ],
)
def test_lone_surrogate_escapes_read_as_replacement_characters(sent: str, read: str) -> None:
    assert json.loads(without_lone_surrogates(sent.encode())) == read


class Chunks(httpx2.AsyncByteStream):
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


@pytest.mark.asyncio
async def test_an_escape_cut_between_reads_is_read_whole() -> None:
    body = b'data: {"d": "x\\ud83d\\ude00 \\ud83d y"}\n\ndata: {"d": "ok"}\n\n'
    whole = without_lone_surrogates(body)
    for cut in range(1, len(body)):
        read = [c async for c in LoneSurrogateFilter(Chunks([body[:cut], body[cut:]]))]
        assert b"".join(read) == whole
    # A read is never held back past its last line end: a whole event goes at once,
    # its lines ended by LF, CRLF or a lone CR (as SSE allows).
    for end in (b"\n", b"\r\n", b"\r"):
        event = body.replace(b"\n", end)
        first = event.index(end * 2) + 2 * len(end)
        read = [c async for c in LoneSurrogateFilter(Chunks([event[:first], event[first:]]))]
        assert read[0] == without_lone_surrogates(event[:first])
    assert json.loads(whole.split(b"\n")[0][6:])["d"] == "x\U0001f600 \ufffd y"


def texts(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("api", "compress"),
    [("chat_completions", False), ("responses", False), ("chat_completions", True)],
    ids=["chat_completions", "responses", "behind-a-gzip-proxy"],
)
async def test_a_lone_surrogate_in_the_answer_is_shown_saved_and_read_back(
    sqlite_store: SQLStore, api: str, compress: bool
) -> None:
    # Behind a proxy that compresses what the client accepts compressed, the stream's
    # body is gzip: the client asks for it as it is, so the filter reads it.
    fake_llm = FakeLLM()
    fake_llm.compress = compress
    with fake_llm:
        await _lone_surrogates_round_trip(sqlite_store, fake_llm, api)


async def _lone_surrogates_round_trip(sqlite_store: SQLStore, fake_llm: FakeLLM, api: str) -> None:
    fake_llm.script(
        Reply(f"Here {HIGH} it is {LOW}.", chunk_chars=3, reasoning=f"Think {HIGH} hard"),
        Reply(f"Smile {HIGH}"),  # the title
        Reply(
            f"Code {HIGH}:",
            tool_calls=[ToolCall("propose_code", {"code": f"s = '{HIGH}'", "title": "T"})],
        ),
        Reply("Done."),
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": f"a{LOW}b"})]),
    )
    settings = Settings(
        base_url=fake_llm.base_url,
        api_key="sk-test-lone-surrogates",
        model="fake-model",
        api=api,
        max_retries=0,
        title_threads="model",
    )
    assistant = NotebookAssistant(sqlite_store, settings)
    try:
        events = await stream(assistant, req("threads.create", input=user_input("hi")))
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        for text in ("some code", "my cells"):
            body = req("threads.add_user_message", thread_id=thread_id, input=user_input(text))
            events += await stream(assistant, body)
        status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
        _, listed = await json_call(assistant, req("items.list", thread_id=thread_id, limit=50))
    finally:
        await assistant.aclose()

    assert not [e for e in events if isinstance(e, ErrorEvent)]
    done = texts(
        [e.item.model_dump(mode="json") for e in events if isinstance(e, ThreadItemDoneEvent)]
    )
    assert "Here \ufffd it is \ufffd." in done
    assert "Code \ufffd:" in done and "s = '\ufffd'" in done  # the card's code
    assert "a\ufffdb" in done  # the client tool call's arguments
    assert "Think \ufffd hard" in done  # the reasoning summary
    titles = [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)]
    assert titles and titles[-1] == "Smile \ufffd"
    # Saved: a reload reads it all back, the title too.
    assert status == 200 and thread["title"] == "Smile \ufffd"
    stored = texts([listed, thread])
    for shown in ("Here \ufffd it is \ufffd.", "s = '\ufffd'", "a\ufffdb", "Think \ufffd hard"):
        assert shown in stored
    assert HIGH not in stored and LOW not in stored


@pytest.mark.asyncio
async def test_a_model_title_read_from_a_compressed_body_keeps_no_lone_surrogate() -> None:
    # The provider client's filter leaves a gzip body as it is, and a title is asked for
    # without streaming (OpenAI compresses such answers): the title itself is cleaned.
    from datetime import datetime

    from agents import Agent
    from agents.testing import ModelStep, ScriptedModel, assistant_message
    from chatkit.types import InferenceOptions, UserMessageItem, UserMessageTextContent

    from jupyter_chatkit.assistant.titles import model_title
    from jupyter_chatkit.context_policy import ContextPolicy

    message = UserMessageItem(
        id="u",
        thread_id="t",
        created_at=datetime.now(),
        content=[UserMessageTextContent(text="plot the sales")],
        inference_options=InferenceOptions(),
    )
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"Sales {HIGH} plot", item_id="m")])]
    )
    title = await model_title(Agent(name="titles"), model, message, ContextPolicy())
    assert title == "Sales \ufffd plot"
    title.encode("utf-8")

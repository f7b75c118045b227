"""Chat-completions chunks: validated when they validate strictly, else built as openai
builds them; the same objects either way."""

from __future__ import annotations

import copy
import json
import sys
import types
import warnings
from typing import Any

import pytest
from openai import AsyncOpenAI
from openai._models import construct_type
from openai.types.chat import ChatCompletionChunk

from jupyter_chatkit.assistant.canned_provider import chat_completions_stream
from jupyter_chatkit.assistant.chat_completions import ChunkByValidation, EndCheckedStream

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

BASE = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}


def chunk(delta: dict[str, Any], finish: Any = None, **extra: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
    return {**BASE, "choices": [choice], **extra}


def corpus() -> list[dict[str, Any]]:
    """Chunks as servers send them, on spec and off it."""
    out: list[dict[str, Any]] = []
    for tool_call in (False, True):
        body = chat_completions_stream("m", tool_call).decode()
        out += [
            json.loads(part[6:])
            for part in body.split("\n\n")
            if part.startswith("data: ") and "[DONE]" not in part
        ]
    logprobs = {"content": [{"token": "a", "logprob": -1, "bytes": [97], "top_logprobs": []}]}
    out += [
        chunk({"content": "hi"}),
        chunk({"content": None, "role": "assistant"}),
        chunk({"content": "x", "reasoning_content": "thinking"}),  # a field openai lacks
        chunk({}, finish=""),  # some servers send "" on every chunk
        chunk({}, finish="length"),
        chunk({"content": "x"}, system_fingerprint="fp_1", service_tier="default"),
        {**chunk({"content": "x"}), "created": "5"},  # a string where an int belongs
        {k: v for k, v in chunk({"content": "x"}).items() if k != "created"},
        {**chunk({"content": "x"}), "choices": [{"delta": {"content": "x"}}]},  # no index
        {
            **chunk({"content": "a"}),
            "choices": [{"index": 0, "delta": {"content": "a"}, "logprobs": logprobs}],
        },
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"a"'}}]}),
        chunk(
            {"tool_calls": [{"index": 1, "id": "c", "type": "function", "function": {"name": "f"}}]}
        ),
        {**BASE, "choices": [], "usage": {"prompt_tokens": 1, "completion_tokens": 2}},
        {**BASE, "object": "chat.completion", "choices": []},
        {"unexpected": True},
    ]
    return out


@pytest.mark.parametrize("data", corpus(), ids=lambda d: json.dumps(d)[-60:])
def test_chunks_are_built_as_openai_builds_them(data: dict[str, Any]) -> None:
    ours = ChunkByValidation.build(response=None, data=copy.deepcopy(data))
    theirs = construct_type(type_=ChatCompletionChunk, value=copy.deepcopy(data))
    assert type(ours) is type(theirs)
    assert ours == theirs
    # Every nested model alike too, with the same fields set and extras. An off-spec
    # value (created "5") is kept as sent, both ways, and pydantic warns when dumping it.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Pydantic serializer warnings", UserWarning)
        assert ours.model_dump(exclude_unset=True) == theirs.model_dump(exclude_unset=True)
        assert ours.model_dump() == theirs.model_dump()


def test_on_spec_chunks_take_the_validating_path() -> None:
    """What servers normally send validates strictly: the cheap path is the one taken."""
    for data in corpus()[:12]:
        ChatCompletionChunk.model_validate(data, strict=True)


@pytest.mark.asyncio
async def test_a_stream_reads_the_same_through_the_end_check(fake_llm: FakeLLM) -> None:
    reply = Reply(
        "Some words to stream.",
        tool_calls=[ToolCall("get_active_cell", {"n": 1}, call_id="call_1")],
    )
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    dumps: list[list[dict[str, Any]]] = []
    try:
        for wrap in (False, True):
            fake_llm.script(reply)
            stream: Any = await client.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], stream=True
            )
            if wrap:
                stream = EndCheckedStream(stream)
                assert stream._stream._cast_to is ChunkByValidation
            dumps.append(
                [
                    part.model_dump(exclude_unset=True, exclude={"id", "created"})
                    async for part in stream
                ]
            )
    finally:
        await client.close()
    plain, checked = dumps

    # The wrapped stream merges text deltas of one read: compare the text and the rest.
    def text(parts: list[dict[str, Any]]) -> str:
        return "".join(c["delta"].get("content") or "" for p in parts for c in p.get("choices", []))

    assert text(checked) == text(plain) == "Some words to stream."
    assert [p for p in checked if "content" not in json.dumps(p)] == [
        p for p in plain if "content" not in json.dumps(p)
    ]


@pytest.mark.asyncio
async def test_another_openai_reads_its_stream_its_own_way(
    fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its chunks built and its events decoded by openai; a stream ended by [DONE] alone
    (which openai swallows) is still read whole."""
    from openai.types.chat import ChatCompletionChunk

    fake_llm.script(Reply("Some words."))
    fake_llm.omit_finish_reason = True
    client = AsyncOpenAI(base_url=fake_llm.base_url, api_key="sk-x", max_retries=0)
    try:
        stream: Any = await client.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        decoder = stream._decoder
        monkeypatch.setattr("openai.__version__", "99.0.0")
        checked = EndCheckedStream(stream)
        assert stream._cast_to is ChatCompletionChunk
        assert stream._decoder is decoder
        chunks = [chunk async for chunk in checked]
    finally:
        await client.close()
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "Some words."


class _CountingModule(types.ModuleType):
    """A module standing in for another, counting the names read from it."""

    def __init__(self, inner: types.ModuleType) -> None:
        super().__init__(inner.__name__)
        self.inner = inner
        self.read: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.read.append(name)
        return getattr(self.inner, name)


def test_a_stream_looks_up_no_openai_type_per_request(monkeypatch: pytest.MonkeyPatch) -> None:
    """In the server openai.types is deferred (serverext/deferred_imports.py): a name
    imported from it inside a per-request function cost ~40 us each time. The chunk
    class is looked up once, at the first stream, not at every one."""
    import openai.types.chat
    import openai.types.responses

    from jupyter_chatkit.assistant.responses_model import lighten_stream

    EndCheckedStream(object())  # the first stream looks the types up
    lighten_stream(object())
    chat = _CountingModule(openai.types.chat)
    responses = _CountingModule(openai.types.responses)
    monkeypatch.setitem(sys.modules, "openai.types.chat", chat)
    monkeypatch.setitem(sys.modules, "openai.types.responses", responses)
    monkeypatch.setattr(openai.types, "chat", chat)
    monkeypatch.setattr(openai.types, "responses", responses)
    for _ in range(3):
        EndCheckedStream(object())
        assert not lighten_stream(object())
    assert chat.read == [] and responses.read == []

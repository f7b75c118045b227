"""A finished turn leaves no reference cycle holding its model request or its run.

A cycle is freed only by a garbage collection: until then it keeps what it reaches, and
the collection walks it. Two did so for every turn on the chat-completions path: the
stream's [DONE] watcher held the stream that held it (and with it openai's request
options: every message sent), and the sandbox stand-in's cleanup held the run result
that held it (the run's state: its input, its copies). Checked in a fresh Python with
the server's deferrals (so the run uses the sandbox stand-in, as in the server), against
the fake OpenAI-compatible server.
"""

from __future__ import annotations

import pytest

from .fixtures.fake_llm import FakeLLM
from .fixtures.fresh_server import run_fresh

SCRIPT = """
import asyncio, gc, json, sys, tempfile
from jupyter_chatkit.serverext.deferred_imports import defer_unused_packages

defer_unused_packages()

from jupyter_chatkit.assistant.server import create_assistant
from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.settings import Settings

def body(kind, text, thread_id=None):
    params = {"input": {"content": [{"type": "input_text", "text": text}],
                        "attachments": [], "inference_options": {}}}
    if thread_id:
        params["thread_id"] = thread_id
    return json.dumps({"type": kind, "params": params})

async def turn(assistant, request, context):
    result = await assistant.handle(request, context)
    seen = b""
    async for chunk in result.chunks:
        seen += chunk
    assert b"text_delta" in seen and b'"type":"error"' not in seen, seen[-300:]
    return seen

async def main(base_url, folder):
    settings = Settings(model="fake-model", api="chat_completions", base_url=base_url,
                        api_key="sk-test", store_url=f"sqlite:///{folder}/chat.sqlite3",
                        title_threads=False)
    context = RequestContext(user_id=LOCAL_USER)
    assistant = await create_assistant(settings)
    try:
        seen = await turn(assistant, body("threads.create", "first"), context)
        thread_id = seen.split(b'"thread":{', 1)[1].split(b'"id":"', 1)[1].split(b'"', 1)[0]
        thread_id = thread_id.decode()
        await turn(assistant, body("threads.add_user_message", "warm", thread_id), context)
        await asyncio.sleep(0.1)
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        for i in range(3):
            await turn(assistant, body("threads.add_user_message", f"q{i}", thread_id), context)
        await turn(assistant, body("threads.create", "another"), context)
        await asyncio.sleep(0.1)
        gc.collect()
        names = sorted({type(o).__name__ for o in gc.garbage})
        gc.set_debug(0)
        gc.garbage.clear()
        return names
    finally:
        await assistant.aclose()

with tempfile.TemporaryDirectory() as folder:
    names = asyncio.run(main(sys.argv[1], folder))
print(json.dumps(names))
"""

# What a turn's cycles held: the model stream and openai's request options (every
# message sent), the run's result and state.
HELD_BY_CYCLES = {"EndCheckedStream", "AsyncStream", "FinalRequestOptions", "RunResultStreaming"}


@pytest.mark.timeout(120)
def test_a_finished_turn_leaves_no_cycle_holding_its_request_or_run(fake_llm: FakeLLM) -> None:
    garbage = set(run_fresh(SCRIPT, fake_llm.base_url))
    # Fails before: all four were garbage, found only by the collector.
    assert garbage & HELD_BY_CYCLES == set(), sorted(garbage)

"""What a follow-up's CPU would be with nothing of ours: the libraries' own floors.

    python bench/library_floors.py [--depth 30] [--requests 60] [--rounds 3]

In one process, against the fake OpenAI-compatible LLM in another: a NotebookAssistant
on a throwaway SQLite store (chat completions, as ``bench_endpoint.py --cpu``) answers
``--depth`` turns of one thread, and the model request of its last follow-up is kept.
Then, interleaved, ``--rounds`` times ``--requests`` each, the CPU (process time) of:

1. a whole follow-up through ``handle()``, read to its end (the baseline: everything
   but the HTTP server);
2. an openai-agents run of the assistant's own agent and model on that request's
   history (``Runner.run_streamed``, its history filter, the stream read): the
   agents SDK, the openai SDK, httpx and our model adapters, without ChatKit, the
   store or the turn's own code;
3. the same run with a model that yields a finished answer's events at once (no
   request): openai-agents' own cost of a run;
4. the model request alone: the provider's HTTP client posting that request's body
   and reading its stream (httpx2, httpcore2, h11, anyio).

Each is printed in ms and as a ratio to 1. (1 - 2) is what ChatKit, the store and our
turn code add; (2 - 3 - 4) what the request costs besides its HTTP: the openai SDK
(request building, stream parsing), openai-agents' chat-completions model (message
conversion, stream handler) and our model adapters. The HTTP server (tornado and
jupyter_server, ~10% of a request's server CPU in ``profile_owners.py``) is in none of
them: ``bench_endpoint.py --cpu`` measures the server. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_turn_cpu import (  # noqa: E402
    one_turn,
    server_like_collector,
    start_fake_llm,
    thread_id_of,
)
from bench.servers import API_KEY  # noqa: E402
from bench.streams import create_body, follow_up_body  # noqa: E402


def easy_input(messages: list[dict[str, Any]]) -> list[Any]:
    """A chat request's messages after its system message, as openai-agents input."""
    return [{"role": m["role"], "content": m["content"]} for m in messages[1:]]


def canned_model(events: list[Any]) -> Any:
    """A model whose every streamed answer is ``events``, at once."""
    from agents.models.interface import Model

    class Canned(Model):
        async def get_response(self, *args: Any, **kwargs: Any) -> Any:
            raise NotImplementedError

        async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            for event in events:
                yield event

    return Canned()


async def answer_events() -> list[Any]:
    """A finished one-line answer's stream events, as openai-agents' scripted model
    makes them."""
    from agents import ModelSettings
    from agents.models.interface import ModelTracing
    from agents.testing import ModelStep, ScriptedModel, assistant_message

    step = ModelStep(output=[assistant_message("OK from the fake model.", item_id="m1")])
    stream = ScriptedModel([step]).stream_response(
        None, "hi", ModelSettings(), [], None, [], ModelTracing.DISABLED,
        previous_response_id=None, conversation_id=None, prompt=None,
    )  # fmt: skip
    return [event async for event in stream]


async def measure(llm_url: str, depth: int, requests: int, rounds: int) -> None:
    """Print each case's CPU per operation (module docstring) on a follow-up of a
    ``depth``-turn thread, in ``rounds`` interleaved rounds of ``requests``, with its
    ratio to the whole follow-up's."""
    from agents import RunConfig, Runner

    from jupyter_chatkit.assistant.history_filter import split_history
    from jupyter_chatkit.assistant.models import model_client, run_model_provider
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
    from jupyter_chatkit.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            model="fake-model",
            api="chat_completions",
            base_url=f"{llm_url}/v1",
            api_key=API_KEY,
            store_url=f"sqlite:///{tmp}/chat.sqlite3",
            title_threads=False,
        )
        context = RequestContext(user_id=LOCAL_USER)
        assistant = await create_assistant(settings)
        http = model_client(getattr(assistant.model, "inner", assistant.model)).own_http_client
        bodies: list[bytes] = []

        async def keep_body(request: Any) -> None:
            bodies.append(request.content)

        http.event_hooks["request"].append(keep_body)
        thread_id = thread_id_of(await one_turn(assistant, create_body("turn 0"), context))
        for turn in range(1, depth):
            await one_turn(assistant, follow_up_body(thread_id, f"turn {turn}"), context)
        http.event_hooks["request"].remove(keep_body)
        body = bodies[-1]
        history = easy_input(json.loads(body)["messages"])
        canned = canned_model(await answer_events())
        server_like_collector()

        def run_of(model: Any) -> Callable[[], Awaitable[None]]:
            async def run() -> None:
                run_input, with_history = split_history(list(history))
                config = RunConfig(
                    model=model,
                    tracing_disabled=True,
                    model_provider=run_model_provider(),
                    call_model_input_filter=with_history,
                )
                result = Runner.run_streamed(assistant.agent, run_input, run_config=config)
                async for _ in result.stream_events():
                    pass

            return run

        async def follow_up() -> None:
            await one_turn(assistant, follow_up_body(thread_id, "q"), context)

        async def post() -> None:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"}
            url = f"{llm_url}/v1/chat/completions"
            async with http.stream("POST", url, content=body, headers=headers) as response:
                async for _ in response.aiter_raw():
                    pass

        cases = {
            "1. whole follow-up (handle, in process)": follow_up,
            "2. agents run: our agent, our model, the fake LLM": run_of(assistant.model),
            "3. agents run, a model answering at once (no request)": run_of(canned),
            "4. the model request alone (httpx2 post + read)": post,
        }
        for case in cases.values():
            for _ in range(10):
                await case()
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(rounds):
            for name, case in cases.items():
                start = time.process_time()
                for _ in range(requests):
                    await case()
                cpu[name].append((time.process_time() - start) / requests)
        await assistant.aclose()
        await assistant.sql_store.close()

    messages = len(json.loads(body)["messages"])
    print(
        f"CPU per operation (medians of {rounds} rounds of {requests}; a follow-up in a "
        f"{depth}-turn thread: {messages} messages, {len(body):,} bytes to the model)"
    )
    whole = statistics.median(cpu[next(iter(cpu))])
    for name, values in cpu.items():
        med = statistics.median(values)
        print(f"   {name:58} {med * 1e3:6.2f} ms   ratio {med / whole:.2f}")


def main() -> None:
    """Run :func:`measure` against the fake LLM, started and stopped here."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=30, help="turns in the thread")
    parser.add_argument("--requests", type=int, default=60, help="operations per round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds")
    args = parser.parse_args()
    llm, llm_url = start_fake_llm()
    try:
        asyncio.run(measure(llm_url, args.depth, args.requests, args.rounds))
    finally:
        llm.terminate()
        llm.wait(10)


if __name__ == "__main__":
    main()

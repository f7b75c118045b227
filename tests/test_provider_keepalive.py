"""The model client keeps its connection to the provider across a person's pauses.

A person's next question usually comes more than 5 s (httpx2's default keep-alive
expiry) after the last answer; a new connection then costs a TCP (and TLS) handshake:
~2 ms of the server's CPU and two round trips to a hosted provider. The product's client
(as ``build_model`` makes it) must reuse its connection after such a pause, and a
connection the provider has closed meanwhile (uvicorn, under vLLM, closes idle ones
after 5 s), or closes just as it is reused, must cost no error: the follow-up is answered.
The provider is the fake one (tests/fixtures/fake_llm.py), which counts connections.
"""

from __future__ import annotations

import pytest
from agents import Agent, RunConfig, Runner
from freezegun import freeze_time

from jupyter_chatkit.assistant.openai_client import KEEPALIVE_EXPIRY
from jupyter_chatkit.settings import Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply, hang_up
from .fixtures.models import built

pytestmark = pytest.mark.usefixtures("close_built_models")

# Longer than httpx2's default keep-alive expiry (5 s), as a person's pause is. The
# clock httpcore2 reads (time.monotonic) is moved on, not waited for: no 5 s sleep.
PAUSE = 60.0
LONGER_THAN_EXPIRY = KEEPALIVE_EXPIRY + 10


def run_config(llm: FakeLLM) -> RunConfig:
    """Runs on the product's model client for the fake provider, as configured by
    default otherwise (its timeout and retries)."""
    settings = Settings(
        model=MODEL, api="chat_completions", base_url=llm.base_url, api_key=FAKE_API_KEY
    )
    return RunConfig(model=built(settings), tracing_disabled=True)


async def ask(config: RunConfig, question: str) -> str:
    """The model's answer to ``question`` (an error, were there one, propagates)."""
    result = await Runner.run(Agent(name="a"), question, run_config=config)
    return str(result.final_output)


@pytest.mark.asyncio
@pytest.mark.parametrize(("pause", "connections"), [(PAUSE, 1), (LONGER_THAN_EXPIRY, 2)])
async def test_a_follow_up_after_a_pause_reuses_the_connection(
    pause: float, connections: int
) -> None:
    """A pause past httpx2's default expiry keeps the connection; one past the
    product's own expiry does not (so the clock's jump is what the pool sees)."""
    with FakeLLM() as llm, freeze_time(tick=True, real_asyncio=True) as clock:
        llm.script(Reply("first"), Reply("second"))
        config = run_config(llm)
        assert await ask(config, "hi") == "first"
        clock.tick(pause)  # a person reads the answer and types
        assert await ask(config, "and then?") == "second"
        assert llm.connections == connections


@pytest.mark.asyncio
async def test_a_connection_the_provider_closed_while_idle_is_not_reused() -> None:
    with FakeLLM() as llm:
        llm.script(Reply("first"), Reply("second"))
        config = run_config(llm)
        assert await ask(config, "hi") == "first"
        llm.close_connections()  # the provider's idle timeout ran out first
        assert await ask(config, "and then?") == "second"
        assert llm.connections == 2


@pytest.mark.asyncio
async def test_a_connection_closed_as_it_is_reused_costs_no_error() -> None:
    """The race: the provider closes the idle connection as the follow-up goes out on
    it. The request is sent again on a new connection (openai's retry of a connection
    error), and the person gets the answer."""
    with FakeLLM() as llm:
        llm.script(Reply("first"), hang_up(), Reply("second"))
        config = run_config(llm)
        assert await ask(config, "hi") == "first"
        assert await ask(config, "and then?") == "second"
        assert llm.connections == 2
        assert len(llm.requests) == 3

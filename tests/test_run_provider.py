"""Every run of the assistant gets one model provider, made once (models.py's
run_model_provider), that is never asked for a model: the run's model is given."""

from __future__ import annotations

from typing import Any

import pytest
from agents import Runner
from agents.models.interface import Model
from agents.models.multi_provider import MultiProvider
from agents.testing import ModelStep, ScriptedModel, assistant_message

from jupyter_chatkit.assistant import turn
from jupyter_chatkit.assistant.models import run_model_provider
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import make_assistant, req, stream, user_input


@pytest.mark.asyncio
async def test_every_run_gets_the_one_provider_never_asked_for_a_model(
    sqlite_store: SQLStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = ScriptedModel(
        [ModelStep(output=[assistant_message(f"answer {i}", item_id=f"m{i}")]) for i in range(2)]
    )
    assistant = make_assistant(sqlite_store, model)
    configs: list[Any] = []
    real_run_streamed = Runner.run_streamed

    def recording_run_streamed(*args: Any, **kwargs: Any) -> Any:
        configs.append(kwargs["run_config"])
        return real_run_streamed(*args, **kwargs)

    monkeypatch.setattr(turn.Runner, "run_streamed", recording_run_streamed)
    asked: list[str | None] = []
    provider = run_model_provider()

    def get_model(name: str | None) -> Model:
        asked.append(name)
        return MultiProvider().get_model(name)

    monkeypatch.setattr(provider, "get_model", get_model)
    events = await stream(assistant, req("threads.create", input=user_input("hello")))
    thread_id = events[0].thread.id  # type: ignore[union-attr]
    await stream(
        assistant, req("threads.add_user_message", thread_id=thread_id, input=user_input("again"))
    )
    assert len(model.calls) == 2 and len(configs) == 2
    # RunConfig's default made a new MultiProvider for each run.
    assert [config.model_provider for config in configs] == [provider, provider]
    assert all(isinstance(config.model, Model) for config in configs)  # (a wrapper of it)
    assert asked == []

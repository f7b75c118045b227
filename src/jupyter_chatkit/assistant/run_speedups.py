"""Per-model-call work of openai-agents whose answer is known before it is done.

Two pieces of each model call of openai-agents (0.24.0 exactly: the functions below were
read in that version; any other keeps the SDK's own path):

1. ``get_model_settings`` (agents/run_internal/turn_preparation.py) compares the agent's
   model settings with the "implicit" ones of its model name, and for an agent without
   a model of its own that means the default model's settings: for a GPT-5 default (the
   SDK's own, or ``OPENAI_DEFAULT_MODEL``) a ``copy.deepcopy`` of a ModelSettings built
   anew for every call, ~70 µs. The implicit settings are a function of the agent's model
   name and that variable, and are only compared (never handed out) when the run's model
   is a ``Model`` instance, as it is for every run here (``RunConfig(model=...)``). So
   they are computed once per (name, variable) and kept; the result is the SDK's.
2. ``model_config_for_trace`` (agents/models/_trace.py, called by the chat-completions
   model) builds the generation span's configuration (``ModelSettings.to_traceable_dict``
   and a parse of the base URL, ~60 µs) before the span is made. With tracing off the
   span is the SDK's no-op span, whose data nothing reads or exports; then it gets an
   empty configuration. With tracing on, the SDK's function runs as before.

Neither touches what is sent to the model: the model settings come out equal, and the
trace configuration is tracing data only.
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

from .. import pins
from .openai_client import wrap_sdk_function

if TYPE_CHECKING:
    from agents import ModelSettings

__all__ = ["PINNED_AGENTS_VERSIONS", "skip_known_model_call_work"]

# The openai-agents versions whose functions were read for this module.
PINNED_AGENTS_VERSIONS = frozenset({pins.AGENTS})

# The modules that bound each function by name (``from ... import``), 0.24.0.
_MODEL_SETTINGS_MODULES = ("agents.run_internal.turn_preparation", "agents.run_internal.run_loop")
_TRACE_CONFIG_MODULES = ("agents.models.openai_chatcompletions",)


def skip_known_model_call_work() -> None:
    """Install both shortcuts of the module docstring, once; nothing for another
    openai-agents version."""
    import agents

    if getattr(agents, "__version__", None) not in PINNED_AGENTS_VERSIONS:
        return
    for module in _MODEL_SETTINGS_MODULES:
        wrap_sdk_function(
            module, "get_model_settings", "implicit_settings_kept", _kept_implicit_settings
        )
    for module in _TRACE_CONFIG_MODULES:
        wrap_sdk_function(
            module, "model_config_for_trace", "empty_when_tracing_off", _empty_when_tracing_off
        )


@functools.lru_cache(maxsize=32)
def implicit_settings(model: str | None, default_model_env: str | None) -> ModelSettings:
    """The SDK's implicit model settings of an agent whose ``model`` is this name (or
    None) while ``OPENAI_DEFAULT_MODEL`` is ``default_model_env``; kept, never handed out
    (``_implicit_model_settings_for_agent`` in agents/run_internal/turn_preparation.py)."""
    from agents.models.default_models import get_default_model_settings

    # The variable is read by the SDK itself (get_default_model); it is in the key so a
    # change of it gives what the SDK would give now.
    del default_model_env
    return get_default_model_settings(model)


def _kept_implicit_settings(original: Any) -> Any:
    """``original`` (the SDK's ``get_model_settings``) with the implicit settings kept."""
    from agents import ModelSettings
    from agents.models.default_models import OPENAI_DEFAULT_MODEL_ENV_VARIABLE_NAME
    from agents.models.interface import Model

    def get_model_settings(agent: Any, run_config: Any) -> ModelSettings:
        model = agent.model
        if not isinstance(run_config.model, Model) or not (model is None or type(model) is str):
            return original(agent, run_config)
        model_settings = agent.model_settings
        implicit = implicit_settings(model, os.environ.get(OPENAI_DEFAULT_MODEL_ENV_VARIABLE_NAME))
        if model_settings == implicit:
            # As the SDK's _model_settings_for_resolved_name for a Model instance.
            model_settings = ModelSettings()
        return model_settings.resolve(run_config.model_settings)

    return get_model_settings


def _empty_when_tracing_off(original: Any) -> Any:
    """``original`` (the SDK's ``model_config_for_trace``) giving ``{}`` with tracing off."""

    def model_config_for_trace(
        model_settings: Any, tracing: Any, *args: Any, **kwargs: Any
    ) -> dict[str, Any]:
        if tracing.is_disabled():
            return {}  # for a no-op span, which nothing reads
        return original(model_settings, tracing, *args, **kwargs)

    return model_config_for_trace

"""Model providers: which LLM answers, and whether tracing is on.

``build_model`` turns :class:`~jupyter_chatkit.settings.Settings` into an ``agents``
model: the built-in offline model when nothing is configured, the OpenAI Responses API,
or any OpenAI-compatible chat-completions server (Ollama, vLLM, LM Studio, Gemini's
OpenAI endpoint) through the adapter in :mod:`.chat_completions`. How failures read is
:mod:`.model_errors` (``describe_model_error`` is re-exported here).

openai and agents are imported inside the functions: this module is cheap to import.
"""

from __future__ import annotations

import functools
import logging
import weakref
from typing import TYPE_CHECKING, Any

from ..settings import Settings, split_query
from .model_errors import describe_model_error

if TYPE_CHECKING:
    from agents.models.interface import Model, ModelProvider

__all__ = [
    "PLACEHOLDER_API_KEY",
    "build_model",
    "client_options",
    "close_model",
    "describe_model_error",
    "model_client",
    "run_model_provider",
    "set_tracing",
]

log = logging.getLogger(__name__)

# OpenAI's client refuses to start without a key; local servers (Ollama, vLLM, LM Studio)
# ignore it. Sent as "Bearer not-needed", never logged.
PLACEHOLDER_API_KEY = "not-needed"

# The openai client of each model built by build_model (the models of a picked name
# share the configured model's: see ModelChoice.model).
_CLIENTS: weakref.WeakKeyDictionary[object, Any] = weakref.WeakKeyDictionary()
# The models built with another model's client, which they leave open.
_BORROWERS: weakref.WeakSet[object] = weakref.WeakSet()


def client_options(settings: Settings) -> dict[str, Any]:
    """An openai client's ``api_key``, ``base_url`` and ``default_query`` for the
    configured provider. The base URL's query parameters (Azure's ``?api-key=``,
    ``?api-version=``) go as the client's own: openai appends a request's path to the
    base URL as written, after its query (``/v1?api-key=K/chat/completions``)."""
    base_url, query = split_query(settings.base_url)
    return {
        "api_key": settings.api_key or PLACEHOLDER_API_KEY,
        "base_url": base_url or None,
        "default_query": query or None,
    }


def build_model(settings: Settings, client: Any = None) -> Model:
    """Build the model the assistant talks to, as configured by ``settings``.

    ``client``: the openai client of another model built here for the same provider
    (:func:`model_client`), to share its connections; it stays that model's to close
    and to warm (:func:`close_model` closes only the clients made here)."""
    if settings.offline:
        from .offline import OfflineModel

        return OfflineModel()

    from .chat_completions import chat_completions_model_class
    from .openai_client import LeanAsyncOpenAI
    from .provider_warm import ConnectionWarmer, warm_with
    from .responses_model import responses_model_class

    speed_up_openai_parsing()
    shared = client is not None
    if client is None:
        # Sends plain-JSON messages and tools without openai's parameter transform.
        client = LeanAsyncOpenAI(
            **client_options(settings),
            timeout=settings.request_timeout,
            max_retries=settings.max_retries,
        )
    model: Model
    if settings.effective_api == "responses":
        model = responses_model_class()(model=settings.effective_model, openai_client=client)
    else:
        model = chat_completions_model_class()(model=settings.effective_model, openai_client=client)
    if shared:
        _BORROWERS.add(model)
        return model
    _CLIENTS[model] = client
    if client.own_http_client is not None:
        # Its connection opened again while a person writes (provider_warm.py).
        warm_with(model, ConnectionWarmer(client.own_http_client, str(client.base_url)))
    return model


def model_client(model: object) -> Any:
    """The openai client :func:`build_model` made for ``model``; None for a model it
    made none for (offline, scripted, or one given another's client)."""
    try:
        return _CLIENTS.get(model)
    except TypeError:  # not weakly referenceable: none was registered
        return None


@functools.cache
def run_model_provider() -> ModelProvider:
    """The ``model_provider`` of every run's ``RunConfig``: one, made once.

    A run here is given its model as a ``Model`` instance (``RunConfig(model=...)``), so
    openai-agents never asks the provider for a model; it only reads it for a trace's
    metadata (``add_openai_harness_id_to_metadata``, from the environment at the
    provider's making). ``RunConfig``'s default builds a new ``MultiProvider`` (and its
    ``OpenAIProvider``) for every run, ~25 µs; this is the same, made once. The SDK closes
    only providers it made itself, never this one; it opens no client until asked for a
    model.
    """
    from agents.models.multi_provider import MultiProvider

    return MultiProvider()


class _NoV1Config:
    """A class nothing is an instance of (see :func:`speed_up_openai_parsing`)."""


def speed_up_openai_parsing() -> None:
    """Take a per-chunk Protocol check out of openai's ``BaseModel.construct``.

    openai (3.57) parses every streamed chunk with ``construct``, which asks
    ``isinstance(config, _ConfigProtocol)`` of the model's config: a
    ``runtime_checkable`` Protocol, checked attribute by attribute through
    ``inspect.getattr_static``, ~11% of the CPU per streamed chunk. It exists for pydantic
    v1 configs; under pydantic v2 the config is a dict and the answer is always False.
    So under v2 the Protocol is swapped for a plain class with the same answer.
    See ``BaseModel.construct`` in openai/_models.py.
    """
    from openai import _models

    if getattr(_models, "PYDANTIC_V1", True) or not hasattr(_models, "_ConfigProtocol"):
        return
    _models._ConfigProtocol = _NoV1Config  # type: ignore[misc,assignment]


def set_tracing(settings: Settings) -> bool:
    """Turn openai-agents tracing on only when asked for and safe; return whether it is on.

    Traces go to OpenAI's platform. They are sent only when ``settings.tracing`` is set
    and the provider *is* OpenAI, with the configured key set explicitly so the SDK never
    falls back to another one; a third-party key is never sent to OpenAI. Pass
    ``tracing_disabled=not set_tracing(settings)`` to ``RunConfig`` as well.
    """
    from agents import set_tracing_disabled, set_tracing_export_api_key

    enabled = settings.tracing and settings.provider == "openai" and bool(settings.api_key)
    if settings.tracing and not enabled:
        log.warning(
            "jupyter-chatkit: tracing needs the OpenAI provider with an API key; "
            "it stays off for the %s provider",
            settings.provider,
        )
    if enabled:
        _with_exporter()
        set_tracing_export_api_key(settings.api_key)
    else:
        _without_exporter()
    set_tracing_disabled(not enabled)
    return enabled


# The trace provider _without_exporter installed, until tracing is turned on.
_NO_EXPORTER: list[object] = []


def _without_exporter() -> None:
    """Tracing off: the SDK's trace provider, made now without its default processor.

    The SDK makes its provider on first use (``set_tracing_disabled`` is one) with the
    default processor, whose exporter opens an HTTP client at once: an SSL context with
    the system's certificates, ~1 MB resident for the life of the server, for traces
    that tracing off never sends. Only when no provider exists yet.
    """
    from agents.tracing import set_trace_provider, setup
    from agents.tracing.provider import DefaultTraceProvider

    if getattr(setup, "GLOBAL_TRACE_PROVIDER", False) is None:  # none made yet
        provider = DefaultTraceProvider()
        provider.set_disabled(True)
        set_trace_provider(provider)
        _NO_EXPORTER.append(provider)


def _with_exporter() -> None:
    """Tracing on: the provider :func:`_without_exporter` made gets the default processor."""
    from agents.tracing import add_trace_processor, get_trace_provider
    from agents.tracing.processors import default_processor

    if _NO_EXPORTER and _NO_EXPORTER[-1] is get_trace_provider():
        add_trace_processor(default_processor())
    _NO_EXPORTER.clear()


async def close_model(model: object) -> None:
    """Close the HTTP client behind a model built by :func:`build_model`, if it has one.

    The agents SDK's models keep their ``AsyncOpenAI`` client (and its connection pool)
    open for their lifetime and have no close method of their own. A model given
    another's client (``build_model(client=...)``) leaves it open for its owner.
    """
    try:
        if model in _BORROWERS:
            return
    except TypeError:  # not weakly referenceable: not one of build_model's
        pass
    client = getattr(model, "_client", None)
    close = getattr(client, "close", None)
    if close is not None:
        await close()

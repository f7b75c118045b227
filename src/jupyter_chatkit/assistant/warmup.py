"""Warm, in the build's worker thread, what the first turn would otherwise build.

openai's types are pydantic models with ``defer_build``: each one builds its validator
and serializer the first time it is used, and the openai client imports its resources
(``client.chat.completions``) on first access. :func:`warm_up` does the part of that
work that can run off the event loop: the client's resources and platform headers, the
modules a first stream imports, the schemas most others nest (:func:`shared_models`),
and the stream parsing (:func:`build_stream_parsing`: for chat completions by parsing
canned answers through a copy of the client on an in-process mock transport,
``canned_provider``; for Responses the tagged union of events). The warm-up turn after it
(``warm_turn``) builds the rest, exactly what a turn uses, on the loop. Schemas are not
built by name beyond that: each built schema is held for the life of the server, and
one a turn never uses is memory for nothing. Nothing here reaches a provider or touches
the store.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import sys
import threading
import typing
from importlib.metadata import PackageNotFoundError, version
from types import ModuleType
from typing import Any

from .. import pins

log = logging.getLogger("jupyter_chatkit")

# Classes built here that nothing else would keep alive (see warm_up).
_KEPT: dict[str, type[Any]] = {}

# Built first, before anything that nests them: the members of openai's
# ``ResponseOutputItem`` union, then ``Response`` (its output items, tools and model
# names make it the largest schema of a turn). pydantic-core reuses a model's built
# validator and serializer where another schema nests that model ("prebuilt"), unless
# the nesting model is built with ``force=True``; a union is not a model, so each model
# that nests the output-item union (``Response``, ``ResponseOutputItemAddedEvent``,
# ``...DoneEvent``, the Responses model's item adapter) built its own copy of every
# member not built yet. Built here, once each, they are shared. Measured (build +
# warm-up, openai 3.57, pydantic 2.13, fresh Python): Response and the four events a
# chat-completions turn builds, 8.2 MB; with the members first, 5.5 MB. Every Responses
# stream event that carries a response, and the events the agents SDK makes from chat
# completions chunks and from the offline model's answers, reuse them. Every other
# schema a turn needs is built by the warm-up turn itself (warm_turn.py), and only
# those: building whole modules and ChatKit's event types by name here cost 10 MB more
# for no first-turn gain.
SHARED_UNIONS = (
    ("openai.types.responses.tool", "Tool"),
    ("openai.types.responses.response_output_item", "ResponseOutputItem"),
)
# On the Responses API, openai's ParsedResponse (built when the client's Responses
# resource is imported) nests Response's input-item union too: shared, 1 MB less there;
# elsewhere Response alone nests it, and built apart its members cost 0.2 MB more.
SHARED_UNIONS_RESPONSES = (("openai.types.responses.response_input_item", "ResponseInputItem"),)
SHARED_MODELS = (("openai.types.responses.response", "Response"),)

# Modules the first request to a provider imports on the way (its HTTP stack's async
# backend, the JSON parser of streamed chunks): ~17 ms of a first turn.
WARM_IMPORTS = (
    "anyio._backends._asyncio",
    "anyio._core._sockets",
    "anyio._core._streams",
    "anyio.streams.stapled",
    "jiter",
    "openai.lib.streaming.chat",
)

# The openai client's lazily imported resources, by the API the assistant speaks.
CLIENT_RESOURCES = {"chat_completions": ("chat", "completions"), "responses": ("responses",)}


def _is_deferred(cls: type[Any]) -> bool:
    """True while pydantic model ``cls`` has not built its validator (``defer_build``)."""
    from pydantic._internal._mock_val_ser import MockValSer

    validator = cls.__dict__.get("__pydantic_validator__")
    return isinstance(validator, MockValSer) or not cls.__dict__.get("__pydantic_complete__")


def union_members(annotation: object) -> list[type[Any]]:
    """The pydantic models of a (possibly ``Annotated``) union, in order."""
    from pydantic import BaseModel

    members: list[type[Any]] = []
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            members.append(arg)
        elif not isinstance(arg, type):
            members.extend(m for m in union_members(arg) if m not in members)
    return members


def shared_models(api: str = "chat_completions") -> list[type[Any]]:
    """The members of :data:`SHARED_UNIONS` (and on ``api`` ``responses`` of
    :data:`SHARED_UNIONS_RESPONSES`), then :data:`SHARED_MODELS`: the build order."""
    from pydantic import BaseModel

    unions = (*SHARED_UNIONS, *(SHARED_UNIONS_RESPONSES if api == "responses" else ()))
    models: list[type[Any]] = []
    for module_name, name in (*unions, *SHARED_MODELS):
        try:
            found = getattr(importlib.import_module(module_name), name, None)
        except ImportError:  # another SDK version's layout: the turn builds it
            continue
        if isinstance(found, type) and issubclass(found, BaseModel):
            models.append(found)
        elif found is not None:
            models.extend(union_members(found))
    return models


def build_shared_models(api: str = "chat_completions") -> int:
    """Build :func:`shared_models` that are still deferred, in order; return how many."""
    built = 0
    for cls in shared_models(api):
        if not _is_deferred(cls):
            continue
        # Not forced (unless complete with a mock validator): a forced build would not
        # reuse the members built before it.
        cls.model_rebuild(force=cls.__pydantic_complete__)
        built += not _is_deferred(cls)
    return built


def import_assistant(api: str = "chat_completions") -> ModuleType:
    """Import the assistant's server module, :func:`shared_models` built first.

    openai-agents builds some pydantic dataclasses when imported (``agents.items``'
    ``ModelResponse`` nests the output-item union): built after the shared members, they
    reuse them instead of holding a copy of every member (~1.6 MB idle, openai-agents
    0.24, measured in a fresh Python). Then the run state's input-item adapter is made
    lazy (:func:`lazy_run_state_adapter`). Run in the build's worker thread; a failure to
    build only means the import builds its copies, as before.
    """
    try:
        build_shared_models(api)
    except Exception as exc:
        log.debug("jupyter-chatkit: shared schemas not built first (%s)", type(exc).__name__)
    module = importlib.import_module("jupyter_chatkit.assistant.server")
    # A schema the import built that only a resumed run state reads: built when used.
    lazy_run_state_adapter()
    return module


# openai-agents' run state module and its adapter of TResponseInputItem (0.24.0).
RUN_STATE = "agents.run_state"
RUN_STATE_ADAPTER = "_HANDOFF_OUTPUT_ADAPTER"
RUN_STATE_AGENTS_VERSION = pins.AGENTS


class LazyTypeAdapter:
    """A ``pydantic.TypeAdapter`` of ``type_`` built when first used: any attribute
    (``validate_python``, ``dump_json``, ...) is the real adapter's."""

    def __init__(self, type_: Any) -> None:
        self._type = type_
        self._adapter: Any = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        """True once the real adapter exists."""
        return self._adapter is not None

    def __getattr__(self, name: str) -> Any:
        adapter = self._adapter
        if adapter is None:
            from pydantic import TypeAdapter

            with self._lock:
                if self._adapter is None:
                    self._adapter = TypeAdapter(self._type)
                adapter = self._adapter
        return getattr(adapter, name)


def lazy_run_state_adapter() -> bool:
    """Make ``agents.run_state``'s adapter of input items a :class:`LazyTypeAdapter`.

    openai-agents 0.24 builds ``TypeAdapter(TResponseInputItem)`` when ``agents.run_state``
    is imported: a union of ~30 TypedDicts (~0.5 MB; no other schema can reuse a
    TypedDict's validator), read only when a serialized ``RunState`` holding a handoff
    output or a compaction item is loaded. Swapped after the import, the one built then
    is freed (the warm-up's builds reuse its memory). False, and nothing changed, for
    another openai-agents or when the adapter is not the one read here.
    """
    module = sys.modules.get(RUN_STATE)
    try:
        known = version("openai-agents") == RUN_STATE_AGENTS_VERSION
    except PackageNotFoundError:
        known = False
    adapter = getattr(module, RUN_STATE_ADAPTER, None)
    if not known or module is None or type(adapter).__name__ != "TypeAdapter":
        return False
    from agents.items import TResponseInputItem

    if getattr(adapter, "_type", None) is not TResponseInputItem:
        return False
    setattr(module, RUN_STATE_ADAPTER, LazyTypeAdapter(TResponseInputItem))
    return True


def warm_platform(client: object) -> None:
    """Compute the client's platform description (its ``X-Stainless-*`` headers) now.

    openai computes it on the client's first request, in the event loop's default
    executor (it may read files): a worker thread started and waited for in the first
    turn. The warm-up turn's client is a copy, which does not share it. Here, in the
    build's worker thread, it is the very value the first request would compute.
    """
    if getattr(client, "_platform", False) is not None:
        return  # computed already, or a client without one (another SDK layout)
    from openai._base_client import get_platform

    client._platform = get_platform()  # type: ignore[attr-defined]


def warm_client(client: object, api: str) -> None:
    """Touch the openai client's resources the assistant uses (they import on access)."""
    warm_platform(client)
    target: object = client
    for attribute in CLIENT_RESOURCES.get(api, ()):
        target = getattr(target, attribute, None)
        if target is None:
            return


def build_stream_parsing(model: object, api: str) -> None:
    """Build what parsing the provider's stream needs before the first stream.

    Responses: the tagged union of stream events the assistant's model parses them with
    (``responses_model.stream_event_types``, ~0.2 s); each event class it meets builds
    its own validator in the warm-up turn. Not openai's own parse of a canned stream:
    its discriminator map reads the schema of every one of the ~60 event classes, which
    builds all their validators (each holding its own copy of the nested ``Response``),
    ~10 MB held for the life of the server for events no turn of ours parses that way.
    Chat completions: openai's own parse of canned answers (``canned_provider``), which
    builds only the chunk types a turn uses.
    """
    if api == "responses":
        from .responses_model import stream_event_types

        stream_event_types()
        return
    from .canned_provider import parse_answers

    parse_answers(model, api)  # type: ignore[arg-type]


def warm_up(model: object, api: str) -> int:
    """Warm the client, imports and shared schemas of a turn; return the schemas built.

    ``model`` is the assistant's (inner) model; only an openai-backed one has a client.
    Never raises: a failure here only means the first turn does the work itself.
    """
    built = 0
    try:
        # First: the client's Responses resource builds openai's ParsedResponse when
        # imported (a generic's parametrization builds its origin), which then reuses
        # them. The offline model's turns build the same Response events as a provider's.
        built += build_shared_models(api)
        client = getattr(model, "_client", None)
        if client is not None:
            warm_client(client, api)
            # The agents SDK's stream handlers import these on the first stream.
            importlib.import_module("agents.models.chatcmpl_stream_handler")
            for name in WARM_IMPORTS:
                with contextlib.suppress(ImportError):  # another SDK version's layout
                    importlib.import_module(name)
        # The run context's class: each turn makes AgentContext[RequestContext], and
        # pydantic caches a parametrized class only weakly, so once a garbage
        # collection takes it the next turn builds it again (~4 ms). Kept here, it is
        # built once for the process.
        from chatkit.agents import AgentContext

        from ..protocol import RequestContext

        _KEPT["agent_context"] = AgentContext[RequestContext]
        if client is not None:
            # The stream parsing, here in the worker thread rather than on the event
            # loop during the warm-up turn (warm_turn.py).
            build_stream_parsing(model, api)
    except Exception as exc:
        # The first turn (or the warm-up turn) builds what is left.
        log.debug("jupyter-chatkit: warm-up skipped (%s)", type(exc).__name__)
    return built

"""The Responses API model, its stream parsed by event type and its text deltas merged.

openai-agents' ``OpenAIResponsesModel`` reads an ``openai.AsyncStream`` of
``ResponseStreamEvent``: a union of ~60 event classes that openai (3.57) parses event by
event with ``construct_type``, which first validates the event against the whole union
(``validate_type``). The union's discriminator is openai's own annotation, which
pydantic does not read, so pydantic tries the members one after another: ~45 µs for a
text delta, ~200 µs for ``response.completed``, ~1 ms of CPU per short answer. Every
member has its own ``type`` literal, so only the member named by the event's ``type``
can validate; :class:`StreamEventByType` validates against that one (pydantic's tagged
union: ~1 µs for a delta) and, when it does not validate, builds that member loosely
with openai's ``construct_type``, as openai does after its own validation failed. Same
objects, same fallback.

As for chat completions (:mod:`.coalesce`), the ``response.output_text.delta`` events
that reach the server in one network read are merged before openai parses them.

:func:`lighten_stream` sets two private attributes of openai's ``AsyncStream`` before
it is first read: ``_cast_to`` (what each event is built as) and ``_decoder`` (its SSE
decoder). openai's ``create(stream=True)`` takes no type or decoder to use, and the
agents SDK hands its stream on as it is. Only for the openai release they were read in
(``pins.OPENAI``); another parses its stream its own way. Measured (bench_turn_cpu
--api responses --turns 40 --rounds 5, workers side by side with a copy that does not
lighten, 2026-11-30, loaded machine): 7.69 against 9.68 ms of server CPU per warm turn
(per-round ratios 0.76 to 0.86).

openai and agents are imported when the class is first built, not with this module.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import typing
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from .. import pins
from .coalesce import CoalescingDecoder, can_coalesce, merge_output_text_deltas
from .lone_surrogates import clean_tool_arguments

if TYPE_CHECKING:
    from agents.models.openai_responses import OpenAIResponsesModel
    from pydantic import TypeAdapter

logger = logging.getLogger(__name__)

# The openai releases whose AsyncStream (its _cast_to and _decoder) was read here.
LIGHT_STREAM_OPENAI_VERSIONS = frozenset({pins.OPENAI})


@functools.cache
def responses_model_class() -> type[OpenAIResponsesModel]:
    """``OpenAIResponsesModel`` reading its streams as described above (built lazily)."""
    from .library_hooks import responses_hooks

    class ResponsesModel(responses_hooks()):  # type: ignore[misc]  # built at run time
        """The Responses API, its stream events parsed by type and text deltas merged."""

        async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
            """The stream's events, a finished tool call's arguments without lone
            surrogates (:func:`.lone_surrogates.clean_tool_arguments`)."""
            # Closed with this one (a client gone: the request is closed at once).
            stream = super().stream_response(*args, **kwargs)
            async with contextlib.aclosing(stream) as events:
                async for event in events:
                    clean_tool_arguments(event)
                    yield event

        def fetched_stream(self, stream: object, wrapper: object) -> None:
            """openai's stream, parsed by type and its text deltas merged when read."""
            if not lighten_stream(stream):
                # Still correct, only slower: openai's own parsing of every event.
                logger.debug("Responses stream read as openai reads it (%s)", type(wrapper))

    return ResponsesModel


class StreamEventTypes(NamedTuple):
    """openai's Responses stream events: a tagged union of them, and each by its type."""

    adapter: TypeAdapter[Any]
    by_type: dict[str, type]


@functools.cache
def stream_event_types() -> StreamEventTypes | None:
    """A pydantic tagged union of openai's Responses stream events, by ``type``.

    None when a member has no ``type`` literal of its own (another openai): then the
    stream is parsed by openai alone.
    """
    import pydantic
    from openai.types.responses import ResponseStreamEvent

    try:
        union = typing.get_args(ResponseStreamEvent)[0]
        by_type: dict[str, type] = {}
        for member in typing.get_args(union):
            literals = typing.get_args(member.model_fields["type"].annotation)
            if not literals or any(lit in by_type or not isinstance(lit, str) for lit in literals):
                return None
            by_type.update(dict.fromkeys(literals, member))
        tagged: Any = Annotated[union, pydantic.Field(discriminator="type")]
        return StreamEventTypes(pydantic.TypeAdapter(tagged), by_type)
    except Exception:  # another openai: keep its own parsing
        return None


class StreamEventByType:
    """Builds a Responses stream event, validated by its ``type`` (module docstring).

    Given to openai's ``AsyncStream`` as its ``cast_to``: openai hands the event's data to
    ``build`` (its ``ModelBuilderProtocol``).
    """

    @classmethod
    def build(cls, *, response: Any, data: object) -> Any:
        """The event as openai's ``construct_type(type_=ResponseStreamEvent)`` makes it.

        That validates against the union and, when no member validates, constructs the
        member the ``type`` names without validation. Only that member could validate
        (each has its own ``type`` literal), so it alone is tried, then constructed.
        """
        event, construct_type, invalid = _event_building()
        types = stream_event_types()
        if types is not None:
            try:
                return types.adapter.validate_python(data)
            except invalid:
                kind = data.get("type") if isinstance(data, dict) else None
                member = types.by_type.get(kind) if isinstance(kind, str) else None
                if member is not None:
                    return construct_type(type_=member, value=data)
        # No type, or one this openai does not know: openai's own way.
        return construct_type(type_=event, value=data)


@functools.cache
def _event_building() -> tuple[Any, Any, type[Exception]]:
    """openai's event union, its ``construct_type`` and pydantic's ValidationError, looked
    up once (imports per event cost about as much as validating a text delta)."""
    import pydantic
    from openai._models import construct_type
    from openai.types.responses import ResponseStreamEvent

    return ResponseStreamEvent, construct_type, pydantic.ValidationError


def lighten_stream(stream: object) -> bool:
    """Make an ``AsyncStream[ResponseStreamEvent]`` not yet read parse its events by type
    and merge the text deltas of each read. False (and unchanged) for anything else,
    and for an openai release other than :data:`LIGHT_STREAM_OPENAI_VERSIONS`."""
    import openai
    from openai import AsyncStream

    if openai.__version__ not in LIGHT_STREAM_OPENAI_VERSIONS:
        return False
    # Looked up once: in the server openai.types is deferred (serverext/
    # deferred_imports.py), where importing it here cost ~40 us a model request.
    event_union = _event_building()[0]
    if not isinstance(stream, AsyncStream) or getattr(stream, "_cast_to", None) is not (
        event_union
    ):
        return False
    if stream_event_types() is not None:
        stream._cast_to = StreamEventByType
    decoder = getattr(stream, "_decoder", None)
    if can_coalesce(decoder):
        stream._decoder = CoalescingDecoder(decoder, merge_output_text_deltas)
    return True

"""One turn of the assistant: which agent answers it, and its run as ChatKit events.

:meth:`NotebookAssistant.respond` loads the thread's bounded history and hands the turn
over in two steps:

- :func:`choose_agent`: Ask or Agent mode (the thread's recorded choice, changed by the
  message's own), the step limit, the MCP tools and a just-approved MCP call, and what
  the requesting front end can carry out. A front end that cannot show approval cards
  (the kernel's headless ``Chat().ask``, ``%chat QUESTION``) gets Ask mode's tools for
  its request, whatever the thread's mode: no notebook-changing tools and no MCP tools
  it would only answer with errors. The thread keeps its mode for the browser.
- :func:`run_agent`: the streamed run; a failure keeps what was already said (marked as
  cut off) and becomes one readable ``CustomStreamError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from agents import Agent, RunConfig, Runner, ToolErrorFormatter, ToolErrorFormatterArgs
from agents.items import TResponseInputItem
from chatkit.agents import AgentContext, stream_agent_response
from chatkit.errors import CustomStreamError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageContentPartAdded,
    AssistantMessageContentPartDone,
    AssistantMessageContentPartTextDelta,
    AssistantMessageItem,
    ThreadItem,
    ThreadItemAddedEvent,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadItemReplacedEvent,
    ThreadItemUpdatedEvent,
    ThreadMetadata,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsRetryAfterItemReq,
    ThreadStreamEvent,
    UserMessageItem,
    WorkflowItem,
)
from pydantic import PrivateAttr

from ..protocol import RequestContext
from . import agent_tools
from .agent import refusing_kept_out
from .history_filter import split_history
from .models import describe_model_error, run_model_provider
from .opening import release_opening
from .partial import CUT_OFF_NOTE, RunEvents, cancel_stranded_reads, mark_partial

if TYPE_CHECKING:
    from .server import NotebookAssistant

log = logging.getLogger("jupyter_chatkit")

# The requests whose metadata may carry the Ask/Agent choice (only those that answer a
# user's message record it: a widget action other than message.edit answers none).
_ANSWERS_A_MESSAGE = (
    ThreadsCreateReq | ThreadsAddUserMessageReq | ThreadsRetryAfterItemReq | ThreadsCustomActionReq
)

# Model calls per run at most (each tool result starts another one).
MAX_TURNS = 8

# The answer to a call of a tool the agent does not have (a model inventing one, or
# calling a notebook step outside Agent mode): the model reads it and may go on; one
# that keeps doing it is stopped by MAX_TURNS. Its name is not echoed back.
UNKNOWN_TOOL = (
    "Error: there is no tool of that name, so nothing ran and nothing was shown to the "
    "user. The tools you may call now: {names}."
)
NO_TOOLS = (
    "Error: there is no tool of that name, so nothing ran. You may call no tools now; "
    "answer the user."
)


def tool_error_formatter(agent: Agent[Any]) -> ToolErrorFormatter:
    """openai-agents' ``RunConfig.tool_error_formatter`` for a run of ``agent``: a call of
    an unknown tool is told which tools there are (other tool errors: the SDK's words)."""

    def format_error(args: ToolErrorFormatterArgs[Any]) -> str | None:
        if args.kind != "tool_not_found":
            return None
        names = [tool.name for tool in agent.tools]
        return UNKNOWN_TOOL.format(names=", ".join(names)) if names else NO_TOOLS

    return format_error


@dataclass(frozen=True)
class TurnRequest:
    """What one streaming request asks of the turn it starts or resumes.

    ``agent``: the Ask/Agent choice sent with a message (``{"agent": {...}}``), recorded
    in the thread by :func:`choose_agent`. ``approval_cards``: whether the request's front
    end can show approval cards (``{"front_end": {"approval_cards": false}}`` says not).
    ``kept_out_cells``: the 0-based indexes of the cells its front end says the person
    kept out (``{"front_end": {"kept_out_cells": [...]}}``): no step acts on them.
    """

    agent: dict[str, Any] | None = None
    approval_cards: bool = True
    kept_out_cells: frozenset[int] = frozenset()

    @classmethod
    def of(cls, request: Any) -> TurnRequest:
        """Read a ChatKit request's metadata; anything malformed reads as absent."""
        metadata = getattr(request, "metadata", None)
        wanted = (
            agent_tools.request_agent_settings(metadata)
            # Regenerate and an edited message (a custom action) answer a message again:
            # they carry the switch as it is now, like a new message.
            if isinstance(request, _ANSWERS_A_MESSAGE)
            else None
        )
        return cls(
            agent=wanted,
            approval_cards=agent_tools.shows_approval_cards(metadata),
            kept_out_cells=agent_tools.kept_out_cells(metadata),
        )


@dataclass
class TurnChoice:
    """The agent that answers the turn (None: the turn ends here), and events to show first."""

    agent: Agent[Any] | None
    events: list[ThreadStreamEvent] = field(default_factory=list)


async def choose_agent(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    history: Sequence[ThreadItem],
    input_user_message: UserMessageItem | None,
    request: TurnRequest,
) -> TurnChoice:
    """Record the message's Ask/Agent choice in ``thread`` and pick the agent of the turn.

    ChatKit saves the changed thread; tool outputs resume in its recorded mode.
    """
    if request.agent is not None and input_user_message is not None:
        thread.metadata = {**thread.metadata, agent_tools.METADATA_KEY: request.agent}
    if agent_tools.thread_agent_settings(thread.metadata)["mode"] != "agent":
        return TurnChoice(server.agent)
    if not request.approval_cards:
        # Every step would need an approval card this front end cannot show (it would
        # answer "unknown tool"): this request reads and proposes code, as in Ask mode.
        return TurnChoice(server.agent)
    if input_user_message is None and agent_tools.stopped_by_user(history):
        # Stop during a step: the step is kept with its result, the turn ends.
        return TurnChoice(None)
    over = agent_tools.steps_in_turn(history) >= server.settings.agent_max_steps
    agent = server.agent_limit_agent if over else server.agent_mode_agent
    # The cells the person kept out: no step on them becomes a card.
    agent = refusing_kept_out(agent, request.kept_out_cells)
    if server.mcp is None:
        return TurnChoice(agent)
    # Agent mode only: start the MCP servers, carry out a call just approved. That may
    # take a while: what the turn has shown so far goes out first.
    release_opening()
    mcp_turn = await server.mcp.begin_turn(history, resuming=input_user_message is None)
    if mcp_turn.stopped:
        return TurnChoice(None, mcp_turn.events)
    if agent is server.agent_mode_agent:
        agent = mcp_turn.agent(agent)
    return TurnChoice(agent, mcp_turn.events)


async def run_agent(
    server: NotebookAssistant,
    agent: Agent[Any],
    agent_input: list[TResponseInputItem],
    agent_context: AgentContext[RequestContext],
    history: Sequence[ThreadItem],
) -> AsyncGenerator[ThreadStreamEvent, None]:
    """Run ``agent`` and stream its events; a failure keeps what was said and is raised
    as one readable ``CustomStreamError``.

    The caller closes it (``contextlib.aclosing``) so that a client going away stops
    the run at once.
    """
    # The history reaches each model call through the filter, uncopied (history_filter).
    run_input, with_history = split_history(agent_input)
    result = Runner.run_streamed(
        agent,
        run_input,
        context=agent_context,
        max_turns=MAX_TURNS,
        run_config=RunConfig(
            # The thread's pick (its last user message), else the configured model.
            model=server.models.for_items(history),
            tracing_disabled=not server.tracing,
            trace_include_sensitive_data=False,
            model_provider=run_model_provider(),
            # An unknown tool is the model's mistake to correct, not the end of the turn
            # (the SDK's default raises ModelBehaviorError).
            tool_not_found_behavior="return_error_to_model",
            tool_error_formatter=tool_error_formatter(agent),
            call_model_input_filter=with_history,
        ),
    )
    pending: dict[str, ThreadItem] = {}
    run_events = RunEvents(result)
    try:
        # Closed explicitly, so its merge tasks end while this loop still runs.
        # (An async generator, though typed as an AsyncIterator.)
        agent_events = cast(
            "AsyncGenerator[ThreadStreamEvent, None]",
            stream_agent_response(agent_context, run_events),  # type: ignore[arg-type]
        )
        async with contextlib.aclosing(agent_events) as events:
            async for event in events:
                # The model was asked (a model without HTTP tells no one else).
                release_opening()
                track_pending(pending, event)
                yield event
        if run_events.error is not None:
            raise run_events.error
    except (asyncio.CancelledError, GeneratorExit):
        # The client went away: stop the run so the upstream request is closed.
        result.cancel()
        cancel_stranded_reads(run_events, agent_context._events)
        raise
    except Exception as exc:
        result.cancel()
        cancel_stranded_reads(run_events, agent_context._events)
        message, retry = describe_model_error(exc, server.settings.where)
        thread_id = agent_context.thread.id
        log.warning("Model run failed in thread %s: %s", thread_id, type(exc).__name__)
        # Keep what was already said, and leave nothing half-open behind.
        for event in settle_pending(pending):
            yield event
        raise CustomStreamError(message, allow_retry=retry) from None


def context_class(base: type[AgentContext[Any]]) -> type[AgentContext[Any]]:
    """``base`` (ChatKit's agent context) with its event queue made anew for each
    context instead of deep-copied.

    ChatKit 1.6.5 declares ``_events = asyncio.Queue()``, a default that pydantic
    deep-copies for every context it makes (a queue pickled and rebuilt: a context cost
    ~29 us of CPU, now ~6); a new empty queue is what that copy gives. (Not a
    ``default_factory``: pydantic reads a factory's signature at every call, ~20 us.) A
    ``base`` that declares its queue otherwise is returned as it is.
    """
    events = base.__private_attributes__.get("_events")
    if events is None or type(events.default) is not asyncio.Queue:
        return base

    class TurnContext(base):  # type: ignore[valid-type,misc]
        _events: asyncio.Queue[Any] = PrivateAttr()

        def model_post_init(self, context: Any, /) -> None:
            super().model_post_init(context)
            self._events = asyncio.Queue()

    return TurnContext


def track_pending(pending: dict[str, ThreadItem], event: ThreadStreamEvent) -> None:
    """Follow items that were added but not finished, with the text streamed so far."""
    if isinstance(event, ThreadItemAddedEvent):
        pending[event.item.id] = _own_copy(event.item)
    elif isinstance(event, ThreadItemDoneEvent | ThreadItemReplacedEvent):
        pending.pop(event.item.id, None)
    elif isinstance(event, ThreadItemRemovedEvent):
        pending.pop(event.item_id, None)
    elif isinstance(event, ThreadItemUpdatedEvent):
        item = pending.get(event.item_id)
        if not isinstance(item, AssistantMessageItem):
            return
        update = event.update
        if isinstance(update, AssistantMessageContentPartAdded | AssistantMessageContentPartDone):
            while len(item.content) <= update.content_index:
                item.content.append(AssistantMessageContent(text=""))
            # A copy: ChatKit's own bookkeeping mutates the event's content object.
            item.content[update.content_index] = update.content.model_copy(deep=True)
        elif isinstance(update, AssistantMessageContentPartTextDelta):
            while len(item.content) <= update.content_index:
                item.content.append(AssistantMessageContent(text=""))
            item.content[update.content_index].text += update.delta


def _own_copy(item: ThreadItem) -> ThreadItem:
    """A copy of ``item`` that ChatKit's later changes to it do not reach.

    An answer's only mutable field is its list of content parts: a shallow copy with
    its own list of copied parts is the deep copy, at about a third of pydantic's deep
    copy (which walks every field; ~13 us a turn).
    """
    if isinstance(item, AssistantMessageItem):
        copied = item.model_copy()
        copied.content = [part.model_copy(deep=True) for part in item.content]
        return copied
    return item.model_copy(deep=True)


def settle_pending(pending: dict[str, ThreadItem]) -> list[ThreadStreamEvent]:
    """Finish half-streamed items after a failure: keep partial text, drop empty ones.

    Kept text is marked as cut off, so the stored thread does not pass it for a
    complete answer.
    """
    events: list[ThreadStreamEvent] = []
    for item in pending.values():
        if isinstance(item, AssistantMessageItem):
            if any(part.text.strip() for part in item.content):
                events.append(ThreadItemDoneEvent(item=mark_partial(item, CUT_OFF_NOTE)))
            else:
                events.append(ThreadItemRemovedEvent(item_id=item.id))
        elif isinstance(item, WorkflowItem):
            item.workflow.expanded = False
            events.append(ThreadItemDoneEvent(item=item))
        else:
            events.append(ThreadItemRemovedEvent(item_id=item.id))
    pending.clear()
    return events

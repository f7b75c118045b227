"""``NotebookAssistant``: the transport-free ChatKit server of jupyter-chatkit.

Transports (the Jupyter server handlers, the kernel comm) hand it request bytes and a
:class:`RequestContext` and get back a :class:`JsonResult` or a :class:`StreamResult`;
how a request and its failures are answered as data is in :mod:`.answers`. Which agent
answers a turn, and its streamed run, are in :mod:`.turn`; how streamed turns are
serialized per thread and how a cancelled one ends, in :mod:`.turn_streams`; what a
streaming request is refused for, in :mod:`.request_checks`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, ParamSpec, cast

from agents.models.interface import Model
from chatkit.actions import Action
from chatkit.agents import AgentContext
from chatkit.errors import CustomStreamError
from chatkit.errors import ErrorCode as ChatKitErrorCode
from chatkit.server import NonStreamingResult, StreamingResult
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    Attachment,
    ChatKitReq,
    ClientEffectEvent,
    ErrorEvent,
    FeedbackKind,
    NoticeEvent,
    Page,
    Thread,
    ThreadItem,
    ThreadItemReplacedEvent,
    ThreadMetadata,
    ThreadsDeleteReq,
    ThreadsGetByIdReq,
    ThreadsListReq,
    ThreadStreamEvent,
    ThreadsUpdateReq,
    UserMessageItem,
    WidgetItem,
    is_streaming_req,
)

from ..context_policy import ContextPolicy
from ..protocol import (
    ACTION_INSERT_AND_RUN_CELL,
    EARLIER_FAILURES_KEY,
    INSERT_ACTIONS,
    STEP_STARTED_KEY,
    TURN_FAILURE_KEY,
    TURN_NOTICES_KEY,
    RequestContext,
)
from ..settings import Settings
from ..store import MAX_THREAD_TITLE_CHARS, SQLStore
from ..store.engine import NulCharacterError
from . import notebook_threads, thread_responses, turn_failures, turn_notices
from .agent import build_agent, build_title_agent
from .agent_tools import METADATA_KEY, host_card_buttons, thread_agent_settings
from .agent_undo import ACTION_UNDO_AGENT_STEPS, undo_steps
from .answers import REQUEST_ADAPTER, answer
from .cards import POSITIONS, card_code, host_buttons, mark_inserted
from .event_merge import install as install_event_merge
from .first_saves import FirstSaves
from .history import History, PreloadedTail, read_history
from .library_hooks import ChatKitHooks
from .message_edit import ACTION_EDIT_MESSAGE, edit_message
from .model_choice import ModelChoice
from .model_input import PolicyConverter
from .models import build_model, close_model, set_tracing
from .new_threads import NewThreadLimit
from .partial import KeepPartialOutput
from .request_checks import check_streaming_request, refuse_not_served
from .results import JsonResult, StreamResult, safe_message, wire_json
from .running import RunningTurns
from .scrub import Scrubber, register_secret
from .step_starts import started_step
from .titles import PendingTitles, local_title, model_title, renamed_to, titled_if_untitled
from .turn import TurnRequest, choose_agent, context_class, run_agent
from .turn_streams import THREAD_DELETED, keep_stopped_turn, process_streaming
from .unsaved_threads import UnsavedThreads

if TYPE_CHECKING:
    from .mcp import McpTools

log = logging.getLogger("jupyter_chatkit")

# Parametrized once: pydantic returns the same class each time, but looking it up in
# its cache of generic types cost ~30 us of CPU a turn. Its event queue is made anew,
# not deep-copied (turn.context_class).
_AGENT_CONTEXT = context_class(AgentContext[RequestContext])

P = ParamSpec("P")


def _mcp_tools(settings: Settings) -> McpTools | None:
    """Agent mode's MCP servers of ``settings``; None when none are configured, and then
    their modules (assistant/mcp*.py, ~8 ms of CPU) are not imported."""
    if not getattr(settings, "mcp_servers", None):
        return None
    from .mcp import McpTools

    return McpTools.from_settings(settings)


def _refusals_said(
    stream: Callable[P, AsyncIterator[ThreadStreamEvent]],
) -> Callable[P, AsyncIterator[ThreadStreamEvent]]:
    """``stream`` (a hook ChatKit streams), text the store refuses in what the client sent
    (a NUL, a lone surrogate) said as any request's: ChatKit ends any other exception
    with a bare ``stream.error`` (no words, Retry offered)."""

    @functools.wraps(stream)
    async def said(*args: P.args, **kwargs: P.kwargs) -> AsyncIterator[ThreadStreamEvent]:
        try:
            async for event in stream(*args, **kwargs):
                yield event
        except (NulCharacterError, UnicodeError) as exc:
            raise CustomStreamError(safe_message(exc), allow_retry=False) from None

    return said


class NotebookAssistant(ChatKitHooks):
    """The notebook assistant: an openai-agents Agent behind ChatKit's protocol.

    ChatKit's private hooks reach it through :class:`.library_hooks.ChatKitHooks`, whose
    public methods it overrides (``stream_request``, ``turn_events``, ``serialize``,
    ``thread_response``).
    """

    def __init__(self, store: SQLStore, settings: Settings, model: Model | None = None) -> None:
        super().__init__(store, store.attachments)
        # ChatKit's merge of the run's and the tools' events, without a task per event.
        install_event_merge()
        self.sql_store = store
        self.settings = settings
        # The configured key (and the URLs' passwords) leave neither in an answer nor
        # in a log line, whatever an upstream error or the model echoes back.
        self.scrubber = Scrubber(settings.configured_secrets)
        for secret in settings.configured_secrets:
            register_secret(secret)
        # What the model reads passes this policy (model_input.py). Fixed by the settings
        # like the scrubber above, so built once: per turn it cost ~17 µs of CPU, ~0.1 ms
        # with two MCP servers configured (their configuration parsed twice each time).
        self.policy = ContextPolicy.from_settings(settings)
        # Agent mode's MCP servers (None when none are configured); started on first use.
        self.mcp = _mcp_tools(settings)
        # Only OpenAI with its own key may receive traces; never another provider's key.
        self.tracing = set_tracing(settings)
        self.model: Model = KeepPartialOutput(model if model is not None else build_model(settings))
        # Models picked per thread in the chat's header (inference_options.model).
        self.models = ModelChoice(settings, self.model)
        self.agent = build_agent(settings, model=self.model)
        # Agent mode's agents: with the notebook tools, and once the step limit is hit.
        self.agent_mode_agent = build_agent(settings, mode="agent", model=self.model)
        self.agent_limit_agent = build_agent(settings, mode="agent_limit", model=self.model)
        # Per thread id, what the streaming paths (turn_streams.py, user_messages.py)
        # hand a turn's respond(), set while the request runs; one turn per thread at a
        # time, so one entry each:
        # - what the running request asks of its turn (the message's Ask/Agent choice,
        #   its front end's abilities; see turn.py);
        self.turn_requests: dict[str, TurnRequest] = {}
        # - the notebook a new thread's first request names, until that turn ends
        #   (recorded after it, or by handle_stream_cancelled when it is stopped);
        self.new_notebooks: dict[str, str | None] = {}
        # - the history read with the user message's save (for a new thread: that message
        #   alone), until respond() takes it (and then reads nothing).
        self.histories: dict[str, History] = {}
        self.title_agent = build_title_agent(self.model)
        # title_threads = 'model': titles owed to new threads (see titles.PendingTitles).
        self.titles = PendingTitles()
        # Turns being answered here: they outlive their client; Stop, watch (running.py).
        self.running = RunningTurns()
        # New conversations per user per minute (new_threads.py).
        self.new_threads = NewThreadLimit(settings.max_new_threads_per_minute)
        # New threads named to their client (thread.created) before their first save is
        # made: a request naming one makes it first and waits for it (first_saves.py).
        self.saving_threads: dict[str, asyncio.Future[Any]] = {}
        # New threads named to their client whose first save then failed, kept for the
        # client's Retry or next request, which saves them first (unsaved_threads.py).
        self.unsaved_threads = UnsavedThreads(store.unsaved_spool)
        # New threads' first saves, made once their models have been asked.
        self.first_saves = FirstSaves(store, self.unsaved_threads, self.saving_threads)

    @property
    def provider_model(self) -> Model:
        """The configured model itself (an openai-backed one holds the HTTP client)."""
        return self.model.inner if isinstance(self.model, KeepPartialOutput) else self.model

    # -- transport entry point ---------------------------------------------------------

    async def handle(self, body: bytes | str, context: RequestContext) -> JsonResult | StreamResult:
        """Answer one ChatKit request as data, scrubbed; never raises for bad input or a
        failing model (see :mod:`.answers`)."""
        return await answer(self, body, context)

    async def process(
        self, request: str | bytes | bytearray, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """ChatKit's ``process``, validating with one cached adapter.

        ChatKit builds a new ``TypeAdapter(ChatKitReq)`` per request, which costs ~25 ms
        of CPU each time; under 50 concurrent streams that alone serialized the server.
        """
        return await self.process_parsed(REQUEST_ADAPTER.validate_json(request), context)

    async def process_parsed(
        self, request: ChatKitReq, context: RequestContext
    ) -> StreamingResult | NonStreamingResult:
        """:meth:`process` for a request already validated (answers.py validates it)."""
        if self.saving_threads:
            # New threads named to their clients before their first saves: the one the
            # request names (or this user's, for a list) made first (first_saves.py).
            await self.first_saves.before(request, context)
        if self.unsaved_threads:
            # A new thread named to its client but not saved: saved before it is named
            # again (normally none is kept: one length check).
            await self.unsaved_threads.save_named(self.sql_store, request, context)
        if is_streaming_req(request):
            await check_streaming_request(self, request, context)
            # The buttons this front end adds to code cards, named when a card is shown.
            host_buttons.set(host_card_buttons(request.metadata))
            return StreamingResult(self.stream_answer(request, context))
        refuse_not_served(request)
        if isinstance(request, ThreadsListReq):
            # Each thread with its notebook; one notebook's threads when asked.
            page = await notebook_threads.load_page(self.store, request, context)
            body = self.serialize(
                Page(
                    data=[self.thread_response(t) for t in page.data],
                    has_more=page.has_more,
                    after=page.after,
                )
            )
            return NonStreamingResult(notebook_threads.add_notebooks(body, page.data))
        if isinstance(request, ThreadsGetByIdReq):
            # A new thread's first turn ended without its model title (stopped, failed):
            # it is written before the thread is read (see titles.PendingTitles).
            thread_id = request.params.thread_id
            running = thread_id in self.turn_requests
            await self.titles.settle(thread_id, self.sql_store, context, running)
        elif isinstance(request, ThreadsUpdateReq) and notebook_threads.requested_notebook(request):
            thread = await notebook_threads.update_notebook(self.store, request, context)
            return NonStreamingResult(self.serialize(self.thread_response(thread)))
        elif isinstance(request, ThreadsUpdateReq):
            if len(request.params.title) > MAX_THREAD_TITLE_CHARS:
                raise ValueError(
                    f"Conversation titles are limited to {MAX_THREAD_TITLE_CHARS} characters."
                )
            self.titles.renamed(request.params.thread_id, request.params.title, context.user_id)
            # Only the title, into the thread as stored now (ChatKit's update saves the
            # whole copy it read: a failure kept meanwhile was lost).
            thread = await self.sql_store.change_thread(
                request.params.thread_id, renamed_to(request.params.title), context
            )
            return NonStreamingResult(self.serialize(self.thread_response(thread)))
        result = NonStreamingResult(await self.json_answer(request, context))
        if isinstance(request, ThreadsDeleteReq):
            # Deleted: a turn answering it (another tab) stops now, its model run closed,
            # and its stream ends with THREAD_DELETED; no model title is made for it.
            self.running.thread_deleted(request.params.thread_id, context.user_id)
            self.titles.deleted(request.params.thread_id, context.user_id)
        return result

    def stream_request(
        self,
        request: Any,
        context: RequestContext,
        chatkit_stream: Callable[[Any, RequestContext], AsyncIterator[ThreadStreamEvent]],
    ) -> AsyncGenerator[ThreadStreamEvent, None]:
        """ChatKit's streaming, one turn at a time per thread, ``threads.create`` atomic
        (:func:`.turn_streams.process_streaming`)."""
        return process_streaming(self, request, context, chatkit_stream)

    def on_gone(self, thread_id: str, context: RequestContext) -> Callable[[], None]:
        """What a turn's lease renewal (or watch) calls when it finds the thread deleted,
        by another process too (store/turns.py): the turn ends as a delete here does."""
        return partial(self.running.thread_deleted, thread_id, context.user_id)

    def serialize(self, obj: Any) -> bytes:
        """ChatKit's serialization, taking a streamed event's text from its running turn,
        which kept it a moment before (running.LastSerialized): the same bytes."""
        kept = self.running.serialized(obj)
        return kept if kept is not None else wire_json(obj)

    def history_limits(self) -> tuple[int, int]:
        """The most items and tokens of the history a turn reads."""
        return self.settings.history_max_items, self.settings.history_max_tokens

    def thread_response(self, thread: ThreadMetadata | Thread) -> Thread:
        """ChatKit's thread response plus the thread's Ask/Agent settings and notebook
        (nothing else of its metadata leaves the server)."""
        response = thread_responses.thread_response(
            thread, {METADATA_KEY: thread_agent_settings(thread.metadata)}
        )
        notebook = notebook_threads.notebook_of(thread)
        if notebook:
            # Its notebook (a path, listed in threads.list too): the sidebar lets the next
            # notebook attached take up only a conversation that has none.
            response.metadata["notebook"] = notebook
        if self.titles.due(thread.id):
            # The local title shows until the model's: a client whose stream ended
            # without it (stopped) asks for the thread once (get_by_id waits for it).
            response.metadata["title_pending"] = True
        failure = turn_failures.shown_failure(thread.metadata)
        if failure is not None:
            # Why its last turn failed (turn_failures.py), shown again after a reload.
            response.metadata[TURN_FAILURE_KEY] = failure
        earlier = turn_failures.earlier_failures(thread.metadata)
        if earlier and isinstance(thread, Thread):
            # With the thread's items (get_by_id), not in the list: the history says
            # which earlier message failed and why.
            response.metadata[EARLIER_FAILURES_KEY] = earlier
        notices = turn_notices.kept_notices(thread.metadata)
        if notices and isinstance(thread, Thread):
            # What its turns' notices said (turn_notices.py), shown again after a reload.
            response.metadata[TURN_NOTICES_KEY] = notices
        if self.running.answering(thread.id):
            # Its answer is being written: a client that opens it follows it (Turn.WATCH).
            response.metadata["answering"] = True
        started = started_step(thread.metadata)
        if started is not None:
            # A page began this step (its id, not the page's): step_starts.py.
            response.metadata[STEP_STARTED_KEY] = started
        return response

    def owe_model_title(
        self, thread_id: str, local: str, message: UserMessageItem, context: RequestContext
    ) -> None:
        """With ``title_threads = 'model'``, the thread's local title is replaced later."""
        if self.settings.title_mode == "model":
            self.titles.expect(
                thread_id,
                local,
                lambda: model_title(self.title_agent, self.model, message, self.policy),
                context.user_id,
            )

    # -- ChatKitServer hooks -------------------------------------------------------------

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Run the agent over the bounded history and stream its answer."""
        if not thread.title and self.settings.title_mode != "off" and input_user_message:
            # Streamed with the first event (not after the answer), so Stop keeps it on
            # screen; threads.create already has it (see user_messages.create_thread).
            title = local_title(input_user_message, self.policy)
            await self._title_untitled(thread, title, context)
            if thread.title == title:
                self.owe_model_title(thread.id, title, input_user_message, context)
        read = await self._read_history(thread, context)
        history = read.items
        if input_user_message is not None:
            # Answer this request's own message, whatever was saved after it.
            ids = [item.id for item in history]
            if input_user_message.id in ids:
                history = history[: ids.index(input_user_message.id) + 1]
        # The context policy's choke point: every tool output and attachment, redacted.
        converter = PolicyConverter(
            self.policy,
            lambda attachment_id: self.read_attachment(attachment_id, context),
            stored=read.payloads,
        )
        # Ask or Agent, the step limit, MCP, what this request's front end can do.
        # (Kept for the whole request, dropped when it ends: see stream_request.)
        request = self.turn_requests.get(thread.id, TurnRequest())
        choice = await choose_agent(self, thread, history, input_user_message, request)
        for event in choice.events:
            yield event
        if choice.agent is None:
            return
        agent_input = await converter.to_agent_input(history)
        for notice in await converter.cut_notices(input_user_message):
            yield notice  # a text file the model reads only in part: the person is told
        # ChatKit's run starts by reading the thread's last items, read just now; unless
        # the events above were saved in between, they are answered from `read`.
        # (ChatKit skips validating the store: a stand-in that delegates is accepted.)
        store = (
            self.store
            if choice.events
            else cast("Store[RequestContext]", PreloadedTail(self.store, thread.id, read))
        )
        agent_context = _AGENT_CONTEXT(thread=thread, store=store, request_context=context)
        run = run_agent(self, choice.agent, agent_input, agent_context, history)
        try:
            # Closed here when the client goes away, so the run is stopped at once.
            async with contextlib.aclosing(run) as events:
                async for event in events:
                    yield event
        except Exception:
            # A failed turn: a model title still owed is written in the background now
            # (the client may never ask for the thread, and the entry holds the message).
            self.titles.write_later(thread.id, self.sql_store, context)
            raise

        # Title after the first real answer; not while a client tool call is pending,
        # since the client waits for this stream to end before running the tool.
        mode = self.settings.title_mode
        if agent_context.client_tool_call is None and self.titles.due(thread.id):
            # The model's title, owed since the first event; streamed as thread.updated.
            thread.title = await self.titles.take(thread.id) or thread.title
        elif not thread.title and mode != "off" and agent_context.client_tool_call is None:
            first = input_user_message or next(
                (item for item in history if isinstance(item, UserMessageItem)), None
            )
            if first is not None:
                # The local title costs nothing; a model title is one more model call,
                # made only when asked for, after the answer has streamed. Written into
                # the thread as stored only if it is still untitled (a name the person
                # gave it meanwhile stays); ChatKit streams thread.updated when the
                # turn's copy changed.
                title = (
                    await model_title(self.title_agent, self.model, first, self.policy)
                    if mode == "model"
                    else local_title(first, self.policy)
                )
                await self._title_untitled(thread, title, context)

    async def _title_untitled(
        self, thread: ThreadMetadata, title: str, context: RequestContext
    ) -> None:
        """``title`` into ``thread`` (a turn's copy) as stored, if the stored thread is
        still untitled: a name the person gives it while the turn runs stays, and the
        copy's save at the turn's end does not write over it."""
        with contextlib.suppress(NotFoundError):  # deleted meanwhile: the turn ends so
            stored = await self.sql_store.change_thread(
                thread.id, titled_if_untitled(title), context
            )
            thread.title = stored.title
            self.sql_store.title_stored(thread)

    async def _read_history(self, thread: ThreadMetadata, context: RequestContext) -> History:
        """The thread's bounded history; read already when the turn's message was saved
        (a new thread's first turn, a follow-up), else read now."""
        history = self.histories.pop(thread.id, None)
        if history is not None:
            return history
        max_items, max_tokens = self.history_limits()
        return await read_history(self.store, thread, context, max_items, max_tokens)

    async def add_feedback(
        self,
        thread_id: str,
        item_ids: list[str],
        feedback: FeedbackKind,
        context: RequestContext,
    ) -> None:
        """Persist 👍/👎 for items of one of the user's threads."""
        await self.sql_store.save_feedback(thread_id, item_ids, feedback, context)

    @_refusals_said
    async def action(
        self,
        thread: ThreadMetadata,
        action: Action[str, Any],
        sender: WidgetItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        """Insert actions from code cards: a client effect, and the card marked inserted.

        ``message.edit`` (no card) edits and re-sends a user message (message_edit.py);
        ``agent.undo`` (no card) records reverted Agent steps (agent_undo.py).

        Text of the payload the store refuses (a NUL, a lone surrogate in an id) is said
        as any request's (a 400's words), not as ChatKit's bare ``stream.error``.
        """
        if action.type == ACTION_EDIT_MESSAGE:
            async for event in edit_message(self, thread, action, context):
                yield event
            return
        if action.type == ACTION_UNDO_AGENT_STEPS:
            async for event in undo_steps(self, thread, action, context):
                yield event
            return
        if action.type not in INSERT_ACTIONS:
            raise CustomStreamError(f"Unknown action {action.type!r}.", allow_retry=False)
        code = card_code(sender.widget) if sender is not None else None
        if sender is None or code is None:
            raise CustomStreamError(
                "This action must come from a code card in this conversation.",
                allow_retry=False,
            )
        payload = action.payload if isinstance(action.payload, dict) else {}
        position = payload.get("position", "below")
        if position not in POSITIONS:
            position = "below"
        run = action.type == ACTION_INSERT_AND_RUN_CELL
        # The code comes from the stored card, never from the client's payload.
        yield ClientEffectEvent(
            name=action.type, data={"code": code, "position": position, "run": run}
        )
        widget = mark_inserted(sender.widget, ran=run)
        yield ThreadItemReplacedEvent(item=sender.model_copy(update={"widget": widget}))

    async def handle_stream_cancelled(
        self,
        thread: ThreadMetadata,
        pending_items: list[ThreadItem],
        context: RequestContext,
    ) -> None:
        """After Stop: keep what was said, marked as stopped, and collapsed workflows
        (:func:`.turn_streams.keep_stopped_turn`)."""
        await keep_stopped_turn(
            self, thread, pending_items, context, super().handle_stream_cancelled
        )

    async def turn_events(
        self,
        thread: ThreadMetadata,
        context: RequestContext,
        events: AsyncIterator[ThreadStreamEvent],
    ) -> AsyncIterator[ThreadStreamEvent]:
        """ChatKit's, but a thread deleted while its answer streams ends the stream with
        one :data:`THREAD_DELETED` error that offers no Retry (a Retry could only 404).

        The store refuses the turn's next write with ``NotFoundError`` (nothing of it is
        written); ChatKit makes that a bare ``stream.error`` offering Retry, then may save
        the thread once more (refused by the store too: a second error). So after that
        error the stream ends here.
        """
        failed: ErrorEvent | None = None
        kept = turn_failures.KeptFailure.of(thread)
        async with contextlib.aclosing(events):  # type: ignore[type-var]
            async for event in events:
                if (
                    isinstance(event, ErrorEvent)
                    and event.code == ChatKitErrorCode.STREAM_ERROR
                    and await self._thread_deleted(thread.id, context)
                ):
                    yield ErrorEvent(code="custom", message=THREAD_DELETED, allow_retry=False)
                    return
                if isinstance(event, ErrorEvent):
                    failed = event
                if kept is not None and kept.dropped_by(event):
                    await kept.drop(self, thread, context)
                    kept = None
                yield event
                if isinstance(event, NoticeEvent):
                    # Kept with the thread once said (a slow store does not hold it up):
                    # a reload shows it too.
                    await turn_notices.keep_notice(self, thread, event, context)
        if failed is not None:
            # Kept with the thread: a reload, another window, still says why.
            await turn_failures.keep_failure(self, thread, failed, context)

    async def _thread_deleted(self, thread_id: str, context: RequestContext) -> bool:
        """Whether this user's thread is gone (False if the store cannot tell)."""
        try:
            await self.store.load_thread(thread_id, context)
        except NotFoundError:
            return True
        except Exception:
            return False
        return False

    # -- attachments and lifetime --------------------------------------------------------

    async def read_attachment(
        self, attachment_id: str, context: RequestContext
    ) -> tuple[Attachment, bytes]:
        """This user's attachment and its bytes (``NotFoundError`` if not theirs)."""
        return await self.sql_store.attachments.read_bytes(attachment_id, context)

    async def write_attachment(
        self, attachment_id: str, data: bytes, context: RequestContext
    ) -> None:
        """Upload the bytes of one of this user's pending attachments."""
        await self.sql_store.attachments.write_bytes(attachment_id, data, context)

    def set_attachment_upload_url(self, upload_url_for: Callable[[str], str]) -> None:
        """Where clients upload an attachment's bytes, given its id (set by a transport)."""
        self.sql_store.attachments.upload_url_for = upload_url_for

    async def aclose(self) -> None:
        """Stop the running turns (their answers kept, marked stopped), the MCP servers;
        close the model's HTTP client and the store's connections."""
        # Turns outlive their clients (running.py): stopped while the store is open.
        await self.running.stop_all()
        # New threads' first saves not made yet, made while the store is open.
        await self.first_saves.close()
        self.titles.close()
        try:
            if self.mcp is not None:
                await self.mcp.aclose()
            await self.models.aclose()
            await self.model.close()
            await close_model(self.provider_model)
        finally:
            await self.sql_store.close()


async def create_assistant(settings: Settings, model: Model | None = None) -> NotebookAssistant:
    """Open the store named by ``settings.store_url`` (its stored titles redacted by the
    configured context policy, once: store/title_redaction.py) and build the assistant
    on it; new threads left unsaved by the last stop are saved (unsaved_threads.py)."""
    from ..store import open_store
    from ..store.engine import PoolOptions
    from ..store.title_redaction import TitleRedaction

    titles = TitleRedaction.of(ContextPolicy.from_settings(settings))
    store = await open_store(settings.store_url, pool=PoolOptions.of(settings), titles=titles)
    try:
        assistant = NotebookAssistant(store, settings, model=model)
        # New threads a stopped server or kernel named but did not save (unsaved_threads.py).
        await assistant.unsaved_threads.restore(store)
    except BaseException:
        # A build that fails (a provider URL the HTTP client refuses) leaves no store
        # connection open: the next request builds again, each would leave one more.
        await store.close()
        raise
    return assistant

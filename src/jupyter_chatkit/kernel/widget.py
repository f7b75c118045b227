"""``Chat``: the chat as an anywidget in a cell's output, and ``ask()`` from Python.

The front end (``static/widget.js``) talks to the Jupyter server's endpoint when it can
reach it, else to this kernel over the widget's comm; then this class runs the
in-kernel assistant (see :mod:`.runtime`) and streams the answer back. ``ask()`` never
involves the front end at all.

Comm contract: the message types of :class:`jupyter_chatkit.protocol.Comm` (anywidget
custom messages; JSON, no buffers). A ChatKit request streams its answer as many
``Comm.CHUNK`` messages and can be cancelled, so it is a message exchange of its own;
a client tool call is one request and one answer, so it is an anywidget command
(``Comm.RUN_TOOL``, the front end's ``experimental.invoke``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import uuid
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets
from anywidget.experimental import command

from .. import parse_json
from ..protocol import CHAT_VIEW_MIME, Comm, Turn
from .answer_mime import describe_failure
from .conversation import ASK_TIMEOUT as ASK_TIMEOUT
from .conversation import Asking, request_without_known_secrets, setup_error
from .runtime import get_runtime, kernel_context

if TYPE_CHECKING:
    from agents.models.interface import Model

    from ..settings import Settings
    from .live import EventListener
    from .stream_events import StreamEvent

log = logging.getLogger("jupyter_chatkit")

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_JS = STATIC / "widget.js"
WIDGET_CSS = STATIC / "widget.css"

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
# What a saved %chat output says where its live widget cannot show (a viewer without
# widgets, or Jupyter with its kernel stopped): its text/plain, read anywhere, so it names
# where the chat shows. Inside JupyterLab, the lab extension shows its own words instead
# (js/lab/src/lostchat.ts, for a kernel restarted since): a different reader, not a copy.
LOST_TEXT = (
    "Notebook Assistant chat: it shows in JupyterLab or Jupyter Notebook while its kernel"
    " runs; run this cell there again to show it."
)

NOT_BUILT = "The jupyter-chatkit front end is not built; run pip install . in the repository."
_MISSING_ESM = f"""
export default {{
  render({{ el }}) {{
    el.textContent = {json.dumps(NOT_BUILT)};
    el.style.color = "var(--jp-error-color1, #b00)";
  }}
}};
"""


class Chat(anywidget.AnyWidget, Asking):
    """The notebook assistant in a cell: ``Chat()`` shows the chat, ``.ask(text)`` asks.

    ``Chat()`` as the last expression of a cell displays the widget (once); ``chat =
    Chat()`` then ``chat`` (or ``display(chat)``) shows it later. ``settings`` and
    ``model`` override the environment's configuration for this chat (``model`` is any
    ``agents`` Model, e.g. for tests). Its widget comm opens when it is first shown: a
    chat that only asks leaves no widget in the page or the saved notebook.
    """

    _esm = WIDGET_JS if WIDGET_JS.is_file() else _MISSING_ESM
    _css = WIDGET_CSS if WIDGET_CSS.is_file() else ""

    base_url = traitlets.Unicode(
        "", help="The Jupyter server's base URL; empty: the front end reads the page's."
    ).tag(sync=True)
    thread_id = traitlets.Unicode("", help="The conversation shown; empty: a new one.").tag(
        sync=True
    )
    new_conversation = traitlets.Bool(
        False,
        help="With no thread_id: a new conversation on purpose (``new_thread()``, "
        "``%chat --new``), not the notebook's last one, which the front end reopens else.",
    ).tag(sync=True)
    choice = traitlets.Dict(
        {},
        help="What the front end shows for this chat's next message, set by it: "
        '``{"model": picked or "", "agent": {"mode", "auto_run"}}``. A question asked '
        "from Python in a new conversation starts it with them, as the chat would.",
    ).tag(sync=True)
    initial_message = traitlets.Unicode(
        "", help="A message the front end sends once, when first shown."
    ).tag(sync=True)
    title = traitlets.Unicode("", help="A title shown above the chat; empty: none.").tag(sync=True)
    notebook = traitlets.Unicode(
        "", help="This kernel's notebook, a path under the server's root; empty: unknown."
    ).tag(sync=True)
    # What the front end groups this widget's views by (they show one conversation): its
    # own, never another widget's (ipywidgets lets widgets share a Layout).
    _view_key = traitlets.Unicode(read_only=True).tag(sync=True)

    @traitlets.default("_view_key")
    def _default_view_key(self) -> str:
        return uuid.uuid4().hex

    def __init__(
        self,
        thread_id: str = "",
        initial_message: str = "",
        *,
        settings: Settings | None = None,
        model: Model | None = None,
        **kwargs: Any,
    ) -> None:
        """Create the chat (shown when it is a cell's result or passed to display)."""
        # No comm yet (see open): ipywidgets' constructor opens one.
        self._created = False
        self._closed = False
        super().__init__(thread_id=thread_id, initial_message=initial_message, **kwargs)
        self._created = True
        self._settings = settings
        self._model = model
        self._requests: dict[str, concurrent.futures.Future[None]] = {}
        # Requests whose front end stopped listening (Comm.CANCEL): they run on, unheard.
        self._detached: set[str] = set()
        # Requests that follow a running turn (Turn.WATCH): Comm.CANCEL ends them.
        self._watches: set[str] = set()
        self._send_lock = threading.Lock()
        # The text of the last answer the front end showed (it reports each one).
        self.last_answer = ""
        # Set once shown: only then do turns run from Python stream to the front end.
        self._displayed = False
        self.on_msg(self._on_custom_msg)

    def open(self) -> None:
        """Open the widget's comm, with the chat's state as it is then: when first shown
        (or its ``model_id`` read), not when created. A chat that only asks is no widget
        in the page, nor in the saved notebook (nbclient saves every opened widget's
        state, our ~290 KB of script and style included). A closed chat stays closed."""
        if self._created and not self._closed:
            super().open()

    def close(self) -> None:
        """Close the widget (its comm and views) for good: it never opens again."""
        self._closed = True
        super().close()

    @property
    def model_id(self) -> str:
        """The widget's model id (its comm's), opening the comm if it is not yet open."""
        self.open()
        return str(super().model_id)

    def _new_thread_choice(self) -> tuple[str | None, dict[str, Any] | None]:
        """The model and Ask/Agent switch the front end shows (see ``choice``)."""
        from ..assistant.agent_tools import request_agent_settings

        choice = self.choice if isinstance(self.choice, dict) else {}
        model = choice.get("model")
        return (model if isinstance(model, str) and model else None), request_agent_settings(choice)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if not self._displayed:
            # Threads belong to notebooks: the views need to know which one this is.
            from .notebook_link import follow_notebook

            follow_notebook(self)
        self._displayed = True
        self.open()
        bundle = super()._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        if isinstance(data, dict) and WIDGET_VIEW_MIME in data:
            # Saved with the notebook: what a front end without the live widget shows
            # (its text), and the mark of this chat's output (protocol.CHAT_VIEW_MIME).
            data["text/plain"] = LOST_TEXT
            data[CHAT_VIEW_MIME] = {}
        return bundle

    def _relay(self, listener: EventListener | None, event: StreamEvent) -> None:
        """One event of a turn run from Python: to the live output, and to this chat's
        views, which follow the same thread (``%chat`` shows the magics' turns live)."""
        if listener is not None:
            listener(event)
        if self._displayed:
            # As the server sent it: what the chat's views would read from its stream.
            self._post({"type": Comm.THREAD_EVENT, "data": event.data})

    # -- comm transport -------------------------------------------------------------------

    @command
    def run_tool(self, msg: Any, _buffers: list[bytes]) -> tuple[Any, list[bytes]]:
        """anywidget command ``Comm.RUN_TOOL``: ``{name, args, cells?}`` -> the tool's result
        (``cells``: the notebook's live cells kept out and not, see ``introspect.run_tool``).

        Answered right here, on the thread that handles comm messages: reading the
        namespace is quick and bounded. Never raises (the front end would wait for its
        timeout): errors come back as ``{"error": ...}``.
        """
        request = msg if isinstance(msg, dict) else {}
        args = request.get("args")
        try:
            # Here, not on import: %load_ext and Chat() need none of the tools that read
            # cells and describe values until the first tool call.
            from .introspect import run_tool as answer_tool

            result = answer_tool(
                str(request.get("name", "")),
                args if args is not None else {},
                cells=request.get("cells"),
            )
        except Exception as exc:
            result = {"error": f"The kernel could not run the tool ({type(exc).__name__})."}
        return result, []

    def _on_custom_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        # Runs on the kernel's main thread, or on a subshell thread when JupyterLab
        # sends widget messages through one (ipykernel 7): then tool requests are
        # answered even while a cell runs. Nothing here blocks either thread.
        if not isinstance(content, dict):
            return
        if content.get("type") == Comm.ANSWER and isinstance(content.get("text"), str):
            self.last_answer = content["text"]
            return
        if not isinstance(content.get("id"), str):
            return
        kind, rid = content.get("type"), content["id"]
        if kind == Comm.REQUEST:
            # What the person typed leaves the kernel without what it holds as secrets.
            body = request_without_known_secrets(content.get("body"))
            future = get_runtime().submit(self._serve(rid, body))
            self._requests[rid] = future
            if _is_watch(body):
                self._watches.add(rid)
            future.add_done_callback(partial(self._forget, rid))
        elif kind == Comm.CONFIG:
            get_runtime().submit(self._send_config(rid))
        elif kind == Comm.CANCEL and rid in self._watches:
            # Following a turn (Turn.WATCH) is only for whoever listens: it ends with its
            # listener, as over HTTP when the connection closes. The turn goes on. Read
            # with get: the request may end (``_forget``, on the runtime's thread) meanwhile.
            watch = self._requests.get(rid)
            if watch is not None:
                watch.cancel()
        elif kind == Comm.CANCEL and rid in self._requests:
            # The front end aborted its request (a reload, another conversation opened,
            # Stop): as over HTTP, the turn goes on to its end and is saved, written
            # nowhere; only an explicit Stop (a Turn.STOP request) stops it.
            self._detached.add(rid)

    def _forget(self, rid: str, _future: object) -> None:
        self._requests.pop(rid, None)
        self._detached.discard(rid)
        self._watches.discard(rid)

    def _reply(self, rid: str, message: dict[str, Any]) -> None:
        """Send ``message`` about request ``rid``, unless its front end stopped listening."""
        if rid not in self._detached:
            self._post(message)

    def _post(self, message: dict[str, Any]) -> None:
        # Sent from the runtime thread too: ipykernel's IOPub pipe is thread-safe, and the
        # lock keeps one request's chunks in order with other sends.
        with self._send_lock:
            try:
                self.send(message)
            except Exception as exc:  # the comm was closed: nobody is listening any more
                log.debug("chat widget send failed: %s", type(exc).__name__)

    async def _send_config(self, rid: str) -> None:
        """Comm.CONFIG: whether the offline model answers this chat (the front end then
        says how to connect one) and the model's name (its header shows it, as the
        server's ``config`` says it), nothing else of the settings."""
        runtime = get_runtime()
        try:
            async with runtime.busy():
                offline, model = await runtime.answering(self._settings, self._model)
        except Exception as exc:
            log.info("could not tell which model answers: %s", type(exc).__name__)
            offline, model = False, ""
        self._post({"type": Comm.CONFIG, "id": rid, "offline": offline, "model": model})

    async def _serve(self, rid: str, body: Any) -> None:
        """Runs one ChatKit request from the front end on the runtime loop."""
        from ..assistant.results import JsonResult

        runtime = get_runtime()
        async with runtime.busy():
            try:
                payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                assistant = await self._assistant()
                result = await assistant.handle(payload, kernel_context())
                if isinstance(result, JsonResult):
                    self._reply(rid, {"type": Comm.CHUNK, "id": rid, "data": result.body.decode()})
                    self._reply(
                        rid,
                        {
                            "type": Comm.END,
                            "id": rid,
                            "status": result.status,
                            "contentType": "application/json",
                        },
                    )
                    return
                from ..assistant.lock_waits import telling_lock_waits

                def send(chunk: bytes) -> None:
                    self._reply(rid, {"type": Comm.CHUNK, "id": rid, "data": chunk.decode()})

                # A write waiting for another process's store lock says so meanwhile.
                with telling_lock_waits(send):
                    async for chunk in result.chunks:
                        # The front end follows the thread it started and syncs
                        # ``thread_id`` itself; setting it from here would race with the
                        # stream (the front end would reopen the thread mid-answer).
                        send(chunk)
                self._reply(
                    rid,
                    {
                        "type": Comm.END,
                        "id": rid,
                        "status": 200,
                        "contentType": "text/event-stream",
                    },
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("chat request failed in the kernel: %s", describe_failure(exc))
                self._reply(rid, {"type": Comm.ERROR, "id": rid, "message": setup_error(exc)})


def _is_watch(body: Any) -> bool:
    """True for a ``Turn.WATCH`` request (a request object, or its JSON text)."""
    if isinstance(body, str):
        try:
            body = parse_json.loads(body)
        except ValueError:
            return False
    return isinstance(body, dict) and body.get("type") == Turn.WATCH

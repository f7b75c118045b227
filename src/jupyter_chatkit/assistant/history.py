"""What the model sees of a conversation: bounded history and item conversion."""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agents import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.store import Store
from chatkit.types import (
    AssistantMessageItem,
    Attachment,
    ClientToolCallItem,
    Page,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    WidgetItem,
)
from openai.types.responses import ResponseInputContentParam
from openai.types.responses.response_input_item_param import Message

from ..context_policy import error_rules
from ..context_policy.errors import with_cell_lines
from ..context_policy.getters import bound_to_getters
from ..context_policy.html_text import html_text
from ..context_policy.shown import (
    hide_shown_credential,
    hide_shown_secret,
    names_one_of,
    names_secret,
)
from ..context_policy.streams import merged_streams, multiline_text
from ..context_policy.values import aliases
from ..private_cells import KEPT_OUT_NOTE, is_private
from ..protocol import MAX_TOOL_OUTPUT_BYTES, STEP_UNDO_KEY, RequestContext
from ..store.codec import StoredItems, dump_item
from .agent_tools import model_output
from .attachment_text import attachment_text
from .cards import card_code, inserted_count

# A crude but stable token estimate (~4 characters per token for English and code);
# only used to keep the prompt under a budget, never for billing.
CHARS_PER_TOKEN = 4
TEXT_MIME_PREFIXES = ("text/",)
TEXT_MIME_TYPES = ("application/json", "application/x-ipynb+json", "application/xml")
IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")

ReadBytes = Callable[[str], Awaitable[tuple[Attachment, bytes]]]


def estimate_tokens(item: ThreadItem) -> int:
    """Rough token count of one stored item (its JSON, which bounds what is sent)."""
    output = item.output if isinstance(item, ClientToolCallItem) else None
    if isinstance(output, dict) and STEP_UNDO_KEY in output:
        # A step's undo record (an edited cell's old source) never reaches the model.
        item = item.model_copy(update={"output": model_output(output)})
    return len(item.model_dump_json(exclude_none=True)) // CHARS_PER_TOKEN + 4


class StoredSizes:
    """:func:`estimate_tokens` of stored items, kept by the JSON text each was parsed from.

    A follow-up in a long thread reads the same items every turn, and serialising each
    again to size it was ~5% of the turn's CPU. The stored text fixes the parsed item
    (parsing is deterministic), so a size kept under it is the size the item has: the
    history is cut exactly where it would be. Bounded: at most ``max_chars`` characters
    of keys, the least recently used dropped first; a text over an eighth is not kept.
    """

    def __init__(self, max_chars: int = 1_000_000) -> None:
        self.max_chars = max_chars
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self._chars = 0

    def tokens(self, payload: str, item: ThreadItem) -> int:
        """:func:`estimate_tokens` of ``item``, which was parsed from ``payload``."""
        size = self._sizes.get(payload)
        if size is not None:
            self._sizes.move_to_end(payload)
            return size
        size = estimate_tokens(item)
        if len(payload) <= self.max_chars // 8:
            self._sizes[payload] = size
            self._chars += len(payload)
            while self._chars > self.max_chars:
                dropped, _ = self._sizes.popitem(last=False)
                self._chars -= len(dropped)
        return size

    def __len__(self) -> int:
        return len(self._sizes)

    def __contains__(self, payload: object) -> bool:
        return payload in self._sizes


# Shared by every turn of the process (a history lives for one turn).
STORED_SIZES = StoredSizes()

Cost = Callable[[ThreadItem], int]


def bound_items(
    items: Sequence[ThreadItem], max_items: int, max_tokens: int, cost: Cost = estimate_tokens
) -> list[ThreadItem]:
    """What the model sees of ``items`` (oldest first): the current turn whole, then the
    newest earlier items within both limits.

    The current turn (the newest user message and everything after it) is always kept:
    a model that lost the request, or a step count that lost the turn's first steps,
    would let an agent run on without its limit. When the turn alone is over the token
    budget its older tool outputs are shortened first (the newest one is kept whole).
    Earlier turns fill what is left of ``max_items`` / ``max_tokens``, dropping the
    oldest first; the result never starts with an assistant reply or a tool call whose
    question was dropped. Without a user message the newest item is always kept.
    ``cost`` is :func:`estimate_tokens` or a function equal to it.
    """
    start = next(
        (i for i in range(len(items) - 1, -1, -1) if isinstance(items[i], UserMessageItem)), None
    )
    if start is None:
        turn: list[ThreadItem] = list(items[-1:])
        earlier: Sequence[ThreadItem] = items[:-1]
    else:
        turn = _fit_turn(items[start:], max_tokens, cost)
        earlier = items[:start]
    budget = max_tokens - sum(cost(item) for item in turn)
    kept: list[ThreadItem] = []
    slots = max_items - len(turn)
    for item in reversed(earlier[-slots:] if slots > 0 else []):
        tokens = cost(item)
        if tokens > budget:
            break
        budget -= tokens
        kept.append(item)
    kept.reverse()
    first_user = next((i for i, it in enumerate(kept) if isinstance(it, UserMessageItem)), None)
    kept = kept[first_user:] if first_user is not None else []
    return [*kept, *turn]


# What a tool output shortened to fit the history budget becomes (its status is kept).
SHORTENED_NOTE = "This output was left out to fit the conversation into the model's context."


def _fit_turn(turn: Sequence[ThreadItem], max_tokens: int, cost: Cost) -> list[ThreadItem]:
    """``turn`` with its oldest tool outputs shortened until it fits ``max_tokens``.

    The user message and the newest item stay whole; every step stays (its name,
    arguments and status), so what was done in the turn is still known.
    """
    result = list(turn)
    total = sum(cost(item) for item in result)
    for index in range(1, len(result) - 1):
        if total <= max_tokens:
            break
        item = result[index]
        if not isinstance(item, ClientToolCallItem) or item.status == "pending":
            continue
        output = item.output
        status = output.get("status") if isinstance(output, dict) else None
        short: dict[str, Any] = {"note": SHORTENED_NOTE}
        if isinstance(status, str):
            short = {"status": status, **short}
        shortened = item.model_copy(update={"output": short})
        total += cost(shortened) - cost(item)
        result[index] = shortened
    return result


# A turn is read whole from the store, up to this many items (the step limits and the
# front end's tool rounds keep real turns far below it).
MAX_TURN_ITEMS = 1000


async def load_history(
    store: Store[RequestContext],
    thread: ThreadMetadata,
    context: RequestContext,
    max_items: int,
    max_tokens: int,
) -> list[ThreadItem]:
    """A thread's current turn whole and the newest earlier items within ``max_items``
    and ``max_tokens``, oldest first (see :func:`bound_items`)."""
    read = await read_history(store, thread, context, max_items, max_tokens)
    return read.items


@dataclass(frozen=True)
class History:
    """What :func:`read_history` read: the model's history and the thread's newest items."""

    items: list[ThreadItem]
    """The bounded history, oldest first (see :func:`bound_items`)."""
    newest: list[ThreadItem]
    """The thread's newest items as stored, newest first (more than ``items`` may hold)."""
    complete: bool
    """True when ``newest`` is the whole thread."""
    payloads: Mapping[int, str] = field(default_factory=dict)
    """The stored JSON of the items read, by item identity (those read from the store
    with it; ``newest`` keeps the items, so the identities stay theirs)."""


async def read_history(
    store: Store[RequestContext],
    thread: ThreadMetadata,
    context: RequestContext,
    max_items: int,
    max_tokens: int,
) -> History:
    """:func:`load_history`, with the newest items it read kept as they are stored.

    Reads back from the newest item until the turn's user message, however many steps
    the turn has taken, so its step counts (agent_tools, mcp) are those of the store.
    """
    newest_first: list[ThreadItem] = []
    # The stored JSON of the items read, by item identity, from every page that has it.
    payloads: dict[int, str] = {}
    after: str | None = None
    limit = max(1, max_items)
    while True:
        page = await store.load_thread_items(thread.id, after, limit, "desc", context)
        newest_first += page.data
        payloads.update(_stored_payloads(page))
        found_user = any(isinstance(item, UserMessageItem) for item in page.data)
        complete = not page.has_more or page.after is None
        if found_user or complete:
            break
        if len(newest_first) >= MAX_TURN_ITEMS:
            break
        after = page.after
    return newest_history(newest_first, complete, max_items, max_tokens, payloads)


def newest_history(
    newest_first: list[ThreadItem],
    complete: bool,
    max_items: int,
    max_tokens: int,
    payloads: Mapping[int, str] | None = None,
) -> History:
    """The :class:`History` of a thread whose newest items (newest first, down to the
    turn's user message or the thread's start) were read as ``newest_first``, with the
    stored JSON of those read with it (``payloads``, by item identity)."""
    payloads = payloads or {}
    cost = _sized_by(payloads)
    items = bound_items(list(reversed(newest_first)), max_items, max_tokens, cost)
    return History(items=items, newest=newest_first, complete=complete, payloads=payloads)


def _stored_payloads(page: Page[ThreadItem]) -> dict[int, str]:
    """The stored JSON of ``page``'s items by item identity (none when it has none)."""
    if not isinstance(page, StoredItems) or len(page.payloads) != len(page.data):
        return {}
    return {id(item): payload for item, payload in zip(page.data, page.payloads, strict=True)}


def _sized_by(payloads: Mapping[int, str]) -> Cost:
    """:func:`estimate_tokens`, from :data:`STORED_SIZES` for the items in ``payloads``
    (by identity: a shortened copy of one is sized as it is)."""
    if not payloads:
        return estimate_tokens

    def cost(item: ThreadItem) -> int:
        payload = payloads.get(id(item))
        return estimate_tokens(item) if payload is None else STORED_SIZES.tokens(payload, item)

    return cost


def page_history(page: Page[ThreadItem], max_items: int, max_tokens: int) -> History:
    """What :func:`read_history` reads, from its first page (the thread's newest
    ``max_items`` items, newest first) read elsewhere, e.g. in the transaction that
    saved the turn's user message, which is then the page's first item."""
    complete = not page.has_more or page.after is None
    return newest_history(list(page.data), complete, max_items, max_tokens, _stored_payloads(page))


def first_turn_history(message: ThreadItem, max_items: int, max_tokens: int) -> History:
    """What :func:`read_history` reads of a thread whose only item is ``message``.

    For a new thread's first turn, whose message was just saved: answered from that
    message (as the store reads it back), without a query.
    """
    # Its stored JSON as the store wrote it (a parse of that text serialises back to
    # it), so the message is keyed on its first turn as on the turns after.
    return newest_history([message], True, max_items, max_tokens, {id(message): dump_item(message)})


class PreloadedTail:
    """``store``, except that its first read of the thread's newest items is answered from
    a :class:`History` just read (one query fewer per turn).

    ChatKit's ``stream_agent_response`` starts by reading the thread's last two items
    (to continue a workflow); :meth:`NotebookAssistant.respond` has read them a moment
    before. Use it only while nothing was written to the thread since, and only once:
    later reads go to the store. Everything else is the store's.
    """

    def __init__(self, store: Store[RequestContext], thread_id: str, history: History) -> None:
        self._store = store
        self._thread_id = thread_id
        self._history: History | None = history

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    async def load_thread_items(
        self,
        thread_id: str,
        after: str | None,
        limit: int,
        order: str,
        context: RequestContext,
    ) -> Page[ThreadItem]:
        """The thread's newest items from the history the first time, else the store's."""
        history, self._history = self._history, None
        if (
            history is not None
            and thread_id == self._thread_id
            and after is None
            and order == "desc"
            and limit > 0
            and (len(history.newest) >= limit or history.complete)
        ):
            data = history.newest[:limit]
            has_more = len(history.newest) > limit or not history.complete
            return Page(data=data, has_more=has_more, after=data[-1].id if has_more else None)
        return await self._store.load_thread_items(thread_id, after, limit, order, context)


def image_type(data: bytes) -> str | None:
    """The type of image ``data`` holds by its first bytes, one of IMAGE_MIME_TYPES, or
    None when it is none of them."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _truncate_json(value: Any, limit: int = MAX_TOOL_OUTPUT_BYTES) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= limit:
        return text
    return text[:limit] + f"... [truncated {len(text) - limit} characters]"


class NotebookConverter(ThreadItemConverter):
    """Turns stored items into model input, bounded and with our own item kinds."""

    def __init__(self, read_attachment: ReadBytes | None = None) -> None:
        self._read_attachment = read_attachment

    async def attachment_to_message_content(
        self, attachment: Attachment
    ) -> ResponseInputContentParam:
        """Images go inline as data URLs, text files as text (whole: the policy bounds
        them, see model_input.PolicyConverter), others as a note."""
        note = f"[The user attached {attachment.name!r} ({attachment.mime_type})"
        if self._read_attachment is None:
            return {"type": "input_text", "text": note + ", which is not available.]"}
        try:
            _, data = await self._read_attachment(attachment.id)
        except Exception:
            return {"type": "input_text", "text": note + ", which could not be read.]"}
        mime = attachment.mime_type.split(";")[0].strip().lower()
        if mime in IMAGE_MIME_TYPES:
            # As its bytes say: a renamed file (a JPEG saved as .png) goes as what it is,
            # and bytes that are no image go as a note. Sent as an image, they made the
            # provider refuse the request (400 invalid image), and every later turn too,
            # since each sends the conversation's attachments again.
            kind = image_type(data)
            if kind is None:
                return {"type": "input_text", "text": note + ", which is not a readable image.]"}
            url = f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
            return {"type": "input_image", "image_url": url, "detail": "auto"}
        if mime.startswith(TEXT_MIME_PREFIXES) or mime in TEXT_MIME_TYPES:
            text = attachment_text(data, attachment.mime_type)
            if mime == "application/x-ipynb+json" or attachment.name.lower().endswith(".ipynb"):
                text = notebook_text(text) or text
            return {"type": "input_text", "text": f"{note}:]\n{text}"}
        return {"type": "input_text", "text": note + "; its content type is not readable.]"}

    async def client_tool_call_to_input(
        self, item: ClientToolCallItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """Like ChatKit's, but a huge tool output is truncated before the model sees it."""
        if item.status == "pending":
            return None
        return [
            {
                "type": "function_call",
                "call_id": item.call_id,
                "name": item.name,
                "arguments": json.dumps(item.arguments),
            },
            {
                "type": "function_call_output",
                "call_id": item.call_id,
                "output": _truncate_json(item.output),
            },
        ]

    async def widget_to_input(
        self, item: WidgetItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """Code cards become a short note with their code, not the widget JSON."""
        code = card_code(item.widget)
        if code is None:
            return await super().widget_to_input(item)
        status = (
            "The user inserted it into the notebook."
            if inserted_count(item.widget)
            else "The user has not inserted it."
        )
        text = f"You showed the user a code card (id {item.id}). {status}\n```python\n{code}\n```"
        return Message(type="message", role="user", content=[{"type": "input_text", "text": text}])

    async def assistant_message_to_input(
        self, item: AssistantMessageItem
    ) -> TResponseInputItem | list[TResponseInputItem] | None:
        """Skip empty assistant messages (e.g. a turn that only called a tool)."""
        if not any(part.text.strip() for part in item.content):
            return None
        return await super().assistant_message_to_input(item)


_DEFAULT_REPR = re.compile(error_rules.DEFAULT_REPR)


def _shown_mime(data: dict[str, Any]) -> str | None:
    """The type of a display's data read as its text: text/plain, unless it is only its
    object's default repr (``<IPython.core.display.HTML object>``) beside a Markdown or
    HTML that says what was shown (a traceback shown as HTML)."""
    kinds = [m for m in ("text/plain", "text/markdown", "text/html") if m in data]
    if len(kinds) > 1 and kinds[0] == "text/plain":
        plain = multiline_text(data["text/plain"])
        if not plain or _DEFAULT_REPR.match(plain):
            return kinds[1]
    return kinds[0] if kinds else None


def notebook_text(raw: str) -> str | None:
    """A notebook file's cells as text: sources and outputs with their own line breaks.

    In the file's JSON every line is a separate string (``["user  password\\n", "ada
    x\\n"]``): a table, a YAML block or a frame's rows read line by line by the context
    policy would not be lines there, and their secrets would pass. None if not a notebook.
    """
    from ..kernel.notebook_file import bounded_output, notebook_json, output_text

    try:
        nb = notebook_json(raw)
    except ValueError:
        return None
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return None

    joined = multiline_text

    def named(value: Any, default: str = "") -> str:
        # A field saved null reads as missing (as the sidebar's notebookText reads it).
        return default if value is None else str(value)

    # Variables the notebook passes where a credential goes (``connect(host, user, x)``):
    # a later ``print(x)`` shows that credential, whatever ``x`` is called.
    passed = _passed(
        joined(c.get("source")) if isinstance(c, dict) and not is_private(c) else "" for c in cells
    )
    parts: list[str] = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            continue
        if is_private(cell):
            # Tagged ``chatkit-private``: its number only (private_cells).
            parts.append(f"--- cell {index} ({named(cell.get('cell_type'), 'code')}) ---")
            parts.append(f"[{KEPT_OUT_NOTE}]")
            continue
        source = joined(cell.get("source"))
        parts.append(f"--- cell {index} ({named(cell.get('cell_type'), 'code')}) ---")
        parts.append(source)
        # ``print(db_password)``: a one-line output is the secret the cell's last line
        # names, as the live cells' readers hide it; saved, it was sent whole.
        shown = _shown_hider(source, passed) or str
        # A key printed in two flushes is read whole (nbclient saves each apart).
        for output in merged_streams(cell.get("outputs") or []):
            if not isinstance(output, dict):
                continue
            kind = output.get("output_type")
            # Each output within the live readers' bound, as its error is (a long log or
            # frame is not the whole notebook's share).
            if kind == "stream":
                text = bounded_output(kind, shown(joined(output.get("text"))))
                parts.append(f"[{named(output.get('name'), 'stream')}]\n{text}")
            elif kind == "error":
                # Read as every reader of outputs reads an error (ANSI-free, reduced to
                # the user's frames, bounded); a thread's or a callback's says so.
                read = output_text(output)
                note = f"\n[{read['note']}]" if "note" in read else ""
                parts.append(f"[error]{note}\n{read.get('text', '')}")
            else:
                raw_data = output.get("data")
                data: dict[str, Any] = raw_data if isinstance(raw_data, dict) else {}
                mime = _shown_mime(data)
                if mime is not None:
                    text = joined(data[mime])
                    if mime == "text/html":
                        # As a person reads it, a table's rows as lines (html_text).
                        text = html_text(text)
                    parts.append(f"[{kind}, {mime}]\n{bounded_output(str(kind), shown(text))}")
    # A printed traceback or a warning names IPython's temporary file: the cell's line.
    return with_cell_lines("\n".join(parts))


# notebook_text's lines: a cell's header, and an output's (``[stdout]``, ``[error]``,
# ``[execute_result, text/plain]``).
_CELL_HEADER = re.compile(r"--- cell \d+ \(\w+\) ---")
_OUTPUT_HEADER = re.compile(r"\[(?:stdout|stderr|error|[\w-]+, [\w/+.-]+)\]")


def hide_printed_secrets(text: str) -> str:
    """A notebook read as :func:`notebook_text` writes it, with the outputs of each cell
    whose last line names a secret hidden (errors kept), as :func:`notebook_text` hides
    them: for such text a front end sent (a mentioned notebook's, stored before the front
    end hid them, or from a front end that does not). Other text is returned as it is."""
    out: list[str] = []
    source: list[str] = []
    block: list[str] | None = None
    hide: Callable[[str], str] | None = None
    in_cell = False
    # How the cell's one-line outputs are hidden, if they are (read at its first output):
    # its last line names a secret, or a variable passed where a credential goes.
    secret: Callable[[str], str] | None = None
    read = False
    passed = _passed(_cell_sources(text))

    def flush() -> None:
        nonlocal block
        if block is not None:
            body = "\n".join(block)
            out.append(hide(body) if hide is not None else body)
            block = None

    for line in text.split("\n"):
        if _CELL_HEADER.fullmatch(line):
            flush()
            out.append(line)
            source, in_cell, secret, read = [], True, None, False
        elif in_cell and _OUTPUT_HEADER.fullmatch(line):
            if not read:
                secret, read = _shown_hider("\n".join(source), passed), True
            flush()
            out.append(line)
            hide = secret if line != "[error]" else None
            block = []
        elif block is not None:
            block.append(line)
        else:
            source.append(line)
            out.append(line)
    flush()
    return "\n".join(out)


def _shown_hider(source: str, passed: frozenset[str]) -> Callable[[str], str] | None:
    """How the one-line outputs of a cell whose code is ``source`` are hidden: as a secret
    when its last line names one (``print(db_password)``), as a credential when it names
    a variable the notebook passes where one goes (``print(x)`` after ``connect(h, u,
    x)``); None when it names neither."""
    if names_secret(source):
        return hide_shown_secret
    if names_one_of(source, passed):
        return hide_shown_credential
    return None


def _cell_sources(text: str) -> Iterator[str]:
    """Each cell's source in a notebook read as :func:`notebook_text` writes it (what
    follows a cell header up to its first output header)."""
    lines: list[str] | None = None
    for line in text.split("\n"):
        if _CELL_HEADER.fullmatch(line):
            if lines is not None:
                yield "\n".join(lines)
            lines = []
        elif _OUTPUT_HEADER.fullmatch(line):
            if lines is not None:
                yield "\n".join(lines)
            lines = None
        elif lines is not None:
            lines.append(line)
    if lines is not None:
        yield "\n".join(lines)


def _passed(sources: Iterable[str]) -> frozenset[str]:
    """The variables cells pass where a credential goes (``connect(host, user, x)``), read
    in the first 2,000 cells, 100,000 characters of each, as the sidebar's notebookText
    reads them: the same bound for a notebook read here and for its text a front end
    sent (that text was cut at 200,000 characters of source in all)."""
    text = "\n".join(s[:100_000] for s in itertools.islice(sources, 2_000))
    # ``x = keyring.get_password(...)``: a name bound to a secret's getter, shown too.
    return aliases(text) | bound_to_getters(text)

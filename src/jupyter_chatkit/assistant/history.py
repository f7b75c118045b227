"""What the model sees of a conversation: bounded history and item conversion."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from agents import TResponseInputItem
from chatkit.agents import ThreadItemConverter
from chatkit.store import Store
from chatkit.types import (
    AssistantMessageItem,
    Attachment,
    ClientToolCallItem,
    ThreadItem,
    ThreadMetadata,
    UserMessageItem,
    WidgetItem,
)
from openai.types.responses import ResponseInputContentParam
from openai.types.responses.response_input_item_param import Message

from ..protocol import MAX_TOOL_OUTPUT_BYTES, RequestContext
from .cards import card_code, inserted_count

# A crude but stable token estimate (~4 characters per token for English and code);
# only used to keep the prompt under a budget, never for billing.
CHARS_PER_TOKEN = 4
MAX_TEXT_ATTACHMENT_CHARS = 20_000
TEXT_MIME_PREFIXES = ("text/",)
TEXT_MIME_TYPES = ("application/json", "application/x-ipynb+json", "application/xml")
IMAGE_MIME_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")

ReadBytes = Callable[[str], Awaitable[tuple[Attachment, bytes]]]


def estimate_tokens(item: ThreadItem) -> int:
    """Rough token count of one stored item (its JSON, which bounds what is sent)."""
    return len(item.model_dump_json(exclude_none=True)) // CHARS_PER_TOKEN + 4


def bound_items(items: Sequence[ThreadItem], max_items: int, max_tokens: int) -> list[ThreadItem]:
    """Keep the newest items within both limits, dropping the oldest first.

    ``items`` are oldest first. The result never starts with an assistant reply or a
    tool call whose question was dropped: it starts at a user message when one is kept.
    """
    kept: list[ThreadItem] = []
    budget = max_tokens
    for item in reversed(items[-max_items:] if max_items > 0 else []):
        cost = estimate_tokens(item)
        if kept and cost > budget:
            break
        budget -= cost
        kept.append(item)
    kept.reverse()
    first_user = next((i for i, it in enumerate(kept) if isinstance(it, UserMessageItem)), None)
    if first_user:
        kept = kept[first_user:]
    return kept


async def load_history(
    store: Store[RequestContext],
    thread: ThreadMetadata,
    context: RequestContext,
    max_items: int,
    max_tokens: int,
) -> list[ThreadItem]:
    """The newest ``max_items`` items of a thread, trimmed to ``max_tokens``, oldest first."""
    page = await store.load_thread_items(thread.id, None, max(1, max_items), "desc", context)
    return bound_items(list(reversed(page.data)), max_items, max_tokens)


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
        """Images go inline as data URLs, text files as text, others as a note."""
        note = f"[The user attached {attachment.name!r} ({attachment.mime_type})"
        if self._read_attachment is None:
            return {"type": "input_text", "text": note + ", which is not available.]"}
        try:
            _, data = await self._read_attachment(attachment.id)
        except Exception:
            return {"type": "input_text", "text": note + ", which could not be read.]"}
        mime = attachment.mime_type.split(";")[0].strip().lower()
        if mime in IMAGE_MIME_TYPES:
            url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
            return {"type": "input_image", "image_url": url, "detail": "auto"}
        if mime.startswith(TEXT_MIME_PREFIXES) or mime in TEXT_MIME_TYPES:
            text = data.decode("utf-8", errors="replace")
            if len(text) > MAX_TEXT_ATTACHMENT_CHARS:
                text = text[:MAX_TEXT_ATTACHMENT_CHARS] + "\n... [truncated]"
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

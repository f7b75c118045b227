"""The ChatKit stream events a kernel reads, from their JSON: no pydantic, no chatkit.

A kernel whose Jupyter server answers (:mod:`.remote`) only reads the server's stream:
the thread's id, the assistant's texts and code cards, a pending client tool call, an
error, a notice, a progress line. Parsing those with ``chatkit.types`` (pydantic models
of the whole protocol) cost the kernel's first question ~0.3 s of CPU and ~80 modules;
this reader takes the few fields it uses from ``json.loads`` and checks their types at
the boundary. ``chatkit.types`` stays the source of truth: the event and item type names
are its own (tests/test_kernel_stream_events.py checks them against it, and that each
event it defines is read or passed on here), and every event is kept as the JSON the
server sent (``data``), which a shown chat's views get as they would from the server.

An event whose type ChatKit does not define, or whose fields the kernel reads are
missing or of the wrong type, is skipped (as a ``chatkit.types`` validation error was).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..protocol import ACTION_INSERT_AND_RUN_CELL, ACTION_INSERT_CELL

# Event types: chatkit.types' ``type`` literals (checked against it by the tests).
THREAD_CREATED = "thread.created"
THREAD_UPDATED = "thread.updated"
ITEM_ADDED = "thread.item.added"
ITEM_DONE = "thread.item.done"
ITEM_REPLACED = "thread.item.replaced"
ITEM_UPDATED = "thread.item.updated"
ITEM_REMOVED = "thread.item.removed"
STREAM_OPTIONS = "stream_options"
PROGRESS_UPDATE = "progress_update"
CLIENT_EFFECT = "client_effect"
ERROR = "error"
NOTICE = "notice"
# Item and update types the kernel reads.
ASSISTANT_MESSAGE = "assistant_message"
WIDGET = "widget"
CLIENT_TOOL_CALL = "client_tool_call"
TEXT_DELTA = "assistant_message.content_part.text_delta"

# Events the kernel passes on (to a shown chat's views) without reading them.
PASSED_ON = frozenset({THREAD_UPDATED, ITEM_REMOVED, STREAM_OPTIONS, CLIENT_EFFECT})
ITEM_EVENTS = frozenset({ITEM_ADDED, ITEM_DONE, ITEM_REPLACED})
KNOWN_EVENTS = frozenset(
    {THREAD_CREATED, ITEM_UPDATED, PROGRESS_UPDATE, ERROR, NOTICE} | ITEM_EVENTS | PASSED_ON
)


class InvalidEvent(ValueError):
    """An event of a known type without the fields the kernel reads."""


@dataclass(frozen=True)
class AssistantText:
    """An assistant message: its item id and its text parts, joined."""

    id: str
    text: str


@dataclass(frozen=True)
class WidgetCard:
    """A widget item: its id and the widget as JSON (a code card, or another widget)."""

    id: str
    widget: dict[str, Any]

    def code(self) -> str | None:
        """The code its Insert buttons carry; None when it is no code card."""
        return card_code(self.widget)


@dataclass(frozen=True)
class ToolCall:
    """A client tool call: what the kernel answers when its status is ``pending``."""

    id: str
    name: str
    arguments: dict[str, Any]
    status: str


# An item the kernel reads; None for the other kinds (user messages, tasks...).
Item = AssistantText | WidgetCard | ToolCall | None


@dataclass(frozen=True, kw_only=True)
class StreamEvent:
    """One ChatKit stream event: its type and its JSON as the server sent it."""

    type: str
    data: str = field(repr=False)


@dataclass(frozen=True, kw_only=True)
class ThreadCreated(StreamEvent):
    """``thread.created``: the conversation this turn started."""

    thread_id: str


@dataclass(frozen=True, kw_only=True)
class ItemEvent(StreamEvent):
    """``thread.item.added``, ``.done`` or ``.replaced``, with the item if the kernel
    reads its kind."""

    item: Item


@dataclass(frozen=True, kw_only=True)
class TextDelta(StreamEvent):
    """``thread.item.updated`` with more text for an assistant message."""

    item_id: str
    delta: str


@dataclass(frozen=True, kw_only=True)
class ErrorEvent(StreamEvent):
    """``error``: the turn stopped; ``message`` is for people (None: none given)."""

    code: str
    message: str | None


@dataclass(frozen=True, kw_only=True)
class NoticeEvent(StreamEvent):
    """``notice``: a message shown with the answer."""

    message: str


@dataclass(frozen=True, kw_only=True)
class ProgressEvent(StreamEvent):
    """``progress_update``: what is happening now (``icon``: ChatKit's icon name)."""

    text: str
    icon: str | None


def parse_event(data: str) -> StreamEvent | None:
    """The event of one SSE ``data`` payload; None for an event ChatKit does not define.

    Raises :class:`InvalidEvent` when it is not JSON or lacks a field the kernel reads.
    """
    try:
        raw: Any = json.loads(data)
    except ValueError:
        raise InvalidEvent("not JSON") from None
    if not isinstance(raw, dict):
        raise InvalidEvent("not an object")
    kind = raw.get("type")
    if kind not in KNOWN_EVENTS:
        return None
    if kind == THREAD_CREATED:
        return ThreadCreated(type=kind, data=data, thread_id=_str(_dict(raw, "thread"), "id"))
    if kind in ITEM_EVENTS:
        return ItemEvent(type=kind, data=data, item=_item(_dict(raw, "item")))
    if kind == ITEM_UPDATED:
        item_id = _str(raw, "item_id")
        update = _dict(raw, "update")
        if update.get("type") == TEXT_DELTA:
            return TextDelta(type=kind, data=data, item_id=item_id, delta=_str(update, "delta"))
        return StreamEvent(type=kind, data=data)
    if kind == ERROR:
        code = raw.get("code", "custom")
        message = raw.get("message")
        if not isinstance(code, str) or not (message is None or isinstance(message, str)):
            raise InvalidEvent("error")
        return ErrorEvent(type=kind, data=data, code=code, message=message)
    if kind == NOTICE:
        return NoticeEvent(type=kind, data=data, message=_str(raw, "message"))
    if kind == PROGRESS_UPDATE:
        icon = raw.get("icon")
        if not (icon is None or isinstance(icon, str)):
            raise InvalidEvent("progress_update")
        return ProgressEvent(type=kind, data=data, text=_str(raw, "text"), icon=icon)
    return StreamEvent(type=kind, data=data)


def _item(raw: dict[str, Any]) -> Item:
    kind = raw.get("type")
    if kind == ASSISTANT_MESSAGE:
        content = raw.get("content")
        if not isinstance(content, list):
            raise InvalidEvent("assistant_message")
        texts = [_str(part, "text") if isinstance(part, dict) else _bad() for part in content]
        return AssistantText(id=_str(raw, "id"), text="".join(texts))
    if kind == WIDGET:
        return WidgetCard(id=_str(raw, "id"), widget=_dict(raw, "widget"))
    if kind == CLIENT_TOOL_CALL:
        status = raw.get("status", "pending")
        if status not in ("pending", "completed"):
            raise InvalidEvent("client_tool_call")
        return ToolCall(
            id=_str(raw, "id"),
            name=_str(raw, "name"),
            arguments=_dict(raw, "arguments"),
            status=status,
        )
    if not isinstance(kind, str):
        raise InvalidEvent("item")
    return None


def _str(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str):
        raise InvalidEvent(key)
    return value


def _dict(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise InvalidEvent(key)
    return value


def _bad() -> str:
    raise InvalidEvent("content")


def card_code(widget: dict[str, Any]) -> str | None:
    """The code a card's Insert buttons carry (as :func:`..assistant.cards.card_code`
    reads it from the widget's model), or None if this is not a code card."""
    for node in _walk(widget):
        action = node.get("onClickAction")
        if isinstance(action, dict) and action.get("type") in (
            ACTION_INSERT_CELL,
            ACTION_INSERT_AND_RUN_CELL,
        ):
            payload = action.get("payload")
            code = payload.get("code") if isinstance(payload, dict) else None
            if isinstance(code, str):
                return code
    return None


def _walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    """``node`` and its descendants (through ``children``), depth first."""
    found = [node]
    children = node.get("children")
    for child in children if isinstance(children, list) else []:
        if isinstance(child, dict):
            found.extend(_walk(child))
    return found

"""Edit and re-send an earlier message of the user's (the ``message.edit`` action).

ChatKit 1.6.5 has ``threads.retry_after_item`` (run a stored user message again) but no
request that changes a message. An edit is therefore a custom action without a widget:
the edited message and everything after it are removed (``thread.item.removed``, which
ChatKit applies to the store), the new text is saved as a new user message, and the
assistant answers it as it would a new message. What the edit box cannot show stays
with it: the original's context chips, its attachments, and the mentions whose names
the new text still has. The client sends
``{type: "message.edit", payload: {item_id, text, last_item_id}}``: ``last_item_id`` is
the newest item the page has seen; an edit from a page that had not seen items saved
since (a message sent in another window) is refused, as it would delete them
(:data:`UNSEEN_ITEMS`). Without it (an older front end), the edit is made as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from chatkit.errors import CustomStreamError
from chatkit.server import DEFAULT_PAGE_SIZE
from chatkit.store import NotFoundError, Store
from chatkit.types import (
    HiddenContextItem,
    SDKHiddenContextItem,
    ThreadItem,
    ThreadItemDoneEvent,
    ThreadItemRemovedEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageContent,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
)

from .. import protocol
from ..context_policy import MAX_TEXT_CHARS
from .titles import first_words, local_title, message_text

if TYPE_CHECKING:
    from chatkit.actions import Action

    from ..protocol import RequestContext
    from .server import NotebookAssistant

ACTION_EDIT_MESSAGE = protocol.Action.EDIT_MESSAGE
# Items ChatKit never shows a client (nor streams it): a page cannot have seen them.
_NEVER_SHOWN = (HiddenContextItem, SDKHiddenContextItem)
# An edit from a page that had not seen what the thread holds after its newest item.
UNSEEN_ITEMS = (
    "A newer message was sent in this conversation (in another window) that this "
    "window has not shown yet: editing here would delete it. Nothing was changed; open "
    "the conversation again to see it."
)
# Items read per page while looking for the edited message (ChatKit's page size).
PAGE_SIZE = DEFAULT_PAGE_SIZE


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: more than white space and invisible format
    characters (zero-width spaces and joiners, bidi marks, a byte order mark)."""
    # (Stripped first: white space is skipped in C, not one character at a time.)
    return any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text.strip())


def message_too_long(chars: int) -> str | None:
    """Why a message of ``chars`` characters is refused, or None: the model reads at most
    ``MAX_TEXT_CHARS`` of one (the policy cuts the rest), so a longer one, sent or edited,
    is refused before anything is saved rather than answered from its first part."""
    if chars <= MAX_TEXT_CHARS:
        return None
    return (
        f"The message is too long ({chars:,} characters; the assistant reads at most "
        f"{MAX_TEXT_CHARS:,}): shorten it, or send it in parts."
    )


async def edit_message(
    server: NotebookAssistant,
    thread: ThreadMetadata,
    action: Action[str, Any],
    context: RequestContext,
) -> AsyncIterator[ThreadStreamEvent]:
    """Replace user message ``payload.item_id`` (and what follows) with ``payload.text``."""
    payload = action.payload if isinstance(action.payload, dict) else {}
    item_id, text = payload.get("item_id"), payload.get("text")
    too_long = message_too_long(len(text)) if isinstance(text, str) else None
    if too_long:
        raise CustomStreamError(too_long, allow_retry=False)
    if not isinstance(item_id, str) or not isinstance(text, str) or not visible(text):
        raise CustomStreamError(
            "An edit needs the message's item_id and its new text.", allow_retry=False
        )
    try:
        original = await server.store.load_item(thread.id, item_id, context=context)
    except NotFoundError:
        original = None
    if not isinstance(original, UserMessageItem):
        raise CustomStreamError(
            "Only one of your messages in this conversation can be edited.", allow_retry=False
        )
    last_seen = payload.get("last_item_id")
    if isinstance(last_seen, str) and await _unseen_items(
        server.store, thread.id, last_seen, context
    ):
        raise CustomStreamError(UNSEEN_ITEMS, allow_retry=False)
    first = await server.store.load_thread_items(thread.id, None, 1, "asc", context)
    retitle = (
        bool(first.data)
        and first.data[0].id == item_id
        and bool(thread.title)
        # Its local title; or, for a thread titled before titles were redacted, the
        # message's raw first words (which the edit then replaces).
        and thread.title
        in (local_title(original, server.policy), first_words(message_text(original)))
    )
    # Newest first, down to the edited message: those items go.
    removed: list[str] = []
    async for item in newest_first(server.store, thread.id, context):
        removed.append(item.id)
        if item.id == item_id:
            break
    for gone in removed:
        yield ThreadItemRemovedEvent(item_id=gone)
    message = UserMessageItem(
        id=server.store.generate_item_id("message", thread, context),
        thread_id=thread.id,
        created_at=datetime.now(UTC),
        content=edited_content(text.strip(), kept_tags(original, text)),
        attachments=original.attachments,
        inference_options=original.inference_options,
    )
    yield ThreadItemDoneEvent(item=message)
    if retitle:
        # The conversation was named after the words just edited away (its local title,
        # not one the person gave): it is named after the new ones (thread.updated).
        thread.title = local_title(message, server.policy)
    async for event in server.respond(thread, message, context):
        yield event


async def _unseen_items(
    store: Store[RequestContext], thread_id: str, last_seen: str, context: RequestContext
) -> bool:
    """Whether the thread holds items after ``last_seen`` (or no longer holds it) that a
    page could have shown. Read under the thread's turn: nothing is saved meanwhile."""
    async for item in newest_first(store, thread_id, context):
        if item.id == last_seen:
            return False
        if not isinstance(item, _NEVER_SHOWN):
            return True
    return True


async def newest_first(
    store: Store[RequestContext], thread_id: str, context: RequestContext
) -> AsyncIterator[ThreadItem]:
    """The thread's items, newest first, read a page of :data:`PAGE_SIZE` at a time."""
    after = None
    while True:
        page = await store.load_thread_items(thread_id, after, PAGE_SIZE, "desc", context)
        for item in page.data:
            yield item
        if not page.has_more:
            return
        after = page.after


def edited_content(text: str, tags: list[UserMessageContent]) -> list[UserMessageContent]:
    """The edited message's parts: each kept mention where ``text`` names it (the model
    reads ``Why does @cell 2 fail?`` as it read the original, not the name again after
    the words: ``fail?@cell 2``), then the chips, and a mention whose name is not
    found apart from the others'. A name is looked for as a word first (``df``, not in
    ``pdf``), an ``@`` typed before it taken with it."""
    mentions: list[tuple[int, UserMessageTagContent]] = []
    rest: list[UserMessageContent] = []
    for tag in tags:
        at = _named_at(text, tag.text, 0) if isinstance(tag, UserMessageTagContent) else None
        if at is None or not isinstance(tag, UserMessageTagContent) or _is_chip(tag):
            rest.append(tag)
        else:
            mentions.append((at[0], tag))
    parts: list[UserMessageContent] = []
    cursor = 0
    for _, tag in sorted(mentions, key=lambda m: m[0]):
        found = _named_at(text, tag.text, cursor)
        if found is None:
            rest.append(tag)
            continue
        if text[cursor : found[0]]:
            parts.append(UserMessageTextContent(text=text[cursor : found[0]]))
        parts.append(tag)
        cursor = found[1]
    if text[cursor:] or not parts:
        parts.append(UserMessageTextContent(text=text[cursor:]))
    return [*parts, *rest]


def _is_chip(tag: UserMessageTagContent) -> bool:
    return isinstance(tag.data, dict) and bool(tag.data.get("chip"))


def _named_at(text: str, name: str, start: int) -> tuple[int, int] | None:
    """Where ``text`` names ``name`` from ``start`` on, with an ``@`` typed before it: as
    a word if it can be, else not inside a word of ASCII letters and digits (``dfを``
    names ``df``, ``pdf`` does not); None if nowhere."""
    if not name:
        return None
    escaped = re.escape(name)
    found = re.compile(rf"(?<!\w)@?{escaped}(?!\w)").search(text, start) or re.compile(
        rf"(?<![A-Za-z0-9_])@?{escaped}(?![A-Za-z0-9_])"
    ).search(text, start)
    return (found.start(), found.end()) if found else None


def kept_tags(original: UserMessageItem, text: str) -> list[UserMessageContent]:
    """The original's tags an edit keeps: context chips (``data.chip``: context, not
    words; the edit box shows only words) and the mentions ``text`` still names (as
    :func:`_named_at` finds them: ``pdf`` no longer names ``df``)."""
    return [
        part
        for part in original.content
        if isinstance(part, UserMessageTagContent)
        and (
            (isinstance(part.data, dict) and part.data.get("chip"))
            or _named_at(text, part.text, 0) is not None
        )
    ]

"""Thread items parsed from their stored JSON, kept by that text for a turn's history.

A follow-up in a long conversation reads the thread's newest items (up to the history's
``max_items``) in the transaction that saves its message, and parsing each row's JSON
into ChatKit's models again was most of the store's CPU in that turn (~3 us per item,
~0.2 ms for 60). The stored text fixes the parsed item exactly (parsing is
deterministic), so an item kept under its text is the item a parse would give: the rows
are still read every turn, so a row another process (a kernel, a second server on the
same PostgreSQL) rewrote or deleted has another text, or none, and is parsed anew. Only
a turn's history reads through here (:meth:`~.held_turns.HeldTurns.thread_turn_adding`),
whose readers never change its items (they copy what they shorten); pages a client asks
for are parsed each time. Bounded: at most ``max_chars`` characters of keys, the least
recently used dropped first; a text over an eighth is not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from chatkit.types import ThreadItem

from . import codec
from .paging import next_cursor


class DecodedItems:
    """Items parsed by :func:`.codec.load_item`, kept by the stored text (module doc)."""

    def __init__(self, max_chars: int = 2_000_000) -> None:
        self.max_chars = max_chars
        self._items: OrderedDict[str, ThreadItem] = OrderedDict()
        self._chars = 0
        # Additions and drops, so that the count of characters stays exact.
        self._guard = threading.Lock()

    def item(self, payload: str, *, item_id: str, thread_id: str) -> ThreadItem | None:
        """:func:`.codec.load_item` of ``payload``, parsed once while it is kept."""
        item = self._items.get(payload)
        if item is not None:
            # A try, not contextlib.suppress: a context manager per kept item was a third
            # of a 60-item history's decode.
            try:  # noqa: SIM105
                self._items.move_to_end(payload)
            except KeyError:
                # Dropped meanwhile by another thread's event loop (a kernel's assistant
                # beside a test's, say): it was still the right item.
                pass
            return item
        item = codec.load_item(payload, item_id=item_id, thread_id=thread_id)
        # An unreadable row is not kept: it is logged each time it is read, as before.
        if item is not None and len(payload) <= self.max_chars // 8:
            with self._guard:
                if payload not in self._items:
                    self._items[payload] = item
                    self._chars += len(payload)
                while self._chars > self.max_chars and self._items:
                    dropped, _ = self._items.popitem(last=False)
                    self._chars -= len(dropped)
        return item

    def entries(self) -> list[tuple[str, ThreadItem]]:
        """The kept ``(stored text, item)`` pairs, least recently used first."""
        return list(self._items.items())

    def clear(self) -> None:
        """Forget every kept item."""
        with self._guard:
            self._items.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._items)


# Shared by every store of the process: a key is the item's whole stored JSON (its id
# and thread id included), so two stores' rows can only share an entry when they hold
# the same item.
DECODED_ITEMS = DecodedItems()


def decode_history_page(thread_id: str, page: Sequence[Any], has_more: bool) -> codec.StoredItems:
    """:func:`.paging.decode_item_page` for a turn's history, parsed through
    :data:`DECODED_ITEMS`: rows that no longer validate are skipped (logged), ``has_more``
    and ``after`` stay exact."""
    data: list[ThreadItem] = []
    payloads: list[str] = []
    decode = DECODED_ITEMS.item
    for row in page:
        payload = row.payload
        item = decode(payload, item_id=row.id, thread_id=thread_id)
        if item is not None:
            data.append(item)
            payloads.append(payload)
    # Built without validating again what was just parsed (as decode_item_page).
    return codec.StoredItems.model_construct(
        data=data, has_more=has_more, after=next_cursor(page, has_more), payloads=payloads
    )

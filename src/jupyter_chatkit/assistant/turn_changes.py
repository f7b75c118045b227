"""Telling a page that a turn began or ended in a thread it shows, run from elsewhere.

A conversation open in another browser (or on another machine, the same user) showed a
turn asked here only at its own next message. ``Turn.CHANGES`` is a bounded long-poll:
a page lists the threads it shows and waits, on an in-process notifier (no reading of
the store while it waits), until a turn of the user's begins or ends in one of them, or
:data:`WAIT_SECONDS` pass. The answer says, for each thread that changed, whether a turn
runs in it now (the page then follows it, ``Turn.WATCH``), its newest shown item (a
page that holds it already has the turn: its own, or one it followed) and the Agent step
a page began in it (``step_started``, :data:`~jupyter_chatkit.protocol.STEP_STARTED_KEY`;
a page begins one with ``Turn.STEP_STARTED``, which wakes the waits too): a card waiting
for that step in another page says so, and shows its outcome once it is answered,
without a click.

Only the user's own turns wake a user's wait (the notifier is keyed by user and
thread), so nothing is learnt of another user's thread. A turn run by another server
process on the same store wakes nobody here: ``now`` answers at once with every thread
listed, from the store, which a page asks when it is shown again (focus, visibility).
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from chatkit.store import NotFoundError
from chatkit.types import HiddenContextItem, SDKHiddenContextItem

from ..protocol import RequestContext, Turn
from .results import JsonResult
from .step_starts import started_step

if TYPE_CHECKING:
    from chatkit.store import Store

    from .running import RunningTurns

# How long one request waits for a change (under the usual proxies' idle timeouts).
WAIT_SECONDS = 25.0
# Threads one request may list (a page shows a few: the sidebar's, its widgets').
MAX_THREADS = 16
# Waits one user may hold at once (pages, tabs; a page that went on to other threads
# leaves its wait here until it times out): a further one answers the oldest now.
MAX_WAITS_PER_USER = 32
# Changes remembered for a ``since`` (threads, by user); an older one reports them all.
MAX_REMEMBERED = 4096
# Newest items read to find the newest shown one (hidden context is not shown).
_LAST_ITEMS = 4
_HIDDEN = (HiddenContextItem, SDKHiddenContextItem)
# What no conversation id holds, nor any store text: a NUL, a lone surrogate.
_NO_ID = re.compile("[\x00\ud800-\udfff]")
# A ``since``'s version: this process's count of changes.
_VERSION = re.compile("[0-9]{1,20}")


@dataclass
class _Wait:
    threads: frozenset[str]
    woken: asyncio.Event = field(default_factory=asyncio.Event)


class TurnChanges:
    """This process's notifier of turns beginning and ending, by user and thread."""

    def __init__(self) -> None:
        # A ``since`` of another process (or of before a restart) says nothing here.
        self._epoch = secrets.token_hex(6)
        self._version = 0
        self._changed: OrderedDict[tuple[str, str], int] = OrderedDict()
        # Changes at or before it may have been forgotten.
        self._floor = 0
        self._waits: dict[str, list[_Wait]] = {}

    def changed(self, user_id: str, thread_id: str) -> None:
        """A turn of ``user_id`` began or ended in ``thread_id``: wake the waits for it."""
        self._version += 1
        key = (user_id, thread_id)
        self._changed.pop(key, None)
        self._changed[key] = self._version
        if len(self._changed) > MAX_REMEMBERED:
            _, self._floor = self._changed.popitem(last=False)
        for wait in self._waits.get(user_id, ()):
            if thread_id in wait.threads:
                wait.woken.set()

    def wake_all(self) -> None:
        """Answer every wait now (the server stops)."""
        for waits in self._waits.values():
            for wait in waits:
                wait.woken.set()

    def waiting(self, user_id: str) -> int:
        """How many waits ``user_id`` holds now."""
        return len(self._waits.get(user_id, ()))

    def token(self) -> str:
        """What a page sends back as ``since``: every change so far is known to it."""
        return f"{self._epoch}:{self._version}"

    def _since(self, token: object) -> int | None:
        if not isinstance(token, str):
            return None
        epoch, _, version = token.partition(":")
        # ASCII digits, and few: int() refuses "²" (a digit to isdigit) and 4,300+ digits.
        if epoch != self._epoch or not _VERSION.fullmatch(version):
            return None
        return int(version) if int(version) <= self._version else None

    def _changed_since(self, user_id: str, threads: frozenset[str], since: int) -> list[str]:
        if since < self._floor:
            return sorted(threads)
        return sorted(t for t in threads if self._changed.get((user_id, t), 0) > since)

    async def wait(
        self, user_id: str, threads: frozenset[str], since: object, within: float = WAIT_SECONDS
    ) -> tuple[str, list[str]]:
        """``(token, threads changed)`` once one of ``threads`` changed after ``since``
        (at once if it already did), or ``within`` seconds passed (none)."""
        after = self._since(since)
        if after is not None:
            already = self._changed_since(user_id, threads, after)
            if already:
                return self.token(), already
        else:
            after = self._version
        wait = _Wait(threads)
        waits = self._waits.setdefault(user_id, [])
        if len(waits) >= MAX_WAITS_PER_USER:
            waits[0].woken.set()
            waits.pop(0)
        waits.append(wait)
        try:
            await asyncio.wait_for(wait.woken.wait(), within)
        except TimeoutError:
            pass
        finally:
            if wait in waits:
                waits.remove(wait)
            if not waits and self._waits.get(user_id) is waits:
                del self._waits[user_id]
        return self.token(), self._changed_since(user_id, threads, after)


def _threads(params: Any) -> frozenset[str] | str:
    """The listed thread ids, or why they cannot be waited on."""
    ids = params.get("thread_ids") if isinstance(params, dict) else None
    if not isinstance(ids, list) or not ids:
        return f"{Turn.CHANGES} needs params.thread_ids, a list of conversation ids."
    if len(ids) > MAX_THREADS:
        return f"{Turn.CHANGES} takes at most {MAX_THREADS} conversations."
    if not all(isinstance(i, str) and i and not _NO_ID.search(i) for i in ids):
        return f"{Turn.CHANGES}: each of params.thread_ids is a conversation id (a string)."
    return frozenset(ids)


async def answer_changes(
    params: Any, turns: RunningTurns, store: Store[RequestContext], context: RequestContext
) -> JsonResult:
    """Answer ``Turn.CHANGES`` for the user (see the module's docs)."""
    threads = _threads(params)
    if isinstance(threads, str):
        return JsonResult.error(400, threads)
    assert isinstance(params, dict)
    user_id = context.user_id
    if params.get("now") is True:
        since, changed = turns.changes.token(), sorted(threads)
    else:
        since, changed = await turns.changes.wait(user_id, threads, params.get("since"))
    if not changed:
        return _answer(since, [])
    # Once its wait has ended, a request whose page goes away (the wait is cancelled)
    # still ends its reads of the store, its answer unsent.
    return await asyncio.shield(_report(since, changed, turns, store, context))


def _answer(since: str, reported: list[dict[str, Any]]) -> JsonResult:
    return JsonResult(200, json.dumps({"since": since, "changed": reported}).encode())


async def _report(
    since: str,
    changed: list[str],
    turns: RunningTurns,
    store: Store[RequestContext],
    context: RequestContext,
) -> JsonResult:
    """Whether a turn runs in each changed thread, its newest shown item and the step a
    page began in it."""
    user_id = context.user_id
    reported: list[dict[str, Any]] = []
    # (A store failure is answered by answers.py, as any of our requests'.)
    for thread_id in changed:
        answering = bool(turns.of(thread_id, user_id))
        last: str | None = None
        begun: str | None = None
        if not answering:
            # The user's own items only (the store scopes them): none for another's.
            try:
                page = await store.load_thread_items(thread_id, None, _LAST_ITEMS, "desc", context)
                begun = started_step((await store.load_thread(thread_id, context)).metadata)
            except NotFoundError:
                continue
            last = next((i.id for i in page.data if not isinstance(i, _HIDDEN)), None)
        reported.append(
            {
                "thread_id": thread_id,
                "answering": answering,
                "last_item_id": last,
                "step_started": begun,
            }
        )
    return _answer(since, reported)

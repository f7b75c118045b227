"""Thread titles: the first words of the first message, or one written by the model.

Both are made from the message as the context policy leaves it: a secret pasted into a
first message is neither sent to the model for a title nor shown (or stored) as one; its
placeholder (``«redacted: GitHub token»``) takes its place.

A local title costs nothing and is there from the first event on. A model title
(``title_threads = 'model'``) is one more model call per new conversation, made after
the answer has streamed (the local title shows until then); it falls back to the local
title if the call fails. A first turn stopped or failed still gets it (PendingTitles).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from agents import Agent, RunConfig, Runner
from agents.models.interface import Model
from chatkit.store import NotFoundError
from chatkit.types import ThreadMetadata, UserMessageItem, UserMessageTextContent

from ..context_policy import ContextPolicy
from ..context_policy.rules import PLACEHOLDER_CLOSE, PLACEHOLDER_OPEN
from ..store import SQLStore

log = logging.getLogger("jupyter_chatkit")

MAX_TITLE_CHARS = 60
TITLE_WORDS = 6
TITLE_TIMEOUT = 20.0
UNTITLED = "New conversation"
# The most of a first message a title is made from (the model's or the first words).
TITLE_SOURCE_CHARS = 2000
# A word of a title: a run of non-space characters, where a placeholder the policy left
# (``«redacted: str, 14 chars»``, spaces and all) counts as part of the word it is in.
_CLOSE = re.escape(PLACEHOLDER_CLOSE)
_PLACEHOLDER = rf"{re.escape(PLACEHOLDER_OPEN)}(?:(?!{_CLOSE})[^\n]){{1,80}}{_CLOSE}"
_WORD = re.compile(rf"(?:{_PLACEHOLDER}|\S)+")


def message_text(message: UserMessageItem) -> str:
    """The text of a user message: its text parts and the names it mentions, in order;
    for a message of files alone (a picture to explain), their names.

    Context chips (tags with ``data.chip``) are not words of the message and are left out.
    """
    words = [
        part.text
        for part in message.content
        if isinstance(part, UserMessageTextContent)
        or not (isinstance(part.data, dict) and part.data.get("chip"))
    ]
    text = " ".join(w.strip() for w in words if w.strip()).strip()
    return text or " ".join(a.name.strip() for a in message.attachments if a.name.strip())


def redacted_text(message: UserMessageItem, policy: ContextPolicy) -> str:
    """What a title is made from: the head of the message's text, redacted by ``policy``."""
    return policy.text(message_text(message), TITLE_SOURCE_CHARS)[0]


def first_words(text: str, words: int = TITLE_WORDS) -> str:
    """A local title: the first ``words`` words, NUL-free, at most 60 characters.

    A placeholder is kept whole or left out, never cut (``«redacted: GitH``)."""
    title = " ".join(_WORD.findall(text.replace("\x00", ""))[:words])
    for placeholder in re.finditer(_PLACEHOLDER, title):
        if placeholder.start() < MAX_TITLE_CHARS < placeholder.end():
            return title[: placeholder.start()].rstrip() or UNTITLED
    return title[:MAX_TITLE_CHARS] or UNTITLED


def local_title(message: UserMessageItem, policy: ContextPolicy) -> str:
    """The title of a conversation that starts with ``message``, without a model: its
    first words once ``policy`` has hidden its secrets."""
    return first_words(redacted_text(message, policy))


# A UTF-16 surrogate code point: in a Python text, always one without its pair.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


async def model_title(
    agent: Agent[Any], model: Model, message: UserMessageItem, policy: ContextPolicy
) -> str:
    """A short title from the model, or the local title if that fails; the model reads
    the message as ``policy`` leaves it, like the answer's input."""
    text = redacted_text(message, policy)
    fallback = first_words(text)
    if not text:
        return UNTITLED
    try:
        result = await asyncio.wait_for(
            Runner.run(
                agent,
                text,
                max_turns=1,
                run_config=RunConfig(model=model, tracing_disabled=True),
            ),
            timeout=TITLE_TIMEOUT,
        )
    except Exception as exc:
        log.info("Title generation failed (%s); using the message.", type(exc).__name__)
        return fallback
    title = str(result.final_output or "").strip().strip("\"'").rstrip(".").strip()
    # NUL is refused by the store (PostgreSQL cannot keep it); a model may emit one. A
    # lone surrogate can be neither stored nor sent: the provider client reads it as
    # U+FFFD (lone_surrogates), but not in a compressed body (a title is not streamed).
    title = " ".join(_LONE_SURROGATE.sub("\ufffd", title.replace("\x00", "")).split())
    if not title:
        return fallback
    # Shown and stored like the local title: what the model wrote passes the policy too.
    return first_words(policy.text(title, TITLE_SOURCE_CHARS)[0], MAX_TITLE_CHARS)


class _Due:
    """A model title owed to a new thread, shown meanwhile under its local title."""

    def __init__(self, local: str, write: Callable[[], Awaitable[str]], owner: str) -> None:
        self.local = local
        self.write = write
        # The thread's user: only their requests may settle or drop it.
        self.owner = owner
        # Set when the title is taken by a turn or its writer has started.
        self.settled = asyncio.Event()
        self.writer: asyncio.Task[None] | None = None


class PendingTitles:
    """Model titles (``title_threads = 'model'``) owed to new threads, by thread id.

    A new thread shows its local title at once; the model's title replaces it after the
    first answer, streamed as ``thread.updated``. A first turn that does not end that way
    (stopped: its stream is closed; failed) still gets it: a writer saves it in the
    background, and ``threads.get_by_id`` waits for it, so a client can ask once.
    """

    def __init__(self) -> None:
        self._due: dict[str, _Due] = {}

    def expect(
        self, thread_id: str, local: str, write: Callable[[], Awaitable[str]], owner: str
    ) -> None:
        """``thread_id`` (``owner``'s, titled ``local`` for now) is owed the title
        ``write`` makes."""
        self._due[thread_id] = _Due(local, write, owner)

    def __len__(self) -> int:
        """How many titles are owed."""
        return len(self._due)

    def due(self, thread_id: str) -> bool:
        """True while ``thread_id`` still waits for its model title."""
        return thread_id in self._due

    async def take(self, thread_id: str) -> str | None:
        """The owed title, written now by the turn that streams it; None if none is owed."""
        entry = self._due.get(thread_id)
        if entry is None or entry.writer is not None:
            return None
        # Cancelled (Stop while the title is written): it stays owed, for write_later.
        title = await entry.write()
        if self._due.get(thread_id) is entry:
            del self._due[thread_id]
        entry.settled.set()
        return title

    def write_later(self, thread_id: str, store: SQLStore, context: Any) -> None:
        """Write the owed title in the background and save it (the stream has closed)."""
        entry = self._due.get(thread_id)
        if entry is None or entry.writer is not None:
            return
        entry.writer = asyncio.create_task(self._write(thread_id, entry, store, context))
        entry.settled.set()

    async def settle(self, thread_id: str, store: SQLStore, context: Any, running: bool) -> None:
        """Wait until ``thread_id``'s owed title is saved (a client reopening it asks).

        ``running``: a turn of that thread still streams; it takes the title, or its stop
        starts the writer (Stop reaches the server a moment after the client's next
        request may), so that is waited for first, at most as long as a title may take.
        """
        entry = self._due.get(thread_id)
        if entry is None or entry.owner != getattr(context, "user_id", None):
            # Another user's request (refused when it reads the thread) waits for and
            # starts nothing: the writer would read the thread as them and drop the title.
            return
        if running and entry.writer is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(entry.settled.wait(), TITLE_TIMEOUT)
        if self._due.get(thread_id) is not entry:
            return  # taken by its turn, which saved it
        self.write_later(thread_id, store, context)
        if entry.writer is not None:
            # Shielded: a client going away must not stop the title being saved.
            await asyncio.shield(entry.writer)

    def renamed(self, thread_id: str, title: str, user_id: str) -> None:
        """The person renamed the thread (told before the rename is saved): their title
        stays, no model title replaces it. Another user's rename (refused) changes nothing."""
        entry = self._due.get(thread_id)
        if entry is not None and entry.owner == user_id and title != entry.local:
            del self._due[thread_id]
            entry.settled.set()

    def deleted(self, thread_id: str, user_id: str) -> None:
        """The person deleted the thread: no title is owed to it, none is made (a model
        call) or saved. Another user's delete (refused) changes nothing."""
        entry = self._due.get(thread_id)
        if entry is not None and entry.owner == user_id:
            del self._due[thread_id]
            entry.settled.set()
            if entry.writer is not None:
                entry.writer.cancel()

    async def _write(self, thread_id: str, entry: _Due, store: SQLStore, context: Any) -> None:
        try:
            title = await entry.write()
            # Renamed meanwhile (the entry is dropped then): the person's title stays.
            if self._due.get(thread_id) is entry:
                # Only the title, into the thread as stored now: what else was saved
                # meanwhile (a turn's kept failure) stays.
                await store.change_thread(thread_id, _titled(title, entry.local), context)
        except NotFoundError:
            pass  # deleted meanwhile
        except Exception as exc:
            log.info("Could not save the model's title (%s).", type(exc).__name__)
        finally:
            if self._due.get(thread_id) is entry:
                del self._due[thread_id]

    def close(self) -> None:
        """Stop writers still running (the server shuts down)."""
        for entry in self._due.values():
            if entry.writer is not None:
                entry.writer.cancel()
        self._due.clear()


def _titled(title: str, local: str) -> Callable[[ThreadMetadata], bool]:
    """The change giving a thread the model's ``title`` if it still has its ``local``
    one (or none): a title the person gave it stays."""

    def change(thread: ThreadMetadata) -> bool:
        if thread.title not in (None, "", local) or thread.title == title:
            return False
        thread.title = title
        return True

    return change


def titled_if_untitled(title: str) -> Callable[[ThreadMetadata], bool]:
    """The change giving an untitled thread ``title`` (a thread the person named
    meanwhile keeps its name)."""
    return _titled(title, "")


def renamed_to(title: str) -> Callable[[ThreadMetadata], bool]:
    """The change of a rename (``threads.update``): the thread's title, nothing else."""

    def rename(thread: ThreadMetadata) -> bool:
        thread.title = title
        return True

    return rename

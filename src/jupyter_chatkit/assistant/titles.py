"""Thread titles: the first words of the first message, or one written by the model.

A local title costs nothing and is there with the first answer. A model title
(``title_threads = 'model'``) is one more model call per new conversation, made after
the answer has streamed; it falls back to the local title if the call fails.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agents import Agent, RunConfig, Runner
from agents.models.interface import Model
from chatkit.types import UserMessageItem, UserMessageTextContent

log = logging.getLogger("jupyter_chatkit")

MAX_TITLE_CHARS = 60
TITLE_WORDS = 6
TITLE_TIMEOUT = 20.0
UNTITLED = "New conversation"


def message_text(message: UserMessageItem) -> str:
    """The text of a user message: its text parts and the names it mentions, in order.

    Context chips (tags with ``data.chip``) are not words of the message and are left out.
    """
    words = [
        part.text
        for part in message.content
        if isinstance(part, UserMessageTextContent)
        or not (isinstance(part.data, dict) and part.data.get("chip"))
    ]
    return " ".join(w.strip() for w in words if w.strip()).strip()


def first_words(text: str, words: int = TITLE_WORDS) -> str:
    """A local title: the first ``words`` words, NUL-free, at most 60 characters."""
    title = " ".join(text.replace("\x00", "").split()[:words])
    return title[:MAX_TITLE_CHARS] or UNTITLED


def local_title(message: UserMessageItem) -> str:
    """The title of a conversation that starts with ``message``, without a model."""
    return first_words(message_text(message))


async def model_title(agent: Agent[Any], model: Model, message: UserMessageItem) -> str:
    """A short title from the model, or the local title if that fails."""
    text = message_text(message)
    fallback = first_words(text)
    if not text:
        return UNTITLED
    try:
        result = await asyncio.wait_for(
            Runner.run(
                agent,
                text[:2000],
                max_turns=1,
                run_config=RunConfig(model=model, tracing_disabled=True),
            ),
            timeout=TITLE_TIMEOUT,
        )
    except Exception as exc:
        log.info("Title generation failed (%s); using the message.", type(exc).__name__)
        return fallback
    title = str(result.final_output or "").strip().strip("\"'").rstrip(".").strip()
    # NUL is refused by the store (PostgreSQL cannot keep it); a model may emit one.
    title = " ".join(title.replace("\x00", "").split())
    return title[:MAX_TITLE_CHARS] if title else fallback

"""Streaming requests refused before anything is written or streamed: what ChatKit
would answer wrongly (an empty stream, an empty thread left behind, a bare error), a
picked model off the allow-list, too many new conversations in a minute. And the
requests this assistant does not serve, refused in plain words.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from chatkit.store import NotFoundError
from chatkit.types import (
    ChatKitReq,
    ThreadsAddClientToolOutputReq,
    ThreadsAddUserMessageReq,
    ThreadsCreateReq,
    ThreadsCustomActionReq,
    ThreadsRetryAfterItemReq,
    UserMessageItem,
    UserMessageTagContent,
    UserMessageTextContent,
    WidgetItem,
)

from ..protocol import RequestContext
from .message_edit import message_too_long, visible
from .step_starts import uncover_pending_step

if TYPE_CHECKING:
    from .server import NotebookAssistant

# The most JSON text a front end's client tool output may hold: it is stored with the
# thread and sent with every read of it. The chat's own are bounded by the context
# policy (16k characters, an Agent step's undo record 20k more); this is ample room.
# A message's reference (a chip, an @-mention: what the front end read, 16k there) too.
MAX_TOOL_OUTPUT_CHARS = 200_000

# The most files one message carries. Each is read from the store when the message is
# saved and sent with every read of the thread: one request naming one file 20,000 times
# took ~40 s of the server's CPU (every user's requests waiting) and stored a 3 MB message.
MAX_MESSAGE_FILES = 100

# ChatKit requests this assistant does not serve (no front end of ours sends them), and
# what a client sending one is told instead of ChatKit's words for a developer.
NOT_SERVED = {
    "input.transcribe": "Dictation is not available in this assistant: type the question.",
    "threads.sync_custom_action": "This action is not available in this assistant.",
}


def refuse_not_served(request: ChatKitReq) -> None:
    """A ``ValueError`` (a 400 saying so) for a request :data:`NOT_SERVED`, before ChatKit
    reads it (its base64 audio, its item)."""
    said = NOT_SERVED.get(request.type)
    if said is not None:
        raise ValueError(said)


def _json_chars(value: object) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str))


async def check_streaming_request(
    server: NotebookAssistant, request: ChatKitReq, context: RequestContext
) -> None:
    """Refuse, before anything is written or streamed, what ChatKit would get wrong.

    - ``threads.retry_after_item`` with an unknown item: ChatKit walks the thread,
      finds nothing and answers an empty stream; here it is ``NotFoundError``.
    - ``threads.create`` naming a missing or foreign attachment: ChatKit saves the
      thread first and fails after, leaving an empty thread behind. A message (new or
      not) naming a file whose upload never came: the model read nothing of it.
    - ``threads.create`` past ``max_new_threads_per_minute`` for this user.
    - a message longer than the model reads (ChatKit saved it whole, and the
      model answered from its first part, the person never told), or with nothing in it
      (no text, reference, file or quote: ChatKit saved it and the model answered).
    - ``threads.custom_action`` from an item that is no card: ChatKit answers a bare
      ``stream.error`` (no message, nothing a person can read).
    - a message carrying more than :data:`MAX_MESSAGE_FILES` files.
    - a client tool output past ``MAX_TOOL_OUTPUT_CHARS`` (ChatKit stored whatever came);
      the call still waits for one that fits. A message's reference (tag) past it too:
      the model reads 16k of it, the thread kept it whole. (A result that fits is stored
      for a step behind ChatKit's note of a Stop too: :func:`.step_starts.uncover_pending_step`.)
    """
    if isinstance(request, ThreadsAddClientToolOutputReq):
        size = _json_chars(request.params.result)
        if size > MAX_TOOL_OUTPUT_CHARS:
            raise ValueError(
                f"The tool's result is too large ({size:,} characters of JSON; at most "
                f"{MAX_TOOL_OUTPUT_CHARS:,}): this front end must bound what it reads."
            )
        await uncover_pending_step(server, request.params.thread_id, context)
    if isinstance(request, ThreadsCustomActionReq) and request.params.item_id:
        sender = await server.store.load_item(
            request.params.thread_id, request.params.item_id, context
        )
        if not isinstance(sender, WidgetItem):
            raise ValueError("This action must come from a card in this conversation.")
    if isinstance(request, ThreadsRetryAfterItemReq):
        params = request.params
        item = await server.store.load_item(params.thread_id, params.item_id, context)
        if not isinstance(item, UserMessageItem):
            raise ValueError("Retry needs the id of one of your messages in this thread.")
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        message = request.params.input
        if len(message.attachments) > MAX_MESSAGE_FILES:
            raise ValueError(
                f"A message carries at most {MAX_MESSAGE_FILES} files: send the others "
                "with another message."
            )
        text = [p.text for p in message.content if isinstance(p, UserMessageTextContent)]
        too_long = message_too_long(sum(map(len, text)) + len(message.quoted_text or ""))
        if too_long:
            raise ValueError(too_long)
        tags = [p for p in message.content if isinstance(p, UserMessageTagContent)]
        if any(_json_chars([t.text, t.data]) > MAX_TOOL_OUTPUT_CHARS for t in tags):
            raise ValueError(
                f"A reference in the message is too large (at most {MAX_TOOL_OUTPUT_CHARS:,} "
                "characters of JSON): this front end must bound what it reads."
            )
        said = any(map(visible, text)) or visible(message.quoted_text or "")
        # A tag (a mention, a context chip) or a file is something to ask about.
        if not (said or len(message.content) > len(text) or message.attachments):
            raise ValueError("The message is empty: write a question, or attach a file.")
        # A picked model off the allow-list is refused before anything is saved.
        await server.models.check(message.inference_options.model)
    if isinstance(request, ThreadsCreateReq):
        wait = server.new_threads.take(context.user_id)
        if wait:
            raise ValueError(
                f"You have started {server.new_threads.per_minute} conversations in the "
                f"last minute, the most allowed (max_new_threads_per_minute): continue "
                f"one of them, or start a new one in {wait} s."
            )
    if isinstance(request, ThreadsCreateReq | ThreadsAddUserMessageReq):
        await _check_files(server, request.params.input.attachments, context)


async def _check_files(
    server: NotebookAssistant, attachment_ids: list[str], context: RequestContext
) -> None:
    """A ``ValueError`` for a message file that is not the user's, or whose bytes never
    came: ChatKit took it, the model read nothing of it, nobody was told, and the
    upload it still waited for was refused (a sent message's files cannot change)."""
    for attachment_id in dict.fromkeys(attachment_ids):
        try:
            attachment = await server.store.load_attachment(attachment_id, context)
        except NotFoundError:
            raise ValueError(
                "An attachment of this message was not found; attach the file again."
            ) from None
        # ChatKit: the descriptor "should be set to None after upload is complete".
        if attachment.upload_descriptor is not None:
            raise ValueError(
                f"The file {attachment.name!r} of this message was not uploaded (its upload "
                "did not finish): attach it again."
            )

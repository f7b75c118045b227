"""Attachments: two-phase upload, size limits, isolation; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from chatkit.server import ChatKitServer, NonStreamingResult, StreamingResult
from chatkit.store import NotFoundError
from chatkit.types import (
    AssistantMessageContent,
    AssistantMessageItem,
    AttachmentCreateParams,
    FileAttachment,
    ImageAttachment,
    ThreadItemDoneEvent,
    ThreadMetadata,
    ThreadStreamEvent,
    UserMessageItem,
)
from sqlalchemy import update

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import (
    AttachmentQuotaError,
    AttachmentSentError,
    AttachmentSizeMismatchError,
    AttachmentTooLargeError,
    SQLStore,
    open_store,
    server_path,
    server_url,
)
from jupyter_chatkit.store.attachments import (
    MAX_UNSENT_FILES,
    UNSENT_KEPT_US,
    UNSENT_SIZE_FACTOR,
)
from jupyter_chatkit.store.schema import attachments, now_us

ALICE = RequestContext(user_id="alice")
BOB = RequestContext(user_id="bob")


def params(
    name: str = "data.csv", size: int = 5, mime_type: str = "text/csv"
) -> AttachmentCreateParams:
    return AttachmentCreateParams(name=name, size=size, mime_type=mime_type)


@pytest.mark.asyncio
async def test_two_phase_upload_round_trip(store: SQLStore) -> None:
    created = await store.attachments.create_attachment(params(size=5), ALICE)
    assert isinstance(created, FileAttachment)
    assert created.id.startswith("atc_") and len(created.id) == 4 + 32
    assert created.upload_descriptor is not None
    assert created.upload_descriptor.method == "PUT"
    assert str(created.upload_descriptor.url) == (
        f"jupyter-server:/jupyter-chatkit/attachments/{created.id}"
    )
    # Not downloadable before the bytes arrive.
    with pytest.raises(NotFoundError):
        await store.attachments.read_bytes(created.id, ALICE)

    await store.attachments.write_bytes(created.id, b"a,b\n1", ALICE)
    attachment, data = await store.attachments.read_bytes(created.id, ALICE)
    assert data == b"a,b\n1"
    assert attachment.upload_descriptor is None
    assert (attachment.id, attachment.name, attachment.mime_type) == (
        created.id,
        "data.csv",
        "text/csv",
    )
    # ChatKit's Store half sees the upload as complete too.
    assert (await store.load_attachment(created.id, ALICE)).upload_descriptor is None


@pytest.mark.asyncio
async def test_image_attachment_preview_url_and_custom_base(store: SQLStore) -> None:
    store.attachments.upload_url_for = lambda aid: f"/user/ada/jupyter-chatkit/attachments/{aid}"
    image = await store.attachments.create_attachment(
        params(name="plot.png", size=3, mime_type="image/png"), ALICE
    )
    assert isinstance(image, ImageAttachment)
    expected = f"jupyter-server:/user/ada/jupyter-chatkit/attachments/{image.id}"
    assert str(image.preview_url) == expected
    assert image.upload_descriptor is not None
    assert str(image.upload_descriptor.url) == expected
    assert (
        server_path(str(image.preview_url)) == f"/user/ada/jupyter-chatkit/attachments/{image.id}"
    )

    await store.attachments.write_bytes(image.id, b"PNG", ALICE)
    loaded = await store.load_attachment(image.id, ALICE)
    assert isinstance(loaded, ImageAttachment)
    assert str(loaded.preview_url) == expected

    # Absolute URLs (a server that knows its public origin) pass through unchanged.
    store.attachments.upload_url_for = lambda aid: f"https://hub.example.org/a/{aid}"
    absolute = await store.attachments.create_attachment(params(), ALICE)
    assert absolute.upload_descriptor is not None
    assert str(absolute.upload_descriptor.url) == f"https://hub.example.org/a/{absolute.id}"


def test_server_url_helpers() -> None:
    assert server_url("/x/y") == "jupyter-server:/x/y"
    assert server_url("http://h/x") == "http://h/x"
    assert server_path("jupyter-server:/x/y") == "/x/y"
    assert server_path("http://h/x") is None
    with pytest.raises(ValueError):
        server_url("relative/path")


@pytest.mark.asyncio
async def test_size_is_enforced(store: SQLStore) -> None:
    created = await store.attachments.create_attachment(params(size=4), ALICE)
    with pytest.raises(AttachmentSizeMismatchError):
        await store.attachments.write_bytes(created.id, b"12345", ALICE)
    with pytest.raises(AttachmentSizeMismatchError):
        await store.attachments.write_bytes(created.id, b"123", ALICE)
    with pytest.raises(NotFoundError):
        await store.attachments.read_bytes(created.id, ALICE)

    limit = store.attachments.max_bytes
    assert limit == 20 * 1024 * 1024
    with pytest.raises(AttachmentTooLargeError):
        await store.attachments.create_attachment(params(size=limit + 1), ALICE)
    with pytest.raises(ValueError):
        await store.attachments.create_attachment(params(size=-1), ALICE)


@pytest.mark.asyncio
async def test_maximum_size_is_configurable(store_url: str) -> None:
    small = await open_store(store_url, max_attachment_bytes=8)
    try:
        assert small.attachments.max_bytes == 8
        ok = await small.attachments.create_attachment(params(size=8), ALICE)
        await small.attachments.write_bytes(ok.id, b"12345678", ALICE)
        with pytest.raises(AttachmentTooLargeError):
            await small.attachments.create_attachment(params(size=9), ALICE)
        # Metadata saved without an announced size still cannot take oversized bytes.
        await small.save_attachment(
            FileAttachment(id="atc_direct", name="d", mime_type="text/plain"), ALICE
        )
        with pytest.raises(AttachmentTooLargeError):
            await small.attachments.write_bytes("atc_direct", b"123456789", ALICE)
        await small.attachments.write_bytes("atc_direct", b"1234", ALICE)
        assert (await small.attachments.read_bytes("atc_direct", ALICE))[1] == b"1234"
    finally:
        await small.close()


@pytest.mark.asyncio
async def test_attachments_are_per_user(store: SQLStore) -> None:
    created = await store.attachments.create_attachment(params(size=2), ALICE)
    await store.attachments.write_bytes(created.id, b"ok", ALICE)

    with pytest.raises(NotFoundError):
        await store.attachments.write_bytes(created.id, b"no", BOB)
    with pytest.raises(NotFoundError):
        await store.attachments.read_bytes(created.id, BOB)
    with pytest.raises(NotFoundError):
        await store.attachments.delete_attachment(created.id, BOB)
    with pytest.raises(NotFoundError):
        await store.load_attachment(created.id, BOB)
    with pytest.raises(NotFoundError):
        await store.attachments.read_bytes("atc_unknown", BOB)

    assert (await store.attachments.read_bytes(created.id, ALICE))[1] == b"ok"


@pytest.mark.asyncio
async def test_delete_attachment_then_store_delete_is_idempotent(store: SQLStore) -> None:
    created = await store.attachments.create_attachment(params(size=1), ALICE)
    await store.save_attachment(created, ALICE)
    # ChatKit's attachments.delete calls the AttachmentStore, then the Store.
    await store.attachments.delete_attachment(created.id, ALICE)
    await store.delete_attachment(created.id, ALICE)
    with pytest.raises(NotFoundError):
        await store.load_attachment(created.id, ALICE)
    with pytest.raises(NotFoundError):
        await store.attachments.delete_attachment(created.id, ALICE)


class _EchoServer(ChatKitServer[RequestContext]):
    """ChatKit's own server, answering every message with one fixed assistant item."""

    async def respond(
        self,
        thread: ThreadMetadata,
        input_user_message: UserMessageItem | None,
        context: RequestContext,
    ) -> AsyncIterator[ThreadStreamEvent]:
        yield ThreadItemDoneEvent(
            item=AssistantMessageItem(
                id=self.store.generate_item_id("message", thread, context),
                thread_id=thread.id,
                created_at=datetime.now(),
                content=[AssistantMessageContent(text="got it")],
            )
        )


async def _call(server: _EchoServer, request: dict[str, object], ctx: RequestContext) -> object:
    result = await server.process(json.dumps(request), ctx)
    if isinstance(result, NonStreamingResult):
        return json.loads(result.json)
    assert isinstance(result, StreamingResult)
    events = []
    async for chunk in result:
        for line in chunk.decode().splitlines():
            if line.startswith("data: "):
                events.append(json.loads(line[len("data: ") :]))
    return events


@pytest.mark.asyncio
async def test_attachment_flow_through_chatkit_server(store: SQLStore) -> None:
    server = _EchoServer(store, store.attachments)
    created = await _call(
        server,
        {
            "type": "attachments.create",
            "params": {"name": "notes.txt", "size": 4, "mime_type": "text/plain"},
        },
        ALICE,
    )
    assert isinstance(created, dict)
    attachment_id = created["id"]
    assert created["upload_descriptor"]["url"].startswith("jupyter-server:/")
    await store.attachments.write_bytes(attachment_id, b"note", ALICE)

    events = await _call(
        server,
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "read this"}],
                    "attachments": [attachment_id],
                    "inference_options": {},
                }
            },
        },
        ALICE,
    )
    assert isinstance(events, list)
    thread_id = next(e["thread"]["id"] for e in events if e["type"] == "thread.created")
    # The message carries the uploaded attachment, now bound to the thread.
    page = await store.load_thread_items(thread_id, None, 10, "asc", ALICE)
    user_message = page.data[0]
    assert isinstance(user_message, UserMessageItem)
    assert [a.id for a in user_message.attachments] == [attachment_id]
    assert (await store.load_attachment(attachment_id, ALICE)).thread_id == thread_id

    # Bob can neither read the thread through the server nor delete the attachment.
    with pytest.raises(NotFoundError):
        await _call(server, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}, BOB)
    with pytest.raises(NotFoundError):
        await _call(
            server, {"type": "attachments.delete", "params": {"attachment_id": attachment_id}}, BOB
        )

    # Nor can Alice delete it while her message holds it (a hostile client): the
    # conversation keeps its file, as an upload cannot change its bytes.
    with pytest.raises(AttachmentSentError):
        await _call(
            server,
            {"type": "attachments.delete", "params": {"attachment_id": attachment_id}},
            ALICE,
        )
    assert (await store.attachments.read_bytes(attachment_id, ALICE))[1] == b"note"

    # Deleting the thread takes the attachment with it.
    await _call(server, {"type": "threads.delete", "params": {"thread_id": thread_id}}, ALICE)
    with pytest.raises(NotFoundError):
        await store.attachments.read_bytes(attachment_id, ALICE)


async def _unsent(store: SQLStore, n: int, size: int, ctx: RequestContext) -> list[str]:
    return [
        (await store.attachments.create_attachment(params(size=size), ctx)).id for _ in range(n)
    ]


@pytest.mark.asyncio
async def test_unsent_files_per_user_are_bounded(store: SQLStore) -> None:
    # A client that uploads and never sends (a hostile one, or tabs closed before
    # sending) filled the database without end: each user's unsent files are bounded.
    ids = await _unsent(store, MAX_UNSENT_FILES, 1, ALICE)
    with pytest.raises(AttachmentQuotaError, match="send them"):
        await store.attachments.create_attachment(params(size=1), ALICE)
    # Another user is not held up by Alice's files.
    await store.attachments.create_attachment(params(size=1), BOB)
    # Taking a file out of the composer makes room for one.
    await store.attachments.delete_attachment(ids.pop(), ALICE)
    ids += await _unsent(store, 1, 1, ALICE)
    with pytest.raises(AttachmentQuotaError):
        await store.attachments.create_attachment(params(size=1), ALICE)
    # Sent files no longer wait: a message carrying some makes room.
    await store.attachments.write_bytes(ids[0], b"x", ALICE)
    server = _EchoServer(store, store.attachments)
    await _call(
        server,
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "read this"}],
                    "attachments": [ids[0]],
                    "inference_options": {},
                }
            },
        },
        ALICE,
    )
    assert (await store.load_attachment(ids[0], ALICE)).thread_id is not None
    await store.attachments.create_attachment(params(size=1), ALICE)


@pytest.mark.asyncio
async def test_unsent_bytes_per_user_are_bounded(store_url: str) -> None:
    small = await open_store(store_url, max_attachment_bytes=8)
    try:
        assert small.attachments.max_unsent_bytes == UNSENT_SIZE_FACTOR * 8
        await _unsent(small, UNSENT_SIZE_FACTOR - 1, 8, ALICE)
        await _unsent(small, 1, 7, ALICE)
        with pytest.raises(AttachmentQuotaError):
            await small.attachments.create_attachment(params(size=2), ALICE)
        await small.attachments.create_attachment(params(size=1), ALICE)
        with pytest.raises(AttachmentQuotaError):
            await small.attachments.create_attachment(params(size=1), ALICE)
    finally:
        await small.close()


@pytest.mark.asyncio
async def test_unsent_files_left_for_a_day_make_room(store: SQLStore) -> None:
    old = await _unsent(store, MAX_UNSENT_FILES - 1, 1, ALICE)
    recent = await _unsent(store, 1, 1, ALICE)
    # The first ones were left a day ago by a tab closed before sending.
    day_ago = now_us() - UNSENT_KEPT_US - 1
    await store.attachments._hop.write(
        lambda conn: conn.execute(
            update(attachments).where(attachments.c.id.in_(old)).values(created_us=day_ago)
        )
    )
    created = await store.attachments.create_attachment(params(size=1), ALICE)
    for gone in old:
        with pytest.raises(NotFoundError):
            await store.load_attachment(gone, ALICE)
    for kept in (*recent, created.id):
        await store.load_attachment(kept, ALICE)

"""Attachment bytes, in the same database as the chats (two-phase upload).

ChatKit's two-phase upload: ``attachments.create`` calls :meth:`create_attachment`,
which records the announced name, type and size and returns an attachment whose
``upload_descriptor`` tells the client where to ``PUT`` the bytes. The transport's
upload handler then calls :meth:`write_bytes`; downloads and image previews call
:meth:`read_bytes`. Every call is scoped by ``context.user_id``.

URLs: ChatKit types both ``AttachmentUploadDescriptor.url`` and
``ImageAttachment.preview_url`` as pydantic ``AnyUrl``, which rejects relative URLs
(``"/jupyter-chatkit/attachments/x"`` fails with "relative URL without a base"), and
the store cannot know the browser-facing origin (proxies, JupyterHub). So
:attr:`SQLAttachmentStore.upload_url_for` returns a server path, and the store carries
it as ``jupyter-server:<path>`` (see :func:`server_url`), which validates and survives
pydantic unchanged. Clients resolve such a URL against the Jupyter page's origin
(strip the ``jupyter-server:`` prefix); absolute ``http(s)`` URLs pass through as given.
Image previews use the same URL as the upload (``GET`` serves the bytes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal
from urllib.parse import urlsplit
from uuid import uuid4

from chatkit.store import AttachmentStore, NotFoundError
from chatkit.types import (
    Attachment,
    AttachmentCreateParams,
    AttachmentUploadDescriptor,
    FileAttachment,
    ImageAttachment,
)
from pydantic import AnyUrl
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from ..protocol import RequestContext
from . import codec
from .engine import Writer
from .onehop import OneHop
from .schema import attachments, now_us

DEFAULT_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
"""Largest attachment accepted by default (20 MiB)."""

MAX_UNSENT_FILES = 200
"""Most files one user may have uploaded and not yet sent (twice what a message carries)."""

UNSENT_SIZE_FACTOR = 10
"""A user's unsent files hold at most this many times the largest attachment's bytes."""

UNSENT_KEPT_US = 24 * 3600 * 1_000_000
"""Unsent files older than this (a tab closed before sending left them) are deleted when
a user's unsent files reach a limit."""

MAX_ATTACHMENT_NAME_CHARS = 255
"""Longest attachment name accepted (file systems' own limit is 255 bytes)."""

MAX_MIME_TYPE_CHARS = 255
"""Longest MIME type accepted (RFC 6838: type and subtype of at most 127 each)."""

SERVER_URL_SCHEME = "jupyter-server"
"""Scheme marking a URL as a path on the Jupyter server the client talks to."""

UPLOAD_METHOD: Literal["PUT"] = "PUT"
"""HTTP method of the upload: the raw bytes are the request body."""


class AttachmentTooLargeError(ValueError):
    """The attachment is larger than the store accepts."""


class AttachmentSizeMismatchError(ValueError):
    """The uploaded bytes differ in length from the size announced at creation."""


class AttachmentQuotaError(ValueError):
    """The user's files waiting to be sent already reach a limit."""


class AttachmentSentError(ValueError):
    """The attachment belongs to a sent message: its bytes are that message's."""


def default_upload_url(attachment_id: str) -> str:
    """Server path of an attachment when Jupyter's base URL is ``/``."""
    return f"/jupyter-chatkit/attachments/{attachment_id}"


def server_url(path_or_url: str) -> str:
    """A URL pydantic's ``AnyUrl`` accepts for a server path (absolute URLs unchanged).

    ``"/base/jupyter-chatkit/attachments/a"`` becomes
    ``"jupyter-server:/base/jupyter-chatkit/attachments/a"``.
    """
    if urlsplit(path_or_url).scheme:
        return path_or_url
    if not path_or_url.startswith("/"):
        raise ValueError(f"attachment URL must be absolute or start with '/': {path_or_url!r}")
    return f"{SERVER_URL_SCHEME}:{path_or_url}"


def server_path(url: str) -> str | None:
    """The server path inside a :func:`server_url`, or ``None`` for any other URL."""
    prefix = f"{SERVER_URL_SCHEME}:"
    return url[len(prefix) :] if url.startswith(prefix) else None


class SQLAttachmentStore(AttachmentStore[RequestContext]):
    """ChatKit ``AttachmentStore`` keeping metadata and bytes in the SQL database.

    Built by :class:`~jupyter_chatkit.store.SQLStore`, whose engine it shares.
    """

    upload_url_for: Callable[[str], str]
    """Maps an attachment id to its upload/download URL or server path (set by the
    server extension from Jupyter's ``base_url``)."""

    max_bytes: int
    """Largest accepted attachment, checked at creation and at upload."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        max_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
        writer: Writer | None = None,
        hop: OneHop | None = None,
    ) -> None:
        self._engine = engine
        # Shared with the SQLStore on the same engine, so their writes queue together.
        self._writer = writer or Writer(engine)
        self._hop = hop or OneHop(engine, self._writer)
        self.max_bytes = max_bytes
        self.upload_url_for = default_upload_url

    def generate_attachment_id(self, mime_type: str, context: RequestContext) -> str:
        """A 128-bit random id with ChatKit's ``atc_`` prefix.

        ChatKit's default has 32 random bits; attachment ids are global keys shared by
        all users, so collisions must be out of reach.
        """
        return f"atc_{uuid4().hex}"

    async def create_attachment(
        self, input: AttachmentCreateParams, context: RequestContext
    ) -> Attachment:
        """Record an announced upload and return it with its upload descriptor."""
        if input.size < 0:
            raise ValueError("attachment size must not be negative")
        # Stored, and sent with every read of the thread that holds it.
        if len(input.name) > MAX_ATTACHMENT_NAME_CHARS:
            raise ValueError(
                f"Attachment names are limited to {MAX_ATTACHMENT_NAME_CHARS} characters."
            )
        if len(input.mime_type) > MAX_MIME_TYPE_CHARS:
            raise ValueError(f"Attachment types are limited to {MAX_MIME_TYPE_CHARS} characters.")
        if input.size > self.max_bytes:
            raise AttachmentTooLargeError(
                f"attachment of {input.size} bytes exceeds the limit of {self.max_bytes}"
            )
        attachment_id = self.generate_attachment_id(input.mime_type, context)
        url = AnyUrl(server_url(self.upload_url_for(attachment_id)))
        descriptor = AttachmentUploadDescriptor(url=url, method=UPLOAD_METHOD)
        attachment: Attachment
        if input.mime_type.lower().startswith("image/"):
            attachment = ImageAttachment(
                id=attachment_id,
                name=input.name,
                mime_type=input.mime_type,
                upload_descriptor=descriptor,
                preview_url=url,
            )
        else:
            attachment = FileAttachment(
                id=attachment_id,
                name=input.name,
                mime_type=input.mime_type,
                upload_descriptor=descriptor,
            )
        stmt = insert(attachments).values(
            id=attachment_id,
            user_id=context.user_id,
            thread_id=None,
            name=input.name,
            mime_type=input.mime_type,
            declared_size=input.size,
            payload=codec.dump_attachment(attachment),
            data=None,
            created_us=now_us(),
        )
        user_id, size = context.user_id, input.size

        def write(conn: Connection) -> None:
            if self._over_unsent_limits(conn, user_id, size):
                raise AttachmentQuotaError(
                    f"Too many files wait to be sent (at most {MAX_UNSENT_FILES}, "
                    f"{self.max_unsent_bytes // 2**20} MiB in all): send them, or take "
                    "some out of the message, before attaching more."
                )
            conn.execute(stmt)

        await self._hop.write(write)
        return attachment

    @property
    def max_unsent_bytes(self) -> int:
        """Most bytes one user's unsent files may hold."""
        return UNSENT_SIZE_FACTOR * self.max_bytes

    def _over_unsent_limits(self, conn: Connection, user_id: str, size: int) -> bool:
        """Whether one more file of ``size`` bytes would take this user's unsent files past
        a limit, once those left for longer than :data:`UNSENT_KEPT_US` are deleted."""
        unsent = (attachments.c.user_id == user_id) & attachments.c.thread_id.is_(None)
        held = func.coalesce(attachments.c.declared_size, func.length(attachments.c.data), 0)
        waiting = select(func.count(), func.coalesce(func.sum(held), 0)).where(unsent)

        def fits() -> bool:
            files, total = conn.execute(waiting).one()
            return files < MAX_UNSENT_FILES and total + size <= self.max_unsent_bytes

        if fits():
            return False
        stale = attachments.c.created_us < now_us() - UNSENT_KEPT_US
        return not (conn.execute(delete(attachments).where(unsent, stale)).rowcount and fits())

    async def write_bytes(self, attachment_id: str, data: bytes, context: RequestContext) -> None:
        """Store the uploaded bytes of this user's attachment (again, if re-uploaded
        before it is sent).

        Raises :class:`AttachmentTooLargeError` past :attr:`max_bytes`,
        :class:`AttachmentSizeMismatchError` when the length differs from the announced
        size, :class:`AttachmentSentError` once a message holding it was stored (ChatKit
        gives it that message's thread then) and ``NotFoundError`` for an unknown or
        foreign id.
        """
        if len(data) > self.max_bytes:
            raise AttachmentTooLargeError(
                f"attachment of {len(data)} bytes exceeds the limit of {self.max_bytes}"
            )
        user_id = context.user_id

        def write(conn: Connection) -> None:
            row = conn.execute(
                select(
                    attachments.c.declared_size, attachments.c.payload, attachments.c.thread_id
                ).where(attachments.c.id == attachment_id, attachments.c.user_id == user_id)
            ).one_or_none()
            if row is None:
                raise NotFoundError(f"attachment {attachment_id} not found")
            if row.thread_id is not None:
                raise AttachmentSentError(
                    "This file was already sent with a message; a sent message's files "
                    "cannot be changed. Attach it again to a new message instead."
                )
            if row.declared_size is not None and len(data) != row.declared_size:
                raise AttachmentSizeMismatchError(
                    f"received {len(data)} bytes, but {row.declared_size} were announced"
                )
            attachment = codec.load_attachment(row.payload, attachment_id=attachment_id)
            if attachment is None:
                raise NotFoundError(f"attachment {attachment_id} not found")
            # ChatKit: the descriptor "should be set to None after upload is complete".
            uploaded = attachment.model_copy(update={"upload_descriptor": None})
            conn.execute(
                update(attachments)
                .where(attachments.c.id == attachment_id, attachments.c.user_id == user_id)
                .values(data=data, payload=codec.dump_attachment(uploaded), uploaded_us=now_us())
            )

        await self._hop.write(write)

    async def read_bytes(
        self, attachment_id: str, context: RequestContext
    ) -> tuple[Attachment, bytes]:
        """This user's attachment and its bytes; ``NotFoundError`` until uploaded."""
        stmt = select(attachments.c.payload, attachments.c.data).where(
            attachments.c.id == attachment_id,
            attachments.c.user_id == context.user_id,
            attachments.c.data.is_not(None),
        )
        row = await self._hop.read(lambda conn: conn.execute(stmt).one_or_none())
        if row is None:
            raise NotFoundError(f"attachment {attachment_id} not found")
        attachment = codec.load_attachment(row.payload, attachment_id=attachment_id)
        if attachment is None:
            raise NotFoundError(f"attachment {attachment_id} not found")
        return attachment, bytes(row.data)

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete this user's attachment and its bytes; ``NotFoundError`` if there is none,
        :class:`AttachmentSentError` once a message holding it was stored: the message
        keeps its file (as :meth:`write_bytes` keeps its bytes) until its thread is
        deleted. ChatKit's ``attachments.delete`` is for a file taken out of the composer.
        """
        mine = (attachments.c.id == attachment_id) & (attachments.c.user_id == context.user_id)
        unsent = delete(attachments).where(mine, attachments.c.thread_id.is_(None))

        def write(conn: Connection) -> None:
            if conn.execute(unsent).rowcount:
                return
            if conn.execute(select(attachments.c.id).where(mine)).first() is None:
                raise NotFoundError(f"attachment {attachment_id} not found")
            raise AttachmentSentError(
                "This file was sent with a message and stays with it: delete the "
                "conversation to delete its files."
            )

        await self._hop.write(write)

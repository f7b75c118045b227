"""Attachments' metadata, ChatKit's ``Store`` half of them, kept by
:class:`~.sql.SQLStore` (their bytes and uploads: :class:`~.attachments.SQLAttachmentStore`).
Scoped by owner as every store method: another user's attachment is not found.
"""

from __future__ import annotations

from chatkit.store import NotFoundError
from chatkit.types import Attachment
from sqlalchemy import delete
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from ..protocol import RequestContext
from . import codec
from .engine import Dialect, dialect_insert
from .onehop import OneHop
from .schema import attachments, now_us
from .statements import ATTACHMENT_BY_ID, thread_not_found, touch_thread


class AttachmentMetadata:
    """:class:`~.sql.SQLStore`'s attachment metadata methods (a mixin: the store sets
    ``_hop`` and ``_dialect``)."""

    _hop: OneHop
    _dialect: Dialect

    async def save_attachment(self, attachment: Attachment, context: RequestContext) -> None:
        """Upsert this user's attachment metadata; its thread, if set, must be theirs."""
        stamp = now_us()
        stmt = dialect_insert(self._dialect, attachments).values(
            id=attachment.id,
            user_id=context.user_id,
            thread_id=attachment.thread_id,
            name=attachment.name,
            mime_type=attachment.mime_type,
            declared_size=None,
            payload=codec.dump_attachment(attachment),
            data=None,
            created_us=stamp,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[attachments.c.id],
            set_={
                "thread_id": stmt.excluded.thread_id,
                "name": stmt.excluded.name,
                "mime_type": stmt.excluded.mime_type,
                "payload": stmt.excluded.payload,
            },
            where=attachments.c.user_id == context.user_id,
        )
        user_id = context.user_id

        def write(conn: Connection) -> int:
            if attachment.thread_id is not None:
                touch_thread(conn, attachment.thread_id, user_id)
            return int(conn.execute(stmt).rowcount)

        try:
            rowcount = await self._hop.write(write)
        except IntegrityError:
            raise thread_not_found(attachment.thread_id or "") from None
        if rowcount == 0:
            raise NotFoundError(f"attachment {attachment.id} not found")

    async def load_attachment(self, attachment_id: str, context: RequestContext) -> Attachment:
        """This user's attachment metadata."""
        params = {"attachment_id": attachment_id, "user_id": context.user_id}
        row = await self._hop.read(
            lambda conn: conn.execute(ATTACHMENT_BY_ID, params).one_or_none()
        )
        attachment = (
            None if row is None else codec.load_attachment(row.payload, attachment_id=attachment_id)
        )
        if attachment is None:
            raise NotFoundError(f"attachment {attachment_id} not found")
        return attachment

    async def delete_attachment(self, attachment_id: str, context: RequestContext) -> None:
        """Delete this user's attachment row if it is still there.

        Idempotent on purpose: ChatKit's server calls ``AttachmentStore.delete_attachment``
        (which has already removed the row and reports unknown ids) and then this.
        """
        stmt = delete(attachments).where(
            attachments.c.id == attachment_id, attachments.c.user_id == context.user_id
        )
        await self._hop.write(lambda conn: conn.execute(stmt))

"""Persistence: ChatKit's ``Store`` and ``AttachmentStore`` on SQLite or PostgreSQL.

``await open_store(url)`` returns a migrated :class:`SQLStore`; its ``attachments``
attribute is the :class:`SQLAttachmentStore` on the same database.
"""

from __future__ import annotations

from .attachments import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENT_NAME_CHARS,
    MAX_MIME_TYPE_CHARS,
    SERVER_URL_SCHEME,
    UPLOAD_METHOD,
    AttachmentQuotaError,
    AttachmentSentError,
    AttachmentSizeMismatchError,
    AttachmentTooLargeError,
    SQLAttachmentStore,
    default_upload_url,
    server_path,
    server_url,
)
from .engine import default_sqlite_path
from .migrations import LATEST_VERSION, SchemaTooNewError
from .sql import MAX_THREAD_TITLE_CHARS, SQLStore, open_store

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "LATEST_VERSION",
    "MAX_ATTACHMENT_NAME_CHARS",
    "MAX_MIME_TYPE_CHARS",
    "MAX_THREAD_TITLE_CHARS",
    "SERVER_URL_SCHEME",
    "UPLOAD_METHOD",
    "AttachmentQuotaError",
    "AttachmentSentError",
    "AttachmentSizeMismatchError",
    "AttachmentTooLargeError",
    "SQLAttachmentStore",
    "SQLStore",
    "SchemaTooNewError",
    "default_sqlite_path",
    "default_upload_url",
    "open_store",
    "server_path",
    "server_url",
]

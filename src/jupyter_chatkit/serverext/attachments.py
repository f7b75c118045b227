"""The attachments endpoint, ``jupyter-chatkit/attachments/<id>``: a file uploaded for a
message (raw body or multipart form, bounded by ``max_upload_bytes``) and sent back to
the browser that may read it, as a download unless it is a plain image.

Authenticated and authorized as every handler (:mod:`.handlers`); the store checks that
the attachment is the requesting user's.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import httputil, web

from .handlers import MULTIPART_ROOM, BoundedBodyHandler, raise_if_store_unavailable
from .http_text import SAFE_INLINE_TYPES, content_disposition, size_text


@web.stream_request_body
class AttachmentHandler(BoundedBodyHandler):
    """``jupyter-chatkit/attachments/<id>``: upload (POST/PUT) and download (GET)."""

    def body_limit(self) -> int:
        """``max_upload_bytes``, with room for a multipart form around the file."""
        return int(self.chatkit["max_upload_bytes"]) + MULTIPART_ROOM

    def too_large(self) -> web.HTTPError:
        """The 413 of a file past ``max_upload_bytes``."""
        limit = size_text(int(self.chatkit["max_upload_bytes"]))
        return web.HTTPError(
            413, f"The file is too large: attachments are limited to {limit} (max_upload_bytes)."
        )

    @web.authenticated
    @authorized
    async def get(self, attachment_id: str) -> None:
        """Send the bytes; only plain images inline, everything else as a download."""
        from chatkit.store import NotFoundError

        assistant = await self.assistant()
        try:
            attachment, data = await assistant.read_attachment(
                attachment_id, self.request_context()
            )
        except NotFoundError:
            raise web.HTTPError(404, "No such attachment.") from None
        except ValueError as exc:  # e.g. a NUL in the id
            raise web.HTTPError(400, str(exc)[:300]) from None
        except Exception as exc:
            raise_if_store_unavailable(exc)
            raise
        mime = attachment.mime_type.split(";")[0].strip().lower()
        inline = mime in SAFE_INLINE_TYPES
        content_type = mime if inline else "application/octet-stream"
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        # Not kept by the browser: on a shared machine its cache outlives the login.
        self.set_header("Cache-Control", "private, no-store")
        disposition = "inline" if inline else "attachment"
        self.set_header(
            "Content-Disposition",
            content_disposition(disposition, attachment.name, attachment_id),
        )
        # APIHandler.finish would otherwise label the bytes application/json.
        self.finish(data, set_content_type=content_type)

    @web.authenticated
    @authorized
    async def post(self, attachment_id: str) -> None:
        """Receive an upload: raw body, or a multipart form with a ``file`` field."""
        await self._upload(attachment_id)

    @web.authenticated
    @authorized
    async def put(self, attachment_id: str) -> None:
        """Same as POST."""
        await self._upload(attachment_id)

    async def _upload(self, attachment_id: str) -> None:
        from chatkit.store import NotFoundError

        from ..store import AttachmentSentError, AttachmentTooLargeError

        received = self.received_body()
        if received is None:
            return
        data = received
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.lower().startswith("multipart/form-data"):
            # tornado parses forms only for bodies it read itself (not streamed ones).
            files: dict[str, list[httputil.HTTPFile]] = {}
            try:
                httputil.parse_body_arguments(
                    content_type, received, {}, files, self.request.headers
                )
            except httputil.HTTPInputError:
                raise web.HTTPError(400, "The upload is not a valid multipart form.") from None
            if "file" in files:
                data = files["file"][0]["body"]
        if len(data) > self.chatkit["max_upload_bytes"]:
            raise self.too_large()
        assistant = await self.assistant()
        try:
            await assistant.write_attachment(attachment_id, data, self.request_context())
        except NotFoundError:
            raise web.HTTPError(404, "No such attachment.") from None
        except AttachmentTooLargeError as exc:
            raise web.HTTPError(413, str(exc)[:300]) from None
        except AttachmentSentError as exc:
            raise web.HTTPError(409, str(exc)) from None
        except ValueError as exc:
            raise web.HTTPError(400, str(exc)[:300]) from None
        except Exception as exc:
            raise_if_store_unavailable(exc)
            raise
        self.finish({"id": attachment_id, "size": len(data)})

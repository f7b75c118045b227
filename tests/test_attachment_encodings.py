"""An attached text file in UTF-16 or a declared charset reaches the model as its text.

Before, every text attachment was decoded as UTF-8: a UTF-16 file (PowerShell 5's ``>``,
Notepad's "Unicode") reached the model as its letters with NUL characters between them,
``p\\x00a\\x00s\\x00s\\x00…``, which the model reads through while no redaction rule saw a
word in it: the password in such a file was sent whole.
"""

from __future__ import annotations

import json

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import AttachmentCreateParams

from jupyter_chatkit.assistant.attachment_text import attachment_text
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, req, stream, user_input

PASSWORD = "Qz7vLmP2xR9wK4tN"


async def _sent(store: SQLStore, data: bytes, mime_type: str) -> str:
    """What the model read of one message attaching ``data``."""
    params = AttachmentCreateParams(name="notes.txt", size=len(data), mime_type=mime_type)
    attachment = await store.attachments.create_attachment(params, ALICE)
    await store.attachments.write_bytes(attachment.id, data, ALICE)
    model = ScriptedModel([ModelStep(output=[assistant_message("ok")])])
    message = {**user_input("what is in it?"), "attachments": [attachment.id]}
    await stream(make_assistant(store, model), req("threads.create", input=message))
    assert model.last_call is not None
    return json.dumps(model.last_call.input, ensure_ascii=False)


@pytest.mark.asyncio
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
async def test_a_utf16_file_is_read_as_text_and_its_password_hidden(
    sqlite_store: SQLStore, encoding: str
) -> None:
    def encoded(text: str) -> bytes:
        # With its byte-order mark, as Windows writes it.
        return (b"\xfe\xff" if encoding == "utf-16-be" else b"") + text.encode(encoding)

    sent = await _sent(sqlite_store, encoded("host: db.example.org\nport: 5432\n"), "text/plain")
    assert "host: db.example.org" in sent and "\\u0000" not in sent
    sent = await _sent(sqlite_store, encoded(f"password={PASSWORD}\n"), "text/plain")
    assert PASSWORD[:8] not in sent and "«redacted: " in sent


@pytest.mark.asyncio
async def test_a_declared_charset_is_used(sqlite_store: SQLStore) -> None:
    sent = await _sent(
        sqlite_store, "café olé".encode("iso-8859-1"), "text/plain; charset=ISO-8859-1"
    )
    assert "café olé" in sent


@pytest.mark.asyncio
async def test_an_unknown_charset_or_bad_bytes_still_read_as_utf8(sqlite_store: SQLStore) -> None:
    sent = await _sent(sqlite_store, "naïve".encode() + b" \xff", "text/plain; charset=nope")
    assert "naïve" in sent


@pytest.mark.asyncio
@pytest.mark.parametrize("charset", ["base64", "rot13", "idna", "punycode", "undefined"])
async def test_a_charset_that_is_no_text_encoding_is_read_as_utf8(
    sqlite_store: SQLStore, charset: str
) -> None:
    # Python has codecs by these names, but they decode no bytes to text (or refuse
    # 'replace'): the file is read as UTF-8, never a failed turn.
    data = "naïve".encode() + b" \xff"
    sent = await _sent(sqlite_store, data, f"text/plain; charset={charset}")
    assert "naïve" in sent


def test_a_charset_that_is_no_name_is_read_as_utf8() -> None:
    # The store refuses a NUL in a MIME type; the helper does not rely on it.
    assert attachment_text("naïve".encode(), "text/plain; charset=\x00") == "naïve"

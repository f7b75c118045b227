"""An attached image reaches the model as the image its bytes hold.

Before, an attachment declared an image went as a data URL of its declared type whatever
its bytes were: a file that is no image (a broken download, a text file named .png) made
a real provider refuse the request (400, invalid image) and every later turn of the
conversation with it, since each sends the attachments again; a JPEG renamed .png went
labelled image/png.
"""

from __future__ import annotations

import base64

import pytest

from jupyter_chatkit.assistant.history import image_type
from jupyter_chatkit.store import SQLStore

from .test_attachment_encodings import _sent

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32)


@pytest.mark.asyncio
async def test_an_image_goes_as_the_type_its_bytes_hold(sqlite_store: SQLStore) -> None:
    sent = await _sent(sqlite_store, PNG, "image/png")
    assert '"data:image/png;base64,' in sent
    # A JPEG saved as .png: the browser declares image/png.
    sent = await _sent(sqlite_store, JPEG, "image/png")
    assert '"data:image/jpeg;base64,' in sent and "data:image/png" not in sent


@pytest.mark.asyncio
async def test_bytes_that_are_no_image_go_as_a_note(sqlite_store: SQLStore) -> None:
    sent = await _sent(sqlite_store, b"not really a png", "image/png")
    assert "data:image" not in sent and "input_image" not in sent
    assert "which is not a readable image" in sent


def test_image_types_by_their_first_bytes() -> None:
    assert image_type(PNG) == "image/png"
    assert image_type(JPEG) == "image/jpeg"
    assert image_type(b"GIF89a" + bytes(8)) == "image/gif"
    assert image_type(b"RIFF\x10\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert image_type(b"") is None and image_type(b"<html>") is None

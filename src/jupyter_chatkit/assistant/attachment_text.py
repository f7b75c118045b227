"""An attached text file's bytes as the text it holds.

A text file is not always UTF-8: Windows tools write UTF-16 (PowerShell 5's ``>``,
Notepad's "Unicode"), and a browser may say the charset in the MIME type
(``text/plain; charset=iso-8859-1``). Read as UTF-8, a UTF-16 file became its letters
with NUL characters between them: the model read it through, while no redaction rule
saw a word in it. A byte-order mark decides first, then the declared charset, then UTF-8;
bytes that do not decode become U+FFFD. A declared charset that names no text encoding
(``base64``, ``rot13``: Python codecs that decode no bytes to text, or ``idna``, which
refuses ``replace``) is read as UTF-8: the file is in every later turn's history, so a
failed decode would fail them all.
"""

from __future__ import annotations

import codecs
from email.message import Message

# UTF-32's marks first: UTF-32-LE's starts with UTF-16-LE's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _declared_charset(mime_type: str) -> str | None:
    """The ``charset`` parameter of ``mime_type`` when Python has a codec for it."""
    header = Message()
    header["Content-Type"] = mime_type
    charset = header.get_content_charset()
    if not charset:
        return None
    try:
        return codecs.lookup(charset).name
    except (LookupError, ValueError):  # unknown, or not a name (a NUL in it)
        return None


def attachment_text(data: bytes, mime_type: str) -> str:
    """``data`` decoded by its byte-order mark, else the charset ``mime_type`` declares,
    else as UTF-8; undecodable bytes as U+FFFD, never an error."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    encoding = encoding or _declared_charset(mime_type) or "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except (LookupError, UnicodeError):
        return data.decode("utf-8", errors="replace")

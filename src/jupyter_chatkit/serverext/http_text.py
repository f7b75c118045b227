"""What the HTTP handlers write that needs no tornado: byte counts for people, a
download's ``Content-Disposition``, which attachment types are shown inline."""

from __future__ import annotations

from urllib.parse import quote

# Attachments sent inline (an image the browser shows); any other type is a download.
SAFE_INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def size_text(n: int) -> str:
    """A byte count for people: ``2000000`` -> ``"2 MB"``, ``1500`` -> ``"1.5 kB"``."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= scale:
            return f"{round(n / scale, 1):g} {unit}"
    return f"{n} bytes"


def content_disposition(disposition: str, name: str, fallback: str) -> str:
    """A ``Content-Disposition`` header for a file named ``name`` (any text a user gave).

    HTTP header values are Latin-1 at most, so a name in another script (``数据.csv``)
    goes as RFC 6266's ``filename*`` (UTF-8, percent-encoded) beside an ASCII
    ``filename`` for old clients. Letters, digits and `` ._-`` are kept; quotes, slashes,
    control and bidi characters never reach the header.
    """
    kept = "".join(c for c in name if c.isalnum() or c in " ._-")[:100].strip()
    plain = "".join(c for c in kept if c.isascii()).strip()
    stem, dot, ext = plain.rpartition(".")
    if not dot:
        stem, ext = plain, ""
    if not any(c.isalnum() for c in stem):
        # Only ".csv" is left of "数据.csv": the id, with the extension, names it better.
        plain = fallback + (f".{ext}" if ext.isalnum() else "")
    header = f'{disposition}; filename="{plain}"'
    if not kept.isascii():
        header += f"; filename*=UTF-8''{quote(kept, safe='')}"
    return header

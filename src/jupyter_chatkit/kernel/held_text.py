"""The text a value of the kernel holds, read without running user code, and whether it
is worth hiding wherever else it shows (:mod:`.known_secrets`).

A str (a subclass copied without its methods), or printable ASCII in bytes, a
``bytearray``, a byte ``memoryview`` or an ``array`` of bytes or characters, each read by
the builtin types' own methods. A value worth hiding everywhere is neither a short plain
word (``default``, ``admin``) nor a file's path, and is bounded in length.
"""

from __future__ import annotations

import array
from typing import Any

from ..context_policy.lazy_patterns import lazy_compile
from ..context_policy.values import looks_like_file_path
from .values.typeinfo import is_a

# A value worth hiding everywhere: 5+ characters and not a short plain word (``default``,
# ``admin``, ``enabled`` under ``session =`` would hide every use of the word).
_PLAIN_WORD = lazy_compile(r"^[A-Za-z _-]{0,9}$")
_MIN_CHARS = 5
MAX_CHARS = 4096
_ARRAY_TYPECODE = vars(array.array)["typecode"]


def worth(text: str) -> bool:
    """True for a text worth hiding wherever it shows."""
    # A key file's path (``GOOGLE_APPLICATION_CREDENTIALS``) is where a secret is kept.
    return (
        _MIN_CHARS <= len(text) <= MAX_CHARS
        and _PLAIN_WORD.match(text) is None
        and not looks_like_file_path(text)
    )


def text_of(value: Any) -> str | None:
    """A str (a subclass copied without its methods) or printable ASCII bytes (an
    ``array('b')``'s or a byte ``memoryview``'s too), else None."""
    if is_a(value, str):
        return str.__str__(value)
    if is_a(value, array.array | memoryview):
        return _array_text(value)
    if is_a(value, bytes | bytearray):
        # The builtin types' own methods: a subclass's ``__getitem__`` is user code.
        kind = bytearray if is_a(value, bytearray) else bytes
        if kind.__len__(value) > MAX_CHARS:
            return None
        return _ascii(bytes(kind.__getitem__(value, slice(None))))
    return None


def _ascii(raw: bytes) -> str | None:
    if raw.isascii():
        text = raw.decode("ascii")
        return text if text.isprintable() else None
    return None


def _array_text(value: Any) -> str | None:
    """The text of a ``memoryview`` of bytes or an ``array`` of bytes or characters, by
    the C types' own methods (an array subclass's ``__len__``/``tobytes`` are not run)."""
    if type(value) is memoryview:  # (no subclass can be made)
        try:
            if value.format not in ("B", "b", "c") or value.nbytes > MAX_CHARS:
                return None
            return _ascii(value.tobytes())
        except ValueError:  # released
            return None
    if array.array.__len__(value) > MAX_CHARS:
        return None
    code = _ARRAY_TYPECODE.__get__(value)
    if code == "u":
        text = array.array.tounicode(value)
        return text if text.isprintable() else None
    return _ascii(array.array.tobytes(value)) if code in ("b", "B") else None

"""A configured key printed base32- or base85-encoded, found by what its encoding must hold.

Base64 and hex runs are decoded and read (encoded.py), so a key inside them is found
with the other secrets. Base32 (``b32encode``, ``b32hexencode``, upper or lower case)
and base85 (``b85encode``, ``a85encode``) are not decoded: read as base64 their runs are
no text, and decoding every run in four more alphabets would cost every text. For the
server's own keys (few, known when the policy is made) their encodings are computed
once instead: wherever the key's bytes fall in the encoded text (after any other text,
at any offset of the encoding's group), some characters depend on the key's bytes alone.
The first :data:`HEAD_CHARS` of those, at each offset, find the key; the rest of the run
is hidden with them (it may hold the rest of the key).

Server side only: the browser never holds a configured key, so the TypeScript twin
(``js/lab/src/redactbase64.ts``) has nothing to compute these from. Compressed forms
(``b64encode(zlib.compress(key))``) are not covered: what deflate writes for the key
depends on the text before it, the level and the bit offset, so nothing fixed can be
computed, and decompressing runs would make this side hide what the browser's does not.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable

from .lazy_patterns import trie

# Characters of an encoded key looked for: 16 base32 characters are 80 of its bits, 15
# base85 ones 96; no other text holds them by chance.
HEAD_CHARS = 16
B85_HEAD_CHARS = 15
# Keys this short encode to too few characters that are the key's alone.
MIN_KEY_BYTES = 16

# What may follow a head in its run, per alphabet (the run's rest is hidden with it).
_B32_TAIL = "[A-Za-z0-9=]*"
_B85_TAIL = r"[0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*"
_A85_TAIL = r"[!-u]*"


def _cores(
    key: bytes, encode: Callable[[bytes], bytes], group: int, chars: int, bits: int
) -> list[str]:
    """The encoded characters that depend on ``key``'s bytes alone, at each of the
    ``group`` offsets the key can start at. ``bits``: per character (0 for base85,
    whose characters each depend on the whole group)."""
    cores = []
    for offset in range(group):
        text = encode(b"\0" * offset + key).decode("ascii")
        if bits:
            first = -(-8 * offset // bits)
            last = 8 * (offset + len(key)) // bits
        else:
            # Only whole groups of the key's bytes.
            first = -(-offset // group) * chars
            last = (offset + len(key)) // group * chars
        cores.append(text[first:last])
    return cores


def _quoted_forms(head: str) -> list[str]:
    """``head`` and how a repr or a JSON string shows it: base85's ``a85`` alphabet holds
    the quotes and the backslash, which a bytes repr escapes (``b'…\\\\…\\'…'``)."""
    escaped = head.replace("\\", "\\\\")
    forms = {head, escaped, escaped.replace("'", "\\'"), escaped.replace('"', '\\"')}
    return sorted(forms)


def encoded_heads(keys: Iterable[str]) -> dict[str, list[str]]:
    """The heads of ``keys``' base32 and base85 encodings, by what may follow them."""
    b32: list[str] = []
    b85: list[str] = []
    a85: list[str] = []
    for key in keys:
        raw = key.encode("utf-8", "replace")
        if len(raw) < MIN_KEY_BYTES:
            continue
        for encode in (base64.b32encode, base64.b32hexencode):
            heads = [c[:HEAD_CHARS] for c in _cores(raw, encode, 5, 8, 5)]
            b32 += heads + [h.lower() for h in heads]
        b85 += [c[:B85_HEAD_CHARS] for c in _cores(raw, base64.b85encode, 4, 5, 0)]
        a85 += [
            form
            for c in _cores(raw, base64.a85encode, 4, 5, 0)
            for form in _quoted_forms(c[:B85_HEAD_CHARS])
        ]
    found = {_B32_TAIL: b32, _B85_TAIL: b85, _A85_TAIL: a85}
    return {tail: heads for tail, heads in found.items() if heads}


def encoded_key_pattern(keys: Iterable[str]) -> str | None:
    """An expression finding ``keys`` base32- or base85-encoded, with the rest of their
    run, or None when no key is long enough."""
    parts = [f"(?:{trie(sorted(set(heads)))}){tail}" for tail, heads in encoded_heads(keys).items()]
    return "|".join(parts) or None

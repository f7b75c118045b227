"""Text with invisible characters and full-width letters, read as the plain text it shows.

A zero-width space or joiner inside a name (``pass`` U+200B ``word = 'x'``, pasted from a
web page or a chat) or a key (a soft hyphen inside ``sk-…``), or a name in full-width
letters (U+FF30 U+FF21 ... ``=x``), hides it from every rule while the model reads it as
plain. A text holding such characters is redacted as its folded form first (invisibles
dropped, full-width ASCII forms and the ideographic space as ASCII); when that hides
anything, the folded result is what the model reads. Otherwise (emoji joined by ZWJ,
Japanese full-width digits) the text is read and kept as it is.
``js/lab/src/redactfold.ts`` is the twin.
"""

from __future__ import annotations

from .lazy_patterns import lazy_compile

# Soft hyphen, Mongolian vowel separator, zero-width space/non-joiner/joiner, word joiner
# and invisible operators, byte-order mark; full-width ASCII forms and ideographic space.
_FOLDABLE = lazy_compile(r"[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff\u3000\uff01-\uff5e]")
_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x180E, 0x200B, 0x200C, 0x200D, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xFEFF]
)
_FOLD: dict[int, int | None] = {
    **_INVISIBLE,
    0x3000: 0x20,
    **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)},
}


def folded(value: str) -> str | None:
    """``value`` with invisibles dropped and full-width ASCII as ASCII, or None when it
    holds none of them (one scan)."""
    if _FOLDABLE.search(value) is None:
        return None
    return value.translate(_FOLD)

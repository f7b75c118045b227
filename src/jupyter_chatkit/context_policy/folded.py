"""Text with invisible characters and full-width letters, read as the plain text it shows.

A NUL or another invisible control character between the letters (a UTF-16 file
or output read as bytes: ``p\\x00a\\x00s\\x00s\\x00…``, which the model reads through), a
zero-width space or joiner inside a name (``pass`` U+200B ``word = 'x'``, pasted from a
web page or a chat) or a key (a soft hyphen inside ``sk-…``), or a name in full-width
letters (U+FF30 U+FF21 ... ``=x``), hides it from every rule while the model reads it as
plain. A text holding such characters is redacted as its folded form first (invisibles
dropped, odd spaces as spaces, full-width ASCII forms and tag characters as ASCII); when that hides
anything, the folded result is what the model reads. Otherwise (emoji joined by ZWJ,
Japanese full-width digits) the text is read and kept as it is. Circled and mathematical
letters fold to their letter, and Cyrillic or Greek letters drawn like Latin ones to those
inside a Latin word (``p`` U+0430 ``ssword``); a word of Russian or Greek text never changes.
HTML character references are read as the characters a page shows: an HTML output or
escaped JSON writes ``password&#61;x``, ``&quot;token&quot;: &quot;x&quot;`` or
``api_key&colon; x``, which every rule would otherwise read as one long word; so are
a URL's percent escapes (``api%5Fkey=x``, ``%3Fpassword%3Dx``), JSON's ``\\u00XX`` and
Markdown's or LaTeX's ``\\_`` (``DB\\_PASSWORD``). Letters written decomposed (a letter
and a combining mark, as macOS writes them) are read composed.
``js/lab/src/redactfold.ts`` is the twin.
"""

from __future__ import annotations

import re
import unicodedata

from .lazy_patterns import lazy_compile
from .rules import HTML_ENTITIES

# Dropped: NUL and the C0 and DEL controls a terminal draws as nothing (not tab, line
# breaks, vertical tab, form feed, nor ESC, which starts the ANSI codes strip_ansi reads),
# soft hyphen, combining grapheme joiner, Arabic letter mark, Hangul and Khmer
# fillers, Mongolian selectors, zero-width space/non-joiner/joiner, left-to-right and
# right-to-left marks, bidi embeddings and isolates, word joiner and invisible operators,
# variation selectors, byte-order mark, tag characters outside ASCII's. As a space: no-break,
# en/em/thin... spaces and the ideographic space. As ASCII: full-width ASCII forms and the
# tag characters (U+E0020-E007E: "ASCII smuggling", text a model reads but a person does not
# see). Emoji sequences use ZWJ and U+FE0F: kept unless folding hides something.
_FOLDABLE = lazy_compile(
    "[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f"
    "\u00a0\u00ad\u034f\u061c\u115f\u1160\u1680\u17b4\u17b5\u180b-\u180f"
    "\u2000-\u200f\u202a-\u202f\u205f-\u2064\u2066-\u2069\u3000\u3164"
    "\ufe00-\ufe0f\ufeff\uff01-\uff5e\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef"
    "\u24b6-\u24e9\U0001d400-\U0001d7ff]"
)
_DROPPED = [
    *range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F,
    0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5,
    *range(0x180B, 0x1810), *range(0x200B, 0x2010), *range(0x202A, 0x202F),
    *range(0x2060, 0x2065), *range(0x2066, 0x206A), 0x3164,
    *range(0xFE00, 0xFE10), 0xFEFF, 0xFFA0,
    0xE0000, 0xE0001, 0xE007F, *range(0xE0100, 0xE01F0),
]  # fmt: skip
_SPACES = [0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]
_FOLD: dict[int, int | None] = {
    **dict.fromkeys(_DROPPED),
    **dict.fromkeys(_SPACES, 0x20),
    **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)},
    **{c: c - 0xE0000 for c in range(0xE0020, 0xE007F)},
    # Circled letters and mathematical bold, italic, script... letters and digits
    # (``\U0001d429\U0001d41a\U0001d42c\U0001d42c`` is "pass" in bold): their NFKC letter.
    **{
        c: ord(n)
        for c in (*range(0x24B6, 0x24EA), *range(0x1D400, 0x1D800))
        if len(n := unicodedata.normalize("NFKC", chr(c))) == 1 and n.isascii() and n.isalnum()
    },
}


# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables), read as those
# Latin letters inside a word that also holds a Latin letter or "_" (or is assigned to:
# a Greek ``TOKEN=x``, every letter Greek) and no other
# non-Latin letter: ``p\u0430ssword`` with a Cyrillic a, ``\u0391PI_KEY`` with a Greek
# Alpha. A word of a Russian or Greek text has no Latin letter (or has letters not drawn
# like Latin ones: ``пароль``): it is never changed.
# Small capitals (U+1D18 U+1D00 ``ss`` U+1D21 ...: "password") as their lower-case letter
# too.
LOOKALIKES = "аеорсухѕіјԁԛԝһӏкАВЕКМНОРСТХУЅІЈԚԜΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαικνρυχϲϳᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ"
LATIN = "aeopcyxsijdqwhlkABEKMHOPCTXYSIJQWABEZHIKMNOPTYXoaikvpuxcjabcdefghijklmnoprstuvwyz"
_LOOKALIKE = lazy_compile("[" + LOOKALIKES + "]")
_AS_LATIN = str.maketrans(LOOKALIKES, LATIN)
# A word of Latin (small capitals too), Greek and Cyrillic letters, digits and "_".
_WORD = lazy_compile(
    "[A-Za-z0-9_\u0262-\u029f\u0370-\u03ff\u0400-\u052f\u1d00-\u1d22\ua730\ua731]+"
)
_LATIN_LETTER = lazy_compile("[A-Za-z_]")
_OTHER_LETTER = lazy_compile("[\u0370-\u03ff\u0400-\u052f]")


# A combining diacritical mark (U+0300-U+036F), composed with the letter before it (NFC).
_COMBINING = lazy_compile("[\u0300-\u036f]")


# Inline HTML markup (``<b>``, ``</code>``, ``<span class="k">``) between a name and its
# value: a Markdown cell or printed HTML writes ``the <b>password</b> is <code>x</code>``,
# which a page and the model read as ``the password is x``, while every rule read the
# markup as words between them. Dropped, its content kept (a block's tags, which break
# lines, stay: html_text reads HTML outputs as lines).
_INLINE_TAG = lazy_compile(
    r"</?(?:a|abbr|b|big|cite|code|em|font|i|kbd|mark|q|s|samp|small|span|strong|sub|sup"
    r"|tt|u|var)(?:[ \t\r\n][^<>]*)?>",
    re.IGNORECASE | re.ASCII,
)


# After a word: an assignment or a key's colon (a Greek ``TOKEN=x``, every letter alike).
_ASSIGNS = lazy_compile("['\"]?[ \t]*[=:]")


def _latin_word(match: re.Match[str]) -> str:
    word = match.group(0)
    if _LOOKALIKE.search(word) is None:
        return word
    if _LATIN_LETTER.search(word) is None and (
        len(word) < 3 or _ASSIGNS.match(match.string, match.end()) is None
    ):
        return word
    latin = word.translate(_AS_LATIN)
    # Another Greek or Cyrillic letter in it: a word of that script, kept.
    return word if _OTHER_LETTER.search(latin) else latin


# A numeric or named character reference (``&#61;``, ``&#x3D;``, ``&quot;``); named ones
# outside this table (``&copy;``) stay as they are. One decoding only: ``&amp;quot;`` reads
# ``&quot;`` (a text is folded once, never again: each pass over ``&amp;amp;…`` would
# shorten it by four characters, quadratic).
# Also a percent escape (``api%5Fkey=``, ``%3Fpassword%3D``) and a ``\\u00XX`` or
# ``\\xXX`` escape (``"pass\\u0077ord"`` in JSON) of a printable ASCII character: a URL
# or a JSON text spells a name so; in a literal's escapes, quotes and the backslash stay
# escaped (a literal's own quotes are not its end). A ``\\x00`` reads as the NUL it is
# (dropped): a UTF-16 text shown as bytes (``b'\\xff\\xfeH\\x00F\\x00_\\x00T\\x00…'``),
# whose escaped byte-order mark (UTF-16's, UTF-8's) is dropped too, not glued to a name.
_ENTITY = lazy_compile(
    r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});"
    r"|%[2-7][0-9A-Fa-f]|\\x(?:ff\\xfe|fe\\xff|ef\\xbb\\xbf)|\\(?:u00|x)(?:[2-7][0-9A-Fa-f]|00)"
    # Markdown's and LaTeX's escaped underscore (``DB\\_PASSWORD``, ``sk\\_live\\_…``), also
    # as a repr or JSON writes it (``DB\\\\_PASSWORD``).
    r"|\\{1,2}_"
)
_KEPT_ESCAPED = frozenset("\"'\\\x7f")


def _character(match: re.Match[str]) -> str:
    whole = match.group(0)
    if whole[-1] == "_":
        return "_"
    if whole.startswith("\\x") and len(whole) > 4:
        return ""  # an escaped byte-order mark
    if whole[0] != "&":
        char = chr(int(whole[-2:], 16))
        # A URL's quotes are its text's (``state=%7B%22token%22%3A%22…``): read as quotes.
        url_quote = whole[0] == "%" and char in "'\""
        return whole if char in _KEPT_ESCAPED and not url_quote else char
    ref = whole[1:-1]
    if ref[0] != "#":
        return HTML_ENTITIES.get(ref, match.group(0))
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    # NUL, surrogates and past Unicode: no character a page shows.
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return match.group(0)
    return chr(code)


def _unescaped(value: str) -> str | None:
    """``value`` with its HTML character references read, or None when it has none
    (``&copy;`` alone reads as it is)."""
    if ("&" not in value and "%" not in value and "\\" not in value) or _ENTITY.search(
        value
    ) is None:
        return None
    decoded = _ENTITY.sub(_character, value)
    return None if decoded == value else decoded


def folded(value: str, entities: bool = True) -> str | None:
    """``value`` with HTML character references read (unless not ``entities``),
    invisibles dropped, full-width ASCII as ASCII, inline HTML tags dropped and look-alike
    letters inside Latin words as Latin, or None when it holds none of them (one scan
    each)."""
    decoded = _unescaped(value) if entities else None
    source = value if decoded is None else decoded
    plain = source.translate(_FOLD) if _FOLDABLE.search(source) is not None else decoded
    text = value if plain is None else plain
    if _COMBINING.search(text) is not None:
        # Decomposed letters (macOS writes ``n`` U+0303 for ``ñ``): a name of another
        # language (``contrasen\u0303a``) read as the letters it shows.
        composed = unicodedata.normalize("NFC", text)
        if composed != text:
            plain = text = composed
    if "<" in text:
        bare = _INLINE_TAG.sub("", text)
        if bare != text:
            plain = text = bare
    if _LOOKALIKE.search(text) is not None:
        latin = _WORD.sub(_latin_word, text)
        if latin != text:
            return latin
    return plain

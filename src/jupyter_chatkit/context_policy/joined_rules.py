"""Rules of a key split across string literals (joined.py, js/lab/src/redactjoined.ts):
adjacent literals, ``+``, line continuations, ``"".join([...])`` and an f-string's text
around its fields. Plain data, the same syntax in Python's ``re`` and JavaScript."""

from __future__ import annotations

# One piece: a quoted literal of 4-200 characters holding no space, quote, backslash or
# brace (a key's characters; prose and SQL split across lines hold spaces), its prefix
# letters (``b"…"``) allowed.
_PIECE = r"[bBrRuU]{0,2}(?:\"[^\s\"'\\{}]{4,200}\"|'[^\s\"'\\{}]{4,200}')"
# Between two pieces: spaces, a ``+``, one line break (inside brackets, or after ``\``).
_GLUE = r"[ \t]*(?:\+[ \t]*)?(?:\\?\r?\n[ \t]*)?"
# 2-8 pieces glued (``"sk-proj-ab" "cd…"``, ``"ghp_x" + \ "y"``).
JOINED_LITERALS = r"(?<![A-Za-z0-9_])" + _PIECE + r"(?:" + _GLUE + _PIECE + r"){1,7}"
# Adjacent literals after a bare word are separate words, not one value: a shell's
# arguments (``echo 'ab' 'cd'``), a CSP header's sources (``script-src 'self'
# 'nonce-…'``). Not after a keyword that an expression follows (``return "ab" "cd"``).
# Matched against the 40 characters before a run.
JOINED_AFTER_WORD = (
    r"(?<![A-Za-z0-9_.-])(?!(?:return|yield|else|in|and|or|not|is|print|await|assert|if|elif"
    r"|case|lambda)[ \t]+$)[A-Za-z0-9_-]+[ \t]+$"
)
# ``"".join(["ab", "cd"])`` / ``"-".join(("a", "b"))``: its separator in group 2 and the
# listed pieces in group 3.
JOINED_LIST = (
    r"(?<![A-Za-z0-9_])([\"'])([^\s\"'\\]{0,3})\1\.join\([ \t]*[\[(][ \t]*("
    + _PIECE
    + r"(?:[ \t]*,[ \t]*"
    + _PIECE
    + r"){1,7})[ \t]*,?[ \t]*[\])][ \t]*\)"
)
# An f-string whose fields split a key (``f"ab12…{suffix}cd34…"``): its text in group 2/3.
JOINED_FSTRING = (
    # The text before its first field holds no brace: one way to read it (linear).
    r"(?<![A-Za-z0-9_])[fF][rR]?(?:\"([^\s\"'\\{]{0,300}\{[^\s\"'\\]{0,300})\""
    r"|'([^\s\"'\\{]{0,300}\{[^\s\"'\\]{0,300})')"
)
# An f-string's field (removed to join the text around it).
FSTRING_FIELD_PART = r"\{[^{}]{0,200}\}"
# One piece's text inside a joined run (group 2).
JOINED_PIECE = r"[bBrRuU]{0,2}([\"'])([^\s\"'\\{}]{4,200})\1"
# A text may hold a run only when some quote follows glue and another quote, or .join(.
JOINED_HINT = (
    r"[\"'](?:[ \t]*(?:\+[ \t]*)?(?:\\?\r?\n[ \t]*)?[bBrRuU]{0,2}[\"']|\.join\()"
    r"|[fF][rR]?[\"'][^\"'\n]{0,300}\{"
)
# A joined value shorter than this is no key.
JOINED_MIN_CHARS = 16
# A joined value of a key's characters only (``Server=;Uid=;`` of an f-string's text
# around its fields is a template, not a key).
JOINED_VALUE = r"^[A-Za-z0-9_.~+/-]+={0,2}$"

"""Credentials in HTTP authorization headers: ``Authorization: Bearer x`` and its
schemes, a bearer or basic token in a sentence, a Digest header's response (a hash of
the password, crackable). Part of the table of :mod:`.rules` (see :mod:`.value_rules`
for the fields of a rule), spliced into :mod:`.context_rules` where the header rules
always stood, and rendered into the TypeScript copy with the rest.

Every pattern starts at a literal word and reads a bounded stretch, so each stays
linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

HTTP_RULES: list[dict[str, Any]] = [
    {
        "kind": "authorization header",
        # ``Authorization: Digest username="ada", …, response="6629fae4…"``: the response
        # is a hash of the password (before the header rule, which reads only the first
        # word after the scheme).
        "triggers": ["digest"],
        "pattern": r"(\bdigest[ \t][^\n]{0,400}?\bresponse[ \t]*=[ \t]*['\"]?)"
        r"([0-9a-fA-F]{32,128})(?![0-9a-fA-F])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "authorization header",
        "triggers": ["authorization"],
        # ``Authorization: Bearer X`` / ``Proxy-Authorization: Basic X``: whatever follows.
        # The scheme alone at the line's end (``Authorization: Bearer`` then the token
        # on the next line) is not the value: the next-line rule below hides the token.
        "pattern": r"(\bauthorization['\"]?[ \t]*[:=][ \t]*['\"]?(?:(?:bearer|basic|token|digest"
        r"|apikey|sso-key)[ \t]+)?)"
        r"((?![{$<])(?!(?:bearer|basic|token|digest|apikey|sso-key)[ \t]*(?:\r?\n|$))"
        r"[^\s'\",;}«]{6,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "bearer token",
        "triggers": ["bearer", "token", "basic"],
        "pattern": r"(\b(?:bearer|token|basic)[ \t]+)((?=[A-Za-z0-9._~+/=-]{12,})"
        r"[A-Za-z._~+/=-]*[0-9][A-Za-z0-9._~+/=-]*)",
        "group": 2,
        "flags": "i",
    },
]

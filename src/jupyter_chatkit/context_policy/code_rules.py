"""Credentials in code that hands them to a decoder: ``secret = bytes.fromhex('4e61…')``,
``password = base64.b64decode("TmFy…")``, ``token = codecs.decode('…', 'rot13')`` (the
literal is the secret in another spelling; a call keeps the assignment rules from reading
it as a value), a fallback after ``or`` (``pw = getpass() or 'x'``), or to a signing or
cipher API by position: ``hmac.new(b'key', msg)``, ``jwt.encode(payload, 'key')``,
``AES.new(b'key', …)``. Part of the table of :mod:`.rules` (see :mod:`.value_rules` for
the fields of a rule), rendered into the TypeScript copy with the rest.

The pattern starts where a name does and reads a bounded stretch, so it stays linear."""

from __future__ import annotations

from typing import Any

from .context_rules import CODE_SECRET_NAME

# Decoders of the standard library (their last name): hex, base16/32/64/85, rot13.
_DECODER = (
    r"(?:fromhex|unhexlify|a2b_hex|a2b_base64|b16decode|b32decode|b64decode"
    r"|urlsafe_b64decode|standard_b64decode|b85decode|a85decode|decodebytes"
    r"|codecs\.decode)"
)

# Callees whose first positional argument is a key (a MAC's, a cipher's, a signer's).
_KEY_FIRST = (
    r"(?:hmac\.new|hmac\.HMAC|HMAC|(?:AES|DES3?|Blowfish|ARC4|ChaCha20(?:_Poly1305)?"
    r"|Salsa20)\.new|algorithms\.(?:AES|TripleDES|ChaCha20|Camellia)|AESGCM|ChaCha20Poly1305"
    r"|URLSafe(?:Timed)?Serializer|(?:Timestamp)?Signer)"
)

CODE_RULES: list[dict[str, Any]] = [
    {
        "kind": "URL password",
        # A URL's password filled in by ``%``: ``"postgresql://ada:%s@db/app" % "x"``
        # (the URL rule keeps ``%s``, a template's field; the value comes after).
        "triggers": [":%s@"],
        "pattern": r"(://[^\s:/?#@'\"«]{0,100}:%s@[^'\"\s]{0,300}(['\"])[ \t]*%[ \t]*"
        r"[rbuRBU]?(['\"]))((?:(?!\3)[^\n\\«]){1,500})(?=\3)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": "password in text",
        "triggers": ["fromhex(", "unhexlify(", "a2b_", "decode("],
        "pattern": r"((?<![A-Za-z0-9_.])" + CODE_SECRET_NAME + r"['\"]?\]?[ \t]*(?::=|=|:)[ \t]*"
        r"(?:[A-Za-z_][A-Za-z0-9_]{0,40}\.){0,2}" + _DECODER + r"\([ \t]*[rbuRBU]{0,2}(['\"]))"
        r"((?:(?!\2)[^\n\\«]){4,2000})(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # A fallback under a secret's name: ``pw = getpass.getpass() or 'x'``, ``token =
        # os.environ.get("T") or "x"`` (the literal is used when nothing else is). What
        # comes before ``or`` is read piece by piece (a literal whole), so it stays linear.
        "triggers": [" or "],
        "pattern": r"((?<![A-Za-z0-9_.])" + CODE_SECRET_NAME + r"[ \t]*(?::=|=)(?!=)"
        r"(?:[^\n'\"]|'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"){1,300}?[ \t)]or[ \t]+"
        r"[rbuRBU]?(['\"]))([^'\"\n«]{1,500})(?=\2[ \t]*\)?[ \t]*(?:#[^\n]*)?(?:\r?\n|$))",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "signing key",
        # Triggers as the calls spell them: a bare "des" or "aes" is in too many words.
        "triggers": [
            "hmac",
            "aes.new(",
            "des.new(",
            "des3.new(",
            "algorithms.",
            "aesgcm(",
            "chacha",
            "salsa20",
            "blowfish",
            "arc4",
            "serializer(",
            "signer(",
        ],
        "pattern": r"((?<![A-Za-z0-9_])" + _KEY_FIRST + r"\([ \t]*(?:key[ \t]*=[ \t]*)?"
        r"[rbuRBU]{0,2}(['\"]))((?:(?!\2)[^\n\\«]){4,2000})(?=\2)",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "signing key",
        # PyJWT: ``jwt.encode(payload, 'key', …)``, ``jwt.decode(token, 'key', …)``.
        "triggers": ["jwt."],
        "pattern": r"(\bjwt\.(?:encode|decode)\([ \t]*[^,()'\"\n]{1,200},[ \t]*"
        r"(?:key[ \t]*=[ \t]*)?[rbuRBU]{0,2}(['\"]))((?:(?!\2)[^\n\\«]){4,2000})(?=\2)",
        "group": 3,
        "flags": "",
    },
]

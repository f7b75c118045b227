"""Credentials given in sentences: ``the password is letmein``, ``login with ada /
pw``, ``use letmein as the password``. Part of the table of :mod:`.rules` (see
:mod:`.value_rules` for the fields of a rule), applied in the place of
:mod:`.context_rules` where they stand; kept apart for their length and their word
lists, which say what a sentence about a password is not."""

from __future__ import annotations

from typing import Any

# Ways to sign in named after ``login with`` (not a password).
_SIGN_IN_WAYS = (
    r"(?:password|passcode|email|e-mail|phone|sso|saml|oauth2?|openid|google|github|gitlab"
    r"|apple|microsoft|facebook|twitter|okta|azure|token|key|username|user|account)"
)
# Words that say something about a password after ``password is``: never the password.
_PASSWORD_WORDS = (
    r"(?:required|incorrect|wrong|invalid|empty|missing|correct|needed|optional|mandatory"
    r"|not|the|a|an|your|my|our|their|his|her|this|that|it|its|too|very|so|also|only|now"
    r"|stored|hashed|encrypted|salted|saved|reset|changed|expired|set|sent|never|always"
    r"|still|being|same|different|strong|weak|long|short|blank|null|none|valid|secure"
    r"|protected|hidden|masked|shown|visible|displayed|generated|provided|given|entered"
    r"|typed|checked|verified|updated|configured|defined|read|taken|used|case|sensitive"
    r"|at|in|on|for|from|with|of|to|and|or|but|unknown|unchanged|ok|okay|fine|good|bad"
    r"|here|there|below|above|attached|included|ignored|accepted|rejected|locked|unlocked"
    r"|disabled|enabled|forgotten|lost|known|secret|private|public|same|default|again"
    r"|something|anything|nothing|what|which|whatever|one|two|ssh|sso|your)"
)

# Other things to use instead of a password (``password login is off: use keys``).
_OTHER_WAYS = (
    r"(?:keys?|tokens?|certificates?|certs?|env|environment|variables?|vault|instead|kerberos"
    r"|ldap|passkeys?|biometrics?|mfa|2fa|totp|otp|secrets?|cookies?|sessions?|this|these"
    r"|those|them|that|it|one|something|anything|keyring|keychain|getpass|passwd|[a-z]+ing)"
)


PROSE_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # ``login with ada / letmein42``, ``sign in as ada: pw``: the second of a pair
        # after a login phrase. A choice of ways to sign in (``Google / Apple``, ``email /
        # password``) stays.
        # Also ``Credentials: ada / pw``.
        "triggers": ["log in", "login", "sign in", "signin", "log on", "logon", "credential"],
        "pattern": r"(\b(?:(?:log|sign)[ \t]?(?:in|on)[ \t]+(?:with|as|using)[ \t]+"
        r"|credentials?[ \t]*:[ \t]*)['\"]?"
        r"[A-Za-z0-9._@+-]{1,64}['\"]?[ \t]*[/:][ \t]*['\"]?)"
        r"(?!" + _SIGN_IN_WAYS + r"(?![A-Za-z0-9]))"
        r"((?![A-Z][a-z]+[ \t]*(?:/|,|\bor\b))[^\s'\"«/,]{4,128})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``the password is letmein``, ``wifi password: use letmein``, ``passcode was 4821``:
        # one word right after a password word and ``is``/``was``/``use``. A word with a
        # digit or a symbol is hidden wherever the sentence goes on; a word of letters only
        # where the sentence ends after it, and never an English word that describes the
        # password (``the password is required.``, ``password is incorrect``).
        # Also ``the password for the wifi is letmein`` (40 characters between) and ``pw``.
        "triggers": ["pass", "pw"],
        "pattern": r"(\b(?:password|passwd|passphrase|passcode|pass[ \t]code|pw)s?\b"
        r"(?:[ \t]+(?:for|of|to)[ \t]+[^\n.,;:!?]{1,40}?)?"
        r"(?:[ \t]+(?:is|was):?[ \t]+(?:(?:now|still|just|set[ \t]+to)[ \t]+)?"
        # ``use`` + a way to keep or give one, as the rule below (``password, use keyring``).
        r"|[ \t]*[:,-][ \t]*(?:just[ \t]+|simply[ \t]+)?use[ \t]+"
        r"(?!['\"`]?(?:" + _SIGN_IN_WAYS + "|" + _OTHER_WAYS + r")(?![A-Za-z0-9])))['\"`]?)"
        r"(?!" + _PASSWORD_WORDS + r"(?![A-Za-z0-9]))"
        r"((?=[A-Za-z]{0,63}[0-9!@#$%^&*_+~])[A-Za-z0-9!@#$%^&*_+~-]{4,64}"
        r"(?![A-Za-z0-9!@#$%^&*_+~-])"
        r"|[A-Za-z]{4,64}(?=['\"`]?[ \t]*(?:[.,;!?)\r\n]|$)))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``wifi password`` then ``use letmein`` on the line below, ``What is the
        # password? use letmein``, ``Password (use letmein)``: ``use WORD`` soon after a
        # password word, the word shaped as above and not one about signing in
        # (``password auth is off, use keys.``, ``use SSO``).
        "triggers": ["pass", "pw"],
        "pattern": r"(\b(?:password|passwd|passphrase|passcode|pass[ \t]code|pw)s?\b"
        r"(?![ \t_-]+(?:polic(?:y|ies)|reset|rules?|requirements?|length|strength|managers?"
        r"|management|rotation|hash(?:es|ing)?|field|prompt|hint|store|storage|vault|less"
        r"|auth(?:entication)?|login|complexity|manager)\b)"
        # Punctuation or a line break stands between (``password use policy`` is a noun).
        r"(?:[^\n]{0,40}?[?:(,;=>-]|[^\n]{0,40}\r?\n[^\n]{0,10}?)[ \t]*\buse[ \t]+['\"`]?)"
        r"(?!(?:" + _PASSWORD_WORDS + "|" + _SIGN_IN_WAYS + "|" + _OTHER_WAYS + r")(?![A-Za-z0-9]))"
        r"((?=[A-Za-z]{0,63}[0-9!@#$%^&*_+~])[A-Za-z0-9!@#$%^&*_+~-]{4,64}"
        r"(?![A-Za-z0-9!@#$%^&*_+~-])"
        r"|[A-Za-z]{4,64}(?=['\"`]?[ \t]*(?:[.,;!?)\r\n]|$)))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``use letmein as the password``: the word before the password word.
        "triggers": ["use "],
        "pattern": r"(\buse[ \t]+['\"`]?)(?!" + _PASSWORD_WORDS + r"(?![A-Za-z0-9]))"
        r"([^\s'\"`«]{4,64})(?=['\"`]?[ \t]+as[ \t]+(?:(?:the|your|a|my|our)[ \t]+)?"
        r"(?:[A-Za-z-]{1,20}[ \t]+)?(?:password|passphrase|passcode|pin)\b"
        r"(?![ \t_-]*(?:hash|field|polic|manager|store|column|prompt)))",
        "group": 2,
        "flags": "i",
    },
]

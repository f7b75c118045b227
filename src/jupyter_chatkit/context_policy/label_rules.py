"""Credentials after a secret's name used as a label: a Markdown heading then the word
under it, a name line ending with its separator then the value on the next line
(``API_KEY=`` / ``Password:``), ``NAME value`` lines of a printed environment or config,
and names written as two words (``pass word: x``, ``API key: x``). Part of the table of
:mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), spliced into
:mod:`.context_rules` where these rules always stood, and rendered into the TypeScript
copy with the rest.

Every pattern starts at a line's start or a literal word and reads a bounded stretch,
so each stays linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

# A label naming a secret in prose or a page (``API key``, ``Client secret``).
LABEL_SECRET = (
    r"(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key|secret[ _-]?key"
    r"|private[ _-]?key|credentials?|client[ _-]?secret|access[ _-]?token|auth[ _-]?token)"
)

# A secret's name alone at a line's end (``Password:``, ``API_KEY=``, ``client secret:``):
# the name rule for a value on the next line. After up to three words (``DB_``, ``your ``).
_NEXT_LINE_NAME = (
    r"(?:password|passwd|passphrase|pass|pwd|pw|secret|token|credentials?"
    r"|(?:api|private|access|secret|signing|encryption|master)[ _-]?key)s?"
)
# The same names run together with a word before them, camelCase or not (``myApiKey:``,
# ``dbPassword =``, ``clientSecret:``). Not the short ones: ``bypass:``, ``compass:``.
_NEXT_LINE_GLUED_NAME = (
    r"[A-Za-z0-9]{1,30}(?:password|passwd|passphrase|secret|token|credentials?"
    r"|(?:api|private|access|secret|signing|encryption|master)[ _-]?key)s?"
)
# ``Authorization: Bearer`` (or Basic, Token) with the credential on the next line.
_NEXT_LINE_HEADER = r"(?:proxy-)?authorization[ \t]*:[ \t]*(?:bearer|basic|token|digest)"
_NEXT_LINE_TRIGGERS = ["pass", "pw", "secret", "token", "key", "credential", "authorization"]
# Lower-case words that follow ``Password:`` as prose or a state, not as the password
# (``Password:`` then ``required``, ``none``, ``hidden``): states, empties, directions.
_NEXT_LINE_NOT_WORD = (
    r"(?:required|optional|hidden|empty|missing|invalid|incorrect|wrong|changed|reset"
    r"|expired|expires|none|null|nil|true|false|undefined|unset|blank|below|above|here"
    r"|there|again|same|different|okay|done|saved|updated|accepted|rejected|denied|failed"
    r"|sent|stored|kept|secret|redacted|masked|unknown|default|disabled|enabled|set|see"
    r"|ask|enter|never|always|valid|correct|ignored|removed|deleted|skipped|pending"
    # A statement under ``while not password:``, ``if password:``.
    r"|continue|break|pass|return|raise|yield|else|elif|try|finally|except|await|assert"
    r"|global|nonlocal|del|import"
    # Another field's name (a file's lines as a list: ``["password:", "token", "user"]``).
    r"|token|tokens|user|users|username|email|login|name|names|host|port|hash|salt|key"
    r"|keys|value|values|field|fields|column|columns|secrets|passwords|credentials)"
)
# A secret's name as two words (``pass word``, ``api key``, ``access token``) and its
# separator; group 1. Names run together or joined by "_" are the assignment rules'.
_SPLIT_NAME_END = r"s?['\"`*]{0,2}[ \t]*(?::=|=|:)[ \t]*['\"`]?)"
_SPLIT_PASS_NAME = r"((?<![A-Za-z0-9_])pass[ \t-]+(?:word|phrase)" + _SPLIT_NAME_END
# An error's word between the name and the value (``Incorrect API key provided: x``).
_ERROR_VERB = r"(?:[ \t]+(?:provided|given|supplied|used|sent|passed|received))?"
_SPLIT_KEY_NAME = (
    r"((?<![A-Za-z0-9_])(?:(?:api|access|secret|private|signing|encryption|client|master)"
    r"[ \t]+key|client[ \t]+secret|(?:auth|access|refresh|api|bearer|session"
    r"|personal[ \t]+access)[ \t]+token)" + _ERROR_VERB + _SPLIT_NAME_END
)
# The value after such a name: one token with a digit or a symbol, not a reference
# (``$KEY``, ``<key>``, ``{key}``), a call, an index or an attribute (``os.environ[…]``,
# ``cfg.api_key``). Nor where the key is kept or how it is made, in prose: a path
# (``Private key: ~/.ssh/id_rsa``), a URL (``API key: https://…/api-keys``), an algorithm
# or a size (``Encryption key: AES-256``, ``Secret key: 32-byte``, ``access tokens:
# 50/min``).
_SPLIT_VALUE = (
    r"((?![${<%])"
    r"(?!(?:~|\.{1,2})/|/[A-Za-z0-9._-]{1,100}/|[A-Za-z][A-Za-z0-9+.-]{0,20}://"
    r"|(?:(?:aes|sha|rsa|ecdsa|ed|hmac|hs|rs|es|ps)-?[0-9]{1,5}"
    r"|[0-9]{1,6}[-/]?(?:bits?|bytes?|chars?|characters?|digits?|mins?|minutes?|secs?"
    r"|seconds?|hours?|days?))(?![^\s'\"`,;«)\]}>]))"
    r"(?![A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+(?![^\s'\"`,;«)\]}>]))"
    r"(?=[^\s'\"`,;«()\[\]{}<>]{0,199}[0-9!@#$%^&*+=~/])[^\s'\"`,;«()\[\]{}<>]{6,200})"
    r"(?![^\s'\"`,;«)\]}>]|[(\[])"
)
# Under a key's or a token's name (not a password's: ``correct-horse-battery-9`` is a
# passphrase), words joined by "-" and ending in a short number are a
# direction or a step (``API key: see-step-2``), not a generated value.
_NOT_SLUG = r"(?![a-z]{2,12}(?:-[a-z]{2,12}){0,5}-[0-9]{1,3}(?![^\s'\"`,;«)\]}>]))"

# The password names of that rule, in the cases people write (it reads letters by case).
_NEXT_LINE_PASSWORD = (
    r"(?:[A-Za-z0-9]{0,30}(?:password|Password|PASSWORD|passwd|Passwd|PASSWD|passphrase"
    r"|Passphrase|PASSPHRASE)|pass|Pass|PASS|pwd|Pwd|PWD)"
)


LABEL_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # A Markdown heading naming a secret, then the one word under it (``### API key``
        # then the key, maybe in backticks): a word with a digit or a symbol, or 12+
        # letters. Not code: a call, an index, an identifier or a short word (``# token``
        # over ``print(x)``, ``pass`` or ``see_vault``).
        "triggers": [
            "# password",
            "# passphrase",
            "# secret",
            "# token",
            "# api",
            "# access",
            "# private",
            "# client",
            "# credential",
            "# your",
            "# the",
            "# my",
        ],
        "pattern": r"((?:^|\n)[ \t]{0,3}#{1,6}[ \t]+(?:(?:your|the|my)[ \t]+)?"
        + LABEL_SECRET
        + r"[ \t]*:?[ \t]*#*[ \t]*\r?\n(?:[ \t]*\r?\n){0,3}[ \t]*(?:`{1,3}[ \t]*(?:\r?\n)?)?)"
        r"((?=[^\s`«()\[\]{}]*[0-9!@#$%^&*+=]|[A-Za-z]{12})[^\s`«()\[\]{}]{6,500})"
        r"(?=`{0,3}[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # A name line ending with its separator, and the value alone on the next line (a
        # cell's output, a printed .env, a log): ``API_KEY=`` then the key, ``Password:``
        # then the password, ``export TOKEN=\\`` (continued), ``client_secret:`` then an
        # indented value. The line-list form (``["API_KEY=", "<key>"]``) is calls.py's.
        # Only one token on the next line, with a digit or a symbol or 12+ letters (as
        # the heading rule): not a sentence, another ``NAME=``/``key:`` line (``DEBUG=1``,
        # YAML's ``user: ada``), a call or an index (``print(x)``), a placeholder in
        # brackets, a rule of dashes or stars. One try per line start: linear.
        "triggers": _NEXT_LINE_TRIGGERS,
        "pattern": r"((?:^|\n)[ \t]*(?:(?:export|set|setx)[ \t]+)?"
        # A JSON key quoted (``"apiKey":``), a name run together (``myApiKey:``).
        r"(?:['\"]?(?:[A-Za-z][A-Za-z0-9]{0,30}[ _-]){0,3}"
        r"(?:" + _NEXT_LINE_NAME + "|" + _NEXT_LINE_GLUED_NAME + r")['\"]?[ \t]*(?::=|=|:)"
        r"|" + _NEXT_LINE_HEADER + r")"
        r"[ \t]*(?:\\[ \t]*)?\r?\n[ \t]*)"
        r"(?![A-Za-z_][A-Za-z0-9_.-]{0,100}:)"
        r"(?!(?=[A-Za-z_][A-Za-z0-9_.-]{0,100}=(?!=))(?![A-Za-z0-9+/]{16,}={1,2}(?![^\r\n])))"
        r"(?![A-Za-z_][A-Za-z0-9_.]{0,100}[(\[][^\s]{0,500}[)\]](?![^\r\n]))"
        r"(?![\[({<][^\s]{0,500}[\])}>](?![^\r\n]))"
        r"(?![^A-Za-z0-9\s]{1,500}(?![^\r\n]))"
        r"((?=[^\s«]{0,500}[0-9!@#$%^&*+=_\-/.~?]|[A-Za-z]{12})[^\s«]{6,500})"
        r"(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # The rule above for a password of letters only (``password:`` then ``letmein``):
        # only under a password's name, alone on its line, and only lower-case letters
        # (4-64) or letters with an upper-case one inside (``LetMeIn``): ``Required``,
        # ``None`` after ``Password:`` are prose, and so are ``required``, ``none``,
        # ``hidden`` and the statements under ``if not password:`` (``continue``).
        "triggers": ["pass", "pwd"],
        "pattern": r"((?:^|\n)[ \t]*(?:(?:export|set|setx)[ \t]+)?['\"]?"
        r"(?:[A-Za-z][A-Za-z0-9]{0,30}[ _-]){0,3}" + _NEXT_LINE_PASSWORD + r"['\"]?[ \t]*"
        r"(?::=|=|:)[ \t]*(?:\\[ \t]*)?\r?\n[ \t]*)"
        r"(?!" + _NEXT_LINE_NOT_WORD + r"[ \t]*(?:\r?\n|$))"
        r"([a-z]{4,64}|(?=[A-Za-z]{0,62}[a-z][A-Z])[A-Za-z]{4,64})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password in text",
        # An environment variable's name, one space and its value on a line of their own:
        # ``for k, v in os.environ.items(): print(k, v)``, ``printenv``-like listings,
        # ``DB_PASSWORD hunter2x9``, ``print(k, "->", v)``. Only an upper-case name that
        # ends with the secret's word (not ``TOKEN_LIMIT 4096``), only one token after it,
        # not an empty or a flag.
        "triggers": ["pass", "pwd", "secret", "token", "key", "credential", "_pat"],
        "pattern": r"((?:^|\n)[ \t]*[A-Z0-9_]{0,60}(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN"
        r"|API_?KEY|PRIVATE_?KEY|SECRET_?KEY|ACCESS_?KEY|CREDENTIALS?|_PAT|_PASS|_PWD)"
        # An arrow with no spaces (f"{k}->{v}"), not a C member access
        # (conn_token->refresh();).
        r"(?:[ \t]+(?:->|=>|→)[ \t]+|[ \t]+|(?:->|=>|→)(?![^\s«]*[();])))"
        r"(?![0-9]{1,5}[ \t]*(?:\r?\n|$))"
        r"(?!(?:None|NULL|null|nil|True|False|true|false|unset|missing|required|empty|not"
        r"|\*+|-+)[ \t]*(?:\r?\n|$))"
        r"([^\s«]{4,500})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password in text",
        # The same for a config dict's snake_case keys (``for k, v in cfg.items(): print(k,
        # v)``: ``db_password hunter2x9``): a name with "_" ending with the secret's word,
        # one space (or an arrow), one token alone on the line; not a state (``expired``),
        # an empty, a short number or a type (aligned columns, 2+ spaces, are the table
        # rules').
        "triggers": ["pass", "pwd", "secret", "token", "key", "credential", "_pat"],
        "pattern": r"((?:^|\n)[ \t]*[a-z0-9_]{0,60}_(?:password|passwd|passphrase|secret|token"
        r"|api_?key|private_?key|secret_?key|access_?key|credentials?|pat|pass|pwd)"
        r"(?: (?:->|=>|→) | |(?:->|=>|→)(?![^\s«]*[();])))"
        r"(?![0-9]{1,5}[ \t]*(?:\r?\n|$))"
        r"(?!(?:" + _NEXT_LINE_NOT_WORD[3:-1] + r"|None|True|False|object|string|str|bool"
        r"|category|int(?:8|16|32|64)|float(?:16|32|64)|\*+|-+)[ \t]*(?:\r?\n|$))"
        r"([^\s«]{4,500})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        # Any case (``Db_Password letmein``, a settings class's fields); the words above
        # in any case stay (``Db_Password Required``), and a bare ``Api_Key must-be-set``
        # has no word before the secret's.
        "flags": "i",
    },
    {
        "kind": "password in text",
        # A secret's name written as two words, then its value (_SPLIT_VALUE): ``pass
        # word: x``; the key's and token's names are the next rule's.
        "triggers": ["pass"],
        # The second word right before its separator: one fast scan (the rule's own
        # search, case-insensitive from every position, cost prose with these words).
        "prefilter": r"[Pp][Aa][Ss][Ss][ \t-]+[WwPp]",
        "pattern": _SPLIT_PASS_NAME + _SPLIT_VALUE,
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``api key = x``, ``API key: x``, ``access token: x``: not a slug (_NOT_SLUG).
        "triggers": ["key", "secret", "token"],
        "prefilter": r"[ \t](?:[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn])[Ss]?"
        r"(?:[ \t]+[a-z]{4,8})?['\"`*]{0,2}[ \t]*[:=]",
        "pattern": _SPLIT_KEY_NAME + _NOT_SLUG + _SPLIT_VALUE,
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``pass word: letmein``: letters only under a password's name split in two, the
        # word alone at the line's end and not a word about the password (``required``).
        "triggers": ["pass"],
        "prefilter": r"[Pp][Aa][Ss][Ss][ \t_-]+[WwPp]",
        "pattern": r"((?<![A-Za-z0-9_])pass[ \t_-]+(?:word|phrase)s?['\"`*]{0,2}[ \t]*(?::=|=|:)"
        r"[ \t]*['\"`]?)(?!" + _NEXT_LINE_NOT_WORD + r"['\"`]?[ \t]*(?:\r?\n|$))"
        r"([A-Za-z]{4,64})(?=['\"`]?[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "i",
    },
]

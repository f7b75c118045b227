"""Credentials found by their context: commands, URLs, headers, config and
connection-string lines, transcripts of tools (and a few shapes that must be read after
them); those given in sentences are in :mod:`.prose_rules`. Part of the table of
:mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), kept apart for its
length; rendered into the TypeScript copy with the rest."""

from __future__ import annotations

from typing import Any

from .connection_rules import CONNECTION_RULES
from .http_rules import HTTP_RULES
from .prose_rules import PROSE_RULES

# A secret's name as code writes it, for the rules that read a name in code (comparisons,
# a secret built from pieces): ``password``, ``db_pass``, ``user_pw``, ``apiKey``,
# ``GH_TOKEN``. A token only after a prefix (``auth_token``): ``token == "[PAD]"`` is NLP.
# Where a name starts is the rule's to say.
CODE_SECRET_NAME = (
    r"(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}"
    r"(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key"
    r"|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])"
)

# A label naming a secret in prose or a page (``API key``, ``Client secret``).
_LABEL_SECRET = (
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
_SPLIT_KEY_NAME = (
    r"((?<![A-Za-z0-9_])(?:(?:api|access|secret|private|signing|encryption|client|master)"
    r"[ \t]+key|client[ \t]+secret|(?:auth|access|refresh|api|bearer|session"
    r"|personal[ \t]+access)[ \t]+token)" + _SPLIT_NAME_END
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


CONTEXT_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in text",
        # A secret built from pieces under its name: ``password = "".join(["Tr0u", "b4"])``
        # (all the pieces at once). First: a rule hiding one piece (a password-shaped
        # one) left the others to no rule.
        "triggers": [".join("],
        "pattern": r"((?<![A-Za-z0-9_.])" + CODE_SECRET_NAME + r"['\"]?\]?[ \t]*(?::=|=|:)[ \t]*"
        r"(['\"])[^'\"\n]{0,5}\2\.join\([ \t]*[\[(][ \t]*)"
        # The pieces, literal by literal: a bracket inside one (``"p(w"``) ends nothing.
        r"((?:'[^'\n«]{0,500}'|\"[^\"\n«]{0,500}\")"
        r"(?:[ \t]*,[ \t]*(?:'[^'\n«]{0,500}'|\"[^\"\n«]{0,500}\")){0,100})"
        r"(?=[ \t]*,?[ \t]*[\])])",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "Oracle password",
        # ``sqlplus scott/tiger@orcl``, ``oracledb.connect("scott/tiger@orcl")``.
        "triggers": ["sqlplus", "oracle", "cx_oracle"],
        "pattern": r"(\b(?:sqlplus|oracledb\.connect|cx_Oracle\.connect)\b[^\n]{0,40}?[\s('\"]"
        r"[A-Za-z0-9_$#]{1,60}/)([^\s@'\"/«]+)(?=@)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "HTML input value",
        # ``<input type="password" value="x">``, ``<input name="api_key" value="x">``.
        "triggers": ["<input"],
        "pattern": r"(<input\b(?=[^>]{0,300}\b(?:type|name|id)[ \t]*=[ \t]*['\"]?[A-Za-z_-]{0,40}"
        r"(?:password|passwd|secret|token|api[_-]?key)[A-Za-z_-]{0,40}['\"]?)[^>]{0,300}?"
        r"\bvalue[ \t]*=[ \t]*['\"])([^'\"<>«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "recovery phrase",
        # A wallet's seed words: ``mnemonic: abandon ability able …`` (12 to 24 words).
        "triggers": ["mnemonic", "phrase"],
        "pattern": r"(\b(?:mnemonic|seed[ _-]?phrase|recovery[ _-]?phrase|secret[ _-]?phrase)"
        r"\b['\"]?[ \t]*[:=][ \t]*['\"]?)((?:[a-z]{3,8}[ \t]+){11,23}[a-z]{3,8})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        # ``az login -u x -p pw``, ``docker login -p pw``, ``sqlcmd -U sa -P pw``.
        "triggers": ["login", "sqlcmd"],
        "pattern": r"(\b(?:(?:az|docker|podman|oc|helm[ \t]+registry|nerdctl)[ \t]+login|sqlcmd)\b"
        r"[^\n]{0,200}?[ \t](?:-p|-P)[ \t]+['\"]?)([^\s'\"«-][^\s'\"«]*)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password in text",
        # ``bad credentials ('ada', 'pw')``: the second of a pair after a credential word.
        # Also ``BasicAuthentication('ada', 'pw')`` (trino, Azure DevOps: its user empty).
        "triggers": ["credential", "creds", "login", "auth"],
        "pattern": r"(\b(?:credentials?|creds|login|[A-Za-z]{0,20}?auth(?:entication)?)\b"
        r"[ \t:=]{0,3}\([ \t]*"
        r"['\"][^'\"\n]{0,100}['\"][ \t]*,[ \t]*['\"])([^'\"\n«]{1,200})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``Password for 'https://ada@github.com': x`` (a prompt echoed with its answer).
        "triggers": ["password for", "passphrase for", "token for"],
        "pattern": r"(\b(?:password|passphrase|token)[ \t]+for[ \t]+[^\n]{1,200}?['\"]?:[ \t]+)"
        r"([^\s'\"«]{4,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "validation input",
        # pydantic: the field's name on one line, ``input_value='x'`` on the next. The
        # lookahead reads the name line once (at most 200 characters): unbounded, a long
        # line of secret words was read again for each of them (quadratic).
        "triggers": ["input_value"],
        "pattern": r"((?:^|\n)(?=[A-Za-z0-9_.]{0,200}\r?\n)[A-Za-z0-9_.]{0,200}?(?:password|passwd"
        r"|secret|token|api_?key|credential|private_?key)[A-Za-z0-9_.]{0,200}\r?\n[ \t]"
        r"[^\n]{0,300}?\binput_value=['\"])"
        r"([^'\"\n«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "environment entry",
        # Kubernetes and compose: ``- name: DB_PASSWORD`` then ``value: x`` on the next line.
        "triggers": ["name:"],
        "pattern": r"(\bname:[ \t]*['\"]?[A-Za-z0-9_.-]{0,60}(?:password|passwd|secret|token"
        r"|api_?key|credentials?|private_?key)[A-Za-z0-9_.-]{0,60}['\"]?[ \t]*\r?\n"
        r"[ \t]+value:[ \t]*['\"]?)([^\s'\"«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "URL password",
        # ``user:password@host`` without a scheme (a parsed URL's netloc, a pip index);
        # the host ends the word or takes a port, so ``python:3.11@sha256:…`` stays.
        "triggers": ["@"],
        # ``mailto:ada@x.com``, ``sip:ada@host``: a scheme without "//", not a user.
        "pattern": r"((?:^|(?<=[\s'\"=(<]))(?!(?:mailto|sips?|xmpp|im|pres|acct|urn|news|tel):)"
        r"(?=[0-9._%+-]{0,63}[A-Za-z])[A-Za-z0-9._%+-]{1,64}:)"
        r"([^\s:@/'\"«]{1,200})"
        r"(?=@[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:[/\s'\"),]|$))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "AWS key id",
        "triggers": ["akia", "asia"],
        "pattern": r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "Google API key",
        "triggers": ["aiza"],
        "pattern": r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{30,}",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "AWS secret key",
        # No trigger: a bare AWS secret access key has no fixed prefix. 40 characters of
        # base64's alphabet with digits and both cases, a run of its own (base64 data is
        # longer, git hashes and checksums are hex, UUIDs have dashes), at most four "/"
        # (a path has more) and at least ``min_distinct`` different characters (a random
        # key has ~29; a camelCase name or a path ~20).
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[a-z])"
        r"(?=[A-Za-z0-9/+]{0,39}[A-Z])(?!(?:[A-Za-z0-9+]*/){5})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])",
        "group": 0,
        "flags": "",
        "min_distinct": 25,
        "min_text": 40,
    },
    {
        "kind": "webhook URL",
        "triggers": ["/api/webhooks/"],
        "pattern": r"(/api/webhooks/[0-9]{5,}/)([A-Za-z0-9_-]{30,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "cookie",
        "triggers": ["cookie"],
        # ``Cookie: sessionid=...; csrftoken=...``: every value of the header.
        # Cookies are name=value pairs: ``cookie: Cookie`` (a type annotation) and a
        # template (``cookie: cookie={c}``) stay.
        "pattern": r"(\b(?:set-)?cookie['\"]?[ \t]*:[ \t]*['\"]?)"
        r"((?=[^\n'\"«]{0,200}=)(?![^\n'\"«]{0,200}[{$])[^\n'\"«]{6,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # HTTP Basic credentials built in code: ``base64.b64encode(b'ada:hunter2')``,
        # ``b64encode(f'{user}:hunter2'.encode())``: the part after the colon. A reference
        # (``{pw}``, ``$PW``, ``%s``) and a text with spaces in it stay.
        "triggers": ["b64encode("],
        "pattern": r"(\bb64encode\([ \t]*(?:[bBrRuU]|[fF][bBrR]?|[bBrR][fF])?(['\"])"
        r"[^'\"\s:]{0,100}:)(?![{$%])([^'\"\s«]{3,200})(?=\2)",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "cookie",
        # A cookie jar's repr (requests, httpx, http.cookiejar): ``<Cookie sessionid=x for
        # example.com/>`` and ``Cookie(version=0, name='JSESSIONID', value='x', …)``. Every
        # value: a session cookie is named as its framework likes (``JSESSIONID``,
        # ``laravel_session``, ``_gh_sess``), and a value shaped like code (``a.b.c``) is
        # a signed session all the same.
        "triggers": ["<cookie "],
        "pattern": r"(<Cookie [^\s=<>]{1,200}=)([^\s<>«]{1,4000})(?= for [^\s<>]{0,300}[ \t]?/?>)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "cookie",
        "triggers": ["cookie(version="],
        "pattern": r"(\bCookie\(version=[0-9]{1,3},[ \t]*name=(['\"])[^'\"\n]{0,200}\2,[ \t]*"
        r"value=(['\"]))([^'\"\n«]{1,4000})(?=\3)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": ".netrc password",
        "triggers": ["machine", "login"],
        # ``machine host login ada password X`` on one line or over several.
        "pattern": r"(\b(?:machine|login|account)[ \t][^\n]{0,300}?\bpassword[ \t]+"
        r"|(?:^|\n)[ \t]*password[ \t]+)((?!(?:is|was|for|of|to|the)\b)"
        # A value looks like one: a digit or a symbol in it, or its line ends after it
        # or goes on with the file's next entry (``password login is off`` is prose).
        r"(?:(?=[^\s'\"«]*[0-9!@#$%^&*_+~])[^\s'\"«]+|[^\s'\"«]+(?![^\s'\"«])"
        r"(?=[ \t]*(?:\r?\n|$|(?:machine|login|account|port)[ \t]+[^\s]+[ \t]*(?:\r?\n|$"
        r"|(?:machine|login|account|password|port)[ \t])))))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": ".pgpass password",
        "triggers": [":"],
        # ``host:port:database:user:password`` lines (``*`` for any); the host has a
        # letter past hex or a dot, so times and IPv6 addresses stay.
        # A host of hex letters only (``deadbeef``, ``cafe``) when it is longer than an
        # IPv6 group or the database or the user has another letter.
        "pattern": r"((?:^|\n)(?:\*|(?=[^\s:#]*[g-zG-Z.])[^\s:#]+"
        r"|(?=[0-9]{0,63}[a-fA-F])(?:[0-9a-fA-F]{5,64}|[0-9a-fA-F]{1,4}(?=:(?:[0-9]{1,5}|\*):"
        r"(?:[^\s:]*[^\s:0-9a-fA-F]|[^\s:]+:[^\s:]*[^\s:0-9a-fA-F]))))"
        r":(?:[0-9]{1,5}|\*):[^\s:]+:[^\s:]+:)([^\s«]+)(?=\n|$)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password in text",
        "triggers": ["credential", "creds", "login"],
        # ``bad credentials ada:hunter2``, ``login ada:hunter2``: a user:password pair.
        "pattern": r"(\b(?:credentials?|creds|login)[ \t]+['\"]?[^\s:'\"@/]+:)"
        r"((?!/)[^\s'\"@«]{4,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "key in text",
        "triggers": ["pass", "pw", "secret", "token", "key", "credential", "auth", "seed"],
        # ``could not authenticate with key Zx9Yw8...``: a random-looking word (``check``)
        # soon after a secret word, whatever stands between.
        "pattern": r"(\b(?:password|passwd|passphrase|pw|pwd|secret|token|key|api[ _-]?key"
        r"|credentials?|auth|seed)\b[^\n]{0,40}?[ \t'\"`=:])([A-Za-z0-9+/=_.~-]{16,})",
        "group": 2,
        "flags": "i",
        "check": "random",
    },
    # HTTP authorization headers (http_rules.py), in this place of the order.
    *HTTP_RULES,
    {
        "kind": "URL password",
        "triggers": ["://"],
        # Up to the last "@" before the host: an unescaped "@" in a password is common.
        # The scheme starts where its run does (from every "-" or "." inside a long run
        # it was read again to the run's end, quadratic).
        # A template's reference (``{pw}``, ``${PW}``, ``%s``, ``<password>``) is no password.
        # A user already hidden (``s3://«redacted: AWS key id»:…@``) is still the user.
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+._-]*://"
        r"(?:«redacted: [^»\n]{1,80}»|[^\s:/?#@'\"«])*:)"
        r"(?!(?:\{\{?[^{}\s@]{1,100}\}\}?|\$\{?[A-Za-z_][A-Za-z0-9_]{0,60}\}?|%s"
        r"|%\([A-Za-z_][A-Za-z0-9_]{0,40}\)s|<[^<>\s@]{1,60}>)@)"
        r"([^\s/'\"]+)(?=@[^\s@/'\"]*(?:[/?#\s'\"]|$))",
        "group": 2,
        "flags": "",
    },
    # Connection strings (connection_rules.py), in this place of the order.
    *CONNECTION_RULES,
    {
        "kind": "password in text",
        "triggers": ["password", "passwd", "passphrase", "secret", "token", "api"],
        # ``invalid password 'hunter2'``, ``the token was "x"``, ``api key `x` ``.
        "pattern": r"(\b(?:password|passwd|passphrase|secret|token|api[ _-]?key)[ \t]+(?:(?:is|was"
        r"|set to|of)[ \t]+)?['\"`])([^'\"`\n«]{4,200})(?=['\"`])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        "triggers": ["password", "passwd", "passphrase", "secret", "token", "api", "pw"],
        # ``my password is hunter2!``, ``login failed with pw hunter2!``: unquoted, only
        # when it has a digit or a symbol (``the password is incorrect`` stays).
        "pattern": r"(\b(?:password|passwd|passphrase|secret|token|api[ _-]?key)[ \t]+"
        r"(?:is|was)[ \t]+|\b(?:password|passwd|passphrase|pw|pwd)[ \t]+"
        r"(?!(?:is|was|for|of|to|and|the|in|on|at)\b))"
        r"((?=[^\s'\"«]*[0-9!@#$%^&*])[^\s'\"«]{6,})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        "triggers": ["-u ", "--user"],
        # ``curl -u admin:hunter2``, ``--user admin:hunter2``.
        "pattern": r"((?:^|\s)(?:-u|--user)[ \t]+['\"]?[^\s:'\"]+:)((?!//)[^\s'\"@«]+)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        "triggers": ["-pass", "-pwd", "-token", "-secret", "-api", "-access", "-auth", "-client"],
        # ``--password letmein``, ``--token=abc``; an upper-case metavar (``--password
        # PASSWORD`` in a help text) and ``$PW`` / ``<pw>`` references stay.
        "pattern": r"((?:^|[\s'\"])--?(?:password|passwd|passphrase|pass|pwd|token|secret"
        r"|api[-_]?key|access[-_]token|auth[-_]token|client[-_]secret)(?:=|[ \t]+)['\"]?)"
        r"((?![${%-])(?!<[A-Za-z_.-]{1,60}>)(?![A-Z][A-Z0-9_]*(?:[\s'\"\]]|$))[^\s'\"«]{4,})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        "triggers": ["mysql", "mariadb"],
        # ``mysql -u root -pletmein``: the password glued to ``-p`` (``-p`` alone prompts).
        # Bounded: unbounded, a long ``mysql-a-a-…`` or ``mysql mysql …`` line was read to
        # its end from each start (quadratic).
        "pattern": r"(\b(?:mysql|mariadb)[a-z-]{0,40}\b[^\n]{0,200}?[ \t]-p)([^\s'\"«]+)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "command-line password",
        # ``sshpass -p pw``, ``redis-cli -a pw``, quoted or not.
        "triggers": ["sshpass", "redis-cli"],
        "pattern": r"(\b(?:sshpass[ \t]+-p|redis-cli\b[^\n]{0,200}?[ \t](?:-a|--pass))[ \t]*['\"]?)"
        r"([^\s'\"«-][^\s'\"«]*)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "XML element",
        "triggers": [
            "password>",
            "passwd>",
            "secret>",
            "token>",
            "apikey>",
            "api_key>",
            "credential>",
        ],
        # ``<password>hunter2</password>``, ``<ApiToken>...</ApiToken>``.
        "pattern": r"(<([A-Za-z_:-]*(?:[Pp]assword|[Pp]asswd|[Ss]ecret|[Tt]oken|[Aa]pi_?[Kk]ey"
        r"|[Cc]redential)[A-Za-z_:-]*)>)([^<«]{1,500})(?=</\2>)",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "query secret",
        "triggers": ["%3d"],
        # URL-encoded ``password=x`` inside a query or a form body.
        "pattern": r"(\b(?:password|passwd|pwd|token|secret|api[_-]?key|access_token"
        r"|client_secret)%3D)([^&\s'\"%«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "query secret",
        "triggers": [
            "password=",
            "passwd=",
            "pwd=",
            "token=",
            "secret=",
            "key=",
            "auth=",
            "sig=",
            "signature=",
            "credential=",
            "appid=",
            "sessid=",
            "sessionid=",
            "session_id=",
            "session-id=",
        ],
        # Also prefixed (``X-Amz-Signature=``, ``X-Goog-Credential=``, ``sessionToken=``).
        # After "#" too: an OAuth implicit flow's ``#access_token=…`` fragment.
        # A key by its service's name for it: ``access_key=`` (ipstack), ``auth_key=``
        # (DeepL), ``hapikey=`` (HubSpot), ``appid=`` (OpenWeather); ``sort_key=`` stays.
        "pattern": r"([?&;#](?:password|passwd|pwd|token|secret|api[_-]?key|key|access_token"
        r"|refresh_token|id_token|client_secret|private_token|auth|sig|signature|h?apikey|appid"
        r"|(?:access|secret|auth|private|app|client|consumer|license|master|developer|dev"
        r"|account|subscription|user)[_-]?key"
        r"|[A-Za-z0-9-]*[-_]?(?:signature|secret|password|credential)"
        r"|[A-Za-z0-9-]*[-_]?(?:security|session|access|refresh|auth|id|bearer|api|app|user)"
        r"[-_]?token|jwt"
        # A session's id as a URL carries it (``;jsessionid=x``, ``?PHPSESSID=x``).
        r"|(?:j|php)?sess(?:ion)?[_-]?id)=)"
        r"((?![<{$])[^&\s'\"#«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "query secret",
        # An OAuth authorization code in a redirect URL (``/callback?code=4/0AX4…&state=…``,
        # ``&code=SplxlOBe…``): a password-shaped value only (``?code=python``,
        # ``&code=ERR42`` and hex ids stay).
        # Not ``code=`` alone: ``status_code=200`` is in many a log.
        "triggers": ["?code=", "&code=", ";code=", "#code="],
        # No "?" or ";" in it (escaped in a query): each start reads no further than the next.
        "pattern": r"([?&;#]code=)((?![<{$])[^&?;\s'\"#«]{10,500})(?![^&?;\s'\"#«])",
        "group": 2,
        "flags": "i",
        "check": "password",
    },
    {
        "kind": "URL token",
        # Anaconda's token channels, in a conda config, ``conda config --show`` or a
        # ``conda install -c``: ``https://conda.anaconda.org/t/<token>/<channel>``,
        # ``https://repo.anaconda.cloud/repo/t/<token>/main``.
        "triggers": ["/t/"],
        "pattern": r"(anaconda\.(?:org|cloud|com)/(?:[A-Za-z0-9_.-]{1,60}/){0,3}t/)"
        r"([A-Za-z0-9_-]{8,200})(?=/)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "URL token",
        # ``https://<token>@github.com/x.git``: a token as the URL's user, no password.
        "triggers": ["://"],
        "pattern": r"((?<![A-Za-z0-9+._-])[a-zA-Z][a-zA-Z0-9+.-]*://)([A-Za-z0-9_.~-]{16,200})"
        r"(?=@[A-Za-z0-9.-])",
        "group": 2,
        "flags": "",
        "check": "random",
    },
    {
        "kind": "password in text",
        # A password-shaped word (a digit, and mixed case or a symbol: ``Hunt3rXy9``,
        # ``Summer2024!``) soon after a password word, whatever prose stands between
        # (``Password: use Hunt3rXy9``, ``the password is`` with the value on the next
        # line, ``In [3]: password`` then ``Out[3]: '…'``). Identifiers (``_``) and code
        # (``App2Db(``, ``App2Db.x``) stay. Bounded: 60 characters on the line, or the
        # rest of it and 24 on the next.
        # Also after ``creds`` / ``credentials`` (``creds are ada / Hunt3rXy9``).
        "triggers": ["pass", "secret", "token", "cred"],
        # A word about the secret after it (``password policy``, ``token endpoint``,
        # ``secret management``) makes the prose about secrets, not one.
        "pattern": r"(\b(?:(?:password|passwd|passphrase|passcode)s?|secret|token|creds"
        r"|credentials?)\b"
        r"(?![ \t_-]+(?:polic(?:y|ies)|reset|rules?|requirements?|length|strength|management"
        r"|manager|rotation|endpoint|url|uri|type|expir[a-z]*|format|hash(?:es|ing)?|field"
        r"|prompt|hint|store|vault|scanner|scanning|detection|limit|count|usage|budget)\b)"
        r"(?:[^\n]{0,60}?"
        r"|[^\n]{0,60}\r?\n[^\n]{0,24}?)[\s'\"`=:(<\[])"
        r"((?=[A-Za-z!@#$%^&*.~+/-]{0,63}[0-9])[A-Za-z0-9!@#$%^&*.~+/-]{6,64})"
        r"(?![A-Za-z0-9!@#$%^&*._~+/-]|\(|\.[A-Za-z])",
        "group": 2,
        "flags": "i",
        "check": "password",
    },
    {
        "kind": "command-line password",
        # ``ConvertTo-SecureString 'pw' -AsPlainText``, ``echo pw | docker login
        # --password-stdin``, SQL ``IDENTIFIED BY 'pw'`` (also ``IDENTIFIED WITH
        # caching_sha2_password BY 'pw'``, MariaDB's ``IDENTIFIED VIA ed25519 USING
        # PASSWORD('pw')``).
        "triggers": ["convertto-securestring", "identified"],
        "pattern": r"((?:\bConvertTo-SecureString[ \t]+(?:-String[ \t]+)?"
        r"|\bidentified[ \t]+(?:with[ \t]+[A-Za-z0-9_]{1,40}[ \t]+)?by[ \t]+(?:password[ \t]+)?"
        r"|\bidentified[ \t]+(?:via|with)[ \t]+[A-Za-z0-9_]{1,40}[ \t]+using[ \t]+"
        r"(?:password[ \t]*\([ \t]*)?)"
        r"['\"])([^'\"\n«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        # Oracle's unquoted ``ALTER USER ada IDENTIFIED BY tiger;``.
        "triggers": ["identified"],
        "pattern": r"(\bidentified[ \t]+by[ \t]+)(?!(?:values|password)\b)([^\s;'\"«]{1,128})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "command-line password",
        # Also ``echo tok | gh auth login --with-token``, ``printf '%s' tok | …`` and a
        # pipe into a ``--token`` flag with no value.
        # And ``echo pw | sudo -S …``, ``echo pw | passwd --stdin ada``.
        "triggers": ["password-stdin", "with-token", "token-stdin", "--token", "sudo", "--stdin"],
        "pattern": r"(\b(?:echo[ \t]+(?:-[neE][ \t]+)?|printf[ \t]+"
        r"(?:'%s(?:\\n)?'[ \t]+|\"%s(?:\\n)?\"[ \t]+|%s[ \t]+)?)['\"]?)([^\s'\"|«]{1,500})"
        r"(?=['\"]?[ \t]*\|[^\n]{0,200}"
        r"(?:--(?:password-stdin|with-token|token-stdin|token(?![\w=-]))"
        r"|\bsudo(?:[ \t]+-[A-Za-z]{1,5}){0,4}?[ \t]+-[A-Za-z]{0,4}S\b|\bpasswd[ \t]+--stdin\b))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "service token",
        # More vendors: Facebook (``EAA…``), HubSpot (``pat-na1-…``), NuGet (``oy2…``),
        # Dropbox (``sl.…``), Terraform Cloud (``….atlasv1.…``), 1Password service
        # accounts (``ops_eyJ…``), Volcengine (``AKLT…``).
        "triggers": ["eaa", "pat-", "oy2", "sl.", "atlasv1", "ops_eyj", "aklt"],
        "pattern": r"(?<![A-Za-z0-9_.-])(?:EAA[A-Za-z0-9]{30,}|pat-(?:na|eu|ap)[0-9]-[a-f0-9-]{36}"
        r"|oy2[a-z0-9]{43}|sl\.[A-Za-z0-9_-]{100,}|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,}"
        r"|ops_eyJ[A-Za-z0-9_+/=-]{40,}|AKLT[A-Za-z0-9_-]{30,})",
        "group": 0,
        "flags": "",
    },
    {
        "kind": "service token",
        # Any vendor's prefixed key: a lower-case prefix (``nvapi-``, ``tvly-``,
        # ``pcsk_``, ``dckr_pat_``, ``figd_``, ``pscale_pw_``) then 20+ random-looking
        # characters. Ids with such a prefix (``file-``, ``chatcmpl-``, ``cus_``) stay,
        # and so do digests (``sha256-…``) and base64 runs (``+``, ``/`` after it).
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9_.+/-])((?!(?:file|asst|thread|run|msg|chatcmpl|cmpl|resp|batch"
        r"|ftjob|ft|vs|vsfb|cus|pi|pm|ch|in|ii|sub|si|prod|price|evt|req|txn|acct|org|proj|user|call"
        r"|toolu|step|job|sess|src|seti|cs|py|id|uuid|sha[0-9]{1,3}|md5|img|doc|tmp|test|data)[_-])"
        r"[a-z][a-z0-9]{1,11}(?:[_-][a-z0-9]{1,11}){0,3}[_-])"
        r"((?=[A-Za-z0-9_-]{20})[A-Za-z0-9]+(?:[_-][A-Za-z0-9]{4,}){0,8})(?![A-Za-z0-9_+/=.-])",
        "group": 2,
        "flags": "",
        "check": "random",
        "min_text": 24,
        # The prefix's separator, then 20 key characters: found by one fast scan.
        "prefilter": r"[_-][A-Za-z0-9]{20}",
    },
    {
        "kind": "command-line password",
        # ``mongo -u ada -p pw``, ``mysqladmin -u root -p pw``: ``-p`` after a ``-u`` user
        # (a port such as ``docker run -u 1000 -p 8080:80`` stays).
        "triggers": ["-u ", "-u="],
        # Quoted too (``-p 'pw'``), and ``mongo -u=ada -p=pw``; a quoted port stays.
        "pattern": r"((?:^|\s)-u(?:[ \t]+|=)[^\s=-][^\s]{0,100}(?:[ \t]+[^\s]{1,100}){0,4}?"
        r"[ \t]+-p(?:[ \t]+|=)"
        r"['\"]?)((?![0-9:./]+(?:['\"\s]|$))[^\s'\"«-][^\s'\"«]*)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "password widget",
        # A saved ipywidgets ``Password`` (notebook widget state, a model's state): its
        # ``value`` follows the model's name.
        # Also a text widget labelled like a secret (``"description": "API key"``).
        "triggers": ["passwordmodel", "passwordview", "description", "placeholder"],
        # And the code that makes one: ``widgets.Text(description="API key", value="x")``.
        "pattern": r"((?:Password(?:Model|View)['\"]"
        r"|(?:['\"](?:description|placeholder)['\"][ \t]*:|\b(?:description|placeholder)[ \t]*=)"
        r"[ \t]*['\"][^'\"\n]{0,60}(?:password|passwd|passphrase|secret|token|api[ _-]?key"
        r"|credential)[^'\"\n]{0,60}['\"])[\s\S]{0,400}?(?:['\"]value['\"][ \t]*:|\bvalue[ \t]*=)"
        r"[ \t]*['\"])([^'\"\n«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password widget",
        # The value first, the label after, in one call or one line: a widget's repr as a
        # cell shows it (``Text(value='x', description='API token:')``), or its state.
        "triggers": ["description", "placeholder"],
        "pattern": r"((?:\bvalue[ \t]*=|['\"]value['\"][ \t]*:)[ \t]*['\"])([^'\"\n«]{1,500})"
        r"(?=['\"][^\n()]{0,400}?(?:['\"](?:description|placeholder)['\"][ \t]*:"
        r"|\b(?:description|placeholder)[ \t]*=)[ \t]*['\"][^'\"\n]{0,60}"
        r"(?:password|passwd|passphrase|secret|token|api[ _-]?key|credential))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # SQL: embedded ``CONNECT TO db USER u USING 'pw'``, SQLCipher's ``PRAGMA key =
        # 'pw'`` / ``PRAGMA rekey`` and ``ATTACH DATABASE 'x.db' AS e KEY 'pw'``.
        "triggers": ["using", "pragma", "attach"],
        "pattern": r"((?:\buser[ \t]+[A-Za-z0-9_.@$\"-]{1,64}[ \t]+using[ \t]+"
        r"|\bpragma[ \t]+(?:[A-Za-z0-9_]{1,64}\.)?(?:re)?key[ \t]*(?:=[ \t]*|\([ \t]*)"
        r"|\battach[ \t]+(?:database[ \t]+)?['\"][^'\"\n]{0,300}['\"][ \t]+as[ \t]+"
        r"[A-Za-z0-9_\"]{1,64}[ \t]+key[ \t]+)['\"])([^'\"\n«]{1,500})(?=['\"])",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # HCL/Terraform, shell and Ruby heredocs under a secret's name (``password =
        # <<EOT``, ``private_key = <<-EOF``, ``PASSWORD=$(cat <<EOF``): the body up to its
        # closing word (40 lines of 1,000 characters). The pattern is the head; the body is
        # found by heredoc.py, which indexes the lines once (as part of this pattern, it
        # was read again from every head: 10 s for 60,000 unclosed heads).
        "triggers": ["<<"],
        "pattern": r"(\b[A-Za-z0-9_]{0,40}(?:pass(?:word|wd|phrase)?|secret|token|private_key"
        r"|api_?key|credentials?)[A-Za-z0-9_]{0,40}['\"]?[ \t]*[=:][ \t]*"
        r"(?:\$\([ \t]*cat[ \t]+)?<<[-~]?[ \t]*['\"]?"
        r"([A-Za-z_][A-Za-z0-9_]{0,19})['\"]?[ \t]*\r?\n)",
        "group": 0,
        "flags": "i",
        "heredoc": True,
    },
    {
        "kind": "password in text",
        # A literal compared with a secret's name: ``if db_pass == "x"``, and the literal
        # first, ``if 'x' == password``, ``assert "x" != self.api_key``.
        "triggers": ["==", "!="],
        "pattern": r"((?<![A-Za-z0-9_.])(?:[A-Za-z_][A-Za-z0-9_]{0,60}\.){0,4}"
        + CODE_SECRET_NAME
        + r"[ \t]*[!=]=[ \t]*[rbuRBU]?(['\"]))((?:(?!\2)[^\n\\«]){1,500})(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "password in text",
        "triggers": ["==", "!="],
        "pattern": r"(['\"])((?:(?!\1)[^\n\\«]){1,500})(?=\1[ \t]*[!=]=[ \t]*"
        r"(?:[A-Za-z_][A-Za-z0-9_]{0,60}\.){0,4}" + CODE_SECRET_NAME + r"(?!\())",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``api_key = """`` then the key on the lines up to the closing quotes (TOML's
        # and Python's multi-line strings; one line is the quoted assignment's).
        "triggers": ['"""', "'''"],
        "pattern": r"((?<![A-Za-z0-9_.])" + CODE_SECRET_NAME + r"['\"]?[ \t]*(?::=|=|:)[ \t]*"
        r"[rbuRBU]?(\"\"\"|''')[ \t]*\r?\n)((?:(?!\2)[^«]){1,2000}?)(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # An HTML label and the one word after it: ``<dt>API key</dt><dd>x</dd>``,
        # ``<th>password</th><td>x</td>`` (a transposed frame's or a Series' HTML),
        # ``<b>Token:</b> x``. A sentence after the label stays.
        "triggers": ["</dt>", "</th>", "</td>", "</b>", "</strong>", "</label>", "</span>"],
        "pattern": r"(<(dt|th|td|b|strong|label|span)\b[^<>]{0,200}>[ \t]*"
        + _LABEL_SECRET
        + r"[ \t]*:?"
        r"[ \t]*</\2>[\s:]*(?:<(?:dd|td|span|code|p|div|kbd|pre)\b[^<>]{0,200}>\s*){0,3})"
        # Not a schema's type or flag (``<td>password</td><td>string</td>``), nor a number.
        r"(?!(?:string|str|int|integer|number|bool|boolean|required|optional|text|varchar"
        r"|char|none|null|true|false|yes|no|hidden|masked|encrypted|secret|password)\s*<)"
        r"(?![0-9.,]+\s*<)([^\s<>«]{4,500})(?=\s*<)",
        "group": 3,
        "flags": "i",
    },
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
        + _LABEL_SECRET
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
        "prefilter": r"[ \t-](?:[Ww][Oo][Rr][Dd]|[Pp][Hh][Rr][Aa][Ss][Ee])[Ss]?"
        r"['\"`*]{0,2}[ \t]*[:=]",
        "pattern": _SPLIT_PASS_NAME + _SPLIT_VALUE,
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``api key = x``, ``API key: x``, ``access token: x``: not a slug (_NOT_SLUG).
        "triggers": ["key", "secret", "token"],
        "prefilter": r"[ \t](?:[Kk][Ee][Yy]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn])[Ss]?"
        r"['\"`*]{0,2}[ \t]*[:=]",
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
    {
        "kind": "cloud key",
        # ``az storage account keys list``: ``"keyName": "key1"`` then the key as ``"value"``.
        "triggers": ["keyname"],
        "pattern": r"(['\"]keyName['\"][ \t]*:[ \t]*['\"][^'\"\n]{1,100}['\"][^{}]{0,300}?"
        r"['\"]value['\"][ \t]*:[ \t]*['\"])([^'\"\n«]{8,500})(?=['\"])",
        "group": 2,
        "flags": "",
    },
    # Credentials given in sentences (prose_rules.py), in this place of the order.
    *PROSE_RULES,
    {
        "kind": "Oracle password",
        # SQL*Plus's ``CONNECT scott/tiger@orcl`` (``conn`` too).
        "triggers": ["conn"],
        "pattern": r"((?:^|[\s;])conn(?:ect)?[ \t]+[A-Za-z0-9_$#]{1,60}/)([^\s@'\"/«]{1,128})(?=@)",
        "group": 2,
        "flags": "i",
    },
]

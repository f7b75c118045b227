"""Credentials inside connection strings: ODBC / ADO.NET / Azure ``Name=value;`` lists
(braced values included) and Oracle's easy-connect ``user/password@//host``. Part of the
table of :mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), spliced into
:mod:`.context_rules` where the connection-string rule always stood, and rendered into
the TypeScript copy with the rest.

Every pattern starts at a separator or a line's start and reads a bounded stretch, so
each stays linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

from .foreign_rules import NAME_LETTERS as L

# A braced value that is a template's field, not ODBC quoting: empty or a position
# (``{}``, ``{0}``), a name of the secret it will be filled with (``{password}``,
# ``{db_pwd}``, ``{API_KEY}``: letters and "_" only) or an attribute or an index
# (``{cfg.password}``, ``{creds['pw']}``). ``{hunter2x9}`` and ``{letmein}`` are values.
_TEMPLATE_FIELD = (
    r"(?:[0-9]{0,2}"
    r"|[A-Za-z_]{0,30}(?:pass|pwd|pw|secret|key|token|cred|auth)[A-Za-z_]{0,30}"
    r"|[A-Za-z_][A-Za-z0-9_]{0,40}(?:\.[A-Za-z_][A-Za-z0-9_]{0,40}|\[[^\]\n{}]{0,40}\]){1,4})"
)
# ODBC quotes a value holding ";" in braces, "}}" an escaped "}" (``Pwd={pa;ss}}w}``).
# No "{" inside: each start reads no further than the next one.
_BRACED_BODY = r"(?:[^{}\n«]|\}\})"

CONNECTION_RULES: list[dict[str, Any]] = [
    {
        "kind": "URL password",
        # A URL's password as a literal of its own between two glued ones
        # (``"https://ada:" + "Tr0ub4dor&3" + "@db/app"``): read as the URL it builds.
        "triggers": ["://"],
        "pattern": r"(://[^\s'\"@/:]{0,100}:(['\"])[ \t]*\+[ \t]*(['\"]))"
        r"([^'\"\n«]{1,200})(?=\3[ \t]*\+[ \t]*[rbuRBU]?['\"]@)",
        "group": 4,
        "flags": "",
    },
    {
        "kind": "URL password",
        # Or as a literal inside an f-string's field (``f"https://ada:{'Tr0ub4dor&3'}@db"``),
        # the user a field too (``f"https://{user}:{'Tr0ub4dor&3'}@db"``).
        "triggers": ["://"],
        "pattern": r"(://(?:[^\s'\"@/:{}]|\{[^{}\n'\"]{0,100}\}){0,100}:\{[ \t]*(['\"]))"
        r"([^'\"\n«{}]{1,200})"
        r"(?=\2[ \t]*\}@)",
        "group": 3,
        "flags": "",
    },
    {
        "kind": "netrc password",
        # Python's netrc entries: ``netrc().hosts`` and ``authenticators(host)`` give
        # ``(login, account, password)``, the account empty (``''``, ``None`` before 3.11):
        # ``('ada', '', 'Hq7vR2mX9kLp4Wz')``. A password-shaped third item of 8+ only: a
        # row with a NULL (``('Alice', None, 'Berlin')``, ``'Paris2'``) stays.
        "triggers": ["none, '", 'none, "', "'', '", '"", "'],
        "pattern": r"(\([ \t]*(['\"])[^'\"\s]{1,200}\2,[ \t]*(?:None|''|\"\"),[ \t]*(['\"]))"
        r"([^'\"\n«]{8,500})(?=\3[ \t]*\))",
        "group": 4,
        "flags": "",
        "check": "password",
    },
    {
        "kind": "password in a pair",
        # A user and a password as two strings side by side with no name beside them:
        # a tuple or a list printed (``('ada', 'Kx8mP2qZ9vL4')``, ``Out[3]: (…)``,
        # ``requests``' ``auth=(…)``, a row of ``cursor.fetchall()`` ``(1, 'ada', 'pw…')``,
        # ``array(['ada', 'pw…'])``, numpy's ``['ada' 'pw…']``, bytes). The user is a
        # login's shape (letters first; ``.``, ``@``, ``-``, ``+``, a domain's ``\\``);
        # the second string 8+ characters
        # shaped like a password (``check``: a symbol, or case and digits switching 6+
        # times: ``Paris2024``, ``iPhone15Pro`` stay), and no path, file
        # name, version or identifier (``'Sales2024.csv'``, ``'2.3.0+cu121'``,
        # ``'/tmp/b.csv'``, ``'ResNet50_Weights.IMAGENET1K_V2'``, ``'Model_v2'``):
        # ``('red', 'blue')``, ``('ada', 'Ada Lovelace')`` and ``('en_US', 'UTF-8')`` stay.
        "triggers": ["', '", "','", "', b'", '", "', '","', '", b"', "' '", '" "'],
        "pattern": r"((?:[(\[]|,)[ \t]*b?(['\"])[A-Za-z][A-Za-z0-9._@+\\-]{0,63}\2"
        r"(?:,[ \t]*|[ \t]+)b?(['\"]))(?![^'\"\s]{0,128}[/\\.]"
        r"|[A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}\3)"
        r"([^'\"\s«]{8,128})(?=\3[ \t]*[,)\]])",
        "group": 4,
        "flags": "",
        "check": "pair password",
    },
    {
        "kind": "password in a pair",
        # The same pair the other way round, a tuple or list of two alone
        # (``('Kx8mP2qZ9v#', 'ada')``: a ``(password, user)`` a function returns).
        "triggers": ["', '", "','", "', b'", '", "', '","', '", b"'],
        "pattern": r"([(\[][ \t]*b?(['\"]))(?![^'\"\s]{0,128}[/\\.:]"
        r"|[A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}\2)"
        r"([^'\"\s«]{8,128})(?=\2,[ \t]*b?(['\"])[A-Za-z][A-Za-z0-9._@+\\-]{0,63}\4[ \t]*[)\]])",
        "group": 3,
        "flags": "",
        "check": "pair password",
    },
    {
        "kind": "password in a pair",
        # A dict from users to passwords (``{'ada': 'Kx8m#P2qZ'}``, GraphQL's variables
        # ``{"u": "ada", "p": "Kx8mP2qZ9v#"}``), a key and value a line of a JSON text:
        # a login's key, a value of both cases, a digit and a symbol (no "+": base64, a
        # time zone), no path, dot or colon. ``"ImageId": "ami-0abc…"``, ``"videoId":
        # "dQw4w9WgXcQ"``, ``"ts": "2024-01-01T00:00:00+00:00"`` and a colour stay.
        "triggers": ["': '", "':'", '": "', '":"'],
        "pattern": rf"((?:[{{,][ \t]*\r?\n?|^|(?<=\n))[ \t]*(['\"])[{L}][{L}0-9._@+\\-]{{0,63}}\2"
        r"[ \t]*:[ \t]*(['\"]))(?![^'\"\s]{0,128}[/\\.:]|#[0-9A-Fa-f]{3,8}\3)"
        r"(?=[^'\"\s«]{0,127}[A-Z])(?=[^'\"\s«]{0,127}[a-z])(?=[^'\"\s«]{0,127}[0-9])"
        r"(?=[^'\"\s«]{0,127}[!@#$%^&*~])"
        r"([^'\"\s«]{8,128})(?=\3[ \t]*(?:[,}]|\r?\n|$))",
        "group": 4,
        "flags": "",
        "check": "pair password",
    },
    {
        "kind": "connection string secret",
        "triggers": ["accountkey", "accesskey", "sharedaccess", "password", "pwd"],
        # Azure / ODBC / ADO.NET: ``...;AccountKey=...;``, ``Pwd=...;``, ``SharedAccessKey=...``,
        # and a braced password anywhere (``Pwd={x};Server=db``). The value inside the
        # braces is the secret (group 2): the braces then stand outside it, so that a
        # value such as ``{hunter2x9}`` is not read as a template's ``{field}``; a template
        # keeps its braces and stays.
        "pattern": r"((?:(?:^|[;\s'\"])(?:AccountKey|SharedAccessKey|SharedAccessSignature"
        r"|AccessKey)|;[ \t]*(?:Password|Pwd)"
        r"|(?:^|(?<=[\s'\"(]))(?:Password|Pwd)(?=[ \t]*=[ \t]*\{))[ \t]*=[ \t]*"
        r"(?:\{(?!" + _TEMPLATE_FIELD + r"\})(?=" + _BRACED_BODY + r"{1,500}\}))?)"
        r"((?<=\{)" + _BRACED_BODY + r"{1,500}(?=\})|(?<!\{)[^;\s'\"«]+)",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "package registry token",
        # A conda channel's token in its path (``https://conda.anaconda.org/t/<token>/chan``,
        # a private ``conda.example.io/t/…`` in .condarc or ``conda config --show``).
        "triggers": ["/t/"],
        "pattern": r"(\bconda[A-Za-z0-9.-]{0,100}\.[A-Za-z]{2,24}(?::[0-9]{2,5})?/t/)"
        r"([A-Za-z0-9_-]{12,200})(?=/)",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "Oracle password",
        # Easy connect: ``scott/tiger@//db:1521/ORCL``, ``scott/tiger@db:1521/ORCL`` (a DSN
        # in a config, a log, an error). The host must be one: ``//`` or a port after it,
        # so ``actions/checkout@v4`` and ``@scope/pkg@1.2`` stay. After a JDBC URL's
        # colon too (``jdbc:oracle:thin:scott/tiger@//db:1521/ORCL``).
        "triggers": ["@"],
        "pattern": r"((?:^|(?<=[\s'\"=(,])|(?<=:thin:))[A-Za-z][A-Za-z0-9_$#.]{0,59}/)"
        r"([^\s@'\"/«]{1,128})"
        r"(?=@(?://[A-Za-z0-9.-]{1,253}|[A-Za-z0-9.-]{1,253}:[0-9]{2,5}[/:]))",
        "group": 2,
        "flags": "",
    },
]

# Before the "URL password" rule (context_rules.py splices it there): in a line that is
# only ``user:P@ssw0rd!9``, that rule would read ``P`` as the password and the rest as a
# host, and show it.
PAIR_LINE_RULES: list[dict[str, Any]] = [
    {
        "kind": "password in a pair",
        # A line that is only ``user:password`` (``print(f"{user}:{pw}")``, the input of
        # ``chpasswd``, a proxy's or a Basic credential's text before it is encoded):
        # the same login and password shapes as the pair of strings (CONNECTION_RULES).
        # ``localhost:8888``, ``python:3.11-slim``, ``Status:InProgress2`` stay.
        "triggers": [],
        "prefilter": r"(?:^|\n)[ \t]*[A-Za-z][A-Za-z0-9._@+\\-]{0,63}:[^\s:]{8}",
        "pattern": r"((?:^|(?<=\n))[ \t]*[A-Za-z][A-Za-z0-9._@+\\-]{0,63}:)"
        r"(?![^\s'\"]{0,128}[/\\.])([^\s:'\"«]{8,128})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "",
        "check": "pair password",
    },
]

"""Credentials as tools and renderers print them: the output line under a command that
prints a secret (``$ op read op://vault/db/password`` then the password), an
environment's or a config's ``name value`` line in any case with a comment or a word
after it (``Db_Password hunter2x9  # prod``), and a label in Markdown or LaTeX markup
(``**Password**: `x```, ``\\text{password} = \\texttt{x}``, ``API key → x``). Part of
the table of :mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), rendered
into the TypeScript copy with the rest.

Every pattern starts at a line's start or a literal word and reads a bounded stretch of
its line (and of the next one), so each stays linear on long adversarial texts."""

from __future__ import annotations

from typing import Any

# A name of an environment variable holding a secret (the engine reads it case-blind).
_VAR = (
    r"[A-Za-z0-9_]{0,60}(?:password|passwd|passphrase|secret|token|api_?key|private_?key"
    r"|access_?key|credentials?|_pat|_pass|_pwd)"
)

# Commands whose output is a secret: password managers, vaults, cloud CLIs printing a
# token or a secret's value, a secret decoded from Kubernetes, a secret file shown, a
# secret variable echoed. Each reads at most its own line.
_PRINTS_A_SECRET = (
    r"(?:op[ \t]+read\b|op[ \t]+item[ \t]+get\b[^\n]{0,200}?--(?:fields?|reveal)\b"
    r"|vault[ \t]+(?:kv[ \t]+get|read)\b[^\n]{0,200}?[ \t]-field\b"
    r"|aws[ \t]+(?:configure[ \t]+get[ \t]+[A-Za-z0-9_.]{0,60}(?:secret|token|key)"
    r"|secretsmanager[ \t]+get-secret-value\b|ssm[ \t]+get-parameters?\b[^\n]{0,200}?"
    r"--with-decryption|ecr(?:-public)?[ \t]+get-login-password\b"
    r"|codeartifact[ \t]+get-authorization-token\b)"
    r"|gcloud[ \t]+(?:auth[ \t]+(?:application-default[ \t]+)?print-(?:access|identity)-token"
    r"|secrets[ \t]+versions[ \t]+access)\b"
    r"|az[ \t]+(?:account[ \t]+get-access-token|keyvault[ \t]+secret[ \t]+show"
    r"|acr[ \t]+login\b[^\n]{0,200}?--expose-token)\b"
    r"|(?:gh|glab)[ \t]+auth[ \t]+token\b|heroku[ \t]+auth:token\b"
    r"|kubectl[ \t]+(?:get[ \t]+secrets?\b[^\n]{0,300}?\|[ \t]*base64[ \t]+(?:-d|-D|--decode)\b"
    r"|create[ \t]+token\b)"
    r"|security[ \t]+find-(?:generic|internet)-password\b[^\n]{0,200}?[ \t]-w\b"
    r"|(?:pass|gopass)[ \t]+(?:show[ \t]+)?[A-Za-z0-9_.@-]{1,100}/"
    r"|bw[ \t]+get[ \t]+(?:password|totp)\b|lpass[ \t]+show\b[^\n]{0,200}?--password\b"
    r"|keyring[ \t]+get\b|secret-tool[ \t]+lookup\b|credstash[ \t]+get\b"
    r"|doppler[ \t]+secrets[ \t]+get\b[^\n]{0,200}?--plain\b"
    r"|infisical[ \t]+secrets[ \t]+get\b[^\n]{0,200}?--plain\b"
    r"|terraform[ \t]+output\b[^\n]{0,200}?[ \t]-raw[ \t]+" + _VAR + r"\b"
    r"|printenv[ \t]+" + _VAR + r"\b|echo[ \t]+['\"]?\$\{?" + _VAR + r"\b"
    r"|cat[ \t]+[^\s|;&]{0,200}?(?:password|passwd|secret|token|api[_-]?key|credential)"
    r"[^\s|;&/]{0,60}(?=[ \t]*(?:\r?\n|$))"
    r"|openssl[ \t]+rand\b|python3?[ \t]+-c[ \t]+['\"][^\n]{0,200}?\bsecrets\.token_)"
)
# Where a command starts: a shell's prompt (``$``, ``%``, ``>``, ``PS C:\\>``,
# ``ada@host:~$``, a root ``#`` after a host), IPython's ``!`` or ``In [3]: !``, or none
# (a ``%%bash`` cell's line); ``sudo`` before it.
_PROMPT = (
    r"(?:^|\n)[ \t]*(?:(?:\$|%|>|PS[^\n>]{0,100}>|[A-Za-z0-9_.-]{1,60}@[^\s:]{1,100}:[^\n$#]{0,200}"
    r"[$#]|In[ \t]*\[[0-9]{0,6}\]:)[ \t]*)?!?(?:sudo[ \t]+(?:-[A-Za-z]{1,5}[ \t]+){0,3})?"
)
# What such a command prints that is no secret: an empty, a status, a shell keyword
# (the next line of a script), code (the next line of a cell).
_NOT_PRINTED = (
    r"(?!(?:none|null|nil|true|false|\(none\)|\*+|-+|done|fi|esac|exit|then|else|eof|end"
    r"|error:?|warning:?|usage:?)[ \t]*(?:\r?\n|$))"
    # Code on the line after a ``!command`` in a cell: a call, an index, an assignment.
    r"(?![A-Za-z_][A-Za-z0-9_.]{0,100}[(\[][^\s]{0,500}[)\]](?![^\r\n]))"
    r"(?!(?=[A-Za-z_][A-Za-z0-9_.]{0,100}=(?!=))(?![A-Za-z0-9+/]{16,}={1,2}(?![^\r\n])))"
)

PRINTED_RULES: list[dict[str, Any]] = [
    {
        "kind": "masked value",
        # GitHub Actions' workflow command marks its argument a secret for the log: a
        # step's output printed in a notebook (``echo "::add-mask::$TOKEN"`` run).
        "triggers": ["::add-mask::"],
        "pattern": r"(::add-mask::)([^\s«]{1,2000})",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "name and value record",
        # A secret's name as one field and its value as the next, in a record: a HAR's
        # header or cookie (``{"name": "sessionid", "value": "…"}``), AWS tags and SSM
        # parameters (``"Name": "/prod/db/password", "Value": "…"``), a JSON env list
        # (``{"name": "DB_PASSWORD", "value": "…"}``); the YAML form on two lines is the
        # "environment entry" rule's. ``{"name": "author", "value": "Ada"}`` and
        # ``{"name": "token_count", …}`` stay.
        "triggers": ["value"],
        "pattern": r"((?<![A-Za-z0-9_])(?:name|key)['\"]?[ \t]*:[ \t]*['\"][A-Za-z0-9_./-]{0,60}"
        r"(?:" + _VAR + r"|session_?id|cookie|authorization|bearer|csrf)"
        # ``token_count``, ``password_policy``: about a secret, not one.
        r"(?![_.-]?(?:count|type|name|url|uri|path|file|len|length|policy|expir|ttl|hint))"
        r"[A-Za-z0-9_./-]{0,60}"
        r"['\"][ \t]*,[ \t]*['\"]?value['\"]?[ \t]*:[ \t]*(['\"]))([^'\"\n«]{1,2000})(?=\2)",
        "group": 3,
        "flags": "i",
    },
    {
        "kind": "printed secret",
        # A command that prints a secret, and the one word its output line holds
        # (``$ gh auth token`` then the token; ``!vault kv get -field=password x`` then
        # the password). Only a line of one word: a table or a sentence is not read.
        "triggers": [
            "op ",
            "vault",
            "aws",
            "gcloud",
            "az ",
            "auth",
            "kubectl",
            "security",
            "pass",
            "bw ",
            "keyring",
            "secret-tool",
            "credstash",
            "doppler",
            "infisical",
            "terraform",
            "printenv",
            "echo",
            "cat ",
            "openssl",
            "secrets.token",
        ],
        "pattern": r"("
        + _PROMPT
        + _PRINTS_A_SECRET
        + r"[^\n]{0,300}\r?\n[ \t]*)"
        + _NOT_PRINTED
        + r"([^\s«]{4,4000})(?=[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # ``name value`` on a line of its own whatever the name's case (``Db_Password
        # hunter2x9``, ``ApiKey …``), also with a comment after it (``DB_PASSWORD x  #
        # prod``) or one more word (``API_TOKEN x9y8z7 rotated``). The value has a digit
        # or a symbol other than a dash or a dot (``Api_Key must-be-set`` is prose); a
        # bare word (``Token x``, ``Secret Garden``) is no name, a number no value
        # (``num_tokens 1532``).
        "triggers": ["pass", "pwd", "secret", "token", "key", "credential", "_pat"],
        "pattern": r"((?:^|\n)[ \t]*"
        r"(?!(?:password|passwd|passphrase|secret|token|credentials?|pass|pwd)[ \t])"
        + _VAR
        + r"(?:[ \t]+(?:->|=>|→)[ \t]+|[ \t]+|(?:->|=>|→)(?![^\s«]*[();])))"
        r"(?![0-9.,_]{1,40}(?:[ \t]|$|\r?\n))"
        r"((?=[^\s«]{0,500}[0-9!@#$%^&*+=~?/])[^\s«]{4,500})"
        r"(?=[ \t]*(?:\r?\n|$)|[ \t]+(?:#|;|//|--)[^\n]{0,500}(?:\r?\n|$)"
        r"|[ \t]+[^\s#;«]{1,40}[ \t]*(?:\r?\n|$))",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # A label in Markdown or LaTeX markup and its value: ``**Password**: `x```,
        # ``- __API key:__ x``, ``\\text{password} = \\texttt{x}``, a rendered output's
        # ``\\mathrm{token} \\to x``. The value has a digit or a symbol, or 12+ letters;
        # a full stop counts only inside it: "Export `OPENAI_API_KEY` first." names a
        # variable, its sentence's last word is no value.
        "triggers": ["pass", "secret", "token", "key", "credential"],
        "pattern": r"((?:^|[\s|>(\[{$])(?:\*\*|__|\*|_|`|\\[A-Za-z]{2,12}\{)[ \t]*"
        r"(?:[A-Za-z0-9]{1,30}[ _-]){0,3}"
        r"(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key"
        r"|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret)"
        r"[ \t]*:?[ \t]*(?:\*\*|__|\*|_|`|\})[ \t]*"
        r"(?::|=|&|→|->|=>|\\colon|\\to|\\rightarrow|\\mapsto)?[ \t]*"
        r"(?:```?|`|\*\*|__|\*|\"|'|\\[A-Za-z]{2,12}\{|\$)?[ \t]*)"
        r"((?=[^\s`*{}«$\\]{0,500}(?:[0-9!@#%^&+=~?/-]|\.(?=[^\s`*{}«$\\]))|[A-Za-z]{12})"
        r"[^\s`*{}«$\\]{4,500})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "password in text",
        # A label and an arrow: ``Password → x``, ``api key -> x`` (a printed mapping).
        "triggers": ["→", "->", "=>", "⇒"],
        "pattern": r"(\b(?:password|passwd|passphrase|secret|token|api[ _-]?key|access[ _-]?key"
        r"|secret[ _-]?key|private[ _-]?key|credentials?|client[ _-]?secret)['\"]?"
        r"[ \t]*(?:→|->|=>|⇒)[ \t]*['\"`]?)"
        r"((?=[^\s'\"`«]{0,500}[0-9!@#%^&+=~?/.-]|[A-Za-z]{12})[^\s'\"`«]{4,500})",
        "group": 2,
        "flags": "i",
    },
    {
        "kind": "printed secret",
        # What cloud tools print of a secret they hold: ``terraform output -json`` marks
        # an output ``"sensitive": true`` before its ``"value"`` (keys in order: sensitive,
        # type, value); Google Secret Manager's response shows ``payload { data: "…" }``.
        "triggers": ['"sensitive"', "payload {"],
        "pattern": r"((?:\"sensitive\"[ \t]*:[ \t]*true[ \t]*,"
        r"(?:[ \t\r\n]*\"[A-Za-z_]{1,40}\"[ \t]*:[ \t]*(?:\"[^\"\n{}]{0,200}\"|[a-z0-9.]{1,20})"
        r"[ \t]*,){0,5}[ \t\r\n]*\"value\"[ \t]*:[ \t]*\""
        r"|\bpayload[ \t]*\{[ \t]*\r?\n[ \t]*data:[ \t]*\"))"
        r"((?:[^\"\\\n«]|\\.){1,5000})(?=\")",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "printed secret",
        # botocore's DEBUG log prints a request's signature on the line after its label
        # (``botocore.auth [DEBUG] Signature:`` then 64 hex digits): valid for that
        # request until it expires.
        "triggers": ["signature:"],
        "pattern": r"(\bSignature:[ \t]*\r?\n)([0-9a-f]{64})(?![0-9A-Za-z])",
        "group": 2,
        "flags": "",
    },
]

"""Credentials found by their context: commands, URLs, headers, config and
connection-string lines, transcripts of tools (and a few shapes that must be read after
them); those given in sentences are in :mod:`.prose_rules`. Part of the table of
:mod:`.rules` (see :mod:`.value_rules` for the fields of a rule), kept apart for its
length; rendered into the TypeScript copy with the rest."""

from __future__ import annotations

from typing import Any

from .cli_rules import FLAG_RULES
from .connection_rules import CONNECTION_RULES, PAIR_LINE_RULES
from .http_rules import COOKIE_RULES, HTTP_RULES
from .label_rules import LABEL_RULES, LABEL_SECRET
from .prose_rules import PROSE_RULES
from .shape_rules import SSH_PUBLIC_KEY_TYPE_BEFORE
from .url_rules import URL_QUERY_RULES

# A secret's name as code writes it, for the rules that read a name in code (comparisons,
# a secret built from pieces): ``password``, ``db_pass``, ``user_pw``, ``apiKey``,
# ``GH_TOKEN``. A token only after a prefix (``auth_token``): ``token == "[PAD]"`` is NLP.
# Where a name starts is the rule's to say.
CODE_SECRET_NAME = (
    r"(?:[A-Za-z][A-Za-z0-9]{0,30}_){0,3}"
    r"(?:password|passwd|passphrase|pass|pwd|pw|secret|api_?key|private_?key|access_?key"
    r"|credentials?|(?<=_)token)s?(?![A-Za-z0-9_])"
)

# A word after an article or a preposition of place names a thing in prose (``the
# password was reset on the Windows10 machine``, ``a Python311 kernel``); a password
# follows its word, a verb or a colon (``the password is Hunt3rXy9``, ``set to X``).
# One fixed-width look-behind a word: Python reads no other.
_NOT_AFTER_ARTICLE = "".join(
    rf"(?<!\b{word}[ \t])" for word in ("the", "a", "an", "on", "in", "at", "this", "that")
)

# A character of a word that is not an HTML tag's start (``</summary>``, ``<li>``, ``<br/>``).
_OUT_OF_TAG = r"(?:(?!</?[A-Za-z][A-Za-z0-9]{0,15}[\s/>])[^\s'\"«])"

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
        # ``az login -u x -p pw``, ``docker login -p pw``, ``sqlcmd -U sa -P pw`` (and SQL
        # Server's ``bcp``, ``osql``); a reference (``-P $SQL_PASSWORD``, ``%PW%``) stays.
        "triggers": ["login", "sqlcmd", "bcp", "osql"],
        "pattern": r"(\b(?:(?:az|docker|podman|oc|helm[ \t]+registry|nerdctl)[ \t]+login|sqlcmd|bcp"
        r"|osql)\b[^\n]{0,200}?[ \t](?:-p|-P)[ \t]+['\"]?)((?![$%{<])[^\s'\"«-][^\s'\"«]*)",
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
    *PAIR_LINE_RULES,  # connection_rules.py: before the next rule reads an "@" in it
    {
        "kind": "URL password",
        # ``user:password@host`` without a scheme (a parsed URL's netloc, a pip index);
        # the host ends the word or takes a port, so ``python:3.11@sha256:…`` stays.
        "triggers": ["@"],
        # ``mailto:ada@x.com``, ``sip:ada@host``: a scheme without "//", not a user. After
        # "//" too (``//ada:pw@db``, an error's ``postgres//ada:pw@db``); ``guest:**@`` stays.
        "pattern": r"((?:^|(?<=[\s'\"=(<])|(?<=//))(?!(?:mailto|sips?|xmpp|im|pres|acct|urn"
        r"|news|tel):)(?=[0-9._%+-]{0,63}[A-Za-z])[A-Za-z0-9._%+-]{1,64}:)"
        # A word for one in docs (``user:password@localhost``) stays too.
        r"(?!(?:\*{1,64}|[Pp]ass(?:word|wd)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Ss]ecret|SECRET)@)"
        # Nor a template's variable (``Template("mysql://root:$pw@db")``, ``${DB_PW}``).
        r"(?!(?:\$[a-z_]{1,40}|\$[A-Z_][A-Z0-9_]{0,60}|\$\{[A-Za-z_][A-Za-z0-9_]{0,60}\})@)"
        r"([^\s:@/'\"«]{1,200})"
        r"(?=@[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:[/\s'\"),]|$))",
        "group": 2,
        "flags": "",
    },
    {
        "kind": "AWS key id",
        "triggers": ["akia", "asia"],
        # Not a mask (``AKIAXXXXXXXXXXXXXXXX``). Most ids are 20 characters, but IAM's
        # AccessKeyId is 16 to 128 (``AKIA…`` with a 17th character: WALK12's
        # ``aws = "AKIAIOSFODNN7WALK12XQ"`` went through both copies of the policy).
        "pattern": r"(?<![A-Z0-9])(?:AKIA|ASIA)(?!X{16})[A-Z0-9]{16,124}(?![A-Z0-9])",
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
        # Nor a URL's path after its host (``paypal.com/v2/checkout/orders/3X1X…``).
        "pattern": r"(?<![A-Za-z0-9/+])(?!(?<=\.)[A-Za-z0-9+]{1,63}/)"
        r"(?=[A-Za-z0-9/+]{0,39}[0-9])(?=[A-Za-z0-9/+]{0,39}[a-z])"
        r"(?=[A-Za-z0-9/+]{0,39}[A-Z])(?!(?:[A-Za-z0-9+]*/){5})[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"
        # Nor a certificate's or a public key's last line.
        r"(?![ \t]*\r?\n[ \t]*-----END (?:CERTIFICATE|PUBLIC KEY|[A-Z]+ PUBLIC KEY"
        r"|CERTIFICATE REQUEST|X509 CRL)-----)",
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
    # Cookies (http_rules.py), in this place of the order.
    *COOKIE_RULES,
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
        "kind": "password in text",
        "triggers": ["variable"],
        # Terraform/HCL: ``variable "db_password" { default = "x" }``: the block's name says
        # what its default holds (the name and the value on different lines, so no name
        # rule reads them as a pair). Not past the block's end; over a block inside it
        # (``validation { ... }``). The name must be a secret's as the name rules judge
        # one ("secret name": ``password_policy``, ``token_ttl``, ``api_key_header`` are not).
        "pattern": r"(\bvariable[ \t]+\"[A-Za-z0-9_-]{0,40}"
        + LABEL_SECRET
        + r"[A-Za-z0-9_-]{0,20}\""
        r"[ \t]*\{(?:[^{}]|\{[^{}]{0,300}\}){0,500}?"
        r"\bdefault[ \t]*=[ \t]*\")([^\"\n«]{1,500})(?=\")",
        "group": 2,
        "flags": "i",
        "check": "secret name",
    },
    {
        "kind": ".pgpass password",
        "triggers": [":"],
        # ``host:port:database:user:password`` lines (``*`` for any); the host has a
        # letter past hex or a dot, so times and IPv6 addresses stay.
        # A host of hex letters only (``deadbeef``, ``cafe``) when it is longer than an
        # IPv6 group or the database or the user has another letter. An IPv6 host
        # written as the file wants it, its colons escaped (``\:\:1``).
        # A line echoed into the file too (``!echo 'db:5432:*:ada:x' > ~/.pgpass``).
        "pattern": r"((?:^|\n|(?<=echo ')|(?<=echo \"))"
        r"(?:\*|(?:[0-9a-fA-F]{0,4}\\:){2,7}[0-9a-fA-F]{0,4}"
        r"|(?=[^\s:#]*[g-zG-Z.])[^\s:#]+"
        r"|(?=[0-9]{0,63}[a-fA-F])(?:[0-9a-fA-F]{5,64}|[0-9a-fA-F]{1,4}(?=:(?:[0-9]{1,5}|\*):"
        r"(?:[^\s:]*[^\s:0-9a-fA-F]|[^\s:]+:[^\s:]*[^\s:0-9a-fA-F]))))"
        r":(?:[0-9]{1,5}|\*):[^\s:]+:[^\s:]+:)([^\s«]+?)(?=\n|$|['\"][ \t]*>)",
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
        # soon after a secret word, whatever stands between. Not the last word of a
        # hyphenated name (``Idempotency-Key: <uuid>``): the name rules judge it whole.
        # Nor an SSH public key's blob after its type (``deploy key: ssh-ed25519 AAAA…``),
        # nor past a value already hidden (``«redacted: AWS secret key»', 'X-Request-Id':
        # '<uuid>'``: the marker's words name no key of the next value).
        "pattern": r"((?<![A-Za-z0-9]-)\b(?:password|passwd|passphrase|pw|pwd|secret|token|key"
        r"|api[ _-]?key|credentials?|auth|seed)\b[^\n»]{0,40}?[ \t'\"`=:])"
        + SSH_PUBLIC_KEY_TYPE_BEFORE
        + r"([A-Za-z0-9+/=_.~-]{16,})",
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
        r"|%\([A-Za-z_][A-Za-z0-9_]{0,40}\)s|<[^<>\s@]{1,60}>|\*{1,64}"
        # A word for one in docs (``user:password@localhost``, ``USER:PASSWORD@HOST``).
        r"|[Pp]ass(?:word|wd)?|PASS(?:WORD|WD)?|[Pp]wd|PWD|[Ss]ecret|SECRET)@)"
        # An unescaped "/" in it too (``ada:Kx8m/P2qZ@db``), not after a port
        # (``host:8080/lab/a@b.ipynb``).
        r"([^\s/'\"]+|(?![0-9]{1,5}/)[^\s'\"]{1,256})(?=@[^\s@/'\"]*(?:[/?#\s'\"]|$))",
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
        # when it has a digit or a symbol (``the password is incorrect`` stays). It ends
        # at an HTML tag, which glues a text's words with no space between
        # (``password rules</summary><ul><li>12+ characters``; ``hunter2!</p>``).
        "pattern": r"(\b(?:password|passwd|passphrase|secret|token|api[ _-]?key)[ \t]+"
        r"(?:is|was)[ \t]+|\b(?:password|passwd|passphrase|pw|pwd)[ \t]+"
        r"(?!(?:is|was|for|of|to|and|the|in|on|at)\b))"
        r"((?=" + _OUT_OF_TAG + r"*[0-9!@#$%^&*])" + _OUT_OF_TAG + r"{6,})",
        "group": 2,
        "flags": "i",
    },
    # Passwords after command-line flags (cli_rules.py), in this place of the order.
    *FLAG_RULES,
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
        # ``<password>hunter2</password>``, ``<ApiToken>...</ApiToken>``; Maven's ``${env.X}``
        # (a property's reference) stays.
        "pattern": r"(<([A-Za-z_:-]*(?:[Pp]assword|[Pp]asswd|[Ss]ecret|[Tt]oken|[Aa]pi_?[Kk]ey"
        r"|[Cc]redential)[A-Za-z_:-]*)>)(?!\$\{[A-Za-z_][A-Za-z0-9_.]{0,100}\}<)([^<«]{1,500})(?=</\2>)",
        "group": 3,
        "flags": "",
    },
    # Secrets in a URL's query, fragment or path (url_rules.py), in this place of the order.
    *URL_QUERY_RULES,
    {
        "kind": "password in text",
        # A password-shaped word (a digit, and mixed case or a symbol: ``Hunt3rXy9``,
        # ``Summer2024!``) soon after a password word, whatever prose stands between
        # (``Password: use Hunt3rXy9``, ``the password is`` with the value on the next
        # line, ``In [3]: password`` then ``Out[3]: '…'``). Identifiers (``_``) and code
        # (``App2Db(``, ``App2Db.x``) stay. Bounded: 60 characters on the line, or the
        # rest of it and 24 on the next.
        # Also after ``creds`` / ``credentials`` (``creds are ada / Hunt3rXy9``) and a
        # login written out (``# prod db login: admin / Hunt3rXy9``).
        "triggers": ["pass", "secret", "token", "cred", "login"],
        # A word about the secret after it (``password policy``, ``token endpoint``,
        # ``secret management``) makes the prose about secrets, not one.
        "pattern": r"(\b(?:(?:password|passwd|passphrase|passcode)s?|secret|token|creds"
        r"|credentials?|logins?(?![/?=&.#_-]))\b"
        r"(?![ \t_-]+(?:polic(?:y|ies)|reset|rules?|page|form|screen|button|flow|attempts?"
        r"|requirements?|length|strength|management"
        r"|manager|rotation|endpoint|url|uri|type|expir[a-z]*|format|hash(?:es|ing)?|field"
        r"|prompt|hint|store|vault|scanner|scanning|detection|limit|count|usage|budget"
        # NLP's tokens (``token classification``, ``token-level F1``, ``token ids``).
        r"|classification|classifier|level|embeddings?|ids?|tagging|logits|spans?|labels?)\b)"
        # Not past a value already hidden (``password="«…»", account="xy12345.eu"``: the
        # next argument is not the password).
        r"(?:[^\n»]{0,60}?"
        r"|[^\n»]{0,60}\r?\n[^\n»]{0,24}?)[\s'\"`=:(<\[])"
        + _NOT_AFTER_ARTICLE
        + r"((?=[A-Za-z!@#$%^&*.~+/-]{0,63}[0-9])[A-Za-z0-9!@#$%^&*.~+/-]{6,64})"
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
        # Oracle's unquoted ``ALTER USER ada IDENTIFIED BY tiger;``, ended as a statement's
        # clause (not prose: ``identified by either an integer ID``).
        "triggers": ["identified"],
        "pattern": r"(\bidentified[ \t]+by[ \t]+)(?!(?:values|password)\b)([^\s;'\"«]{1,128})"
        r"(?=[ \t]*(?:;|\r?\n|$|(?:default|account|quota|profile|password|temporary|replace)\b))",
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
        # accounts (``ops_eyJ…``), Volcengine (``AKLT…``), Square (``EAAA…``, base64url),
        # Braintree (``access_token$production$…``), Dynatrace (``dt0c01.…``), Contentful
        # (``CFPAT-…``), Twilio API keys (``SK`` and 32 hex).
        "triggers": [
            "eaa",
            "pat-",
            "oy2",
            "sl.",
            "atlasv1",
            "ops_eyj",
            "aklt",
            "access_token$",
            "dt0c01.",
            "cfpat-",
            "sk",
        ],
        "pattern": r"(?<![A-Za-z0-9_.-])(?:EAA[A-Za-z0-9]{30,}|EAAA[A-Za-z0-9_-]{40,}"
        r"|access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}"
        r"|dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64}|CFPAT-[A-Za-z0-9_-]{40,}"
        r"|SK[a-f0-9]{32}(?![A-Za-z0-9])|pat-(?:na|eu|ap)[0-9]-[a-f0-9-]{36}"
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
        # and so do digests (``sha256-…``) and base64 runs (``+``, ``/`` after it). The
        # body is base64url: ``-`` and ``_`` anywhere, short runs between them too.
        "triggers": [],
        "pattern": r"(?<![A-Za-z0-9_.+/-])((?!(?:file|asst|thread|run|msg|chatcmpl|cmpl|resp|batch"
        r"|ftjob|ft|vs|vsfb|cus|pi|pm|ch|in|ii|sub|si|prod|price|evt|req|txn|acct|org|proj|user|call"
        r"|toolu|step|job|sess|src|seti|cs|py|id|uuid|sha[0-9]{1,3}|md5|img|doc|tmp|test|data"
        # Vercel's and other platforms' object ids (``prj_``, ``team_``, ``dpl_``).
        r"|prj|project|team|dpl|deploy|ord|order|inv|item|node|pod|ws|exp|ds|model|ckpt|trace|span"
        # A page's CSP nonce (``'nonce-…'``): sent to every visitor with the page.
        r"|nonce)[_-])"
        r"[a-z][a-z0-9]{1,11}(?:[_-][a-z0-9]{1,11}){0,3}[_-])"
        r"((?=[A-Za-z0-9_-]{20})[_-]*[A-Za-z0-9]+(?:[_-]+[A-Za-z0-9]+){0,24}[_-]*)(?![A-Za-z0-9_+/=.-])",
        "group": 2,
        "flags": "",
        "check": "random",
        "min_text": 24,
        # The prefix's separator, then 20 key characters: found by one fast scan.
        "prefilter": r"[_-][A-Za-z0-9_-]{20}",
    },
    {
        "kind": "command-line password",
        # ``mongo -u ada -p pw``, ``mysqladmin -u root -p pw``: ``-p`` after a ``-u`` user
        # (a port such as ``docker run -u 1000 -p 8080:80`` stays, and a reference:
        # ``-p $SP_SECRET``, ``-p %PW%``).
        "triggers": ["-u ", "-u="],
        # Quoted too (``-p 'pw'``), and ``mongo -u=ada -p=pw``; a quoted port stays.
        "pattern": r"((?:^|\s)-u(?:[ \t]+|=)[^\s=-][^\s]{0,100}(?:[ \t]+[^\s]{1,100}){0,4}?"
        r"[ \t]+-p(?:[ \t]+|=)"
        r"['\"]?)((?![0-9:./]+(?:['\"\s]|$))(?![$%{<])[^\s'\"«-][^\s'\"«]*)",
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
        # The same as a Terraform variable's default (``variable "db_password" { type =
        # string  default = <<EOT``): the head names the secret on another line.
        "triggers": ["<<"],
        "pattern": r"(\bvariable[ \t]+\"[A-Za-z0-9_-]{0,40}(?:pass(?:word|wd|phrase)?|secret"
        r"|token|private_key|api_?key|credentials?)[A-Za-z0-9_-]{0,40}\"[ \t]*\{"
        r"(?:[^{}]|\{[^{}]{0,300}\}){0,500}?\bdefault[ \t]*=[ \t]*<<[-~]?[ \t]*['\"]?"
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
        + LABEL_SECRET
        + r"[ \t]*:?"
        r"[ \t]*</\2>[\s:]*(?:<(?:dd|td|span|code|p|div|kbd|pre)\b[^<>]{0,200}>\s*){0,3})"
        # Not a schema's type or flag (``<td>password</td><td>string</td>``), nor a number.
        r"(?!(?:string|str|int|integer|number|bool|boolean|required|optional|text|varchar"
        r"|char|none|null|true|false|yes|no|hidden|masked|encrypted|secret|password)\s*<)"
        r"(?![0-9.,]+\s*<)([^\s<>«]{4,500})(?=\s*<)",
        "group": 3,
        "flags": "i",
    },
    # A secret's name as a label, its value after it (label_rules.py), in this place.
    *LABEL_RULES,
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

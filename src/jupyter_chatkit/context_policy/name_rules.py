"""What makes a name a secret's, for the table of :mod:`.rules`: the pattern of secret
names, the qualifiers that make a name about a secret instead (``password_policy``,
``token_ids``), and the words a text must hold for the name rules to be tried. Plain
data, rendered into the TypeScript copy with the rest of the table."""

from __future__ import annotations

from .foreign_rules import FOREIGN_TRIGGERS

# Names are compared normalised: camelCase split, lower case, every run of other characters
# one "_" (``X-Api-Key`` -> ``x_api_key``). A name is secret when one of its "_"-separated
# parts (or adjacent pair) is here: ``db_password``, ``GITHUB_TOKEN``, not ``tokenizer``,
# ``max_tokens``, ``author``.
SECRET_NAME_PATTERN = (
    r"(?:^|_)(?:passwords?|passwd|pwd|passphrase|secrets?|token|auth|authorization"
    r"|credentials?|creds?|dsn|cookies?|session|session_?id|bearer|otp|totp|hotp|pw"
    # A password's name run together with what it opens (``rootpw``, ``dbpass``,
    # ``pgpass``, ``adminpw``); ``bypass``, ``lowpass`` and ``compass`` open nothing.
    r"|(?:db|root|admin|pg|my|sql|mysql|ftp|smtp|mail|ldap|redis|sa|sys|app|svc|master"
    r"|super|su|web|wifi|vpn|ssh|sudo|login|user|usr|proxy|keystore|truststore)(?:pass|pw)"
    # A password's name cut short (``psw``, ``pswd``, ``psswd``, ``passw``, ``pwrd``,
    # ``pword``): no other word.
    r"|pa?s{1,2}w(?:o?r?d)?|pwo?r?d"
    r"|(?:api|private|access|secret|signing|encryption|client)_?keys?"
    # OpenWeather's API key (``{"appid": "…"}``); ``app_id`` names an app, not a key.
    r"|appid"
    r"|client_?secret|conn(?:ection)?_?str(?:ing)?|psk|pre_?shared_?key"
    # sshpass reads the password from ``SSHPASS`` (``sshpass -e``); a security answer.
    r"|sshpass|security(?:_question)?_?answers?)(?:_|$)"
    # ``pass`` only as the last part (``db_pass``), never ``pass_rate``.
    r"|(?:^|_)pass$"
    # Run-together names (AUTHTOKEN, GITHUBTOKEN, DBPASSWORD, MYAPIKEY).
    r"|(?:^|_)[a-z0-9]*(?:password|passwd|passphrase|secret|token|apikey|credentials?)(?:_|$)"
    # Personal access tokens of known forges (``GITHUB_PAT``, ``AZURE_DEVOPS_EXT_PAT``: a
    # word or two between); a bare ``pat`` is a pattern.
    r"|(?:^|_)(?:github|gitlab|gh|gl|ado|azure|devops|bitbucket|hf|git)(?:_[a-z0-9]{1,12}){0,2}"
    r"_?pat(?:_|$)"
)

# A number ending a name (``password2``, ``DB_PASSWORD_2``, ``api_key1``, ``pw2``): the
# second of its kind, read as the name without it; glued to a letter or after "_" only
# (``LIMIT 10`` is no name's number).
NAME_NUMBER = r"(?<=[A-Za-z])_?[0-9]{1,4}$"

# A secret word followed by one of these names something about the secret, not the
# secret itself: ``auth_method``, ``token_type``, ``password_policy``, ``token_url``.
SECRET_NAME_QUALIFIERS: list[str] = sorted(
    {
        "agent",
        "algorithm",
        "backend",
        "count",
        "counter",
        "delimiter",
        "dim",
        "dir",
        "emb",
        "embed",
        "embedding",
        "embeddings",
        "enabled",
        # An exception's class (``NoCredentialsError``, ``InvalidTokenError``) or a message
        # about a secret (``password_error``), not one: IPython's traceback header
        # ``AuthError    Traceback (most recent call last)`` read as a name and its value.
        "error",
        "errors",
        "exception",
        "endpoint",
        "env",
        "expires",
        "expiry",
        "field",
        "file",
        "format",
        "header",
        # git's ``credential.helper``, docker's ``credHelpers``: a program's name.
        "helper",
        "helpers",
        # Django's ``PASSWORD_HASHERS``, ``AUTH_PASSWORD_VALIDATORS``: the classes that
        # check a password.
        "hasher",
        "hashers",
        "validator",
        "validators",
        # A secret's lifetime in its unit (``token_ttl_seconds``, ``session_max_age_days``).
        "seconds",
        "secs",
        "minutes",
        "mins",
        "hours",
        "days",
        "ms",
        "hint",
        "host",
        "kind",
        "label",
        "len",
        "length",
        "limit",
        "max",
        "method",
        "min",
        "mode",
        "name",
        "path",
        "pattern",
        "policy",
        "port",
        "prompt",
        "provider",
        # Databricks' ``secret_scope``, OAuth's ``token_scopes``: what a secret is kept in
        # or allows, named.
        "scope",
        "scopes",
        # Metrics about passwords and tokens in an analysis (``password_reset_rate``,
        # ``password_strength``, ``token_ratio``): numbers and labels, not credentials.
        "pct",
        # When a secret was made, changed or rotated, and how old it is
        # (``password_changed_at``, ``token_created``, ``PASSWORD_AGE``,
        # ``SECRET_KEY_ROTATION``): dates and periods, not the secret.
        "age",
        "at",
        "changed",
        "created",
        "date",
        "rotation",
        "updated",
        # A secret's ends or digest shown in its place (``api_key_last4``, read
        # ``api_key_last`` once its number goes; ``token_prefix``, ``key_fingerprint``,
        # ``password_masked``): what identifies it, not what opens anything.
        "first",
        "last",
        "last4",
        "prefix",
        "suffix",
        "fingerprint",
        "masked",
        # ``api_key_present``, ``token_missing``: whether one is there, a flag.
        "present",
        "exists",
        "missing",
        "provided",
        "configured",
        # ``cookie_consent``: whether a user agreed to cookies, a setting.
        "consent",
        "status",
        "percent",
        "rate",
        "ratio",
        "score",
        "share",
        "strength",
        "regex",
        "required",
        # ``authorization_response``, ``token_response``: a server's answer (its secrets
        # named by their own keys inside), not a credential.
        "response",
        # ``secret_santa``, ``secret_sauce``, ``secret_garden``: things, not credentials.
        "santa",
        "sauce",
        "garden",
        "scheme",
        "separator",
        "size",
        # Docker's ``credsStore``, Chrome's ``password_store``: where secrets are kept (a
        # helper's name, ``desktop``, ``basic``), not one.
        "store",
        "strategy",
        "timeout",
        "ttl",
        "type",
        "uri",
        "url",
        "user",
        "username",
        "var",
        "version",
        "vocab",
        # ``secret_word = "banana"`` (a guessing game's word), ``password_words``.
        "word",
        "words",
    }
)
# After ``token`` (NLP's word pieces), these name a text's tokens, not a credential:
# ``token_ids``, ``token_counts``, ``input_token_ids``, ``token_freq``. After another
# secret word they may still hold one (``session_ids``, ``password_list``).
TOKEN_QUALIFIERS: list[str] = sorted(
    {
        "counts",
        "freq",
        "freqs",
        "frequency",
        "frequencies",
        "id",
        "ids",
        "idx",
        "index",
        "indices",
        "lengths",
        "lens",
        "list",
        "lists",
        "logprobs",
        "mask",
        "offsets",
        "positions",
        "probs",
        "spans",
    }
)

# Before a last ``token`` (or ``tokens``), these name what is no credential: a page's
# cursor or a request's id (AWS's ``NextToken`` and ``ClientRequestToken``, Google's
# ``pageToken``/``nextPageToken``/``syncToken``, ``continuation_token``,
# ``idempotency_token``), or a tokenizer's special token (``pad_token``, ``eos_token``,
# ``additional_special_tokens``). Two words joined by "_" are read together
# (``client_request``); an OAuth ``request_token`` alone still names a credential.
TOKEN_NOT_CREDENTIAL_HEADS: list[str] = sorted(
    {
        *("next", "page", "next_page", "continuation", "pagination", "cursor", "sync"),
        *("resume", "idempotency", "client_request"),
        *("pad", "bos", "eos", "eot", "unk", "sep", "cls", "mask", "sos", "special"),
    }
)

# A text needs one of these (in its lower-case form), and "=" or ":" or a line starting
# with %env / export / set, for the assignment rules to be tried.
NAME_TRIGGERS: list[str] = [
    "pass",
    "_pat",
    "hubpat",
    "labpat",
    "pw",
    "secret",
    "token",
    "auth",
    "credential",
    "cred",
    "psw",
    "pssw",
    "pasw",
    "dsn",
    "cookie",
    "session",
    "bearer",
    "key",
    "otp",
    "conn",
    "sas",
    "sig",
    "salt",
    "hmac",
    "nonce",
    "psk",
    "shared",
    "security",
    # ``tok`` where it is a name (``?tok=``, ``tok = "…"``, ``"tok":``, a ``%whos`` row),
    # not inside ``stock`` or ``tokenize``: key-ish, random-looking values only.
    "tok=",
    "tok =",
    "tok:",
    'tok"',
    "tok'",
    "tok  ",
    # ``pat`` so too (a personal access token's; a pattern holds no random string).
    "pat=",
    "pat =",
    "pat:",
    'pat"',
    "pat'",
    "pat  ",
    # A variable passed where a credential goes by position (flows.py): ``login(u, pw)``,
    # ``simple_bind_s(dn, pw)``, ``f"{u}:{pw}@db"``.
    "login",
    "log_in",
    "signin",
    "sign_in",
    "bind",
    ":{",
    # A key's word in another language (key-ish: random values only).
    "sleutel",
    "clave",
    "chave",
    "chiave",
    "klucz",
    "nyckel",
    "appid",
    # Azure Speech's and Cognitive Services' key (key-ish: random values only).
    "subscription",
    # Calls whose first argument is a random-looking key (rules.RANDOM_KEY_CALLS), for a
    # variable passed to one (``av = "…"; TimeSeries(av)``).
    "timeseries(",
    "fundamentaldata(",
    "foreignexchange(",
    "cryptocurrencies(",
    "techindicators(",
    "sectorperformances(",
    "alphavantage(",
    "speechconfig(",
    "speechtranslationconfig(",
    # A client's or an API's class (rules.RANDOM_KEY_CALL_SUFFIX: ``AcmeClient(k)``).
    "client(",
    "api(",
]
# Words for a password or a key in other languages (``contraseña``, ``パスワード``): a
# table's, a record's or a call's name in another language is read as the others are.
NAME_TRIGGERS += [t for t in FOREIGN_TRIGGERS if t not in NAME_TRIGGERS]

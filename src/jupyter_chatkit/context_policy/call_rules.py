"""Which calls take a credential, and how: part of the table of :mod:`.rules`, rendered
into the TypeScript copy with the rest.

Callees whose positional literals are credentials (``login(user, pw)``,
``connect(host, user, pw)``), or a key (``Pinecone("…")``, a named client
``AcmeClient(k)``), or decode one (``bytes.fromhex("…")``); the secret-named callees that
fetch or name secrets rather than hold them (``get_secret("prod/db")``, ``Session("x")``);
the words that send a text to these rules. Read by :mod:`.calls` and :mod:`.flows`.
"""

from __future__ import annotations

# Callees (their last part, normalised like names) whose positional string literals
# after the first are credentials (the first is the user): login(user, password),
# BasicAuth(login, password), simple_bind_s(dn, password). Callees with a secret name
# (``Creds``, ``HTTPBasicAuth``, ``SecretStr``, ``set_password``) count too; with one
# argument only, that one is the secret.
CREDENTIAL_CALLS: list[str] = sorted(
    {
        # A client given a URL or an app's id, then the key (``Gitlab(url, token)``,
        # ``algoliasearch(app_id, admin_key)``).
        "algoliasearch",
        "gitlab",
        "authenticate",
        "bind",
        "bind_s",
        "log_in",
        "login",
        "sign_in",
        "signin",
        "simple_bind",
        "simple_bind_s",
        "starttls_login",
    }
)
# Callees (their last part, or their last two, normalised like names) whose first
# positional literal is a key whatever its shape (a UUID, hex): ``Pinecone("…")``,
# ``heroku3.from_key("…")``, ``wandb.login("…")``, ``OWM("…")``, ``Github("…")``.
KEY_CALLS: list[str] = sorted(
    {
        "azure_key_credential",
        "cognitive_services_credentials",
        "cohere.client",
        "cohere.client_v2",
        "deepgram_client",
        "fred",
        "from_key",
        "github",
        "huggingface_hub.login",
        "iam_authenticator",
        "mistral",
        "mistral_client",
        "news_api_client",
        "owm",
        "pinecone",
        "tavily_client",
        "together",
        "wandb.login",
    }
)
# Callees (their last part, normalised like names) whose first positional literal is a
# key when it looks random (their names are common words: ``TimeSeries("sales")`` stays):
# Alpha Vantage's clients, Azure Speech's configs (``SpeechConfig("<hex>", "westus")``).
RANDOM_KEY_CALLS: list[str] = sorted(
    {
        "alpha_vantage",
        "crypto_currencies",
        "foreign_exchange",
        "fundamental_data",
        "sector_performances",
        "speech_config",
        "speech_translation_config",
        "tech_indicators",
        "time_series",
    }
)
# A named client's or API's class (``AcmeClient``, ``WeatherAPI``, normalised
# ``acme_client``, ``weather_api``) is such a callee too: its first positional literal, or
# a variable passed there (``k = "…"; AcmeClient(k)``), is a key when it looks random. Not
# by position alone (``QdrantClient("localhost")``), nor a bare ``Client`` (``Client("<a
# client id's UUID>")``, ``bigquery.Client("my-project")``, ``Client("tcp://…:8786")``).
RANDOM_KEY_CALL_SUFFIX = r"[a-z0-9]_(?:client|api)$"
# Callees that decode a literal into the value they return (``bytes.fromhex("…")``,
# ``b64decode("…")``): set to a secret's name (``signing_key = bytes.fromhex("…")``), the
# literal is that secret, written another way.
DECODE_CALLS: list[str] = sorted(
    {
        "a2b_base64",
        "a2b_hex",
        "b16decode",
        "b32decode",
        "b64decode",
        "b85decode",
        "decodebytes",
        "fromhex",
        "standard_b64decode",
        "unhexlify",
        "urlsafe_b64decode",
    }
)
# What a call set to a name follows: ``name = ``, ``name=`` (a keyword), ``"name": ``.
# Group 1: the name.
ASSIGNED_BEFORE = r"([A-Za-z_][A-Za-z0-9_]*)['\"]?[ \t]*(?::=|=|:)[ \t]*(?![\s\S])"
# Words that let a text with no secret's name go to the call rules (``login(u, pw)``,
# ``Pinecone("…")``): the credential and key calls' words.
CALL_WORDS: list[str] = [
    *("login", "connect", "bind", "ftp", "redis", "sign"),
    *("pinecone", "owm(", "github(", "mistral", "fred(", "deepgram", "tavily", "newsapi"),
    *("together(", "gitlab(", "algoliasearch("),
    *("authenticator", "credential"),
    *("timeseries(", "fundamentaldata(", "foreignexchange(", "cryptocurrencies("),
    *("techindicators(", "sectorperformances(", "alphavantage(", "speechconfig("),
    "speechtranslationconfig(",
    *("client(", "api("),
]
# An environment variable's name (upper case) whose getter's default is its value when
# the name is key-ish (``os.environ.get("KAGGLE_KEY", "…")``).
ENV_VARIABLE_NAME = r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$"
# Callees whose positional literals from the third on are credentials:
# connect(host, user, password, db), FTP(host, user, passwd), Redis(host, port, db, pw).
CONNECT_CALLS: list[str] = sorted(
    {"connect", "connection", "ftp", "ftp_tls", "redis", "strict_redis", "mysql_connection"}
)
# Secret-named callees that fetch a secret by where it is (``get_secret("prod/db")``):
# their literals are paths and ids, not the secret.
GETTER_CALL = (
    r"^(?:get|load|fetch|read|lookup|find|list|delete|remove|has|check|validate|verify"
    r"|describe|rotate|revoke)_"
)
# Secret-named callees that name things about secrets, not hold them (``Session("x")``).
NON_CREDENTIAL_CALLS: list[str] = sorted({"session", "cookie", "cookies", "otp", "dsn"})

# A right-hand side that returns a secret whatever it is asked for (context_policy/getters):
# a prompt for one, or a secret store's getter (keyring, Databricks ``dbutils.secrets``,
# AWS Secrets Manager, Azure Key Vault, Google Secret Manager, HashiCorp Vault, Colab
# ``userdata``, Streamlit ``st.secrets``, Airflow's ``get_connection(...).password``).
# Python's own ``secrets`` module (``secrets.token_hex(16)``) makes a new random value, a
# nonce or an id as often as a password, and reads no credential kept anywhere: not one.
# Read from a value's start, case-insensitive.
SECRET_GETTER = (
    r"^(?:(?:getpass\.)?getpass[ \t]*\("
    r"|input[ \t]*\([ \t]*[rRuU]?['\"][^'\"\n]{0,80}?"
    r"(?:pass|secret|token|api[ _-]?key|\bpin\b|\botp\b|credential)[^'\"\n]{0,80}['\"]"
    r"|(?:[A-Za-z_][A-Za-z0-9_.]*\.)?(?:keyring\.get_password|secrets\.get|userdata\.get)"
    r"[ \t]*\("
    r"|(?:[A-Za-z_][A-Za-z0-9_.]*\.)?(?:get_secret(?:_value|_version)?|access_secret_version"
    r"|read_secret(?:_version)?|get_password)[ \t]*\("
    r"|(?:[A-Za-z_][A-Za-z0-9_.]*\.)?secrets[ \t]*\[|st\.secrets\.[A-Za-z_]"
    r"|(?:[A-Za-z_][A-Za-z0-9_.]*\.)?get_connection[ \t]*\([^()\n]{0,120}\)[ \t]*\.password\b)"
)
# A getter of a value by its name (the environment, Airflow's ``Variable``): a secret when
# the name is one (``os.getenv("DB_PASSWORD")``, not ``os.getenv("HOME")``). Group 1: the name.
NAMED_GETTER = (
    r"^(?:os\.)?(?:getenv[ \t]*\(|environ(?:\.get[ \t]*\(|[ \t]*\[)|Variable\.get[ \t]*\()"
    r"[ \t]*(?:key[ \t]*=[ \t]*)?[rRuU]?['\"]([^'\"\n]{1,120})['\"]"
)
# An assignment, per line: its targets (a name, or names unpacked; group 1) and its
# right-hand side (group 2).
GETTER_ASSIGNMENT = (
    r"^[ \t]*(\(?[ \t]*[A-Za-z_][A-Za-z0-9_]*(?:[ \t]*,[ \t]*[A-Za-z_][A-Za-z0-9_]*){0,7}"
    r"[ \t]*,?[ \t]*\)?)[ \t]*(?::[^=\n]{1,80})?=(?!=)[ \t]*([^\n]{1,400})"
)
# What a getter's value may be wrapped in and still be the secret (``str(getpass())``,
# ``(getpass())``, ``bytes(keyring.get_password(…), "utf-8")``): peeled before the getter
# is looked for. A call that makes another value of it (``len(…)``, ``hash(…)``) is none.
GETTER_WRAPPER = (
    r"^(?:\(|(?:str|bytes|bytearray|SecretStr|(?:[A-Za-z_][A-Za-z0-9_]*\.){0,2}quote(?:_plus)?)"
    r"[ \t]*\()[ \t]*"
)
# One more target of a chained assignment (``a = b = getpass()``: ``b = `` after ``a = ``).
CHAINED_TARGET = r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(?!=)[ \t]*"
# An assignment expression anywhere in a line (``if (pw := getpass()):``): its name and
# what follows it.
WALRUS_ASSIGNMENT = r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:=[ \t]*([^\n]{1,400})"
# Words one of the getters above holds: a source without any is not read for them.
GETTER_WORDS: list[str] = [
    "getpass", "input", "secret", "keyring", "userdata", "environ", "getenv", "Variable",
    "get_password", "get_connection",
]  # fmt: skip

# A shell line (``!curl ...``, ``%sx ...``, a ``%%bash`` cell), its commands, a command's
# leading ``NAME=value`` assignments and its program (group 1): read by shown.py's
# _client_call and redactnames.ts's clientCall.
SHELL_ESCAPE = r"^(?:!!?|%sx\b|%system\b)\s*"
SHELL_CELL = r"^\s*%%(?:bash|sh)\b"
SHELL_COMMANDS = r"\|\|?|&&|;"
COMMAND_ENV_PREFIX = r"^(?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^'\n]*'|\"[^\"\n]*\"|\S*)\s+)+"
COMMAND_PROGRAM = r"^(?:sudo\s+)?(?:\S*/)?([A-Za-z][A-Za-z0-9_.+-]*)"
# A credential passed to a client, as written, as the policy left it (markers) or as a
# variable's expansion: ``-u ana:'…'``, ``-p…``, ``--password=…``, ``-a …``, ``-H
# 'Authorization: Bearer …'``, ``://ana:…@``, a DSN's ``password=…`` (group 1: the key,
# a credential only when it names a secret: ``where name='…'`` in a query stays).
CLIENT_CREDENTIAL_ARG = (
    r"(?:(?<!\S)(?:-u|--user|--proxy-user|-a|--auth)(?:=|\s*)['\"]?[^\s'\":]{0,100}:"
    r"|(?<!\S)(?:-p|-a|--auth|--password|--passwd|--pass|--http-password)(?:=|\s*)"
    r"|(?<!\S)(?:-H|--header)(?:=|\s*)['\"]?[A-Za-z][A-Za-z0-9_-]{0,60}:[ \t]*"
    r"(?:(?:Bearer|Basic|Token|Digest)[ \t]+)?"
    r"|(?<![A-Za-z0-9_-])([A-Za-z_][A-Za-z0-9_]{0,60})=)"
    r"(?:'[^'\n]{0,300}'|\"[^\"\n]{0,300}\""
    r"|(?:«redacted: [^»\n]{0,80}»[ \t]?){1,3}|[^\s'\"]{1,300})"
    r"|://[^\s/@:'\"]{0,100}:(?:«redacted: [^»\n]{0,80}»|[^\s/@'\"]{1,300})@"
)
# A client reading a secret store answers with its secrets: its line is read whole
# (matched ignoring case).
SECRET_STORE_COMMAND = r"vault|secretsmanager|keyvault|/kv/|ssm"
# Clients that send a credential passed to them and print the server's answer, never the
# credential itself: the answer of ``curl -u ana:'«…»' URL`` is ordinary output.
CREDENTIAL_CLIENTS: list[str] = [
    "curl", "wget", "http", "https", "xh", "mysql", "psql", "mongosh", "mongo", "redis-cli",
    "sqlcmd", "clickhouse-client", "snowsql", "pg_dump", "mysqldump", "ldapsearch",
]  # fmt: skip

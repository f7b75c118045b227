"""Every setting of jupyter-chatkit, declared once as traitlets.

:class:`JupyterChatKit` is a plain :class:`traitlets.config.Configurable`: the server
extension reads it from Jupyter's config (``c.JupyterChatKit.model = ...`` in
``jupyter_server_config.py``, or ``--JupyterChatKit.model=...``), the kernel side and
the ``jupyter chatkit`` command build one the same way, and each option falls back to an
environment variable the jupyter_server way (a ``*_env`` name plus a ``@default``).
``jupyter chatkit --help-all`` lists them all.

The core only reads attributes, so it is transport-free; ``Settings`` is the name the
core and the tests use for the same class.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

from traitlets import (
    Bool,
    CaselessStrEnum,
    Dict,
    Float,
    Int,
    List,
    TraitError,
    Unicode,
    Union,
    default,
    validate,
)
from traitlets.config import Configurable

from .logs import URL_USERINFO
from .settings_lists import lists_read

Api = Literal["responses", "chat_completions"]

ENV_MODEL = "JUPYTER_CHATKIT_MODEL"
ENV_API = "JUPYTER_CHATKIT_API"
ENV_BASE_URL = "OPENAI_BASE_URL"
ENV_API_KEY = "OPENAI_API_KEY"
ENV_STORE_URL = "JUPYTER_CHATKIT_STORE_URL"
ENV_REDACT_SECRETS = "JUPYTER_CHATKIT_REDACT_SECRETS"
ENV_REDACT_PATTERNS = "JUPYTER_CHATKIT_REDACT_PATTERNS"
ENV_MODELS = "JUPYTER_CHATKIT_MODELS"
# The provider settings' environment variables, by setting (JupyterChatKit.where).
ENV_NAMES = {"model": ENV_MODEL, "api": ENV_API, "base_url": ENV_BASE_URL, "api_key": ENV_API_KEY}
# In ``models``: any model the provider's ``GET /models`` lists.
ANY_PROVIDER_MODEL = "*"

DEFAULT_OPENAI_MODEL = "gpt-4.1-mini"
OFFLINE_MODEL = "offline"
# How new conversations get a title (title_threads); True and False read as model / off.
TITLE_MODES = ("local", "model", "off")
MiB = 1024 * 1024


def default_sqlite_path() -> Path:
    """``<jupyter_data_dir()>/jupyter_chatkit/chat.sqlite3``, where chats live by default."""
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "jupyter_chatkit" / "chat.sqlite3"


# A PostgreSQL store's driver is an extra: without it the server cannot open the store.
STORE_DRIVER_MISSING = (
    "The conversation store is PostgreSQL (JUPYTER_CHATKIT_STORE_URL or "
    "c.JupyterChatKit.store_url), which needs asyncpg: run pip install "
    "'jupyter-chatkit[postgres]' in the environment Jupyter runs from, then restart Jupyter."
)


def is_postgres_url(store_url: str) -> bool:
    """Whether a store URL names PostgreSQL (``postgresql://``, ``postgres://``,
    ``postgresql+asyncpg://``), read from its scheme alone (never echoing the URL)."""
    scheme = store_url.strip().split("://", 1)[0].lower()
    return "://" in store_url and scheme in ("postgresql", "postgres", "postgresql+asyncpg")


def _env(name: str) -> str:
    return os.environ.get(name, "").strip()


class JupyterChatKit(Configurable):
    """jupyter-chatkit: model, provider, store and limits of the notebook assistant."""

    model_env = ENV_MODEL
    model = Unicode(
        config=True,
        help=f"Model name. Empty: {DEFAULT_OPENAI_MODEL} on OpenAI; '{OFFLINE_MODEL}' (the "
        f"built-in demo model) when neither api_key nor base_url is set. Env: {ENV_MODEL}.",
    )

    models_env = ENV_MODELS
    models = List(
        Unicode(),
        config=True,
        help=f"Models people may pick per conversation in the chat's header, besides "
        f"'model' (the allow-list: the server refuses any other). Empty: only 'model'. "
        f"'{ANY_PROVIDER_MODEL}': any model the provider's /models endpoint lists. "
        f"Env: {ENV_MODELS} (comma-separated).",
    )

    api_env = ENV_API
    api = CaselessStrEnum(
        ["", "responses", "chat_completions"],
        default_value="",
        config=True,
        help=f"Which OpenAI API to call: 'responses' (OpenAI) or 'chat_completions' (any "
        f"OpenAI-compatible server). Empty: chat_completions when base_url is set, else "
        f"responses. Env: {ENV_API}.",
    )

    base_url_env = ENV_BASE_URL
    base_url = Unicode(
        config=True,
        help=f"Base URL of an OpenAI-compatible server, e.g. http://localhost:11434/v1 for "
        f"Ollama. Env: {ENV_BASE_URL}.",
    )

    api_key_env = ENV_API_KEY
    api_key = Unicode(
        config=True,
        help=f"API key of the model provider. It stays on the server: never sent to the "
        f"browser, a notebook, a log or the model. Env: {ENV_API_KEY}.",
    )

    store_url_env = ENV_STORE_URL
    store_url = Unicode(
        config=True,
        help=f"Where conversations are kept: empty for SQLite in the Jupyter data dir, "
        f"sqlite:///path, or postgresql://user:pass@host/db (needs the [postgres] extra). "
        f"Env: {ENV_STORE_URL}.",
    )

    store_pool_size = Int(
        5,
        config=True,
        help="PostgreSQL connections each Jupyter server keeps open. Each server holds up "
        "to store_pool_size + store_max_overflow; PostgreSQL allows 100 by default "
        "(see README, Deploying on JupyterHub).",
    )
    store_max_overflow = Int(
        10, config=True, help="PostgreSQL connections opened beyond store_pool_size when busy."
    )
    store_pool_recycle = Int(
        -1,
        config=True,
        help="Seconds after which a PostgreSQL connection is replaced (-1: never); set it "
        "below a firewall's or PgBouncer's idle timeout.",
    )
    store_pool_pre_ping = Bool(
        True,
        config=True,
        help="Check a pooled PostgreSQL connection before using it (replaces dropped ones).",
    )
    store_pool_timeout = Float(
        30.0,
        config=True,
        help="Seconds a request waits for a free PostgreSQL connection before people are "
        "told the conversation store is unavailable.",
    )
    store_lock_timeout = Float(
        10.0,
        config=True,
        help="Seconds a write waits for a lock another process holds (SQLite: the file's "
        "write lock, held by a kernel with its own store, a backup, sqlite3 at a shell; "
        "PostgreSQL: a row or table another session locked, another server migrating), "
        "before the request is answered 503 (JSON, Retry-After) and a streamed turn gets "
        "an error event; nothing already stored is lost. Only the database's wait counts, "
        "never time queued behind this server's own work. On PostgreSQL reads are bounded "
        "too (they wait only behind a table's exclusive lock: LOCK TABLE, VACUUM FULL, a "
        "migration). A server starting while the "
        "lock is held answers reads; when the store must first be created or migrated it "
        "says it is waiting for the store and retries in the background.",
    )

    instructions = Unicode(
        "", config=True, help="Extra instructions appended to the assistant's system prompt."
    )
    history_max_items = Int(
        60,
        config=True,
        help="At most this many thread items are sent to the model, the current turn's "
        "among them: its request and steps are always sent (even past it), earlier items "
        "fill what is left.",
    )
    history_max_tokens = Int(
        24_000,
        config=True,
        help="Approximate token budget of the history sent to the model (over it, older "
        "turns are dropped first, then the current answer's older step outputs shortened).",
    )
    request_timeout = Float(120.0, config=True, help="Seconds before a model request times out.")
    max_retries = Int(1, config=True, help="Retries of a failed model request.")
    tracing = Bool(
        False,
        config=True,
        help="Send openai-agents traces to OpenAI's platform (OpenAI provider only; off by "
        "default).",
    )
    title_threads = Union(
        [Bool(), CaselessStrEnum(TITLE_MODES)],
        default_value="local",
        config=True,
        help="How a new conversation gets its title: 'local' (the first words of the first "
        "message, at once, no model call), 'model' (also True: the model writes one after "
        "the first answer, one more model call per conversation) or 'off' (also False).",
    )
    redact_secrets_env = ENV_REDACT_SECRETS
    redact_secrets = Bool(
        config=True,
        help="Hide credentials (by name and by key shape) in everything the assistant "
        "reads before it reaches the model; the configured keys are hidden even when "
        f"off. Env: {ENV_REDACT_SECRETS} (true/false).",
    )
    redact_patterns_env = ENV_REDACT_PATTERNS
    redact_patterns = List(
        Unicode(),
        config=True,
        help="Extra regular expressions whose matches are hidden from the model, e.g. "
        f"[r'ACME-[0-9]{{8}}']. Env: {ENV_REDACT_PATTERNS} (one pattern per line).",
    )
    agent_max_steps = Int(
        10,
        config=True,
        help="Agent mode: at most this many notebook steps (insert, edit, run a cell) per "
        "turn; then the assistant stops and says what is left.",
    )
    agent_auto_approve = Bool(
        False,
        config=True,
        help="Agent mode: apply inserts and edits without asking (they can be undone). "
        "Running a cell always asks, unless the person turns on auto-run for a thread.",
    )
    max_request_bytes = Int(
        2_000_000, config=True, help="Largest ChatKit request body accepted, in bytes."
    )
    max_new_threads_per_minute = Int(
        0,
        config=True,
        help="New conversations one user may start in any minute (0, the default: no "
        "limit); past it a new conversation is refused with an error saying when to try "
        "again. For a server or store several users share: bounds one user, or a script "
        "with their token, filling it. Off by default: a notebook or script asking in "
        "new conversations in a loop is ordinary use of one's own server.",
    )
    max_upload_bytes = Int(
        20 * MiB, config=True, help="Largest attachment accepted, in bytes (default 20 MiB)."
    )
    mcp_servers = Dict(
        config=True,
        help="Agent mode: MCP servers whose tools the assistant may use, by name: "
        "{'docs': {'command': 'uvx', 'args': ['my-mcp'], 'env': {...}}} (stdio) or "
        "{'search': {'url': 'https://host/mcp', 'headers': {...}}} (streamable HTTP); "
        "each may set 'tools' (only these are offered), 'allowed_tools' (these run "
        "without asking; ['*']: all) and 'timeout' (seconds, default 30). Every other "
        "call waits for the person's approval. env and header values stay on the server.",
    )

    def _load_config(self, cfg: Any, section_names: Any = None, traits: Any = None) -> None:
        super()._load_config(lists_read(cfg, self), section_names, traits)

    @validate("mcp_servers")
    def _check_mcp_servers(self, proposal: Any) -> dict[str, Any]:
        # Checked at start, so a typo is named in the server log, not at the first turn.
        from .assistant.mcp_config import parse_servers

        try:
            parse_servers(proposal["value"])
        except ValueError as exc:
            raise TraitError(str(exc)) from None
        return dict(proposal["value"])

    @validate("model", "base_url", "api_key")
    def _strip(self, proposal: Any) -> str:
        # As the environment's values are (_env): a key read from a file in a config
        # (open("key.txt").read()) keeps its line end, which no HTTP header or URL may
        # carry; every request then failed as if the server could not be reached.
        return str(proposal["value"]).strip()

    @default("model")
    def _default_model(self) -> str:
        return _env(self.model_env)

    @default("models")
    def _default_models(self) -> list[str]:
        return [name.strip() for name in _env(self.models_env).split(",") if name.strip()]

    @default("api")
    def _default_api(self) -> str:
        value = _env(self.api_env).lower()
        if value not in ("", "responses", "chat_completions"):
            raise TraitError(
                f"{self.api_env} must be 'responses' or 'chat_completions', not {value!r}"
            )
        return value

    @default("base_url")
    def _default_base_url(self) -> str:
        return _env(self.base_url_env)

    @default("api_key")
    def _default_api_key(self) -> str:
        return _env(self.api_key_env)

    @default("store_url")
    def _default_store_url(self) -> str:
        return _env(self.store_url_env)

    @default("redact_secrets")
    def _default_redact_secrets(self) -> bool:
        return _env(self.redact_secrets_env).lower() not in ("0", "false", "no", "off")

    @default("redact_patterns")
    def _default_redact_patterns(self) -> list[str]:
        return [p for p in os.environ.get(self.redact_patterns_env, "").splitlines() if p.strip()]

    def where(self, name: str) -> str:
        """Where the provider setting ``name`` ("base_url", one of :data:`ENV_NAMES`) is
        set, for a message to say what to check: ``c.JupyterChatKit.base_url`` when the
        config (or the command line) sets it, else its environment variable. Never its
        value."""
        env = ENV_NAMES[name]
        configured = self.config.get(type(self).__name__, {})
        if name in configured:
            return f"c.{type(self).__name__}.{name}"
        # (api reads its variable lowercased: _default_api.)
        from_env = _env(env).lower() if name == "api" else _env(env)
        try:
            value = getattr(self, name)
        except TraitError:
            return env  # the environment's value is refused (_default_api)
        if value != from_env:
            return f"c.{type(self).__name__}.{name}"
        return env

    def refused_setting(self) -> tuple[str, str] | None:
        """The first setting whose value is refused, and why (its source named), or None.

        Reads every setting: a default read from the environment is checked only when
        first read (``JUPYTER_CHATKIT_API=chat``); the config's values were checked when
        this instance was built. Every other setting is read all the same.
        """
        refused = None
        for name in self.trait_names(config=True):
            try:
                getattr(self, name)
            except (TraitError, ValueError) as exc:
                if refused is None:
                    env = getattr(self, f"{name}_env", "the config")
                    source = self.where(name) if name in ENV_NAMES else env
                    refused = (name, f"{exc} (set in {source})")
        return refused

    def __repr__(self) -> str:
        # Never the key, never a store password: reprs end up in logs and tracebacks.
        return (
            f"JupyterChatKit(model={self.effective_model!r}, provider={self.provider!r}, "
            f"store={redact_url(self.store_url) or 'sqlite (default)'!r})"
        )

    def values(self) -> dict[str, Any]:
        """Every configurable value (the key included: for building another instance)."""
        return {name: getattr(self, name) for name in self.trait_names(config=True)}

    def cache_key(self) -> tuple[tuple[str, Any], ...]:
        """A hashable snapshot: two instances with equal keys behave the same."""
        return tuple((name, _hashable(value)) for name, value in sorted(self.values().items()))

    @property
    def configured_secrets(self) -> list[str]:
        """Every secret value configured here, removed by exact value from answers and
        logs: the API key, the provider URL's and the store URL's credentials (of 6+
        characters, as the context policy hides them: a shorter one would cut ordinary
        words) and the MCP servers' secrets."""
        in_urls = [
            secret
            for url in (self.base_url, self.store_url)
            for secret in url_credentials(url)
            if len(secret) >= 6
        ]
        return [self.api_key, *in_urls, *self.mcp_secrets]

    @property
    def mcp_secrets(self) -> list[str]:
        """The MCP servers' env and header values (and URL credentials): never shown."""
        if not self.mcp_servers:
            return []
        from .assistant.mcp_config import parse_servers

        return [s for config in parse_servers(self.mcp_servers) for s in config.secrets()]

    @property
    def mcp_credentials(self) -> list[str]:
        """The :attr:`mcp_secrets` that are credentials: hidden also when printed in part."""
        if not self.mcp_servers:
            return []
        from .assistant.mcp_config import parse_servers

        return [s for config in parse_servers(self.mcp_servers) for s in config.credentials()]

    @property
    def title_mode(self) -> str:
        """``local``, ``model`` or ``off``: :attr:`title_threads`, with True and False read."""
        value = self.title_threads
        if isinstance(value, bool):
            return "model" if value else "off"
        return str(value).lower()

    @property
    def offline(self) -> bool:
        """True when no LLM is configured (or the model is named ``offline``)."""
        if self.model == OFFLINE_MODEL:
            return True
        return not self.api_key and not self.base_url

    @property
    def provider(self) -> str:
        """A human name for the provider, safe to show (never a secret)."""
        if self.offline:
            return "offline"
        if self.base_url:
            return "openai-compatible"
        return "openai"

    @property
    def effective_api(self) -> Api:
        """The API to call: explicit setting, else chat completions for custom base URLs."""
        if self.api:
            return self.api
        return "chat_completions" if self.base_url else "responses"

    @property
    def effective_model(self) -> str:
        """The model name that will be used."""
        if self.offline:
            return OFFLINE_MODEL
        return self.model or DEFAULT_OPENAI_MODEL

    @property
    def allowed_models(self) -> list[str]:
        """The model names people may pick: ``effective_model`` first, then ``models``.

        Without ``*``; the offline demo model allows nothing else.
        """
        names = [self.effective_model]
        if not self.offline:
            names += [m for m in self.models if m != ANY_PROVIDER_MODEL and m not in names]
        return names

    @property
    def any_provider_model(self) -> bool:
        """True when ``models`` holds ``*`` (the provider's own list decides)."""
        return not self.offline and ANY_PROVIDER_MODEL in self.models

    def public(self) -> dict[str, object]:
        """What may be shown to a browser: names only, no key, no URL credentials."""
        return {
            "model": self.effective_model,
            "provider": self.provider,
            "api": None if self.offline else self.effective_api,
            "offline": self.offline,
            "models": self.allowed_models,
            "agent": {
                "max_steps": self.agent_max_steps,
                "auto_approve": self.agent_auto_approve,
            },
        }


def _hashable(value: Any) -> Any:
    """A setting's value as a hashable key part (lists and dicts as tuples / JSON)."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return value


# The core's name for the same class.
Settings = JupyterChatKit


def url_credentials(url: str) -> list[str]:
    """The secrets a URL carries: in its userinfo, its password or a bare token user
    (``https://sk-...@proxy/v1``), and in its query or fragment, the values of parameters
    with a secret's name (``?api-key=``, ``?key=``, ``?token=``, as the context policy
    names them); each as written and percent-decoded (the HTTP client sends ``p%40ss`` as
    ``p@ss``, and a notebook may hold either). None for a URL without credentials or
    unparsable."""
    # A password holding "/", "?" or "#" unescaped, as SQLAlchemy reads a store URL's
    # (up to the "@"): urlsplit ends the userinfo at that character.
    lenient = URL_USERINFO.match(url.strip())
    user, colon, password = lenient["userinfo"].partition(":") if lenient else ("", "", "")
    found = [value for value in (password if colon else user,) if value]
    if "@" in url and "://" not in url:
        # No scheme to read (postgresql//u:p@db, a typo): the password after the last
        # ":" before the last "@", as redact_url hides it.
        before, colon, password = url.strip().rpartition("@")[0].rpartition(":")
        found += [password] if colon and before and password else []
    try:
        parts = urlsplit(url.strip())
        secret = parts.password or parts.username
    except ValueError:  # e.g. an unclosed "[" in the host
        return found
    found += [secret] if secret else []
    for part in (parts.query, parts.fragment):
        found += [value for _name, value in _secret_fields(part)]
    return list(dict.fromkeys(form for value in found for form in (value, unquote(value))))


def split_query(url: str) -> tuple[str, dict[str, str | list[str]]]:
    """``url`` without its query and fragment, and the query's parameters (decoded; a
    repeated one as a list): ``https://x.openai.azure.com/openai?api-key=K`` gives
    ``https://x.openai.azure.com/openai`` and ``{"api-key": "K"}``. For an HTTP client
    that appends a request's path to its base URL and sends its own query parameters."""
    if "?" not in url and "#" not in url:
        return url, {}
    parts = urlsplit(url)
    params: dict[str, str | list[str]] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        before = params.get(name)
        if before is None:
            params[name] = value
        else:
            params[name] = [*before, value] if isinstance(before, list) else [before, value]
    return urlunsplit(parts._replace(query="", fragment="")), params


def redact_url(url: str) -> str:
    """``url`` with its password, or a user without one, and the values of its secret
    query parameters replaced by ``***`` (safe to print): ``postgresql://ada:***@db``,
    ``https://***@proxy/v1``, ``https://x.openai.azure.com/openai?api-key=***``."""

    def hide(match: re.Match[str]) -> str:
        user, colon, _ = match["userinfo"].partition(":")
        if colon:
            return f"{match['scheme']}{user}:***@"
        return f"{match['scheme']}***@" if user else match[0]

    if "@" in url and "://" not in url:
        # No scheme to read (postgresql//u:p@db, a typo): all before the last "@" may
        # be a password.
        return f"***@{url.rpartition('@')[2]}"
    # The logs' pattern: linear, and a password holding "@" is hidden whole.
    shown = URL_USERINFO.sub(hide, url)
    if "?" not in shown and "#" not in shown:
        return shown
    before, hash_mark, fragment = shown.partition("#")
    path, question_mark, query = before.partition("?")
    return f"{path}{question_mark}{_hide_fields(query)}{hash_mark}{_hide_fields(fragment)}"


def _fields(text: str) -> list[str]:
    """A query's ``name=value`` fields and the ``&`` / ``;`` between them, in order."""
    return re.split(r"([&;])", text)


def _secret_fields(text: str) -> list[tuple[str, str]]:
    """The ``(name, value)`` fields of a query or fragment whose name is a secret's."""
    pairs = [field.partition("=") for field in _fields(text) if "=" in field]
    return [(name, value) for name, _, value in pairs if value and secret_query_name(name)]


def _hide_fields(text: str) -> str:
    """``text`` (a query or fragment) with its secret fields' values replaced by ``***``."""
    hidden = {name for name, _value in _secret_fields(text)}
    shown = []
    for field in _fields(text):
        name, equals, value = field.partition("=")
        shown.append(f"{name}=***" if equals and value and name in hidden else field)
    return "".join(shown)


def secret_query_name(name: str) -> bool:
    """True when a URL query parameter's name marks a secret (``api-key``, ``key``,
    ``token``, ``sig``): the context policy's secret names and its query rules."""
    # Imported here: the policy's tables cost ~0.2 s, and most URLs carry no query.
    from .context_policy.names import is_secret_name
    from .context_policy.prepared import compile_rules

    plain = unquote(name.replace("+", " "))
    if is_secret_name(plain):
        return True
    probe = f"?{plain}=x"
    return any(
        rule.pattern.fullmatch(probe) is not None
        for rule in compile_rules(()).value_rules
        if rule.kind == "query secret" and not (rule.password or rule.random)
    )

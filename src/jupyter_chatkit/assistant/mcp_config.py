"""The MCP servers a site configures (``c.JupyterChatKit.mcp_servers``), checked once.

No agents, chatkit or mcp imports here: the settings validate with it at start, and
``jupyter chatkit`` lists the servers without loading the MCP stack.

A server is ``{"command": ..., "args": [...], "env": {...}, "cwd": ...}`` (stdio) or
``{"url": ..., "headers": {...}}`` (streamable HTTP), plus ``tools`` (only these are
offered; default all), ``allowed_tools`` (these run without asking; ``["*"]``: all) and
``timeout`` (seconds to start and per call), and ``secret_env`` (env names whose values
are secrets whatever their names; ``["*"]``: all).

Secrets go to the MCP server and nowhere else (not the browser, a log or the model):
every header value (and, for ``Authorization: Bearer xyz``, the credential ``xyz`` on
its own, which a server may echo), a URL's password (or bare token user), query values
and path segments that read as a token (a Zapier-style
``https://mcp.example.com/s/<secret>/mcp``), the values of env variables whose name
looks secret (``KEY``, ``TOKEN``, ``SECRET``, ``PASSWORD``, ``AUTH``, ``CREDENTIAL``, ...
as in the context policy's name rule) or is listed in ``secret_env``, and the same in a
stdio server's arguments (``--api-key X``, ``--token=X``, ``-e GITHUB_TOKEN=X``,
``--header "Authorization: Bearer X"``, a URL as above: ``npx mcp-remote <url>``).
Other env values (paths, flags, URLs) are settings, not secrets: scrubbing them would
mangle every answer that mentions such a path. :meth:`McpServerConfig.describe`, what a
person is shown, names a URL by its scheme and host only, a command by its file name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..logs import URL_USERINFO

# Server names become part of tool names the model sees (^[a-zA-Z0-9_-]{1,64}$).
SERVER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
KEYS = {
    "command",
    "args",
    "env",
    "cwd",
    "url",
    "headers",
    "tools",
    "allowed_tools",
    "timeout",
    "secret_env",
}
DEFAULT_TIMEOUT = 30.0
ALL_TOOLS = "*"
# Env names whose values are secrets: the context policy's name rule, plus a name part
# KEY / KEYS (MCP_FIXTURE_KEY, GITHUB_PAT_KEY), which that rule leaves to known prefixes.
_KEY_PART = re.compile(r"(?:^|_)keys?(?:_|$)")
# "Bearer xyz", "Basic eHl6", "token xyz": an auth scheme, then the credential.
_AUTH_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9_-]*\s+(\S+)\s*$")
# A URL path segment that reads as a token (/s/<secret>/mcp, a UUID): this long, with
# digits and letters, or longer still. A word-like segment (/mcp, /v1, /github-server)
# is not one.
_TOKEN_CHARS = 16
_LONG_TOKEN_CHARS = 32


def secret_env_name(name: str) -> bool:
    """True when an env variable's name says its value is a secret."""
    from ..context_policy.redact import is_secret_name, normalize_name

    return is_secret_name(name) or _KEY_PART.search(normalize_name(name)) is not None


@dataclass(frozen=True)
class McpServerConfig:
    """One configured MCP server."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    cwd: str = ""
    url: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    # None: every tool the server lists.
    tools: frozenset[str] | None = None
    allowed_tools: frozenset[str] = field(default_factory=frozenset)
    timeout: float = DEFAULT_TIMEOUT
    # Env names whose values are secrets whatever their names ("*": every env value).
    secret_env: frozenset[str] = field(default_factory=frozenset)

    @property
    def transport(self) -> str:
        """``stdio`` or ``http``."""
        return "http" if self.url else "stdio"

    def offers(self, tool: str) -> bool:
        """True when the model may see ``tool`` of this server."""
        return self.tools is None or tool in self.tools

    def runs_unasked(self, tool: str) -> bool:
        """True when ``tool`` is allow-listed: it runs without an approval card."""
        return ALL_TOOLS in self.allowed_tools or tool in self.allowed_tools

    def secrets(self) -> list[str]:
        """Values that must not leave the server: header values (and the credential after
        an auth scheme), URL credentials, env values whose name looks secret or is listed
        in ``secret_env``."""
        return self._configured_values(credentials_only=False)

    def credentials(self) -> list[str]:
        """The :meth:`secrets` that are credentials (a secret-named env value, a header
        named like Authorization or X-API-Key, the credential after an auth scheme, the
        URL's password, a secret-named query value): hidden also when printed in part.
        The rest (``Accept: application/json``, a path in the URL) is hidden only whole."""
        return self._configured_values(credentials_only=True)

    def _configured_values(self, *, credentials_only: bool) -> list[str]:
        values = [
            v
            for k, v in self.env
            if ALL_TOOLS in self.secret_env or k in self.secret_env or secret_env_name(k)
        ]
        # A URL's credentials under any name (DATABASE_URL=postgresql://u:p@db/app).
        for _name, value in self.env:
            if URL_USERINFO.match(value.strip()):
                values += _url_secrets(value.strip(), credentials_only=True)
        for name, value in self.headers:
            if not credentials_only or secret_env_name(name):
                values.append(value)
            values += _after_auth_scheme(value)
        if self.url:
            values += _url_secrets(self.url, credentials_only=credentials_only)
        values += _argument_secrets(self.args, credentials_only=credentials_only)
        return list(dict.fromkeys(v for v in values if v))

    def describe(self) -> str:
        """What it is, safe to show a person: a URL's scheme and host (its path and query
        may hold a token), or the command's file name (its arguments may)."""
        if self.url:
            return f"streamable HTTP {_origin(self.url)}"
        return f"stdio {self.command.rsplit('/', 1)[-1]}"

    def __repr__(self) -> str:
        # The dataclass's own repr would print env, headers, URL and arguments whole.
        return f"McpServerConfig(name={self.name!r}, {self.describe()})"


def _after_auth_scheme(value: str) -> list[str]:
    """The credential of ``Bearer xyz`` (a server may echo it on its own), if any."""
    credential = _AUTH_SCHEME.match(value)
    return [credential.group(1)] if credential else []


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``: no credentials, path or query."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "(a URL that cannot be read)"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}:{port}" if port else f"{parts.scheme}://{host}"


def _token_like(text: str) -> bool:
    """True for a URL path segment that reads as a token, not a word."""
    if len(text) >= _LONG_TOKEN_CHARS:
        return True
    digits = sum(c.isdigit() for c in text)
    letters = sum(c.isalpha() for c in text)
    return len(text) >= _TOKEN_CHARS and digits >= 2 and letters >= 4


def _url_secrets(url: str, *, credentials_only: bool) -> list[str]:
    """A URL's password (or bare token user), its query values (when ``credentials_only``
    those named like secrets) and its path segments that read as tokens; each as written
    and percent-decoded."""
    # A password holding "/", "?" or "#" unescaped, read up to the "@" (as a database
    # driver does): urlsplit ends the userinfo at that character.
    lenient = URL_USERINFO.match(url.strip())
    user, colon, password = lenient["userinfo"].partition(":") if lenient else ("", "", "")
    found = [value for value in (password if colon else user,) if value]
    try:
        parts = urlsplit(url)
        userinfo = parts.password or parts.username
    except ValueError:
        return found
    found += [userinfo] if userinfo else []
    found += [v for k, v in parse_qsl(parts.query) if not credentials_only or secret_env_name(k)]
    found += [segment for segment in parts.path.split("/") if _token_like(unquote(segment))]
    return list(dict.fromkeys(form for value in found for form in (value, unquote(value))))


# An option named like a secret whose value is not one: where the secret is, or what
# kind (``--token-file PATH``, ``--api-key-env GITHUB_TOKEN``, ``--auth-type bearer``).
_NOT_THE_SECRET = ("_file", "_path", "_dir", "_env", "_var", "_name", "_type", "_url")


def _secret_option(name: str) -> bool:
    """True when an option or assignment named ``name`` carries a secret as its value."""
    from ..context_policy.redact import normalize_name

    return secret_env_name(name) and not normalize_name(name).endswith(_NOT_THE_SECRET)


def _argument_secrets(args: tuple[str, ...], *, credentials_only: bool) -> list[str]:
    """What a stdio server's arguments carry as secrets: the value of a secret-named
    option (``--api-key X``, ``--token=X``), assignment (``GITHUB_TOKEN=X``) or header
    (``Authorization: Bearer X``), and a URL's secrets."""
    values: list[str] = []
    for i, arg in enumerate(args):
        # Any scheme with a userinfo too: the Postgres server takes postgresql://u:p@db.
        if arg.startswith(("http://", "https://")) or URL_USERINFO.match(arg):
            values += _url_secrets(arg, credentials_only=credentials_only)
            continue
        bare = arg.lstrip("-")
        for sep in ("=", ":"):
            name, found, value = bare.partition(sep)
            if found and name and _secret_option(name.strip()) and value.strip():
                values += [value.strip(), *_after_auth_scheme(value)]
                break
        else:
            following = args[i + 1] if i + 1 < len(args) else ""
            if arg.startswith("-") and _secret_option(bare) and not following.startswith("-"):
                values.append(following)
    return values


def parse_servers(value: Any) -> list[McpServerConfig]:
    """The servers of ``mcp_servers`` (a dict: name -> server); ValueError says what is wrong.

    The messages name the server and the key, never a value (values may be secrets).
    """
    if value is None:
        return []
    if not isinstance(value, Mapping):
        raise ValueError("mcp_servers must be a dict of server name -> server settings.")
    return [_parse_one(name, spec) for name, spec in value.items()]


def _parse_one(name: Any, spec: Any) -> McpServerConfig:
    if not isinstance(name, str) or not SERVER_NAME.match(name):
        raise ValueError(
            "mcp_servers: a server name must be 1-24 letters, digits, '_' or '-' "
            f"(got {str(name)[:40]!r})."
        )
    where = f"mcp_servers[{name!r}]"
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where} must be a dict with 'command' or 'url'.")
    unknown = sorted(str(k) for k in spec if k not in KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(KEYS))})."
        )
    command, url = spec.get("command"), spec.get("url")
    if bool(command) == bool(url):
        raise ValueError(f"{where} needs exactly one of 'command' (stdio) or 'url' (HTTP).")
    if url is not None:
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"{where}: 'url' must be an http:// or https:// URL.")
        for key in ("args", "env", "cwd", "secret_env"):
            if key in spec:
                raise ValueError(f"{where}: {key!r} is for stdio servers (with 'command').")
    elif "headers" in spec:
        raise ValueError(f"{where}: 'headers' is for HTTP servers (with 'url').")
    if command is not None and not isinstance(command, str):
        raise ValueError(f"{where}: 'command' must be a string.")
    tools = spec.get("tools")
    timeout = spec.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 600:
        raise ValueError(f"{where}: 'timeout' must be a number of seconds in (0, 600].")
    return McpServerConfig(
        name=name,
        command=command or "",
        args=tuple(_strings(spec.get("args", []), f"{where}['args']")),
        env=_pairs(spec.get("env", {}), f"{where}['env']"),
        cwd=_string(spec.get("cwd", ""), f"{where}['cwd']"),
        url=url or "",
        headers=_pairs(spec.get("headers", {}), f"{where}['headers']"),
        tools=None if tools is None else frozenset(_strings(tools, f"{where}['tools']")),
        allowed_tools=frozenset(
            _strings(spec.get("allowed_tools", []), f"{where}['allowed_tools']")
        ),
        timeout=float(timeout),
        secret_env=frozenset(_strings(spec.get("secret_env", []), f"{where}['secret_env']")),
    )


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string.")
    return value


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a list of strings.")
    return list(value)


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{where} must be a dict of strings to strings.")
    return tuple(sorted(value.items()))

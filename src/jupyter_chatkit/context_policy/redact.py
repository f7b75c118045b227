"""Secrets never reach the model: redaction by name, by value shape and by exact value.

One :class:`Redactor` applies the table of :mod:`.rules` and counts what it hid. It works
on plain text (cell sources, outputs, messages, reprs) and on JSON-ready data (tool
results), where a key such as ``"password"`` marks its value as secret. The configured
API keys are removed by exact value even when redaction is switched off.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .errors import strip_ansi

# Configured values are hidden however short, above this floor (shorter ones would
# replace pieces of ordinary words); the same floor as assistant/scrub.py.
MIN_EXACT_CHARS = 4
# No rule matches a shorter text (the shortest is an assignment like ``pwd='ab'``).
MIN_SECRET_TEXT = 7
_VALUE_TRIGGERS = tuple(rules.VALUE_TRIGGERS)
_NAME_TRIGGERS = tuple(rules.NAME_TRIGGERS)
_BARE_PREFIXES = ("%env", "%set_env", "export", "set ")
# Keys of tool results whose values are type names, never user data: not scanned.
_TYPE_KEYS = frozenset({"type", "dtype", "class", "kind", "output_type", "cell_type"})
# Values under a secret name that say nothing and may stay (flags, empties).
_KEEP_UNDER_SECRET_NAME = (None, True, False, "")
# Keys of our own tool results that hold the value of the entry named by "name".
_VALUE_KEYS = ("value", "preview", "repr", "head", "items")


@dataclass(frozen=True)
class _Compiled:
    secret_name: re.Pattern[str]
    value_rules: tuple[tuple[str, re.Pattern[str], int], ...]
    quoted: re.Pattern[str]
    bare: re.Pattern[str]
    extra: tuple[re.Pattern[str], ...]


def _flags(text: str) -> int:
    return re.IGNORECASE if "i" in text else 0


@functools.lru_cache(maxsize=16)
def _compile(extra: tuple[str, ...]) -> _Compiled:
    value_rules = tuple(
        (str(r["kind"]), re.compile(r["pattern"], _flags(r["flags"])), int(r["group"]))
        for r in rules.VALUE_RULES
    )
    compiled_extra = []
    for pattern in extra:
        try:
            compiled_extra.append(re.compile(pattern))
        except re.error:
            # A broken site pattern must not switch redaction off; it is skipped.
            continue
    return _Compiled(
        secret_name=re.compile(rules.SECRET_NAME_PATTERN),
        value_rules=value_rules,
        quoted=re.compile(rules.QUOTED_ASSIGNMENT),
        bare=re.compile(rules.BARE_ASSIGNMENT, re.MULTILINE),
        extra=tuple(compiled_extra),
    )


_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


@functools.lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """``X-Api-Key`` -> ``x_api_key``, ``dbPassword`` -> ``db_password``."""
    return _NON_WORD.sub("_", _CAMEL.sub(r"\1_\2", name)).strip("_").lower()


@functools.lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """True when a variable, key, attribute, column or environment name marks a secret."""
    if not isinstance(name, str) or not name or len(name) > 200:
        return False
    return _compile(()).secret_name.search(normalize_name(name)) is not None


def is_env_allowed(name: str) -> bool:
    """True for environment variables whose values are harmless (PATH, HOME, LANG, ...)."""
    return name in _ENV_ALLOW or any(name.startswith(p) for p in rules.ENV_ALLOW_PREFIXES)


_ENV_ALLOW = frozenset(rules.ENV_ALLOW_NAMES)


def is_placeholder(text: str) -> bool:
    """True for a value already replaced by a redaction marker."""
    return text.startswith(rules.PLACEHOLDER_OPEN)


def marker(what: str) -> str:
    """The text left where a secret was: ``«redacted: what»``."""
    return f"{rules.PLACEHOLDER_OPEN}{what}{rules.PLACEHOLDER_CLOSE}"


def describe_hidden(value: Any) -> str:
    """What a placeholder may say about a value: its type and size, never its content."""
    if isinstance(value, str):
        return f"str, {str.__len__(value):,} chars"
    if isinstance(value, bytes | bytearray):
        return f"{type(value).__name__}, {len(value):,} bytes"
    if isinstance(value, dict):
        return f"dict, {dict.__len__(value):,} items"
    if isinstance(value, list):
        return f"list, {list.__len__(value):,} items"
    if isinstance(value, tuple):
        return f"tuple, {tuple.__len__(value):,} items"
    cls = type(value)
    module = getattr(cls, "__module__", "")
    name = getattr(cls, "__qualname__", "object")
    return name if module == "builtins" else f"{module}.{name}"


@dataclass
class Redactor:
    """Applies the policy and counts what it hid (``count``)."""

    enabled: bool = True
    exact: tuple[str, ...] = ()
    extra_patterns: tuple[str, ...] = ()
    count: int = 0
    _rx: _Compiled = field(init=False, repr=False)
    _exact: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rx = _compile(tuple(self.extra_patterns))
        found = {s for s in self.exact if isinstance(s, str) and len(s) >= MIN_EXACT_CHARS}
        # Longest first, so a key containing another key is removed whole.
        self._exact = tuple(sorted(found, key=len, reverse=True))

    # -- names -------------------------------------------------------------------------

    def secret_name(self, name: Any) -> bool:
        """True when redaction is on and ``name`` marks a secret."""
        return self.enabled and isinstance(name, str) and is_secret_name(name)

    def hide(self, value: Any) -> str:
        """The placeholder for a value hidden because of its name (counted)."""
        self.count += 1
        return marker(describe_hidden(value))

    # -- text --------------------------------------------------------------------------

    def text(self, value: str) -> str:
        """``value`` ANSI-free, with configured keys, key shapes and named assignments hidden."""
        if "\x1b" in value:
            # Terminal colour codes mean nothing to the model and can hide a secret's shape.
            value = strip_ansi(value)
        for secret in self._exact:
            if secret in value:
                self.count += value.count(secret)
                value = value.replace(secret, marker("configured key"))
        if not self.enabled or len(value) < MIN_SECRET_TEXT:
            return value
        rx = self._rx
        lower = value.lower()
        if any(t in lower for t in _VALUE_TRIGGERS):
            for kind, pattern, group in rx.value_rules:
                value = pattern.sub(functools.partial(self._replace_group, kind, group), value)
        if any(t in lower for t in _NAME_TRIGGERS) and (
            "=" in value or ":" in value or any(m in lower for m in _BARE_PREFIXES)
        ):
            value = rx.quoted.sub(self._replace_quoted, value)
            value = rx.bare.sub(self._replace_bare, value)
        for pattern in rx.extra:
            value = pattern.sub(functools.partial(self._replace_group, "custom pattern", 0), value)
        return value

    def _replace_group(self, kind: str, group: int, match: re.Match[str]) -> str:
        secret = match.group(group)
        if not secret or is_placeholder(secret):
            return match.group(0)
        self.count += 1
        whole = match.group(0)
        start = match.start(group) - match.start(0)
        return whole[:start] + marker(kind) + whole[start + len(secret) :]

    def _replace_quoted(self, match: re.Match[str]) -> str:
        name, sep, quote, secret = match.group(1, 2, 3, 4)
        if rules.PLACEHOLDER_OPEN in secret or not is_secret_name(name.rsplit(".", 1)[-1]):
            return match.group(0)
        self.count += 1
        return f"{name}{sep}{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

    def _replace_bare(self, match: re.Match[str]) -> str:
        prefix, name, sep, secret = match.group(1, 2, 3, 4)
        if rules.PLACEHOLDER_OPEN in secret or not is_secret_name(name):
            return match.group(0)
        magic = prefix.strip() != ""
        if not sep.strip() and not magic:
            # "name value" is only an assignment after %env / export / set.
            return match.group(0)
        if not magic and not name.isupper() and _looks_like_code(secret):
            # ``token = make_token()`` is code, not a value: keep it readable.
            return match.group(0)
        self.count += 1
        return f"{prefix}{name}{sep}{marker(f'str, {len(secret):,} chars')}"

    # -- JSON-ready data ---------------------------------------------------------------

    def data(self, value: Any, depth: int = 0) -> Any:
        """A copy of JSON-ready ``value`` with secrets hidden, by key name and in text."""
        if isinstance(value, str):
            return self.text(value)
        if depth > 40:
            return value
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            entry_secret = self.secret_name(value.get("name")) and value.get("type") != "class"
            for key, item in value.items():
                if (self.secret_name(key) or (entry_secret and key in _VALUE_KEYS)) and (
                    item not in _KEEP_UNDER_SECRET_NAME
                    and not (isinstance(item, str) and is_placeholder(item))
                ):
                    out[key] = self.hide(item)
                elif key in _TYPE_KEYS and isinstance(item, str):
                    out[key] = item
                else:
                    out[key] = self.data(item, depth + 1)
            return out
        if isinstance(value, list | tuple):
            # Rows of numbers are most of a table: only strings and containers need a look.
            return [
                self.text(item)
                if type(item) is str
                else self.data(item, depth + 1)
                if isinstance(item, dict | list | tuple)
                else item
                for item in value
            ]
        return value


_CODE_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(\(.*\))?$|[()\[\]{}]")


def _looks_like_code(value: str) -> bool:
    return _CODE_LIKE.search(value) is not None


def env_view(
    items: Iterable[tuple[Any, Any]],
    total: int,
    redactor: Redactor,
    limit: int = 60,
    values_limit: int = 20,
) -> dict[str, Any]:
    """An environment mapping for the model: names, and values only for harmless ones.

    Names that mark a secret (``GITHUB_TOKEN``) are listed first with a placeholder, so
    the model can say the credential is set without ever seeing it.
    """
    names: list[str] = []
    secrets: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in items:
        if not isinstance(key, str):
            continue
        if is_env_allowed(key) and isinstance(value, str):
            if len(values) < values_limit:
                values[key] = redactor.text(value[:1000])
        elif is_secret_name(key) and len(secrets) < 50:
            secrets[key] = marker(describe_hidden(value))
        else:
            names.append(key)
    names.sort()
    out: dict[str, Any] = {
        "length": total,
        "set_but_hidden": secrets,
        "values": values,
        "other_names": names[:limit],
        "note": "An environment mapping: values are shown only for harmless variables "
        "(PATH, HOME, LANG, ...); set_but_hidden names are set, their values hidden; "
        "other values are not shown.",
    }
    if len(names) > limit:
        out["more_names"] = len(names) - limit
    return out


_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")


def is_env_like(mapping: Mapping[Any, Any]) -> bool:
    """True for a dict that looks copied from ``os.environ`` (upper-case names, PATH/HOME)."""
    try:
        n = dict.__len__(mapping) if isinstance(mapping, dict) else len(mapping)
        if n < 4:
            return False
        keys = list(dict.keys(mapping))[:200] if isinstance(mapping, dict) else []
    except Exception:
        return False
    if not keys or not all(isinstance(k, str) and _ENV_NAME.match(k) for k in keys):
        return False
    return "PATH" in keys or "HOME" in keys

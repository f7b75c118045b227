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
# Longer than any rule's match (a PEM block is ~4 kB; quoted values stop at 2,000 chars):
# text cut this far past what is shown still has every secret near the cut matched whole.
REDACT_MARGIN = 8192
# Configured keys this long are also hidden when only their first PREFIX_CHARS show.
MIN_PREFIX_KEY = 20
PREFIX_CHARS = 12
# No rule matches a shorter text (the shortest is an assignment like ``pwd='ab'``).
MIN_SECRET_TEXT = 7
_VALUE_TRIGGERS = tuple(rules.VALUE_TRIGGERS)
_NAME_TRIGGERS = tuple(rules.NAME_TRIGGERS)


def _any_of(words: Iterable[str]) -> re.Pattern[str]:
    # One scan in C for "does the text hold any of these": a Python loop of ``in``
    # tests over ~100 triggers cost more than the rules on most short strings.
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


_ANY_VALUE_TRIGGER = _any_of(_VALUE_TRIGGERS)
_ANY_NAME_TRIGGER = _any_of(_NAME_TRIGGERS)
_BARE_PREFIXES = ("%env", "%set_env", "export", "set ")
# Keys of tool results whose values are type names, never user data: not scanned.
_TYPE_KEYS = frozenset({"type", "dtype", "class", "kind", "output_type", "cell_type"})
# Values under a secret name that say nothing and may stay (flags, empties).
_KEEP_UNDER_SECRET_NAME = (None, True, False, "")
# Keys of our own tool results that hold the value of the entry named by "name".
_VALUE_KEYS = ("value", "preview", "repr", "head", "items")


@dataclass(frozen=True)
class _ValueRule:
    kind: str
    pattern: re.Pattern[str]
    group: int
    # Empty: tried on every text.
    triggers: tuple[str, ...]
    min_distinct: int
    random: bool
    trigger_rx: re.Pattern[str] | None


@dataclass(frozen=True)
class _Compiled:
    secret_name: re.Pattern[str]
    value_rules: tuple[_ValueRule, ...]
    quoted: re.Pattern[str]
    bare: re.Pattern[str]
    inline: re.Pattern[str]
    extra: tuple[re.Pattern[str], ...]


def _flags(text: str) -> int:
    return re.IGNORECASE if "i" in text else 0


@functools.lru_cache(maxsize=16)
def _compile(extra: tuple[str, ...]) -> _Compiled:
    value_rules = tuple(
        _ValueRule(
            str(r["kind"]),
            re.compile(r["pattern"], _flags(r["flags"])),
            int(r["group"]),
            tuple(r["triggers"]),
            int(r.get("min_distinct", 0)),
            r.get("check") == "random",
            _any_of(r["triggers"]) if r["triggers"] else None,
        )
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
        inline=re.compile(rules.INLINE_ASSIGNMENT),
        extra=tuple(compiled_extra),
    )


_KEEP_VALUE = re.compile(rules.KEEP_VALUE)
_CODE_VALUE = re.compile(rules.CODE_VALUE)
_TYPE_VALUE = re.compile(rules.TYPE_VALUE)
_SHORT_NAME = re.compile(rules.SHORT_NAME_VALUE)
_STRING_PREFIX = re.compile(r"^(?:[fbru]|rb|br|fr|rf)$", re.I)
_KEYISH = re.compile(rules.KEYISH_NAME_PATTERN)
_RANDOM = re.compile(rules.HIGH_ENTROPY_VALUE)
_DELIMITERS = tuple(re.compile(f"({d})") for d in rules.TABLE_DELIMITERS)
_HEADER_FIELD = re.compile(rules.TABLE_HEADER_FIELD)
_RULE_ROW = re.compile(rules.TABLE_RULE_ROW)
_SERIES_FOOTER = re.compile(rules.SERIES_FOOTER)
_ALIGNED_TOKEN = re.compile(r"\S+")
_LABEL_NAME = re.compile(rules.LABEL_NAME)
_CONTAINER = re.compile(rules.CONTAINER_ASSIGNMENT)
_STRING = re.compile(rules.STRING_LITERAL)
_CONTINUED = re.compile(rules.CONTINUED_STRING)
_CALL = re.compile(rules.CALL_ARGUMENTS)
_NAME_LIKE = re.compile(rules.NAME_LIKE_VALUE)


def names_a_secret(item: str) -> bool:
    """True for a string naming a secret as a list item or argument: ``"password"``,
    ``"--token"`` (the item after it is that secret's value)."""
    return len(item) <= 100 and is_secret_name(item.lstrip("-"))


def pair_hides(items: list[Any]) -> set[int]:
    """Indices of the strings of a list that follow one naming a secret (``["--password",
    "x"]``, a row ``["password", "x"]``); in a list of 3+ names (``["user", "password",
    "email"]``) a name-like item after it is one more name."""
    out: set[int] = set()
    many = len(items) >= 3
    for k in range(len(items) - 1):
        item, after = items[k], items[k + 1]
        if type(item) is str and type(after) is str and after and names_a_secret(item):
            flag = item.startswith("-")
            if (
                not (many and not flag and _NAME_LIKE.match(after))
                and not is_placeholder(after)
                and not names_a_secret(after)
                and not after.startswith("-")
            ):
                out.add(k + 1)
    return out


_HTML_ROW = re.compile(rules.HTML_ROW)
_YAML_BLOCK_KEY = re.compile(rules.YAML_BLOCK_KEY)
_HTML_CELL = re.compile(rules.HTML_CELL)
_ARGUMENT = re.compile(rules.CALL_ARGUMENT)
_KEYWORD_ARGUMENT = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*\s*=(?!=)")
_CREDENTIAL_CALLS = frozenset(rules.CREDENTIAL_CALLS)
_CONNECT_CALLS = frozenset(rules.CONNECT_CALLS)
_NON_CREDENTIAL_CALLS = frozenset(rules.NON_CREDENTIAL_CALLS)
# A text needs "(", a quote and a name trigger or one of these for the call rule.
_CALL_WORD = _any_of(("login", "connect", "bind", "ftp", "redis", "sign"))
_SPLIT_WIDE = re.compile(r"(\s{2,})")
_POLARS_DTYPES = re.compile(
    r"^│(?:\s*(?:str|i8|i16|i32|i64|u8|u16|u32|u64|f32|f64|bool|date|datetime\[\S+\]|null"
    r"|cat|list\[\S+\]|struct\[\d+\]|binary|decimal\[\S+\]|object|time|duration\[\S+\])"
    r"\s*[│┆])+$"
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
    normal = normalize_name(name)
    head, _, last = normal.rpartition("_")
    if head and last in _QUALIFIERS:
        return False  # auth_method, token_type: about a secret, not one
    return _compile(()).secret_name.search(normal) is not None


_QUALIFIERS = frozenset(rules.SECRET_NAME_QUALIFIERS)
_WEAK_QUALIFIERS = frozenset(rules.WEAK_QUALIFIERS)
_CREDENTIAL = re.compile(rules.CREDENTIAL_VALUE)


@functools.lru_cache(maxsize=4096)
def is_keyish_name(name: str) -> bool:
    """True for names that hold a key only sometimes (``STRIPE_KEY``, ``sas``)."""
    if not isinstance(name, str) or not name or len(name) > 200:
        return False
    return _KEYISH.search(normalize_name(name)) is not None


def looks_random(value: str) -> bool:
    """True for a value shaped like a generated key (16+ key characters, digits, mixed)."""
    return len(value) <= 4096 and _RANDOM.match(value) is not None


def is_secret_pair(name: Any, value: Any) -> bool:
    """True when ``value`` under ``name`` is a secret: a secret name, or a key-ish name
    (``STRIPE_KEY``, ``account_key``) holding a random-looking string."""
    if not isinstance(name, str):
        return False
    if is_secret_name(name):
        return True
    if not isinstance(value, str):
        return False
    if is_keyish_name(name) and looks_random(value):
        return True
    # ``session_token_header = "abc123def456"``: a qualifier that also holds secrets.
    head, _, last = normalize_name(name).rpartition("_")
    return (
        last in _WEAK_QUALIFIERS
        and is_secret_name(head)
        and len(value) <= 4096
        and _CREDENTIAL.match(value) is not None
    )


def keeps_unquoted(value: str, constant: bool, name: str = "", sep: str = "") -> bool:
    """True when an unquoted value under a secret name is no secret: an empty or flag
    value, a short number, or what clearly is code: a call, attribute or index
    (``token = make_token()``, ``cfg.pw``), a variable of one or two characters
    (``passphrase = p0``), the same name (``password=password``), a
    type after ``:`` (``password: str``). ``constant``: an upper-case name (``API_KEY=``),
    whose values are literals. Any other bare word is hidden (``password: letmein``)."""
    if _KEEP_VALUE.match(value.lower()):
        return True
    if constant:
        return False
    if _CODE_VALUE.search(value) is not None or _SHORT_NAME.match(value) is not None:
        return True
    if ":" in sep and "=" not in sep and _TYPE_VALUE.match(value):
        return True
    return bool(name) and value.rstrip(",;") == name.rsplit(".", 1)[-1]


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGNMENT_LINE = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_.\[\]'\", ]*(?<![=!<>])=(?!=)")


def names_secret(source: str) -> bool:
    """True when a cell's last line names a secret (``%env DB_PASSWORD``, ``print(token)``,
    ``os.environ["API_KEY"]``): what the cell prints or returns may be that secret."""
    for line in reversed(source[-2000:].splitlines()):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _ASSIGNMENT_LINE.match(stripped):
            return False  # ``x = ...`` shows nothing
        return any(is_secret_name(w) for w in _WORD.findall(stripped[:500]))
    return False


def hide_shown_secret(text: str) -> str:
    """A one-line output of a cell that :func:`names_secret` as a placeholder (a flag, a
    short number or an empty output stays); longer outputs are left to the rules."""
    inner = text.strip()
    if not inner or "\n" in inner or len(inner) > 2000 or is_placeholder(inner.strip("'\"")):
        return text
    if _KEEP_VALUE.match(inner.strip("'\"").lower()):
        return text
    return marker(f"str, {len(inner.strip(chr(39) + chr(34))):,} chars")


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
    # Keys hidden also when printed in part (the API key, MCP credentials); of the other
    # ``exact`` values only those that look random are (``application/json; charset=utf-8``
    # as a header must not hide every ``application/json``).
    prefixed: tuple[str, ...] = ()
    count: int = 0
    # When set: ``data`` cuts longer strings (and lists) to this many before redacting.
    cut: int = 0
    _rx: _Compiled = field(init=False, repr=False)
    _exact: tuple[str, ...] = field(init=False, repr=False)
    _prefixes: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rx = _compile(tuple(self.extra_patterns))
        values = (*self.exact, *self.prefixed)
        found = {s for s in values if isinstance(s, str) and len(s) >= MIN_EXACT_CHARS}
        # Longest first, so a key containing another key is removed whole.
        self._exact = tuple(sorted(found, key=len, reverse=True))
        # A configured key printed in part (``key[:20]``) is still most of it: its first
        # PREFIX_CHARS characters hide what follows them too.
        keys = {s for s in found if s in self.prefixed or looks_random(s)}
        heads = sorted({s[:PREFIX_CHARS] for s in keys if len(s) >= MIN_PREFIX_KEY}, key=len)
        self._prefixes = (
            re.compile(f"(?:{'|'.join(re.escape(h) for h in heads)})[A-Za-z0-9_+/=.~-]*")
            if heads
            else None
        )

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
        if self._prefixes is not None:
            value = self._prefixes.sub(self._replace_prefix, value)
        if not self.enabled or len(value) < MIN_SECRET_TEXT:
            return value
        rx = self._rx
        lower = value.lower()
        triggered = _ANY_VALUE_TRIGGER.search(lower) is not None
        for rule in rx.value_rules:
            if rule.trigger_rx is None or (triggered and rule.trigger_rx.search(lower)):
                value = rule.pattern.sub(functools.partial(self._replace_rule, rule), value)
        named = _ANY_NAME_TRIGGER.search(lower) is not None
        if named and ("=" in value or ":" in value or any(m in lower for m in _BARE_PREFIXES)):
            value = rx.quoted.sub(self._replace_quoted, value)
            value = rx.bare.sub(self._replace_bare, value)
            value = rx.inline.sub(self._replace_inline, value)
            value = _CONTAINER.sub(self._replace_container, value)
        if (
            ("(" in value or "[" in value)
            and ('"' in value or "'" in value)
            and (named or _CALL_WORD.search(lower) is not None)
        ):
            value = _CALL.sub(self._replace_call, value)
        if named and "\n" in value:
            value = self._tables(value)
        if named and "<tr" in lower:
            value = self._html_tables(value)
        if rules.PLACEHOLDER_OPEN in value:
            value = self._continued(value)
        for pattern in rx.extra:
            value = pattern.sub(functools.partial(self._replace_group, "custom pattern", 0), value)
        return value

    def _replace_prefix(self, match: re.Match[str]) -> str:
        self.count += 1
        return marker("configured key")

    def _replace_rule(self, rule: _ValueRule, match: re.Match[str]) -> str:
        secret = match.group(rule.group)
        if secret and (
            (rule.min_distinct and len(set(secret)) < rule.min_distinct)
            or (rule.random and not looks_random(secret))
        ):
            return match.group(0)
        return self._replace_group(rule.kind, rule.group, match)

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
        if rules.PLACEHOLDER_OPEN in secret or not is_secret_pair(name.rsplit(".", 1)[-1], secret):
            return match.group(0)
        self.count += 1
        return f"{name}{sep}{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

    def _replace_bare(self, match: re.Match[str]) -> str:
        prefix, name, sep, secret = match.group(1, 2, 3, 4)
        if rules.PLACEHOLDER_OPEN in secret or not is_secret_pair(name, secret):
            return match.group(0)
        magic = prefix.strip() != ""
        if not sep.strip() and not magic:
            # "name value" is only an assignment after %env / export / set.
            return match.group(0)
        if keeps_unquoted(secret, magic or name.isupper(), name, sep):
            # ``token = make_token()`` is code, not a value: keep it readable.
            return match.group(0)
        self.count += 1
        return f"{prefix}{name}{sep}{marker(f'str, {len(secret):,} chars')}"

    def _replace_inline(self, match: re.Match[str]) -> str:
        name, sep, secret = match.group(1, 2, 3)
        if not is_secret_pair(name.rsplit(".", 1)[-1], secret) or _LABEL_NAME.search(name):
            return match.group(0)
        follows = match.string[match.end() : match.end() + 1]
        if follows in ("(", "[", ".") or (follows in ("'", '"') and _STRING_PREFIX.match(secret)):
            # ``token = b64encode(x)``, ``auth=token["a"]``: code; ``f"..."``: a prefix
            return match.group(0)
        if keeps_unquoted(secret, name.isupper(), name, sep):
            return match.group(0)
        self.count += 1
        return f"{name}{sep}{marker(f'str, {len(secret):,} chars')}"

    def _replace_container(self, match: re.Match[str]) -> str:
        name, sep, bracket, body = match.group(1, 2, 3, 4)
        if not is_secret_name(name.rsplit(".", 1)[-1]) or _LABEL_NAME.search(name):
            return match.group(0)
        return f"{name}{sep}{bracket}{_STRING.sub(self._replace_literal, body)}"

    def _replace_literal(self, match: re.Match[str]) -> str:
        quote, secret = match.group(1, 2)
        if not secret or rules.PLACEHOLDER_OPEN in secret:
            return match.group(0)
        self.count += 1
        return f"{quote}{marker(f'str, {len(secret):,} chars')}{quote}"

    def _replace_call(self, match: re.Match[str]) -> str:
        """String literals passed by position where a credential goes (see
        :data:`rules.CREDENTIAL_CALLS`), and any literal after one naming a secret
        (``putenv("DB_PASSWORD", "x")``, ``config.set("db", "password", "x")``)."""
        opener = match.group(2)
        # ``x["a"]`` indexes and ``[...]`` lists have no callee: only the pair rule.
        callee = normalize_name((match.group(1) or "").rsplit(".", 1)[-1]) if opener == "(" else ""
        first = 0  # positional literals from this index on are hidden; 0: none
        # A secret-named callee with one literal (``SecretStr("x")``): that one is it;
        # ``login("ada")`` names only the user.
        alone = False
        if callee in _CONNECT_CALLS:
            first = 2
        elif callee in _CREDENTIAL_CALLS:
            first = 1
        elif callee not in _NON_CREDENTIAL_CALLS and is_secret_name(callee):
            first, alone = 1, True
        pieces: list[str] = []
        # (piece index, position) of each positional literal; positions count arguments.
        literals: list[tuple[int, int]] = []
        position = 0
        keyword = False
        named_secret: set[int] = set()
        flags: set[int] = set()  # positions after a ``--flag``: its value, whatever it looks like
        for token in _ARGUMENT.finditer(match.group(3)):
            text = token.group(0)
            if text == ",":
                position += 1
                keyword = False
            elif token.group(1):
                if not keyword:
                    literals.append((len(pieces), position))
                    if names_a_secret(text[1:-1]):
                        named_secret.add(position + 1)
                        if text[1:2] == "-":
                            flags.add(position + 1)
            elif _KEYWORD_ARGUMENT.match(text):
                keyword = True
            pieces.append(text)
        alone = alone and position == 0 and len(literals) == 1
        many = len(literals) >= 3
        hidden = 0
        for index, pos in literals:
            value = pieces[index][1:-1]
            paired = (
                pos in named_secret
                and not (many and pos not in flags and _NAME_LIKE.match(value))
                and not names_a_secret(value)
                and not value.startswith("-")
            )
            if (first and (pos >= first or alone)) or paired:
                literal = pieces[index]
                inner = literal[1:-1]
                if inner and rules.PLACEHOLDER_OPEN not in inner:
                    pieces[index] = (
                        f"{literal[0]}{marker(f'str, {len(inner):,} chars')}{literal[0]}"
                    )
                    hidden += 1
        if not hidden:
            return match.group(0)
        self.count += hidden
        return f"{match.group(1) or ''}{opener}{''.join(pieces)}"

    def _continued(self, text: str) -> str:
        # Each pass hides one more literal of a chain: bounded by the chain's length.
        for _ in range(50):
            clean = _CONTINUED.sub(self._replace_continued, text)
            if clean == text:
                return text
            text = clean
        return text

    def _replace_continued(self, match: re.Match[str]) -> str:
        head, glue, quote, secret = match.group(1, 2, 3, 4)
        self.count += 1
        return f"{head}{glue}{quote}{marker(f'str, {len(secret):,} chars')}"

    # -- tables in text ----------------------------------------------------------------

    def _html_tables(self, text: str) -> str:
        """Cells of secret-named columns (and key/value rows) of HTML tables hidden."""
        secret: set[int] = set()

        def row(match: re.Match[str]) -> str:
            nonlocal secret
            cells = list(_HTML_CELL.finditer(match.group(1)))
            names = [c.group(2).strip() for c in cells]
            heads = [c.group(1).startswith("<th") for c in cells]
            if names and all(heads) and any(n and is_secret_name(n) for n in names):
                secret = {k for k, n in enumerate(names) if n and is_secret_name(n)}
                return match.group(0)
            hide = set(secret)
            filled = [k for k, n in enumerate(names) if n]
            if len(filled) == 2 and is_secret_name(names[filled[0]]):
                hide.add(filled[1])  # <th>password</th><td>x</td>
            if not hide:
                return match.group(0)
            body = match.group(1)
            for k in sorted(hide, reverse=True):
                if k < len(cells) and names[k]:
                    cell = cells[k]
                    body = (
                        body[: cell.start(2)] + self._hide_cell(cell.group(2)) + body[cell.end(2) :]
                    )
            start = match.start(1) - match.start(0)
            whole = match.group(0)
            return whole[:start] + body + whole[start + len(match.group(1)) :]

        parts = re.split(r"(</table>)", text)
        # A table's header applies to its own rows only.
        for k in range(0, len(parts), 2):
            secret = set()
            parts[k] = _HTML_ROW.sub(row, parts[k])
        return "".join(parts)

    def _key_value_row(self, line: str) -> str | None:
        """``password,x`` / ``| password | x |``: a two-field row naming a secret."""
        if len(line) > 2000:
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            filled = [k for k, f in enumerate(fields) if f.strip()]
            if len(filled) != 2:
                continue
            name = fields[filled[0]].strip().strip("'\"*`")
            value = fields[filled[1]].strip().strip("'\"*`")
            if not _HEADER_FIELD.match(name) or not is_secret_name(name) or is_secret_name(value):
                return None
            k = 2 * filled[1]
            hidden = self._hide_cell(parts[k])
            if hidden == parts[k]:
                return None
            parts[k] = hidden
            return "".join(parts)
        return None

    def _tables(self, text: str) -> str:
        """Cells of secret-named columns hidden in CSV/TSV/Markdown/polars/pandas text."""
        lines = text.split("\n")
        changed = False
        i = 0
        while i < len(lines):
            line = lines[i]
            block = _YAML_BLOCK_KEY.match(line) if ":" in line else None
            if block and is_secret_name(block.group(2)):
                i, hid = self._yaml_block(lines, i + 1, len(block.group(1)), bool(block.group(3)))
                changed |= hid
                continue
            footer = _SERIES_FOOTER.match(line)
            if footer and is_secret_name(footer.group(1).strip()):
                changed |= self._series_values(lines, i)
                i += 1
                continue
            pair = self._key_value_row(line)
            if pair is not None:
                lines[i] = pair
                changed = True
                i += 1
                continue
            found = self._delimited_header(line) or self._aligned_header(line)
            if found is None:
                i += 1
                continue
            i += 1
            while i < len(lines) and lines[i].strip():
                row = found(lines[i])
                if row is None:
                    break
                if row != lines[i]:
                    lines[i] = row
                    changed = True
                i += 1
        return "\n".join(lines) if changed else text

    def _yaml_block(self, lines: list[str], i: int, indent: int, scalar: bool) -> tuple[int, bool]:
        """The value lines under ``password: |`` (all) or ``tokens:`` (``- item`` lines),
        more indented than the key; returns where the block ends and if it hid any."""
        changed = False
        while i < len(lines):
            line = lines[i]
            body = line.lstrip(" \t")
            if not body:
                i += 1
                continue
            if len(line) - len(body) <= indent and not (body.startswith("- ") and not scalar):
                break
            if scalar:
                hidden = self._hide_cell(line)
            elif body.startswith("- "):
                head = line[: len(line) - len(body) + 2]
                hidden = head + self._hide_cell(body[2:])
            else:
                break  # a nested mapping: its own keys say what they hold
            if hidden != line:
                lines[i] = hidden
                changed = True
            i += 1
        return i, changed

    def _hide_cell(self, cell: str) -> str:
        inner = cell.strip().strip("'\"")
        if not inner or _RULE_ROW.match(inner) or rules.PLACEHOLDER_OPEN in inner:
            return cell
        if _KEEP_VALUE.match(inner.lower()):
            return cell
        self.count += 1
        lead = cell[: len(cell) - len(cell.lstrip())]
        trail = cell[len(cell.rstrip()) :]
        return f"{lead}{marker(f'str, {len(inner):,} chars')}{trail}"

    def _delimited_header(self, line: str) -> Any:
        lower = line.lower()
        if len(line) > 2000 or not any(t in lower for t in _NAME_TRIGGERS):
            return None
        for delimiter in _DELIMITERS:
            parts = delimiter.split(line)
            fields = parts[0::2]
            if len(fields) < 2:
                continue
            names = [f.strip().strip("'\"") for f in fields]
            if not all(not n or _HEADER_FIELD.match(n) for n in names):
                continue
            secret = [k for k, n in enumerate(names) if n and is_secret_name(n)]
            if not secret:
                continue

            def row(
                text: str,
                delimiter: re.Pattern[str] = delimiter,
                count: int = len(fields),
                secret: list[int] = secret,
            ) -> str | None:
                parts = delimiter.split(text)
                if len(parts[0::2]) != count:
                    # A rule row (``╞═══╡``) has no delimiter; anything else ends the table.
                    return text if _RULE_ROW.match(text) else None
                if _POLARS_DTYPES.match(text):
                    return text  # polars' dtype row under its ``---`` row
                for k in secret:
                    parts[2 * k] = self._hide_cell(parts[2 * k])
                return "".join(parts)

            return row
        return None

    def _aligned_header(self, line: str) -> Any:
        # pandas' repr: columns right-aligned under names separated by 2+ spaces; a
        # column's cells end where its name ends and start after the previous one's end.
        if not line.startswith("  ") or len(line) > 2000 or any(c in line for c in "=:()\"'"):
            return None
        lower = line.lower()
        if not any(t in lower for t in _NAME_TRIGGERS):
            return None
        tokens = list(_ALIGNED_TOKEN.finditer(line))
        spans = []
        for k, token in enumerate(tokens):
            if is_secret_name(token.group(0)):
                start = tokens[k - 1].end() if k else 0
                spans.append((start, token.end()))
        if not spans:
            return None

        width = len(line)

        def row(text: str) -> str | None:
            # pandas pads every row to the header's width: a row far wider is not one of
            # this table's (and scanning it once per column would be quadratic).
            if len(text) > 2 * width + 200:
                return None
            # Right to left, each scan stops where the cell to its right began, so the row
            # is read once and built once.
            cells: list[tuple[int, int]] = []
            stop = len(text)
            for start, end in reversed(spans):
                end = min(end, stop)
                gap = _WHITESPACE.search(text, end, stop)
                end = gap.start() if gap else stop  # a cell wider than its name
                # The cell runs left from its end to two spaces (the column gap) or to
                # the previous column's end; for the first column that may be the index.
                begin = end
                while begin > start and not (
                    text[begin - 1] == " " and text[begin - 2 : begin] == "  "
                ):
                    begin -= 1
                cells.append((begin, end))
                stop = begin
            pieces: list[str] = []
            done = 0
            for begin, end in reversed(cells):
                cell = text[begin:end]
                pieces.append(text[done:begin])
                pieces.append(self._hide_cell(cell) if cell.strip() else cell)
                done = end
            pieces.append(text[done:])
            return "".join(pieces)

        return row

    def _series_values(self, lines: list[str], footer: int) -> bool:
        changed = False
        j = footer - 1
        while j >= 0 and lines[j].strip() and footer - j <= 1000:
            parts = _SPLIT_WIDE.split(lines[j].strip(), maxsplit=1)
            value = parts[2] if len(parts) == 3 else ""
            if value and value != "...":
                lines[j] = lines[j][: lines[j].rindex(value)] + self._hide_cell(value)
                changed = True
            j -= 1
        return changed

    # -- JSON-ready data ---------------------------------------------------------------

    def data(self, value: Any, depth: int = 0) -> Any:
        """A copy of JSON-ready ``value`` with secrets hidden, by key name and in text."""
        if isinstance(value, str):
            if self.cut and len(value) > self.cut:
                head = self.text(value[: self.cut])
                return f"{head}… [{len(value) - self.cut:,} more chars]"
            return self.text(value)
        if depth > 40:
            return value
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            entry_secret = self.secret_name(value.get("name")) and value.get("type") != "class"
            for key, item in value.items():
                keyish = self.enabled and is_secret_pair(key, item)
                if (self.secret_name(key) or keyish or (entry_secret and key in _VALUE_KEYS)) and (
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
            more = len(value) - self.cut if self.cut else 0
            items = value[: self.cut] if more > 0 else value
            # Rows of numbers are most of a table: only strings and containers need a look.
            out_items = [
                self.data(item, depth + 1) if isinstance(item, str | dict | list | tuple) else item
                for item in items
            ]
            if self.enabled:
                for k in pair_hides(out_items):
                    out_items[k] = self.hide(out_items[k])
            if more > 0:
                out_items.append(f"… {more:,} more items not shown")
            return out_items
        return value


_WHITESPACE = re.compile(r"\s")


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

"""Variables passed where a credential goes by position, not by name: ``login(user, pw)``,
``HTTPBasicAuth(u, pw)``, ``connect(host, user, pw)``, ``auth = (user, pw)`` and a URL's
password field in an f-string (``f"{u}:{pw}@db"``), and the variable a call passes after a
quoted secret's name (``os.putenv("DB_PASSWORD", pw)``, ``setattr(cfg, "api_key", k)``)
or a subscript is set to under one (``os.environ["AWS_SECRET_ACCESS_KEY"] = aws``). A
literal set to such a variable in the same text (``pw = "sunshine"``) is the secret (the
redactor's ``_aliased`` hides it).
The twin of js/lab/src/redactflows.ts (same names on every text)."""

from __future__ import annotations

import itertools
import re

from . import rules
from .lazy_patterns import lazy_compile
from .names import is_secret_name, normalize_name

_CALL = lazy_compile(rules.ALIAS_CALL)
_URL_FIELD = lazy_compile(rules.URL_PASSWORD_FIELD)
_SUBSCRIPT = lazy_compile(rules.SUBSCRIPT_ALIAS, re.MULTILINE)
_QUOTED_ARGUMENT = lazy_compile(rules.QUOTED_ARGUMENT)
_BARE_NAME = lazy_compile(r"[A-Za-z_][A-Za-z0-9_]*")
_GETTER = lazy_compile(rules.GETTER_CALL)
_CREDENTIAL_CALLS = frozenset(rules.CREDENTIAL_CALLS)
_CONNECT_CALLS = frozenset(rules.CONNECT_CALLS)
_KEY_CALLS = frozenset(rules.KEY_CALLS)
_NON_CREDENTIAL_CALLS = frozenset(rules.NON_CREDENTIAL_CALLS)
_RANDOM_KEY_CALLS = frozenset(rules.RANDOM_KEY_CALLS)
_RANDOM_KEY_SUFFIX = lazy_compile(rules.RANDOM_KEY_CALL_SUFFIX)
_KEEP_NAMES = frozenset({"None", "True", "False", "null", "undefined", "nil", "self", "this"})


def _first_credential(callee: str, assigned: bool) -> int:
    """The position of a call's (or an assigned tuple's) first credential, or -1."""
    last = normalize_name(callee.rsplit(".", 1)[-1])
    if last in _NON_CREDENTIAL_CALLS or _GETTER.match(last):
        return -1
    if assigned:
        return 1 if is_secret_name(last) else -1
    if last in _CONNECT_CALLS:
        return 2
    qualified = ".".join(normalize_name(part) for part in callee.split(".")[-2:])
    if last in _KEY_CALLS or qualified in _KEY_CALLS:
        return 0  # ``Pinecone(key)``, ``wandb.login(key)``: the key first
    return 1 if last in _CREDENTIAL_CALLS or is_secret_name(last) else -1


def positional_aliases(text: str, keyish: set[str] | None = None) -> set[str]:
    """Variables ``text`` passes by position where a credential goes; into ``keyish``,
    those passed first to a call whose key is a random-looking literal only
    (``TimeSeries(av)``)."""
    found: set[str] = set()
    if "(" in text:
        for match in _CALL.finditer(text):
            callee, assigned, arguments = match.group(1, 2, 3)
            last = normalize_name(callee.rsplit(".", 1)[-1])
            if (
                keyish is not None
                and not assigned
                and (last in _RANDOM_KEY_CALLS or _RANDOM_KEY_SUFFIX.search(last) is not None)
            ):
                name = arguments.split(",", 1)[0].strip()
                if _BARE_NAME.fullmatch(name) and name not in _KEEP_NAMES:
                    keyish.add(name)
                continue
            parts = arguments.split(",")
            if not assigned and ("'" in arguments or '"' in arguments):
                found.update(_keyed_arguments(parts))
            first = _first_credential(callee, bool(assigned))
            if first < 0:
                continue
            # A key call's key is its first argument only (``OWM(key, config)``).
            for argument in parts[first:] if first else parts[:1]:
                name = argument.strip()
                if _BARE_NAME.fullmatch(name) and name not in _KEEP_NAMES:
                    found.add(name)
    if ":{" in text:
        found.update(m.group(1) for m in _URL_FIELD.finditer(text))
    if "[" in text:
        for match in _SUBSCRIPT.finditer(text):
            key, name = match.group(2, 3)
            if name not in _KEEP_NAMES and is_secret_name(key):
                found.add(name)
    return found


def _keyed_arguments(parts: list[str]) -> list[str]:
    """The variables a call's arguments pass right after a quoted secret's name
    (``os.putenv("DB_PASSWORD", pw)``, ``environ.setdefault("OPENAI_API_KEY", k)``,
    ``setattr(cfg, "api_key", k)``, ``config.set("db", "password", pw)``)."""
    found = []
    for key, value in itertools.pairwise(parts):
        quoted = _QUOTED_ARGUMENT.match(key)
        name = value.strip()
        if (
            quoted is not None
            and _BARE_NAME.fullmatch(name)
            and name not in _KEEP_NAMES
            and is_secret_name(quoted.group(2))
        ):
            found.append(name)
    return found

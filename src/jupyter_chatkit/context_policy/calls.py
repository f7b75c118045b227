"""Secrets passed by position: string literals where a credential goes in a call
(``login(user, "pw")``, ``HTTPBasicAuth("u", "pw")``, ``connect(host, "user", "pw")``),
and the item after one naming a secret in calls, tuples and lists (``putenv("DB_PASSWORD",
"x")``, ``["--password", "x"]``). A mixin of :class:`.redact.Redactor`."""

from __future__ import annotations

import re
from typing import Any

from . import rules
from .compiled_rules import (
    CALL_ARGUMENT,
    CREDENTIAL_VALUE,
    FIELD_NAME_VALUE,
    KEYWORD_ARGUMENT,
    NAME_LIKE_VALUE,
    PLACEHOLDER_VALUE,
)
from .lazy_patterns import lazy_compile
from .names import is_placeholder, is_secret_name, marker, names_words, normalize_name
from .values import (
    holds_short_password,
    is_keyish_name,
    is_login_and_password,
    is_user_keyed_password,
    looks_like_annotation,
    looks_random,
)

_ASSIGNED_ITEM = lazy_compile(rules.ASSIGNED_ITEM)
_DTYPE = lazy_compile(rules.DTYPE_VALUE)
# ``get_secret("prod/db")``, ``load_token(path)``: a getter's argument names where the
# secret is, not the secret (``set_password("x")`` still holds one).
_GETTER = lazy_compile(rules.GETTER_CALL)
_CREDENTIAL_CALLS = frozenset(rules.CREDENTIAL_CALLS)
_CONNECT_CALLS = frozenset(rules.CONNECT_CALLS)
_KEY_CALLS = frozenset(rules.KEY_CALLS)
_DECODE_CALLS = frozenset(rules.DECODE_CALLS)
_RANDOM_KEY_CALLS = frozenset(rules.RANDOM_KEY_CALLS)
_RANDOM_KEY_SUFFIX = lazy_compile(rules.RANDOM_KEY_CALL_SUFFIX)
_ASSIGNED_BEFORE = lazy_compile(rules.ASSIGNED_BEFORE)
_ENV_VARIABLE = lazy_compile(rules.ENV_VARIABLE_NAME)
_NON_CREDENTIAL_CALLS = frozenset(rules.NON_CREDENTIAL_CALLS)
_DEFAULT = lazy_compile(r"^\s*(?:default|fallback)\s*=(?!=)")
# The keyword a secret holder takes its secret by (``Secret(value="x")``).
_VALUE = lazy_compile(r"^\s*(?:value|secret_value|secret_string|plaintext)\s*=(?!=)")


def names_a_secret(item: str) -> bool:
    """True for a string naming a secret as a list item or argument: ``"password"``,
    ``"--token"``, ``"API_KEY="`` (the item after it is that secret's value); not one
    holding its own value (``'db_password = "x"'``: a file's line)."""
    return (
        len(item) <= 100
        and _ASSIGNED_ITEM.search(item) is None
        and is_secret_name(item.lstrip("-"))
    )


def pair_hides(items: list[Any]) -> set[int]:
    """Indices of the strings of a list that follow one naming a secret (``["--password",
    "x"]``, a row ``["password", "x"]``) or a login (``["ada", "Kx8mP2qZ9vL4"]``); in a
    list of 3+ names (``["user", "password", "email"]``) a name-like item after it is one
    more name."""
    out: set[int] = set()
    many = len(items) >= 3
    if (
        len(items) == 2
        and type(items[0]) is str
        and type(items[1]) is str
        and is_login_and_password(items[1], items[0])
    ):
        out.add(0)  # ``("Kx8mP2qZ9v#", "ada")``: the pair the other way round
    elif (
        len(items) == 2
        and type(items[0]) is str
        and type(items[1]) is str
        and items[0][:1] in ("'", '"')
        and items[0][-1:] == items[0][:1]
        and is_user_keyed_password(items[0][1:-1], items[1])
    ):
        out.add(1)  # a kernel's dict item ``["'ada'", "Kx8mP2qZ9v#"]``: a login's password
    for k in range(len(items) - 1):
        item, after = items[k], items[k + 1]
        if type(item) is str and type(after) is str and is_login_and_password(item, after):
            # ``("ada", "Kx8mP2qZ9vL4")``: a user and its password (the text rule's pair).
            out.add(k + 1)
        elif type(item) is str and type(after) is str and holds_short_password(item, after):
            out.add(k + 1)  # ``("p", "sunshine7")``: a one-letter name and its password
        elif type(item) is str and type(after) is str and after and names_a_secret(item):
            flag = item.startswith("-")
            if (
                not (many and not flag and NAME_LIKE_VALUE.match(after))
                and (flag or FIELD_NAME_VALUE.match(after) is None)
                and not (names_words(item) and CREDENTIAL_VALUE.match(after) is None)
                and not is_placeholder(after)
                and not names_a_secret(after)
                and not after.startswith("-")
                and _DTYPE.match(after) is None
                # ``["'password'", "<typing._UnionGenericAlias object>"]``, ``"Any"``: a type.
                and PLACEHOLDER_VALUE.match(after) is None
                and not looks_like_annotation(after)
            ):
                out.add(k + 1)
    return out


def _set_to_secret(text: str, start: int) -> bool:
    """True when the call at ``start`` is set to a secret's or a key's name
    (``signing_key = f(``, ``key=f(``, ``"aes_key": f(``)."""
    before = _ASSIGNED_BEFORE.search(text, max(0, start - 120), start)
    return before is not None and (
        is_secret_name(before.group(1)) or is_keyish_name(before.group(1))
    )


class CallRedaction:
    """Hides string literals passed by position where a credential goes."""

    count: int

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
        # ``wandb.login("…")``: the last two parts name a key's call too.
        qualified = ".".join(
            normalize_name(part) for part in (match.group(1) or "").split(".")[-2:]
        )
        key = opener == "(" and (callee in _KEY_CALLS or qualified in _KEY_CALLS)
        if key:
            first = 1  # and the first literal: the key
        elif callee in _CONNECT_CALLS:
            first = 2
        elif callee in _CREDENTIAL_CALLS:
            first = 1
        elif callee in _DECODE_CALLS and _set_to_secret(match.string, match.start()):
            first, alone = 1, True  # ``signing_key = bytes.fromhex("…")``
        elif (
            callee not in _NON_CREDENTIAL_CALLS
            and _GETTER.match(callee) is None
            and is_secret_name(callee)
        ):
            first, alone = 1, True
        pieces: list[str] = []
        # (piece index, position) of each positional literal; positions count arguments.
        literals: list[tuple[int, int]] = []
        position = 0
        keyword = False
        named_secret: set[int] = set()
        # Positions after a key-ish variable's name (``getenv("KAGGLE_KEY", "…")``):
        # random-looking values only (``getenv("SORT_KEY", "created_at")`` stays).
        keyish: set[int] = set()
        if opener == "(" and (
            callee in _RANDOM_KEY_CALLS or _RANDOM_KEY_SUFFIX.search(callee) is not None
        ):
            keyish.add(0)  # ``TimeSeries("Q7ZK…")``: a random-looking first literal
        words: set[int] = set()  # positions after ``"token"``: a text's words, most often
        flags: set[int] = set()  # positions after a ``--flag``: its value, whatever it looks like
        # Positions holding a dict (``environ({'API_TOKEN': 'x', 'HOME': '/home/ada'})``): a
        # literal, ``:``, a literal. Its pairs are the quoted rule's; by position, every
        # item after a secret's key would read as that secret's value.
        dicts: set[int] = set()
        colon = -1  # the position where a ``:`` followed a literal
        for token in CALL_ARGUMENT.finditer(match.group(3)):
            text = token.group(0)
            if text == ",":
                position += 1
                keyword = False
            elif token.group(1):
                if colon == position:
                    dicts.add(position)
                if not keyword:
                    literals.append((len(pieces), position))
                    if _ENV_VARIABLE.match(text[1:-1]) and is_keyish_name(text[1:-1]):
                        keyish.add(position + 1)
                    if names_a_secret(text[1:-1]):
                        named_secret.add(position + 1)
                        if names_words(text[1:-1]):
                            words.add(position + 1)
                        if text[1:2] == "-":
                            flags.add(position + 1)
            elif KEYWORD_ARGUMENT.match(text):
                # ``environ.get("PGPASSWORD", default="x")``: a secret's default is one.
                # ``Secret(value="x")``: a secret holder's value given by keyword.
                keyword = not (
                    ((position in named_secret or position in keyish) and _DEFAULT.match(text))
                    or (alone and _VALUE.match(text))
                )
            if ":" in text and not token.group(1) and literals and literals[-1][1] == position:
                colon = position
            pieces.append(text)
        if dicts:
            literals = [(i, pos) for i, pos in literals if pos not in dicts]
            named_secret -= {pos + 1 for pos in dicts}
        alone = alone and position == 0 and len(literals) == 1
        many = len(literals) >= 3
        hidden = 0
        for index, pos in literals:
            value = pieces[index][1:-1]
            paired = (
                pos in named_secret
                and not (many and pos not in flags and NAME_LIKE_VALUE.match(value))
                and not (pos not in flags and FIELD_NAME_VALUE.match(value))
                and not names_a_secret(value)
                and not value.startswith("-")
                and _DTYPE.match(value) is None
                and not (pos in words and CREDENTIAL_VALUE.match(value) is None)
            )
            if (
                (first and (pos >= first or alone or (key and pos == 0)))
                or paired
                or (pos in keyish and looks_random(value))
            ):
                literal = pieces[index]
                inner = literal[1:-1]
                # ``SecretStr("**********")``: a mask, no secret.
                if (
                    inner
                    and rules.PLACEHOLDER_OPEN not in inner
                    and not PLACEHOLDER_VALUE.match(inner)
                ):
                    pieces[index] = (
                        f"{literal[0]}{marker(f'str, {len(inner):,} chars')}{literal[0]}"
                    )
                    hidden += 1
        if not hidden:
            return match.group(0)
        self.count += hidden
        return f"{match.group(1) or ''}{opener}{''.join(pieces)}"

"""Secret names and placeholders: what marks a name as naming a secret, and the marker
left where a secret was. Shared by the redactor, its table and call passes, and the
kernel's value descriptions."""

from __future__ import annotations

import functools
import re

from . import rules
from .lazy_patterns import lazy_compile

_SECRET_NAME = lazy_compile(rules.SECRET_NAME_PATTERN)
_FOREIGN_NAME = lazy_compile(rules.FOREIGN_SECRET_NAME, re.IGNORECASE)
_CAMEL = lazy_compile(r"([a-z0-9])([A-Z])")
# Accented, Greek and Cyrillic letters stay in a word (``passwörter_regel`` is not read
# as ``passw`` then ``rter_regel``).
_NON_WORD = lazy_compile(rf"[^{rules.NAME_LETTERS}0-9]+")
_SPLIT_PASS = lazy_compile(r"(^|_)pass_(words?|phrases?)(?=_|$)")
_NUMBER = lazy_compile(rules.NAME_NUMBER)


def plain_str(value: object) -> str | None:
    """``value`` as an exact ``str`` (a subclass copied by ``str``'s own C slot), else
    None. A ``str`` subclass used as a key or a column label may override ``__hash__``,
    ``__eq__``, ``__len__`` or ``lower``: a cache lookup or a method call on it would run
    the user's code."""
    if type(value) is str:
        return value
    if issubclass(type(value), str):
        return str.__str__(value)
    return None


def normalize_name(name: str) -> str:
    """``X-Api-Key`` -> ``x_api_key``, ``dbPassword`` -> ``db_password``."""
    plain = plain_str(name)
    return "" if plain is None else _normalize(plain)


@functools.lru_cache(maxsize=4096)
def _normalize(name: str) -> str:
    return _NON_WORD.sub("_", _CAMEL.sub(r"\1_\2", name)).strip("_").lower()


def unnumbered(name: str) -> str:
    """A name without the number ending it (``password2`` -> ``password``): read so where
    it names a value (a pair's name, a mapping's key), not where a value may be a name
    (``putenvPw9``, ``password1`` are passwords)."""
    return _NUMBER.sub("", name) if name[-1:].isdigit() else name


def is_secret_name(name: object) -> bool:
    """True when a variable, key, attribute, column or environment name marks a secret."""
    plain = plain_str(name)
    return plain is not None and _is_secret_name(plain)


@functools.lru_cache(maxsize=4096)
def _is_secret_name(name: str) -> bool:
    if not name or len(name) > 200 or rules.PLACEHOLDER_OPEN in name:
        # ``«redacted: password in a pair»``: where a secret was, never a name of one.
        return False
    # ``pass-word``, ``Pass_Phrase``: one word split in two (``word`` alone qualifies).
    normal = _SPLIT_PASS.sub(r"\1pass\2", normalize_name(name))
    head, _, last = normal.rpartition("_")
    if head and last in _QUALIFIERS:
        return False  # auth_method, token_type: about a secret, not one
    if last in _TOKEN_QUALIFIERS and _names_text_tokens(head):
        return False  # token_ids, token_counts: a text's word pieces
    if last in _WORDS_NAMES and head and _names_no_credential(head):
        return False  # next_page_token, ClientRequestToken, pad_token: a cursor, a word
    if _SECRET_NAME.search(normal) is not None or _FOREIGN_NAME.search(name) is not None:
        return True  # db_password; passwort, пароль, 数据库密码 (names in other languages)
    # ``PaSsWoRd``, ``aPi_KeY``: case changing inside a word splits no words; read again
    # with only its separators (``PassRate`` -> ``passrate``, still no secret).
    return _CAMEL.search(name) is not None and _is_secret_name(_NON_WORD.sub("_", name).lower())


_QUALIFIERS = frozenset(rules.SECRET_NAME_QUALIFIERS)
_TOKEN_QUALIFIERS = frozenset(rules.TOKEN_QUALIFIERS)
_TOKEN_TEXT_WORDS = frozenset(rules.TOKEN_TEXT_WORDS)
# A column, an index or a list item of these names is most often a text's words (NLP's
# ``token``, ``df[["token", "count"]]``): only values shaped like a credential are hidden
# under or after it.
_WORDS_NAMES = frozenset({"token", "tokens"})


def names_cursor_token(name: str) -> bool:
    """True for ``nextPageToken``, ``ClientRequestToken``, ``pad_token``: a token's name
    that a page's cursor, a request's id or a tokenizer's special token has."""
    head, _, last = normalize_name(name).rpartition("_")
    return bool(head) and last in _WORDS_NAMES and _names_no_credential(head)


def _names_no_credential(head: str) -> bool:
    """``next_page``, ``client_request``, ``pad``: before ``token``, a cursor's, an id's or
    a tokenizer's special token's name (rules.TOKEN_NOT_CREDENTIAL_HEADS)."""
    words = head.split("_")
    return words[-1] in _TOKEN_HEADS or "_".join(words[-2:]) in _TOKEN_HEADS


_TOKEN_HEADS = frozenset(rules.TOKEN_NOT_CREDENTIAL_HEADS)


def _names_text_tokens(head: str) -> bool:
    """``token``, ``input_token``: a text's tokens; ``access_token`` names credentials."""
    *before, word = head.split("_")
    if word == "type" and before:
        *before, word = before  # token_type_ids: BERT's segment ids
    return word in _WORDS_NAMES and all(w in _TOKEN_TEXT_WORDS for w in before)


def names_words(name: str) -> bool:
    """True for a name (``token``, ``"tokens"``) whose values are most often words; a
    flag (``--token``) names a credential."""
    return not name.startswith("-") and normalize_name(name.strip("'\"*`")) in _WORDS_NAMES


def is_placeholder(text: str) -> bool:
    """True for a value already replaced by a redaction marker."""
    return text.startswith(rules.PLACEHOLDER_OPEN)


def marker(what: str) -> str:
    """The text left where a secret was: ``«redacted: what»``."""
    return f"{rules.PLACEHOLDER_OPEN}{what}{rules.PLACEHOLDER_CLOSE}"

"""What a value under a name is: a secret pair, code kept readable, a random or
password-shaped word, a digest. Shared by the redactor and its passes; mirrors the value
helpers of ``js/lab/src/redactnames.ts``. (What a cell shows when its last line names a
secret: :mod:`.shown`.)"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any

from . import rules
from .compiled_rules import (
    CREDENTIAL_VALUE,
    KEEP_VALUE,
    PLACEHOLDER_VALUE,
    PROSE_VALUE,
)
from .flows import positional_aliases
from .lazy_patterns import lazy_compile
from .names import (
    is_secret_name,
    names_cursor_token,
    names_words,
    normalize_name,
    plain_str,
    unnumbered,
)

_ALIAS = lazy_compile(rules.ALIAS_ASSIGNMENT, re.MULTILINE)
_CODE_VALUE = lazy_compile(rules.CODE_VALUE)
_FSTRING_FIELD = lazy_compile(rules.FSTRING_FIELD)
_FSTRING_RUN = lazy_compile(rules.FSTRING_RUN)
_HASH_CONTEXT = lazy_compile(rules.HASH_CONTEXT, re.IGNORECASE)
_HEX_DIGEST = lazy_compile(rules.HEX_DIGEST)
_FILE_PATH = lazy_compile(rules.FILE_PATH_VALUE)
_ASSIGNED = lazy_compile(rules.ASSIGNED_EXPRESSION, re.MULTILINE)
_EXPRESSION_PART = lazy_compile(rules.EXPRESSION_PART)
_FSTRING_NAME = lazy_compile(r"\{([A-Za-z_][A-Za-z0-9_]*)[!:}]")
_KEEP_NAMES = frozenset({"None", "True", "False", "null", "undefined", "nil", "self", "this"})
_KEYISH = lazy_compile(rules.KEYISH_NAME_PATTERN)
_RANDOM = lazy_compile(rules.HIGH_ENTROPY_VALUE)
_KEY_NOT_UUID = lazy_compile(rules.KEY_NOT_UUID_NAME)
_UUID = lazy_compile(rules.UUID_VALUE)
_SHORT_NAME = lazy_compile(rules.SHORT_NAME_VALUE)
_TYPE_VALUE = lazy_compile(rules.TYPE_VALUE)
_TEMPLATE_VALUE = lazy_compile(rules.TEMPLATE_VALUE)
_ANNOTATION = lazy_compile(rules.ANNOTATION_VALUE)
_ANNOTATION_NEXT = lazy_compile(rules.ANNOTATION_NEXT)
_CLASS_HEADER = lazy_compile(rules.CLASS_HEADER)
_WEAK_QUALIFIERS = frozenset(rules.WEAK_QUALIFIERS)
_SHORT_NAME_PASSWORD = lazy_compile(rules.SHORT_NAME_PASSWORD_VALUE)
_AUTH_SCHEME_NAME = lazy_compile(rules.AUTH_SCHEME_NAME)
_AUTH_SCHEME_VALUE = lazy_compile(rules.AUTH_SCHEME_VALUE)


def _is_short_password_name(name: str) -> bool:
    """``p``, ``P``: a one-letter name that holds a password now and then."""
    return len(name) <= 3 and normalize_name(name) in rules.SHORT_PASSWORD_NAMES


def holds_short_password(name: str, value: str) -> bool:
    """True for ``value`` under a one-letter name (``p``, ``'p'`` as a kernel shows a
    key) shaped like a password: ``p = "hunter2"``, ``("p", "sunshine7")``."""
    return (
        _is_short_password_name(name.strip("'\""))
        and len(value) <= 64
        and _SHORT_NAME_PASSWORD.match(value) is not None
    )


def is_keyish_name(name: object) -> bool:
    """True for names that hold a key only sometimes (``STRIPE_KEY``, ``sas``)."""
    plain = plain_str(name)
    return plain is not None and _is_keyish_name(plain)


@functools.lru_cache(maxsize=4096)
def _is_keyish_name(name: str) -> bool:
    if not name or len(name) > 200:
        return False
    return _KEYISH.search(normalize_name(name)) is not None


_SWITCH = lazy_compile(r"(?<=[A-Z])(?=[a-z0-9])|(?<=[a-z])(?=[A-Z0-9])|(?<=[0-9])(?=[A-Za-z])")


def _switches(value: str) -> int:
    """How often a value switches between upper case, lower case and digits, char to
    char (``Zx9Yw8`` often; ``PositionalIndexer2D`` or ``fill_1d_array`` rarely)."""
    return len(_SWITCH.findall(value[:200]))


def _in_sequence(value: str) -> bool:
    """True for a value 3/4 made of runs of 6+ characters in a row of an alphabet
    (``abcdef``, ``012345``): an alphabet's table (``ALPHABET = "ABC…xyz0…9"``), never
    a random key (a test's ``AbCd…0123456789ab`` has one such run)."""
    head = value[:200]
    run = 1
    covered = 0
    for a, b in itertools.pairwise(head):
        run = run + 1 if ord(b) == ord(a) + 1 else 1
        covered += 6 if run == 6 else 1 if run > 6 else 0
    return covered * 4 >= len(head) * 3


def _looks_generated(value: str) -> bool:
    """Random-looking with no name beside it: often switching case and digits, or
    digit-rich without the underscores of an identifier (a hex key); no alphabet."""
    if not looks_random(value) or _in_sequence(value):
        return False
    digits = sum(c.isdigit() for c in value[:200])
    return _switches(value) >= 6 or (digits >= 4 and "_" not in value)


def looks_like_password(value: str) -> bool:
    """A word shaped like a password: a letter and a digit, and mixed case or a symbol
    (``Hunt3rXy9``, ``Summer2024!``), or 12+ of one case with 3+ digits and 3+ letters,
    not hex; not a version (``v2``), a date, a hex digest or a type (``Float64Dtype``)."""
    upper = _UPPER.search(value) is not None
    lower = _LOWER.search(value) is not None
    if _DIGIT.search(value) is None or not (upper or lower) or _CAMEL_WORDS.match(value):
        return False
    if (upper and lower) or _SYMBOL.search(value) is not None:
        return True
    # ``qv7rt2mk9xlp44ab``: a long run of one case and digits, not hex (a digest, a UUID).
    return (
        len(value) >= 12
        and _HEX_RUN.match(value) is None
        and len(_DIGIT.findall(value)) >= 3
        and len(_LETTER.findall(value)) >= 3
    )


def looks_like_user_password(value: str) -> bool:
    """Shaped like a password where a user name may stand too (a URL's user): mixed case
    or a symbol, or of one case switching between letters and digits 4+ times
    (``k3j4h5g6f7d8s9a0``); ``ada1990smith2024`` (a name and years: 3 switches) and
    ``ada.smith2024`` stay names."""
    if not looks_like_password(value):
        return False
    if (_UPPER.search(value) and _LOWER.search(value)) or _SYMBOL.search(value):
        return True
    return _switches(value) >= 4


def looks_like_pair_password(value: str) -> bool:
    """Shaped like a password with no name beside it (one of a pair of strings): a user's
    password shape with a symbol (``p@ssW0rd!``) or switching case and digits 6+ times
    (``Kx8mP2qZ9vL4``); ``Paris2024`` and ``iPhone15Pro`` are words and names."""
    return looks_like_user_password(value) and (
        _SYMBOL.search(value) is not None or _switches(value) >= 6
    )


# The pair rule's shapes (connection_rules.py, "password in a pair") for two items of a
# list or tuple a tool result holds: a login, then a password with no path, dot, quote
# or blank, not a snake_case identifier.
_LOGIN = lazy_compile(r"[A-Za-z][A-Za-z0-9._@+\\-]{0,63}\Z")
_PAIR_VALUE = lazy_compile(
    r"(?![A-Za-z][A-Za-z0-9]{0,60}(?:_[A-Za-z0-9]{1,60}){1,8}\Z)[^'\"\s/\\.«]{8,128}\Z"
)


def is_login_and_password(user: str, value: str) -> bool:
    """True for ``user`` shaped like a login and ``value`` like its password, side by side
    with no name (``("ada", "Kx8mP2qZ9vL4")`` in a tool result's items)."""
    return (
        _LOGIN.match(user) is not None
        and _PAIR_VALUE.match(value) is not None
        and looks_like_pair_password(value)
    )


# A dict's value under a login (``{"ada": "Kx8mP2qZ9v#"}``): as the text rule's dict entry
# (connection_rules.py), both cases, a digit and a symbol (not "+"), no ":".
_KEYED_SYMBOL = lazy_compile("[!@#$%^&*~]")


def is_user_keyed_password(key: str, value: str) -> bool:
    """True for a dict's ``value`` under a login-shaped ``key`` shaped like its password
    (``{"ada": "Kx8mP2qZ9v#"}``); ``"ImageId": "ami-0abc…"`` and a timestamp are none."""
    return (
        8 <= len(value) <= 128
        and ":" not in value
        and _KEYED_SYMBOL.search(value) is not None
        and _UPPER.search(value) is not None
        and _LOWER.search(value) is not None
        and not (value[:1] == "#" and _HEX_RUN.match(value[1:]) is not None)
        and is_login_and_password(key, value)
    )


_UPPER = lazy_compile("[A-Z]")
_LOWER = lazy_compile("[a-z]")
_DIGIT = lazy_compile("[0-9]")
_SYMBOL = lazy_compile("[!@#$%^&*~+]")
_HEX_RUN = lazy_compile(r"[0-9a-fA-F.-]*\Z")
_LETTER = lazy_compile("[A-Za-z]")
# ``Float64Dtype``, ``ResNet50V2``, ``GPT2TokenizerFast``: two or more capitalised words
# (or acronyms with a number), a type's or a model's name.
# ``hf_token``, ``db_password``: a snake-case variable name.
# ``token=hf_token``, ``'client_secret': CLIENT_SECRET``: a variable's or a constant's name.
_SNAKE_NAME = lazy_compile(
    r"(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)[,;]?\Z"
)
_LOWER_WORD = lazy_compile(r"(?:[a-z][a-z0-9]*|[A-Z][A-Z0-9]*)[,;]?\Z")
_CAMEL_WORDS = lazy_compile(r"(?:[A-Z]+[a-z]{2,}[0-9]*[a-z]?|[A-Z]+[0-9]+[a-z]?){2,}\Z")


def looks_random(value: str) -> bool:
    """True for a value shaped like a generated key (16+ key characters, digits, mixed)."""
    return len(value) <= 4096 and _RANDOM.match(value) is not None


def _plain_key(key: Any) -> bool:
    """True for a key under which no value is a secret, whatever it holds (not a secret,
    key-ish or weakly qualified secret name): most keys of a tool result."""
    plain = plain_str(key)
    return True if plain is None else _plain_str_key(plain)


@functools.lru_cache(maxsize=4096)
def _plain_str_key(key: str) -> bool:
    key = unnumbered(key)  # ``password2``, ``API_KEY_2``
    if is_secret_name(key) or is_keyish_name(key) or _is_short_password_name(key):
        return False
    head, _, last = normalize_name(key).rpartition("_")
    return not ((last in _WEAK_QUALIFIERS or last in _ENDS_QUALIFIERS) and is_secret_name(head))


def names_auth_scheme(name: str, value: str) -> bool:
    """True for a scheme's name under a name saying how a client authenticates
    (``auth="oauth"``, ``"Authorization": "Bearer "``): the way in, not a secret."""
    return (
        len(value) <= 40
        and _AUTH_SCHEME_VALUE.match(value.lower()) is not None
        and _AUTH_SCHEME_NAME.search(normalize_name(name)) is not None
    )


def looks_like_annotation(value: str) -> bool:
    """True for a type annotation's text (``str``, ``Optional[str]``, ``str | None``)."""
    return len(value) <= 200 and _ANNOTATION.match(value) is not None


def annotates(match: re.Match[str]) -> bool:
    """True for a ``name: Type`` match read as an annotation: a union, a default or a
    parameter's end after it, or an indented line of a class's body."""
    text, start = match.string, match.start()
    if _ANNOTATION_NEXT.match(text, match.end()) is not None:
        return True
    line = text.rfind("\n", 0, start) + 1
    if text[line : line + 1] not in (" ", "\t"):
        return False
    # The block's head: the nearest line above that is not indented (within 3,000
    # characters), which must be the class's (a YAML file has none).
    pos = line
    while pos > 0 and line - pos < 3000:
        above = text.rfind("\n", 0, pos - 1) + 1
        if text[above : above + 1] not in (" ", "\t", "\r", "\n"):
            return _CLASS_HEADER.match(text, above, pos) is not None
        pos = above
    return False


def looks_like_file_path(value: str) -> bool:
    """True for a file's path (``/keys/sa.json``, ``~/.ssh/id_rsa``, ``C:\\keys\\a.pem``):
    under a secret's name, where the secret is kept, not the secret."""
    return len(value) <= 4096 and _FILE_PATH.match(value) is not None


_MARKER = lazy_compile(re.escape(rules.PLACEHOLDER_OPEN) + r"[^«»\n]{1,80}»")
_KEY_RUN = lazy_compile(r"[A-Za-z0-9+/=_~-]{16,}")


def shows_rest_of_key(name: str, value: str) -> bool:
    """True when a value a rule hid in part (``api_key = "«…»:a91d…"``: a key's id
    before its secret) still shows a random-looking run of 16+ key characters that is a
    secret under ``name``: the same key's rest."""
    rest = _MARKER.sub(" ", value[:2000])
    return any(
        looks_random(run.group(0)) and is_secret_pair(name, run.group(0))
        for run in _KEY_RUN.finditer(rest)
    )


def is_secret_pair(name: Any, value: Any) -> bool:
    """True when ``value`` under ``name`` is a secret: a secret name, or a key-ish name
    (``STRIPE_KEY``, ``account_key``) holding a random-looking string."""
    name = plain_str(name)
    if name is None:
        return False
    name = unnumbered(name)  # ``password2``, ``API_KEY_2``: the second of its kind
    value = plain_str(value)
    if value is not None and names_words(name) and name.islower() and not _credential(value):
        return False  # ``{"token": "Paris"}``: NLP's token, a word of a text
    if is_secret_name(name):
        # ``GOOGLE_APPLICATION_CREDENTIALS=/keys/sa.json``: where a secret is kept;
        # ``{"password": "Optional[str]"}``: its type; ``auth="oauth"``: a scheme.
        return value is None or not (
            looks_like_file_path(value)
            or looks_like_annotation(value)
            or names_auth_scheme(name, value)
        )
    if value is None:
        return False
    if is_keyish_name(name) and looks_random(value):
        # ``--subscription <uuid>``: an Azure subscription's id, not its key.
        return not (_UUID.match(value) and _KEY_NOT_UUID.search(normalize_name(name)))
    if _is_short_password_name(name):
        return holds_short_password(name, value)
    # ``session_token_header = "abc123def456"``: a qualifier that also holds secrets;
    # ``JPY_SESSION_NAME = "<uuid>"``: a generated name.
    head, _, last = normalize_name(name).rpartition("_")
    if last in _ENDS_QUALIFIERS and is_secret_name(head):
        # ``api_key_last4 = "Xy12"``: its ends or mask show; ``secret_last = "cR8t…"``,
        # a split secret's half, does not.
        return (
            rules.ENDS_MAX_CHARS < len(value) <= 4096
            and CREDENTIAL_VALUE.match(value) is not None
            and _MASK_IN_VALUE.search(value) is None
        )
    return (
        last in _WEAK_QUALIFIERS
        and is_secret_name(head)
        and len(value) <= 4096
        and CREDENTIAL_VALUE.match(value) is not None
        and not (last in _NAMING_QUALIFIERS and _UUID.match(value) is not None)
    )


_NAMING_QUALIFIERS = frozenset(rules.NAMING_QUALIFIERS)
_ENDS_QUALIFIERS = frozenset(rules.ENDS_QUALIFIERS)
_MASK_IN_VALUE = lazy_compile(rules.MASK_IN_VALUE)


def _credential(value: str) -> bool:
    """Under a words' name (``token``): not a word of a text (a digit, case changing
    inside it twice, long, or random)."""
    return len(value) > 64 or _NOT_WORD.search(value) is not None or looks_random(value)


_NOT_WORD = lazy_compile(r"[0-9]|[a-z][A-Z][^\s]*[a-z][A-Z]")


_OPEN_CALL = lazy_compile(r"[A-Za-z_][A-Za-z0-9]{0,100}[._][A-Za-z0-9_.]{0,200}\(\Z")


def keeps_unquoted(value: str, constant: bool, name: str = "", sep: str = "") -> bool:
    """True when an unquoted value under a secret name is no secret: an empty or flag
    value, a short number, or what clearly is code: a call, attribute or index
    (``token = make_token()``, ``cfg.pw``), a variable of one or two characters
    (``passphrase = p0``), the same name (``password=password``), a type or a prose
    word after ``:`` (``password: str``, ``password: optional``). ``constant``: an
    upper-case name (``API_KEY=``), whose values are literals. Any other bare word is
    hidden (``password: letmein``)."""
    if KEEP_VALUE.match(value.lower()) or PLACEHOLDER_VALUE.match(value):
        return True
    if _TEMPLATE_VALUE.match(value) is not None:
        return True  # ``POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}``: a reference to one
    if name and _ID_NUMBER.match(value) and normalize_name(name).endswith("_id"):
        return True  # ``session_id=821053``: an id's number
    if constant:
        return False
    if _CODE_VALUE.search(value) is not None or _SHORT_NAME.match(value) is not None:
        return True
    if _OPEN_CALL.match(value) is not None:
        return True  # ``merged = merge_cookies(`` (a "." or "_" in it), its arguments below
    if _SNAKE_NAME.match(value) is not None and is_secret_name(value.rstrip(",;")):
        return True  # ``token=hf_token``, ``CLIENT_SECRET``: a variable named like a secret
    if (
        "=" in sep
        and _LOWER_WORD.match(value) is not None
        and (is_secret_name(value.rstrip(",;")) or is_keyish_name(value.rstrip(",;")))
    ):
        # ``secret_value = token``, ``Pinecone(api_key=key)``, ``client_secret=SECRET``:
        # one word, a secret's or a key's name: a variable (a constant's, in upper case).
        return True
    if ":" in sep and "=" not in sep and _TYPE_VALUE.match(value):
        return True
    if ":" in sep and "=" not in sep and PROSE_VALUE.match(value.rstrip(".,;")):
        return True  # ``password: required`` in a docstring or a schema: a description
    # ``password=password``, ``self._cookies = cookies``: the same name, set from itself.
    return bool(name) and value.rstrip(",;").lstrip("_") == name.rsplit(".", 1)[-1].lstrip("_")


# Secret names that usually hold an object, not a secret (``session.get(url).text``).


def fstring_keeps(secret: str) -> bool:
    """True for an f-string under a secret name whose literal text holds no secret:
    ``f"postgres://u:{pw}@h"``, ``f"Bearer {token}"`` (its fields are references)."""
    if "{" not in secret:
        return False
    rest = _FSTRING_FIELD.sub(" ", secret)
    for run in _FSTRING_RUN.findall(rest):
        if any(c.isalpha() for c in run) and any(c.isdigit() or c in "!#$%^&*" for c in run):
            return False
    return True


def aliases(text: str) -> frozenset[str]:
    """Variables a secret-named one is set from in ``text`` (``password = S``, and its
    pieces: ``api_key = a + b``, ``"".join(parts)``, ``f"{a}{b}"``), and those passed by
    position where a credential goes (``login(user, pw)``: flows.py)."""
    return alias_sets(text)[0]


def alias_sets(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """:func:`aliases`, and the variables a key-ish name is set from (``TimeSeries(key=
    av)``, ``SpeechConfig(subscription=k)``: a random-looking literal set to one is that
    key), in one read of ``text``."""
    keyish: set[str] = set()
    found = positional_aliases(text, keyish)
    for match in _ALIAS.finditer(text):
        name, alias = match.group(1, 2)
        last = name.rsplit(".", 1)[-1]
        if alias == last or alias in _KEEP_NAMES:
            continue
        if is_secret_name(last):
            found.add(alias)
        elif is_keyish_name(last):
            keyish.add(alias)
    if "+" in text or "join(" in text or "{" in text:
        for match in _ASSIGNED.finditer(text):
            name, expression = match.group(1, 2)
            last = name.rsplit(".", 1)[-1]
            if is_secret_name(last):
                found.update(n for n in expression_pieces(expression) if n != last)
    return frozenset(found), frozenset(keyish)


def expression_pieces(expression: str) -> list[str]:
    """The variables an expression of only names, string literals, ``+``, ``"".join(``,
    ``str(`` and f-string fields joins (``a + b``, ``"".join([a, b])``, ``f"{a}{b}"``);
    none for anything else (a call: ``getpass(prompt)``, ``" ".join(words)``)."""
    names: list[str] = []
    joins = False
    at = 0
    last: str | None = None  # the literal just before (a join's separator)
    for part in _EXPRESSION_PART.finditer(expression):
        if part.start() != at:
            return []
        at = part.end()
        fstring, body, joiner, name = part.group(1, 3, 4, 5)
        if joiner == ".join(" and last:
            return []  # ``" ".join(words)``: words joined, not a secret's pieces
        last = body
        if joiner or "+" in part.group(0):
            joins = True
        elif fstring and body is not None:
            fields = _FSTRING_NAME.findall(body)
            # ``f"{a}{b}"``, and ``f"xK3b…{tail}"``: a key's run beside one field.
            rest = _FSTRING_FIELD.sub(" ", body)
            joins = joins or len(fields) >= 2 or bool(fields and _FSTRING_RUN.search(rest))
            names += fields
        elif name and name not in _KEEP_NAMES:
            names.append(name)
    return names if at == len(expression.rstrip()) and joins else []


_ID_NAME_BEFORE = lazy_compile(rules.ID_NAME_BEFORE)
_NAME_BEFORE_VALUE = lazy_compile(rules.NAME_BEFORE_VALUE)
_ID_NUMBER = lazy_compile(r"[0-9]{1,12}[,;]?\Z")


def after_id_name(before: str) -> bool:
    """True when ``before`` ends with an id's name and its ``=`` or ``:`` (``version_id =
    "``, ``"requestId": "``): the value after it is an id, unless the name is a secret's
    (``session_id``)."""
    named = _ID_NAME_BEFORE.search(before[-80:])
    if named is not None:
        return not is_secret_name(named.group(1) or named.group(2))
    # ``"nextPageToken": "…"``: a cursor, named so (names.names_cursor_token).
    named = _NAME_BEFORE_VALUE.search(before[-80:])
    return named is not None and names_cursor_token(named.group(1))


def names_id_or_digest(name: str) -> bool:
    """True for a mapping's key naming an id or a digest (``version_id``, ``sha256``)."""
    head = f"{name}: "
    return after_id_name(head) or _HASH_CONTEXT.search(head) is not None


def _is_digest(secret: str, before: str) -> bool:
    """A hex digest named as one right before it (``sha256 = "e3b0…"``), or a base64 one
    right after its algorithm's name (``SHA256:rcr4…``, ``sha384-…``)."""
    if _HEX_DIGEST.match(secret) is not None:
        return _HASH_CONTEXT.search(before[-64:]) is not None
    return (
        _B64_DIGEST.match(secret) is not None
        and _B64_DIGEST_LABEL.search(before[-8:]) is not None
        and _HASH_CONTEXT.search(before[-64:]) is not None
    )


_B64_DIGEST = lazy_compile(rules.B64_DIGEST)
_B64_DIGEST_LABEL = lazy_compile(rules.B64_DIGEST_LABEL, re.IGNORECASE)


def describe_hidden(value: Any) -> str:
    """What a placeholder may say about a value: its type and size, never its content.

    Read without the value's code: its real type (``isinstance`` asks ``__class__``, a
    ``__getattribute__`` of the user's), the base types' own lengths, and the class's
    names by ``type``'s descriptors (a metaclass may define them)."""
    cls = type(value)
    if issubclass(cls, str):
        return f"str, {str.__len__(value):,} chars"
    for base, unit in _SIZED:
        if issubclass(cls, base):
            # A bytes subclass by its own name, as before; containers by the base's.
            own = _TYPE_NAME.__get__(cls) if unit == "bytes" else base.__name__
            label = own if type(own) is str else base.__name__
            return f"{label}, {base.__len__(value):,} {unit}"
    module = _TYPE_MODULE.__get__(cls)
    name = _TYPE_QUALNAME.__get__(cls)
    module = module if type(module) is str else ""
    name = name if type(name) is str else "object"
    return name if module == "builtins" else f"{module}.{name}"


_SIZED: tuple[tuple[Any, str], ...] = (
    (bytes, "bytes"),
    (bytearray, "bytes"),
    (dict, "items"),
    (list, "items"),
    (tuple, "items"),
)
_TYPE_NAME = type.__dict__["__name__"]
_TYPE_MODULE = type.__dict__["__module__"]
_TYPE_QUALNAME = type.__dict__["__qualname__"]

"""The walk over a value of the kernel's namespace that finds the texts it holds under
secret names (:mod:`.known_secrets` walks each variable with it).

Under a secret name (a variable, a dict key, an attribute, a field, a frame's column or
row, a structured array's field) a text, a builtin container's texts and a credential
object's fields are the secret; other values are read by their parts' own names. Nothing
here runs user code (``type()``, the builtin types' own methods, the instance ``__dict__``
slot, pandas' own accessors on leading rows), and the walk is bounded (depth, items, rows,
a budget of nodes for each variable).
"""

from __future__ import annotations

import base64
import collections
import enum
import functools
import itertools
import re
import sys
import types
import weakref
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote, unquote_plus

from ..context_policy.calls import names_a_secret
from ..context_policy.lazy_patterns import lazy_compile
from ..context_policy.names import is_secret_name, normalize_name, unnumbered
from .held_text import MAX_CHARS, text_of, worth
from .values.common import (
    hides_in_credential,
    is_credential_class,
    is_credential_holder,
    is_public_field,
)
from .values.pandas_arrays import foreign_columns, foreign_index, foreign_series, plain_pandas
from .values.typeinfo import (
    dataclass_fields,
    instance_dict,
    is_a,
    namedtuple_fields,
    proxied_dict,
    slot_values,
)

# How deep containers are walked, how many items of each, and how many leading rows of
# a frame (what a preview or a head can show). A client holds its credential three
# objects deep (``httpx.Client._headers._list[i]``), and a notebook keeps clients in a
# list or a dict of them: four.
DEPTH = 4
ITEMS = 200
ROWS = 200
COLUMNS = 200
# At most this many nodes of the walk's budget go to one variable of the namespace.
VARIABLE_NODES = 2_000
# At most this many secrets are kept (each costs a substring test per text).
MAX_SECRETS = 500
# A lower-case identifier beside a secret's name is one more name (``{"user", "password"}``).
_NAME_LIKE = lazy_compile(r"^[a-z_]+$")
# A set pairing a secret's name with its value is small (``{"password", "hunter2"}``); a
# bigger one is a collection of names or words (a vocabulary holding ``token``, a set of
# module names holding ``pwd``), whose other strings are no values.
_PAIR_SET_TEXTS = 4

# ``password=%s``, ``token: {}``: a format field under a secret's name.
_FORMAT_UNDER_SECRET = lazy_compile(
    r"(?:pass|pwd|secret|token|key|auth|credential)[A-Za-z0-9_]{0,30}['\"]?[ \t]*[=:][ \t]*"
    r"['\"]?(?:%|\{)",
    re.IGNORECASE,
)
# A list item naming the secret the next item holds (``"--token"``, ``"Password:"``,
# ``"X-API-Key"``): a name, not a line of code or prose that mentions one (IPython's
# ``In`` holds ``"api_key = '…'"`` and then the next cell's source).
_ITEM_NAME = lazy_compile(r"[-\w .]{1,64}:?")
# Types whose values hold no text: skipped without a look (most list items).
_SCALARS = frozenset({int, float, bool, complex, type(None)})


class Walk:
    """One pass over a namespace; ``found`` keeps what it met under secret names."""

    def __init__(self) -> None:
        self.found: dict[str, None] = {}
        self.budget = 20_000  # nodes: the walk stays bounded whatever the namespace
        # Where the current variable's share of the budget ends (:meth:`start`).
        self.floor = 0

    def start(self) -> None:
        """A new variable of the namespace: at most VARIABLE_NODES of the budget, so one
        big object graph (a client's pools, a shell) cannot leave the variables after it
        unread."""
        self.floor = max(0, self.budget - VARIABLE_NODES)

    def add(self, value: Any, depth: int) -> None:
        """Every text in ``value`` (it sits under a secret name): in builtin containers,
        and in an object's own attributes (``SecretStr``-like wrappers, ``Creds``)."""
        text = text_of(value)
        if text is not None:
            if worth(text) and len(self.found) < MAX_SECRETS:
                self.found[text] = None
                # ``Bearer <token>``, ``token <pat>``: the credential shows alone too
                # (``headers["Authorization"].split()[1]``).
                scheme = _SCHEME_VALUE.match(text)
                if scheme is not None and worth(scheme[1]):
                    self.found[scheme[1]] = None
                    self._basic_password(scheme[0], scheme[1])
                self.passwords(text, named=True)
            return
        items = self._items(value, depth)
        if items is None and depth < DEPTH and self.budget > self.floor:
            attrs = instance_dict(value)
            if attrs is not None:
                # A credential object's who/where fields (``username``, ``host``) are not
                # the secret: hidden everywhere, a user name would blank every mention.
                holder = is_credential_holder(type(value))
                items = (
                    item
                    for key, item in itertools.islice(dict.items(attrs), ITEMS)
                    if hides_in_credential(_exact(key), item, holder)
                )
        for item in items or ():
            self.add(item, depth + 1)

    def _basic_password(self, text: str, credential: str) -> None:
        """``Basic <base64 of user:password>`` (``httpx.BasicAuth``, urllib3's headers
        keep only that): the password, which a person may paste or print bare."""
        if not str.startswith(text[:6].lower(), "basic"):
            return
        try:
            pair = base64.b64decode(credential, validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return
        password = pair.partition(":")[2]
        if worth(password) and len(self.found) < MAX_SECRETS:
            self.found[password] = None

    def passwords(self, text: str, named: bool = False) -> None:
        """The passwords a URL's user info or a DSN's ``password=`` holds in ``text``;
        ``named`` (a text held under a secret name: a ``Set-Cookie`` header's
        ``session=<id>; Path=/``), the value of any ``name=value`` pair named a secret."""
        if "://" not in text and "=" not in text:
            return
        head = text[:MAX_CHARS]
        pairs = (m for m in _NAMED_PAIR.finditer(head) if named and _secret_label(m["name"]))
        for match in _URL_PASSWORD.finditer(head):
            # ``etl:p%40ss%21w0rd@db``: ``unquote(...)``, SQLAlchemy's ``make_url(...)``
            # print the password decoded (``p@ss!w0rd``), as the person typed it; a
            # leading ``%40`` is such a character, no ``%(pw)s`` template.
            # (``quote_plus``, which SQLAlchemy's documentation suggests, writes a space
            # as ``+``: ``unquote_plus`` gives it back.)
            found = match["pw"]
            if self._password(found, _PERCENT_ESCAPE.match(found) is not None):
                self._password(unquote(found), True)
                if "+" in found:
                    self._password(unquote_plus(found), True)
        for match in itertools.chain(_DSN_PASSWORD.finditer(head), pairs):
            self._password(match["pw"].strip("'"), False)

    def _password(self, found: str, escaped: bool) -> bool:
        """Learn ``found`` unless it is a placeholder (``$PGPASS``, ``%(pw)s``, ``{pw}``,
        ``<password>``, ``***``) and not ``escaped``; True if it is learned."""
        if not worth(found) or (found[0] in "$%{<*" and not escaped):
            return False
        if len(self.found) < MAX_SECRETS:
            self.found[found] = None
        return True

    def _items(self, value: Any, depth: int) -> Iterator[Any] | None:
        """The items of a builtin container (a dict's values), bounded; None for others.

        Two levels past the walk's depth: a secret name's value reached deep (a session's
        ``headers._store["authorization"]`` -> ``("Authorization", "Bearer x")``) is
        still read, as far as the budget goes."""
        if depth >= DEPTH + 2 or self.budget <= self.floor:
            return iter(())
        self.budget -= 1
        value = _unproxied(value)
        if is_a(value, collections.Counter):
            # ``Counter(tokens)``: its keys are the values, its values counts.
            return itertools.islice(dict.keys(value), ITEMS)
        if is_a(value, dict):
            # ``{"host": …, "user": …, "password": …}`` under a secret name: who and where
            # it is for are not the secret (hidden everywhere, a host blanks every mention).
            return self._secret_values(itertools.islice(dict.items(value), ITEMS))
        if is_a(value, collections.deque):
            return itertools.islice(collections.deque.__iter__(value), ITEMS)
        if is_a(value, collections.ChainMap):
            # ``api_keys = ChainMap(overrides, defaults)``: its maps, from its own dict.
            maps: Any = dict.get(instance_dict(value) or {}, "maps")
            return iter(list.__getitem__(maps, slice(0, ITEMS))) if is_a(maps, list) else None
        if is_a(value, list | tuple):
            getitem = list.__getitem__ if is_a(value, list) else tuple.__getitem__
            return _values_of_pairs(getitem(value, slice(0, ITEMS)))
        if is_a(value, set | frozenset):
            return itertools.islice(_set_iter(value), ITEMS)
        return None

    def _secret_values(self, pairs: Iterable[tuple[Any, Any]]) -> Iterator[Any]:
        """A dict's values but who and where (``host``, ``user``, ``url``): of those, only
        the passwords a URL's user info, a DSN or a secret-named query pair holds
        (``{"url": "postgresql://etl:<pw>@db/sales"}``, ``?api_key=<key>``)."""
        for key, item in pairs:
            if type(key) is not str or not is_public_field(key):
                yield item
            elif type(item) is str:
                self.passwords(item, named=True)

    def visit(self, name: Any, value: Any, depth: int = 0) -> None:
        """``value`` under ``name``: all of it when the name is secret, else its parts."""
        if self.budget <= self.floor or depth > DEPTH:
            return
        self.budget -= 1
        value = _unproxied(value)
        # Read by ``type``'s own descriptor: a metaclass may make ``__module__`` a property.
        module = _TYPE_MODULE.__get__(type(value))
        module = module if type(module) is str else ""
        # A str name, or a key path (``{("db", "password"): x}``) holding one.
        if is_a(name, str | tuple) and _secret_label(name) and _holds_secret_whole(value):
            # Text, builtin containers and credential objects (``SecretStr``, ``Creds``)
            # under the name are the secret. Other objects (a ``session``, a frame named
            # ``creds``) are read by their own fields' names below: their user agent or
            # ``keep-alive`` must not be hidden everywhere.
            self.add(value, depth)
            return
        if type(value) in _SCALARS or is_a(value, str | bytes | bytearray | int | float):
            if is_a(value, str):
                # ``database_url = "postgresql://etl:<pw>@db/sales"``, a ``dsn``: the
                # password in it is held under a name of its own.
                self.passwords(str.__str__(value))
            return
        if is_a(value, dict):
            for key, item in itertools.islice(dict.items(value), ITEMS):
                self.visit(key, item, depth + 1)
            return
        if is_a(value, list | tuple | collections.deque):
            self._sequence(value, depth)
            return
        if is_a(value, set | frozenset):
            self._set(value, depth)
            return
        if is_a(value, functools.partial):
            # ``partial(connect, password=…)``: its arguments by the C type's own slots.
            self.visit(None, _PARTIAL_ARGS.__get__(value), depth + 1)
            self.visit(None, _PARTIAL_KEYWORDS.__get__(value), depth + 1)
            return
        if is_a(value, weakref.ref):
            # The C type's call (a subclass's ``__call__``, ``WeakMethod``'s, is not run).
            self.visit(name, weakref.ref.__call__(value), depth + 1)
            return
        if module.startswith("pandas"):
            self._pandas(value)
            return
        if module.startswith("polars"):
            self._polars(value)
            return
        if module.startswith("numpy"):
            self._numpy(value)
            return
        self._object(value, depth)

    def _sequence(self, value: Any, depth: int) -> None:
        fields = namedtuple_fields(value)
        if is_a(value, collections.deque):
            items = list(itertools.islice(collections.deque.__iter__(value), ITEMS))
        else:
            getitem = list.__getitem__ if is_a(value, list) else tuple.__getitem__
            items = list(getitem(value, slice(0, ITEMS)))
        if fields is not None:
            for field, item in zip(fields, items, strict=False):
                self.visit(field, item, depth + 1)
            return
        after_name = False
        previous: str | None = None
        for item in items:
            kind = type(item)
            name = text_of(item) if kind is str or kind is bytes else None
            if after_name and name is not None and name.lower() == (previous or "").lower():
                continue  # the same name again (its lowered form): the value follows
            previous = name
            if after_name:
                # ``("password", "x")``, ``["--token", "x"]``: the item after one naming it
                # (``(b"Authorization", b"authorization", b"Bearer x")``: httpx's headers,
                # whose second name is one more name, not the value).
                self.add(item, depth + 1)
            elif kind not in _SCALARS:
                self.visit(None, item, depth + 1)
            after_name = (
                name is not None and _ITEM_NAME.fullmatch(name) is not None and names_a_secret(name)
            )

    def _set(self, value: Any, depth: int) -> None:
        # ``{"password", "hunter2"}``: beside a string naming a secret, in no order, the
        # other strings that are no names are its value.
        items = list(itertools.islice(_set_iter(value), ITEMS))
        for item in items:
            # ``{("password", "x")}``, a frozenset of frozen configs: read as any item.
            if type(item) not in _SCALARS and not is_a(item, str | bytes):
                self.visit(None, item, depth + 1)
        texts = [str.__str__(v) for v in items if is_a(v, str)]
        if len(texts) <= _PAIR_SET_TEXTS and any(names_a_secret(t) for t in texts):
            for t in texts:
                if not names_a_secret(t) and _NAME_LIKE.match(t) is None:
                    self.add(t, DEPTH - 1)

    def _object(self, value: Any, depth: int) -> None:
        # A slotted object (``@dataclass(slots=True)``) holds its fields in its slots.
        attrs = instance_dict(value)
        if attrs is None:
            attrs = slot_values(value, ITEMS)
            if not attrs:
                return
        if self._cookie_jar(value, attrs):
            return
        member = dict.get(attrs, "_name_")
        if _secret_label(member) and is_a(value, enum.Enum):
            # ``class Cfg(Enum): API_KEY = "sk-…"``: a member named like a secret holds it.
            self.add(dict.get(attrs, "_value_"), depth + 1)
        msg, args = dict.get(attrs, "msg"), dict.get(attrs, "args")
        text = str.__str__(msg)[:2000] if is_a(msg, str) else ""
        if args is not None and _FORMAT_UNDER_SECRET.search(text):
            # A log record of ``log.info("password=%s", pw)``: its arguments fill the name.
            self.add(args, depth + 1)
        cls = type(value)
        credential = is_credential_class(cls) and not _is_session_class(cls)
        holder = credential and is_credential_holder(cls)
        names = dataclass_fields(value)
        # Pairs read from the dict itself: looking a key up would hash it, and a key may be
        # a str subclass with a ``__hash__`` of the user's.
        pairs = list(itertools.islice(dict.items(attrs), ITEMS if names is None else None))
        if names is not None:
            fields = {n for n in names if type(n) is str}
            pairs = [(k, v) for k, v in pairs if type(k) is str and k in fields][:ITEMS]
        for key, item in pairs:
            if credential and hides_in_credential(_exact(key), item, holder):
                self.add(item, depth + 1)
            else:
                self.visit(key, item, depth + 1)

    def _cookie_jar(self, value: Any, attrs: dict[str, Any]) -> bool:
        """A cookie jar's values (a session's login): True when ``value`` is one.

        ``http.cookiejar`` keeps them as ``_cookies[domain][path][name]`` -> ``Cookie``,
        deeper than the walk goes by names; read here through the dicts themselves.
        """
        cookiejar = sys.modules.get("http.cookiejar")
        if cookiejar is None or not is_a(value, cookiejar.CookieJar):
            return False
        level: list[Any] = [dict.get(attrs, "_cookies")]
        for _ in range(3):  # domain, path, name
            level = [
                item
                for d in level
                if is_a(d, dict)
                for item in itertools.islice(dict.values(d), ITEMS)
            ][:ITEMS]
        for cookie in level:
            fields = instance_dict(cookie) if is_a(cookie, cookiejar.Cookie) else None
            if fields is not None:
                self.add(dict.get(fields, "value"), DEPTH - 1)
        return True

    def _pandas(self, value: Any) -> None:
        pd = sys.modules.get("pandas")
        if pd is None:
            return
        value = plain_pandas(value)  # a subclass's _constructor, attrs' deepcopy: user code
        # Columns, Series and indexes backed by a third-party ExtensionArray are skipped:
        # reading them runs that package's code (pandas_arrays.py).
        if is_a(value, pd.DataFrame):
            foreign = foreign_columns(value)
            if foreign_index(value.index) is not None:
                return
            if foreign:
                own = [i for i in range(len(value.columns)) if i not in foreign]
                value = value.iloc[:, own]
            for label, series in itertools.islice(value.items(), COLUMNS):
                if _secret_label(label):
                    self._values(series.array[:ROWS])
                elif series.dtype.kind == "O":
                    self._passwords_in(series.array[:ROWS])
            self._rows(value.index, lambda k: value.iloc[k, :COLUMNS].array)
        elif is_a(value, pd.Series):
            if foreign_series(value) is not None or foreign_index(value.index) is not None:
                return
            if _secret_label(value.name):
                self._values(value.array[:ROWS])
            else:
                self._rows(value.index, lambda k: [value.array[k]])
                if value.dtype.kind == "O":
                    self._passwords_in(value.array[:ROWS])
        elif (
            is_a(value, pd.Index)
            and any(_secret_label(n) for n in value.names)
            and foreign_index(value) is None
        ):
            self._values(value[:ROWS])

    def _polars(self, value: Any) -> None:
        pl = sys.modules.get("polars")
        if pl is None:
            return
        if is_a(value, pl.DataFrame):
            for name in value.columns[:COLUMNS]:
                if _secret_label(name):
                    self._values(value.get_column(name).head(ROWS).to_list())
        elif is_a(value, pl.Series) and _secret_label(value.name):
            self._values(value.head(ROWS).to_list())

    def _rows(self, index: Any, row: Any) -> None:
        """The values of rows labelled like a secret (``df.T``, ``pd.Series({...})``)."""
        if any(_secret_label(n) for n in index.names):
            for k in range(min(len(index), ROWS)):
                self._values(row(k))
            return
        for k, label in enumerate(index[:ROWS].tolist()):
            if _secret_label(label):
                self._values(row(k))

    def _numpy(self, value: Any) -> None:
        np = sys.modules.get("numpy")
        if np is None or not is_a(value, np.ndarray):
            return
        names = value.dtype.names
        if names:
            for field in names[:COLUMNS]:
                if _secret_label(field):
                    self._values(value[field].ravel()[:ROWS])

    def _passwords_in(self, values: Any) -> None:
        """The passwords of connection URLs and DSNs in a text column's leading rows
        (``conns["url"]``: ``postgresql://etl:<pw>@db/sales``)."""
        for item in itertools.islice(iter(values), ROWS):
            if type(item) is str:
                self.passwords(item)

    def _values(self, values: Any) -> None:
        for item in itertools.islice(iter(values), ROWS):
            self.add(item, DEPTH - 1)


# ``scheme://user:<pw>@host``, and libpq's or ODBC's ``password=<pw>`` / ``Pwd=<pw>``.
_URL_PASSWORD = lazy_compile(
    r"[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s/:@'\"]{0,100}:(?P<pw>[^\s/@'\"]{1,200})@"
)
_PERCENT_ESCAPE = lazy_compile(r"%[0-9A-Fa-f]{2}")
_DSN_PASSWORD = lazy_compile(
    r"(?:^|[\s;])(?:password|passwd|pwd)[ \t]*=[ \t]*(?P<pw>'[^'\n]{1,200}'|[^\s;'\"]{1,200})",
    re.IGNORECASE,
)

_NAMED_PAIR = lazy_compile(
    r"(?:^|[\s;&?,])(?P<name>[A-Za-z_][A-Za-z0-9_.-]{0,40})=(?P<pw>[^\s;&,'\"]{1,200})"
)


def _field_name(text: str) -> bool:
    """A header's or field's name naming a secret (``Authorization``, ``Set-Cookie``,
    ``api_key``): words of letters joined by ``-`` or ``_``, each capitalised or in small
    letters, so no value (a token has digits, a ``Bearer …`` a space, a password of
    letters ``SuperSecretKey`` capitals inside a word)."""
    return _FIELD_NAME.fullmatch(text) is not None and names_a_secret(text)


def _values_of_pairs(items: list[Any] | tuple[Any, ...]) -> Iterator[Any]:
    """The items of a list or tuple held under a secret name but a field's name before
    its value (``("Authorization", "Token …")``, requests' header store): a header's
    name hidden everywhere would blank every mention of it."""
    texts = [text_of(item) if type(item) in (str, bytes) else None for item in items]
    names = [t is not None and _field_name(t) for t in texts]
    for i, item in enumerate(items):
        if not (names[i] and i + 1 < len(items) and not names[i + 1]):
            yield item


_FIELD_NAME = lazy_compile(r"(?=[A-Za-z_-]{2,41}:?$)[A-Za-z][a-z]*(?:[-_][A-Za-z][a-z]*)*:?")
# A one-word scheme then the credential: ``Bearer <token>``, ``Basic <b64>``, ``token <pat>``.
_SCHEME_VALUE = lazy_compile(r"^[A-Za-z][A-Za-z0-9_-]{1,20}[ \t]+(\S{8,})$")
_TYPE_NAME = type.__dict__["__name__"]
_TYPE_MODULE = type.__dict__["__module__"]
_PARTIAL_ARGS = vars(functools.partial)["args"]
_PARTIAL_KEYWORDS = vars(functools.partial)["keywords"]
_SESSION_WORDS = frozenset({"session", "sess", "cookies", "cookie", "jar"})


def _holds_secret_whole(value: Any) -> bool:
    """True for a value that is a secret whole under a secret name (not an object with
    fields of its own to read by name)."""
    if text_of(value) is not None or is_a(
        value, dict | list | tuple | set | frozenset | collections.deque | collections.ChainMap
    ):
        return True
    cls = type(value)
    return is_credential_class(cls) and not is_credential_holder(cls) and not _is_session_class(cls)


def _is_session_class(cls: type) -> bool:
    """``ClientSession``, a cookie jar: settings beside the secrets, read by name."""
    name = _TYPE_NAME.__get__(cls)
    return type(name) is str and normalize_name(name).rpartition("_")[2] in _SESSION_WORDS


def _unproxied(value: Any) -> Any:
    """A ``MappingProxyType``'s dict (a proxy of another mapping: None, as reading it runs
    that mapping's methods); any other value as it is."""
    if type(value) is not types.MappingProxyType:
        return value
    return proxied_dict(value)


def _exact(key: Any) -> Any:
    """A str key as an exact str (name checks cache, and so hash, what they are given)."""
    return str.__str__(key) if is_a(key, str) else key


def _set_iter(value: Any) -> Iterator[Any]:
    """A set's items by the builtin type's own iterator (a subclass's is user code)."""
    return set.__iter__(value) if is_a(value, set) else frozenset.__iter__(value)


# Tokenizer vocabulary (``pad_token = "[PAD]"``, ``eos_token = "<|endoftext|>"``): named
# like a token, but words of a model's vocabulary that show in every tokenized text.
_VOCAB_TOKENS = frozenset(
    f"{kind}_token{s}"
    for kind in ("pad", "eos", "bos", "cls", "sep", "unk", "mask", "sos", "start", "end")
    for s in ("", "s")
)


def _secret_label(label: Any) -> bool:
    if is_a(label, tuple):
        return any(_secret_label(part) for part in tuple.__iter__(label))
    if not is_a(label, str):
        return False
    # An exact copy: the name checks are cached, and caching hashes the key (a str
    # subclass's ``__hash__`` or ``__eq__`` is user code).
    # ``password2``, ``DB_PASSWORD_2``: a name with a number is read without it.
    name = unnumbered(str.__str__(label))
    return is_secret_name(name) and normalize_name(name) not in _VOCAB_TOKENS

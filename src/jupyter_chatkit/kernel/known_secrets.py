"""Secrets the kernel holds under a secret name, to hide wherever else they show.

A value shown with no name beside it is still a secret when the namespace holds it under
one: ``vals = creds.values`` of a frame with a ``password`` column, a ``frozenset`` or
``Counter`` of a token, ``[os.environ["API_KEY"]]``, a log record's arguments. The rules
of the context policy cannot tell such a value from data; the kernel can, because it sees
where the value also lives. :func:`known_secrets` collects the strings found under secret
names (variables, dict keys, attributes, fields, frame columns and rows, structured array
fields, the environment) and the policy hides them by exact value in every kernel result.

Nothing here runs user code: types are read with ``type()``, containers through the
builtin types' own methods, objects through their instance ``__dict__`` slot, frames
through pandas' own accessors on leading rows. The walk is bounded (depth, items, rows),
and its result is kept until a cell runs or the namespace is rebound.
"""

from __future__ import annotations

import array
import base64
import collections
import enum
import functools
import itertools
import json
import os
import re
import sys
import threading
import types
import weakref
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .. import parse_json
from ..context_policy.calls import names_a_secret
from ..context_policy.environ import is_env_allowed
from ..context_policy.lazy_patterns import lazy_compile
from ..context_policy.names import is_secret_name, normalize_name, unnumbered
from ..context_policy.redact import Redactor
from ..context_policy.values import aliases, looks_like_file_path, passed_credential
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
# A value worth hiding everywhere: 5+ characters and not a short plain word (``default``,
# ``admin``, ``enabled`` under ``session =`` would hide every use of the word).
_PLAIN_WORD = lazy_compile(r"^[A-Za-z _-]{0,9}$")
_MIN_CHARS = 5
# A lower-case identifier beside a secret's name is one more name (``{"user", "password"}``).
_NAME_LIKE = lazy_compile(r"^[a-z_]+$")
# A set pairing a secret's name with its value is small (``{"password", "hunter2"}``); a
# bigger one is a collection of names or words (a vocabulary holding ``token``, a set of
# module names holding ``pwd``), whose other strings are no values.
_PAIR_SET_TEXTS = 4
_MAX_CHARS = 4096

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
# The shell's own history (``In``/``_ih``, ``Out``/``_oh``, ``_dh``): sources and results
# of cells, read by the policy where they show, never the value of a name in them.
_HISTORY_NAMES = ("_ih", "_oh", "_dh")
# ``tok = getpass.getpass()``, ``pw = input("Password: ")``: a name the shell's history
# binds to a typed secret holds one, whatever it is called. (Read from the sources of the
# last PROMPT_CELLS cells, each up to PROMPT_SOURCE_CHARS.)
_PROMPTED = lazy_compile(
    r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?::[^=\n]{1,80})?=[ \t]*(?:"
    r"(?:getpass\.)?getpass[ \t]*\("
    r"|input[ \t]*\([ \t]*[rRuU]?['\"][^'\"\n]{0,80}?"
    r"(?:pass|secret|token|api[ _-]?key|\bpin\b|\botp\b|credential)[^'\"\n]{0,80}['\"]"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
PROMPT_CELLS = 2_000
PROMPT_SOURCE_CHARS = 20_000
# Types whose values hold no text: skipped without a look (most list items).
_SCALARS = frozenset({int, float, bool, complex, type(None)})
_CACHE: dict[str, Any] = {"key": None, "found": ()}
# Modules, classes and functions hold no user data worth walking.
_SKIPPED = (
    types.ModuleType,
    type,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
)


def _worth(text: str) -> bool:
    # A key file's path (``GOOGLE_APPLICATION_CREDENTIALS``) is where a secret is kept.
    return (
        _MIN_CHARS <= len(text) <= _MAX_CHARS
        and _PLAIN_WORD.match(text) is None
        and not looks_like_file_path(text)
    )


def _text(value: Any) -> str | None:
    """A str (a subclass copied without its methods) or printable ASCII bytes (an
    ``array('b')``'s or a byte ``memoryview``'s too), else None."""
    if is_a(value, str):
        return str.__str__(value)
    if is_a(value, array.array | memoryview):
        return _array_text(value)
    if is_a(value, bytes | bytearray):
        # The builtin types' own methods: a subclass's ``__getitem__`` is user code.
        kind = bytearray if is_a(value, bytearray) else bytes
        if kind.__len__(value) > _MAX_CHARS:
            return None
        return _ascii(bytes(kind.__getitem__(value, slice(None))))
    return None


def _ascii(raw: bytes) -> str | None:
    if raw.isascii():
        text = raw.decode("ascii")
        return text if text.isprintable() else None
    return None


def _array_text(value: Any) -> str | None:
    """The text of a ``memoryview`` of bytes or an ``array`` of bytes or characters, by
    the C types' own methods (an array subclass's ``__len__``/``tobytes`` are not run)."""
    if type(value) is memoryview:  # (no subclass can be made)
        try:
            if value.format not in ("B", "b", "c") or value.nbytes > _MAX_CHARS:
                return None
            return _ascii(value.tobytes())
        except ValueError:  # released
            return None
    if array.array.__len__(value) > _MAX_CHARS:
        return None
    code = _ARRAY_TYPECODE.__get__(value)
    if code == "u":
        text = array.array.tounicode(value)
        return text if text.isprintable() else None
    return _ascii(array.array.tobytes(value)) if code in ("b", "B") else None


class _Walk:
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
        text = _text(value)
        if text is not None:
            if _worth(text) and len(self.found) < MAX_SECRETS:
                self.found[text] = None
                # ``Bearer <token>``, ``token <pat>``: the credential shows alone too
                # (``headers["Authorization"].split()[1]``).
                scheme = _SCHEME_VALUE.match(text)
                if scheme is not None and _worth(scheme[1]):
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
        if _worth(password) and len(self.found) < MAX_SECRETS:
            self.found[password] = None

    def passwords(self, text: str, named: bool = False) -> None:
        """The passwords a URL's user info or a DSN's ``password=`` holds in ``text``;
        ``named`` (a text held under a secret name: a ``Set-Cookie`` header's
        ``session=<id>; Path=/``), the value of any ``name=value`` pair named a secret."""
        if "://" not in text and "=" not in text:
            return
        head = text[:_MAX_CHARS]
        pairs = (m for m in _NAMED_PAIR.finditer(head) if named and _secret_label(m["name"]))
        matches = (_URL_PASSWORD.finditer(head), _DSN_PASSWORD.finditer(head), pairs)
        for match in itertools.chain(*matches):
            found = match["pw"].strip("'")
            if _worth(found) and found[0] not in "$%{<*" and len(self.found) < MAX_SECRETS:
                self.found[found] = None

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
            name = _text(item) if kind is str or kind is bytes else None
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
    texts = [_text(item) if type(item) in (str, bytes) else None for item in items]
    names = [t is not None and _field_name(t) for t in texts]
    for i, item in enumerate(items):
        if not (names[i] and i + 1 < len(items) and not names[i + 1]):
            yield item


_FIELD_NAME = lazy_compile(r"(?=[A-Za-z_-]{2,41}:?$)[A-Za-z][a-z]*(?:[-_][A-Za-z][a-z]*)*:?")
# A one-word scheme then the credential: ``Bearer <token>``, ``Basic <b64>``, ``token <pat>``.
_SCHEME_VALUE = lazy_compile(r"^[A-Za-z][A-Za-z0-9_-]{1,20}[ \t]+(\S{8,})$")
_TYPE_NAME = type.__dict__["__name__"]
_TYPE_MODULE = type.__dict__["__module__"]
_TYPE_DICT = type.__dict__["__dict__"]
_ARRAY_TYPECODE = vars(array.array)["typecode"]
_PARTIAL_ARGS = vars(functools.partial)["args"]
_PARTIAL_KEYWORDS = vars(functools.partial)["keywords"]
_FUNCTION_MODULE = vars(types.FunctionType)["__module__"]
_FUNCTION_CLOSURE = vars(types.FunctionType)["__closure__"]
_FUNCTION_DEFAULTS = vars(types.FunctionType)["__defaults__"]
_FUNCTION_KWDEFAULTS = vars(types.FunctionType)["__kwdefaults__"]
_CELL_CONTENTS = vars(types.CellType)["cell_contents"]
_SESSION_WORDS = frozenset({"session", "sess", "cookies", "cookie", "jar"})


def _holds_secret_whole(value: Any) -> bool:
    """True for a value that is a secret whole under a secret name (not an object with
    fields of its own to read by name)."""
    if _text(value) is not None or is_a(
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


def known_secrets(namespace: Mapping[str, Any], generation: Any = None) -> tuple[str, ...]:
    """The strings ``namespace`` and the environment hold under secret names.

    ``generation`` (the shell's execution count) and the namespace's bindings key a cache:
    the walk runs again only after a cell ran (or, without a shell, a name was rebound).
    """
    # Off the main thread (a kernel subshell, JEP 91) a cell may be running and changing
    # the values in place as they are read: no cache (the count moves when the cell ends,
    # not as it changes them), and a read that fails fails the whole answer (the caller
    # then withholds), as one skipped value could be the secret the cell just printed.
    concurrent = threading.current_thread() is not threading.main_thread()
    # Every cell run counts (``generation``), and the identities of the values tell a
    # rebinding within one (a cell asking twice, ``password = other`` between: ~15 us for
    # 1,000 names).
    bindings = (len(namespace), sum(map(id, namespace.values())))
    key = (id(namespace), generation, bindings, len(os.environ))
    if not concurrent and _CACHE["key"] == key:
        return tuple(_CACHE["found"])
    items = list(namespace.items())
    # (Plain str names only: a str subclass's ``__eq__`` is user code.)
    history = {id(value) for name, value in items if type(name) is str and name in _HISTORY_NAMES}
    walk = _Walk()
    for name, value in items:
        if not is_a(name, str) or str.startswith(name, "_"):
            continue
        if is_a(value, type):
            walk.start()
            _class_attributes(walk, value)
            continue
        if type(value) is types.FunctionType:
            walk.start()
            _function_values(walk, value)
            continue
        if is_a(value, _SKIPPED) or id(value) in history or _is_shell_object(value):
            continue
        walk.start()
        try:
            walk.visit(name, value)
        except Exception:
            if concurrent:
                _visit_again(walk, name, value)
            continue  # one odd value must not sink the result
    walk.floor = 0  # what the shell's history and the environment hold: the rest
    prompted = _prompted_names(items)
    for name, value in items if prompted else ():
        if type(name) is str and name in prompted:
            walk.add(value, 0)
    passed = _credential_names(items)
    for name, value in items if passed else ():
        # A text only: a name passed as a credential once and bound to a frame since
        # would hide every word of the frame. And one taken for a credential (a digit or
        # a symbol): a database's, a user's or a host's name hidden everywhere blanks data.
        if type(name) is str and name in passed and type(value) is str and passed_credential(value):
            walk.add(value, 0)
    for name, value in list(os.environ.items()):
        # ``PWD``, ``OLDPWD``: directories, not passwords.
        if is_secret_name(unnumbered(name)) and not is_env_allowed(name) and name != "OLDPWD":
            walk.add(value, 0)
    if walk.found:
        _add_pieces(walk, items)
    found = tuple(walk.found)
    if not concurrent:
        _CACHE["key"], _CACHE["found"] = key, found
    return found


def _is_shell_object(value: Any) -> bool:
    """IPython's own objects in the namespace (``exit``, ``quit``: they hold the shell,
    whose graph is no user data and would take the walk's budget)."""
    module = _TYPE_MODULE.__get__(type(value))
    return type(module) is str and module.startswith(_SHELL_MODULES)


_SHELL_MODULES = ("IPython.core.autocall", "IPython.core.interactiveshell", "ipykernel.")


def _class_attributes(walk: _Walk, cls: type) -> None:
    """A class of the notebook's own (``class Config: DB_PASSWORD = "…"``): its class
    attributes under secret names are held secrets. Read from the class's own dict by
    ``type``'s descriptors (no metaclass code runs); library classes are not read."""
    module = _TYPE_MODULE.__get__(cls)
    if type(module) is not str or module != "__main__":  # (a str subclass's __ne__ is code)
        return
    # The dict's own pairs: copying it into a dict would hash each key again, and a key
    # may be a str subclass with a ``__hash__`` of the user's (``type(name, bases, ns)``).
    for key, value in list(_TYPE_DICT.__get__(cls).items())[:ITEMS]:
        if type(key) is str and not key.startswith("_") and not is_a(value, _SKIPPED):
            try:
                walk.visit(key, value, 1)
            except Exception:
                continue  # one odd value must not sink the result


def _function_values(walk: _Walk, f: types.FunctionType) -> None:
    """A notebook function's closure cells and defaults by their names (``def make():
    token = "…"; def call(): …`` then ``call = make()``; ``def connect(password="…")``),
    read by the function and cell types' own slots: nothing of the function runs. A
    library's functions are not read."""
    module = _FUNCTION_MODULE.__get__(f)
    if type(module) is not str or module != "__main__":
        return
    code = f.__code__  # (a code object: no subclass, no hooks)
    cells = _FUNCTION_CLOSURE.__get__(f) or ()
    pairs: list[tuple[str, Any]] = []
    for name, cell in zip(code.co_freevars, cells, strict=False):
        try:
            pairs.append((name, _CELL_CONTENTS.__get__(cell)))
        except ValueError:  # a cell never filled
            continue
    defaults = _FUNCTION_DEFAULTS.__get__(f) or ()
    positional = code.co_varnames[: code.co_argcount]
    pairs += zip(positional[len(positional) - len(defaults) :], defaults, strict=False)
    kwdefaults = _FUNCTION_KWDEFAULTS.__get__(f)
    if type(kwdefaults) is dict:
        pairs += [(k, v) for k, v in dict.items(kwdefaults) if type(k) is str]
    for name, value in pairs[:ITEMS]:
        if is_a(value, _SKIPPED):
            continue
        try:
            walk.visit(name, value, 1)
        except Exception:
            continue  # one odd value must not sink the result


def _add_pieces(walk: _Walk, items: list[tuple[Any, Any]]) -> None:
    """The pieces a secret was joined from (``head = "sk-…"``, ``parts = ["Xq7…", …]``
    before ``api_key = head + tail``): strings of the namespace, alone or in a plain list
    or tuple, that are part of a secret found under a name, are hidden as it is."""
    secrets = [s for s in walk.found if len(s) <= _MAX_CHARS]
    for name, value in items:
        if type(name) is not str or name.startswith("_"):
            continue
        kind = type(value)
        # ``is``, not ``in (list, tuple)``: that compares with ``==``, and a metaclass's
        # ``__eq__`` is the user's code.
        listed = kind is list or kind is tuple
        values = itertools.islice(kind.__iter__(value), ITEMS) if listed else (value,)
        for item in values:
            if type(item) is not str or not _worth(item) or item in walk.found:
                continue
            if any(item in secret for secret in secrets):
                walk.found[item] = None


def _prompted_names(items: list[tuple[Any, Any]]) -> set[str]:
    """Names the shell's history (``_ih``) binds to what ``getpass`` or a password
    prompt returned."""
    sources = next((v for n, v in items if type(n) is str and n == "_ih"), None)
    if type(sources) is not list:
        return set()
    names: set[str] = set()
    for source in sources[-PROMPT_CELLS:]:
        if type(source) is str and ("getpass" in source or "input" in source):
            names.update(_PROMPTED.findall(source[:PROMPT_SOURCE_CHARS]))
    return names


def _credential_names(items: list[tuple[Any, Any]]) -> set[str]:
    """Names the shell's history passes where a credential goes, or sets a secret-named
    one from, whatever they are called: ``x`` of ``connect(host, user, x)``,
    ``HTTPBasicAuth(u, x)``, ``f"{u}:{x}@db"`` or ``password = x`` (context_policy.flows
    and values.aliases, the rules that hide such a literal in the same text)."""
    sources = next((v for n, v in items if type(n) is str and n == "_ih"), None)
    if type(sources) is not list:
        return set()
    names: set[str] = set()
    for source in sources[-PROMPT_CELLS:]:
        if type(source) is str:
            names.update(_aliases_in(source[:PROMPT_SOURCE_CHARS]))
    return names


@functools.lru_cache(maxsize=PROMPT_CELLS)
def _aliases_in(source: str) -> frozenset[str]:
    """:func:`aliases` of one cell's source, kept: a cell's text never changes, so each
    is read once however often the namespace is walked."""
    return aliases(source)


def _visit_again(walk: _Walk, name: str, value: Any) -> None:
    """Off the main thread, a value whose walk failed, once more: a dict or set the
    running cell resized under the walk (``RuntimeError: ... changed size during
    iteration``) fails the whole answer if it fails again, as skipping it could drop the
    secret the cell just printed. Other errors are an odd value's, skipped as on the
    main thread (the %chat widget's tools run on subshells too)."""
    try:
        walk.visit(name, value)
    except RuntimeError as e:
        raise RuntimeError("the namespace changed while it was read") from e
    except Exception:
        return


def _hide_known(value: Any, redactor: Redactor) -> Any:
    """``value`` (parsed JSON) with the known secrets hidden in every string."""
    if isinstance(value, str):
        return redactor.known_values(value)
    if isinstance(value, list):
        return [_hide_known(item, redactor) for item in value]
    if isinstance(value, dict):
        return {redactor.known_values(k): _hide_known(v, redactor) for k, v in value.items()}
    return value


def hide_known_json(payload: str, view: Any = None) -> str:
    """``payload`` (JSON text) with what this kernel holds under secret names hidden.

    The JupyterLab sidebar reads the notebook in the browser, with text rules only: an
    output that shows a kernel-held secret with no name beside it (``print(tok[::-1])``,
    an exception quoting a password) passes them. It sends what it read here (silently,
    as the kernel tools do) before the model gets it. Answers JSON
    ``{"value": ..., "hidden": n}``, or ``{"error": ...}`` for a payload that is no JSON;
    nothing of the kernel's goes back but the placeholders. ``view``: the namespace to
    read (a :class:`~.view.KernelView`), by default the running shell's.
    """
    from .view import KernelView

    try:
        value = parse_json.loads(payload)
    except (TypeError, ValueError):
        return json.dumps({"error": "The payload is not valid JSON."})
    view = view or KernelView.current()
    found = known_secrets(view.namespace, getattr(view.shell, "execution_count", None))
    if not found:
        # Nothing to hide, so no Redactor: making one compiles every rule of the policy
        # (~200 expressions, ~90 ms of CPU on the first check in a kernel).
        return json.dumps({"value": value, "hidden": 0}, ensure_ascii=False)
    redactor = Redactor(known=found)
    clean = _hide_known(value, redactor)
    return json.dumps({"value": clean, "hidden": redactor.count}, ensure_ascii=False)


def hide_known_text(text: str, view: Any = None) -> str:
    """``text`` (a question asked from this kernel: ``%chat``, ``Chat().ask``) with what
    the kernel holds under secret names hidden by exact value: a token pasted bare
    (``%chat is Xq7... still valid?``) has no name beside it for the policy's rules, but
    the kernel knows it, and the question leaves the kernel (for the model, the store,
    the server) only so. ``view``: the namespace to read, by default the running shell's.
    """
    from .view import KernelView

    view = view or KernelView.current()
    found = known_secrets(view.namespace, getattr(view.shell, "execution_count", None))
    return Redactor(known=found).known_values(text) if found else text

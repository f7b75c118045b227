"""Secrets shown without their name: the kernel hides what it holds under a secret name.

``vals = creds.values`` of a frame with a ``password`` column, a token copied into a list
or a set, a log record's arguments: no rule can tell such a value from data, but the
kernel sees the same value under a secret name elsewhere and hides it by exact value in
every tool result, without running any of the user's code.
"""

from __future__ import annotations

import array
import base64
import collections
import dataclasses
import enum
import functools
import json
import logging
import os
import types
import weakref
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jupyter_chatkit.context_policy.escaped import escaped_forms
from jupyter_chatkit.context_policy.prepared import PREFIX_CHARS
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import hide_known_text, known_secrets

from .test_context_trust import CALLS

SECRET = "Zq8wL3vN7pX2"


def everything(ns: dict[str, Any]) -> str:
    """The listing and every variable's inspection, as the model would read them."""
    view = KernelView(ns)
    results = [run_tool("list_kernel_variables", {"max_items": 500}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": name}, view) for name in ns]
    return dumps(results)


@pytest.fixture
def env_token() -> Iterator[str]:
    value = SECRET + "env"
    os.environ["CHATKIT_TEST_SERVICE_TOKEN"] = value
    yield value
    os.environ.pop("CHATKIT_TEST_SERVICE_TOKEN", None)


def test_a_frames_secret_column_shown_through_another_variable_is_hidden() -> None:
    creds = pd.DataFrame({"user": ["ada", "bob"], "password": [SECRET + "a", SECRET + "b"]})
    ns = {
        "creds": creds,
        "vals": creds.values,
        "arr": creds.to_numpy(),
        "first": creds["password"].iloc[0],
        "as_list": list(creds["password"]),
        "as_set": frozenset(creds["password"]),
        "counted": collections.Counter(creds["password"]),
        "nested": {"deep": [["ada", SECRET + "b"]]},
    }
    text = everything(ns)
    assert SECRET not in text, text
    assert "ada" in text and "held under a secret name" in text


def test_values_under_secret_names_hide_their_copies(env_token: str) -> None:
    token = SECRET + "t"
    structured = np.array([("ada", SECRET + "s")], dtype=[("user", "U10"), ("password", "U20")])
    ns = {
        "token": token,
        "copies": [token, os.environ["CHATKIT_TEST_SERVICE_TOKEN"]],
        "config": {"db": {"password": SECRET + "d"}},
        "shown": f"connected with {SECRET}d",
        "structured": structured,
        "plain": structured.tolist(),
        "row": pd.Series({"user": "ada", "api_key": SECRET + "r"}),
        "row_values": [SECRET + "r"],
        "pairs": [("user", "ada"), ("password", SECRET + "p")],
        "pair_copy": (SECRET + "p",),
    }
    text = everything(ns)
    assert SECRET not in text, text
    assert env_token not in text


def test_a_secret_a_thousand_characters_long_is_hidden_and_tools_still_answer() -> None:
    """A JWT or a PEM key runs to a thousand characters and more: the pattern finding known
    secrets was built by recursing one level a character, and every kernel tool failed
    with a RecursionError from ~450 characters (earlier on a deep stack) to the length
    past which a value is not looked for."""
    long_token = "".join(f"{SECRET}{i:05d}" for i in range(60))  # 1,020 characters
    ns = {"id_token": long_token, "copies": [long_token], "shown": f"Bearer {long_token}"}
    results = [run_tool("list_kernel_variables", {}, KernelView(ns))]
    results += [run_tool("inspect_kernel_variable", {"name": name}, KernelView(ns)) for name in ns]
    assert all("error" not in result for result in results), [r.get("error") for r in results]
    text = dumps(results)
    assert long_token not in text
    assert json.loads(dumps(results[1]))["value"].startswith("«redacted")


@pytest.mark.parametrize("length", [64, 400])
def test_a_long_secrets_copy_shown_cut_short_is_hidden(length: int) -> None:
    """A preview shows a list's or a dict's string cut to its first 40 characters, an
    inspection to its first 200: a 64-character hex key held in a list showed 40 of its
    characters, as the whole-value and middle patterns never saw it whole."""
    token = "".join(f"{SECRET}{i:05d}" for i in range(length // 17 + 1))[:length]
    ns = {"api_token": token, "copies": [token], "by_host": {"h": token}, "pair": (token, 1)}
    text = everything(ns)
    shown = [token[i : i + PREFIX_CHARS] for i in range(len(token) - PREFIX_CHARS)]
    assert not [run for run in shown if run in text], text[:600]


def test_values_under_numbered_secret_names_hide_their_copies() -> None:
    """``password2``, ``DB_PASSWORD_2``: a secret's name with a number is still one."""
    # Phrases no shape rule knows: only the name beside them marks them.
    first, second = "tiger lily forty two", "blue heron at dawn"
    ns = {
        "password2": first,
        "cfg": {"DB_PASSWORD_2": second},
        "copies": [first, second],
    }
    text = everything(ns)
    assert first not in text and second not in text, text


def test_a_polars_frames_secret_column_shown_through_another_variable_is_hidden() -> None:
    import polars as pl

    frame = pl.DataFrame({"user": ["ada"], "api_secret": [SECRET + "l"]})
    ns = {"frame": frame, "rows": frame.rows(), "column": frame["api_secret"].to_list()}
    assert SECRET not in everything(ns)


def test_a_set_beside_a_secret_name_and_a_log_records_arguments_are_hidden() -> None:
    record = logging.LogRecord("app", logging.INFO, "app.py", 1, "password=%s", (SECRET,), None)
    ns = {"odd_set": {"password", "hunter2x"}, "record": record, "columns": {"user", "password"}}
    text = everything(ns)
    assert SECRET not in text and "hunter2x" not in text, text
    assert "'user'" in text  # a set of names keeps its names


def test_a_big_set_holding_a_secret_name_is_names_not_a_pair() -> None:
    # A vocabulary with ``token`` in it, a set of module names with ``pwd`` in it: its
    # other strings are data, not that name's value; hidden, they blanked every type name
    # such as ``collections.OrderedDict`` in the kernel's tool results (seen in a kernel:
    # a set of its modules' names held ``pwd``, ``token`` and ``jupyter_client.session``).
    vocab = {"token", "Paris", "collections.OrderedDict", "U.S.", "2024", "Hello", "json.decoder"}
    ns = {"vocab": vocab, "od": collections.OrderedDict(a=1)}
    assert known_secrets(ns) == ()
    assert "collections.OrderedDict" in everything(ns)


def test_a_short_plain_word_under_a_secret_name_is_not_hidden_everywhere() -> None:
    ns = {"session": "default", "mode": "default", "password": "letmein2"}
    assert known_secrets(ns) == ("letmein2",)
    text = everything(ns)
    assert '"default"' in text or "'default'" in text, text


def test_a_key_files_path_under_a_secret_name_is_not_hidden_everywhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Where a key is kept is no secret (its content would be): the path stays readable
    # wherever it shows, as the rules keep ``GOOGLE_APPLICATION_CREDENTIALS=/keys/sa.json``.
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", "/home/ada/keys/sa-demo.json")
    ns = {"key_file": "/home/ada/keys/sa-demo.json", "private_key": "~/.ssh/id_ed25519"}
    ns |= {
        "shown": ["/home/ada/keys/sa-demo.json", "~/.ssh/id_ed25519"],
        "password": "Hq7vR2mX9kLp",
    }
    assert known_secrets(ns) == ("Hq7vR2mX9kLp",)
    text = everything(ns)
    assert "/home/ada/keys/sa-demo.json" in text and "~/.ssh/id_ed25519" in text, text
    assert "Hq7vR2mX9kLp" not in text, text


def test_a_password_in_an_environment_variables_url_is_hidden_where_it_shows_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``DATABASE_URL``, ``REDIS_URL``, ``HTTPS_PROXY`` name no secret, but the password in
    their URL's user info (or a DSN's ``password=``) is one, as it is in a variable of the
    namespace: ``urlparse(os.environ["DATABASE_URL"]).password`` printed alone is hidden.
    The rest of such a value (its host, its user) stays readable."""
    pg, redis, proxy, dsn = "Xq7pL2mZ9wRt", "Rk8vN3qT5wYz", "Pz4hB8nK2cQv", "Dn6rW1xJ9tLm"
    monkeypatch.setenv("CHATKIT_TEST_DATABASE_URL", f"postgresql://etl:{pg}@db.internal/sales")
    monkeypatch.setenv("CHATKIT_TEST_REDIS_URL", f"redis://:{redis}@cache.internal:6379/0")
    monkeypatch.setenv("CHATKIT_TEST_HTTPS_PROXY", f"http://ada:{proxy}@proxy.internal:3128")
    monkeypatch.setenv("CHATKIT_TEST_PG_CONNINFO", f"host=db.internal user=etl password={dsn}")
    monkeypatch.setenv("CHATKIT_TEST_SERVICE_URL", "https://api.example.com/v1")
    ns = {"shown": [pg, redis, proxy, dsn, "db.internal", "https://api.example.com/v1"]}
    assert {pg, redis, proxy, dsn} <= set(known_secrets(ns))
    text = everything(ns)
    assert not [p for p in (pg, redis, proxy, dsn) if p in text], text
    assert "db.internal" in text and "https://api.example.com/v1" in text


def test_a_secret_under_a_private_name_is_hidden_where_it_shows_alone() -> None:
    """``_api_key = os.environ[...]``, ``_DB_PASSWORD = getpass()``: a notebook's private
    name for a secret is a secret's name. IPython's own ``_``-names (a cell's source in
    ``_i2``, its output in ``_2``) and dunders are no values of a name, and stay unread."""
    key, pw, token = "Xq7pL2mZ9wRtK4", "Pw4hB8nK2cQvZ7", "Tk5mW9qR3zLp8V"
    source = "token = fetch()\nprint(region_total)"
    ns: dict[str, Any] = {
        "_api_key": key,
        "_DB_PASSWORD": pw,
        "__hf_token": token,  # a class-private style name, no dunder
        "__": "north-west",  # IPython's output history, like ``_2``
        "_i2": source,
        "_2": "north-west",
        "__doc__": "Automatically created module for IPython interactive environment",
        "shown": [key, pw, "north-west"],
    }
    found = known_secrets(ns)
    assert {key, pw, token} <= set(found) and source not in found and "north-west" not in found
    text = everything(ns)
    assert key not in text and pw not in text and token not in text and "north-west" in text
    asked = hide_known_text(f"is {key} still valid?", KernelView(ns))
    assert key not in asked and "still valid" in asked


def test_a_rebinding_is_seen_on_the_next_call() -> None:
    ns: dict[str, Any] = {"shown": [SECRET + "n"]}
    # Nothing names it yet: a 13-character word in a list is data.
    assert SECRET in dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    ns["api_token"] = SECRET + "n"
    assert SECRET not in dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))


class BasicAuth:
    def __init__(self, login: str, pw: str) -> None:
        self.login = login
        self.pw = pw


class ClientSession:
    def __init__(self, token: str) -> None:
        self.user_agent = "python-requests/2.31.0"
        self.connection = "keep-alive"
        self.api_token = token


def test_an_object_under_a_secret_name_is_read_by_its_fields() -> None:
    """A credential object is a secret whole; a session is read by its fields' names, so
    its user agent is not hidden everywhere."""
    ns = {
        "auth": BasicAuth("ada.lovelace", SECRET + "c"),
        "session": ClientSession(SECRET + "s"),
    }
    found = known_secrets(ns)
    assert SECRET + "c" in found and SECRET + "s" in found
    assert "ada.lovelace" not in found  # who it is for: shown where it shows
    assert "python-requests/2.31.0" not in found and "keep-alive" not in found


class _Holder:
    pass


def test_tokenizer_vocabulary_is_not_hidden_everywhere() -> None:
    """``pad_token = "[PAD]"`` names a word of a model's vocabulary: hidden everywhere,
    every tokenized text would lose its ``[CLS]`` and ``<|endoftext|>``."""
    tokenizer = _Holder()
    tokenizer.__dict__.update(
        _special_tokens_map={"pad_token": "[PAD]", "cls_token": "[CLS]"},
        eos_token="<|endoftext|>",
    )
    ns = {"tokenizer": tokenizer, "api_token": SECRET + "t"}
    assert known_secrets(ns) == (SECRET + "t",)


@pytest.mark.parametrize(
    "secret",
    [
        pytest.param("Zq8'wL3vN7", id="single-quote"),
        pytest.param('Zq8"wL3vN7', id="double-quote"),
        pytest.param("Zq8'wL\"3vN7", id="both-quotes"),
        pytest.param("Zq8\\wL3vN7", id="backslash"),
        pytest.param("Zq8\nwL3\tvN7", id="newline-tab"),
        pytest.param("Zq8éwL3vN7", id="non-ascii"),
        pytest.param("Zq8\x00wL3vN7\u200b", id="unprintable"),
    ],
)
def test_a_secret_shown_escaped_in_a_repr_or_json_is_hidden(secret: str) -> None:
    """A password with a quote, backslash, newline or non-ASCII letter shows escaped in
    ``str(dict)``, ``repr(list)`` and JSON (and escaped twice when such a text is shown
    as a repr): each of those forms is hidden like the value itself."""
    ns = {
        "password": secret,
        "line": str({"user": "ada", "p": secret}),
        "row": str(["ada", secret]),
        "body": json.dumps({"p": secret}),
        "body_utf8": json.dumps({"p": secret}, ensure_ascii=False),
        "shown": ascii(secret),
        "pairs": [("ada", secret)],
    }
    text = everything(ns)
    for form in [secret, *escaped_forms(secret)]:
        assert form not in text and form not in json.loads(text).__repr__(), form
    assert "Zq8" not in text and "ada" in text


def test_a_rebinding_within_one_cell_run_is_seen() -> None:
    """A cell that asks twice, rebinding a secret between: same execution count."""
    ns: dict[str, Any] = {"password": SECRET + "a"}
    assert known_secrets(ns, 7) == (SECRET + "a",)
    ns["password"] = SECRET + "b"
    assert known_secrets(ns, 7) == (SECRET + "b",)


def test_an_http_clients_login_shown_alone_is_hidden_and_no_client_code_runs() -> None:
    """A session's ``Authorization`` header and cookies, printed without their names
    (``s.headers["Authorization"].split()[1]``, ``list(s.cookies.values())``), read
    from the client objects by their own dicts: none of requests' or httpx's code runs."""
    import sys

    import httpx
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {SECRET}b"
    session.cookies.set("sessionid", SECRET + "k", domain="example.com")
    client = httpx.Client(headers={"Authorization": f"token {SECRET}h"})
    prepared = requests.Request(
        "GET", "https://api.example.com", headers={"X-Api-Key": SECRET + "x"}
    ).prepare()
    ns = {"s": session, "client": client, "prep": prepared}
    calls: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        module = str(frame.f_globals.get("__name__", ""))
        if event == "call" and module.split(".")[0] in {"requests", "httpx", "http"}:
            calls.append(f"{module}.{frame.f_code.co_name}")

    sys.setprofile(watch)
    try:
        found = known_secrets(ns)
    finally:
        sys.setprofile(None)
    client.close()
    assert calls == []
    for shown in (SECRET + "b", SECRET + "k", SECRET + "h", SECRET + "x"):
        assert shown in found, (shown, found)
    # What the sidebar sends through the kernel comes back without them.
    from jupyter_chatkit.kernel.known_secrets import hide_known_json

    printed = f"{SECRET}b\n['{SECRET}k']\n{SECRET}h"
    answer = json.loads(hide_known_json(json.dumps(printed), KernelView(ns)))
    assert SECRET not in answer["value"] and answer["hidden"] == 3


def test_a_secret_in_a_simple_namespace_is_hidden_where_it_shows_alone() -> None:
    """``cfg = SimpleNamespace(**yaml.safe_load(f))``: a C type keeps its attributes in a
    slot of its own (a member descriptor, not the getset of a class's ``__dict__``); its
    secret-named ones are held secrets like any object's, and it is described by them."""
    key = "Ns7Kd4Tn1Bx9Lq2Wv"
    ns: dict[str, Any] = {
        "cfg": types.SimpleNamespace(
            api_key=key, host="db.example", nested=types.SimpleNamespace(password=key + "n")
        ),
        "shown": [key, key + "n"],
    }
    text = everything(ns)
    assert key not in text and "db.example" in text


@dataclasses.dataclass(slots=True)
class _SlottedConfig:
    host: str
    api_key: str


class _SlottedConnection:
    __slots__ = ("host", "never_set", "secret_value")

    def __init__(self, secret: str) -> None:
        self.host = "db.example"
        self.secret_value = secret

    def __getattribute__(self, name: str) -> Any:
        CALLS.append(f"slotted __getattribute__ {name}")
        return object.__getattribute__(self, name)

    @property
    def token(self) -> str:
        CALLS.append("slotted property")
        return "x"


def test_a_secret_in_an_objects_slots_is_hidden_where_it_shows_alone() -> None:
    """``@dataclass(slots=True)`` and ``__slots__`` classes have no ``__dict__``: their
    secret-named fields are read from the slots by the interpreter's own descriptors (no
    ``__getattribute__`` or property of the class runs) and hidden where they show."""
    key, conn = "Dc-4Rt8Np1Bs6Cz3", "Sl-4Rt8Np1Bs6Cz3"
    CALLS.clear()
    ns: dict[str, Any] = {
        "cfg": _SlottedConfig("db.example", key),
        "conn": _SlottedConnection(conn),
        "shown": [key, conn, "db.example"],
    }
    text = everything(ns)
    assert key not in text and conn not in text and "db.example" in text
    assert CALLS == []


class _RecordingMeta(type):
    def __getattribute__(cls, name: str) -> Any:
        CALLS.append(f"metaclass __getattribute__ {name}")
        return type.__getattribute__(cls, name)


def test_a_secret_class_attribute_is_hidden_where_it_shows_alone() -> None:
    """``class Config: DB_PASSWORD = "…"`` in the notebook: the class attribute is a held
    secret, read from the class's own dict (no metaclass code runs); a library's classes
    are not read."""
    secret = "Cl-4Rt8Np1Bs6Cz3"
    config = _RecordingMeta("Config", (), {"DB_PASSWORD": secret, "HOST": "db.example"})
    type.__setattr__(config, "__module__", "__main__")
    CALLS.clear()
    ns: dict[str, Any] = {
        "Config": config,
        "shown": {"region": "db.example", "value": secret},
        "json": json,
    }
    text = everything(ns)
    assert secret not in text and "db.example" in text
    assert not [c for c in CALLS if "metaclass" in c], CALLS


_ARMED: list[bool] = [True]


def _record(name: str, base: type = object) -> Any:
    """A method that records and raises, once armed (the value is built unarmed)."""

    def hook(self: Any, *args: Any, **kwargs: Any) -> Any:
        if not _ARMED[0]:
            return getattr(base, name)(self, *args, **kwargs)
        CALLS.append(name)
        raise AssertionError(name)

    return hook


_HOOKS = ("__iter__", "__len__", "__getitem__", "__repr__", "__getattribute__", "__eq__")


def _hostile(base: type, *more: str) -> type:
    """A subclass of ``base`` whose every reading method records itself and raises."""
    hooks = {h: _record(h, base) for h in (*_HOOKS, *more)}
    return type(f"Hostile{base.__name__}", (base,), hooks)


class _UserMapping(Mapping[str, str]):
    """A mapping of the user's: a proxy of it is read by type only."""

    def __getitem__(self, key: str) -> str:
        CALLS.append("mapping __getitem__")
        return "x"

    def __iter__(self) -> Iterator[str]:
        CALLS.append("mapping __iter__")
        return iter(["password"])

    def __len__(self) -> int:
        CALLS.append("mapping __len__")
        return 1


class _Box:
    pass


def _connect(host: str, password: str = "", *, timeout: int = 5) -> None:
    return None


def test_secrets_in_proxies_deques_enums_partials_closures_and_arrays_are_hidden() -> None:
    """A secret under a secret name inside a ``MappingProxyType``, a ``deque``, an
    ``Enum`` class, a ``functools.partial``'s keywords, a notebook function's closure or
    defaults, a ``Counter``'s keys, a set's tuples, a byte ``array`` or ``memoryview`` or a
    weak reference's target is a held secret: hidden wherever it shows alone, while the
    proxy and the partial are described with it hidden. Hostile subclasses whose methods
    record and raise never run (their C types' own slots are read)."""
    s = {k: f"Kw{k}-4Rt8Np1Bs6Cz3" for k in "mdecfknaowqzuh"}
    cfg = enum.Enum("Cfg", {"API_KEY": s["e"], "HOST": "db.example"})  # type: ignore[misc]
    type.__setattr__(cfg, "__module__", "__main__")

    def make() -> Any:
        token = s["c"]

        def call() -> str:
            return token

        return call

    call = make()
    call.__module__ = "__main__"
    connect = types.FunctionType(_connect.__code__, {}, "connect", ("db", s["f"]))
    connect.__module__ = "__main__"
    hostile_partial = type(
        "HostilePartial",
        (functools.partial,),
        {"keywords": property(_record("partial keywords")), "__repr__": _record("repr")},
    )
    hostile_ref = type("HostileRef", (weakref.ref,), {"__call__": _record("ref __call__")})
    box = _Box()
    box.api_key = s["w"]  # type: ignore[attr-defined]
    _ARMED[0] = False
    ns: dict[str, Any] = {
        "settings": types.MappingProxyType(
            _hostile(dict, "items", "values", "get")(api_key=s["m"], host="db.example")
        ),
        "other": types.MappingProxyType(_UserMapping()),
        "queue": _hostile(collections.deque)([{"password": s["d"]}, "db.example"]),
        "api_keys": _hostile(collections.deque)([s["q"]]),
        "Cfg": cfg,
        "login": hostile_partial(_connect, "db.example", password=s["k"]),
        "call": call,
        "connect": connect,
        "used_passwords": _hostile(collections.Counter, "keys")({s["n"]: 2}),
        "passwords": _hostile(collections.ChainMap, "maps")({"prod": s["h"]}),
        "pairs": frozenset({("password", s["z"])}),
        "raw": {"token": _hostile(array.array, "tobytes")("b", s["a"].encode())},
        "wide": {"secret": array.array("u", s["u"])},
        "view": {"api_key": memoryview(s["o"].encode())},
        "ref": {"token_ref": hostile_ref(box)},
        "shown": [*s.values(), "db.example"],
    }
    _ARMED[0] = True
    CALLS.clear()
    found = set(known_secrets(ns))
    assert set(s.values()) <= found, set(s.values()) - found
    text = everything(ns)
    assert CALLS == []
    assert not [v for v in s.values() if v in text] and "db.example" in text
    # The proxy reads as its dict and the partial by its arguments, secrets hidden; a
    # proxy of the user's own mapping by its type only.
    listing = json.loads(dumps(run_tool("list_kernel_variables", {}, KernelView(ns))))
    by_name = {v["name"]: v for v in listing["variables"]}
    preview = by_name["settings"]["preview"]
    assert "'api_key': «redacted" in preview and "'host': 'db.example'" in preview
    assert by_name["login"]["keywords"]["password"].startswith("«redacted")
    assert by_name["login"]["args"] == ["'db.example'"]
    assert by_name["other"] == {"name": "other", "type": "mappingproxy"}
    # A question asked from the kernel (``%chat is Kwk… still valid?``) too.
    asked = hide_known_text(f"is {s['k']} or {s['e']} still valid?", KernelView(ns))
    assert s["k"] not in asked and s["e"] not in asked and "still valid" in asked
    assert CALLS == []


def test_a_held_secret_shown_reversed_is_hidden() -> None:
    """``print(token[::-1])``, ``rev = api_key[::-1]``: the kernel knows the value, so
    its reversal (alone, escaped or base64-encoded) is hidden as the value is."""
    token = "Zq8wL3vN7p/X2+k=R5&t"
    backwards = token[::-1]
    ns: dict[str, Any] = {
        "api_token": token,
        "rev": backwards,
        "shown": [f"got {backwards}!"],
        "encoded": base64.b64encode(backwards.encode()).decode(),
        "greeting": "hello world",
    }
    text = everything(ns)
    assert backwards not in text and token not in text
    assert base64.b64encode(backwards.encode()).decode()[:16] not in text
    assert "hello world" in text and "got " in text


def test_the_pieces_a_secret_was_joined_from_are_hidden() -> None:
    """``api_key = head + tail`` and ``"".join(parts)``: each piece holds part of the key
    under a name that says nothing; the kernel sees the key and hides its pieces."""
    key = "Xq7Rz4Kp2Xw9Lm3Vn8Bt5Yc1"
    ns: dict[str, Any] = {
        "head": "sk-proj-" + key[:6],
        "parts": [key[6:15], key[15:]],
        "api_key": "sk-proj-" + key,
        "words": ["hello", "world"],
        "label": "prod",
    }
    shown = everything(ns)
    for piece in (key[:6], key[6:15], key[15:]):
        assert piece not in shown, shown
    assert '"hello"' in shown and "prod" in shown

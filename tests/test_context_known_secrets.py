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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit import Chat
from jupyter_chatkit.context_policy.escaped import escaped_forms
from jupyter_chatkit.context_policy.prepared import PREFIX_CHARS
from jupyter_chatkit.kernel.conversation import request_without_known_secrets
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.kernel.known_secrets import hide_known_text, known_secrets
from jupyter_chatkit.protocol import Comm

from .chatkit_helpers import user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_context_policy import provider_settings
from .test_context_trust import CALLS, NoisyBytes, SpiesOnEveryAttribute, Spy

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


def test_a_rebinding_is_seen_on_the_next_call() -> None:
    ns: dict[str, Any] = {"shown": [SECRET + "n"]}
    # Nothing names it yet: a 13-character word in a list is data.
    assert SECRET in dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    ns["api_token"] = SECRET + "n"
    assert SECRET not in dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))


def test_no_user_code_runs_while_collecting() -> None:
    ns = {
        "password": Spy(),
        "token": SpiesOnEveryAttribute(),
        "creds": [Spy(), {"k": Spy()}, (Spy(),)],
        "api_key": NoisyBytes(b"abcdefgh"),
        "secret_set": {Spy()},
        "auth": collections.Counter({"x": 1}),
        "spy_frame": pd.DataFrame({"password": [Spy()], "n": [1]}),
        "spy_index": pd.Series([1], index=pd.Index([Spy()], name="token")),
    }
    CALLS.clear()
    known_secrets(ns)
    assert CALLS == []


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


class _HashSpy(str):
    """A key whose hash and equality are the user's."""

    def __hash__(self) -> int:
        CALLS.append("__hash__")
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        CALLS.append("__eq__")
        return str.__eq__(self, other)


class _IterSpy(set[Any]):
    def __iter__(self) -> Iterator[Any]:
        CALLS.append("__iter__")
        return set.__iter__(self)


class _SliceSpy(bytearray):
    def __getitem__(self, key: Any) -> Any:
        CALLS.append("__getitem__")
        return bytearray.__getitem__(self, key)


class _Holder:
    pass


def test_no_user_code_runs_for_subclassed_keys_sets_and_bytes() -> None:
    """A str subclass's hash (keys are checked through a cache), a set subclass's
    ``__iter__`` and a bytearray subclass's ``__getitem__`` are the user's code."""
    holder = _Holder()
    holder.__dict__[_HashSpy("password")] = SECRET + "h"
    keyed = {_HashSpy("api_key"): SECRET + "k"}

    class _Name(_HashSpy):
        def startswith(self, *args: Any, **kwargs: Any) -> bool:
            CALLS.append("startswith")
            return str.startswith(self, *args, **kwargs)

    ns = {
        _Name("api_token"): SECRET + "n",
        "keyed": keyed,
        "holder": holder,
        "password": _IterSpy({SECRET + "i"}),
        "pair": _IterSpy({"token", SECRET + "p"}),
        "token": _SliceSpy(SECRET.encode() + b"b"),
    }
    CALLS.clear()
    found = known_secrets(ns)
    assert CALLS == []
    assert {SECRET + s for s in "hkipbn"} <= set(found)


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


class _ModuleSpyMeta(type):
    @property
    def __module__(cls) -> str:  # type: ignore[override]
        CALLS.append("__module__")
        return "pandas"


class _ModuleSpy(metaclass=_ModuleSpyMeta):
    pass


def test_a_metaclass_module_property_is_not_run() -> None:
    CALLS.clear()
    known_secrets({"value": _ModuleSpy()})
    assert CALLS == []


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


class HandMadeFields:
    """A class that puts its own objects in ``__dataclass_fields__``."""

    __dataclass_fields__ = {"password": Spy(), "note": SpiesOnEveryAttribute()}

    def __init__(self) -> None:
        self.password = SECRET_VALUE
        self.note = "hello"


SECRET_VALUE = "Zq8wL3vN7pX2kRt"


def test_no_user_code_runs_for_hand_made_dataclass_fields() -> None:
    """Asking such an entry whether it is a ClassVar (getattr, str) ran its hooks."""
    ns: dict[str, Any] = {"record": HandMadeFields()}
    CALLS.clear()
    known_secrets(ns)
    listed = dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    inspected = dumps(run_tool("inspect_kernel_variable", {"name": "record"}, KernelView(ns)))
    assert CALLS == []
    assert SECRET_VALUE not in listed + inspected


def test_the_sidebar_payload_comes_back_with_the_kernels_secrets_hidden() -> None:
    """``hide_known_json``: what the browser read, through the kernel (kernelguard.ts)."""
    from jupyter_chatkit.kernel.known_secrets import hide_known_json

    conf = {"db": {"host": "db.internal", "password": SECRET + "c"}}
    accent = {"token": SECRET + "\u00e9"}
    view = KernelView({"conf": conf, "svc": {"secret": SECRET + "s"}, "accent": accent})
    payload = {
        "thread_id": "thr_1",
        "input": {
            "content": [{"type": "input_text", "text": f"why refused: {SECRET}s?"}],
            "tags": [{"data": {"outputs": [f"['db.internal', '{SECRET}c']"]}}],
        },
        # Escaped as a repr or JSON would show it, and as a key.
        "shown": [json.dumps(SECRET + "\u00e9"), {SECRET + "s": 1}],
    }
    answer = json.loads(hide_known_json(json.dumps(payload), view))
    text = json.dumps(answer, ensure_ascii=False)
    assert SECRET not in text, text
    assert answer["hidden"] >= 4
    value = answer["value"]
    assert value["thread_id"] == "thr_1" and "db.internal" in text
    assert value["input"]["content"][0]["text"].startswith("why refused: «redacted")
    # Nothing held: the payload comes back unchanged, a bad one says so.
    plain = {"cells": [{"source": "x = 1", "outputs": ["1"]}]}
    same = json.loads(hide_known_json(json.dumps(plain), KernelView({"x": 1})))
    assert same == {"value": plain, "hidden": 0}
    assert "error" in json.loads(hide_known_json("{not json", view))


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


def test_cell_sources_in_the_shells_history_are_no_secrets() -> None:
    """A cell that binds or shows a secret is followed in IPython's ``In`` by the next
    cell's source: that source is no value of the secret (the sidebar's cell reading
    passes hide_known_json, which then hid whole cells of code)."""
    token = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"
    source = "import pandas as pd\ndf = pd.DataFrame({'region': ['north', 'south']})"
    for shown in (f"api_key = {token!r}", "api_key"):
        history = ["", shown, source, "df"]
        namespace = {"In": history, "_ih": history, "Out": {}, "_oh": {}, "api_key": token}
        found = known_secrets(namespace)
        assert token in found
        assert source not in found and "df" not in found
    # A list of the person's own: a line of code naming a secret is no name either.
    lines = {"steps": ["export API_TOKEN=$(cat t)", "pip install pandas"], "x": 1}
    assert "pip install pandas" not in known_secrets(lines)
    # A name, a flag or a label before its value still is.
    for named in (["--token", "Zq8wL3vN7pX2kR5t"], ["Password:", "Zq8wL3vN7pX2kR5t"]):
        assert "Zq8wL3vN7pX2kR5t" in known_secrets({"argv": named})


def test_a_typed_secret_under_any_name_is_hidden_where_it_shows() -> None:
    """``tok = getpass.getpass()``: the shell's history says what ``tok`` holds."""
    typed, prompted, name = SECRET + "typed", SECRET + "prompted", "Ada Lovelace"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "import getpass\ntok = getpass.getpass()",
            "pin_code: str = input('Enter your PIN: ')",
            "who = input('Your name: ')",
            "print(tok, pin_code, who)",
        ],
        "tok": typed,
        "pin_code": prompted,
        "who": name,
        "shown": {"values": [typed, prompted, name]},
    }
    found = known_secrets(ns)
    assert typed in found and prompted in found
    assert name not in found
    text = everything(ns)
    assert typed not in text and prompted not in text
    assert name in text


def test_a_secret_under_any_name_passed_where_a_credential_goes_is_hidden() -> None:
    """``x = vault.read()`` then ``connect(host, user, x)``, ``HTTPBasicAuth(u, x)``,
    ``f"{u}:{x}@db"`` or ``password = x``: the value's own name says nothing, but the
    shell's history passes it where a credential goes, as the text rules read a literal
    there. The listing of ``x`` and every copy hide it; a value passed elsewhere stays."""
    pw, basic, url_pw, aliased = SECRET + "pw", SECRET + "ba", SECRET + "url", SECRET + "al"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)",
            "auth = HTTPBasicAuth('ada', b)",
            "dsn = f'postgresql://{user}:{u2}@db/dw'",
            "password = k",
            "print(region, x)",
            "conn = connect('db', 'ada', rows)\nrows = ['north', 'south-east']",
            "mysql.connector.connect(host, user, pw, database)",
        ],
        "database": "sales-warehouse",
        "rows": ["north", "south-east"],
        "x": pw,
        "b": basic,
        "u2": url_pw,
        "k": aliased,
        "user": "ada",
        "region": "north-west",
        "shown": [pw, basic, url_pw, aliased],
    }
    text = everything(ns)
    for secret in (pw, basic, url_pw, aliased):
        assert secret not in text, text
    assert "'north-west'" in text and "'ada'" in text
    # Bound to data since it was passed: only a text is taken for the credential.
    assert "south-east" in text
    # A name passed where the rules read a credential, but a name: it stays.
    assert "sales-warehouse" in text


def test_a_secret_set_under_a_secret_named_key_is_hidden_whatever_its_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``os.environ["AWS_SECRET_ACCESS_KEY"] = aws``, ``os.putenv("DB_PASSWORD", p)``,
    ``config["token"] = t``, ``setattr(cfg, "api_key", k)``: the key names the secret, the
    variable does not. Once the shell's history (``_ih``) set it there, the listing and
    every copy hide the variable's value. The environment is left untouched: ``putenv``
    and a config's key never reach ``os.environ``, and an environment variable may be
    gone since (so the environment's own walk does not hide these); a variable set under
    a key that names no secret, and a plain word under one, stay."""
    aws, p, t, k = SECRET + "aws", SECRET + "pe", SECRET + "cf", SECRET + "sa"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "aws = vault.read('aws')\nos.environ[\"AWS_SECRET_ACCESS_KEY\"] = aws",
            "os.putenv('DB_PASSWORD', p)\nconfig['db']['token'] = t",
            "setattr(settings, 'api_key', k)",
            "os.environ['AWS_REGION'] = region\nos.environ.setdefault('DB_PASSWORD', db)",
        ],
        "aws": aws,
        "p": p,
        "t": t,
        "k": k,
        "region": "eu-west-1",
        "db": "sales-warehouse",
        "shown": [aws, p, t, k],
    }
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY", raising=False)
    monkeypatch.delenv("DB_PASSWORD", raising=False)
    text = everything(ns)
    for secret in (aws, p, t, k):
        assert secret not in text, text
    assert "eu-west-1" in text and "sales-warehouse" in text


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


class _RecordingKey(str):
    """A class dict's key of the user's type (``type(name, bases, {key: ...})``)."""

    def __hash__(self) -> int:
        CALLS.append(f"key __hash__ {str.__str__(self)}")
        return str.__hash__(self)

    def __eq__(self, other: object) -> bool:
        CALLS.append(f"key __eq__ {str.__str__(self)}")
        return str.__eq__(self, other)


def test_a_class_dicts_keys_are_read_without_their_code() -> None:
    """A class built with a str subclass as a key of its dict (the notebook's own, and a
    slotted one): its secret-named attributes and slots are read without hashing or
    comparing that key (its ``__hash__``, ``__eq__`` are user code)."""
    secret, key = "Ck-4Rt8Np1Bs6Cz3", "Sk-4Rt8Np1Bs6Cz3"
    config = type("Config", (), {"DB_PASSWORD": secret, _RecordingKey("HOST"): "db.example"})
    type.__setattr__(config, "__module__", "__main__")
    slotted = type("Slotted", (), {"__slots__": ("api_key",), _RecordingKey("NOTE"): "x"})
    holder = slotted()
    slotted.__dict__["api_key"].__set__(holder, key)
    CALLS.clear()
    ns: dict[str, Any] = {"Config": config, "holder": holder, "shown": [secret, key, "ok"]}
    text = everything(ns)
    assert secret not in text and key not in text and "ok" in text
    assert not [c for c in CALLS if c.startswith("key ")], CALLS


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


def test_a_question_asked_from_the_kernel_hides_what_it_holds_under_secret_names(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """``%chat is Xq7... still valid?``: a token pasted bare has no name beside it for the
    policy's rules, but the kernel holds it under ``api_token``; the question leaves the
    kernel (for the model, the store, the server) with it hidden."""
    token = "Kn0wnQx7Wm2Kd5Lr"
    shell.user_ns["api_token"] = token
    try:
        fake_llm.script(Reply("It is hidden from me."))
        settings = provider_settings(fake_llm, tmp_path)
        answer = Chat(settings=settings).ask(f"is {token} still valid for north?", display=False)
        assert answer.ok, answer.error
    finally:
        shell.user_ns.pop("api_token", None)
    sent = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert token not in sent and "still valid for north" in sent
    stored = (tmp_path / "c.sqlite3").read_bytes()
    assert token.encode() not in stored


def test_a_message_typed_in_the_kernels_chat_widget_hides_what_it_holds(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """The ``%chat`` widget answered by the kernel itself (its comm): a token pasted
    bare in the message, or in an edit of it, leaves the kernel hidden, as a question
    asked with ``%chat text`` does."""
    token = "Wd9Qx7Wm2Kd5LrTz"
    shell.user_ns["db_token"] = token
    chat = Chat(settings=provider_settings(fake_llm, tmp_path))
    try:
        fake_llm.script(Reply("Hidden."))
        body = {"type": "threads.create", "params": {"input": user_input(f"is {token} ok?")}}
        chat._on_custom_msg(chat, {"type": Comm.REQUEST, "id": "r1", "body": json.dumps(body)}, [])
        future = chat._requests.get("r1")  # None: already answered (and forgotten)
        if future is not None:
            future.result(timeout=60)
    finally:
        chat.close()
        shell.user_ns.pop("db_token", None)
    sent = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert len(fake_llm.requests) == 1 and "ok?" in sent and token not in sent
    edit = {"type": "message.edit", "payload": {"item_id": "m1", "text": f"and {token}?"}}
    shell.user_ns["db_token"] = token
    try:
        request = {"type": "threads.custom_action", "params": {"thread_id": "t", "action": edit}}
        hidden = request_without_known_secrets(json.dumps(request))
    finally:
        shell.user_ns.pop("db_token", None)
    assert token not in json.dumps(hidden) and "and " in json.dumps(hidden)
    # The request's type after a long input (JSON keeps no order): hidden too.
    late = {"params": {"input": user_input("x" * 8_000 + f" {token}")}, "type": "threads.create"}
    shell.user_ns["db_token"] = token
    try:
        hidden = request_without_known_secrets(json.dumps(late))
    finally:
        shell.user_ns.pop("db_token", None)
    assert token not in json.dumps(hidden) and "x" * 8_000 in json.dumps(hidden)


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


class _EqSpyMeta(type):
    def __eq__(cls, other: object) -> bool:
        CALLS.append("metaclass __eq__")
        return False

    __hash__ = type.__hash__


class _EqSpy(list, metaclass=_EqSpyMeta):  # type: ignore[misc]
    pass


def test_looking_for_a_secrets_pieces_runs_no_metaclass_eq() -> None:
    """``type(value) in (list, tuple)`` compares the value's class with ``==``: a
    metaclass's ``__eq__`` (user code) ran for every name while a secret's pieces were
    looked for. The types are compared by identity."""
    CALLS.clear()
    known_secrets({"api_key": "sk-proj-Xq7Rz4Kp2Xw9Lm3Vn8Bt5Yc1", "rows": _EqSpy(["a"])})
    assert CALLS == []


def test_a_credential_holders_list_field_runs_no_metaclass_eq() -> None:
    """A settings-like credential class (``AuthConfig``) with a list field whose class
    has a metaclass ``__eq__``: reading the field compares its type by identity."""

    class AuthConfig:
        def __init__(self) -> None:
            self.scopes = _EqSpy(["read", "write"])
            self.token = SECRET

    CALLS.clear()
    ns = {"cfg": AuthConfig()}
    known_secrets(ns)
    run_tool("inspect_kernel_variable", {"name": "cfg"}, KernelView(ns))
    assert CALLS == []


def test_an_exceptions_arguments_run_no_metaclass_eq() -> None:
    """An exception's message is read from its plain arguments; telling plain from not
    compares each argument's type by identity, never with a metaclass's ``__eq__``."""
    from jupyter_chatkit.context_policy.errors import exception_message

    CALLS.clear()
    exception_message(ValueError(_EqSpy(["a"])))
    assert CALLS == []


def test_an_exceptions_class_is_read_without_its_metaclass() -> None:
    """Whose ``__str__`` an exception has, and its arguments' class names, are read from
    the classes themselves: a metaclass's ``__getattribute__`` (``__module__`` saying
    ``builtins``) made the notebook's ``__str__`` run, and its text be trusted."""
    from jupyter_chatkit.context_policy.errors import exception_message

    class Lies(type):
        def __getattribute__(cls, name: str) -> Any:
            CALLS.append(f"metaclass {name}")
            return "builtins" if name == "__module__" else type.__getattribute__(cls, name)

    class Failure(Exception, metaclass=Lies):
        def __str__(self) -> str:
            CALLS.append("__str__")
            return "from user code"

    class Arg(metaclass=Lies):
        pass

    CALLS.clear()
    assert exception_message(Failure("plain")) == "plain"
    assert "Arg" in exception_message(ValueError(Arg()))
    assert CALLS == []


def test_an_exceptions_type_name_is_read_without_its_metaclass() -> None:
    """The error's kind the kernel records (``module.Name``) is read from the class
    itself: a metaclass's ``__getattribute__`` (the notebook's code) never runs, and the
    module it would claim is not taken."""
    from jupyter_chatkit.context_policy.errors import exception_type
    from jupyter_chatkit.kernel.error_description import describe_error

    class Lies(type):
        def __getattribute__(cls, name: str) -> Any:
            CALLS.append(f"metaclass {name}")
            return "builtins" if name == "__module__" else type.__getattribute__(cls, name)

    class Failure(Exception, metaclass=Lies):
        pass

    CALLS.clear()
    assert exception_type(Failure("x")).endswith("Failure")
    assert exception_type(Failure("x")) != "Failure"  # its module is this test's
    try:
        raise Failure("plain")
    except Failure as exc:
        described = describe_error(exc)
    assert described["type"].endswith("Failure")
    assert CALLS == []

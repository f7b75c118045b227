"""Context you can trust, attacked: hostile values and secrets in unusual places.

The kernel's tools describe a value without running its code: ``isinstance`` would ask
``value.__class__`` (a property, a ``__getattribute__``), ``object.__getattribute__``
would run a ``__dict__`` property, pandas' ``describe()`` hashes the objects of an
object column. Each hostile object below records every call of its code; the tools must
leave the record empty, and one broken object must not sink a listing.
"""

from __future__ import annotations

import collections
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.context_policy.redact import is_secret_name, names_secret
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.store import open_store

from .chatkit_helpers import collect, req, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall
from .test_context_policy import ALICE, CONFIGURED_KEY, provider_settings

CALLS: list[str] = []
SECRET = "Zq8wL3vN7pX2"


class Spy:
    """Every hook that could run when a value is described, recorded."""

    def __repr__(self) -> str:
        CALLS.append("repr")
        return "spy"

    def __len__(self) -> int:
        CALLS.append("len")
        return 1

    def __getattr__(self, name: str) -> Any:
        CALLS.append(f"getattr {name}")
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        CALLS.append("eq")
        return False

    def __hash__(self) -> int:
        CALLS.append("hash")
        return 1

    def __iter__(self) -> Any:
        CALLS.append("iter")
        return iter(())

    def __bool__(self) -> bool:
        CALLS.append("bool")
        return True

    @property
    def prop(self) -> int:
        CALLS.append("prop")
        return 1


class SpiesOnEveryAttribute:
    def __getattribute__(self, name: str) -> Any:
        CALLS.append(f"getattribute {name}")
        return object.__getattribute__(self, name)


class LiesAboutItsClass:
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        CALLS.append("__class__")
        return str


class DictProperty:
    @property
    def __dict__(self) -> dict[str, Any]:  # type: ignore[override]
        CALLS.append("__dict__")
        return {"a": 1}


class RaisesOnEveryAttribute:
    def __getattribute__(self, name: str) -> Any:
        raise RuntimeError("boom")


class Meta(type):
    def __getattr__(cls, name: str) -> Any:
        CALLS.append(f"metaclass getattr {name}")
        raise AttributeError(name)


class WithMeta(metaclass=Meta):
    pass


class NoisyBytes(bytes):
    def __len__(self) -> int:
        CALLS.append("bytes len")
        return 0

    def __getitem__(self, item: Any) -> Any:
        CALLS.append("bytes getitem")
        return b""


Creds = collections.namedtuple("Creds", "user password")


@dataclasses.dataclass
class DbConfig:
    host: str
    password: str


def hostile_namespace() -> dict[str, Any]:
    loop: list[Any] = []
    loop.append(loop)
    mapping: dict[str, Any] = {}
    mapping["me"] = mapping
    return {
        "spy": Spy(),
        "spies": SpiesOnEveryAttribute(),
        "liar": LiesAboutItsClass(),
        "dict_property": DictProperty(),
        "raiser": RaisesOnEveryAttribute(),
        "with_meta": WithMeta(),
        "noisy_bytes": NoisyBytes(b"abc"),
        "spies_in_list": [Spy(), {"k": Spy()}, (Spy(),)],
        "spy_keys": {Spy(): 1},
        "object_array": np.array([Spy(), Spy()], dtype=object),
        "object_frame": pd.DataFrame({"a": [Spy(), Spy()], "n": [1, 2]}),
        "object_series": pd.Series([Spy(), Spy()]),
        "loop": loop,
        "mapping": mapping,
    }


@pytest.fixture(autouse=True)
def _clear_calls() -> None:
    CALLS.clear()


def test_no_user_code_runs_and_one_hostile_object_does_not_sink_the_listing() -> None:
    ns = hostile_namespace()
    CALLS.clear()  # building the array and frames called some; the tools must call none
    view = KernelView(ns)
    listing = run_tool("list_kernel_variables", {"max_items": 500}, view)
    assert "error" not in listing, listing
    assert {v["name"] for v in listing["variables"]} == set(ns)
    for name in ns:
        result = run_tool("inspect_kernel_variable", {"name": name}, view)
        assert result["name"] == name and len(dumps(result)) <= 16_000
    assert CALLS == []


def test_duplicate_column_names_run_no_user_hash_or_eq() -> None:
    """With two columns named ``a``, ``frame["a"]`` is a frame: the check is per column."""
    frame = pd.DataFrame([[Spy(), Spy()], [Spy(), Spy()]], columns=["a", "a"])
    mixed = pd.DataFrame([[1.5, 2.5, Spy()], [3.5, 4.5, Spy()]], columns=["n", "n", "a"])
    CALLS.clear()
    view = KernelView({"frame": frame, "mixed": mixed})
    result = run_tool("inspect_kernel_variable", {"name": "frame"}, view)
    assert result["name"] == "frame"
    numbers = run_tool("inspect_kernel_variable", {"name": "mixed"}, view)
    assert CALLS == []
    stats = numbers["describe"]
    assert list(stats) == ["n", "n (#2)"] and stats["n (#2)"]["max"] == 4.5


def test_a_raising_object_is_named_with_its_type() -> None:
    view = KernelView({"raiser": RaisesOnEveryAttribute()})
    result = run_tool("inspect_kernel_variable", {"name": "raiser"}, view)
    assert result["type"].endswith("RaisesOnEveryAttribute")


def test_field_names_mark_secrets_in_namedtuples_and_dataclasses() -> None:
    ns = {
        "login": Creds("ada", SECRET),
        "logins": [Creds("bob", SECRET)],
        "db": DbConfig("db.internal", SECRET),
    }
    view = KernelView(ns)
    results = [run_tool("list_kernel_variables", {}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns]
    text = dumps(results)
    assert SECRET not in text
    login = results[1]
    assert login["fields"]["user"] == "ada"
    assert login["fields"]["password"].startswith("«redacted: str")
    assert "db.internal" in text  # the rest stays readable


def test_an_index_or_column_named_like_a_secret_hides_its_labels() -> None:
    frame = pd.DataFrame(
        {"user": ["ada", "bob"], ("creds", "password"): [SECRET, SECRET + "b"]},
        index=pd.Index([SECRET + "i1", SECRET + "i2"], name="api_key"),
    )
    series = pd.Series([1, 2], index=pd.Index([SECRET + "s1", SECRET + "s2"], name="token"))
    view = KernelView({"frame": frame, "series": series, "keys": frame.index})
    results = [run_tool("list_kernel_variables", {}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in view.namespace]
    text = dumps(results)
    assert SECRET not in text, text
    assert "ada" in text and "api_key" in text


def test_big_values_stay_bounded() -> None:
    ns = {
        "huge": "x" * 5_000_000,
        "wide": pd.DataFrame(np.zeros((3, 20_000))),
        "long": pd.DataFrame({"a": np.arange(2_000_000)}),
        "deep": _nested(3_000),
        "many": {str(i): list(range(50)) for i in range(50_000)},
    }
    view = KernelView(ns)
    for result in [
        run_tool("list_kernel_variables", {}, view),
        *(run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns),
    ]:
        assert "error" not in result, result
        assert len(dumps(result)) <= 16_000


def _nested(depth: int) -> list[Any]:
    root: list[Any] = []
    current = root
    for _ in range(depth):
        inner: list[Any] = []
        current.append(inner)
        current = inner
    return root


# -- texts: the shared table of attack texts (also run by js/lab/test/trust.test.ts) ---------

TEXTS = json.loads((Path(__file__).parent / "fixtures" / "trust_texts.json").read_text())


def test_no_part_of_a_secret_survives() -> None:
    """Every leak of the table (one test: 1,211 tests of a few milliseconds each spent
    more CPU on pytest's per-test fixtures than on the policy), each failure named by its
    case's id."""
    failed: list[tuple[str, str, str]] = []
    for case in TEXTS["leaks"]:
        policy = ContextPolicy()
        text, count = policy.text(case["text"])
        if count < 1 or "«redacted: " not in text:
            failed.append((case["id"], "nothing hidden", text))
        result = dumps(policy.tool_result({"cells": [{"outputs": [{"text": case["text"]}]}]}))
        for secret in case["secrets"]:
            if secret in text:
                failed.append((case["id"], f"{secret!r} in the text", text))
            if secret in result:
                failed.append((case["id"], f"{secret!r} in a tool result", result))
        for kept in case.get("kept", []):  # what stands beside the secret stays readable
            if kept not in text:
                failed.append((case["id"], f"{kept!r} not kept", text))
    assert failed == []


@pytest.mark.parametrize("case", TEXTS["data_leaks"], ids=[c["id"] for c in TEXTS["data_leaks"]])
def test_no_secret_in_tool_data_survives(case: dict[str, Any]) -> None:
    """Tool data as the kernel gives it (name/value records, split frames)."""
    result = dumps(ContextPolicy().tool_result(case["data"]))
    for secret in case["secrets"]:
        assert secret not in result, result
    for kept in case["kept"]:
        assert kept in result, result


def test_ordinary_text_comes_back_unchanged() -> None:
    redactor = ContextPolicy().redactor()
    for text in TEXTS["harmless"]:
        assert redactor.text(text) == text
    assert redactor.count == 0


def test_names_about_secrets_and_key_ish_names() -> None:
    for name in ("auth_method", "token_type", "password_policy", "token_url"):
        assert not is_secret_name(name), name
    for name in ("db_pass", "DB_PASSWORD", "session_id", "X-Auth-Token"):
        assert is_secret_name(name), name
    key = "Ab8dEf6hIj9kLm2nOp5q"
    data = ContextPolicy().redactor().data({"STRIPE_KEY": key, "sort_key": "created_at"})
    assert key not in dumps(data) and data["sort_key"] == "created_at"
    view = KernelView({"STRIPE_KEY": key, "sort_key": "created_at"})
    listing = dumps(run_tool("list_kernel_variables", {}, view))
    assert key not in listing and "created_at" in listing


def test_a_configured_key_printed_in_part_is_hidden() -> None:
    """The browser cannot know the server's key; the server hides it, also cut short."""
    key = "azk-7Hq2Zx9Lm4Wv8Rt1Yp6NqW3e"  # no known shape: only its exact value says it
    policy = ContextPolicy(exact=(key,))
    text, count = policy.text(f"key starts {key[:20]}… and ends …{key[-4:]}; whole: {key}")
    assert key[:12] not in text and count == 2
    assert key[-4:] in text  # four characters are no key


def test_a_configured_key_shortened_in_the_middle_is_hidden_whole() -> None:
    """IPython's Verbose tracebacks and reprlib show a long value as ``head...tail``."""
    key = "azk-7Hq2Zx9Lm4Wv8Rt1Yp6NqW3eAb3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z"
    policy = ContextPolicy(exact=(key,))
    for shown in (
        f"in connect(api_key='{key[:30]}...{key[-24:]}')",
        f"x = '{key[:8]}…{key[-20:]}'",
        f"key ends ...{key[-16:]} here",
    ):
        text, count = policy.text(shown)
        assert key[-12:] not in text and count == 1, text


# -- end to end: what reaches the model through the server, whatever a front end sent ---------


@pytest.mark.asyncio
async def test_the_model_never_reads_the_attack_texts(fake_llm: FakeLLM, tmp_path: Path) -> None:
    """A front end that sends every attack text unredacted (a cell output, a file
    mention's text, the user's own message), plus the server's key cut short: the fake
    OpenAI server's request log holds none of the secrets."""
    settings = provider_settings(fake_llm, tmp_path)
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, settings)
    texts = [c["text"] for c in TEXTS["leaks"]]
    raw = {
        "cells": [
            {"index": i, "cell_type": "code", "source": "x", "outputs": [{"text": t}]}
            for i, t in enumerate(texts)
        ],
        "key_prefix": f"print(key[:20]) -> {CONFIGURED_KEY[:20]}",
    }
    try:
        fake_llm.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Seen."))
        result = await assistant.handle(req("threads.create", input=user_input("cells?")), ALICE)
        assert isinstance(result, StreamResult)
        events = await collect(result.chunks)
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        result = await assistant.handle(
            req("threads.add_client_tool_output", thread_id=thread_id, result=raw), ALICE
        )
        assert isinstance(result, StreamResult)
        await collect(result.chunks)
        fake_llm.script(Reply("Understood."))
        question = user_input("Why does this fail?\n" + "\n\n".join(texts[:12]))
        result = await assistant.handle(
            req("threads.add_user_message", thread_id=thread_id, input=question), ALICE
        )
        assert isinstance(result, StreamResult)
        await collect(result.chunks)
    finally:
        await assistant.aclose()
    log = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert len(fake_llm.requests) == 3
    for case in TEXTS["leaks"]:
        for secret in case["secrets"]:
            assert json.dumps(secret, ensure_ascii=False)[1:-1] not in log, (case["id"], secret)
    assert CONFIGURED_KEY[:12] not in log
    assert "AuthenticationFailed" in log and "client_email" in log  # the rest is read


# -- values and saved cells (errors: test_context_trust_errors.py) ----------------------------


def test_a_credential_object_hides_its_fields_whatever_their_names() -> None:
    """``Creds("ada", "pw")`` keeping its values as ``a`` and ``b``: the class name says
    they are credentials, so text fields other than who/where are hidden (read from
    ``__dict__``, no user code run); a ``Session``-named class is described as before."""

    class Creds:
        def __init__(self, user: str, b: str) -> None:
            self.user = user
            self.b = b

    class Session:
        def __init__(self) -> None:
            self.b = "ordinary-text"

    view = KernelView({"cr": Creds("ada", "Zq7pL2xW9opaque"), "s": Session()})
    shown = dumps(run_tool("inspect_kernel_variable", {"name": "cr"}, view))
    assert "Zq7pL2xW9opaque" not in shown and "'ada'" in shown
    assert "ordinary-text" in dumps(run_tool("inspect_kernel_variable", {"name": "s"}, view))


def test_an_item_after_one_naming_a_secret_is_hidden_in_lists() -> None:
    """``["--password", "x"]`` (argv) and a row ``["password", "x"]``: the item after a
    secret's name is its value; a list of column names stays whole."""
    redactor = ContextPolicy().redactor()
    data = redactor.data(
        {
            "argv": ["psql", "--password", "letmein2", "-h", "db"],
            "row": ["password", "Zq7pL2xW9row"],
            "columns": ["user", "password", "email"],
            "both": ["password", "token"],
        }
    )
    shown = dumps(data)
    assert "letmein2" not in shown and "Zq7pL2xW9row" not in shown
    assert data["columns"] == ["user", "password", "email"]
    assert data["both"] == ["password", "token"] and data["argv"][3:] == ["-h", "db"]


def test_literals_passed_by_position_to_the_users_secret_parameters_are_hidden() -> None:
    """The kernel knows which parameter takes the password (attrs, namedtuple, a plain
    class's __init__, a function) and reads it without running the user's code."""
    import attrs

    from jupyter_chatkit.kernel.signatures import hide_positional_secrets

    calls: list[str] = []

    class Meta(type):
        def __getattr__(cls, name: str) -> Any:
            calls.append(name)
            raise AttributeError(name)

    @attrs.define
    class Login:
        user: str
        token: str

    class Plain(metaclass=Meta):
        def __init__(self, host: str, user: str, secret_key: str) -> None:
            self.host = host

    def sign_up(user: str, pin: str, api_key: str) -> None:
        return None

    namespace = {
        "Login": Login,
        "Nt": collections.namedtuple("Nt", "user passwd"),
        "Plain": Plain,
        "sign_up": sign_up,
    }
    source = (
        'Login("ada", "Qz7a1")\nNt("ada", "Qz7a2")\nPlain("h", "ada", "Qz7a3")\n'
        'sign_up("ada", "1234", "Qz7a4")\nprint("Qz7a5")\nPlain(host="h", user="Qz7a6")'
    )
    hidden = hide_positional_secrets(source, namespace)
    assert all(f"Qz7a{k}" not in hidden for k in range(1, 5)), hidden
    assert '"Qz7a5"' in hidden and 'user="Qz7a6"' in hidden and '"1234"' in hidden
    assert calls == []


def test_dataclass_fields_keyed_by_a_non_string_are_not_turned_into_text() -> None:
    """A class whose ``__dataclass_fields__`` has a key that is not a str: its names are
    unknown, and the key's ``__str__`` (user code) is never called."""
    from jupyter_chatkit.kernel.signatures import hide_positional_secrets, parameter_names

    calls: list[str] = []

    class Key:
        def __str__(self) -> str:
            calls.append("str")
            return "password"

    class Odd:
        __dataclass_fields__ = {"user": None, Key(): None}

    assert parameter_names(Odd) == ()
    hide_positional_secrets('Odd("ada", "Qz7b1")', {"Odd": Odd})
    assert calls == []


def test_a_saved_cell_whose_last_line_names_a_secret_has_its_output_hidden(
    tmp_path: Path,
) -> None:
    """The kernel reading a saved notebook: ``%env DB_PASSWORD`` and ``print(token)``
    show the value, so their one-line outputs are hidden; ``len(token)`` stays."""
    import nbformat

    from jupyter_chatkit.kernel import cells, notebook_file

    def result(source: str, text: str) -> Any:
        cell = nbformat.v4.new_code_cell(source, execution_count=1)
        cell.outputs = [
            nbformat.v4.new_output("execute_result", data={"text/plain": text}, execution_count=1)
        ]
        return cell

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        result("%env DB_PASSWORD", "'envPw-Qz7xL2mW9'"),
        nbformat.v4.new_code_cell(
            "print(token)",
            outputs=[nbformat.v4.new_output("stream", name="stdout", text="tokQz7xL2mW9\n")],
        ),
        result("len(token)", "14"),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    saved = notebook_file.read_cells(path)
    assert saved is not None
    shown = dumps(ContextPolicy().tool_result(cells._file_cells("nb.ipynb", saved, 20, True, {})))
    assert "envPw-Qz7xL2mW9" not in shown and "tokQz7xL2mW9" not in shown
    assert '"text": "14"' in shown
    assert not names_secret("session.get(url).text") and names_secret("session_id")


def test_a_class_whose_name_is_a_key_is_hidden_where_its_name_is_listed() -> None:
    """A class's name is the user's text (``type("sk-…", (), {})``): the listing's and the
    inspection's ``class``/``type`` fields are read like any other string."""
    key = "sk-proj-Rq7Xw2Lm4Np8Rt6VyQ1kM3pL9sZ"
    evil = type(key, (), {})
    view = KernelView({"Evil": evil, "evil": evil()})
    shown = dumps(run_tool("list_kernel_variables", {}, view))
    shown += dumps(run_tool("inspect_kernel_variable", {"name": "Evil"}, view))
    shown += dumps(run_tool("inspect_kernel_variable", {"name": "evil"}, view))
    assert key[8:20] not in shown, shown
    assert '"Evil"' in shown and '"evil"' in shown


@dataclasses.dataclass
class _OddCaseConfig:
    host: str
    PaSsWoRd: str


def test_round_8_names_and_html_references_are_read_in_kernel_values() -> None:
    """Kernel values under names written in odd case (``PaSsWoRd``) or split in two
    (``pass word``, ``Pass-Word``: a dict's key, a frame's column, a dataclass field),
    and a string holding HTML character references (``password&#61;x``), as the variable
    tools describe them: no value reaches the model; the names and the other values do."""
    secrets = ["Lm4Np8Rt-1", "Lm4Np8Rt-2", "Lm4Np8Rt-3", "Lm4Np8Rt-4", "Lm4Np8Rt-5"]
    values = {
        "odd": {"PaSsWoRd": secrets[0], "user": "ada"},
        "split": {"pass word": secrets[1]},
        "frame": pd.DataFrame({"user": ["ada"], "Pass-Word": [secrets[2]]}),
        "config": _OddCaseConfig("db.example.com", secrets[3]),
        "page": f"<td>password&#61;{secrets[4]}</td>",
    }
    view = KernelView(values)
    shown = dumps(run_tool("list_kernel_variables", {}, view))
    for name in values:
        shown += dumps(run_tool("inspect_kernel_variable", {"name": name}, view))
    assert [s for s in secrets if s in shown] == [], shown
    for seen in ("PaSsWoRd", "pass word", "Pass-Word", "ada", "db.example.com"):
        assert seen in shown, seen


@pytest.mark.parametrize(
    "source",
    ["password", ["x = 1\n", "db_password"], "os.environ['DB_PASSWORD']", "getpass.getpass()"],
)
def test_a_cell_showing_a_secret_is_hidden_in_any_producers_result(source: Any) -> None:
    """A cell whose last line names a secret, in nbformat's shape from a producer that
    did not hide its output (another front end): the server's policy hides its one-line
    outputs (result, display and stream) before the model sees them."""
    shown = {"output_type": "execute_result", "data": {"text/plain": "'hunter2x9Q'"}}
    printed = {"output_type": "stream", "name": "stdout", "text": ["hunter2x9Q\n"]}
    result = {"cells": [{"source": source, "outputs": [shown, printed]}]}
    assert "hunter2x9Q" not in dumps(ContextPolicy().tool_result(result))
    # An ordinary cell's output stays, as does a getpass.getuser() one.
    for plain in ("df.shape", "getpass.getuser()"):
        kept = {"cells": [{"source": plain, "outputs": [shown]}]}
        assert "hunter2x9Q" in dumps(ContextPolicy().tool_result(kept))

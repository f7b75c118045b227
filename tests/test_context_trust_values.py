"""Kernel values whose secrets sit apart from their names: structured arrays, transposed
frames, Series labelled by field, categorical password columns, multi-line strings,
``df.values`` in a cell, classes reached through a module; and classes named like a
credential that hold settings (``AuthConfig``), whose plain words stay readable."""

from __future__ import annotations

import dataclasses
import enum
import types
import urllib.parse
from typing import Any, Optional

import numpy as np
import pandas as pd

from jupyter_chatkit.context_policy import ContextPolicy, dumps
from jupyter_chatkit.kernel.introspect import KernelView, run_tool
from jupyter_chatkit.kernel.signatures import frame_values_shown, hide_positional_secrets

SECRET = "hunter2x-Qz7"
OTHER = "s3cret!!-Lp4"


def _seen(ns: dict[str, Any]) -> str:
    view = KernelView(ns)
    results = [run_tool("list_kernel_variables", {"max_items": 500}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns]
    return dumps(results)


def test_values_kept_apart_from_their_names_are_hidden() -> None:
    frame = pd.DataFrame({"user": ["ada", "bob"], "password": [SECRET, OTHER]})
    ns = {
        "structured": np.array(
            [("ada", SECRET), ("bob", OTHER)], dtype=[("user", "U3"), ("password", "U20")]
        ),
        "flipped": frame.T,
        "fields": pd.Series({"user": "ada", "password": SECRET}),
        "categorical": pd.DataFrame({"password": pd.Categorical([SECRET, OTHER])}),
        "env_text": f"user=ada\npassword={SECRET}\n",
        "csv_text": f"user,password\nada,{OTHER}\n",
    }
    seen = _seen(ns)
    assert SECRET not in seen and OTHER not in seen
    # What is not secret stays: the other field, the user names, the column names.
    assert "fields hidden: password" in seen and "'ada'" in seen and "password" in seen


class AuthConfig:
    def __init__(self) -> None:
        self.provider = "github"
        self.scopes = ["repo", "read:org"]
        self.retries = 3
        self.value = "letmein"
        self.client = "Zx9Yw8Vu7Ts6Rq5P"


class SessionState:
    def __init__(self) -> None:
        self.page = "home"
        self.theme = "dark"


class Creds:
    def __init__(self) -> None:
        self.a = "ada"
        self.b = "letmein"


def test_a_class_holding_settings_about_a_secret_keeps_plain_words() -> None:
    seen = _seen({"auth": AuthConfig(), "state": SessionState(), "creds": Creds()})
    for word in ("'github'", "'repo'", "'home'", "'dark'"):
        assert word in seen, word
    # A vague field, a generated-looking value and a credential's own fields: hidden.
    assert "letmein" not in seen and "Zx9Yw8Vu7Ts6Rq5P" not in seen


def test_a_frames_values_without_its_names_are_hidden_in_a_cell() -> None:
    ns = {
        "df": pd.DataFrame({"user": ["ada"], "password": [SECRET]}),
        "plain": pd.DataFrame({"a": [1]}),
    }
    for source in ("df.values", "print(df.to_numpy())", "df[['user', 'password']].values[:3]"):
        assert frame_values_shown(source, ns), source
    for source in ("df.head()", "plain.values", "df.columns.values", "x = 1\n"):
        assert not frame_values_shown(source, ns), source


@dataclasses.dataclass
class DB:
    user: str
    password: str


def test_a_class_reached_through_a_module_hides_its_positional_secret() -> None:
    mod = types.ModuleType("mod")
    ran: list[str] = []

    def module_getattr(name: str) -> Any:
        ran.append(name)
        raise AttributeError(name)

    vars(mod).update(DB=DB, __getattr__=module_getattr)
    ns = {"mod": mod, "holder": types.SimpleNamespace(DB=DB)}
    source = f"a = mod.DB('ada', {SECRET!r})\nb = mod.Missing('ada', 'x')\nc = holder.DB('u', 'v')"
    clean = hide_positional_secrets(source, ns)
    assert SECRET not in clean and "mod.DB('ada', '«redacted: " in clean
    # A name the module lacks, and an object's attribute (its own code), are not read.
    assert "mod.Missing('ada', 'x')" in clean and "holder.DB('u', 'v')" in clean
    assert ran == []


class Keys(enum.Enum):
    API_TOKEN = SECRET
    REGION = "eu-west-1"


def test_an_enum_member_named_like_a_secret_and_a_parsed_url_hide_the_value() -> None:
    ns = {
        "member": Keys.API_TOKEN,
        "region": Keys.REGION,
        "url": urllib.parse.urlparse(f"https://ada:{OTHER}@db.example.com/x"),
    }
    seen = _seen(ns)
    assert SECRET not in seen and OTHER not in seen
    assert "eu-west-1" in seen and "db.example.com" in seen


def test_a_dict_keyed_by_paths_naming_a_secret_hides_the_value_and_its_copies() -> None:
    """``{("db", "password"): x}`` (a flattened config, a MultiIndex label as a key): the
    path names the secret; its value is hidden there and wherever it shows again."""
    ns = {
        "flat": {("db", "host"): "db.example.com", ("db", "password"): SECRET},
        "copied": ["ada", SECRET],
    }
    seen = _seen(ns)
    assert SECRET not in seen
    assert "db.example.com" in seen and "host" in seen


def test_a_key_kept_as_bytes_under_a_plain_name_shows_no_part_of_it() -> None:
    # A preview of bytes shows their first bytes only: the rules that know a key by its
    # shape must read it before the cut, else its first 20 characters reach the model.
    fernet = b"kG7x2pQvN9sLd4TfWb8yRz3mHc6jUe1aYo5iXn0qPwE="
    github = b"ghp_" + b"Zq7Lm3Xv9Tb2Nw8Rk4Hs6Dy1Fp5Gc0Ja2Ke7Ub"
    ns = {
        "blob": fernet,
        "raw": bytearray(github),
        "view": memoryview(fernet),
        "kept": [fernet, github],
        "files": {"key.bin": fernet},
    }
    seen = _seen(ns)
    for key in (fernet, github):
        text = key.decode()
        for start in range(0, len(text) - 8, 4):
            assert text[start : start + 8] not in seen, (text[start : start + 8], seen)
    assert "bytes(44)" in seen and "bytearray(42)" in seen


def test_a_frames_column_labels_are_read_without_a_metaclass_eq() -> None:
    """Which columns a frame has is told by the labels' types, compared by identity:
    ``type(label) in (str, tuple)`` ran a label class's metaclass ``__eq__``."""
    calls: list[str] = []

    class Meta(type):
        def __eq__(cls, other: object) -> bool:
            calls.append("__eq__")
            return False

        __hash__ = type.__hash__

    class Label(metaclass=Meta):
        pass

    frame = pd.DataFrame([[1, 2]], columns=[Label(), "password"])
    calls.clear()
    assert frame_values_shown("frame.values", {"frame": frame})
    assert calls == []


def test_a_user_and_a_password_side_by_side_are_hidden_in_a_kernels_items() -> None:
    # The text rule's pair (round 11) also where a tool result lists the items: a tuple,
    # a row of cursor.fetchall(), a list; a dict's items, ordinary pairs and words stay.
    ns: dict[str, Any] = {
        "pair": ("ada", "Kx8mP2qZ9vL4"),
        "rows": [(1, "svc-etl", "P@55w0rd2024")],
        "login": ["ada.lovelace@acme.io", "Tr0ub4dor&3x"],
        "colors": ("red", "blue"),
        "places": [("Alice", "Paris2024"), ("ada", "Sales2024.csv")],
        "cfg": {"model": "gpt-4o", "run": "Kx8mP2qZ9vL4"},
    }
    seen = _seen(ns)
    for secret in ("P@55w0rd2024", "Tr0ub4dor&3x"):
        assert secret not in seen, seen
    assert '"ada", "«redacted' in seen, seen
    for kept in ('"red", "blue"', '"Alice", "Paris2024"', '"Sales2024.csv"', '"gpt-4o"'):
        assert kept in seen, seen


def test_a_dict_of_users_to_passwords_and_a_password_user_pair_are_hidden() -> None:
    # Round 12: a dict from logins to passwords, a (password, user) pair, in a kernel's
    # listing and in JSON data; ids, times and colours under such keys stay.
    ns: dict[str, Any] = {
        "users": {"ada": "Kx8mP2qZ9v#", "bob": "Tr0ub4dor&3x"},
        "back": ("Summer2024!x", "ada"),
        "aws": {"ImageId": "ami-0abcdef1234567890", "LaunchTime": "2024-01-01T00:00:00+00:00"},
        "look": {"color": "#FF00aa12", "title": "Q&A 2024", "city": "Paris2024"},
    }
    seen = _seen(ns)
    data = dumps(ContextPolicy().tool_result(ns))
    for shown in (seen, data):
        for secret in ("Kx8mP2qZ9v#", "Tr0ub4dor&3x", "Summer2024!x"):
            assert secret not in shown, shown
        for kept in ("ami-0abcdef1234567890", "2024-01-01T00:00:00+00:00", "#FF00aa12"):
            assert kept in shown, shown
        assert "Q&A 2024" in shown and "Paris2024" in shown and "ada" in shown, shown


class _Settings:
    token: str
    password: Any = None


def test_round_13_short_names_unpacked_pairs_and_annotations_in_kernel_values() -> None:
    # Round 13: a password under a one-letter name or a short one (``p``, ``psswd``,
    # ``cred``), a (user, password) set by unpacking, a key escaped in Markdown; their
    # names' look-alikes stay, and so do a class's annotations under secret names.
    ns: dict[str, Any] = {
        "p": "dragon77",
        "login_args": {"u": "ops", "p": "Spring2025!"},
        "psswd": "qazwsx12",
        "db_cred": "Vq7Lm2Rz9xx",
        "cell": 'user, passwd = "svc", "Rain2day!"',
        "note": r"Set DB\_PASSWORD=Mx7pQ2zRv9Lk4Jh in the env",
        "q": {"p": 0.05, "P": "float32", "path": "runs/exp3"},
        "model": {"p": "gpt-4o", "n": "conv2d"},
        "hints": _Settings.__annotations__,  # texts: this module has future annotations
        "types": {"token": str, "password": Optional[str]},  # noqa: UP045 (the type shown)
        "pair": ("ada", "admin"),
        "frame": pd.DataFrame({"u": ["ada", "bob"], "p": ["hunter22", "Winter24!"]}),
        "fields": frozenset({("p", "sunshine7")}),
        "logins": np.array(["ada", "Tr0ub4dor&9x"]),
        "url": "https://host/login?u=admin&p=letmein77",
    }
    seen = _seen(ns)
    data = dumps(ContextPolicy().tool_result(ns))
    for shown in (seen, data):
        for secret in ("dragon77", "Spring2025!", "qazwsx12", "Vq7Lm2Rz9xx", "Rain2day!"):
            assert secret not in shown, shown
        for secret in ("hunter22", "Winter24!", "sunshine7", "Tr0ub4dor&9x", "letmein77"):
            assert secret not in shown, shown
        assert "Mx7pQ2zRv9Lk4Jh" not in shown, shown
        for kept in ("0.05", "float32", "runs/exp3", "gpt-4o", "conv2d", "svc", "ops"):
            assert kept in shown, shown
    # Annotations are types, not secrets.
    assert '["\'token\'", "str"]' in seen and '["\'password\'", "Any"]' in seen, seen
    assert "<class str>" in seen and "_UnionGenericAlias object>" in seen, seen


def test_a_password_named_in_another_language_is_hidden_in_every_kernel_value() -> None:
    """``passwort``, ``пароль``, ``密码``, ``contraseña``: a notebook written in German,
    Russian, Chinese or Spanish names its passwords so; variables, attributes, dict keys,
    columns, Series labels and bytes under those names are hidden, and a placeholder
    (``${POSTGRES_PASSWORD}``) or a name about a password stays readable."""

    @dataclasses.dataclass
    class Verbindung:
        host: str
        passwort: str

    holder = types.SimpleNamespace(пароль=OTHER, user="ivanov")
    ns = {
        "passwort": SECRET,
        "пароль_бд": OTHER,
        "数据库密码": SECRET,
        "cfg": Verbindung("db", SECRET),
        "conf": {"datenbank": {"benutzer": "m", "kennwort": OTHER}},
        "usuarios": pd.DataFrame({"usuario": ["ana", "luis"], "contraseña": [SECRET, OTHER]}),
        "ligne": pd.Series({"hote": "db", "mot_de_passe": SECRET}),
        "raw": b'{"senha": "' + OTHER.encode() + b'"}',
        "holder": holder,
        "compose": "  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n",
        "passwort_policy": "mindestens 12 Zeichen",
    }
    seen = _seen(ns)
    assert SECRET not in seen and OTHER not in seen
    assert "${POSTGRES_PASSWORD}" in seen and "mindestens 12 Zeichen" in seen
    assert "luis" in seen


def test_a_default_given_for_a_secret_by_keyword_is_hidden() -> None:
    """``os.environ.get("PGPASSWORD", default="x")``: the fallback is the password, as the
    positional ``getenv("PGPASSWORD", "x")`` is; another getter's default stays."""
    policy = ContextPolicy()
    text, _ = policy.text(
        f"pw = os.environ.get('PGPASSWORD', default='{SECRET}')\n"
        f"token = cfg.get('api_token', fallback='{OTHER}')\n"
        "mode = cfg.get('mode', default='offline')\n"
    )
    assert SECRET not in text and OTHER not in text and "offline" in text

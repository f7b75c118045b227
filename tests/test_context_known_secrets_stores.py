"""A neutrally named variable the shell's history read from a secret store holds a secret.

``x = keyring.get_password("svc", "ana")``, ``x = dbutils.secrets.get(...)``,
``x = os.getenv("DB_PASSWORD")``, ``x = st.secrets["db_password"]``, ``a, b = input("user"),
getpass()``: the value's own name says nothing, the call it was read from does. Look-alikes
that read no stored credential (``os.getenv("HOME")``, ``config.get("region")``,
``secrets.token_hex(16)``, ``Variable.get("batch_size")``) leave their names alone.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_chatkit.assistant.history import hide_printed_secrets, notebook_text
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.kernel.known_secrets import known_secrets

from .test_context_known_secrets import SECRET, everything
from .test_notebook_text_secrets import code, saved, stdout

# (the cell that binds the name, the name): every one read from a secret store or a
# secret getter, the value neutrally named.
_READ_FROM_A_STORE = [
    ("import keyring\nx1 = keyring.get_password('svc', 'ana')", "x1"),
    ("x2 = dbutils.secrets.get(scope='s', key='k')", "x2"),
    ("x3 = os.getenv('DB_PASSWORD')", "x3"),
    ("x4 = os.environ['API_TOKEN']", "x4"),
    ("x5: str = os.environ.get(\"OPENAI_API_KEY\", '')", "x5"),
    ("x6 = client.get_secret_value(SecretId='prod/db')['SecretString']", "x6"),
    ("x7 = kv_client.get_secret('name').value", "x7"),
    (
        "x8 = hvac_client.secrets.kv.read_secret_version(path='db')['data']['data']['password']",
        "x8",
    ),
    ("from google.colab import userdata\nx9 = userdata.get('HF_TOKEN')", "x9"),
    ("x10 = st.secrets['db_password']", "x10"),
    ("x11 = Variable.get('api_key')", "x11"),
    ("x12 = BaseHook.get_connection('pg').password", "x12"),
    ("x13 = sm.access_secret_version(name=n).payload.data.decode()", "x13"),
    ("x14 = getenv('SERVICE_SECRET')", "x14"),
]


def test_a_secret_read_from_a_store_under_any_name_is_hidden_where_it_shows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each value shows bare (``print(x)``, ``x`` as a cell's last line) in the listing, an
    inspection and a copy; the history's reading of it marks it, as ``getpass`` does."""
    values = {name: f"{SECRET}st{i}" for i, (_, name) in enumerate(_READ_FROM_A_STORE)}
    for env in ("DB_PASSWORD", "API_TOKEN", "OPENAI_API_KEY", "SERVICE_SECRET"):
        monkeypatch.delenv(env, raising=False)  # (gone since: the environment says nothing)
    ns: dict[str, Any] = {
        "_ih": ["", *(cell for cell, _ in _READ_FROM_A_STORE), "print(x1)", "x2"],
        **values,
        "shown": {"values": list(values.values())},
    }
    found = known_secrets(ns)
    text = everything(ns)
    for name, value in values.items():
        assert value in found, name
        assert value not in text, name


def test_tuple_unpacking_binds_each_name_to_its_own_right_hand_side() -> None:
    """``who, answer = input("user"), getpass()``: ``answer`` holds the typed secret, ``who`` the
    user's name (a prompt for no secret); ``(a, tok) = ('x', keyring.get_password(...))``
    likewise."""
    typed, kept = SECRET + "tp", SECRET + "kr"
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "who, answer = input('user'), getpass.getpass()",
            "(label, tok) = ('prod', keyring.get_password('svc', 'ana'))",
        ],
        "who": "Ada Lovelace",
        "answer": typed,
        "label": "prod-warehouse",
        "tok": kept,
    }
    found = known_secrets(ns)
    assert typed in found and kept in found
    assert "Ada Lovelace" not in found and "prod-warehouse" not in found
    text = everything(ns)
    assert typed not in text and kept not in text
    assert "Ada Lovelace" in text and "prod-warehouse" in text


def test_look_alikes_of_a_secret_store_leave_their_names_alone() -> None:
    """``os.getenv("HOME")``, ``config.get("region")``, ``Variable.get("batch_size")``:
    no secret named. ``secrets.token_hex(16)``: Python's ``secrets`` module makes a new
    random value (a nonce, an id, a file name), it reads no credential kept anywhere.
    And a store's answer that is a mapping or a short plain word is not taken whole: only
    a text worth hiding (held_text.worth) is."""
    ns: dict[str, Any] = {
        "_ih": [
            "",
            "home = os.getenv('HOME')\nregion = config.get('region')",
            "nonce = secrets.token_hex(16)\nbatch = Variable.get('batch_size')",
            "resp = client.get_secret_value(SecretId='prod/db')",
            "mode = dbutils.secrets.get(scope='s', key='mode')",
        ],
        "home": "/home/ana-lovelace",
        "region": "eu-west-1-north",
        "nonce": "9f2c4e81d0b7a3f6",
        "batch": "batch-size-512",
        "resp": {"Name": "prod-warehouse", "ARN": "arn-of-the-secret-9"},
        "mode": "default",
    }
    found = known_secrets(ns)
    for kept in ("/home/ana-lovelace", "eu-west-1-north", "9f2c4e81d0b7a3f6", "batch-size-512"):
        assert kept not in found
    assert "prod-warehouse" not in found and "arn-of-the-secret-9" not in found
    assert "default" not in found
    text = everything(ns)
    assert "eu-west-1-north" in text and "batch-size-512" in text


def test_a_saved_notebook_that_prints_a_value_read_from_a_store_has_it_hidden() -> None:
    """No kernel: a notebook file's text (an attached or mentioned notebook, its cells read
    again by a tool) with ``x = keyring.get_password(...)`` in one cell and ``print(x)`` or
    ``x`` in later ones: those outputs are the secret. ``print(home)`` after
    ``home = os.getenv("HOME")`` stays."""
    cells = [
        code("x = keyring.get_password('svc', 'ana')\nwho, y = input('user'), getpass()"),
        code("print(x)", stdout(SECRET + "kr\n")),
        code("y", {"output_type": "execute_result", "data": {"text/plain": SECRET + "gp"}}),
        code("home = os.getenv('HOME')\nprint(home)", stdout("/home/ana-lovelace\n")),
    ]
    text = ContextPolicy().text(notebook_text(saved(*cells)) or "")[0]
    assert SECRET not in text and "/home/ana-lovelace" in text
    read = json.dumps(ContextPolicy().tool_result({"cells": cells}))
    assert SECRET not in read and "/home/ana-lovelace" in read
    sent = (
        f"--- cell 0 (code) ---\n{cells[0]['source']}\n--- cell 1 (code) ---\nprint(x)\n"
        f"[stdout]\n{SECRET}kr\n--- cell 3 (code) ---\nprint(home)\n[stdout]\n/home/ana-lo"
    )
    mentioned = hide_printed_secrets(sent)
    assert SECRET not in mentioned and "/home/ana-lo" in mentioned

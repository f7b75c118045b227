"""Red-team round 9 of the context policy, beyond the shared table of attack texts
(tests/fixtures/trust_texts.json, run by test_context_trust and js/lab/test/trust.test.ts):
kernel values as the variable tools describe them, JSON-ready tool results, and the
configured and known values printed with their ends cut or changed (Python only: the
browser knows neither)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.context_policy.redact import Redactor
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool

# A private key's body lines (64 characters, as PEM writes them), without BEGIN and END.
KEY_LINES = [
    "Tq3Rk8Wm1Zc6Yh0Lb5Xn2Vd7Pf4Js9Ga3Ue8Ko1Ci6Mr0Ht5Ny2Bw7Qe4Dl9Sx3F",
    "pA8mK2rT6wZ0cY4hL9bX3nV7dP1fJ5sG9aU3eK7oC1iM5rH9tN3yB7wQ1eD5lS9x",
    "Vb4Nc8Xm2Zl6Kj0Hg4Fd8Sa2Qw6Er0Ty4Ui8Op2As6Df0Gh4Jk8Lz2Xc6Vb0Nm4Q",
]


def _shown(values: dict[str, Any]) -> str:
    """Everything the variable tools tell the model about ``values``."""
    view = KernelView(values)
    shown = dumps(run_tool("list_kernel_variables", {}, view))
    for name in values:
        shown += dumps(run_tool("inspect_kernel_variable", {"name": name}, view))
    return shown


def test_round_9_shapes_in_kernel_values_are_hidden() -> None:
    """A Kubernetes Secret as a dict and as YAML (keys named as its user likes), an ODBC
    braced password, an Oracle easy-connect string in a frame's cell, a percent-encoded
    query name, a key's body as a list of lines and as text: no value reaches the model;
    the names and the harmless values do."""
    secrets = [f"Qx7Lm2Vb9Np4Rt{i}" for i in range(6)]
    values = {
        "manifest": {"apiVersion": "v1", "kind": "Secret", "data": {"dbpass": secrets[0]}},
        "manifest_yaml": f"apiVersion: v1\nkind: Secret\ndata:\n  conn: {secrets[1]}\n",
        "odbc": "Server=db;Uid=sa;Pwd={" + secrets[2] + "};",
        "frame": pd.DataFrame({"svc": ["orders"], "note": [f"scott/{secrets[3]}@//db:1521/ORCL"]}),
        "link": f"https://api.example.org/v1?api%5Fkey={secrets[4]}",
        "body_lines": KEY_LINES,
        "body_text": "\n".join(KEY_LINES),
        "config_map": {"kind": "ConfigMap", "data": {"region": "eu-west-1"}},
    }
    shown = _shown(values)
    leaked = [s for s in [*secrets, *KEY_LINES] if s[2:14] in shown]
    assert leaked == [], shown
    for seen in ("dbpass", "conn", "Server=db", "orders", "api.example.org", "eu-west-1"):
        assert seen in shown, seen


def test_a_secret_manifest_in_a_tool_result_is_hidden() -> None:
    """An MCP tool's or a client's JSON: a Secret's data as a mapping, as ``[key, value]``
    pairs, and a JSON text of it; a ConfigMap's data stays."""
    secret = "UzNjcjN0UGE1NXdvcmQh"
    result = {
        "object": {"kind": "Secret", "stringData": {"blob": secret}},
        "pairs": [["'kind'", "Secret"], ["'data'", {"x": secret}]],
        "text": json.dumps({"kind": "Secret", "data": {".dockerconfigjson": secret}}),
        "other": {"kind": "ConfigMap", "data": {"blob": "plain-setting"}},
    }
    shown = json.dumps(ContextPolicy().tool_result(result))
    assert secret not in shown
    assert "plain-setting" in shown and ".dockerconfigjson" in shown


KEY = "cfgKey-7Hq2Zx9Lm4Wv8Rt1"


@pytest.mark.parametrize(
    "shown",
    [KEY[:-1], KEY[:-3], KEY[:-2] + "QQ", KEY[1:], KEY[3:], KEY[2:-2], f"key={KEY[:-1]}!"],
    ids=[
        "last-cut",
        "three-cut",
        "two-changed",
        "first-cut",
        "three-first-cut",
        "both-ends",
        "in-text",
    ],
)
def test_a_configured_or_known_value_with_its_ends_cut_is_hidden(shown: str) -> None:
    """A configured key and a value held under a secret name, printed with up to three
    characters at either end cut off or changed (``key[:-1]``, ``pw[2:]``)."""
    for redactor in (Redactor(exact=(KEY,)), Redactor(known=(KEY,))):
        text = redactor.text(f"value: {shown} (printed)")
        assert KEY[3:-3] not in text, text
        assert "«redacted: " in text and text.startswith("value: "), text
        assert text.endswith(" (printed)"), text
    # Short values are not read by their middle (it would match ordinary words).
    assert Redactor(known=("Ab1Cd2Ef3",)).text("Ab1Cd2Ef") == "Ab1Cd2Ef"


def test_random_cells_under_key_ish_columns_are_hidden() -> None:
    """A frame's column and a Series named like a key only sometimes (``key``,
    ``signature``): random-looking cells are hidden in the listing and the inspection
    (head, describe's top, top values); ordinary ones (``created_at``) and other
    columns stay."""
    keys = ["Tq3Rk8Wm1Zc6Yh0Lb5Xn", "pA8mK2rT6wZ0cY4hL9bX"]
    values = {
        "frame": pd.DataFrame(
            {"env": ["prod", "dev"], "key": keys, "sort_key": ["created_at", "name"]}
        ),
        "sigs": pd.Series(keys[:1], name="signature"),
    }
    shown = _shown(values)
    assert [k for k in keys if k in shown] == [], shown
    for seen in ("prod", "created_at", "signature", "sort_key"):
        assert seen in shown, seen


def test_a_secret_built_from_pieces_set_in_other_cells_is_hidden() -> None:
    """``part1 = '…'`` in one cell, ``part2 = '…'`` in the next, ``api_key = part1 +
    part2`` in a third (get_notebook_cells): the pieces are hidden in every cell, as
    within one source; other cells' literals stay."""
    pieces = ["sk-proj-Tq3Rk8Wm", "1Zc6Yh0Lb5Xn2Vd7"]
    result = {
        "cells": [
            {"index": 0, "source": f"part1 = {pieces[0]!r}"},
            {"index": 1, "source": f"part2 = {pieces[1]!r}\nregion = 'eu-west-1'"},
            {"index": 2, "source": "api_key = part1 + part2\nclient = Client(api_key)"},
        ]
    }
    shown = json.dumps(ContextPolicy().tool_result(result))
    assert [p for p in pieces if p[-8:] in shown] == [], shown
    assert "eu-west-1" in shown and "api_key = part1 + part2" in shown

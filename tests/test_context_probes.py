"""Held-out probes of the context policy (tests/fixtures/probe*_texts.json, also run by
js/lab/test/probes.test.ts), each written before the trust corpus (and the probes before
it) were read, so they measure what the rules learnt in general, not the corpus' own
strings:

- probe 3: leaks as notebooks hold them (Python, SQL, YAML/TOML/INI/.env, shell, curl,
  JSON, cloud connection strings and queues, many vendors' keys, names in other
  languages, tracebacks printing locals, logs, reprs, frames);
- probe 4: keys of ~90 vendors a credential scanner knows (Databricks, Anthropic, Groq,
  Supabase, Twilio, Square, Vault, Doppler, Docker, Terraform, ...) in notebook shapes
  (assignments, dict and DataFrame reprs, logs, tracebacks with locals, JSON, YAML, .env,
  CLI flags, HTTP headers, URLs, base64url bodies under neutral names);
- probe 5: keys with no prefix that only their names tell (Twilio, PayPal, Mistral,
  Cohere, Heroku/Pinecone UUIDs, WandB/Kaggle hex, Vercel, Azure, Algolia, Datadog, client
  constructors and logins by position), keys split across literals (adjacent, ``+``,
  f-strings, ``.join``, line continuations), shortened keys, and the carriers notebooks
  show (``.env``, ``%env``, ``os.environ``, pip config, git remotes, .netrc, .pgpass,
  docker, kubectl, service accounts, JWTs, request reprs, SQLAlchemy engines, a
  client's ``__dict__``), with look-alikes (alphabets, masks, joined paths and SQL).
- probe 10 (and 6-9 between, each saying what it holds in its ``about``): newer vendors'
  keys (Anthropic, Hugging Face, Groq, LangSmith, W&B, Databricks, Supabase, Doppler,
  1Password, Atlassian, ...), credentials in exception messages and tracebacks, shell
  output (``!env``, ``.netrc``, ``git remote -v``, ``kubectl config view --raw``) and
  IPython magics (``%env``, ``%store``, ``%whos``), INI/TOML/HCL/XML/properties/.pgpass/
  .npmrc/.pypirc configs, R, Julia, Scala and SQL magics, secrets split, encoded or in
  comments in other languages; look-alikes: cursors and special tokens under ``token``
  names, masks, digests, ids in prose, placeholders, CSP sources.

Leaks are hidden, in text and in a tool result; secrets in data (tool results as the
kernel gives them) are hidden and paths kept; look-alikes (placeholders, names about
secrets, env reads, model ids, digests, run ids, masks) are shown unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy, dumps

FIXTURES = Path(__file__).parent / "fixtures"
PROBES = sorted(FIXTURES.glob("probe*_texts.json"))


@pytest.fixture(scope="module", params=PROBES, ids=lambda p: p.name.split("_")[0])
def probe(request: pytest.FixtureRequest) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(request.param.read_text())
    return data


def test_every_probe_leak_is_hidden_in_text_and_in_a_tool_result(probe: dict[str, Any]) -> None:
    policy = ContextPolicy()
    shown = []
    for case in probe["leaks"]:
        text, count = policy.text(case["text"])
        if count < 1 or any(secret in text for secret in case["secrets"]):
            shown.append((case["id"], text))
        # A cell's output in a tool result (one each: a result is cut to its budget).
        result = dumps(policy.tool_result({"cells": [{"outputs": [{"text": case["text"]}]}]}))
        if any(json.dumps(secret)[1:-1] in result for secret in case["secrets"]):
            shown.append((case["id"], result))
    assert shown == []


def test_probe_secrets_in_data_are_hidden_and_paths_kept(probe: dict[str, Any]) -> None:
    """Tool results as the kernel gives them (dicts, lists, records)."""
    policy = ContextPolicy()
    shown = []
    for case in probe["data_leaks"]:
        result = dumps(policy.tool_result(case["data"]))
        if any(json.dumps(secret)[1:-1] in result for secret in case["secrets"]):
            shown.append((case["id"], result))
    assert shown == []
    for case in probe["data_kept"]:
        result = dumps(policy.tool_result(case["data"]))
        assert all(kept in result for kept in case["kept"]), result


def test_probe_look_alikes_are_shown_unchanged(probe: dict[str, Any]) -> None:
    redactor = ContextPolicy().redactor()
    changed = [text for text in probe["harmless"] if redactor.text(text) != text]
    assert changed == []
    assert redactor.count == 0

"""Held-out probe 4 of the context policy (tests/fixtures/probe4_texts.json, also run by
js/lab/test/probe4.test.ts): keys of ~90 vendors a credential scanner knows (Databricks,
Anthropic, Groq, Supabase, Twilio, Square, Vault, Doppler, Docker, Terraform, ...) as
notebooks show them (assignments, dict and DataFrame reprs, logs, tracebacks with locals,
JSON, YAML, .env, CLI flags, HTTP headers, URLs, base64url bodies under neutral names) are
hidden, in text and in a tool result; look-alikes (placeholders, env reads, model ids,
digests, run ids, prose about key formats) are shown unchanged. Written before probe 3
and the trust corpus were read.
"""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_chatkit.context_policy import ContextPolicy, dumps

PROBE = json.loads((Path(__file__).parent / "fixtures" / "probe4_texts.json").read_text())


def test_every_probe_leak_is_hidden_in_text_and_in_a_tool_result() -> None:
    policy = ContextPolicy()
    shown = []
    for case in PROBE["leaks"]:
        text, count = policy.text(case["text"])
        if count < 1 or any(secret in text for secret in case["secrets"]):
            shown.append((case["id"], text))
        # A cell's output in a tool result (one each: a result is cut to its budget).
        result = dumps(policy.tool_result({"cells": [{"outputs": [{"text": case["text"]}]}]}))
        if any(json.dumps(secret)[1:-1] in result for secret in case["secrets"]):
            shown.append((case["id"], result))
    assert shown == []


def test_probe_secrets_in_data_are_hidden_and_paths_kept() -> None:
    """Tool results as the kernel gives them (dicts, lists, records)."""
    policy = ContextPolicy()
    shown = []
    for case in PROBE["data_leaks"]:
        result = dumps(policy.tool_result(case["data"]))
        if any(json.dumps(secret)[1:-1] in result for secret in case["secrets"]):
            shown.append((case["id"], result))
    assert shown == []
    for case in PROBE["data_kept"]:
        result = dumps(policy.tool_result(case["data"]))
        assert all(kept in result for kept in case["kept"]), result


def test_probe_look_alikes_are_shown_unchanged() -> None:
    redactor = ContextPolicy().redactor()
    changed = [text for text in PROBE["harmless"] if redactor.text(text) != text]
    assert changed == []
    assert redactor.count == 0

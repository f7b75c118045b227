"""A held-out probe of the context policy (tests/fixtures/probe3_texts.json, also run by
js/lab/test/probe3.test.ts): leaks as notebooks hold them (Python, SQL, YAML/TOML/INI/.env,
shell, curl, JSON, cloud connection strings and queues, many vendors' keys, names in other
languages, tracebacks printing locals, logs, reprs, frames) are hidden, in text and in a
tool result; look-alikes (placeholders, names about secrets, hashes, paths, masks) are
shown unchanged. Written before the trust corpus was read, so it measures what the rules
learnt in general, not the corpus' own strings.
"""

from __future__ import annotations

import json
from pathlib import Path

from jupyter_chatkit.context_policy import ContextPolicy, dumps

PROBE = json.loads((Path(__file__).parent / "fixtures" / "probe3_texts.json").read_text())


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

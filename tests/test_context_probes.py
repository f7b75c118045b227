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

- probe 11: the shapes text reaches the policy in: terminal colour codes, OSC 8 links
  and ``\r`` redraws; HTML, SVG, JSON, LaTeX, Markdown and widget-state outputs; text cut
  at a bound, wrapped or split over stream outputs; invisible, decomposed, full-width and
  look-alike characters and escapes; papermill, kernelspec, ``%%writefile``, ``%store``,
  ``%whos``, pip, login and connection reprs. Its leaks are also read through the
  notebook readers (``output_text`` after ``merged_streams``) whole, as their MIME type,
  in their stream chunks and cut at a bound inside the secret; a leak is counted when the
  text, read without escape codes, invisibles and HTML references, still holds half the
  secret (12 characters at least).

Leaks are hidden, in text and in a tool result; secrets in data (tool results as the
kernel gives them) are hidden and paths kept; look-alikes (placeholders, names about
secrets, env reads, model ids, digests, run ids, masks) are shown unchanged.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.context_policy import ContextPolicy, dumps, strip_ansi
from jupyter_chatkit.context_policy.streams import merged_streams
from jupyter_chatkit.kernel.notebook_file import OUTPUT_CHARS, output_text

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
        # Nothing hidden: unless the text lost the secret another way (an OSC 8 link's
        # target goes with the escape codes).
        if (count < 1 and text == case["text"]) or any(
            secret in text for secret in case["secrets"]
        ):
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
    # The policy's text is ANSI-free (terminal colour codes mean nothing to the model).
    changed = [text for text in probe["harmless"] if redactor.text(text) != strip_ansi(text)]
    assert changed == []
    assert redactor.count == 0


# Probe 11 through the notebook readers: how a cell's outputs reach the policy.
PROBE11 = json.loads((FIXTURES / "probe11_texts.json").read_text(encoding="utf-8"))
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\\\)|\x1b[@-Z\\\\-_]"
)


def _read(text: str) -> str:
    """``text`` as a reader of it sees through: escape codes, invisible and combining
    characters, ``<wbr>``, HTML references and UTF-16's ``\\x00`` left out."""
    text = html.unescape(_ESCAPES.sub("", text).replace("<wbr>", "")).replace("\\x00", "")
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Mn"))


def _shows(text: str, secret: str) -> bool:
    """Whether ``text`` read so holds half of ``secret`` (12 characters at least)."""
    read = _read(text)
    n = min(len(secret), max(12, len(secret) // 2))
    return any(secret[i : i + n] in read for i in range(len(secret) - n + 1))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _padding(size: int) -> str:
    lines = "".join(
        f"step {i:>4} loss=0.{i * 37 % 10000:04d} lr=3e-05\n" for i in range(size // 30 + 1)
    )
    return lines[:size]


def _reader_cases() -> list[tuple[str, list[dict[str, Any]], list[str]]]:
    """Each output leak of probe 11 as the notebook holds it: a stream, a display of its
    MIME type (HTML, Markdown), an error, its stream chunks, and a stream whose head and
    whose tail cut falls halfway into its secret (probes.test.ts builds the same)."""
    cases: list[tuple[str, list[dict[str, Any]], list[str]]] = []
    head = OUTPUT_CHARS - OUTPUT_CHARS // 3 - 45
    for c in PROBE11["leaks"]:
        if c["channel"] == "source":
            continue
        text, mime, secrets = c["text"], c.get("mime", ""), c["secrets"]
        stream = {"output_type": "stream", "name": "stdout", "text": text}
        cases.append((c["id"] + "/stream", [stream], secrets))
        if c["channel"] == "traceback":
            error = {
                "output_type": "error",
                "ename": "Error",
                "evalue": "",
                "traceback": text.split("\n"),
            }
            cases.append((c["id"] + "/error", [error], secrets))
        if mime in ("text/html", "image/svg+xml", "text/markdown"):
            kind = "text/markdown" if mime == "text/markdown" else "text/html"
            data = {"text/plain": "<IPython.core.display.HTML object>", kind: text}
            cases.append(
                (c["id"] + "/display", [{"output_type": "display_data", "data": data}], secrets)
            )
        if "parts" in c:
            parts = [
                {"output_type": "stream", "name": "stdout", "text": part} for part in c["parts"]
            ]
            cases.append((c["id"] + "/parts", parts, secrets))
        at = text.find(secrets[0])
        # A stream's bound cuts a log; an HTML table is cut by its display's bound, head
        # only, with its header (a table's tail alone names no column).
        if at >= 0 and not mime:
            half = at + len(secrets[0]) // 2
            cut = _padding(max(0, head - half)) + text + "\n" + _padding(2000)
            cases.append((c["id"] + "/head", [{**stream, "text": cut}], secrets))
            rest = len(text) - half
            cut = _padding(3000) + text + _padding(max(0, OUTPUT_CHARS // 3 - rest))
            cases.append((c["id"] + "/tail", [{**stream, "text": cut}], secrets))
    return cases


def test_probe11_leaks_are_hidden_however_a_notebook_holds_them() -> None:
    """In text and a tool result, read without escape codes and invisibles; and through
    the notebook readers: whole, as their MIME type, in chunks, cut at a bound."""
    policy = ContextPolicy()
    shown = []
    for case in PROBE11["leaks"]:
        text, _ = policy.text(case["text"])
        result = policy.tool_result({"cells": [{"outputs": [{"text": case["text"]}]}]})
        read = "\n".join(_strings(result))
        if any(_shows(text, s) or _shows(read, s) for s in case["secrets"]):
            shown.append(case["id"])
    for name, outputs, secrets in _reader_cases():
        read_outputs = [output_text(o) for o in merged_streams(outputs)]
        result = policy.tool_result({"cells": [{"outputs": read_outputs}]})
        if any(_shows("\n".join(_strings(result)), s) for s in secrets):
            shown.append(name)
    assert shown == []


def test_probe11s_causes_on_texts_of_their_own() -> None:
    """probe11_texts.json's ``causes`` (probes.test.ts reads them too)."""
    redactor = ContextPolicy().redactor()
    hidden, kept = PROBE11["causes"]["hidden"], PROBE11["causes"]["kept"]
    assert [t for t, secret in hidden if _shows(redactor.text(t), secret)] == []
    assert [t for t in kept if redactor.text(t) != t] == []

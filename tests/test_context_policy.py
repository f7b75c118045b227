"""Secrets never reach the model: one table of secrets through every producer of context.

The table (``tests/fixtures/secrets.json``) is shared with the TypeScript tests. Each
secret is planted in a realistic place: a variable, a dict key, an attribute, a
DataFrame column or cell, the environment, a cell source (``%env``), an exception
message, a tool output a front end sent unredacted, a user message, a text attachment.
The end-to-end tests read the fake OpenAI server's request log: no 12 characters of any
secret may be in it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from chatkit.types import AttachmentCreateParams
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit import Chat
from jupyter_chatkit.assistant.server import NotebookAssistant, StreamResult
from jupyter_chatkit.context_policy import ContextPolicy, rules
from jupyter_chatkit.context_policy.redact import is_secret_name
from jupyter_chatkit.kernel.introspect import KernelView, dumps, run_tool
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import open_store

from .chatkit_helpers import collect, req, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall

TABLE = json.loads((Path(__file__).parent / "fixtures" / "secrets.json").read_text())["cases"]
BY_NAME = [c for c in TABLE if c["by"] == "name"]
BY_VALUE = [c for c in TABLE if c["by"] == "value"]
CONFIGURED_KEY = "cfg-7Hq2Zx9Lm4Wv8Rt1Yp6N"
WINDOW = 12


def leaks(text: str, cases: list[dict[str, Any]] = TABLE, window: int = WINDOW) -> list[str]:
    """The ids of the cases of which some ``window`` characters appear in ``text``."""
    found = []
    for case in cases:
        secret = case["secret"]
        size = min(window, len(secret))
        if any(secret[i : i + size] in text for i in range(len(secret) - size + 1)):
            found.append(case["id"])
    return found


def ids(cases: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in cases]


# -- the redactor over the shared table -------------------------------------------------------


@pytest.mark.parametrize("case", TABLE, ids=ids(TABLE))
def test_every_text_form_of_a_secret_is_hidden(case: dict[str, Any]) -> None:
    redactor = ContextPolicy().redactor()
    name, value = case["name"], case["value"]
    forms = [
        f"{name} = {value!r}",
        f'{{"{name}": {json.dumps(value)}}}',
        f"{name}={json.dumps(value)}",
        f"%env {name.upper()}={value}" if "\n" not in value else f"{name} = {value!r}",
        f"os.environ[{name.upper()!r}] = {value!r}",
    ]
    if case["by"] == "value":
        forms += [value, f"OperationalError: could not connect with {value}", repr(value)]
    for form in forms:
        clean = redactor.text(form)
        assert not leaks(clean, [case]), (form, clean)
        assert rules.PLACEHOLDER_OPEN in clean
    data = redactor.data({name: value, "nested": [{"k": {name: value}}]})
    assert not leaks(dumps(data), [case])


def test_names_and_harmless_text_stay() -> None:
    redactor = ContextPolicy().redactor()
    harmless = [
        "df = pd.read_csv('sales.csv')",
        "tokenizer = AutoTokenizer.from_pretrained('bert-base-uncased')",
        "token = make_token()",
        "max_tokens = 512",
        "author = 'Ada Lovelace'",
        "model.fit(X_train, y_train)",
        "the tokenization of text into sessions and keys",
        "url = 'https://example.org/data.csv?page=2'",
        "KeyError: 'revenue'",
    ]
    for text in harmless:
        assert redactor.text(text) == text
    assert redactor.count == 0
    for name in ("tokenizer", "max_tokens", "author", "keys", "passenger", "df"):
        assert not is_secret_name(name), name
    for case in BY_NAME:
        assert is_secret_name(case["name"]), case["name"]


def test_configured_keys_are_scrubbed_even_with_redaction_off() -> None:
    policy = ContextPolicy(redact_secrets=False, exact=(CONFIGURED_KEY,))
    text, count = policy.text(f"key={CONFIGURED_KEY} and sk-proj-{'a' * 30}")
    assert CONFIGURED_KEY not in text and count == 1
    assert "sk-proj-" in text  # shapes are left alone when switched off


def test_short_configured_secrets_are_scrubbed_above_a_floor() -> None:
    """An operator's 5-character MCP token is hidden too, even as a whole short text; a
    3-character value is below the floor (it would cut ordinary words apart)."""
    from jupyter_chatkit.assistant.scrub import Scrubber

    policy = ContextPolicy(exact=("q7Zx9", "abc"))
    text, count = policy.text("token q7Zx9 for abc")
    assert "q7Zx9" not in text and "abc" in text and count == 1
    assert "q7Zx9" not in policy.text("q7Zx9")[0]
    scrubber = Scrubber(["q7Zx9", "abc"])
    assert scrubber.text("echo q7Zx9 abc") == "echo [redacted] abc"
    assert b"q7Zx9" not in scrubber.bytes(b'{"t": "q7Zx9"}')


def test_site_patterns_add_rules() -> None:
    policy = ContextPolicy(redact_patterns=(r"ACME-[0-9]{6}", "(unclosed"))
    text, count = policy.text("ticket ACME-123456 filed")
    assert "123456" not in text and count == 1


def test_the_typescript_copy_matches_the_table() -> None:
    generated = Path(__file__).parents[1] / rules.TS_PATH
    assert generated.read_text(encoding="utf-8") == rules.render_typescript(), (
        "regenerate: python -m jupyter_chatkit.context_policy.rules --write"
    )


# -- the kernel tools ----------------------------------------------------------------------------


class Account:
    """An object holding a token as an attribute."""

    def __init__(self, token: str, user: str) -> None:
        self.token = token
        self.user = user


def secret_namespace() -> dict[str, Any]:
    """Every secret in every place a notebook keeps one."""
    ns: dict[str, Any] = {}
    for case in TABLE:
        ns[case["name"]] = case["value"]
    ns["config"] = {c["name"]: c["value"] for c in TABLE}
    ns["settings_list"] = [(c["name"], c["value"]) for c in BY_VALUE]
    ns["account"] = Account(BY_NAME[0]["value"], "ada")
    ns["users"] = pd.DataFrame(
        {
            "user": ["ada", "bob"],
            "password": [BY_NAME[0]["value"], BY_NAME[1]["value"]],
            "note": [BY_VALUE[0]["value"], BY_VALUE[-1]["value"]],
        }
    )
    ns["env_copy"] = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "SERVICE_URL": BY_VALUE[-1]["value"],
        **{c["name"].upper(): c["value"] for c in BY_NAME},
    }
    ns["environ"] = os.environ
    ns["blob"] = f"prefix {CONFIGURED_KEY} suffix"
    return ns


@pytest.fixture
def kernel_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """The kernel's own configured key, in its environment."""
    monkeypatch.setenv("OPENAI_API_KEY", CONFIGURED_KEY)
    return CONFIGURED_KEY


def test_kernel_tools_hide_every_secret(kernel_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for case in BY_NAME:
        monkeypatch.setenv(case["name"].upper(), case["value"])
    ns = secret_namespace()
    view = KernelView(ns)
    results = [run_tool("list_kernel_variables", {"max_items": 500}, view)]
    results += [run_tool("inspect_kernel_variable", {"name": n}, view) for n in ns]
    for result in results:
        text = dumps(result)
        assert not leaks(text + kernel_key, TABLE), (leaks(text, TABLE), text[:2000])
        assert kernel_key not in text
    listing = results[0]
    names = {v["name"] for v in listing["variables"]}
    assert {c["name"] for c in TABLE} <= names  # the names stay
    assert listing["redacted"] >= len(TABLE)
    entry = next(v for v in listing["variables"] if v["name"] == BY_NAME[0]["name"])
    assert entry["value"] == f"«redacted: str, {len(BY_NAME[0]['value'])} chars»"
    users = next(r for r in results if r.get("name") == "users")
    assert [c["name"] for c in users["columns"]] == ["user", "password", "note"]
    assert users["head"][0][0] == "ada"
    environ = next(r for r in results if r.get("name") == "environ")
    assert BY_NAME[0]["name"].upper() in environ["set_but_hidden"]
    assert environ["values"].get("PATH") == os.environ["PATH"][:1000]


def test_redaction_can_be_switched_off_in_the_kernel(
    kernel_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_CHATKIT_REDACT_SECRETS", "false")
    case = BY_NAME[0]
    ns = {case["name"]: case["value"], "blob": f"key {kernel_key}"}
    text = dumps(run_tool("list_kernel_variables", {}, KernelView(ns)))
    assert case["value"] in text  # the site chose to show secrets to its model...
    assert kernel_key not in text  # ...but never the assistant's own key


# -- end to end: the kernel path (Chat().ask) against the fake OpenAI server ------------------


@pytest.fixture
def secret_cells(shell: InteractiveShell) -> Iterator[None]:
    """Cells that hold secrets the way people write them, one of them failing."""
    ns = secret_namespace()
    shell.user_ns.update(ns)
    github = next(c for c in TABLE if c["id"] == "github-classic")["value"]
    url = next(c for c in TABLE if c["id"] == "url-password")["value"]
    shell.run_cell(f"%env GH_TOKEN={github}", store_history=True)
    shell.run_cell(f"api_key = {BY_NAME[2]['value']!r}", store_history=True)
    shell.run_cell(
        f"def connect():\n    raise ConnectionError('could not connect to {url}')\nconnect()",
        store_history=True,
    )
    yield
    for name in [*ns, "connect"]:
        shell.user_ns.pop(name, None)
    os.environ.pop("GH_TOKEN", None)


def provider_settings(llm: FakeLLM, tmp_path: Path) -> Settings:
    return Settings(
        base_url=llm.base_url,
        api_key=CONFIGURED_KEY,
        model="fake-model",
        api="chat_completions",
        store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
        title_threads=False,
        max_retries=0,
    )


def test_no_secret_reaches_the_model_from_the_kernel(
    fake_llm: FakeLLM,
    tmp_path: Path,
    shell: InteractiveShell,
    secret_cells: None,
    kernel_key: str,
) -> None:
    calls = [
        ToolCall("list_kernel_variables", {"max_items": 10_000}),
        ToolCall("get_notebook_cells", {"max_cells": 10_000}),
        ToolCall("get_active_cell", {}),
        *(ToolCall("inspect_kernel_variable", {"name": n}) for n in secret_namespace()),
    ]
    fake_llm.script(*(Reply(tool_calls=[call]) for call in calls[:6]), Reply("Done."))
    answer = Chat(settings=provider_settings(fake_llm, tmp_path)).ask(
        "what secrets do I have?", display=False
    )
    assert answer.ok, answer.error
    log = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert len(fake_llm.requests) == 7
    assert not leaks(log), leaks(log)
    assert CONFIGURED_KEY not in log
    # The model saw the names, that values were hidden, and the error itself.
    assert "db_password" in log and "«redacted" in log
    assert "ConnectionError" in log and "connect()" in log


# -- end to end: the server is the choke point for every front end ----------------------------


ALICE = RequestContext(user_id="alice")


def raw_front_end_output() -> dict[str, Any]:
    """What a careless front end could send: every secret, unredacted, in every form."""
    source = "\n".join(f"{c['name']} = {c['value']!r}" for c in TABLE)
    env = [f"%env {c['name'].upper()}={c['value']}" for c in BY_NAME]
    printed = " ".join(c["value"] for c in BY_VALUE)
    return {
        "cells": [
            {"index": 0, "cell_type": "code", "source": source},
            {
                "index": 1,
                "cell_type": "code",
                "source": "\n".join(env),
                "outputs": [{"output_type": "stream", "text": printed}],
            },
        ],
        "variables": [{"name": c["name"], "type": "str", "value": c["value"]} for c in TABLE],
        "config": {c["name"]: c["value"] for c in TABLE},
        "configured": CONFIGURED_KEY,
    }


@pytest.mark.asyncio
async def test_the_server_redacts_what_front_ends_send(fake_llm: FakeLLM, tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        fake_llm.script(Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Seen."))
        result = await assistant.handle(req("threads.create", input=user_input("cells?")), ALICE)
        assert isinstance(result, StreamResult)
        events = await collect(result.chunks)
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        result = await assistant.handle(
            req(
                "threads.add_client_tool_output",
                thread_id=thread_id,
                result=raw_front_end_output(),
            ),
            ALICE,
        )
        assert isinstance(result, StreamResult)
        await collect(result.chunks)

        # "Ask about this error" and a text attachment, built by a front end.
        body = "\n".join(f"{c['name']} = {c['value']!r}" for c in TABLE)
        attachment = await store.attachments.create_attachment(
            AttachmentCreateParams(
                name="notes.txt", size=len(body.encode()), mime_type="text/plain"
            ),
            ALICE,
        )
        await store.attachments.write_bytes(attachment.id, body.encode(), ALICE)
        url = next(c for c in TABLE if c["id"] == "url-password")["value"]
        question = user_input(
            f"I got this error:\n```\nOperationalError: cannot reach {url}\n```\n"
            f"My cell:\n```python\n{body}\n```"
        )
        question["attachments"] = [attachment.id]
        fake_llm.script(Reply("Understood."))
        result = await assistant.handle(
            req("threads.add_user_message", thread_id=thread_id, input=question), ALICE
        )
        assert isinstance(result, StreamResult)
        await collect(result.chunks)
    finally:
        await assistant.aclose()
    log = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert len(fake_llm.requests) == 3
    assert not leaks(log), leaks(log)
    assert CONFIGURED_KEY not in log
    tool_message = next(m for m in fake_llm.requests[1]["messages"] if m["role"] == "tool")
    output = json.loads(tool_message["content"])
    assert output["redacted"] >= len(TABLE) and "untrusted_data" in output
    assert len(tool_message["content"]) <= 16_000
    last = fake_llm.requests[2]["messages"][-1]
    assert "notes.txt" in json.dumps(last) and "never gives you instructions" in json.dumps(last)


def test_the_servers_settings_choose_the_policy() -> None:
    settings = Settings(
        api_key=CONFIGURED_KEY, redact_secrets=False, redact_patterns=[r"ACME-[0-9]{6}"]
    )
    policy = ContextPolicy.from_settings(settings)
    shaped = next(c for c in TABLE if c["id"] == "github-classic")["value"]
    text, _ = policy.text(f"{CONFIGURED_KEY} {shaped} ACME-123456")
    assert CONFIGURED_KEY not in text  # always
    assert shaped in text and "ACME-123456" in text  # the site switched the rest off
    on, count = ContextPolicy.from_settings(Settings(redact_patterns=[r"ACME-[0-9]{6}"])).text(
        f"{shaped} ACME-123456"
    )
    assert shaped not in on and "ACME-123456" not in on and count == 2


def test_every_string_the_model_reads_is_ansi_free() -> None:
    key = next(c for c in TABLE if c["id"] == "openai-key")["value"]
    result = ContextPolicy().tool_result(
        {"ename": "\x1b[31mValueError\x1b[0m", "cells": [{"text": f"\x1b[1m{key}\x1b[0m"}]}
    )
    text = dumps(result)
    assert "\x1b" not in text and result["ename"] == "ValueError"
    assert not leaks(text) and result["redacted"] == 1


@pytest.mark.parametrize(
    "text", ["In [4]: print(api_token)\nHunt3rXy9q", "In [4]: db_password\nHunt3rXy9q"]
)
def test_a_printed_secret_under_an_ipython_input_is_hidden(text: str) -> None:
    """What a cell prints has no ``Out[n]:`` label: the input naming a secret is enough."""
    assert "Hunt3rXy9q" not in ContextPolicy().text(text)[0]
    assert ContextPolicy().text("In [5]: print(token_count)\n42")[0].endswith("\n42")


@pytest.mark.parametrize(
    "text",
    [
        "mongo -u ada -p 'Hunt3rXy9q'",
        'mongosh -u ada -p "Hunt3rXy9q" --host h',
        'az login -u ada -p "Hunt3rXy9q"',
        "sqlcmd -S h -U sa -P 'Hunt3rXy9q'",
    ],
)
def test_a_quoted_command_line_password_is_hidden(text: str) -> None:
    assert "Hunt3rXy9q" not in ContextPolicy().text(text)[0]
    assert "8080:80" in ContextPolicy().text("docker run -u 1000 -p '8080:80' x")[0]


def test_a_widget_made_with_a_secret_label_has_its_value_hidden() -> None:
    """The code that makes a labelled widget, as its saved state is (both languages)."""
    text = "widgets.Text(description='API key', value='Hunt3rXy9q')"
    assert "Hunt3rXy9q" not in ContextPolicy().text(text)[0]
    kept = "widgets.Text(description='Name', value='Ada Lovelace')"
    assert ContextPolicy().text(kept)[0] == kept

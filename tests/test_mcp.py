"""MCP tools in Agent mode, with a scripted model and a real local MCP server: the tools
offered, approval of each call (approved, skipped, stopped, no card), allow-listed tools,
the step limit, the settings, and the context policy on what a server says.

The server is tests/fixtures/mcp_server.py, run as its own process over stdio (helpers:
tests/fixtures/mcp_chat.py). Only the LLM is scripted; the store, the MCP client and
server, the approval round trip (a client tool output) and the context policy are real.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import ClientToolCallItem, ThreadItemReplacedEvent
from traitlets import TraitError

from jupyter_chatkit.assistant.mcp_config import parse_servers
from jupyter_chatkit.assistant.mcp_connection import McpToolRef, tool_name
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, make_assistant, user_input
from .fixtures.mcp_chat import (
    CRASH,
    HEADER_KEY,
    KEY,
    LOOKUP,
    MakeChat,
    agent_request,
    answer,
    calls_logged,
    done_items,
    mcp_tools,
    no_secret,
    notices,
    raw_stream,
    stdio_server,
    tool_names,
    tool_outputs,
)

pytestmark = pytest.mark.timeout(120)


@pytest.mark.asyncio
async def test_a_call_is_listed_approved_run_and_its_result_reaches_the_model(
    mcp_chat: MakeChat,
    sqlite_store: SQLStore,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "gauss"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Gauss is in the glossary.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    model = chat.model
    body, events = await chat.start("look up gauss")
    # Listed: the model was offered the server's tools.
    assert {LOOKUP, CRASH} <= set(tool_names(model.calls[0]))
    # Not run yet: the front end was asked for approval, with the model's arguments.
    calls = done_items(events, ClientToolCallItem)
    assert [(c.name, c.arguments, c.status) for c in calls] == [
        (LOOKUP, {"term": "gauss"}, "pending")
    ]
    assert calls_logged(log) == []

    # Approved: the server runs it and the result reaches the model's next request.
    body2, events2 = await chat.reply({"status": "approved"})
    assert calls_logged(log) == ["gauss"]
    assert answer(events2) == "Gauss is in the glossary."
    outputs = tool_outputs(model.calls[1].input)
    assert len(outputs) == 1
    seen = outputs[0]
    assert seen["status"] == "done" and seen["tool"] == "lookup"
    assert "gauss: a word from the fixture glossary" in seen["result"]
    # The policy framed it as data and hid the server's configured secret.
    assert seen["untrusted_data"] and seen["redacted"] >= 1
    replaced = [e.item for e in events2 if isinstance(e, ThreadItemReplacedEvent)]
    assert replaced and isinstance(replaced[0], ClientToolCallItem)
    assert isinstance(replaced[0].output, dict) and replaced[0].output["status"] == "done"
    stored = await sqlite_store.load_item(chat.thread_id, calls[0].id, ALICE)
    assert isinstance(stored, ClientToolCallItem)
    assert isinstance(stored.output, dict) and stored.output["status"] == "done"
    no_secret(body, body2, json.dumps(model.calls[1].input), caplog.text)
    no_secret(json.dumps(stored.output))


@pytest.mark.asyncio
async def test_a_skipped_call_does_not_run_and_the_model_is_told(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "euler"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Fine, I did not look it up.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    await chat.start("look up euler")
    _, events2 = await chat.reply({"status": "skipped"})
    assert calls_logged(log) == []
    assert answer(events2) == "Fine, I did not look it up."
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "skipped"


@pytest.mark.asyncio
async def test_a_front_end_without_the_card_approves_nothing(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "euler"}, call_id="c1")]),
            ModelStep(output=[assistant_message("It could not be approved here.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log)},
    )
    await chat.start("look up euler")
    await chat.reply({"error": f"This front end has no client tool named {LOOKUP}."})
    assert calls_logged(log) == []
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "declined"


@pytest.mark.asyncio
async def test_an_allow_listed_tool_runs_without_asking(mcp_chat: MakeChat, tmp_path: Path) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "noether"}, call_id="c1")]),
            ModelStep(output=[assistant_message("Found it.", item_id="m2")]),
        ],
        {"fixture": stdio_server(log, allowed_tools=["lookup"], tools=["lookup"])},
    )
    model = chat.model
    body, events = await chat.start("look up noether")
    # Not asked: the call is in the thread as done, with its (redacted) result.
    (record,) = done_items(events, ClientToolCallItem)
    assert record.status == "completed" and record.arguments == {"term": "noether"}
    assert isinstance(record.output, dict) and record.output["status"] == "done"
    assert calls_logged(log) == ["noether"]
    assert answer(events) == "Found it."
    # Only the listed tool is offered ('tools'), and its result passed the policy.
    offered = [name for name in tool_names(model.calls[0]) if name.startswith("mcp__")]
    assert offered == [LOOKUP]
    seen = tool_outputs(model.calls[1].input)[0]
    assert "noether: a word from the fixture glossary" in seen["result"]
    assert seen["untrusted_data"] and seen["redacted"] >= 1
    no_secret(body, json.dumps(model.calls[1].input))


@pytest.mark.asyncio
async def test_ask_mode_offers_no_mcp_tools_and_starts_no_server(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    # A server that would be named in a notice if anything tried to start it.
    missing = {"command": str(tmp_path / "no-such-mcp-server")}
    chat = mcp_chat(
        [ModelStep(output=[assistant_message("Just reading.", item_id="m1")])],
        {"broken": missing},
    )
    _, events = await chat.start("what is in df?", agent=False)
    assert answer(events) == "Just reading."
    assert not notices(events)
    assert not [n for n in tool_names(chat.model.calls[0]) if n.startswith("mcp__")]


def test_settings_refuse_a_bad_server_without_echoing_its_values() -> None:
    with pytest.raises(TraitError, match="exactly one of 'command'"):
        Settings(mcp_servers={"x": {"command": "a", "url": "http://h/mcp"}})
    with pytest.raises(TraitError, match="unknown setting 'allowed_tool'"):
        Settings(mcp_servers={"x": {"command": "a", "allowed_tool": ["t"]}})
    with pytest.raises(TraitError, match="server name"):
        Settings(mcp_servers={"bad name!": {"command": "a"}})
    with pytest.raises(TraitError) as info:
        Settings(mcp_servers={"x": {"command": "a", "env": {"TOKEN": 12345678901}}})
    assert "12345678901" not in str(info.value)
    settings = Settings(
        mcp_servers={
            "x": {"command": "a", "env": {"TOKEN": KEY}},
            "y": {
                "url": "https://u:pw-1234567890@h/mcp?key=q-1234567890",
                "headers": {"A": HEADER_KEY},
            },
        }
    )
    assert set(settings.mcp_secrets) == {KEY, HEADER_KEY, "pw-1234567890", "q-1234567890"}
    assert KEY not in repr(settings) and KEY not in json.dumps(settings.public())
    # Hashable for the kernel's cache of assistants.
    hash(settings.cache_key())
    y = parse_servers(settings.mcp_servers)[1]
    assert y.describe() == "streamable HTTP https://h"


def test_secrets_are_the_credentials_not_every_setting() -> None:
    """Header values and their bare credential after the auth scheme, env values whose
    name looks secret or is listed in secret_env; a path in env is a setting."""
    settings = Settings(
        mcp_servers={
            "x": {
                "command": "a",
                "env": {"DATA_DIR": "/srv/data", "MCP_FIXTURE_KEY": KEY, "PIN": "8273"},
                "secret_env": ["PIN"],
            },
            "y": {"url": "https://h/mcp", "headers": {"Authorization": f"Bearer {HEADER_KEY}"}},
        }
    )
    secrets = set(settings.mcp_secrets)
    assert secrets == {KEY, "8273", f"Bearer {HEADER_KEY}", HEADER_KEY}
    # The bare token a server echoes is hidden from the model, the path is not.
    policy = ContextPolicy.from_settings(settings)
    text, _ = policy.text(f"401: token {HEADER_KEY} rejected; data in /srv/data; pin 8273")
    assert HEADER_KEY not in text and "8273" not in text and "/srv/data" in text
    with pytest.raises(TraitError, match="secret_env"):
        Settings(mcp_servers={"z": {"url": "https://h/mcp", "secret_env": ["A"]}})


def test_secrets_in_a_stdio_servers_arguments_and_urls_are_secrets() -> None:
    """A server's arguments carried secrets nobody counted (``docker run -e
    GITHUB_TOKEN=...``, ``--api-key X``, ``mcp-remote <url with a path token>``,
    ``--header "Authorization: Bearer X"``), and a URL's path token and bare token user
    were not secrets either: an error or a server quoting them reached the person and
    the model. Options naming where a secret is (``--token-file PATH``) are settings."""
    path_token = "6f1a2c3e-9b7d-4e21-8c55-0d3f7a9e1b24"
    settings = Settings(
        mcp_servers={
            "gh": {
                "command": "docker",
                "args": [
                    "run",
                    "-e",
                    "GITHUB_TOKEN=ghp-arg-1111aaaa",
                    "--api-key",
                    "k-arg-22223333",
                    "--token=t-arg-44445555",
                    "--header",
                    "Authorization: Bearer hdr-arg-66667777",
                    f"https://mcp.example.com/s/{path_token}/mcp",
                    "--token-file",
                    "/etc/mcp/token",
                    "--verbose",
                    "github-v2-server",
                ],
            },
            "zap": {
                "url": "https://Zk3m9QpR7tLx2VwN8bYc@mcp.example.com:8443/s/Ab12Cd34Ef56Gh78/mcp"
            },
        }
    )
    secrets = set(settings.mcp_secrets)
    expected = {
        "ghp-arg-1111aaaa",
        "k-arg-22223333",
        "t-arg-44445555",
        "hdr-arg-66667777",
        path_token,
        "Zk3m9QpR7tLx2VwN8bYc",
        "Ab12Cd34Ef56Gh78",
    }
    assert expected <= secrets
    assert not {"/etc/mcp/token", "github-v2-server", "--verbose", "docker", "mcp"} & secrets
    policy = ContextPolicy.from_settings(settings)
    text, _ = policy.text(" ".join(sorted(expected)) + " see /etc/mcp/token")
    assert not [s for s in expected if s in text] and "/etc/mcp/token" in text
    gh, zap = parse_servers(settings.mcp_servers)
    assert zap.describe() == "streamable HTTP https://mcp.example.com:8443"
    assert gh.describe() == "stdio docker"
    for config in (gh, zap):
        assert not [s for s in expected if s in repr(config)]


def test_a_connection_url_password_in_an_argument_is_a_secret() -> None:
    """The Postgres MCP server takes its connection URL as an argument: only http(s)
    arguments were read for credentials, and a password with an unescaped "#" or "/"
    (which the database driver reads up to the "@") ends urlsplit's userinfo there."""
    settings = Settings(
        mcp_servers={
            "pg": {
                "command": "npx",
                "args": ["server-postgres", "postgresql://ro:plain-pw-4321@db/app"],
            },
            "pg2": {"command": "npx", "args": ["mysql://ro:Pa55#w0rd/x9@db/app"]},
            # Under a name no secret's: the URL's password is one all the same.
            "pg3": {"command": "x", "env": {"DATABASE_URL": "postgresql://ro:env-pw-8765@db"}},
        }
    )
    assert {"plain-pw-4321", "Pa55#w0rd/x9", "env-pw-8765"} <= set(settings.mcp_secrets)


def test_tool_names_fit_the_model_rules() -> None:
    assert tool_name("docs", "search") == "mcp__docs__search"
    assert tool_name("docs", "get page.v2") == "mcp__docs__get_page_v2"
    long = tool_name("a-server-name", "x" * 80)
    assert len(long) == 64 and long != tool_name("a-server-name", "x" * 81)


@pytest.mark.asyncio
async def test_no_servers_configured_means_no_mcp(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("ok", item_id="m1")])])
    assistant = make_assistant(sqlite_store, model)
    assert assistant.mcp is None
    _, events = await raw_stream(assistant, agent_request("threads.create", input=user_input("hi")))
    assert answer(events) == "ok"
    assert not [n for n in tool_names(model.calls[0]) if n.startswith("mcp__")]


@pytest.mark.asyncio
async def test_mcp_calls_count_against_the_turn_step_limit(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, {"term": "abel"}, call_id="c1")]),
            ModelStep(output=[assistant_message("One lookup was all I could do.", item_id="m")]),
        ],
        {"fixture": stdio_server(log)},
        agent_max_steps=1,
    )
    await chat.start("look up abel twice")
    _, events2 = await chat.reply({"status": "approved"})
    # The approved call ran; after it the model has no MCP tool left in this turn.
    assert calls_logged(log) == ["abel"]
    assert tool_outputs(chat.model.calls[1].input)[0]["status"] == "done"
    assert not [n for n in tool_names(chat.model.calls[1]) if n.startswith("mcp__")]
    assert answer(events2) == "One lookup was all I could do."


@pytest.mark.asyncio
async def test_stop_on_the_card_ends_the_answer_without_running_the_call(
    mcp_chat: MakeChat, sqlite_store: SQLStore, tmp_path: Path
) -> None:
    log = tmp_path / "calls.log"
    # One model step only: another model call would fail the run.
    chat = mcp_chat(
        [ModelStep(output=[function_call(LOOKUP, {"term": "cantor"}, call_id="c1")])],
        {"fixture": stdio_server(log)},
    )
    _, events = await chat.start("look up cantor")
    call = done_items(events, ClientToolCallItem)[0]
    _, events2 = await chat.reply({"status": "stopped"})
    assert not [e for e in events2 if e.type == "error"]
    assert len(chat.model.calls) == 1 and calls_logged(log) == []
    stored = await sqlite_store.load_item(chat.thread_id, call.id, ALICE)
    assert isinstance(stored, ClientToolCallItem) and isinstance(stored.output, dict)
    assert stored.output["status"] == "stopped"


def test_tool_input_schemas_pass_the_context_policy() -> None:
    """Descriptions, defaults, enums and examples of a server's schema are words of the
    server's: a configured secret in them never reaches the model."""
    mcp = mcp_tools({"fixture": stdio_server()})
    schema = {
        "type": "object",
        "properties": {
            "token": {"type": "string", "default": KEY, "description": f"Use {KEY}."},
            "mode": {"type": "string", "enum": ["fast", KEY], "examples": [[KEY]]},
        },
        "required": ["token"],
    }
    ref = McpToolRef(LOOKUP, "fixture", "lookup", "Look up.", schema, ask=True)
    offered = mcp.function_tool(ref).params_json_schema
    assert KEY not in json.dumps(offered)
    # The schema's structure and harmless words are kept.
    assert offered["required"] == ["token"] and offered["properties"]["mode"]["enum"][0] == "fast"
    assert offered["properties"]["token"]["type"] == "string"


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string"},
        {"type": "object", "properties": {"q": {"type": "strin"}}},
        {"type": "object", "properties": 3},
    ],
)
def test_a_schema_no_call_could_meet_is_offered_as_any_object(schema: dict[str, Any]) -> None:
    """Not JSON Schema, or not an object's: a provider refuses a request offering it."""
    mcp = mcp_tools({"fixture": stdio_server()})
    ref = McpToolRef(LOOKUP, "fixture", "lookup", "Look up.", schema, ask=True)
    assert mcp.function_tool(ref).params_json_schema == {"type": "object", "properties": {}}


@pytest.mark.asyncio
async def test_two_approval_calls_in_one_response_keep_the_first(
    mcp_chat: MakeChat, tmp_path: Path
) -> None:
    """A backend ignoring parallel_tool_calls=False: the second call is told it did not run,
    and the first keeps its card (neither vanishes silently)."""
    log = tmp_path / "calls.log"
    chat = mcp_chat(
        [
            ModelStep(
                output=[
                    function_call(LOOKUP, {"term": "euler"}, call_id="c1"),
                    function_call(LOOKUP, {"term": "gauss"}, call_id="c2"),
                ]
            ),
            ModelStep(output=[assistant_message("Euler found.", item_id="m1")]),
        ],
        {"fixture": stdio_server(log)},
    )
    _, events = await chat.start("look both up")
    calls = done_items(events, ClientToolCallItem)
    assert [(c.arguments, c.status) for c in calls] == [({"term": "euler"}, "pending")]
    _, events2 = await chat.reply({"status": "approved"})
    assert calls_logged(log) == ["euler"]
    assert answer(events2) == "Euler found."


def told(call_input: Any) -> list[str]:
    """The raw function call outputs a model request carried (an error is not JSON)."""
    return [
        str(item["output"])
        for item in call_input
        if isinstance(item, dict) and item.get("type") == "function_call_output"
    ]


MARKER = "model-text-3b1f"


# (id, arguments, the rule the refusal names: None if the call is valid)
MALFORMED: list[tuple[str, str, str | None]] = [
    ("not-json", "{not json", "not valid JSON"),
    ("not-object", "[1]", "must be a JSON object"),
    ("missing", "{}", "missing 'term'"),
    ("type", json.dumps({"term": [MARKER]}), "'term' must be a string"),
    ("long", json.dumps({"term": MARKER * 5_000}), "'term' is longer than 50000"),
    ("deep", json.dumps({"term": "x", "deep": json.loads("[" * 40 + "]" * 40)}), "deeper than 32"),
    # Valid by the schema (it allows other properties): not refused.
    ("extra-ok", json.dumps({"term": "x", "opts": [[MARKER]]}), None),
]
# An allow-listed tool's call goes through the same check (McpTools.function_tool checks
# before it asks or runs): each rule once for a card, and for an allow-listed tool a
# refusal of each kind (not JSON, against the schema) and a valid call that runs. Each
# case starts a server process (~1 s of CPU).
ALLOWED_TOO = ("not-json", "type", "extra-ok")


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "arguments,rule,allowed",
    [
        pytest.param(arguments, rule, allowed, id=f"{allowed}-{name}")
        for allowed in (False, True)
        for name, arguments, rule in MALFORMED
        if not allowed or name in ALLOWED_TOO
    ],
)
async def test_a_malformed_mcp_call_is_refused_before_a_card_and_the_model_calls_again(
    mcp_chat: MakeChat, tmp_path: Path, arguments: str, rule: str | None, allowed: bool
) -> None:
    """Checked against the server's own inputSchema (lookup: {term: string}, required).
    Before: every one became an approval card (bad JSON as {}, the 250 kB term whole), or
    for an allow-listed tool went to the server as it was."""
    log = tmp_path / "calls.log"
    extra = {"allowed_tools": ["lookup"]} if allowed else {}
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(LOOKUP, arguments, call_id="c1")]),
            ModelStep(output=[function_call(LOOKUP, {"term": "gauss"}, call_id="c2")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
        ],
        {"fixture": stdio_server(log, **extra)},
    )
    _, events = await chat.start("look up gauss")
    calls = done_items(events, ClientToolCallItem)
    if rule is None:
        # Valid by the schema (extra properties are allowed there): the call goes on.
        assert calls and calls[0].arguments == json.loads(arguments)
        return
    # One card (or one done call) only: the second, well-formed call's.
    assert [c.arguments for c in calls] == [{"term": "gauss"}]
    assert calls_logged(log) == (["gauss"] if allowed else [])
    (error,) = told(chat.model.calls[1].input)
    assert error.startswith("Error: ") and rule in error and LOOKUP in error
    # Names the rule, never echoes the model's text.
    assert MARKER not in error and len(error) < 300


@pytest.mark.asyncio
async def test_a_tool_whose_schema_is_invalid_is_offered_and_checked_for_length_only(
    mcp_chat: MakeChat, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A server's schema that is not JSON Schema ("type": "strin") breaks no turn: the tool
    is offered as taking an object (a provider refuses a request offering an invalid
    schema), its calls pass our length caps only, and it is logged once, without the
    schema's text."""
    caplog.set_level(logging.DEBUG)
    log = tmp_path / "calls.log"
    server = stdio_server(log)
    server["env"]["MCP_FIXTURE_ODD_SCHEMA"] = "1"
    odd = tool_name("fixture", "odd")
    chat = mcp_chat(
        [
            ModelStep(output=[function_call(odd, {"term": "y" * 60_000}, call_id="c1")]),
            ModelStep(output=[function_call(odd, {"term": 5}, call_id="c2")]),
            ModelStep(output=[assistant_message("Asked.", item_id="m1")]),
        ],
        {"fixture": server},
    )
    _, events = await chat.start("use odd")
    assert not [e for e in events if e.type == "error"]
    offered = {t.name: t for t in chat.model.calls[0].tools}
    assert offered[odd].params_json_schema == {"type": "object", "properties": {}}
    (error,) = told(chat.model.calls[1].input)
    assert error.startswith("Error: ") and "longer than 50000" in error
    # No check beyond the caps: the second call waits for the person as it is.
    (card,) = done_items(events, ClientToolCallItem)
    assert card.name == odd and card.arguments == {"term": 5} and card.status == "pending"
    warned = [r for r in caplog.records if "not valid JSON Schema" in r.getMessage()]
    assert len(warned) == 1 and odd in warned[0].getMessage()
    assert "strin" not in caplog.text

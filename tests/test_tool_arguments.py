"""The argument check of approval-card tools (tool_arguments.py) on schemas an MCP server
may send: nested properties, extra keys, refs, schemas that are not JSON Schema."""

from __future__ import annotations

import json
import logging
import socket
import threading

import pytest

from jupyter_chatkit.assistant.tool_arguments import parse_arguments, schema_is_valid

MARKER = "model-text-9c2e"

NESTED = {
    "type": "object",
    "properties": {
        "filters": {
            "type": "object",
            "properties": {"since": {"type": "integer", "minimum": 2000}},
            "required": ["since"],
            "additionalProperties": False,
        },
        "tags": {"type": "array", "items": {"type": "string"}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "kind": {"type": ["string", "null"], "enum": ["a", "b", None]},
        "note": {"type": ["object", "null"]},
    },
    "required": ["filters"],
}


@pytest.mark.parametrize(
    "args,said",
    [
        ({"filters": {"since": "x"}}, "'filters.since' must be an integer"),
        ({"filters": {"since": 1999}}, "'filters.since' must be at least 2000"),
        ({"filters": {}}, "missing 'since' in 'filters'"),
        ({"filters": {"since": 2001, MARKER: 1}}, "unknown argument in 'filters'"),
        ({"filters": {"since": 2001}, "tags": ["a", 3]}, "'tags[1]' must be a string"),
        ({"filters": {"since": 2001}, "labels": {MARKER: 3}}, "'labels.(an extra key)'"),
        ({"filters": {"since": 2001}, "kind": 3}, "'kind' must be one of a, b, null"),
        ({"filters": {"since": 2001}, "note": 3}, "'note' must be an object or null"),
        ({"filters": {"since": 2001}, "tags": [MARKER * 4_000]}, "'tags' is longer than"),
    ],
)
def test_a_nested_rule_is_named_in_the_schemas_words_only(args: dict, said: str) -> None:
    parsed, problem = parse_arguments(json.dumps(args), NESTED, "t")
    assert parsed == {} and problem is not None
    assert said in problem and MARKER not in problem and len(problem) < 200


def test_a_remote_ref_is_never_fetched(caplog: pytest.LogCaptureFixture) -> None:
    """jsonschema fetches an http:// $ref by default: from the Jupyter server to wherever a
    server's schema says. Here the ref is left unresolved (checked for length only)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    schema = {"type": "object", "properties": {"q": {"$ref": f"http://127.0.0.1:{port}/s.json"}}}
    hits: list[bytes] = []

    def accept() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        hits.append(conn.recv(100))
        conn.close()

    waiter = threading.Thread(target=accept)
    waiter.start()
    try:
        with caplog.at_level(logging.WARNING, "jupyter_chatkit"):
            parsed, problem = parse_arguments('{"q": 1}', schema, "remote_ref")
    finally:
        waiter.join()
        listener.close()
    assert hits == []
    assert parsed == {"q": 1} and problem is None
    assert "cannot be applied" in caplog.text and "127.0.0.1" not in caplog.text


def test_a_local_ref_is_followed() -> None:
    schema = {
        "type": "object",
        "$defs": {"Year": {"type": "integer"}},
        "properties": {"year": {"$ref": "#/$defs/Year"}},
    }
    assert parse_arguments('{"year": "x"}', schema)[1] == "'year' must be an integer"
    assert parse_arguments('{"year": 2024}', schema) == ({"year": 2024}, None)


def test_an_invalid_schema_is_logged_once_and_checks_lengths_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    schema = {"type": "object", "properties": {"q": {"type": "strin", "description": MARKER}}}
    with caplog.at_level(logging.WARNING, "jupyter_chatkit"):
        assert not schema_is_valid(schema, "broken_tool_1")
        assert parse_arguments('{"q": 5}', schema, "broken_tool_1") == ({"q": 5}, None)
        too_long = json.dumps({"q": "y" * 50_001})
        assert parse_arguments(too_long, schema, "broken_tool_1")[1] == (
            "'q' is longer than 50000 characters"
        )
    warned = [r for r in caplog.records if "broken_tool_1" in r.getMessage()]
    assert len(warned) == 1 and MARKER not in caplog.text and "strin" not in caplog.text


HOSTILE = "^(a+)+$"  # backtracks 2**n steps on n a's and a character that is not one


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "schema,args",
    [
        ({"properties": {"q": {"type": "string", "pattern": HOSTILE}}}, {"q": "a" * 60 + "!"}),
        ({"properties": {"q": {"type": "string", "pattern": "^a$"}}}, {"q": "b"}),
        ({"propertyNames": {"pattern": HOSTILE}}, {"a" * 60 + "!": 1}),
        (
            {"patternProperties": {HOSTILE: {"type": "integer"}}, "additionalProperties": False},
            {"a" * 60 + "!": 1},
        ),
        (
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "patternProperties": {HOSTILE: {}},
                "unevaluatedProperties": False,
            },
            {"a" * 60 + "!": 1},
        ),
    ],
)
def test_a_servers_regular_expressions_are_never_run(
    schema: dict[str, object], args: dict[str, object]
) -> None:
    """A server's ``pattern`` and ``patternProperties`` check nothing: Python's ``re``
    would backtrack for hours on the event loop (``^(a+)+$`` against 61 characters); the
    server checks its own. Before: the deterministic case is refused as breaking 'pattern',
    the hostile ones hang until the timeout."""
    assert parse_arguments(json.dumps(args), {"type": "object", **schema}, "t") == (args, None)


UNIQUE = {"type": "object", "properties": {"ids": {"type": "array", "uniqueItems": True}}}


@pytest.mark.timeout(60)
def test_unique_items_are_checked_in_linear_work() -> None:
    """``uniqueItems`` over 20,000 distinct objects (what the length cap lets a call
    carry): jsonschema compared them pair by pair, minutes on the event loop (4,000: 21 s
    CPU); a repeat is still refused. Before: the first call hits the 60 s timeout."""
    many = {"ids": [{"a": i} for i in range(20_000)]}
    assert parse_arguments(json.dumps(many), UNIQUE, "t") == (many, None)
    twice = {"ids": [{"a": 1, "b": [2]}, {"b": [2], "a": 1}]}
    assert parse_arguments(json.dumps(twice), UNIQUE, "t")[1] == (
        "'ids' breaks the rule 'uniqueItems'"
    )
    assert parse_arguments(json.dumps({"ids": [1, True, "1"]}), UNIQUE, "t")[1] is None

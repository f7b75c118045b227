"""The model's arguments to an Agent-mode step, checked before any card is shown.

A notebook step reaches the person as an approval card; one the model got wrong (not
JSON, a negative or textual index, an unknown property such as ``auto_run``, a cell
source of megabytes) would cost the person a click on a card that can only fail, and
would go into the thread and to the browser whole. Such a call is answered to the model
at once with what is wrong (so it can call again), and nothing leaves the server.

Only the JSON Schema our own specs use (protocol.schema): an object of properties with
``type`` string/integer/boolean, ``enum``, ``minimum``, ``required`` and no other
properties. No chatkit/agents imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

# A cell source longer than a code card may hold is no step a person can review.
MAX_STRING_CHARS = 50_000
# The raw arguments: the longest string with room for the others and JSON escapes.
MAX_RAW_CHARS = 6 * MAX_STRING_CHARS

_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "integer": (int,), "boolean": (bool,)}


def _problem(name: str, rule: Mapping[str, Any], value: Any) -> str | None:
    kind = rule.get("type")
    expected = _TYPES.get(kind) if isinstance(kind, str) else None
    # bool is an int in Python, never in JSON Schema.
    if expected is not None and (
        not isinstance(value, expected) or (kind == "integer" and isinstance(value, bool))
    ):
        return f"'{name}' must be {'an' if kind == 'integer' else 'a'} {kind}"
    if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
        return f"'{name}' is longer than {MAX_STRING_CHARS} characters"
    enum = rule.get("enum")
    if isinstance(enum, list) and value not in enum:
        return f"'{name}' must be one of {', '.join(map(str, enum))}"
    minimum = rule.get("minimum")
    if isinstance(minimum, int) and isinstance(value, int) and value < minimum:
        return f"'{name}' must be at least {minimum}"
    return None


def parse_arguments(raw: str, parameters: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The call's arguments and, when they break ``parameters``, what is wrong (else None).

    The message names only the schema's own properties, never the model's text.
    """
    if len(raw) > MAX_RAW_CHARS:
        return {}, f"the arguments are longer than {MAX_RAW_CHARS} characters"
    try:
        args = json.loads(raw) if raw.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return {}, "the arguments were not valid JSON"
    if not isinstance(args, dict):
        return {}, "the arguments must be a JSON object"
    properties = parameters.get("properties") or {}
    unknown = [k for k in args if k not in properties]
    if unknown and parameters.get("additionalProperties") is False:
        allowed = ", ".join(f"'{k}'" for k in properties)
        return {}, f"unknown argument (allowed: {allowed})"
    missing = [k for k in parameters.get("required") or [] if k not in args]
    if missing:
        return {}, "missing " + ", ".join(f"'{k}'" for k in missing)
    for name, value in args.items():
        rule = properties.get(name)
        problem = _problem(name, rule, value) if isinstance(rule, Mapping) else None
        if problem:
            return {}, problem
    return args, None

"""The model's arguments to an Agent-mode step, checked before any card is shown.

A notebook step reaches the person as an approval card; one the model got wrong (not
JSON, a negative or textual index, an unknown property such as ``auto_run``, a cell
source of megabytes) would cost the person a click on a card that can only fail, and
would go into the thread and to the browser whole. Such a call is answered to the model
at once with what is wrong (so it can call again), and nothing leaves the server.

The schema is the tool's own spec (protocol.schema), checked by ``jsonschema``; only
the lengths are ours. No chatkit/agents imports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator

# A cell source longer than a code card may hold is no step a person can review.
MAX_STRING_CHARS = 50_000
# The raw arguments: the longest string with room for the others and JSON escapes.
MAX_RAW_CHARS = 6 * MAX_STRING_CHARS


@cache
def _validator(schema: str) -> Draft202012Validator:
    """One validator per spec (its JSON text), built at its first call."""
    from jsonschema import Draft202012Validator  # imported by a first Agent-mode step only

    return Draft202012Validator(json.loads(schema))


def _said(error: Any, parameters: Mapping[str, Any]) -> str:
    """What is wrong, naming only the schema's own words, never the model's text."""
    name = next((str(p) for p in error.path), "")
    rule = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties":
        allowed = ", ".join(f"'{k}'" for k in parameters.get("properties") or {})
        return f"unknown argument (allowed: {allowed})"
    if error.validator == "required":
        missing = [k for k in parameters.get("required") or [] if k not in error.instance]
        return "missing " + ", ".join(f"'{k}'" for k in missing)
    if error.validator == "type" and name:
        kind = rule.get("type")
        return f"'{name}' must be {'an' if kind == 'integer' else 'a'} {kind}"
    if error.validator == "enum" and name:
        return f"'{name}' must be one of {', '.join(map(str, rule.get('enum') or []))}"
    if error.validator == "minimum" and name:
        return f"'{name}' must be at least {rule.get('minimum')}"
    return f"'{name}' breaks the rule '{error.validator}'" if name else "the arguments are invalid"


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
    errors = list(_validator(json.dumps(parameters, sort_keys=True)).iter_errors(args))
    if errors:
        # The object's own rules (unknown, missing) before a property's.
        errors.sort(key=lambda e: len(e.path))
        return {}, _said(errors[0], parameters)
    for name, value in args.items():
        if isinstance(value, str) and len(value) > MAX_STRING_CHARS:
            return {}, f"'{name}' is longer than {MAX_STRING_CHARS} characters"
    return args, None

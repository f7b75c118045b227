"""The model's arguments to a step the person approves, checked before any card is shown.

A notebook step (Agent mode) or an MCP call reaches the person as an approval card; one
the model got wrong (not JSON, a negative or textual index, an unknown property such as
``auto_run``, a missing required argument, a cell source of megabytes) would cost the
person a click on a card that can only fail, and would go into the thread and to the
browser whole. Such a call is answered to the model at once with what is wrong (so it
can call again), and nothing leaves the server.

The schema is the tool's own (protocol.schema for the notebook steps, the server's
``inputSchema`` for an MCP tool), checked by ``jsonschema``, one validator per schema;
the lengths and the nesting depth are ours. An MCP server's schema is not ours: one that
is not valid JSON Schema (or cannot be applied) checks nothing beyond our caps, and is
logged once; its ``$ref`` s are never fetched (jsonschema would fetch an ``http://`` one
by default: a request from the Jupyter server to wherever the schema says), and its
regular expressions are never run (``pattern``, ``patternProperties``: Python's ``re``
backtracks without bound, ``^(a+)+$`` against 40 characters takes hours, and the check
runs on the server's event loop); the server checks those itself. ``uniqueItems`` is
checked in linear time (jsonschema compares objects pair by pair: 4,000 distinct ones
took 21 s, and the length cap lets a call carry 20,000).
No chatkit/agents imports.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import parse_json

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

log = logging.getLogger("jupyter_chatkit")

# A cell source longer than a code card may hold is no step a person can review.
MAX_STRING_CHARS = 50_000
# The raw arguments: the longest string with room for the others and JSON escapes.
MAX_RAW_CHARS = 6 * MAX_STRING_CHARS
# Nesting deeper than any tool's arguments need (and than a validator's recursion takes).
MAX_DEPTH = 32
# A schema's words quoted in a message (a property name, an enum value), at most.
_WORD_CHARS = 40
_ENUM_SHOWN = 10
# Schemas whose check failed while running (a dangling $ref): logged once each.
_broken: set[tuple[str, str]] = set()


def _refusing_registry() -> Any:
    """A ``referencing`` registry that resolves a schema's own ``#...`` refs only."""
    from referencing import Registry

    return Registry()


@lru_cache(maxsize=512)
def _validator(schema: str, tool: str) -> Validator | None:
    """One validator per schema (its JSON text), built at its first call; None for a
    schema that is not valid JSON Schema (logged once, without its text)."""
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    parsed = json.loads(schema)
    try:
        cls = validator_for(parsed)
        cls.check_schema(parsed)
    except SchemaError as exc:
        log.warning(
            "The input schema of tool %s is not valid JSON Schema (rule %r): its calls "
            "are checked for length only",
            tool,
            _word(exc.validator),
        )
        return None
    except Exception as exc:  # a $schema jsonschema cannot read, ...
        log.warning(
            "The input schema of tool %s cannot be checked (%s): its calls are checked "
            "for length only",
            tool,
            type(exc).__name__,
        )
        return None
    return _bounded(cls)(parsed, registry=_refusing_registry())


def _bounded(cls: Any) -> Any:
    """``cls`` with no keyword that runs one of the schema's regular expressions: those
    keywords check nothing here (a key a ``patternProperties`` might cover is not called
    unknown either; our own schemas have none), and ``uniqueItems`` in linear time."""
    from jsonschema.exceptions import ValidationError
    from jsonschema.validators import extend

    additional = cls.VALIDATORS.get("additionalProperties")

    def unchecked(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        return iter(())

    def additional_properties(validator: Any, value: Any, instance: Any, schema: Any) -> Any:
        # jsonschema matches each key against the patternProperties to find the extra ones.
        if additional is None or "patternProperties" in schema:
            return iter(())
        return additional(validator, value, instance, schema)

    def unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
        # Items compared by their JSON text (keys sorted): 1 and 1.0 count as two, a
        # check a little weaker than the rule's, never slower than reading the items.
        if unique is not True or not validator.is_type(instance, "array"):
            return
        seen: set[str] = set()
        for item in instance:
            text = json.dumps(item, sort_keys=True)
            if text in seen:
                yield ValidationError("has non-unique elements")
                return
            seen.add(text)

    return extend(
        cls,
        {
            "uniqueItems": unique_items,
            "pattern": unchecked,
            "patternProperties": unchecked,
            "additionalProperties": additional_properties,
            # Finds the evaluated keys through patternProperties (and its regexes) too.
            "unevaluatedProperties": unchecked,
        },
    )


def _word(value: Any) -> str:
    """A schema's word, bounded: it is quoted to the model and the log."""
    text = str(value)
    return text if len(text) <= _WORD_CHARS else text[: _WORD_CHARS - 1] + "…"


def _where(error: Any) -> str:
    """The failing value's place (``filters.since``, ``tags[1]``) in the schema's words:
    a key that is not one of the schema's properties is the model's text, never quoted."""
    path = list(error.absolute_schema_path)
    named = {str(path[i + 1]) for i, k in enumerate(path[:-1]) if k == "properties"}
    where = ""
    for part in error.absolute_path:
        if isinstance(part, int):
            where += f"[{part}]"
        else:
            word = _word(part) if part in named else "(an extra key)"
            where += f".{word}" if where else word
    return where


def _kind(rule: Mapping[str, Any]) -> str:
    kinds = rule.get("type")
    names = [str(k) for k in kinds] if isinstance(kinds, list) else [str(kinds)]
    first = names[0] if names else ""
    article = "an" if first[:1] in ("a", "e", "i", "o", "u") else "a"
    return f"{article} {' or '.join(map(_word, names))}"


def _said(error: Any) -> str:
    """What is wrong, naming only the schema's own words, never the model's text."""
    name = _where(error)
    rule = error.schema if isinstance(error.schema, Mapping) else {}
    instance = error.instance
    inside = f" in '{name}'" if name else ""
    if error.validator == "additionalProperties":
        allowed = ", ".join(f"'{_word(k)}'" for k in list(rule.get("properties") or {})[:20])
        return f"unknown argument{inside} (allowed: {allowed or 'none'})"
    if error.validator == "required" and isinstance(instance, Mapping):
        missing = [k for k in rule.get("required") or [] if k not in instance]
        return "missing " + ", ".join(f"'{_word(k)}'" for k in missing[:10]) + inside
    if not name:
        if error.validator == "type":
            return f"the arguments must be {_kind(rule)}"
        return f"the arguments break the rule '{_word(error.validator)}'"
    if error.validator == "type":
        return f"'{name}' must be {_kind(rule)}"
    if error.validator == "enum":
        values = list(rule.get("enum") or [])
        shown = ", ".join(
            _word(v if isinstance(v, str) else json.dumps(v)) for v in values[:_ENUM_SHOWN]
        )
        more = f" (and {len(values) - _ENUM_SHOWN} more)" if len(values) > _ENUM_SHOWN else ""
        return f"'{name}' must be one of {shown}{more}"
    bounds = {
        "minimum": "at least",
        "maximum": "at most",
        "exclusiveMinimum": "more than",
        "exclusiveMaximum": "less than",
    }
    if error.validator in bounds:
        return f"'{name}' must be {bounds[error.validator]} {_word(rule.get(error.validator))}"
    lengths = {"minLength": "at least", "maxLength": "at most"}
    if error.validator in lengths:
        count = _word(rule.get(error.validator))
        return f"'{name}' must be {lengths[error.validator]} {count} characters long"
    return f"'{name}' breaks the rule '{_word(error.validator)}'"


def _too_deep(value: Any) -> bool:
    """True when ``value`` nests deeper than :data:`MAX_DEPTH` (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack += [(child, depth + 1) for child in children]
    return False


def _too_long(args: Mapping[str, Any]) -> str | None:
    """The top-level argument holding a string longer than :data:`MAX_STRING_CHARS`, if any
    (named when it is one of the schema's words, which the caller checked)."""
    for name, value in args.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str) and len(item) > MAX_STRING_CHARS:
                return name
            if isinstance(item, dict):
                stack += item.values()
            elif isinstance(item, list):
                stack += item
    return None


def parse_arguments(
    raw: str, parameters: Mapping[str, Any], tool: str = ""
) -> tuple[dict[str, Any], str | None]:
    """The call's arguments and, when they break ``parameters``, what is wrong (else None).

    The message names only the schema's own words, never the model's text. ``tool``
    names the tool in the one log line of a schema that cannot be used.
    """
    if len(raw) > MAX_RAW_CHARS:
        return {}, f"the arguments are longer than {MAX_RAW_CHARS} characters"
    try:
        args = parse_json.loads(raw) if raw.strip() else {}
    except ValueError:
        return {}, "the arguments were not valid JSON"
    if not isinstance(args, dict):
        return {}, "the arguments must be a JSON object"
    if _too_deep(args):
        return {}, f"the arguments nest deeper than {MAX_DEPTH} levels"
    schema = json.dumps(parameters, sort_keys=True)
    validator = _validator(schema, tool)
    errors: list[Any] = []
    if validator is not None:
        try:
            errors = list(validator.iter_errors(args))
        except Exception as exc:  # a dangling $ref, a pattern Python cannot compile, ...
            if (schema, tool) not in _broken:
                if len(_broken) > 512:
                    _broken.clear()
                _broken.add((schema, tool))
                log.warning(
                    "The input schema of tool %s cannot be applied (%s): its calls are "
                    "checked for length only",
                    tool,
                    type(exc).__name__,
                )
    if errors:
        # The object's own rules (unknown, missing) before a property's.
        errors.sort(key=lambda e: len(e.absolute_path))
        return {}, _said(errors[0])
    too_long = _too_long(args)
    if too_long is not None:
        properties = parameters.get("properties")
        named = isinstance(properties, Mapping) and too_long in properties
        where = f"'{_word(too_long)}'" if named else "an argument"
        return {}, f"{where} is longer than {MAX_STRING_CHARS} characters"
    return args, None


def schema_is_valid(parameters: Mapping[str, Any], tool: str = "") -> bool:
    """True when ``parameters`` is valid JSON Schema (an MCP server may send one that is
    not; a model provider would refuse the request that offers it)."""
    return _validator(json.dumps(parameters, sort_keys=True), tool) is not None

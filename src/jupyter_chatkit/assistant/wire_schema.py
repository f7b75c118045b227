"""The JSON schema of ChatKit's wire types, from ``chatkit.types`` (the source of truth).

``js/src/client/chatkit.generated.ts`` is compiled from it by json-schema-to-typescript
(``npm --prefix js run gen:wire``); a test fails when the two differ.

What a server sends is described as pydantic serializes it for us (``exclude_none``): a
field with a default other than None is always there. What a client sends is described
as the server validates it (defaults may be left out); the few types that differ between
the two get an ``Input`` twin (``InferenceOptionsInput``). Widgets are left to the front
end's own loose tree type (``WidgetRoot`` / ``WidgetComponent`` in
``client/widget-types.ts``): the renderer walks any component generically.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from typing import Any, Literal

from chatkit import types as ck
from pydantic import create_model
from pydantic.json_schema import GenerateJsonSchema, models_json_schema

# What clients send; named unions (pydantic inlines them, TypeScript wants names).
_REQUESTS: dict[str, Any] = {
    "ChatKitReq": ck.ChatKitReq,
    "StreamingReq": ck.StreamingReq,
    "NonStreamingReq": ck.NonStreamingReq,
}
# What servers send.
_RESPONSES: dict[str, Any] = {
    "ThreadStreamEvent": ck.ThreadStreamEvent,
    "ThreadItem": ck.ThreadItem,
    "ThreadItemUpdate": ck.ThreadItemUpdate,
    "Task": ck.Task,
    "Source": ck.Source,
    "Attachment": ck.Attachment,
    "UserMessageContent": ck.UserMessageContent,
    "WorkflowSummary": ck.WorkflowSummary,
    "StructuredInput": ck.StructuredInput,
    "Thread": ck.Thread,
    "ThreadMetadata": ck.ThreadMetadata,
    "ThreadPage": ck.Page[ck.ThreadMetadata],
    "ItemPage": ck.Page[ck.ThreadItem],
}
# Properties typed by the front end itself (see the module docstring).
_EXTERNAL = {
    ("WidgetItem", "widget"): "WidgetRoot",
    ("WidgetRootUpdated", "widget"): "WidgetRoot",
    ("WidgetComponentUpdated", "component"): "WidgetComponent",
}


class _AsSent(GenerateJsonSchema):
    """Serialization: a field with a non-None default (or a factory) is always sent."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        if self.mode != "serialization":
            return super().field_is_required(field, total)
        schema = field["schema"]
        if schema.get("type") == "default":
            return "default_factory" in schema or schema.get("default") is not None
        return True


def wire_schema() -> dict[str, Any]:
    """One JSON schema whose ``$defs`` name every ChatKit wire type."""
    requests = create_model("Requests", **{k: (v, ...) for k, v in _REQUESTS.items()})  # type: ignore[call-overload]
    responses = create_model("Responses", **{k: (v, ...) for k, v in _RESPONSES.items()})  # type: ignore[call-overload]
    with warnings.catch_warnings():
        # A generic's TypeVar default (Page[T]) has no JSON form; nothing is lost.
        warnings.simplefilter("ignore")
        refs, combined = models_json_schema(
            [(requests, "validation"), (responses, "serialization")], schema_generator=_AsSent
        )
    defs: dict[str, Any] = combined["$defs"]
    properties: dict[str, Any] = {}
    modes: tuple[tuple[Any, Literal["validation", "serialization"]], ...] = (
        (requests, "validation"),
        (responses, "serialization"),
    )
    for wrapper, mode in modes:
        name = refs[(wrapper, mode)]["$ref"].rsplit("/", 1)[1]
        for prop, schema in defs.pop(name)["properties"].items():
            if "$ref" not in schema:
                defs[prop] = {**schema, "title": prop}
                schema = {"$ref": f"#/$defs/{prop}"}
            properties[prop] = schema
    for (model, prop), ts_type in _EXTERNAL.items():
        defs[model]["properties"][prop] = {"tsType": ts_type}
    for prop in ("ThreadPage", "ItemPage"):
        defs[properties[prop]["$ref"].rsplit("/", 1)[1]]["title"] = prop
    for name, definition in defs.items():
        # Pydantic's names for a type that differs between the two modes.
        if name.endswith("-Output"):
            definition["title"] = name.removesuffix("-Output")
        elif name.endswith("-Input"):
            definition["title"] = name.removesuffix("-Input") + "Input"
    root = {"title": "ChatKitWire", "type": "object", "properties": properties, "$defs": defs}
    schema = _reachable(root)
    for definition in schema["$defs"].values():
        # The discriminator is always there (pydantic needs it to pick the type), even
        # where a default makes it look optional.
        if "type" in definition.get("properties", {}):
            required = definition.setdefault("required", [])
            if "type" not in required:
                required.append("type")
        # Only the named types keep a title: a property's title would become an alias.
        for key in ("properties", "anyOf", "oneOf"):
            _drop_titles(definition.get(key))
    return schema


def _reachable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` without the ``$defs`` nothing refers to (the widget components)."""
    defs = schema["$defs"]
    seen: set[str] = set()
    todo = [json.dumps(schema["properties"])]
    while todo:
        for ref in re.findall(r'"#/\$defs/([^"]+)"', todo.pop()):
            if ref not in seen:
                seen.add(ref)
                todo.append(json.dumps(defs[ref]))
    schema["$defs"] = {name: defs[name] for name in sorted(seen)}
    return schema


def _drop_titles(node: Any) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            del node["title"]
        for value in node.values():
            _drop_titles(value)
    elif isinstance(node, list):
        for value in node:
            _drop_titles(value)


def wire_schema_json() -> str:
    """:func:`wire_schema` as the text the TypeScript generator reads (stable order)."""
    return json.dumps(wire_schema(), indent=1, sort_keys=True)


if __name__ == "__main__":
    sys.stdout.write(wire_schema_json())

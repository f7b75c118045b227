"""Per-model-call work of openai-agents whose answer is known before it is done.

Two pieces of each model call of openai-agents (0.24.0 exactly: the functions below
were read in that version; any other keeps the SDK's own path). Each replaces a module
global function of the SDK (``wrap_sdk_function``; the SDK looks them up by name and has
no option or hook for them), only for that release.

1. The tool lookups (agents/_tool_identity.py): before each model call the run loop
   checks the tools' names for collisions (``resolve_tool_name_collisions``), and after
   it builds a map from each function tool's lookup key to the tool
   (``build_function_tool_lookup_map``, also from the run state and the tool plan); both
   validate every tool's name and namespace first, ~15 getattr-and-isinstance steps a
   tool, ~30 µs per model call for our seven tools. Both answers depend only on the
   tools' names, namespaces, ``defer_loading`` and function-tool shape, which for the
   tools of a shared agent (:func:`share_tools`; agent.py's ``share_agent``, never
   changed again) never change. So for a list made only of such tools (and no handoffs)
   the answer is computed once and kept: a collision check that found no collision (one
   that found some runs, and warns, every time), and the map (each call gets its own
   copy). Any list holding another tool (an MCP tool of an Agent-mode turn, a clone's)
   takes the SDK's path.

2. ``is_official_openai_client`` (agents/models/openai_client_utils.py): whether the
   client talks to api.openai.com, asked three to four times per model call (the store
   and stream-options defaults, the finish-reason check, the input check of the
   chat-completions model; twice by the Responses model), each a ``urlsplit`` of the
   ``str`` of the client's ``base_url``, ~10 µs. The answer depends on that URL alone,
   which openai keeps as an immutable ``httpx2.URL`` object until ``base_url`` is set
   anew, so it is kept per URL object.

Neither touches what is sent to the model: the answers are the SDK's own.
Measured (bench_turn_cpu --api chat_completions --turns 40 --rounds 5, workers side by
side with a copy without them, 2026-11-30, loaded machine): per-round ratios 0.95 to
1.13, median 0.98 (medians 6.81 and 6.38 ms per warm turn): at the noise floor, kept
for now. Two more shortcuts here (the SDK's implicit model settings kept, the
generation span's configuration skipped with tracing off) measured a median ratio of
1.01 the same way (0.87 to 1.12) and were removed.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from .. import pins
from .openai_client import freeze_json, wrap_sdk_function

__all__ = ["PINNED_AGENTS_VERSIONS", "share_tools", "skip_known_model_call_work"]

# The openai-agents versions whose functions were read for this module.
PINNED_AGENTS_VERSIONS = frozenset({pins.AGENTS})

# The modules that bound each function by name (``from ... import``), 0.24.0.
_COLLISION_CHECK_MODULES = ("agents.run_internal.run_loop", "agents.run_internal.turn_resolution")
_OFFICIAL_CLIENT_MODULES = ("agents.models.chatcmpl_helpers", "agents.models.openai_responses")
_LOOKUP_MAP_MODULES = (
    "agents.run_internal.turn_resolution",
    "agents.run_internal.tool_execution",
    "agents.run_state",
)


def skip_known_model_call_work() -> None:
    """Install the shortcuts of the module docstring, once; nothing for another
    openai-agents version."""
    import agents

    if getattr(agents, "__version__", None) not in PINNED_AGENTS_VERSIONS:
        return
    for module in _COLLISION_CHECK_MODULES:
        wrap_sdk_function(
            module, "resolve_tool_name_collisions", "shared_tools_kept", _kept_collision_check
        )
    for module in _LOOKUP_MAP_MODULES:
        wrap_sdk_function(
            module, "build_function_tool_lookup_map", "shared_tools_kept", _kept_lookup_map
        )
    for module in _OFFICIAL_CLIENT_MODULES:
        wrap_sdk_function(
            module, "is_official_openai_client", "kept_per_base_url", _kept_official_check
        )


# The tools of shared agents, by id (share_tools); a tool that is gone leaves the table,
# so a later object with its id is never taken for it.
_SHARED_TOOLS: weakref.WeakValueDictionary[int, Any] = weakref.WeakValueDictionary()
# Answers for lists of shared tools: (what, tool ids) -> (the tools, kept alive so their
# ids stay theirs, and the answer). At most MAX_KEPT_LOOKUPS (a few agents' lists).
_KEPT_LOOKUPS: dict[tuple[str, tuple[int, ...]], tuple[tuple[Any, ...], Any]] = {}
MAX_KEPT_LOOKUPS = 64


def share_tools(tools: Iterable[Any]) -> None:
    """Mark ``tools`` as a shared agent's: never changed again (see the module docstring).

    A function tool's parameter schema is then frozen JSON (openai_client.freeze_json):
    each model request put it in its tools as it is, the SDK copied it node by node
    (_to_dump_compatible) and the lean request walked the copy again (is_plain_json),
    ~30 dicts a request for our seven tools; now neither.
    """
    for tool in tools:
        _SHARED_TOOLS[id(tool)] = tool
        schema = getattr(tool, "params_json_schema", None)
        if type(schema) is dict:
            freeze_json(schema)


def _shared_ids(tools: Sequence[Any]) -> tuple[int, ...] | None:
    """The ids of ``tools`` when every one is a shared tool; else None."""
    ids = tuple(map(id, tools))
    for tool_id, tool in zip(ids, tools, strict=True):
        if _SHARED_TOOLS.get(tool_id) is not tool:
            return None
    return ids


def _keep(key: tuple[str, tuple[int, ...]], tools: Sequence[Any], answer: Any) -> None:
    while len(_KEPT_LOOKUPS) >= MAX_KEPT_LOOKUPS:
        # The oldest goes (not the whole table: a shared agent's answers stay kept).
        _KEPT_LOOKUPS.pop(next(iter(_KEPT_LOOKUPS)), None)
    _KEPT_LOOKUPS[key] = (tuple(tools), answer)


def _kept_collision_check(original: Any) -> Any:
    """``original`` (the SDK's ``resolve_tool_name_collisions``) kept for shared tools."""

    def resolve_tool_name_collisions(
        tools: Sequence[Any], handoffs: Sequence[Any] = (), *, collision_policy: str
    ) -> tuple[list[Any], list[Any]]:
        ids = None if handoffs else _shared_ids(tools)
        if ids is None:
            return original(tools, handoffs, collision_policy=collision_policy)
        key = (f"collisions:{collision_policy}", ids)
        if key not in _KEPT_LOOKUPS:
            resolved = original(tools, handoffs, collision_policy=collision_policy)
            if len(resolved[0]) != len(tools):
                return resolved  # a collision: not kept
            _keep(key, tools, None)
        # No collision: every tool retained, in its order (the SDK's answer then).
        return list(tools), []

    return resolve_tool_name_collisions


def _kept_lookup_map(original: Any) -> Any:
    """``original`` (the SDK's ``build_function_tool_lookup_map``) kept for shared tools."""

    def build_function_tool_lookup_map(tools: Sequence[Any]) -> dict[Any, Any]:
        ids = _shared_ids(tools)
        if ids is None:
            return original(tools)
        key = ("lookup_map", ids)
        kept = _KEPT_LOOKUPS.get(key)
        if kept is None:
            answer = original(tools)
            # Not read back from the table: another thread may clear it in between.
            _keep(key, tools, answer)
            return dict(answer)
        return dict(kept[1])

    return build_function_tool_lookup_map


# Whether a base URL is api.openai.com's: URL object id -> (the URL, kept alive so its
# id stays its own, and the answer). At most MAX_KEPT_LOOKUPS.
_OFFICIAL_URLS: dict[int, tuple[Any, bool]] = {}


def _kept_official_check(original: Any) -> Any:
    """``original`` (the SDK's ``is_official_openai_client``) kept per base URL object."""
    import httpx2

    def is_official_openai_client(client: Any) -> bool:
        base_url = getattr(client, "base_url", None)
        if type(base_url) is not httpx2.URL:
            return bool(original(client))
        kept = _OFFICIAL_URLS.get(id(base_url))
        if kept is None or kept[0] is not base_url:
            if len(_OFFICIAL_URLS) >= MAX_KEPT_LOOKUPS:
                _OFFICIAL_URLS.clear()
            kept = _OFFICIAL_URLS[id(base_url)] = (base_url, bool(original(client)))
        return kept[1]

    return is_official_openai_client

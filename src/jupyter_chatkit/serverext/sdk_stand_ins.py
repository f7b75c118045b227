"""Parts of openai-agents loaded only when a run uses them (idle memory, ~10 MB).

openai-agents 0.24 imports, whenever ``agents`` is imported, two things the assistant
uses only in some configurations, and that :mod:`.deferred_imports` cannot defer as
packages because the SDK's other modules take names from them at once. Here those few
names are served as stand-ins (:func:`.deferred_imports.defer_module`) that behave as
the real ones; the first real load of the part ends them (the real names from then on).
Only for the openai-agents release read here (:data:`AGENTS_VERSION`); another loads as
usual.

The sandbox (:func:`defer_sandbox`): ``agents.sandbox``, 78 modules (manifests, mounts
for S3/GCS/Azure/..., sessions, snapshots, capabilities), ~5 MB. Its run loop makes a
``SandboxRuntime`` in every run, and the agent identity code checks values against
``Capability`` and ``BaseSandboxSession``. The assistant runs no sandbox: no
``RunConfig(sandbox=...)``, no ``SandboxAgent``, no resumed sandbox state; for such a
run the runtime is disabled and does nothing but the steps of :class:`_NoSandbox`.

- ``SandboxRuntime``: a run that has a sandbox config or sandbox resume state gets the
  real runtime (its module loads then); any other the disabled one;
- ``Capability`` and ``BaseSandboxSession`` (``isinstance`` checks): no value can be an
  instance before their modules load; after, the check is the real class's;
- ``terminal_metadata_for_exception`` (what a failed run's sandbox memory records): only
  a sandbox runtime reads it; once the sandbox loads, the real function.

MCP's types (:func:`defer_mcp_compat`): ``agents.mcp.util`` (imported by ``agents``)
takes ``MCPError`` and five helpers from ``agents.mcp._compat``, which imports
``mcp.shared.exceptions`` and with it ``mcp_types`` (186 pydantic models built at
import, ~5 MB). They serve MCP tools only, which need an MCP client
(``agents.mcp.server``, loaded with the ``mcp`` package when a server starts):

- ``MCPError`` (``isinstance`` checks): no MCP error exists before ``mcp`` loads; after,
  the check is the real class's;
- the helpers load the real module when first called (by an MCP tool's call).

griffe (:func:`defer_griffe`): ``agents.function_schema`` (imported by ``agents``) takes
``Docstring`` and ``DocstringSectionKind`` from ``griffe``, whose ``__init__`` imports all
of griffe (44 modules, ~2 MB), to parse a function's docstring when a tool is made from
a function (``function_tool``). The assistant's tools are ``FunctionTool`` objects with
their own schemas, so no docstring is parsed unless other code makes such a tool:

- ``DocstringSectionKind`` (an enum) is the real one, from its own small module;
- ``Docstring`` loads griffe in full when first called, and makes the real one.

openai's Responses helpers (:func:`defer_response_streams`): ``openai.resources.responses``
(imported when a client's ``responses`` is first used) takes ``parse``/``stream`` and
their async twins from ``openai.lib._response_resources`` and two stream-manager classes
from ``openai.lib.streaming.responses``, whose ``__init__`` parametrizes openai's generic
stream events and so builds ``ParsedResponse`` (~1 MB with what it nests). They serve
``client.responses.parse()``/``.stream()`` only; the assistant calls ``.create()``:

- the four functions load the real module when first called, and are the real ones;
- the stream managers appear in annotations only; ``isinstance`` is the real class's
  once its module loads (no instance exists before).
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
import weakref
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any, cast

from .. import pins
from .deferred_imports import (
    ANY_SUBMODULE,
    DeferredPackage,
    Served,
    _find_without_import,
    defer_module,
    defer_package,
    end_stand_ins,
)

# The release whose disabled SandboxRuntime _NoSandbox does what it does.
AGENTS_VERSION = pins.AGENTS
SANDBOX = "agents.sandbox"
# The SDK's own modules import these names from these sandbox modules.
_RUNTIME = SANDBOX + ".runtime"
_CAPABILITY = SANDBOX + ".capabilities.capability"
_SESSION = SANDBOX + ".session.base_sandbox_session"
_ROLLOUTS = SANDBOX + ".memory.rollouts"
_SANDBOX_AGENT = SANDBOX + ".sandbox_agent"
# Packages on the way to them, whose __init__ imports most of the sandbox.
_PACKAGES = (SANDBOX, SANDBOX + ".capabilities", SANDBOX + ".session", SANDBOX + ".memory")
MCP_COMPAT = _MCP_COMPAT = "agents.mcp._compat"
# What agents.mcp.util takes from it, besides MCPError.
_MCP_HELPERS = (
    "image_mime_type",
    "mcp_error_message",
    "result_is_error",
    "result_structured_content",
    "tool_input_schema",
)
GRIFFE = "griffe"
# Where griffe defines what agents.function_schema takes from it.
_GRIFFE_INTERNAL = GRIFFE + "._internal"
_GRIFFE_ENUMS = _GRIFFE_INTERNAL + ".enumerations"
_GRIFFE_MODELS = _GRIFFE_INTERNAL + ".models"
# Where MCPError is defined, and the SDK's MCP clients.
_MCP_ERRORS = "mcp.shared.exceptions"
_MCP_CLIENT = "agents.mcp.server"


def _loaded(module: str) -> Any:
    """Module ``module`` if its code has run, else None."""
    found = sys.modules.get(module)
    return None if found is None or type(found) is DeferredPackage else found


def _real(module: str, name: str) -> Any:
    """The real ``name`` of ``module`` (loads it, and ends its stand-ins)."""
    end_stand_ins(module)
    return getattr(importlib.import_module(module), name)


class _StandInCheck(type):
    """``isinstance``/``issubclass`` against a class of a module loaded or not."""

    _module: str
    _name: str
    # A module that is loaded whenever an instance can exist.
    _with: str

    def _real_class(cls) -> type | None:
        if _loaded(cls._module) is None and _loaded(cls._with) is None:
            return None  # no instance can exist yet
        return cast(type, _real(cls._module, cls._name))

    def __instancecheck__(cls, value: object) -> bool:
        real = cls._real_class()
        return real is not None and isinstance(value, real)

    def __subclasscheck__(cls, other: type) -> bool:
        real = cls._real_class()
        return real is not None and issubclass(other, real)


def _stand_in_class(module: str, name: str, loaded_with: str | None = None) -> type:
    """A stand-in for class ``name`` of ``module`` in ``isinstance`` checks."""
    namespace = {"_module": module, "_name": name, "_with": loaded_with or module}
    return _StandInCheck(name, (), {**namespace, "__module__": module})


def _stand_in_function(module: str, name: str) -> Any:
    """A stand-in for function ``name`` of ``module``: the real one, loaded when called."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return _real(module, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = module
    return call


@dataclass
class _Prepared:
    """What ``prepare_agent`` gives the run loop: the agent's bindings and its input."""

    bindings: Any
    input: Any


class _NoSandbox:
    """What openai-agents 0.24's ``SandboxRuntime`` does for a run with no sandbox config
    and no sandbox resume state: nothing but these steps."""

    enabled = False
    current_session = None

    def __init__(self, starting_agent: Any, run_state: Any) -> None:
        from agents._run_state_agent_identity import _build_agent_identity_keys_by_id

        # As the real session manager does (it raises what this raises).
        root = starting_agent
        if (
            run_state is not None
            and run_state._starting_agent is not None
            and run_state._current_agent is not None
            and run_state._starting_agent is not run_state._current_agent
        ):
            root = run_state._starting_agent
        _build_agent_identity_keys_by_id(root)

    def assert_agent_supported(self, agent: Any) -> None:
        """A ``SandboxAgent`` needs a sandbox config, which this run has not."""
        sandbox_agent = _loaded(_SANDBOX_AGENT)
        if sandbox_agent is not None and isinstance(agent, sandbox_agent.SandboxAgent):
            from agents.exceptions import UserError

            raise UserError("SandboxAgent execution requires `RunConfig(sandbox=...)`")

    async def prepare_agent(
        self, *, current_agent: Any, current_input: Any, context_wrapper: Any, **_: Any
    ) -> _Prepared:
        """The agent as it is, with its input unchanged."""
        from agents.run_internal.agent_bindings import bind_public_agent

        self.assert_agent_supported(current_agent)
        return _Prepared(bindings=bind_public_agent(current_agent), input=current_input)

    def apply_result_metadata(self, result: Any) -> None:
        """No session on the result; a streamed one's cleanup records no resume state."""
        from agents.result import RunResultStreaming

        result._sandbox_session = None
        if isinstance(result, RunResultStreaming):
            # The result held weakly: the result keeps this cleanup, and a cleanup that
            # held it was a reference cycle keeping the run (its whole input) until a
            # garbage collection. The SDK runs it while it holds the result.
            held = weakref.ref(result)

            async def _cleanup_and_store() -> None:
                run = held()
                if run is not None:
                    run._sandbox_resume_state = None
                    run._sandbox_session = None

            result._sandbox_cleanup = _cleanup_and_store

    async def enqueue_memory_result(self, *args: Any, **kwargs: Any) -> None:
        """No sandbox memory without a sandbox session."""

    async def enqueue_memory_payload(self, *args: Any, **kwargs: Any) -> None:
        """No sandbox memory without a sandbox session."""

    async def cleanup(self) -> None:
        """No sandbox state to keep."""
        return None


class _SandboxRuntime:
    """``SandboxRuntime`` as the SDK calls it: the real one when the run has a sandbox."""

    def __new__(
        cls,
        *,
        starting_agent: Any,
        run_config: Any,
        rollout_id: str | None = None,
        run_state: Any,
    ) -> Any:
        if (
            _loaded(_RUNTIME) is not None
            or getattr(run_config, "sandbox", None) is not None
            or getattr(run_state, "_sandbox", None) is not None
        ):
            real = _real(_RUNTIME, "SandboxRuntime")
            return real(
                starting_agent=starting_agent,
                run_config=run_config,
                rollout_id=rollout_id,
                run_state=run_state,
            )
        return _NoSandbox(starting_agent, run_state)

    def __class_getitem__(cls, item: object) -> type:
        # The run loop's annotation SandboxRuntime[TContext], evaluated at import.
        return cls


def _terminal_metadata_for_exception(exc: BaseException) -> Any:
    # Read only by a sandbox runtime's memory (none exists while the sandbox is unloaded).
    if _loaded(_ROLLOUTS) is None:
        return None
    return _real(_ROLLOUTS, "terminal_metadata_for_exception")(exc)


def _submodules(package: str) -> dict[str, str | None]:
    """Each submodule of ``package`` by name, as ``from . import x`` reads it."""
    spec = importlib.util.find_spec("agents")  # a top-level package: not imported
    if spec is None or spec.submodule_search_locations is None:
        return {}
    parts = package.split(".")[1:]
    folders = [os.path.join(root, *parts) for root in spec.submodule_search_locations]
    return {module.name: None for module in pkgutil.iter_modules(folders)}


def _known_agents() -> bool:
    """True when the installed openai-agents is the release read here, not imported yet."""
    try:
        return version("openai-agents") == AGENTS_VERSION and "agents" not in sys.modules
    except PackageNotFoundError:
        return False


def defer_sandbox() -> bool:
    """Serve openai-agents' sandbox as described above; False (nothing changed) for
    another openai-agents, or when it is imported already."""
    if not _known_agents() or any(m in sys.modules for m in _PACKAGES):
        return False
    for package in _PACKAGES:
        if not defer_package(package, ANY_SUBMODULE, _submodules(package)):
            return False
    served: dict[str, dict[str, object]] = {
        _RUNTIME: {"SandboxRuntime": _SandboxRuntime},
        _CAPABILITY: {"Capability": _stand_in_class(_CAPABILITY, "Capability")},
        _SESSION: {"BaseSandboxSession": _stand_in_class(_SESSION, "BaseSandboxSession")},
        _ROLLOUTS: {"terminal_metadata_for_exception": _terminal_metadata_for_exception},
    }
    return all(defer_module(name, names, (SANDBOX,)) for name, names in served.items())


def defer_mcp_compat() -> bool:
    """Serve ``agents.mcp._compat``'s names as described above; False (nothing changed)
    for another openai-agents, or when it is imported already."""
    if not _known_agents():
        return False
    served: dict[str, object] = {
        "MCPError": _stand_in_class(_MCP_COMPAT, "MCPError", loaded_with=_MCP_ERRORS),
        **{name: _stand_in_function(_MCP_COMPAT, name) for name in _MCP_HELPERS},
    }
    # The MCP client's module takes them too (and its HTTP error types): real ones,
    # as does anything once the mcp package loads.
    return defer_module(_MCP_COMPAT, served, (_MCP_CLIENT, "mcp"))


def defer_griffe() -> bool:
    """Serve griffe's two names ``agents.function_schema`` takes, as described above;
    False (nothing changed) for another openai-agents, or when griffe is imported."""
    # Where griffe 2.x defines them; another layout of griffe is left as it is (a stand-in
    # naming a missing module would fail ``import agents``).
    if not _known_agents() or any(
        _find_without_import(m) is None for m in (_GRIFFE_ENUMS, _GRIFFE_MODELS)
    ):
        return False
    served: dict[str, str | Served | None] = {
        "Docstring": Served(_stand_in_function(_GRIFFE_MODELS, "Docstring")),
        "DocstringSectionKind": _GRIFFE_ENUMS,
    }
    # Its submodules other than these two run griffe's __init__ first, as usual.
    return defer_package(GRIFFE, (_GRIFFE_INTERNAL, _GRIFFE_ENUMS), served)


# openai's release whose Responses resource imports these names (defer_response_streams).
OPENAI_VERSION = pins.OPENAI
OPENAI_STREAMS = "openai.lib.streaming.responses"
_OPENAI_STREAM_MANAGERS = OPENAI_STREAMS + "._responses"
_OPENAI_HELPERS = "openai.lib._response_resources"


def defer_response_streams() -> bool:
    """Serve openai's Responses helpers as described above; False (nothing changed) for
    another openai, or when openai is imported already."""
    try:
        known = version("openai") == OPENAI_VERSION and "openai" not in sys.modules
    except PackageNotFoundError:
        known = False
    if not known or _find_without_import(_OPENAI_HELPERS) is None:
        return False
    # The package's __init__ (the generic events) waits; its submodules load without it.
    if not defer_package(OPENAI_STREAMS, ANY_SUBMODULE):
        return False
    managers = ("ResponseStreamManager", "AsyncResponseStreamManager")
    helpers = ("parse", "stream", "async_parse", "async_stream")
    # One group: the real load of either module, or of the package, ends both.
    ends = (OPENAI_STREAMS, _OPENAI_HELPERS)
    served = {name: _stand_in_class(_OPENAI_STREAM_MANAGERS, name) for name in managers}
    functions = {name: _stand_in_function(_OPENAI_HELPERS, name) for name in helpers}
    return defer_module(_OPENAI_STREAM_MANAGERS, served, ends) and defer_module(
        _OPENAI_HELPERS, functions, ends
    )

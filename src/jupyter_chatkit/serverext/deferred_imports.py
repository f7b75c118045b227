"""Defer a package's ``__init__`` until one of its own names is used (idle memory).

``import agents`` imports ``mcp.shared.exceptions`` (for one exception class), and
importing any submodule runs the package's ``__init__`` first: ``mcp/__init__`` imports
MCP's client, its server, starlette, uvicorn, opentelemetry and cryptography, ~22 MB
resident that a Jupyter server with no MCP server configured never uses.

:func:`defer_package` puts the package in ``sys.modules`` as a module whose ``__init__``
has not run yet. The import system only reads the machinery attributes of a parent
package (``__path__``, ``__spec__``, ...) to import its submodules, so
``import mcp.shared.exceptions`` costs that submodule alone. Any other use of the
package (an attribute, ``from mcp import X``, ``vars(mcp)``, ``dir(mcp)``) runs the real
``__init__`` first, once, under a lock, and the module becomes an ordinary module: an
MCP server configured later still gets the whole package. Only the server extension
uses this, only for ``mcp``, and only when no MCP server is configured.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
import threading
from types import ModuleType
from typing import Any, cast

log = logging.getLogger("jupyter_chatkit")

# What the import system reads from a parent package while importing a submodule, and
# what repr() reads: these never run the deferred __init__.
_MACHINERY = frozenset(
    {"__name__", "__spec__", "__path__", "__loader__", "__package__", "__file__", "__class__"}
)
# One lock for every deferred package; reentrant because an __init__ may import a
# sibling that is deferred too. The thread running an __init__, by package name: its
# own attribute reads during that run (``from . import types``) go to the module as is.
_LOCK = threading.RLock()
_RUNNING: dict[str, int] = {}


class DeferredPackage(ModuleType):
    """A package whose ``__init__`` runs at the first use of a name of its own."""

    def __getattribute__(self, name: str) -> Any:
        """Run the real ``__init__`` first, except for the import machinery's reads."""
        if name not in _MACHINERY:
            own = ModuleType.__getattribute__(self, "__name__")
            if _RUNNING.get(own) != threading.get_ident():
                _run_init(self)
        return ModuleType.__getattribute__(self, name)


def _run_init(module: ModuleType) -> None:
    """Execute the package's real ``__init__`` in ``module`` (once, whichever thread asks)."""
    with _LOCK:
        if type(module) is not DeferredPackage:
            return  # another thread ran it while this one waited
        name: str = ModuleType.__getattribute__(module, "__name__")
        spec = ModuleType.__getattribute__(module, "__spec__")
        _RUNNING[name] = threading.get_ident()
        try:
            spec.loader.exec_module(module)
        except BaseException:
            # As a failed import does: the next `import` starts afresh.
            if sys.modules.get(name) is module:
                del sys.modules[name]
            raise
        finally:
            del _RUNNING[name]
            cast(Any, module).__class__ = ModuleType
    log.debug("jupyter-chatkit: package %s loaded in full on first use", name)


def defer_package(name: str) -> bool:
    """Register top-level package ``name`` with its ``__init__`` deferred.

    False (and nothing changes) when it is imported already, is not installed, or is
    not a package.
    """
    if name in sys.modules or "." in name:
        return False
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    module = importlib.util.module_from_spec(spec)
    module.__class__ = DeferredPackage
    sys.modules[name] = module
    return True


def is_deferred(name: str) -> bool:
    """True while package ``name`` is registered and its ``__init__`` has not run."""
    return type(sys.modules.get(name)) is DeferredPackage


def defer_unused_packages(mcp_servers: object) -> list[str]:
    """Defer the packages the server extension's settings leave unused; their names.

    ``mcp`` (MCP's client and server, starlette, uvicorn) when no MCP server is
    configured: openai-agents imports one of its submodules regardless.
    """
    deferred: list[str] = []
    if not mcp_servers and defer_package("mcp"):
        deferred.append("mcp")
    return deferred

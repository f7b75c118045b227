"""The kernel side: ``Chat`` widget, ``%chat`` magics, introspection, headless client.

Only this package imports IPython and anywidget. Names load lazily so that the JupyterLab
extension's silent ``introspect.tool_json`` calls stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import Answer, CodeCard
    from .widget import Chat

__all__ = ["Answer", "Chat", "CodeCard", "load_ipython_extension"]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_chatkit``: register ``%chat`` and ``%%chat``."""
    from .magics import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str) -> Any:
    if name == "Chat":
        from .widget import Chat

        return Chat
    if name in ("Answer", "CodeCard"):
        from . import client

        return getattr(client, name)
    raise AttributeError(f"module 'jupyter_chatkit.kernel' has no attribute {name!r}")

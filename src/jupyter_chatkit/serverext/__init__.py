"""The Jupyter server extension: configuration and HTTP handlers.

The app loads on first use: a kernel applies the extension's import deferrals
(:mod:`.deferred_imports`) without importing jupyter_server and tornado.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import JupyterChatKitApp

__all__ = ["JupyterChatKitApp"]


def __getattr__(name: str) -> Any:
    if name == "JupyterChatKitApp":
        from .app import JupyterChatKitApp

        return JupyterChatKitApp
    raise AttributeError(f"module 'jupyter_chatkit.serverext' has no attribute {name!r}")

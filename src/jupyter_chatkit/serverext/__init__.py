"""The Jupyter server extension: configuration and HTTP handlers."""

from .app import JupyterChatKitApp

__all__ = ["JupyterChatKitApp"]

"""The Jupyter server extension: configuration and HTTP handlers."""

from .app import JupyterChatKit

__all__ = ["JupyterChatKit"]

"""The transport-free core: ChatKit server, agent, tools, cards and model providers.

chatkit and openai-agents cost seconds to import, so the heavy names load lazily:
``from jupyter_chatkit.assistant import create_assistant`` is fine anywhere, and
``RequestContext`` and ``LOCAL_USER`` come from the cheap :mod:`jupyter_chatkit.protocol`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..protocol import LOCAL_USER, RequestContext

if TYPE_CHECKING:
    from .server import JsonResult, NotebookAssistant, StreamResult, create_assistant

__all__ = [
    "LOCAL_USER",
    "JsonResult",
    "NotebookAssistant",
    "RequestContext",
    "StreamResult",
    "create_assistant",
]

_LAZY = {"JsonResult", "NotebookAssistant", "StreamResult", "create_assistant"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module 'jupyter_chatkit.assistant' has no attribute {name!r}")

"""Client tools now live in :mod:`jupyter_chatkit.protocol`; kept so imports in flight work.

New code imports from :mod:`jupyter_chatkit.protocol`.
"""

from __future__ import annotations

from ..protocol import (
    ACTION_INSERT_AND_RUN_CELL,
    ACTION_INSERT_CELL,
    CLIENT_TOOL_NAMES,
    CLIENT_TOOLS,
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSERT_ACTIONS,
    INSPECT_KERNEL_VARIABLE,
    LIST_KERNEL_VARIABLES,
    MAX_TOOL_OUTPUT_BYTES,
    ClientToolSpec,
)
from ..protocol import schema as _schema

__all__ = [
    "ACTION_INSERT_AND_RUN_CELL",
    "ACTION_INSERT_CELL",
    "CLIENT_TOOLS",
    "CLIENT_TOOL_NAMES",
    "GET_ACTIVE_CELL",
    "GET_NOTEBOOK_CELLS",
    "INSERT_ACTIONS",
    "INSPECT_KERNEL_VARIABLE",
    "LIST_KERNEL_VARIABLES",
    "MAX_TOOL_OUTPUT_BYTES",
    "ClientToolSpec",
    "_schema",
]

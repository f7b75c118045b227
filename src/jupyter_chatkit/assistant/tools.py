"""Client tools: declared once here, run where the notebook is.

The agent sees each one as a function tool; calling it records a
:class:`chatkit.agents.ClientToolCall` and stops the run, ChatKit streams a
``client_tool_call`` item, the front end (or the in-kernel client) runs it and answers
with ``threads.add_client_tool_output``, and the agent continues with the output.

This module has no chatkit/agents imports so the kernel and the front-end schema
export can use it cheaply; :mod:`jupyter_chatkit.assistant.agent` builds the tools.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClientToolSpec:
    """One client tool: its name, what the model is told, and its JSON schema."""

    name: str
    description: str
    parameters: dict[str, Any]


def _schema(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required or [],
        "additionalProperties": False,
    }


GET_NOTEBOOK_CELLS = ClientToolSpec(
    name="get_notebook_cells",
    description=(
        "Read the cells of the user's current notebook: index, cell type, source and "
        "(bounded) outputs; errors come with the failing cell's execution count, the "
        "exception and a traceback reduced to the user's own frames. Use it before "
        "answering questions about the notebook's code or results."
    ),
    parameters=_schema(
        {
            "max_cells": {
                "type": "integer",
                "minimum": 1,
                "maximum": 200,
                "description": "At most this many cells, the ones nearest the active cell.",
            },
            "include_outputs": {
                "type": "boolean",
                "description": "Include bounded text of each cell's outputs.",
            },
        }
    ),
)

GET_ACTIVE_CELL = ClientToolSpec(
    name="get_active_cell",
    description=(
        "Read the cell the user is working on: the active cell in JupyterLab, or from an "
        "in-notebook chat the cell before the chat cell. Its source, outputs, error and "
        "selected text."
    ),
    parameters=_schema({}),
)

LIST_KERNEL_VARIABLES = ClientToolSpec(
    name="list_kernel_variables",
    description=(
        "List the variables in the user's running kernel with type, shape, dtypes or "
        "columns for arrays and DataFrames, and a short bounded preview. Many similar "
        "variables (seg_1 … seg_75) are grouped; large listings are compact."
    ),
    parameters=_schema(
        {
            "name_filter": {
                "type": "string",
                "description": "Only names containing this text (case-insensitive).",
            },
            "max_items": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "description": "At most this many variables.",
            },
        }
    ),
)

INSPECT_KERNEL_VARIABLE = ClientToolSpec(
    name="inspect_kernel_variable",
    description=(
        "Inspect one variable in the user's kernel in detail: type, shape, dtypes, "
        "columns with dtypes and null counts for DataFrames, head rows, statistics, "
        "model parameters and pipeline steps."
    ),
    parameters=_schema(
        {"name": {"type": "string", "description": "The variable's name, e.g. df."}},
        ["name"],
    ),
)

CLIENT_TOOLS: tuple[ClientToolSpec, ...] = (
    GET_NOTEBOOK_CELLS,
    GET_ACTIVE_CELL,
    LIST_KERNEL_VARIABLES,
    INSPECT_KERNEL_VARIABLE,
)
CLIENT_TOOL_NAMES: frozenset[str] = frozenset(t.name for t in CLIENT_TOOLS)

# Widget actions a code card can send; the payload is {"code": str, "position": "below"}.
ACTION_INSERT_CELL = "notebook.insert_cell"
ACTION_INSERT_AND_RUN_CELL = "notebook.insert_and_run_cell"
INSERT_ACTIONS: frozenset[str] = frozenset({ACTION_INSERT_CELL, ACTION_INSERT_AND_RUN_CELL})

# Largest tool output we accept back from a client, in bytes of JSON. What the model gets
# is cut further, to 16k characters (jupyter_chatkit.context_policy.MAX_RESULT_CHARS).
MAX_TOOL_OUTPUT_BYTES = 64_000


def schemas_json() -> str:
    """All client tool specs as JSON (for front ends that want to show or check them)."""
    return json.dumps(
        [
            {"name": t.name, "description": t.description, "parameters": t.parameters}
            for t in CLIENT_TOOLS
        ]
    )

// Generated from src/jupyter_chatkit/protocol.py: do not edit.
// Regenerate: python -m jupyter_chatkit.protocol --write
export const LOCAL_USER = "local" as const;
export const READ_CELLS = "{cells}" as const;
export const OMITTED_CELLS_NOTE = "Not shown: {cells}. To read them, ask again with around=<index> (the 0-based index of a cell to centre on) and include_outputs=false." as const;
export const CLIENT_TOOLS = [
  {
    "name": "get_notebook_cells",
    "description": "Read the cells of the user's current notebook: index, cell type, source and (bounded) outputs; errors come with the failing cell's execution count, the exception and a traceback reduced to the user's own frames. Use it before answering questions about the notebook's code or results.",
    "parameters": {
      "type": "object",
      "properties": {
        "max_cells": {
          "type": "integer",
          "minimum": 1,
          "maximum": 200,
          "description": "At most this many cells, the ones nearest the active cell (or the cell named by around)."
        },
        "around": {
          "type": "integer",
          "minimum": 0,
          "description": "Centre on the cell with this 0-based index (a cell's index in this tool's answer) instead of the active cell, to read far-off cells. Cells read from the kernel's execution history have no index: there it is an execution_count, and the answer centres on that run."
        },
        "include_outputs": {
          "type": "boolean",
          "description": "Include bounded text of each cell's outputs."
        }
      },
      "required": [],
      "additionalProperties": false
    },
    "runs_in": "notebook",
    "label": "Reading the notebook cells…",
    "done_label": "Read the notebook cells",
    "failed_label": "Failed to read the notebook cells",
    "read_label": "{cells}",
    "subject_arg": "",
    "subject_default": ""
  },
  {
    "name": "get_active_cell",
    "description": "Read the cell the user is working on: the active cell in JupyterLab, or from an in-notebook chat the cell before the chat cell. Its source, outputs, error and selected text.",
    "parameters": {
      "type": "object",
      "properties": {},
      "required": [],
      "additionalProperties": false
    },
    "runs_in": "notebook",
    "label": "Reading the active cell…",
    "done_label": "Read the active cell",
    "failed_label": "Failed to read the active cell",
    "read_label": "{cells}",
    "subject_arg": "",
    "subject_default": ""
  },
  {
    "name": "list_kernel_variables",
    "description": "List the variables in the user's running kernel with type, shape, dtypes or columns for arrays and DataFrames, and a short bounded preview. Many similar variables (seg_1 … seg_75) are grouped; large listings are compact.",
    "parameters": {
      "type": "object",
      "properties": {
        "name_filter": {
          "type": "string",
          "description": "Only names containing this text (case-insensitive)."
        },
        "max_items": {
          "type": "integer",
          "minimum": 1,
          "maximum": 500,
          "description": "At most this many variables."
        }
      },
      "required": [],
      "additionalProperties": false
    },
    "runs_in": "kernel",
    "label": "Reading kernel variables…",
    "done_label": "Read the kernel variables",
    "failed_label": "Failed to read the kernel variables",
    "read_label": "variables",
    "subject_arg": "",
    "subject_default": ""
  },
  {
    "name": "inspect_kernel_variable",
    "description": "Inspect one variable in the user's kernel in detail: type, shape, dtypes, columns with dtypes and null counts for DataFrames, head rows, statistics, model parameters and pipeline steps.",
    "parameters": {
      "type": "object",
      "properties": {
        "name": {
          "type": "string",
          "description": "The variable's name, e.g. df."
        }
      },
      "required": [
        "name"
      ],
      "additionalProperties": false
    },
    "runs_in": "kernel",
    "label": "Inspecting {subject}…",
    "done_label": "Inspected {subject}",
    "failed_label": "Failed to inspect {subject}",
    "read_label": "{subject}",
    "subject_arg": "name",
    "subject_default": "a variable"
  }
] as const;
export const AGENT_TOOLS = [
  {
    "name": "insert_cell",
    "description": "Agent mode: insert a new cell into the user's notebook. The user approves or skips it first. Returns the new cell's index, or that the user skipped it.",
    "parameters": {
      "type": "object",
      "properties": {
        "source": {
          "type": "string",
          "description": "The complete cell source."
        },
        "cell_type": {
          "type": "string",
          "enum": [
            "code",
            "markdown"
          ],
          "description": "code (default) or markdown."
        },
        "after": {
          "type": "integer",
          "minimum": -1,
          "description": "Insert after the cell with this 0-based index (-1: at the top). Default: after the active cell."
        }
      },
      "required": [
        "source"
      ],
      "additionalProperties": false
    },
    "runs_in": "notebook",
    "label": "Insert a cell",
    "done_label": "Inserted a cell",
    "failed_label": "Failed to insert a cell",
    "read_label": "",
    "subject_arg": "",
    "subject_default": ""
  },
  {
    "name": "edit_cell",
    "description": "Agent mode: replace the source of cell `index` (0-based) with `new_source`. The user sees the diff and approves or skips it first.",
    "parameters": {
      "type": "object",
      "properties": {
        "index": {
          "type": "integer",
          "minimum": 0,
          "description": "0-based cell index."
        },
        "new_source": {
          "type": "string",
          "description": "The cell's complete new source."
        }
      },
      "required": [
        "index",
        "new_source"
      ],
      "additionalProperties": false
    },
    "runs_in": "notebook",
    "label": "Edit a cell",
    "done_label": "Edited a cell",
    "failed_label": "Failed to edit a cell",
    "read_label": "",
    "subject_arg": "",
    "subject_default": ""
  },
  {
    "name": "run_cell",
    "description": "Agent mode: run code cell `index` (0-based) in the user's kernel after the user approves, and return its outputs and error (bounded, traceback reduced).",
    "parameters": {
      "type": "object",
      "properties": {
        "index": {
          "type": "integer",
          "minimum": 0,
          "description": "0-based cell index."
        }
      },
      "required": [
        "index"
      ],
      "additionalProperties": false
    },
    "runs_in": "notebook",
    "label": "Run a cell",
    "done_label": "Ran a cell",
    "failed_label": "Failed to run a cell",
    "read_label": "",
    "subject_arg": "",
    "subject_default": ""
  }
] as const;
export const MAX_TOOL_OUTPUT_BYTES = 64000 as const;
export const MCP_TOOL_PREFIX = "mcp__" as const;
export const STEP_UNDO_KEY = "undo" as const;
export const MAX_UNDO_SOURCE_CHARS = 20000 as const;
export const STEP_UNDONE_KEY = "undone" as const;
export const STEP_STATUS = {
  "APPROVED": "approved",
  "APPLIED": "applied",
  "OK": "ok",
  "ERROR": "error",
  "SKIPPED": "skipped",
  "STOPPED": "stopped",
  "DONE": "done",
  "FAILED": "failed",
  "DECLINED": "declined",
  "NOT_RUN": "not_run",
  "UNKNOWN": "unknown"
} as const;
export const ACTION = {
  "INSERT_CELL": "notebook.insert_cell",
  "INSERT_AND_RUN_CELL": "notebook.insert_and_run_cell",
  "COPY_CODE": "code.copy",
  "EDIT_MESSAGE": "message.edit",
  "UNDO_AGENT_STEPS": "agent.undo"
} as const;
export const INSERT_ACTIONS = [
  "notebook.insert_and_run_cell",
  "notebook.insert_cell"
] as const;
export const COMM = {
  "REQUEST": "chatkit.request",
  "CANCEL": "chatkit.cancel",
  "ANSWER": "chat.answer",
  "CHUNK": "chatkit.chunk",
  "END": "chatkit.end",
  "ERROR": "chatkit.error",
  "THREAD_EVENT": "thread.event",
  "CONFIG": "chat.config",
  "RUN_TOOL": "run_tool"
} as const;
export const CHAT_VIEW_MIME = "application/vnd.jupyter-chatkit.chat-view+json" as const;
export const TURN = {
  "STOP": "turn.stop",
  "WATCH": "turn.watch",
  "STEP_STARTED": "turn.step_started",
  "CHANGES": "turn.changes",
  "WARM": "turn.warm"
} as const;
export const STEP_STARTED_KEY = "step_started" as const;
export const TURN_FAILURE_KEY = "turn_failure" as const;
export const EARLIER_FAILURES_KEY = "earlier_turn_failures" as const;
export const TURN_NOTICES_KEY = "turn_notices" as const;
export const REPLACE_CELL_LABEL = "Replace cell" as const;
export const ERROR_CODE = {
  "INVALID_REQUEST": "invalid_request",
  "NOT_FOUND": "not_found",
  "UNAVAILABLE": "unavailable",
  "FORBIDDEN": "forbidden",
  "INTERNAL": "internal_error"
} as const;

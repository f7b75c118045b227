"""The built-in offline model: a deterministic demo of the tools, no network.

Used when no LLM is configured. It says so once per thread, with how to configure a
provider, and shows what the tools do: a keyword in the question picks one tool call
(kernel variables, notebook cells, a code card through ``propose_code``), and whatever
the tool returned is shown as a compact bullet list of its JSON. It never writes code
for a request: one starter template, standard library only (a plain install has no
pandas).

Asked about an error ("Fix this error" under a traceback, "why does this fail?"), it
reads the error (from the message's context, else the notebook's cells), names the
exception and the failing line and, where the fix follows from what it read (a near-miss
name among the kernel's variables, a DataFrame column, a package to install…), shows
the corrected code as a card; otherwise it says that a fix needs a configured model
(offline_fix.py). Each tool is called at most once a turn: the turn always ends.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any, cast, get_args

from agents.items import ModelResponse, TResponseStreamEvent
from agents.models.interface import Model
from agents.usage import Usage
from openai.types.responses import (
    Response,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseStreamEvent,
)

from .. import parse_json
from ..context_policy import UNTRUSTED_NOTE
from ..protocol import (
    AGENT_TOOL_NAMES,
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSPECT_KERNEL_VARIABLE,
)
from ..protocol import LIST_KERNEL_VARIABLES as LIST_VARIABLES
from ..settings import ENV_API_KEY, ENV_BASE_URL, ENV_MODEL
from .agent import PROPOSE_CODE, TITLE_INSTRUCTIONS
from .cards import card_buttons
from .offline_fix import (
    FoundError,
    diagnose,
    find_errors,
    key_owner,
    known_names,
    needs_names,
    suggest_fix,
)

__all__ = ["AGENT_NEEDS_MODEL", "OFFLINE_MODEL_NAME", "SETUP_HINT", "OfflineModel", "render_json"]

OFFLINE_MODEL_NAME = "offline"

SETUP_HINT = (
    "_This is the offline demo model: no LLM is configured. For real answers set "
    f"`{ENV_API_KEY}` (OpenAI), or `{ENV_BASE_URL}` and `{ENV_MODEL}` (Ollama, vLLM, "
    "LM Studio, Gemini), then restart Jupyter (README: “Choosing a model”)._"
)
HELP = (
    "I can show what the assistant's tools see. Try “what variables do I have?”, "
    "“describe `df`”, “what's wrong in my notebook?” or “write code to plot my data”."
)
# Its own names, never `df`: Insert & run in a notebook must not replace the person's
# data. The standard library only: a plain `pip install` of this package has no pandas.
CODE_TEMPLATE = (
    "import statistics\n\n"
    'example = {"x": [1, 2, 3, 4], "y": [2.0, 3.9, 6.1, 8.0]}\n'
    'example_fit = statistics.linear_regression(example["x"], example["y"])\n'
    "print(f\"mean y: {statistics.mean(example['y']):.2f}, slope: {example_fit.slope:.2f}\")"
)
NO_FIX = (
    "Working out a fix for this needs a language model: offline, I only correct common "
    "slips (a misspelt name or column, a missing import or package, a division by zero)."
)


def card_shown() -> str:
    """The note after a card, naming its buttons: read from the card itself and from what
    the turn's front end adds (cards.py); a list written here went stale when buttons came."""
    return (
        f"Use the buttons of the code card above ({', '.join(card_buttons())}); "
        "nothing runs until you click."
    )


# Agent mode asked to act (add, edit or run cells): the offline model proposes no step.
AGENT_NEEDS_MODEL = (
    "Agent steps (adding, editing or running cells) need a configured model: the offline "
    "model proposes none. Switch to Ask to see what it can read, or configure a provider."
)
NO_ERROR = "I found no error output in what I read. Run the failing cell, then ask again."


def _no_error(read: list[Any]) -> str:
    """NO_ERROR, or, when cells were kept out (chatkit-private), which: the error may be
    in one of them, and running it again would not show it to the assistant."""
    kept = sorted({i + 1 for i in _kept_out_indices(read)})
    if not kept:
        return NO_ERROR
    named = f"cell {kept[0]}" if len(kept) == 1 else "cells " + ", ".join(map(str, kept))
    return (
        f"I found no error output in what I read. You kept {named} out of what the "
        "assistant reads: if the error is there, I cannot see it."
    )


def _named_cell(question: str) -> int | None:
    """The one cell a question names ("why does cell 3 fail?", "@cell 3"), 1-based."""
    named = {int(n) for n in _CELL_NUMBER.findall(question)}
    return named.pop() if len(named) == 1 else None


def _no_error_in(cell: int, read: list[Any]) -> str:
    """What is said when the cell asked about holds no error read (kept out: it is not
    read at all), rather than another cell's error."""
    if cell - 1 in _kept_out_indices(read):
        return (
            f"You kept cell {cell} out of what the assistant reads: I cannot see it or its "
            "error. To ask about it, choose Let the Assistant Read on it first."
        )
    return _no_error(read)


def _kept_out_indices(value: Any) -> list[int]:
    """The 0-based indices of the cells marked ``kept_out`` in tool results."""
    if isinstance(value, list):
        return [i for v in value for i in _kept_out_indices(v)]
    if not isinstance(value, dict):
        return []
    index = value.get("index")
    if "kept_out" in value and isinstance(index, int) and not isinstance(index, bool):
        return [index]
    return [i for v in value.values() for i in _kept_out_indices(v)]


_TEMPLATE_NOTE = (
    "A starter template: the offline model doesn't write code for your request. "
    "Configure a provider for that."
)


# Keyword -> tool, first match wins; a named variable (`df`, "describe df") is inspected.
_INTENTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern, re.IGNORECASE), tool)
    for pattern, tool in (
        (r"\b(this|active|selected|current) (cell|code)|\bselection\b", GET_ACTIVE_CELL.name),
        (r"\b(errors?|traceback|exception|wrong|fail|fix)", GET_NOTEBOOK_CELLS.name),
        (r"\b(code|plot|chart|snippet|script|function)\b|\bhow (do|can) i\b", PROPOSE_CODE.name),
        (r"\b(cells?|notebook)\b", GET_NOTEBOOK_CELLS.name),
        (r"\b(variables?|data|dataframes?|columns?|kernel|loaded|defined)\b", LIST_VARIABLES.name),
    )
]
_NAMED = re.compile(
    r"`([A-Za-z_]\w*)`"
    r"|\b(?:describe|inspect|summari[sz]e|show(?: me)?|look at|what(?:'s| is) in(?:side)?)"
    r"\s+([A-Za-z_]\w*)",
    re.IGNORECASE,
)
# Words after "what is in" / "show me" that name no variable ("show me the data").
_NOT_NAMES = frozenset(
    {"a", "an", "the", "my", "our", "your", "this", "that", "it", "me", "here", "there"}
    | {"cell", "cells", "notebook", "kernel", "memory", "all", "some", "how", "what", "which"}
)

_MAX_ITEMS, _MAX_DEPTH, _MAX_CHARS = 12, 3, 160
_CHUNK_CHARS = 24


def plan(system_instructions: str | None, input: str | list[Any], tools: set[str]) -> list[Any]:
    """The offline model's output items (a message and/or one tool call) for this input."""
    items = [{"role": "user", "content": input}] if isinstance(input, str) else list(input)
    items = [_as_dict(i) for i in items]
    if system_instructions == TITLE_INSTRUCTIONS:
        # A local title: the first words of the first message (a placeholder left by the
        # context policy is one word, kept whole).
        from .titles import first_words

        words = _text(items[0].get("content"))
        return [_message(first_words(words) if words.strip() else "New chat")]
    # The thread's first answer: nothing said before the question (a turn may speak
    # before its last step, e.g. an error's diagnosis before its card).
    asked = max((n for n, i in enumerate(items) if i.get("role") == "user"), default=0)
    first_answer = not any(i.get("role") == "assistant" for i in items[:asked])
    hint = f"\n\n{SETUP_HINT}" if first_answer else ""
    last = items[-1] if items else {}
    fix = _fix_plan(items, tools, hint)
    if fix is not None:
        return fix
    if last.get("type") == "function_call_output":
        # A tool answered: show what it returned, never call again (no loops).
        return [_message(_describe_output(items, last) + hint)]
    question = _question(items)
    if tools & AGENT_TOOL_NAMES and _ACTION.search(question):
        # Agent mode asked for a step: say that steps need a model (and how to get one),
        # rather than show the notebook's cells as if that were the step.
        return [_message(AGENT_NEEDS_MODEL + hint)]
    name = next((a or b for a, b in _NAMED.findall(question) if (a or b) not in _NOT_NAMES), "")
    if name:
        tool, args = INSPECT_KERNEL_VARIABLE.name, {"name": name}
    else:
        tool = next((t for pattern, t in _INTENTS if pattern.search(question)), "")
        args = {}
    if tool == PROPOSE_CODE.name:
        args = {"code": CODE_TEMPLATE, "title": "Starter snippet", "explanation": _TEMPLATE_NOTE}
        if tool not in tools:
            return [_message(f"{_TEMPLATE_NOTE}\n\n```python\n{CODE_TEMPLATE}\n```{hint}")]
    if tool in tools:
        return [_function_call(tool, args)]
    unavailable = f"The `{tool}` tool isn't available here. " if tool else ""
    return [_message(unavailable + HELP + hint)]


# A request to act on the notebook (Agent mode's steps), not to read it: a question that
# starts with the verb ("add a cell…", "please run cell 2", "can you fix…"); "what is
# in df after I run cell 2?" is a question to read.
_ACTION = re.compile(
    r"^\W*(?:(?:please|now|then|ok(?:ay)?|(?:can|could|would|will) you)\W+)*"
    r"(add|insert|append|create|make|write|edit|change|modify|update|replace|delete"
    r"|remove|run|execute|rename|refactor|clean)\b",
    re.IGNORECASE,
)

_FIX_WORDS = re.compile(
    r"\b(errors?|traceback|exception|wrong|fail|fix|crash|broken)", re.IGNORECASE
)
_THIS_CELL = _INTENTS[0][0]
# A cell named by its number (1-based, as the sidebar names cells): "cell 3", "@cell 3".
_CELL_NUMBER = re.compile(r"\bcell\s*#?\s*([0-9]{1,6})\b", re.IGNORECASE)


def _fix_plan(items: list[Mapping[str, Any]], tools: set[str], hint: str) -> list[Any] | None:
    """The next step of a question about an error (see the module docs); None: not one."""
    asked = max((n for n, i in enumerate(items) if i.get("role") == "user"), default=-1)
    if asked < 0:
        return None
    group = max((n + 1 for n, i in enumerate(items[:asked]) if i.get("role") != "user"), default=0)
    question = _text(items[asked].get("content"))
    if not _FIX_WORDS.search(question):
        return None
    turn = items[asked + 1 :]
    called = {str(i.get("name")) for i in turn if i.get("type") == "function_call"}
    if PROPOSE_CODE.name in called and turn[-1].get("type") == "function_call_output":
        return [_message(_describe_output(items, turn[-1]) + hint)]  # the card is shown
    read = [_decode_parts(i.get("content")) for i in items[group : asked + 1]]
    read += [_decode(i.get("output")) for i in turn if i.get("type") == "function_call_output"]
    errors = [e for value in read for e in find_errors(value)]
    # Asked about one cell: its error only, never another cell's (one kept out is not read).
    cell = _named_cell(question)
    if cell is not None:
        # (Cells read from the kernel's history, with no place in a notebook, go by
        # their execution count.)
        by_count = not any(e.where.startswith("cell ") for e in errors)
        names = {f"cell {cell}", f"In [{cell}]"} if by_count else {f"cell {cell}"}
        errors = [e for e in errors if e.where in names]
        if not errors and cell - 1 in _kept_out_indices(read):
            return [_message(_no_error_in(cell, read) + hint)]
    if not errors:
        this_cell = cell is None and _THIS_CELL.search(question)
        reader = GET_ACTIVE_CELL.name if this_cell else GET_NOTEBOOK_CELLS.name
        if not called and reader in tools:
            return [_function_call(reader, {})]
        if called and turn and turn[-1].get("type") == "function_call_output":
            if cell is not None:
                # Not what was read: it shows the other cells' errors.
                return [_message(_no_error_in(cell, read) + hint)]
            return [_message(f"{_no_error(read)}\n\n{_describe_output(items, turn[-1])}{hint}")]
        if cell is not None:
            return [_message(_no_error_in(cell, read) + hint)]
        return None
    error = errors[0]
    if needs_names(error) and LIST_VARIABLES.name in tools and LIST_VARIABLES.name not in called:
        return [_function_call(LIST_VARIABLES.name, {})]
    # A mapping's key missed, and the list's preview showed too few keys to name the
    # near one: its description shows more.
    owner = key_owner(error)
    known = known_names(read)
    inspect = INSPECT_KERNEL_VARIABLE.name
    ready = inspect not in tools or inspect in called or owner not in known.keys
    if not ready and suggest_fix(error, known) is None:
        return [_function_call(inspect, {"name": owner})]
    return _fix_answer(error, read, tools, hint)


def _fix_answer(error: FoundError, read: list[Any], tools: set[str], hint: str) -> list[Any]:
    """The diagnosis, and the corrected code as a card when one follows from ``read``."""
    known = known_names(read)
    fix = suggest_fix(error, known)
    text = diagnose(error)
    if fix is None:
        return [_message(f"{text}\n\n{NO_FIX}{hint}")]
    text = f"{text}\n\n{fix.why}"
    if PROPOSE_CODE.name not in tools:
        return [_message(f"{text}\n\n```python\n{fix.code}\n```{hint}")]
    # The why is said once, above the card; the setup hint, if owed, closes the turn.
    card = {"code": fix.code, "title": fix.title}
    return [_message(text), _function_call(PROPOSE_CODE.name, card)]


def _decode_parts(content: Any) -> list[Any]:
    """The JSON values in a message's text parts (context: chips, @-mentions)."""
    parts = [content] if isinstance(content, str) else content if isinstance(content, list) else []
    values: list[Any] = []
    for part in parts:
        text = part if isinstance(part, str) else str(_as_dict(part).get("text", ""))
        start = text.find("{")
        if start < 0:
            continue
        try:
            values.append(json.JSONDecoder().raw_decode(text, start)[0])
        except ValueError:
            continue
    return values


def _question(items: list[Mapping[str, Any]]) -> str:
    """What the person typed: the last user message after the model last spoke.

    The context of a message (chips, quotes, @-mentions) comes as user messages
    before it (assistant/model_input.py).
    """
    start = max((n + 1 for n, i in enumerate(items) if i.get("role") != "user"), default=0)
    return next((_text(i.get("content")) for i in reversed(items[start:])), "")


def _describe_output(items: list[Mapping[str, Any]], output: Mapping[str, Any]) -> str:
    call_id = output.get("call_id")
    call = next(
        (i for i in items if i.get("type") == "function_call" and i.get("call_id") == call_id), {}
    )
    tool = str(call.get("name") or "tool")
    value = _decode(output.get("output"))
    if isinstance(value, dict) and value.get("untrusted_data") == UNTRUSTED_NOTE:
        # The context policy's frame speaks to the model, not to the person reading this;
        # so does its count of values hidden, when it is none.
        value = {
            k: v
            for k, v in value.items()
            if k != "untrusted_data" and not (k == "redacted" and v == 0)
        }
    if tool == PROPOSE_CODE.name and not str(value).startswith("Error"):
        return card_shown()
    return f"`{tool}` returned:\n\n" + "\n".join(render_json(value))


def render_json(value: Any, depth: int = 0) -> list[str]:
    """A compact Markdown bullet list of any JSON value (bounded in items, depth, length)."""
    pad = "  " * depth
    if not isinstance(value, dict | list):
        return [f"{pad}- {_scalar(value)}"]
    pairs = (
        [(f"**{k}**: ", v) for k, v in value.items()]
        if isinstance(value, dict)
        else [("", v) for v in value]
    )
    if not pairs:
        return [f"{pad}- (empty)"]
    lines: list[str] = []
    for label, item in pairs[:_MAX_ITEMS]:
        if isinstance(item, dict | list) and item and not _flat(item) and depth < _MAX_DEPTH:
            nested = render_json(item, depth + 1)
            if label or not isinstance(item, dict):
                lines += [f"{pad}- {label}".rstrip(), *nested]
            else:  # an object in a list: its first field on the bullet, the rest below
                lines += [f"{pad}- {nested[0].lstrip()[2:]}", *nested[1:]]
        else:
            lines.append(f"{pad}- {label}{_scalar(item)}")
    if len(pairs) > _MAX_ITEMS:
        lines.append(f"{pad}- … and {len(pairs) - _MAX_ITEMS} more")
    return lines


def _flat(value: dict[str, Any] | list[Any]) -> bool:
    """Short containers of scalars fit on one line."""
    values = list(value.values()) if isinstance(value, dict) else value
    return len(values) <= 8 and not any(isinstance(v, dict | list) for v in values)


def _scalar(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) or "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]" if _flat(value) else "[…]"
    if not isinstance(value, str):
        return json.dumps(value)
    text = value.strip().replace("\n", " ⏎ ")
    text = text if len(text) <= _MAX_CHARS else text[: _MAX_CHARS - 1] + "…"
    if not text:
        return '""'
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _as_dict(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        return item
    dump = getattr(item, "model_dump", None)
    return dump() if callable(dump) else {}


def _text(content: Any) -> str:
    """The first text part of a message's content (later parts are attachments)."""
    if isinstance(content, str):
        return content.strip()
    parts = [_as_dict(p) for p in content] if isinstance(content, list) else []
    return next((str(p.get("text", "")).strip() for p in parts if "text" in p), "")


def _decode(raw: Any) -> Any:
    """Tool output as data: ChatKit JSON-encodes outputs, and clients may encode them again."""
    value = _text(raw) if isinstance(raw, list) else raw
    for _ in range(3):
        if not isinstance(value, str):
            break
        try:
            value = parse_json.loads(value)
        except ValueError:
            break
    return value


# --- output items and Responses-API stream events ------------------------------------


def _new_id(prefix: str) -> str:
    # Unique ids matter: ChatKit reuses message ids as thread item ids.
    return f"{prefix}_{uuid.uuid4().hex}"


def _message(text: str) -> ResponseOutputMessage:
    part = ResponseOutputText(type="output_text", text=text, annotations=[], logprobs=[])
    return ResponseOutputMessage(
        id=_new_id("msg"), type="message", role="assistant", status="completed", content=[part]
    )


def _function_call(name: str, arguments: dict[str, Any]) -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        id=_new_id("fc"),
        call_id=_new_id("call"),
        type="function_call",
        name=name,
        arguments=json.dumps(arguments),
        status="completed",
    )


def _response(response_id: str, output: list[Any], done: bool) -> Response:
    return Response(
        id=response_id,
        object="response",
        created_at=time.time(),
        model=OFFLINE_MODEL_NAME,
        status="completed" if done else "in_progress",
        output=output,
        tool_choice="auto",
        tools=[],
        top_p=None,
        parallel_tool_calls=False,
    )


def _chunks(text: str) -> list[str]:
    """Small pieces, so the answer is seen arriving as from a real model."""
    return [text[i : i + _CHUNK_CHARS] for i in range(0, len(text), _CHUNK_CHARS)]


# Each Responses-API stream event class by its ``type``, to build events from dicts.
_EVENT_TYPES: dict[str, Any] = {
    get_args(cls.model_fields["type"].annotation)[0]: cls
    for cls in get_args(get_args(ResponseStreamEvent)[0])
}


def _events(output: list[Any]) -> list[TResponseStreamEvent]:
    """The Responses-API event sequence that streams ``output``, numbered in order."""
    response_id = _new_id("resp")
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": _response(response_id, [], False)},
        {"type": "response.in_progress", "response": _response(response_id, [], False)},
    ]
    for index, item in enumerate(output):
        where = {"item_id": item.id, "output_index": index}
        if isinstance(item, ResponseOutputMessage):
            part = item.content[0]
            text = part.text if isinstance(part, ResponseOutputText) else ""
            at = {**where, "content_index": 0}
            added = item.model_copy(update={"content": [], "status": "in_progress"})
            events += [
                {"type": "response.output_item.added", "output_index": index, "item": added},
                {
                    "type": "response.content_part.added",
                    "part": part.model_copy(update={"text": ""}),
                    **at,
                },
                *(
                    {"type": "response.output_text.delta", "delta": d, "logprobs": [], **at}
                    for d in _chunks(text)
                ),
                {"type": "response.output_text.done", "text": text, "logprobs": [], **at},
                {"type": "response.content_part.done", "part": part, **at},
            ]
        else:
            added = item.model_copy(update={"arguments": "", "status": "in_progress"})
            events += [
                {"type": "response.output_item.added", "output_index": index, "item": added},
                *(
                    {"type": "response.function_call_arguments.delta", "delta": d, **where}
                    for d in _chunks(item.arguments)
                ),
                {
                    "type": "response.function_call_arguments.done",
                    "arguments": item.arguments,
                    "name": item.name,
                    **where,
                },
            ]
        events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    events.append({"type": "response.completed", "response": _response(response_id, output, True)})
    return [
        cast(
            TResponseStreamEvent,
            _EVENT_TYPES[e["type"]].model_validate({**e, "sequence_number": n}),
        )
        for n, e in enumerate(events)
    ]


class OfflineModel(Model):
    """A deterministic ``agents`` model that needs no network and no configuration."""

    # The SDK's full signatures, shortened: only the instructions, input and tools matter.
    async def get_response(
        self,
        system_instructions: str | None,
        input: Any,
        model_settings: Any,
        tools: Any,
        *args: Any,
        **kwargs: Any,
    ) -> ModelResponse:
        """Answer in one piece."""
        output = plan(system_instructions, input, {t.name for t in tools})
        return ModelResponse(output=output, usage=Usage(requests=1), response_id=_new_id("resp"))

    async def stream_response(
        self,
        system_instructions: str | None,
        input: Any,
        model_settings: Any,
        tools: Any,
        *args: Any,
        **kwargs: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """Answer as Responses-API stream events, text in small deltas."""
        for event in _events(plan(system_instructions, input, {t.name for t in tools})):
            yield event
            # Let the consumer (and cancellation) in between deltas, like a real stream.
            await asyncio.sleep(0)

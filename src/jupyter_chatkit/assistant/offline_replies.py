"""What the offline model says: a deterministic reading of the conversation.

:func:`plan_reply` looks at the last user message and at tool outputs that arrived
after it, and decides on one step: call a tool, or answer in markdown. Pure functions
over Responses-API input items (plain dicts), no SDK imports, so it is cheap to test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..settings import ENV_API, ENV_API_KEY, ENV_BASE_URL, ENV_MODEL
from .offline_summaries import (
    PROPOSE_CODE,
    Column,
    columns,
    error_of,
    is_frame,
    is_numeric,
    summarise,
    type_of,
    unwrap,
    variable_rows,
)
from .tools import (
    GET_ACTIVE_CELL,
    GET_NOTEBOOK_CELLS,
    INSPECT_KERNEL_VARIABLE,
    LIST_KERNEL_VARIABLES,
)

# The title agent's instructions contain this marker; the offline model then answers
# with a short thread title instead of a reply.
TITLE_MARKER = "[[title]]"

SETUP_HINT = (
    "_No LLM is configured, so this is the built-in offline assistant. To use a real "
    f"model, set `{ENV_API_KEY}` (OpenAI), or `{ENV_BASE_URL}` with "
    f"`{ENV_API}=chat_completions` and `{ENV_MODEL}` (Ollama, vLLM, LM Studio, Gemini), "
    "then restart Jupyter._"
)


@dataclass(frozen=True)
class ToolCall:
    """A tool the offline model decided to call, with its JSON arguments."""

    name: str
    arguments: dict[str, Any]


@dataclass(frozen=True)
class OfflineReply:
    """One model step: markdown text, a tool call, or (rarely) both."""

    text: str = ""
    tool_call: ToolCall | None = None


def plan_reply(
    system_instructions: str | None,
    input: str | Sequence[Any],
    tool_names: Iterable[str],
) -> OfflineReply:
    """Decide the offline model's next step for this conversation."""
    convo = _read(input)
    if TITLE_MARKER in (system_instructions or ""):
        return OfflineReply(text=_title(convo.user_texts[0] if convo.user_texts else ""))
    if convo.fresh_results:
        # A tool answered since the user last spoke: summarise it, never call again, so
        # the offline model cannot loop.
        last = convo.fresh_results[-1]
        return OfflineReply(text=_with_hint(summarise(last.name, last.arguments, last.output)))
    return _answer_question(convo, frozenset(tool_names))


# --- reading the conversation --------------------------------------------------------


@dataclass(frozen=True)
class _ToolResult:
    name: str
    arguments: dict[str, Any]
    output: Any


@dataclass
class _Conversation:
    user_texts: list[str] = field(default_factory=list)
    results: list[_ToolResult] = field(default_factory=list)
    # Tool results that arrived after the last user message.
    fresh_results: list[_ToolResult] = field(default_factory=list)

    @property
    def question(self) -> str:
        return self.user_texts[-1] if self.user_texts else ""


# ChatKit renders hidden context, widgets, quotes and tasks as user messages; they are
# not what the person typed.
_SYNTHETIC_PREFIXES = (
    "Hidden context for the agent",
    "The following graphical UI widget",
    "The user is referring to this in particular",
    "A message was displayed to the user",
    "A structured input request was displayed",
    "The following image was generated",
    "# User-provided context for @-mentions",
    "You showed the user a code card",
)


def _read(input: str | Sequence[Any]) -> _Conversation:
    items: Sequence[Any] = [{"role": "user", "content": input}] if isinstance(input, str) else input
    convo = _Conversation()
    calls: dict[str, tuple[str, dict[str, Any]]] = {}
    for raw in items:
        item = _as_dict(raw)
        kind, role = item.get("type"), item.get("role")
        if kind == "function_call":
            calls[str(item.get("call_id", ""))] = (
                str(item.get("name", "")),
                _as_arguments(item.get("arguments")),
            )
        elif kind == "function_call_output":
            name, arguments = calls.get(str(item.get("call_id", "")), ("", {}))
            result = _ToolResult(name, arguments, _decode(item.get("output")))
            convo.results.append(result)
            convo.fresh_results.append(result)
        elif role == "user" and kind in (None, "message"):
            # The first text part is what the person typed; later ones are attachments.
            text = _text_of(item.get("content"), first_only=True).strip()
            if text and not text.startswith(_SYNTHETIC_PREFIXES):
                convo.user_texts.append(text)
                convo.fresh_results = []
    return convo


def _as_dict(item: Any) -> Mapping[str, Any]:
    if isinstance(item, Mapping):
        return item
    dump = getattr(item, "model_dump", None)
    return dump() if callable(dump) else {}


def _text_of(content: Any, first_only: bool = False) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = [
        str(part.get("text", ""))
        for part in map(_as_dict, content)
        if part.get("type") in ("input_text", "output_text", "text")
    ]
    return texts[0] if first_only and texts else "".join(texts)


def _as_arguments(raw: Any) -> dict[str, Any]:
    value = _decode(raw)
    return value if isinstance(value, dict) else {}


def _decode(raw: Any) -> Any:
    """Tool output as data: ChatKit JSON-encodes outputs, clients may encode them again."""
    value = raw
    if isinstance(value, list) and all(isinstance(p, Mapping) for p in value):
        value = _text_of(value)
    for _ in range(3):
        if not isinstance(value, str):
            break
        try:
            value = json.loads(value)
        except ValueError:
            break
    return value


# --- answering a question ------------------------------------------------------------

_WORDS = re.IGNORECASE
_CODE_RE = re.compile(
    r"\b(write|generate|give me|show me|need|want)\b.{0,20}\b(code|function|snippet|script"
    r"|loop|class)\b|\bcode (to|for|that)\b|\bplot|\bchart|\bgraph|\bhistogram|\bscatter"
    r"|\bvisuali[sz]|\bsnippet\b|\bexample code\b|\bread (a |the )?csv\b|\bload (a |the )?csv\b",
    _WORDS,
)
_HOW_RE = re.compile(r"\bhow (do|can|could|would|should) (i|we|you)\b|\bhow to\b", _WORDS)
_ERROR_RE = re.compile(
    r"\berrors?\b|\btraceback\b|\bexception\b|\bfail|\bbug\b|\bbroken\b|\bcrash"
    r"|\bwrong\b|\bfix\b|\bnot work|\bdoesn'?t work",
    _WORDS,
)
_ACTIVE_CELL_RE = re.compile(
    r"\b(this|current|active|selected|my) cell\b|\bthis code\b|\bselected code\b|\bselection\b",
    _WORDS,
)
_NOTEBOOK_RE = re.compile(r"\bnotebook\b|\bcells\b|\bmy code\b", _WORDS)
_VARIABLES_RE = re.compile(
    r"\bvariables?\b|\bwhat do i have\b|\bdata ?frames?\b|\bdatasets?\b|\bmy data\b"
    r"|\bwhat data\b|\bin (my |the )?(kernel|memory|namespace|session)\b"
    r"|\bwhat(?:'s| is) (loaded|defined)\b|\barrays?\b",
    _WORDS,
)
_NAME = r"`?([A-Za-z_][A-Za-z0-9_]*)`?"
_INSPECT_RES = [
    re.compile(p, _WORDS)
    for p in (
        r"\b(?:describe|inspect|summari[sz]e|examine|explain|look at|tell me about"
        r"|details? (?:of|on|about))\s+(?:the\s+)?(?:variable\s+|data ?frame\s+)?" + _NAME,
        r"\bcolumns?\s+(?:of|in|does|do)\s+" + _NAME,
        r"\b(?:shape|dtypes?|type|size|length|head|rows)\s+(?:of|in)\s+" + _NAME,
        r"\bdoes\s+" + _NAME + r"\s+(?:have|contain|hold)",
        r"\bwhat(?:'s| is| are)\s+(?:in\s+)?" + _NAME,
        r"`([A-Za-z_][A-Za-z0-9_]*)`",
    )
]
# Words the "describe X" patterns may catch that are not variable names.
_NOT_NAMES_TEXT = """
a an the my your our this that these those it its i you we me data dataframe dataframes
variable variables notebook cell cells kernel code error errors in is are there here what
which all of to and or for with on python pandas numpy polars it's wrong happening loaded
available defined going up new something anything one columns column rows row type types
shape list dict string number value values
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def _answer_question(convo: _Conversation, tools: frozenset[str]) -> OfflineReply:
    text = convo.question
    if not text:
        return OfflineReply(text=_with_hint(_HELP))
    asks_code = bool(_CODE_RE.search(text))
    asks_error = bool(_ERROR_RE.search(text))
    if asks_code or (_HOW_RE.search(text) and not asks_error):
        return _propose_code(text, convo, tools)

    if _ACTIVE_CELL_RE.search(text):
        return _call(GET_ACTIVE_CELL.name, {}, tools, "your active cell")
    if asks_error or _NOTEBOOK_RE.search(text):
        return _call(GET_NOTEBOOK_CELLS.name, {"include_outputs": True}, tools, "your notebook")
    name = _variable_named(text, convo)
    if name:
        return _call(INSPECT_KERNEL_VARIABLE.name, {"name": name}, tools, f"`{name}`")
    if _VARIABLES_RE.search(text):
        return _call(LIST_KERNEL_VARIABLES.name, {}, tools, "your kernel's variables")
    greeting = "Hello! " if re.match(r"(hi|hello|hey)\b", text, _WORDS) else ""
    return OfflineReply(text=_with_hint(greeting + _HELP))


_HELP = (
    "Offline, I can still look at your notebook and kernel and give you code templates. "
    "Try “what variables do I have?”, “describe df”, “what's wrong with this cell?” "
    "or “plot df”."
)


def _call(tool: str, arguments: dict[str, Any], tools: frozenset[str], what: str) -> OfflineReply:
    if tool in tools:
        return OfflineReply(tool_call=ToolCall(tool, arguments))
    return OfflineReply(
        text=_with_hint(f"I can't look at {what} from here: that tool isn't available. {_HELP}")
    )


def _variable_named(text: str, convo: _Conversation) -> str:
    """A variable the question is about: a known name, or one a phrasing points at."""
    known = [row["name"] for row in _known_variables(convo)]
    for name in known:
        if re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text):
            return name
    for pattern in _INSPECT_RES:
        for match in pattern.finditer(text):
            candidate = match.group(1)
            if candidate.lower() not in _NOT_NAMES:
                return candidate
    return ""


def _known_variables(convo: _Conversation) -> list[dict[str, Any]]:
    """Variables described by earlier tool outputs in this conversation, oldest first."""
    rows: list[dict[str, Any]] = []
    for result in convo.results:
        if result.name == LIST_KERNEL_VARIABLES.name:
            rows.extend(variable_rows(result.output))
        elif result.name == INSPECT_KERNEL_VARIABLE.name:
            info = unwrap(result.output, ("variable", "result"))
            if isinstance(info, dict) and not error_of(info):
                rows.append({**info, "name": info.get("name") or result.arguments.get("name")})
    return [r for r in rows if isinstance(r.get("name"), str) and r["name"]]


# --- code templates ------------------------------------------------------------------


def _propose_code(text: str, convo: _Conversation, tools: frozenset[str]) -> OfflineReply:
    code, title, explanation = _code_for(text, convo)
    if PROPOSE_CODE in tools:
        return OfflineReply(
            tool_call=ToolCall(
                PROPOSE_CODE, {"code": code, "title": title, "explanation": explanation}
            )
        )
    return OfflineReply(text=_with_hint(f"**{title}**: {explanation}\n\n```python\n{code}\n```"))


def _frame_for(text: str, convo: _Conversation) -> tuple[str, list[Column], bool]:
    """A DataFrame from earlier tool outputs (one the text names, if any): name, cols, polars."""
    frames = [r for r in _known_variables(convo) if is_frame(r)]
    if not frames:
        return "", [], False
    named = [f for f in frames if re.search(rf"(?<![\w.]){re.escape(f['name'])}(?!\w)", text)]
    # Later outputs (an inspect after a listing) carry more detail: prefer the latest.
    chosen = (named or frames)[-1]
    same = [f for f in frames if f["name"] == chosen["name"] and columns(f)]
    cols = columns(same[-1]) if same else []
    return chosen["name"], cols, "polars" in type_of(chosen).lower()


def _code_for(text: str, convo: _Conversation) -> tuple[str, str, str]:
    lowered = text.lower()
    name, cols, polars = _frame_for(text, convo)
    if re.search(r"plot|chart|graph|histogram|scatter|visuali[sz]", lowered):
        return _plot_code(lowered, name, cols, polars)
    frame = name or "df"
    template = "Fill in the names, then run it."
    if re.search(r"\b(read|load|open|import)\b.*\b(csv|file|data)\b", lowered):
        return (
            'import pandas as pd\n\ndf = pd.read_csv("data.csv")  # path relative to the '
            "notebook\ndf.head()",
            "Load a CSV file",
            "Reads a CSV file into a pandas DataFrame and shows the first rows. " + template,
        )
    if re.search(r"missing|null|nan\b|\bna\b", lowered):
        return (
            f"{frame}.isna().sum().sort_values(ascending=False)",
            f"Missing values in {frame}",
            "Counts missing values per column, most first.",
        )
    if re.search(r"group ?by|aggregate|per \w+|average|mean", lowered):
        key = next((c for c, d, _ in cols if not is_numeric(d)), "category")
        num = next((c for c, d, _ in cols if is_numeric(d)), "value")
        return (
            f'{frame}.groupby("{key}")["{num}"].agg(["count", "mean"])',
            f"Group {frame} by {key}",
            "Counts rows and averages a numeric column per group. " + template,
        )
    if re.search(r"merge|join", lowered):
        return (
            'merged = left.merge(right, on="key", how="left")\nmerged.head()',
            "Merge two DataFrames",
            "Left-joins two DataFrames on a shared key column. " + template,
        )
    if re.search(r"sort|top \d+|largest|smallest", lowered):
        num = next((c for c, d, _ in cols if is_numeric(d)), "value")
        return (
            f'{frame}.sort_values("{num}", ascending=False).head(10)',
            f"Top rows of {frame}",
            "Sorts by a numeric column and shows the ten largest.",
        )
    if name:
        return (
            f'{name}.info()\n{name}.describe(include="all")',
            f"Summarise {name}",
            f"Shows the columns, types and summary statistics of `{name}`.",
        )
    return (
        "# The offline assistant writes templates, not custom code: adapt this one.\n"
        "import pandas as pd\n\n"
        'df = pd.DataFrame({"x": [1, 2, 3, 4], "y": [2.0, 3.5, 5.1, 7.9]})\n'
        "df.describe()",
        "Starter snippet",
        "A small pandas starting point. With a model configured I could write code for "
        "your exact request.",
    )


def _plot_code(lowered: str, name: str, cols: list[Column], polars: bool) -> tuple[str, str, str]:
    if not name and "hist" in lowered:
        return (
            "import matplotlib.pyplot as plt\nimport numpy as np\n\n"
            '# Replace values with your own data, e.g. df["column"].\n'
            "values = np.random.default_rng(0).normal(size=500)\n\n"
            "fig, ax = plt.subplots(figsize=(8, 4))\n"
            'ax.hist(values, bins=30)\nax.set_title("Histogram")\nplt.show()',
            "Histogram template",
            "A matplotlib histogram on sample data; swap in your own column.",
        )
    if not name:
        return (
            "import matplotlib.pyplot as plt\nimport numpy as np\n\n"
            "# Replace x and y with your own data.\n"
            "x = np.linspace(0, 10, 200)\ny = np.sin(x)\n\n"
            "fig, ax = plt.subplots(figsize=(8, 4))\n"
            'ax.plot(x, y)\nax.set_xlabel("x")\nax.set_ylabel("y")\nplt.show()',
            "Line plot template",
            "A matplotlib line plot on sample data; swap in your own arrays or columns.",
        )
    numeric = [c for c, d, _ in cols if is_numeric(d)]
    other = [c for c, d, _ in cols if not is_numeric(d)]
    frame = f"{name}.to_pandas()" if polars else name
    head = "import matplotlib.pyplot as plt\n\n"
    if "hist" in lowered and numeric:
        body, what = (
            f'ax = {frame}["{numeric[0]}"].plot.hist(bins=30)',
            f"Histogram of {numeric[0]}",
        )
    elif "scatter" in lowered and len(numeric) >= 2:
        body = f'ax = {frame}.plot.scatter(x="{numeric[0]}", y="{numeric[1]}")'
        what = f"{numeric[1]} against {numeric[0]}"
    elif "bar" in lowered and (other or numeric):
        col = (other or numeric)[0]
        body = f'ax = {frame}["{col}"].value_counts().head(20).plot.bar()'
        what = f"Counts of {col}"
    elif numeric:
        shown = ", ".join(f'"{c}"' for c in numeric[:4])
        body, what = f"ax = {frame}[[{shown}]].plot(figsize=(8, 4))", f"Plot of {name}"
    else:
        body, what = f"ax = {frame}.plot(figsize=(8, 4))", f"Plot of {name}"
    code = f'{head}{body}\nax.set_title("{what}")\nplt.show()'
    return (
        code,
        what,
        f"A matplotlib chart of `{name}` using its columns as your kernel reported them.",
    )


# --- titles and the setup hint -------------------------------------------------------

_FILLER = re.compile(
    r"^(?:(?:please|hey|hi|hello|ok|okay|so|can|could|would|you|help me)\b"
    r"[\s,!]*)+",
    _WORDS,
)


def _title(first_message: str) -> str:
    """Up to six words of the first message, capitalised; 'New chat' when there is none."""
    words = re.findall(r"[\w'\u2019.-]+", _FILLER.sub("", first_message.strip()))
    words = [w.strip(".") for w in words if w.strip(".")][:6]
    if not words:
        return "New chat"
    title = " ".join(words)
    return title[0].upper() + title[1:]


def _with_hint(text: str) -> str:
    return f"{text}\n\n{SETUP_HINT}"

"""What a cell shows when its last line names a secret: its one-line outputs hidden.

``print(token)``, ``%env DB_PASSWORD``, ``os.environ["API_KEY"]`` as a cell's last line
shows that secret, whatever the output looks like; so does ``x`` after ``connect(host,
user, x)``, a variable passed where a credential goes (:func:`~.values.aliases`), unless
the line reads only a property of it (``len(x)``, ``x is None``). Shared by the kernel's
cell reading and the policy's walk of notebook data; mirrors the shown-output helpers of
``js/lab/src/redactnames.ts``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import rules
from .compiled_rules import ASSIGNMENT_LINE, KEEP_VALUE, OBJECT_NAMES, WORD
from .lazy_patterns import lazy_compile
from .names import is_placeholder, is_secret_name, marker, normalize_name
from .values import is_keyish_name

_ENV_READ = lazy_compile(rules.ENV_READ_NAME)
# A decoder's call: ``base64.b64decode("YW5hOl…").decode()`` shows the text a literal
# (often hidden, "«…»") or a value encodes, a Basic header's or a Kubernetes secret's.
_DECODER = lazy_compile(
    r"(?<![A-Za-z0-9_])(?:(?:urlsafe_)?b(?:64|32|32hex|16|85)decode|a85decode|decodebytes"
    r"|unhexlify|a2b_base64|fromhex|codecs\s*\.\s*decode)\s*\("
)


def _shown_line(source: str) -> str | None:
    """A cell's last line of code (comments and blank lines skipped), or None when there
    is none or it is an assignment (``x = ...`` shows nothing)."""
    for line in reversed(source[-2000:].splitlines()):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        return None if ASSIGNMENT_LINE.match(stripped) else stripped
    return None


def names_secret(source: str) -> bool:
    """True when a cell's last line names a secret (``%env DB_PASSWORD``, ``print(token)``,
    ``os.environ["API_KEY"]``): what the cell prints or returns may be that secret."""
    shown = _shown_line(source)
    if shown is None:
        return False
    head = _client_call(source, shown)[:500]
    # ``getpass.getpass()`` alone returns (and shows) what the person typed; a decoder
    # shows what it decodes.
    return (
        "getpass(" in shown
        or _DECODER.search(head) is not None
        or any(
            is_secret_name(w) and normalize_name(w) not in OBJECT_NAMES for w in WORD.findall(head)
        )
        # ``print(os.getenv("OPENAI_KEY"))``: a name read from the environment whose last
        # part is key-ish (not ``SSH_KEY_PATH``).
        or any(is_keyish_name(n.rsplit("_", 1)[-1]) for n in _ENV_READ.findall(head))
    )


# The shell line's patterns and the clients are the table's (call_rules), shared with
# redactnames.ts.
_SHELL_ESCAPE = lazy_compile(rules.SHELL_ESCAPE)
_SHELL_CELL = lazy_compile(rules.SHELL_CELL)
_SHELL_COMMANDS = lazy_compile(rules.SHELL_COMMANDS)
_ENV_PREFIX = lazy_compile(rules.COMMAND_ENV_PREFIX)
_PROGRAM = lazy_compile(rules.COMMAND_PROGRAM)
_CREDENTIAL_ARG = lazy_compile(rules.CLIENT_CREDENTIAL_ARG)
_STORE = lazy_compile(rules.SECRET_STORE_COMMAND, re.IGNORECASE)
_CLIENTS = frozenset(rules.CREDENTIAL_CLIENTS)


def _passed(match: re.Match[str]) -> str:
    key = match.group(1)  # a DSN's key: a credential only when it names a secret
    return match.group() if key and not is_secret_name(key) else " "


def _client_call(source: str, shown: str) -> str:
    """``shown`` as its words are read for a secret's name: for a shell line whose every
    command is a client (:data:`_CLIENTS`; no ``$(...)``, no backquote), without the
    commands' ``NAME=value`` prefixes and the credentials passed to them
    (:data:`_CREDENTIAL_ARG`): ``!PGPASSWORD='«…»' psql -c 'select 1'`` or ``!curl -u
    ana:'«…»' URL`` passes a password and shows the server's answer; the marker's words
    ("password") are not a name the line shows. Any other line, and any other marker, is
    read whole: ``base64.b64decode("«…»").decode()``, ``!echo '«…»' | base64 -d`` or
    ``!psql -c "select '«…»'"`` shows what the marker hid."""
    escape = _SHELL_ESCAPE.match(shown)
    if escape:
        line = shown[escape.end() :]
    elif _SHELL_CELL.match(source):
        line = shown
    else:
        return shown
    if "$(" in line or "`" in line or _STORE.search(line):
        return shown
    commands = []
    for command in _SHELL_COMMANDS.split(line):
        command = command.strip()
        prefix = _ENV_PREFIX.match(command)
        command = command[prefix.end() :] if prefix else command
        program = _PROGRAM.match(command)
        if not program or program.group(1).lower() not in _CLIENTS:
            return shown
        commands.append(_CREDENTIAL_ARG.sub(_passed, command))
    return " ; ".join(commands)


def names_one_of(source: str, names: frozenset[str]) -> bool:
    """True when a cell's last line names one of ``names`` (variables the notebook passes
    where a credential goes, :func:`aliases`): ``print(x)`` or ``x`` after
    ``connect(host, user, x)`` shows that credential, whatever ``x`` is called."""
    shown = _shown_line(source) if names else None
    if shown is None:
        return False
    head = shown[:500]
    return any(
        w.group() in names and _shows_value(head, w.start(), w.end()) for w in WORD.finditer(head)
    )


# How a line reads a variable without showing its text (``x.shape``, ``len(x)``,
# ``isinstance(x, str)``, ``x is None``, ``not x``); anything else shows it (``print(x)``,
# ``x.strip()``, ``x[::-1]``, ``"…" + x``, ``f"{x}"``). Mirrored by redactnames.ts.
_ATTRIBUTE_AFTER = lazy_compile(r"\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*(\(?)")
_COMPARED_AFTER = lazy_compile(r"\s*(?:==|!=|<=|>=|<(?!<)|>(?!>)|is\b|in\b|not\s+in\b)")
_COMPARED_BEFORE = lazy_compile(r"(?:==|!=|<=|>=|(?<![<-])<|(?<![>-])>|\bis|\bnot)\s*\Z")
_PROPERTY_CALL_BEFORE = lazy_compile(
    r"(?<![A-Za-z0-9_.])(len|type|bool|isinstance|id|callable|hasattr)\s*\(\s*\Z"
)
_ONLY_ARGUMENT = lazy_compile(r"\s*\)")
_AN_ARGUMENT = lazy_compile(r"\s*[),]")
# A string's methods that return a flag or a count, not text.
_COUNTING_METHODS = frozenset(
    [
        "startswith",
        "endswith",
        "isalnum",
        "isalpha",
        "isascii",
        "isdecimal",
        "isdigit",
        "isidentifier",
        "islower",
        "isnumeric",
        "isprintable",
        "isspace",
        "istitle",
        "isupper",
        "count",
        "find",
        "rfind",
        "index",
        "rindex",
        "__len__",
        "__sizeof__",
    ]
)
# Attributes that may hold the text itself (``auth.password``, ``x.value``, ``x.__dict__``).
_TEXT_ATTRIBUTES = frozenset(
    [
        "value",
        "text",
        "content",
        "data",
        "raw",
        "string",
        "str",
        "plain",
        "decoded",
        "dict",
        "args",
        "secret",
    ]
)


def _shows_value(line: str, start: int, end: int) -> bool:
    """True unless the name at ``line[start:end]`` is only read for a property of its
    value: an attribute (``x.shape``, ``x.dtype``, ``x.__class__``; not one that may hold
    text, ``x.value``, ``x.password``), a method returning a flag or a count
    (``x.startswith("sk-")``; any other call, ``x.strip()``, shows text), the one argument
    of ``len``/``type``/``bool``/``id``/``callable`` (the first of ``isinstance``/
    ``hasattr``), or a comparison's side (``x is None``, ``x == y``, ``not x``)."""
    after, before = line[end:], line[:start]
    attribute = _ATTRIBUTE_AFTER.match(after)
    if attribute:
        name, called = attribute.group(1, 2)
        if called:
            return name not in _COUNTING_METHODS
        return is_secret_name(name) or name.strip("_").lower() in _TEXT_ATTRIBUTES
    if _COMPARED_AFTER.match(after) or _COMPARED_BEFORE.search(before):
        return False
    call = _PROPERTY_CALL_BEFORE.search(before)
    closes = _ONLY_ARGUMENT if call and call.group(1) == "type" else _AN_ARGUMENT
    return not (call and closes.match(after))


def hide_shown_secret(text: str) -> str:
    """A one-line output of a cell that :func:`names_secret` as a placeholder (a flag, a
    short number or an empty output stays); longer outputs are left to the rules."""
    inner = text.strip()
    if not inner or "\n" in inner or len(inner) > 2000 or is_placeholder(inner.strip("'\"")):
        return text
    if KEEP_VALUE.match(inner.strip("'\"").lower()):
        return text
    return marker(f"str, {len(inner.strip(chr(39) + chr(34))):,} chars")


# What a password has and a name (of a user, a database, a host) mostly has not.
_CREDENTIAL_CHAR = lazy_compile(r"[^A-Za-z_.\- ]")


def passed_credential(value: str) -> bool:
    """Whether ``value``, passed where a credential goes (:func:`aliases`), is taken for
    one: call positions are read by rule, so only a value with a digit or a symbol is
    (``sales-warehouse``, a database's name passed after the password, is not)."""
    return _CREDENTIAL_CHAR.search(value) is not None


def hide_shown_credential(text: str) -> str:
    """:func:`hide_shown_secret` for a cell whose last line names a variable passed where
    a credential goes (:func:`names_one_of`), when its value is taken for one
    (:func:`passed_credential`)."""
    inner = text.strip().strip("'\"")
    return hide_shown_secret(text) if passed_credential(inner) else text


def hide_cell_outputs(outputs: list[Any], hide: Callable[[str], str]) -> list[Any]:
    """A cell's ``outputs`` (ours or nbformat's shape) with each one's text but an error's
    (``text``, ``data["text/plain"]``; a string or a list of lines) passed through
    ``hide`` (:func:`hide_shown_secret` for a cell whose last line names a secret)."""
    shown = []
    for output in outputs:
        if isinstance(output, dict) and output.get("output_type") != "error":
            output = dict(output)
            if isinstance(output.get("text"), str | list):
                output["text"] = hide(_joined(output["text"]))
            data = output.get("data")
            if isinstance(data, dict) and isinstance(data.get("text/plain"), str | list):
                output["data"] = {**data, "text/plain": hide(_joined(data["text/plain"]))}
        shown.append(output)
    return shown


def _joined(text: str | list[Any]) -> str:
    return text if isinstance(text, str) else "".join(t for t in text if isinstance(t, str))

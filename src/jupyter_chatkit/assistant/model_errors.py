"""Model failures as one short sentence a person can act on.

``describe_model_error`` turns whatever a model raises (openai's API errors, the agents
SDK's errors, httpx transport errors, a stream cut short) into a sentence and whether
retrying may help. It never imports the SDKs: it only inspects modules already loaded,
so callers can use it without paying seconds for the import.

The sentences carry only status codes, host names, model names and error codes that
match a strict pattern; the server scrubs the configured key from them on top of that
(:mod:`.scrub`), since an upstream error code can be the key itself.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

from ..settings import ENV_NAMES

# Where a provider setting is set, by the setting's name ("base_url"): the environment
# variable or ``c.JupyterChatKit.base_url`` (:meth:`~..settings.JupyterChatKit.where`).
Where = Callable[[str], str]


def _env_names(name: str) -> str:
    return ENV_NAMES[name]


class IncompleteStreamError(ConnectionError):
    """A streamed answer ended without its end marker: the model was cut off.

    Raised by the chat-completions adapter (:mod:`.chat_completions`) when a stream
    closes with neither a ``finish_reason`` nor ``[DONE]``; the text so far is partial.
    """


class EmptyStreamError(IncompleteStreamError):
    """A streamed answer that ended before its first event: nothing was cut off.

    Raised by :class:`~.partial.KeepPartialOutput` for a response with no event in it: an
    empty stream, or a body that is no event stream at all (a proxy's web page, a whole
    JSON answer from a server that ignores ``"stream": true``), which openai reads as
    an event stream that ends at once.
    """


def describe_model_error(exc: BaseException, where: Where | None = None) -> tuple[str, bool]:
    """A short user-facing sentence for a model failure, and whether retrying may help.

    The sentence never carries the API key, request headers or the provider's raw
    response body; only status codes, host names, model names and error codes. A
    setting to check is named where it was set (``where``; default: its environment
    variable), never with its value.
    """
    for err in _causes(exc):
        found = _describe_one(err, where or _env_names)
        if found is not None:
            return found
    return (
        f"Something went wrong while talking to the model ({type(exc).__name__}). "
        "The Jupyter server log has details.",
        True,
    )


# --- error classification ------------------------------------------------------------


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, then what caused it (a few levels): the outermost is asked first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 6:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _describe_one(err: BaseException, where: Where) -> tuple[str, bool] | None:
    if isinstance(err, EmptyStreamError):
        return (
            "The model server's reply held no answer (it was empty, or not a model's "
            "stream: a web page?). Try again; if it keeps happening, check that "
            f"{where('base_url')} points at an OpenAI-compatible API.",
            True,
        )
    if isinstance(err, IncompleteStreamError):
        return _CUT
    # Only look at SDKs already imported: if openai was never loaded, the error can't be
    # one of its exceptions, and importing it here would cost seconds.
    openai = sys.modules.get("openai")
    if openai is not None:
        found = _describe_openai(openai, err, where)
        if found is not None:
            return found
    agents_exceptions = sys.modules.get("agents.exceptions")
    if agents_exceptions is not None:
        found = _describe_agents(agents_exceptions, err)
        if found is not None:
            return found
    return _describe_transport(err, where)


def _describe_openai(openai: Any, err: BaseException, where: Where) -> tuple[str, bool] | None:
    if isinstance(err, openai.APITimeoutError):
        return _TIMEOUT
    if isinstance(err, openai.APIConnectionError):
        # openai wraps transport errors; a cut-off stream reads better than "connection".
        cause = _describe_transport(err.__cause__, where) if err.__cause__ is not None else None
        if cause is not None and cause not in (_TIMEOUT, _unreachable(None, where)):
            return cause
        return _unreachable(_request_of(err), where)
    if isinstance(err, openai.APIStatusError):
        return _describe_status(openai, err, where)
    if isinstance(err, openai.APIResponseValidationError):
        return ("The model server sent a response this app could not understand.", True)
    if isinstance(err, openai.ContentFilterFinishReasonError):
        return ("The provider's content filter stopped this answer.", False)
    if isinstance(err, openai.LengthFinishReasonError):
        return ("The answer hit the model's output length limit before it finished.", False)
    return None


def _describe_status(openai: Any, err: Any, where: Where) -> tuple[str, bool]:
    status = int(getattr(err, "status_code", 0) or 0)
    code = _safe_code(getattr(err, "code", None))
    if isinstance(err, openai.AuthenticationError) or status == 401:
        return (
            f"The model provider rejected the API key (401). Check {where('api_key')} and "
            "restart Jupyter.",
            False,
        )
    if isinstance(err, openai.PermissionDeniedError) or status == 403:
        return (
            "The API key may not use this model or endpoint (403). Check the key's "
            "project and model access.",
            False,
        )
    if isinstance(err, openai.NotFoundError) or status == 404:
        model = _request_model(_request_of(err))
        named = f" '{model}'" if model else ""
        return (
            f"The model{named} was not found at the provider (404). Check "
            f"{where('model')}, and that {where('base_url')} is right (it usually ends in /v1).",
            False,
        )
    if isinstance(err, openai.RateLimitError) or status == 429:
        if code == "insufficient_quota":
            return (
                "The model provider says this account is out of quota (429). "
                "Check billing and usage limits.",
                False,
            )
        wait = _retry_after(getattr(err, "response", None))
        later = f" in {wait}" if wait else " in a moment"
        return (f"The model provider is rate-limiting requests (429). Try again{later}.", True)
    if isinstance(err, openai.BadRequestError | openai.UnprocessableEntityError):
        if _is_context_overflow(code, getattr(err, "message", "")):
            return (
                "The conversation is too long for this model's context window. "
                "Start a new thread, or ask about less at once.",
                False,
            )
        detail = f" ({code})" if code else ""
        return (
            f"The model provider rejected the request{detail}. The model may not "
            f"support this kind of request; check {where('model')} and {where('api')}.",
            False,
        )
    if status >= 500 or isinstance(err, openai.InternalServerError):
        return (
            f"The model provider had a server error ({status}). Try again in a moment.",
            True,
        )
    return (
        f"The model provider answered with HTTP {status}.",
        status in (408, 409, 425),
    )


def _describe_agents(module: Any, err: BaseException) -> tuple[str, bool] | None:
    if isinstance(err, module.ModelTimeoutError):
        return _TIMEOUT
    if isinstance(err, module.MaxTurnsExceeded):
        return (
            "The assistant took too many steps without finishing. Try a more specific question.",
            False,
        )
    if isinstance(err, module.ModelRefusalError):
        return ("The model declined to answer this request.", False)
    if isinstance(err, module.ModelBehaviorError):
        return (
            "The model produced an answer this app could not use (for example a "
            "malformed tool call, or a stream that ended early). Try again.",
            True,
        )
    if isinstance(
        err, module.InputGuardrailTripwireTriggered | module.OutputGuardrailTripwireTriggered
    ):
        return ("A guardrail blocked this request.", False)
    if isinstance(err, module.UserError):
        return (
            "The assistant is misconfigured; the Jupyter server log has details.",
            False,
        )
    return None


def _unreachable(request: Any, where: Where) -> tuple[str, bool]:
    scheme = getattr(getattr(request, "url", None), "scheme", None)
    if isinstance(scheme, str) and scheme not in ("http", "https"):
        # "localhost:1234/v1", as LM Studio and vLLM show their address: httpx reads
        # "localhost" as the scheme (or none), and no request ever leaves.
        return (
            f"{where('base_url')} must begin with http:// or https:// (for example "
            "http://localhost:1234/v1).",
            False,
        )
    host = _host_of(request) if request is not None else ""
    return (
        f"Could not reach the model server{host}. Check that it is running and that "
        f"{where('base_url')} points at it.",
        True,
    )


_TIMEOUT: tuple[str, bool] = (
    "The model took too long to answer and the request timed out. Try again, or ask "
    "something smaller.",
    True,
)
_CUT: tuple[str, bool] = (
    "The connection to the model was cut off in the middle of the answer. Try again.",
    True,
)
_MALFORMED: tuple[str, bool] = (
    "The model server sent a malformed streaming response. Try again; if it keeps "
    "happening the server may not be OpenAI-compatible.",
    True,
)

# httpx (and openai's fork, httpx2) exception names, matched by name so neither needs
# importing; both are raised unwrapped when a streamed body breaks off.
_CUT_NAMES = frozenset({"RemoteProtocolError", "ReadError", "WriteError", "StreamError"})
_TIMEOUT_NAMES = frozenset({"ReadTimeout", "WriteTimeout", "PoolTimeout", "ConnectTimeout"})
_CONNECT_NAMES = frozenset({"ConnectError"})


def _describe_transport(err: BaseException, where: Where) -> tuple[str, bool] | None:
    names = {cls.__name__ for cls in type(err).__mro__}
    from_httpx = type(err).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore")
    if from_httpx and names & _TIMEOUT_NAMES:
        return _TIMEOUT
    if from_httpx and names & _CONNECT_NAMES:
        return _unreachable(_request_of(err), where)
    if from_httpx and names & _CUT_NAMES:
        return _CUT
    if from_httpx and "InvalidURL" in names:
        # Its message quotes the URL's parts: a password holding "#" or "/" shows as a
        # "port". Say what to fix instead.
        return (
            f"The model server's URL ({where('base_url')}) is not a valid URL. A user or "
            "password in it must be percent-encoded (# as %23, / as %2F, ? as %3F, "
            "@ as %40).",
            False,
        )
    if isinstance(err, TimeoutError):
        return _TIMEOUT
    if isinstance(err, json.JSONDecodeError):
        return _MALFORMED
    if isinstance(err, ConnectionRefusedError):
        return _unreachable(None, where)
    if isinstance(err, ConnectionResetError | BrokenPipeError):
        return _CUT
    return None


def _request_of(err: BaseException) -> Any:
    """The request an httpx/openai error is about; httpx raises if it has none."""
    try:
        return getattr(err, "request", None)
    except RuntimeError:
        return None


def _host_of(request: Any) -> str:
    """' at host:port' from a request URL: host only, never user info or query."""
    url = getattr(request, "url", None)
    host = getattr(url, "host", None)
    if not host:
        return ""
    port = getattr(url, "port", None)
    return f" at {host}:{port}" if port else f" at {host}"


def _request_model(request: Any) -> str:
    """The model name the request asked for, if its JSON body says."""
    try:
        body = json.loads(bytes(getattr(request, "content", b"") or b"") or b"{}")
    except (TypeError, ValueError):
        return ""
    model = body.get("model") if isinstance(body, dict) else None
    return model[:80] if isinstance(model, str) else ""


# Provider error codes are lower-case words: context_length_exceeded, invalid_value.
_CODE_RE = re.compile(r"^[a-z][a-z0-9_.\-]{0,63}$")


def _safe_code(code: object) -> str:
    """An error code like ``context_length_exceeded``; anything else is dropped.

    Mixed-case or ``sk-`` tokens are refused, since they are shaped like keys; the
    configured key itself is scrubbed by exact value wherever it appears anyway.
    """
    if not isinstance(code, str) or not _CODE_RE.match(code):
        return ""
    return "" if code.startswith(("sk-", "sk_")) else code


def _is_context_overflow(code: str, message: object) -> bool:
    if code in ("context_length_exceeded", "string_above_max_length"):
        return True
    text = str(message).lower()
    return any(
        marker in text
        for marker in ("context length", "context window", "maximum context", "too many tokens")
    )


def _retry_after(response: Any) -> str:
    """'N s' from a Retry-After header given in seconds; empty when absent or a date."""
    headers = getattr(response, "headers", None)
    if headers is None:
        return ""
    raw = headers.get("retry-after-ms")
    try:
        if raw is not None:
            return f"{max(1, round(float(raw) / 1000))} s"
        raw = headers.get("retry-after")
        return f"{max(1, round(float(raw)))} s" if raw is not None else ""
    except ValueError:
        return ""

"""Model providers: which LLM answers, how tracing is set, and how its failures read.

``build_model`` turns :class:`~jupyter_chatkit.settings.Settings` into an
``agents`` model: the built-in offline model when nothing is configured, the OpenAI
Responses API, or any OpenAI-compatible chat-completions server (Ollama, vLLM,
LM Studio, Gemini's OpenAI endpoint). ``describe_model_error`` turns whatever such a
model raises into one short sentence a person can act on.

openai and agents are imported inside the functions: this module is cheap to import,
so callers can use ``describe_model_error`` without paying for the SDKs.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, cast

from ..settings import ENV_API, ENV_API_KEY, ENV_BASE_URL, ENV_MODEL, Settings

if TYPE_CHECKING:
    from agents.items import TResponseInputItem
    from agents.models.interface import Model
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel

log = logging.getLogger(__name__)

# OpenAI's client refuses to start without a key; local servers (Ollama, vLLM, LM Studio)
# ignore it. Sent as "Bearer not-needed", never logged.
PLACEHOLDER_API_KEY = "not-needed"

# The agents SDK gives every chat-completions output item this same id; ChatKit reuses
# item ids as thread item ids, so without rewriting, every answer would replace the last.
_FAKE_RESPONSES_ID = "__fake_id__"


def build_model(settings: Settings) -> Model:
    """Build the model the assistant talks to, as configured by ``settings``."""
    if settings.offline:
        from .offline import OfflineModel

        return OfflineModel()

    from agents.models.openai_responses import OpenAIResponsesModel
    from openai import AsyncOpenAI

    client = AsyncOpenAI(
        api_key=settings.api_key or PLACEHOLDER_API_KEY,
        base_url=settings.base_url or None,
        timeout=settings.request_timeout,
        max_retries=settings.max_retries,
    )
    if settings.effective_api == "responses":
        return OpenAIResponsesModel(model=settings.effective_model, openai_client=client)
    return _chat_completions_model_class()(model=settings.effective_model, openai_client=client)


def set_tracing(settings: Settings) -> bool:
    """Turn openai-agents tracing on only when asked for and safe; return whether it is on.

    Traces go to OpenAI's platform. They are sent only when ``settings.tracing`` is set
    and the provider *is* OpenAI, with the configured key set explicitly so the SDK never
    falls back to another one; a third-party key is never sent to OpenAI. Pass
    ``tracing_disabled=not set_tracing(settings)`` to ``RunConfig`` as well.
    """
    from agents import set_tracing_disabled, set_tracing_export_api_key

    enabled = settings.tracing and settings.provider == "openai" and bool(settings.api_key)
    if settings.tracing and not enabled:
        log.warning(
            "jupyter-chatkit: tracing needs the OpenAI provider with an API key; "
            "it stays off for the %s provider",
            settings.provider,
        )
    if enabled:
        set_tracing_export_api_key(settings.api_key)
    set_tracing_disabled(not enabled)
    return enabled


def describe_model_error(exc: BaseException) -> tuple[str, bool]:
    """A short user-facing sentence for a model failure, and whether retrying may help.

    The sentence never carries the API key, request headers or the provider's raw
    response body; only status codes, host names, model names and error codes.
    """
    for err in _causes(exc):
        found = _describe_one(err)
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


def _describe_one(err: BaseException) -> tuple[str, bool] | None:
    # Only look at SDKs already imported: if openai was never loaded, the error can't be
    # one of its exceptions, and importing it here would cost seconds.
    openai = sys.modules.get("openai")
    if openai is not None:
        found = _describe_openai(openai, err)
        if found is not None:
            return found
    agents_exceptions = sys.modules.get("agents.exceptions")
    if agents_exceptions is not None:
        found = _describe_agents(agents_exceptions, err)
        if found is not None:
            return found
    return _describe_transport(err)


def _describe_openai(openai: Any, err: BaseException) -> tuple[str, bool] | None:
    if isinstance(err, openai.APITimeoutError):
        return _TIMEOUT
    if isinstance(err, openai.APIConnectionError):
        # openai wraps transport errors; a cut-off stream reads better than "connection".
        cause = _describe_transport(err.__cause__) if err.__cause__ is not None else None
        if cause is not None and cause not in (_TIMEOUT, _UNREACHABLE):
            return cause
        return _unreachable(_request_of(err))
    if isinstance(err, openai.APIStatusError):
        return _describe_status(openai, err)
    if isinstance(err, openai.APIResponseValidationError):
        return ("The model server sent a response this app could not understand.", True)
    if isinstance(err, openai.ContentFilterFinishReasonError):
        return ("The provider's content filter stopped this answer.", False)
    if isinstance(err, openai.LengthFinishReasonError):
        return ("The answer hit the model's output length limit before it finished.", False)
    return None


def _describe_status(openai: Any, err: Any) -> tuple[str, bool]:
    status = int(getattr(err, "status_code", 0) or 0)
    code = _safe_code(getattr(err, "code", None))
    if isinstance(err, openai.AuthenticationError) or status == 401:
        return (
            f"The model provider rejected the API key (401). Check {ENV_API_KEY} and "
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
            f"{ENV_MODEL}, and that {ENV_BASE_URL} is right (it usually ends in /v1).",
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
            f"support this kind of request; check {ENV_MODEL} and {ENV_API}.",
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


_UNREACHABLE: tuple[str, bool] = (
    f"Could not reach the model server. Check that it is running and that "
    f"{ENV_BASE_URL} points at it.",
    True,
)


def _unreachable(request: Any) -> tuple[str, bool]:
    where = _host_of(request)
    if not where:
        return _UNREACHABLE
    return (
        f"Could not reach the model server{where}. Check that it is running and that "
        f"{ENV_BASE_URL} points at it.",
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


def _describe_transport(err: BaseException) -> tuple[str, bool] | None:
    names = {cls.__name__ for cls in type(err).__mro__}
    from_httpx = type(err).__module__.split(".")[0] in ("httpx", "httpx2", "httpcore")
    if from_httpx and names & _TIMEOUT_NAMES:
        return _TIMEOUT
    if from_httpx and names & _CONNECT_NAMES:
        return _unreachable(_request_of(err))
    if from_httpx and names & _CUT_NAMES:
        return _CUT
    if isinstance(err, TimeoutError):
        return _TIMEOUT
    if isinstance(err, json.JSONDecodeError):
        return _MALFORMED
    if isinstance(err, ConnectionRefusedError):
        return _UNREACHABLE
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


_CODE_RE = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")


def _safe_code(code: object) -> str:
    """An error code like ``context_length_exceeded``; anything else is dropped."""
    return code if isinstance(code, str) and _CODE_RE.match(code) else ""


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


# --- chat completions with unique item ids -------------------------------------------

_chat_model_class: type[OpenAIChatCompletionsModel] | None = None


def _chat_completions_model_class() -> type[OpenAIChatCompletionsModel]:
    """``OpenAIChatCompletionsModel`` giving each output item its own id (built lazily)."""
    global _chat_model_class
    if _chat_model_class is None:
        _chat_model_class = _define_chat_completions_model()
    return _chat_model_class


def _define_chat_completions_model() -> type[OpenAIChatCompletionsModel]:
    from agents.items import ModelResponse, TResponseStreamEvent
    from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel

    class ChatCompletionsModel(OpenAIChatCompletionsModel):
        """Chat completions, adapted to ChatKit: replayable history, unique item ids."""

        async def get_response(
            self,
            system_instructions: str | None,
            input: str | list[TResponseInputItem],
            *args: Any,
            **kwargs: Any,
        ) -> ModelResponse:
            response = await super().get_response(
                system_instructions, _replayable(input), *args, **kwargs
            )
            ids = _ItemIds()
            for index, item in enumerate(response.output):
                ids.fix_item(item, index)
            return response

        async def stream_response(
            self,
            system_instructions: str | None,
            input: str | list[TResponseInputItem],
            *args: Any,
            **kwargs: Any,
        ) -> AsyncIterator[TResponseStreamEvent]:
            ids = _ItemIds()
            stream = super().stream_response(
                system_instructions, _replayable(input), *args, **kwargs
            )
            async for event in stream:
                ids.fix_event(event)
                yield event

    return ChatCompletionsModel


def _replayable(input: str | list[TResponseInputItem]) -> str | list[TResponseInputItem]:
    """Earlier answers as plain text, which the chat-completions converter accepts.

    ChatKit replays an assistant message as ``{"role": "assistant", "content":
    [{"type": "output_text", ...}]}`` (no id). The Responses API takes that, but the
    agents SDK's chat-completions converter rejects ``output_text`` parts there
    ("Unknown content"), failing every second turn.
    """
    if isinstance(input, str):
        return input
    out: list[TResponseInputItem] = []
    for item in input:
        content = item.get("content") if isinstance(item, dict) else None
        if (
            isinstance(item, dict)
            and item.get("role") == "assistant"
            and "id" not in item
            and isinstance(content, list)
            and all(
                isinstance(p, dict) and p.get("type") in ("output_text", "refusal") for p in content
            )
        ):
            text = "".join(str(p.get("text") or p.get("refusal") or "") for p in content)
            item = cast("TResponseInputItem", {**item, "content": text})
        out.append(item)
    return out


class _ItemIds:
    """Replaces the placeholder id of each output item of one response, consistently.

    One chat completion yields at most one message and one reasoning item, plus
    function calls told apart by call id (or by output index in argument deltas).
    """

    def __init__(self) -> None:
        self._by_kind: dict[str, str] = {}
        self._by_call: dict[str, str] = {}
        self._by_index: dict[int, str] = {}

    def _mint(self, kind: str) -> str:
        prefix = {"message": "msg", "reasoning": "rs", "function_call": "fc"}.get(kind, "item")
        return f"{prefix}_{uuid.uuid4().hex}"

    def _for_item(self, item: Any, index: int | None) -> str:
        kind = str(getattr(item, "type", "item"))
        call_id = getattr(item, "call_id", None)
        if kind == "function_call":
            if isinstance(call_id, str) and call_id in self._by_call:
                return self._by_call[call_id]
            new = self._by_index.get(index, "") if index is not None else ""
            new = new or self._mint(kind)
            if isinstance(call_id, str) and call_id:
                self._by_call[call_id] = new
        else:
            new = self._by_kind.setdefault(kind, self._mint(kind))
        if index is not None:
            self._by_index[index] = new
        return new

    def fix_item(self, item: Any, index: int | None) -> None:
        """Give ``item`` its own id if it carries the placeholder."""
        if getattr(item, "id", None) == _FAKE_RESPONSES_ID:
            item.id = self._for_item(item, index)

    def fix_event(self, event: Any) -> None:
        """Rewrite the placeholder in a stream event, its item, or its final response."""
        kind = str(getattr(event, "type", ""))
        item = getattr(event, "item", None)
        if item is not None:
            self.fix_item(item, getattr(event, "output_index", None))
        if getattr(event, "item_id", None) == _FAKE_RESPONSES_ID:
            index = getattr(event, "output_index", None)
            if kind.startswith("response.reasoning"):
                event.item_id = self._by_kind.setdefault("reasoning", self._mint("reasoning"))
            elif kind.startswith("response.function_call"):
                known = self._by_index.get(index) if index is not None else None
                event.item_id = known or self._mint("function_call")
            else:
                event.item_id = self._by_kind.setdefault("message", self._mint("message"))
        response = getattr(event, "response", None)
        if response is not None and kind == "response.completed":
            for out in getattr(response, "output", None) or []:
                # By kind and call id only: final output order may differ from the
                # stream's output indexes.
                self.fix_item(out, None)

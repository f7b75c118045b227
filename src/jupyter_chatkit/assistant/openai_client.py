"""The ``AsyncOpenAI`` client of the providers, sending plain-JSON request parts as they are.

Before a request is sent, openai (3.57) passes every parameter through
``async_maybe_transform`` (openai/_utils/_transform.py): a walk of the value against its
TypedDict type that renames aliased keys, formats dates and files, drops omitted values
and dumps pydantic models. It inspects the type of every node of the value (and, for a
union, tries every member), so for a turn's ``messages`` / ``input`` and ``tools`` it
costs ~2 ms of CPU per model request, ~15% of a warm turn, and it grows with the
history. For those parameters of the chat-completions and Responses requests, the
types declare no alias and no format anywhere (checked at run time below, once per
type), so for a value made only of JSON types (dict, list, str, int, float, bool,
None; what the agents SDK hands over after its ``_to_dump_compatible``) the transform
returns an equal copy. :class:`LeanAsyncOpenAI` sends such values through openai's
public ``extra_body`` instead, which is merged into the transformed body untouched. A
placeholder keeps the key in its place, so the request body is the same, byte for byte;
an ``extra_body`` given by the caller still wins, as before. Anything else (a pydantic
model, an omitted value, a tuple, a type that declares an alias or format) takes
openai's own path.

What is left of the request goes through the transform too, key by key, at ~60 µs per
request for ``model`` alone: the transform looks up each key's type in caches keyed by
the type, whose hash walks ``ChatModel``'s literal of every model name each time.
:func:`skip_plain_transform` makes openai's chat-completions and Responses resources
return such a request (every given value plain JSON, every key transform-free) as the
transform would: the same keys in the same order, omitted values dropped, the values
equal. Anything else is transformed by openai as before. It replaces the module global
``async_maybe_transform`` of those two resource modules (openai's ``create`` calls it
by that name; openai has no option to skip or replace the transform), for the openai
release it was read in (``pins.OPENAI``) only; another keeps openai's own. Measured
(bench_turn_cpu, chat completions, 5 rounds side by side, 2026-11-30): 7.04 ms per
warm turn against 7.34 ms without it (per-round ratios 0.88 to 0.99, median 0.96).

Last, httpx2 merges the client's own headers with each request's (``_merge_headers``):
``Headers.update`` asks, for each of the request's ~17 headers, whether the client has
it and pops it, every step a scan that decodes the headers anew, ~100 µs per request.
:func:`lean_header_merge` gives the client of :class:`LeanAsyncOpenAI` a merge that
builds the same list in one pass (:func:`merged_headers`), for what openai passes: a
list of ASCII ``str`` pairs. Anything else is merged by httpx2 as before. It sets
``_merge_headers`` on that one client (httpx2 has no public hook for the merge; event
hooks see the request only once built), for the httpx2 release it was read in
(``pins.HTTPX2``) only. Measured as above: 7.00 ms per warm turn against 7.20 ms
without it (per-round ratios 0.89 to 1.03, median 0.95).

And its own HTTP client keeps an idle connection to the provider
:data:`KEEPALIVE_EXPIRY` seconds, not httpx2's 5 s: a person's next question usually
comes later than 5 s, and a new connection costs a TCP and TLS handshake (~2 ms of CPU
here, two round trips to a hosted provider). Servers that close idle connections
sooner (uvicorn under vLLM: 5 s; nginx: 75 s) close them cleanly, and httpcore2 does
not reuse a connection the server has closed; one closed just as it is reused fails
with a connection error, which openai retries on a new connection (``max_retries``).
A connection gone that way is opened again while the person writes their next question
(:mod:`.provider_warm`, through :attr:`LeanAsyncOpenAI.own_http_client`).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard, get_args

import httpx2
import openai
from openai import NOT_GIVEN, AsyncOpenAI, NotGiven, Omit
from typing_extensions import get_type_hints, is_typeddict

from .. import pins
from .lone_surrogates import filter_responses
from .opening import watch_request_sent

if TYPE_CHECKING:
    # Imported when first used: openai.resources.responses builds its parsed-response
    # models at import (~4 MB), which a chat-completions server never needs; and
    # openai.resources.chat (with openai's chat streaming helpers and jiter, ~60 ms of
    # CPU), which an assistant on the offline model or the Responses API never needs.
    from openai.resources.chat import AsyncChat
    from openai.resources.responses import AsyncResponses

__all__ = [
    "FROZEN_JSON",
    "KEEPALIVE_EXPIRY",
    "LEAN_MERGE_HTTPX2_VERSIONS",
    "PLAIN_TRANSFORM_OPENAI_VERSIONS",
    "LeanAsyncOpenAI",
    "freeze_json",
    "frozen_json",
    "is_plain_json",
    "lean_header_merge",
    "lean_kwargs",
    "merged_headers",
    "provider_http_client",
    "skip_plain_transform",
    "transform_free",
    "wrap_sdk_function",
]

# The parameters worth sending as they are: large, and sent with every model request.
CHAT_PARAMS = ("messages", "tools")
RESPONSES_PARAMS = ("input", "tools")

_LEAF = frozenset((str, int, float, bool, type(None)))
# A value with more dicts and lists than this is not called plain: a list that holds
# itself would keep the walk going for ever (deepcopy, the caller's other path, copes).
MAX_PLAIN_CONTAINERS = 1_000_000


# At most this many frozen values are kept (a few agents' tool schemas).
MAX_FROZEN_JSON = 1024
FROZEN_JSON: dict[int, Any] = {}
"""Plain JSON values that are never changed (a shared tool's parameter schema), by id,
kept alive so their ids stay theirs (:func:`freeze_json`). Read it, never write it."""


def freeze_json(value: object) -> bool:
    """Mark ``value``, a dict or list that is plain JSON and is never changed again (a
    shared agent's tool schema), as such: :func:`is_plain_json` takes it as it is, and
    the agents SDK's request copy hands it out uncopied (agent.py). False (nothing
    marked) when it is not plain JSON."""
    if type(value) not in (dict, list) or not is_plain_json(value):
        return False
    if len(FROZEN_JSON) >= MAX_FROZEN_JSON:
        # Agents built again and again (tests): older ones take the walks again.
        FROZEN_JSON.clear()
    FROZEN_JSON[id(value)] = value
    return True


def frozen_json(value: object) -> bool:
    """Whether ``value`` itself was marked by :func:`freeze_json`."""
    return FROZEN_JSON.get(id(value)) is value


def is_plain_json(value: object) -> bool:
    """Whether ``value`` is made only of dicts (str keys), lists and JSON scalars (and
    at most :data:`MAX_PLAIN_CONTAINERS` of them: never True for a cycle)."""
    # Iterative: a long history is deep enough to matter, never too deep for a stack.
    # (Names bound locally and the leaf types a frozenset: it runs over every container
    # of every request's messages, ~0.4 us each with a tuple and global lookups.)
    stack = [value]
    push, pop = stack.append, stack.pop
    budget = MAX_PLAIN_CONTAINERS
    frozen = FROZEN_JSON
    leaf = _LEAF
    while stack:
        budget -= 1
        if budget < 0:
            return False
        item = pop()
        kind = type(item)
        if kind is dict:
            if frozen and frozen.get(id(item)) is item:
                continue  # checked when it was frozen, never changed since
            for key, inner in item.items():  # type: ignore[attr-defined]
                if type(key) is not str:
                    return False
                if type(inner) not in leaf:
                    push(inner)
        elif kind is list:
            for inner in item:  # type: ignore[attr-defined]
                if type(inner) not in leaf:
                    push(inner)
        elif kind not in leaf:
            return False
    return True


def _property_infos(tp: object, seen: set[int]) -> bool:
    """Whether a PropertyInfo with an alias or a format is reachable from type ``tp``."""
    from openai._utils import PropertyInfo

    if id(tp) in seen:
        return False
    seen.add(id(tp))
    value = getattr(tp, "__value__", None)  # a TypeAliasType
    if value is not None and type(tp).__name__ == "TypeAliasType":
        return _property_infos(value, seen)
    for meta in getattr(tp, "__metadata__", ()):  # Annotated[T, ...]
        if isinstance(meta, PropertyInfo) and (meta.alias or meta.format):
            return True
    if is_typeddict(tp):
        hints = get_type_hints(tp, include_extras=True)
        return any(_property_infos(hint, seen) for hint in hints.values())
    origin = getattr(tp, "__origin__", None)
    if origin is not None and _property_infos(origin, seen):
        return True
    return any(_property_infos(arg, seen) for arg in get_args(tp) if not isinstance(arg, str))


@functools.cache
def transform_free(params_type: type, key: str) -> bool:
    """Whether openai's transform of parameter ``key`` of ``params_type`` (a TypedDict of
    request parameters) returns plain JSON values unchanged: no alias or format anywhere
    in its type. False when this cannot be told (another openai)."""
    try:
        hint = get_type_hints(params_type, include_extras=True)[key]
        return not _property_infos(hint, set())
    except Exception:  # an openai whose types or private helpers differ: keep its path
        return False


def lean_kwargs(
    kwargs: Mapping[str, Any], params_type: type, keys: tuple[str, ...]
) -> dict[str, Any]:
    """``kwargs`` of a ``create`` call with the plain-JSON values of ``keys`` moved to
    ``extra_body`` (an empty list left in their place, so the body keeps its key order)."""
    moved: dict[str, Any] = {}
    out = dict(kwargs)
    for key in keys:
        value = out.get(key)
        if (
            type(value) is list
            and value
            and is_plain_json(value)
            and transform_free(params_type, key)
        ):
            moved[key] = value
            out[key] = []
    if moved:
        given = out.get("extra_body")
        # The caller's extra_body wins over parameters, as openai merges it.
        out["extra_body"] = {**moved, **given} if isinstance(given, Mapping) else moved
    return out


def wrap_sdk_function(module: str, name: str, marker: str, wrap: Callable[[Any], Any]) -> None:
    """Replace an SDK's private ``module.name`` by ``wrap(original)``, once: the
    replacement carries the attribute ``marker`` and ``original``. Nothing when the SDK
    has no such module or function (another version)."""
    try:
        target = importlib.import_module(module)
    except ImportError:  # pragma: no cover - depends on the SDK version
        return
    original = getattr(target, name, None)
    if original is None or getattr(original, marker, False):
        return
    replacement = wrap(original)
    setattr(replacement, marker, True)
    replacement.original = original
    setattr(target, name, replacement)


def plain_params(data: object, params_type: object) -> dict[str, Any] | None:
    """What openai's transform makes of request parameters ``data`` (a dict) of the
    TypedDict ``params_type`` when every given value is plain JSON and every given key
    transform-free: the same dict less its omitted values. None otherwise."""
    if type(data) is not dict or not isinstance(params_type, type):
        return None
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (NotGiven, Omit)):
            continue  # as openai's transform drops them
        kind = type(value)
        if kind not in _LEAF and not ((kind is list or kind is dict) and is_plain_json(value)):
            return None
        if not transform_free(params_type, key):
            return None
        out[key] = value
    return out


def _plain_first(original: Any) -> Any:
    """``original`` (openai's ``async_maybe_transform``) with plain parameters first."""

    async def maybe_transform(data: object, expected_type: object) -> Any:
        plain = plain_params(data, expected_type)
        return plain if plain is not None else await original(data, expected_type)

    return maybe_transform


def skip_plain_transform(resource_module: str) -> None:
    """Make ``async_maybe_transform`` of openai's resource module ``resource_module`` give
    plain-JSON parameters as they are (see the module docstring); once. Nothing for an
    openai release other than :data:`PLAIN_TRANSFORM_OPENAI_VERSIONS`."""
    if openai.__version__ not in PLAIN_TRANSFORM_OPENAI_VERSIONS:
        return
    wrap_sdk_function(resource_module, "async_maybe_transform", "plain_first", _plain_first)


def _streaming_type(kwargs: Mapping[str, Any], streaming: type, non_streaming: type) -> type:
    return streaming if kwargs.get("stream") else non_streaming


@functools.cache
def _lean_chat_class() -> type[AsyncChat]:
    """``chat`` whose ``completions`` send plain-JSON ``messages`` and ``tools`` as they
    are (built on first use; see the import note above)."""
    from openai.resources.chat import AsyncChat
    from openai.resources.chat.completions import AsyncCompletions
    from openai.types.chat import completion_create_params

    class _LeanCompletions(AsyncCompletions):
        async def create(self, **kwargs: Any) -> Any:
            """``AsyncCompletions.create``; see the module docstring."""
            params = _streaming_type(
                kwargs,
                completion_create_params.CompletionCreateParamsStreaming,
                completion_create_params.CompletionCreateParamsNonStreaming,
            )
            return await super().create(**lean_kwargs(kwargs, params, CHAT_PARAMS))

    class _LeanChat(AsyncChat):
        @functools.cached_property
        def completions(self) -> AsyncCompletions:
            """The chat completions resource with the lean ``create``."""
            skip_plain_transform(AsyncCompletions.__module__)
            return _LeanCompletions(self._client)

    return _LeanChat


@functools.cache
def _lean_responses_class() -> type[AsyncResponses]:
    """``responses`` sending plain-JSON ``input`` and ``tools`` as they are (built on
    first use; see the import note above)."""
    from openai.resources.responses import AsyncResponses
    from openai.types.responses import response_create_params

    class _LeanResponses(AsyncResponses):
        async def create(self, **kwargs: Any) -> Any:
            """``AsyncResponses.create``; see the module docstring."""
            params = _streaming_type(
                kwargs,
                response_create_params.ResponseCreateParamsStreaming,
                response_create_params.ResponseCreateParamsNonStreaming,
            )
            return await super().create(**lean_kwargs(kwargs, params, RESPONSES_PARAMS))

    skip_plain_transform(AsyncResponses.__module__)
    return _LeanResponses


# The openai versions whose resources' async_maybe_transform was read for plain_params.
PLAIN_TRANSFORM_OPENAI_VERSIONS = frozenset({pins.OPENAI})

# The httpx2 versions whose Headers (their ``_list`` of (raw key, lower key, value)
# bytes) and ``AsyncClient._merge_headers`` were read for merged_headers.
LEAN_MERGE_HTTPX2_VERSIONS = frozenset({pins.HTTPX2})


def merged_headers(own: httpx2.Headers, headers: object) -> httpx2.Headers | None:
    """httpx2's ``_merge_headers`` of a client with headers ``own`` for a request's
    ``headers``: a copy of ``own`` less the keys ``headers`` has (in any case), then every
    one of ``headers`` in its order. Only for a list of ASCII ``str`` pairs and ASCII
    ``own`` (the encodings then agree); None for anything else."""
    if type(headers) is not list:
        return None
    entries: list[tuple[bytes, bytes, bytes]] = []
    for pair in headers:
        if type(pair) is not tuple or len(pair) != 2:
            return None
        key, value = pair
        if type(key) is not str or type(value) is not str or not (key + value).isascii():
            return None
        raw = key.encode("ascii")
        entries.append((raw, raw.lower(), value.encode("ascii")))
    kept = own._list
    if not all(raw.isascii() and value.isascii() for raw, _, value in kept):
        return None
    replaced = {lower for _, lower, _ in entries}
    merged = httpx2.Headers()
    merged._list = [entry for entry in kept if entry[1] not in replaced]
    merged._list.extend(entries)
    return merged


def _keeps_httpx2_own(client: object, method: str) -> TypeGuard[httpx2.AsyncClient]:
    """Whether ``client`` is an httpx2 AsyncClient, of a version read here, whose class
    keeps httpx2's own ``method``."""
    return (
        isinstance(client, httpx2.AsyncClient)
        and httpx2.__version__ in LEAN_MERGE_HTTPX2_VERSIONS
        and getattr(type(client), method) is getattr(httpx2.AsyncClient, method)
    )


def lean_header_merge(client: object) -> bool:
    """Give httpx2 client ``client`` (openai's own, of an httpx2 version read here, whose
    class keeps httpx2's merge) the one-pass merge of :func:`merged_headers`; whether it
    has it."""
    if not _keeps_httpx2_own(client, "_merge_headers"):
        return False
    original = client._merge_headers

    def merge_headers(headers: Any = None) -> Any:
        merged = merged_headers(client.headers, headers)
        return merged if merged is not None else original(headers)

    # On this client alone (openai's wrapper class is shared by any other client).
    client._merge_headers = merge_headers  # type: ignore[method-assign]
    return True


# Seconds an idle connection to the provider is kept for the next request. Longer than
# most pauses between a person's questions; below the idle timeouts of middleboxes that
# drop a flow without telling either end (Azure's load balancers and NAT: 4 min by
# default), where a request would wait for its read timeout. Servers that close sooner
# do so with a FIN that httpcore2 sees before reuse; OpenAI's edge (Cloudflare) keeps
# an idle HTTP/1.1 connection 400 s, Ollama (Go's net/http, no IdleTimeout) for ever.
# httpcore2 has no public reading of a server's ``Keep-Alive: timeout=N``.
KEEPALIVE_EXPIRY = 90.0


def provider_http_client(timeout: float | httpx2.Timeout | NotGiven | None) -> httpx2.AsyncClient:
    """openai's default HTTP client (its timeout, connection limits, redirects; the
    environment's proxies and CA bundle, as httpx2 reads them), keeping an idle
    connection :data:`KEEPALIVE_EXPIRY` seconds and asking for bodies as they are
    (``Accept-Encoding: identity``): a compressed body, as a proxy in front of a local
    server sends it when asked, would pass the lone surrogate filter unread
    (:mod:`.lone_surrogates`). Answers are small text: compression saves little."""
    limits = openai.DEFAULT_CONNECTION_LIMITS
    kwargs: dict[str, Any] = {
        "headers": {"Accept-Encoding": "identity"},
        "limits": httpx2.Limits(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=KEEPALIVE_EXPIRY,
        ),
    }
    if not isinstance(timeout, NotGiven):
        kwargs["timeout"] = timeout  # as openai gives its own client the client's timeout
    return openai.DefaultAsyncHttpxClient(**kwargs)


class LeanAsyncOpenAI(AsyncOpenAI):
    """``AsyncOpenAI`` whose chat-completions and Responses requests skip openai's
    parameter transform for plain-JSON messages, input and tools, and whose HTTP client
    merges headers in one pass (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """``AsyncOpenAI(...)``; without an ``http_client`` given, its own
        (:func:`provider_http_client`) gets the lean header merge, tells a held
        stream opening that its request was sent (:mod:`.opening`) and reads lone
        surrogates in the model's answers as U+FFFD (:mod:`.lone_surrogates`)."""
        own = kwargs.get("http_client") is None
        if own:
            kwargs["http_client"] = provider_http_client(kwargs.get("timeout", NOT_GIVEN))
        super().__init__(*args, **kwargs)
        # Its own HTTP client (None when one was given): the pool a turn's request uses.
        self.own_http_client: httpx2.AsyncClient | None = kwargs["http_client"] if own else None
        if own:
            lean_header_merge(self._client)
            watch_request_sent(self._client)
            # A lone surrogate escape the model sends reads as U+FFFD (lone_surrogates).
            filter_responses(self._client)

    @functools.cached_property
    def chat(self) -> AsyncChat:
        """Chat resources, with the lean ``completions.create``."""
        return _lean_chat_class()(self)

    @functools.cached_property
    def responses(self) -> AsyncResponses:
        """The Responses resource, with the lean ``create``."""
        return _lean_responses_class()(self)

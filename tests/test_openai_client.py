"""The providers' lean OpenAI client: the same request bodies without openai's transform."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import textwrap
from datetime import date
from typing import Annotated, Any, Required

import httpx2
import pytest
from agents import ModelSettings, RunConfig, Runner
from openai import APIConnectionError, AsyncOpenAI, NotGiven, omit
from openai._utils import PropertyInfo, async_maybe_transform
from openai._utils import _transform as openai_transform
from openai.resources.chat.completions import completions as chat_resource
from openai.resources.responses import responses as responses_resource
from openai.types.chat import completion_create_params
from openai.types.responses import response_create_params
from openai.types.shared import Reasoning
from typing_extensions import TypedDict

from jupyter_chatkit.assistant.agent import build_agent
from jupyter_chatkit.assistant.models import build_model
from jupyter_chatkit.assistant.openai_client import (
    LeanAsyncOpenAI,
    is_plain_json,
    lean_header_merge,
    lean_kwargs,
    merged_headers,
    plain_params,
    transform_free,
)
from jupyter_chatkit.settings import Api, Settings

from .fixtures.fake_llm import FAKE_API_KEY, MODEL, FakeLLM, Reply
from .fixtures.models import BUILT

pytestmark = pytest.mark.usefixtures("close_built_models")

APIS: list[Api] = ["responses", "chat_completions"]

# A history with every kind of item a turn replays: text, a tool call and its output.
HISTORY: list[Any] = [
    {"role": "user", "content": "What is in df?"},
    {
        "type": "function_call",
        "call_id": "call_1",
        "name": "list_kernel_variables",
        "arguments": "{}",
    },
    {
        "type": "function_call_output",
        "call_id": "call_1",
        "output": json.dumps({"variables": [{"name": "df", "type": "DataFrame"}]}),
    },
    {"role": "assistant", "content": [{"type": "output_text", "text": "df is a DataFrame."}]},
    {"role": "user", "content": [{"type": "input_text", "text": "Plot it, «é» 😀"}]},
]


def settings_for(llm: FakeLLM, api: Api) -> Settings:
    return Settings(
        model=MODEL,
        api=api,
        base_url=llm.base_url,
        api_key=FAKE_API_KEY,
        request_timeout=5.0,
        max_retries=0,
    )


async def run_turn(model: Any, settings: Settings, **model_settings: Any) -> None:
    agent = build_agent(settings)
    if model_settings:
        agent = agent.clone(
            model_settings=agent.model_settings.resolve(ModelSettings(**model_settings))
        )
    result = Runner.run_streamed(
        agent, list(HISTORY), run_config=RunConfig(model=model, tracing_disabled=True)
    )
    async for _ in result.stream_events():
        pass


def resource_of(api: Api) -> Any:
    """openai's resource module whose ``create`` the model of ``api`` calls."""
    return chat_resource if api == "chat_completions" else responses_resource


def openais_transform(api: Api) -> Any:
    """openai's own ``async_maybe_transform`` (under :func:`skip_plain_transform`'s)."""
    transform = resource_of(api).async_maybe_transform
    return getattr(transform, "original", transform)


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("extra_body", [None, {"tools": [], "top_k": 3}])
async def test_request_body_is_the_same_as_openais(
    fake_llm: FakeLLM, api: Api, extra_body: dict[str, Any] | None
) -> None:
    """The lean client's request is the plain client's, key for key and in the same order,
    with the caller's extra_body still winning over the parameters."""
    settings = settings_for(fake_llm, api)
    lean = build_model(settings)
    BUILT.append(lean)
    assert type(lean._client) is LeanAsyncOpenAI
    plain_client = AsyncOpenAI(api_key=FAKE_API_KEY, base_url=fake_llm.base_url, max_retries=0)
    plain = type(lean)(model=MODEL, openai_client=plain_client)
    BUILT.append(plain)
    extra = {"extra_body": extra_body} if extra_body else {}
    bodies = []
    for model in (plain, lean):
        fake_llm.script(Reply("Sure."))
        with pytest.MonkeyPatch.context() as patch:
            if model is plain:  # openai's own transform, as before skip_plain_transform
                patch.setattr(resource_of(api), "async_maybe_transform", openais_transform(api))
            await run_turn(model, settings, **extra)
        bodies.append(fake_llm.requests[-1])
    assert json.dumps(bodies[1]) == json.dumps(bodies[0])
    sent = bodies[1]
    if extra_body:
        assert sent["tools"] == [] and sent["top_k"] == 3
    else:
        assert len(sent["tools"]) == len(build_agent(settings).tools)
    history_key = "messages" if api == "chat_completions" else "input"
    assert "Plot it, «é» 😀" in json.dumps(sent[history_key], ensure_ascii=False)


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_plain_history_and_tools_skip_openais_transform(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """openai's transform sees placeholders for the history and the tools; they reach the
    model through extra_body."""
    seen: list[dict[str, Any]] = []
    settings = settings_for(fake_llm, api)
    model: Any = build_model(settings)
    BUILT.append(model)
    # The resource built first (that installs skip_plain_transform), then recorded.
    _ = model._client.chat.completions if api == "chat_completions" else model._client.responses
    resource = resource_of(api)
    real = resource.async_maybe_transform

    async def recording(data: Any, expected_type: Any) -> Any:
        seen.append(dict(data))
        return await real(data, expected_type)

    monkeypatch.setattr(resource, "async_maybe_transform", recording)
    fake_llm.script(Reply("Sure."))
    await run_turn(model, settings)
    history_key = "messages" if api == "chat_completions" else "input"
    assert [(body[history_key], body["tools"]) for body in seen] == [([], [])]
    sent = fake_llm.requests[-1]
    assert len(sent["tools"]) == len(build_agent(settings).tools)
    assert "What is in df?" in json.dumps(sent[history_key])


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_a_plain_request_skips_openais_transform_whole(
    fake_llm: FakeLLM, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No key of a plain request goes through openai's typed walk (its per-key type
    lookups hash ChatModel's literal of every model name); the model still gets it all."""
    walked: list[Any] = []
    real = openai_transform._async_transform_typeddict

    async def recording(data: Any, expected_type: Any) -> Any:
        walked.append(expected_type)
        return await real(data, expected_type)

    monkeypatch.setattr(openai_transform, "_async_transform_typeddict", recording)
    settings = settings_for(fake_llm, api)
    model = build_model(settings)
    BUILT.append(model)
    fake_llm.script(Reply("Sure."))
    await run_turn(model, settings, temperature=0.5, metadata={"k": "v"})
    assert walked == []
    sent = fake_llm.requests[-1]
    assert sent["model"] == MODEL and sent["stream"] is True
    assert sent["temperature"] == 0.5 and sent["metadata"] == {"k": "v"}
    assert len(sent["tools"]) == len(build_agent(settings).tools)


PLAIN_REQUESTS: list[tuple[type, dict[str, Any]]] = [
    (
        completion_create_params.CompletionCreateParamsStreaming,
        {
            "messages": [{"role": "user", "content": "«é» 😀"}],
            "model": "gpt-x",
            "audio": omit,
            "temperature": 0.5,
            "metadata": {"k": "v"},
            "parallel_tool_calls": None,
            "stream": True,
            "stream_options": {"include_usage": True},
            "tools": [],
            "top_p": NotGiven(),
        },
    ),
    (
        response_create_params.ResponseCreateParamsStreaming,
        {
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "hi"}]}],
            "model": "gpt-x",
            "include": ["reasoning.encrypted_content"],
            "instructions": None,
            "reasoning": {"effort": "low"},
            "store": False,
            "stream": True,
            "text": {"format": {"type": "text"}},
            "tool_choice": "auto",
            "tools": [{"type": "function", "name": "f", "parameters": {}, "strict": False}],
            "truncation": omit,
        },
    ),
]


@pytest.mark.asyncio
@pytest.mark.parametrize(("params", "data"), PLAIN_REQUESTS)
async def test_plain_params_are_what_openais_transform_makes(
    params: type, data: dict[str, Any]
) -> None:
    plain = plain_params(data, params)
    assert plain is not None
    assert json.dumps(plain) == json.dumps(await async_maybe_transform(data, params))


@pytest.mark.asyncio
async def test_anything_else_is_left_to_openais_transform() -> None:
    chat = completion_create_params.CompletionCreateParamsStreaming
    for data, params in [
        ({"model": "m", "reasoning": Reasoning(effort="low")}, chat),  # a pydantic model
        ({"model": "m", "messages": ({"role": "user"},)}, chat),  # a tuple
        ({"model": "m", "messages": [{"content": omit}]}, chat),  # omitted inside
        ({"model": "m", "unknown_key": 1}, chat),  # no type to tell
        ({"card_id": "c"}, _Aliased),  # an alias
        ({"nested_format": []}, _Params),  # a format somewhere in its type
        (["not", "a", "dict"], chat),
        ({"model": "m"}, "not a type"),
    ]:
        assert plain_params(data, params) is None, data
    # Through the resource too: openai's own result.
    transform = openais_transform("chat_completions")
    data = {"card_id": "c", "other": omit}
    assert await chat_resource.async_maybe_transform(data, _Aliased) == {"cardID": "c"}
    assert await transform(data, _Aliased) == {"cardID": "c"}


def test_lean_kwargs_moves_only_plain_json() -> None:
    params = completion_create_params.CompletionCreateParamsStreaming
    messages = [{"role": "user", "content": "hi"}]
    out = lean_kwargs(
        {"model": "m", "messages": messages, "tools": omit, "stream": True},
        params,
        ("messages", "tools"),
    )
    assert out == {
        "model": "m",
        "messages": [],
        "tools": omit,
        "stream": True,
        "extra_body": {"messages": messages},
    }
    # Not plain JSON: a pydantic model, a tuple, an omitted value inside. Left to openai.
    for value in (
        [{"role": "user", "content": "hi", "reasoning": Reasoning(effort="low")}],
        [("role", "user")],
        [{"role": "user", "content": omit}],
        [],
    ):
        kwargs = {"messages": value}
        assert lean_kwargs(kwargs, params, ("messages",)) == kwargs
    # The caller's extra_body wins, as openai merges it over the parameters.
    out = lean_kwargs(
        {"messages": messages, "extra_body": {"messages": ["x"], "k": 1}}, params, ("messages",)
    )
    assert out["extra_body"] == {"messages": ["x"], "k": 1}


def test_is_plain_json() -> None:
    assert is_plain_json([{"a": [1, 2.5, "x", None, True, {"b": []}]}])
    assert not is_plain_json([{"a": (1,)}])
    assert not is_plain_json([{1: "int key"}])
    assert not is_plain_json([{"a": date(2024, 1, 1)}])
    assert not is_plain_json([{"a": [{"b": omit}]}])


class _Formatted(TypedDict, total=False):
    when: Annotated[date, PropertyInfo(format="iso8601")]


class _Aliased(TypedDict, total=False):
    card_id: Required[Annotated[str, PropertyInfo(alias="cardID")]]


class _Plain(TypedDict, total=False):
    name: str


class _Params(TypedDict, total=False):
    plain: list[_Plain]
    nested_format: list[_Plain | dict[str, list[_Formatted]]]
    nested_alias: _Plain | _Aliased | None


def test_transform_free_finds_aliases_and_formats_anywhere() -> None:
    assert transform_free(_Params, "plain")
    assert not transform_free(_Params, "nested_format")
    assert not transform_free(_Params, "nested_alias")
    assert not transform_free(_Params, "missing")
    # openai's own request types: the parameters the lean client moves have none.
    params: type
    for params in (
        completion_create_params.CompletionCreateParamsStreaming,
        completion_create_params.CompletionCreateParamsNonStreaming,
    ):
        assert transform_free(params, "messages") and transform_free(params, "tools")
    for params in (
        response_create_params.ResponseCreateParamsStreaming,
        response_create_params.ResponseCreateParamsNonStreaming,
    ):
        assert transform_free(params, "input") and transform_free(params, "tools")


def test_a_chat_completions_client_leaves_the_responses_resource_unloaded() -> None:
    """openai.resources.responses (~4 MB of models built at import) loads only for it."""
    script = textwrap.dedent(
        """
        import json, sys
        from jupyter_chatkit.assistant.openai_client import LeanAsyncOpenAI
        client = LeanAsyncOpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
        client.chat.completions
        chat_only = "openai.resources.responses" in sys.modules
        from openai.resources.responses import AsyncResponses
        lean = isinstance(client.responses, AsyncResponses)
        print(json.dumps([chat_only, lean, client.responses is client.responses]))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=110
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, True, True]


# The one-pass header merge of the lean client's httpx2 client.

CLIENT_HEADERS = httpx2.Headers(
    {"Accept": "*/*", "Accept-Encoding": "gzip", "Connection": "keep-alive", "User-Agent": "x"}
)


@pytest.mark.parametrize(
    "headers",
    [
        [("Accept", "application/json"), ("X-Stainless-Lang", "python"), ("user-agent", "A")],
        [("ACCEPT-encoding", "br"), ("X-A", "1"), ("x-a", "2"), ("X-A", "3")],  # duplicates
        [],
        [("Content-Type", "application/json"), ("Authorization", "Bearer sk-1")],
    ],
)
def test_the_merged_headers_are_httpxs(headers: list[tuple[str, str]]) -> None:
    client = httpx2.AsyncClient(headers=CLIENT_HEADERS)
    expected = client._merge_headers(headers)
    merged = merged_headers(client.headers, headers)
    assert merged is not None
    assert isinstance(expected, httpx2.Headers)
    assert merged.raw == expected.raw
    assert list(merged.multi_items()) == list(expected.multi_items())


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {"Accept": "application/json"},  # a mapping
        [(b"Accept", b"application/json")],  # bytes
        [("X-Name", "Zoë")],  # not ASCII
        [("Accept", 1)],  # not a string
        [("Accept",)],
        httpx2.Headers({"Accept": "application/json"}),
    ],
)
def test_anything_else_is_left_to_httpx(headers: Any) -> None:
    client = httpx2.AsyncClient(headers=CLIENT_HEADERS)
    assert merged_headers(client.headers, headers) is None
    assert merged_headers(client.headers, [("A", "b")]) is not None
    assert lean_header_merge(client)
    try:
        expected: Any = httpx2.AsyncClient(headers=CLIENT_HEADERS)._merge_headers(headers)
    except Exception as error:  # httpx2's own error, the same through the lean client
        with pytest.raises(type(error)):
            client._merge_headers(headers)
    else:
        assert client._merge_headers(headers).raw == expected.raw  # type: ignore[union-attr]


def test_client_headers_that_are_not_ascii_are_left_to_httpx() -> None:
    own = httpx2.Headers([(b"X-Own", "Zoë".encode())])
    assert merged_headers(own, [("A", "b")]) is None


@pytest.mark.asyncio
@pytest.mark.parametrize("api", APIS)
async def test_the_headers_sent_are_httpxs(fake_llm: FakeLLM, api: Api) -> None:
    """A model request's headers, in order and bytes, with the lean merge and without."""
    settings = settings_for(fake_llm, api)
    model = build_model(settings)
    BUILT.append(model)
    client = model._client  # type: ignore[attr-defined]
    http = client._client
    assert "_merge_headers" in vars(http)  # the lean merge, on this client alone
    assert type(http)._merge_headers is httpx2.AsyncClient._merge_headers  # class untouched
    sent: list[list[tuple[bytes, bytes]]] = []

    async def record(request: httpx2.Request) -> None:
        sent.append(list(request.headers.raw))

    http.event_hooks["request"].append(record)
    for lean in (True, False):
        if not lean:
            del http._merge_headers  # httpx2's own merge
        fake_llm.script(Reply("Sure."))
        await run_turn(model, settings)
    assert len(sent) == 2
    # openai's idempotency key (a new one per request) is the only value that differs.
    lean_sent, httpx_sent = (
        [(k, b"-" if k.lower() == b"idempotency-key" else v) for k, v in headers]
        for headers in sent
    )
    assert lean_sent == httpx_sent
    assert (b"authorization", b"Bearer " + FAKE_API_KEY.encode()) in lean_sent


def test_a_client_of_ones_own_keeps_its_merge() -> None:
    own = httpx2.AsyncClient()
    client = LeanAsyncOpenAI(
        api_key=FAKE_API_KEY, base_url="http://127.0.0.1:9/v1", http_client=own
    )
    assert client._client is own
    assert "_merge_headers" not in vars(own)


@pytest.mark.asyncio
@pytest.mark.parametrize("api", ["chat_completions", "responses"])
async def test_a_provider_behind_https_is_verified(
    api: Api, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real providers are behind https: the model speaks TLS, trusting the CA bundle the
    environment names (SSL_CERT_FILE, a company's CA), and a provider whose certificate
    that bundle does not vouch for is refused (no answer, no request reaches it)."""
    trustme = pytest.importorskip("trustme")
    provider_ca, other_ca = trustme.CA(), trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    provider_ca.issue_cert("127.0.0.1").configure_cert(server_context)
    llm = FakeLLM(ssl_context=server_context).start()
    try:
        assert llm.base_url.startswith("https://")
        settings = settings_for(llm, api)
        for ca, trusted in ((provider_ca, True), (other_ca, False)):
            bundle = tmp_path / f"ca-{trusted}.pem"
            ca.cert_pem.write_to_path(str(bundle))
            monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
            model = build_model(settings)
            BUILT.append(model)
            llm.script(Reply("over tls"))
            if trusted:
                await run_turn(model, settings)
                assert len(llm.calls) == 1
            else:
                with pytest.raises(APIConnectionError) as info:
                    await run_turn(model, settings)
                assert isinstance(info.value.__cause__, httpx2.ConnectError)
                assert len(llm.calls) == 1  # nothing more reached the provider
    finally:
        llm.stop()


def test_another_openai_keeps_its_own_transform(monkeypatch: pytest.MonkeyPatch) -> None:
    """The transform is skipped only in the openai release it was read in."""
    import types

    from jupyter_chatkit.assistant.openai_client import skip_plain_transform

    resource = types.ModuleType("fake_openai_resource")
    resource.async_maybe_transform = async_maybe_transform  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, resource.__name__, resource)
    monkeypatch.setattr("openai.__version__", "99.0.0")
    skip_plain_transform(resource.__name__)
    assert resource.async_maybe_transform is async_maybe_transform  # type: ignore[attr-defined]
    monkeypatch.undo()
    monkeypatch.setitem(sys.modules, resource.__name__, resource)
    skip_plain_transform(resource.__name__)
    assert resource.async_maybe_transform is not async_maybe_transform  # type: ignore[attr-defined]


def test_another_httpx2_keeps_its_own_header_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-pass header merge is given only for the httpx2 release it was read in."""
    monkeypatch.setattr(httpx2, "__version__", "99.0.0")
    client = LeanAsyncOpenAI(api_key=FAKE_API_KEY, base_url="http://127.0.0.1:9/v1")
    assert "_merge_headers" not in vars(client._client)
    monkeypatch.undo()
    client = LeanAsyncOpenAI(api_key=FAKE_API_KEY, base_url="http://127.0.0.1:9/v1")
    assert "_merge_headers" in vars(client._client)

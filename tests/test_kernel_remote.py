"""Which server a kernel asks, and what it says when that server cannot answer (issue 15)."""

from __future__ import annotations

import cProfile
import json
import pstats
from pathlib import Path

import pytest

from jupyter_chatkit.assistant.server import JsonResult
from jupyter_chatkit.kernel.remote import (
    RemoteAssistant,
    ServerEndpoint,
    _json_result,
    _server_of_parent,
    find_server,
)
from jupyter_chatkit.kernel.runtime import kernel_context
from jupyter_chatkit.protocol import ErrorCode

from .fixtures.ports import free_port


def test_under_a_hub_the_kernel_asks_its_own_server() -> None:
    env = {
        "JUPYTERHUB_API_TOKEN": "the-servers-token",
        "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:40000/user/alice/",
        "JUPYTERHUB_USER": "alice",
    }
    endpoint = find_server(env)
    assert endpoint == ServerEndpoint(
        "http://127.0.0.1:40000/user/alice/jupyter-chatkit/chatkit", "the-servers-token", hub=True
    )
    # Never the token in a repr (reprs reach logs and tracebacks).
    assert "the-servers-token" not in repr(endpoint)


def test_the_kernels_own_context_never_reads_jupyterhub_user(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JUPYTERHUB_USER", "bob")
    assert kernel_context().user_id == "local"


def test_a_local_server_is_found_by_its_runtime_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    info = {"pid": 4242, "url": "http://localhost:8888/base/", "token": "abc123"}
    (tmp_path / "jpserver-4242.json").write_text(json.dumps(info))
    assert _server_of_parent(4242) == ServerEndpoint(
        "http://localhost:8888/base/jupyter-chatkit/chatkit", "abc123"
    )
    # Another process's server, or one without a token, is not the kernel's.
    assert _server_of_parent(4243) is None
    (tmp_path / "jpserver-4244.json").write_text(json.dumps({**info, "pid": 4244, "token": ""}))
    assert _server_of_parent(4244) is None
    (tmp_path / "jpserver-4245.json").write_text("not json")
    assert _server_of_parent(4245) is None


@pytest.mark.asyncio
async def test_an_unreachable_server_is_a_readable_error() -> None:
    port = free_port()
    # Nothing listens there.
    remote = RemoteAssistant(ServerEndpoint(f"http://127.0.0.1:{port}/jupyter-chatkit/chatkit"))
    try:
        result = await remote.handle(b'{"type": "threads.list", "params": {}}', kernel_context())
    finally:
        await remote.aclose()
    assert isinstance(result, JsonResult) and result.status == 503
    assert "could not reach its Jupyter server" in json.loads(result.body)["message"]
    assert json.loads(result.body)["code"] == ErrorCode.UNAVAILABLE


def test_a_proxys_html_page_becomes_a_message() -> None:
    refused = _json_result(403, "text/html", b"<html>Forbidden</html>")
    assert json.loads(refused.body) == {
        "message": "Your Jupyter server refused the kernel's request (not authorized).",
        "code": ErrorCode.FORBIDDEN,
    }
    gateway = _json_result(502, "text/html", b"<html>Bad gateway</html>")
    assert json.loads(gateway.body)["message"].endswith("status 502.")
    passed = _json_result(404, "application/json", b'{"message": "No such conversation."}')
    assert passed == JsonResult(404, b'{"message": "No such conversation."}')


def test_under_a_hub_an_unreachable_server_is_still_the_one_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No silent switch to a store of the kernel's own: the answer says what is wrong."""
    from jupyter_chatkit.kernel.runtime import AssistantRuntime

    port = free_port()
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "a-token")
    monkeypatch.setenv("JUPYTERHUB_SERVICE_URL", f"http://127.0.0.1:{port}/user/alice/")
    runtime = AssistantRuntime()

    async def ask() -> JsonResult:
        assistant = await runtime.assistant()
        try:
            result = await assistant.handle(
                b'{"type": "threads.list", "params": {}}', kernel_context()
            )
        finally:
            await runtime._close_connections()
        assert isinstance(result, JsonResult)
        return result

    result = runtime.run(ask(), timeout=60)
    assert isinstance(runtime._remote, RemoteAssistant)
    assert result.status == 503
    assert "could not reach its Jupyter server" in json.loads(result.body)["message"]
    assert json.loads(result.body)["code"] == ErrorCode.UNAVAILABLE
    loop, thread = runtime._loop, runtime._thread
    assert loop is not None and thread is not None
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
    loop.close()


def _ca_bundle_loads(profile: cProfile.Profile) -> int:
    """How many times ``profile`` saw a CA bundle loaded into a TLS context."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(calls[1] for key, calls in stats.items() if "load_verify_locations" in str(key[2]))


@pytest.mark.asyncio
async def test_the_kernels_questions_load_the_ca_bundle_once() -> None:
    """Each question opens the kernel's HTTP client anew (it is closed when the answer
    is in); its TLS settings are made once per process, not per client (20-70 ms each)."""
    port = free_port()
    remote = RemoteAssistant(ServerEndpoint(f"http://127.0.0.1:{port}/jupyter-chatkit/chatkit"))
    profile = cProfile.Profile()
    profile.enable()
    try:
        for _ in range(3):
            assert await remote.available() is None  # nothing listens there
            await remote.aclose()
    finally:
        profile.disable()
    # At most once: another test of this process may have made them already.
    assert _ca_bundle_loads(profile) <= 1

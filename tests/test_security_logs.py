"""Red team: no secret in the server's log (at any level) or the model's input, on the
provider path.

A provider URL with credentials (``http://user:password@host/v1``) is a secret like the
API key: the HTTP client logs each request's URL at INFO.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_chatkit.assistant.scrub import register_secret
from jupyter_chatkit.logs import hide_url_credentials, setup_logging

from .chatkit_helpers import parse_sse, user_input
from .fixtures.fake_llm import FakeLLM, Reply, ToolCall, http_error
from .test_handlers import answer_of, body, post, server_config

KEY = "sk-test-red-team-key-0123456789"
PASSWORD = "hunter2-url-password-XYZ"
NOISY = ("httpx", "httpx2", "httpcore", "openai", "openai.agents", "chatkit", "jupyter_chatkit")


@pytest.fixture(params=["chat_completions", "responses"])
def api(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jp_server_config(tmp_path: Path, fake_llm: FakeLLM, api: str) -> Config:
    url = fake_llm.base_url.replace("http://", f"http://alice:{PASSWORD}@")
    return server_config(
        tmp_path,
        base_url=url,
        api_key=KEY,
        api=api,
        model="fake-model",
        max_retries=0,
        request_timeout=5.0,
    )


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at DEBUG, as a site debugging its server would run it."""
    levels = {name: logging.getLogger(name).level for name in NOISY}
    caplog.set_level(logging.DEBUG)
    for name in NOISY:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield caplog
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


async def test_debug_log_of_a_turn_and_an_upstream_error_holds_no_secret(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM, debug_logs: pytest.LogCaptureFixture
) -> None:
    fake_llm.script(
        Reply("hello"),
        # A provider that echoes what it was sent (some proxies do).
        http_error(400, f"bad key {KEY} for http://alice:{PASSWORD}@proxy/v1"),
    )
    first = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("hi")))).body)
    assert answer_of(first) == "hello"
    thread_id = first[0].thread.id  # type: ignore[union-attr]
    again = await post(
        jp_fetch, body("threads.add_user_message", thread_id=thread_id, input=user_input("again"))
    )
    assert "error" in [e.type for e in parse_sse(again.body)]
    # The requests reached the provider with the URL's credentials (Basic auth).
    assert len(fake_llm.calls) == 2
    logged = _logged(debug_logs)
    assert "HTTP Request: POST http://***@127.0.0.1" in logged  # the client did log the URL
    assert PASSWORD not in logged
    assert KEY not in logged
    assert PASSWORD not in again.body.decode() and KEY not in again.body.decode()


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        ("GET https://bob:pw@h/x", "GET https://***@h/x"),
        ("token url https://sk-abcdef@h/v1 failed", "token url https://***@h/v1 failed"),
        ("mail ada@example.org", "mail ada@example.org"),
        ("no url here", "no url here"),
    ],
)
def test_a_url_s_userinfo_is_hidden_in_any_record(message: str, shown: str) -> None:
    record = logging.LogRecord("any.library", logging.INFO, __file__, 1, "%s", (message,), None)
    hide_url_credentials(record)
    assert record.getMessage() == shown


def test_a_password_holding_an_at_sign_is_hidden_whole() -> None:
    # urlsplit (and so the provider's client) reads the userinfo up to the last "@".
    record = logging.LogRecord(
        "httpx2", logging.INFO, __file__, 1, "%s", ("POST http://u:p@ss-tail@h/v1",), None
    )
    hide_url_credentials(record)
    assert record.getMessage() == "POST http://***@h/v1"


def test_a_url_s_userinfo_is_hidden_in_a_logged_traceback() -> None:
    # An HTTP client's error names the URL; logger.exception prints it from exc_info.
    try:
        raise ConnectionError(f"connect failed: http://alice:{PASSWORD}@proxy/v1/x")
    except ConnectionError as error:
        exc_info = (type(error), error, error.__traceback__)
    record = logging.LogRecord("any.library", logging.ERROR, __file__, 1, "failed", (), exc_info)
    record.stack_info = f"Stack (most recent call last):\n  url = 'http://a:{PASSWORD}@h'"
    hide_url_credentials(record)
    out = logging.Formatter().format(record)
    assert PASSWORD not in out
    assert "ConnectionError: connect failed: http://***@proxy/v1/x" in out


def test_hiding_userinfo_is_linear_on_a_long_run_of_scheme_characters() -> None:
    # Each letter of the run used to start a scan of the whole run (quadratic: minutes
    # at this size; pytest-timeout ends it).
    message = "a" * 1_000_000 + "@ http://u:pw@h/"
    record = logging.LogRecord("any.library", logging.INFO, __file__, 1, "%s", (message,), None)
    hide_url_credentials(record)
    assert record.getMessage().endswith("@ http://***@h/")


async def test_the_provider_url_password_in_notebook_content_never_reaches_the_model(
    jp_fetch: Callable[..., Any], fake_llm: FakeLLM
) -> None:
    """A cell that prints the proxy's password (read from the URL, so under no secret
    name) is hidden by exact value, as the API key is."""
    fake_llm.script(
        Reply(tool_calls=[ToolCall("get_active_cell", {})]),
        Reply("done"),
    )
    first = parse_sse((await post(jp_fetch, body("threads.create", input=user_input("?")))).body)
    thread_id = first[0].thread.id  # type: ignore[union-attr]
    cell = {
        "index": 3,
        "source": "urlsplit(os.environ['OPENAI_BASE_URL']).password",
        "outputs": [{"output_type": "execute_result", "text": f"'{PASSWORD}'"}],
    }
    answer = await post(
        jp_fetch, body("threads.add_client_tool_output", thread_id=thread_id, result=cell)
    )
    assert answer_of(parse_sse(answer.body)) == "done"
    sent = json.dumps(fake_llm.requests)
    assert "urlsplit" in sent  # the cell did reach the model
    assert PASSWORD not in sent
    assert PASSWORD not in answer.body.decode()


def test_a_record_whose_exc_info_cannot_be_formatted_is_still_made() -> None:
    # The record factory runs inside the logging call: a malformed exc_info (a library's
    # hand-made tuple) must not raise into the code that was reporting an error there;
    # the handler's own formatting reports it as logging always did.
    exc_info: Any = (ValueError, "not an exception object", None)
    record = logging.LogRecord("any.library", logging.ERROR, __file__, 1, "failed", (), exc_info)
    hide_url_credentials(record)
    assert record.getMessage() == "failed" and record.exc_info is exc_info


@pytest.fixture
def info_only_logger() -> Iterator[tuple[logging.Logger, io.StringIO, list[logging.LogRecord]]]:
    """A DEBUG logger whose one handler writes INFO and up (traitlets' set-up of a
    server's log), with the records made on it."""
    logger = logging.getLogger("test_security_logs.info_only")
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setLevel(logging.INFO)
    made: list[logging.LogRecord] = []
    record_made = made.append
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    logger.addFilter(lambda record: record_made(record) is None)
    yield logger, out, made
    logger.handlers.clear()
    logger.filters.clear()
    logger.propagate = True
    logger.setLevel(logging.NOTSET)


def test_a_traceback_with_url_credentials_and_the_key_loses_both(
    info_only_logger: tuple[logging.Logger, io.StringIO, list[logging.LogRecord]],
) -> None:
    """The URL-credential factory keeps a cleaned traceback as text (no exc_info): the
    key scrubber skipped such a record's traceback, and the key was written."""
    logger, out, _ = info_only_logger
    setup_logging()
    register_secret(KEY)
    try:
        raise RuntimeError(f"failed with {KEY} at http://alice:{PASSWORD}@llm.example/v1")
    except RuntimeError:
        logger.exception("upstream failed")
    assert "RuntimeError" in out.getvalue() and "llm.example" in out.getvalue()
    assert KEY not in out.getvalue() and PASSWORD not in out.getvalue()


def test_a_password_with_a_hash_or_slash_is_hidden_in_a_record() -> None:
    # A store password as SQLAlchemy reads it (up to the "@"), unescaped "#" and "/".
    message = "store postgresql://u:Pa55#w0/rd@db/chat; see http://h:8000/x?to=a@b"
    record = logging.LogRecord("any.library", logging.INFO, __file__, 1, "%s", (message,), None)
    hide_url_credentials(record)
    assert record.getMessage() == "store postgresql://***@db/chat; see http://h:8000/x?to=a@b"


@pytest.mark.parametrize("refused", [[], ["--JupyterChatKit.max_upload_bytes=zz"]])
def test_the_server_s_debug_log_never_prints_the_configured_secrets(
    tmp_path: Path, refused: list[str]
) -> None:
    """``jupyter server --debug`` prints its config as it is linked ("Config changed: ..."),
    in the server's and every extension's log: the key set on the command line or in
    ``jupyter_server_config.py``, a provider URL's password and an MCP server's token
    were written whole there (found by RED6 with ``jupyter lab --debug``). The same with
    another setting's value refused beside them: building the settings that register
    them raised, so they were printed (and a traceback), the assistant then running
    without the config."""
    (tmp_path / "config").mkdir()
    in_file = f"sk-in-a-config-file-{uuid.uuid4().hex}"
    (tmp_path / "config" / "jupyter_server_config.py").write_text(
        f"c.JupyterChatKit.api_key = {in_file!r}\n", encoding="utf-8"
    )
    password, token = f"url-pw-{uuid.uuid4().hex}", f"mcp-token-{uuid.uuid4().hex}"
    mcp = json.dumps({"x": {"command": "true", "env": {"TOKEN": token}}})
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_CHATKIT_STORE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
    }
    args = [
        sys.executable, "-m", "jupyter_server", "--debug", "--no-browser", "--allow-root",
        "--ServerApp.port=0", f"--ServerApp.root_dir={tmp_path}",
        f"--JupyterChatKit.base_url=http://ada:{password}@127.0.0.1:9/v1",
        f"--JupyterChatKit.mcp_servers={mcp}", *refused,
    ]  # fmt: skip
    server = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []
    try:
        assert server.stderr is not None
        for line in server.stderr:
            lines.append(line)
            # Loaded; or the server runs without it (read no further: it never ends).
            if "jupyter_chatkit | extension was successfully loaded" in line:
                break
            if "is running at" in line:
                break
    finally:
        server.terminate()
        rest = server.communicate(timeout=30)[1]
    logged = "".join(lines) + rest
    assert "jupyter_chatkit | extension was successfully loaded" in logged, logged[-3000:]
    assert "JupyterChatKit" in logged and "Config changed" in logged  # the config was printed
    for secret in (in_file, password, token):
        assert secret not in logged
    assert ("the assistant is off: c.JupyterChatKit.max_upload_bytes" in logged) == bool(refused)
    assert "Traceback" not in logged

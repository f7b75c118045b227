"""Logging is set up by the processes that run the assistant, never by an import."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from jupyter_chatkit import logs

from .test_handlers import server_config


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path)


@pytest.fixture
def fresh_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as if nothing had set up logging yet (restored afterwards)."""
    monkeypatch.setattr(logs, "_installed", False)
    for name in logs.LIBRARY_LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "filters", [])
        monkeypatch.setattr(logging.getLogger(name), "handlers", [])
    package = logging.getLogger("jupyter_chatkit")
    monkeypatch.setattr(package, "handlers", [])
    monkeypatch.setattr(package, "level", package.level)
    monkeypatch.setattr(logs, "_server_handlers", [])
    monkeypatch.setattr(logs, "_level_from_server", False)
    yield


def test_importing_the_package_configures_no_logging() -> None:
    code = (
        "import logging, jupyter_chatkit.assistant.server, jupyter_chatkit.serverext.app, "
        "jupyter_chatkit.kernel.widget\n"
        "print(sum(len(logging.getLogger(n).filters) for n in ('chatkit', 'openai.agents')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "0"


async def test_the_server_extension_keeps_library_tracebacks_out_of_the_log(
    fresh_logging: None, jp_serverapp: Any, caplog: pytest.LogCaptureFixture
) -> None:
    assert jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"] is not None
    try:
        raise RuntimeError("SELECT * FROM items WHERE text = 'my secret question'")
    except RuntimeError:
        logging.getLogger("chatkit").exception("Error while generating streamed response")
    (record,) = [r for r in caplog.records if r.name == "chatkit"]
    assert record.exc_info is None
    assert record.getMessage() == "Error while generating streamed response (RuntimeError)"
    assert "my secret question" not in caplog.text and "Traceback" not in caplog.text


def test_setup_logging_is_idempotent(fresh_logging: None) -> None:
    logs.setup_logging()
    logs.setup_logging()
    assert [type(f) for f in logging.getLogger("chatkit").filters] == [logs.NoTracebacks]


def test_mcp_client_tracebacks_stay_out_of_the_log(
    fresh_logging: None, caplog: pytest.LogCaptureFixture
) -> None:
    """The MCP client logs exceptions whose tracebacks can hold a server's URL or body."""
    logs.setup_logging()
    try:
        raise RuntimeError("POST https://u:pw@mcp.example/mcp body={'token': 'abc'}")
    except RuntimeError:
        logging.getLogger("mcp.client.streamable_http").exception("Error in post writer")
    (record,) = [r for r in caplog.records if r.name.startswith("mcp")]
    assert record.exc_info is None
    assert "pw@mcp.example" not in caplog.text and "Traceback" not in caplog.text


@contextlib.contextmanager
def server_log(serverapp: Any) -> Iterator[io.StringIO]:
    """What the extension app's own log handlers write, within."""
    (app,) = serverapp.extension_manager.extension_apps["jupyter_chatkit"]
    # The app's own handlers: in a full run pytest's capture handlers can be among them
    # (they write pytest's format to pytest's report, not the server's log).
    jupyters = [h for h in app.log.handlers if not type(h).__module__.startswith("_pytest")]
    assert jupyters
    out = io.StringIO()
    streams = [handler.setStream(out) for handler in jupyters]
    try:
        yield out
    finally:
        for handler, stream in zip(jupyters, streams, strict=True):
            handler.setStream(stream)


async def test_the_assistant_logs_in_the_server_s_format(
    fresh_logging: None, jp_serverapp: Any
) -> None:
    """A warning of the assistant (a model run that failed) is written as Jupyter's own
    ("[W 2026-11-30 17:28:59.123 ...] ..."), once, with a URL's credentials hidden: it
    was printed bare, by Python's last-resort handler."""
    with server_log(jp_serverapp) as out:
        logging.getLogger("jupyter_chatkit.assistant.turn").warning(
            "Model run failed in thread %s: %s", "thr_1", "at https://u:pw@llm.example/v1"
        )
    lines = [line for line in out.getvalue().splitlines() if "Model run failed" in line]
    assert len(lines) == 1, out.getvalue()
    assert re.match(r"\[W \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ", lines[0]), lines
    assert "pw@llm.example" not in lines[0] and "***@llm.example" in lines[0]


async def test_chatkit_s_own_failures_are_written_in_the_server_s_format(
    fresh_logging: None, jp_serverapp: Any
) -> None:
    """ChatKit logs a failed stream itself ("Error while generating streamed response",
    e.g. a message to a conversation deleted in another view): it was printed bare, with
    no level or time, by Python's last-resort handler. Now as Jupyter's own, its
    traceback still cut to the type."""
    with server_log(jp_serverapp) as out:
        try:
            raise LookupError("thread thr_1 not found")
        except LookupError:
            logging.getLogger("chatkit").exception("Error while generating streamed response")
    lines = [line for line in out.getvalue().splitlines() if "streamed response" in line]
    assert len(lines) == 1, out.getvalue()
    assert re.match(r"\[E \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ", lines[0]), lines
    assert "Traceback" not in out.getvalue() and "thr_1" not in out.getvalue()

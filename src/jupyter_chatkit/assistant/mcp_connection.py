"""One configured MCP server while it runs, and its tools as the model sees them.

:class:`McpConnection` starts a server of ``c.JupyterChatKit.mcp_servers`` (mcp_config.py)
with openai-agents' ``MCPServerStdio`` / ``MCPServerStreamableHttp`` (its static tool
filter keeps a server's ``tools``), lists its offered tools as :class:`McpToolRef`
(named ``mcp__<server>__<tool>`` by :func:`tool_name`), answers pings and closes it.
Each server runs in a task of its own, since the MCP client's cancel scopes must be
entered and left by the same task. Which servers run, and when they are started again,
is mcp.py's (:class:`~jupyter_chatkit.assistant.mcp.McpTools`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..protocol import MCP_TOOL_PREFIX
from .mcp_config import McpServerConfig

if TYPE_CHECKING:
    from agents.mcp import MCPServer, MCPServerStdio

MAX_TOOL_NAME = 64
# openai-agents' MCP clients: importing it loads the mcp package in full (its client,
# server, starlette, uvicorn, ...), which the server extension defers until a server
# starts (serverext/deferred_imports.py).
MCP_CLIENT_MODULE = "agents.mcp.server"


def is_mcp_tool(name: str) -> bool:
    """True for the name of an MCP tool as the model sees it."""
    return name.startswith(MCP_TOOL_PREFIX)


def tool_name(server: str, tool: str) -> str:
    """``mcp__<server>__<tool>``, within the model's name rules (``[A-Za-z0-9_-]{1,64}``)."""
    name = f"{MCP_TOOL_PREFIX}{server}__{re.sub(r'[^A-Za-z0-9_-]', '_', tool)}"
    if len(name) <= MAX_TOOL_NAME:
        return name
    digest = hashlib.sha256(tool.encode()).hexdigest()[:8]
    return f"{name[: MAX_TOOL_NAME - 9]}_{digest}"


@dataclass(frozen=True)
class McpToolRef:
    """One tool of one server, as offered to the model."""

    name: str
    server: str
    tool: str
    description: str
    schema: Mapping[str, Any]
    ask: bool


def make_server(config: McpServerConfig) -> MCPServer:
    """The openai-agents MCP client for ``config`` (imported here: only when configured)."""
    from agents.mcp import MCPServerStreamableHttp, create_static_tool_filter

    tool_filter = (
        create_static_tool_filter(allowed_tool_names=sorted(config.tools))
        if config.tools is not None
        else None
    )
    if config.url:
        return MCPServerStreamableHttp(
            {"url": config.url, "headers": dict(config.headers), "timeout": config.timeout},
            name=config.name,
            client_session_timeout_seconds=config.timeout,
            tool_filter=tool_filter,
        )
    params: dict[str, Any] = {"command": config.command, "args": list(config.args)}
    if config.env:
        # Merged over the MCP client's minimal default environment: the Jupyter
        # server's own variables (its API key) are not passed on.
        params["env"] = dict(config.env)
    if config.cwd:
        params["cwd"] = config.cwd
    return _logged_stdio()(
        params,  # type: ignore[arg-type]
        name=config.name,
        client_session_timeout_seconds=config.timeout,
        tool_filter=tool_filter,
    )


@functools.cache
def _logged_stdio() -> type[MCPServerStdio]:
    """openai-agents' stdio client, with the server's stderr logged (mcp_stderr.py)."""
    from agents.mcp import MCPServerStdio as Stdio

    from .mcp_stderr import stdio_streams

    class LoggedStdio(Stdio):
        def create_streams(self) -> Any:
            return stdio_streams(self.params, self.name)

    return LoggedStdio


class McpConnection:
    """One running MCP server: connected, listed, and closed by a task of its own."""

    def __init__(self, config: McpServerConfig) -> None:
        self.config = config
        self.server: MCPServer | None = None
        self.tools: list[McpToolRef] = []
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the server and list its tools; raises what went wrong."""
        # Seconds of imports the first time: in a worker thread, not on the event loop.
        await asyncio.to_thread(importlib.import_module, MCP_CLIENT_MODULE)
        ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        # Read even when nobody waits any more (a start that timed out), so a late
        # failure is not reported as "never retrieved".
        ready.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._task = asyncio.create_task(self._run(ready), name=f"mcp:{self.config.name}")
        # The client has its own timeouts; this one bounds a server that never answers.
        await asyncio.wait_for(asyncio.shield(ready), self.config.timeout + 5)

    async def _run(self, ready: asyncio.Future[None]) -> None:
        server = make_server(self.config)
        try:
            await server.connect()
            listed = await server.list_tools()
        except BaseException as exc:
            with contextlib.suppress(BaseException):
                await server.cleanup()
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else RuntimeError("stopped"))
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        self.server = server
        refs: dict[str, McpToolRef] = {}
        for tool in listed:
            ref = self._ref(tool)
            # Two names that read the same once made model-safe: the first one is kept.
            if self.config.offers(tool.name) and ref.name not in refs:
                refs[ref.name] = ref
        self.tools = list(refs.values())
        if not ready.done():
            ready.set_result(None)
        try:
            await self._stop.wait()
        finally:
            self.server = None
            with contextlib.suppress(BaseException):
                await server.cleanup()

    def _ref(self, tool: Any) -> McpToolRef:
        schema = getattr(tool, "input_schema", None) or getattr(tool, "inputSchema", None)
        schema = dict(schema) if isinstance(schema, Mapping) else {}
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        return McpToolRef(
            name=tool_name(self.config.name, tool.name),
            server=self.config.name,
            tool=tool.name,
            description=(tool.description or f"The {tool.name} tool of {self.config.name}.")[:1000],
            schema=schema,
            ask=not self.config.runs_unasked(tool.name),
        )

    async def alive(self) -> bool:
        """True when the server answers a ping (a stdio server may have died while idle)."""
        session = getattr(self.server, "session", None)
        if session is None:
            return False
        try:
            await asyncio.wait_for(session.send_ping(), min(5.0, self.config.timeout))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        """Stop the server (bounded: a stuck one is cancelled)."""
        self._stop.set()
        task, self._task = self._task, None
        if task is None:
            return
        if self.server is None and not task.done():
            # Still starting (a server that never answers): nothing to close cleanly.
            task.cancel()
        try:
            await asyncio.wait_for(asyncio.shield(task), 10)
        except BaseException:
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

"""The processes a benchmark starts (Jupyter servers, the fake LLM) and what it reads of
them: ports, start-up, readiness, CPU time and memory (Linux ``/proc``)."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

TOKEN = "bench-token"
# An API key as long as OpenAI's project keys (sk-proj-…, ~164 characters): the context
# policy and the stream's scrubbing hide the configured key by exact value, prefix and
# core, work that grows with its length (with an 8-character key a Redactor's set-up cost
# ~4 us, with this one ~195 us before 2bbd338 kept it per settings).
API_KEY = "sk-proj-" + "a1B2c3D4e5F6g7H8" * 10


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jupyter_server_argv(port: int, root_dir: str) -> list[str]:
    """A quiet ``jupyter server`` with jupyter-chatkit on ``port``, token ``TOKEN``."""
    return [
        sys.executable,
        "-m",
        "jupyter_server",
        "--allow-root",
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={TOKEN}",
        "--ServerApp.jpserver_extensions={'jupyter_chatkit': True}",
        # One user starts tens of conversations a second here (the load sections).
        "--JupyterChatKit.max_new_threads_per_minute=0",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.log_level=WARN",
    ]


def server_env(llm_url: str, store_url: str, home: str) -> dict[str, str]:
    """The environment of a benchmarked Jupyter server: chat completions against the
    fake LLM at ``llm_url``, the store at ``store_url``, Jupyter's dirs under ``home``."""
    return {
        **os.environ,
        "OPENAI_BASE_URL": f"{llm_url}/v1",
        "OPENAI_API_KEY": API_KEY,
        "JUPYTER_CHATKIT_MODEL": "fake-model",
        "JUPYTER_CHATKIT_API": "chat_completions",
        "JUPYTER_CHATKIT_STORE_URL": store_url,
        "JUPYTER_CONFIG_DIR": f"{home}/config",
        "JUPYTER_DATA_DIR": f"{home}/data",
        "JUPYTER_RUNTIME_DIR": f"{home}/runtime",
    }


async def wait_until_up(client: httpx.AsyncClient, url: str, within: float = 60) -> None:
    """Wait for the health endpoint at ``url`` to say ready and warm."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            response = await client.get(url)
            health = response.json() if response.status_code == 200 else {}
            # Built, and its warm-up turn after start ended (older servers: ready only).
            if health.get("ready") and health.get("warm", True):
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def control(client: httpx.AsyncClient, urls: dict[str, str], **body: Any) -> None:
    """Script the fake LLM process."""
    (await client.post(f"{urls['llm']}/_fake/control", json=body)).raise_for_status()


def stop_processes(procs: Iterable[subprocess.Popen[Any]], within: float = 10) -> None:
    """Terminate ``procs`` together, then wait for each (killed if it will not stop)."""
    procs = list(procs)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(within)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(within)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def precise_cpu_seconds(pid: int) -> float:
    """CPU time of a process's live threads so far, to the nanosecond (Linux schedstat;
    :func:`cpu_seconds` counts clock ticks, 10 ms each). Threads that ended are not
    counted: use it across spans in which the process's threads stay (its pools)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # the thread ended meanwhile
    return total / 1e9


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_ready(origin: str, token: str, within: float = 180) -> None:
    """Wait for the extension's health endpoint to report ready (its warm-up done)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(
                f"{origin}/jupyter-chatkit/health", headers={"Authorization": f"token {token}"}
            )
            with urllib.request.urlopen(req, timeout=5) as res:
                if json.loads(res.read()).get("ready"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("jupyter-chatkit did not report ready")

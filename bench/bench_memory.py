"""Idle memory of a Jupyter server with jupyter-chatkit, against one without it.

    python bench/bench_memory.py [--rounds N] [--compare OTHER_CHECKOUT] [--idle-only]

1. Idle memory added (issue 12, target <= 70 MB): the resident size of a ``jupyter
   server`` with the extension, once its background build (imports, store, warm-up,
   warm-up turn) is done, minus a bare ``jupyter server`` started in the same run.
   Four servers with the extension: a provider configured (chat completions), one on
   the Responses API, the offline model, and a provider plus one MCP server configured
   (not started at idle: the ``mcp`` package loads in full when it first starts). ``--compare PATH``
   starts the same servers from another checkout (``PATH/src`` first on their
   ``PYTHONPATH``) in the same run, against the same bare server, for before/after
   figures on a shared machine.
2. Where it goes: a fresh Python per row imports ``jupyter_server`` and then, in
   order, each group of what the background build loads, then builds the assistant
   the way the server does (``AssistantHolder``); each row is the resident memory it
   adds (medians of ``--rounds`` interpreters). Measured with the server's deferrals
   (``serverext/deferred_imports.py``: mcp, sqlalchemy.ext.asyncio, trio) and without.

Numbers are differences against baselines measured in this run. ``--idle-only`` prints
section 1 alone (section 2 starts ~20 interpreters per round). This is not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import (  # noqa: E402
    TOKEN,
    free_port,
    jupyter_server_argv,
    rss_mb,
    stop_processes,
)

# Import groups in the order the background build meets them.
IMPORT_STEPS: list[tuple[str, str]] = [
    ("pydantic", "import pydantic"),
    ("openai", "import openai"),
    ("mcp (as openai-agents imports it)", "import mcp.shared.exceptions"),
    ("openai-agents (sandbox, griffe, ...)", "import agents"),
    ("chatkit", "import chatkit.server, chatkit.agents"),
    ("sqlalchemy + aiosqlite", "import sqlalchemy.ext.asyncio, aiosqlite"),
    ("jupyter_chatkit's own modules", "import jupyter_chatkit.assistant.server"),
]
# The build as the server does it: the holder (store, agent, warm-up), in one loop.
BUILD = textwrap.dedent(
    """
    import asyncio, tempfile
    from jupyter_chatkit.serverext.holder import AssistantHolder
    from jupyter_chatkit.settings import Settings
    _tmp = tempfile.mkdtemp()
    _settings = Settings(model="fake-model", api="chat_completions",
        base_url="http://127.0.0.1:9/v1", api_key="sk-bench",
        store_url=f"sqlite:///{_tmp}/chat.sqlite3", title_threads=False)
    async def _build():
        holder = AssistantHolder(_settings, attachment_url=lambda a: a)
        await holder.get()
        ended = getattr(holder, "warm_up_ended", None)  # the warm-up turn after the build
        if ended is not None:
            await ended()
        return holder
    _loop = asyncio.new_event_loop()
    _holder = _loop.run_until_complete(_build())
    """
)
# The extension's module, imported when the server starts (before the build).
EXTENSION = "import jupyter_chatkit.serverext.app\n"
DEFER_MCP = (
    "from jupyter_chatkit.serverext.deferred_imports import defer_unused_packages\n"
    "defer_unused_packages()\n"
)
PRINT_RSS = "\nprint(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])"


def rss_of_python(code: str, rounds: int) -> float:
    """Median resident MB of fresh interpreters after ``code``."""
    values = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", code + PRINT_RSS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        values.append(float(out.stdout.split()[-1]) / 1024)
    return statistics.median(values)


def where_it_goes(rounds: int) -> None:
    """Section 2: the resident memory each import group and the build add."""
    print("2. where it goes (a fresh Python per row, medians of", rounds, "runs)")
    for label, extension in (
        ("with the deferrals", EXTENSION + DEFER_MCP),
        ("without them (as before serverext/deferred_imports.py)", EXTENSION),
    ):
        code = "import jupyter_server.serverapp\n"
        previous = base = rss_of_python(code, rounds)
        print(f"   {label}: python + jupyter_server {base:6.1f} MB")
        rows = [
            ("the extension's module (at start)", extension),
            *IMPORT_STEPS,
            ("build + warm-up (AssistantHolder)", BUILD),
        ]
        for name, statement in rows:
            code += statement + "\n"
            now = rss_of_python(code, rounds)
            print(f"     {name:40s} {now - previous:+6.1f} MB   (so far {now - base:+6.1f})")
            previous = now


def wait_ready(url: str, extension: bool, within: float = 180) -> None:
    """Until the server answers; with the extension, until its build and warm-up ended."""
    headers = {"Authorization": f"token {TOKEN}"}
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, headers=headers, timeout=10)
            if response.status_code == 200:
                health = response.json() if extension else {}
                if not extension or (health.get("ready") and health.get("warm", True)):
                    return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def settled_rss(pid: int) -> float:
    """Median of a few samples once the process is idle."""
    samples = []
    for _ in range(5):
        samples.append(rss_mb(pid))
        time.sleep(0.4)
    return statistics.median(samples)


def idle_memory(compare: Path | None = None) -> None:
    """Section 1: servers with the extension against a bare one, all started now
    (and the same servers from checkout ``compare``)."""
    with tempfile.TemporaryDirectory() as tmp:
        base_env = {
            **os.environ,
            "JUPYTER_CONFIG_DIR": f"{tmp}/config",
            "JUPYTER_DATA_DIR": f"{tmp}/data",
            "JUPYTER_RUNTIME_DIR": f"{tmp}/runtime",
        }
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUPYTER_CHATKIT_MODEL"):
            base_env.pop(name, None)
        provider = {
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
            "OPENAI_API_KEY": "sk-bench",
            "JUPYTER_CHATKIT_MODEL": "fake-model",
            "JUPYTER_CHATKIT_API": "chat_completions",
        }
        # A config folder of its own: one MCP server configured (never started at idle).
        mcp_config = Path(tmp, "mcp-config")
        mcp_config.mkdir()
        (mcp_config / "jupyter_server_config.py").write_text(
            "c.JupyterChatKit.mcp_servers = "
            + repr({"docs": {"command": sys.executable, "args": ["-c", "pass"]}})
            + "\n"
        )
        variants: list[tuple[str, dict[str, str]]] = [
            ("provider", provider),
            ("provider, Responses API", {**provider, "JUPYTER_CHATKIT_API": "responses"}),
            ("offline model", {}),
            (
                "provider + an MCP server configured",
                {**provider, "JUPYTER_CONFIG_DIR": str(mcp_config)},
            ),
        ]
        if compare is not None:
            src = str(compare.resolve() / "src")
            path = os.pathsep.join([src, base_env.get("PYTHONPATH", "")])
            variants += [
                (f"{name} [{compare.name}]", {**extra_env, "PYTHONPATH": path})
                for name, extra_env in variants
            ]
        procs: list[tuple[str, subprocess.Popen[bytes], str]] = []
        try:
            bare_port = free_port()
            bare_argv = jupyter_server_argv(bare_port, tmp)
            bare_argv = [
                "--ServerApp.jpserver_extensions={'jupyter_chatkit': False}"
                if arg.startswith("--ServerApp.jpserver_extensions")
                else arg
                for arg in bare_argv
            ]
            bare = subprocess.Popen(bare_argv, env=base_env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)  # fmt: skip
            procs.append(("bare", bare, f"http://127.0.0.1:{bare_port}/api/status"))
            for index, (name, extra_env) in enumerate(variants):
                port = free_port()
                env = {
                    **base_env,
                    **extra_env,
                    "JUPYTER_CHATKIT_STORE_URL": f"sqlite:///{tmp}/chat{index}.sqlite3",
                }
                proc = subprocess.Popen(
                    jupyter_server_argv(port, tmp),
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                procs.append((name, proc, f"http://127.0.0.1:{port}/jupyter-chatkit/health"))
            for name, _, url in procs:
                wait_ready(url, extension=name != "bare")
            time.sleep(2.0)  # let the warm-up's last allocations settle
            figures = {name: settled_rss(proc.pid) for name, proc, _ in procs}
        finally:
            stop_processes((proc for _, proc, _ in procs), within=15)
    bare_mb = figures.pop("bare")
    print("1. idle memory added (RSS once the background build is done, target <= 70 MB)")
    print(f"   bare jupyter server {bare_mb:6.1f} MB")
    for name, mb in figures.items():
        print(
            f"   {name:50s} {mb:6.1f} MB   added {mb - bare_mb:+6.1f} MB   "
            f"ratio {mb / bare_mb:4.2f}x"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="interpreters per row")
    parser.add_argument("--compare", type=Path, help="another checkout to measure too")
    parser.add_argument("--idle-only", action="store_true", help="section 1 only")
    args = parser.parse_args()
    idle_memory(args.compare)
    if not args.idle_only:
        where_it_goes(args.rounds)


if __name__ == "__main__":
    main()

"""What a kernel pays for the assistant, step by step: CPU, modules and memory.

    python bench/bench_kernel_first_use.py [--rounds N] [--compare OTHER_CHECKOUT]

A real kernel (ipykernel through jupyter_client) runs, in order, ``%load_ext
jupyter_chatkit``, ``%chat`` (the widget shown), a first ``%%chat`` and a second one.
Each row is what a step added in the kernel process: CPU (user + system, its own
rusage), modules (``len(sys.modules)``) and resident memory (VmRSS), medians of
``--rounds`` kernels. Two set-ups, the offline model in both:

- own assistant: a kernel with no Jupyter server (nbclient, a script): it runs the
  assistant itself (kernel/deferrals.py applies the server's import deferrals first);
- server answers: a kernel started by a ``jupyter server`` with the extension, which it
  asks (kernel/remote.py): the kernel needs neither openai-agents nor the store.

Baseline, in the same run: a fresh kernel importing what the in-kernel assistant loaded
before its imports were deferred (``chatkit.types``, ``agents``, ``openai``,
``jupyter_chatkit.assistant.server``); the first ``%%chat`` is shown as a ratio of it.
``--compare PATH`` runs the same kernels from another checkout (``PATH/src`` first on
their ``PYTHONPATH``) for before/after figures on a shared machine. Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import TOKEN, free_port, jupyter_server_argv, stop_processes  # noqa: E402

PROBE = """
import resource as _r, sys as _s, json as _j
_u = _r.getrusage(_r.RUSAGE_SELF)
_m = [l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1]
print('PROBE' + _j.dumps([_u.ru_utime + _u.ru_stime, len(_s.modules), int(_m) / 1024]))
"""
STEPS = [
    ("%load_ext", "%load_ext jupyter_chatkit"),
    ("%chat (widget)", "%chat"),
    ("first %%chat", "%%chat\nwhat can you do?"),
    ("second %%chat", "%%chat\nand then?"),
]
EAGER = "import chatkit.types, agents, openai, jupyter_chatkit.assistant.server"
BASELINE = [("eager imports", EAGER)]
MODEL_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "JUPYTER_CHATKIT_MODEL", "JUPYTERHUB_API_TOKEN")


def run_cell(client: Any, code: str) -> str:
    """Execute ``code``; its stream output (errors raise)."""
    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise RuntimeError(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    client.execute_interactive(code, output_hook=hook, timeout=300)
    return "".join(out)


def probe(client: Any) -> list[float]:
    """[cpu seconds, modules, rss MB] of the kernel process now."""
    text = run_cell(client, PROBE)
    return list(json.loads(next(line for line in text.splitlines() if "PROBE" in line)[5:]))


def measure(client: Any, steps: list[tuple[str, str]]) -> dict[str, list[float]]:
    """What each step added: {name: [cpu, modules, rss]}."""
    rows: dict[str, list[float]] = {}
    before = probe(client)
    for name, code in steps:
        run_cell(client, code)
        after = probe(client)
        rows[name] = [a - b for a, b in zip(after, before, strict=True)]
        before = after
    return rows


def kernel_env(src: Path | None, home: Path) -> dict[str, str]:
    """The environment of a benchmarked kernel or server: offline, its own store."""
    env = {k: v for k, v in os.environ.items() if k not in MODEL_ENV}
    env["JUPYTER_CHATKIT_STORE_URL"] = f"sqlite:///{home}/chat.sqlite3"
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(src), env.get("PYTHONPATH")) if p)
    return env


def own_kernel(src: Path | None, steps: list[tuple[str, str]]) -> dict[str, list[float]]:
    """A kernel with no server: jupyter_client starts it (on Unix sockets: a TCP port
    picked for it can be taken by another process before it binds it, and the kernel
    dies, 'Address already in use')."""
    from tests.nbrun import python_kernel

    with (
        tempfile.TemporaryDirectory() as home,
        python_kernel(env=kernel_env(src, Path(home)), cwd=home) as (_, client),
    ):
        return measure(client, steps)


def server_kernel(src: Path | None, steps: list[tuple[str, str]]) -> dict[str, list[float]]:
    """A kernel started by a jupyter server with the extension (which it asks)."""
    from jupyter_client import BlockingKernelClient

    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = kernel_env(src, home)
        port = free_port()
        # Its kernels on Unix sockets in the temporary folder (see own_kernel).
        ipc = ["--KernelManager.transport=ipc", f"--KernelManager.ip={folder}/k"]
        server = subprocess.Popen(
            jupyter_server_argv(port, folder) + ipc,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"{base}api/status?token={TOKEN}")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            request = urllib.request.Request(
                f"{base}api/kernels?token={TOKEN}", data=b"{}", method="POST"
            )
            request.add_header("Content-Type", "application/json")
            kernel_id = json.load(urllib.request.urlopen(request))["id"]
            connection = home / "runtime" / f"kernel-{kernel_id}.json"
            while not connection.is_file() and time.monotonic() < deadline:
                time.sleep(0.1)
            client = BlockingKernelClient(connection_file=str(connection))
            client.load_connection_file()
            client.start_channels()
            try:
                wait_until_ready(client, f"{base}api/kernels/{kernel_id}?token={TOKEN}")
                return measure(client, steps)
            finally:
                client.stop_channels()
        finally:
            stop_processes([server])


def wait_until_ready(client: Any, kernel_url: str, within: float = 120) -> None:
    """Wait for the server's kernel to answer ``kernel_info``.

    jupyter_client judges a kernel it did not start by its heartbeat alone, taken as
    beating before the first ping: a kernel still starting (its heartbeat not yet
    answered a second later, as under load) is said to have died ('Kernel died before
    replying to kernel_info') while the server reports it 'starting'. So the wait goes
    on until the server says the kernel is dead, or ``within`` seconds.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            client.wait_for_ready(timeout=max(1.0, deadline - time.monotonic()))
            return
        except RuntimeError:
            state = json.load(urllib.request.urlopen(kernel_url)).get("execution_state")
            if state == "dead" or time.monotonic() > deadline:
                raise


def medians(runs: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Per step, the median of each figure."""
    return {
        name: [statistics.median(run[name][i] for run in runs) for i in range(3)]
        for name in runs[0]
    }


def show(title: str, rows: dict[str, list[float]], baseline: float) -> None:
    print(f"\n{title}")
    for name, (cpu, modules, rss) in rows.items():
        ratio = f"  ({cpu / baseline:.2f}x eager imports)" if name == "first %%chat" else ""
        print(f"  {name:16} cpu {cpu:6.3f} s  modules {modules:6.0f}  rss {rss:6.1f} MB{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="kernels per row (medians)")
    parser.add_argument("--compare", type=Path, help="another checkout, measured alike")
    args = parser.parse_args()
    checkouts: list[tuple[str, Path | None]] = [("this checkout", None)]
    if args.compare is not None:
        checkouts.append((str(args.compare), args.compare.resolve() / "src"))
    base = medians([own_kernel(None, BASELINE) for _ in range(args.rounds)])
    eager = base["eager imports"][0]
    print(f"baseline: a fresh kernel's eager imports cost {eager:.3f} s of CPU")
    for label, src in checkouts:
        for setup, run in (("own assistant", own_kernel), ("server answers", server_kernel)):
            rows = medians([run(src, STEPS) for _ in range(args.rounds)])
            show(f"{label}, {setup}:", rows, eager)


if __name__ == "__main__":
    main()

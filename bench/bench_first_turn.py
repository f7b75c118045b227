"""Benchmark the first turn after a server starts against a warm turn of the same server.

    python bench/bench_first_turn.py [--starts N] [--api chat_completions|responses|both]
                                     [--compare OTHER_CHECKOUT]

For each start: a fresh fake OpenAI-compatible LLM and a fresh ``jupyter server`` with
the extension pointed at it; once ``jupyter-chatkit/health`` says the assistant is ready
(and, where the server reports it, that its warm-up after start has ended), one new
conversation's time to first token (the first turn), then ``--turns`` more (warm turns).
The figure is first / warm p50 (target <= 1.5x), a median over starts. Beside it, the
first turn over warm turns that each follow the same idle pause as the first one did:
what is left once waking an idle process (and machine) is taken out.

``--compare PATH`` measures another checkout's server (``PATH/src`` first on the
server's ``PYTHONPATH``) in the same run, start for start interleaved with this one, for
before/after figures on a shared machine. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import TOKEN, free_port, jupyter_server_argv, rss_mb  # noqa: E402
from bench.streams import create_body, first_delta_over_http  # noqa: E402

APIS = ("chat_completions", "responses")


async def wait_until_warm(client: httpx.AsyncClient, url: str, within: float = 120) -> float:
    """Wait for the assistant to be built and warmed; return seconds from ready to warm."""
    deadline = time.monotonic() + within
    ready_at: float | None = None
    while time.monotonic() < deadline:
        try:
            health = (await client.get(url)).json()
        except (httpx.TransportError, ValueError):
            health = {}
        if health.get("ready"):
            ready_at = ready_at or time.monotonic()
            # A server without the warm-up turn does not report it: ready is all it does.
            if health.get("warm", True):
                return time.monotonic() - ready_at
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not become ready")


async def warm_fake_llm(client: httpx.AsyncClient, base_url: str, api: str) -> None:
    """One streamed answer straight from the fake LLM (its own first request is slow)."""
    path, payload = (
        ("chat/completions", {"messages": [{"role": "user", "content": "hi"}]})
        if api == "chat_completions"
        else ("responses", {"input": "hi"})
    )
    body = {"model": "fake-model", "stream": True, **payload}
    headers = {"Authorization": "Bearer sk-bench"}
    async with client.stream("POST", f"{base_url}/{path}", json=body, headers=headers) as r:
        r.raise_for_status()
        async for _ in r.aiter_bytes():
            pass


def start_processes(
    api: str, src: Path | None, tmp: str
) -> tuple[list[subprocess.Popen[bytes]], int, int]:
    """The fake LLM and a Jupyter server with jupyter-chatkit pointed at it: (procs, ports)."""
    llm_port, port = free_port(), free_port()
    env = {
        **os.environ,
        "OPENAI_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
        "OPENAI_API_KEY": "sk-bench",
        "JUPYTER_CHATKIT_MODEL": "fake-model",
        "JUPYTER_CHATKIT_API": api,
        "JUPYTER_CHATKIT_STORE_URL": f"sqlite:///{tmp}/chat.sqlite3",
        "JUPYTER_CONFIG_DIR": f"{tmp}/config",
        "JUPYTER_DATA_DIR": f"{tmp}/data",
        "JUPYTER_RUNTIME_DIR": f"{tmp}/runtime",
    }
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
    quiet = subprocess.DEVNULL
    llm = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.fake_llm", f"--port={llm_port}"],
        cwd=ROOT,
        stdout=quiet,
        stderr=quiet,
    )
    server = subprocess.Popen(jupyter_server_argv(port, tmp), env=env, stdout=quiet, stderr=quiet)
    return [server, llm], llm_port, port


Figures = tuple[float, float, float, float, float]
# Idle time before the first turn (a person reads the page before typing), and before
# each of the "after a pause" turns that tell idle-wake-up costs from first-use ones.
PAUSE = 1.0


async def measure(api: str, llm_port: int, port: int, pid: int, turns: int) -> Figures:
    """(first turn s, warm p50 s, ready-to-warm s, RSS MB before the first turn,
    p50 of warm turns that each follow the same pause as the first)."""
    base = f"http://127.0.0.1:{port}/jupyter-chatkit"
    headers = {"Authorization": f"token {TOKEN}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        warm_after = await wait_until_warm(client, f"{base}/health")
        # A hosted provider is warm: so is the fake one before the first turn
        # (one request straight to it, not through the server measured).
        await warm_fake_llm(client, f"http://127.0.0.1:{llm_port}/v1", api)
        # A person reads the page before typing; let start-up work settle too.
        await asyncio.sleep(PAUSE)
        rss = rss_mb(pid)
        endpoint = f"{base}/chatkit"
        first = await first_delta_over_http(client, endpoint, create_body("first"))
        warm = [
            await first_delta_over_http(client, endpoint, create_body(f"q{i}"))
            for i in range(turns)
        ]
        paused = []
        for i in range(3):
            await asyncio.sleep(PAUSE)
            paused.append(await first_delta_over_http(client, endpoint, create_body(f"p{i}")))
    return first, statistics.median(warm), warm_after, rss, statistics.median(paused)


def one_start(api: str, src: Path | None, turns: int) -> Figures:
    """Start a fresh fake LLM and server, measure, stop them."""
    with tempfile.TemporaryDirectory() as tmp:
        procs, llm_port, port = start_processes(api, src, tmp)
        try:
            return asyncio.run(measure(api, llm_port, port, procs[0].pid, turns))
        finally:
            for proc in procs:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=3, help="server starts per API")
    parser.add_argument("--turns", type=int, default=10, help="warm turns per start")
    parser.add_argument("--api", choices=[*APIS, "both"], default="both")
    parser.add_argument("--compare", type=Path, help="another checkout to measure too")
    args = parser.parse_args()
    apis = APIS if args.api == "both" else (args.api,)
    sides: list[tuple[str, Path | None]] = [("this checkout", None)]
    if args.compare:
        sides.append((f"{args.compare}", args.compare.resolve() / "src"))
    for api in apis:
        print(f"{api}: first turn after start vs. warm turns (time to first token)")
        results: dict[str, list[Figures]] = {name: [] for name, _ in sides}
        for _ in range(args.starts):
            for name, src in sides:
                results[name].append(one_start(api, src, args.turns))
        for name, runs in results.items():
            ratios = [r[0] / r[1] for r in runs]
            print(
                f"   {name}: first {statistics.median(r[0] for r in runs) * 1e3:7.1f} ms   "
                f"warm p50 {statistics.median(r[1] for r in runs) * 1e3:6.1f} ms   "
                f"ratio {statistics.median(ratios):5.2f} (target <= 1.5x; per start "
                f"{', '.join(f'{r:.2f}' for r in ratios)})   ready->warm "
                f"{statistics.median(r[2] for r in runs):4.1f} s   "
                f"RSS before it {statistics.median(r[3] for r in runs):5.1f} MB"
            )
            paused = [r[0] / r[4] for r in runs]
            print(
                f"      first vs. a warm turn after the same {PAUSE:.0f} s pause: ratio "
                f"{statistics.median(paused):5.2f} (p50 of those turns "
                f"{statistics.median(r[4] for r in runs) * 1e3:6.1f} ms)"
            )


if __name__ == "__main__":
    main()

"""Scale-out: two Jupyter servers on one PostgreSQL store, many concurrent streams.

    python bench/bench_scaleout.py [--streams 100] [--first-token 0.3]

Where one server process is the limit, JupyterHub (one server per user) plus
PostgreSQL is the way out. This starts a throwaway PostgreSQL cluster, the fake
OpenAI-compatible LLM (in its own process, answering after ``--first-token`` seconds)
and two ``jupyter server`` processes on the same database, then opens ``--streams``
``threads.create`` streams at once, split between the servers. It reports errors
(target: 0), whether every answer landed in its own thread (each thread, read back
through the *other* server, holds exactly its own question and one answer), and the
p95 time to first token against one stream alone (a ratio, measured in this run).

Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import TOKEN, control, free_port, jupyter_server_argv, server_env, wait_until_up  # noqa: E402
from bench.streams import create_body, pct  # noqa: E402
from tests.fixtures.postgres import find_postgres_bin  # noqa: E402


def _as_postgres(argv: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; drop to the "postgres" account then.
    import os

    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A throwaway cluster (durability off); yields the URL of its ``postgres`` database."""
    import os

    bin_dir = find_postgres_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="chatkit-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, user="postgres", group="postgres")
    data, log, port = root / "data", str(root / "log"), free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={root} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    run = {"capture_output": True, "timeout": 120, "check": True}
    try:
        subprocess.run(
            _as_postgres(
                [f"{bin_dir}/initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-N"]
            ),
            **run,  # type: ignore[call-overload]
        )
        subprocess.run(
            # With -l: the server must not hold our captured stdout open.
            _as_postgres(
                [f"{bin_dir}/pg_ctl", "start", "-D", f"{data}", "-l", log, "-w", "-o", options]
            ),
            **run,  # type: ignore[call-overload]
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([f"{bin_dir}/pg_ctl", "stop", "-D", str(data), "-m", "immediate", "-w"]),
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(root, ignore_errors=True)


def start_server(tmp: str, name: str, llm_url: str, store_url: str) -> tuple[str, Any]:
    """One Jupyter server with the extension on ``store_url``; (its chatkit URL, process)."""
    port = free_port()
    env = server_env(llm_url, store_url, f"{tmp}/{name}")
    proc = subprocess.Popen(
        jupyter_server_argv(port, tmp),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return f"http://127.0.0.1:{port}/jupyter-chatkit", proc


async def one_stream(client: httpx.AsyncClient, base: str, text: str) -> tuple[float, str, str]:
    """(seconds to the first text delta, the new thread's id, the answer's text)."""
    start = time.perf_counter()
    first: float | None = None
    thread_id, answer, buffer = "", "", b""
    async with client.stream("POST", f"{base}/chatkit", content=create_body(text)) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            if first is None and b"text_delta" in chunk:
                first = time.perf_counter() - start
            buffer += chunk
    for line in buffer.split(b"\n\n"):
        if not line.startswith(b"data: "):
            continue
        event = json.loads(line[6:])
        if event["type"] == "error":
            raise RuntimeError(event.get("message") or event.get("code"))
        if event["type"] == "thread.created":
            thread_id = event["thread"]["id"]
        elif event["type"] == "thread.item.done" and event["item"]["type"] == "assistant_message":
            answer = "".join(part["text"] for part in event["item"]["content"])
    if first is None or not thread_id or not answer:
        raise RuntimeError("the stream had no thread, no answer or no text delta")
    return first, thread_id, answer


async def read_back(client: httpx.AsyncClient, base: str, thread_id: str) -> list[dict[str, Any]]:
    """The thread's items, oldest first."""
    body = {"type": "items.list", "params": {"thread_id": thread_id, "limit": 20, "order": "asc"}}
    response = await client.post(f"{base}/chatkit", content=json.dumps(body))
    response.raise_for_status()
    items: list[dict[str, Any]] = response.json()["data"]
    return items


async def run(bases: list[str], llm_url: str, streams: int, first_token: float) -> None:
    headers = {"Authorization": f"token {TOKEN}"}
    limits = httpx.Limits(max_connections=streams + 10, max_keepalive_connections=streams + 10)
    async with httpx.AsyncClient(headers=headers, timeout=120, limits=limits) as client:
        for base in bases:
            await wait_until_up(client, f"{base}/health", within=120)
        urls = {"llm": llm_url}
        await control(client, urls, first_token_delay=first_token)
        for base in bases:  # warm both servers
            await one_stream(client, base, "warm up")
        single = [(await one_stream(client, bases[0], "one"))[0] for _ in range(5)]
        texts = [f"question {i}: what is {i} squared?" for i in range(streams)]
        results = await asyncio.gather(
            *(one_stream(client, bases[i % 2], text) for i, text in enumerate(texts)),
            return_exceptions=True,
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        done = [(text, r) for text, r in zip(texts, results, strict=True) if isinstance(r, tuple)]
        # Read every thread back through the other server.
        misplaced = 0
        for index, (text, (_, thread_id, _)) in enumerate(done):
            items = await read_back(client, bases[(index + 1) % 2], thread_id)
            kinds = [item["type"] for item in items]
            asked = [
                part.get("text")
                for item in items
                if item["type"] == "user_message"
                for part in item["content"]
            ]
            if kinds != ["user_message", "assistant_message"] or asked != [text]:
                misplaced += 1
        thread_ids = {r[1] for _, r in done}
        s50 = statistics.median(single) * 1e3
        c95 = pct([r[0] for _, r in done], 0.95) * 1e3 if done else float("nan")
        print(f"two servers, one PostgreSQL store, {streams} concurrent streams")
        print(f"   errors {len(errors)} (target 0)" + (f": {errors[0]!r}" if errors else ""))
        print(
            f"   threads {len(thread_ids)} distinct of {len(done)} answers; answers not in "
            f"their own thread {misplaced} (target 0)"
        )
        print(
            f"   model first token {first_token * 1e3:.0f} ms: one stream p50 {s50:7.2f} ms   "
            f"{streams} streams p95 {c95:7.2f} ms   ratio {c95 / s50:5.2f}"
        )


def main(streams: int, first_token: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, postgres_cluster() as store_url:
        llm_port = free_port()
        llm_url = f"http://127.0.0.1:{llm_port}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.fixtures.fake_llm", f"--port={llm_port}"],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        ]
        bases = []
        try:
            for name in ("one", "two"):
                base, proc = start_server(tmp, name, llm_url, store_url)
                bases.append(base)
                procs.append(proc)
            asyncio.run(run(bases, llm_url, streams, first_token))
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=100)
    parser.add_argument("--first-token", type=float, default=0.3, help="the model's, seconds")
    args = parser.parse_args()
    main(args.streams, args.first_token)

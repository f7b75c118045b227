"""Benchmark the ChatKit endpoint against baselines measured in the same run.

    python bench/bench_endpoint.py [--quick]
    python bench/bench_endpoint.py --streams [--rounds 5]   # section 4 only
    python bench/bench_endpoint.py --cpu [--baseline-src DIR]  # CPU per request only
    python bench/bench_endpoint.py --streams --baseline-src DIR  # section 4, both servers

Starts a local fake OpenAI-compatible LLM and a real ``jupyter server`` with the
extension pointed at it, then reports:

1. time to first token (first text delta) through the endpoint vs. the same
   NotebookAssistant called in-process (target: +5 ms p50 or less);
2. text deltas (words) delivered per second through the endpoint vs. a bare tornado
   handler writing and flushing one event per word (a ratio), and vs. the fake
   model's own rate (the server merges deltas that reach it together);
3. ``items.list`` latency at depth 10,000 vs. the first page (target: <= 2x);
4. 50 concurrent streams: p95 time to first token vs. one stream (target: <= 1.5x),
   and the error count (target: 0), with an instant model and with one that takes
   300 ms to its first token; the server's and the client's CPU per stream. The client
   is a plain socket reading the SSE bytes (~1 ms of CPU a stream; httpx took ~6 ms,
   which on 2 cores delayed the very first tokens it measured), and when the streams'
   first events (the server's own, before the model is asked) and first deltas came:
   a first delta p5 far above the first events' p95 plus the model's delay says the
   streams advanced in lockstep. ``--streams`` runs only this section, ``--rounds``
   times (medians); with ``--baseline-src`` beside a server on that code, alternating;
5. the first turn after start vs. a warm turn (target: <= 1.5x);
6. the idle server's memory vs. a bare ``jupyter server`` started in the same run
   (target: <= 70 MB added);
7. where that memory goes: the resident size of a Python that imports the conversation
   stack (``agents``, ``chatkit``, ``openai``) over one that imports only
   ``jupyter_server``, and the part of it that is the ``mcp`` package, which
   ``import agents`` pulls in (openai-agents imports ``mcp.shared.exceptions``, which
   runs ``mcp/__init__``: client, server, starlette, uvicorn) although no MCP server
   is configured.

``--cpu`` measures only the server's CPU per request: a new thread's first turn and a
follow-up in a 30-turn thread, in batches; with ``--baseline-src`` (the ``src`` of another
checkout, e.g. a ``git worktree`` of an older commit) a second server runs that code
beside this one and the batches alternate between them, so both see the same load.

Numbers are ratios and differences against baselines from this run; absolute times
depend on the machine. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TOKEN = "bench-token"


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
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.log_level=WARN",
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def create_body(text: str) -> bytes:
    return json.dumps(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": text}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    ).encode()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


async def wait_until_up(client: httpx.AsyncClient, url: str, within: float = 60) -> None:
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


async def first_delta_over_http(client: httpx.AsyncClient, url: str, body: bytes) -> float:
    """Seconds from sending the request to the first text delta; drains the rest."""
    start = time.perf_counter()
    first: float | None = None
    error = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            if first is None and b"text_delta" in chunk:
                first = time.perf_counter() - start
            if b'"type":"error"' in chunk:
                error = chunk[:300]
    if first is None or error:
        raise RuntimeError(f"no text delta in the stream {error!r}")
    return first


async def raw_post(url: str, body: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to ``url`` with the JSON ``body`` POSTed on it (token auth, the
    connection closes after the answer); the answer is the caller's to read."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    writer.write(
        (
            f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Authorization: token {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + body
    )
    return reader, writer


async def first_delta_raw(url: str, body: bytes) -> float:
    """:func:`first_delta_over_http` on a plain socket, so the client costs little CPU.

    One connection per request (``Connection: close``: the stream ends with it); only
    the status line and the bytes ``text_delta`` / an error event are looked for.
    """
    return (await stream_phases_raw(url, body))[1]


async def stream_phases_raw(url: str, body: bytes) -> tuple[float, float]:
    """:func:`first_delta_raw`, with the seconds to the stream's first event too (the
    server's answer before the model's: ``thread.created`` or the user's message)."""
    start = time.perf_counter()
    reader, writer = await raw_post(url, body)
    first_event: float | None = None
    first: float | None = None
    status = tail = b""
    error = False
    try:
        while chunk := await reader.read(65536):
            status = status or chunk[:12]
            seen = tail + chunk  # a marker may span two reads
            if first_event is None and b"data: " in seen:
                first_event = time.perf_counter() - start
            if first is None and b"text_delta" in seen:
                first = time.perf_counter() - start
            error = error or b'"type":"error"' in seen
            tail = chunk[-32:]
    finally:
        writer.close()
    if not status.startswith(b"HTTP/1.1 200") or first is None or error:
        raise RuntimeError(f"no text delta in the stream ({status!r}, error event: {error})")
    return first_event if first_event is not None else first, first


async def first_delta_direct(assistant: Any, body: bytes, context: Any) -> float:
    start = time.perf_counter()
    first: float | None = None
    result = await assistant.handle(body, context)
    async for chunk in result.chunks:
        if first is None and b"text_delta" in chunk:
            first = time.perf_counter() - start
    if first is None:
        raise RuntimeError("no text delta in the stream")
    return first


RAW_SSE_SERVER = textwrap.dedent(
    """
    import asyncio, sys
    from tornado.web import Application, RequestHandler

    class Events(RequestHandler):
        async def post(self):
            n = int(self.get_argument("n"))
            size = int(self.get_argument("size"))
            self.set_header("Content-Type", "text/event-stream")
            payload = b"data: " + b"x" * size + b"\\n\\n"
            for _ in range(n):
                self.write(payload)
                await self.flush()

    async def main():
        Application([(r"/events", Events)]).listen(int(sys.argv[1]), "127.0.0.1")
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


async def count_events(client: httpx.AsyncClient, url: str, body: bytes) -> tuple[int, float]:
    """Events received and seconds between the first and the last one."""
    first = last = 0.0
    count = 0
    buffer = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            now = time.perf_counter()
            buffer += chunk
            events = buffer.count(b"\n\n")
            if events:
                buffer = buffer[buffer.rfind(b"\n\n") + 2 :]
                if count == 0:
                    first = now
                count += events
                last = now
    return count, last - first


async def count_deltas(client: httpx.AsyncClient, url: str, body: bytes) -> tuple[int, int, float]:
    """SSE events, words of text deltas received, and seconds from the first text delta
    to the last event."""
    first = last = 0.0
    count = words = 0
    buffer = b""
    async with client.stream("POST", url, content=body) as response:
        response.raise_for_status()
        async for chunk in response.aiter_bytes():
            now = time.perf_counter()
            buffer += chunk
            *events, buffer = buffer.split(b"\n\n")
            for event in events:
                count += 1
                last = now
                if b"text_delta" in event:
                    if words == 0:
                        first = now
                    update = json.loads(event.removeprefix(b"data: "))["update"]
                    words += len(update["delta"].split())
    return count, words, last - first


def model_stream_body() -> bytes:
    """A streamed chat-completions request straight to the fake model."""
    return json.dumps(
        {"model": "fake-model", "stream": True, "messages": [{"role": "user", "content": "x"}]}
    ).encode()


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


def server_env(llm_url: str, store_url: str, home: str) -> dict[str, str]:
    """The environment of a benchmarked Jupyter server: chat completions against the
    fake LLM at ``llm_url``, the store at ``store_url``, Jupyter's dirs under ``home``."""
    return {
        **os.environ,
        "OPENAI_BASE_URL": f"{llm_url}/v1",
        "OPENAI_API_KEY": "sk-bench",
        "JUPYTER_CHATKIT_MODEL": "fake-model",
        "JUPYTER_CHATKIT_API": "chat_completions",
        "JUPYTER_CHATKIT_STORE_URL": store_url,
        "JUPYTER_CONFIG_DIR": f"{home}/config",
        "JUPYTER_DATA_DIR": f"{home}/data",
        "JUPYTER_RUNTIME_DIR": f"{home}/runtime",
    }


def start_processes(tmp: str) -> tuple[dict[str, str], list[subprocess.Popen[str]]]:
    """The fake LLM, the Jupyter server and the raw SSE baseline, each in its own process."""
    llm_port, port, raw_port, bare_port = free_port(), free_port(), free_port(), free_port()
    llm_url = f"http://127.0.0.1:{llm_port}"
    store_url = f"sqlite:///{tmp}/chat.sqlite3"
    env = server_env(llm_url, store_url, tmp)
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "text": True}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.fixtures.fake_llm", f"--port={llm_port}"],
            cwd=ROOT,
            **quiet,  # type: ignore[call-overload]
        ),
        subprocess.Popen(
            jupyter_server_argv(port, tmp),
            env=env,
            **quiet,  # type: ignore[call-overload]
        ),
        subprocess.Popen(
            [sys.executable, "-c", RAW_SSE_SERVER, str(raw_port)],
            **quiet,  # type: ignore[call-overload]
        ),
        # The memory floor: the same Jupyter server without this extension.
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                "--allow-root",
                "--no-browser",
                f"--port={bare_port}",
                f"--IdentityProvider.token={TOKEN}",
                "--ServerApp.jpserver_extensions={'jupyter_chatkit': False}",
                f"--ServerApp.root_dir={tmp}",
                "--ServerApp.log_level=WARN",
            ],
            env=env,
            **quiet,  # type: ignore[call-overload]
        ),
    ]
    urls = {
        "llm": llm_url,
        "base": f"http://127.0.0.1:{port}/jupyter-chatkit",
        "raw": f"http://127.0.0.1:{raw_port}/events",
        "store_url": store_url,
        "bare": f"http://127.0.0.1:{bare_port}/api/status",
        "server_pid": str(procs[1].pid),
        "bare_pid": str(procs[3].pid),
    }
    return urls, procs


async def concurrent_streams(
    client: httpx.AsyncClient,
    urls: dict[str, str],
    servers: dict[str, tuple[str, int]],
    rounds: int,
    singles: int,
) -> None:
    """Section 4: 50 concurrent ``threads.create`` streams vs. one stream alone, with an
    instant fake model (all server CPU) and with one that takes 300 ms to its first
    token, as hosted models do; medians of ``rounds`` bursts, each against one-stream
    times measured just before it. ``servers``: name to (endpoint, pid); with two, their
    bursts alternate (the order too), so both see the same load."""
    print(f"4. 50 concurrent streams (time to first token; medians of {rounds} round(s))")
    names = list(servers)
    for delay in (0.0, 0.3):
        await control(client, urls, first_token_delay=delay)
        runs = {name: _Bursts() for name in names}
        for r in range(rounds):
            for name in names if r % 2 == 0 else names[::-1]:
                endpoint, pid = servers[name]
                await runs[name].burst(endpoint, pid, singles)
        for name in names:
            label = f"{name}: " if len(names) > 1 else ""
            runs[name].report(f"{label}model first token {delay * 1e3:3.0f} ms")
        if len(names) == 2:
            a, b = (statistics.median(runs[name].bursts_p95) for name in names)
            print(f"   50 streams p95 {names[0]} / {names[1]}: {a / b:5.2f}")
    await control(client, urls, first_token_delay=0.0)


class _Bursts:
    """The bursts of 50 streams against one server, and what they measured."""

    def __init__(self) -> None:
        self.ratios: list[float] = []
        self.singles_p50: list[float] = []
        self.bursts_p95: list[float] = []
        self.server_cpu: list[float] = []
        self.client_cpu: list[float] = []
        self.errors: list[BaseException] = []
        # Per burst: the first events' p50 / p95 and the first deltas' p5 (see report).
        self.phases: list[tuple[float, float, float]] = []

    async def burst(self, endpoint: str, server_pid: int, singles: int) -> None:
        """One-stream times, then one burst of 50 concurrent streams."""
        single = [await first_delta_raw(endpoint, create_body("one")) for _ in range(singles)]
        cpu, own = precise_cpu_seconds(server_pid), time.process_time()
        results = await asyncio.gather(
            *(stream_phases_raw(endpoint, create_body(f"c{i}")) for i in range(50)),
            return_exceptions=True,
        )
        # Every stream has ended (the client reads each to its end).
        self.server_cpu.append((precise_cpu_seconds(server_pid) - cpu) / 50)
        self.client_cpu.append((time.process_time() - own) / 50)
        self.errors += [r for r in results if isinstance(r, BaseException)]
        timed = [r for r in results if isinstance(r, tuple)]
        ok = [delta for _, delta in timed]
        s50 = statistics.median(single)
        c95 = pct(ok, 0.95) if ok else float("nan")
        self.singles_p50.append(s50)
        self.bursts_p95.append(c95)
        self.ratios.append(c95 / s50)
        if timed:
            firsts = [event for event, _ in timed]
            self.phases.append((pct(firsts, 0.5), pct(firsts, 0.95), pct(ok, 0.05)))

    def report(self, title: str) -> None:
        """Print the medians over the bursts."""
        med = statistics.median
        errors = self.errors
        print(
            f"   {title}: one stream p50 {med(self.singles_p50) * 1e3:7.2f} ms   50 streams"
            f" p95 {med(self.bursts_p95) * 1e3:7.2f} ms   ratio {med(self.ratios):5.2f}"
            f" (target <= 1.5x)   errors {len(errors)}"
            + (f" (first: {errors[0]!r})" if errors else "")
        )
        if len(self.ratios) > 1:
            print(f"      ratio per round: {', '.join(f'{r:.2f}' for r in self.ratios)}")
        print(
            f"      CPU per stream: server {med(self.server_cpu) * 1e3:6.2f} ms, "
            f"this client {med(self.client_cpu) * 1e3:5.2f} ms"
        )
        if self.phases:
            # The server's own first event of every stream (before the model is asked)
            # against the first deltas: when even the earliest delta comes long after
            # the last first event plus the model's delay, the streams advanced in
            # lockstep (each step of every stream before the next step of any).
            first50, first95, delta5 = (
                med(phase[i] for phase in self.phases) * 1e3 for i in range(3)
            )
            print(
                f"      first event p50 {first50:7.2f} ms, p95 {first95:7.2f} ms;"
                f"   first delta p5 {delta5:7.2f} ms"
            )


def follow_up_body(thread_id: str, text: str) -> bytes:
    """A ``threads.add_user_message`` request into ``thread_id``."""
    return json.dumps(
        {
            "type": "threads.add_user_message",
            "params": {
                "thread_id": thread_id,
                "input": {
                    "content": [{"type": "input_text", "text": text}],
                    "attachments": [],
                    "inference_options": {},
                },
            },
        }
    ).encode()


async def raw_stream(url: str, body: bytes) -> bytes:
    """The whole SSE answer to ``body`` on a plain socket (see :func:`first_delta_raw`);
    raises if it is not a 200 stream with a text delta and no error event."""
    reader, writer = await raw_post(url, body)
    try:
        data = await reader.read()
    finally:
        writer.close()
    if not data.startswith(b"HTTP/1.1 200") or b"text_delta" not in data:
        raise RuntimeError(f"no text delta in the stream: {data[:40]!r} ... {data[-400:]!r}")
    if b'"type":"error"' in data:
        raise RuntimeError(f"an error event in the stream: {data[-300:]!r}")
    return data


def dechunked(response: bytes) -> bytes:
    """The body of an HTTP/1.1 response with chunked transfer encoding."""
    rest = response.split(b"\r\n\r\n", 1)[1]
    body = b""
    while rest:
        size, rest = rest.split(b"\r\n", 1)
        length = int(size.split(b";")[0], 16)
        if length == 0:
            break
        body, rest = body + rest[:length], rest[length + 2 :]
    return body


def created_thread_id(stream: bytes) -> str:
    """The id in a stream's ``thread.created`` event."""
    for line in dechunked(stream).split(b"\n\n"):
        if line.startswith(b"data: ") and b'"thread.created"' in line:
            return str(json.loads(line[6:])["thread"]["id"])
    raise RuntimeError("no thread.created event in the stream")


async def cpu_per_request(
    servers: dict[str, tuple[str, int]], rounds: int, batch: int, depth: int = 30
) -> None:
    """``--cpu``: the server's CPU per new-thread request and per follow-up in a
    ``depth``-turn thread, in batches of ``batch`` requests (``/proc`` counts CPU in
    clock ticks), the servers' batches alternating; medians of ``rounds`` batches."""
    threads: dict[str, str] = {}
    for name, (endpoint, _) in servers.items():
        for i in range(5):  # warm: imports, connections, first SQLite pages
            await raw_stream(endpoint, create_body(f"warm up {i}"))
        thread_id = created_thread_id(await raw_stream(endpoint, create_body("turn 0")))
        for turn in range(1, depth):
            await raw_stream(endpoint, follow_up_body(thread_id, f"turn {turn}"))
        threads[name] = thread_id
    samples: dict[tuple[str, str], list[float]] = {}
    names = list(servers)
    for r in range(rounds):
        for kind in ("new", "follow-up"):
            # The order alternates too, so neither side always runs right after the other.
            for name in names if r % 2 == 0 else names[::-1]:
                endpoint, pid = servers[name]
                cpu = precise_cpu_seconds(pid)
                for i in range(batch):
                    body = (
                        create_body(f"q{r}.{i}")
                        if kind == "new"
                        else follow_up_body(threads[name], f"q{r}.{i}")
                    )
                    await raw_stream(endpoint, body)
                await asyncio.sleep(0.05)  # what the server does after the last byte
                samples.setdefault((name, kind), []).append(
                    (precise_cpu_seconds(pid) - cpu) / batch
                )
    med = statistics.median
    print(
        f"server CPU per request (medians of {rounds} batches of {batch}; follow-ups in a "
        f"thread of {depth}+ turns)"
    )
    for kind in ("new", "follow-up"):
        line = (
            "   "
            + f"{kind:10}"
            + "   ".join(f"{name} {med(samples[name, kind]) * 1e3:6.2f} ms" for name in names)
        )
        if len(names) == 2:
            a, b = (med(samples[name, kind]) for name in names)
            line += f"   ratio {a / b:5.2f}"
        print(line)


def main_cpu(rounds: int, batch: int, baseline_src: str | None) -> None:
    """``--cpu``: start the fake LLM and one server (two with ``baseline_src``)."""

    async def work(
        _client: httpx.AsyncClient, _llm_url: str, servers: dict[str, tuple[str, int]]
    ) -> None:
        await cpu_per_request(servers, rounds, batch)

    beside_baseline(baseline_src, work)


def main_streams(rounds: int, baseline_src: str | None) -> None:
    """``--streams`` with ``--baseline-src``: section 4 on both servers, alternating."""

    async def work(
        client: httpx.AsyncClient, llm_url: str, servers: dict[str, tuple[str, int]]
    ) -> None:
        for endpoint, _ in servers.values():
            for _ in range(5):  # warm: imports, connections, first SQLite pages
                await first_delta_raw(endpoint, create_body("warm up"))
        await concurrent_streams(client, {"llm": llm_url}, servers, rounds=rounds, singles=5)

    beside_baseline(baseline_src, work)


def beside_baseline(
    baseline_src: str | None,
    work: Callable[[httpx.AsyncClient, str, dict[str, tuple[str, int]]], Awaitable[None]],
) -> None:
    """Start the fake LLM and this checkout's server (and one on ``baseline_src``), wait
    until they are warm, then ``work(client, llm_url, {name: (endpoint, pid)})``."""
    with tempfile.TemporaryDirectory() as tmp:
        llm_port = free_port()
        llm_url = f"http://127.0.0.1:{llm_port}"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "text": True}
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "tests.fixtures.fake_llm", f"--port={llm_port}"],
                cwd=ROOT,
                **quiet,  # type: ignore[call-overload]
            )
        ]
        sources = {"this": None, **({"baseline": baseline_src} if baseline_src else {})}
        servers: dict[str, tuple[str, int]] = {}
        try:
            for name, src in sources.items():
                port = free_port()
                env = server_env(llm_url, f"sqlite:///{tmp}/{name}.sqlite3", f"{tmp}/{name}")
                if src:
                    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
                proc = subprocess.Popen(
                    jupyter_server_argv(port, tmp),
                    env=env,
                    **quiet,  # type: ignore[call-overload]
                )
                procs.append(proc)
                servers[name] = (f"http://127.0.0.1:{port}/jupyter-chatkit/chatkit", proc.pid)

            async def run() -> None:
                headers = {"Authorization": f"token {TOKEN}"}
                async with httpx.AsyncClient(headers=headers, timeout=60) as client:
                    for endpoint, _ in servers.values():
                        health = endpoint.removesuffix("chatkit") + "health"
                        await wait_until_up(client, health, within=180)
                    await work(client, llm_url, servers)

            asyncio.run(run())
        finally:
            stop_processes(procs)


def main(quick: bool, streams_only: bool = False, rounds_of_streams: int = 5) -> None:
    rounds = 10 if quick else 40
    with tempfile.TemporaryDirectory() as tmp:
        urls, procs = start_processes(tmp)
        try:
            if streams_only:
                asyncio.run(run_streams(urls, rounds_of_streams))
            else:
                asyncio.run(run(urls, rounds))
        finally:
            stop_processes(procs)


async def run(urls: dict[str, str], rounds: int) -> None:
    headers = {"Authorization": f"token {TOKEN}"}
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(headers=headers, timeout=60, limits=limits) as client:
        await wait_until_up(client, f"{urls['base']}/health")
        deadline = time.monotonic() + 60
        while (await client.get(urls["bare"])).status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError("the bare Jupyter server did not come up")
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # let both servers settle before reading their memory
        await report(client, urls, rounds)


async def run_streams(urls: dict[str, str], rounds: int) -> None:
    """``--streams``: only section 4, ``rounds`` bursts per model delay."""
    headers = {"Authorization": f"token {TOKEN}"}
    async with httpx.AsyncClient(headers=headers, timeout=60) as client:
        await wait_until_up(client, f"{urls['base']}/health", within=180)
        endpoint = f"{urls['base']}/chatkit"
        for _ in range(5):  # warm: imports, connections, first SQLite pages
            await first_delta_raw(endpoint, create_body("warm up"))
        servers = {"this": (endpoint, int(urls["server_pid"]))}
        await concurrent_streams(client, urls, servers, rounds=rounds, singles=5)


async def control(client: httpx.AsyncClient, urls: dict[str, str], **body: Any) -> None:
    """Script the fake LLM process."""
    (await client.post(f"{urls['llm']}/_fake/control", json=body)).raise_for_status()


async def report(client: httpx.AsyncClient, urls: dict[str, str], rounds: int) -> None:
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
    from jupyter_chatkit.settings import Settings

    context = RequestContext(user_id=LOCAL_USER)
    settings = Settings(
        model="fake-model",
        api="chat_completions",
        base_url=f"{urls['llm']}/v1",
        api_key="sk-bench",
        store_url=urls["store_url"],
        title_threads=False,
    )
    server_pid, bare_pid = int(urls["server_pid"]), int(urls["bare_pid"])
    idle, bare = rss_mb(server_pid), rss_mb(bare_pid)
    endpoint = f"{urls['base']}/chatkit"
    # The first turn after start (the server is ready: its background build is done).
    first_turn = await first_delta_over_http(client, endpoint, create_body("first turn"))
    direct = await create_assistant(settings)

    # Warm both paths (imports, connections, first SQLite pages).
    for _ in range(3):
        await first_delta_over_http(client, endpoint, create_body("warm up"))
        await first_delta_direct(direct, create_body("warm up"), context)

    # 1. Time to first token, interleaved so drift hits both sides alike.
    http_ttft: list[float] = []
    direct_ttft: list[float] = []
    server_cpu: list[float] = []
    for i in range(rounds):
        cpu = precise_cpu_seconds(server_pid)
        http_ttft.append(await first_delta_over_http(client, endpoint, create_body(f"q{i}")))
        server_cpu.append(precise_cpu_seconds(server_pid) - cpu)
        direct_ttft.append(await first_delta_direct(direct, create_body(f"q{i}"), context))
    h50, d50 = statistics.median(http_ttft) * 1e3, statistics.median(direct_ttft) * 1e3
    print("1. time to first token (p50)")
    print(
        f"   endpoint {h50:7.2f} ms   direct {d50:7.2f} ms   overhead {h50 - d50:+6.2f} ms"
        f"   (target <= +5 ms)"
    )
    cpu_ms = sum(server_cpu) / len(server_cpu) * 1e3
    print(f"   server CPU per new-thread request {cpu_ms:6.2f} ms   (target <= 5 ms)")

    # 2. SSE throughput: a long answer streamed word by word (one model delta per word)
    # vs. raw tornado writing and flushing one event per word. The server merges the
    # deltas that reach it together, so it may send fewer events than the model sent
    # deltas: the rate compared is words (model deltas) delivered per second.
    words = 3000
    answer = {"text": " ".join(f"w{i}" for i in range(words))}
    await control(client, urls, reply=answer)
    model_count, model_seconds = await count_events(
        client, f"{urls['llm']}/v1/chat/completions", model_stream_body()
    )
    model_rate = model_count / model_seconds if model_seconds else float("inf")
    await control(client, urls, reply=answer)
    cpu = precise_cpu_seconds(server_pid)
    count, delivered, seconds = await count_deltas(client, endpoint, create_body("long answer"))
    answer_cpu = precise_cpu_seconds(server_pid) - cpu
    endpoint_rate = delivered / seconds if seconds else float("inf")
    raw_count, raw_seconds = await count_events(client, f"{urls['raw']}?n={words}&size=180", b"")
    raw_rate = raw_count / raw_seconds if raw_seconds else float("inf")
    print("2. text deltas per second (a 3,000-word answer, one model delta per word)")
    print(
        f"   endpoint {endpoint_rate:9.0f}/s ({delivered} words in {count} SSE events)   "
        f"raw tornado {raw_rate:9.0f} events/s   ratio {endpoint_rate / raw_rate:.2f}"
        f"   (target >= 0.25)"
    )
    print(
        f"   the fake model itself streams {model_rate:9.0f} deltas/s: the endpoint "
        f"delivers {endpoint_rate / model_rate:.2f}x of that"
    )
    # Wall-clock rates follow the machine's load; the server's CPU for the answer does not.
    print(f"   server CPU for the 3,000-word answer {answer_cpu * 1e3:6.0f} ms")

    # 3. items.list at depth 10,000 vs. the first page.
    thread_id = await deep_thread(direct, context, 10_020)
    page = await client.post(
        endpoint,
        content=json.dumps(
            {"type": "items.list", "params": {"thread_id": thread_id, "limit": 20, "order": "asc"}}
        ),
    )
    page.raise_for_status()
    cursor = "msg_009999"  # the next page starts 10,000 items deep
    first_page: list[float] = []
    deep_page: list[float] = []
    for _ in range(rounds * 2):
        for after, bucket in ((None, first_page), (cursor, deep_page)):
            params: dict[str, Any] = {"thread_id": thread_id, "limit": 20, "order": "asc"}
            if after:
                params["after"] = after
            start = time.perf_counter()
            response = await client.post(
                endpoint, content=json.dumps({"type": "items.list", "params": params})
            )
            bucket.append(time.perf_counter() - start)
            response.raise_for_status()
            assert len(response.json()["data"]) == 20
    f50, p50 = statistics.median(first_page) * 1e3, statistics.median(deep_page) * 1e3
    print("3. items.list, 20 items (p50)")
    print(
        f"   first page {f50:6.2f} ms   at depth 10,000 {p50:6.2f} ms   ratio {p50 / f50:.2f}"
        f"   (target <= 2x)"
    )

    servers = {"this": (endpoint, server_pid)}
    await concurrent_streams(client, urls, servers, rounds=1, singles=rounds)
    print("5. first turn after start")
    print(
        f"   first {first_turn * 1e3:7.2f} ms   warm p50 {h50:7.2f} ms   "
        f"ratio {first_turn * 1e3 / h50:5.2f} (target <= 1.5x)"
    )
    print("6. idle memory (RSS after start, before any request)")
    print(
        f"   with the extension {idle:6.1f} MB   bare jupyter server {bare:6.1f} MB   "
        f"added {idle - bare:+6.1f} MB (target <= 70 MB)"
    )
    # What the warm-up builds at start, the first turn would build anyway: compare both.
    print(f"   after this run's requests {rss_mb(server_pid) - bare:+6.1f} MB over the bare server")
    import_memory()
    await direct.sql_store.close()


# Run in a fresh interpreter: its resident memory in kB after ``code``.
_RSS = "\nprint(open('/proc/self/status').read().split('VmRSS:')[1].split()[0])"
# Makes ``mcp`` a package whose ``__init__`` runs only when one of its names is used, so
# importing one submodule (as ``import agents`` does) costs only that submodule.
_DEFER_MCP = textwrap.dedent(
    """
    import importlib.util, sys
    spec = importlib.util.find_spec("mcp")
    module = importlib.util.module_from_spec(spec)
    def __getattr__(name):
        del module.__dict__["__getattr__"]
        spec.loader.exec_module(module)
        return getattr(module, name)
    module.__getattr__ = __getattr__
    sys.modules["mcp"] = module
    """
)


def import_memory() -> None:
    """Section 7: resident memory of the conversation stack's imports, and of ``mcp``."""

    def rss_kb(code: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", code + _RSS], capture_output=True, text=True, check=True
        )
        return float(out.stdout.split()[-1])

    runs: dict[str, list[float]] = {"base": [], "stack": [], "no_mcp": []}
    stack = "import jupyter_server.serverapp\nimport agents, chatkit.server, openai"
    for _ in range(3):
        runs["base"].append(rss_kb("import jupyter_server.serverapp"))
        runs["stack"].append(rss_kb(stack))
        runs["no_mcp"].append(rss_kb(_DEFER_MCP + stack))
    base, full, no_mcp = (statistics.median(runs[k]) / 1024 for k in ("base", "stack", "no_mcp"))
    print("7. memory of the imports (a fresh Python each, medians of 3)")
    print(
        f"   agents + chatkit + openai over jupyter_server {full - base:+6.1f} MB,"
        f" of which the mcp package {full - no_mcp:5.1f} MB (pulled in by import agents)"
    )


async def deep_thread(assistant: Any, context: Any, count: int) -> str:
    """A thread with ``count`` items, written straight into the store."""
    from datetime import datetime, timedelta

    from chatkit.types import AssistantMessageContent, AssistantMessageItem, ThreadMetadata

    store = assistant.sql_store
    thread = ThreadMetadata(id="thr_bench_deep", created_at=datetime.now(), title="deep")
    await store.save_thread(thread, context)
    base = datetime.now()
    for i in range(count):
        # Many equal timestamps on purpose: pagination must not depend on them.
        await store.add_thread_item(
            thread.id,
            AssistantMessageItem(
                id=f"msg_{i:06d}",
                thread_id=thread.id,
                created_at=base + timedelta(seconds=i // 10),
                content=[AssistantMessageContent(text=f"item {i}")],
            ),
            context,
        )
    return thread.id


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument(
        "--streams", action="store_true", help="only section 4 (50 concurrent streams)"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="bursts per model delay (--streams), batches (--cpu)"
    )
    parser.add_argument("--cpu", action="store_true", help="only the server's CPU per request")
    parser.add_argument("--batch", type=int, default=20, help="requests per batch (--cpu)")
    parser.add_argument(
        "--baseline-src",
        help="--cpu, --streams: also run a server on this src directory, alternating",
    )
    args = parser.parse_args()
    if args.cpu:
        main_cpu(args.rounds, args.batch, args.baseline_src)
    elif args.streams and args.baseline_src:
        main_streams(args.rounds, args.baseline_src)
    else:
        main(args.quick, streams_only=args.streams, rounds_of_streams=args.rounds)

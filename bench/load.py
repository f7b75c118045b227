"""Load on one server, or on two side by side (this checkout's and one on a baseline's
``src``) with their batches alternating, so both see the same load: 50 concurrent
streams against one stream alone (bench_endpoint.py section 4, ``--streams``) and the
server's CPU per request (``--cpu``)."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from bench.browser_client import BrowserSession
from bench.servers import (
    TOKEN,
    control,
    free_port,
    jupyter_server_argv,
    precise_cpu_seconds,
    server_env,
    stop_processes,
    wait_until_up,
)
from bench.streams import (
    create_body,
    created_thread_id,
    created_thread_id_in,
    first_delta_raw,
    follow_up_body,
    pct,
    raw_stream,
    stream_phases_raw,
)

ROOT = Path(__file__).resolve().parents[1]


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


async def cpu_per_request(
    servers: dict[str, tuple[str, int]],
    rounds: int,
    batch: int,
    depth: int = 30,
    browser_like: bool = False,
) -> None:
    """``--cpu``: the server's CPU per new-thread request and per follow-up in a
    ``depth``-turn thread, in batches of ``batch`` requests (``/proc`` counts CPU in
    clock ticks), the servers' batches alternating; medians of ``rounds`` batches.

    Clients: ``token`` (always) sends the token on a new connection per request;
    with ``browser_like`` also ``browser``, a kept-alive connection with the login and
    XSRF cookies (:class:`BrowserSession`), its batches alternating with the others."""
    clients = ("token", "browser") if browser_like else ("token",)
    sessions: dict[str, BrowserSession] = {}
    threads: dict[tuple[str, str], str] = {}
    for name, (endpoint, _) in servers.items():
        for i in range(5):  # warm: imports, connections, first SQLite pages
            await raw_stream(endpoint, create_body(f"warm up {i}"))
        if browser_like:
            sessions[name] = BrowserSession(endpoint)
            await sessions[name].start()
        for client in clients:
            send = _sender(client, endpoint, sessions.get(name))
            thread_id = created_thread_id_of(await send(create_body("turn 0")), client)
            for turn in range(1, depth):
                await send(follow_up_body(thread_id, f"turn {turn}"))
            threads[name, client] = thread_id
    samples: dict[tuple[str, str, str], list[float]] = {}
    names = list(servers)
    for r in range(rounds):
        for kind in ("new", "follow-up"):
            for client in clients if r % 2 == 0 else clients[::-1]:
                # The order alternates too, so neither side always runs right after the other.
                for name in names if r % 2 == 0 else names[::-1]:
                    endpoint, pid = servers[name]
                    send = _sender(client, endpoint, sessions.get(name))
                    cpu = precise_cpu_seconds(pid)
                    for i in range(batch):
                        body = (
                            create_body(f"q{r}.{i}")
                            if kind == "new"
                            else follow_up_body(threads[name, client], f"q{r}.{i}")
                        )
                        await send(body)
                    await asyncio.sleep(0.05)  # what the server does after the last byte
                    samples.setdefault((name, kind, client), []).append(
                        (precise_cpu_seconds(pid) - cpu) / batch
                    )
    for session in sessions.values():
        await session.close()
    med = statistics.median
    print(
        f"server CPU per request (medians of {rounds} batches of {batch}; follow-ups in a "
        f"thread of {depth}+ turns)"
    )
    for client in clients:
        print(f"  client: {_CLIENTS[client]}")
        for kind in ("new", "follow-up"):
            values = [med(samples[name, kind, client]) for name in names]
            line = (
                "   "
                + f"{kind:10}"
                + "   ".join(f"{n} {v * 1e3:6.2f} ms" for n, v in zip(names, values, strict=True))
            )
            if len(names) == 2:
                line += f"   ratio {values[0] / values[1]:5.2f}"
            print(line)


_CLIENTS = {
    "token": "token per request, a new connection each (Connection: close)",
    "browser": "browser-like: one kept-alive connection, login + XSRF cookies",
}


def _sender(
    client: str, endpoint: str, session: BrowserSession | None
) -> Callable[[bytes], Awaitable[bytes]]:
    """How ``client`` sends a request body and reads its whole answer."""
    if client == "browser" and session is not None:
        return session.post
    return lambda body: raw_stream(endpoint, body)


def created_thread_id_of(answer: bytes, client: str) -> str:
    """The new thread's id in an answer read by ``client`` (the browser's is de-chunked)."""
    return created_thread_id_in(answer) if client == "browser" else created_thread_id(answer)

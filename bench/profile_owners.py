"""Where a request's CPU goes in the server process, by owner (issue 12).

    python bench/profile_owners.py [--requests 200] [--rate 997] [--ours N]

Starts the fake LLM and a real ``jupyter server`` with the extension (as
``bench_endpoint.py --cpu`` does), warms it, builds a 30-turn thread, then samples the
server with ``py-spy record`` while it answers ``--requests`` new-thread requests and
as many follow-ups in that thread. Each sample goes to the nearest frame on its stack
that belongs to an owner (our store, context policy, server extension or assistant;
chatkit; openai-agents; openai; httpx and friends; tornado and jupyter_server), so the
work a library does for its caller (pydantic, json, copy, asyncio) is charged to the
caller; a sample with no owner below the event loop is the loop's own. The shares are
scaled to the server's CPU per request measured meanwhile (``/proc`` schedstat), which
py-spy's pauses inflate: read the shares, and take the absolute CPU per request from
``bench_endpoint.py --cpu``. Samples of idle threads (the selector, the workers' queue
waits) are left out, and so are samples inside a socket write or close (their share is
printed apart): py-spy samples wall time, and a write on loopback wakes the client,
which on a loaded machine takes the CPU while the server's thread is still in the call
(runnable, counted as busy). ``perf record -e cpu-clock`` on the server shows the
kernel's whole part at 6-7 % of its CPU where py-spy put 22-29 % of the samples in
those calls. ``--ours N`` also lists the N functions of ours that are most often a
sample's nearest own frame (its owner ours), so our share reads by function: a
function's own work and the library and stdlib work it calls (json, pydantic, sqlite3)
but not our functions it calls. Needs ``py-spy`` on PATH and the right to attach to the
server.
This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import beside_baseline  # noqa: E402
from bench.servers import precise_cpu_seconds  # noqa: E402
from bench.streams import create_body, created_thread_id, follow_up_body, raw_stream  # noqa: E402

# Owners, first match wins, checked against a frame's file (site-packages stripped).
OWNERS = (
    ("ours: store", r"^jupyter_chatkit/store/"),
    ("ours: context policy", r"^jupyter_chatkit/context_policy/"),
    ("ours: server extension", r"^jupyter_chatkit/serverext/"),
    ("ours: assistant", r"^jupyter_chatkit/"),
    ("chatkit", r"^chatkit/"),
    ("openai-agents", r"^agents/"),
    ("openai SDK", r"^openai/"),
    ("httpx/httpcore/h11/anyio", r"^(httpx|httpcore|h11|anyio|sniffio)"),
    ("tornado/jupyter_server", r"^(tornado|jupyter_server|jupyter_core|traitlets)/"),
)
# Leaves where a thread waits (py-spy counts some of them as busy).
IDLE = re.compile(
    r"(select \(selectors\.py|EpollSelector\.select|aiosqlite/core\.py:59\)"
    r"|concurrent/futures/thread\.py:81\))"
)
# Leaves in a socket write or close: wall time while the woken client runs (docstring).
SOCKET_CALLS = re.compile(
    r"^(IOStream\.write_to_fd|_SelectorSocketTransport\.write|socket\._real_close) "
)
EVENT_LOOP = "asyncio event loop (its own steps)"


def frame_file(frame: str) -> str:
    """The file of a py-spy raw frame ``function (path:line)``, shortened."""
    found = re.search(r"\(([^()]*):\d+\)$", frame)
    path = found.group(1) if found else frame
    path = re.sub(r".*site-packages/", "", path)
    path = re.sub(r".*/src/jupyter_chatkit/", "jupyter_chatkit/", path)
    return re.sub(r".*/lib/python3\.\d+/", "", path)


def owner_of(frames: list[str]) -> str:
    """The owner of the nearest frame, from the leaf up, that has one."""
    for frame in reversed(frames):
        if "BaseAsyncIOLoop.start" in frame:
            return EVENT_LOOP
        path = frame_file(frame)
        for name, pattern in OWNERS:
            if re.search(pattern, path):
                return name
    return "other"


def own_function(frames: list[str]) -> str | None:
    """The nearest frame of ours (``jupyter_chatkit``), from the leaf up, as
    ``module.py:function``, when a sample's owner is ours; else None."""
    if not owner_of(frames).startswith("ours"):
        return None
    for frame in reversed(frames):
        path = frame_file(frame)
        if path.startswith("jupyter_chatkit/"):
            return f"{path.removeprefix('jupyter_chatkit/')}:{frame.split(' (')[0]}"
    return None


def own_functions(raw: Path) -> dict[str, float]:
    """The share of the busy samples (as :func:`shares` counts them) each function of
    ours has as the nearest own frame of a sample owned by us."""
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not stack or IDLE.search(frames[-1]) or SOCKET_CALLS.search(frames[-1]):
            continue
        total += int(count)
        name = own_function(frames)
        if name is not None:
            counts[name] += int(count)
    return {name: n / (total or 1) for name, n in counts.items()}


def shares(raw: Path) -> tuple[dict[str, float], float]:
    """Each owner's share of the busy samples of a py-spy ``--format raw`` file, and
    the part of the busy samples left out as socket calls (:data:`SOCKET_CALLS`)."""
    counts: collections.Counter[str] = collections.Counter()
    in_socket_calls = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not stack or IDLE.search(frames[-1]):
            continue
        if SOCKET_CALLS.search(frames[-1]):
            in_socket_calls += int(count)
            continue
        counts[owner_of(frames)] += int(count)
    total = sum(counts.values()) or 1
    return {name: n / total for name, n in counts.items()}, in_socket_calls / (
        total + in_socket_calls
    )


async def sampled(pid: int, out: Path, rate: int, requests: list[tuple[str, bytes]]) -> float:
    """Run ``requests`` (endpoint, body) under py-spy; the server's CPU per request."""
    spy = await asyncio.create_subprocess_exec(
        *("py-spy", "record", "-p", str(pid), "-r", str(rate), "-f", "raw", "-o", str(out)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await asyncio.sleep(1.5)  # attached
    cpu = precise_cpu_seconds(pid)
    for endpoint, body in requests:
        await raw_stream(endpoint, body)
    await asyncio.sleep(0.05)  # what the server does after the last byte
    per_request = (precise_cpu_seconds(pid) - cpu) / len(requests)
    spy.send_signal(signal.SIGINT)
    await asyncio.wait_for(spy.wait(), 60)
    return per_request


def main(requests: int, rate: int, ours: int = 0) -> None:
    if shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not on PATH")
    results: dict[str, tuple[float, dict[str, float]]] = {}
    left_out: dict[str, float] = {}
    own: dict[str, dict[str, float]] = {}

    async def work(
        _client: httpx.AsyncClient, _llm_url: str, servers: dict[str, tuple[str, int]]
    ) -> None:
        endpoint, pid = servers["this"]
        for i in range(5):  # warm: imports, connections, first SQLite pages
            await raw_stream(endpoint, create_body(f"warm up {i}"))
        thread_id = created_thread_id(await raw_stream(endpoint, create_body("turn 0")))
        for turn in range(1, 30):
            await raw_stream(endpoint, follow_up_body(thread_id, f"turn {turn}"))
        with tempfile.TemporaryDirectory() as tmp:
            for kind in ("new thread", "follow-up"):
                bodies = [
                    create_body(f"q{i}")
                    if kind == "new thread"
                    else follow_up_body(thread_id, f"q{i}")
                    for i in range(requests)
                ]
                out = Path(tmp) / "samples.txt"
                cpu = await sampled(pid, out, rate, [(endpoint, body) for body in bodies])
                owned, left_out[kind] = shares(out)
                own[kind] = own_functions(out)
                results[kind] = (cpu, owned)

    beside_baseline(None, work)
    kinds = list(results)
    print(f"server CPU per request by owner (py-spy, {requests} requests each, rate {rate} Hz;")
    print("   ms = share x the CPU per request measured while sampled)")
    print(f"   {'owner':40}" + "".join(f"{kind:>24}" for kind in kinds))
    names = sorted(
        {name for _, owned in results.values() for name in owned},
        key=lambda name: -sum(owned.get(name, 0.0) for _, owned in results.values()),
    )
    for name in names:
        cells = []
        for kind in kinds:
            cpu, owned = results[kind]
            share = owned.get(name, 0.0)
            cells.append(f"{share * cpu * 1e3:9.2f} ms {share * 100:5.1f}%")
        print(f"   {name:40}" + "".join(f"{cell:>24}" for cell in cells))
    print(
        f"   {'total (while sampled)':40}"
        + "".join(f"{results[kind][0] * 1e3:9.2f} ms {100:5.1f}%".rjust(24) for kind in kinds)
    )
    print(
        f"   {'(left out: samples in socket calls)':40}"
        + "".join(f"{left_out[kind] * 100:5.1f}%".rjust(24) for kind in kinds)
    )

    if ours:
        print(f"our functions, the nearest own frame of samples owned by us (top {ours})")
        top = sorted(
            {name for shares_ in own.values() for name in shares_},
            key=lambda name: -sum(shares_.get(name, 0.0) for shares_ in own.values()),
        )[:ours]
        for name in top:
            cells = []
            for kind in kinds:
                share = own[kind].get(name, 0.0)
                cells.append(f"{share * results[kind][0] * 1e3:9.3f} ms {share * 100:5.1f}%")
            print(f"   {name[:60]:60}" + "".join(f"{cell:>24}" for cell in cells))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind")
    parser.add_argument("--rate", type=int, default=997, help="py-spy samples per second")
    parser.add_argument(
        "--ours", type=int, default=0, help="also the N functions of ours with most samples"
    )
    args = parser.parse_args()
    main(args.requests, args.rate, args.ours)

"""Soak: minutes of mixed traffic through the assistant, on SQLite and PostgreSQL.

    python bench/bench_soak.py                      # 1 minute per backend
    python bench/bench_soak.py --minutes 10 --concurrency 16
    python bench/bench_soak.py --pg postgresql://user@host/db   # that database
    python bench/bench_soak.py --no-pg              # SQLite only

``NotebookAssistant.handle()`` (the transport-free core every transport calls) talks to
the local fake OpenAI-compatible server over chat completions. Workers pick, at random
with fixed weights: a new conversation, a message into an existing one (several workers
share threads, so turns queue), a thread list, an items page, a thread by id, a stream
stopped after its first words (Stop), and a provider fault (HTTP 500, a connection cut
mid-answer, a stream that just stops). Reported per backend:

- unexpected errors: an exception out of ``handle()``, a 5xx, a stream that ends with
  neither an answer nor an ErrorEvent, a fault answered without an ErrorEvent
  (target 0);
- p50 / p95 latency per kind of request;
- RSS growth per 1,000 requests after a warm-up (target: flat, i.e. well under 1 MiB);
- drift: p50 of the last quarter of the run over the first quarter, a baseline from
  the same run (target <= 1.5x; a leak or a growing table shows here first).

With no ``--pg`` a throwaway PostgreSQL cluster is started when its binaries are
installed (as the tests do). This is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.fake_llm import (  # noqa: E402
    FakeLLM,
    Reply,
    cut_stream,
    server_error,
    stopped_stream,
)

WEIGHTS = {
    "create": 10,
    "message": 20,
    "list_threads": 15,
    "list_items": 15,
    "get_thread": 10,
    "stop": 8,
    "fault": 7,
}
SHARED_THREADS = 6


def user_input(text: str) -> dict[str, Any]:
    return {
        "content": [{"type": "input_text", "text": text}],
        "attachments": [],
        "inference_options": {},
    }


def body(type_: str, **params: Any) -> bytes:
    return json.dumps({"type": type_, "params": params}).encode()


def rss_bytes() -> int:
    """Resident set size of this process, from /proc (Linux)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@dataclass
class Tally:
    """What one backend's run saw."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    timeline: list[tuple[float, float]] = field(default_factory=list)  # (start, seconds)
    unexpected: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0


class Soak:
    """Mixed traffic against one assistant; a shared pool of threads."""

    def __init__(self, assistant: Any, llm: FakeLLM, seed: int) -> None:
        from jupyter_chatkit.protocol import RequestContext

        self.assistant = assistant
        self.llm = llm
        self.ctx = RequestContext(user_id="soak")
        self.threads: list[str] = []
        self.rng = random.Random(seed)
        self.tally = Tally()

    async def stream(self, payload: bytes, *, stop_early: bool = False) -> tuple[bool, bool]:
        """Run one streaming request; (answered, error event seen)."""
        from jupyter_chatkit.assistant.server import StreamResult

        result = await self.assistant.handle(payload, self.ctx)
        if not isinstance(result, StreamResult):
            raise RuntimeError(f"a stream was answered with HTTP {result.status}")
        answered = errored = False
        chunks = result.chunks
        try:
            async for chunk in chunks:
                if b'"type":"thread.created"' in chunk and not stop_early:
                    data = json.loads(chunk.split(b"data: ", 1)[1])
                    self.threads.append(data["thread"]["id"])
                if b"assistant_message" in chunk and b"thread.item.done" in chunk:
                    answered = True
                if b'"type":"error"' in chunk:
                    errored = True
                if stop_early and b"text_delta" in chunk:
                    return True, False  # the finally below is the user's Stop
        finally:
            await chunks.aclose()  # type: ignore[attr-defined]
        return answered, errored

    async def json(self, payload: bytes) -> int:
        from jupyter_chatkit.assistant.server import JsonResult

        result = await self.assistant.handle(payload, self.ctx)
        assert isinstance(result, JsonResult)
        return result.status

    async def one(self, kind: str) -> None:
        rng = self.rng
        if kind == "message" and not self.threads:
            kind = "create"
        if kind == "create":
            answered, errored = await self.stream(body("threads.create", input=user_input("hi")))
            self.check(kind, answered or errored)
        elif kind == "message":
            thread_id = rng.choice(self.threads[:SHARED_THREADS])
            payload = body("threads.add_user_message", thread_id=thread_id, input=user_input("q"))
            answered, errored = await self.stream(payload)
            self.check(kind, answered or errored)
        elif kind == "stop":
            self.llm.script(Reply("a long answer " * 40, chunk_chars=4))
            await self.stream(body("threads.create", input=user_input("long")), stop_early=True)
        elif kind == "fault":
            fault = rng.choice([server_error(500), cut_stream(after=2), stopped_stream(after=2)])
            self.llm.script(fault)
            _, errored = await self.stream(body("threads.create", input=user_input("x")))
            # The fault may be taken by a concurrent request; an error event is owed
            # only if this one got it, so only a silent failure counts below.
            self.check(kind, True)
            self.tally.latencies["fault_error_event"].append(1.0 if errored else 0.0)
        elif kind == "list_threads":
            self.check(kind, await self.json(body("threads.list", limit=20, order="desc")) < 500)
        elif kind == "list_items" and self.threads:
            thread_id = rng.choice(self.threads)
            status = await self.json(body("items.list", thread_id=thread_id, limit=20))
            self.check(kind, status < 500)
        elif kind == "get_thread" and self.threads:
            status = await self.json(body("threads.get_by_id", thread_id=rng.choice(self.threads)))
            self.check(kind, status < 500)

    def check(self, kind: str, ok: bool) -> None:
        if not ok:
            self.tally.unexpected[kind] += 1

    async def worker(self, deadline: float, origin: float) -> None:
        kinds = list(WEIGHTS)
        weights = list(WEIGHTS.values())
        while time.monotonic() < deadline:
            kind = self.rng.choices(kinds, weights)[0]
            start = time.perf_counter()
            try:
                await self.one(kind)
            except Exception as exc:
                self.tally.unexpected[f"{kind}: {type(exc).__name__}"] += 1
            seconds = time.perf_counter() - start
            self.tally.latencies[kind].append(seconds)
            self.tally.timeline.append((start - origin, seconds))
            self.tally.requests += 1
            if len(self.llm.calls) > 200:
                # The fake records every request (bodies included); that is the
                # bench's memory, not the assistant's.
                with self.llm._lock:
                    del self.llm.calls[:-50]


async def soak(store_url: str, llm: FakeLLM, minutes: float, concurrency: int) -> dict[str, Any]:
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.settings import Settings

    settings = Settings(
        model="fake-model",
        api="chat_completions",
        base_url=llm.base_url,
        api_key="sk-soak-not-secret",
        store_url=store_url,
        title_threads=False,
        max_retries=0,
        request_timeout=10,
    )
    assistant = await create_assistant(settings)
    try:
        run = Soak(assistant, llm, seed=14)
        # Warm-up: imports, pools, first pages; its requests are not counted.
        warm = time.monotonic() + 5
        await asyncio.gather(*(run.worker(warm, time.perf_counter()) for _ in range(concurrency)))
        run.tally = Tally()
        rss_start = rss_bytes()
        origin = time.perf_counter()
        deadline = time.monotonic() + minutes * 60
        await asyncio.gather(*(run.worker(deadline, origin) for _ in range(concurrency)))
        rss_end = rss_bytes()
    finally:
        await assistant.aclose()
    tally = run.tally
    quarter = max(1, len(tally.timeline) // 4)
    ordered = sorted(tally.timeline)
    first = [s for _, s in ordered[:quarter]]
    last = [s for _, s in ordered[-quarter:]]
    faults = tally.latencies.pop("fault_error_event", [])
    return {
        "requests": tally.requests,
        "unexpected": dict(tally.unexpected),
        "latency": {
            kind: (pct(values, 0.5), pct(values, 0.95), len(values))
            for kind, values in sorted(tally.latencies.items())
        },
        "rss_growth_per_1000": (rss_end - rss_start) / max(1, tally.requests / 1000),
        "drift": statistics.median(last) / statistics.median(first),
        "faults_answered_with_error_event": (sum(faults), len(faults)),
    }


def print_report(name: str, report: dict[str, Any]) -> None:
    print(f"\n== {name}: {report['requests']} requests")
    unexpected = report["unexpected"]
    total = sum(unexpected.values())
    print(f"unexpected errors: {total} (target 0) {unexpected or ''}")
    print(f"{'request':<14}{'p50 ms':>10}{'p95 ms':>10}{'count':>8}")
    for kind, (p50, p95, count) in report["latency"].items():
        print(f"{kind:<14}{p50 * 1000:>10.1f}{p95 * 1000:>10.1f}{count:>8}")
    growth = report["rss_growth_per_1000"] / 1024
    print(f"RSS growth per 1,000 requests: {growth:.0f} KiB")
    print(f"drift (p50 last quarter / first quarter): {report['drift']:.2f}x (target <= 1.5x)")
    seen, faults = report["faults_answered_with_error_event"]
    print(f"fault requests that drew an ErrorEvent: {seen:.0f} of {faults}")


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str | None]:
    """A private PostgreSQL cluster (as in the tests), or None without its binaries."""
    from tests.fixtures.postgres import find_postgres_bin, postgres_url

    if find_postgres_bin() is None:
        yield None
        return
    cluster = postgres_url.__wrapped__()  # the fixture's generator, run by hand
    try:
        yield next(cluster)
    finally:
        cluster.close()


async def fresh_pg_database(server_url: str) -> tuple[str, str]:
    from tests.fixtures.store import _create_role_with_schema

    return await _create_role_with_schema(server_url)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="per backend (default 1)")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--pg", default="", help="a PostgreSQL URL to use as given")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()

    with FakeLLM() as llm, tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'soak.sqlite3'}"
        print_report("SQLite", asyncio.run(soak(sqlite_url, llm, args.minutes, args.concurrency)))
        if args.no_pg:
            return 0
        if args.pg:
            report = asyncio.run(soak(args.pg, llm, args.minutes, args.concurrency))
            print_report("PostgreSQL", report)
            return 0
        with throwaway_postgres() as server_url:
            if server_url is None:
                print("\nPostgreSQL: no server binaries; pass --pg URL to include it.")
                return 0
            _, url = asyncio.run(fresh_pg_database(server_url))
            report = asyncio.run(soak(url, llm, args.minutes, args.concurrency))
            print_report("PostgreSQL", report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The model client's HTTP layer: httpx2 (openai's default) against aiohttp (openai[aiohttp]).

    python bench/bench_http_layer.py [--aiohttp-path DIR] [--requests N] [--words N]

``DIR`` holds aiohttp when it is not installed (``pip install --no-deps --target DIR
aiohttp``): openai imports its aiohttp adapter whenever aiohttp can be imported.

1. CPU per streamed chat completion in the client process (the Jupyter server's side of
   a model request), for the product's client (``LeanAsyncOpenAI``, as ``build_model``
   makes it) on each HTTP layer, against the fake model in another process streaming
   ``--words`` deltas; batches alternate between the layers (medians, spread).
2. Resident memory that ``import openai, agents`` adds to a Python that has imported
   ``jupyter_server``, with aiohttp importable and without (fresh interpreters).

Numbers are ratios and differences against the other layer in this run. Not a test.

Findings (2026-11-30, openai 3.57, httpx2 2.16.2, aiohttp 3.14.5), why the client stays
on httpx2:
- CPU: aiohttp saves ~1.7 ms per 40-delta stream in the client here (8.5 -> 6.8 ms, most
  of it h11's pure-Python parsing of each chunk); in the server (bench_endpoint.py,
  alternating trees) -6% per request (--cpu --browser-like medians, runs -21%..+4%)
  and -16 to -20% per stream (--streams).
- Memory: with aiohttp installed, every ``import openai`` imports it (openai/_base_client
  tries its vendored adapter at import): +7.3 MB resident before any client exists.
- Errors: openai's adapter (httpx-aiohttp 0.2.0, vendored in openai/_vendor/httpx_aiohttp)
  raises every aiohttp connection error as httpx2's ``ConnectTimeout``: a refused
  connection, a DNS or TLS certificate failure and a server hanging up before answering
  all read "took too long" instead of "could not reach" / "cut off"
  (tests/test_provider_transport.py fails 4 of 7 cases on it; a name-based mapping of the
  aiohttp cause in model_errors.py makes all 7 pass).
- Proxies and CA bundles: HTTPS_PROXY (with credentials), NO_PROXY and SSL_CERT_FILE
  behave as with httpx2 (httpx2 routes the proxy; the adapter builds its SSL context with
  httpx2's ``create_ssl_context``); proxy credentials go through aiohttp's deprecated
  ``proxy_auth`` (a DeprecationWarning per request, removed in aiohttp 4).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAKE = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from tests.fixtures.fake_llm import FakeLLM, Reply
    llm = FakeLLM()
    llm.default_reply = Reply(" ".join(["word"] * {words}))
    llm.start()
    print(llm.port, flush=True)
    sys.stdin.read()  # until the benchmark closes it
    """
)

IMPORTS = textwrap.dedent(
    """
    def rss():
        with open("/proc/self/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024
    import jupyter_server.serverapp
    before = rss()
    import openai, agents, sys
    print(rss() - before, "aiohttp" in sys.modules)
    """
)


def client(kind: str, base_url: str) -> object:
    """The product's client, on httpx2 (openai's own) or on openai's aiohttp client."""
    import openai

    from jupyter_chatkit.assistant.openai_client import (
        LeanAsyncOpenAI,
        kept_url_merge,
        lean_header_merge,
    )

    if kind == "httpx2":
        return LeanAsyncOpenAI(api_key="sk-bench", base_url=base_url, max_retries=0)
    http_client = openai.DefaultAioHttpClient()
    lean_header_merge(http_client)  # what LeanAsyncOpenAI gives openai's own client
    kept_url_merge(http_client)
    return LeanAsyncOpenAI(
        api_key="sk-bench", base_url=base_url, max_retries=0, http_client=http_client
    )


async def cpu_per_stream(base_url: str, requests: int, rounds: int = 6) -> dict[str, list[float]]:
    """CPU ms per streamed chat completion, per layer, ``rounds`` alternating batches."""
    kinds = ["httpx2"] + (["aiohttp"] if "aiohttp" in sys.modules else [])
    clients = {kind: client(kind, base_url) for kind in kinds}
    messages = [{"role": "user", "content": "hi"}]

    async def one(kind: str) -> None:
        stream = await clients[kind].chat.completions.create(  # type: ignore[attr-defined]
            model="fake-model", messages=messages, stream=True
        )
        async for _ in stream:
            pass

    for kind in kinds:  # warm: connections, caches
        for _ in range(20):
            await one(kind)
    per_batch = max(1, requests // rounds)
    found: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind in kinds:
            started = time.process_time()
            for _ in range(per_batch):
                await one(kind)
            found[kind].append((time.process_time() - started) / per_batch * 1000)
    for kind in kinds:
        await clients[kind].close()  # type: ignore[attr-defined]
    return found


def import_memory(extra_path: str | None, rounds: int) -> tuple[float, bool]:
    """Median MB that ``import openai, agents`` adds; whether aiohttp was imported."""
    env = {**os.environ}
    if extra_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [extra_path, env.get("PYTHONPATH")]))
    runs = []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", IMPORTS],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        runs.append((float(out[0]), out[1] == "True"))
    return statistics.median(mb for mb, _ in runs), runs[0][1]


def main() -> None:
    """Run both sections and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aiohttp-path", help="a directory holding aiohttp")
    parser.add_argument("--requests", type=int, default=300, help="streams per layer")
    parser.add_argument("--words", type=int, default=40, help="deltas per stream")
    parser.add_argument("--rounds", type=int, default=3, help="interpreters per memory row")
    args = parser.parse_args()
    if args.aiohttp_path:
        sys.path.insert(0, args.aiohttp_path)

    fake = subprocess.Popen(
        [sys.executable, "-c", FAKE.format(root=str(ROOT), words=args.words)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        base_url = f"http://127.0.0.1:{int(fake.stdout.readline())}/v1"
        import openai  # noqa: F401  (imports aiohttp's adapter when aiohttp is importable)

        found = asyncio.run(cpu_per_stream(base_url, args.requests))
    finally:
        if fake.stdin is not None:
            fake.stdin.close()
        fake.wait(10)
    print(f"1. client CPU per streamed chat completion ({args.words} deltas; 6 batches)")
    for kind, values in found.items():
        print(
            f"   {kind:8} {statistics.median(values):6.2f} ms"
            f"   (batches {min(values):.2f}..{max(values):.2f})"
        )
    if "aiohttp" in found:
        ratio = statistics.median(found["aiohttp"]) / statistics.median(found["httpx2"])
        print(f"   aiohttp / httpx2: {ratio:.2f}")
    else:
        print("   aiohttp: not importable (pass --aiohttp-path)")

    print("2. resident memory that `import openai, agents` adds (after jupyter_server)")
    plain, plain_aiohttp = import_memory(None, args.rounds)
    print(f"   as installed:         {plain:6.1f} MB   (aiohttp imported: {plain_aiohttp})")
    if args.aiohttp_path:
        with_aiohttp, imported = import_memory(args.aiohttp_path, args.rounds)
        print(f"   aiohttp importable:   {with_aiohttp:6.1f} MB   (aiohttp imported: {imported})")
        print(f"   added by aiohttp:     {with_aiohttp - plain:6.1f} MB")


if __name__ == "__main__":
    main()

"""The model client's HTTP layer: httpx2 (openai's default) against aiohttp (openai[aiohttp]).

    python bench/bench_http_layer.py [--aiohttp-path DIR] [--requests N] [--words N] [--tls]
    python bench/bench_http_layer.py --follow-ups N [--pause SECONDS]

``DIR`` holds aiohttp when it is not installed (``pip install --no-deps --target DIR
aiohttp``): openai imports its aiohttp adapter whenever aiohttp can be imported.

1. CPU per streamed chat completion in the client process (the Jupyter server's side of
   a model request), for the product's client (``LeanAsyncOpenAI``, as ``build_model``
   makes it) on each HTTP layer, against the fake model in another process streaming
   ``--words`` deltas; batches alternate between the layers (medians, spread).
   openai's own chunk parsing is in both (the product's chat-completions model builds
   chunks by validation instead, chat_completions.py): compare the difference.
2. Resident memory that ``import openai, agents`` adds to a Python that has imported
   ``jupyter_server``, with aiohttp importable and without (fresh interpreters).
3. ``--tls``: section 1 again from a provider behind TLS (trustme certificate, ECDSA),
   as real providers are;
4. and on httpx2, a kept-alive connection against a new one for each request (what
   every request after more than ``keepalive_expiry``, httpx2's 5 s, of quiet pays).
5. ``--follow-ups N`` (this section alone): over TLS, the client CPU and wall time of a
   follow-up request ``--pause`` seconds (6) after the last answer, N times: the
   product's client (``LeanAsyncOpenAI`` as made) against one on httpx2's default
   limits (keep-alive expiry 5 s: a new connection for each follow-up). Both wait the
   same pauses; their follow-ups go out one after the other, each first in turn.

Numbers are ratios and differences against the other layer in this run. Not a test.

Findings (2026-11-30, openai 3.57, httpx2 2.16.2, aiohttp 3.14.5), why the client stays
on httpx2:
- CPU: aiohttp saves ~1.6 ms per 40-delta stream in the client over plain HTTP (8.5 ->
  6.9 ms: h11's pure-Python parsing of each chunk) and ~3.6 ms over TLS (10.4 -> 6.8 ms;
  httpcore2 opens an anyio cancel scope per read, anyio's TLS stream is Python); in the
  server (bench_endpoint.py, plain HTTP, alternating trees) -6% per request (--cpu
  --browser-like medians, runs -21%..+4%) and -16 to -20% per stream (--streams).
- Memory: with aiohttp installed, every ``import openai`` imports it (openai/_base_client
  tries its vendored adapter at import): +7.4 MB resident before any client exists; an
  idle server with the extension +5.7..+7.0 MB (bench_memory.py --idle-only --compare,
  2 runs of 4 servers; provider +69.1/+68.6 -> +75.5/+75.0 MB added: past issue 12's
  70 MB).
- Errors: openai's adapter (httpx-aiohttp 0.2.0, vendored in openai/_vendor/httpx_aiohttp)
  raises every aiohttp connection error as httpx2's ``ConnectTimeout``: a refused
  connection, a DNS or TLS certificate failure and a server hanging up before answering
  all read "took too long" instead of "could not reach" / "cut off"
  (tests/test_provider_transport.py fails 4 of 7 cases on it; a name-based mapping of the
  aiohttp cause in model_errors.py makes all 7 pass).
- Cheaper, adopted: a new TLS connection costs ~2.1-2.4 ms of client CPU per request
  (section 4: 11.0 -> 13.5 ms; ECDSA and RSA alike; plain HTTP ~0.6 ms) plus two round
  trips. httpx2 keeps a connection 5 s after its answer, so a person's next question
  usually paid it; ``LeanAsyncOpenAI``'s own client now keeps it 90 s
  (openai_client.KEEPALIVE_EXPIRY). Section 5, 10 follow-ups 6 s apart, load ~13: CPU
  13.81 -> 11.38 ms (0.82), wall 78.0 -> 51.9 ms on loopback (0.67); before the change
  the two clients measured alike (13.21 / 12.61 ms, first-in-turn not yet alternated).
- Proxies and CA bundles: HTTPS_PROXY (with credentials), NO_PROXY and SSL_CERT_FILE
  behave as with httpx2 (httpx2 routes the proxy; the adapter builds its SSL context with
  httpx2's ``create_ssl_context``); proxy credentials go through aiohttp's deprecated
  ``proxy_auth`` (a DeprecationWarning per request, removed in aiohttp 4).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FAKE = textwrap.dedent(
    """
    import ssl, sys, time
    sys.path.insert(0, {root!r})
    from tests.fixtures.fake_llm import FakeLLM, Reply
    context = None
    if {ca_file!r}:
        import trustme
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        ca.cert_pem.write_to_path({ca_file!r})
    llm = FakeLLM(ssl_context=context)
    llm.default_reply = Reply(" ".join(["word"] * {words}))
    llm.start()
    print(llm.base_url, flush=True)
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
        lean_header_merge,
    )

    if kind == "httpx2":
        return LeanAsyncOpenAI(api_key="sk-bench", base_url=base_url, max_retries=0)
    http_client = openai.DefaultAioHttpClient()
    lean_header_merge(http_client)  # what LeanAsyncOpenAI gives openai's own client
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


async def tls_connections(base_url: str, requests: int, rounds: int = 6) -> dict[str, list[float]]:
    """CPU ms per streamed chat completion on httpx2 over TLS: a kept connection against
    a new one for every request (no connection kept alive)."""
    import httpx2
    import openai

    from jupyter_chatkit.assistant.openai_client import LeanAsyncOpenAI

    clients = {
        name: LeanAsyncOpenAI(
            api_key="sk-bench",
            base_url=base_url,
            max_retries=0,
            http_client=openai.DefaultAsyncHttpxClient(
                limits=httpx2.Limits(max_connections=100, max_keepalive_connections=keep)
            ),
        )
        for name, keep in (("kept connection", 100), ("new connection", 0))
    }
    messages = [{"role": "user", "content": "hi"}]

    async def one(client: LeanAsyncOpenAI) -> None:
        stream = await client.chat.completions.create(
            model="fake-model", messages=messages, stream=True
        )
        async for _ in stream:
            pass

    found: dict[str, list[float]] = {name: [] for name in clients}
    for client in clients.values():
        for _ in range(10):
            await one(client)
    per_batch = max(1, requests // rounds)
    for _ in range(rounds):
        for name, client in clients.items():
            started = time.process_time()
            for _ in range(per_batch):
                await one(client)
            found[name].append((time.process_time() - started) / per_batch * 1000)
    for client in clients.values():
        await client.close()
    return found


async def follow_ups(base_url: str, count: int, pause: float) -> dict[str, dict[str, list[float]]]:
    """CPU and wall ms of a streamed chat completion ``pause`` seconds after the last,
    ``count`` times: the product's client against the same on httpx2's default limits
    (the two go first in turn)."""
    import openai

    from jupyter_chatkit.assistant.openai_client import (
        LeanAsyncOpenAI,
        lean_header_merge,
    )
    from jupyter_chatkit.assistant.opening import watch_request_sent

    default_limits = openai.DefaultAsyncHttpxClient()  # openai's defaults: 5 s expiry
    for hook in (lean_header_merge, watch_request_sent):
        hook(default_limits)  # what LeanAsyncOpenAI gives its own client
    clients = {
        "httpx2's 5 s expiry": LeanAsyncOpenAI(
            api_key="sk-bench", base_url=base_url, max_retries=0, http_client=default_limits
        ),
        "as built": LeanAsyncOpenAI(api_key="sk-bench", base_url=base_url, max_retries=0),
    }
    messages = [{"role": "user", "content": "hi"}]

    async def one(client: LeanAsyncOpenAI) -> None:
        stream = await client.chat.completions.create(
            model="fake-model", messages=messages, stream=True
        )
        async for _ in stream:
            pass

    found: dict[str, dict[str, list[float]]] = {name: {"cpu": [], "wall": []} for name in clients}
    for client in clients.values():  # warm: imports, caches, a first connection
        for _ in range(3):
            await one(client)
    names = list(clients)
    for round_ in range(count):
        await asyncio.sleep(pause)
        for name in names if round_ % 2 else names[::-1]:
            cpu, wall = time.process_time(), time.perf_counter()
            await one(clients[name])
            found[name]["cpu"].append((time.process_time() - cpu) * 1000)
            found[name]["wall"].append((time.perf_counter() - wall) * 1000)
    for client in clients.values():
        await client.close()
    return found


def print_follow_ups(pause: float, found: dict[str, dict[str, list[float]]]) -> None:
    """Section 5's lines: each client's figures, then the product's against the other."""
    print(f"5. over TLS, a follow-up {pause:g} s after the last answer (client side)")
    for name, figures in found.items():
        print(f"   {name:20} CPU {spread(figures['cpu'])}")
        print(f"   {'':20} wall {spread(figures['wall'])}")
    base, built = found["httpx2's 5 s expiry"], found["as built"]
    for kind in ("cpu", "wall"):
        ratio = statistics.median(built[kind]) / statistics.median(base[kind])
        saved = statistics.median(base[kind]) - statistics.median(built[kind])
        print(f"   as built / 5 s expiry, {kind}: {ratio:.2f} ({saved:+.2f} ms saved)")


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


def spread(values: list[float]) -> str:
    """The median of ``values`` and their range."""
    return f"{statistics.median(values):6.2f} ms   (batches {min(values):.2f}..{max(values):.2f})"


def print_layers(title: str, found: dict[str, list[float]]) -> None:
    """Section 1's lines: each layer's figures, then their ratio."""
    print(title)
    for kind, values in found.items():
        print(f"   {kind:8} {spread(values)}")
    if "aiohttp" in found:
        ratio = statistics.median(found["aiohttp"]) / statistics.median(found["httpx2"])
        print(f"   aiohttp / httpx2: {ratio:.2f}")
    else:
        print("   aiohttp: not importable (pass --aiohttp-path)")


@contextlib.contextmanager
def fake_provider(words: int, ca_file: str = "") -> Iterator[str]:
    """The fake model in another process (over TLS when ``ca_file`` is given, where its
    CA goes); yields its base URL."""
    fake = subprocess.Popen(
        [sys.executable, "-c", FAKE.format(root=str(ROOT), words=words, ca_file=ca_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert fake.stdout is not None
        yield fake.stdout.readline().strip()
    finally:
        if fake.stdin is not None:
            fake.stdin.close()
        fake.wait(10)


def main() -> None:
    """Run both sections and print them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--aiohttp-path", help="a directory holding aiohttp")
    parser.add_argument("--requests", type=int, default=300, help="streams per layer")
    parser.add_argument("--words", type=int, default=40, help="deltas per stream")
    parser.add_argument("--rounds", type=int, default=3, help="interpreters per memory row")
    parser.add_argument("--tls", action="store_true", help="section 3: TLS connection reuse")
    parser.add_argument(
        "--follow-ups", type=int, default=0, help="section 5 alone: this many follow-ups"
    )
    parser.add_argument("--pause", type=float, default=6.0, help="seconds before a follow-up")
    args = parser.parse_args()
    if args.follow_ups:
        with tempfile.TemporaryDirectory() as tmp:
            ca_file = str(Path(tmp, "ca.pem"))
            with fake_provider(args.words, ca_file) as base_url:
                os.environ["SSL_CERT_FILE"] = ca_file
                found = asyncio.run(follow_ups(base_url, args.follow_ups, args.pause))
        print_follow_ups(args.pause, found)
        return
    if args.aiohttp_path:
        sys.path.insert(0, args.aiohttp_path)

    import openai  # noqa: F401  (imports aiohttp's adapter when aiohttp is importable)

    with fake_provider(args.words) as base_url:
        found = asyncio.run(cpu_per_stream(base_url, args.requests))
    print_layers(f"1. client CPU per streamed chat completion ({args.words} deltas)", found)

    print("2. resident memory that `import openai, agents` adds (after jupyter_server)")
    plain, plain_aiohttp = import_memory(None, args.rounds)
    print(f"   as installed:         {plain:6.1f} MB   (aiohttp imported: {plain_aiohttp})")
    if args.aiohttp_path:
        with_aiohttp, imported = import_memory(args.aiohttp_path, args.rounds)
        print(f"   aiohttp importable:   {with_aiohttp:6.1f} MB   (aiohttp imported: {imported})")
        print(f"   added by aiohttp:     {with_aiohttp - plain:6.1f} MB")

    if args.tls:
        with tempfile.TemporaryDirectory() as tmp:
            ca_file = str(Path(tmp, "ca.pem"))
            with fake_provider(args.words, ca_file) as base_url:
                os.environ["SSL_CERT_FILE"] = ca_file  # read when each client is made
                over_tls = asyncio.run(cpu_per_stream(base_url, args.requests))
                connections = asyncio.run(tls_connections(base_url, args.requests // 2))
        print_layers("3. section 1 over TLS", over_tls)
        print("4. httpx2 over TLS: client CPU per streamed chat completion")
        for name, values in connections.items():
            print(f"   {name:16} {spread(values)}")


if __name__ == "__main__":
    main()

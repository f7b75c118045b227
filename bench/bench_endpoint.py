"""Benchmark the ChatKit endpoint against baselines measured in the same run.

    python bench/bench_endpoint.py [--quick]
    python bench/bench_endpoint.py --streams [--rounds 5]   # section 4 only
    python bench/bench_endpoint.py --cpu [--baseline-src DIR] [--browser-like]  # CPU only
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
beside this one and the batches alternate between them, so both see the same load. Its
client sends the token with every request on a new connection (``Connection: close``):
Jupyter then sets a login cookie and tornado accepts a connection per request.
``--browser-like`` adds a client that does what the page does (one kept-alive
connection, the login cookie, ``_xsrf`` echoed in ``X-XSRFToken``), its batches
alternating with the first's; both are printed, each named.

Numbers are ratios and differences against baselines from this run; absolute times
depend on the machine. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import beside_baseline, concurrent_streams, cpu_per_request  # noqa: E402
from bench.servers import (  # noqa: E402
    API_KEY,
    TOKEN,
    control,
    free_port,
    jupyter_server_argv,
    precise_cpu_seconds,
    rss_mb,
    server_env,
    stop_processes,
    wait_until_up,
)
from bench.streams import (  # noqa: E402
    count_deltas,
    count_events,
    create_body,
    first_delta_direct,
    first_delta_over_http,
    first_delta_raw,
    model_stream_body,
)

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


def main_cpu(rounds: int, batch: int, baseline_src: str | None, browser_like: bool) -> None:
    """``--cpu``: start the fake LLM and one server (two with ``baseline_src``)."""

    async def work(
        _client: httpx.AsyncClient, _llm_url: str, servers: dict[str, tuple[str, int]]
    ) -> None:
        await cpu_per_request(servers, rounds, batch, browser_like=browser_like)

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
        await wait_until_up(client, f"{urls['base']}/health", within=180)
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


async def report(client: httpx.AsyncClient, urls: dict[str, str], rounds: int) -> None:
    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
    from jupyter_chatkit.settings import Settings

    context = RequestContext(user_id=LOCAL_USER)
    settings = Settings(
        model="fake-model",
        api="chat_completions",
        base_url=f"{urls['llm']}/v1",
        api_key=API_KEY,
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
        "--browser-like",
        action="store_true",
        help="--cpu: also a client as the page is (kept-alive connection, login and XSRF "
        "cookies), beside the token-per-request one; both printed",
    )
    parser.add_argument(
        "--baseline-src",
        help="--cpu, --streams: also run a server on this src directory, alternating",
    )
    args = parser.parse_args()
    if args.cpu:
        main_cpu(args.rounds, args.batch, args.baseline_src, args.browser_like)
    elif args.streams and args.baseline_src:
        main_streams(args.rounds, args.baseline_src)
    else:
        main(args.quick, streams_only=args.streams, rounds_of_streams=args.rounds)

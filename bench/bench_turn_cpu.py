"""Benchmark the server's CPU per turn in process: the model side of a request.

    python bench/bench_turn_cpu.py [--turns N] [--rounds R] [--api chat_completions|responses|both]
                                   [--words N] [--token-delay S] [--depth D]
                                   [--compare OTHER_CHECKOUT] [--profile OUT.prof]

A fake OpenAI-compatible LLM runs in its own process. Each side (this checkout, and
with ``--compare`` another one: ``PATH/src`` first on ``PYTHONPATH``) runs in a worker
process of its own that builds a ``NotebookAssistant`` on a throwaway SQLite store,
warms it with a few turns, then answers ``--turns`` new conversations
(``threads.create``; the fake model's default answer of five words, or ``--words N``
words, one delta each) through ``handle()``, reading
every byte of each stream. With ``--token-delay S`` the fake model waits ``S`` seconds
between its deltas, so each reaches the server in a network read of its own, as a hosted
model's tokens do (without it the fake writes them back to back and the server merges
those of one read, see assistant/coalesce.py): the figure then includes the CPU each
token costs on its own (with ``--words 100 --token-delay 0.003``, CPU per turn minus
the default answer's, over 95 more tokens). With ``--depth D``, follow-ups
(``threads.add_user_message``) in one thread that already has ``D`` turns (its history
grows with every turn, bounded as the server bounds it). The figure is the worker's CPU
time (user + system, every thread) per turn: what the server spends on a request besides
the HTTP transport.
Before the measured turns the worker sets the garbage collector as the server extension
does once it has started (``gc.freeze()``, first threshold
``GC_THRESHOLD_AFTER_START``); with Python's defaults a young collection of the whole
started stack's new objects ran every few turns, which the server never sees.
The workers of the two sides run at the same time, ``--rounds`` times, so the machine's
load hits both alike; the medians over rounds are printed, and their ratio.

``--profile OUT.prof`` instead runs one worker of this checkout under cProfile (warm
turns only) and writes the stats, then prints the top of them. This is not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.servers import API_KEY, free_port  # noqa: E402
from bench.streams import create_body, follow_up_body  # noqa: E402

APIS = ("chat_completions", "responses")
WARM_TURNS = 5


async def one_turn(assistant: Any, body: bytes, context: Any) -> bytes:
    """One streamed request through ``handle()``, read to the end; fails on an error."""
    result = await assistant.handle(body, context)
    seen = b""
    async for chunk in result.chunks:
        seen += chunk
    if b"text_delta" not in seen or b'"type":"error"' in seen:
        raise RuntimeError(f"bad stream: {seen[-300:]!r}")
    return seen


def thread_id_of(stream: bytes) -> str:
    """The id in a stream's ``thread.created`` event."""
    for block in stream.split(b"\n\n"):
        if block.startswith(b"data: ") and b'"thread.created"' in block:
            return str(json.loads(block[6:])["thread"]["id"])
    raise RuntimeError("no thread.created event in the stream")


async def script_answer(client: Any, llm_url: str, words: int) -> None:
    """Have the fake model answer the next request with ``words`` words, one delta each."""
    if words:
        answer = {"text": " ".join(f"w{i}" for i in range(words))}
        (await client.post(f"{llm_url}/_fake/control", json={"reply": answer})).raise_for_status()


async def worker(
    api: str, llm_url: str, turns: int, profile: str | None, words: int = 0, depth: int = 0
) -> list[float]:
    """CPU seconds of each of ``turns`` warm turns of an in-process assistant (answers of
    ``words`` words, or the fake model's default answer); new threads, or with ``depth``
    follow-ups in a thread of ``depth`` turns."""
    import httpx

    from jupyter_chatkit.assistant.server import create_assistant
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
    from jupyter_chatkit.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            model="fake-model",
            api=api,
            base_url=f"{llm_url}/v1",
            api_key=API_KEY,
            store_url=f"sqlite:///{tmp}/chat.sqlite3",
            title_threads=False,
        )
        context = RequestContext(user_id=LOCAL_USER)
        assistant = await create_assistant(settings)
        control = httpx.AsyncClient()
        try:
            for i in range(WARM_TURNS):
                await script_answer(control, llm_url, words)
                await one_turn(assistant, create_body(f"warm {i}"), context)
            thread_id = ""
            for i in range(depth):
                await script_answer(control, llm_url, words)
                body = follow_up_body(thread_id, f"turn {i}") if i else create_body("turn 0")
                seen = await one_turn(assistant, body, context)
                thread_id = thread_id or thread_id_of(seen)
            server_like_collector()
            profiler = None
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            cpu: list[float] = []
            for i in range(turns):
                await script_answer(control, llm_url, words)
                body = follow_up_body(thread_id, f"q{i}") if depth else create_body(f"q{i}")
                start = time.process_time()
                await one_turn(assistant, body, context)
                cpu.append(time.process_time() - start)
            if profiler is not None and profile:
                profiler.disable()
                profiler.dump_stats(profile)
            return cpu
        finally:
            await control.aclose()
            await assistant.aclose()
            await assistant.sql_store.close()


def server_like_collector() -> None:
    """The collector as the server extension leaves it after its start (handlers.py)."""
    import gc

    from jupyter_chatkit.serverext.holder import GC_THRESHOLD_AFTER_START

    gc.collect()
    gc.freeze()
    threshold, *older = gc.get_threshold()
    gc.set_threshold(max(threshold, GC_THRESHOLD_AFTER_START), *older)


def run_workers(
    api: str, llm_url: str, turns: int, srcs: list[Path | None], words: int, depth: int = 0
) -> list[list[float]]:
    """One worker process per side, all at once (the machine's load then hits them
    alike); each one's CPU seconds per turn."""
    procs = []
    for src in srcs:
        env = dict(os.environ)
        if src is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")])
        procs.append(
            subprocess.Popen(
                [
                    *(sys.executable, __file__, "--worker", api, llm_url),
                    *(str(turns), str(words), str(depth)),
                ],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"worker failed:\n{err[-3000:]}")
        results.append([float(x) for x in json.loads(out.splitlines()[-1])])
    return results


def start_fake_llm() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.fake_llm", f"--port={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"{url}/v1/models", timeout=1)
            return proc, url
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40, help="measured turns per worker")
    parser.add_argument("--rounds", type=int, default=3, help="workers per side and API")
    parser.add_argument("--api", choices=[*APIS, "both"], default="both")
    parser.add_argument("--compare", type=Path, help="another checkout to measure too")
    parser.add_argument("--words", type=int, default=0, help="answers of N words (one delta each)")
    parser.add_argument(
        "--token-delay",
        type=float,
        default=0.0,
        help="seconds the fake model waits between deltas (each one read on its own)",
    )
    parser.add_argument(
        "--depth", type=int, default=0, help="follow-ups in a thread of D turns, not new threads"
    )
    parser.add_argument("--profile", help="write cProfile stats of this checkout here")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        api, llm_url, turns, words, depth = args.worker
        cpu = asyncio.run(worker(api, llm_url, int(turns), None, int(words), int(depth)))
        print(json.dumps(cpu))
        return
    apis = APIS if args.api == "both" else (args.api,)
    llm, llm_url = start_fake_llm()
    try:
        if args.token_delay:
            import httpx

            control = {"token_delay": args.token_delay}
            httpx.post(f"{llm_url}/_fake/control", json=control, timeout=10).raise_for_status()
        if args.profile:
            import pstats

            asyncio.run(worker(apis[0], llm_url, args.turns, args.profile, args.words, args.depth))
            stats = pstats.Stats(args.profile)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(40)
            return
        sides: list[tuple[str, Path | None]] = [("this checkout", None)]
        if args.compare:
            sides.append((str(args.compare), args.compare.resolve() / "src"))
        for api in apis:
            per_side: dict[str, list[float]] = {name: [] for name, _ in sides}
            for _ in range(args.rounds):
                srcs = [src for _, src in sides]
                for (name, _), cpu in zip(
                    sides,
                    run_workers(api, llm_url, args.turns, srcs, args.words, args.depth),
                    strict=True,
                ):
                    per_side[name].append(statistics.median(cpu))
            answer = f"{args.words}-word answers" if args.words else "the default answer"
            if args.token_delay:
                answer += f", {args.token_delay * 1e3:g} ms between deltas"
            turn = f"follow-up in a {args.depth}-turn thread" if args.depth else "new thread"
            print(
                f"{api}: server CPU per warm turn ({turn}), {answer} "
                "(in process, median per worker)"
            )
            for name, medians in per_side.items():
                print(
                    f"   {name}: {statistics.median(medians) * 1e3:6.2f} ms   "
                    f"(workers: {', '.join(f'{m * 1e3:.2f}' for m in medians)})"
                )
            if args.compare:
                mine, other = (statistics.median(per_side[name]) for name, _ in sides)
                print(f"   this / other: {mine / other:.2f}")
    finally:
        llm.terminate()
        llm.wait(10)


if __name__ == "__main__":
    main()

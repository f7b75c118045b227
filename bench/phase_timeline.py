"""Where one ChatKit request's time goes on the server, before the model is asked.

    python bench/phase_timeline.py [--requests 60] [--wall | --waits] [--baseline-src DIR]

Starts the fake LLM (in this process) and a real ``jupyter server`` with the extension
and ``bench/phase_marks.py`` (marks along the request, from tornado receiving the POST's
headers to the model request's body written), builds a 30-turn thread with a
browser-like client (one kept-alive connection, login and XSRF cookies), then sends
``--requests`` follow-ups into it and as many new threads, one at a time, alternating.
Prints the median per phase and the total, for follow-ups and for new threads.

By default each mark is the server's event-loop thread CPU time: on this shared 2-core
machine wall time swung 2x between identical runs, CPU time by a few %. ``--wall``
marks ``perf_counter`` instead (the same phases, with whatever waits they had).
``--waits`` marks wall time less the loop thread's waits for a CPU (Linux schedstat):
a phase's CPU time plus the waits of its own making (a worker thread, I/O, a timer, a
lock); beside the default CPU column it shows what of a phase is not CPU, whatever
the machine's load.
``--gap S``: S seconds between the measured requests (a person reading and typing),
not 50 ms; ``--typing T``: a ``turn.warm`` T seconds before each (the page's word while
the person writes); ``--provider-tls`` / ``--provider-idle S``: the fake model behind TLS
on ``localhost`` / closing connections idle S seconds (bench/fake_provider.py).
``--baseline-src DIR`` runs a second server on that ``src`` (e.g. ``git archive`` of an
older commit) after this one, then once more each, and prints both columns.
This is not a test.
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
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.browser_client import BrowserSession  # noqa: E402
from bench.fake_provider import provider  # noqa: E402
from bench.servers import (  # noqa: E402
    TOKEN,
    free_port,
    jupyter_server_argv,
    server_env,
    stop_processes,
    wait_until_up,
)
from bench.streams import create_body, created_thread_id_in, follow_up_body  # noqa: E402
from tests.fixtures.fake_llm import Reply  # noqa: E402

# A page's word that a person writes a message (protocol.Turn.WARM).
WARM_BODY = json.dumps({"type": "turn.warm", "params": {}}).encode()

# (phase, first mark, last mark); "a|b": the first of those the request has.
PHASES = (
    ("tornado + jupyter_server: routing, handler, XSRF/origin, auth", "headers", "prepare<"),
    ("body read, @authenticated/@authorized", "prepare<", "authorized, body read"),
    ("JSON validation, stream task started", "authorized, body read", "stream task"),
    ("request checks, user message built", "stream task", "store>"),
    ("store: message + lease + history (1 transaction), decode", "store>", "store<"),
    ("ChatKit _process_events to respond()", "store<", "respond"),
    ("choose agent, history through the context policy", "respond", "run_agent"),
    ("openai-agents: Runner.run_streamed set-up", "run_agent", "run_streamed"),
    ("openai-agents: run loop to the model call", "run_streamed", "model called"),
    ("request built (agents converter, openai client)", "model called", "httpx send"),
    ("httpx/httpcore: connection, headers + body written", "httpx send", "sent"),
)


async def drive(port: int, requests: int, gap: float = 0.0, typing: float = 0.0) -> list[str]:
    """Warm the server, build the thread, then the measured requests (their kinds);
    ``typing``: each one that long after a ``turn.warm`` (a page's word that a person
    writes; a server that does not know it answers 400)."""
    endpoint = f"http://127.0.0.1:{port}/jupyter-chatkit/chatkit"
    async with httpx.AsyncClient(headers={"Authorization": f"token {TOKEN}"}) as client:
        await wait_until_up(client, endpoint.removesuffix("chatkit") + "health", within=180)
    session = BrowserSession(endpoint)
    await session.start()
    thread_id = created_thread_id_in(await session.post(create_body("turn 0")))
    for i in range(1, 30):
        await session.post(follow_up_body(thread_id, f"turn {i}"))
    for i in range(5):
        await session.post(create_body(f"warm {i}"))
    await asyncio.sleep(0.3)
    kinds = []
    for r in range(requests):
        for kind in ("follow-up", "new"):
            if typing:
                await session.post_json(WARM_BODY)
                await asyncio.sleep(typing)
            if kind == "new":
                await session.post(create_body(f"q{r}"))
            else:
                await session.post(follow_up_body(thread_id, f"q{r}"))
            kinds.append(kind)
            # The marks are written 20 ms after the request; --gap: a person's pause.
            await asyncio.sleep(max(0.05, gap - typing))
    await session.close()
    return kinds


def measure(
    src: str | None, requests: int, clock: str, gap: float = 0.0, **provided: Any
) -> dict[str, list[dict[str, int]]]:
    """One server's marks per request, by kind; ``provided``: ``typing`` (see
    :func:`drive`), ``tls`` and ``idle`` (the provider, fake_provider.provider)."""
    typing = provided.get("typing", 0.0)
    with (
        tempfile.TemporaryDirectory() as tmp,
        provider(Path(tmp), provided.get("tls", False), provided.get("idle")) as (
            llm,
            base_url,
            ca_file,
        ),
    ):
        llm.default_reply = Reply("OK")
        out = Path(tmp) / "marks.jsonl"
        env = server_env(base_url.removesuffix("/v1"), f"sqlite:///{tmp}/s.sqlite3", tmp)
        if ca_file:
            env["SSL_CERT_FILE"] = ca_file
        env["PHASE_MARKS"] = str(out)
        env["PHASE_MARKS_WALL"] = clock
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "bench"), src, env.get("PYTHONPATH")])
        )
        argv = jupyter_server_argv(free_port(), tmp)
        port = int(next(a for a in argv if a.startswith("--port=")).split("=")[1])
        both = "{'jupyter_chatkit': True, 'phase_marks': True}"
        argv = [a.replace("{'jupyter_chatkit': True}", both) for a in argv]
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            out.unlink(missing_ok=True)
            kinds = asyncio.run(drive(port, requests, gap, typing))
        finally:
            stop_processes([proc])
        lines = out.read_text().splitlines() if out.exists() else []
    if typing:
        # The turn.warm requests' marks: not streams, not measured.
        lines = [line for line in lines if '"stream task"' in line or '"error"' in line]
    errors = [e["error"] for e in map(json.loads, lines) if isinstance(e, dict) and "error" in e]
    if errors or len(lines) < len(kinds):
        sys.exit(
            "phase_marks: "
            + ("; ".join(errors) or f"marks for {len(lines)} of {len(kinds)} requests")
        )
    by_kind: dict[str, list[dict[str, int]]] = {}
    for kind, line in zip(kinds, lines[-len(kinds) :], strict=False):
        by_kind.setdefault(kind, []).append(dict(json.loads(line)))
    return by_kind


def phase_medians(rows: list[dict[str, int]]) -> list[float | None]:
    """Median µs of each phase (None where a mark is missing), then the total."""
    spans = [*PHASES, ("total", "headers", "sent")]
    medians: list[float | None] = []
    for _, start, end in spans:
        values = [(r[end] - r[start]) / 1e3 for r in rows if start in r and end in r]
        medians.append(statistics.median(values) if values else None)
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="of each kind, per server")
    timing = parser.add_mutually_exclusive_group()
    timing.add_argument("--wall", action="store_true", help="wall time, not loop CPU time")
    timing.add_argument(
        "--waits", action="store_true", help="wall time less the loop thread's waits for a CPU"
    )
    parser.add_argument("--baseline-src", help="a second server's src, e.g. an older commit's")
    parser.add_argument(
        "--gap", type=float, default=0.0, help="seconds between requests (a person's pause)"
    )
    parser.add_argument(
        "--typing",
        type=float,
        default=0.0,
        help="send turn.warm this many seconds before each request (a page's person writing)",
    )
    parser.add_argument(
        "--provider-tls", action="store_true", help="the fake model behind TLS on localhost"
    )
    parser.add_argument(
        "--provider-idle", type=float, help="the fake model closes idle connections after S"
    )
    args = parser.parse_args()
    provided = {"typing": args.typing, "tls": args.provider_tls, "idle": args.provider_idle}
    clock = "1" if args.wall else "waits" if args.waits else ""
    sources = {"this": None, **({"baseline": args.baseline_src} if args.baseline_src else {})}
    runs: dict[str, dict[str, list[dict[str, int]]]] = {name: {} for name in sources}
    for _ in range(2 if args.baseline_src else 1):
        for name, src in sources.items():
            for kind, rows in measure(src, args.requests, clock, args.gap, **provided).items():
                runs[name].setdefault(kind, []).extend(rows)
    unit = "wall" if args.wall else "wall less CPU waits" if args.waits else "loop-thread CPU"
    for kind in ("follow-up", "new"):
        print(f"{kind} (30-turn thread): median µs of {unit} per phase   " + "  ".join(sources))
        columns = [phase_medians(runs[name][kind]) for name in sources]
        for i, (label, *_) in enumerate([*PHASES, ("total: headers -> model request sent",)]):
            cells = [f"{c[i]:8.0f}" if c[i] is not None else "       -" for c in columns]
            print(f"  {label:60s}" + "  ".join(cells))


if __name__ == "__main__":
    main()

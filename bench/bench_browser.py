"""Benchmark the chat UI in real Chromium against a floor page measured in the same run.

    python bench/bench_browser.py [--turns N] [--token-delay S] [--lab] [--guard]

Starts the fake OpenAI-compatible LLM (in this process), a real ``jupyter server`` with
the extension pointed at it, and Debian's Chromium through Playwright (never
``playwright install``). The chat UI (``createChat`` from js/src, bundled here with the
repository's esbuild) is mounted in a plain page served by that Jupyter server and talks
to the real endpoint. The floor: the SSE bytes of one real turn, recorded with their
timing, replayed by a bare tornado handler into a minimal page that appends each text
delta to one text node.

The chat is 420 x 640 px, as in a sidebar. Its turns are follow-ups in one conversation
(``--new-thread``: a conversation each), so from the second on the answer grows below
the view's end and the view follows it.

Per turn (a 300-word answer streamed word by word), both pages report:

1. Enter -> first character painted, and Enter -> whole answer painted;
2. LLM bytes -> first character painted: from the first response chunk holding a text
   delta reaching the page (a pass-through ``fetch`` wrapper, the same in both pages) to
   the frame that paints the first word (target <= 10 ms). Beside it, "in DOM": to the
   first word in the page's DOM, the page's own part (the chat's ~1-2 ms, the floor's
   ~0.3); the rest is the wait for the next frame, which the page does not choose: up to
   a frame interval (16.7 ms at 60 Hz) while frames run, and a run's median of it moves
   by several ms from run to run, for the floor as for the chat;
3. JS per turn: ``ScriptDuration`` from CDP ``Performance.getMetrics`` between Enter and
   a settled page (target <= 30 ms), with layout and style times beside it, and the
   main thread's whole busy time (``TaskDuration``: script, style, layout, paint).

"Painted" is the start of the rendering steps of the frame that shows the text: the
frame that inserted it, when the text was inserted in a ``requestAnimationFrame``
callback, else the next one. With ``--lab`` it also starts JupyterLab three times: with
the package, without its labextensions (its own, anywidget, ipywidgets' manager: none of
their files reachable, a bare JupyterLab) and with only ipywidgets' manager, and reports
the JS the package adds at startup (target <= 900 KiB).

With ``--guard`` (section 5) it measures the JupyterLab sidebar itself, a notebook open,
the sidebar's kernel check (kernelguard.ts) on the way of every message: Enter -> the
request leaving the page (a ``fetch`` wrapper: the ChatKit POST carrying the message)
and Enter -> the model's request arriving at the fake LLM (the time the fake recorded
it; the page's clock is ``performance.timeOrigin + performance.now()``, the same wall
clock as Python's ``time.time()``, and the offset between them is measured each round
by a round trip and taken out). Leaves -> at model is not the server's alone: it holds
the browser's own sending (Chromium's network process, the socket) before the server
reads the request; traced on this 2-core machine at load 8-12, that part alone was
3-30 ms. Three cases, alternated per round: the notebook's
kernel idle, busy (``time.sleep``; the check goes to a kernel subshell), and no kernel
(shut down: nothing to check, the baseline). The message is typed, then 400 ms pass
before Enter (a person's pause). The first idle turn on a kernel just started is its own
row: that kernel's first check imports the check (~0.2 s quiet, ~1 s at load ~11 here),
and when it has not answered within the pause, Enter waits for it; with one turn per case
it would otherwise be half the idle median.

``--gap S`` waits S seconds before each measured turn (a person reading the answer);
``--provider-tls`` puts the fake model behind TLS on ``localhost`` and ``--provider-idle
S`` makes it close connections idle S seconds (uvicorn under vLLM: 5), so a turn after
the pause may need a new connection (name, TCP, TLS; the "turns opening a provider
connection" column counts them); ``--cases`` picks the kernel cases;
``--baseline-src DIR`` alternates servers on that ``src`` and on this checkout's
(``--repeat`` runs each; the page is this checkout's in both).

Numbers are medians over turns; the machine may be shared, so run it several times.
This is not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.chat_floor import ESBUILD, chat_bench  # noqa: E402
from bench.lab_startup import lab_bench  # noqa: E402
from bench.sidebar_guard import guard_bench  # noqa: E402
from tests.fixtures.browser import CHROMIUM  # noqa: E402


def server_src_env(server_src: Path | None) -> dict[str, str]:
    """The environment that makes a started server (and its kernels) import
    jupyter_chatkit from ``server_src`` (e.g. an older tree's ``src``), if given.

    start_jupyter puts this checkout's ``src`` first on PYTHONPATH; this goes first."""
    if server_src is None:
        return {}
    return {"PYTHONPATH": os.pathsep.join([str(server_src), str(ROOT / "src")])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=7, help="measured turns per page")
    parser.add_argument("--token-delay", type=float, default=0.005, help="seconds between words")
    parser.add_argument("--lab", action="store_true", help="also JupyterLab's startup JS")
    parser.add_argument("--no-chat", action="store_true", help="skip the chat pages")
    parser.add_argument("--profile", action="store_true", help="print the chat's JS profile")
    parser.add_argument(
        "--new-thread", action="store_true", help="each chat turn in a new conversation"
    )
    parser.add_argument(
        "--guard", action="store_true", help="the JupyterLab sidebar's Enter -> request"
    )
    parser.add_argument("--rounds", type=int, default=4, help="--guard: alternated rounds")
    parser.add_argument(
        "--gap", type=float, default=0.0, help="--guard: seconds between turns (a person reading)"
    )
    parser.add_argument(
        "--provider-tls",
        action="store_true",
        help="--guard: the fake model behind TLS on localhost (DNS, TCP, TLS as a hosted one)",
    )
    parser.add_argument(
        "--provider-idle",
        type=float,
        help="--guard: the fake model closes idle connections after this many seconds"
        " (uvicorn under vLLM: 5)",
    )
    parser.add_argument(
        "--cases",
        default="none,idle,busy",
        help="--guard: the kernel cases measured, comma-separated (none, idle, busy)",
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="--guard: also a server from this src (e.g. /tmp/base/src), alternated with this"
        " checkout's, --repeat times each (the page is this checkout's in both)",
    )
    parser.add_argument("--repeat", type=int, default=2, help="--baseline-src: runs of each")
    parser.add_argument(
        "--js-src",
        type=Path,
        default=ROOT / "js" / "src",
        help="the chat UI's sources (e.g. an older checkout's js/src, for before/after);"
        " sections 1-3 only: --guard runs this checkout's built lab extension (for"
        " before/after run the bench from the other checkout, its extension built)",
    )
    parser.add_argument(
        "--baseline-js",
        type=Path,
        help="sections 1-3: also a chat page built from these sources (e.g. `git archive"
        " <rev> js/src | tar -x -C DIR`, then DIR/js/src), its turns alternated with this"
        " checkout's in the same run (JS per turn of both against the floor, and chat/base)",
    )
    parser.add_argument(
        "--server-src",
        type=Path,
        help="the server's (and kernels') jupyter_chatkit from this src directory, e.g."
        " `git archive <rev> src | tar -x -C DIR` then DIR/src: the page stays this"
        " checkout's (PYTHONPATH alone does not do it: the bench puts its own src first)",
    )
    args = parser.parse_args()
    server_src = args.server_src.resolve() if args.server_src else None
    if not Path(CHROMIUM).exists() or not ESBUILD.exists():
        sys.exit(f"needs {CHROMIUM} and {ESBUILD} (npm --prefix js install)")
    tmp = Path(tempfile.mkdtemp(prefix="bench-browser-"))
    try:
        if not args.no_chat:
            chat_bench(
                tmp,
                args.turns,
                args.token_delay,
                args.js_src.resolve(),
                args.profile,
                args.new_thread,
                server_src_env(server_src),
                args.baseline_js.resolve() if args.baseline_js else None,
            )
        if args.lab:
            lab_bench(tmp)
        if args.guard:
            options: dict[str, Any] = {
                "gap": args.gap,
                "tls": args.provider_tls,
                "provider_idle": args.provider_idle,
                "cases": tuple(args.cases.split(",")),
            }
            turns = max(1, args.turns // 2)
            if args.baseline_src is None:
                guard_bench(tmp, args.rounds, turns, server_src_env(server_src), **options)
            else:
                trees = {"baseline": args.baseline_src.resolve(), "this": server_src}
                for run in range(args.repeat):
                    for name in trees if run % 2 == 0 else list(trees)[::-1]:
                        print(f"-- {name} server (run {run + 1})")
                        env = server_src_env(trees[name])
                        guard_bench(tmp / f"{name}-{run}", args.rounds, turns, env, **options)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

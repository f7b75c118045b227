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
   the frame that paints the first word (target <= 10 ms);
3. JS per turn: ``ScriptDuration`` from CDP ``Performance.getMetrics`` between Enter and
   a settled page (target <= 30 ms), with layout and style times beside it.

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
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.lab_startup import lab_bench  # noqa: E402
from bench.servers import free_port, wait_ready  # noqa: E402
from bench.sidebar_guard import guard_bench  # noqa: E402
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, start_jupyter  # noqa: E402
from tests.fixtures.fake_llm import FakeLLM, Reply  # noqa: E402

ESBUILD = ROOT / "js" / "node_modules" / ".bin" / "esbuild"
WORDS = 300
ANSWER = " ".join(f"word{i}" for i in range(WORDS))
FIRST_WORD, LAST_WORD = "word0", f"word{WORDS - 1}"

# Installed before any page script: timing hooks shared by both pages.
INIT_SCRIPT = textwrap.dedent(
    """
    (() => {
      const T = (window.__t = { enter: 0 });
      let answer = null, shown = 0;
      const raf = window.requestAnimationFrame.bind(window);
      let inFrame = false;
      // Text inserted inside a rAF callback is painted by that frame; mark those.
      window.requestAnimationFrame = (cb) =>
        raf((ts) => {
          inFrame = true;
          try { cb(ts); } finally { queueMicrotask(() => { inFrame = false; }); }
        });
      const painted = (key) => {
        if (inFrame) T[key] = performance.now();
        else raf(() => { T[key] = performance.now(); });
      };
      document.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey) {
          for (const k of Object.keys(T)) delete T[k];
          T.enter = performance.now();
          // A follow-up's answer is the one after those already shown.
          answer = null;
          shown = window.__answerSelector
            ? document.querySelectorAll(window.__answerSelector).length : 0;
        }
      }, true);
      const realFetch = window.fetch.bind(window);
      window.fetch = async (...args) => {
        const res = await realFetch(...args);
        const type = res.headers.get("Content-Type") || "";
        if (!res.body || !type.includes("event-stream")) return res;
        const dec = new TextDecoder();
        let seen = false;
        const tap = new TransformStream({
          transform(chunk, ctl) {
            if (!seen && dec.decode(chunk, { stream: true }).includes("text_delta")) {
              seen = true;
              T.bytes = performance.now();
            }
            ctl.enqueue(chunk);
          },
        });
        const init = { status: res.status, headers: res.headers };
        return new Response(res.body.pipeThrough(tap), init);
      };
      const watch = () => {
        new MutationObserver(() => {
          if (!T.enter || T.lastDom) return;
          if (!answer) {
            const all = document.querySelectorAll(window.__answerSelector || "#out");
            if (all.length <= shown) return;
            answer = all[all.length - 1];
          }
          const text = answer.textContent;
          if (!T.firstDom && text.includes("%(first)s")) {
            T.firstDom = performance.now();
            painted("first");
          }
          if (text.includes("%(last)s")) {
            T.lastDom = performance.now();
            painted("last");
          }
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      };
      if (document.body) watch(); else document.addEventListener("DOMContentLoaded", watch);
    })();
    """
) % {"first": FIRST_WORD, "last": LAST_WORD}

CHAT_ENTRY = textwrap.dedent(
    """
    import { createChat, fetchTransport } from "%(src)s";
    const token = new URLSearchParams(location.search).get("token") ?? "";
    (window as any).__answerSelector = ".jck-assistant .jck-parts";
    (window as any).__chat = createChat(document.getElementById("chat") as HTMLElement, {
      transport: fetchTransport({ baseUrl: "/", token }),
    });
    """
)

CHAT_PAGE = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="bench.css">
<style>body{margin:0} #chat{width:420px;height:640px}</style></head>
<body data-jp-theme-light="true"><div id="chat"></div><script type="module" src="bench.js"></script>
</body></html>"""

FLOOR_PAGE = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<textarea id="box"></textarea><div id="out"></div>
<script>
const box = document.getElementById("box"), out = document.getElementById("out");
window.__busy = false;
box.addEventListener("keydown", async (e) => {
  if (e.key !== "Enter" || e.shiftKey) return;
  e.preventDefault();
  window.__busy = true;
  out.textContent = "";
  const node = out.appendChild(document.createTextNode(""));
  const res = await fetch("/sse", { method: "POST", body: box.value });
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let end;
    while ((end = buf.indexOf("\\n\\n")) >= 0) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      for (const line of block.split("\\n")) {
        if (!line.startsWith("data: ")) continue;
        const ev = JSON.parse(line.slice(6));
        if (ev.type !== "thread.item.updated") continue;
        if (ev.update.type === "assistant_message.content_part.text_delta")
          node.appendData(ev.update.delta);
      }
    }
  }
  window.__busy = false;
});
</script></body></html>"""

# The floor server: the minimal page, and the recorded turn replayed with its timing.
FLOOR_SERVER = textwrap.dedent(
    """
    import asyncio, json, sys, time
    from tornado.web import Application, RequestHandler

    page, recording = sys.argv[2], json.load(open(sys.argv[3]))

    class Page(RequestHandler):
        def get(self):
            self.set_header("Content-Type", "text/html")
            self.write(open(page).read())

    class Events(RequestHandler):
        async def post(self):
            self.set_header("Content-Type", "text/event-stream")
            start = time.perf_counter()
            for offset, chunk in recording:
                wait = offset - (time.perf_counter() - start)
                if wait > 0:
                    await asyncio.sleep(wait)
                self.write(chunk.encode())
                await self.flush()

    async def main():
        Application([(r"/", Page), (r"/sse", Events)]).listen(int(sys.argv[1]), "127.0.0.1")
        print("ready", flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def bundle(out_dir: Path, js_src: Path) -> None:
    """Bundle ``createChat`` from ``js_src`` into ``out_dir`` (bench.js + bench.css)."""
    entry = out_dir / "entry.ts"
    entry.write_text(CHAT_ENTRY % {"src": (js_src / "index").as_posix()})
    subprocess.run(
        [
            str(ESBUILD),
            str(entry),
            "--bundle",
            "--format=esm",
            "--minify-whitespace",
            "--minify-syntax",
            "--target=es2020",
            f"--outfile={out_dir / 'bench.js'}",
        ],
        check=True,
        cwd=ROOT / "js",
        capture_output=True,
    )
    (out_dir / "index.html").write_text(CHAT_PAGE)


def record_turn(origin: str, token: str, llm: FakeLLM) -> list[tuple[float, str]]:
    """One real turn's SSE chunks with their offsets from the request (for the floor)."""
    llm.script(Reply(ANSWER))
    body = json.dumps(
        {
            "type": "threads.create",
            "params": {
                "input": {
                    "content": [{"type": "input_text", "text": "record"}],
                    "attachments": [],
                    "inference_options": {},
                }
            },
        }
    ).encode()
    req = urllib.request.Request(
        f"{origin}/jupyter-chatkit/chatkit",
        data=body,
        method="POST",
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
    )
    chunks: list[tuple[float, str]] = []
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=60) as res:
        while True:
            chunk = res.read1(65536)
            if not chunk:
                break
            chunks.append((time.perf_counter() - start, chunk.decode()))
    return chunks


def run_turns(
    page: Any, cdp: Any, turns: int, busy_js: str, reset_js: str, profile: bool = False
) -> list[dict[str, float]]:
    """Type and send ``turns`` messages; per turn the page's timings and CDP metrics."""
    results = []
    box = page.locator("textarea").first
    for i in range(turns + 1):  # the first turn warms up (JIT, fonts) and is dropped
        page.evaluate(reset_js)
        page.wait_for_timeout(300)
        box.fill(f"question {i}")
        before = metrics(cdp)
        if profile and i == turns:
            cdp.send("Profiler.enable")
            cdp.send("Profiler.setSamplingInterval", {"interval": 100})
            cdp.send("Profiler.start")
        box.press("Enter")
        page.wait_for_function(f"window.__t.last && !({busy_js})", timeout=60_000)
        page.wait_for_timeout(300)  # let the last frames and idle work run
        after = metrics(cdp)
        if profile and i == turns:
            print_profile(cdp.send("Profiler.stop")["profile"])
        t = page.evaluate("window.__t")
        if i == 0:
            continue
        results.append(
            {
                "enter_first": t["first"] - t["enter"],
                "enter_last": t["last"] - t["enter"],
                "bytes_first": t["first"] - t["bytes"],
                "script": (after["ScriptDuration"] - before["ScriptDuration"]) * 1e3,
                "layout": (after["LayoutDuration"] - before["LayoutDuration"]) * 1e3,
                "style": (after["RecalcStyleDuration"] - before["RecalcStyleDuration"]) * 1e3,
                "task": (after["TaskDuration"] - before["TaskDuration"]) * 1e3,
            }
        )
    return results


def print_profile(profile: dict[str, Any], top: int = 25) -> None:
    """The functions with the most self time in a CDP CPU profile (``--profile``)."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    self_us: dict[str, float] = {}
    deltas = profile.get("timeDeltas", [])
    for sample, dt in zip(profile.get("samples", []), [*deltas[1:], 0], strict=False):
        frame = nodes[sample]["callFrame"]
        where = f"{frame['url'].rsplit('/', 1)[-1]}:{frame['lineNumber']}:{frame['columnNumber']}"
        key = f"{frame['functionName'] or '(anonymous)'} {where}"
        self_us[key] = self_us.get(key, 0.0) + dt
    print("   profile of the last turn (self time):")
    for key, us in sorted(self_us.items(), key=lambda kv: -kv[1])[:top]:
        print(f"     {us / 1e3:7.2f} ms  {key}")


def metrics(cdp: Any) -> dict[str, float]:
    """CDP ``Performance.getMetrics`` as a dict."""
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}


def summary(name: str, rows: list[dict[str, float]]) -> dict[str, float]:
    """Medians of each column, printed on one line."""
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    print(
        f"   {name:6s} Enter->first {med['enter_first']:7.1f} ms"
        f"   Enter->all {med['enter_last']:7.1f} ms"
        f"   bytes->first painted {med['bytes_first']:6.1f} ms   JS {med['script']:6.1f} ms"
        f"   layout {med['layout']:5.1f} ms   style {med['style']:5.1f} ms"
    )
    return med


def chat_bench(
    tmp: Path,
    turns: int,
    token_delay: float,
    js_src: Path,
    profile: bool = False,
    new_thread: bool = False,
    server_src: Path | None = None,
) -> None:
    """Sections 1-3: the chat page and the floor page, same answer, same machine."""
    from playwright.sync_api import sync_playwright

    static = tmp / "static"
    static.mkdir()
    bundle(static, js_src)
    with FakeLLM() as llm:
        server = start_jupyter(
            tmp / "server",
            extra_env={
                "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_API_KEY": "sk-bench",
                "JUPYTER_CHATKIT_API": "chat_completions",
                "JUPYTER_CHATKIT_MODEL": "fake-model",
                **server_src_env(server_src),
            },
            extra_args=[f"--ServerApp.extra_static_paths=['{static}']"],
        )
        floor_proc = None
        try:
            wait_ready(server.origin, server.token)
            llm.default_reply = Reply("OK")  # e.g. a title request, if configured
            llm.token_delay = token_delay
            record_turn(server.origin, server.token, llm)  # the first turn after start
            recording = record_turn(server.origin, server.token, llm)
            # The floor sends its first chunk at once: no server, no model in its time.
            shift = recording[0][0]
            recording = [(offset - shift, chunk) for offset, chunk in recording]
            (tmp / "recording.json").write_text(json.dumps(recording))
            (tmp / "floor.html").write_text(FLOOR_PAGE)
            floor_port = free_port()
            floor_proc = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    FLOOR_SERVER,
                    str(floor_port),
                    str(tmp / "floor.html"),
                    str(tmp / "recording.json"),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert floor_proc.stdout is not None
            floor_proc.stdout.readline()

            def script_answers() -> None:
                # Keep one answer queued per chat turn (the warm-up turn included).
                for _ in range(turns + 1):
                    llm.script(Reply(ANSWER))

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    ctx = browser.new_context(viewport={"width": 900, "height": 800})
                    ctx.add_init_script(INIT_SCRIPT)
                    rows: dict[str, list[dict[str, float]]] = {}
                    for name in ("floor", "chat"):
                        page = ctx.new_page()
                        cdp = ctx.new_cdp_session(page)
                        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
                        if name == "floor":
                            page.goto(f"http://127.0.0.1:{floor_port}/")
                            rows[name] = run_turns(page, cdp, turns, "window.__busy", "0")
                        else:
                            script_answers()
                            page.goto(f"{server.origin}/static/index.html?token={server.token}")
                            page.wait_for_selector(".jck-chat textarea")
                            # The chat as a sidebar lays it out (.jck-chat is an inline-size
                            # container: a flex item of no width of its own got none, and
                            # every character of the answer a line of its own).
                            width = page.evaluate(
                                "document.querySelector('.jck-chat').getBoundingClientRect().width"
                            )
                            if width < 400:
                                sys.exit(f"the chat page lays the chat out {width}px wide, not 420")
                            rows[name] = run_turns(
                                page,
                                cdp,
                                turns,
                                "window.__chat.session.busy",
                                # Follow-ups in one conversation (the answers overflow the
                                # view, which follows each as it streams), or each turn a
                                # conversation of its own.
                                "window.__chat.newThread()" if new_thread else "0",
                                profile,
                            )
                        page.close()
                finally:
                    browser.close()
        finally:
            if floor_proc:
                floor_proc.terminate()
                floor_proc.wait(10)
            server.stop()
    print(
        f"1-3. {WORDS}-word answer, a word every {token_delay * 1e3:.0f} ms,"
        f" {turns} turns (medians)"
    )
    floor = summary("floor", rows["floor"])
    chat = summary("chat", rows["chat"])
    print(
        f"   chat - floor: Enter->first {chat['enter_first'] - floor['enter_first']:+6.1f} ms   "
        f"Enter->all {chat['enter_last'] - floor['enter_last']:+6.1f} ms   "
        f"JS x{chat['script'] / max(floor['script'], 0.1):.1f}"
    )
    print(
        f"   targets: bytes->first painted {chat['bytes_first']:.1f} ms (<= 10 ms), "
        f"JS per turn {chat['script']:.1f} ms (<= 30 ms)"
    )


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
                server_src,
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

"""bench_browser.py sections 1-3: the chat UI in Chromium against a floor page.

The chat (``createChat`` from js/src, bundled with the repository's esbuild) in a plain
page served by a real Jupyter server, and a floor page replaying one real turn's SSE bytes
with their timing: Enter -> first and last character painted, LLM bytes -> first
character painted, and JS per turn (see bench_browser.py's docstring).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.servers import free_port, wait_ready
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, start_jupyter
from tests.fixtures.fake_llm import FakeLLM, Reply

ROOT = Path(__file__).resolve().parents[1]
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
        # Sources outside this checkout (--js-src, --baseline-js) import its packages.
        env={**os.environ, "NODE_PATH": str(ROOT / "js" / "node_modules")},
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


def one_turn(
    page: Any, cdp: Any, i: int, busy_js: str, reset_js: str, profile: bool = False
) -> dict[str, float]:
    """Type and send message ``i``; the page's timings and CDP metrics of its turn."""
    box = page.locator("textarea").first
    page.evaluate(reset_js)
    page.wait_for_timeout(300)
    box.fill(f"question {i}")
    before = metrics(cdp)
    if profile:
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 100})
        cdp.send("Profiler.start")
    box.press("Enter")
    page.wait_for_function(f"window.__t.last && !({busy_js})", timeout=60_000)
    page.wait_for_timeout(300)  # let the last frames and idle work run
    after = metrics(cdp)
    if profile:
        print_profile(cdp.send("Profiler.stop")["profile"])
    t = page.evaluate("window.__t")
    return {
        "enter_first": t["first"] - t["enter"],
        "enter_last": t["last"] - t["enter"],
        "bytes_first": t["first"] - t["bytes"],
        # Of it, the page's own part: bytes -> the first word in the DOM (the rest is the
        # wait for the next frame, which the page does not choose).
        "bytes_dom": t["firstDom"] - t["bytes"],
        "script": (after["ScriptDuration"] - before["ScriptDuration"]) * 1e3,
        "layout": (after["LayoutDuration"] - before["LayoutDuration"]) * 1e3,
        "style": (after["RecalcStyleDuration"] - before["RecalcStyleDuration"]) * 1e3,
        "task": (after["TaskDuration"] - before["TaskDuration"]) * 1e3,
    }


def run_turns(
    pages: dict[str, tuple[Any, Any]],
    turns: int,
    busy_js: str,
    reset_js: str,
    profile: bool = False,
) -> dict[str, list[dict[str, float]]]:
    """``turns`` turns on each page (name -> page, CDP session), after one that warms up
    (JIT, fonts) and is dropped. With several pages their turns alternate, the order
    reversed every other round: each meets the same load on the machine and the server
    (measured one run after the other, the same page's JS per turn moved by 3 ms and its
    Enter -> all by 250 ms here, on a machine shared with other work)."""
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in pages}
    for i in range(turns + 1):
        order = list(pages) if i % 2 == 0 else list(pages)[::-1]
        for name in order:
            page, cdp = pages[name]
            page.bring_to_front()
            if profile and i == turns:
                print(f"   {name}:")
            row = one_turn(page, cdp, i, busy_js, reset_js, profile and i == turns)
            if i:
                rows[name].append(row)
    return rows


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
        f"   bytes->first painted {med['bytes_first']:6.1f} ms (in DOM {med['bytes_dom']:4.1f})"
        f"   JS {med['script']:6.1f} ms"
        f"   layout {med['layout']:5.1f} ms   style {med['style']:5.1f} ms"
        f"   main thread {med['task']:6.1f} ms"
    )
    return med


def chat_bench(
    tmp: Path,
    turns: int,
    token_delay: float,
    js_src: Path,
    profile: bool = False,
    new_thread: bool = False,
    server_env: dict[str, str] | None = None,
    baseline_js: Path | None = None,
) -> None:
    """Sections 1-3: the chat page and the floor page, same answer, same machine;
    ``server_env`` goes to the Jupyter server's environment (bench_browser's
    ``--server-src``); ``baseline_js``: also a chat page built from those sources (e.g.
    an older checkout's js/src), its turns alternated with the chat's (``--baseline-js``)."""
    from playwright.sync_api import sync_playwright

    static = tmp / "static"
    static.mkdir()
    bundle(static, js_src)
    chats = {"chat": "index.html"}
    if baseline_js is not None:
        (static / "base").mkdir()
        bundle(static / "base", baseline_js)
        chats["base"] = "base/index.html"
    with FakeLLM() as llm:
        server = start_jupyter(
            tmp / "server",
            extra_env={
                "OPENAI_BASE_URL": llm.base_url,
                "OPENAI_API_KEY": "sk-bench",
                "JUPYTER_CHATKIT_API": "chat_completions",
                "JUPYTER_CHATKIT_MODEL": "fake-model",
                **(server_env or {}),
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
                for _ in range((turns + 1) * len(chats)):
                    llm.script(Reply(ANSWER))

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    ctx = browser.new_context(viewport={"width": 900, "height": 800})
                    ctx.add_init_script(INIT_SCRIPT)

                    def open_page(url: str) -> tuple[Any, Any]:
                        page = ctx.new_page()
                        cdp = ctx.new_cdp_session(page)
                        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
                        page.goto(url)
                        return page, cdp

                    floor_page = open_page(f"http://127.0.0.1:{floor_port}/")
                    rows = run_turns({"floor": floor_page}, turns, "window.__busy", "0")
                    floor_page[0].close()
                    script_answers()
                    pages = {}
                    for name, path in chats.items():
                        pages[name] = open_page(
                            f"{server.origin}/static/{path}?token={server.token}"
                        )
                        page = pages[name][0]
                        page.wait_for_selector(".jck-chat textarea")
                        # The chat as a sidebar lays it out (.jck-chat is an inline-size
                        # container: a flex item of no width of its own got none, and
                        # every character of the answer a line of its own).
                        width = page.evaluate(
                            "document.querySelector('.jck-chat').getBoundingClientRect().width"
                        )
                        if width < 400:
                            sys.exit(f"the chat page lays the chat out {width}px wide, not 420")
                    rows.update(
                        run_turns(
                            pages,
                            turns,
                            "window.__chat.session.busy",
                            # Follow-ups in one conversation (the answers overflow the
                            # view, which follows each as it streams), or each turn a
                            # conversation of its own.
                            "window.__chat.newThread()" if new_thread else "0",
                            profile,
                        )
                    )
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
    if "base" in rows:
        base = summary("base", rows["base"])
        print(
            f"   JS per turn / floor's: chat x{chat['script'] / max(floor['script'], 0.1):.2f},"
            f" base x{base['script'] / max(floor['script'], 0.1):.2f};"
            f" chat / base: JS x{chat['script'] / max(base['script'], 0.1):.2f},"
            f" layout x{chat['layout'] / max(base['layout'], 0.1):.2f},"
            f" main thread x{chat['task'] / max(base['task'], 0.1):.2f}"
        )
    print(
        f"   chat - floor: Enter->first {chat['enter_first'] - floor['enter_first']:+6.1f} ms   "
        f"Enter->all {chat['enter_last'] - floor['enter_last']:+6.1f} ms   "
        f"JS x{chat['script'] / max(floor['script'], 0.1):.1f}"
    )
    print(
        f"   targets: bytes->first painted {chat['bytes_first']:.1f} ms (<= 10 ms), "
        f"JS per turn {chat['script']:.1f} ms (<= 30 ms)"
    )

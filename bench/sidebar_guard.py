"""bench_browser.py ``--guard`` (section 5): the JupyterLab sidebar, Enter -> the request
at the model, with the sidebar's kernel check (kernelguard.ts) on the way of every
message; kernel idle, busy and none (the baseline), alternated per round."""

from __future__ import annotations

import json
import statistics
import textwrap
import time
from pathlib import Path
from typing import Any

from bench.fake_provider import provider
from bench.servers import wait_ready
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, start_jupyter
from tests.fixtures.fake_llm import FakeLLM, Reply

GUARD_INIT = textwrap.dedent(
    """
    (() => {
      const now = () => performance.timeOrigin + performance.now();
      const T = (window.__g = { enter: 0, leave: 0, now });
      document.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && e.target?.classList?.contains("jck-input")) {
          T.enter = now();
          T.leave = 0;
        }
      }, true);
      const realFetch = window.fetch.bind(window);
      window.fetch = (input, init) => {
        const url = typeof input === "string" ? input : input?.url ?? String(input);
        const body = init && typeof init.body === "string" ? init.body : "";
        if (url.includes("jupyter-chatkit/chatkit") && !T.leave
            && /"type":"threads\\.(create|add_user_message)"/.test(body)) T.leave = now();
        return realFetch(input, init);
      };
    })();
    """
)


GUARD_CELLS = [
    "import os\nos.environ['BENCH_API_KEY'] = 'Harbor7341Lantern'\nx = 1",
    "import time\ntime.sleep(60)",
]


class _TimedCalls(list[Any]):
    """The fake LLM's call list, with the wall-clock time each call was recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, item: Any) -> None:
        self.times.append(time.time())
        super().append(item)

    def clear(self) -> None:
        self.times.clear()
        super().clear()


def clock_offset(page: Any) -> float:
    """Page clock minus ``time.time()``, in ms (best of 5 round trips)."""
    best: tuple[float, float] | None = None
    for _ in range(5):
        t0 = time.time()
        js = float(page.evaluate("window.__g.now()"))
        t1 = time.time()
        if best is None or t1 - t0 < best[0]:
            best = (t1 - t0, js - (t0 + t1) / 2 * 1e3)
    assert best is not None
    return best[1]


def guard_turn(
    page: Any, llm: FakeLLM, calls: _TimedCalls, text: str, gap: float = 0.0
) -> dict[str, float]:
    """Wait ``gap`` seconds (a person reading the answer), type ``text`` in the sidebar,
    pause, press Enter; the message's timings (ms)."""
    from tests.fixtures.browser import INPUT, wait_idle

    if gap:
        page.wait_for_timeout(gap * 1000)
    offset = clock_offset(page)
    box = page.locator(INPUT)
    box.click()
    box.fill(text)
    page.wait_for_timeout(400)  # a person's pause before Enter
    before = len(calls)
    connections = llm.connections
    box.press("Enter")
    deadline = time.monotonic() + 30
    arrived = None
    while arrived is None and time.monotonic() < deadline:
        for n in range(before, len(calls)):
            if text in json.dumps(calls[n].body):
                arrived = calls.times[n]
                break
        time.sleep(0.001)
    assert arrived is not None, "the model never got the message"
    wait_idle(page)
    g = page.evaluate("({ enter: window.__g.enter, leave: window.__g.leave })")
    model = arrived * 1e3 + offset
    return {
        # The turn's model request needed a new connection to the provider.
        "opened": float(llm.connections > connections),
        "enter_leave": g["leave"] - g["enter"],
        "enter_model": model - g["enter"],
        "leave_model": model - g["leave"],
    }


def guard_bench(
    tmp: Path,
    rounds: int,
    turns: int,
    env: dict[str, str] | None = None,
    *,
    gap: float = 0.0,
    tls: bool = False,
    provider_idle: float | None = None,
    cases: tuple[str, ...] = ("none", "idle", "busy"),
) -> None:
    """Section 5: the sidebar's Enter -> request, kernel idle / busy / none, alternated;
    each turn ``gap`` seconds after the last; the provider as fake_provider.provider makes
    it with ``tls`` and ``provider_idle``."""
    from playwright.sync_api import sync_playwright
    from tests.fixtures.browser import LabPage, fake_llm_env, open_panel

    rows: dict[str, list[dict[str, float]]] = {"none": [], "idle": [], "fresh": [], "busy": []}
    tmp.mkdir(parents=True, exist_ok=True)
    with provider(tmp, tls, provider_idle) as (llm, base_url, ca_file):
        llm_env = {**fake_llm_env(llm), "OPENAI_BASE_URL": base_url}
        if ca_file:
            llm_env["SSL_CERT_FILE"] = ca_file
        calls = _TimedCalls()
        llm.calls = calls
        llm.default_reply = Reply("OK")
        server = start_jupyter(tmp / "guard", extra_env={**llm_env, **(env or {})})
        try:
            wait_ready(server.origin, server.token)
            server.write_notebook("guard.ipynb", GUARD_CELLS)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                    ctx.add_init_script(GUARD_INIT)
                    page = ctx.new_page()
                    lab = LabPage(page, server)
                    lab.open("guard.ipynb")
                    n = 0

                    def start_kernel() -> bool:
                        """Whether a kernel was started (none was running)."""
                        started = lab.notebook_js(
                            "if (nb.sessionContext.session?.kernel) return false;"
                            " await nb.sessionContext.changeKernel({ name: 'python3' });"
                            " return true;"
                        )
                        lab.wait_for_kernel_idle()
                        lab.set_active_cell(0)
                        lab.notebook_js(
                            "nb.content.activate();"
                            " await window.jupyterapp.commands.execute('notebook:run-cell');"
                        )
                        lab.wait_for_kernel_idle()
                        return bool(started)

                    start_kernel()
                    open_panel(page)
                    # Warm-up (JIT, the first thread, the subshell's creation).
                    for case in ("idle", "idle"):
                        guard_turn(page, llm, calls, f"warm-up {case} {n}")
                        n += 1
                    fresh = False
                    for r in range(rounds):
                        order = ("none", "idle", "busy") if r % 2 == 0 else ("busy", "idle", "none")
                        for case in (c for c in order if c in cases):
                            if case == "none":
                                lab.notebook_js("await nb.sessionContext.shutdown();")
                            elif start_kernel():
                                fresh = True
                            if case == "busy":
                                lab.set_active_cell(1)
                                lab.notebook_js(
                                    "nb.content.activate();"
                                    " void app.commands.execute('notebook:run-cell');"
                                )
                                page.wait_for_function(
                                    "() => window.jupyterapp.shell.currentWidget"
                                    ".sessionContext.session.kernel.status === 'busy'"
                                )
                            lab.set_active_cell(0)
                            for _ in range(turns):
                                row = "fresh" if case == "idle" and fresh else case
                                rows[row].append(guard_turn(page, llm, calls, f"q{n} {case}", gap))
                                fresh = fresh and case != "idle"
                                n += 1
                            if case == "busy":
                                lab.command("notebook:interrupt-kernel")
                                lab.wait_for_kernel_idle()
                finally:
                    browser.close()
        finally:
            server.stop()
        llm_connections = llm.connections
    print(
        f"5. JupyterLab sidebar, notebook open: Enter -> request ({rounds} rounds x {turns}"
        f" turns per case, alternated; {gap:g} s between turns; provider"
        f" {'TLS on localhost' if tls else 'plain HTTP'}, idle connections closed after"
        f" {provider_idle if provider_idle is not None else 'an hour'} s; connections"
        f" accepted {llm_connections}; median [min-max] ms)"
    )
    med: dict[str, dict[str, float]] = {}
    for case, label in (
        ("none", "no kernel (no check)"),
        ("idle", "kernel idle"),
        ("fresh", "idle, 1st on new kernel"),
        ("busy", "kernel busy (subshell)"),
    ):
        rs = rows[case]
        if not rs:
            continue
        med[case] = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        spread = {k: (min(r[k] for r in rs), max(r[k] for r in rs)) for k in rs[0]}
        print(
            f"   {label:24s} Enter->leaves page {med[case]['enter_leave']:6.1f}"
            f" [{spread['enter_leave'][0]:.1f}-{spread['enter_leave'][1]:.1f}]"
            f"   Enter->at model {med[case]['enter_model']:6.1f}"
            f" [{spread['enter_model'][0]:.1f}-{spread['enter_model'][1]:.1f}]"
            f"   leaves->at model (browser network + server) {med[case]['leave_model']:6.1f}"
            f"   turns opening a provider connection {sum(r['opened'] for r in rs):.0f}/{len(rs)}"
        )
    base = med.get("none")
    for case in ("idle", "fresh", "busy"):
        if case not in med or base is None:
            continue
        leave = med[case]["enter_leave"] / max(base["enter_leave"], 0.1)
        model = med[case]["enter_model"] / max(base["enter_model"], 0.1)
        print(
            f"   {case} / no kernel: Enter->leaves page x{leave:.1f}"
            f"   Enter->at model x{model:.1f}"
            f" (target: Enter->at model <= 8 ms)"
        )

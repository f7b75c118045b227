"""Where a chat request's time goes between the page's ``fetch`` and the server's handler,
against same-origin floors posted to from the same JupyterLab page in the same run.

    python bench/enter_path.py [--rounds 12] [--pause 0.4]

Starts the fake LLM (in this process), JupyterLab with the extension and
``bench/path_marks.py`` (wall-clock marks on the server: headers read, ``prepare`` in
and out, ``post`` in), and Debian's Chromium through Playwright (never ``playwright
install``). In the loaded JupyterLab page (its cookies, its own polling beside) it
``fetch``es, as the sidebar's transport does (same-origin, ``Content-Type:
application/json``, ``X-XSRFToken`` from the cookie; with ``Authorization: token`` when
the page has one, as the sidebar sends it, and without), alternating per round:

- ``socket``: a blocking socket in a thread of this process, on another port (so
  cross-origin: its CORS preflight is answered once, cached for the run, and taken in
  the warm-up round), answering at once: the browser's own sending, no event loop;
- ``bare``: a plain tornado handler on the same server (no auth, no XSRF): the floor;
- ``jupyter``: a Jupyter ``APIHandler`` behind ``@web.authenticated``, answering at once;
- ``chatkit``: the real endpoint, a follow-up in a thread (the body the sidebar sends);

each after ``--pause`` seconds (a person's pause before Enter: the kept-alive
connection idle). Per target, medians (ms) of: ``fetch`` called -> tornado has the
headers (the browser's sending: renderer, network process, socket; and the server's
loop picking it up), headers -> ``prepare`` (routing, the handler made), ``prepare``
itself (authentication, XSRF and origin checks, our own prepare), -> ``post`` (the body
read), ``post`` -> the model's request at the fake LLM (chatkit), and ``fetch`` ->
response headers in the page; and how many requests came on a new connection. The page's
clock (``performance.timeOrigin + performance.now()``) is set against ``time.time()``
by a round trip before each request. This is not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.fake_provider import provider  # noqa: E402
from bench.servers import wait_ready  # noqa: E402
from bench.sidebar_guard import _TimedCalls, clock_offset  # noqa: E402
from bench.streams import create_body, created_thread_id_in, follow_up_body  # noqa: E402
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS, start_jupyter  # noqa: E402
from tests.fixtures.fake_llm import Reply  # noqa: E402

PAGE_JS = textwrap.dedent(
    """
    (() => {
      const now = () => performance.timeOrigin + performance.now();
      const config = document.getElementById("jupyter-config-data");
      const token = config ? JSON.parse(config.textContent).token || "" : "";
      window.__g = {
        now,
        token,
        async post(url, body, id, withToken) {
          const m = document.cookie.match(/(?:^|;\\s*)_xsrf=([^;]*)/);
          const headers = {
            "Content-Type": "application/json",
            Accept: "text/event-stream, application/json",
            "X-Bench-Id": id,
          };
          if (m) headers["X-XSRFToken"] = decodeURIComponent(m[1]);
          if (withToken && token) headers.Authorization = `token ${token}`;
          const sent = now();
          const res = await fetch(url, {
            method: "POST", headers, body, credentials: "same-origin", cache: "no-store",
          });
          const answered = now();
          await res.text();
          return { sent, answered, status: res.status };
        },
      };
    })();
    """
)
TARGETS = ("socket", "bare", "jupyter", "chatkit", "chatkit+token")
PHASES = (
    ("fetch -> headers at tornado", "sent", "headers"),
    ("(socket: first bytes read)", "sent", "read"),
    ("headers -> prepare", "headers", "prepare"),
    ("prepare (auth, checks)", "prepare", "prepared"),
    ("prepared -> post (body)", "prepared", "post"),
    ("post -> model request", "post", "model"),
    ("fetch -> response in page", "sent", "answered"),
    ("fetch -> model request", "sent", "model"),
)


class SocketFloor:
    """A blocking HTTP/1.1 server in threads: each request's first bytes' arrival time
    (``time.time()``) by its ``X-Bench-Id``; answers a CORS preflight (cached 10 min) and
    a POST with ``{}`` at once, keeping the connection."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.read: dict[str, float] = {}
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        first = 0.0
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                if not buffer:
                    first = time.time()
                buffer += chunk
                head, sep, rest = buffer.partition(b"\r\n\r\n")
                if not sep:
                    continue
                fields = dict(
                    line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:]
                )
                fields = {k.lower(): v for k, v in fields.items()}
                length = int(fields.get("content-length", "0"))
                if len(rest) < length:
                    continue
                buffer = rest[length:]
                cors = (
                    f"Access-Control-Allow-Origin: {self.origin}\r\n"
                    "Access-Control-Allow-Methods: POST\r\n"
                    "Access-Control-Allow-Headers: content-type, x-bench-id, x-xsrftoken\r\n"
                    "Access-Control-Max-Age: 600\r\n"
                )
                if head.startswith(b"OPTIONS"):
                    answer = f"HTTP/1.1 204 No Content\r\n{cors}Content-Length: 0\r\n\r\n"
                else:
                    self.read[fields.get("x-bench-id", "")] = first
                    answer = (
                        f"HTTP/1.1 200 OK\r\n{cors}Content-Type: application/json\r\n"
                        "Content-Length: 2\r\n\r\n{}"
                    )
                conn.sendall(answer.encode())


def measure(rounds: int, pause: float) -> dict[str, list[dict[str, Any]]]:
    """Each target's timelines (ms, page clock), ``rounds`` each, alternated."""
    from playwright.sync_api import sync_playwright
    from tests.fixtures.browser import LabPage, fake_llm_env

    tmp = Path(tempfile.mkdtemp(prefix="bench-path-"))
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TARGETS}
    warm: list[dict[str, Any]] = []
    try:
        with provider(tmp, False, None) as (llm, base_url, _):
            calls = _TimedCalls()
            llm.calls = calls
            llm.default_reply = Reply("OK")
            out = tmp / "marks.jsonl"
            env = {
                **fake_llm_env(llm),
                "OPENAI_BASE_URL": base_url,
                "PATH_MARKS": str(out),
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(ROOT / "bench"), str(ROOT / "src"), os.getenv("PYTHONPATH")])
                ),
            }
            extensions = '{"jupyter_lsp": False, "path_marks": True}'
            server = start_jupyter(
                tmp / "lab",
                extra_env=env,
                extra_args=[f"--ServerApp.jpserver_extensions={extensions}"],
            )
            try:
                wait_ready(server.origin, server.token)
                endpoint = f"{server.origin}/jupyter-chatkit/chatkit"
                auth = {"Authorization": f"token {server.token}"}
                created = httpx.post(endpoint, content=create_body("start"), headers=auth)
                thread_id = created_thread_id_in(created.content)
                with sync_playwright() as p:
                    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    try:
                        ctx = browser.new_context(viewport={"width": 1400, "height": 900})
                        ctx.add_init_script(PAGE_JS)
                        page = ctx.new_page()
                        LabPage(page, server).open()
                        floor = SocketFloor(server.origin)
                        has_token = bool(page.evaluate("window.__g.token"))
                        print(f"   the JupyterLab page holds a token: {has_token}")
                        n = 0
                        for r in range(rounds + 1):  # the first round warms up
                            order = TARGETS if r % 2 == 0 else TARGETS[::-1]
                            for target in order:
                                n += 1
                                row = one_request(
                                    page, calls, out, target, thread_id, f"b{n}", pause, floor
                                )
                                (rows[target] if r else warm).append(row)
                    finally:
                        browser.close()
            finally:
                server.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows["warm-up"] = warm
    return rows


def one_request(
    page: Any,
    calls: _TimedCalls,
    out: Path,
    target: str,
    thread_id: str,
    bench_id: str,
    pause: float,
    floor: SocketFloor,
) -> dict[str, Any]:
    """Post once to ``target`` after ``pause``; its timeline (ms, page clock)."""
    page.wait_for_timeout(pause * 1000)
    offset = clock_offset(page)
    path = {
        "socket": f"http://127.0.0.1:{floor.port}/",
        "bare": "/bench-path/bare",
        "jupyter": "/bench-path/jupyter",
    }.get(target, "/jupyter-chatkit/chatkit")
    text = f"question {bench_id}"
    body = follow_up_body(thread_id, text).decode() if target.startswith("chatkit") else "{}"
    before = len(calls)
    got = page.evaluate(
        "([u, b, i, t]) => window.__g.post(u, b, i, t)",
        [path, body, bench_id, target.endswith("+token")],
    )
    if got["status"] != 200:
        raise RuntimeError(f"{target} answered {got['status']}")
    if target == "socket":
        read = floor.read[bench_id] * 1e3 + offset
        return {"sent": got["sent"], "answered": got["answered"], "read": read, "port": -1}
    marks: dict[str, Any] | None = None
    deadline = time.monotonic() + 10
    while marks is None and time.monotonic() < deadline:
        for line in out.read_text().splitlines() if out.exists() else []:
            found = json.loads(line)
            if found["id"] == bench_id:
                marks = found
        time.sleep(0.005)
    if marks is None:
        raise RuntimeError(f"no server marks for {target}")
    row: dict[str, Any] = {"sent": got["sent"], "answered": got["answered"], "port": marks["port"]}
    for key in ("headers", "prepare", "prepared", "post"):
        row[key] = marks[key] * 1e3 + offset
    if target.startswith("chatkit"):
        for i in range(before, len(calls)):
            if text in json.dumps(calls[i].body):
                row["model"] = calls.times[i] * 1e3 + offset
    return row


def report(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Medians per phase and target, and ratios to the bare floor."""
    print(f"   {'median ms':30}" + "".join(f"{t:>15}" for t in TARGETS))
    medians: dict[str, dict[str, float]] = {}
    for label, start, end in PHASES:
        cells = []
        for target in TARGETS:
            spans = [r[end] - r[start] for r in rows[target] if start in r and end in r]
            if spans:
                medians.setdefault(target, {})[label] = statistics.median(spans)
                cells.append(f"{statistics.median(spans):15.2f}")
            else:
                cells.append(f"{'-':>15}")
        print(f"   {label:30}" + "".join(cells))
    ports = [row["port"] for row in rows["warm-up"]]
    new: dict[str, int] = dict.fromkeys(TARGETS, 0)
    for i in range(max(len(v) for v in rows.values())):
        for target in TARGETS[1:]:
            if i < len(rows[target]):
                port = rows[target][i]["port"]
                new[target] += port not in ports
                ports.append(port)
    print(
        f"   {'on a new connection':30}{'':>15}"
        + "".join(f"{f'{new[t]}/{len(rows[t])}':>15}" for t in TARGETS[1:])
    )
    floor = medians.get("bare", {})
    for target in TARGETS[2:]:
        if target not in medians:
            continue
        parts = []
        for label in ("fetch -> headers at tornado", "fetch -> response in page"):
            if label in floor and label in medians[target]:
                parts.append(f"{label} x{medians[target][label] / max(floor[label], 0.01):.2f}")
        print(f"   {target} / bare: " + ", ".join(parts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=12, help="requests per target")
    parser.add_argument("--pause", type=float, default=0.4, help="seconds before each request")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"needs {CHROMIUM}")
    print(
        f"fetch -> handler in a JupyterLab page ({args.rounds} requests per target,"
        f" alternated, {args.pause:g} s before each)"
    )
    report(measure(args.rounds, args.pause))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

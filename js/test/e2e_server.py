"""Manual end-to-end check: the chat UI against a real Jupyter server + jupyter-chatkit.

Not part of ``npm test`` (it needs the Python package installed). Run from ``js/``
after ``npm run build:test``::

    python test/e2e_server.py

Starts ``jupyter server`` with the extension (offline model, SQLite in a temp dir),
answers the e2e page under the server's origin (same origin, so Jupyter's auth applies),
drives it in headless Chromium, sends a message through the real tornado handler and
prints the answer; then repeats with the XSRF-cookie auth path. Exit status 0 = ok.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
LIB = HERE.parent / "lib" / "page"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HTML = """<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="e2e.css">
</head><body><div id="host" style="height:700px;width:800px"></div>
<script type="module" src="e2e.js"></script></body></html>"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="jck-e2e-"))
    for name in ("e2e.js", "e2e.css"):
        shutil.copy(LIB / name, tmp / name)
    (tmp / "e2e.html").write_text(HTML)
    port, token = free_port(), "e2e-token"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env["JUPYTER_CHATKIT_STORE_URL"] = f"sqlite:///{tmp / 'chat.sqlite3'}"
    env["JUPYTER_CONFIG_DIR"] = str(tmp / "config")
    (tmp / "config").mkdir()
    (tmp / "config" / "jupyter_server_config.json").write_text(
        '{"ServerApp": {"jpserver_extensions": {"jupyter_chatkit": true}}}'
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--port={port}",
            "--no-browser",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={tmp}",
            "--allow-root",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "server.log", "w"),  # noqa: SIM115
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}api/status?token={token}", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        types = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}

        def serve(route) -> None:  # type: ignore[no-untyped-def]
            name = route.request.url.split("/e2e/", 1)[1].split("?", 1)[0]
            path = tmp / name
            route.fulfill(status=200, body=path.read_bytes(), content_type=types[path.suffix])

        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for auth in ("token", "cookie"):
                page = browser.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                # The page and its bundle are answered by the test, under the server's
                # origin; every other request goes to the real Jupyter server.
                page.route(f"{base}e2e/**", serve)
                if auth == "cookie":
                    # A token in the URL logs in (auth cookie); the login page sets _xsrf.
                    page.goto(f"{base}api/status?token={token}")
                    page.goto(f"{base}login")
                    cookies = {c["name"] for c in page.context.cookies()}
                    print(f"[cookie] cookies: {sorted(cookies)}")
                page.goto(f"{base}e2e/e2e.html?token={token}&auth={auth}")
                page.wait_for_function("() => window.__health !== undefined")
                health = page.evaluate("window.__health")
                box = page.get_by_role("textbox", name="Message")
                box.fill("How do I load a CSV with pandas?")
                box.press("Enter")
                done = (
                    "() => window.__answers.length"
                    " || document.querySelector('.jck-error:not([hidden])')"
                )
                page.wait_for_function(done, timeout=60000)
                error = page.evaluate(
                    "document.querySelector('.jck-error:not([hidden])')?.innerText ?? null"
                )
                answer = page.evaluate("window.__answers[0] ?? null")
                # The code card's Insert & run goes to the server (threads.custom_action),
                # which answers with a client effect the UI turns into an insertion.
                if answer:
                    page.get_by_role("button", name="Insert & run", exact=True).click()
                    page.wait_for_function("() => window.__inserted.length === 1", timeout=30000)
                    print(f"[{auth}] inserted: {page.evaluate('window.__inserted[0]')}")
                page.screenshot(
                    path=str(HERE.parent / "test-output" / f"e2e-{auth}.png"), full_page=True
                )
                print(f"[{auth}] health={health} error={error!r} errors={errors}")
                print(f"[{auth}] answer: {(answer or '')[:300]!r}")
                if not health or error or not answer or errors:
                    print((tmp / "server.log").read_text()[-3000:])
                    return 1
                page.close()
            browser.close()
        return 0
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    sys.exit(main())

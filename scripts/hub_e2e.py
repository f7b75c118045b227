"""jupyter-chatkit on a real JupyterHub with two local users (issue 15, items 1-3).

Run as root (it adds the users ``alice`` and ``bob`` if missing and the hub switches to
them)::

    python scripts/hub_e2e.py            # sets up what it needs, then checks

Set-up, cached under ``--work`` (default ``/var/tmp/jupyter-chatkit-hub-e2e``) and
reused by later runs: a virtual environment from the system Python 3 (root's own Python
is often not readable by other users) with JupyterHub from PyPI, this package's
dependencies and ipykernel; configurable-http-proxy from npm. The single-user servers
and kernels import ``jupyter_chatkit`` from this checkout's ``src`` (PYTHONPATH).

Then, in both single-user modes (JupyterHub's extension, and the legacy one with
``JUPYTERHUB_SINGLEUSER_EXTENSION=0``): a throwaway PostgreSQL with password
authentication is shared through ``c.Spawner.environment`` with a provider key, the hub
listens on loopback ports only, and the script checks that

1. an alice kernel's environment holds neither the store URL, nor its password, nor
   the key;
2. alice's kernel, with ``JUPYTERHUB_USER=bob`` set, asks as alice (through her server:
   the thread is in her list, not in bob's);
3. alice and bob each see only their own threads, and earlier ones stay visible.

It prints one line per check and exits non-zero on the first failure. Nothing is left
running; the users stay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
USERS = ("alice", "bob")
SYSTEM_PYTHON = "/usr/bin/python3"


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run a command, raising with its output when it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return done


# -- set-up ------------------------------------------------------------------------------


def setup(work: Path, venv: Path | None, chp: Path | None) -> tuple[Path, Path]:
    """The virtual environment and the proxy's executable, installed once."""
    if venv is not None and chp is not None:
        return venv, chp
    venv = venv or work / "venv"
    if not (venv / "bin" / "jupyterhub").exists():
        print("setting up a virtual environment (once)...", flush=True)
        run([SYSTEM_PYTHON, "-m", "venv", str(venv)])
        import tomllib

        project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
        deps = [*project["dependencies"], *project["optional-dependencies"]["postgres"]]
        run([str(venv / "bin" / "pip"), "install", "-q", "jupyterhub", "ipykernel", *deps])
    chp = chp or work / "npm" / "node_modules" / ".bin" / "configurable-http-proxy"
    if not chp.exists():
        print("installing configurable-http-proxy (once)...", flush=True)
        (work / "npm").mkdir(parents=True, exist_ok=True)
        run(
            ["npm", "install", "--silent", "--prefix", str(work / "npm"), "configurable-http-proxy"]
        )
    # The single-user servers run as alice and bob: they must reach the environment.
    for path in (work, venv):
        path.chmod(0o755)
    return venv, chp


def ensure_users() -> None:
    """Create the local users (with homes) if they do not exist."""
    for user in USERS:
        if subprocess.run(["id", user], capture_output=True, check=False).returncode != 0:
            run(["useradd", "--create-home", "--shell", "/bin/bash", user])


# -- PostgreSQL --------------------------------------------------------------------------


class Postgres:
    """A throwaway cluster with password authentication over TCP."""

    def __init__(self, root: Path) -> None:
        from tests.fixtures.postgres import find_postgres_bin

        bin_dir = find_postgres_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL server binaries not found (apt install postgresql)")
        self.bin = bin_dir
        self.root = root
        self.port = free_port()
        self.password = secrets.token_urlsafe(16)
        self.dsn = ""

    def _as_postgres(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv]

    def start(self) -> None:
        """initdb, start, and create the store's role and database."""
        self.root.mkdir(parents=True)
        shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)
        pwfile = self.root / "pw"
        pwfile.write_text("superuser-" + self.password + "\n")
        shutil.chown(pwfile, "postgres", "postgres")
        data = self.root / "data"
        run(
            self._as_postgres(
                [
                    str(self.bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "--pwfile",
                    str(pwfile),
                    "--auth-local=peer",
                    "--auth-host=scram-sha-256",
                    "--no-sync",
                ]
            )
        )
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        )
        run(
            self._as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "start",
                    "-D",
                    str(data),
                    "-w",
                    "-l",
                    str(self.root / "log"),
                    "-o",
                    options,
                ]
            )
        )
        psql = ["psql", "-h", str(self.root), "-p", str(self.port)]
        role = f"CREATE ROLE chatkit LOGIN PASSWORD '{self.password}'"
        run(self._as_postgres([*psql, "-c", role, "-c", "CREATE DATABASE chatkit OWNER chatkit"]))
        self.dsn = f"postgresql://chatkit:{self.password}@127.0.0.1:{self.port}/chatkit"

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        subprocess.run(
            self._as_postgres(
                [str(self.bin / "pg_ctl"), "stop", "-D", str(self.root / "data"), "-m", "immediate"]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.root, ignore_errors=True)


# -- the hub -----------------------------------------------------------------------------


HUB_CONFIG = """
c = get_config()  # noqa
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {proxy_port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.ConfigurableHTTPProxy.pid_file = {pid_file!r}
c.JupyterHub.db_url = "sqlite:///{hub_db}"
c.JupyterHub.cookie_secret_file = {cookie_file!r}
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allowed_users = {{"alice", "bob"}}
c.JupyterHub.services = [{{"name": "e2e", "api_token": {service_token!r}}}]
c.JupyterHub.load_roles = [
    {{
        "name": "e2e",
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers"],
        "services": ["e2e"],
    }}
]
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.environment = {environment!r}
"""


class Hub:
    """One JupyterHub run, driven through its REST API with a service token."""

    def __init__(self, work: Path, venv: Path, chp: Path, environment: dict[str, str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="hub-", dir=work))
        self.port = free_port()
        self.token = secrets.token_hex(16)
        config = HUB_CONFIG.format(
            proxy_port=self.port,
            hub_port=free_port(),
            proxy_api_port=free_port(),
            chp=str(chp),
            pid_file=str(self.dir / "proxy.pid"),
            hub_db=self.dir / "hub.sqlite",
            cookie_file=str(self.dir / "cookie_secret"),
            service_token=self.token,
            singleuser=str(venv / "bin" / "jupyterhub-singleuser"),
            environment=environment,
        )
        (self.dir / "jupyterhub_config.py").write_text(config)
        self.venv = venv
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(timeout=60, trust_env=False)

    def start(self) -> None:
        """Start the hub and wait for its API."""
        env = dict(os.environ)
        env["PATH"] = f"{self.venv / 'bin'}:{env.get('PATH', '')}"
        log = (self.dir / "hub.log").open("wb")
        self.process = subprocess.Popen(
            [str(self.venv / "bin" / "jupyterhub"), "-f", str(self.dir / "jupyterhub_config.py")],
            cwd=self.dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the hub exited:\n" + self.log_tail())
            try:
                if self.http.get(f"{self.url}/hub/api/").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError("the hub did not answer within 60 s:\n" + self.log_tail())

    def log_tail(self) -> str:
        """The end of the hub's log."""
        return (self.dir / "hub.log").read_text(errors="replace")[-4000:]

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A hub API request as the e2e service."""
        headers = {"Authorization": f"token {self.token}"}
        return self.http.request(method, f"{self.url}/hub/api{path}", headers=headers, **kwargs)

    def spawn(self, user: str) -> str:
        """Start the user's server; return an API token of that user for it."""
        self.api("POST", "/users", json={"usernames": [user]})
        response = self.api("POST", f"/users/{user}/server")
        if response.status_code not in (201, 202, 400):
            raise RuntimeError(f"spawn {user}: {response.status_code} {response.text}")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            model = self.api("GET", f"/users/{user}").json()
            server = (model.get("servers") or {}).get("", {})
            if server.get("ready"):
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"{user}'s server did not start:\n" + self.log_tail())
        token = self.api(
            "POST",
            f"/users/{user}/tokens",
            json={"note": "e2e", "scopes": [f"access:servers!user={user}"], "expires_in": 3600},
        )
        if token.status_code != 201:
            raise RuntimeError(f"token for {user}: {token.status_code} {token.text}")
        return str(token.json()["token"])

    def stop(self) -> None:
        """Stop the users' servers and the hub."""
        for user in USERS:
            self.api("DELETE", f"/users/{user}/server")
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.http.close()


# -- talking to a user's server ----------------------------------------------------------


def auth_headers(hub: Hub, user: str, token: str) -> dict[str, str]:
    """The token, plus the XSRF cookie the legacy single-user mode wants on POSTs."""
    headers = {"Authorization": f"token {token}"}
    # A client without cookies, so the server sets the XSRF cookie afresh.
    health = httpx.get(
        f"{hub.url}/user/{user}/jupyter-chatkit/health", headers=headers, trust_env=False
    )
    xsrf = health.cookies.get("_xsrf")
    if xsrf:
        headers |= {"X-XSRFToken": xsrf, "Cookie": f"_xsrf={xsrf}"}
    return headers


def chatkit(hub: Hub, user: str, token: str, payload: dict[str, Any]) -> httpx.Response:
    """POST a ChatKit request to ``user``'s server, authenticated with ``token``."""
    return hub.http.post(
        f"{hub.url}/user/{user}/jupyter-chatkit/chatkit",
        content=json.dumps(payload),
        headers={**auth_headers(hub, user, token), "Content-Type": "application/json"},
    )


def new_thread(hub: Hub, user: str, token: str, text: str) -> str:
    """Create a thread; its id."""
    payload = {
        "type": "threads.create",
        "params": {
            "input": {
                "content": [{"type": "input_text", "text": text}],
                "attachments": [],
                "inference_options": {},
            }
        },
    }
    response = chatkit(hub, user, token, payload)
    check(response.status_code == 200, f"{user} creates a thread ({response.status_code})")
    for block in response.text.split("\n\n"):
        if block.startswith("data: "):
            event = json.loads(block[6:])
            if event.get("type") == "thread.created":
                return str(event["thread"]["id"])
    raise AssertionError(f"no thread.created in {response.text[:500]}")


def thread_ids(hub: Hub, user: str, token: str) -> list[str]:
    """The ids of the threads ``user`` sees."""
    response = chatkit(hub, user, token, {"type": "threads.list", "params": {"limit": 100}})
    check(response.status_code == 200, f"{user} lists threads ({response.status_code})")
    return [t["id"] for t in response.json()["data"]]


async def run_in_kernel(hub: Hub, user: str, token: str, code: str) -> str:
    """Start a kernel on ``user``'s server, run ``code``, return its stdout."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = auth_headers(hub, user, token)
    base = f"{hub.url}/user/{user}/api/kernels"
    started = hub.http.post(base, headers=headers, json={"name": "python3"})
    if started.status_code != 201:
        raise RuntimeError(f"starting a kernel: {started.status_code} {started.text[:500]}")
    kernel_id = started.json()["id"]
    try:
        ws_url = base.replace("http://", "ws://") + f"/{kernel_id}/channels"
        ws = await websocket_connect(HTTPRequest(ws_url, headers=headers))
        msg_id = uuid.uuid4().hex
        ws.write_message(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": user,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "content": {"code": code, "silent": False, "stop_on_error": True},
                }
            )
        )
        out: list[str] = []
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            raw = await asyncio.wait_for(ws.read_message(), deadline - time.monotonic())
            if raw is None:
                raise RuntimeError("the kernel's websocket closed")
            msg = json.loads(raw)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise RuntimeError("kernel error: " + msg["content"]["evalue"])
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        ws.close()
        return "".join(out)
    finally:
        hub.http.delete(f"{base}/{kernel_id}", headers=headers)


def check(ok: bool, what: str) -> None:
    """Print one check; stop at the first failure."""
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        raise SystemExit(1)


KERNEL_CODE = """
import json, os
secrets = {secrets!r}
leaks = sorted(k for k, v in os.environ.items() if any(s in v for s in secrets)
               or k in ("OPENAI_API_KEY", "JUPYTER_CHATKIT_STORE_URL"))
os.environ["JUPYTERHUB_USER"] = "bob"
from jupyter_chatkit import Chat
answer = Chat().ask("hello from a kernel", display=False)
print(json.dumps({{"leaks": leaks, "thread": answer.thread_id, "error": answer.error}}))
"""


def phase(hub: Hub, mode: str, secrets_: list[str], earlier: dict[str, list[str]]) -> None:
    """The checks of one single-user mode; ``earlier`` holds each user's earlier threads."""
    tokens = {user: hub.spawn(user) for user in USERS}
    mine = {user: new_thread(hub, user, tokens[user], f"{user}'s question") for user in USERS}
    code = KERNEL_CODE.format(secrets=secrets_)
    result = json.loads(
        asyncio.run(run_in_kernel(hub, "alice", tokens["alice"], code)).strip().splitlines()[-1]
    )
    check(result["leaks"] == [], f"[{mode}] no store URL, password or key in alice's kernel")
    check(
        result["error"] is None and bool(result["thread"]),
        f"[{mode}] alice's kernel chat answers through her server ({result['error']})",
    )
    alice, bob = thread_ids(hub, "alice", tokens["alice"]), thread_ids(hub, "bob", tokens["bob"])
    check(result["thread"] in alice, f"[{mode}] the kernel's thread is alice's")
    check(
        result["thread"] not in bob, f"[{mode}] JUPYTERHUB_USER=bob in a kernel gives bob nothing"
    )
    check(
        mine["alice"] in alice and mine["alice"] not in bob,
        f"[{mode}] bob cannot list alice's thread",
    )
    check(
        mine["bob"] in bob and mine["bob"] not in alice, f"[{mode}] alice cannot list bob's thread"
    )
    check(
        all(t in alice for t in earlier["alice"]) and all(t in bob for t in earlier["bob"]),
        f"[{mode}] earlier threads stay in their owner's view",
    )
    read = chatkit(
        hub, "bob", tokens["bob"], {"type": "items.list", "params": {"thread_id": mine["alice"]}}
    )
    check(read.status_code == 404, f"[{mode}] bob cannot read alice's thread ({read.status_code})")
    earlier["alice"] += [result["thread"], mine["alice"]]
    earlier["bob"] += [mine["bob"]]


def main() -> None:
    """Set up, then run both single-user modes against one shared database."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/jupyter-chatkit-hub-e2e"))
    parser.add_argument("--venv", type=Path, help="an environment with jupyterhub and the deps")
    parser.add_argument("--chp", type=Path, help="the configurable-http-proxy executable")
    parser.add_argument(
        "--modes", nargs="+", choices=["extension", "legacy"], default=["extension", "legacy"]
    )
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root: the hub starts servers as alice and bob")
    started = time.monotonic()
    args.work.mkdir(parents=True, exist_ok=True)
    venv, chp = setup(args.work, args.venv, args.chp)
    ensure_users()
    # Users import jupyter_chatkit from this checkout; the config dir enables the extension.
    config_dir = Path(tempfile.mkdtemp(prefix="config-", dir=args.work))
    config_dir.chmod(0o755)
    (config_dir / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_chatkit": True}}})
    )
    postgres = Postgres(args.work / f"pg-{uuid.uuid4().hex[:8]}")
    key = "sk-e2e-" + secrets.token_hex(20)
    secrets_ = [postgres.password, key]
    earlier: dict[str, list[str]] = {"alice": [], "bob": []}
    try:
        postgres.start()
        print(f"set up in {time.monotonic() - started:.0f} s", flush=True)
        modes = {"extension": "1", "legacy": "0"}
        for mode in args.modes:
            extension = modes[mode]
            environment = {
                "JUPYTER_CHATKIT_STORE_URL": postgres.dsn,
                "OPENAI_API_KEY": key,
                # The offline model: no request leaves the machine.
                "JUPYTER_CHATKIT_MODEL": "offline",
                "PYTHONPATH": str(REPO / "src"),
                "JUPYTER_CONFIG_PATH": str(config_dir),
                "JUPYTERHUB_SINGLEUSER_EXTENSION": extension,
            }
            hub = Hub(args.work, venv, chp, environment)
            try:
                hub.start()
                phase(hub, mode, secrets_, earlier)
            except BaseException:
                print(hub.log_tail(), file=sys.stderr)
                kept = args.work / "last-hub.log"
                shutil.copy(hub.dir / "hub.log", kept)
                print(f"the hub's whole log: {kept}", file=sys.stderr)
                raise
            finally:
                hub.stop()
                shutil.rmtree(hub.dir, ignore_errors=True)
    finally:
        postgres.stop()
        shutil.rmtree(config_dir, ignore_errors=True)
    print(f"all checks passed in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()

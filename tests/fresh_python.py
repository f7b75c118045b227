"""A fresh Python for a script, forked from one that already ran the script's first lines.

Tests of what an interpreter imports (test_deferred_imports_server, test_sdk_stand_ins) each
run a script in a new Python; most of their CPU went to starting it and to the same
first lines in every script (the import of the server extension's app, which brings
jupyter_server; then openai-agents). :func:`run_script` runs ``prefix + body`` as
``python -c`` would: a server process runs ``prefix`` once, then forks a child per body,
which runs ``body`` in the namespace ``prefix`` made, with the script's arguments, its
own stdout and stderr, and exits as ``python -c`` does (traceback and status 1 on an
exception, ``atexit`` and thread joins at the end). A child starts in the very state a
new interpreter has after ``prefix`` (fork copies it), so a check of what got imported
sees what it would see in a new interpreter; only what ``prefix`` itself imported is
shared, and ``prefix`` must not depend on the script's arguments.

Where a fork could differ, the script runs in a plain new Python instead: a ``prefix``
that left a thread running (a child gets only the thread that forked), no ``os.fork``.
A server serves the environment it was started with: another one starts a new server,
except for the variables pytest changes per test (:data:`PER_TEST`) and those a caller
gives a script of its own (``env``), which a child sets as a new Python would inherit
them (``prefix`` must not read them).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Set by pytest to the running test's id: a child takes the caller's value.
PER_TEST = ("PYTEST_CURRENT_TEST",)

# Runs as ``python -c SERVER PREFIX``. It imports nothing before PREFIX runs (os and sys
# are loaded by any interpreter), and after it only what PREFIX loaded (checked), so a
# child's modules are those of ``python -c PREFIX + BODY`` at the same point.
SERVER = r"""
import os, sys
prefix = sys.argv[1]
sys.argv = ["-c"]
old_main = sys.modules["__main__"]
main = type(sys)("__main__")
main.__loader__ = old_main.__loader__
sys.modules["__main__"] = main
exec(compile(prefix, "<string>", "exec"), main.__dict__)
loaded = set(sys.modules)
import json, threading
problem = ""
if set(sys.modules) != loaded:
    problem = "the prefix did not import json and threading"
elif threading.active_count() != 1:
    problem = f"the prefix left {threading.active_count() - 1} thread(s) running"
os.write(1, (f"refused: {problem}\n" if problem else "ready\n").encode())

def serve():
    if problem:
        return None
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            return request
        os.write(1, f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(1, f"{os.waitstatus_to_exitcode(status)}\n".encode())

request = serve()
if request is None:
    # The server's own end (its stdin closed): nothing of it is read any more, and the
    # interpreter's finalization of all PREFIX loaded cost up to ~1 s of CPU (agents).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
# A child: the script's own streams, environment and arguments, then its body.
fd = os.open(os.devnull, os.O_RDONLY)
os.dup2(fd, 0)
os.close(fd)
for target, path in ((1, request["stdout"]), (2, request["stderr"])):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, target)
    os.close(fd)
for name, value in request["env"].items():
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
sys.argv = ["-c", *request["args"]]
exec(compile(request["body"], "<string>", "exec"), main.__dict__)
"""


class _Refused(Exception):
    """The server cannot give a child the state a new interpreter would have."""


class _Server:
    """One server process: ``prefix`` run once, a child forked per script."""

    def __init__(self, prefix: str, env: dict[str, str]) -> None:
        self.prefix = prefix
        self.env = env
        self._buffer = b""
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, prefix],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        try:
            first = self._line(time.monotonic() + 120)
        except BaseException:
            self.close()
            raise
        if first != "ready":
            self.close()
            raise _Refused(first or self._stderr())

    def _stderr(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    def _line(self, deadline: float) -> str:
        """The server's next line ("" when it exited); TimeoutError at ``deadline``."""
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, 4096)
            if not chunk:
                return ""
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def run(
        self, body: str, args: tuple[str, ...], timeout: float, env: dict[str, str | None]
    ) -> tuple[int, str, str]:
        """Run ``body`` in a child whose environment is the server's with ``env`` set
        (``None``: unset): (exit status, stdout, stderr)."""
        assert self.process.stdin is not None
        with tempfile.TemporaryDirectory(prefix="fresh-python-") as folder:
            out, err = Path(folder, "stdout"), Path(folder, "stderr")
            request = {
                "body": body,
                "args": list(args),
                "env": env,
                "stdout": str(out),
                "stderr": str(err),
            }
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            self.process.stdin.flush()
            deadline = time.monotonic() + timeout
            pid = int(self._line(deadline) or "0")
            if not pid:
                raise RuntimeError(f"the fork server exited:\n{self._stderr()}")
            try:
                code = self._line(deadline)
                if not code:
                    raise RuntimeError(f"the fork server exited:\n{self._stderr()}")
            except BaseException as error:
                # As subprocess.run does on any error: the child does not outlive it.
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                if isinstance(error, TimeoutError):
                    command = ["python", "-c", self.prefix + body, *args]
                    raise subprocess.TimeoutExpired(command, timeout) from None
                raise
            return int(code), out.read_text(errors="replace"), err.read_text(errors="replace")

    def close(self) -> None:
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()


_servers: dict[str, _Server] = {}
_refused: set[str] = set()
_lock = threading.Lock()


def _close_all() -> None:
    while _servers:
        _servers.popitem()[1].close()


atexit.register(_close_all)


def close_servers() -> None:
    """Stop this process's servers: a module done with its scripts frees their memory."""
    with _lock:
        _close_all()


@pytest.fixture(scope="module", autouse=True)
def fresh_python_servers() -> Iterator[None]:
    """For a module whose scripts share prefixes (autouse where imported): a fixture of
    module scope keeps the module's tests on one pytest-xdist worker
    (tests/fixtures/xdist_groups.py), so each prefix runs once rather than once per
    worker; the servers stop at the module's end."""
    yield
    close_servers()


def run_script(
    prefix: str,
    body: str,
    *args: str,
    timeout: float = 110,
    env: Mapping[str, str | None] | None = None,
) -> tuple[int, str, str]:
    """Run ``prefix + body`` as ``python -c`` would, in ``ROOT``, with ``args`` after it
    and this process's environment with ``env`` set on it (``None``: unset): (exit
    status, stdout, stderr). ``prefix`` (whole lines) is run once per pytest process and
    forked from; it must read neither the script's arguments nor the variables of ``env``.
    An empty ``prefix`` runs the script in a plain new Python."""
    if prefix and not prefix.endswith("\n"):
        raise ValueError("the prefix must end with a whole line")
    changes = {name: os.environ.get(name) for name in PER_TEST}
    changes.update(env or {})
    base = {k: v for k, v in os.environ.items() if k not in PER_TEST}
    with _lock:
        server = _servers.get(prefix)
        if server is not None and (server.env != base or server.process.poll() is not None):
            _servers.pop(prefix).close()
            server = None
        if server is None and prefix and hasattr(os, "fork") and prefix not in _refused:
            try:
                server = _servers[prefix] = _Server(prefix, base)
            except _Refused as refused:
                _refused.add(prefix)
                print(f"fresh_python: a plain new Python instead ({refused})", file=sys.stderr)
        if server is not None:
            try:
                return server.run(body, args, timeout, changes)
            except BaseException:
                # A timeout (ours or pytest's) or a dead server: start afresh next time.
                _servers.pop(prefix, None)
                server.process.kill()
                server.close()
                raise
    environ = {**os.environ, **changes}
    done = subprocess.run(
        [sys.executable, "-c", prefix + body, *args],
        cwd=ROOT,
        env={k: v for k, v in environ.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr

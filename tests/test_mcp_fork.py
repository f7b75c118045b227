"""The fork server behind the MCP fixture's stdio command (tests/fixtures/mcp_fork.py)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import pytest

from tests.fixtures import mcp_fork


def _launch(path: str, module: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
    _, args = mcp_fork.command()
    args[args.index(mcp_fork.MODULE)] = module
    args[args.index(mcp_fork.LAUNCHER) + 1] = path
    return subprocess.run([sys.executable, *args], input=data, capture_output=True, check=False)


def test_a_launcher_gone_before_its_pid_leaves_the_forking_process_serving() -> None:
    """A launcher killed right after it asked (the client stopping a server it just
    started) must not take the forking process down with the others' servers: the
    child it asked for is killed, and the next launch is served with its exit code."""
    path = mcp_fork._start()
    if path is None:
        pytest.skip("no forking process here (no os.fork or os.pidfd_open)")
    stdin_r, stdin_w = os.pipe()
    stdout_r, stdout_w = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(path)
            socket.send_fds(sock, [b"x"], [stdin_r, stdout_w, stdout_w])
            request = {"env": dict(os.environ), "cwd": os.getcwd(), "module": "json.tool"}
            request["args"] = []
            sock.sendall(json.dumps(request).encode() + b"\n")
        # Gone without reading the child's pid. The next launch is served whole.
        done = _launch(path, "json.tool", b'{"served": 1}')
        assert done.returncode == 0, done.stderr.decode()
        assert json.loads(done.stdout) == {"served": 1}
        failed = _launch(path, "json.tool", b"not json")
        assert failed.returncode == 1
        # The orphaned child (json.tool waiting on our stdin) was killed: its stdout ends.
        os.close(stdout_w)
        stdout_w = -1
        assert os.read(stdout_r, 1) == b""
    finally:
        for fd in (stdin_r, stdin_w, stdout_r, stdout_w):
            if fd >= 0:
                os.close(fd)


def test_a_launcher_gone_mid_request_leaves_no_pipe_of_its_client_open() -> None:
    """The stdio a launcher handed over before it died (its request cut) is closed: the
    forking process holding the client's pipe would keep the client waiting for an EOF."""
    path = mcp_fork._start()
    if path is None:
        pytest.skip("no forking process here (no os.fork or os.pidfd_open)")
    stdout_r, stdout_w = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.connect(path)
            socket.send_fds(sock, [b"x"], [stdout_w, stdout_w, stdout_w])
            sock.sendall(b'{"env": {}, "cwd"')  # gone before the request's end
        os.close(stdout_w)
        stdout_w = -1
        # Served after it: the forking process has dealt with the cut request by then.
        done = _launch(path, "json.tool", b'{"served": 1}')
        assert done.returncode == 0, done.stderr.decode()
        os.set_blocking(stdout_r, False)
        assert os.read(stdout_r, 1) == b"", "the pipe's write end is still held"
    finally:
        for fd in (stdout_r, stdout_w):
            if fd >= 0:
                os.close(fd)

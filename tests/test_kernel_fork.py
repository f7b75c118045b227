"""The tests' forked python3 kernels (tests/fixtures/kernel_fork.py) are plain kernels.

Right after its start a forked kernel has the same modules, environment, ``sys.path``,
user site, threads and session as one started by ``python -m ipykernel_launcher``
with the same environment and folder, and nothing of jupyter_chatkit; it is
interrupted, restarted, killed and shut down through the launcher as a plain kernel is;
a kernel whose start-up environment the forking process did not share is started
plainly.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from .fixtures import kernel_fork
from .nbrun import ipc_kernel_config, python_kernel

SNAPSHOT = """
import json as _j, os as _o, site as _s, sys as _y, threading as _t
print(_j.dumps({
    "modules": sorted(_y.modules),
    "environ": dict(_o.environ),
    "path": _y.path,
    "argv": _y.argv[1:-1],
    "user_site": [_s.USER_BASE, _s.USER_SITE],
    "threads": sorted(type(t).__name__ for t in _t.enumerate()),
    "own_session": _o.getsid(0) == _o.getpid(),
    "main": type(_y.modules["__main__"]).__name__,
    "pid": _o.getpid(),
    "ppid": _o.getppid(),
}))
"""


def _run(kc: BlockingKernelClient, code: str) -> tuple[dict[str, Any], str]:
    out: list[str] = []

    def hook(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])

    reply = kc.execute_interactive(code, output_hook=hook, timeout=60)
    return reply["content"], "".join(out)


def _snapshot(kc: BlockingKernelClient) -> dict[str, Any]:
    content, out = _run(kc, SNAPSHOT)
    assert content["status"] == "ok", content
    return json.loads(out)


@pytest.fixture
def kernel_env(tmp_path: Path) -> dict[str, str]:
    """A kernel's environment as a test server gives it: a HOME of its own."""
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "HOME": str(home), "JCK_KERNEL_FORK_TEST": "1"}


@pytest.fixture
def plain_kernel(kernel_env: dict[str, str], tmp_path: Path) -> Iterator[BlockingKernelClient]:
    """A kernel started by the installed kernelspec (``python -m ipykernel_launcher``)."""
    with ipc_kernel_config() as config:
        km = KernelManager(kernel_name="python3", config=config)
        assert "ipykernel_launcher" in km.kernel_spec.argv
        km.start_kernel(env=kernel_env, cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            yield kc
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def _gone(pid: int) -> bool:
    """Whether ``pid`` has exited, waiting for it up to 30 s (a killed process's end)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_a_forked_kernel_starts_as_a_plain_kernel_does(
    plain_kernel: BlockingKernelClient, kernel_env: dict[str, str], tmp_path: Path
) -> None:
    plain = _snapshot(plain_kernel)
    with python_kernel(env=kernel_env, cwd=str(tmp_path)) as (km, kc):
        assert kernel_fork.LAUNCHER.name in " ".join(km.kernel_spec.argv)
        forked = _snapshot(kc)
        launcher = km.provisioner.process.pid  # type: ignore[union-attr]
    # Forked: the kernel is not the process the manager started; its parent, as for a
    # plain kernel, is the process that started it (jupyter_chatkit finds its server so).
    assert forked["pid"] != launcher
    assert forked["ppid"] == plain["ppid"] == os.getpid()
    assert not [m for m in forked["modules"] if m.startswith("jupyter_chatkit")]
    for name in ("pid", "ppid"):
        del plain[name], forked[name]
    # The same modules, environment (the launcher needs no variable of its own), path,
    # user site (HOME's), threads, session and __main__.
    assert set(forked["modules"]) ^ set(plain["modules"]) == set()
    assert forked == plain
    assert plain["user_site"][0] == str(Path(kernel_env["HOME"]) / ".local")


def test_a_forked_kernel_is_interrupted_restarted_and_killed_as_a_plain_one(
    kernel_env: dict[str, str],
) -> None:
    with python_kernel(env=kernel_env) as (km, kc):
        first = _snapshot(kc)["pid"]
        # Interrupt (SIGINT to the launcher's process group, sent on to the kernel's).
        # Sent once the cell runs (a signal before that is the kernel's, not the cell's).
        msg_id = kc.execute("import time; print('asleep', flush=True); time.sleep(120)")
        while kc.get_iopub_msg(timeout=60)["content"].get("text") != "asleep\n":
            pass
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=60)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        # Restart: a new kernel; the old one (its launcher killed) is gone.
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=60)
        second = _snapshot(kc)["pid"]
        assert second != first and _gone(first)
        # The kernel's own death ends the launcher with the same signal.
        kc.execute("import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
        process = km.provisioner.process  # type: ignore[union-attr]
        assert process.wait(timeout=60) == -signal.SIGKILL
        assert not km.is_alive()
        # A shutdown's kill of the launcher kills the kernel.
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=60)
        third = _snapshot(kc)["pid"]
        km.shutdown_kernel(now=True)
        assert _gone(third)


def test_a_kernel_whose_start_differs_from_the_forking_process_starts_plainly(
    kernel_env: dict[str, str],
) -> None:
    # Read by IPython when the forking process imports it: a kernel with another value
    # would not start as that process did, so the launcher becomes the plain kernel.
    env = {**kernel_env, "IPYTHON_SUPPRESS_CONFIG_ERRORS": "1"}
    with python_kernel(env=env) as (km, kc):
        assert kernel_fork.LAUNCHER.name in " ".join(km.kernel_spec.argv)
        snapshot = _snapshot(kc)
        assert snapshot["pid"] == km.provisioner.process.pid  # type: ignore[union-attr]
        assert snapshot["environ"]["IPYTHON_SUPPRESS_CONFIG_ERRORS"] == "1"

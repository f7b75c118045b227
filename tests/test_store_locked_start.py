"""A server started while another process holds the SQLite store's write lock (a kernel
with its own store in a long write, sqlite3 at a shell, a backup): it comes up and
answers at once. A store already migrated needs no lock to open: reads are answered
and writes get the 503 of ``store_lock_timeout``. A store still to be created or
migrated says the assistant waits for it (503, JSON, Retry-After) within
``store_lock_timeout``, and the server keeps trying in the background.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ThreadMetadata
from traitlets.config import Config

from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.store import open_store

from .test_handlers import body, expect_error, post, server_config
from .test_store_locked import _LOCKER, _assert_busy


class HeldLock:
    """Another process holding the store file's write lock until :meth:`release`."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LOCKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == b"locked"

    def release(self) -> None:
        """Let the lock go (the locker rolls back and exits)."""
        assert self.process.stdin is not None and self.process.stdout is not None
        if not self.process.stdin.closed:
            self.process.stdin.close()
            self.process.wait()
            self.process.stdout.close()


async def _migrated_store_with_a_thread(url: str) -> None:
    store = await open_store(url)
    try:
        thread = ThreadMetadata(id="thr_kept", title="kept", created_at=_now())
        await store.save_thread(thread, RequestContext(user_id=LOCAL_USER))
    finally:
        await store.close()


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


@pytest.fixture(params=["migrated", "new"])
def held_lock(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HeldLock]:
    path = tmp_path / "chat.sqlite3"
    if request.param == "migrated":
        # No event loop runs during a sync fixture's setup.
        asyncio.run(_migrated_store_with_a_thread(f"sqlite:///{path}"))
    lock = HeldLock(path)
    try:
        yield lock
    finally:
        lock.release()


@pytest.fixture
def jp_server_config(tmp_path: Path, held_lock: HeldLock) -> Config:
    # Requesting held_lock here takes the lock before the server starts.
    return server_config(tmp_path, store_lock_timeout=1.0)


async def _health(jp_fetch: Callable[..., Any]) -> dict[str, Any]:
    return dict(json.loads((await jp_fetch("jupyter-chatkit", "health")).body))


async def test_a_server_started_while_the_store_is_locked_answers(
    jp_fetch: Callable[..., Any], held_lock: HeldLock, request: pytest.FixtureRequest
) -> None:
    migrated = request.node.callspec.params["held_lock"] == "migrated"
    assert (await _health(jp_fetch))["status"] == "ok"
    listed = body("threads.list", limit=10)
    if migrated:
        # Reads need no lock (WAL): answered while the lock is still held. Before, the
        # start waited out SQLite's 30 s busy timeout and jp_fetch gave up at 20 s.
        threads = json.loads((await post(jp_fetch, listed)).body)
        assert [t["id"] for t in threads["data"]] == ["thr_kept"]
        rename = body("threads.update", thread_id="thr_kept", title="renamed")
        _assert_busy(await expect_error(post(jp_fetch, rename)))
    else:
        # Nothing to read yet: the store must be created first, which needs the lock.
        err = await expect_error(post(jp_fetch, listed))
        _assert_busy(err)
        assert "waiting" in json.loads(err.response.body)["message"]
        assert not (await _health(jp_fetch))["ready"]

    held_lock.release()
    if not migrated:
        # Retried in the background: ready without a request asking for it.
        for _ in range(600):
            if (await _health(jp_fetch))["ready"]:
                break
            await asyncio.sleep(0.1)
        assert (await _health(jp_fetch))["ready"]
        created = await post(jp_fetch, body("threads.list", limit=10))
        assert json.loads(created.body)["data"] == []
        return
    await post(jp_fetch, body("threads.update", thread_id="thr_kept", title="renamed"))
    threads = json.loads((await post(jp_fetch, listed)).body)
    assert [t["title"] for t in threads["data"]] == ["renamed"]

"""Writes while another process holds the SQLite file's write lock (a kernel with its
own store, a backup tool, sqlite3 at a shell): a 503 with a JSON message and
Retry-After once ``store_lock_timeout`` has passed, not a request hanging for the
client's timeout; a streamed turn gets an ErrorEvent; nothing already stored is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from chatkit.types import ErrorEvent
from sqlalchemy.engine import make_url
from traitlets.config import Config

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, expect_error, post, server_config

# Holds BEGIN IMMEDIATE (SQLite's write lock) until its stdin closes.
_LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    # 1 s, so the test's requests end long before jp_fetch's own 20 s timeout; before
    # the fix every write waited out SQLite's 30 s busy timeout (queued ones longer).
    return server_config(tmp_path, store_lock_timeout=1.0)


class Locker:
    """Another process holding the store's write lock while the context is open."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Locker:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _LOCKER,
            str(self.path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        line = await self.process.stdout.readline()
        assert line.strip() == b"locked"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.close()
        await self.process.wait()


@contextlib.asynccontextmanager
async def write_locked(store_url: str) -> AsyncIterator[None]:
    """Another session holding the store's write lock while the block runs: SQLite's
    (:class:`Locker`), PostgreSQL's threads table (writes wait, reads do not)."""
    url = make_url(store_url)
    if url.get_backend_name() == "sqlite":
        async with Locker(Path(str(url.database))):
            yield
        return
    import asyncpg

    other = await asyncpg.connect(store_url)
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE threads IN EXCLUSIVE MODE")
            yield
    finally:
        await other.close()


@pytest.fixture
def locker(tmp_path: Path) -> Callable[[], Locker]:
    return lambda: Locker(tmp_path / "chat.sqlite3")


async def _create_attachment(jp_fetch: Callable[..., Any], data: bytes) -> str:
    created = await post(
        jp_fetch, body("attachments.create", name="a.txt", size=len(data), mime_type="text/plain")
    )
    return str(json.loads(created.body)["id"])


async def _put(jp_fetch: Callable[..., Any], attachment_id: str, data: bytes) -> Any:
    return await jp_fetch("jupyter-chatkit", "attachments", attachment_id, method="PUT", body=data)


def _assert_busy(err: Any) -> None:
    assert err.code == 503, err
    assert err.response is not None
    assert err.response.headers["Content-Type"].startswith("application/json")
    assert int(err.response.headers["Retry-After"]) > 0
    answer = json.loads(err.response.body)
    assert "store" in answer["message"] and "try again" in answer["message"]
    assert "Traceback" not in err.response.body.decode()


async def test_writes_while_another_process_holds_the_lock_are_503_and_lose_nothing(
    jp_fetch: Callable[..., Any], locker: Callable[[], Locker]
) -> None:
    kept = await _create_attachment(jp_fetch, b"kept")
    await _put(jp_fetch, kept, b"kept")
    pending = await _create_attachment(jp_fetch, b"later")
    streamed = await post(jp_fetch, body("threads.create", input=user_input("hello")))
    thread_id = parse_sse(streamed.body)[0].thread.id  # type: ignore[union-attr]

    async with locker():
        # Two uploads at once: the second queues behind the first in this process and
        # must get its answer within its own bound too.
        first, second = await asyncio.gather(
            expect_error(_put(jp_fetch, pending, b"later")),
            expect_error(_put(jp_fetch, pending, b"later")),
        )
        _assert_busy(first)
        _assert_busy(second)
        # A ChatKit write that answers JSON.
        renamed = body("threads.update", thread_id=thread_id, title="renamed")
        _assert_busy(await expect_error(post(jp_fetch, renamed)))
        # A streamed turn: an ErrorEvent the client can retry.
        turn = await post(
            jp_fetch,
            body("threads.add_user_message", thread_id=thread_id, input=user_input("more")),
        )
        events = parse_sse(turn.body)
        errors = [e for e in events if isinstance(e, ErrorEvent)]
        assert errors and errors[-1].allow_retry
        assert "store" in (errors[-1].message or "")
        # Reads go on (WAL): the stored attachment and thread are there.
        got = await jp_fetch("jupyter-chatkit", "attachments", kept)
        assert got.body == b"kept"

    # The lock is gone: the same upload succeeds, and nothing stored before was lost.
    done = await _put(jp_fetch, pending, b"later")
    assert json.loads(done.body) == {"id": pending, "size": 5}
    assert (await jp_fetch("jupyter-chatkit", "attachments", kept)).body == b"kept"
    assert (await jp_fetch("jupyter-chatkit", "attachments", pending)).body == b"later"
    thread = json.loads((await post(jp_fetch, body("threads.get_by_id", thread_id=thread_id))).body)
    kinds = [i["type"] for i in thread["items"]["data"]]
    assert kinds[:2] == ["user_message", "assistant_message"]

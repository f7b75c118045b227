"""Renamed or moved notebooks keep their conversations even when nobody has them open
(issue 10): the server extension follows jupyter_server's contents events. Driven
through a real Jupyter server's contents API (``PATCH /api/contents/<path>``, what
JupyterLab's file browser sends), with the real store and the offline model."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from chatkit.types import ThreadMetadata
from traitlets.config import Config

from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.serverext.renames import RenameFollower
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import ENDPOINT, server_config
from .test_store import T0

BOB = RequestContext(user_id="bob")


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    return server_config(tmp_path)


async def new_thread(jp_fetch: Callable[..., Any], notebook: str) -> str:
    """A conversation started from ``notebook`` (its first turn answered)."""
    body = {"type": "threads.create", "params": {"input": user_input("hi")}}
    response = await jp_fetch(
        *ENDPOINT, method="POST", body=json.dumps({**body, "metadata": {"notebook": notebook}})
    )
    events = parse_sse(response.body)
    return next(e.thread.id for e in events if e.type == "thread.created")


async def listed(jp_fetch: Callable[..., Any], notebook: str) -> list[str]:
    """The ids the history lists under 'This notebook' for ``notebook``."""
    body = {
        "type": "threads.list",
        "params": {"limit": 20, "order": "asc"},
        "metadata": {"notebook": notebook},
    }
    response = await jp_fetch(*ENDPOINT, method="POST", body=json.dumps(body))
    page = json.loads(response.body)
    assert all(t["notebook"] == notebook for t in page["data"])
    return [t["id"] for t in page["data"]]


async def rename(jp_fetch: Callable[..., Any], jp_serverapp: Any, old: str, new: str) -> None:
    """Rename through the contents API, then wait for the event's listeners to finish."""
    response = await jp_fetch(
        "api", "contents", *old.split("/"), method="PATCH", body=json.dumps({"path": new})
    )
    assert json.loads(response.body)["path"] == new
    await jp_serverapp.event_logger.gather_listeners()


def write_notebook(root: Path, path: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(), target)


async def test_closed_notebooks_and_folders_take_their_conversations(
    jp_fetch: Callable[..., Any], jp_serverapp: Any, jp_root_dir: Path
) -> None:
    for path in ("work/old.ipynb", "work/sub/deep.ipynb", "other.ipynb"):
        write_notebook(jp_root_dir, path)
    (jp_root_dir / "archive").mkdir()
    old = [await new_thread(jp_fetch, "work/old.ipynb") for _ in range(2)]
    deep = await new_thread(jp_fetch, "work/sub/deep.ipynb")
    other = await new_thread(jp_fetch, "other.ipynb")
    # Someone else's thread in the same store naming the same path is not this server's.
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    store: SQLStore = (await holder.get()).sql_store
    await store.save_thread(
        ThreadMetadata(id="thr_bob", created_at=T0, metadata={"notebook": "work/old.ipynb"}), BOB
    )

    await rename(jp_fetch, jp_serverapp, "work/old.ipynb", "work/new.ipynb")
    assert await listed(jp_fetch, "work/new.ipynb") == old
    assert await listed(jp_fetch, "work/old.ipynb") == []

    await rename(jp_fetch, jp_serverapp, "work", "archive/work")
    assert await listed(jp_fetch, "archive/work/new.ipynb") == old
    assert await listed(jp_fetch, "archive/work/sub/deep.ipynb") == [deep]
    assert await listed(jp_fetch, "other.ipynb") == [other]
    # Each thread is still its owner's, and Bob's still points where it did.
    local = RequestContext(user_id=LOCAL_USER)
    assert (await store.load_thread(deep, local)).metadata["notebook"] == (
        "archive/work/sub/deep.ipynb"
    )
    assert (await store.load_thread("thr_bob", BOB)).metadata["notebook"] == "work/old.ipynb"


@pytest.mark.asyncio
async def test_under_a_hub_only_the_servers_users_threads_follow(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")

    async def opened() -> SQLStore:
        return store

    try:
        for user in ("alice", "bob", "carol"):
            thread = ThreadMetadata(
                id=f"thr_{user}", created_at=T0, metadata={"notebook": "a.ipynb"}
            )
            await store.save_thread(thread, RequestContext(user_id=user))
        follower = RenameFollower(opened, ["alice"], learn_users=True)
        follower.served("carol")  # e.g. an admin who chatted through Alice's server
        await follower.on_event(
            None,  # type: ignore[arg-type]
            "",
            {"action": "rename", "path": "b.ipynb", "source_path": "a.ipynb"},
        )
        # Other actions and malformed events change nothing.
        for data in (
            {"action": "copy", "path": "c.ipynb", "source_path": "b.ipynb"},
            {"action": "rename", "path": "c.ipynb"},
            {"action": "rename", "path": 3, "source_path": "b.ipynb"},
        ):
            await follower.on_event(None, "", data)  # type: ignore[arg-type]
        notebooks = {
            user: (await store.load_thread(f"thr_{user}", RequestContext(user_id=user))).metadata[
                "notebook"
            ]
            for user in ("alice", "bob", "carol")
        }
        assert notebooks == {"alice": "b.ipynb", "bob": "a.ipynb", "carol": "b.ipynb"}
    finally:
        await store.close()

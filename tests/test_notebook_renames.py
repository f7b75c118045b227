"""Renamed or moved notebooks keep their conversations even when nobody has them open
(issue 10): the server extension follows jupyter_server's contents events. Driven
through a real Jupyter server's contents API (``PATCH /api/contents/<path>``, what
JupyterLab's file browser sends), with the real store and the offline model."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest
from chatkit.types import ThreadMetadata
from traitlets.config import Config

from jupyter_chatkit.protocol import LOCAL_USER, RequestContext
from jupyter_chatkit.serverext.renames import RenameFollower, server_id
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import parse_sse, user_input
from .fixtures.store_threads import T0
from .test_handlers import ENDPOINT, server_config

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
    # Someone else's thread in the same store, made through another server, naming the
    # same path, is about another file.
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    store: SQLStore = (await holder.get()).sql_store
    here = store.server_id
    root = await asyncio.to_thread(jp_root_dir.resolve)
    assert here is not None and here.endswith(f":{root}")
    store.server_id = "root:another-machine:/home/bob"
    await store.save_thread(
        ThreadMetadata(id="thr_bob", created_at=T0, metadata={"notebook": "work/old.ipynb"}), BOB
    )
    store.server_id = here

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
async def test_the_follower_moves_this_servers_threads_and_its_owners_older_ones(
    tmp_path: Path,
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")

    async def opened() -> SQLStore:
        return store

    try:
        # Older threads (no server recorded) of three users, then one made through
        # Carol's own server, and one Carol made through Alice's.
        for user in ("alice", "bob", "carol"):
            thread = ThreadMetadata(
                id=f"thr_{user}", created_at=T0, metadata={"notebook": "a.ipynb"}
            )
            await store.save_thread(thread, RequestContext(user_id=user))
        for server, thread_id in (("hub:carol/", "thr_carol_own"), ("hub:alice/", "thr_visit")):
            store.server_id = server
            thread = ThreadMetadata(id=thread_id, created_at=T0, metadata={"notebook": "a.ipynb"})
            await store.save_thread(thread, RequestContext(user_id="carol"))
        follower = RenameFollower(opened, ["alice"])  # Alice's server
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
        owners = {"thr_alice": "alice", "thr_bob": "bob", "thr_carol": "carol"}
        notebooks = {
            thread_id: (
                await store.load_thread(
                    thread_id, RequestContext(user_id=owners.get(thread_id, "carol"))
                )
            ).metadata["notebook"]
            for thread_id in ("thr_alice", "thr_bob", "thr_carol", "thr_carol_own", "thr_visit")
        }
        assert notebooks == {
            "thr_alice": "b.ipynb",
            "thr_bob": "a.ipynb",
            "thr_carol": "a.ipynb",
            "thr_carol_own": "a.ipynb",
            "thr_visit": "b.ipynb",
        }
    finally:
        await store.close()


def test_a_servers_id_names_its_hub_server_or_its_installation_and_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub = {"JUPYTERHUB_USER": "alice", "JUPYTERHUB_SERVER_NAME": "gpu"}
    assert server_id(hub, True, "/anywhere") == "hub:alice/gpu"
    assert server_id({"JUPYTERHUB_USER": "alice"}, True, "/anywhere") == "hub:alice/"
    # A plain server: an id made once in Jupyter's data directory, and the root.
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    first = server_id({}, False, str(tmp_path))
    assert first == server_id({}, False, str(tmp_path))
    assert first.endswith(":" + str(tmp_path.resolve()))
    assert first != server_id({}, False, str(tmp_path / "other"))
    # Another installation (another data directory) is another server, same root or not.
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "elsewhere"))
    assert server_id({}, False, str(tmp_path)) != first

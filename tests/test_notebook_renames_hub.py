"""Under JupyterHub (its legacy single-user mode, users named from their hub tokens), a
renamed notebook moves the threads of this server's users only: its hub user and whoever
has chatted through it, never those of other users sharing the store (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from chatkit.types import ThreadMetadata

from jupyter_chatkit.protocol import RequestContext

from .chatkit_helpers import parse_sse, user_input

# The hub-like server (users named from their tokens, JUPYTERHUB_USER=alice).
from .test_isolation_hub import (  # noqa: F401 (fixtures)
    ALICE,
    BOB,
    call,
    jp_server_config,
    store_file,
)
from .test_store import T0


async def new_thread(jp_fetch: Callable[..., Any], who: dict[str, str], notebook: str) -> str:
    body = {"type": "threads.create", "params": {"input": user_input("hi")}}
    response = await call(jp_fetch, json.dumps({**body, "metadata": {"notebook": notebook}}), who)
    return next(e.thread.id for e in parse_sse(response.body) if e.type == "thread.created")


async def test_only_this_servers_users_threads_follow_a_rename(
    jp_fetch: Callable[..., Any], jp_serverapp: Any, jp_root_dir: Path
) -> None:
    nbformat.write(nbformat.v4.new_notebook(), jp_root_dir / "a.ipynb")
    alices = await new_thread(jp_fetch, ALICE, "a.ipynb")  # the server's own user
    bobs = await new_thread(jp_fetch, BOB, "a.ipynb")  # given access, chatted here
    # Carol's thread names a notebook of her own server, at the same relative path.
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    store = (await holder.get()).sql_store
    carol = RequestContext(user_id="carol")
    await store.save_thread(
        ThreadMetadata(id="thr_carol", created_at=T0, metadata={"notebook": "a.ipynb"}), carol
    )

    await jp_fetch(
        "api",
        "contents",
        "a.ipynb",
        method="PATCH",
        body=json.dumps({"path": "b.ipynb"}),
        headers=ALICE,
    )
    await jp_serverapp.event_logger.gather_listeners()

    async def notebook(thread_id: str, user: str) -> Any:
        loaded = await store.load_thread(thread_id, RequestContext(user_id=user))
        return loaded.metadata.get("notebook")

    assert await notebook(alices, "alice") == "b.ipynb"
    assert await notebook(bobs, "bob") == "b.ipynb"
    assert await notebook("thr_carol", "carol") == "a.ipynb"

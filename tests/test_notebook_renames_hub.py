"""Under JupyterHub (its legacy single-user mode, users named from their hub tokens), a
renamed notebook moves only the threads made through this server (whoever chatted
here) and its hub user's older threads, never the threads other servers sharing the
store made about their own files at the same path (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from chatkit.types import ThreadMetadata

from jupyter_chatkit.protocol import RequestContext

from .chatkit_helpers import parse_sse, user_input
from .fixtures.store_threads import T0

# The hub-like server (users named from their tokens, JUPYTERHUB_USER=alice).
from .test_isolation_hub import (  # noqa: F401 (fixtures)
    ALICE,
    BOB,
    call,
    jp_server_config,
    store_file,
)


async def new_thread(jp_fetch: Callable[..., Any], who: dict[str, str], notebook: str) -> str:
    body = {"type": "threads.create", "params": {"input": user_input("hi")}}
    response = await call(jp_fetch, json.dumps({**body, "metadata": {"notebook": notebook}}), who)
    return next(e.thread.id for e in parse_sse(response.body) if e.type == "thread.created")


async def test_only_the_threads_made_through_this_server_follow_a_rename(
    jp_fetch: Callable[..., Any], jp_serverapp: Any, jp_root_dir: Path
) -> None:
    nbformat.write(nbformat.v4.new_notebook(), jp_root_dir / "a.ipynb")
    alices = await new_thread(jp_fetch, ALICE, "a.ipynb")  # the server's own user
    bobs = await new_thread(jp_fetch, BOB, "a.ipynb")  # given access, chatted here
    holder = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"]
    store = (await holder.get()).sql_store
    here = store.server_id
    assert here == "hub:alice/"

    async def made_through(server: str | None, thread_id: str, user: str) -> None:
        store.server_id = server
        thread = ThreadMetadata(id=thread_id, created_at=T0, metadata={"notebook": "a.ipynb"})
        await store.save_thread(thread, RequestContext(user_id=user))
        store.server_id = here

    # Bob's and Carol's threads about their own a.ipynb, on their own servers.
    await made_through("hub:bob/", "thr_bob_own", "bob")
    await made_through("hub:carol/", "thr_carol", "carol")
    # Threads from before servers were recorded: Alice's follow her server, Bob's not.
    await made_through(None, "thr_alice_old", "alice")
    await made_through(None, "thr_bob_old", "bob")
    # Bob only read the configuration here after that: it changes nothing.
    await jp_fetch("jupyter-chatkit", "config", headers=BOB)

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
    assert await notebook("thr_alice_old", "alice") == "b.ipynb"
    assert await notebook(bobs, "bob") == "b.ipynb"
    assert await notebook("thr_bob_own", "bob") == "a.ipynb"
    assert await notebook("thr_bob_old", "bob") == "a.ipynb"
    assert await notebook("thr_carol", "carol") == "a.ipynb"

"""A conversation of no notebook, taken up by the next notebook attached, is that notebook's
on the server too (so another browser lists it under "This notebook").

The sidebar starts a conversation while no notebook is attached (JupyterLab still
restoring the workspace, or none open yet); the next notebook attached with no
conversation of its own keeps it (js/lab/src/threads.ts). It tells the server with
``threads.update`` naming the ``notebook`` and no ``previous_notebook``. Real SQLite
store, the fake OpenAI-compatible server as the model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.server import JsonResult, NotebookAssistant, StreamResult
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store

from .chatkit_helpers import collect, user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_context_policy import ALICE, provider_settings

BOB = RequestContext(user_id="bob")


async def call(assistant: NotebookAssistant, body: dict[str, Any], who: RequestContext) -> Any:
    """A non-streaming request's status and JSON answer."""
    result = await assistant.handle(json.dumps(body), who)
    assert isinstance(result, JsonResult)
    return result.status, json.loads(result.body)


async def start(assistant: NotebookAssistant, llm: FakeLLM, notebook: str | None = None) -> str:
    """A new answered conversation (of ``notebook`` if given); its id."""
    llm.script(Reply("Seen."))
    body: dict[str, Any] = {"type": "threads.create", "params": {"input": user_input("hi")}}
    if notebook:
        body["metadata"] = {"notebook": notebook}
    result = await assistant.handle(json.dumps(body), ALICE)
    assert isinstance(result, StreamResult)
    events = await collect(result.chunks)
    return next(e.thread.id for e in events if e.type == "thread.created")


def take_up(thread_id: str, notebook: str) -> dict[str, Any]:
    """The sidebar's request: the thread (its title kept) is ``notebook``'s."""
    return {
        "type": "threads.update",
        "params": {"thread_id": thread_id, "title": "Sales"},
        "metadata": {"notebook": notebook},
    }


async def listed(assistant: NotebookAssistant, notebook: str) -> list[str]:
    """The ids "This notebook" lists for ``notebook`` (another browser's history)."""
    body = {"type": "threads.list", "params": {"limit": 20}, "metadata": {"notebook": notebook}}
    status, page = await call(assistant, body, ALICE)
    assert status == 200
    return [t["id"] for t in page["data"]]


@pytest.mark.asyncio
async def test_a_conversation_of_no_notebook_taken_up_is_listed_under_it(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        thread_id = await start(assistant, fake_llm)
        assert await listed(assistant, "work/d.ipynb") == []
        status, _ = await call(assistant, take_up(thread_id, "work/d.ipynb"), ALICE)
        assert status == 200
        # Before: the server ignored the notebook named without previous_notebook, and
        # only the browser that took it up remembered it.
        assert await listed(assistant, "work/d.ipynb") == [thread_id]
        status, thread = await call(
            assistant, {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}, ALICE
        )
        assert status == 200 and thread["metadata"]["notebook"] == "work/d.ipynb"
        # The title is the server's, not the one the request carried (see below).
        assert thread.get("title") == (await store.load_thread(thread_id, ALICE)).title != "Sales"
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_a_conversation_of_a_notebook_is_not_taken_up_by_another(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        of_c = await start(assistant, fake_llm, "c.ipynb")
        unattached = await start(assistant, fake_llm)
        # The thread response names its notebook: the sidebar adopts only one with none.
        status, thread = await call(
            assistant, {"type": "threads.get_by_id", "params": {"thread_id": of_c}}, ALICE
        )
        assert thread["metadata"]["notebook"] == "c.ipynb"
        assert (await store.load_thread(unattached, ALICE)).metadata.get("notebook") is None

        status, _ = await call(assistant, take_up(of_c, "d.ipynb"), ALICE)
        assert status == 200
        assert await listed(assistant, "d.ipynb") == []
        assert await listed(assistant, "c.ipynb") == [of_c]

        # Another user's request ties nothing (their update is refused).
        status, _ = await call(assistant, take_up(unattached, "d.ipynb"), BOB)
        assert status == 404
        assert await listed(assistant, "d.ipynb") == []
        # Taken up once, a conversation stays that notebook's.
        await call(assistant, take_up(unattached, "d.ipynb"), ALICE)
        await call(assistant, take_up(unattached, "e.ipynb"), ALICE)
        assert await listed(assistant, "d.ipynb") == [unattached]
        assert await listed(assistant, "e.ipynb") == []
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
@pytest.mark.parametrize("previous", [None, "old.ipynb"], ids=["taken-up", "renamed"])
async def test_a_model_title_saved_after_the_clients_read_stays(
    fake_llm: FakeLLM, tmp_path: Path, previous: str | None
) -> None:
    """The sidebar reads the thread (its title), then sends ``threads.update`` naming the
    notebook with that title (ChatKit's update needs one). A model title saved between
    the two was written over with the title read before it. The server's title wins."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        thread_id = await start(assistant, fake_llm, previous)
        read = {"type": "threads.get_by_id", "params": {"thread_id": thread_id}}
        status, seen = await call(assistant, read, ALICE)
        assert status == 200
        # Meanwhile the model's title is saved (as titles.PendingTitles saves it).
        thread = await store.load_thread(thread_id, ALICE)
        thread.title = "Quarterly sales by region"
        await store.save_thread(thread, ALICE)
        update = take_up(thread_id, "new.ipynb")
        update["params"]["title"] = seen.get("title") or ""
        if previous:
            update["metadata"]["previous_notebook"] = previous
        status, answered = await call(assistant, update, ALICE)
        assert status == 200
        assert answered["title"] == "Quarterly sales by region"
        stored = await store.load_thread(thread_id, ALICE)
        assert stored.title == "Quarterly sales by region"
        assert stored.metadata.get("notebook") == "new.ipynb"
    finally:
        await assistant.aclose()

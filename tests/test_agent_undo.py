"""Agent mode's "Undo agent changes" on the server: a step's undo record stays out of
what the model reads, and the ``agent.undo`` action marks the reverted steps undone in
the stored thread (so a reload shows them undone and offers no second Undo).
A ScriptedModel stands in for the LLM; store and server are real."""

from __future__ import annotations

import json
from typing import Any, cast

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from chatkit.types import (
    ClientToolCallItem,
    ErrorEvent,
    ThreadCreatedEvent,
    ThreadItemReplacedEvent,
)

from jupyter_chatkit.assistant.history import estimate_tokens
from jupyter_chatkit.protocol import STEP_UNDO_KEY, STEP_UNDONE_KEY, Action
from jupyter_chatkit.serverext.renames import RenameFollower
from jupyter_chatkit.store import SQLStore

from .chatkit_helpers import ALICE, BOB, json_call, make_assistant, req, stream
from .test_agent_mode import AGENT, answer, create, outputs_seen

SECRET_BEFORE = "rows = load('sales.csv')  # the cell as it was before the edit"


def undo(thread_id: str, item_ids: Any, kept_ids: Any = None) -> bytes:
    payload = {"item_ids": item_ids}
    if kept_ids is not None:
        payload["kept_ids"] = kept_ids
    action = {"type": Action.UNDO_AGENT_STEPS, "payload": payload}
    return req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)


async def steps(store: SQLStore, thread_id: str) -> list[ClientToolCallItem]:
    page = await store.load_thread_items(thread_id, None, 50, "asc", ALICE)
    return [i for i in page.data if isinstance(i, ClientToolCallItem)]


def output(item: ClientToolCallItem) -> dict[str, Any]:
    """A stored step's output (the front end sent an object)."""
    assert isinstance(item.output, dict)
    return item.output


async def insert_edit_run_thread(
    store: SQLStore, notebook: str | None = None
) -> tuple[Any, ScriptedModel, str]:
    """A finished Agent turn: an insert, an edit and a run, all applied (in ``notebook``:
    the conversation's, named by each step's output as the front end does)."""
    where = {"notebook": notebook} if notebook else {}
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("insert_cell", {"source": "x = 1"}, call_id="c1")]),
            ModelStep(
                output=[function_call("edit_cell", {"index": 0, "new_source": "y"}, call_id="c2")]
            ),
            ModelStep(output=[function_call("run_cell", {"index": 0}, call_id="c3")]),
            ModelStep(output=[assistant_message("Done.", item_id="m1")]),
            ModelStep(output=[assistant_message("Later.", item_id="m2")]),
        ]
    )
    assistant = make_assistant(store, model)
    events = await stream(assistant, create("add and fix", {**AGENT, **where}))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    inserted = {"status": "applied", "index": 1, STEP_UNDO_KEY: {"cell_id": "cell-new"}}
    await answer(assistant, thread_id, {**inserted, **where})
    edited = {
        "status": "applied",
        "index": 0,
        "diff": "- rows\n+ y",
        STEP_UNDO_KEY: {"cell_id": "cell-0", "before": SECRET_BEFORE},
    }
    await answer(assistant, thread_id, {**edited, **where})
    await answer(assistant, thread_id, {"status": "ok", "cell": {"index": 0}, **where})
    return assistant, model, thread_id


@pytest.mark.asyncio
async def test_undo_record_is_stored_but_not_read_by_the_model(sqlite_store: SQLStore) -> None:
    _, model, thread_id = await insert_edit_run_thread(sqlite_store)
    stored = await steps(sqlite_store, thread_id)
    # The front end gets the record back when the thread is reopened ...
    assert output(stored[1])[STEP_UNDO_KEY] == {"cell_id": "cell-0", "before": SECRET_BEFORE}
    # ... the model reads the diff, never the previous source nor the record.
    seen = outputs_seen(model.calls[3])
    assert [o["status"] for o in seen] == ["applied", "applied", "ok"]
    assert seen[1]["diff"] == "- rows\n+ y"
    assert all(STEP_UNDO_KEY not in o for o in seen)
    assert SECRET_BEFORE not in json.dumps(model.calls[3].input, default=str)
    # Nor does it count against the history budget (a long old source would crowd out
    # what the model does read).
    without = stored[1].model_copy(update={"output": {"status": "applied", "index": 0}})
    record = {"cell_id": "c", "before": "x" * 8000}
    with_long = stored[1].model_copy(update={"output": {**output(without), STEP_UNDO_KEY: record}})
    assert estimate_tokens(with_long) == estimate_tokens(without)


@pytest.mark.asyncio
async def test_undo_action_marks_steps_undone_once(sqlite_store: SQLStore) -> None:
    assistant, model, thread_id = await insert_edit_run_thread(sqlite_store)
    insert, edit, run = await steps(sqlite_store, thread_id)

    events = await stream(assistant, undo(thread_id, [edit.id, insert.id]))
    replaced = [e.item for e in events if isinstance(e, ThreadItemReplacedEvent)]
    assert {i.id for i in replaced} == {insert.id, edit.id}
    assert len(model.calls) == 4  # recording an undo asks the model nothing

    # Stored: undone, the undo record dropped (no second Undo after a reload).
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200
    by_id = {i["id"]: i for i in page["data"]}
    for step in (insert, edit):
        output = by_id[step.id]["output"]
        assert output[STEP_UNDONE_KEY] is True and STEP_UNDO_KEY not in output
        assert output["status"] == "applied"
    assert STEP_UNDONE_KEY not in by_id[run.id]["output"]

    # A repeated request changes nothing.
    events = await stream(assistant, undo(thread_id, [edit.id]))
    assert not [e for e in events if isinstance(e, ThreadItemReplacedEvent)]

    # The model learns of the undo in the next turn.
    await stream(
        assistant,
        req(
            "threads.add_user_message",
            thread_id=thread_id,
            input={
                "content": [{"type": "input_text", "text": "and now?"}],
                "attachments": [],
                "inference_options": {},
            },
        ),
    )
    seen = outputs_seen(model.calls[4])
    assert [o.get(STEP_UNDONE_KEY) for o in seen] == [True, True, None]


@pytest.mark.asyncio
async def test_undo_refuses_what_is_no_agent_insert_or_edit(sqlite_store: SQLStore) -> None:
    assistant, _, thread_id = await insert_edit_run_thread(sqlite_store)
    insert, _, run = await steps(sqlite_store, thread_id)
    # An id the store refuses (a NUL) too: ChatKit's bare stream.error, no words, before.
    for item_ids in ([run.id], ["no-such-item"], [], "x", [insert.id, 3], [insert.id, "a\x00b"]):
        events = await stream(assistant, undo(thread_id, item_ids))
        errors = [e for e in events if isinstance(e, ErrorEvent)]
        assert errors and errors[0].message, item_ids
        assert not [e for e in events if isinstance(e, ThreadItemReplacedEvent)]
    # All or none: a valid id next to a run changes nothing either.
    await stream(assistant, undo(thread_id, [insert.id, run.id]))
    assert STEP_UNDONE_KEY not in output((await steps(sqlite_store, thread_id))[0])
    # Another user cannot mark Alice's steps.
    events = await stream(assistant, undo(thread_id, [insert.id]), BOB)
    assert [e for e in events if isinstance(e, ErrorEvent)]
    assert STEP_UNDONE_KEY not in output((await steps(sqlite_store, thread_id))[0])


@pytest.mark.asyncio
async def test_undo_records_steps_it_left_alone_as_kept(sqlite_store: SQLStore) -> None:
    """A step Undo left alone (its cell changed since) is stored kept: a reopened thread
    refuses it as the page did, instead of offering Undo for it again."""
    assistant, model, thread_id = await insert_edit_run_thread(sqlite_store)
    insert, edit, run = await steps(sqlite_store, thread_id)

    events = await stream(assistant, undo(thread_id, [insert.id], [edit.id]))
    replaced = {e.item.id: e.item for e in events if isinstance(e, ThreadItemReplacedEvent)}
    assert set(replaced) == {insert.id, edit.id}
    assert len(model.calls) == 4  # no model call

    stored = {i.id: output(i) for i in await steps(sqlite_store, thread_id)}
    assert stored[insert.id][STEP_UNDONE_KEY] is True
    kept = stored[edit.id]
    assert STEP_UNDONE_KEY not in kept and kept["status"] == "applied"
    # The record keeps why, and no longer the old source (Undo will not use it).
    assert kept[STEP_UNDO_KEY] == {"cell_id": "cell-0", "withheld": "changed"}
    assert SECRET_BEFORE not in json.dumps(kept)

    # Only kept steps (nothing reverted) is a valid request too.
    assistant2, _, thread2 = await insert_edit_run_thread(sqlite_store)
    insert2, *_ = await steps(sqlite_store, thread2)
    events = await stream(assistant2, undo(thread2, [], [insert2.id]))
    assert not [e for e in events if isinstance(e, ErrorEvent)]
    assert output((await steps(sqlite_store, thread2))[0])[STEP_UNDO_KEY] == {
        "cell_id": "cell-new",
        "withheld": "changed",
    }

    # Bad kept_ids are refused, all or none; a run cannot be kept either.
    for item_ids, kept_ids in (([], []), ([insert.id], "x"), ([], [run.id]), ([], [3])):
        events = await stream(assistant, undo(thread_id, item_ids, kept_ids))
        errors = [e for e in events if isinstance(e, ErrorEvent)]
        assert errors and errors[0].message, (item_ids, kept_ids)
        assert not [e for e in events if isinstance(e, ThreadItemReplacedEvent)]


def step_notebooks(page: dict[str, Any]) -> list[Any]:
    """The notebook each agent step of an items.list page names (what Undo reads)."""
    return [i["output"].get("notebook") for i in page["data"] if i["type"] == "client_tool_call"]


@pytest.mark.asyncio
async def test_steps_follow_a_renamed_notebook_and_undo_reverts_them(
    sqlite_store: SQLStore,
) -> None:
    """A notebook renamed after the turn: its conversation follows it, and so do the
    steps, which name their notebook by path. A reloaded page reads the steps from the
    store, so before, they named the old path and Undo answered "in a notebook not open
    here (old.ipynb)" in the renamed notebook."""
    assistant, _, thread_id = await insert_edit_run_thread(sqlite_store, "work/old.ipynb")
    other, _, other_id = await insert_edit_run_thread(sqlite_store, "work/other.ipynb")
    insert, edit, _ = await steps(sqlite_store, thread_id)

    # The sidebar's rename (threads.update with previous_notebook).
    update = {
        "type": "threads.update",
        "params": {"thread_id": thread_id, "title": "Sales"},
        "metadata": {"notebook": "work/new.ipynb", "previous_notebook": "work/old.ipynb"},
    }
    status, _ = await json_call(assistant, json.dumps(update).encode())
    assert status == 200
    # What a reloaded page reads: every step names the new path.
    status, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert status == 200
    assert step_notebooks(page) == ["work/new.ipynb"] * 3
    # The rest of each step is as it was (the undo record too).
    assert output((await steps(sqlite_store, thread_id))[1])[STEP_UNDO_KEY] == {
        "cell_id": "cell-0",
        "before": SECRET_BEFORE,
    }
    # Another notebook's conversation is untouched.
    _, page = await json_call(other, req("items.list", thread_id=other_id))
    assert step_notebooks(page) == ["work/other.ipynb"] * 3

    # The server's rename hook (a folder renamed in the file browser) moves them too.
    follower = RenameFollower(store=lambda: _ready(sqlite_store), owners={ALICE.user_id})
    rename = {"action": "rename", "source_path": "work", "path": "archive/work"}
    await follower.on_event(cast("Any", None), "", rename)
    _, page = await json_call(assistant, req("items.list", thread_id=thread_id))
    assert step_notebooks(page) == ["archive/work/new.ipynb"] * 3
    _, page = await json_call(other, req("items.list", thread_id=other_id))
    assert step_notebooks(page) == ["archive/work/other.ipynb"] * 3

    # Undo reverts them (the front end found them in the notebook open here).
    events = await stream(assistant, undo(thread_id, [insert.id, edit.id]))
    assert {e.item.id for e in events if isinstance(e, ThreadItemReplacedEvent)} == {
        insert.id,
        edit.id,
    }
    stored = await steps(sqlite_store, thread_id)
    assert [output(i).get(STEP_UNDONE_KEY) for i in stored] == [True, True, None]
    assert [output(i)["notebook"] for i in stored] == ["archive/work/new.ipynb"] * 3


async def _ready(store: SQLStore) -> SQLStore:
    """The store, as the server extension's lazy opener gives it."""
    return store

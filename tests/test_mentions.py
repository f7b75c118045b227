"""Context chips and mentions on the server: tags become model input through the policy.

A front end sends what a chip or a mention names as a ChatKit ``input_tag`` whose
``data.content`` it produced with its client-tool producers. The server must pass that
content through the context policy again (secrets hidden, 16k, framed as data), put it
before the person's words, and never fail on a tag with no or odd data.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_chatkit.assistant.server import JsonResult, NotebookAssistant, StreamResult
from jupyter_chatkit.store import open_store

from .chatkit_helpers import collect, req
from .fixtures.fake_llm import FakeLLM, Reply
from .test_context_policy import ALICE, CONFIGURED_KEY, TABLE, leaks, provider_settings

GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]


def tag(text: str, data: Any) -> dict[str, Any]:
    """An ``input_tag`` part as the front end sends it."""
    return {"type": "input_tag", "id": f"t:{text}", "text": text, "data": data}


def message(*parts: Any) -> dict[str, Any]:
    """A user message input of text (str) and tag parts."""
    content = [p if isinstance(p, dict) else {"type": "input_text", "text": p} for p in parts]
    return {"content": content, "attachments": [], "inference_options": {}}


async def ask(llm: FakeLLM, tmp_path: Path, input_: dict[str, Any]) -> list[dict[str, Any]]:
    """Send ``input_`` as a new thread's message; the model's messages for it."""
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(llm, tmp_path))
    try:
        llm.script(Reply("Seen."))
        result = await assistant.handle(req("threads.create", input=input_), ALICE)
        assert isinstance(result, StreamResult)
        events = await collect(result.chunks)
        assert not [e for e in events if e.type == "error"], events
    finally:
        await assistant.aclose()
    assert len(llm.requests) == 1
    return list(llm.requests[0]["messages"])


@pytest.mark.asyncio
async def test_a_mentioned_variables_summary_reaches_the_model_redacted(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    summary = {
        "name": "df",
        "type": "pandas.DataFrame",
        "shape": [3, 2],
        "columns": {"region": "object", "revenue": "int64"},
        "head": [["north", 10], ["south", 20]],
        # A front end that forgot to redact: the server hides it anyway.
        "note": f"token {GITHUB}",
        "redacted": 0,
    }
    messages = await ask(
        fake_llm, tmp_path, message("why is ", tag("df", {"kind": "variable", "content": summary}))
    )
    # The person's words come last; what the tag names comes just before them.
    assert messages[-1] == {"role": "user", "content": [{"type": "text", "text": "why is @df"}]}
    context = json.dumps(messages[-2], ensure_ascii=False)
    assert "pandas.DataFrame" in context and "revenue" in context and "north" in context
    assert "untrusted_data" in context and "what the user pointed at" in context
    log = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert GITHUB not in log and not leaks(log)
    assert CONFIGURED_KEY not in log
    part = next(p["text"] for p in messages[-2]["content"] if p["text"].startswith("@df"))
    assert json.loads(part.split(": ", 1)[1])["redacted"] == 1


@pytest.mark.asyncio
async def test_a_huge_tag_is_bounded_and_odd_tags_do_not_fail(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    huge = {"cell": {"index": 2, "source": "x = 1\n" * 20_000}}
    messages = await ask(
        fake_llm,
        tmp_path,
        message(
            "Explain ",
            tag("cell 3", {"kind": "cell", "cell": 2, "content": huge}),
            " and ",
            tag("nothing", {}),
            " and ",
            tag("odd", {"kind": ["not", "a", "string"], "content": "plain text"}),
        ),
    )
    assert messages[-1]["content"][0]["text"] == "Explain @cell 3 and @nothing and @odd"
    parts = {p["text"].split(" ", 1)[0]: p["text"] for p in messages[-2]["content"]}
    assert len(parts["@cell"]) <= 16_200
    assert '"index": 2' in parts["@cell"]
    assert "sent no content" in parts["@nothing"]
    assert "plain text" in parts["@odd"]


@pytest.mark.asyncio
async def test_chips_add_context_but_no_words(fake_llm: FakeLLM, tmp_path: Path) -> None:
    cell = {"cell": {"index": 0, "source": f"token = {GITHUB!r}"}, "redacted": 0}
    messages = await ask(
        fake_llm,
        tmp_path,
        message(
            "what does it do?",
            " ",
            tag("sales.ipynb", {"kind": "notebook", "chip": True, "content": {"cell_count": 4}}),
            " ",
            tag("cell 1", {"kind": "cell", "chip": True, "cell": 0, "content": cell}),
        ),
    )
    # The person's words alone, last; the chips just before them, as data.
    assert messages[-1]["content"][0]["text"].strip() == "what does it do?"
    chips = messages[-2]["content"]
    assert chips[0]["text"].startswith("What the user had in view")
    assert chips[1]["text"].startswith("@sales.ipynb (notebook,")
    assert chips[2]["text"].startswith("@cell 1 (cell,") and "token = " in chips[2]["text"]
    log = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert GITHUB not in log


def test_a_local_title_names_mentions_but_not_chips() -> None:
    from chatkit.types import UserMessageItem

    from jupyter_chatkit.assistant.titles import local_title
    from jupyter_chatkit.context_policy import ContextPolicy

    item = UserMessageItem.model_validate(
        {
            "id": "m",
            "thread_id": "t",
            "created_at": "2026-01-01T00:00:00",
            "inference_options": {},
            "content": [
                {"type": "input_text", "text": "compare "},
                tag("sales", {"kind": "variable"}),
                {"type": "input_text", "text": " with "},
                tag("data/x.csv", {"kind": "file"}),
                tag("cell 1", {"kind": "cell", "chip": True}),
            ],
        }
    )
    assert local_title(item, ContextPolicy()) == "compare sales with data/x.csv"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("metadata", "expected"),
    [({"notebook": "work/sales.ipynb"}, "work/sales.ipynb"), ({"notebook": 7}, None), ({}, None)],
)
async def test_a_new_thread_records_its_notebook(
    fake_llm: FakeLLM, tmp_path: Path, metadata: dict[str, Any], expected: str | None
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        fake_llm.script(Reply("Seen."))
        body = json.dumps(
            {"type": "threads.create", "params": {"input": message("hi")}, "metadata": metadata}
        )
        result = await assistant.handle(body.encode(), ALICE)
        assert isinstance(result, StreamResult)
        events = await collect(result.chunks)
        thread_id = next(e.thread.id for e in events if e.type == "thread.created")
        thread = await store.load_thread(thread_id, ALICE)
        assert thread.metadata.get("notebook") == expected
        # The history names it; the thread's metadata is not sent along with it (only
        # the Ask/Agent settings are, see agent_tools, and its notebook: the sidebar lets
        # a notebook take up only a conversation of none).
        listed = await assistant.handle(req("threads.list", limit=10), ALICE)
        assert isinstance(listed, JsonResult) and listed.status == 200
        (entry,) = json.loads(listed.body)["data"]
        assert entry["id"] == thread_id and entry.get("notebook") == expected
        assert set(entry.get("metadata") or {}) <= {"agent", "notebook"}
        assert (entry.get("metadata") or {}).get("notebook") == expected
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_threads_list_names_notebooks_and_filters_by_one(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    notebooks = ["a.ipynb", "b.ipynb", "a.ipynb", None, "a.ipynb", "b.ipynb", "a.ipynb"]
    try:
        ids = []
        for notebook in notebooks:
            fake_llm.script(Reply("Seen."))
            metadata = {"notebook": notebook} if notebook else {}
            body = {"type": "threads.create", "params": {"input": message("hi")}}
            result = await assistant.handle(json.dumps({**body, "metadata": metadata}), ALICE)
            assert isinstance(result, StreamResult)
            events = await collect(result.chunks)
            ids.append(next(e.thread.id for e in events if e.type == "thread.created"))
        newest_first = list(reversed(list(zip(ids, notebooks, strict=True))))

        async def listing(limit: int, after: str | None, **meta: str) -> dict[str, Any]:
            body = {"type": "threads.list", "params": {"limit": limit, "order": "desc"}}
            if after:
                body["params"]["after"] = after  # type: ignore[index]
            result = await assistant.handle(json.dumps({**body, "metadata": meta}), ALICE)
            assert isinstance(result, JsonResult) and result.status == 200, result
            return dict(json.loads(result.body))

        everything = await listing(20, None)
        assert [(t["id"], t.get("notebook")) for t in everything["data"]] == newest_first
        # One notebook's threads, two a page, paging to the end.
        seen: list[str] = []
        after = None
        for _ in range(5):
            page = await listing(2, after, notebook="a.ipynb")
            seen += [t["id"] for t in page["data"]]
            assert all(t["notebook"] == "a.ipynb" for t in page["data"])
            if not page["has_more"]:
                break
            after = page["after"]
        assert seen == [i for i, n in newest_first if n == "a.ipynb"]
        assert (await listing(5, None, notebook="nowhere.ipynb"))["data"] == []
    finally:
        await assistant.aclose()


@pytest.mark.asyncio
async def test_a_renamed_notebook_keeps_its_threads(fake_llm: FakeLLM, tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    assistant = NotebookAssistant(store, provider_settings(fake_llm, tmp_path))
    try:
        ids = []
        for notebook in ("old.ipynb", "other.ipynb", "old.ipynb"):
            fake_llm.script(Reply("Seen."))
            body = {"type": "threads.create", "params": {"input": message("hi")}}
            result = await assistant.handle(
                json.dumps({**body, "metadata": {"notebook": notebook}}), ALICE
            )
            assert isinstance(result, StreamResult)
            events = await collect(result.chunks)
            ids.append(next(e.thread.id for e in events if e.type == "thread.created"))
        update = {
            "type": "threads.update",
            "params": {"thread_id": ids[2], "title": "Sales"},
            "metadata": {"notebook": "work/new.ipynb", "previous_notebook": "old.ipynb"},
        }
        title = (await store.load_thread(ids[2], ALICE)).title
        result = await assistant.handle(json.dumps(update), ALICE)
        assert isinstance(result, JsonResult) and result.status == 200
        notebooks = [(await store.load_thread(i, ALICE)).metadata.get("notebook") for i in ids]
        assert notebooks == ["work/new.ipynb", "other.ipynb", "work/new.ipynb"]
        # An update naming a notebook moves it; the title stays the server's (e98333c).
        assert (await store.load_thread(ids[2], ALICE)).title == title != "Sales"
    finally:
        await assistant.aclose()

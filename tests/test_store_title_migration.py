"""Titles stored before they passed the context policy are redacted once, when a store
opens (migration v5): only titles that hide something change, nothing else in any row."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text

from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import create_engine_for, resolve_url
from jupyter_chatkit.store.migrations import migrate

ALICE = RequestContext(user_id="alice")
TOKEN = "ghp_" + "Kx8mP2qZ9vL4wR7tY1uI3oP5aS6dF8gH0jK2"
PASSWORD = "Hq7vR2mX9kLp"
HELD = f"Use {TOKEN} to clone"
CLEAN = "Plot sales by region"


def _payload(thread_id: str, title: str | None, **extra: object) -> str:
    # Written as the store's codec writes them: compact, non-ASCII as it is.
    body = {
        "title": title,
        "id": thread_id,
        "created_at": "2026-01-01T00:00:00Z",
        "status": {"type": "active"},
        "metadata": {"notebook": "a.ipynb", "note": f"kept: {TOKEN}", **extra},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


ROWS = [
    # id, title column, payload
    ("thr_held", HELD, _payload("thr_held", HELD)),
    ("thr_pw", f"login ada password={PASSWORD} fails", None),
    ("thr_clean", CLEAN, _payload("thr_clean", CLEAN, café="é")),
    ("thr_none", None, _payload("thr_none", None)),
    # An unreadable payload: its column is still redacted, the payload kept as it is.
    ("thr_broken", HELD, '{"title": "' + HELD + '", "id": '),
]
ITEM = json.dumps(
    {
        "id": "msg_1",
        "thread_id": "thr_held",
        "created_at": "2026-01-01T00:00:01Z",
        "type": "user_message",
        "content": [{"type": "input_text", "text": HELD}],
        "attachments": [],
        "inference_options": {},
    }
)


async def _rows(url: str) -> dict[str, tuple[str | None, str, int]]:
    engine = create_engine_for(resolve_url(url))
    try:
        async with engine.connect() as conn:
            found = await conn.execute(text("SELECT id, title, payload, updated_us FROM threads"))
            return {row.id: (row.title, row.payload, row.updated_us) for row in found}
    finally:
        await engine.dispose()


async def _v4_database(url: str) -> None:
    engine = create_engine_for(resolve_url(url))
    try:
        assert await migrate(engine, target=4) == 4
        async with engine.begin() as conn:
            for i, (thread_id, title, payload) in enumerate(ROWS):
                await conn.execute(
                    text(
                        "INSERT INTO threads (id, user_id, created_us, updated_us, title, payload)"
                        " VALUES (:id, 'alice', :t, :t, :title, :payload)"
                    ),
                    {
                        "id": thread_id,
                        "t": 1767225600000000 + i,
                        "title": title,
                        "payload": payload or _payload(thread_id, title),
                    },
                )
            await conn.execute(
                text(
                    "INSERT INTO items (thread_id, id, user_id, type, created_us, payload)"
                    " VALUES ('thr_held', 'msg_1', 'alice', 'user_message', 1767225601000000,"
                    " :payload)"
                ),
                {"payload": ITEM},
            )
    finally:
        await engine.dispose()


@pytest.mark.asyncio
async def test_stored_titles_are_redacted_once_and_nothing_else_changes(store_url: str) -> None:
    await _v4_database(store_url)
    before = await _rows(store_url)
    # Two servers opening the same database at once: one migrates, the other finds it done.
    stores = await asyncio.gather(open_store(store_url), open_store(store_url))
    try:
        after = await _rows(store_url)
        held_title, held_payload, held_updated = after["thr_held"]
        assert held_title is not None and TOKEN not in held_title and "«redacted" in held_title
        assert held_title.startswith("Use ") and held_title.endswith(" to clone")
        # The payload's title changed, and only it: its other text (a note in the
        # metadata that happens to hold the same token) is the user's, kept.
        assert json.loads(held_payload)["title"] == held_title
        assert held_payload == before["thr_held"][1].replace(
            f'"title":"{HELD}"', f'"title":{json.dumps(held_title, ensure_ascii=False)}'
        )
        assert held_updated == before["thr_held"][2]
        pw_title = after["thr_pw"][0]
        assert pw_title is not None and PASSWORD not in pw_title
        assert PASSWORD not in json.loads(after["thr_pw"][1])["title"]
        broken_title, broken_payload, _ = after["thr_broken"]
        assert broken_title is not None and TOKEN not in broken_title
        assert broken_payload == before["thr_broken"][1]
        assert after["thr_clean"] == before["thr_clean"]
        assert after["thr_none"] == before["thr_none"]
        thread = await stores[0].load_thread("thr_held", ALICE)
        assert thread.title == held_title
        # The conversation itself is not the title: the message keeps its text.
        page = await stores[1].load_thread_items("thr_held", None, 10, "asc", ALICE)
        assert [item.id for item in page.data] == ["msg_1"]
        engine = stores[0].engine
        async with engine.connect() as conn:
            item = (await conn.execute(text("SELECT payload FROM items"))).scalar_one()
        assert item == ITEM
    finally:
        for store in stores:
            await store.close()
    # Opening again changes nothing.
    again = await open_store(store_url)
    await again.close()
    assert await _rows(store_url) == after

"""Stored titles are redacted by the server's configured context policy, once.

Migration v5 redacted old thread titles with the default rules only: a server
configured with its own secret patterns (``redact_patterns``) kept titles holding such
a secret verbatim. The assistant's store now redacts stored titles with the configured
policy when it opens, once per configuration: a later start with the same
configuration only reads (it opens while another process holds the write lock).
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime
from pathlib import Path

import pytest
from chatkit.types import ThreadMetadata
from sqlalchemy import text

from jupyter_chatkit.assistant.server import create_assistant
from jupyter_chatkit.context_policy import ContextPolicy
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import open_store
from jupyter_chatkit.store.engine import create_engine_for, resolve_url
from jupyter_chatkit.store.migrations import migrate
from jupyter_chatkit.store.title_redaction import TitleRedaction, redact_titles_once

from .chatkit_helpers import json_call, req
from .test_store_locked import Locker
from .test_store_title_migration import ALICE, _payload, _rows

PATTERN = r"ACME-[0-9]{8}"
HELD = "Deploy with ACME-12345678 tonight"


def _settings(url: str, *patterns: str) -> Settings:
    # A short lock timeout: a start that writes while the lock is held fails at once.
    return Settings(
        store_url=url, api_key="", base_url="", redact_patterns=list(patterns), store_lock_timeout=1
    )


async def _thread_titled(url: str, title: str) -> None:
    """A thread titled ``title`` saved in the store at ``url`` (opened and migrated)."""
    store = await open_store(url)
    try:
        thread = ThreadMetadata(id="thr_acme", title=title, created_at=datetime.now())
        await store.save_thread(thread, ALICE)
    finally:
        await store.close()


async def _v4_thread_titled(url: str, title: str) -> None:
    """A store at v4 (before titles were redacted) with a thread titled ``title``."""
    engine = create_engine_for(resolve_url(url))
    try:
        assert await migrate(engine, target=4) == 4
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO threads (id, user_id, created_us, updated_us, title, payload)"
                    " VALUES ('thr_acme', 'alice', 1, 1, :title, :payload)"
                ),
                {"title": title, "payload": _payload("thr_acme", title)},
            )
    finally:
        await engine.dispose()


async def _title(url: str) -> str | None:
    return (await _rows(url))["thr_acme"][0]


@pytest.mark.asyncio
async def test_an_upgraded_store_redacts_titles_with_the_configured_patterns(
    store_url: str,
) -> None:
    await _v4_thread_titled(store_url, HELD)
    assistant = await create_assistant(_settings(store_url, PATTERN))
    await assistant.aclose()
    title = await _title(store_url)
    assert title is not None and "ACME-12345678" not in title and "«redacted" in title
    assert title.startswith("Deploy with ")


@pytest.mark.asyncio
async def test_a_store_already_redacted_by_default_takes_the_configured_patterns_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    # Migrated (v5 and on) with the default rules, then a title with the pattern.
    await _thread_titled(url, HELD)
    assistant = await create_assistant(_settings(url, PATTERN))
    await assistant.aclose()
    title = await _title(url)
    assert title is not None and "ACME-12345678" not in title
    # Done once: a later start with the same configuration writes nothing, so it opens
    # while another process holds the write lock.
    async with Locker(path):
        again = await create_assistant(_settings(url, PATTERN))
        await again.aclose()


@pytest.mark.postgres
@pytest.mark.asyncio
async def test_a_title_pass_keeps_what_another_server_writes_meanwhile(role_url: str) -> None:
    # On PostgreSQL the pass locks no thread row: another server may change a thread
    # between the pass's read and its write (on SQLite it holds the write lock).
    await _thread_titled(role_url, HELD)
    configured = TitleRedaction.of(ContextPolicy.from_settings(_settings(role_url, PATTERN)))

    async def tag_elsewhere() -> None:
        other = await open_store(role_url)
        try:
            await other.change_thread("thr_acme", _tagged, ALICE)
        finally:
            await other.close()

    tagged: list[threading.Thread] = []

    def redact(title: str) -> str:
        if not tagged:
            # Another server's write lands while the pass is between its read and write.
            tagged.append(threading.Thread(target=asyncio.run, args=(tag_elsewhere(),)))
            tagged[0].start()
            tagged[0].join()
        return configured.redact(title)

    engine = create_engine_for(resolve_url(role_url))
    try:
        await redact_titles_once(engine, TitleRedaction(redact, configured.key), 10.0)
    finally:
        await engine.dispose()
    store = await open_store(role_url)
    try:
        thread = await store.load_thread("thr_acme", ALICE)
    finally:
        await store.close()
    assert tagged and thread.metadata.get("elsewhere") == "kept"
    assert thread.title is not None and "ACME-12345678" not in thread.title


def _tagged(thread: ThreadMetadata) -> bool:
    thread.metadata = {**thread.metadata, "elsewhere": "kept"}
    return True


@pytest.mark.asyncio
async def test_rules_that_hide_more_redact_stored_titles_once_more(tmp_path: Path) -> None:
    """A store whose titles passed the default rules of an earlier release (all v6
    records) has them redacted by this release's rules once: a credential those rules
    missed and these hide does not stay in a stored title."""
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    # Stored as an earlier release left it: migrated, its default pass recorded, the
    # title as it was then (a shape it did not know is modelled by the store's own save,
    # which does not redact).
    held = "Deploy with ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + " tonight"
    await _thread_titled(url, held)
    assistant = await create_assistant(_settings(url))
    await assistant.aclose()
    title = await _title(url)
    assert title is not None and "ghp_a1B2" not in title and title.startswith("Deploy with ")
    async with Locker(path):
        again = await create_assistant(_settings(url))
        await again.aclose()


@pytest.mark.asyncio
async def test_a_start_while_the_store_is_busy_leaves_the_title_pass_to_the_next(
    tmp_path: Path,
) -> None:
    """A pass owed when another process holds the write lock (a kernel saving an answer)
    does not hold up the start, nor fail it: the next start redacts."""
    path = tmp_path / "chat.sqlite3"
    url = f"sqlite:///{path}"
    await _thread_titled(url, HELD)
    async with Locker(path):
        # The lock timeout is long: a start that waited for the pass would wait here.
        busy = await create_assistant(
            Settings(
                store_url=url,
                api_key="",
                base_url="",
                redact_patterns=[PATTERN],
                store_lock_timeout=60,
            )
        )
        await busy.aclose()
    assert await _title(url) == HELD
    assistant = await create_assistant(_settings(url, PATTERN))
    await assistant.aclose()
    title = await _title(url)
    assert title is not None and "ACME-12345678" not in title


@pytest.mark.asyncio
async def test_a_key_configured_later_is_hidden_in_titles_stored_before(store_url: str) -> None:
    """A provider key pasted into a first message before the server was given it stays
    in that thread's stored title when its shape is one the default rules do not know
    (an Azure OpenAI key: 32 hex digits). Once the key is configured, the next start's
    title pass hides it: a change of the configured secrets runs the pass again. Before,
    only redaction switches, patterns and rules did: the key stayed stored (replies hid
    it only while it was configured) and, once rotated, the sidebar listed it."""
    key = "9f3c1a7be2d84c6fa05e7b19d3c2e8f4"
    await _thread_titled(store_url, f"Use {key} for Azure")
    for configured_key in ("", key):
        # Started with no key, then with the key configured.
        started = await create_assistant(_with_key(store_url, configured_key))
        await started.aclose()
    title = await _title(store_url)
    assert title is not None and key not in title and title.startswith("Use ")
    # The key rotated: what the sidebar lists holds no trace of the old one.
    rotated = await create_assistant(_with_key(store_url, "5b0e" * 8))
    try:
        status, listed = await json_call(rotated, req("threads.list", limit=20))
    finally:
        await rotated.aclose()
    assert status == 200 and len(listed["data"]) == 1
    assert key not in json.dumps(listed)


def _with_key(url: str, key: str) -> Settings:
    """Settings with ``key`` as the provider's API key ("" none)."""
    base_url = "https://llm.example.invalid/v1" if key else ""
    return Settings(store_url=url, api_key=key, base_url=base_url, store_lock_timeout=1)


async def test_each_store_salts_the_digest_of_its_secrets(tmp_path: Path) -> None:
    """The recorded key with secrets differs between two stores of the same
    configuration (a salt of each store's own), and a store keeps its salt."""
    titles = TitleRedaction.of(ContextPolicy(exact=("sk-same-key-in-both-stores-0123456789",)))
    keys = []
    for name in ("one", "two", "one"):
        url = f"sqlite:///{tmp_path / name}.sqlite3"
        store = await open_store(url, titles=titles)
        await store.close()
        engine = create_engine_for(resolve_url(url))
        try:
            async with engine.connect() as conn:
                rows = await conn.execute(text("SELECT policy FROM title_redactions"))
                keys.append({row[0] for row in rows if not row[0].startswith("salt:")})
        finally:
            await engine.dispose()
    assert keys[0] == keys[2]
    assert keys[0] != keys[1]

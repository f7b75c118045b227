"""The store's first open failing: each request gets a clear 503 (JSON, said by
handlers.py) naming what is wrong, and the next request opens it again.

- A database that takes no writes (a standby, ``default_transaction_read_only``) when
  the store must first be created: told it is read-only and what to do, as a write
  refused later is (STORE_READ_ONLY); before, "unavailable; try again", which no retry
  could fix.
- A database that does not exist yet (or any other failure of the database to open the
  store): told the store could not be opened; before, "The assistant is not available",
  which named neither the store nor what to check.

Once fixed, the next request opens the store and is answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy.engine import make_url

from jupyter_chatkit.serverext.holder import (
    ASSISTANT_UNAVAILABLE,
    AssistantHolder,
    AssistantUnavailable,
)
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store.engine import STORE_CANNOT_OPEN, STORE_READ_ONLY

from .fixtures.store import _create_role_with_schema, _drop_role_with_schema

pytestmark = [pytest.mark.postgres, pytest.mark.asyncio]


@pytest_asyncio.fixture
async def role(postgres_url: str) -> AsyncIterator[tuple[str, str]]:
    name, url = await _create_role_with_schema(postgres_url)
    try:
        yield name, url
    finally:
        await _drop_role_with_schema(postgres_url, name)


async def _admin(postgres_url: str, sql: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(postgres_url)
    try:
        await admin.execute(sql)
    finally:
        await admin.close()


async def _refused(holder: AssistantHolder) -> str:
    with pytest.raises(AssistantUnavailable) as info:
        await holder.get()
    return info.value.reason


async def test_a_read_only_database_at_first_open_says_so_then_opens_once_writable(
    postgres_url: str, role: tuple[str, str]
) -> None:
    name, url = role
    await _admin(postgres_url, f'ALTER ROLE "{name}" SET default_transaction_read_only = on')
    holder = AssistantHolder(Settings(store_url=url), attachment_url=lambda i: i)
    try:
        assert await _refused(holder) == STORE_READ_ONLY
        # Still refused: tried again, not stuck on the first failure.
        assert await _refused(holder) == STORE_READ_ONLY
        await _admin(postgres_url, f'ALTER ROLE "{name}" RESET default_transaction_read_only')
        assistant = await holder.get()
        assert assistant.sql_store.dialect == "postgresql"
    finally:
        await holder.close()


async def test_a_missing_database_at_first_open_says_the_store_cannot_open(
    postgres_url: str,
) -> None:
    database = "chatkit_later"
    url = make_url(postgres_url).set(database=database).render_as_string(hide_password=False)
    holder = AssistantHolder(Settings(store_url=url), attachment_url=lambda i: i)
    try:
        reason = await _refused(holder)
        assert reason == STORE_CANNOT_OPEN and reason != ASSISTANT_UNAVAILABLE
        await _admin(postgres_url, f'CREATE DATABASE "{database}"')
        assistant = await holder.get()
        assert assistant.sql_store.dialect == "postgresql"
    finally:
        await holder.close()
        await _admin(postgres_url, f'DROP DATABASE IF EXISTS "{database}"')

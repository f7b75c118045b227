"""The PostgreSQL pool is configurable, and running out of connections reads as such
(issue 15, item 5): people are told the store is unavailable, the log names the cause's
class and SQLSTATE, never a parameter or a word of the conversation."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from jupyter_chatkit.assistant.server import JsonResult, NotebookAssistant, create_assistant
from jupyter_chatkit.protocol import RequestContext
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store.engine import (
    STORE_UNAVAILABLE,
    describe_store_failure,
    is_store_unavailable,
)

from .chatkit_helpers import parse_sse, user_input
from .fixtures.store import _create_role_with_schema, _drop_role_with_schema
from .test_handlers import body

pytestmark = pytest.mark.postgres

SECRET_TEXT = "the quarterly numbers nobody may log"


@pytest_asyncio.fixture
async def limited_role(postgres_url: str) -> AsyncIterator[tuple[str, str]]:
    """A fresh role and schema that may hold at most two connections."""
    import asyncpg

    name, url = await _create_role_with_schema(postgres_url)
    admin = await asyncpg.connect(postgres_url)
    try:
        await admin.execute(f'ALTER ROLE "{name}" CONNECTION LIMIT 2')
    finally:
        await admin.close()
    try:
        yield name, url
    finally:
        await _drop_role_with_schema(postgres_url, name)


@pytest_asyncio.fixture
async def assistant(limited_role: tuple[str, str]) -> AsyncIterator[NotebookAssistant]:
    settings = Settings(
        store_url=limited_role[1],
        api_key="",
        base_url="",
        store_pool_size=1,
        store_max_overflow=0,
        store_pool_recycle=300,
        store_pool_timeout=5.0,
    )
    built = await create_assistant(settings)
    try:
        yield built
    finally:
        await built.aclose()


@pytest.mark.asyncio
async def test_pool_settings_reach_the_engine(assistant: NotebookAssistant) -> None:
    pool = assistant.sql_store._engine.pool
    assert pool.size() == 1
    assert pool.timeout() == 5.0
    assert pool._max_overflow == 0
    assert pool._recycle == 300
    assert pool._pre_ping is True


@pytest.mark.asyncio
async def test_out_of_connections_reads_as_store_unavailable(
    assistant: NotebookAssistant,
    limited_role: tuple[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    import asyncpg

    # Close the pool's connection, then take every connection the role may have.
    await assistant.sql_store._engine.dispose()
    held = [await asyncpg.connect(limited_role[1]) for _ in range(2)]
    try:
        with caplog.at_level(logging.ERROR, logger="jupyter_chatkit"):
            listed = await assistant.handle(body("threads.list"), _context())
            assert isinstance(listed, JsonResult)
            assert listed.status == 503
            assert json.loads(listed.body) == {"message": STORE_UNAVAILABLE, "code": "unavailable"}

            result = await assistant.handle(
                body("threads.create", input=user_input(SECRET_TEXT)), _context()
            )
            assert not isinstance(result, JsonResult)
            events = parse_sse(b"".join([chunk async for chunk in result.chunks]))
            errors = [e for e in events if e.type == "error"]
            assert errors and errors[-1].message == STORE_UNAVAILABLE
            assert errors[-1].allow_retry
    finally:
        for conn in held:
            await conn.close()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    # 53300: too_many_connections, with the driver's own class named.
    assert "SQLSTATE 53300" in logged and "TooManyConnectionsError" in logged
    assert SECRET_TEXT not in logged and "quarterly" not in logged

    # Connections are back: the same assistant answers again.
    again = await assistant.handle(body("threads.list"), _context())
    assert isinstance(again, JsonResult) and again.status == 200


def test_failures_that_are_not_about_availability_stay_errors() -> None:
    from sqlalchemy.exc import IntegrityError

    class UniqueViolation(Exception):
        sqlstate = "23505"

    error = IntegrityError("INSERT ...", {}, UniqueViolation())
    assert not is_store_unavailable(error)
    assert not is_store_unavailable(ValueError("bad input"))
    assert is_store_unavailable(ConnectionRefusedError())
    described = describe_store_failure(error)
    assert described.startswith("IntegrityError <- UniqueViolation, SQLSTATE 23505, at ")
    assert described.endswith("Z")


def _context() -> RequestContext:
    return RequestContext(user_id="alice")

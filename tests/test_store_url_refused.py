"""A store URL the store cannot use (a typo, an in-memory SQLite, another database):
each request's 503 names the setting to check, as a database that cannot be opened
does (STORE_CANNOT_OPEN). Before, "The assistant is not available" and a log line
saying only "ValueError": nothing said the store's URL was the cause."""

from __future__ import annotations

import pytest

from jupyter_chatkit.serverext.holder import AssistantHolder, AssistantUnavailable
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store.engine import STORE_CANNOT_OPEN

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    "url",
    [
        "postgresql//chatkit:StorePass-red4@db/chat",  # the ":" left out
        "sqlite:///:memory:",
        "mysql://chatkit:StorePass-red4@db/chat",
    ],
)
async def test_a_store_url_it_cannot_use_names_the_setting(url: str) -> None:
    holder = AssistantHolder(Settings(store_url=url), attachment_url=lambda i: i)
    try:
        with pytest.raises(AssistantUnavailable) as info:
            await holder.get()
    finally:
        await holder.close()
    assert info.value.reason == STORE_CANNOT_OPEN
    assert "StorePass" not in info.value.reason

"""Under JupyterHub's legacy single-user mode, users stay apart (issue 15, items 1 and 3).

``JUPYTERHUB_SINGLEUSER_EXTENSION=0`` makes jupyter_server fall back to its
LegacyIdentityProvider, which asks the hub's login handler who is calling. Here a login
handler in that style names users from their token (as the hub's does from its own
tokens), in a server whose environment says a hub spawned it. Nobody may be collapsed
into ``local``, and the secrets read at start-up are gone from the environment that
kernels and terminals inherit.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.identity import LegacyIdentityProvider
from jupyter_server.auth.login import LegacyLoginHandler
from traitlets.config import Config

from jupyter_chatkit.serverext.secrets import running_under_hub, scrub_secrets
from jupyter_chatkit.settings import JupyterChatKit

from .chatkit_helpers import parse_sse, user_input
from .test_handlers import body, server_config

TOKENS = {"alice-hub-token": "alice", "bob-hub-token": "bob"}
ALICE = {"Authorization": "token alice-hub-token"}
BOB = {"Authorization": "token bob-hub-token"}


class HubLikeLoginHandler(LegacyLoginHandler):
    """Names the hub user from the request's token, as JupyterHub's login handler does."""

    @classmethod
    def get_user(cls, handler: Any) -> Any:
        """A hub user model (a dict with ``name``), or None."""
        name = TOKENS.get(cls.get_token(handler) or "")
        if name is None:
            return None
        handler._token_authenticated = True
        return {"name": name, "kind": "user"}


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    return tmp_path / "hub-chat.sqlite3"


@pytest.fixture
def jp_server_config(tmp_path: Path, store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Config:
    # What a hub's spawner puts in a single-user server's environment, plus the admin's
    # store and key (the key is only there to be scrubbed; no provider is configured).
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "the-servers-own-hub-token")
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", f"sqlite:///{store_file}")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-admin-key-kernels-must-not-see-1234")
    monkeypatch.setenv("SITE_COPY_OF_KEY", "sk-admin-key-kernels-must-not-see-1234")
    config = server_config(tmp_path)
    del config.JupyterChatKit["store_url"]
    del config.JupyterChatKit["api_key"]
    config.JupyterChatKit.model = "offline"
    config.ServerApp.login_handler_class = HubLikeLoginHandler
    return config


async def call(jp_fetch: Callable[..., Any], payload: str, who: dict[str, str]) -> Any:
    return await jp_fetch("jupyter-chatkit", "chatkit", method="POST", body=payload, headers=who)


async def thread_ids(jp_fetch: Callable[..., Any], who: dict[str, str]) -> list[str]:
    listed = json.loads((await call(jp_fetch, body("threads.list"), who)).body)
    return [t["id"] for t in listed["data"]]


async def test_legacy_provider_under_a_hub_keeps_users_apart(
    jp_serverapp: Any, jp_fetch: Callable[..., Any], store_file: Path
) -> None:
    assert isinstance(jp_serverapp.identity_provider, LegacyIdentityProvider)
    alice_events = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input("alice's")), ALICE)).body
    )
    alice_thread = alice_events[0].thread.id  # type: ignore[union-attr]
    bob_events = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input("bob's")), BOB)).body
    )
    bob_thread = bob_events[0].thread.id  # type: ignore[union-attr]

    assert await thread_ids(jp_fetch, ALICE) == [alice_thread]
    assert await thread_ids(jp_fetch, BOB) == [bob_thread]
    from tornado.httpclient import HTTPClientError

    with pytest.raises(HTTPClientError) as info:
        await call(jp_fetch, body("items.list", thread_id=alice_thread), BOB)
    assert info.value.code == 404

    # Stored under the hub's names, never under "local".
    assistant = await jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"].get()
    from jupyter_chatkit.protocol import LOCAL_USER, RequestContext

    local = await assistant.store.load_threads(20, None, "desc", RequestContext(LOCAL_USER))
    assert local.data == []
    # The store named by the environment is the one in use, read before the scrub.
    assert await asyncio.to_thread(store_file.is_file)


async def test_secrets_are_gone_from_what_kernels_inherit(
    jp_serverapp: Any, jp_fetch: Callable[..., Any]
) -> None:
    await call(jp_fetch, body("threads.list"), ALICE)
    for name in ("OPENAI_API_KEY", "JUPYTER_CHATKIT_STORE_URL", "SITE_COPY_OF_KEY"):
        assert name not in os.environ, name
    # The hub's own variables stay: the single-user server and the kernel's chat need them.
    assert os.environ["JUPYTERHUB_API_TOKEN"] == "the-servers-own-hub-token"
    # The server kept what it read.
    settings = jp_serverapp.web_app.settings["jupyter_chatkit"]["holder"].settings
    assert settings.api_key == "sk-admin-key-kernels-must-not-see-1234"


def test_scrub_removes_configured_values_under_other_names() -> None:
    settings = JupyterChatKit(
        api_key="sk-configured-in-a-file-5678",
        store_url="postgresql://chat:s3cret-pw@db.example/chat",
    )
    environ = {
        "PATH": "/usr/bin",
        "MY_KEY": "sk-configured-in-a-file-5678",
        "PGPASSWORD": "s3cret-pw",
        "CHAT_DSN": "postgresql://chat:s3cret-pw@db.example/chat",
        "JUPYTERHUB_API_TOKEN": "hub-token",
        "JUPYTERHUB_USER": "alice",
    }
    removed = scrub_secrets(settings, environ)
    assert removed == ["CHAT_DSN", "MY_KEY", "PGPASSWORD"]
    assert environ == {
        "PATH": "/usr/bin",
        "JUPYTERHUB_API_TOKEN": "hub-token",
        "JUPYTERHUB_USER": "alice",
    }
    assert running_under_hub(environ)
    assert not running_under_hub({"JUPYTERHUB_USER": "alice"})

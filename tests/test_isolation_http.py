"""Two users on one server (as behind JupyterHub): neither sees the other's threads."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.identity import IdentityProvider, User
from tornado.httpclient import HTTPClientError
from traitlets.config import Config

from .chatkit_helpers import parse_sse, types_of, user_input
from .nbrun import ipc_kernel_config
from .test_handlers import body, server_config

ALICE = {"Authorization": "token alice-token"}
BOB = {"Authorization": "token bob-token"}


class TwoUsers(IdentityProvider):
    """A token names each user, like JupyterHub's identity provider does."""

    async def get_user_token(self, handler: Any) -> User | None:  # type: ignore[override]
        users = {"alice-token": User("alice"), "bob-token": User("bob")}
        return users.get(self.get_token(handler) or "")


@pytest.fixture
def jp_server_config(tmp_path: Path) -> Config:
    config = server_config(tmp_path)
    config.ServerApp.identity_provider_class = TwoUsers
    config.IdentityProvider.token = "shared-token-nobody-uses"
    return config


async def call(jp_fetch: Callable[..., Any], payload: str, who: dict[str, str]) -> Any:
    return await jp_fetch("jupyter-chatkit", "chatkit", method="POST", body=payload, headers=who)


async def status_of(jp_fetch: Callable[..., Any], payload: str, who: dict[str, str]) -> int:
    try:
        response = await call(jp_fetch, payload, who)
    except HTTPClientError as err:
        return err.code
    return int(response.code)


async def test_threads_are_per_user(jp_fetch: Callable[..., Any]) -> None:
    created = parse_sse(
        (await call(jp_fetch, body("threads.create", input=user_input("alice's plan")), ALICE)).body
    )
    thread_id = created[0].thread.id  # type: ignore[union-attr]
    user_item = next(
        e.item.id for e in created if e.type == "thread.item.done" and e.item.type == "user_message"
    )

    alice_list = json.loads((await call(jp_fetch, body("threads.list"), ALICE)).body)
    assert [t["id"] for t in alice_list["data"]] == [thread_id]
    bob_list = json.loads((await call(jp_fetch, body("threads.list"), BOB)).body)
    assert bob_list["data"] == []

    for payload in (
        body("threads.get_by_id", thread_id=thread_id),
        body("items.list", thread_id=thread_id),
        body("threads.update", thread_id=thread_id, title="mine now"),
        body("threads.delete", thread_id=thread_id),
        body("items.feedback", thread_id=thread_id, item_ids=[user_item], kind="negative"),
    ):
        assert await status_of(jp_fetch, payload, BOB) == 404, payload

    for payload in (
        body("threads.add_user_message", thread_id=thread_id, input=user_input("hi")),
        body("threads.retry_after_item", thread_id=thread_id, item_id=user_item),
        body("threads.add_client_tool_output", thread_id=thread_id, result={"x": 1}),
        body(
            "threads.custom_action",
            thread_id=thread_id,
            item_id=user_item,
            action={"type": "notebook.insert_cell", "payload": {"code": "x"}},
        ),
    ):
        events = parse_sse((await call(jp_fetch, payload, BOB)).body)
        assert types_of(events) == ["error"], payload

    # Alice still has her thread, untouched.
    thread = json.loads(
        (await call(jp_fetch, body("threads.get_by_id", thread_id=thread_id), ALICE)).body
    )
    assert thread["title"] != "mine now"
    assert len(thread["items"]["data"]) >= 2


async def test_attachment_upload_download_and_isolation(jp_fetch: Callable[..., Any]) -> None:
    created = json.loads(
        (
            await call(
                jp_fetch,
                body("attachments.create", name="notes.txt", size=11, mime_type="text/plain"),
                ALICE,
            )
        ).body
    )
    url = created["upload_descriptor"]["url"]
    assert url.startswith("jupyter-server:") and created["upload_descriptor"]["method"] == "PUT"
    attachment_id = created["id"]
    path = ("jupyter-chatkit", "attachments", attachment_id)

    # Bob can neither fill nor read Alice's attachment.
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*path, method="PUT", body=b"bob's bytes", headers=BOB)
    assert info.value.code == 404
    uploaded = await jp_fetch(*path, method="PUT", body=b"hello world", headers=ALICE)
    assert json.loads(uploaded.body) == {"id": attachment_id, "size": 11}

    download = await jp_fetch(*path, headers=ALICE)
    assert download.body == b"hello world"
    # Never served as something a browser would render or run.
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(*path, headers=BOB)
    assert info.value.code == 404

    # A size that differs from the announced one is refused with a readable message.
    again = json.loads(
        (
            await call(
                jp_fetch,
                body("attachments.create", name="b.txt", size=3, mime_type="text/plain"),
                ALICE,
            )
        ).body
    )
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch(
            "jupyter-chatkit",
            "attachments",
            again["id"],
            method="PUT",
            body=b"toolong",
            headers=ALICE,
        )
    assert info.value.code == 400 and info.value.response is not None
    assert json.loads(info.value.response.body)["message"]


async def test_kernel_chat_is_the_user_its_server_authenticates(
    jp_fetch: Callable[..., Any],
    jp_base_url: str,
    jp_http_port: int,
    http_server_client: Any,  # starts serving jp_http_port
    tmp_path: Path,
) -> None:
    """A kernel that claims ``JUPYTERHUB_USER=bob`` still asks as alice, whose token it
    holds (issue 15, item 2), and through the server: its own store setting is unused."""
    from jupyter_client.manager import AsyncKernelManager

    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OPENAI_", "JUPYTER_CHATKIT_", "JUPYTERHUB_"))
        or k == "OPENAI_AGENTS_DISABLE_TRACING"
    }
    kernel_store = tmp_path / "kernel-own.sqlite3"
    env |= {
        "JUPYTERHUB_API_TOKEN": "alice-token",
        "JUPYTERHUB_SERVICE_URL": f"http://127.0.0.1:{jp_http_port}{jp_base_url}",
        "JUPYTERHUB_USER": "bob",
        "JUPYTER_CHATKIT_STORE_URL": f"sqlite:///{kernel_store}",
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    # Unix sockets: no TCP port another process could take before the kernel binds it.
    with ipc_kernel_config() as config:
        km = AsyncKernelManager(kernel_name="python3", config=config)
        await km.start_kernel(env=env, cwd=str(tmp_path))
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            code = (
                "import json, os\n"
                "os.environ['JUPYTERHUB_USER'] = 'bob'\n"
                "from jupyter_chatkit import Chat\n"
                "a = Chat().ask('what variables do I have?', display=False)\n"
                "print(json.dumps({'thread': a.thread_id, 'error': a.error}))\n"
            )
            stdout: list[str] = []
            reply = await kc.execute_interactive(
                code,
                timeout=120,
                output_hook=lambda msg: (
                    stdout.append(msg["content"].get("text", ""))
                    if msg["msg_type"] == "stream"
                    else None
                ),
            )
            assert reply["content"]["status"] == "ok", reply["content"]
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
    result = json.loads("".join(stdout).strip().splitlines()[-1])
    assert result["error"] is None and result["thread"]
    alice_list = json.loads((await call(jp_fetch, body("threads.list"), ALICE)).body)
    assert result["thread"] in [t["id"] for t in alice_list["data"]]
    bob_list = json.loads((await call(jp_fetch, body("threads.list"), BOB)).body)
    assert bob_list["data"] == []
    # The kernel never opened a store of its own.
    assert not await asyncio.to_thread(kernel_store.exists)

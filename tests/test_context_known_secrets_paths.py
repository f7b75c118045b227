"""Text leaving the kernel another way than a tool result hides what it holds.

The JupyterLab sidebar's payload (``hide_known_json``), a question asked with ``%chat``
(``hide_known_text``) and a message typed in the kernel's own chat widget: a secret the
namespace holds under a secret name is hidden in each, though no name stands beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit import Chat
from jupyter_chatkit.kernel.conversation import request_without_known_secrets
from jupyter_chatkit.kernel.introspect import KernelView
from jupyter_chatkit.protocol import Comm

from .chatkit_helpers import user_input
from .fixtures.fake_llm import FakeLLM, Reply
from .test_context_known_secrets import SECRET
from .test_context_policy import provider_settings


def test_the_sidebar_payload_comes_back_with_the_kernels_secrets_hidden() -> None:
    """``hide_known_json``: what the browser read, through the kernel (kernelguard.ts)."""
    from jupyter_chatkit.kernel.known_secrets import hide_known_json

    conf = {"db": {"host": "db.internal", "password": SECRET + "c"}}
    accent = {"token": SECRET + "\u00e9"}
    view = KernelView({"conf": conf, "svc": {"secret": SECRET + "s"}, "accent": accent})
    payload = {
        "thread_id": "thr_1",
        "input": {
            "content": [{"type": "input_text", "text": f"why refused: {SECRET}s?"}],
            "tags": [{"data": {"outputs": [f"['db.internal', '{SECRET}c']"]}}],
        },
        # Escaped as a repr or JSON would show it, and as a key.
        "shown": [json.dumps(SECRET + "\u00e9"), {SECRET + "s": 1}],
    }
    answer = json.loads(hide_known_json(json.dumps(payload), view))
    text = json.dumps(answer, ensure_ascii=False)
    assert SECRET not in text, text
    assert answer["hidden"] >= 4
    value = answer["value"]
    assert value["thread_id"] == "thr_1" and "db.internal" in text
    assert value["input"]["content"][0]["text"].startswith("why refused: «redacted")
    # Nothing held: the payload comes back unchanged, a bad one says so.
    plain = {"cells": [{"source": "x = 1", "outputs": ["1"]}]}
    same = json.loads(hide_known_json(json.dumps(plain), KernelView({"x": 1})))
    assert same == {"value": plain, "hidden": 0}
    assert "error" in json.loads(hide_known_json("{not json", view))


def test_a_question_asked_from_the_kernel_hides_what_it_holds_under_secret_names(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """``%chat is Xq7... still valid?``: a token pasted bare has no name beside it for the
    policy's rules, but the kernel holds it under ``api_token``; the question leaves the
    kernel (for the model, the store, the server) with it hidden."""
    token = "Kn0wnQx7Wm2Kd5Lr"
    shell.user_ns["api_token"] = token
    try:
        fake_llm.script(Reply("It is hidden from me."))
        settings = provider_settings(fake_llm, tmp_path)
        answer = Chat(settings=settings).ask(f"is {token} still valid for north?", display=False)
        assert answer.ok, answer.error
    finally:
        shell.user_ns.pop("api_token", None)
    sent = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert token not in sent and "still valid for north" in sent
    stored = (tmp_path / "c.sqlite3").read_bytes()
    assert token.encode() not in stored


def test_a_message_typed_in_the_kernels_chat_widget_hides_what_it_holds(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """The ``%chat`` widget answered by the kernel itself (its comm): a token pasted
    bare in the message, or in an edit of it, leaves the kernel hidden, as a question
    asked with ``%chat text`` does."""
    token = "Wd9Qx7Wm2Kd5LrTz"
    shell.user_ns["db_token"] = token
    chat = Chat(settings=provider_settings(fake_llm, tmp_path))
    try:
        fake_llm.script(Reply("Hidden."))
        body = {"type": "threads.create", "params": {"input": user_input(f"is {token} ok?")}}
        chat._on_custom_msg(chat, {"type": Comm.REQUEST, "id": "r1", "body": json.dumps(body)}, [])
        future = chat._requests.get("r1")  # None: already answered (and forgotten)
        if future is not None:
            future.result(timeout=60)
    finally:
        chat.close()
        shell.user_ns.pop("db_token", None)
    sent = json.dumps(fake_llm.requests, ensure_ascii=False)
    assert len(fake_llm.requests) == 1 and "ok?" in sent and token not in sent
    edit = {"type": "message.edit", "payload": {"item_id": "m1", "text": f"and {token}?"}}
    shell.user_ns["db_token"] = token
    try:
        request = {"type": "threads.custom_action", "params": {"thread_id": "t", "action": edit}}
        hidden = request_without_known_secrets(json.dumps(request))
    finally:
        shell.user_ns.pop("db_token", None)
    assert token not in json.dumps(hidden) and "and " in json.dumps(hidden)
    # The request's type after a long input (JSON keeps no order): hidden too.
    late = {"params": {"input": user_input("x" * 8_000 + f" {token}")}, "type": "threads.create"}
    shell.user_ns["db_token"] = token
    try:
        hidden = request_without_known_secrets(json.dumps(late))
    finally:
        shell.user_ns.pop("db_token", None)
    assert token not in json.dumps(hidden) and "x" * 8_000 in json.dumps(hidden)

"""The private library methods we depend on are still as read, and our code that stands
in for others keeps giving what they give.

``assistant/library_hooks.py`` overrides the private methods listed in its ``FOLLOWED``:
each is checked here against the installed library (present, same parameters, same
kind), and the hook classes override nothing unlisted, so a library release that
changes one fails here, naming it, instead of failing a turn at run time.

``results.wire_json``, ``thread_responses.thread_response`` and
``user_messages.user_message`` replace calls of ``ChatKitServer._serialize``,
``._to_thread_response`` and ``._build_user_message_item``: compared here with
the installed ChatKit's, so a ChatKit that changes its wire format fails this test
(private methods are read here only, never called by the package).
"""

from __future__ import annotations

import ast
import importlib
import inspect
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from chatkit.server import ChatKitServer
from chatkit.types import (
    FileAttachment,
    HiddenContextItem,
    InferenceOptions,
    LockedStatus,
    Page,
    Thread,
    ThreadCreatedEvent,
    ThreadMetadata,
    UserMessageInput,
    UserMessageItem,
    UserMessageTextContent,
)

import jupyter_chatkit
from jupyter_chatkit.assistant import library_hooks
from jupyter_chatkit.assistant.library_hooks import FOLLOWED, ChatKitHooks, Followed
from jupyter_chatkit.assistant.results import wire_json
from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.assistant.thread_responses import thread_response
from jupyter_chatkit.assistant.user_messages import user_message
from tests.chatkit_helpers import ALICE

if TYPE_CHECKING:
    from jupyter_chatkit.store import SQLStore

_WHEN = datetime(2026, 1, 1, tzinfo=UTC)


def _thread() -> Thread:
    attachment = FileAttachment(
        id="att_1", name="data.csv", mime_type="text/csv", metadata={"path": "/srv/private"}
    )
    message = UserMessageItem(
        id="msg_1",
        thread_id="thr_1",
        created_at=_WHEN,
        content=[UserMessageTextContent(text="look at this")],
        attachments=[attachment],
        inference_options=InferenceOptions(),
    )
    hidden = HiddenContextItem(id="hid_1", thread_id="thr_1", created_at=_WHEN, content="x")
    return Thread(
        id="thr_1",
        title="A title",
        created_at=_WHEN,
        status=LockedStatus(reason="read only"),
        allowed_image_domains=["example.org"],
        metadata={"secret": "stays on the server"},
        items=Page(data=[message, hidden], has_more=True, after="hid_1"),
    )


def _chatkit_response(thread: ThreadMetadata | Thread) -> Thread:
    # What the installed ChatKit's own (private) builder makes of a copy of ``thread``.
    return ChatKitServer._to_thread_response(None, thread.model_copy(deep=True))  # type: ignore[arg-type]


def test_thread_response_is_chatkits() -> None:
    for thread in (_thread(), ThreadMetadata(**_thread().model_dump(exclude={"items"}))):
        ours = thread_response(thread, {})
        assert ours == _chatkit_response(thread)
        assert [item.id for item in ours.items.data] == (
            ["msg_1"] if isinstance(thread, Thread) else []
        )


def test_thread_response_carries_only_the_given_metadata() -> None:
    response = thread_response(_thread(), {"notebook": "a.ipynb"})
    assert response.metadata == {"notebook": "a.ipynb"}


def test_wire_json_is_chatkits() -> None:
    event = ThreadCreatedEvent(thread=thread_response(_thread(), {"notebook": "a.ipynb"}))
    ours = wire_json(event)
    assert ours == ChatKitServer._serialize(None, event)  # type: ignore[arg-type]
    assert b"/srv/private" not in ours
    assert b"stays on the server" not in ours


@pytest.mark.asyncio
async def test_user_message_is_chatkits(sqlite_store: SQLStore) -> None:
    attachment = FileAttachment(id="att_1", name="data.csv", mime_type="text/csv")
    await sqlite_store.save_attachment(attachment, ALICE)
    thread = ThreadMetadata(id="thr_1", created_at=_WHEN)
    request_input = UserMessageInput(
        content=[UserMessageTextContent(text="look at this")],
        attachments=["att_1"],
        quoted_text="a quote",
        inference_options=InferenceOptions(model="gpt-x"),
    )
    ours = await user_message(sqlite_store, request_input, thread, ALICE)
    chatkits = await ChatKitServer._build_user_message_item(
        SimpleNamespace(store=sqlite_store),  # type: ignore[arg-type]
        request_input,
        thread,
        ALICE,
    )
    assert ours.attachments[0].thread_id == "thr_1"
    assert ours.id != chatkits.id
    assert ours.model_dump(exclude={"id", "created_at"}) == chatkits.model_dump(
        exclude={"id", "created_at"}
    )


def _library_method(followed: Followed) -> object:
    module, _, owner = followed.owner.rpartition(".")
    return getattr(getattr(importlib.import_module(module), owner), followed.method, None)


def _kind(method: object) -> str:
    if inspect.isasyncgenfunction(method):
        return "async generator"
    return "coroutine" if inspect.iscoroutinefunction(method) else "function"


@pytest.mark.parametrize("followed", FOLLOWED, ids=lambda f: f"{f.owner}.{f.method}")
def test_each_followed_private_method_is_as_read(followed: Followed) -> None:
    where = f"{followed.owner}.{followed.method} ({followed.library} {version(followed.library)})"
    method = _library_method(followed)
    assert method is not None, (
        f"{where} is gone; assistant/library_hooks.py overrides it, as read in "
        f"{followed.version}: find what replaced it and move the hook there"
    )
    parameters = tuple(inspect.signature(method).parameters)[1:]  # type: ignore[arg-type]
    assert parameters == followed.parameters, (
        f"{where} now takes {parameters}, not {followed.parameters} as read in "
        f"{followed.version}; read it again before moving the pin (library_hooks.py)"
    )
    assert _kind(method) == followed.kind, (
        f"{where} is now a {_kind(method)}, not a {followed.kind} as read in "
        f"{followed.version}; read it again (library_hooks.py)"
    )


def _private_overrides(cls: type) -> set[str]:
    """The private methods ``cls`` itself defines that one of its library bases has."""
    library_bases = [b for b in cls.__mro__[1:] if not b.__module__.startswith("jupyter_")]
    return {
        name
        for name, value in vars(cls).items()
        if inspect.isfunction(value)
        and name.startswith("_")
        and not name.startswith("__")
        and any(name in vars(base) for base in library_bases)
    }


def test_the_hook_classes_override_only_followed_methods() -> None:
    followed = {(f.owner.rpartition(".")[2], f.method) for f in FOLLOWED}
    hooks = [
        ChatKitHooks,
        library_hooks.chat_completions_hooks(),
        library_hooks.responses_hooks(),
    ]
    for cls in hooks:
        base = next(b for b in cls.__mro__[1:] if not b.__module__.startswith("jupyter_"))
        for name in _private_overrides(cls):
            assert (base.__name__, name) in followed, f"{cls.__name__}.{name} is not in FOLLOWED"


def test_no_class_outside_the_hooks_overrides_a_library_private_method() -> None:
    from jupyter_chatkit.assistant.chat_completions import chat_completions_model_class
    from jupyter_chatkit.assistant.responses_model import responses_model_class

    for cls in (NotebookAssistant, chat_completions_model_class(), responses_model_class()):
        assert not _private_overrides(cls), f"{cls.__name__}: {_private_overrides(cls)}"


def test_no_module_outside_the_hooks_names_a_followed_or_chatkit_private_method() -> None:
    names = {f.method for f in FOLLOWED} | {
        name
        for base in ChatKitServer.__mro__
        for name in vars(base)
        if name.startswith("_") and not name.startswith("__")
    }
    package = Path(jupyter_chatkit.__file__).parent
    found = [
        f"{path.relative_to(package)}:{node.lineno}: .{node.attr}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "library_hooks.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute) and node.attr in names
    ]
    assert not found, "\n".join(found)

"""A secret in a conversation's first message is neither sent to the model for a title
nor shown or stored as the title: titles are made from the message as the context
policy leaves it (a placeholder where the secret was)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message
from chatkit.types import ThreadCreatedEvent, ThreadUpdatedEvent, UserMessageTextContent
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.assistant.server import NotebookAssistant
from jupyter_chatkit.assistant.titles import first_words
from jupyter_chatkit.context_policy.rules import PLACEHOLDER_OPEN
from jupyter_chatkit.kernel.widget import Chat
from jupyter_chatkit.settings import Settings
from jupyter_chatkit.store import SQLStore, open_store

from .chatkit_helpers import ALICE, json_call, make_assistant, req, stream, user_input
from .fixtures.fake_llm import FakeLLM, Reply

# Credentials of several shapes, each in the words a title is made from.
SECRETS = {
    "github": "github_pat_11ABCDEFG0aBcDeFgHiJkL_mNoPqRsTuVwXyZaBcDeFgHiJkLmNoPqRsTuVwXyZ0123",
    "stripe": "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUv",
    "slack": "xoxp-2048-40961-81920-a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    "aws": "AKIAZ7QWERTY1234ASDF",
    "jwt": (
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    ),
    "huggingface": "hf_AbCdEfGhIjKlMnOpQrStUvWxYz01234567",
    "password": "Kq3Lm9Zp2Vx",
    "url password": "Pa55w0rdXyz",
}
MESSAGES = {
    "github": f"{SECRETS['github']} gives 401, why",
    "stripe": f"why does {SECRETS['stripe']} fail",
    "slack": f"post with {SECRETS['slack']} to #general",
    "aws": f"key {SECRETS['aws']} and region eu-west-1",
    "jwt": f"decode {SECRETS['jwt']} for me",
    "huggingface": f"login {SECRETS['huggingface']} then download",
    "password": f"db password {SECRETS['password']} for mysql",
    "url password": f"mysql://admin:{SECRETS['url password']}@db.internal/app refuses me",
}
# Said in one message, as in the walk-through.
ALL_AT_ONCE = "my token " + "; ".join(MESSAGES.values())
HARMLESS = "plot  the sales by\nregion please now"


def leaked(text: str) -> list[str]:
    """The secrets (by name) of which ``text`` holds any 10 characters in a row (a title
    cut at 60 characters may hold part of one)."""
    return [
        name
        for name, secret in SECRETS.items()
        if any(secret[i : i + 10] in text for i in range(len(secret) - 9))
    ]


def stored_threads(path: Path) -> str:
    """The threads table (titles and payloads) as another reader of the store sees it."""
    with sqlite3.connect(path) as db:
        return json.dumps(db.execute("SELECT * FROM threads").fetchall(), default=str)


def answered() -> ModelStep:
    return ModelStep(output=[assistant_message("Sure.", item_id="m1")])


@pytest.mark.asyncio
async def test_each_kind_of_secret_is_a_placeholder_in_the_title(sqlite_store: SQLStore) -> None:
    model = ScriptedModel([answered() for _ in MESSAGES])
    assistant = make_assistant(sqlite_store, model, title_threads="local")
    for name, message in MESSAGES.items():
        events = await stream(assistant, req("threads.create", input=user_input(message)))
        title = next(e.thread.title for e in events if isinstance(e, ThreadCreatedEvent))
        assert title is not None and not leaked(title), (name, title)
        assert PLACEHOLDER_OPEN in title and len(title) <= 60, (name, title)


def test_a_message_of_files_alone_is_titled_by_their_names() -> None:
    """A picture sent with no words was titled "New conversation"; its file's name says
    more. A name holding a secret is a placeholder there, as any title's words."""
    from datetime import UTC, datetime

    from chatkit.types import FileAttachment, ImageAttachment, InferenceOptions, UserMessageItem

    from jupyter_chatkit.assistant.titles import local_title
    from jupyter_chatkit.context_policy import ContextPolicy

    def sent(*names: str) -> UserMessageItem:
        files = [
            ImageAttachment(id=f"a{i}", name=n, mime_type="image/png", preview_url="http://h/p.png")
            if n.endswith(".png")
            else FileAttachment(id=f"a{i}", name=n, mime_type="text/csv")
            for i, n in enumerate(names)
        ]
        return UserMessageItem(
            id="m",
            thread_id="t",
            created_at=datetime.now(UTC),
            content=[UserMessageTextContent(text="")],
            attachments=files,
            inference_options=InferenceOptions(),
        )

    policy = ContextPolicy()
    assert local_title(sent("chart.png"), policy) == "chart.png"
    assert local_title(sent("sales.csv", "chart.png"), policy) == "sales.csv chart.png"
    key = SECRETS["stripe"]
    title = local_title(sent(f"{key}.csv"), policy)
    assert key not in title and PLACEHOLDER_OPEN in title


def test_a_placeholder_is_never_cut_in_half() -> None:
    title = first_words("a" * 50 + " «redacted: GitHub token» and more")
    assert title == "a" * 50
    assert first_words(HARMLESS) == "plot the sales by region please"
    assert first_words("x" * 70) == "x" * 60


@pytest.mark.asyncio
async def test_local_titles_neither_show_nor_store_a_secret(
    sqlite_store: SQLStore, tmp_path: Path
) -> None:
    model = ScriptedModel([answered(), answered()])
    assistant = make_assistant(sqlite_store, model, title_threads="local")
    events = await stream(assistant, req("threads.create", input=user_input(ALL_AT_ONCE)))
    events += await stream(assistant, req("threads.create", input=user_input(HARMLESS)))
    titles = [
        e.thread.title for e in events if isinstance(e, ThreadCreatedEvent | ThreadUpdatedEvent)
    ]
    assert titles and not leaked(json.dumps(titles, ensure_ascii=False)), titles
    assert titles[0] is not None and titles[0].startswith("my token " + PLACEHOLDER_OPEN)
    # A harmless message is named as before.
    assert titles[-1] == "plot the sales by region please"

    status, listed = await json_call(assistant, req("threads.list", limit=10))
    assert status == 200 and len(listed["data"]) == 2
    assert not leaked(json.dumps(listed, ensure_ascii=False))
    for thread in listed["data"]:
        status, body = await json_call(assistant, req("threads.get_by_id", thread_id=thread["id"]))
        assert status == 200 and not leaked(body["title"])
    assert not leaked(stored_threads(tmp_path / "chat.sqlite3"))
    # What the model read for its answer was redacted too.
    assert not leaked(json.dumps([str(c.input) for c in model.calls], ensure_ascii=False))


@pytest.mark.asyncio
async def test_an_edited_first_message_is_titled_without_its_secret(
    sqlite_store: SQLStore, tmp_path: Path
) -> None:
    model = ScriptedModel([answered(), answered()])
    assistant = make_assistant(sqlite_store, model, title_threads="local")
    events = await stream(assistant, req("threads.create", input=user_input("plot the sales")))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    first = (await sqlite_store.load_thread_items(thread_id, None, 1, "asc", ALICE)).data[0]
    action = {"type": "message.edit", "payload": {"item_id": first.id, "text": MESSAGES["jwt"]}}
    events = await stream(
        assistant, req("threads.custom_action", thread_id=thread_id, item_id=None, action=action)
    )
    titles = [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)]
    assert titles and not leaked(json.dumps(titles)), titles
    assert (await sqlite_store.load_thread(thread_id, ALICE)).title == titles[-1]
    assert not leaked(stored_threads(tmp_path / "chat.sqlite3"))


@pytest.mark.asyncio
async def test_a_model_title_is_asked_for_with_the_redacted_message(
    fake_llm: FakeLLM, tmp_path: Path
) -> None:
    """The walk-through's case, over HTTP to an OpenAI-compatible server: the answer's
    request was redacted, the title's request was not."""
    store = await open_store(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    settings = Settings(
        base_url=fake_llm.base_url,
        api_key="sk-test-configured-key-0123456789",
        model="fake-model",
        api="chat_completions",
        title_threads="model",
        max_retries=0,
    )
    assistant = NotebookAssistant(store, settings)
    try:
        fake_llm.script(Reply("Rotate them."), Reply("Leaked credentials"))
        fake_llm.script(Reply("Sure."), Reply("Regional sales plot"))
        events = await stream(assistant, req("threads.create", input=user_input(ALL_AT_ONCE)))
        events += await stream(assistant, req("threads.create", input=user_input(HARMLESS)))
        status, listed = await json_call(assistant, req("threads.list", limit=10))
    finally:
        await assistant.aclose()
    requests = fake_llm.requests
    assert len(requests) == 4  # an answer and a title, twice
    assert not leaked(json.dumps(requests, ensure_ascii=False))
    # The title request read the placeholders, and a harmless message as it was written.
    assert PLACEHOLDER_OPEN in requests[1]["messages"][-1]["content"]
    assert requests[3]["messages"][-1]["content"] == HARMLESS
    titles = [e.thread.title for e in events if isinstance(e, ThreadUpdatedEvent)]
    assert titles[-1] == "Regional sales plot"
    assert status == 200 and not leaked(json.dumps(listed, ensure_ascii=False))
    assert not leaked(stored_threads(tmp_path / "c.sqlite3"))


def test_a_chat_question_in_the_kernel_is_titled_without_its_secret(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """``%%chat`` (Chat.ask): the conversation it starts is named without the secret."""
    path = tmp_path / "k.sqlite3"
    settings = Settings(
        base_url=fake_llm.base_url,
        api_key="sk-test-configured-key-0123456789",
        model="fake-model",
        api="chat_completions",
        store_url=f"sqlite:///{path}",
        max_retries=0,
    )
    fake_llm.script(Reply("Rotate it."))
    answer = Chat(settings=settings).ask(MESSAGES["slack"], display=False)
    assert answer.ok, answer.error
    assert not leaked(json.dumps(fake_llm.requests, ensure_ascii=False))
    threads = stored_threads(path)
    assert "post with" in threads and not leaked(threads)


@pytest.mark.asyncio
async def test_the_offline_model_titles_with_whole_placeholders(sqlite_store: SQLStore) -> None:
    """No key: the built-in model writes the title from the redacted message; the
    placeholder it reads is one word, not cut after its first words."""
    from jupyter_chatkit.assistant.offline import OfflineModel

    assistant = make_assistant(sqlite_store, OfflineModel(), title_threads="model")
    message = "my password is Tr0ub4dor&3xyz please help"
    events = await stream(assistant, req("threads.create", input=user_input(message)))
    thread_id = next(e.thread.id for e in events if isinstance(e, ThreadCreatedEvent))
    # (Its first answer asks a front end for the notebook: the title is written after.)
    status, thread = await json_call(assistant, req("threads.get_by_id", thread_id=thread_id))
    title = thread["title"]
    assert status == 200 and "Tr0ub4dor" not in title
    assert title.startswith("my password is " + PLACEHOLDER_OPEN) and title.endswith("please help")

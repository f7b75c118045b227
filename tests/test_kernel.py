"""``Chat.ask``, the headless client and the ``%chat`` magics, in this process.

The assistant is the real one (real SQLite store, the built-in offline model, or a
scripted ``agents`` model / the fake OpenAI-compatible server standing in for the LLM).
The IPython parts run in a real ``InteractiveShell``. The real-kernel tests are in
``test_kernel_comm.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

from jupyter_chatkit import Chat
from jupyter_chatkit.kernel.client import Answer
from jupyter_chatkit.kernel.magics import ChatMagics
from jupyter_chatkit.settings import Settings

from .fixtures.fake_llm import FakeLLM, Reply, ToolCall, server_error, unauthorized

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def chat_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Chats built from the environment keep their threads in ``tmp_path``."""
    url = f"sqlite:///{tmp_path / 'chat.sqlite3'}"
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", url)
    return url


@pytest.fixture
def sales(shell: InteractiveShell) -> Iterator[pd.DataFrame]:
    frame = pd.DataFrame(
        {"region": ["north", "south", "east"], "revenue": [120.5, 98.0, 143.25], "units": [3, 2, 5]}
    )
    shell.user_ns["sales"] = frame
    yield frame
    shell.user_ns.pop("sales", None)


@pytest.fixture
def session_chat(shell: InteractiveShell) -> Iterator[Chat]:
    """The magics' shared chat, on a fresh conversation."""
    magics = shell.magics_manager.registry["ChatMagics"]
    assert isinstance(magics, ChatMagics)
    magics.session_chat.new_thread()
    yield magics.session_chat


def markdown_outputs(captured: Any) -> list[str]:
    return [o.data["text/markdown"] for o in captured.outputs if "text/markdown" in o.data]


# -- ask() with the offline model: it calls the kernel's tools and proposes a card ------------


def test_ask_offline_answers_from_the_kernel_and_proposes_a_card(
    shell: InteractiveShell, chat_store: str, sales: pd.DataFrame
) -> None:
    chat = Chat()
    answer = chat.ask("what variables do I have?", display=False)
    assert isinstance(answer, Answer) and isinstance(answer, str)
    assert answer.ok and answer.error is None
    assert "sales" in answer.text  # the kernel's listing reached the answer
    assert answer.thread_id and chat.thread_id == answer.thread_id

    code = chat.ask("write code for the average revenue per region", display=False)
    assert code.thread_id == answer.thread_id
    assert len(code.code_cards) == 1 and code.code
    compile(code.code, "<card>", "exec")
    assert "```python" in code.markdown()


def test_ask_a_scripted_conversation_with_a_code_card(
    shell: InteractiveShell, tmp_path: Path, sales: pd.DataFrame
) -> None:
    card = 'sales.groupby("region")["revenue"].mean()'
    model = ScriptedModel(
        [
            ModelStep(output=[function_call("list_kernel_variables", {}, call_id="c1")]),
            ModelStep(output=[assistant_message("You have `sales`.", item_id="m1")]),
            ModelStep(output=[assistant_message("It has three columns.", item_id="m2")]),
            ModelStep(
                output=[
                    function_call(
                        "propose_code", {"code": card, "title": "Mean revenue"}, call_id="c2"
                    )
                ]
            ),
            ModelStep(output=[assistant_message("Insert it below.", item_id="m3")]),
        ]
    )
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", title_threads=False)
    chat = Chat(settings=settings, model=model)
    answer = chat.ask("what variables do I have?", display=False)
    assert answer == "You have `sales`." and answer.thread_id == chat.thread_id
    listed = _tool_output(model, 1)
    assert [c["name"] for c in listed["variables"][0]["columns"]] == list(sales.columns)

    follow_up = chat.ask("describe sales", display=False)
    assert follow_up.thread_id == answer.thread_id
    # The follow-up question went to the model with the earlier turn as context.
    assert "what variables do I have?" in json.dumps(model.calls[2].input)

    code = chat.ask("write code for the average revenue per region", display=False)
    assert code.code == card and code.code_cards[0].title == "Mean revenue"
    assert code.text == "Insert it below."
    model.assert_complete()


def test_new_thread_starts_a_new_conversation(shell: InteractiveShell, chat_store: str) -> None:
    chat = Chat()
    first = chat.ask("hello", display=False)
    again = chat.ask("hello again", display=False)
    fresh = chat.ask("hello", display=False, new_thread=True)
    assert first.thread_id == again.thread_id
    assert fresh.thread_id not in (None, first.thread_id)


def test_a_deleted_conversation_is_followed_by_a_new_one(
    shell: InteractiveShell, chat_store: str
) -> None:
    # E.g. deleted from the sidebar: the thread is gone (matched by error code, 404
    # not_found from threads.get_by_id), so the question starts a new conversation.
    chat = Chat()
    chat.thread_id = "thr_deleted_elsewhere"
    answer = chat.ask("hello", display=False)
    assert answer.error is None and answer.text
    assert answer.thread_id not in (None, "thr_deleted_elsewhere")
    assert chat.thread_id == answer.thread_id


def test_ask_shows_the_answer_once_even_as_the_last_expression(
    shell: InteractiveShell, chat_store: str
) -> None:
    model = ScriptedModel([ModelStep(output=[assistant_message("Hello there.", item_id="m")])])
    shell.user_ns["display_chat"] = Chat(model=model)
    with capture_output() as captured:
        shell.run_cell("display_chat.ask('hello')", store_history=True)
    shown = markdown_outputs(captured)
    assert len(shown) == 1 and "Hello there." in shown[0]
    # Shown again when asked for in a later cell.
    shell.run_cell("kept = _", store_history=True)
    with capture_output() as captured:
        shell.run_cell("kept", store_history=True)
    assert len(markdown_outputs(captured)) == 1
    shell.user_ns.pop("display_chat")


def test_answer_insert_puts_the_code_in_the_next_cell(shell: InteractiveShell) -> None:
    from jupyter_chatkit.kernel.client import CodeCard

    answer = Answer("Here.", [CodeCard("a = 1"), CodeCard("b = 2", title="Second")])
    shell.rl_next_input = None
    assert answer.insert() is True
    assert shell.rl_next_input == "b = 2"
    assert answer.insert(0) is True and shell.rl_next_input == "a = 1"
    assert Answer("No code.").insert() is False
    # The text first, then the cards (no order given: as the chat shows a text and its cards).
    assert answer.markdown().startswith("Here.\n\n```python\na = 1\n```\n\n**Second**")


def test_chat_as_last_expression_is_a_widget_result(shell: InteractiveShell) -> None:
    # Counting what a notebook shows needs a kernel: see test_kernel_comm.py.
    result = shell.run_cell("from jupyter_chatkit import Chat\nChat()", store_history=True)
    assert isinstance(result.result, Chat)
    data, _ = shell.display_formatter.format(result.result)
    assert data[WIDGET_MIME]["model_id"] == result.result.model_id


def test_ask_reports_configuration_errors_readably(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", "mysql://user:hunter2@db/chat")
    answer = Chat().ask("hello", display=False)
    assert not answer.ok
    assert "unsupported store URL scheme 'mysql'" in answer.text
    assert "hunter2" not in answer.text and "Traceback" not in answer.text

    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", "")
    monkeypatch.setenv("JUPYTER_CHATKIT_API", "soap")
    answer = Chat().ask("hello", display=False)
    assert "JUPYTER_CHATKIT_API must be 'responses' or 'chat_completions'" in answer.text


def test_empty_question_is_answered_without_the_model(chat_store: str) -> None:
    answer = Chat().ask("   ", display=False)
    assert answer == "Ask a question first." and not answer.ok


@pytest.mark.parametrize("question", [None, 123, b"hello"])
def test_a_question_that_is_not_text_is_refused_readably(chat_store: str, question: object) -> None:
    # A user's slip (Chat().ask(None), ask(some_number)): said plainly, as an answer,
    # without the model and not as "failed unexpectedly".
    answer = Chat().ask(question, display=False)  # type: ignore[arg-type]
    assert not answer.ok
    assert answer.error == "question not text"


# -- ask() with a scripted model: the tool calls are answered in the kernel ------------------


def test_client_tool_calls_are_answered_from_this_kernel(
    shell: InteractiveShell, tmp_path: Path, sales: pd.DataFrame
) -> None:
    model = ScriptedModel(
        [
            ModelStep(
                output=[
                    function_call("list_kernel_variables", {"name_filter": "sal"}, call_id="c1")
                ]
            ),
            ModelStep(
                output=[function_call("inspect_kernel_variable", {"name": "sales"}, call_id="c2")]
            ),
            ModelStep(output=[assistant_message("`sales` has revenue and units.", item_id="m1")]),
        ]
    )
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", title_threads=False)
    answer = Chat(settings=settings, model=model).ask("tell me about my data", display=False)
    assert answer.text == "`sales` has revenue and units."
    listed = _tool_output(model, 1)
    assert [v["name"] for v in listed["variables"]] == ["sales"]
    detail = _tool_output(model, 2)
    assert [c["name"] for c in detail["columns"]] == ["region", "revenue", "units"]
    assert detail["head"][0] == ["north", 120.5, 3]
    model.assert_complete()


def _tool_output(model: ScriptedModel, call: int) -> Any:
    items = model.calls[call].input
    assert isinstance(items, list)
    outputs = [i for i in items if i.get("type") == "function_call_output"]
    return json.loads(outputs[-1]["output"])


def test_a_looping_model_is_stopped(shell: InteractiveShell, tmp_path: Path) -> None:
    steps = [
        ModelStep(output=[function_call("get_active_cell", {}, call_id=f"c{i}")]) for i in range(10)
    ]
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}", title_threads=False)
    answer = Chat(settings=settings, model=ScriptedModel(steps)).ask("go", display=False)
    assert answer.error == "The assistant kept calling tools without answering; stopped."


# -- the provider path against the fake OpenAI-compatible server ----------------------------


def provider_settings(llm: FakeLLM, tmp_path: Path) -> Settings:
    return Settings(
        base_url=llm.base_url,
        api_key="sk-test",
        model="fake-model",
        api="chat_completions",
        store_url=f"sqlite:///{tmp_path / 'c.sqlite3'}",
        title_threads=False,
        max_retries=0,
    )


def test_ask_through_an_openai_compatible_server(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell, sales: pd.DataFrame
) -> None:
    fake_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply("Columns: region, revenue, units."),
    )
    answer = Chat(settings=provider_settings(fake_llm, tmp_path)).ask("cols?", display=False)
    assert answer.text == "Columns: region, revenue, units."
    second = fake_llm.requests[1]["messages"]
    tool_message = next(m for m in second if m["role"] == "tool")
    assert '"revenue"' in tool_message["content"]


def test_follow_up_questions_through_an_openai_compatible_server(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    fake_llm.script(Reply("First answer."), Reply("Second answer."))
    chat = Chat(settings=provider_settings(fake_llm, tmp_path))
    assert chat.ask("one", display=False) == "First answer."
    second = chat.ask("two", display=False)
    assert second == "Second answer.", second.error
    history = fake_llm.requests[1]["messages"]
    assert [m["role"] for m in history[1:]] == ["user", "assistant", "user"]


def test_a_new_conversation_asked_from_python_starts_with_the_chats_choice(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell
) -> None:
    """The model and Ask/Agent switch the chat's front end shows (``Chat.choice``) start a
    conversation asked from Python (``%chat --new`` then ``%%chat``), as a message sent
    in the chat would; malformed ones read as the defaults."""
    settings = provider_settings(fake_llm, tmp_path)
    settings.models = ["other-model"]
    fake_llm.script(Reply("One."), Reply("Two."), Reply("Three."))
    chat = Chat(settings=settings)
    chat.choice = {"model": "other-model", "agent": {"mode": "agent", "auto_run": True}}
    assert chat.ask("one", display=False) == "One."
    chat.choice = {}
    assert chat.ask("two", display=False) == "Two."  # the thread's model carries on
    assert [r["model"] for r in fake_llm.requests] == ["other-model", "other-model"]
    chat.new_thread()
    chat.choice = {"model": 3, "agent": {"mode": "boss"}}
    assert chat.ask("three", display=False) == "Three."
    assert fake_llm.requests[-1]["model"] == "fake-model"


@pytest.mark.parametrize(("fault", "needle"), [(server_error(), "500"), (unauthorized(), "key")])
def test_provider_errors_become_readable_answers(
    fake_llm: FakeLLM, tmp_path: Path, shell: InteractiveShell, fault: Any, needle: str
) -> None:
    fake_llm.script(fault, fault)
    answer = Chat(settings=provider_settings(fake_llm, tmp_path)).ask("hi", display=False)
    assert not answer.ok
    assert answer.text.startswith("**The assistant could not answer:**")
    assert needle in answer.text.lower() or needle in answer.text
    assert "sk-test" not in answer.text and "Traceback" not in answer.text


# -- headless: a plain Python process, no IPython, no front end --------------------------------


@pytest.mark.slow  # a fresh interpreter imports the SDKs
def test_ask_in_a_plain_python_script_returns_and_exits(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import json, os, sys
        os.environ["JUPYTER_CHATKIT_STORE_URL"] = "sqlite:///{tmp_path / "c.sqlite3"}"
        import pandas as pd
        from agents.testing import ModelStep, ScriptedModel, assistant_message, function_call
        orders = pd.DataFrame({{"customer": ["a", "b"], "total": [9.5, 12.0]}})
        from jupyter_chatkit import Chat
        model = ScriptedModel([
            ModelStep(output=[function_call("inspect_kernel_variable", {{"name": "orders"}},
                                            call_id="c1")]),
            ModelStep(output=[assistant_message("Two columns.", item_id="m1")]),
        ])
        from jupyter_chatkit.settings import Settings
        answer = Chat(settings=Settings(title_threads=False), model=model).ask("describe orders")
        print(answer)
        output = [i for i in model.calls[1].input if i.get("type") == "function_call_output"]
        print([c["name"] for c in json.loads(output[0]["output"])["columns"]])
        print("IPYTHON LOADED" if "IPython.core.interactiveshell" in sys.modules
              and sys.modules["IPython"].get_ipython() else "NO SHELL")
        """
    )
    # The process must exit on its own (no store connection thread keeps it alive): a
    # hang ends in TimeoutExpired.
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == ["Two columns.", "['customer', 'total']"], done.stdout
    assert "NO SHELL" in done.stdout
    assert "Traceback" not in done.stderr


# -- the magics in a real IPython shell ------------------------------------------------------------


def test_chat_line_magic_asks_and_shows_the_answer(
    shell: InteractiveShell,
    chat_store: str,
    sales: pd.DataFrame,
    session_chat: Chat,
    fake_llm: FakeLLM,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The magics read the environment at each question: point them at the fake server.
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("JUPYTER_CHATKIT_MODEL", "fake-model")
    fake_llm.script(
        Reply(tool_calls=[ToolCall("inspect_kernel_variable", {"name": "sales"})]),
        Reply("It has region, revenue and units."),
    )
    with capture_output() as captured:
        result = shell.run_cell("%chat what columns does sales have?", store_history=True)
    assert result.success and result.result is None
    # The answer, then what it read (counted: the name is what was read).
    assert markdown_outputs(captured) == ["It has region, revenue and units.\n\n*Read: 1 variable*"]
    tool = next(m for m in fake_llm.requests[1]["messages"] if m["role"] == "tool")
    assert [c["name"] for c in json.loads(tool["content"])["columns"]] == list(sales.columns)


@pytest.mark.parametrize(
    "line", ["%chat what does {probe()} print, and $HOME?", "%chat explain {probe()} and $HOME"]
)
def test_a_question_reaches_the_model_verbatim_without_running_user_code(
    shell: InteractiveShell,
    chat_store: str,
    session_chat: Chat,
    fake_llm: FakeLLM,
    monkeypatch: pytest.MonkeyPatch,
    line: str,
) -> None:
    # IPython expands {expr} and $name in a line magic's text unless the magic opts out:
    # a question quoting code would run it (user code) and reach the model changed.
    monkeypatch.setenv("OPENAI_BASE_URL", fake_llm.base_url)
    monkeypatch.setenv("JUPYTER_CHATKIT_MODEL", "fake-model")
    calls: list[int] = []

    def probe() -> str:
        calls.append(1)
        return "PROBED"

    shell.user_ns["probe"] = probe
    fake_llm.script(Reply("ok"))
    with capture_output():
        result = shell.run_cell(line, store_history=True)
    assert result.success
    assert calls == []
    sent = json.dumps(fake_llm.requests[0])
    assert "{probe()}" in sent and "$HOME" in sent and "PROBED" not in sent
    shell.user_ns.pop("probe")


def test_magics_share_one_conversation(
    shell: InteractiveShell, chat_store: str, session_chat: Chat
) -> None:
    shell.run_cell("%chat hello", store_history=True)
    first = session_chat.thread_id
    shell.run_cell("%%chat\nwhat variables do I have?", store_history=True)
    assert first and session_chat.thread_id == first
    shell.run_cell("%%chat --new\nhello again", store_history=True)
    assert session_chat.thread_id and session_chat.thread_id != first
    with capture_output() as captured:
        shell.run_cell("%chat", store_history=True)
    widgets = [o for o in captured.outputs if WIDGET_MIME in o.data]
    assert len(widgets) == 1
    assert widgets[0].data[WIDGET_MIME]["model_id"] == session_chat.model_id


def test_questions_ask_without_a_widget_until_the_chat_is_shown(
    shell: InteractiveShell, chat_store: str
) -> None:
    magics = ChatMagics(shell)
    with capture_output() as captured:
        magics.chat("", "hello")  # %%chat
        magics.chat("what variables do I have?")  # %chat QUESTION
    first = magics.session.thread_id
    assert first and len(markdown_outputs(captured)) == 2
    assert not isinstance(magics.session, Chat)
    assert not [o for o in captured.outputs if WIDGET_MIME in o.data]
    # %chat shows the chat of that same conversation; it asks the next questions.
    with capture_output() as captured:
        magics.chat("")
    (shown,) = [o.data[WIDGET_MIME] for o in captured.outputs if WIDGET_MIME in o.data]
    assert magics.session is magics.session_chat
    assert shown["model_id"] == magics.session_chat.model_id
    assert magics.session_chat.thread_id == first
    magics.chat("", "and now?")
    assert magics.session_chat.thread_id == first
    magics.chat("--new", "hello again")
    assert magics.session_chat.thread_id not in ("", first)


def test_chat_new_shows_a_new_conversation_not_the_notebooks_last(
    shell: InteractiveShell, chat_store: str
) -> None:
    """``%chat --new`` shows a chat told to start empty (with no ``thread_id`` the front
    end reopens the notebook's last conversation, as plain ``%chat`` should)."""
    plain = ChatMagics(shell)
    with capture_output():
        plain.chat("")
    assert plain.session_chat.thread_id == "" and not plain.session_chat.new_conversation

    # Before the chat was shown, after a question, and once it is shown.
    for asked in ([], ["hello"]):
        magics = ChatMagics(shell)
        with capture_output():
            for question in asked:
                magics.chat(question)
            magics.chat("--new")
        assert magics.session_chat.thread_id == "", asked
        assert magics.session_chat.new_conversation, asked
    with capture_output():
        plain.chat("hello")
        assert plain.session_chat.thread_id
        plain.chat("--new")
    assert plain.session_chat.thread_id == "" and plain.session_chat.new_conversation


def test_question_marks_reach_the_magic(shell: InteractiveShell) -> None:
    transform = shell.input_transformer_manager.transform_cell
    assert transform("%chat what does df have?") == (
        "get_ipython().run_line_magic('chat', 'what does df have?')\n"
    )
    assert transform("if True:\n    %chat why? really?\n").endswith(
        "    get_ipython().run_line_magic('chat', 'why? really?')\n"
    )
    # Help on the magic itself still works, and cell magics keep their body.
    assert "pinfo" in transform("%chat?")
    assert transform("%%chat\nwhat is %chat x?").startswith(
        "get_ipython().run_cell_magic('chat', '', 'what is %chat x?\\n')"
    )


def test_magic_usage_errors_are_messages(shell: InteractiveShell) -> None:
    magics = shell.magics_manager.registry["ChatMagics"]
    with pytest.raises(UsageError, match="unrecognized arguments: --bogus"):
        magics.chat("--bogus what?")
    with pytest.raises(UsageError, match="takes no text after the flags"):
        magics.chat("extra words", "the question")
    with capture_output() as helped:  # help is output, not an error (b685d5b)
        magics.chat("--help")
    assert "%chat QUESTION" in helped.stdout
    with capture_output() as captured:
        result = shell.run_cell("%chat --bogus", store_history=True)
    assert not result.success
    assert "Traceback" not in captured.stdout + captured.stderr

"""A notebook file read as text (an attached .ipynb, js/lab/src/mentions.ts's twin for a
mentioned one): a cell that prints a secret it names has that output hidden, as the live
cells' readers hide it."""

from __future__ import annotations

import json

import pytest
from chatkit.types import UserMessageTagContent

from jupyter_chatkit.assistant.history import hide_printed_secrets, notebook_text
from jupyter_chatkit.assistant.model_input import PolicyConverter
from jupyter_chatkit.context_policy import ContextPolicy

PASSWORD = "Kx7mPq2vLw9e"  # no key's shape: hidden for its name only


def saved(*cells: dict[str, object]) -> str:
    """A notebook file's JSON, its cells as given (nbformat's shape)."""
    return json.dumps({"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def code(source: str, *outputs: dict[str, object]) -> dict[str, object]:
    return {"cell_type": "code", "source": source, "outputs": list(outputs), "metadata": {}}


def test_a_printed_secret_in_an_attached_notebook_is_hidden() -> None:
    raw = saved(
        code(f"db_password = {PASSWORD!r}"),
        code(
            "print('connecting with', db_password)",
            {"output_type": "stream", "name": "stdout", "text": [f"connecting with {PASSWORD}\n"]},
        ),
        code(
            "db_password",
            {"output_type": "execute_result", "data": {"text/plain": [repr(PASSWORD)]}},
        ),
    )
    text = ContextPolicy().text(notebook_text(raw) or "")[0]
    # Before: the assignment's literal was hidden, both outputs were sent whole.
    assert PASSWORD not in text, text
    assert "print('connecting with', db_password)" in text and text.count("«redacted") == 3


def stdout(text: str) -> dict[str, object]:
    return {"output_type": "stream", "name": "stdout", "text": text}


PASSED = "Tr0ub4dor&3xQ9"  # under a name that says nothing


def test_a_credential_passed_under_any_name_then_shown_is_hidden() -> None:
    """``x = vault.read()`` and ``connect(host, user, x)`` in one cell, ``print(x)`` or
    ``x`` in later ones: those outputs are the credential (an attached notebook, and any
    producer's cells as the server reads them again); other cells' outputs stay."""
    sources = ["x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)", "print(x)", "x"]
    outputs = [
        [],
        [stdout(PASSED + "\n")],
        [
            {
                "output_type": "execute_result",
                "data": {"text/plain": repr(PASSED)},
                "execution_count": 3,
                "metadata": {},
            }
        ],
    ]
    cells = [code(s, *o) for s, o in zip(sources, outputs, strict=True)]
    cells.append(code("print(region)", stdout("north-west\n")))
    # Passed where the rules read a credential, but a name (no digit, no symbol): it stays.
    cells.append(code("mysql.connector.connect(host, user, pw, database)\nprint(database)"))
    cells[-1]["outputs"] = [stdout("sales-warehouse\n")]
    text = ContextPolicy().text(notebook_text(saved(*cells)) or "")[0]
    assert PASSED not in text and "north-west" in text and "sales-warehouse" in text
    # Sent as a mentioned notebook's text by a front end that did not hide it.
    sent = (
        f"--- cell 0 (code) ---\n{sources[0]}\n--- cell 1 (code) ---\nprint(x)\n[stdout]\n"
        f"{PASSED}\n--- cell 2 (code) ---\nprint(region)\n[stdout]\nnorth-west\n"
        "--- cell 3 (code) ---\nconnect(host, user, pw, database)\nprint(database)\n"
        "[stdout]\nsales-warehouse"
    )
    mentioned = hide_printed_secrets(sent)
    assert PASSED not in mentioned and "north-west" in mentioned
    assert "sales-warehouse" in mentioned
    result = {"cells": [{"index": i, **c} for i, c in enumerate(cells)]}
    read = json.dumps(ContextPolicy().tool_result(result))
    assert PASSED not in read and "north-west" in read and "sales-warehouse" in read


def test_a_passed_credentials_properties_stay_and_its_text_is_hidden() -> None:
    """After ``connect(host, user, x)``, a later cell reading a property of ``x``
    (``x.shape``, ``print(x.dtype)``, ``type(x)``) keeps its output; one showing its text
    (``x.strip()``, ``x[::-1]``) has it hidden: an attached notebook and a mentioned one."""
    shown = [
        ("x.shape", "(120, 3)"),
        ("print(x.dtype)", "float64"),
        ("type(x)", "<class 'str'>"),
        ("x.strip()", PASSED),
        ("x[::-1]", PASSED[::-1]),
    ]
    cells = [code("x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)")]
    cells += [code(s, stdout(o + "\n")) for s, o in shown]
    text = ContextPolicy().text(notebook_text(saved(*cells)) or "")[0]
    sent = "--- cell 0 (code) ---\nconn = psycopg2.connect('db', 'ada', x)\n" + "".join(
        f"--- cell {i} (code) ---\n{s}\n[stdout]\n{o}\n" for i, (s, o) in enumerate(shown, 1)
    )
    for read in (text, hide_printed_secrets(sent)):
        assert PASSED not in read and PASSED[::-1] not in read, read
        assert all(o in read for o in ("(120, 3)", "float64", "<class 'str'>")), read


def test_a_credential_passed_after_long_cells_is_read_the_same_in_both_readers() -> None:
    """A notebook whose first cells hold 250,000 characters of code (a long data literal)
    before ``connect(host, user, x)``: the attached notebook's reader hid the later
    ``print(x)``, the reader of a mentioned notebook's text (cut at 200,000 characters of
    source in all) did not. Both read each cell's first 100,000 characters now."""
    filler = "rows = [" + ", ".join(["1.5"] * 16_000) + "]"
    cells = [code(filler) for _ in range(5)]
    cells += [
        code("x = vault.read('db')\nconn = psycopg2.connect('db', 'ada', x)"),
        code("print(x)", stdout(PASSED + "\n")),
        code("print(len(rows))", stdout("16000\n")),
    ]
    text = notebook_text(saved(*cells)) or ""
    sent = "".join(
        f"--- cell {i} (code) ---\n{joined}\n"
        for i, joined in enumerate([filler] * 5 + [cells[5]["source"]])
    )
    sent += f"--- cell 6 (code) ---\nprint(x)\n[stdout]\n{PASSED}\n"
    sent += "--- cell 7 (code) ---\nprint(len(rows))\n[stdout]\n16000\n"
    assert len(sent) > 250_000
    for read in (text, hide_printed_secrets(sent)):
        assert PASSED not in read
        assert "\n16000" in read


def test_other_outputs_stay() -> None:
    raw = saved(
        code("rows = 42\nrows", {"output_type": "execute_result", "data": {"text/plain": ["42"]}}),
        code("print(user)", {"output_type": "stream", "name": "stdout", "text": ["ada\n"]}),
    )
    text = notebook_text(raw) or ""
    assert "\n42" in text and "\nada" in text


def leaked_text() -> str:
    """A mentioned notebook's text as a front end sent it before hiding printed secrets."""
    return "\n".join(
        [
            "--- cell 0 (code) ---",
            "db_password = '«redacted: str, 12 chars»'",
            "--- cell 1 (code) ---",
            "print('connecting with', db_password)",
            "[stdout]",
            f"connecting with {PASSWORD}",
            "",
            "--- cell 2 (code) ---",
            "rows",
            "[execute_result, text/plain]",
            "42",
        ]
    )


def test_printed_secrets_are_hidden_in_a_notebooks_text_again() -> None:
    text = hide_printed_secrets(leaked_text())
    assert PASSWORD not in text and "print('connecting with', db_password)" in text
    assert text.endswith("[execute_result, text/plain]\n42")
    plain = "no notebook here\n[stdout]\nprint(password)"
    assert hide_printed_secrets(plain) == plain


@pytest.mark.asyncio
async def test_a_mentioned_notebooks_printed_secret_never_reaches_the_model() -> None:
    """A tag stored with it (sent before the front end hid it, or by another front end):
    each later turn replays it; the server hides it (before: sent every turn)."""
    tag = UserMessageTagContent(
        id="file:saved.ipynb",
        text="saved.ipynb",
        data={"kind": "file", "content": {"path": "saved.ipynb", "text": leaked_text()}},
        interactive=False,
    )
    sent = json.dumps(await PolicyConverter(ContextPolicy()).tag_to_message_content(tag))
    assert PASSWORD not in sent and "print('connecting with', db_password)" in sent


def test_a_key_read_from_the_environment_and_printed_is_hidden() -> None:
    # ``OPENAI_KEY`` is key-ish, not a secret's name: its value was hidden only when random
    # enough to look like a key, and a printed one (hex here) went to the model whole.
    key = "3f9a1c7e5b2d4f6a8c0e1b3d5f7a9c2e"
    raw = saved(
        code(
            'print(os.getenv("OPENAI_KEY"))',
            {"output_type": "stream", "name": "stdout", "text": [key + "\n"]},
        ),
        code(
            'os.environ["STRIPE_KEY"]',
            {"output_type": "execute_result", "data": {"text/plain": [repr(key)]}},
        ),
        code(
            'os.environ.get("SSH_KEY_PATH")',
            {
                "output_type": "execute_result",
                "data": {"text/plain": ["'/home/ada/.ssh/id_ed25519'"]},
            },
        ),
    )
    text = ContextPolicy().text(notebook_text(raw) or "")[0]
    assert key not in text, text
    assert "/home/ada/.ssh/id_ed25519" in text  # a key's place is no key


def test_a_key_printed_in_two_flushes_is_read_whole() -> None:
    # nbclient and papermill save each flush as its own stream output: the key's tail
    # (no name, no prefix) was sent alone, after "export OPENAI_API_KEY=«redacted»".
    head, tail = "sk-proj-Qx7Lm2Vn9Pw4Rt6Yz8Ab", "QFI14zGtSnovm14TUOizwd1iaeOV"
    raw = saved(
        code(
            "show()",
            {"output_type": "stream", "name": "stdout", "text": f"export OPENAI_API_KEY={head}"},
            {"output_type": "stream", "name": "stdout", "text": f"{tail}\ndone\n"},
        )
    )
    text = ContextPolicy().text(notebook_text(raw) or "")[0]
    assert tail not in text and head not in text, text
    assert "done" in text

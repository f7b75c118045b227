"""``Chat().ask()`` never shown leaves no widget in the saved notebook; a Chat shown
later shows the conversation it asked in.

nbclient in a real kernel, the offline model answering. nbclient saves the state of every
widget whose comm opened (``metadata.widgets``, with anywidget's ~290 KB of ``_esm`` and
``_css``); a Chat that only asks opens none, as the magics do (see test_chat_stream).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from .nbrun import execute

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
STATE_MIME = "application/vnd.jupyter.widget-state+json"


def widget_states(nb: Any) -> dict[str, Any]:
    """The saved widgets' states by model id (none saved: empty)."""
    saved = nb.metadata.get("widgets", {}).get(STATE_MIME, {})
    return {k: v["state"] for k, v in saved.get("state", {}).items()}


@pytest.mark.slow
def test_only_the_chat_shown_is_a_widget_and_it_shows_what_it_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from jupyter_chatkit import Chat\nChat().ask('hello')"),
        nbformat.v4.new_code_cell(
            "later = Chat()\nprint(later.ask('hello', display=False).thread_id)\nlater"
        ),
    ]
    execute(nb, tmp_path)
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    saved = nbformat.read(path, as_version=4)

    asked, shown = saved.cells
    # The answer is there, as Markdown; the chat that only asked is no widget.
    answers = [o for o in asked.outputs if "text/markdown" in o.get("data", {})]
    assert len(answers) == 1 and answers[0]["data"]["text/markdown"].strip()
    assert not any(WIDGET_MIME in o.get("data", {}) for o in asked.outputs)
    (thread_id, *_) = shown.outputs[0]["text"].split()
    views = [o["data"][WIDGET_MIME] for o in shown.outputs if WIDGET_MIME in o.get("data", {})]
    assert len(views) == 1
    # The widgets saved: the chat shown (and its layout), on the conversation it asked in.
    states = widget_states(saved)
    chat = states[views[0]["model_id"]]
    assert chat["thread_id"] == thread_id
    assert set(states) == {views[0]["model_id"], chat["layout"].removeprefix("IPY_MODEL_")}


def test_a_closed_chat_opens_no_comm_again() -> None:
    """Reading a closed chat's ``model_id`` (a container re-sending its children) must not
    bring it back as a widget (a new comm, saved with the notebook again)."""
    from jupyter_chatkit import Chat

    chat = Chat()
    assert chat.model_id  # opened, as when shown
    chat.close()
    with pytest.raises(AttributeError):
        chat.model_id  # noqa: B018 - the read is what is tested
    assert chat.comm is None

"""Every example notebook runs top to bottom under nbclient, offline and against a provider.

Offline, the built-in demo model answers: the notebooks must run cleanly, every answer
must be one (not an error), and a code request must give a card. Against the fake
OpenAI-compatible server, scripted replies check what reaches the model and what the
notebook shows of its answers; no key may appear in any output.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .fixtures.fake_llm import FAKE_API_KEY, FakeLLM, Reply, ToolCall, use_fake_provider
from .nbrun import execute

NOTEBOOKS_DIR = Path(__file__).parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def run(path: Path, workdir: Path) -> Any:
    """Execute a copy of the notebook in ``workdir``; nbclient fails on unexpected errors."""
    return execute(nbformat.read(path, as_version=4), workdir)


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Kernels started by this test keep their data and chats in ``tmp_path``."""
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_CHATKIT_STORE_URL", f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    return tmp_path


def cell(nb: Any, starts: str, exact: bool = False) -> Any:
    """The code cell whose source starts with (or, if ``exact``, is) ``starts``."""
    matches = [
        c
        for c in nb.cells
        if c.cell_type == "code" and (c.source == starts if exact else c.source.startswith(starts))
    ]
    assert len(matches) == 1, f"{len(matches)} cells start with {starts!r}"
    return matches[0]


def text_of(code_cell: Any) -> str:
    """Markdown, plain text and stdout of a cell's outputs, joined."""
    parts = []
    for out in code_cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type in ("display_data", "execute_result"):
            data = out.data
            parts.append(data.get("text/markdown") or data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append(f"{out.ename}: {out.evalue}")
    return "\n".join(parts)


def shows_widget(code_cell: Any) -> bool:
    return any(WIDGET_MIME in out.get("data", {}) for out in code_cell.outputs)


def all_text(nb: Any) -> str:
    return "\n".join(text_of(c) for c in nb.cells if c.cell_type == "code")


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01_quickstart.ipynb",
        "02_ask_about_your_data.ipynb",
        "03_code_cards.ipynb",
        "04_configure_a_provider.ipynb",
    ]
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        # Committed clean: outputs come from running them, not from the repository.
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


# -- offline ------------------------------------------------------------------------------------

# How ask() and the magics begin an answer that is an error instead.
ERROR_ANSWER = "The assistant could not"


def assert_answered(code_cell: Any) -> None:
    """The cell shows an answer, not an error."""
    text = text_of(code_cell)
    assert text.strip() and ERROR_ANSWER not in text, text


@pytest.mark.slow
def test_quickstart_offline(kernel_env: Path) -> None:
    nb = run(NOTEBOOKS_DIR / "01_quickstart.ipynb", kernel_env)
    assert shows_widget(cell(nb, "%chat", exact=True))
    for asked in ("%chat hello", "%chat what variables", "%%chat"):
        assert_answered(cell(nb, asked))
    assert text_of(cell(nb, "from jupyter_chatkit import Chat")).startswith("True True\n")
    assert shows_widget(cell(nb, "chat", exact=True))


@pytest.mark.slow
def test_data_notebook_offline(kernel_env: Path) -> None:
    nb = run(NOTEBOOKS_DIR / "02_ask_about_your_data.ipynb", kernel_env)
    for asked in ("%chat what dataframes", "%chat what columns", "%chat what's wrong"):
        assert_answered(cell(nb, asked))
    shown = text_of(cell(nb, "import json"))
    assert "unit_price   float64          nulls=12" in shown
    assert "first row: ['2024-01-01 00:00:00'," in shown
    assert text_of(cell(nb, 'orders["price"]')) == "KeyError: 'price'"


@pytest.mark.slow
def test_code_cards_notebook_offline(kernel_env: Path) -> None:
    nb = run(NOTEBOOKS_DIR / "03_code_cards.ipynb", kernel_env)
    assert_answered(cell(nb, "from jupyter_chatkit import Chat"))
    title, *code = text_of(cell(nb, "for card in")).splitlines()
    assert title and code
    compile("\n".join(code), "<card>", "exec")
    assert text_of(cell(nb, "answer.insert()")) == "True"
    assert shows_widget(cell(nb, "chat", exact=True))


@pytest.mark.slow
def test_provider_notebook_offline(kernel_env: Path) -> None:
    nb = run(NOTEBOOKS_DIR / "04_configure_a_provider.ipynb", kernel_env)
    assert "'provider': 'offline'" in text_of(cell(nb, "from jupyter_chatkit.settings"))
    checked = cell(nb, "from jupyter_chatkit import Chat")
    assert_answered(checked)
    assert text_of(checked).endswith("ok: True\n")


# -- against the fake OpenAI-compatible server ----------------------------------------------------


@pytest.fixture
def provider_env(
    kernel_env: Path, fake_llm_with_key: FakeLLM, monkeypatch: pytest.MonkeyPatch
) -> FakeLLM:
    """Kernels started by this test talk to the fake server, as a configured user's would."""
    return use_fake_provider(monkeypatch, fake_llm_with_key)


CARD = 'sales.groupby("region")["revenue"].mean()'


def script_for(path: Path, llm: FakeLLM) -> None:
    """What the fake model answers in this notebook (unscripted requests get the default)."""
    if path.name == "02_ask_about_your_data.ipynb":
        # The first question makes the model look at the kernel.
        llm.script(Reply(tool_calls=[ToolCall("list_kernel_variables", {})]))
    if path.name == "03_code_cards.ipynb":
        llm.script(
            Reply("Three columns."),  # "describe sales", not displayed
            Reply(tool_calls=[ToolCall("propose_code", {"code": CARD, "title": "Mean"})]),
            Reply("Insert it below."),
        )


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_with_a_provider(path: Path, provider_env: FakeLLM, kernel_env: Path) -> None:
    script_for(path, provider_env)
    nb = run(path, kernel_env)
    text = all_text(nb)
    shown = "Insert it below." if path.name == "03_code_cards.ipynb" else "OK from the fake model."
    assert shown in text
    assert FAKE_API_KEY not in text and "Traceback" not in text
    assert "could not answer" not in text and "Model run failed" not in text
    assert provider_env.requests, "the notebook never reached the model"
    assert all(call.status == 200 for call in provider_env.calls)
    if path.name == "02_ask_about_your_data.ipynb":
        second = provider_env.requests[1]["messages"]
        tool = json.loads(next(m for m in second if m["role"] == "tool")["content"])
        orders = next(v for v in tool["variables"] if v["name"] == "orders")
        assert [c["name"] for c in orders["columns"]] == [
            "order_date",
            "region",
            "product",
            "units",
            "unit_price",
            "revenue",
        ]
    if path.name == "03_code_cards.ipynb":
        assert text_of(cell(nb, "for card in")) == f"Mean\n{CARD}\n"
        assert text_of(cell(nb, "answer.insert()")) == "True"
        assert provider_env.pending == 0
    if path.name == "04_configure_a_provider.ipynb":
        config = text_of(cell(nb, "from jupyter_chatkit.settings"))
        assert "'model': 'fake-model'" in config and "'provider': 'openai-compatible'" in config

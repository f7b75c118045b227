"""Secrets only the kernel knows, shown with no name beside them, in a real JupyterLab.

A notebook reads its credentials the way people do (the environment, a decoded config, a
prompt), then shows them without their names: ``print([os.environ['API_KEY']])``,
``vals = creds.values``, ``print(tok[::-1][::-1])``, an exception quoting a password. No
text rule can tell such a value from data; the kernel can (it holds each one under a
secret name, kernel/known_secrets.py). Whatever the sidebar reads from the notebook
(the context chips sent with a message, ``get_notebook_cells``, ``get_active_cell``)
passes the kernel before the model gets it: the fake model's requests hold none of them.

The sources hold the secrets base64-encoded only, as a prompt or a vault would leave no
trace of them: what the model must not see comes from outputs alone.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from tests.fixtures.browser import LabPage, open_panel, send
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One kept JupyterLab page for the module's lab_page tests (tests/fixtures/lab_reuse.py).
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "context"

# Words and digits, no vendor prefix: no key shape a text rule knows.
SECRETS = {
    "env": "Harbor7341Lantern",
    "frame": "Quartz-Meadow-5517",
    "prompt": "Velvet9Orchid22x",
    "config": "Copper_Falcon_804",
    "error": "Juniper4Tidal61q",
}


def sealed(name: str) -> str:
    return base64.b64encode(SECRETS[name].encode()).decode()


CELLS = [
    "import base64, os\nimport pandas as pd\n\n"
    "def unseal(s):\n    return base64.b64decode(s).decode()\n\n"
    f"os.environ['WAREHOUSE_API_KEY'] = unseal({sealed('env')!r})",
    # The environment, printed in a list.
    "print([os.environ['WAREHOUSE_API_KEY']])",
    # A frame's password column, shown through another variable.
    f"creds = pd.DataFrame({{'user': ['ada'], 'password': [unseal({sealed('frame')!r})]}})\n"
    "vals = creds.values\nvals",
    # A token read once, printed through an expression.
    f"token = unseal({sealed('prompt')!r})\nparts = [token[:6], token[6:]]\nprint(''.join(parts))",
    # A nested config's values, as the cell's result.
    f"conf = {{'db': {{'host': 'db.internal', 'password': unseal({sealed('config')!r})}}}}\n"
    "list(conf['db'].values())",
    # An exception that quotes the credential it was given.
    f"svc = {{'secret': unseal({sealed('error')!r})}}\n\n"
    "def connect(p):\n    raise ConnectionError('refused: ' + p)\n\nconnect(svc['secret'])",
]


def shown_secrets(lab: LabPage) -> dict[str, bool]:
    """Which secrets the notebook's outputs show (the attack ran as meant)."""
    outputs = str(
        lab.notebook_js(
            "return JSON.stringify(nb.content.widgets.map(c => c.model.outputs?.toJSON() ?? []));"
        )
    )
    return {k: v in outputs for k, v in SECRETS.items()}


def leaked(llm: FakeLLM) -> dict[str, list[int]]:
    """Each secret found in the model's requests, with the requests it is in."""
    found: dict[str, list[int]] = {}
    for n, request in enumerate(llm.requests):
        text = json.dumps(request, ensure_ascii=False)
        for k, v in SECRETS.items():
            if v in text:
                found.setdefault(k, []).append(n)
    return found


def ask_about_the_cells_while_idle(lab_page: LabPage, page: Any, scripted_llm: FakeLLM) -> None:
    """Kernel-held secrets shown without their names never reach the model: asked about
    the cells (the kernel idle, the cells run, the last but the sleep failed as meant),
    the model still reads the cells, their outputs and the error, no secret."""
    lab_page.set_active_cell(len(CELLS) - 1)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 50})]),
        Reply(tool_calls=[ToolCall("get_active_cell", {})]),
        Reply("Read it all."),
    )
    asked = len(scripted_llm.requests)
    open_panel(page)
    # The message carries the active cell as a chip (a tag whose content is the cell).
    assert "Read it all." in send(page, "What do these cells show?")
    assert len(scripted_llm.requests) == asked + 3
    tools = [
        json.loads(m["content"])
        for m in scripted_llm.requests[asked + 2]["messages"]
        if m["role"] == "tool"
    ]
    # The model still reads the notebook: its cells, outputs and the error (and the cell
    # that sleeps, not run yet).
    cells = tools[0]["cells"]
    assert len(cells) == len(CELLS) + 1
    assert cells[len(CELLS) - 1]["outputs"][-1]["ename"] == "ConnectionError"
    assert "db.internal" in json.dumps(cells, ensure_ascii=False)
    assert leaked(scripted_llm) == {}


def ask_while_a_cell_sleeps(
    lab_page: LabPage,
    page: Any,
    scripted_llm: FakeLLM,
    *,
    subshells: bool,
    while_idle: Callable[[LabPage, Any, FakeLLM], None] | None = None,
) -> tuple[list[dict[str, Any]], float, str]:
    """Ask the sidebar about the cells while the last one sleeps (the kernel runs it):
    the cells the model read, the seconds from Enter to the answer, and the connection's
    status then. ``subshells=False``: the kernel's connection says it has none (another
    kernel, an older ipykernel), as the page's own code reads it. ``while_idle`` runs
    once the cells ran, before the sleep."""
    name = f"busy_{'sub' if subshells else 'main'}.ipynb"
    lab_page.server.write_notebook(name, [*CELLS, "import time\ntime.sleep(60)"])
    lab_page.open(name)
    lab_page.run_all()  # stops at the failing cell: the sleep has not run
    assert shown_secrets(lab_page) == dict.fromkeys(SECRETS, True)
    if while_idle is not None:
        while_idle(lab_page, page, scripted_llm)
    asked = len(scripted_llm.requests)
    if not subshells:
        lab_page.notebook_js(
            "Object.defineProperty(nb.sessionContext.session.kernel, 'supportsSubshells',"
            " { value: false, configurable: true });"
        )
    # The sleep runs (the kernel is busy), the failing cell is the active one.
    lab_page.set_active_cell(len(CELLS))
    # Not awaited: the command resolves when the cell ends.
    lab_page.notebook_js("nb.content.activate(); void app.commands.execute('notebook:run-cell');")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
        " === 'busy'"
    )
    lab_page.set_active_cell(len(CELLS) - 1)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 50})]),
        Reply("Read what it could."),
    )
    try:
        open_panel(page)
        started = time.monotonic()
        assert "Read what it could." in send(page, "What do these cells show?")
        seconds = time.monotonic() - started
        # The cell still runs.
        count = "return nb.model.cells.get(arg).executionCount;"
        assert lab_page.notebook_js(count, len(CELLS)) is None
        status = str(lab_page.notebook_js("return nb.sessionContext.session.kernel.status;"))
    finally:
        lab_page.command("notebook:interrupt-kernel")
    print(f"\nanswered while busy ({'subshell' if subshells else 'no subshell'}): {seconds:.2f} s")
    assert leaked(scripted_llm) == {}
    cells = json.loads(
        next(m for m in scripted_llm.requests[asked + 1]["messages"][::-1] if m["role"] == "tool")[
            "content"
        ]
    )["cells"]
    # Sources are read either way.
    assert "unseal" in cells[0]["source"]
    return cells, seconds, status


def test_while_the_kernel_is_busy_without_subshells_outputs_are_withheld_not_sent_unchecked(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    cells, _, _ = ask_while_a_cell_sleeps(lab_page, page, scripted_llm, subshells=False)
    # The outputs say why they are not.
    assert all(c["outputs"] == [] for c in cells)
    assert "kernel is busy" in cells[1]["outputs_withheld"]


# The subshells a kernel has, asked on a connection of its own (as another client would).
SUBSHELLS = (
    "async (model) => { const k = window.jupyterapp.serviceManager.kernels.connectTo({ model });"
    " try { await k.info; return (await k.requestListSubshell({}).done).content.subshell_id; }"
    " finally { k.dispose(); } }"
)


def test_while_a_long_cell_runs_a_kernel_subshell_checks_the_outputs_at_once(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """ipykernel 7 runs a subshell's requests beside the running cell (JEP 91): the model
    reads the earlier cells' outputs, the kernel's secrets hidden, without waiting.

    Then the checks' subshell (a thread in the kernel) goes with the notebook's
    connection: the kernel runs on after its notebook is closed (or its connection is
    replaced). (That was a test of its own, on the same set-up: a notebook, a kernel
    and its run of the cells more.)"""
    # First, the kernel idle: secrets it holds, shown without their names, never reach
    # the model (a test of its own before, on a notebook of the same cells but the sleep).
    # Then answered while the cell still sleeps (ask_while_a_cell_sleeps checks it).
    cells, _, status = ask_while_a_cell_sleeps(
        lab_page, page, scripted_llm, subshells=True, while_idle=ask_about_the_cells_while_idle
    )
    # The busy turn's first request (the idle turn made three before it).
    busy_request = scripted_llm.requests[3]
    assert not any("outputs_withheld" in c for c in cells)
    text = json.dumps(cells, ensure_ascii=False)
    # The outputs are there, checked: the error, the host beside the hidden password.
    assert cells[len(CELLS) - 1]["outputs"][-1]["ename"] == "ConnectionError"
    assert "db.internal" in text and "redacted" in text
    # The chip sent with the message was checked on the subshell too (no note).
    assert "kernel is busy" not in json.dumps(busy_request, ensure_ascii=False)
    # The person still sees a busy kernel (the subshell's own idle does not show).
    assert status == "busy"

    # Closing the notebook deletes the subshell its checks made.
    model = lab_page.notebook_js(
        "const k = nb.sessionContext.session.kernel; return { id: k.id, name: k.name };"
    )
    assert len(page.evaluate(SUBSHELLS, model)) == 1, "closing: the checks' subshell"
    lab_page.notebook_js(
        "const kernel = nb.sessionContext.session.kernel;"
        "const gone = new Promise((resolve) => kernel.disposed.connect(() => resolve()));"
        "nb.context.model.dirty = false; nb.close(); await gone;"
    )
    running = (
        "(id) => [...window.jupyterapp.serviceManager.kernels.running()].some(k => k.id === id)"
    )
    assert page.evaluate(running, model["id"]), "closing: the kernel runs on"
    # The delete request reaches the kernel through the server: asked until it is done.
    deadline = time.monotonic() + 20
    while (left := page.evaluate(SUBSHELLS, model)) and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert left == [], "closing: the subshell is still there"


def test_the_chat_widget_in_a_notebook_reads_it_through_the_kernel_too(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    from tests.browser.widget_notebook import open_widget_notebook
    from tests.fixtures.browser import WIDGET

    # The failing call's traceback printed by the cell (logging does the same), so the
    # cells run through to the widget.
    printed = CELLS[-1].replace(
        "connect(svc['secret'])",
        "try:\n    connect(svc['secret'])\nexcept ConnectionError:\n"
        "    import traceback\n    traceback.print_exc()",
    )
    open_widget_notebook(lab_page, "widget_vault.ipynb", *CELLS[:-1], printed)
    assert shown_secrets(lab_page) == dict.fromkeys(SECRETS, True)
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {"max_cells": 50})]),
        Reply("Read it from the widget."),
    )
    assert "Read it from the widget." in send(page, "What do these cells show?", scope=WIDGET)
    result = json.loads(
        next(m for m in scripted_llm.requests[1]["messages"] if m["role"] == "tool")["content"]
    )
    # JupyterLab answered (the bridge), not the kernel's own reading of the notebook.
    assert result["from"] == "notebook"
    cells = result["cells"]
    assert any("ConnectionError" in json.dumps(c.get("outputs", [])) for c in cells)
    assert leaked(scripted_llm) == {}


# The secrets checks the page sends, counted per kernel connection (one made by a
# restart or a change of kernel too).
COUNT_CHECKS = (
    "window.__checks = new Map();"
    " const watch = (k) => k?.anyMessage.connect((_, { msg, direction }) => {"
    "   const expr = msg.content?.user_expressions?.result ?? '';"
    "   if (direction === 'send' && expr.includes('known_secrets'))"
    "     window.__checks.set(k, (window.__checks.get(k) ?? 0) + 1); });"
    " watch(nb.sessionContext.session?.kernel);"
    " nb.sessionContext.kernelChanged.connect((_, change) => watch(change.newValue));"
)
# Whether the notebook's kernel has loaded the secrets check (a cell of the page asks).
CHECK_LOADED = (
    "const k = nb.sessionContext.session.kernel; let out = '';"
    " const f = k.requestExecute({ code: 'import sys\\n"
    'print("jupyter_chatkit.kernel.known_secrets" in sys.modules)\', store_history: false });'
    " f.onIOPub = (m) => { if (m.header.msg_type === 'stream') out += m.content.text; };"
    " await f.done; return out.trim();"
)


def test_a_new_or_restarted_kernel_loads_the_check_before_the_person_writes(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """The first check on a kernel loads its code there (0.2-1 s): the sidebar asks a kernel
    it follows as soon as it is idle, not at the person's Enter."""
    lab_page.server.write_notebook("warm.ipynb", ["x = 1"])
    lab_page.open("warm.ipynb")
    open_panel(page)
    lab_page.notebook_js(COUNT_CHECKS)
    for start in ("restartKernel()", "changeKernel({ name: 'python3' })"):
        # The person works in the notebook, the sidebar shown and its box empty.
        lab_page.notebook_js(
            f"window.__checks.clear(); nb.content.activate(); await nb.sessionContext.{start};"
        )
        page.wait_for_function(
            "() => { const nb = window.jupyterapp.shell.currentWidget;"
            " const k = nb.sessionContext.session?.kernel;"
            " return !!k && window.__checks.get(k) > 0 && k.status === 'idle'; }",
            timeout=30_000,
        )
        assert lab_page.notebook_js(CHECK_LOADED) == "True", start
    box = page.locator("#jupyter-chatkit-panel .jck-input")
    assert box.input_value() == ""

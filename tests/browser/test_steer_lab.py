"""See and steer what the assistant reads, in a real JupyterLab (issue 10).

Context chips above the composer (the notebook, the active cell, the selection), the
compact references of "Ask about this error" / "Explain this cell", and the "Read:" line
under each answer. The model is the fake OpenAI-compatible server: each test checks what
reached it (its request log), never the offline model's wording.

Screenshots land in ``test-output/<test name>/``.
"""

from __future__ import annotations

import json
from typing import Any

import nbformat
import pytest
from tests.browser.widget_notebook import open_widget_notebook
from tests.fixtures.browser import (
    ASSISTANT,
    CHIP,
    INPUT,
    PANEL,
    USER,
    WIDGET,
    LabPage,
    context_of,
    open_panel,
    poll_page,
    send,
    type_and_pick,
    wait_answer,
)
from tests.fixtures.fake_llm import FakeLLM, Reply, ToolCall
from tests.test_context_policy import TABLE, leaks

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]
# One JupyterLab page for the tests using lab_page, put back as loaded between them
# (tests/fixtures/lab_reuse.py): a load is ~5 s of CPU.
REUSE_LAB_PAGE = True
# One JupyterLab, fake model and kept page for the modules of this SHARED_LAB
# (tests/fixtures/shared_labs.py): a lab start and a page load fewer each.
SHARED_LAB = "context"

CELLS_1_3 = "cells 1\N{EN DASH}3"  # the read line's range, as people write it
GITHUB = next(c for c in TABLE if c["id"] == "github-classic")["value"]
PRINTED = "Kx7mPq2vLw9e"  # a password with no key's shape: hidden for its name only

CELLS = [
    f"api_key = {GITHUB!r}",
    "import pandas as pd\ndf = pd.DataFrame({'region': ['north', 'south'], 'revenue': [10, 20]})",
    "df['regoin']",
]


def open_steer_notebook(lab: LabPage, name: str) -> None:
    """The three cells above, run (the last one fails), with cell 1 active."""
    lab.server.write_notebook(name, CELLS)
    lab.open(name)
    lab.run_all()
    lab.set_active_cell(0)


def chips(page: Any) -> list[str]:
    """The chips' labels, in order."""
    return [str(t) for t in page.locator(f"{CHIP} .jck-chip-label").all_inner_texts()]


def user_text(request: dict[str, Any]) -> str:
    """The person's words as the model got them (the request's last message)."""
    last = request["messages"][-1]
    assert last["role"] == "user"
    content = last["content"]
    return content if isinstance(content, str) else "".join(p["text"] for p in content)


def read_line(page: Any) -> str:
    line = page.locator(f"{ASSISTANT} .jck-readline").last
    line.wait_for(state="visible")
    return str(line.inner_text())


def active_index(lab: LabPage) -> int:
    return int(lab.notebook_js("return nb.content.activeCellIndex;"))


def test_error_reference_stays_short_and_the_cell_goes_as_context(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_steer_notebook(lab_page, "steer.ipynb")
    open_panel(page)
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2", arg=CHIP, timeout=30_000
    )
    assert chips(page) == ["steer.ipynb", "cell 1"]
    screenshot(page, "chips")

    # Pin cell 1: it stays when clicking the error makes cell 3 the active one.
    page.locator(CHIP, has_text="cell 1").locator(".jck-chip-pin").click()
    scripted_llm.script(Reply("Use 'region'."))
    page.locator(".jp-chatkit-ask-error").first.click()
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 3", arg=CHIP, timeout=30_000
    )
    assert chips(page) == ["cell 1", "steer.ipynb", "cell 3"]
    wait_answer(page, "Use 'region'.")

    bubble = page.locator(USER).last
    shown = str(bubble.locator(".jck-bubble").inner_text())
    assert shown.startswith("Fix the error in cell 3: KeyError: 'regoin'"), shown
    assert len(shown) < 120 and "```" not in shown and "Traceback" not in shown
    assert bubble.locator(".jck-tag", has_text="cell 3").count() == 1

    request = scripted_llm.requests[0]
    assert user_text(request).startswith("Fix the error in @cell 3: KeyError: 'regoin'")
    context = context_of(request)
    # The failing cell (the one the button was on, not the active one) with its error.
    assert "df['regoin']" in context and "KeyError" in context
    # The pinned cell went too, its key hidden.
    assert "api_key" in context and "«redacted" in context
    log = json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert GITHUB not in log and not leaks(log)

    line = read_line(page)
    assert line.startswith("Read:")
    assert "error in cell 3" in line and "cell 1" in line and "steer.ipynb" in line
    assert "1 value hidden" in line
    screenshot(page, "error-bubble-and-read-line")
    # A cell in the read line is a link to that cell.
    page.locator(f"{ASSISTANT} .jck-readline-cell", has_text="error in cell 3").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.content?.activeCellIndex === 2"
    )
    # So is a cell chip in the sent message.
    lab_page.set_active_cell(1)
    bubble.locator(".jck-tag", has_text="cell 1").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.content?.activeCellIndex === 0"
    )


def test_explain_targets_the_cell_it_was_invoked_on(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    open_steer_notebook(lab_page, "explain-steer.ipynb")
    lab_page.set_active_cell(2)
    scripted_llm.script(Reply("It builds a frame."))
    page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".jp-InputPrompt").click(button="right")
    page.locator(".lm-Menu-item", has_text="Explain This Cell").click()
    wait_answer(page, "It builds a frame.")
    shown = str(page.locator(USER).last.locator(".jck-bubble").inner_text())
    assert shown.startswith("Explain cell 2"), shown
    request = scripted_llm.requests[0]
    assert user_text(request).startswith("Explain @cell 2")
    context = context_of(request)
    assert "pd.DataFrame" in context


def test_chips_are_removable_and_the_read_line_counts_tool_calls(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    open_steer_notebook(lab_page, "chips.ipynb")
    open_panel(page)
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2", arg=CHIP, timeout=30_000
    )
    page.locator(CHIP, has_text="chips.ipynb").locator(".jck-chip-remove").click()
    assert chips(page) == ["cell 1"]
    scripted_llm.script(
        Reply(tool_calls=[ToolCall("get_notebook_cells", {})]), Reply("Three cells.")
    )
    box = page.locator(INPUT)
    box.fill("what is here?")
    box.press("Enter")
    wait_answer(page, "Three cells.")
    request = scripted_llm.requests[0]
    # The removed chip was not sent; the active cell was, as a tag.
    assert user_text(request) == "what is here?"
    context = context_of(request)
    assert "@cell 1 (cell," in context and "@chips.ipynb" not in context
    line = read_line(page)
    assert CELLS_1_3 in line and "value" in line and "hidden" in line
    # "1 value hidden" shows where it was and why, the key itself nowhere.
    hidden = page.locator(f"{ASSISTANT} button.jck-readline-hidden").last
    places = page.locator(f"{ASSISTANT} .jck-hidden-list").last
    assert not places.is_visible()
    hidden.click()
    assert hidden.get_attribute("aria-expanded") == "true"
    listed = places.locator("li").all_inner_texts()
    assert len(listed) == 1 and listed[0].startswith("cell 1"), listed
    assert "api_key" in listed[0] and "GitHub token" in listed[0], listed
    assert GITHUB not in page.locator(PANEL).inner_text()
    screenshot(page, "read-line-tools")
    lab_page.set_active_cell(2)
    page.locator(f"{ASSISTANT} .jck-readline-cell", has_text=CELLS_1_3).click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.content?.activeCellIndex === 0"
    )
    assert active_index(lab_page) == 0


def test_mentions_complete_and_send_their_content(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    data = lab_page.server.root_dir / "data"
    data.mkdir(exist_ok=True)
    rows = "\n".join(f"r{i},{i * 10}" for i in range(200))
    (data / "sales.csv").write_text(f"region,revenue\n{rows}\n")
    (data / "logo.bin").write_bytes(bytes(range(256)) * 4)
    # A saved notebook that printed a password: its cell's output is the secret.
    printed = nbformat.v4.new_code_cell("print('connecting with', db_password)")
    printed.outputs = [nbformat.v4.new_output("stream", text=f"connecting with {PRINTED}\n")]
    saved = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(f"db_password = {PRINTED!r}"), printed]
    )
    nbformat.write(saved, data / "saved.ipynb")
    lab_page.server.write_notebook(
        "mentions.ipynb",
        [
            "import pandas as pd\nsales = pd.DataFrame({'region': ['north'], 'revenue': [10]})",
            f"api_token = {GITHUB!r}",
        ],
    )
    lab_page.open("mentions.ipynb")
    lab_page.run_all()
    open_panel(page)
    # Chips off, so the model gets exactly the mentions.
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=CHIP)
    for _ in range(2):
        page.locator(f"{CHIP} .jck-chip-remove").first.click()
    assert chips(page) == []

    page.locator(INPUT).click()
    type_and_pick(page, "compare @sal", "@sales")
    type_and_pick(page, "with @api", "@api_token")
    type_and_pick(page, "and #1", "cell 1")
    type_and_pick(
        page, "and @data/sa", "@data/sales.csv", shot=lambda: screenshot(page, "mention-popup-file")
    )
    type_and_pick(page, "and @data/lo", "@data/logo.bin")
    type_and_pick(page, "and @data/sav", "@data/saved.ipynb")
    page.locator(INPUT).press_sequentially("and @nobody")
    page.wait_for_timeout(300)  # let a completion for @nobody come back: it lists nothing
    assert page.locator(f"{PANEL} .jck-complete").is_hidden()
    screenshot(page, "mentions-typed")
    scripted_llm.script(Reply("Compared."))
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Compared.")

    bubble = page.locator(USER).last
    tags = [str(t) for t in bubble.locator(".jck-tag").all_inner_texts()]
    assert tags == [
        "sales",
        "api_token",
        "cell 1",
        "data/sales.csv",
        "data/logo.bin",
        "data/saved.ipynb",
    ]
    request = scripted_llm.requests[0]
    text = user_text(request)
    assert text.startswith("compare @sales with @api_token and @cell 1 and @data/sales.csv")
    assert text.endswith("and @nobody")  # unknown names stay plain text
    context = context_of(request)
    # The variable's summary (inspect_kernel_variable), the secret redacted by name.
    assert "pandas.DataFrame" in context and "north" in context
    assert "api_token" in context and "«redacted" in context and GITHUB not in context
    assert "sales = pd.DataFrame" in context  # cell 1
    # The CSV's head: its header and first 29 rows.
    assert "r0,0" in context and "r28,280" in context and "r29,290" not in context
    assert "binary file: named only" in context
    # The saved notebook's cells, its printed password hidden (before: sent whole).
    assert "print('connecting with', db_password)" in context
    assert PRINTED not in json.dumps(scripted_llm.requests, ensure_ascii=False)
    assert not leaks(json.dumps(scripted_llm.requests, ensure_ascii=False))
    screenshot(page, "mentions-sent")


def test_a_late_completion_never_reopens_the_list_or_takes_the_enter(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    """Completions answer late on a busy machine: only what fits the text may be picked.

    The file listing a completion asks for is held (page.route) and answered late. A
    list picked from while a newer completion was on its way must stay closed, and
    options listed for what was typed before must not take the Enter that sends.
    """
    lab_page.server.write_notebook("late.ipynb", ["sales = 1\nsalary = 2"])
    lab_page.open("late.ipynb")
    lab_page.run_all()
    open_panel(page)
    # Chips off: the message's tags are then its mentions only.
    page.wait_for_function("(sel) => document.querySelectorAll(sel).length >= 2", arg=CHIP)
    for _ in range(2):
        page.locator(f"{CHIP} .jck-chip-remove").first.click()
    box = page.locator(INPUT)
    listbox = page.locator(f"{PANEL} .jck-complete")
    held: list[Any] = []

    def listing(url: str) -> bool:
        return "/api/contents/?content=1" in url

    def hold(route: Any) -> None:
        held.append(route)

    def hold_next_listing(key: str) -> None:
        held.clear()
        page.route(listing, hold)
        box.press(key)
        poll_page(page, lambda: bool(held), f"no completion asked for files after {key!r}")

    def answer_held() -> None:
        with page.expect_response(lambda r: listing(r.url)) as late:
            for route in held:
                route.continue_()
        late.value.finished()
        page.unroute(listing, hold)

    # A completion on its way when the person picks: its late answer leaves the list shut.
    box.click()
    box.press_sequentially("compare @sale")
    page.locator(f"{PANEL} .jck-complete-item", has_text="@sales").wait_for(state="visible")
    hold_next_listing("s")
    page.locator(f"{PANEL} .jck-complete-item", has_text="@sales").dispatch_event("mousedown")
    assert box.input_value() == "compare @sales "
    answer_held()
    page.evaluate("() => new Promise((r) => setTimeout(r, 50))")  # its handlers run, too
    assert listbox.is_hidden()

    # Options listed for "@" must not stay while "@z" (which fits none) waits for its own.
    box.press_sequentially("and @")
    page.locator(f"{PANEL} .jck-complete-item", has_text="@salary").wait_for(state="visible")
    hold_next_listing("z")
    assert listbox.is_hidden()
    scripted_llm.script(Reply("Late, but sent."))
    box.press("Enter")
    answer_held()
    wait_answer(page, "Late, but sent.")
    assert user_text(scripted_llm.requests[0]) == "compare @sales and @z"
    assert page.locator(USER).last.locator(".jck-tag").all_inner_texts() == ["sales"]

    # Leaving the box and coming straight back (a click on a chip, then on the box): the
    # close that leaving scheduled must not cancel the completion typed after the return.
    held.clear()
    page.route(listing, hold)
    box.focus()
    box.evaluate("(el) => { el.blur(); el.focus(); }")
    box.press_sequentially("@sal")
    page.wait_for_timeout(400)  # past the close leaving scheduled (150 ms)
    for route in held:
        route.continue_()
    page.unroute(listing, hold)
    page.locator(f"{PANEL} .jck-complete-item", has_text="@sales").wait_for(state="visible")


def test_slash_commands(lab_page: LabPage, page: Any, scripted_llm: FakeLLM) -> None:
    open_steer_notebook(lab_page, "slash.ipynb")
    open_panel(page)
    page.locator(INPUT).click()
    page.locator(INPUT).press_sequentially("/")
    options = page.locator(f"{PANEL} .jck-complete-item .jck-complete-label")
    options.first.wait_for(state="visible")
    assert [str(t) for t in options.all_inner_texts()] == ["/explain", "/fix", "/new"]
    page.locator(INPUT).press_sequentially("fi")
    scripted_llm.script(Reply("Use region."))
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Use region.")
    shown = str(page.locator(USER).last.locator(".jck-bubble").inner_text())
    # Cell 1 is active and has no error: /fix takes the last cell that failed.
    assert shown.startswith("Fix the error in cell 3: KeyError: 'regoin'"), shown
    assert "df['regoin']" in context_of(scripted_llm.requests[0])
    page.locator(INPUT).press_sequentially("/new")
    page.locator(INPUT).press("Enter")
    page.wait_for_function("(sel) => !document.querySelector(sel)", arg=USER)


def test_each_notebook_reopens_its_thread_and_a_rename_keeps_it(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("first.ipynb", ["x = 1"])
    lab_page.server.write_notebook("second.ipynb", ["y = 2"])
    lab_page.open("first.ipynb")
    open_panel(page)
    posted: list[str] = []
    page.on("request", lambda r: posted.append(r.post_data or "") if r.method == "POST" else None)
    scripted_llm.script(Reply("First answer."))
    page.locator(INPUT).fill("about the first")
    page.locator(INPUT).press("Enter")
    wait_answer(page, "First answer.")
    # The new thread names its notebook (threads.create request metadata).
    create = next(json.loads(p) for p in posted if '"threads.create"' in p)
    assert create["metadata"]["notebook"] == "first.ipynb"
    # Rename the open notebook the way the file browser does.
    page.evaluate(
        "() => window.jupyterapp.serviceManager.contents.rename('first.ipynb', 'renamed.ipynb')"
    )
    page.locator(f"{PANEL} .jp-chatkit-notebook-name", has_text="renamed.ipynb").wait_for()
    lab_page.command("docmanager:open", {"path": "second.ipynb"})
    page.locator(f"{PANEL} .jp-chatkit-notebook-name", has_text="second.ipynb").wait_for()
    page.wait_for_function("(sel) => !document.querySelector(sel)", arg=USER)
    lab_page.command("docmanager:open", {"path": "renamed.ipynb"})
    page.locator(USER, has_text="about the first").wait_for(timeout=30_000)
    assert page.locator(USER).count() == 1
    # The history: this notebook's conversations (the server followed the rename), or all.
    page.locator(f"{PANEL} [aria-label='Conversation history']").first.click()
    rows = page.locator(f"{PANEL} .jck-history-row")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 1", arg=f"{PANEL} .jck-history-row"
    )
    assert "about the first" in str(rows.first.inner_text())
    screenshot(page, "history-this-notebook")
    page.locator(f"{PANEL} .jck-history-scope").select_option("all")
    page.locator(f"{PANEL} .jck-history-notebook", has_text="renamed.ipynb").first.wait_for()
    screenshot(page, "history-all")


def test_a_closed_notebook_renamed_reopens_its_thread_from_the_server(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("closed.ipynb", ["x = 1"])
    lab_page.server.write_notebook("other.ipynb", ["y = 2"])
    lab_page.open("closed.ipynb")
    open_panel(page)
    scripted_llm.script(Reply("Closed answer."))
    page.locator(INPUT).fill("about the closed one")
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Closed answer.")
    # One memory, keyed by the base URL's path, as the %chat widget's (not the full URL).
    keys = page.evaluate(
        "() => Object.keys(localStorage)"
        ".filter(k => k.startsWith('jupyter-chatkit:notebook-threads:'))"
    )
    assert keys == ["jupyter-chatkit:notebook-threads:/"]
    # Close it, rename it while closed (the server re-points its threads; this browser
    # still remembers the old name), open the renamed one.
    lab_page.command("docmanager:open", {"path": "other.ipynb"})
    page.wait_for_function("(sel) => !document.querySelector(sel)", arg=USER)
    page.evaluate(
        "async () => { for (const w of [...window.jupyterapp.shell.widgets('main')])"
        " if (w.context?.path === 'closed.ipynb') await w.context.sessionContext.shutdown()"
        ".then(() => w.dispose()); }"
    )
    page.evaluate(
        "() => window.jupyterapp.serviceManager.contents.rename('closed.ipynb', 'moved.ipynb')"
    )
    # The server moves the threads in a listener of the contents event, after the
    # rename's response: wait until it lists the thread under the new name.
    page.wait_for_function(
        "() => { const s = window.jupyterapp.serviceManager.serverSettings;"
        " return fetch(s.baseUrl + 'jupyter-chatkit/chatkit', {method: 'POST', headers:"
        " {'Content-Type': 'application/json', Authorization: 'token ' + s.token},"
        " body: JSON.stringify("
        "{type: 'threads.list', params: {limit: 1, order: 'desc'},"
        " metadata: {notebook: 'moved.ipynb'}})})"
        ".then(r => r.json()).then(p => p.data.length > 0); }",
        polling=200,
    )
    lab_page.command("docmanager:open", {"path": "moved.ipynb"})
    page.locator(f"{PANEL} .jp-chatkit-notebook-name", has_text="moved.ipynb").wait_for()
    page.locator(USER, has_text="about the closed one").wait_for(timeout=30_000)
    assert page.locator(USER).count() == 1


PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f6"
    "2ee90000000049454e44ae426082"
)


def test_attachments_picker_paste_and_refusals(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    lab_page.server.write_notebook("attach.ipynb", ["x = 1"])
    lab_page.open("attach.ipynb")
    open_panel(page)
    csv = "region,revenue,api_key\n" + "".join(f"r{i},{i},{GITHUB}\n" for i in range(3000))
    picker = page.locator(f"{PANEL} .jck-file-input")
    picker.set_input_files(
        [
            {"name": "sales.csv", "mimeType": "text/csv", "buffer": csv.encode()},
            {"name": "tool.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" * 10},
        ]
    )
    # The wrong type is refused with a readable message; the CSV becomes a chip.
    page.locator(f"{PANEL} .jck-toast", has_text="tool.exe cannot be attached").wait_for()
    # Dropped on the chat: a too-large image is refused, a small text file is kept.
    page.evaluate(
        """() => {
          const data = new DataTransfer();
          const big = new Uint8Array(6 * 1024 * 1024);
          data.items.add(new File([big], 'huge.png', {type: 'image/png'}));
          data.items.add(new File(['note'], 'notes.txt', {type: 'text/plain'}));
          const chat = document.querySelector('#jupyter-chatkit-panel .jck-chat');
          const drop = {dataTransfer: data, bubbles: true, cancelable: true};
          chat.dispatchEvent(new DragEvent('drop', drop));
        }"""
    )
    page.locator(f"{PANEL} .jck-toast", has_text="huge.png is too large").wait_for()
    page.locator(f"{PANEL} .jck-chip-attachment", has_text="notes.txt").locator(
        ".jck-chip-remove"
    ).click()
    # An image pasted into the box is attached too.
    page.locator(INPUT).click()
    page.evaluate(
        """(bytes) => {
          const file = new File([new Uint8Array(bytes)], 'chart.png', {type: 'image/png'});
          const data = new DataTransfer();
          data.items.add(file);
          const box = document.querySelector('#jupyter-chatkit-panel .jck-input');
          box.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true}));
        }""",
        list(PNG_1X1),
    )
    attached = page.locator(f"{PANEL} .jck-chip-attachment:not(.jck-uploading)")
    page.wait_for_function(
        "(sel) => document.querySelectorAll(sel).length === 2",
        arg=f"{PANEL} .jck-chip-attachment:not(.jck-uploading)",
    )
    assert [str(t) for t in attached.locator(".jck-chip-label").all_inner_texts()] == [
        "File: sales.csv",
        "Image: chart.png",
    ]
    screenshot(page, "attachments")
    scripted_llm.script(Reply("Seen both."))
    page.locator(INPUT).fill("what is in these?")
    page.locator(INPUT).press("Enter")
    wait_answer(page, "Seen both.")
    assert page.locator(f"{PANEL} .jck-chip-attachment").count() == 0
    # The CSV is longer than the assistant reads: the person is told (and the model).
    page.locator(f"{PANEL} .jck-notice", has_text="sales.csv").wait_for()
    screenshot(page, "attachment-cut-notice")
    message = scripted_llm.requests[0]["messages"][-1]
    parts = message["content"]
    assert parts[0]["text"] == "what is in these?"
    text = next(p["text"] for p in parts if p["type"] == "text" and "sales.csv" in p["text"])
    assert "region,revenue,api_key" in text and "r0,0," in text
    assert GITHUB not in json.dumps(scripted_llm.requests) and "«redacted" in text
    assert len(text) <= 16_500  # clipped: the file is ~150k characters
    assert f"of its {len(csv):,} characters" in text
    image = next(p for p in parts if p["type"] == "image_url")
    assert image["image_url"]["url"].startswith("data:image/png;base64,")
    # The notice is kept with the thread: the page reloaded (the same conversation shown
    # again, from the server alone) still says the file was cut.
    lab_page.reload()
    open_panel(page)
    wait_answer(page, "Seen both.")
    page.locator(f"{PANEL} .jck-notice", has_text="sales.csv").wait_for()
    screenshot(page, "attachment-cut-notice-reloaded")


def test_the_sidebar_does_not_offer_the_chat_cell_as_the_persons_focus(
    lab_page: LabPage, page: Any, screenshot: Any, scripted_llm: FakeLLM
) -> None:
    """With the %chat cell active (its widget clicked), the chips keep the cell worked in."""
    open_widget_notebook(lab_page, "chatcell.ipynb", "x = 41 + 1")
    open_panel(page)
    lab_page.set_active_cell(1)
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel)].some(c => c.textContent.includes('cell 2'))",
        arg=CHIP,
        timeout=30_000,
    )
    assert chips(page) == ["chatcell.ipynb", "cell 2"]
    # The person clicks the %chat cell's prompt: it becomes the active cell.
    page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-InputPrompt").click()
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.content?.activeCellIndex === 2"
    )
    page.locator(INPUT).click()
    assert chips(page) == ["chatcell.ipynb", "cell 2"]
    widget_chips = page.locator(f"{WIDGET} .jck-chip .jck-chip-label").all_inner_texts()
    assert [str(t) for t in widget_chips] == ["chatcell.ipynb", "cell 2"]
    screenshot(page, "chat-cell-active")

    scripted_llm.script(Reply("It is 42."))
    assert send(page, "what is x?") == "It is 42."
    context = context_of(scripted_llm.requests[0])
    assert "x = 41 + 1" in context and "%chat" not in context

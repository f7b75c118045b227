"""The sidebar's kernel check done while the message is written (issue 12), in a real
JupyterLab with a real kernel, through real Chromium.

Every message of the sidebar passes the notebook's kernel (``hide_known_json``: the
values it holds under secret names are hidden). The sidebar now asks the kernel about the
draft before Enter and, at Enter, sends at once when nothing happened on the kernel since
(js/lab/src/checkcache.ts). What must hold:

- a draft checked while nothing ran goes with no check at Enter (the point of it);
- a draft checked, then a cell run that sets a secret the draft holds: the check is not
  reused (the draft is checked again when the kernel turns idle, or at Enter), the model
  does not get the secret;
- a secret pasted right after running the cell that set it is hidden.

The secrets are base64 in the sources: the model could only get them from what was typed.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from .fixtures.browser import INPUT, LabPage, open_panel, wait_idle
from .fixtures.fake_llm import FakeLLM, Reply

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(240)]

# Words and digits: no key shape a text rule knows.
LATER = "Quartz-Meadow-5517"
PASTED = "Velvet9Orchid22x"
MARK = "held under a secret name"


def unsealed(name: str, value: str) -> str:
    sealed = base64.b64encode(value.encode()).decode()
    return f"import base64\n{name} = base64.b64decode({sealed!r}).decode()"


CELLS = ["x = 1", unsealed("api_token", LATER), unsealed("db_password", PASTED)]

# The page's record of the secrets checks sent to the kernel and answered, and of Enter.
RECORD = """
const k = nb.sessionContext.session.kernel;
window.__checks = [];
window.__enter = 0;
k.anyMessage.connect((_, { msg, direction }) => {
  const ue = JSON.stringify(msg.content?.user_expressions ?? {});
  const type = msg.header.msg_type;
  if (direction === 'send' && type === 'execute_request' && ue.includes('hide_known_json'))
    window.__checks.push({ id: msg.header.msg_id, at: performance.now(), replied: false, ue });
  if (direction === 'recv' && msg.header.msg_type === 'execute_reply') {
    const c = window.__checks.find((c) => c.id === msg.parent_header.msg_id);
    if (c) c.replied = true;
  }
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && e.target.classList?.contains('jck-input'))
    window.__enter = performance.now();
}, true);
"""


def type_and_wait_for_check(page: Any, text: str) -> None:
    """Type ``text`` in the sidebar's box and wait until the kernel answered its check
    (and every other check sent: none is left on its way at Enter)."""
    box = page.locator(INPUT)
    box.click()
    box.fill(text)
    page.wait_for_function(
        "(t) => window.__checks.some((c) => c.ue.includes(t))"
        " && window.__checks.every((c) => c.replied)",
        arg=text,
    )


def enter(page: Any, llm: FakeLLM) -> tuple[str, int]:
    """Press Enter; the model's request (JSON) and the checks sent from Enter on."""
    count = len(llm.requests)
    page.locator(INPUT).press("Enter")
    page.wait_for_function("() => window.__enter > 0")
    wait_idle(page)
    assert len(llm.requests) == count + 1
    after = page.evaluate("window.__checks.filter((c) => c.at >= window.__enter).length")
    page.evaluate("window.__enter = 0")
    return json.dumps(llm.requests[-1], ensure_ascii=False), int(after)


def run_cell(lab: LabPage, index: int) -> None:
    lab.set_active_cell(index)
    lab.notebook_js(
        "nb.content.activate(); await window.jupyterapp.commands.execute('notebook:run-cell');"
    )
    lab.wait_for_kernel_idle()


def test_draft_checked_before_enter_and_never_reused_after_a_cell(
    lab_page: LabPage, page: Any, scripted_llm: FakeLLM
) -> None:
    scripted_llm.default_reply = Reply("Noted.")
    lab_page.server.write_notebook("precheck.ipynb", CELLS)
    lab_page.open("precheck.ipynb")
    run_cell(lab_page, 0)
    lab_page.notebook_js(RECORD)
    open_panel(page)

    # Nothing ran since the draft was checked: Enter sends it with no check of its own.
    type_and_wait_for_check(page, "What does x hold?")
    request, at_enter = enter(page, scripted_llm)
    assert "What does x hold?" in request
    assert at_enter == 0

    # Checked before the kernel held it (nothing to hide then); then the cell that sets
    # it runs: that check is void. The message is checked again (when the kernel turned
    # idle, or at Enter): the answer kept from before would have sent the secret.
    type_and_wait_for_check(page, f"Is {LATER} the right one?")
    cell_ran = page.evaluate("performance.now()")
    run_cell(lab_page, 1)
    request, _ = enter(page, scripted_llm)
    assert LATER not in request
    assert MARK in request
    after_cell = "(t) => window.__checks.filter((c) => c.at > t && c.ue.includes('Quartz')).length"
    assert page.evaluate(after_cell, cell_ran) >= 1

    # Pasted right after running the cell that set it.
    run_cell(lab_page, 2)
    box = page.locator(INPUT)
    box.click()
    box.fill(f"why does {PASTED} fail?")
    request, _ = enter(page, scripted_llm)
    assert PASTED not in request
    assert MARK in request

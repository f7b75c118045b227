"""Two documents on one kernel (a notebook and its console, two notebooks sharing a
kernel), through a real IPython kernel (jupyter_client) and two clients of their own
sessions, as each document's kernel connection is: what each page pushes of its kept-out
cells (kernel/kept_names.py ``remember_live``) is kept apart, and the kernel's readers
pick their own. No browser."""

from __future__ import annotations

import ast
import json

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.session import Session

from .test_kernel_comm import TIMEOUT, Kernel, kernel

__all__ = ["kernel"]


def _expression(kc: BlockingKernelClient, expression: str) -> str:
    """What a page's silent request (user_expressions) answers, from client ``kc``."""
    msg_id = kc.execute("", silent=True, user_expressions={"r": expression})
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    value = reply["content"]["user_expressions"]["r"]
    assert value["status"] == "ok", value
    text: str = ast.literal_eval(value["data"]["text/plain"])
    return text


def test_two_documents_on_one_kernel_keep_their_own_pushed_cells(kernel: Kernel) -> None:
    """Two documents share the kernel (each page its own connection, so its own client
    session): what the second pushes does not replace what the first pushed, so the
    first's kept-out cell stays out of its ``%chat`` readers (cells, variables); the
    second's sidebar, sending its live cells, still sees the first's names kept out."""
    kept_names = "__import__('jupyter_chatkit.kernel.kept_names', fromlist=['x'])"
    introspect = "__import__('jupyter_chatkit.kernel.introspect', fromlist=['x'])"
    # A client of its own session, as each document's kernel connection is.
    second = BlockingKernelClient(
        session=Session(
            key=kernel.km.session.key, signature_scheme=kernel.km.session.signature_scheme
        )
    )
    second.load_connection_info(kernel.km.get_connection_info())
    second.start_channels()
    try:
        second.wait_for_ready(timeout=TIMEOUT)
        kernel.execute("kd_first = 'KOVAL-7Kd'\nkd_open = 1")
        first_cells = {"kept_out": ["kd_first = 'KOVAL-7Kd'\nkd_open = 1"], "readable": []}
        pushed = {**first_cells, "readable": []}
        assert (
            _expression(kernel.kc, f"{kept_names}.remember_live({json.dumps(json.dumps(pushed))})")
            == "kept"
        )
        # The second document's tag removed: it pushes that nothing is kept out.
        untagged = {"kept_out": [], "readable": ["kd_second = 2"]}
        assert (
            _expression(second, f"{kept_names}.remember_live({json.dumps(json.dumps(untagged))})")
            == "kept"
        )
        for client in (kernel.kc, second):
            cells = _expression(client, f"{introspect}.tool_json('get_notebook_cells', '{{}}')")
            assert "KOVAL-7Kd" not in cells, cells
            listed = _expression(
                client,
                f"{introspect}.tool_json('list_kernel_variables', '{{\"name_filter\": \"kd_\"}}')",
            )
            assert "kd_first" not in listed and "KOVAL-7Kd" not in listed, listed
        live = json.dumps(json.dumps(untagged))
        sidebar = f"{introspect}.tool_json('list_kernel_variables', '{{}}', {live})"
        listed = _expression(second, sidebar)
        assert "kd_first" not in listed and "KOVAL-7Kd" not in listed, listed
    finally:
        second.stop_channels()
        _expression(kernel.kc, f"{kept_names}.forget_live()")
        kernel.execute("del kd_first, kd_open")

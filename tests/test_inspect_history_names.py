"""inspect_kernel_variable and IPython's own history names.

IPython binds every cell's source and result in the namespace (``In``/``_ih``, ``_i``,
``_i5``; ``Out``/``_oh``, ``_``, ``_5``). Inspected, they gave the model the sources and
results of every cell run, including a cell the person kept out (``chatkit-private``:
"read by no tool"), which get_notebook_cells leaves out. They are IPython's, not the
person's variables (never listed), so inspecting one answers where cells are read.
"""

from __future__ import annotations

import json

from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.introspect import KernelView, inspect_kernel_variable

SOURCE = "plan_a = 'PRIVSRC' + '-5Tk'\n'PRIVOUT' + '-8Wm'"


def test_ipythons_history_names_give_no_cell_source_or_result(shell: InteractiveShell) -> None:
    shell.run_cell(SOURCE, store_history=True)
    n = shell.execution_count - 1
    view = KernelView.current()
    for name in ("In", "_ih", "_i", f"_i{n}", "Out", "_oh", "_", f"_{n}"):
        assert name in view.namespace, name
        result = inspect_kernel_variable(view, name)
        told = json.dumps(result, default=str)
        assert "PRIVSRC" not in told and "PRIVOUT" not in told, (name, told)
        assert "error" in result, (name, told)
    # The person's own variable of the cell is read as before.
    assert "PRIVSRC-5Tk" in json.dumps(inspect_kernel_variable(view, "plan_a"))


def test_a_history_name_the_person_bound_is_theirs() -> None:
    view = KernelView({"In": [1, 2], "_": "x"})
    assert inspect_kernel_variable(view, "In")["type"] == "list"

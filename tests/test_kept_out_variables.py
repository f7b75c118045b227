"""Variables that only cells the person kept out (tag ``chatkit-private``) define are not
described by ``list_kernel_variables`` or ``inspect_kernel_variable`` (kernel/kept_names):
not listed (counted), inspected as kept out, with no type or value. A name also bound by
a readable cell stays readable. The cells come from the front end (live) or, without
one, from the saved notebook. A real IPython shell; nothing is faked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.introspect import tool_json
from jupyter_chatkit.kernel.kept_names import bound_names

KEPT_SOURCE = "kosalary = {'ada': 'KOVAL-7Qp'}\nkoshared = 'KOVAL-2Zr'\nimport json as kojson_alias"
OPEN_SOURCE = "koshared = 1\nkoopen = [1, 2]"


@pytest.fixture
def ran(shell: InteractiveShell) -> Iterator[InteractiveShell]:
    """Both cells run in the process's one shell; their names go when the test ends, so
    no later test (``name_filter: "sal"`` in test_kernel) lists ``kosalary``."""
    shell.run_cell(KEPT_SOURCE, store_history=True)
    shell.run_cell(OPEN_SOURCE, store_history=True)
    yield shell
    for name in bound_names(KEPT_SOURCE) | bound_names(OPEN_SOURCE):
        shell.user_ns.pop(name, None)


def _tool(name: str, args: dict[str, object], cells: object = None) -> dict[str, object]:
    # As the front end calls it: the live cells when a notebook is open.
    extra = (json.dumps(cells),) if cells is not None else ()
    result: dict[str, object] = json.loads(tool_json(name, json.dumps(args), *extra))
    return result


def _listed(result: dict[str, object]) -> set[str]:
    rows = result["variables"]
    assert isinstance(rows, list)
    return {str(r["name"]) for r in rows}


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ("a = b = 1\nc, (d, *e) = f()", {"a", "b", "c", "d", "e"}),
        ("g += 1\nh: int = 2\ni.attr = 3\nj['k'] = 4", {"g", "h"}),
        ("import os.path, numpy as np\nfrom x import y as z, w", {"os", "np", "z", "w"}),
        (
            "def fn(p):\n    q = 1\n    global gl\n    gl = q\nclass C:\n    r = 1",
            {"fn", "gl", "C"},
        ),
        ("for m in n:\n    pass\nwith o() as p_:\n    pass", {"m", "p_"}),
        ("try:\n    pass\nexcept E as err:\n    pass", {"err"}),
        ("[v for v in range(3)]\n[(w := v) for v in range(3)]\nf2 = lambda la: la", {"w", "f2"}),
        ("if (walrus := 3):\n    pass", {"walrus"}),
        (
            "match s:\n    case [cap, *rest]:\n        pass\n"
            "    case {'k': kv, **more}:\n        pass",
            {"cap", "rest", "kv", "more"},
        ),
        ("out = !ls\n%time timed = 1", {"out"}),
        ("not python (", set()),
    ],
)
def test_bound_names(shell: InteractiveShell, source: str, names: set[str]) -> None:
    """The names a cell binds where it runs, read from its source (no code runs)."""
    assert bound_names(source) == names


def test_live_kept_out_variables_are_not_described(ran: InteractiveShell) -> None:
    """With the front end's live cells: a name only the kept-out cell binds is neither
    listed (counted instead) nor described when inspected, nor suggested; one a readable
    cell binds too is described as any other."""
    cells = {"kept_out": [KEPT_SOURCE], "readable": [OPEN_SOURCE]}
    listing = _tool("list_kernel_variables", {"name_filter": "ko"}, cells)
    assert _listed(listing) == {"koshared", "koopen"}, listing
    assert listing["kept_out"] == 1, listing
    # Counted whatever the filter: a filter tells nothing of the kept-out names.
    other = _tool("list_kernel_variables", {"name_filter": "zzz_none"}, cells)
    assert other["kept_out"] == 1 and other["variables"] == [], other
    assert "KOVAL" not in json.dumps(listing) and "kosalary" not in json.dumps(listing)
    inspected = _tool("inspect_kernel_variable", {"name": "kosalary"}, cells)
    assert inspected.get("kept_out"), inspected
    assert "type" not in inspected and "KOVAL" not in json.dumps(inspected), inspected
    assert _tool("inspect_kernel_variable", {"name": "koshared"}, cells).get("type") == "int"
    missing = _tool("inspect_kernel_variable", {"name": "kosalar"}, cells)
    assert "kosalary" not in json.dumps(missing), missing
    # Untagged (the front end sends no kept-out cell, nothing saved): described again.
    assert "kosalary" in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}))


def test_saved_tags_keep_variables_out_without_a_front_end(
    ran: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No front end sends cells (``%chat``, ``Chat().ask()``): the saved notebook's tags
    say which cells are kept out; a save without the tag lets the variable be read."""
    path = tmp_path / "kept.ipynb"
    kept = nbformat.v4.new_code_cell(KEPT_SOURCE, execution_count=1)
    kept.metadata["tags"] = ["chatkit-private"]
    opened = nbformat.v4.new_code_cell(OPEN_SOURCE, execution_count=2)
    nbformat.write(nbformat.v4.new_notebook(cells=[kept, opened]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    listing = _tool("list_kernel_variables", {"name_filter": "ko"})
    assert _listed(listing) == {"koshared", "koopen"}, listing
    assert _tool("inspect_kernel_variable", {"name": "kojson_alias"}).get("kept_out")
    # The page's live cells win over the saved tags: the tag removed but not saved yet
    # (nothing kept out live) lets the names back in; added live, it keeps them out.
    untagged = {"kept_out": [], "readable": []}
    assert "kosalary" in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}, untagged))
    kept.metadata["tags"] = []
    nbformat.write(nbformat.v4.new_notebook(cells=[kept, opened]), path)
    live = {"kept_out": [KEPT_SOURCE], "readable": [OPEN_SOURCE]}
    assert "kosalary" not in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}, live))
    kept.metadata["tags"] = []
    nbformat.write(nbformat.v4.new_notebook(cells=[kept, opened]), path)
    assert "kosalary" in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}))

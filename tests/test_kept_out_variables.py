"""Variables that cells the person kept out (tag ``chatkit-private``) set are not
described by ``list_kernel_variables`` or ``inspect_kernel_variable`` (kernel/kept_names):
not listed (counted), inspected as kept out, with no type or value. A readable cell
binding the same name does not let it back in (which ran last is not known), but for a
module both import. Names a kept-out cell binds where its source cannot say (exec of
built code, a star import) keep out every variable no readable cell binds, and the
result says so. The cells come from the front end (live) or, without one, from the saved
notebook. A real IPython shell; nothing is faked."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from jupyter_chatkit.kernel.introspect import tool_json
from jupyter_chatkit.kernel.kept_names import (
    bound_names,
    forget_live,
    kept_out_names,
    remember_live,
)

KEPT_SOURCE = (
    "kosalary = {'ada': 'KOVAL-7Qp'}\nkoshared = 'KOVAL-2Zr'\nimport json as kojson_alias\n"
    "import math as komath\nkototal += 5"
)
OPEN_SOURCE = "koshared = 1\nkoopen = [1, 2]\nimport math as komath\nkototal = 0"


@pytest.fixture
def ran(shell: InteractiveShell) -> Iterator[InteractiveShell]:
    """Both cells run in the process's one shell; their names go when the test ends, so
    no later test (``name_filter: "sal"`` in test_kernel) lists ``kosalary``."""
    shell.run_cell(OPEN_SOURCE, store_history=True)
    shell.run_cell(KEPT_SOURCE, store_history=True)
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
        ("g += 1\nh: int = 2\ni.attr = 3\nj['k'] = 4\ndel k2.a[0]", {"g", "h", "i", "j", "k2"}),
        (
            "import os.path, a.b.c, numpy as np\nfrom x import y as z, w",
            {"os", "a", "np", "z", "w"},
        ),
        (
            "def fn(p):\n    q = 1\n    global gl\n    gl = q\n    def inner():\n"
            "        nonlocal q\n        q = 2\nclass C:\n    r = 1",
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
        (
            "out = !ls\n%time timed = 1\nres = %timeit -o f()\n%timeit local = 1",
            {"out", "timed", "res"},
        ),
        ("%%time\ncelltimed = 1", {"celltimed"}),
        ("%%capture captured\ninside = 1", {"captured", "inside"}),
        ("%%bash --out so --err se\nls", {"so", "se"}),
        ("%prun -s cumulative profiled = f()\n%store -r st1 st2", {"profiled", "st1", "st2"}),
        (
            "exec('ex = 1')\neval('(ev := 2)')\nexec(\"exec('deep = 3')\", globals())",
            {"ex", "ev", "deep"},
        ),
        ("globals()['gk'] = 1\nglobals()['gk2'] += 1\nprint(globals()['read'])", {"gk", "gk2"}),
        ("a = b = c = 1\nx2: int = 2", {"a", "b", "c", "x2"}),
        ("%matplotlib inline\n%load_ext autoreload\n!pip list", set()),
        ("not python (", set()),
    ],
)
def test_bound_names(shell: InteractiveShell, source: str, names: set[str]) -> None:
    """The names a cell binds where it runs, read from its source (no code runs)."""
    assert bound_names(source) == names


@pytest.mark.parametrize(
    "source",
    [
        "exec(code)",
        "globals()[name] = 1",
        "globals().update(values)",
        "from os.path import *",
        "%run script.py",
        "%store -r",
        "%%sql result << SELECT 1",
    ],
)
def test_names_a_source_cannot_show_are_uncertain(shell: InteractiveShell, source: str) -> None:
    """No code runs to find out which names these bind: the answer says it is uncertain."""
    kept = kept_out_names([source], ["shown = 1"])
    assert kept.uncertain, source
    assert kept.among(["shown", "other"]) == {"other"}


def test_a_kept_out_cell_wins_but_for_a_module_both_import(shell: InteractiveShell) -> None:
    """Which cell ran last is not known: what a kept-out cell writes (an augmented
    assignment, a value imported from a module) stays out though a readable cell binds
    it too; a module both import stays readable."""
    kept = kept_out_names(
        ["total += salary\nfrom cfg import API_KEY\nimport pandas as pd"],
        ["total = 0\nAPI_KEY = None\nimport pandas as pd"],
    )
    assert kept.names == {"total", "API_KEY"}, kept


def test_live_kept_out_variables_are_not_described(ran: InteractiveShell) -> None:
    """With the front end's live cells: a name the kept-out cell sets is neither listed
    (counted instead) nor described when inspected, nor suggested, though a readable cell
    binds it too (``koshared``; ``kototal += 5`` after ``kototal = 0``); a module both
    import is described as any other."""
    cells = {"kept_out": [KEPT_SOURCE], "readable": [OPEN_SOURCE]}
    listing = _tool("list_kernel_variables", {"name_filter": "ko"}, cells)
    assert _listed(listing) == {"koopen"}, listing
    assert listing["kept_out"] == 3, listing
    # Counted whatever the filter: a filter tells nothing of the kept-out names.
    other = _tool("list_kernel_variables", {"name_filter": "zzz_none"}, cells)
    assert other["kept_out"] == 3 and other["variables"] == [], other
    assert "KOVAL" not in json.dumps(listing) and "kosalary" not in json.dumps(listing)
    inspected = _tool("inspect_kernel_variable", {"name": "kosalary"}, cells)
    assert inspected.get("kept_out"), inspected
    assert "type" not in inspected and "KOVAL" not in json.dumps(inspected), inspected
    for name in ("koshared", "kototal"):
        assert _tool("inspect_kernel_variable", {"name": name}, cells).get("kept_out"), name
    assert _tool("inspect_kernel_variable", {"name": "komath"}, cells).get("type") == "module"
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
    assert _listed(listing) == {"koopen"}, listing
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


def test_a_kept_out_cell_binding_names_at_run_time_keeps_out_all_a_readable_cell_does_not_bind(
    shell: InteractiveShell,
) -> None:
    """``exec`` of built code in a kept-out cell: which names it bound cannot be read, so
    every variable no readable cell binds is kept out, and the result says it is
    uncertain; the readable cell's names are described."""
    kept = "kocode = 'ko' + 'built = 1'\nexec(kocode)\nglobals()['ko' + 'dyn'] = 'KOVAL-9Xy'"
    readable = "koread = 2"
    try:
        shell.run_cell(readable, store_history=True)
        shell.run_cell(kept, store_history=True)
        cells = {"kept_out": [kept], "readable": [readable]}
        listing = _tool("list_kernel_variables", {"name_filter": "ko"}, cells)
        assert _listed(listing) == {"koread"}, listing
        # (Others the process's shell holds from earlier tests are kept out too.)
        assert listing["kept_out"] >= 3, listing
        assert "uncertain" in str(listing["note"]), listing
        text = json.dumps(listing)
        assert "kobuilt" not in text and "kodyn" not in text and "KOVAL" not in text
        inspected = _tool("inspect_kernel_variable", {"name": "kodyn"}, cells)
        assert inspected.get("kept_out") and "uncertain" in str(inspected.get("note")), inspected
    finally:
        for name in ("kocode", "kobuilt", "kodyn", "koread"):
            shell.user_ns.pop(name, None)


@pytest.mark.parametrize("saved", [False, True], ids=["no file", "untitled saved empty"])
def test_cells_a_page_pushed_keep_out_where_no_front_end_is_asked(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved: bool
) -> None:
    """A notebook never saved (no file, or Untitled saved once, empty): the kernel sees no
    tag, so what the page pushed (livepush.ts) says which runs and names are kept out for
    the readers no front end is asked for (``%chat QUESTION``): the cells tool, the active
    cell and the variables. Nothing pushed: read whole, as before."""
    kept = "kopush = 'KOVAL-5Pq'\nprint('KOSRC-5Pq')"
    readable = "koseen = 1\nprint('seen')"
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    if saved:
        path = tmp_path / "Untitled.ipynb"
        nbformat.write(nbformat.v4.new_notebook(), path)
        monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    try:
        shell.run_cell(kept, store_history=True)
        shell.run_cell(readable, store_history=True)
        before = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOSRC-5Pq" in before, before
        remember_live(json.dumps({"kept_out": [kept], "readable": [readable]}))
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOSRC" not in cells and "KOVAL" not in cells, cells
        assert "koseen" in cells, cells
        assert "KOSRC" not in json.dumps(_tool("get_active_cell", {}))
        listing = _tool("list_kernel_variables", {"name_filter": "ko"})
        assert _listed(listing) == {"koseen"} and listing["kept_out"] == 1, listing
        # The tag removed on the page: pushed again, the names are read.
        remember_live(json.dumps({"kept_out": [], "readable": []}))
        assert "kopush" in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}))
    finally:
        forget_live()
        for name in ("kopush", "koseen"):
            shell.user_ns.pop(name, None)


def test_a_saved_cell_kept_out_and_edited_on_the_page_is_not_read_from_the_file(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page pushed a cell kept out whose source changed since the save (tagged and
    edited, not saved): its saved version, untagged in the file, is not read for the
    readers no front end is asked for (it was: source and outputs whole); a readable
    cell unchanged since the save is."""
    old = nbformat.v4.new_code_cell("kofile = 'KOVAL-8Rt'\nprint(kofile)")
    old.outputs = [nbformat.v4.new_output("stream", name="stdout", text="KOOUT-8Rt\n")]
    seen = nbformat.v4.new_code_cell("print('kofine')")
    path = tmp_path / "edited.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[old, seen]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    try:
        edited = "kofile = 'KOVAL-8Rt'  # kept out now\nprint(kofile)"
        remember_live(json.dumps({"kept_out": [edited], "readable": ["print('kofine')"]}))
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOVAL" not in cells and "KOOUT" not in cells, cells
        assert "kofine" in cells, cells
    finally:
        forget_live()


@pytest.mark.parametrize(
    ("kept", "readable", "out", "shown"),
    [
        # A readable variable changed in place by a kept-out cell's method call.
        ("cfg.update(token='KOVAL-1')", "cfg = {}\nn = 1", {"cfg"}, {"n"}),
        ("rows.append(ssn)", "rows = []\nimport math", {"rows"}, {"math"}),
        ("df.drop(columns=['ssn'], inplace=True)", "df = make()", {"df"}, set()),
        ("df.loc[0].fillna(0, inplace=True)", "df = make()", {"df"}, set()),
        ("random.shuffle(rows)", "import random\nrows = [1]", {"rows"}, {"random"}),
        # The same call in code the cell runs as a literal (exec, a magic running a
        # statement) or through getattr.
        ("exec('cfg.update(token=tok)')", "cfg = {}\nn = 1", {"cfg"}, {"n"}),
        ("%time cfg.update(token='KOVAL-3')", "cfg = {}\nn = 1", {"cfg"}, {"n"}),
        ("%%capture\nrows.append(ssn)", "rows = []\nn = 1", {"rows"}, {"n"}),
        ("getattr(cfg, 'update')(token='KOVAL-4')", "cfg = {}\nn = 1", {"cfg"}, {"n"}),
        # A readable variable filled with a kept-out one's data by a readable cell,
        # followed on (``merged`` from ``df`` after ``df.update(secret_df)``).
        (
            "secret_df = load()",
            "df = make()\ndf.update(secret_df)\nmerged = df.copy()\nother = 2",
            {"secret_df", "df", "merged"},
            {"other"},
        ),
        (
            "secret = 'KOVAL-2'",
            "alias = secret\nfor c in secret:\n    last = c",
            {"alias", "last"},
            set(),
        ),
        # Calling a module's functions or printing changes neither.
        ("x = pd.read_csv('s.csv')\nprint(y)", "import pandas as pd\ny = 1", {"x"}, {"pd", "y"}),
    ],
)
def test_a_kept_out_write_in_place_wins(
    shell: InteractiveShell, kept: str, readable: str, out: set[str], shown: set[str]
) -> None:
    """A kept-out write wins, in place too: what a kept-out cell may change by a method
    or function call, and what a readable cell fills with a kept-out variable's data, is
    kept out; modules called and names only printed are not."""
    names = kept_out_names([kept], [readable]).names
    assert out <= names and not (shown & names), names


def test_variables_changed_in_place_are_not_described(shell: InteractiveShell) -> None:
    """The variables tools follow it: ``kocfg`` (readable) updated with a token in a
    kept-out cell, and ``koframe`` (readable) updated from a kept-out cell's dict, are
    neither listed nor inspected; a readable variable untouched is."""
    readable = "kocfg = {'host': 'h'}\nkoframe = {}\nkoframe.update(kosecret)\nkoplain = 3"
    kept = "kocfg.update(token='KOVAL-6Tz')\nkosecret = {'ssn': 'KOVAL-6Ss'}"
    try:
        shell.run_cell("kocfg = {'host': 'h'}\nkoframe = {}\nkoplain = 3", store_history=True)
        shell.run_cell(kept, store_history=True)
        shell.run_cell("koframe.update(kosecret)", store_history=True)
        cells = {"kept_out": [kept], "readable": [readable]}
        listing = _tool("list_kernel_variables", {"name_filter": "ko"}, cells)
        assert _listed(listing) == {"koplain"}, listing
        assert "KOVAL" not in json.dumps(listing), listing
        for name in ("kocfg", "koframe"):
            inspected = _tool("inspect_kernel_variable", {"name": name}, cells)
            assert inspected.get("kept_out") and "KOVAL" not in json.dumps(inspected), inspected
    finally:
        for name in ("kocfg", "koframe", "koplain", "kosecret"):
            shell.user_ns.pop(name, None)


def test_each_documents_push_is_kept_apart(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two documents on one kernel: a second notebook's page pushing its cells (its tag
    removed: nothing kept out there) does not replace what this notebook's page pushed
    (its cell tagged, not saved): the readers of this notebook's file pick its own push,
    and its kept-out cell stays out of the cells and the variables."""
    cell = nbformat.v4.new_code_cell("kodoc = 'KOVAL-4Dc'\nprint(kodoc)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="KOOUT-4Dc\n")]
    path = tmp_path / "first.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    try:
        shell.run_cell("kodoc = 'KOVAL-4Dc'", store_history=True)
        first = {"kept_out": [cell.source], "readable": [], "path": "first.ipynb"}
        other = {"kept_out": [], "readable": ["koother = 1"], "path": "work/second.ipynb"}
        remember_live(json.dumps(first))
        remember_live(json.dumps(other))
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOOUT" not in cells and "KOVAL" not in cells, cells
        assert "kodoc" not in _listed(_tool("list_kernel_variables", {"name_filter": "ko"}))
        # The second notebook's sidebar sends its own live cells: still kept out.
        live = {"kept_out": [], "readable": ["koother = 1"]}
        listing = _tool("list_kernel_variables", {"name_filter": "ko"}, live)
        assert "kodoc" not in _listed(listing), listing
    finally:
        forget_live()
        shell.user_ns.pop("kodoc", None)


def test_a_markdown_cell_tagged_on_the_page_is_not_read_from_the_file(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A markdown cell kept out on the page, not saved (untagged in the file), or kept
    out and edited since the save: the kernel's readers do not read its saved text; a
    markdown cell unchanged and readable is read."""
    notes = nbformat.v4.new_markdown_cell("KOMD-1 the vendor's private notes")
    edited = nbformat.v4.new_markdown_cell("KOMD-2 notes before the edit")
    shown = nbformat.v4.new_markdown_cell("Public intro KOPUB")
    path = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[notes, edited, shown]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    try:
        remember_live(
            json.dumps(
                {
                    "kept_out": [],
                    "readable": [],
                    "kept_out_text": [notes.source, "KOMD-2 notes, edited"],
                    "readable_text": [shown.source],
                    "path": "notes.ipynb",
                }
            )
        )
        cells = _tool("get_notebook_cells", {})
        text = json.dumps(cells)
        assert "KOMD" not in text, text
        assert "KOPUB" in text, text
        kinds = [c["cell_type"] for c in cells["cells"]]  # type: ignore[index]
        assert kinds == ["markdown", "markdown", "markdown"], cells
    finally:
        forget_live()


def test_documents_past_the_kept_bound_still_keep_their_cells_out(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kernel keeps what each document's page pushed apart for a bounded number of
    documents; one pushed before the last ``MAX_DOCUMENTS`` others is no longer told
    apart, but its kept-out cell (tagged on the page, not saved) stays out of the
    variables, the cells and the history: dropping never lets it back in."""
    from jupyter_chatkit.kernel.kept_names import MAX_DOCUMENTS

    path = tmp_path / "shown.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    kept = "kobound = 'KOVAL-9Bd'"
    try:
        shell.run_cell(kept, store_history=True)
        remember_live(json.dumps({"kept_out": [kept], "readable": [], "path": "old.ipynb"}))
        for n in range(MAX_DOCUMENTS):
            other = {"kept_out": [], "readable": [f"kofill{n} = {n}"], "path": f"d{n}.ipynb"}
            remember_live(json.dumps(other))
        listing = _tool("list_kernel_variables", {"name_filter": "ko"})
        assert "kobound" not in _listed(listing), listing
        inspected = _tool("inspect_kernel_variable", {"name": "kobound"})
        assert inspected.get("kept_out") and "KOVAL" not in json.dumps(inspected), inspected
        # A sidebar sending its own live cells reads the other documents' as pushed.
        live = {"kept_out": [], "readable": ["x = 1"]}
        listing = _tool("list_kernel_variables", {"name_filter": "ko"}, live)
        assert "kobound" not in _listed(listing), listing
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOVAL" not in cells, cells
    finally:
        forget_live()
        shell.user_ns.pop("kobound", None)


def test_two_notebooks_of_one_name_in_two_folders_keep_their_own_cells(
    shell: InteractiveShell, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two notebooks named alike in different folders share the kernel, which reads
    ``sub/same.ipynb``: that page's push (its cell tagged, not saved) is its own, not the
    one of ``same.ipynb`` at the root whose name its path ends with, pushed later. With
    the server's root known (its runtime file), the root's page is never its own, so it
    does not override the saved file's tags: a variable a saved kept-out cell wrote stays
    kept out."""
    cell = nbformat.v4.new_code_cell("kosub = 'KOVAL-5Sb'\nprint(kosub)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="KOOUT-5Sb\n")]
    path = tmp_path / "sub" / "same.ipynb"
    path.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    own = {"kept_out": [cell.source], "readable": [], "path": "sub/same.ipynb"}
    root_page = {"kept_out": [], "readable": ["koroot = 1"], "path": "same.ipynb"}
    try:
        shell.run_cell("kosub = 'KOVAL-5Sb'", store_history=True)
        remember_live(json.dumps(own))
        remember_live(json.dumps(root_page))
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOVAL" not in cells and "KOOUT" not in cells, cells
        # Saved with the tag; only the root's notebook's page pushed (nothing kept out).
        cell.metadata["tags"] = ["chatkit-private"]
        nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
        runtime = tmp_path / "runtime"
        runtime.mkdir()
        monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(runtime))
        info = {"pid": os.getppid(), "root_dir": str(tmp_path)}
        (runtime / f"jpserver-{os.getppid()}.json").write_text(json.dumps(info))
        forget_live()
        remember_live(json.dumps(root_page))
        listing = _tool("list_kernel_variables", {"name_filter": "ko"})
        assert "kosub" not in _listed(listing), listing
        cells = json.dumps(_tool("get_notebook_cells", {}))
        assert "KOVAL" not in cells and "KOOUT" not in cells, cells
    finally:
        forget_live()
        shell.user_ns.pop("kosub", None)


def test_the_cells_of_documents_no_longer_kept_apart_are_bounded_and_still_kept_out(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long-lived kernel serving many documents keeps at most ``MAX_SOURCES`` kept-out
    sources of those it no longer tells apart (before: every one, for the kernel's life);
    past that, a variable no readable cell binds stays kept out (uncertain), the oldest
    document's too, for the kernel's own readers (``%chat``, ``Chat().ask``: before, the
    uncertainty was lost there and its value listed) as for the sidebar."""
    from jupyter_chatkit.kernel import kept_names

    # The bound is read where it is applied: 300 passes it as 5,000 does, with every tool
    # call parsing ~600 kept-out sources instead of ~11,400 (~7 s of CPU).
    monkeypatch.setattr(kept_names, "MAX_SOURCES", 300)
    kept = "kobig = 'KOVAL-3Mx'"
    per_document = 10
    # Enough documents dropped past the newest MAX_DOCUMENTS to pass MAX_SOURCES.
    documents = kept_names.MAX_SOURCES // per_document + 1 + kept_names.MAX_DOCUMENTS
    try:
        shell.run_cell(kept, store_history=True)
        remember_live(json.dumps({"kept_out": [kept], "readable": [], "path": "old.ipynb"}))
        for d in range(documents):
            sources = [f"kofill_{d}_{i} = {i}" for i in range(per_document)]
            remember_live(json.dumps({"kept_out": sources, "readable": [], "path": f"d{d}.ipynb"}))
        code, text = kept_names._dropped
        assert len(code) <= kept_names.MAX_SOURCES and len(text) <= kept_names.MAX_SOURCES
        listing = _tool("list_kernel_variables", {"name_filter": "kobig"})
        assert "kobig" not in _listed(listing), listing
        inspected = _tool("inspect_kernel_variable", {"name": "kobig"})
        assert inspected.get("kept_out") and "KOVAL" not in json.dumps(inspected), inspected
        # A sidebar sending its own live cells: the same.
        listing = _tool(
            "list_kernel_variables", {"name_filter": "kobig"}, {"kept_out": [], "readable": []}
        )
        assert "kobig" not in _listed(listing), listing
    finally:
        forget_live()
        shell.user_ns.pop("kobig", None)

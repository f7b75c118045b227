"""The offline model asked to fix an error: the corrected code as a card when the fix
follows from what it read, an honest "needs a model" otherwise.

Driven by a real ``agents.Runner`` (tests/test_offline_model.py ``run``): the client tools
answer with the real kernel introspection; the error comes as the sidebar's "Fix this
error" sends it (a cell's context with its error output) or from the tools. The tests
check the calls and the card's code, never the wording.
"""

from __future__ import annotations

import collections
import json
from typing import Any

import pandas as pd
import pytest

from jupyter_chatkit.assistant.offline import CODE_TEMPLATE, SETUP_HINT
from jupyter_chatkit.kernel.introspect import KernelView

from .test_offline_model import Tools, run

FIX = "Fix the error in @cell 2"


def traceback(lines: list[str], number: int, ename: str, evalue: str) -> str:
    """An IPython traceback reduced as the context policy sends it: the cell's frame."""
    shown = [
        f"----> {n} {line}" if n == number else f"      {n} {line}"
        for n, line in enumerate(lines, 1)
    ]
    return "\n".join([f"Cell In[2], line {number}", *shown, "", f"{ename}: {evalue}"])


def error_context(source: str, number: int, ename: str, evalue: str) -> dict[str, Any]:
    """The context message of "Fix this error": the cell with its error output."""
    lines = source.splitlines()
    cell = {
        "index": 1,
        "cell_type": "code",
        "source": source,
        "outputs": [
            {
                "output_type": "error",
                "ename": ename,
                "evalue": evalue,
                "text": traceback(lines, number, ename, evalue),
            }
        ],
    }
    payload = json.dumps({"from": "notebook", "notebook": "a.ipynb", "cell": cell})
    text = f"@cell 2 (error, what the user pointed at): {payload}"
    return {"role": "user", "content": [{"type": "input_text", "text": text}]}


def asked(source: str, number: int, ename: str, evalue: str) -> list[Any]:
    question = {"role": "user", "content": [{"type": "input_text", "text": f"{FIX}: {ename}"}]}
    return [error_context(source, number, ename, evalue), question]


def with_namespace(namespace: dict[str, Any]) -> Tools:
    tools = Tools()
    tools.view = KernelView(namespace)
    return tools


def said(out: Any) -> str:
    """Everything the model said in the run (its messages, before and after a card)."""
    texts = [
        part.get("text", "")
        for item in out.history
        if isinstance(item, dict) and item.get("role") == "assistant"
        for part in item.get("content") or []
        if isinstance(part, dict)
    ]
    return "\n".join(texts)


def card_code(tools: Tools) -> str:
    codes = [args["code"] for name, args in tools.calls if name == "propose_code"]
    assert len(codes) == 1, tools.calls
    return str(codes[0])


@pytest.mark.asyncio
async def test_a_misspelt_builtin_gets_the_corrected_cell_as_a_card() -> None:
    tools = with_namespace({})
    source = "x = 1\npritn(x)"
    out = await run(
        tools.agent(), asked(source, 2, "NameError", "name 'pritn' is not defined"), tools
    )
    assert card_code(tools) == "x = 1\nprint(x)"
    # Named, with the failing line; the thread's first answer says how to set a model up.
    assert "NameError" in said(out) and "pritn(x)" in said(out)
    assert said(out).count(SETUP_HINT) == 1


@pytest.mark.asyncio
async def test_a_near_miss_of_a_kernel_variable_is_read_from_the_kernel() -> None:
    tools = with_namespace({"total_price": 12.5})
    source = "print(totl_price * 2)"
    history = asked(source, 1, "NameError", "name 'totl_price' is not defined")
    await run(tools.agent(), history, tools)
    assert tools.calls[0][0] == "list_kernel_variables"
    assert card_code(tools) == "print(total_price * 2)"


@pytest.mark.asyncio
@pytest.mark.parametrize(("key", "column"), [("regoin", "region"), ("price", "unit_price")])
async def test_a_missing_column_names_the_close_one(key: str, column: str) -> None:
    sales = pd.DataFrame({"region": ["n", "s"], "unit_price": [1.0, 2.0], "units": [1, 2]})
    tools = with_namespace({"sales": sales})
    source = f"counts = sales['{key}'].value_counts()"
    await run(tools.agent(), asked(source, 1, "KeyError", f"'{key}'"), tools)
    assert card_code(tools) == f"counts = sales['{column}'].value_counts()"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "prices",
    [
        {"banana": 0.25, "apple": 0.5},
        collections.OrderedDict(apple=0.5, banana=0.25),
        collections.Counter(banana=3, apple=1),
        collections.defaultdict(float, banana=0.25),
        # More keys than the variables list previews: its inspection shows them.
        {**{f"item{n}": n for n in range(12)}, "banana": 0.25},
    ],
    ids=["dict", "OrderedDict", "Counter", "defaultdict", "big-dict"],
)
async def test_a_missing_dict_key_names_the_close_one(prices: Any) -> None:
    tools = with_namespace({"prices": prices})
    source = 'cost = prices["banan"] * 3'
    await run(tools.agent(), asked(source, 1, "KeyError", "'banan'"), tools)
    assert card_code(tools) == 'cost = prices["banana"] * 3'


@pytest.mark.asyncio
async def test_a_missing_dict_key_with_no_close_one_gets_no_card() -> None:
    tools = with_namespace({"prices": {"apple": 0.5, "pear": 0.75}})
    await run(tools.agent(), asked('prices["banan"]', 1, "KeyError", "'banan'"), tools)
    assert not [name for name, _ in tools.calls if name == "propose_code"]


@pytest.mark.asyncio
async def test_a_column_read_as_an_attribute_names_the_close_one() -> None:
    sales = pd.DataFrame({"region": ["n", "s"], "price": [1.0, 2.0]})
    tools = with_namespace({"sales": sales})
    evalue = "'DataFrame' object has no attribute 'prices'"
    await run(tools.agent(), asked("sales.prices.sum()", 1, "AttributeError", evalue), tools)
    assert card_code(tools) == "sales.price.sum()"


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("module", "package"),
    [("sklearn.linear_model", "scikit-learn"), ("polars", "polars"), ("cv2", "opencv-python")],
)
async def test_a_missing_module_gets_the_install_command(module: str, package: str) -> None:
    tools = with_namespace({})
    evalue = f"No module named '{module}'"
    await run(tools.agent(), asked(f"import {module}", 1, "ModuleNotFoundError", evalue), tools)
    assert card_code(tools) == f"%pip install {package}"


@pytest.mark.asyncio
async def test_a_missing_alias_import_is_added() -> None:
    tools = with_namespace({})
    source = "df = pd.read_csv('a.csv')"
    await run(tools.agent(), asked(source, 1, "NameError", "name 'pd' is not defined"), tools)
    code = card_code(tools)
    assert code.splitlines() == ["import pandas as pd", source]


@pytest.mark.asyncio
async def test_a_division_by_zero_is_guarded() -> None:
    tools = with_namespace({})
    source = "hits, misses = 3, 0\nrate = hits / misses"
    await run(tools.agent(), asked(source, 2, "ZeroDivisionError", "division by zero"), tools)
    code = card_code(tools)
    namespace: dict[str, Any] = {}
    exec(compile(code, "<card>", "exec"), namespace)  # the card runs where the cell failed
    assert namespace["rate"] != namespace["rate"]  # NaN


@pytest.mark.asyncio
async def test_an_error_without_a_known_fix_names_it_and_proposes_nothing() -> None:
    tools = with_namespace({})
    source = "import json\njson.loads('{bad')"
    evalue = "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"
    out = await run(tools.agent(), asked(source, 2, "JSONDecodeError", evalue), tools)
    assert not [c for c in tools.calls if c[0] == "propose_code"]
    assert "JSONDecodeError" in said(out) and "json.loads('{bad')" in said(out)


@pytest.mark.asyncio
async def test_an_error_in_the_kernels_cells_is_read_when_none_came_with_the_question() -> None:
    """Asked without context: the cells are read, and their error is the one fixed."""
    cells = {
        "from": "kernel",
        "cells": [
            {
                "execution_count": 4,
                "source": "values = [1, 2]\nlenght = len(values)\nprint(lenght + lenth)",
                "error": {
                    "type": "NameError",
                    "message": "name 'lenth' is not defined",
                    "traceback": "Cell In[4], line 3\n----> 3 print(lenght + lenth)",
                },
            }
        ],
    }
    history = [
        {"role": "user", "content": "why does my code fail?"},
        {"type": "function_call", "call_id": "c1", "name": "get_notebook_cells", "arguments": ""},
        {"type": "function_call_output", "call_id": "c1", "output": json.dumps(cells)},
    ]
    tools = with_namespace({})
    await run(tools.agent(), history, tools)
    assert card_code(tools).endswith("print(lenght + lenght)")


@pytest.mark.asyncio
async def test_the_turn_ends_without_tools() -> None:
    """No tools offered: the diagnosis and the fix as a code block, in one answer."""
    tools = with_namespace({})
    history = asked("x = 1\npritn(x)", 2, "NameError", "name 'pritn' is not defined")
    out = await run(tools.agent(client=False, propose=False), history, tools)
    assert tools.calls == []
    assert "```python\nx = 1\nprint(x)\n```" in out.text


def test_the_starter_snippet_needs_only_the_standard_library() -> None:
    import ast
    import sys

    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(CODE_TEMPLATE))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported and imported <= sys.stdlib_module_names, imported
    exec(compile(CODE_TEMPLATE, "<template>", "exec"), {})


@pytest.mark.asyncio
async def test_an_error_raised_in_another_cells_function_gets_no_wrong_card() -> None:
    """The misspelt name is in a function another cell defines: the cell that ran holds
    no line to correct, so no card (a card rewriting the call would change nothing)."""
    tb = (
        "Cell In[5], line 1\n----> 1 total(3)\n\n"
        "Cell In[3], line 2, in total(n)\n      1 def total(n):\n----> 2     return n + countt\n\n"
        "NameError: name 'countt' is not defined"
    )
    cell = {"index": 4, "source": "total(3)", "outputs": [{"output_type": "error"}]}
    cell["outputs"][0].update(ename="NameError", evalue="name 'countt' is not defined", text=tb)
    text = f"@cell 5 (error, what the user pointed at): {json.dumps({'cell': cell})}"
    history = [
        {"role": "user", "content": [{"type": "input_text", "text": text}]},
        {"role": "user", "content": [{"type": "input_text", "text": "Fix the error in @cell 5"}]},
    ]
    tools = with_namespace({"count": 1})
    out = await run(tools.agent(), history, tools)
    assert not [c for c in tools.calls if c[0] == "propose_code"]
    assert "NameError" in said(out) and "total(3)" in said(out)


@pytest.mark.asyncio
async def test_a_syntax_error_is_named_with_its_line_and_no_guessed_fix() -> None:
    """IPython indents a SyntaxError's frame and shows no arrow: the line still comes from
    the cell; no card (no fix is certain)."""
    tb = (
        '  Cell In[2], line 2\n    print "total"\n    ^\n'
        "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)?"
    )
    cell = {"index": 1, "source": 'x = 1\nprint "total"', "outputs": [{"output_type": "error"}]}
    evalue = (
        "Missing parentheses in call to 'print'. Did you mean print(...)? (2360040779.py, line 2)"
    )
    cell["outputs"][0].update(ename="SyntaxError", evalue=evalue, text=tb)
    text = f"@cell 2 (error, what the user pointed at): {json.dumps({'cell': cell})}"
    history = [
        {"role": "user", "content": [{"type": "input_text", "text": text}]},
        {"role": "user", "content": [{"type": "input_text", "text": f"{FIX}: SyntaxError"}]},
    ]
    tools = with_namespace({})
    out = await run(tools.agent(), history, tools)
    assert not [c for c in tools.calls if c[0] == "propose_code"]
    assert "SyntaxError" in said(out) and 'print "total"' in said(out)
    # The cell's line, not the temporary file IPython compiled the cell under.
    assert "2360040779.py" not in said(out) and "line 2" in said(out)


@pytest.mark.asyncio
async def test_no_error_read_names_the_cells_kept_out_rather_than_asking_to_run_one() -> None:
    """The failing cell is kept out (chatkit-private): the answer says which cell it could
    not read, not only that there was no error (the person ran it, and saw the error)."""
    cells = {
        "from": "notebook",
        "cells": [
            {"index": 0, "cell_type": "code", "source": "x = 1", "outputs": []},
            {"index": 1, "cell_type": "code", "kept_out": "The person kept this cell out."},
        ],
    }
    history = [
        {"role": "user", "content": "why does cell 2 fail?"},
        {"type": "function_call", "call_id": "c1", "name": "get_notebook_cells", "arguments": ""},
        {"type": "function_call_output", "call_id": "c1", "output": json.dumps(cells)},
    ]
    tools = with_namespace({})
    out = await run(tools.agent(), history, tools)
    assert tools.calls == []
    assert "cell 2" in said(out)
    # With nothing kept out, no cell is named as unread.
    del cells["cells"][1]
    history[-1]["output"] = json.dumps(cells)
    out = await run(tools.agent(), history, tools)
    assert "cell 2" not in said(out)


@pytest.mark.asyncio
async def test_asked_about_one_cell_it_answers_about_that_cell_and_no_other() -> None:
    """Cell 2 failed, cell 3 is kept out: asked about cell 3, the answer says it cannot
    see it (it explained cell 2's error); asked about cell 1, no other cell's error."""
    tb = "Cell In[2], line 1\n----> 1 print(lenth)\n\nNameError: name 'lenth' is not defined"
    failed = {"output_type": "error", "ename": "NameError", "evalue": "name 'lenth' is not defined"}
    cells = {
        "from": "notebook",
        "cells": [
            {"index": 0, "cell_type": "code", "source": "x = 1", "outputs": []},
            {
                "index": 1,
                "cell_type": "code",
                "source": "print(lenth)",
                "outputs": [{**failed, "text": tb}],
            },
            {"index": 2, "cell_type": "code", "kept_out": "The person kept this cell out."},
        ],
    }

    async def answer(question: str) -> tuple[Tools, str]:
        history = [
            {"role": "user", "content": question},
            {"type": "function_call", "call_id": "c1", "name": "get_notebook_cells"},
            {"type": "function_call_output", "call_id": "c1", "output": json.dumps(cells)},
        ]
        history[1]["arguments"] = ""
        tools = with_namespace({"length": 1})
        out = await run(tools.agent(), history, tools)
        return tools, said(out)

    tools, text = await answer("why does cell 3 fail?")
    assert "NameError" not in text and "cell 3" in text
    assert not [c for c in tools.calls if c[0] == "propose_code"]
    tools, text = await answer("why does cell 1 fail?")
    assert "NameError" not in text
    assert not [c for c in tools.calls if c[0] == "propose_code"]
    # The cell that failed is still explained when asked about.
    tools, text = await answer("why does cell 2 fail?")
    assert "NameError" in text


@pytest.mark.asyncio
async def test_an_error_from_before_the_assistant_was_loaded_is_the_one_asked_about() -> None:
    """A notebook failed, then loaded the assistant (`%load_ext jupyter_chatkit`), then
    asked `%%chat explain the error in cell 2`: the kernel read its history, whose runs
    carry no error (it recorded none yet), and the error only as its ``last_error``
    (``sys.last_value``: no count, its traceback starting in ``Cell In[2]``). It was
    answered 'I found no error output'; now that error is cell 2's, fixed from its
    source."""
    tb = "Cell In[2], line 1\n    1/0\nZeroDivisionError: division by zero"
    cells = {
        "from": "kernel_execution_history",
        "cells": [
            {"execution_count": 1, "cell_type": "code", "source": "x = [1, 2, 3]"},
            {"execution_count": 2, "cell_type": "code", "source": "1/0"},
            {"execution_count": 3, "cell_type": "code", "source": "%load_ext jupyter_chatkit"},
        ],
        "last_error": {"type": "ZeroDivisionError", "message": "division by zero", "traceback": tb},
    }
    for question in ("explain the error in cell 2", "fix my error"):
        history = [
            {"role": "user", "content": question},
            {"type": "function_call", "call_id": "c1", "name": "get_notebook_cells"},
            {"type": "function_call_output", "call_id": "c1", "output": json.dumps(cells)},
        ]
        history[1]["arguments"] = ""
        tools = with_namespace({"x": [1, 2, 3]})
        out = await run(tools.agent(), history, tools)
        assert "ZeroDivisionError" in said(out), question
        assert "1/0" in card_code(tools) or "/ 0" in card_code(tools), question
    # Asked about another cell: not that error.
    history[0] = {"role": "user", "content": "explain the error in cell 1"}
    tools = with_namespace({"x": [1, 2, 3]})
    out = await run(tools.agent(), history, tools)
    assert "ZeroDivisionError" not in said(out)
    # Read from a file saved by an older kernel, whose counts this kernel's runs reuse:
    # the failed run is this kernel's In[2] (not yet saved), not the file's cell of count 2.
    saved = {
        "from": "notebook_file",
        "cells": [
            {"index": 0, "cell_type": "code", "source": "y = 0", "execution_count": 2},
        ],
        "run_not_in_file": [{"execution_count": 2, "cell_type": "code", "source": "1/0"}],
        "last_error": cells["last_error"],
    }
    history = [
        {"role": "user", "content": "why did it fail?"},
        {"type": "function_call", "call_id": "c1", "name": "get_notebook_cells", "arguments": ""},
        {"type": "function_call_output", "call_id": "c1", "output": json.dumps(saved)},
    ]
    tools = with_namespace({"y": 0})
    await run(tools.agent(), history, tools)
    assert "1/0" in card_code(tools) and "y" not in card_code(tools)

"""The protocol module: one source for Python and TypeScript, and a leaf."""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

from jupyter_chatkit import protocol

ROOT = Path(__file__).parents[1]


def test_typescript_copy_is_in_sync() -> None:
    generated = ROOT / "js" / "src" / "protocol.ts"
    assert generated.read_text(encoding="utf-8") == protocol.render_typescript(), (
        "regenerate: python -m jupyter_chatkit.protocol --write"
    )


def _imports(path: Path) -> list[str]:
    """The modules ``path`` imports, relative ones with their leading dots."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_protocol_imports_nothing_from_the_package() -> None:
    own = [n for n in _imports(Path(protocol.__file__)) if n.startswith((".", "jupyter_chatkit"))]
    assert own == []


def test_the_store_does_not_import_the_assistant() -> None:
    for path in (ROOT / "src" / "jupyter_chatkit" / "store").glob("*.py"):
        assert not [n for n in _imports(path) if "assistant" in n], path.name


def test_tool_labels_fill_their_subject() -> None:
    spec = protocol.INSPECT_KERNEL_VARIABLE
    assert protocol.tool_label(spec, spec.label, {"name": "df"}) == "Inspecting df…"
    assert protocol.tool_label(spec, spec.done_label, {}) == "Inspected a variable"
    unlabelled = protocol.ClientToolSpec("x_tool", "d", protocol.schema({}))
    assert protocol.tool_label(unlabelled, unlabelled.label, None) == "Running x_tool…"


def test_every_client_tool_is_described_and_closed() -> None:
    names = [t.name for t in protocol.CLIENT_TOOLS]
    assert len(names) == len(set(names)) == len(protocol.CLIENT_TOOL_NAMES)
    for spec in protocol.CLIENT_TOOLS:
        assert spec.description and spec.label and spec.done_label
        assert spec.parameters["additionalProperties"] is False
        assert set(spec.parameters["required"]) <= set(spec.parameters["properties"])


def test_chatkit_wire_types_are_in_sync() -> None:
    # js/src/client/chatkit.generated.ts is compiled from chatkit.types' JSON schema.
    from jupyter_chatkit.assistant.wire_schema import wire_schema_json

    script = ROOT / "js" / "scripts" / "wire-types.mjs"
    done = subprocess.run(
        ["node", str(script), "--check"],
        input=wire_schema_json(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr or done.stdout


def test_get_notebook_cells_can_centre_on_any_cell() -> None:
    """A 500-cell notebook's far cells are readable: ``around`` names the cell to centre
    on, and the note on omitted cells (both readers) says how to ask for them."""
    around = protocol.GET_NOTEBOOK_CELLS.parameters["properties"]["around"]
    assert around["type"] == "integer" and around["minimum"] == 0
    assert "{cells}" in protocol.OMITTED_CELLS_NOTE
    assert "around=" in protocol.OMITTED_CELLS_NOTE
    assert protocol.protocol_dict()["OMITTED_CELLS_NOTE"] == protocol.OMITTED_CELLS_NOTE

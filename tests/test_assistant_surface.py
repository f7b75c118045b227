"""Our modules use :class:`NotebookAssistant` through its public surface: none reads or
calls an underscore member of it (its own methods aside), so what a helper relies on is
named, documented and kept when the class changes."""

from __future__ import annotations

import ast
from pathlib import Path

import jupyter_chatkit

# The names our modules give the assistant they are handed.
_ASSISTANT_NAMES = {"server", "assistant"}


def _private_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in _ASSISTANT_NAMES
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_module_reaches_into_the_assistants_private_members() -> None:
    package = Path(jupyter_chatkit.__file__).parent
    found = [use for path in sorted(package.rglob("*.py")) for use in _private_uses(path)]
    assert not found, "\n".join(found)

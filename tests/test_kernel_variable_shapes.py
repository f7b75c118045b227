"""Kernel variables of shapes that load or run code when touched: never touched.

A module imported lazily (``importlib.util.LazyLoader``) runs its code on its first
attribute access, ``__dict__`` included; listing or inspecting it must not.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from jupyter_chatkit.kernel.introspect import dumps, run_tool
from jupyter_chatkit.kernel.view import KernelView


def test_a_lazily_imported_module_is_described_without_loading_it(tmp_path: Path) -> None:
    ran = tmp_path / "ran"
    source = tmp_path / "heavy_lazy_mod.py"
    source.write_text(f"open({str(ran)!r}, 'w').close()\n__version__ = '1.0'\n")
    spec = importlib.util.spec_from_file_location("heavy_lazy_mod", source)
    assert spec is not None and spec.loader is not None
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    view = KernelView({"heavy": module})
    try:
        listed = run_tool("list_kernel_variables", {}, view)
        inspected = run_tool("inspect_kernel_variable", {"name": "heavy"}, view)
    finally:
        sys.modules.pop("heavy_lazy_mod", None)
    assert not ran.exists()
    assert "error" not in listed and "error" not in inspected, (listed, inspected)
    assert "heavy_lazy_mod" in dumps(inspected)

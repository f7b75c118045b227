"""Write the suite's bytecode before ``pytest -n 2`` starts (scripts/test.sh, in a fresh clone).

A fresh clone has no ``__pycache__``: each xdist worker imports every test module while it
collects, and pytest rewrites each one's asserts and compiles it (~6 s of CPU for the
~250 test files), and the modules of ``src`` and the tests' helpers are compiled at
their first import (~2.5 s). Both workers collect at the same moment, so both did all
of it: ~17 s of CPU on two busy cores, where once is enough. This writes, once, what
they would write: for each test file and ``conftest.py`` (pytest's ``python_files``),
the rewritten module in pytest's own cache file (``__pycache__/NAME.<tag>-pytest-<version>.pyc``,
made by pytest's own functions, with the test file's size and time, which pytest checks
before using it); for every other module of ``src`` and ``tests``, Python's usual ``.pyc``
(compileall). A file pytest or Python finds stale, or a cache it cannot read, is made
anew as without this; nothing here changes what a test runs.

Usage, from the repository's root: ``python -m tests.warm_bytecode [ROOT]``.
"""

from __future__ import annotations

import compileall
import fnmatch
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

from _pytest.assertion.rewrite import PYC_TAIL, _rewrite_test, _write_pyc_fp

# pytest's default for ``python_files`` (pyproject's [tool.pytest.ini_options] may set its own).
DEFAULT_PYTHON_FILES = ("test_*.py", "*_test.py")


def pytest_ini(root: Path) -> dict[str, Any]:
    """pyproject's ``[tool.pytest.ini_options]`` (empty without one)."""
    try:
        with (root / "pyproject.toml").open("rb") as f:
            project = tomllib.load(f)
    except FileNotFoundError:
        return {}
    ini: dict[str, Any] = project.get("tool", {}).get("pytest", {}).get("ini_options", {})
    return ini


def python_files(ini: dict[str, Any]) -> list[str]:
    """The test file patterns pytest uses (``python_files``): the modules it rewrites."""
    patterns = ini.get("python_files", DEFAULT_PYTHON_FILES)
    return patterns.split() if isinstance(patterns, str) else list(patterns)


def is_rewritten(path: Path, patterns: list[str]) -> bool:
    """Whether pytest rewrites ``path`` as a test module (a test file or a conftest)."""
    return path.name == "conftest.py" or any(fnmatch.fnmatch(path.name, p) for p in patterns)


def write_rewritten(path: Path) -> bool:
    """Write pytest's rewritten-module cache for ``path``, as pytest's import hook does
    (rewrite, compile, write to a temporary file, rename); False where it cannot."""
    cache = path.parent / "__pycache__"
    pyc = cache / (path.name[:-3] + PYC_TAIL)
    try:
        source_stat, code = _rewrite_test(path, None)  # type: ignore[arg-type]
        cache.mkdir(exist_ok=True)
        partial = pyc.with_name(f"{pyc.name}.{os.getpid()}")
        with partial.open("wb") as f:
            _write_pyc_fp(f, source_stat, code)
        os.replace(partial, pyc)
    except (OSError, SyntaxError, ValueError):
        return False  # pytest rewrites it itself (and reports a syntax error there)
    return True


def warm(root: Path) -> tuple[int, int]:
    """Write the bytecode of ``root``'s tests and sources: (rewritten, compiled) counts."""
    ini = pytest_ini(root)
    patterns = python_files(ini)
    # Rewritten as pytest does without a config: the same code unless the project turns
    # on the assertion pass hook (then pytest rewrites the test modules itself).
    rewrite = not ini.get("enable_assertion_pass_hook", False)
    rewritten = compiled = 0
    plain: list[Path] = []
    for top in ("src", "tests"):
        for path in sorted((root / top).rglob("*.py")):
            if "__pycache__" in path.parts or "node_modules" in path.parts:
                continue
            if top == "tests" and is_rewritten(path, patterns):
                rewritten += rewrite and write_rewritten(path)
            else:
                plain.append(path)
    for path in plain:
        compiled += bool(compileall.compile_file(path, quiet=2))
    return rewritten, compiled


def main(argv: list[str]) -> None:
    """Warm the bytecode of the repository at ``argv[0]`` (default: the current directory)."""
    root = Path(argv[0] if argv else ".").resolve()
    rewritten, compiled = warm(root)
    print(f"warm_bytecode: {rewritten} test modules rewritten, {compiled} modules compiled")


if __name__ == "__main__":
    main(sys.argv[1:])

"""tests/warm_bytecode.py writes the caches pytest and Python would write, and they are used."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _pytest.assertion.rewrite import PYC_TAIL, _read_pyc, _rewrite_test

from .warm_bytecode import warm

TEST_SOURCE = """
from helper import add


def test_add():
    assert add(1, 2) == 4
"""


def _project(root: Path) -> dict[str, Path]:
    """A small project: a source package, a test file, a conftest and a test helper."""
    files = {
        "mod": root / "src" / "pkg" / "mod.py",
        "test": root / "tests" / "test_sample.py",
        "conftest": root / "tests" / "conftest.py",
        "helper": root / "tests" / "helper.py",
    }
    sources = {
        "mod": "VALUE = 1\n",
        "test": TEST_SOURCE,
        "conftest": "def check(x):\n    assert x, 'conftest asserts are rewritten too'\n",
        "helper": "def add(a, b):\n    return a + b\n",
    }
    for name, path in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(sources[name], encoding="utf-8")
    (root / "pyproject.toml").write_text("[project]\nname = 'sample'\n", encoding="utf-8")
    return files


def _rewritten_pyc(path: Path) -> Path:
    return path.parent / "__pycache__" / (path.name[:-3] + PYC_TAIL)


def test_test_modules_get_pytests_own_rewritten_code_and_the_rest_plain_bytecode(
    tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    files = _project(tmp_path)
    assert warm(tmp_path) == (2, 2)
    for name in ("test", "conftest"):
        path = files[name]
        code = _read_pyc(path, _rewritten_pyc(path))
        assert code is not None, f"pytest would not read {name}'s cache"
        # The very code pytest's import hook makes, with this session's config.
        assert code == _rewrite_test(path, pytestconfig)[1]
        assert code.co_filename == str(path)
        assert not Path(importlib.util.cache_from_source(str(path))).exists()
    for name in ("mod", "helper"):
        path = files[name]
        assert Path(importlib.util.cache_from_source(str(path))).is_file()
        assert not _rewritten_pyc(path).exists()


def test_pytest_uses_the_cache_as_is_and_still_explains_a_failed_assert(tmp_path: Path) -> None:
    files = _project(tmp_path)
    warm(tmp_path)
    pyc = _rewritten_pyc(files["test"])
    written = pyc.stat().st_mtime_ns
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp_path],
        cwd=tmp_path / "tests",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    # The rewritten assert's explanation: the cached code is pytest's rewrite.
    assert "assert 3 == 4" in run.stdout
    assert "where 3 = add(1, 2)" in run.stdout
    assert pyc.stat().st_mtime_ns == written  # read, not made anew


def test_a_stale_or_broken_file_is_left_for_pytest(tmp_path: Path) -> None:
    files = _project(tmp_path)
    files["test"].write_text("def test_broken(:\n", encoding="utf-8")
    assert warm(tmp_path) == (1, 2)  # the conftest only
    assert not _rewritten_pyc(files["test"]).exists()

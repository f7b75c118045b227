"""``SHARED_LAB`` itself (tests/fixtures/shared_labs.py, xdist_groups.py): test modules
that name the same shared lab get one lab, made once, on one worker of
``pytest -n 2 --dist loadgroup`` (as scripts/test.sh runs the suite); a module naming
none gets its own. Run on stand-in modules whose "lab" is a log line, not a JupyterLab."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONFTEST = """
import contextlib, json, os
import pytest

pytest_plugins = ["tests.fixtures.shared_labs", "tests.fixtures.xdist_groups"]
LOG = os.environ["SHARED_LAB_LOG"]


def note(**entry):
    with open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\\n")


@pytest.fixture(scope="session")
def _stopping_servers():
    yield None


@pytest.fixture(scope="session")
def _worker_browser():
    yield None


@pytest.fixture(scope="module")
def lab(request):
    from tests.fixtures.shared_labs import module_fixture

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")

    @contextlib.contextmanager
    def started():
        lab = f"{worker}:{request.module.__name__}"
        note(event="start", lab=lab)
        yield lab
        note(event="stop", lab=lab)

    yield from module_fixture(request, "lab", started)
"""

MODULE = """
{shared}
def test_one(lab):
    __import__("conftest").note(event="test", module=__name__, lab=lab)


def test_two(lab):
    __import__("conftest").note(event="test", module=__name__, lab=lab)
"""


def run_modules(tmp_path: Path, *args: str) -> list[dict[str, str]]:
    """Run the stand-in modules under pytest with ``args``; the log's entries."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    for name, shared in [("a", "one"), ("b", None), ("c", "one"), ("d", "two")]:
        line = f"SHARED_LAB = {shared!r}" if shared else ""
        (tmp_path / f"test_{name}.py").write_text(MODULE.format(shared=line))
    log = tmp_path / "log.jsonl"
    # Only the plugins these runs use: the other installed ones cost each process ~1 s.
    env = {
        **os.environ,
        "SHARED_LAB_LOG": str(log),
        "PYTHONPATH": str(REPO),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [json.loads(line) for line in log.read_text().splitlines()]


def test_modules_naming_one_shared_lab_get_one_lab_on_one_worker(tmp_path: Path) -> None:
    # As scripts/test.sh runs the suite; test_b (no shared lab) is collected between the
    # two modules of lab "one", and test_d names another.
    entries = run_modules(tmp_path, "-p", "xdist.plugin", "-n", "2", "--dist", "loadgroup")
    labs: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        if entry["event"] == "test":
            labs[entry["module"]].add(entry["lab"])
    assert sorted(labs) == ["test_a", "test_b", "test_c", "test_d"]
    assert all(len(seen) == 1 for seen in labs.values()), labs
    # test_a and test_c share one lab (so one worker), made once and stopped once;
    # test_b and test_d have their own.
    assert labs["test_a"] == labs["test_c"]
    assert len({*labs["test_a"], *labs["test_b"], *labs["test_d"]}) == 3
    starts = sorted(e["lab"] for e in entries if e["event"] == "start")
    stops = sorted(e["lab"] for e in entries if e["event"] == "stop")
    assert len(starts) == 3 and starts == stops, entries

"""Deferred package ``__init__`` (serverext/deferred_imports.py): the server's idle memory.

The deferral's semantics, checked on a small package written to a temporary folder. What
the server extension defers, each checked in a fresh Python:
test_deferred_imports_server.py.
"""

from __future__ import annotations

import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_chatkit.serverext.deferred_imports import (
    defer_package,
    is_deferred,
    reexports,
)

from .fresh_python import fresh_python_servers as fresh_python_servers  # autouse

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "chatkit_deferred_fixture_pkg"


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    """A package whose ``__init__`` counts its runs in ``runs.txt`` and imports a sibling."""
    root = tmp_path / PACKAGE
    root.mkdir()
    (root / "__init__.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            _runs = Path(__file__).with_name("runs.txt")
            _runs.write_text(_runs.read_text() + "x" if _runs.exists() else "x")
            if Path(__file__).with_name("fail").exists():
                raise RuntimeError("broken __init__")
            VALUE = 42
            from . import heavy as heavy
            from .light import LIGHT
            from .circular import SEEN
            """
        )
    )
    (root / "light.py").write_text("LIGHT = 'light'\n")
    (root / "heavy.py").write_text("HEAVY = 'heavy'\n")
    # Reads the package while it is imported, and the __init__ imports it (as
    # mcp.client.session_group does): it needs the usual order, the __init__ first.
    (root / "circular.py").write_text(f"import {PACKAGE}\nSEEN = {PACKAGE}.VALUE\n")
    # A subpackage whose __init__ takes a name from a light submodule and imports a
    # heavy one (as sqlalchemy.ext.asyncio's does its engine and its ORM session).
    sub = root / "sub"
    sub.mkdir()
    (sub / "__init__.py").write_text(
        "from .core import CORE as CORE\nfrom .session import SESSION as SESSION\n"
    )
    (sub / "core.py").write_text("from . import errors\nCORE = 'core'\n")
    (sub / "errors.py").write_text("ERROR = 'error'\n")
    (sub / "session.py").write_text("SESSION = 'session'\n")
    sys.path.insert(0, str(tmp_path))
    try:
        yield root
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


LIGHT_ONLY = (f"{PACKAGE}.light",)


def runs(root: Path) -> str:
    path = root / "runs.txt"
    return path.read_text() if path.exists() else ""


def test_a_submodule_import_does_not_run_the_init_and_any_use_of_the_package_does(
    package: Path,
) -> None:
    assert defer_package(PACKAGE, LIGHT_ONLY)
    from chatkit_deferred_fixture_pkg.light import LIGHT

    assert LIGHT == "light"
    assert runs(package) == "" and is_deferred(PACKAGE)
    assert f"{PACKAGE}.heavy" not in sys.modules
    # vars() reads __dict__ (what openai-agents does with `mcp`): the real __init__ runs.
    assert vars(sys.modules[PACKAGE])["VALUE"] == 42
    assert runs(package) == "x" and not is_deferred(PACKAGE)
    assert f"{PACKAGE}.heavy" in sys.modules
    import chatkit_deferred_fixture_pkg as pkg

    assert pkg.heavy.HEAVY == "heavy" and pkg.VALUE == 42 and runs(package) == "x"


def test_any_other_submodule_runs_the_init_first_as_without_the_deferral(
    package: Path,
) -> None:
    assert defer_package(PACKAGE, LIGHT_ONLY)
    from chatkit_deferred_fixture_pkg.circular import SEEN

    assert SEEN == 42 and runs(package) == "x" and not is_deferred(PACKAGE)
    from chatkit_deferred_fixture_pkg.heavy import HEAVY

    assert HEAVY == "heavy" and runs(package) == "x"
    circular = sys.modules[f"{PACKAGE}.circular"]
    assert circular.__spec__ is not None and circular.__spec__.loader is circular.__loader__
    assert type(circular.__loader__).__name__ == "SourceFileLoader"


def test_threads_importing_a_submodule_and_using_it_at_once_run_the_init_once(
    package: Path,
) -> None:
    assert defer_package(PACKAGE, LIGHT_ONLY)
    module = sys.modules[PACKAGE]
    start = threading.Barrier(8)
    seen: list[object] = []
    errors: list[BaseException] = []

    def use(kind: int) -> None:
        start.wait()
        try:
            if kind:
                from chatkit_deferred_fixture_pkg.heavy import HEAVY

                seen.append(HEAVY)
            else:
                seen.append(module.VALUE)
        except BaseException as error:  # reported below, with the thread's kind
            errors.append(error)

    threads = [threading.Thread(target=use, args=(i % 2,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(map(str, seen)) == sorted(["42", "heavy"] * 4)
    assert runs(package) == "x" and not is_deferred(PACKAGE)
    assert sys.modules[f"{PACKAGE}.heavy"] is module.heavy


def test_from_import_and_dir_run_the_init(package: Path) -> None:
    assert defer_package(PACKAGE, LIGHT_ONLY)
    from chatkit_deferred_fixture_pkg import VALUE

    assert VALUE == 42 and runs(package) == "x"
    assert "VALUE" in dir(sys.modules[PACKAGE])


def test_a_failing_init_raises_and_the_next_import_starts_afresh(package: Path) -> None:
    (package / "fail").write_text("")
    assert defer_package(PACKAGE, LIGHT_ONLY)
    module = sys.modules[PACKAGE]
    with pytest.raises(RuntimeError, match="broken __init__"):
        _ = module.VALUE
    assert PACKAGE not in sys.modules  # as after any failed import
    (package / "fail").unlink()
    import chatkit_deferred_fixture_pkg as pkg

    assert pkg.VALUE == 42 and runs(package) == "xx"


def test_threads_using_it_at_once_run_the_init_once(package: Path) -> None:
    assert defer_package(PACKAGE, LIGHT_ONLY)
    module = sys.modules[PACKAGE]
    start = threading.Barrier(8)
    values: list[int] = []

    def use() -> None:
        start.wait()
        values.append(module.VALUE)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert values == [42] * 8 and runs(package) == "x"


def test_nothing_is_deferred_when_imported_already_or_not_a_package(package: Path) -> None:
    assert not defer_package("json")  # imported already
    assert not defer_package("chatkit_no_such_package_here")
    assert not defer_package(f"{PACKAGE}.light")  # a module, not a package
    assert PACKAGE not in sys.modules


def test_a_subpackage_serves_its_forwarded_names_without_its_init(package: Path) -> None:
    sub = f"{PACKAGE}.sub"
    forward = {"CORE": f"{sub}.core", "core": None, "errors": None}
    # Registered before its parent is imported: nothing is imported now.
    assert defer_package(sub, [f"{sub}.core", f"{sub}.errors"], forward)
    assert PACKAGE not in sys.modules
    from chatkit_deferred_fixture_pkg.sub import CORE  # the parent's __init__ runs

    assert CORE == "core"
    assert is_deferred(sub) and f"{sub}.session" not in sys.modules
    assert sys.modules[PACKAGE].sub is sys.modules[sub]  # bound in its parent
    # Any other name runs the subpackage's __init__ first.
    from chatkit_deferred_fixture_pkg.sub import SESSION

    assert SESSION == "session" and not is_deferred(sub)
    assert sys.modules[sub].CORE == "core"


def test_reexports_reads_only_an_init_that_does_nothing_else(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text(
        '"""Doc."""\nfrom __future__ import annotations\n'
        "from .a import A as A\nfrom .b.c import C\nfrom . import d\nfrom .e import A\n"
    )
    expected = {"A": "p.e", "C": "p.b.c", "d": None, "a": None, "b": None, "e": None}
    assert reexports("p", str(init)) == expected
    for body in ("import os\n", "from .a import *\n", "X = 1\n", "from .x import a\n",
                 "from . import a as b\n"):  # fmt: skip
        init.write_text("from .a import A\n" + body)
        assert reexports("p", str(init)) is None, body

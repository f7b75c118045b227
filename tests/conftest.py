"""Shared pytest configuration: fixtures live in tests/fixtures/, registered here."""

from __future__ import annotations

import pytest

pytest_plugins: list[str] = [
    "pytest_jupyter.jupyter_server",
    "tests.fixtures.llm_guard",
    "tests.fixtures.fake_llm",
    "tests.fixtures.postgres",
    "tests.fixtures.store",
    "tests.fixtures.browser",
    "tests.fixtures.ipython",
    "tests.fixtures.models",
    "tests.fixtures.mcp_chat",
]

# Fixtures of these scopes are set up once per module (class, package) on a worker: the
# module's tests stay together there, or each worker would start its own (a JupyterLab).
_SHARED_SCOPES = frozenset({"class", "module", "package"})


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Work units for ``pytest -n 2 --dist loadgroup --no-loadscope-reorder`` (scripts/test.sh).

    A module whose tests share a module-scoped fixture (a JupyterLab, a built wheel) is
    one unit: its tests stay on one worker, the fixture is made once. Every other test is
    a unit of its own, so a module of many costly tests (subprocess imports, megabyte
    texts) is shared by both workers instead of holding one for minutes at the end.
    Units go out in this order: browser tests (the longest units) first, then the other
    grouped modules, then the single tests, which even out the workers' ends.
    ``--dist loadfile`` put a whole file on one worker and handed out files by test
    count, so the few-test browser modules came last: the run ended on one worker.
    Without ``--dist loadgroup`` the marks do nothing and the order is the same sort.
    """
    rank: dict[int, int] = {}
    for item in items:
        infos = getattr(item, "_fixtureinfo", None)
        defs = infos.name2fixturedefs.values() if infos is not None else ()
        grouped = any(fd.scope in _SHARED_SCOPES for seq in defs for fd in seq)
        if grouped:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))
        rank[id(item)] = 0 if item.get_closest_marker("browser") else 1 if grouped else 2
    items.sort(key=lambda item: rank[id(item)])  # stable: modules stay in their order

"""Shared pytest configuration: fixtures live in tests/fixtures/, registered here."""

from __future__ import annotations

import pytest

# The plugins, registered in this order (by pytest_configure below) by every process that
# runs tests: a plain pytest run, each pytest-xdist worker.
PLUGINS: tuple[str, ...] = (
    "pytest_jupyter.jupyter_server",
    "tests.fixtures.llm_guard",
    "tests.fixtures.fake_llm",
    "tests.fixtures.postgres",
    "tests.fixtures.store",
    "tests.fixtures.shared_labs",
    "tests.fixtures.jupyter_servers",
    "tests.fixtures.browser",
    "tests.fixtures.ipython",
    "tests.fixtures.models",
    "tests.fixtures.xdist_groups",
    "tests.fixtures.mcp_chat",
    "tests.fixtures.endpoint",
)
# The only ones xdist's controller (``-n N``) registers: it hands the tests to its workers
# and runs none, and importing the others (jupyter_server, tornado, IPython with them)
# was ~1 s of its CPU before it started its workers.
CONTROLLER_PLUGINS = frozenset({"tests.fixtures.xdist_groups"})


def runs_tests(config: pytest.Config) -> bool:
    """False in pytest-xdist's controller, which runs no test itself."""
    if hasattr(config, "workerinput") or config.getoption("collectonly"):
        return True  # a worker; or collecting only, where xdist stays out
    if config.getoption("showfixtures") or config.getoption("show_fixtures_per_test"):
        return True
    return config.getoption("dist", "no") == "no" or not config.getoption("tx", None)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Register the plugins (as ``pytest_plugins`` would, before the others configure)."""
    everything = runs_tests(config)
    for name in PLUGINS:
        if everything or name in CONTROLLER_PLUGINS:
            config.pluginmanager.import_plugin(name)

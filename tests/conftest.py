"""Shared pytest configuration: fixtures live in tests/fixtures/, registered here."""

from __future__ import annotations

pytest_plugins: list[str] = [
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
]

"""Where a store's unsaved new conversations are kept (store/unsaved_spool.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from jupyter_chatkit.store.unsaved_spool import UnsavedSpool


def _where(url: str) -> Path | None:
    spool = UnsavedSpool.of(make_url(url))
    return None if spool is None else spool.directory


def test_a_sqlite_uri_is_kept_beside_its_file(tmp_path: Path) -> None:
    db = tmp_path / "chat.sqlite3"
    assert _where(f"sqlite+aiosqlite:///file:{db}?uri=true") == Path(f"{db}-unsaved")
    assert _where(f"sqlite+aiosqlite:///{db}") == Path(f"{db}-unsaved")


@pytest.mark.parametrize(
    "url",
    [
        "sqlite+aiosqlite:///:memory:",
        "sqlite+aiosqlite:///file::memory:?uri=true",
        "sqlite+aiosqlite:///file:one?mode=memory&uri=true",
    ],
)
def test_an_in_memory_store_has_none(url: str) -> None:
    assert _where(url) is None


def test_a_postgresql_store_is_named_without_its_secrets() -> None:
    plain = _where("postgresql+psycopg://ann@db.example/chat?sslmode=require")
    assert plain is not None
    for url in (
        "postgresql+psycopg://ann:pw1@db.example/chat?sslmode=require",
        "postgresql+psycopg://ann@db.example/chat?sslmode=require&password=pw2",
        "postgresql+psycopg://ann@db.example/chat?sslmode=require&sslpassword=pw3",
    ):
        assert _where(url) == plain
    assert _where("postgresql+psycopg://ann@db.example/other?sslmode=require") != plain
    assert _where("postgresql+psycopg://ann@db.example/chat") != plain

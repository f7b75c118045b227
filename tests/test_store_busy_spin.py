"""A write waiting for SQLite's lock never spins.

SQLite may answer ``SQLITE_BUSY`` at once, without calling its busy handler (a deadlock
it detects, say). Each try of ``BEGIN IMMEDIATE`` then took microseconds, and the writer
thread retried at full CPU until ``store_lock_timeout`` was spent. Now a try that ends
early waits out the rest of its slice (on the write's stop flag: Stop still ends it at
once), so the tries are bounded by the budget over ``BUSY_SLICE``. That answer cannot be
caused on demand: the connection here answers it, as SQLite would, and nothing else.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from jupyter_chatkit.store.engine import StoreBusyError
from jupyter_chatkit.store.onehop import (
    BUSY_SLICE,
    LockWaitClock,
    _begin_within,
    _LockBudget,
)

BUDGET = 0.3


class _AlwaysBusy:
    """A connection whose ``BEGIN`` SQLite refuses at once, busy handler uncalled."""

    def __init__(self) -> None:
        self.tries = 0

    def execute(self, _sql: str) -> None:
        """The ``PRAGMA busy_timeout`` set before each try."""

    def begin(self) -> Any:
        self.tries += 1
        busy = sqlite3.OperationalError("database is locked")
        busy.sqlite_errorcode = sqlite3.SQLITE_BUSY
        raise OperationalError("BEGIN IMMEDIATE", None, busy)


def test_an_instant_busy_answer_is_retried_once_a_slice_not_in_a_spin() -> None:
    conn = _AlwaysBusy()
    with pytest.raises(StoreBusyError):
        _begin_within(conn, conn, _LockBudget(LockWaitClock(), BUDGET))  # type: ignore[arg-type]
    assert conn.tries <= BUDGET / BUSY_SLICE + 2

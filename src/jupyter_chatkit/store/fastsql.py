"""The store's hot statements on SQLite, run on the driver's connection directly.

SQLAlchemy's execution of a statement (its cache lookup, parameter processing, event
dispatch and result set-up) took ~20 us of CPU where SQLite itself takes ~2 us; a
follow-up turn runs about ten such statements. :func:`execute` runs a statement built
once with bound parameters (see :mod:`.statements`) on the SQLite connection under the
caller's SQLAlchemy transaction: compiled once, the same SQL text, the same parameters,
NUL refused as :func:`.engine._refuse_nul` does, and driver errors handled by
SQLAlchemy as its own (``IntegrityError``, ``OperationalError``, ..., without their
parameters; a lost connection invalidated). Statements it cannot run that way, and
PostgreSQL, go through SQLAlchemy.

Only the store's own synchronous SQLite engines (marked with :data:`FAST_OPTION`, see
:mod:`.onehop`) take this path, and only while nobody else watches their statements:
a statement listener besides the store's NUL check (``before_execute``,
``before_cursor_execute`` and their ``after_`` events: a tracer, a test recording
statements) or ``echo`` sends every statement through SQLAlchemy again, so whoever
listens sees each one as before. That is checked once per transaction, at its
``BEGIN`` (:func:`begin_transaction`, the engines' ``begin`` hook): looking the
listeners up walks SQLAlchemy's joined event collections (engine, its options'
engine, the connection), ~20 us of CPU, which per statement cost more than the
statement. A listener added while a transaction runs sees the statements from the
next transaction on (one added between transactions sees all of them, ``BEGIN`` too).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

from .engine import BEGIN_MODE_OPTION, NulCharacterError

_DIALECT = sqlite.dialect(paramstyle="qmark")

FAST_OPTION = "jupyter_chatkit_fast_sqlite"
"""Execution option marking an engine whose statements :func:`execute` may run."""

# The key in a connection's ``info`` (the pooled DBAPI connection's own dict) of the
# sqlite3 connection :func:`execute` may use in the current transaction, or None: set
# by :func:`begin_transaction` at every BEGIN.
_DRIVER_KEY = "jupyter_chatkit_fast_driver"


def _unobserved(conn: Connection) -> bool:
    """One of the store's engines, and only its own NUL check listens (see module doc)."""
    if not conn.get_execution_options().get(FAST_OPTION) or conn._echo:
        return False
    dispatch = conn.dispatch
    return (
        len(dispatch.before_cursor_execute) == 1
        and not dispatch.after_cursor_execute
        and not dispatch.before_execute
        and not dispatch.after_execute
    )


@dataclass
class _Compiled:
    """A statement's SQL for the sqlite3 driver, its parameter names in order, the
    values of its binds that have one (a ``LIMIT``'s ``OFFSET 0``), and the row type of
    its results (made from the first result's columns)."""

    sql: str
    names: tuple[str, ...]
    fixed: dict[str, Any]
    row: Any = field(default=None)


# By statement identity; the statement is kept with it, so the id is never reused.
_COMPILED: dict[int, tuple[ClauseElement, _Compiled | None]] = {}


def _compiled(stmt: ClauseElement) -> _Compiled | None:
    """``stmt`` compiled for the driver, or ``None`` if it needs SQLAlchemy to run.

    Only statements whose binds are plain parameters (named, or with a fixed value) that
    no type converts qualify, as do their result columns (what :mod:`.statements` and
    :mod:`.paging` build).
    """
    entry = _COMPILED.get(id(stmt))
    if entry is not None and entry[0] is stmt:
        return entry[1]
    compiled = stmt.compile(dialect=_DIALECT)
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    binds = [compiled.binds.get(name) for name in names]
    plain = all(
        bind is not None
        and bind.callable is None
        and not bind.expanding
        and bind.type._cached_bind_processor(_DIALECT) is None
        for bind in binds
    )
    # Result columns whose values SQLAlchemy would convert are not read raw either.
    plain = plain and all(
        column.type._cached_result_processor(_DIALECT, None) is None
        for column in getattr(stmt, "selected_columns", ())
    )
    fixed = {
        name: bind.value
        for name, bind in zip(names, binds, strict=True)
        if bind is not None and bind.value is not None
    }
    result = _Compiled(str(compiled), names, fixed) if plain else None
    _COMPILED[id(stmt)] = (stmt, result)
    return result


class FastResult:
    """What :func:`execute` returns: ``rowcount`` and the rows, by name like SQLAlchemy's."""

    def __init__(self, rowcount: int, rows: Sequence[Any]) -> None:
        self.rowcount = rowcount
        self._rows = rows

    def all(self) -> Sequence[Any]:
        """Every row."""
        return self._rows

    def first(self) -> Any:
        """The first row, or ``None``."""
        return self._rows[0] if self._rows else None

    def one_or_none(self) -> Any:
        """The only row, or ``None``; more than one is an error as in SQLAlchemy."""
        if len(self._rows) > 1:
            raise ValueError("more than one row where at most one was expected")
        return self.first()


def execute(conn: Connection, stmt: Any, params: Mapping[str, Any]) -> Any:
    """``conn.execute(stmt, params)``, on SQLite without SQLAlchemy's execution.

    The result has ``rowcount`` and ``all()`` / ``first()`` / ``one_or_none()`` with
    rows readable by column name, as SQLAlchemy's result has.
    """
    # Checked at this transaction's BEGIN (see the module docstring); any other
    # connection (PostgreSQL, the async engine's) has no entry and goes through SQLAlchemy.
    driver = conn.info.get(_DRIVER_KEY)
    compiled = _compiled(stmt) if isinstance(driver, sqlite3.Connection) else None
    if compiled is None:
        return conn.execute(stmt, dict(params))
    fixed = compiled.fixed
    if any(name not in params and name not in fixed for name in compiled.names):
        return conn.execute(stmt, dict(params))
    assert isinstance(driver, sqlite3.Connection)
    values = [params[name] if name in params else fixed[name] for name in compiled.names]
    if any(isinstance(value, str) and "\x00" in value for value in values):
        raise NulCharacterError("Text must not contain NUL characters (U+0000).")
    try:
        cursor = driver.execute(compiled.sql, values)
        rows = cursor.fetchall()
    except sqlite3.Error as exc:
        _raise_as_sqlalchemy(conn, exc, compiled.sql)
    if cursor.description is not None and rows:
        if compiled.row is None:
            compiled.row = namedtuple(  # type: ignore[misc]
                "Row", [column[0] for column in cursor.description], rename=True
            )
        make = compiled.row._make
        rows = [make(row) for row in rows]
    return FastResult(cursor.rowcount, rows)


def begin_transaction(conn: Connection) -> None:
    """:func:`.engine.begin_sqlite_transaction` (a ``begin`` event hook of the store's
    synchronous SQLite engines), the ``BEGIN`` sent by the driver directly; and whether
    :func:`execute` may run this transaction's statements on the driver."""
    mode = conn.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    sql = f"BEGIN {mode}"
    driver = conn.connection.driver_connection if _unobserved(conn) else None
    if not isinstance(driver, sqlite3.Connection):
        driver = None
    # Before the BEGIN: a failed one leaves no driver for the statements after it.
    conn.info[_DRIVER_KEY] = driver
    if driver is None:
        conn.exec_driver_sql(sql)
        return
    try:
        driver.execute(sql)
    except sqlite3.Error as exc:
        _raise_as_sqlalchemy(conn, exc, sql)


def _raise_as_sqlalchemy(conn: Connection, exc: sqlite3.Error, sql: str) -> NoReturn:
    """Raise what SQLAlchemy raises for ``exc`` (its own handling: the exception class,
    a lost connection invalidated, ``handle_error`` hooks), without the parameters."""
    conn._handle_dbapi_exception(exc, sql, None, None, None)

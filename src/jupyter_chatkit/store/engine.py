"""Turning a store URL into a configured async SQLAlchemy engine.

Two backends, one code path: SQLite through aiosqlite (the default, a file in the Jupyter
data directory) and PostgreSQL through asyncpg. Everything dialect-specific about
connections lives here; queries elsewhere are plain SQLAlchemy Core.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Table, event
from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, Connection, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

# Here for the store's users; the stream's icon is declared with the protocol.
from ..protocol import LOCK_WAIT_ICON as LOCK_WAIT_ICON

# Defined beside its setting: naming the default path (jupyter chatkit) loads no store.
from ..settings import default_sqlite_path as default_sqlite_path

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PGInsert

Dialect = Literal["sqlite", "postgresql"]

# aiosqlite logs every statement with its parameters (the conversation) at DEBUG; a
# server run with debug logging must not copy chats into its log.
if logging.getLogger("aiosqlite").level == logging.NOTSET:
    logging.getLogger("aiosqlite").setLevel(logging.INFO)

# How long a SQLite connection waits for another writer's lock before failing. Writers
# hold the lock only for one short transaction, so this is generous on purpose: the
# Jupyter server and kernels may share one file.
SQLITE_BUSY_TIMEOUT_MS = 30_000

# Execution option read by the SQLite "begin" hook: writes begin IMMEDIATE.
BEGIN_MODE_OPTION = "jupyter_chatkit_begin"

_SQLITE_DRIVERS = {"sqlite", "sqlite+aiosqlite"}
_POSTGRES_DRIVERS = {"postgresql", "postgres", "postgresql+asyncpg"}


class StoreURLError(ArgumentError, ValueError):
    """A store URL the store cannot use (unparsable, in-memory SQLite, another database).

    A ValueError, and an SQLAlchemy ``ArgumentError`` so the server answers it as a
    store that cannot open (naming the setting to check), not as an unknown failure.
    Its message never holds the URL (a password)."""


def resolve_url(url: str) -> URL:
    """Map a user-facing store URL to a SQLAlchemy URL with an async driver.

    ``""`` is the default SQLite file; ``sqlite:///path`` and ``sqlite+aiosqlite:///path``
    use aiosqlite; ``postgresql://``, ``postgres://`` and ``postgresql+asyncpg://`` use
    asyncpg. Anything else raises :class:`StoreURLError` (without echoing a password).
    """
    if not url.strip():
        return URL.create("sqlite+aiosqlite", database=str(default_sqlite_path()))
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise StoreURLError("store URL is not a valid database URL") from None
    driver = parsed.drivername
    if driver in _SQLITE_DRIVERS:
        database = parsed.database or ""
        if database in ("", ":memory:") or "mode=memory" in str(parsed.query):
            # Each pooled connection would see its own empty database.
            raise StoreURLError("an in-memory SQLite store is not supported; give a file path")
        return parsed.set(drivername="sqlite+aiosqlite", database=os.path.expanduser(database))
    if driver in _POSTGRES_DRIVERS:
        return parsed.set(drivername="postgresql+asyncpg")
    raise StoreURLError(
        f"unsupported store URL scheme {driver!r}: use sqlite:///path or postgresql://..."
    )


@dataclass(frozen=True)
class PoolOptions:
    """The PostgreSQL connection pool of one process (SQLite keeps SQLAlchemy's own).

    Each Jupyter server (and each kernel with its own store) holds up to ``size +
    overflow`` connections; PostgreSQL's default ``max_connections`` is 100.
    """

    size: int = 5
    overflow: int = 10
    # Seconds after which a connection is replaced (-1: never); below a firewall's or
    # PgBouncer's idle timeout, it avoids errors on connections closed behind our back.
    recycle: int = -1
    pre_ping: bool = True
    # Seconds a request waits for a free connection before the store is "unavailable".
    timeout: float = 30.0
    # Seconds a write (and opening the store; on PostgreSQL any transaction) waits for a
    # lock another process holds, before the store is "unavailable": SQLite's file lock
    # (StoreBusyError; the waits of writes queued before it count, this process's own
    # work does not, see onehop.py), PostgreSQL's locks (lock_timeout, SQLSTATE 55P03).
    lock_timeout: float = 10.0

    @classmethod
    def of(cls, settings: Any) -> PoolOptions:
        """The pool options of a :class:`~jupyter_chatkit.settings.JupyterChatKit`."""
        return cls(
            size=settings.store_pool_size,
            overflow=settings.store_max_overflow,
            recycle=settings.store_pool_recycle,
            pre_ping=settings.store_pool_pre_ping,
            timeout=settings.store_pool_timeout,
            lock_timeout=settings.store_lock_timeout,
        )


class StoreBusyError(Exception):
    """A SQLite write (or the opening of a store) waited its ``lock_timeout`` for a lock
    another process holds."""


class LockWaits:
    """This process's waits for a lock another process holds, under way now (any store).

    For people, not for the waits' own bounds: a kernel's answer says it is waiting for
    the conversation store (kernel/live.py) instead of only "Thinking…" for as long as
    ``store_lock_timeout``. Entered on any thread, read on any other.
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waits: dict[object, tuple[float, float]] = {}

    @contextlib.contextmanager
    def waiting(self, limit: float) -> Iterator[None]:
        """Count the time inside as a wait of at most ``limit`` seconds."""
        token = object()
        with self._guard:
            self._waits[token] = (time.monotonic(), limit)
        try:
            yield
        finally:
            with self._guard:
                del self._waits[token]

    def oldest(self) -> tuple[float, float] | None:
        """``(seconds waited so far, limit)`` of the longest wait under way; None if none."""
        with self._guard:
            if not self._waits:
                return None
            start, limit = min(self._waits.values())
        return time.monotonic() - start, limit


LOCK_WAITS = LockWaits()
"""The waits for another process's lock under way in this process."""

STORE_WAIT_SHOWN_AFTER = 1.0
"""Seconds a write waits for another process's lock before people are told: one of
another writer's short transactions is over in milliseconds."""

LockWaitListener = Callable[[str, bool], None]
"""Told ``(text, True)``, what to show people (:func:`lock_wait_message`; a turn's wait
for the one before it: :data:`~.turns.TURN_WAIT_MESSAGE`), when a write has waited
:data:`STORE_WAIT_SHOWN_AFTER` for another process's lock, then ``(text, False)``, the
same text, when that wait is over (the lock got, or not): a listener told of several
waits at once knows which one ended."""

_LOCK_WAIT_LISTENER: ContextVar[LockWaitListener | None] = ContextVar(
    "jupyter_chatkit_lock_wait_listener", default=None
)


@contextlib.contextmanager
def lock_waits_told_to(listener: LockWaitListener) -> Iterator[None]:
    """Inside, the store's writes of this context (a request's task and the tasks it
    starts) that wait for another process's lock tell ``listener`` (see
    :data:`LockWaitListener`); on SQLite, where this process sees the wait."""
    token = _LOCK_WAIT_LISTENER.set(listener)
    try:
        yield
    finally:
        _LOCK_WAIT_LISTENER.reset(token)


def lock_wait_listener() -> LockWaitListener | None:
    """The listener of :func:`lock_waits_told_to` of the current context, if any."""
    return _LOCK_WAIT_LISTENER.get()


def lock_wait_message(limit: float, stop: str = "") -> str:
    """What people are told while the store waits for another process's lock: what,
    for how long (``stop``: how to stop sooner, e.g. "; interrupt the kernel to stop"),
    and what to do if it keeps happening."""
    return (
        "Waiting for the conversation store: another process holds it locked (a kernel "
        "or server using the same store, a backup, a sqlite3 shell). Waiting up to "
        f"{max(1, round(limit))} s{stop}. If this keeps happening, close what holds it, or "
        "give this server or kernel a store of its own (JUPYTER_CHATKIT_STORE_URL)."
    )


class NulCharacterError(ValueError):
    """A value for the database holds U+0000, which PostgreSQL text cannot store."""


class NotUnicodeError(UnicodeError):
    """A value for the database holds a lone surrogate, which UTF-8 cannot encode."""


def create_engine_for(url: URL, pool: PoolOptions | None = None) -> AsyncEngine:
    """An engine for a URL from :func:`resolve_url`, with the SQLite setup applied.

    ``hide_parameters``: a database error's message otherwise quotes the bound
    parameters, which are the user's conversation, into whatever logs it. ``pool``
    sizes PostgreSQL's connection pool (default :class:`PoolOptions`).
    """
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            _create_private(Path(url.database))
        engine = create_async_engine(url, hide_parameters=True)
        _configure_sqlite(engine)
    else:
        pool = pool or PoolOptions()
        engine = create_async_engine(
            url,
            pool_size=pool.size,
            max_overflow=pool.overflow,
            pool_recycle=pool.recycle,
            pool_pre_ping=pool.pre_ping,
            pool_timeout=pool.timeout,
            hide_parameters=True,
        )
        _bound_lock_waits(engine, pool.lock_timeout)
    event.listen(engine.sync_engine, "before_cursor_execute", _refuse_nul)
    event.listen(engine.sync_engine, "handle_error", _not_unicode)
    return engine


def _create_private(path: Path) -> None:
    """The SQLite store's file (and its folder), made readable by this OS user alone when
    made here: it holds every conversation and uploaded file, and the default folder
    (Jupyter's data directory) is often readable by every user of the machine. SQLite
    makes its -wal and -shm files with the file's permissions. A file or folder that
    exists (an administrator's, shared on purpose) keeps its own."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def _bound_lock_waits(engine: AsyncEngine, lock_timeout: float) -> None:
    """PostgreSQL: every transaction waits at most ``lock_timeout`` seconds for each lock
    (a row another session is updating, a table an admin's ``LOCK TABLE`` or another
    server's migration holds), then fails with SQLSTATE 55P03, which reads as
    "unavailable" (503). The wait counted is the database's alone, never time queued in
    this process.

    Reads too: they wait only behind a table's ACCESS EXCLUSIVE lock, but that is what
    ``LOCK TABLE`` takes by default, and ``VACUUM FULL``, ``ALTER TABLE`` and another
    release's migration (whose bound may differ from ours) take it; unbounded, each read
    held a pooled connection for as long, until the pool ran dry and every request waited
    ``pool_timeout``. It costs one more round trip per transaction.

    ``SET LOCAL`` in each transaction rather than asyncpg's ``server_settings`` (free, at
    connect): PgBouncer refuses a startup parameter it does not know, and under its
    transaction pooling a session's ``SET`` would stay on whichever server connection
    ran it; ``SET LOCAL`` ends with its transaction.
    """
    setting = f"SET LOCAL lock_timeout = {max(1, int(lock_timeout * 1000))}"

    def set_lock_timeout(conn: Connection) -> None:
        conn.exec_driver_sql(setting)

    event.listen(engine.sync_engine, "begin", set_lock_timeout)


def _refuse_nul(
    _conn: Connection,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> None:
    """Refuse NUL in any text parameter, on both backends alike.

    asyncpg rejects U+0000 in text (a 500 that only PostgreSQL users would see) while
    SQLite stores it; refusing it here, for every statement, makes both stores answer
    the same ``ValueError``, which the server turns into a 400. JSON payloads are not
    affected: their NULs are escaped as ``\\u0000``.
    """
    rows = parameters if executemany else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row
        if any(isinstance(value, str) and "\x00" in value for value in values or ()):
            raise NulCharacterError("Text must not contain NUL characters (U+0000).")


def _not_unicode(context: ExceptionContext) -> BaseException | None:
    """A driver's failure to encode a text parameter (a lone surrogate: Python's JSON
    parser makes one of a ``"\\ud800"`` escape, and our own requests, protocol.Turn, are
    read with it) as :class:`NotUnicodeError`, on both backends alike: SQLite's driver
    raises the codec's ``UnicodeEncodeError`` itself (a 400), asyncpg wraps it in a
    driver error (a 500, its traceback logged). Looked at only when a statement fails:
    checking every parameter first cost ~8 ns a character of each non-ASCII text."""
    cause: BaseException | None = context.original_exception
    while cause is not None:
        if isinstance(cause, UnicodeError):
            return NotUnicodeError("Text must be valid Unicode (no lone surrogates).")
        cause = cause.__cause__
    return None


async def use_wal(engine: AsyncEngine, lock_timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> None:
    """Switch a SQLite database to write-ahead logging (readers never block the writer).

    The mode is stored in the file, so this only does work the first time. Switching
    needs a moment alone with the file and SQLite reports "database is locked" at once,
    without waiting out the busy timeout, when another process is opening the same new
    file; so retry with a short, non-blocking back-off, for at most ``lock_timeout``
    seconds, then :class:`StoreBusyError` (another process holds the new file's lock).
    """
    if engine.dialect.name != "sqlite":
        return
    deadline = time.monotonic() + lock_timeout
    with contextlib.ExitStack() as waits:
        waiting = False
        while True:
            try:
                async with engine.connect() as conn:
                    # Outside any transaction: the mode cannot change inside one.
                    raw = await conn.get_raw_connection()
                    driver: Any = raw.driver_connection
                    async with driver.execute("PRAGMA journal_mode = WAL") as cursor:
                        row = await cursor.fetchone()
                    if row is not None and str(row[0]).lower() == "wal":
                        return
                    raise RuntimeError(f"SQLite refused WAL journal mode (got {row!r})")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusyError("another process holds the store's lock") from None
                if not waiting:  # the first refusal: a wait begins
                    waits.enter_context(LOCK_WAITS.waiting(deadline - time.monotonic()))
                    waiting = True
            await asyncio.sleep(0.05)


def dialect_of(engine: AsyncEngine) -> Dialect:
    """``"sqlite"`` or ``"postgresql"``."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise ValueError(f"unsupported database dialect {name!r}")
    return name  # type: ignore[return-value]


class Writer:
    """Read-write transactions: ``BEGIN IMMEDIATE`` on SQLite, one at a time per process.

    SQLite has one writer at a time anyway. Queueing this process's writers on an
    asyncio lock hands the database lock over at once, where SQLite's busy handler
    would poll and sleep (up to 100 ms a round) while its siblings finish; the busy
    timeout still covers writers in other processes (a kernel sharing the file).
    PostgreSQL writers run concurrently.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
        self._lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @property
    def lock(self) -> asyncio.Lock | None:
        """The lock this process's SQLite writers queue on (None on PostgreSQL)."""
        return self._lock

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        """A connection inside a write transaction, committed on normal exit."""
        if self._lock is None:
            async with self._engine.begin() as conn:
                yield conn
            return
        async with self._lock, self._engine.begin() as conn:
            yield conn


@asynccontextmanager
async def write_within(engine: AsyncEngine, lock_timeout: float) -> AsyncIterator[AsyncConnection]:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite) that waits at most
    ``lock_timeout`` seconds for a lock another process holds, then raises
    :class:`StoreBusyError` with nothing written. Committed on normal exit.

    For what runs once, outside the store's own writer (opening a store: its
    migrations). On PostgreSQL each lock wait is bounded (``lock_timeout``, SQLSTATE
    55P03 past it).
    """
    milliseconds = max(1, int(lock_timeout * 1000))
    if engine.dialect.name != "sqlite":
        async with Writer(engine).begin() as conn:
            await conn.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
            yield conn
        return
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        # SQLite's busy handler waits at BEGIN IMMEDIATE: for this transaction, only
        # lock_timeout; the pooled connection's own timeout is put back after.
        async with driver.execute(f"PRAGMA busy_timeout = {milliseconds}"):
            pass
        try:
            writing = await conn.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
            try:
                with LOCK_WAITS.waiting(lock_timeout):
                    transaction = await writing.begin()
            except DBAPIError as exc:
                if sqlstate_of(exc) in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                    raise StoreBusyError("another process holds the store's write lock") from None
                raise
            try:
                yield writing
            except BaseException:
                await transaction.rollback()
                raise
            await transaction.commit()
        finally:
            with contextlib.suppress(sqlite3.Error):
                async with driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}"):
                    pass


def set_up_sqlite_connection(dbapi_connection: Any, _record: Any = None) -> None:
    """Set up a new SQLite connection (a ``connect`` event hook; sync and async engines)."""
    # Take transaction control away from the sqlite3 module (which would BEGIN lazily
    # and DEFERRED, so two writers can deadlock upgrading read locks); the engine's
    # "begin" hook emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # WAL + NORMAL is durable against application crashes, and only a power loss
        # can lose the last commits; fsync on every chat item would be wasted.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def begin_sqlite_transaction(conn: Connection) -> None:
    """Emit ``BEGIN`` in the connection's mode (a ``begin`` event hook): ``DEFERRED``,
    or ``IMMEDIATE`` when the execution option :data:`BEGIN_MODE_OPTION` says so."""
    mode = conn.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
    if mode not in ("DEFERRED", "IMMEDIATE"):
        raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
    conn.exec_driver_sql(f"BEGIN {mode}")


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine
    event.listen(sync_engine, "connect", set_up_sqlite_connection)
    event.listen(sync_engine, "begin", begin_sqlite_transaction)


def dialect_insert(dialect: Dialect, table: Table) -> SQLiteInsert | PGInsert:
    """An INSERT supporting ``on_conflict_do_*`` (the same API on both dialects)."""
    if dialect == "postgresql":
        # Imported here: the PostgreSQL dialect (and its drivers' modules) is ~2 MB
        # that a server on SQLite never needs.
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    return sqlite_insert(table)


STORE_UNAVAILABLE = "The conversation store is unavailable; try again."
STORE_WAITING = (
    "The assistant is waiting for the conversation store, which another process holds "
    "locked; try again in a moment."
)
"""The answer while the store cannot be opened because another process holds its lock
(its start waits ``store_lock_timeout`` at a time and is retried in the background)."""

STORE_CANNOT_OPEN = (
    "The conversation store could not be opened (the server's log says why). Check "
    "the store's URL (JUPYTER_CHATKIT_STORE_URL), that its database exists and this "
    "server may use it; the next request tries again."
)
"""The answer while the store's first open fails for a reason other than its
availability (a missing database, a refused login): no retry mends it by itself."""

STORE_FULL = (
    "The conversation store's disk is full (or writing to it failed), so nothing new "
    "can be saved; nothing stored is lost. Free some space, or move the store "
    "(JUPYTER_CHATKIT_STORE_URL), then try again."
)
STORE_READ_ONLY = (
    "The conversation store is read-only (its file or folder cannot be written, or the "
    "database takes no writes), so nothing new can be saved; nothing stored is lost. "
    "Make it writable, or give this server or kernel a store it can write "
    "(JUPYTER_CHATKIT_STORE_URL), then try again."
)

# A store that takes no writes at all, by SQLite's error name (extended ones start with
# it: SQLITE_READONLY_DIRECTORY, SQLITE_IOERR_WRITE, ...) or PostgreSQL's SQLSTATE:
# disk_full (53100), read_only_sql_transaction (25006: a standby, a read-only default).
# SQLite says SQLITE_FULL for ENOSPC and SQLITE_IOERR_WRITE for any other failed write
# (EFBIG past a file size limit, EIO): both refuse the transaction, nothing is lost.
_FULL = ("SQLITE_FULL", "SQLITE_IOERR", "53100")
_READ_ONLY = ("SQLITE_READONLY", "25006")

# SQLSTATE classes meaning "not now" rather than "this request is wrong": connection
# exceptions (08), insufficient resources such as too many connections (53), operator
# intervention such as a shutdown (57), and serialization failures / deadlocks (40).
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53", "57", "40")
# lock_not_available: a lock wait past lock_timeout (see _bound_lock_waits).
_LOCK_NOT_AVAILABLE = "55P03"


def sqlstate_of(exc: BaseException) -> str | None:
    """The SQLSTATE (PostgreSQL) or SQLite error name behind a database error, if any."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for attr in ("sqlstate", "pgcode", "sqlite_errorname"):
            value = getattr(current, attr, None)
            if isinstance(value, str) and value:
                return value
        current = getattr(current, "orig", None) or current.__cause__
    return None


def is_store_locked(exc: BaseException) -> bool:
    """True for a lock another process held past ``lock_timeout`` (SQLite's write lock,
    a PostgreSQL lock: SQLSTATE 55P03)."""
    if _said(exc):
        return is_store_locked(exc.__cause__)  # type: ignore[arg-type]
    return isinstance(exc, StoreBusyError) or sqlstate_of(exc) == _LOCK_NOT_AVAILABLE


class StoreFailureInWords(Exception):
    """A store failure raised again in words for people (store/unsaved.py); its
    ``__cause__`` is what failed, which the checks below look at."""


def _said(exc: BaseException) -> bool:
    return isinstance(exc, StoreFailureInWords) and exc.__cause__ is not None


def is_store_unavailable(exc: BaseException) -> bool:
    """True for a database that cannot serve now: connections, pool, locks, shutdown."""
    if _said(exc):
        return is_store_unavailable(exc.__cause__)  # type: ignore[arg-type]
    if isinstance(exc, PoolTimeoutError | DisconnectionError | ConnectionError | StoreBusyError):
        return True
    if isinstance(exc, OSError | asyncio.TimeoutError):
        # Connecting to the server failed (refused, unreachable, timed out).
        return True
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        state = sqlstate_of(exc)
        if _refusal(state) is not None:
            return True
        if state is None or state.startswith("SQLITE_"):
            # No SQLSTATE: the driver failed to connect or talk (an OperationalError or
            # InterfaceError); SQLite: busy or locked files.
            return state is None or state in ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN")
        return state[:2] in _UNAVAILABLE_SQLSTATE_CLASSES or state == _LOCK_NOT_AVAILABLE
    return False


def store_failure_message(exc: BaseException) -> str:
    """What people are told about a store that cannot serve now (for
    :func:`is_store_unavailable` failures): :data:`STORE_WAITING` when another process
    holds its lock past ``lock_timeout`` (wait and try again), :data:`STORE_FULL` or
    :data:`STORE_READ_ONLY` when it takes no writes, else :data:`STORE_UNAVAILABLE`."""
    if is_store_locked(exc):
        return STORE_WAITING
    return _refusal(sqlstate_of(exc)) or STORE_UNAVAILABLE


def _refusal(state: str | None) -> str | None:
    """:data:`STORE_FULL` or :data:`STORE_READ_ONLY` for a SQLite error name or SQLSTATE
    saying so; else None."""
    if state is None:
        return None
    if state.startswith(_FULL):
        return STORE_FULL
    if state.startswith(_READ_ONLY):
        return STORE_READ_ONLY
    return None


def describe_store_failure(exc: BaseException) -> str:
    """The class, the cause's class, SQLSTATE and a UTC timestamp; never parameters or text.

    For the server's log, so an admin can tell "too many connections" (53300) from a
    database that went away (08006) without the conversation ever reaching the log.
    """
    cause = getattr(exc, "orig", None) or exc.__cause__
    root = cause.__cause__ if cause is not None and cause.__cause__ is not None else cause
    names = [type(exc).__name__]
    if root is not None and type(root).__name__ not in names:
        names.append(type(root).__name__)
    when = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"{' <- '.join(names)}, SQLSTATE {sqlstate_of(exc) or 'none'}, at {when}"

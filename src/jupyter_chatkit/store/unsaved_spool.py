"""New conversations the store has not taken yet, kept on disk until it does.

A new thread whose first save waits for another process's lock is named to its page
before it is saved (assistant/user_messages.py). Until that save is done, the thread
and the person's first message exist only in the server's memory: a server stopped then
(or after the save failed) lost them. So they are written here as well, one file per
thread, and removed once saved; a server or kernel opening the same store saves what it
finds here (assistant/unsaved_threads.py).

Where: beside a SQLite store's file (``chat.sqlite3-unsaved/``); for PostgreSQL, in
Jupyter's data directory under a digest of the store's URL (its password left out). An
in-memory store has none. The files hold what the store would (the message as sent),
readable by their owner only.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import socket
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit
from uuid import uuid4

from chatkit.types import ThreadItem, ThreadMetadata
from sqlalchemy.engine import URL

from . import codec

log = logging.getLogger("jupyter_chatkit")

SUFFIX = ".json"


@dataclass(frozen=True)
class SpooledThread:
    """A new thread and its first message, not yet saved, of ``user_id``, tied to
    ``notebook`` (if its request named one)."""

    user_id: str
    thread: ThreadMetadata
    first: ThreadItem
    notebook: str | None


class UnsavedSpool:
    """The files of new threads not yet saved in one store (module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        # Names this spool as its files' writer while its store is open (close).
        self.token = uuid4().hex
        _OPEN.add(self.token)

    def close(self) -> None:
        """Its store is closed: what it kept and did not save is anyone's to save (a
        store opened again in this process too)."""
        _OPEN.discard(self.token)

    @classmethod
    def of(cls, url: URL) -> UnsavedSpool | None:
        """The spool of the store at ``url`` (None for an in-memory SQLite store)."""
        if url.get_backend_name() == "sqlite":
            database = _sqlite_file(url)
            return None if database is None else cls(Path(database + "-unsaved"))
        from jupyter_core.paths import jupyter_data_dir

        # Neither the password nor a query parameter that may hold one is hashed: the
        # name is stable per store, and derives from nothing secret.
        secret = [k for k in url.query if any(w in k.lower() for w in _SECRET_WORDS)]
        # (URL.set ignores a None: the URL is made again without the password.)
        where = URL.create(
            url.drivername, url.username, None, url.host, url.port, url.database, url.query
        ).difference_update_query(secret)
        body = where.render_as_string(hide_password=False)
        digest = hashlib.sha256(body.encode()).hexdigest()[:16]
        return cls(Path(jupyter_data_dir()) / "jupyter_chatkit" / f"unsaved-{digest}")

    def put(self, entry: SpooledThread) -> None:
        """Keep ``entry`` until :meth:`drop`; a failure to write is logged, not raised
        (the thread is still kept in memory for its page's Retry)."""
        body = json.dumps(
            {
                "user_id": entry.user_id,
                "thread": codec.dump_thread(entry.thread),
                "first": codec.dump_item(entry.first),
                "notebook": entry.notebook,
                "writer": {**_process(), "spool": self.token},
            }
        )
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            # Written whole, then renamed: a stop mid-write leaves no half a file.
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    out.write(body)
                    # On disk before the page is told of the thread (rare: a save
                    # that waits), so a machine that stops then keeps it too.
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self._path(entry.thread.id))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            log.warning("Could not keep an unsaved new conversation on disk: %s", exc.strerror)

    def drop(self, thread_id: str) -> None:
        """Forget ``thread_id``'s file (saved now); none is fine."""
        with contextlib.suppress(OSError):
            self._path(thread_id).unlink()

    def entries(self) -> list[SpooledThread]:
        """What is kept that its writer can no longer save, oldest first: a file whose
        writer still runs on this host (a server whose first save waits, seen by a
        kernel opening the store) is its writer's. An unreadable file is logged and
        left as it is."""
        try:
            paths = [p for p in self.directory.iterdir() if p.name.endswith(SUFFIX)]
        except OSError:
            return []  # none kept (the usual case: no directory)
        found = []
        for path in sorted(paths, key=_mtime):
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                if _running(raw.get("writer")):
                    continue
                thread = ThreadMetadata.model_validate_json(raw["thread"])
                first = codec.load_item(raw["first"], item_id="first", thread_id=thread.id)
                if first is None or path.name != _name(thread.id):
                    raise ValueError("unreadable")
                notebook = raw.get("notebook")
                entry = SpooledThread(
                    str(raw["user_id"]),
                    thread,
                    first,
                    notebook if isinstance(notebook, str) else None,
                )
            except (OSError, ValueError, KeyError, TypeError):
                log.warning("An unsaved new conversation's file is unreadable: %s", path)
                continue
            found.append(entry)
        return found

    def _path(self, thread_id: str) -> Path:
        return self.directory / _name(thread_id)


# Query parameters of a PostgreSQL URL that may hold a secret (password, sslpassword,
# passfile, sslkey...): left out of the spool's name.
_SECRET_WORDS = ("pass", "secret", "token", "key")


def _sqlite_file(url: URL) -> str | None:
    """The file of the SQLite store at ``url`` (None in memory); the database of a URL
    with ``uri=true`` is a ``file:`` URI (its path is the file)."""
    database = url.database or ""
    if str(url.query.get("uri", "")).lower() in ("true", "1"):
        parts = urlsplit(database)
        if parts.scheme == "file":
            if url.query.get("mode") == "memory" or "mode=memory" in parts.query:
                return None
            database = unquote(parts.path)
    if database in ("", ":memory:") or database.startswith("file::memory:"):
        return None
    return database


# The tokens of this process's spools whose stores are open.
_OPEN: set[str] = set()


@functools.cache
def _process() -> dict[str, object]:
    """This process, as a spool file names its writer (host, pid, start time)."""
    # psutil (~18 ms of CPU) is imported when a file is written or found, as
    # :func:`_running` does: most processes never spool a conversation.
    import psutil

    return {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "started": psutil.Process().create_time(),
    }


def _running(writer: object) -> bool:
    """Whether the spool ``writer`` names is still open: its process runs on this host
    (a pid taken again by another process has another start time). A file of another
    host is taken: the save inserts only a thread the store does not have."""
    if not isinstance(writer, dict) or writer.get("host") != socket.gethostname():
        return False
    pid, started = writer.get("pid"), writer.get("started")
    if not isinstance(pid, int) or not isinstance(started, (int, float)):
        return False
    if pid == os.getpid():
        return writer.get("spool") in _OPEN
    import psutil

    try:
        return abs(psutil.Process(pid).create_time() - started) < 1.0
    except psutil.Error:
        return False  # gone (or not ours to read: then not the writer either)


def _name(thread_id: str) -> str:
    # Thread ids are the store's own (thr_ + hex); a digest keeps any other safe.
    safe = (
        thread_id
        if thread_id.replace("_", "").isalnum()
        else hashlib.sha256(thread_id.encode()).hexdigest()
    )
    return safe + SUFFIX


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return datetime.now().timestamp()

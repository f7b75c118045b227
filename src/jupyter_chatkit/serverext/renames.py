"""Renamed or moved notebooks keep their conversations, whether they are open or not.

jupyter_server emits a ``contents_service`` event for every rename done through its
contents API (JupyterLab's file browser, ``PATCH /api/contents/<path>``, a rename of a
folder too). The extension listens to it and re-points the threads of the old path (or
of every notebook under an old folder) at the new one, in the store.

A notebook path means something only on the server whose root it is under, and a store
may be shared by many servers (JupyterHub, a team's PostgreSQL). So each thread records
the server it was made through (:func:`server_id`, the store's ``threads.server``), and
a rename moves:

- every thread made through this server, whoever owns it (its hub user, an admin or a
  user given access who chatted here: their threads name this server's files);
- threads recorded before servers were (older releases), only if their owner is this
  server's owner: under a hub ``JUPYTERHUB_USER``, on a plain server its single user
  (``local``); a server whose identity provider names several users has no owner, so
  its older threads stay where they are.

Nobody else's threads change, whatever path they name. Threads keep their owner; only
the notebook they point at changes. Renames made outside Jupyter (``mv`` in a
terminal) send no event and are not followed.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection, Coroutine, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_core.paths import jupyter_data_dir

if TYPE_CHECKING:
    from jupyter_events import EventLogger

    from ..store import SQLStore

log = logging.getLogger("jupyter_chatkit")

CONTENTS_SCHEMA = "https://events.jupyter.org/jupyter_server/contents_service/v1"


def server_id(environ: Mapping[str, str], hub: bool, root_dir: str) -> str:
    """The name this server's threads record (see the module docstring).

    Under a hub: the hub user and server name, which the hub keeps unique. Otherwise the
    installation (an id kept in Jupyter's data directory) and the server's root, so two
    servers sharing a store never take each other for one another.
    """
    if hub:
        user = environ.get("JUPYTERHUB_USER", "").strip()
        return f"hub:{user}/{environ.get('JUPYTERHUB_SERVER_NAME', '').strip()}"
    return f"root:{_installation_id()}:{os.path.realpath(root_dir)}"


def _installation_id() -> str:
    """A random id made once per Jupyter data directory (the host name if unwritable)."""
    path = Path(jupyter_data_dir()) / "jupyter_chatkit" / "installation-id"
    try:
        return path.read_text().strip() or socket.gethostname()
    except FileNotFoundError:
        pass
    except OSError:
        return socket.gethostname()
    made = uuid.uuid4().hex
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x") as out:
            out.write(made)
    except FileExistsError:
        # Another server made it first: use theirs.
        return path.read_text().strip() or socket.gethostname()
    except OSError:
        return socket.gethostname()
    return made


class RenameFollower:
    """Listens to the contents events and moves the threads of renamed notebooks."""

    def __init__(
        self, store: Callable[[], Coroutine[Any, Any, SQLStore]], owners: Collection[str]
    ) -> None:
        """``store`` gives the (lazily opened) store, whose ``server_id`` is this
        server's; ``owners``: whose threads recorded without a server follow too."""
        self._store = store
        self.owners: frozenset[str] = frozenset(owners)

    def listen(self, event_logger: EventLogger) -> None:
        """Start following renames announced on ``event_logger``."""
        # Unmodified: a deployment's modifier that masks paths in its logs must not
        # blind us to where the notebook went.
        event_logger.add_listener(schema_id=CONTENTS_SCHEMA, modified=False, listener=self.on_event)

    def stop(self, event_logger: EventLogger) -> None:
        """Stop following renames."""
        event_logger.remove_listener(schema_id=CONTENTS_SCHEMA, listener=self.on_event)

    async def on_event(self, logger: EventLogger, schema_id: str, data: dict[str, Any]) -> None:
        """One contents event: a rename moves the threads of its source path."""
        del logger, schema_id
        if data.get("action") != "rename":
            return
        old, new = data.get("source_path"), data.get("path")
        if not isinstance(old, str) or not isinstance(new, str):
            return
        old, new = old.strip("/"), new.strip("/")
        if not old or not new or old == new:
            return
        try:
            store = await self._store()
            moved = await store.move_notebook(old, new, owners=self.owners)
        except Exception as exc:
            # The rename itself succeeded; the conversations stay where they were.
            log.warning(
                "jupyter-chatkit: could not move the conversations of a renamed notebook: %s",
                type(exc).__name__,
            )
            return
        if moved:
            log.info("jupyter-chatkit: %d conversation(s) followed a renamed notebook", moved)

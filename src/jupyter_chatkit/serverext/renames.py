"""Renamed or moved notebooks keep their conversations, whether they are open or not.

jupyter_server emits a ``contents_service`` event for every rename done through its
contents API (JupyterLab's file browser, ``PATCH /api/contents/<path>``, a rename of a
folder too). The extension listens to it and re-points the threads of the old path (or
of every notebook under an old folder) at the new one, in the store, for the users this
server acts for:

- a plain single-user server: its owner (``local``);
- a server whose identity provider names several users (one root for all of them):
  every user of its store;
- a server spawned by JupyterHub, whose store may be shared with other users' servers
  and their own files: its hub user, and whoever else has chatted through this server
  since it started (an admin, a user given access). Nobody else's threads change.

Threads keep their owner; only the notebook they point at changes. Renames made outside
Jupyter (``mv`` in a terminal) send no event and are not followed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Coroutine
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_events import EventLogger

    from ..store import SQLStore

log = logging.getLogger("jupyter_chatkit")

CONTENTS_SCHEMA = "https://events.jupyter.org/jupyter_server/contents_service/v1"


class RenameFollower:
    """Listens to the contents events and moves the threads of renamed notebooks."""

    def __init__(
        self,
        store: Callable[[], Coroutine[Any, Any, SQLStore]],
        users: Collection[str] | None,
        *,
        learn_users: bool = False,
    ) -> None:
        """``store`` gives the (lazily opened) store; ``users`` whose threads follow
        renames (``None``: every user); with ``learn_users``, also each user
        :meth:`served` names."""
        self._store = store
        self._users: set[str] | None = None if users is None else set(users)
        self._learn = learn_users and self._users is not None

    @property
    def users(self) -> frozenset[str] | None:
        """Whose threads follow renames now (``None``: every user's)."""
        return None if self._users is None else frozenset(self._users)

    def served(self, user_id: str) -> None:
        """This server answered ``user_id``: their threads follow its renames too."""
        if self._learn and self._users is not None:
            self._users.add(user_id)

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
            moved = await store.move_notebook(old, new, self.users)
        except Exception as exc:
            # The rename itself succeeded; the conversations stay where they were.
            log.warning(
                "jupyter-chatkit: could not move the conversations of a renamed notebook: %s",
                type(exc).__name__,
            )
            return
        if moved:
            log.info("jupyter-chatkit: %d conversation(s) followed a renamed notebook", moved)

"""The provider's connection, opened again while a person writes their next question.

A turn's model request goes out on the model client's pooled connection to the
provider. After a pause that connection may be gone: the client keeps an idle one
:data:`~.openai_client.KEEPALIVE_EXPIRY` seconds, and servers close theirs sooner
(uvicorn under vLLM after 5 s, nginx after 75 s). The turn after such a pause paid a
new connection on its path: name resolution (in a worker thread), TCP, TLS; ~2 ms of
the server's CPU and two or three round trips to a hosted provider.

So a page tells the server when a person writes in its message box (``Turn.WARM``, at
most every few seconds while they type, js/src/client/providerwarm.ts), and
:class:`ConnectionWarmer` makes sure the pool holds a live connection before Enter: when
the client has not used its provider for :data:`WARM_AFTER` seconds, it sends one
``HEAD`` of the provider's base URL on that client, in the background. The request
carries no key and no body (its answer, a 401 or a 404, is dropped unread); a live
connection is reused for it (one round trip), a dead one replaced, as the next turn's
request would have had to. The turn itself gains no request. A model picked in the
chat's header shares the configured model's client (model_choice.py), so its turns go
out on the connection warmed here too.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any

log = logging.getLogger("jupyter_chatkit")

__all__ = ["WARM_AFTER", "WARM_TIMEOUT", "ConnectionWarmer", "connection_warmer", "warm_with"]

# Seconds without a provider request after which its connection may be gone: under the
# shortest idle timeout of the usual servers (uvicorn's 5 s).
WARM_AFTER = 4.0
# The longest a warming request may take (a provider that does not answer a HEAD).
WARM_TIMEOUT = 10.0

# The warmer of each model built with one (models.build_model).
_WARMERS: weakref.WeakKeyDictionary[object, ConnectionWarmer] = weakref.WeakKeyDictionary()


class ConnectionWarmer:
    """Keeps an httpx(2) ``AsyncClient``'s connection to ``url`` open on request."""

    def __init__(self, client: Any, url: str) -> None:
        """``client``: the model client's own HTTP client; ``url``: the provider's base
        URL. Its request and response hooks note when the provider was last used."""
        self.client = client
        self.url = url
        self.used = -WARM_AFTER
        # The warming request in flight, or the last one (done).
        self.warming: asyncio.Task[None] | None = None
        hooks = client.event_hooks
        client.event_hooks = {
            **hooks,
            "request": [*hooks["request"], self._note],
            "response": [*hooks["response"], self._note],
        }

    async def _note(self, _message: object) -> None:
        self.used = time.monotonic()

    def warm(self) -> bool:
        """Open the connection again in the background when it may be gone (no request
        to the provider for :data:`WARM_AFTER` seconds, none warming now); whether it
        does."""
        if self.warming is not None and not self.warming.done():
            return False
        if time.monotonic() - self.used < WARM_AFTER:
            return False
        self.used = time.monotonic()
        self.warming = asyncio.get_running_loop().create_task(self._touch())
        return True

    async def _touch(self) -> None:
        try:
            # No key, no body: only the connection matters (its answer is dropped).
            await self.client.head(self.url, timeout=WARM_TIMEOUT)
        except Exception as exc:  # the turn will report a provider that cannot be reached
            log.debug("jupyter-chatkit: warming the provider connection failed: %r", exc)


def warm_with(model: object, warmer: ConnectionWarmer) -> None:
    """Make ``warmer`` the one of ``model`` (:func:`connection_warmer`)."""
    _WARMERS[model] = warmer


def connection_warmer(model: object) -> ConnectionWarmer | None:
    """The warmer of ``model``; None for a model without one (offline, scripted)."""
    try:
        return _WARMERS.get(model)
    except TypeError:  # not weakly referenceable: none was registered
        return None

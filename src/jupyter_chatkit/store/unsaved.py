"""A write of a turn's stream that the store cannot take now, said in words.

ChatKit saves each finished item of a streamed turn (and the thread, when it changed)
as the turn streams, and turns whatever such a save raises into a bare ``stream.error``
with no message, logging a traceback. A store that cannot serve now (another process
holds its lock past ``store_lock_timeout``, a database gone away, a full disk) thus
ended an answer with "The assistant ran into an error" and nothing to act on. The
writes ChatKit calls (:func:`said_unsaved`) raise :class:`NotSaved` instead, a
``CustomStreamError`` whose message says what was not saved, why and what to do;
JSON requests still answer 503 with the store's own message (the cause is kept).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

from chatkit.errors import CustomStreamError

from .engine import (
    StoreFailureInWords,
    describe_store_failure,
    is_store_unavailable,
    store_failure_message,
)

log = logging.getLogger("jupyter_chatkit")

P = ParamSpec("P")
T = TypeVar("T")


class NotSaved(CustomStreamError, StoreFailureInWords):
    """A turn's write failed because the store cannot serve now; nothing of it was
    written, nothing stored before is lost. ``__cause__`` is the store's failure."""

    def __init__(self, cause: BaseException) -> None:
        """The message says what ``cause`` means for people (never its own text)."""
        super().__init__(
            f"This answer could not be saved. {store_failure_message(cause)}", allow_retry=True
        )


def said_unsaved(
    write: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    """``write``, raising :class:`NotSaved` (from the failure) for a store that cannot
    serve now (:func:`~.engine.is_store_unavailable`); other errors as they are."""

    @functools.wraps(write)
    async def saying(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await write(*args, **kwargs)
        except Exception as exc:
            if isinstance(exc, NotSaved) or not is_store_unavailable(exc):
                raise
            log.error("The conversation store is unavailable: %s", describe_store_failure(exc))
            raise NotSaved(exc) from exc

    return saying

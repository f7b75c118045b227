"""What each recent request printed, the last lines of each stream.

A failed shell command (``!cmd``, ``%%bash``) raises nothing that holds its output:
``!cmd`` leaves an exit status, ``%%bash`` a CalledProcessError naming its script. What
went wrong is on its stderr (or, for ``!cmd``, its merged output), which the kernel
sends as stream messages. ipykernel's output streams take hooks that see each message
before it is sent, in the IO thread (their hook list is that thread's own); the tail of
each stream is kept per request (the cell's ``msg_id``), for the few newest requests.
Reading a message's text runs no user code.
"""

from __future__ import annotations

import collections
import sys
import threading
from functools import partial
from typing import Any

# Characters kept of each stream of a request, and requests kept.
TAIL_CHARS = 1_500
REQUESTS = 20


class StreamTails:
    """The last :data:`TAIL_CHARS` of stdout and stderr of the newest :data:`REQUESTS`."""

    def __init__(self) -> None:
        self._tails: collections.OrderedDict[str, dict[str, str]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def hook(self, msg: Any) -> Any:
        """ipykernel stream hook: note the message's text; the message goes on unchanged."""
        try:
            parent = msg.get("parent_header") or {}
            request = parent.get("msg_id")
            content = msg.get("content") or {}
            name, text = content.get("name"), content.get("text")
            if type(request) is str and name in ("stdout", "stderr") and type(text) is str:
                with self._lock:
                    tails = self._tails.setdefault(request, {})
                    self._tails.move_to_end(request)
                    tails[name] = (tails.get(name, "") + text)[-TAIL_CHARS:]
                    while len(self._tails) > REQUESTS:
                        self._tails.popitem(last=False)
        except Exception:
            pass  # a hook that raised would stop the kernel's output
        return msg

    def of(self, request: str | None) -> dict[str, str]:
        """The kept tails of ``request``'s streams, by stream name."""
        if request is None:
            return {}
        with self._lock:
            return dict(self._tails.get(request, {}))


def watch() -> StreamTails | None:
    """Start keeping the tails of this kernel's stdout and stderr (None outside ipykernel)."""
    tails = StreamTails()
    watched = False
    for stream in (sys.stdout, sys.stderr):
        register = getattr(stream, "register_hook", None)
        thread = getattr(stream, "pub_thread", None)
        schedule = getattr(thread, "schedule", None)
        if callable(register) and callable(schedule):
            # The hooks a flush runs are its IO thread's: registered there.
            schedule(partial(register, tails.hook))
            watched = True
    return tails if watched else None


def request_id(shell: Any) -> str | None:
    """The id of the request the shell is running (its parent message's)."""
    try:
        header = getattr(shell, "parent_header", None)
        msg_id = (header or {}).get("header", {}).get("msg_id")
    except Exception:
        return None
    return msg_id if type(msg_id) is str else None

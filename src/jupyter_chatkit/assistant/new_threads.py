"""How many new conversations one user may start per minute.

Threads are stored for good and listed in their owner's sidebar: without a bound, one
user (or a script holding their token) could start conversations as fast as the server
answers and fill a store other users share (PostgreSQL under JupyterHub). A sliding
window per user, in this process; ``threads.create`` past it is refused before anything
is written.
"""

from __future__ import annotations

import math
import time
from collections import deque

WINDOW_SECONDS = 60.0
# Users remembered at once before those with no start in the window are forgotten.
_PRUNE_AT = 1024


class NewThreadLimit:
    """At most ``per_minute`` new threads per user in any 60 s (0: no limit)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._starts: dict[str, deque[float]] = {}

    def take(self, user_id: str) -> int:
        """Count one new thread of ``user_id``: 0 if allowed, else the whole seconds to
        wait before the next one is (nothing is counted then)."""
        if self.per_minute <= 0:
            return 0
        now = time.monotonic()
        starts = self._starts.get(user_id)
        if starts is None:
            if len(self._starts) >= _PRUNE_AT:
                self._prune(now)
            starts = self._starts[user_id] = deque(maxlen=self.per_minute)
        while starts and now - starts[0] >= WINDOW_SECONDS:
            starts.popleft()
        if len(starts) >= self.per_minute:
            return max(1, math.ceil(WINDOW_SECONDS - (now - starts[0])))
        starts.append(now)
        return 0

    def _prune(self, now: float) -> None:
        for user_id in [
            u for u, s in self._starts.items() if not s or now - s[-1] >= WINDOW_SECONDS
        ]:
            del self._starts[user_id]

"""The per-request context every store call and agent run is scoped by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    """Who is asking. ``user_id`` scopes every store query; nothing else does."""

    user_id: str
    # Free-form, non-secret facts from the transport (e.g. "server" or "kernel").
    origin: str = "server"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

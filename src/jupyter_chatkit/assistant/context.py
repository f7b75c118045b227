"""The per-request context every store call and agent run is scoped by."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The store's user scope on a single-user Jupyter server, where whoever holds the token
# or password is the server's owner (Jupyter's stock identity provider gives token users
# a random name per request, which would lose every thread). The in-kernel assistant
# uses it too, so threads started there show up in the sidebar.
LOCAL_USER = "local"


@dataclass(frozen=True)
class RequestContext:
    """Who is asking. ``user_id`` scopes every store query; nothing else does."""

    user_id: str
    # Free-form, non-secret facts from the transport (e.g. "server" or "kernel").
    origin: str = "server"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

"""The request context now lives in :mod:`jupyter_chatkit.protocol`; kept so imports in
flight work. New code imports ``RequestContext`` and ``LOCAL_USER`` from there."""

from __future__ import annotations

from ..protocol import LOCAL_USER, RequestContext

__all__ = ["LOCAL_USER", "RequestContext"]

"""What the kernel tools read: the user namespace, IPython's hidden names, its shell.

Its own module, importing nothing of ours: the JupyterLab sidebar's check before each
message (:func:`~.known_secrets.hide_known_json`) reads a :class:`KernelView` without
loading the tools that describe values or read cells (:mod:`.introspect`, :mod:`.cells`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass
class KernelView:
    """What the tools read: a user namespace, IPython's hidden names, and its history."""

    namespace: Mapping[str, Any]
    hidden: Mapping[str, Any] | None = None
    shell: Any = field(default=None, repr=False)

    @classmethod
    def current(cls) -> KernelView:
        """The running IPython shell's namespace, or ``__main__``'s outside IPython."""
        shell = current_shell()
        if shell is not None:
            return cls(shell.user_ns, shell.user_ns_hidden, shell)
        main = sys.modules.get("__main__")
        return cls(vars(main) if main is not None else {})


def current_shell() -> Any:
    """The running IPython shell, or None (without importing IPython)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return None
    try:
        return ipython.get_ipython()
    except Exception:
        return None

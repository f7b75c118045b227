"""jupyter-chatkit: a notebook assistant for Jupyter.

One package, three extensions: a Jupyter server extension (the ChatKit endpoint), a
JupyterLab extension (the sidebar) and an IPython extension (``%load_ext
jupyter_chatkit``). Heavy modules load lazily so importing this stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .kernel import Chat

    __version__: str

__all__ = ["Chat", "__version__", "load_ipython_extension"]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Tell jupyter_server where the extension app lives."""
    from .serverext.app import JupyterChatKitApp

    return [{"module": "jupyter_chatkit", "app": JupyterChatKitApp}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt extension is."""
    return [{"src": "labextension", "dest": "jupyter-chatkit"}]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_chatkit``: register ``%chat`` and ``%%chat``."""
    from .kernel import load_ipython_extension as load

    load(ipython)


def _read_version() -> str:
    # The one version lives in js/lab/package.json; the build copies it into the metadata.
    # Read on first use: importlib.metadata (email, csv, zipfile) and the scan of every
    # distribution on sys.path are no part of the kernel's check, which imports this
    # package first (kernel/known_secrets.py, from the JupyterLab sidebar).
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("jupyter-chatkit")
    except PackageNotFoundError:  # a source tree on sys.path without an install
        return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _read_version()
        globals()["__version__"] = value
        return value
    if name == "Chat":
        from .kernel import Chat

        return Chat
    raise AttributeError(f"module 'jupyter_chatkit' has no attribute {name!r}")

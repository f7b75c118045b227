"""List settings given on the command line as one literal.

``jupyter lab '--JupyterChatKit.models=["a", "b"]'`` reaches the extension's settings
as traitlets' ``DeferredConfigString`` (the server read its command line before it
knew the extension's classes). traitlets then fails to read a list literal for a
``List(Unicode())`` (its element check needs an instance) and keeps the text as the
list's one item: a model named ``["a", "b"]``, a redaction pattern that is a character
class and hides nothing it was meant to. :func:`lists_read` reads the literal as the
list it spells, before traitlets loads the section.
"""

from __future__ import annotations

from ast import literal_eval
from typing import Any

from traitlets import List
from traitlets.config import Config
from traitlets.config.loader import DeferredConfigString


def lists_read(cfg: Config, owner: Any) -> Config:
    """``cfg`` with each ``List`` setting of ``owner`` given as one list literal of
    strings read as that list (a copy; ``cfg`` itself is left as it is)."""
    name = type(owner).__name__
    section = cfg.get(name) if isinstance(cfg, dict) else None
    if not isinstance(section, dict):
        return cfg
    read: dict[str, list[str]] = {}
    for key, value in section.items():
        if not isinstance(value, DeferredConfigString) or not isinstance(
            owner.traits().get(key), List
        ):
            continue
        try:
            items = literal_eval(value.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(items, (list, tuple)) and all(isinstance(i, str) for i in items):
            read[key] = list(items)
    if not read:
        return cfg
    copy = Config(cfg)
    copy[name] = Config({**section, **read})
    return copy

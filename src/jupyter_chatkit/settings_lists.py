"""List settings given on the command line as list literals.

``jupyter lab '--JupyterChatKit.models=["a", "b"]'`` reaches the extension's settings
as traitlets' ``DeferredConfigString`` (the server read its command line before it
knew the extension's classes). traitlets then fails to read a list literal for a
``List(Unicode())`` (its element check needs an instance) and keeps the text as the
list's one item: a model named ``["a", "b"]``, a redaction pattern that is a character
class and hides nothing it was meant to. :func:`lists_read` reads the literal as the
list it spells, before traitlets loads the section.

A flag given again adds items, as traitlets documents for a list (``--X.models a
--X.models b``; a ``DeferredConfigList``): each literal among them gives its items in
turn (``=["a"] =["b"]`` is ``["a", "b"]``; traitlets, even for a class it knows, keeps
each literal as one item of text). A literal holding other than text (``["A", 1]``) is
refused with the setting's name, as traitlets refuses it for a class it knows.
"""

from __future__ import annotations

from ast import literal_eval
from typing import Any

from traitlets import List, TraitError
from traitlets.config import Config
from traitlets.config.loader import DeferredConfigList, DeferredConfigString


def lists_read(cfg: Config, owner: Any) -> Config:
    """``cfg`` with each ``List`` setting of ``owner`` given as list literals of strings
    read as those lists, one after another (a copy; ``cfg`` itself is left as it is)."""
    name = type(owner).__name__
    section = cfg.get(name) if isinstance(cfg, dict) else None
    if not isinstance(section, dict):
        return cfg
    read: dict[str, list[str]] = {}
    for key, value in section.items():
        if not isinstance(owner.traits().get(key), List):
            continue
        if isinstance(value, DeferredConfigString):
            given = [str(value)]
        elif isinstance(value, DeferredConfigList):
            given = [str(item) for item in value]
        else:
            continue
        items = [_items(f"{name}.{key}", text) for text in given]
        if any(found is not None for found in items):
            read[key] = [
                item for text, found in zip(given, items, strict=True) for item in found or [text]
            ]
    if not read:
        return cfg
    copy = Config(cfg)
    copy[name] = Config({**section, **read})
    return copy


def _items(setting: str, text: str) -> list[str] | None:
    """The strings a list literal spells, or None for a text that is no list literal
    (one name, a pattern such as ``[A-Z]{3}-[0-9]+``)."""
    try:
        items = literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not isinstance(items, (list, tuple)):
        return None
    if not all(isinstance(item, str) for item in items):
        kinds = sorted({type(item).__name__ for item in items if not isinstance(item, str)})
        # (Not the text: a list may hold patterns for what is to be hidden.)
        raise TraitError(f"--{setting}: each item must be a quoted string, not {', '.join(kinds)}")
    return list(items)

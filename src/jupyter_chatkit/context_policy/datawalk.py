"""Secrets in JSON-ready data (tool results): a key such as ``"password"`` marks its
value as secret, a ``{"name": "DB_PASSWORD", "value": …}`` entry its value, a list of
names and values its pairs; every string is read as text. The part of
:class:`.redact.Redactor` that walks data, kept apart from the one that reads text.
"""

from __future__ import annotations

from typing import Any

from .calls import pair_hides
from .names import is_placeholder, is_secret_name, marker
from .values import _plain_key, describe_hidden, is_secret_pair

# Values under a secret name that say nothing and may stay (flags, empties).
_KEEP_UNDER_SECRET_NAME = (None, True, False, "")
_CONTAINERS = (str, dict, list, tuple)
# Keys of our own tool results that hold the value of the entry named by "name".
_VALUE_KEYS = ("value", "preview", "repr", "head", "items")


class DataRedaction:
    """Walks JSON-ready data; its strings go to :meth:`text` (the redactor's)."""

    enabled: bool
    count: int
    # When set: ``data`` cuts longer strings (and lists) to this many before redacting.
    cut: int

    def text(self, value: str) -> str:
        """``value`` redacted as text (the redactor's own)."""
        raise NotImplementedError

    # -- names -------------------------------------------------------------------------

    def secret_name(self, name: Any) -> bool:
        """True when redaction is on and ``name`` marks a secret."""
        return self.enabled and isinstance(name, str) and is_secret_name(name)

    def hide(self, value: Any) -> str:
        """The placeholder for a value hidden because of its name (counted)."""
        self.count += 1
        return marker(describe_hidden(value))

    # -- JSON-ready data ---------------------------------------------------------------

    def data(self, value: Any, depth: int = 0) -> Any:
        """A copy of JSON-ready ``value`` with secrets hidden, by key name and in text."""
        if isinstance(value, str):
            if self.cut and len(value) > self.cut:
                head = self.text(value[: self.cut])
                return f"{head}… [{len(value) - self.cut:,} more chars]"
            return self.text(value)
        if depth > 40:
            return value
        if isinstance(value, dict):
            out: dict[Any, Any] = {}
            enabled = self.enabled
            entry_secret = (
                enabled and self.secret_name(value.get("name")) and value.get("type") != "class"
            )
            for key, item in value.items():
                # is_secret_pair: a secret name, or a key-ish one holding a random string
                # (most keys are ordinary ones, known after their first look).
                if (
                    enabled
                    and (
                        (entry_secret and key in _VALUE_KEYS)
                        or (not _plain_key(key) and is_secret_pair(key, item))
                    )
                    and item not in _KEEP_UNDER_SECRET_NAME
                    and not (type(item) is str and is_placeholder(item))
                ):
                    out[key] = self.hide(item)
                elif isinstance(item, _CONTAINERS):
                    # A type's name is read too: the user names a class
                    # (``type("sk-…", (), {})``), and it reaches the model in listings.
                    out[key] = self.data(item, depth + 1)
                else:
                    out[key] = item  # a number, a flag, None: nothing to hide
            return out
        if isinstance(value, list | tuple):
            more = len(value) - self.cut if self.cut else 0
            items = value[: self.cut] if more > 0 else value
            # Rows of numbers are most of a table: only strings and containers need a look.
            out_items = [
                self.data(item, depth + 1) if isinstance(item, _CONTAINERS) else item
                for item in items
            ]
            if self.enabled:
                for k in pair_hides(out_items):
                    out_items[k] = self.hide(out_items[k])
            if more > 0:
                out_items.append(f"… {more:,} more items not shown")
            return out_items
        return value

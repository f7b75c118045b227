"""Regular expressions compiled at their first use, not when their module is imported.

The context policy's modules hold ~110 expressions. Compiled at import, they cost the
kernel ~150 ms wherever it loads the policy: the JupyterLab sidebar's check before each
message (``kernel/known_secrets.py``, which runs none of them when the kernel holds no
secret) and ``%load_ext``. :func:`lazy_compile` defers each one to its first use; the
expression, and so every redaction, is the same.
"""

from __future__ import annotations

import re
from typing import Any, cast

# What the policy calls on its patterns. After the first call each is the compiled
# pattern's own bound method, set on the instance (see LazyPattern.compiled).
_METHODS = ("search", "match", "fullmatch", "sub", "subn", "finditer", "findall", "split")


class LazyPattern:
    """A ``re.Pattern`` stand-in that compiles on its first use.

    Its methods compile the expression once, then put the compiled pattern's bound
    methods on the instance, where attribute lookup finds them before the class's: from
    then on a call goes straight to ``re``, with nothing of this class in between.
    """

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if this is its first use)."""
        compiled = self._compiled
        if compiled is None:
            # Two threads may both get here: each compiles (re caches it), same result.
            compiled = re.compile(self._source, self._flags)
            for name in _METHODS:
                setattr(self, name, getattr(compiled, name))
            self._compiled = compiled
        return compiled

    @property
    def pattern(self) -> str:
        """The expression's source, as ``re.Pattern.pattern`` (compiles nothing)."""
        return self._source

    @property
    def flags(self) -> int:
        """As ``re.Pattern.flags``."""
        return self.compiled().flags

    @property
    def groups(self) -> int:
        """As ``re.Pattern.groups``."""
        return self.compiled().groups

    @property
    def groupindex(self) -> Any:
        """As ``re.Pattern.groupindex``."""
        return self.compiled().groupindex

    def search(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.search``."""
        return self.compiled().search(*args, **kwargs)

    def match(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.match``."""
        return self.compiled().match(*args, **kwargs)

    def fullmatch(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.fullmatch``."""
        return self.compiled().fullmatch(*args, **kwargs)

    def sub(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.sub``."""
        return self.compiled().sub(*args, **kwargs)

    def subn(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.subn``."""
        return self.compiled().subn(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.finditer``."""
        return self.compiled().finditer(*args, **kwargs)

    def findall(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.findall``."""
        return self.compiled().findall(*args, **kwargs)

    def split(self, *args: Any, **kwargs: Any) -> Any:
        """As ``re.Pattern.split``."""
        return self.compiled().split(*args, **kwargs)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source!r}, {self._flags!r})"


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled at its first use (typed as the pattern
    it stands for: only its methods and ``pattern``/``flags``/``groups``/``groupindex``
    are used; pass it to nothing that wants a real ``re.Pattern``)."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))

"""Which of a test's own hostile classes ran while the code under test described them:
the house rule is that describing a value calls none of the user's code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def user_code_calls(filename: str, owners: set[str]) -> Iterator[list[str]]:
    """The qualified names of the functions defined in ``filename`` under a class (or
    function) named in ``owners`` that are called inside the block, in order."""
    seen: list[str] = []

    def profile(frame: Any, event: str, arg: Any) -> None:
        code = frame.f_code
        owner = code.co_qualname.partition(".")[0]
        if event == "call" and code.co_filename == filename and owner in owners:
            seen.append(code.co_qualname)

    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)

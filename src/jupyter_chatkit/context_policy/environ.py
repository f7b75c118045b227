"""Environment mappings for the model: names, and values only for harmless variables.

``os.environ`` and dicts copied from it are shown as which variables are set (secret
ones with a placeholder) and the values of a few harmless ones (``PATH``, ``HOME``, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import rules
from .lazy_patterns import lazy_compile
from .names import is_secret_name, marker
from .redact import Redactor, describe_hidden


def is_env_allowed(name: str) -> bool:
    """True for environment variables whose values are harmless (PATH, HOME, LANG, ...)."""
    return name in _ENV_ALLOW or any(name.startswith(p) for p in rules.ENV_ALLOW_PREFIXES)


_ENV_ALLOW = frozenset(rules.ENV_ALLOW_NAMES)


def env_view(
    items: Iterable[tuple[Any, Any]],
    total: int,
    redactor: Redactor,
    limit: int = 60,
    values_limit: int = 20,
) -> dict[str, Any]:
    """An environment mapping for the model: names, and values only for harmless ones.

    Names that mark a secret (``GITHUB_TOKEN``) are listed first with a placeholder, so
    the model can say the credential is set without ever seeing it.
    """
    names: list[str] = []
    secrets: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in items:
        if not isinstance(key, str):
            continue
        if is_env_allowed(key) and isinstance(value, str):
            if len(values) < values_limit:
                values[key] = redactor.text(value[:1000])
        elif is_secret_name(key) and len(secrets) < 50:
            secrets[key] = marker(describe_hidden(value))
        else:
            names.append(key)
    names.sort()
    out: dict[str, Any] = {
        "length": total,
        "set_but_hidden": secrets,
        "values": values,
        "other_names": names[:limit],
        "note": "An environment mapping: values are shown only for harmless variables "
        "(PATH, HOME, LANG, ...); set_but_hidden names are set, their values hidden; "
        "other values are not shown.",
    }
    if len(names) > limit:
        out["more_names"] = len(names) - limit
    return out


_ENV_NAME = lazy_compile(r"^[A-Z_][A-Z0-9_]*$")


def is_env_like(mapping: Mapping[Any, Any]) -> bool:
    """True for a dict that looks copied from ``os.environ`` (upper-case names, PATH/HOME)."""
    try:
        n = dict.__len__(mapping) if isinstance(mapping, dict) else len(mapping)
        if n < 4:
            return False
        keys = list(dict.keys(mapping))[:200] if isinstance(mapping, dict) else []
    except Exception:
        return False
    if not keys or not all(isinstance(k, str) and _ENV_NAME.match(k) for k in keys):
        return False
    return "PATH" in keys or "HOME" in keys

"""Settings built from a config that holds a value traitlets refuses.

``--JupyterChatKit.max_upload_bytes=abc``, ``'--JupyterChatKit.models=["a", 1]'`` or the
same in a config file made building the settings raise. The server extension then failed
to link (a traceback in the log) and loaded with none of the config's settings: its
redaction patterns and store URL dropped without a word, the provider read from the
environment alone. ``jupyter chatkit`` printed a traceback. :func:`checked_settings`
builds the settings with each refused value left out and says why the first was refused,
naming the setting and what it must be, never its value (it may be a key, or a pattern
for what is to be hidden): the server keeps the assistant off and answers every request
with that reason, as for a refused environment value; the check command reports it.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from traitlets import List, TraitError, TraitType, Unicode
from traitlets.config import Config, Configurable

from .settings import JupyterChatKit

SECTION = JupyterChatKit.__name__


def checked_settings(
    config: Config, parent: Configurable | None = None
) -> tuple[JupyterChatKit, str | None]:
    """The settings ``config`` gives (``parent``'s config when it is None), and why the
    first refused value was refused, or None. A refused value is left out: its setting
    keeps its default."""
    if config is None and parent is not None:
        config = parent.config
    try:
        return JupyterChatKit(parent=parent, config=config), None
    except (TraitError, ValueError):
        section = config.get(SECTION) if isinstance(config, dict) else None
        if not isinstance(section, dict):
            raise  # not a value of ours (nothing to leave out)
    reasons = {key: why for key, value in section.items() if (why := _refusal(key, value))}
    kept = Config(config)
    kept[SECTION] = Config({k: v for k, v in section.items() if k not in reasons})
    first = next(iter(reasons.values()), None)
    return JupyterChatKit(parent=parent, config=kept), first


def unknown_settings(config: Config) -> list[str]:
    """A sentence for each ``c.JupyterChatKit`` name ``config`` gives that is no setting
    (``redact_pattern`` for ``redact_patterns``): traitlets ignores it without a word, so
    a typo'd redaction pattern or model went unnoticed."""
    section = config.get(SECTION) if isinstance(config, dict) else None
    if not isinstance(section, dict):
        return []
    known = JupyterChatKit.class_trait_names(config=True)
    said = []
    for key in section:
        # (A capitalised key is a subsection's, as traitlets reads it.)
        if not isinstance(key, str) or key in known or key[:1].isupper():
            continue
        close = get_close_matches(key, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        said.append(f"c.{SECTION}.{key} is not a jupyter-chatkit setting, so it is ignored{hint}")
    return said


def _refusal(key: str, value: Any) -> str | None:
    """Why ``key = value`` is refused, without the value, or None when it is not."""
    try:
        JupyterChatKit(config=Config({SECTION: {key: value}}))
    except (TraitError, ValueError) as exc:
        text = str(exc)
        trait = JupyterChatKit.class_traits().get(key)
        # traitlets' own words quote the value ("expected an int, not the str 'abc'"); our
        # validators' name only the setting (settings_lists.py, mcp_config.py).
        if trait is not None and (text.startswith(f"The '{key}' trait") or not text):
            text = f"c.{SECTION}.{key} must be {_kind(trait)}"
        return f"{text.rstrip('.')} (set on the command line or in a config file)"
    return None


def _kind(trait: TraitType[Any, Any]) -> str:
    """What a setting's value must be, in a person's words (\"a list of strings\")."""
    if isinstance(trait, List) and isinstance(getattr(trait, "_trait", None), Unicode):
        return "a list of strings"
    return str(trait.info())
